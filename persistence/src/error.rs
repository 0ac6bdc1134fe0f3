//! Errors of the persistence layer. They know nothing of HTTP; the API maps them.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum DbError {
    #[error("no database connection available from the pool")]
    Pool(#[from] r2d2::Error),
    #[error("database query failed")]
    Query(#[from] diesel::result::Error),
    #[error("cannot connect to the database")]
    Connection(#[from] diesel::ConnectionError),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("unsupported DATABASE_URL `{0}`: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    #[error("cannot create the SQLite database directory {path}")]
    Directory {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl DbError {
    /// True when the query failed because a unique constraint already holds the value.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, DbError::Query(e) if is_unique_violation(e))
    }
}

/// True when a statement failed because a unique constraint already holds the value: how a
/// writer that lost a race on a unique index learns it lost.
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
