//! How persistence errors answer: a database that cannot be reached in time, a connection lost
//! under a request, or a statement cancelled by the statement timeout is 503
//! `service.unavailable` with `Retry-After` (the same request may well succeed a moment later);
//! any other database error is a fault, 500.

use gangonghui_persistence::DbError;
use gangonghui_persistence::error::{is_connection_lost, is_statement_timeout};

use super::ApiError;

/// How long a client is asked to wait when a dependency is unavailable: about what a database
/// restart or failover takes, and long enough that retries do not pile onto one coming back.
pub const RETRY_AFTER_SECS: u64 = 5;

impl ApiError {
    /// The database could not be reached in time or the connection was lost. Not logged per
    /// request: the pool logs the outage once, when it starts and when it ends.
    pub fn database_unavailable() -> Self {
        ApiError::Unavailable {
            components: vec!["database"],
        }
    }

    /// A statement ran past the statement timeout. Logged, unlike an outage: it names a slow
    /// query (or an overloaded database) that someone should look at.
    fn statement_timed_out(err: &dyn std::error::Error) -> Self {
        tracing::warn!(
            error = %err,
            "a database statement ran past GGH_DB_STATEMENT_TIMEOUT_MS and was cancelled"
        );
        ApiError::database_unavailable()
    }
}

impl From<DbError> for ApiError {
    fn from(err: DbError) -> Self {
        if let DbError::Query(e) = &err
            && is_statement_timeout(e)
        {
            ApiError::statement_timed_out(e)
        } else if err.is_unavailable() {
            ApiError::database_unavailable()
        } else {
            ApiError::internal(err)
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        if is_statement_timeout(&err) {
            ApiError::statement_timed_out(&err)
        } else if is_connection_lost(&err) {
            ApiError::database_unavailable()
        } else {
            ApiError::internal(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::StatusCode;
    use diesel::result::{DatabaseErrorKind, Error};

    use super::*;

    #[test]
    fn a_lost_database_is_503_with_retry_after_and_a_failed_statement_500() {
        let lost = Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("server closed the connection unexpectedly".to_owned()),
        );
        for err in [ApiError::from(lost), ApiError::from(DbError::Unreachable)] {
            let answer = err.answer();
            assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(answer.code, "service.unavailable");
            assert_eq!(answer.retry_after, Some(RETRY_AFTER_SECS));
        }
        let refused = Error::DatabaseError(
            DatabaseErrorKind::CheckViolation,
            Box::new("violates check constraint".to_owned()),
        );
        assert_eq!(
            ApiError::from(refused).kind().0,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
