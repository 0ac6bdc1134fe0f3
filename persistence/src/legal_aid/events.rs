//! A case's history: one row per move, kept forever.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::{AccountId, CaseEventId, CaseId};
use gangonghui_domain::legal_aid::workflow::{ActorRole, CaseStatus};

use super::schema::legal_aid_events as events;
use crate::conn::DbConn;
use crate::ids::OptionalId;

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct EventRow {
    #[diesel(deserialize_as = String)]
    pub id: CaseEventId,
    #[diesel(deserialize_as = String)]
    pub case_id: CaseId,
    #[diesel(deserialize_as = OptionalStatus)]
    pub from_status: Option<CaseStatus>,
    #[diesel(deserialize_as = String)]
    pub to_status: CaseStatus,
    #[diesel(deserialize_as = String)]
    pub actor_id: AccountId,
    #[diesel(deserialize_as = String)]
    pub actor_role: ActorRole,
    #[diesel(deserialize_as = OptionalId)]
    pub assignee_id: Option<AccountId>,
    pub note_enc: Option<String>,
    pub at: NaiveDateTime,
}

/// A nullable status column, read into `Option<CaseStatus>`.
#[derive(Debug)]
pub struct OptionalStatus(Option<CaseStatus>);

impl TryFrom<Option<String>> for OptionalStatus {
    type Error = gangonghui_domain::text::UnknownText;

    fn try_from(value: Option<String>) -> Result<Self, Self::Error> {
        value
            .map(CaseStatus::try_from)
            .transpose()
            .map(OptionalStatus)
    }
}

impl From<OptionalStatus> for Option<CaseStatus> {
    fn from(value: OptionalStatus) -> Self {
        value.0
    }
}

impl<DB> Queryable<diesel::sql_types::Nullable<diesel::sql_types::Text>, DB> for OptionalStatus
where
    DB: diesel::backend::Backend,
    Option<String>:
        diesel::deserialize::FromSql<diesel::sql_types::Nullable<diesel::sql_types::Text>, DB>,
{
    type Row = Option<String>;

    fn build(row: Option<String>) -> diesel::deserialize::Result<Self> {
        Ok(OptionalStatus::try_from(row)?)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = events)]
pub struct NewEvent<'a> {
    #[diesel(serialize_as = String)]
    pub id: &'a CaseEventId,
    #[diesel(serialize_as = String)]
    pub case_id: &'a CaseId,
    pub from_status: Option<&'static str>,
    pub to_status: &'static str,
    #[diesel(serialize_as = String)]
    pub actor_id: &'a AccountId,
    #[diesel(serialize_as = String)]
    pub actor_role: ActorRole,
    pub assignee_id: Option<&'a str>,
    pub note_enc: Option<&'a str>,
    pub at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, event: &NewEvent<'_>) -> QueryResult<()> {
    diesel::insert_into(events::table)
        .values(event.clone())
        .execute(conn)
        .map(drop)
}

/// The whole history of a case, oldest first (a case has a handful of moves).
pub fn for_case(conn: &mut DbConn, case_id: &CaseId) -> QueryResult<Vec<EventRow>> {
    events::table
        .filter(events::case_id.eq(case_id.as_str()))
        .order(events::id.asc())
        .select(events::all_columns)
        .load(conn)
}
