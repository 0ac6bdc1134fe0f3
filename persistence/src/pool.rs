//! The r2d2 pool of [`DbConn`]s, with per-connection settings applied as each one opens.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::R2D2Connection;

use crate::conn::{Backend, DbConn};
use crate::error::DbError;

/// Applied to every SQLite connection: `busy_timeout` queues writers instead of failing them, and
/// comes first so the pragmas after it wait too (a `journal_mode` switch met a busy database and
/// failed a connect while 16 opened at once under load); WAL lets readers run beside the writer,
/// and foreign keys are off by default in SQLite.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

/// Sessions use UTC so that any server-side time arithmetic agrees with the naive-UTC columns.
const POSTGRES_SESSION: &str = "SET TIME ZONE 'UTC'";

/// While a checkout waits, how often it looks whether the database has refused a connection.
const RECHECK_EVERY: Duration = Duration::from_millis(50);

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: u32,
    /// How long a request waits for a free connection before failing.
    pub checkout_timeout: Duration,
    /// PostgreSQL cancels any statement of a pooled connection that runs longer (set on each
    /// connection as it opens); `None`: no limit. SQLite has no such limit and ignores it.
    pub statement_timeout: Option<Duration>,
}

impl PoolOptions {
    /// Measured on 2 cores (STACK.md): a small PostgreSQL pool beats a large one on throughput and
    /// p99; SQLite readers scale a little further under WAL.
    pub fn default_for(backend: Backend) -> Self {
        let max_size = match backend {
            Backend::Postgres => 4,
            Backend::Sqlite => 8,
        };
        PoolOptions {
            max_size,
            // Short: a request that cannot have a connection this soon answers 503 with
            // Retry-After instead of holding its client (a busy pool hands one over within
            // milliseconds). r2d2 also retries a refused connect at least every half of this,
            // so a restarted database is back in use within it.
            checkout_timeout: Duration::from_millis(1500),
            // None here: migrations and the command-line tools (seeding a large data set) may
            // rightly run long; the server sets its limit from its settings.
            statement_timeout: None,
        }
    }
}

pub type PooledConn = r2d2::PooledConnection<Manager>;

/// A cheaply clonable handle to the connection pool.
#[derive(Clone)]
pub struct DbPool {
    inner: r2d2::Pool<Manager>,
    backend: Backend,
    reach: Arc<Reachability>,
    checkout_timeout: Duration,
    statement_timeout: Option<Duration>,
    /// Checkouts that found no idle connection and are waiting (r2d2 does not count them).
    waiting: Arc<AtomicUsize>,
}

/// The pool's state at one moment, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolState {
    pub in_use: u32,
    pub idle: u32,
    pub waiting: usize,
    pub max: u32,
}

/// Whether the database took the last connection the pool tried to open. While it did not, a
/// checkout that finds no idle connection fails at once: r2d2 does not wake a waiting checkout
/// when a connect fails, so during an outage every request would otherwise hold its client for
/// the whole timeout, and queue the requests behind it. r2d2 keeps retrying in the background
/// (a refused connect is retried until one succeeds), and its first success ends this.
#[derive(Debug, Default)]
struct Reachability {
    down: AtomicBool,
}

impl Reachability {
    fn opened(&self) {
        if self.down.swap(false, Ordering::Relaxed) {
            tracing::info!("the database accepts connections again");
        }
    }

    fn refused(&self, error: &DbError) {
        if !self.down.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                ?error,
                "the database refuses connections; requests that need one fail fast until it is back"
            );
        }
    }

    fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }
}

impl DbPool {
    /// Opens the pool; for SQLite the database file's directory is created first.
    pub fn connect(url: &str, options: &PoolOptions) -> Result<DbPool, DbError> {
        let target = Target::parse(url)?;
        let backend = target.backend();
        let reach = Arc::new(Reachability::default());
        let inner = r2d2::Pool::builder()
            .max_size(options.max_size)
            .min_idle(Some(1))
            .connection_timeout(options.checkout_timeout)
            // A `SELECT 1` before every checkout cost 30-40 % of throughput here; broken
            // connections are detected by `has_broken` on return instead.
            .test_on_check_out(false)
            // r2d2 would log every failed connect again, without its cause; `Reachability`
            // logs an outage once, with it, and its end.
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build(Manager {
                target,
                reach: Arc::clone(&reach),
                statement_timeout: options.statement_timeout,
            })?;
        Ok(DbPool {
            inner,
            backend,
            reach,
            checkout_timeout: options.checkout_timeout,
            waiting: Arc::default(),
            statement_timeout: options.statement_timeout,
        })
    }

    /// A connection within the pool's checkout timeout.
    pub fn get(&self) -> Result<PooledConn, DbError> {
        self.get_within(self.checkout_timeout)
    }

