//! Embedded migrations, one folder per backend with the same migration names in both.

use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::conn::DbConn;
use crate::error::DbError;

pub const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
pub const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// Serialises migration runs when several API instances start at once against one PostgreSQL.
const MIGRATION_LOCK_KEY: i64 = 0x6767_685f_6d69_6772; // "ggh_migr"

/// Applies every pending migration; returns the names of those applied.
pub fn run_pending(conn: &mut DbConn) -> Result<Vec<String>, DbError> {
    // The harness is implemented for the concrete connections, not for the derived enum.
    match conn {
        DbConn::Postgresql(pg) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                .execute(pg)?;
            let applied = apply(pg, POSTGRES);
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
                .execute(pg)?;
            applied
        }
        DbConn::Sqlite(sqlite) => apply(sqlite, SQLITE),
    }
}

/// The names of migrations this build has that the database has not applied.
pub fn pending(conn: &mut DbConn) -> Result<Vec<String>, DbError> {
    match conn {
        DbConn::Postgresql(pg) => not_applied(pg, POSTGRES),
        DbConn::Sqlite(sqlite) => not_applied(sqlite, SQLITE),
    }
}

fn not_applied<C>(conn: &mut C, migrations: EmbeddedMigrations) -> Result<Vec<String>, DbError>
where
    C: MigrationHarness<C::Backend> + Connection,
{
    let pending = conn
        .pending_migrations(migrations)
        .map_err(|e| DbError::Migration(e.to_string()))?;
    Ok(pending.iter().map(|m| m.name().to_string()).collect())
}

fn apply<C>(conn: &mut C, migrations: EmbeddedMigrations) -> Result<Vec<String>, DbError>
where
    C: MigrationHarness<C::Backend> + Connection,
{
    let versions = conn
        .run_pending_migrations(migrations)
        .map_err(|e| DbError::Migration(e.to_string()))?;
    Ok(versions.iter().map(ToString::to_string).collect())
}
