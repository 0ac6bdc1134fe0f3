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
    #[error("the database is unreachable: it refused the last connection the pool tried to open")]
    Unreachable,
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

    /// True when the database could not be reached in time, the connection was lost, or a
    /// statement ran past the statement timeout: the same request may well succeed a moment
    /// later (the API answers 503 with `Retry-After`), unlike a statement the database refused.
    pub fn is_unavailable(&self) -> bool {
        match self {
            DbError::Pool(_) | DbError::Connection(_) | DbError::Unreachable => true,
            DbError::Query(e) => is_connection_lost(e) || is_statement_timeout(e),
            DbError::Migration(_) | DbError::UnsupportedUrl(_) | DbError::Directory { .. } => false,
        }
    }
}

/// True when a statement failed because the connection was lost (the server stopped or
/// restarted, or the network dropped it), not because of the statement: diesel reports a
/// connection libpq sees as bad as `ClosedConnection`, and one it could not even send on as
/// `UnableToSendCommand`.
pub fn is_connection_lost(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind as Kind, Error};
    match e {
        Error::DatabaseError(Kind::ClosedConnection | Kind::UnableToSendCommand, _) => true,
        // A transaction that could not be closed on a connection that broke under it.
        Error::BrokenTransactionManager => true,
        Error::RollbackErrorOnCommit {
            rollback_error,
            commit_error,
        } => is_connection_lost(rollback_error) || is_connection_lost(commit_error),
        _ => false,
    }
}

/// True when PostgreSQL cancelled a statement that ran past `statement_timeout`. diesel does not
/// expose the SQLSTATE (57014, which a cancel by request shares), so this reads the server's
/// message: it assumes English server messages (`lc_messages`, English in the official images).
pub fn is_statement_timeout(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind as Kind, Error};
    matches!(e, Error::DatabaseError(Kind::Unknown, info)
        if info.message().contains("canceling statement due to statement timeout"))
}

/// True when a statement failed because a unique constraint already holds the value: how a
/// writer that lost a race on a unique index learns it lost.
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error};

    use super::*;

    fn db_error(kind: DatabaseErrorKind) -> Error {
        Error::DatabaseError(kind, Box::new("from the server".to_owned()))
    }

    fn db_error_saying(message: &str) -> Error {
        Error::DatabaseError(DatabaseErrorKind::Unknown, Box::new(message.to_owned()))
    }

    #[test]
    fn a_lost_connection_is_unavailable_and_a_refused_statement_is_not() {
        for lost in [
            db_error(DatabaseErrorKind::ClosedConnection),
            db_error(DatabaseErrorKind::UnableToSendCommand),
            Error::BrokenTransactionManager,
            Error::RollbackErrorOnCommit {
                rollback_error: Box::new(db_error(DatabaseErrorKind::ClosedConnection)),
                commit_error: Box::new(db_error(DatabaseErrorKind::Unknown)),
            },
        ] {
            assert!(DbError::Query(lost).is_unavailable());
        }
        for refused in [
            db_error(DatabaseErrorKind::UniqueViolation),
            db_error(DatabaseErrorKind::Unknown),
            Error::NotFound,
        ] {
            assert!(!DbError::Query(refused).is_unavailable());
        }
        assert!(DbError::Unreachable.is_unavailable());
        let timed_out = db_error_saying("canceling statement due to statement timeout");
        assert!(is_statement_timeout(&timed_out));
        assert!(DbError::Query(timed_out).is_unavailable());
        let cancelled = db_error_saying("canceling statement due to user request");
        assert!(!DbError::Query(cancelled).is_unavailable());
        assert!(!DbError::Migration("bad".into()).is_unavailable());
    }
}
