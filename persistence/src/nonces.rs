//! Nonces of signed client requests: a nonce is accepted once per client. A row outlives the
//! window in which its request's timestamp is accepted (after which the background upkeep
//! deletes it), so a replay is refused by its nonce or by its timestamp.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::conn::DbConn;
use crate::schema::client_nonces;

/// Records the nonce; false when the client already used it (a replay). ON CONFLICT DO
/// NOTHING, so a replay is an answer, not an error (safe inside a transaction too).
pub fn remember(
    conn: &mut DbConn,
    client_id: &str,
    nonce: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let inserted = crate::on_backend!(conn, |c| diesel::insert_into(client_nonces::table)
        .values((
            client_nonces::client_id.eq(client_id),
            client_nonces::nonce.eq(nonce),
            client_nonces::seen_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}
