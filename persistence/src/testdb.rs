//! Throwaway databases for test suites: a fresh SQLite file, or a fresh PostgreSQL database
//! cloned from a template migrated once per test process. Each is removed when dropped.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use diesel::prelude::*;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::migrate;

/// Every database and directory made here starts with this, followed by the owning process id,
/// so a later run can remove what a killed run left behind.
const PREFIX: &str = "ggh_test_";

static COUNTER: AtomicU64 = AtomicU64::new(0);
static TEMPLATE: Mutex<Option<Template>> = Mutex::new(None);

/// A database that exists for as long as this value does.
#[derive(Debug)]
pub struct TestDb {
    url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    SqliteDir(PathBuf),
    Postgres { admin_url: String, name: String },
}

#[derive(Debug, Clone)]
struct Template {
    admin_url: String,
    name: String,
}

impl TestDb {
    /// A migrated database: on PostgreSQL when `postgres_admin_url` is given (a URL of a database
    /// the test user may connect to, with the right to create databases), else on SQLite.
    pub fn fresh(postgres_admin_url: Option<&str>) -> Result<TestDb, DbError> {
        match postgres_admin_url {
            Some(admin) => Self::fresh_postgres(admin),
            None => Self::fresh_sqlite(),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn fresh_sqlite() -> Result<TestDb, DbError> {
        let dir = std::env::temp_dir().join(unique_name());
        std::fs::create_dir_all(&dir).map_err(|source| DbError::Directory {
            path: dir.display().to_string(),
            source,
        })?;
        let url = format!("sqlite://{}", dir.join("test.db").display());
        Ok(TestDb {
            url,
            cleanup: Cleanup::SqliteDir(dir),
        })
    }

    fn fresh_postgres(admin_url: &str) -> Result<TestDb, DbError> {
        let template = template(admin_url)?;
        let name = unique_name();
        let mut admin = PgConnection::establish(admin_url)?;
        // Concurrent clones of one template can collide for a moment; retry briefly.
        let mut attempt = 0;
        loop {
            let created = diesel::sql_query(format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{}\"",
                template.name
            ))
            .execute(&mut admin);
            match created {
                Ok(_) => break,
                Err(e)
                    if attempt < 20 && e.to_string().contains("being accessed by other users") =>
                {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(TestDb {
            url: with_database(admin_url, &name),
            cleanup: Cleanup::Postgres {
                admin_url: admin_url.to_owned(),
                name,
            },
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => drop_database(admin_url, name),
        }
    }
}

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{PREFIX}{}_{n}_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Replaces the database name in a PostgreSQL URL, keeping its query string.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let (scheme, rest) = match base.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), base),
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    let root = format!("{scheme}{authority}");
    match query {
        Some(q) => format!("{root}/{database}?{q}"),
        None => format!("{root}/{database}"),
    }
}

fn drop_database(admin_url: &str, name: &str) {
    if let Ok(mut admin) = PgConnection::establish(admin_url) {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .execute(&mut admin);
    }
}

/// The migrated template for this process, made on first use.
fn template(admin_url: &str) -> Result<Template, DbError> {
    let mut slot = TEMPLATE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(t) = slot.as_ref() {
        return Ok(t.clone());
    }
    let mut admin = PgConnection::establish(admin_url)?;
    drop_leftovers(&mut admin)?;
    let name = unique_name();
    diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut admin)?;
    {
        let mut conn =
            DbConn::Postgresql(PgConnection::establish(&with_database(admin_url, &name))?);
        migrate::run_pending(&mut conn)?;
    } // The template must have no open connection while it is cloned.
    let t = Template {
        admin_url: admin_url.to_owned(),
        name,
    };
    *slot = Some(t.clone());
    // The template outlives every test; drop it when the test process exits.
    // SAFETY: `drop_template_at_exit` is an `extern "C" fn()` that does not unwind.
    unsafe {
        libc::atexit(drop_template_at_exit);
    }
    Ok(t)
}

extern "C" fn drop_template_at_exit() {
    let template = TEMPLATE.lock().ok().and_then(|mut slot| slot.take());
    if let Some(t) = template {
        drop_database(&t.admin_url, &t.name);
    }
}

/// Drops databases left by test processes that no longer run (killed, or crashed before exit).
fn drop_leftovers(admin: &mut PgConnection) -> Result<(), DbError> {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        datname: String,
    }
    let names: Vec<Name> = diesel::sql_query(format!(
        "SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'"
    ))
    .load(admin)?;
    for Name { datname } in names {
        let pid = datname
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|p| p.parse::<u32>().ok());
        let owner_gone = pid.is_some_and(|p| !std::path::Path::new(&format!("/proc/{p}")).exists());
        if owner_gone {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{datname}\" WITH (FORCE)"
            ))
            .execute(admin);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_only_the_database_name() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
