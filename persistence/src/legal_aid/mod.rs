//! Legal-aid cases: intake, the conditional moves of the workflow, and the lists each caller may
//! see. Events, messages, attachments and statistics have their own modules.

pub mod attachments;
pub mod events;
pub mod messages;
pub mod schema;
pub mod stats;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use gangonghui_domain::ids::{AccountId, CaseId, OrgId};
use gangonghui_domain::legal_aid::CaseCategory;
use gangonghui_domain::legal_aid::workflow::CaseStatus;

use crate::conn::{DbConn, MultiBackend};
use crate::ids::OptionalId;
use schema::legal_aid_cases as cases;

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CaseRow {
    #[diesel(deserialize_as = String)]
    pub id: CaseId,
    #[diesel(deserialize_as = String)]
    pub applicant_id: AccountId,
    #[diesel(deserialize_as = String)]
    pub org_id: OrgId,
    pub org_path: String,
    #[diesel(deserialize_as = String)]
    pub category: CaseCategory,
    #[diesel(deserialize_as = String)]
    pub status: CaseStatus,
    pub employer_enc: String,
    pub employer_index: String,
    pub claim_amount_fen: Option<i64>,
    pub description_enc: String,
    pub contact_phone_enc: String,
    pub consent_version: String,
    pub consented_at: NaiveDateTime,
    #[diesel(deserialize_as = OptionalId)]
    pub assignee_id: Option<AccountId>,
    pub court_case_no_enc: Option<String>,
    pub recovered_fen: Option<i64>,
    pub reason_enc: Option<String>,
    pub attachment_count: i32,
    pub submitted_at: NaiveDateTime,
    pub review_due_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cases)]
pub struct NewCase<'a> {
    #[diesel(serialize_as = String)]
    pub id: &'a CaseId,
    #[diesel(serialize_as = String)]
    pub applicant_id: &'a AccountId,
    #[diesel(serialize_as = String)]
    pub org_id: &'a OrgId,
    pub org_path: &'a str,
    #[diesel(serialize_as = String)]
    pub category: CaseCategory,
    #[diesel(serialize_as = String)]
    pub status: CaseStatus,
    pub employer_enc: &'a str,
    pub employer_index: &'a str,
    pub claim_amount_fen: Option<i64>,
    pub description_enc: &'a str,
    pub contact_phone_enc: &'a str,
    pub consent_version: &'a str,
    pub consented_at: NaiveDateTime,
    pub submitted_at: NaiveDateTime,
    pub review_due_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, case: &NewCase<'_>) -> QueryResult<()> {
    diesel::insert_into(cases::table)
        .values(case.clone())
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConn, id: &CaseId) -> QueryResult<Option<CaseRow>> {
    cases::table
        .find(id.as_str())
        .select(cases::all_columns)
        .first(conn)
        .optional()
}

/// An open case of this applicant for this employer (by blind index) and category.
pub fn open_duplicate(
    conn: &mut DbConn,
    applicant: &AccountId,
    category: CaseCategory,
    employer_index: &str,
) -> QueryResult<Option<CaseId>> {
    let open: Vec<&str> = CaseStatus::open().map(CaseStatus::as_str).collect();
    cases::table
        .filter(cases::applicant_id.eq(applicant.as_str()))
        .filter(cases::category.eq(category.as_str()))
        .filter(cases::employer_index.eq(employer_index))
        .filter(cases::status.eq_any(open))
        .select(cases::id)
        .first::<String>(conn)
        .optional()
        .map(|id| id.map(CaseId::from))
}

/// Who is asking: their own cases, plus every case in the subtrees their operator grants hold.
#[derive(Debug, Clone)]
pub struct Visibility {
    pub account_id: AccountId,
    pub scope_paths: Vec<String>,
}

/// One page of a list: filters, then the keyset.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub category: Option<CaseCategory>,
    /// Only submitted cases whose review was due before this instant.
    pub overdue_at: Option<NaiveDateTime>,
    pub after: Option<CaseId>,
}

type CasePredicate = Box<dyn BoxableExpression<cases::table, MultiBackend, SqlType = Bool>>;

