//! A case's message thread, officers' internal notes, and the readers' read markers.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::{AccountId, CaseId, CaseMessageId};

use super::schema::{
    legal_aid_cases as cases, legal_aid_messages as messages, legal_aid_reads as reads,
};
use crate::conn::DbConn;

/// A message as stored; written as read (one type, like the attachments' rows).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub id: CaseMessageId,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub case_id: CaseId,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub author_id: AccountId,
    pub internal: bool,
    pub body_enc: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, message: &MessageRow) -> QueryResult<()> {
    diesel::insert_into(messages::table)
        .values(message.clone())
        .execute(conn)
        .map(drop)
}

/// One keyset page of the thread, oldest first; internal notes only when `with_internal`.
pub fn page(
    conn: &mut DbConn,
    case_id: &CaseId,
    with_internal: bool,
    after: Option<&CaseMessageId>,
    limit: i64,
) -> QueryResult<Vec<MessageRow>> {
    let mut query = messages::table
        .filter(messages::case_id.eq(case_id.as_str()))
        .select(messages::all_columns)
        .into_boxed();
    if !with_internal {
        query = query.filter(messages::internal.eq(false));
    }
    if let Some(after) = after {
        query = query.filter(messages::id.gt(after.as_str()));
    }
    query.order(messages::id.asc()).limit(limit).load(conn)
}

/// Marks the thread read up to `last` for `reader`, never backwards, in one statement (two
/// first reads at once cannot leave the lower marker). The upsert is the same SQL on both
/// backends; only the placeholders differ.
pub fn mark_read(
    conn: &mut DbConn,
    case_id: &CaseId,
    reader: &AccountId,
    last: &CaseMessageId,
) -> QueryResult<()> {
    let [p1, p2, p3] = [1, 2, 3].map(|n| conn.placeholder(n));
    let sql = format!(
        "INSERT INTO legal_aid_reads (case_id, account_id, last_read) VALUES ({p1}, {p2}, {p3}) \
         ON CONFLICT (case_id, account_id) DO UPDATE SET last_read = excluded.last_read \
         WHERE legal_aid_reads.last_read < excluded.last_read"
    );
    diesel::sql_query(sql)
        .bind::<diesel::sql_types::Text, _>(case_id.as_str())
        .bind::<diesel::sql_types::Text, _>(reader.as_str())
        .bind::<diesel::sql_types::Text, _>(last.as_str())
        .execute(conn)
        .map(drop)
}

/// Messages of one case that `reader` did not write and has not read; internal notes only
/// count for a handler (`with_internal`).
pub fn unread_in_case(
    conn: &mut DbConn,
    case_id: &CaseId,
    reader: &AccountId,
    with_internal: bool,
) -> QueryResult<i64> {
    let last: Option<String> = reads::table
        .find((case_id.as_str(), reader.as_str()))
        .select(reads::last_read)
        .first(conn)
        .optional()?;
    let mut query = messages::table
        .filter(messages::case_id.eq(case_id.as_str()))
        .filter(messages::author_id.ne(reader.as_str()))
        .into_boxed();
    if !with_internal {
        query = query.filter(messages::internal.eq(false));
    }
    if let Some(last) = last {
        query = query.filter(messages::id.gt(last));
    }
    query.count().get_result(conn)
}

/// The applicant's badge: messages in their own cases that others wrote after what they last
/// read there (internal notes never count).
pub fn unread_for_applicant(conn: &mut DbConn, applicant: &AccountId) -> QueryResult<i64> {
    messages::table
        .inner_join(cases::table.on(cases::id.eq(messages::case_id)))
        .left_join(
            reads::table.on(reads::case_id
                .eq(messages::case_id)
                .and(reads::account_id.eq(applicant.as_str()))),
        )
        .filter(cases::applicant_id.eq(applicant.as_str()))
        .filter(messages::internal.eq(false))
        .filter(messages::author_id.ne(applicant.as_str()))
        .filter(
            reads::last_read
                .is_null()
                .or(messages::id.nullable().gt(reads::last_read.nullable())),
        )
        .count()
        .get_result(conn)
}
