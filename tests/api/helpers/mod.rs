//! Test support: the running application and its HTTP helpers (`app`), and fixtures that read
//! like the clients (`fixtures`; legal aid's in `legal_aid`; merchant onboarding and staff
//! invitations in `merchants`). Test files import from here only, never from each other.

mod app;
mod fixtures;
mod legal_aid;
mod merchants;
mod outage;

pub use app::*;
pub use fixtures::*;
pub use legal_aid::*;
pub use merchants::*;
pub use outage::Outage;
