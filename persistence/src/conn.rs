//! One connection type for both backends, and the write transaction that behaves the same on both.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;

/// A database connection to either backend; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database server a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// Chooses the backend by URL scheme. The derived `establish` tries each backend in turn and
    /// reports only the last failure, which hides the real reason a PostgreSQL URL failed.
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else {
            None
        }
    }
}

/// Runs one diesel body on the concrete connection, for the statements `MultiConnection` does not
/// compile (upserts, see STACK.md): the SQL is the same on both backends, only the type differs.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::DbConn::Postgresql($c) => $body,
            $crate::DbConn::Sqlite($c) => $body,
        }
    };
}

/// Rows per multi-row INSERT of [`copy_in!`] on SQLite: the widest bulk row (a redemption, 14
/// columns) stays well under SQLite's 32,766 bound parameters.
pub const SQLITE_BULK_ROWS: usize = 1000;

/// Writes many rows of one table the fastest way each backend takes them (bulk loading):
/// PostgreSQL's binary `COPY ... FROM STDIN`, several times faster than INSERT at millions of
/// rows; SQLite multi-row INSERTs of [`SQLITE_BULK_ROWS`]. `$rows` is a slice of the table's
/// owned `Insertable` rows (cloned: rows with `serialize_as` fields insert by value), with
/// `treat_none_as_default_value = false` where a column is nullable (COPY has no DEFAULT).
#[macro_export]
macro_rules! copy_in {
    ($conn:expr, $table:expr, $rows:expr) => {{
        use diesel::RunQueryDsl as _;
        let rows = $rows;
        match $conn {
            $crate::DbConn::Postgresql(c) => diesel::copy_from($table)
                .from_insertable(rows.to_vec())
                .execute(c),
            $crate::DbConn::Sqlite(c) => {
                rows.chunks($crate::conn::SQLITE_BULK_ROWS)
                    .try_fold(0, |n, chunk| {
                        diesel::insert_into($table)
                            .values(chunk.to_vec())
                            .execute(c)
                            .map(|m| n + m)
                    })
            }
        }
    }};
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Postgresql(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// The `n`-th (from 1) bind placeholder of raw SQL in this backend's syntax: the one
    /// difference of the raw statements written once for both (`$n` or `?`).
    pub fn placeholder(&self, n: usize) -> String {
        match self.backend() {
            Backend::Postgres => format!("${n}"),
            Backend::Sqlite => "?".to_owned(),
        }
    }
}

/// Runs `f` in a transaction that may read and then write.
///
/// On SQLite the transaction begins IMMEDIATE: a deferred one takes the write lock only at its
/// first write, and when two readers both try to upgrade, one fails at once with
/// "database is locked" regardless of `busy_timeout`. IMMEDIATE queues writers on the busy
/// timeout instead. PostgreSQL needs nothing special.
pub fn write_tx<T, E>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    if let DbConn::Sqlite(sqlite) = conn {
        AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
        let outcome = f(conn);
        let DbConn::Sqlite(sqlite) = conn else {
            unreachable!("a connection does not change backend")
        };
        return match outcome {
            Ok(value) => match AnsiTransactionManager::commit_transaction(sqlite) {
                Ok(()) => Ok(value),
                Err(commit_err) => {
                    // The manager leaves the transaction open after a failed COMMIT.
                    let _ = AnsiTransactionManager::rollback_transaction(sqlite);
                    Err(commit_err.into())
                }
            },
            Err(err) => {
                AnsiTransactionManager::rollback_transaction(sqlite)?;
                Err(err)
            }
        };
    }
    conn.transaction(f)
}

/// Tries a PostgreSQL advisory lock on a 64-bit hash of `key` without waiting: `function` is
/// `pg_try_advisory_lock` (held by the session until unlocked) or `pg_try_advisory_xact_lock`
/// (until the transaction ends). A backend-specific exception: the shared DSL has no such lock.
/// SQLite runs one writer at a time, so there the lock is always had.
pub(crate) fn try_advisory_lock(
    conn: &mut DbConn,
    function: &'static str,
    key: &str,
) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        locked: bool,
    }
    match conn {
        DbConn::Postgresql(pg) => diesel::sql_query(format!(
            "SELECT {function}(hashtextextended($1, 0)) AS locked"
        ))
        .bind::<diesel::sql_types::Text, _>(key)
        .get_result::<Locked>(pg)
        .map(|l| l.locked),
        DbConn::Sqlite(_) => Ok(true),
    }
}
