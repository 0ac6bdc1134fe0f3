//! Evidence files' rows: the bytes live on disk under the row's id, encrypted.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::{AccountId, AttachmentId, CaseId};
use gangonghui_domain::legal_aid::evidence::EvidenceKind;

use super::schema::legal_aid_attachments as files;
use crate::conn::DbConn;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = files)]
pub struct AttachmentRow {
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub id: AttachmentId,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub case_id: CaseId,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub uploader_id: AccountId,
    pub name_enc: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub content_type: EvidenceKind,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &AttachmentRow) -> QueryResult<()> {
    diesel::insert_into(files::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

pub fn for_case(conn: &mut DbConn, case_id: &CaseId) -> QueryResult<Vec<AttachmentRow>> {
    files::table
        .filter(files::case_id.eq(case_id.as_str()))
        .order(files::id.asc())
        .select(files::all_columns)
        .load(conn)
}

/// The file `id` of case `case_id` (a file id under another case is not found).
pub fn find(
    conn: &mut DbConn,
    case_id: &CaseId,
    id: &AttachmentId,
) -> QueryResult<Option<AttachmentRow>> {
    files::table
        .find(id.as_str())
        .filter(files::case_id.eq(case_id.as_str()))
        .select(files::all_columns)
        .first(conn)
        .optional()
}

/// Deletes the row; false when it was already gone.
pub fn delete(conn: &mut DbConn, id: &AttachmentId) -> QueryResult<bool> {
    Ok(diesel::delete(files::table.find(id.as_str())).execute(conn)? == 1)
}
