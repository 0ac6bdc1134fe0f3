//! Bulk loading support: a table's secondary indexes set aside while millions of rows go in,
//! and made again afterwards from their own definitions (read from the catalogue, so nothing
//! here repeats a migration). Building an index once over sorted input is far cheaper than
//! keeping it through random inserts: a redemptions load fell from 40,000 to 20,000 rows/s as
//! its two secondary indexes outgrew memory.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::conn::{Backend, DbConn};

/// Indexes taken off a table, to be made again with [`restore`].
#[derive(Debug, Default)]
pub struct SetAside {
    definitions: Vec<String>,
}

#[derive(QueryableByName)]
struct Index {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    definition: String,
}

/// Drops `table`'s indexes that back no constraint (its primary key and unique constraints
/// stay) and returns their definitions. PostgreSQL only; SQLite keeps its indexes.
pub fn set_aside_indexes(conn: &mut DbConn, table: &str) -> QueryResult<SetAside> {
    if conn.backend() != Backend::Postgres {
        return Ok(SetAside::default());
    }
    let indexes: Vec<Index> = diesel::sql_query(
        "SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition FROM pg_index x \
         JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         WHERE t.relname = $1 AND t.relnamespace = 'public'::regnamespace \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
    )
    .bind::<Text, _>(table)
    .load(conn)?;
    for index in &indexes {
        conn.batch_execute(&format!("DROP INDEX \"{}\"", index.name.replace('"', "")))?;
    }
    Ok(SetAside {
        definitions: indexes.into_iter().map(|i| i.definition).collect(),
    })
}

/// Makes the set-aside indexes again, with room to sort in memory; in the caller's
/// transaction (which should lift any statement timeout).
pub fn restore(conn: &mut DbConn, set: SetAside) -> QueryResult<()> {
    if set.definitions.is_empty() {
        return Ok(());
    }
    conn.batch_execute("SET LOCAL maintenance_work_mem = '512MB'")?;
    for definition in &set.definitions {
        conn.batch_execute(definition)?;
    }
    Ok(())
}