fn visible_to(who: &Visibility) -> CasePredicate {
    let own: CasePredicate = Box::new(cases::applicant_id.eq(who.account_id.as_str().to_owned()));
    who.scope_paths.iter().fold(own, |acc, path| {
        Box::new(acc.or(cases::org_path.like(format!("{path}%"))))
    })
}

/// The cases `who` may see, oldest first (the review queue's order), one keyset page.
pub fn list(
    conn: &mut DbConn,
    who: &Visibility,
    filter: &CaseFilter,
    limit: i64,
) -> QueryResult<Vec<CaseRow>> {
    let mut query = cases::table
        .filter(visible_to(who))
        .select(cases::all_columns)
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(cases::status.eq(status.as_str()));
    }
    if let Some(category) = filter.category {
        query = query.filter(cases::category.eq(category.as_str()));
    }
    if let Some(at) = filter.overdue_at {
        query = query
            .filter(cases::status.eq(CaseStatus::Submitted.as_str()))
            .filter(cases::review_due_at.lt(at));
    }
    if let Some(after) = &filter.after {
        query = query.filter(cases::id.gt(after.as_str()));
    }
    query.order(cases::id.asc()).limit(limit).load(conn)
}

/// What a move writes: the new state and whichever of the other columns the move sets (a
/// `None` leaves the column as it is).
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = cases)]
pub struct MoveWrite<'a> {
    pub status: &'static str,
    pub updated_at: NaiveDateTime,
    pub assignee_id: Option<&'a str>,
    pub court_case_no_enc: Option<&'a str>,
    pub recovered_fen: Option<i64>,
    pub reason_enc: Option<&'a str>,
    pub decided_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

/// Applies a move in one conditional statement: false when the case was no longer in `from`
/// (another move won), or, with `expected_assignee`, no longer assigned to them.
pub fn apply_move(
    conn: &mut DbConn,
    id: &CaseId,
    from: CaseStatus,
    expected_assignee: Option<&AccountId>,
    write: &MoveWrite<'_>,
) -> QueryResult<bool> {
    let in_state = cases::table
        .find(id.as_str())
        .filter(cases::status.eq(from.as_str()));
    let updated = match expected_assignee {
        // A reassignment also needs someone else: the same request twice changes nothing twice.
        Some(expected) => diesel::update(
            in_state
                .filter(cases::assignee_id.eq(expected.as_str()))
                .filter(cases::assignee_id.ne(write.assignee_id.unwrap_or_default())),
        )
        .set(write.clone())
        .execute(conn)?,
        None => diesel::update(in_state).set(write.clone()).execute(conn)?,
    };
    Ok(updated == 1)
}

fn open_states() -> Vec<&'static str> {
    CaseStatus::open().map(CaseStatus::as_str).collect()
}

/// Takes one of an unfinished case's evidence slots if fewer than `max` are used, in one
/// conditional statement: two uploads racing for the last slot, or an upload racing the case's
/// closing, cannot both win.
pub fn take_attachment_slot(conn: &mut DbConn, id: &CaseId, max: i64) -> QueryResult<bool> {
    let max = i32::try_from(max).unwrap_or(i32::MAX);
    let updated = diesel::update(
        cases::table
            .find(id.as_str())
            .filter(cases::status.eq_any(open_states()))
            .filter(cases::attachment_count.lt(max)),
    )
    .set(cases::attachment_count.eq(cases::attachment_count + 1))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Gives a slot back if the case is unfinished, in one conditional statement; false when the
/// case is finished (its files can no longer be removed).
pub fn release_attachment_slot(conn: &mut DbConn, id: &CaseId) -> QueryResult<bool> {
    let updated = diesel::update(
        cases::table
            .find(id.as_str())
            .filter(cases::status.eq_any(open_states()))
            .filter(cases::attachment_count.gt(0)),
    )
    .set(cases::attachment_count.eq(cases::attachment_count - 1))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Marks an unfinished case as written to now, in one conditional statement; false when it is
/// finished. Taken before a message is added, so a message racing the closing cannot land.
pub fn touch_if_open(conn: &mut DbConn, id: &CaseId, now: NaiveDateTime) -> QueryResult<bool> {
    let updated = diesel::update(
        cases::table
            .find(id.as_str())
            .filter(cases::status.eq_any(open_states())),
    )
    .set(cases::updated_at.eq(now))
    .execute(conn)?;
    Ok(updated == 1)
}
