//! Nonces of signed client requests: a nonce is accepted once, ever, per client.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::conn::DbConn;
use crate::schema::client_nonces;

/// Records the nonce; false when the client already used it (a replay). Runs outside any
/// transaction: on PostgreSQL a failed insert would abort the surrounding one.
pub fn remember(
    conn: &mut DbConn,
    client_id: &str,
    nonce: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(client_nonces::table)
        .values((
            client_nonces::client_id.eq(client_id),
            client_nonces::nonce.eq(nonce),
            client_nonces::seen_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Forgets nonces older than `before`: requests that old are refused by their timestamp anyway.
pub fn forget_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(client_nonces::table.filter(client_nonces::seen_at.lt(before))).execute(conn)
}
