//! The append-only audit log: one row per state change. The database refuses UPDATE and DELETE.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::AccountId;

use crate::conn::DbConn;
use crate::ids::OptionalId;
use crate::schema::audit_events;

/// Detail larger than this is replaced by a marker: the log holds facts, not documents.
pub const MAX_DETAIL_BYTES: usize = 4096;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent<'a> {
    pub at: NaiveDateTime,
    #[diesel(serialize_as = OptionalId)]
    pub actor_id: Option<&'a AccountId>,
    pub actor_role: Option<&'a str>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub org_scope: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct AuditEventRow {
    pub id: i64,
    pub at: NaiveDateTime,
    #[diesel(deserialize_as = OptionalId)]
    pub actor_id: Option<AccountId>,
    pub actor_role: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub org_scope: Option<String>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
}

/// Serialises `detail` for the log, capped at [`MAX_DETAIL_BYTES`].
pub fn detail_json(detail: &serde_json::Value) -> String {
    let text = detail.to_string();
    if text.len() <= MAX_DETAIL_BYTES {
        text
    } else {
        serde_json::json!({ "truncated": true, "bytes": text.len() }).to_string()
    }
}

/// Appends one event; returns its id.
pub fn record(conn: &mut DbConn, event: &NewAuditEvent<'_>) -> QueryResult<i64> {
    diesel::insert_into(audit_events::table)
        .values(event.clone())
        .returning(audit_events::id)
        .get_result(conn)
}

/// The events about one resource, oldest first.
pub fn for_target(
    conn: &mut DbConn,
    target_type: &str,
    target_id: &str,
) -> QueryResult<Vec<AuditEventRow>> {
    audit_events::table
        .filter(audit_events::target_type.eq(target_type))
        .filter(audit_events::target_id.eq(target_id))
        .order(audit_events::id.asc())
        .select(audit_events::all_columns)
        .load(conn)
}