    /// A connection within `timeout`. While the database refuses new connections only an idle
    /// one is handed out (it may still work; a new one would not), else this fails at once with
    /// [`DbError::Unreachable`].
    pub fn get_within(&self, timeout: Duration) -> Result<PooledConn, DbError> {
        let deadline = Instant::now() + timeout;
        // An idle connection is taken without waiting (what `get_timeout` tries first anyway);
        // only a checkout that has to wait is counted as waiting.
        if let Some(conn) = self.inner.try_get() {
            return Ok(conn);
        }
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let _waited = Waited(&self.waiting);
        loop {
            if self.reach.is_down() {
                return self.inner.try_get().ok_or(DbError::Unreachable);
            }
            // In short slices, so a connect refused meanwhile ends the wait now, not at the
            // deadline.
            let left = deadline.saturating_duration_since(Instant::now());
            match self.inner.get_timeout(left.min(RECHECK_EVERY)) {
                Ok(conn) => return Ok(conn),
                Err(e) if left <= RECHECK_EVERY => return Err(e.into()),
                Err(_) => {}
            }
        }
    }

    /// How long [`DbPool::get`] waits for a connection.
    pub fn checkout_timeout(&self) -> Duration {
        self.checkout_timeout
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The most connections the pool will open.
    pub fn max_size(&self) -> u32 {
        self.inner.max_size()
    }

    /// Connections in use and idle, and checkouts waiting.
    pub fn state(&self) -> PoolState {
        let state = self.inner.state();
        PoolState {
            in_use: state.connections.saturating_sub(state.idle_connections),
            idle: state.idle_connections,
            waiting: self.waiting.load(Ordering::Relaxed),
            max: self.inner.max_size(),
        }
    }

    /// Runs `work` on one of this pool's connections without the statement timeout, then puts
    /// it back: migrations at start may rightly run longer than any request should.
    pub fn unbounded<T>(
        &self,
        conn: &mut DbConn,
        work: impl FnOnce(&mut DbConn) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let Some(limit) = self
            .statement_timeout
            .filter(|_| self.backend == Backend::Postgres)
        else {
            return work(conn);
        };
        conn.batch_execute("SET statement_timeout = 0")?;
        let outcome = work(conn);
        // Should this fail, the connection is broken and the pool drops it on return.
        conn.batch_execute(&statement_timeout_sql(limit))?;
        outcome
    }
}

/// Ends a waiting checkout's count however the wait ends.
struct Waited<'a>(&'a AtomicUsize);

impl Drop for Waited<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The statement that limits the statements after it on a PostgreSQL connection.
fn statement_timeout_sql(limit: Duration) -> String {
    format!("SET statement_timeout = {}", limit.as_millis())
}

/// Runs a trivial query: proves the server answers, not just that a socket is open.
pub fn ping(conn: &mut DbConn) -> Result<(), DbError> {
    conn.batch_execute("SELECT 1")?;
    Ok(())
}

#[derive(Debug)]
enum Target {
    Postgres(String),
    Sqlite(String),
}

impl Target {
    fn parse(url: &str) -> Result<Target, DbError> {
        match Backend::from_url(url) {
            Some(Backend::Postgres) => Ok(Target::Postgres(url.to_owned())),
            Some(Backend::Sqlite) => {
                let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
                if path.is_empty() || path == ":memory:" {
                    // Each pooled connection would get its own empty in-memory database.
                    return Err(DbError::UnsupportedUrl(url.to_owned()));
                }
                if let Some(dir) = Path::new(path)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(dir).map_err(|source| DbError::Directory {
                        path: dir.display().to_string(),
                        source,
                    })?;
                }
                Ok(Target::Sqlite(path.to_owned()))
            }
            None => Err(DbError::UnsupportedUrl(url.to_owned())),
        }
    }

    fn backend(&self) -> Backend {
        match self {
            Target::Postgres(_) => Backend::Postgres,
            Target::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Opens connections of the backend the URL names, with that backend's session settings, and
/// notes whether the database took them.
#[derive(Debug)]
pub struct Manager {
    target: Target,
    reach: Arc<Reachability>,
    statement_timeout: Option<Duration>,
}

impl Manager {
    fn open(&self) -> Result<DbConn, DbError> {
        match &self.target {
            Target::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                conn.batch_execute(POSTGRES_SESSION)?;
                if let Some(limit) = self.statement_timeout {
                    conn.batch_execute(&statement_timeout_sql(limit))?;
                }
                Ok(DbConn::Postgresql(conn))
            }
            Target::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)?;
                conn.batch_execute(SQLITE_PRAGMAS)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = DbError;

    fn connect(&self) -> Result<DbConn, DbError> {
        let opened = self.open();
        match &opened {
            Ok(_) => self.reach.opened(),
            Err(error) => self.reach.refused(error),
        }
        opened
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), DbError> {
        ping(conn)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}
