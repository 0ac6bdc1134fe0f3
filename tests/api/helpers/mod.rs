//! Test support: the running application and its HTTP helpers (`app`), and fixtures that read
//! like the clients (`fixtures`; legal aid's in `legal_aid`, staff invitations' in `staff`). Test files import from here only,
//! never from each other.

mod app;
mod fixtures;
mod legal_aid;
mod staff;

pub use app::*;
pub use fixtures::*;
pub use legal_aid::*;
