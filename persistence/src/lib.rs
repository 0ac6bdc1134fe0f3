//! Persistence: the diesel schema, embedded migrations, one connection type over PostgreSQL and
//! SQLite, the pool, and repository functions that take a connection.
//!
//! Repository functions never open transactions; the service running a use case owns it
//! (see [`write_tx`]).

pub mod accounts;
pub mod audit;
pub mod bulk;
pub mod cards;
pub mod conn;
pub mod counter;
pub mod counts;
pub mod error;
pub mod idempotency;
pub mod ids;
pub mod legal_aid;
pub mod memberships;
pub mod merchants;
pub mod migrate;
pub mod nonces;
pub mod offers;
pub mod orgs;
pub mod otp;
pub mod pool;
pub mod redemptions;
pub mod rollup;
pub mod schema;
mod scope;
pub mod sessions;
mod stored;
/// Throwaway databases for tests (DROP DATABASE, atexit): compiled only for tests.
#[cfg(feature = "test-support")]
pub mod testdb;
pub mod upkeep;
pub mod wechat;

pub use conn::{Backend, DbConn, write_tx};
pub use error::DbError;
pub use pool::{DbPool, PoolOptions, PoolState};
