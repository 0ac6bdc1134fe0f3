//! One-time codes, stored hashed. Attempts and consumption are conditional updates, so parallel
//! guesses cannot exceed the attempt limit and a code is consumed at most once.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::OtpId;

use crate::conn::DbConn;
use crate::schema::otp_codes;

#[derive(Debug, Clone, Queryable)]
pub struct OtpRow {
    #[diesel(deserialize_as = String)]
    pub id: OtpId,
    pub phone: String,
    pub purpose: String,
    pub code_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub attempts: i32,
    pub consumed_at: Option<NaiveDateTime>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = otp_codes)]
pub struct NewOtp<'a> {
    #[diesel(serialize_as = String)]
    pub id: &'a OtpId,
    pub phone: &'a str,
    pub purpose: &'a str,
    pub code_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub ip: Option<&'a str>,
}

pub fn insert(conn: &mut DbConn, otp: &NewOtp<'_>) -> QueryResult<()> {
    diesel::insert_into(otp_codes::table)
        .values(otp.clone())
        .execute(conn)
        .map(drop)
}

/// When a code for this phone and purpose was last sent.
pub fn last_sent_at(
    conn: &mut DbConn,
    phone: &str,
    purpose: &str,
) -> QueryResult<Option<NaiveDateTime>> {
    otp_codes::table
        .filter(otp_codes::phone.eq(phone))
        .filter(otp_codes::purpose.eq(purpose))
        .select(diesel::dsl::max(otp_codes::created_at))
        .first(conn)
}

/// Codes sent to the phone (any purpose) since `since`.
pub fn sent_since(conn: &mut DbConn, phone: &str, since: NaiveDateTime) -> QueryResult<i64> {
    otp_codes::table
        .filter(otp_codes::phone.eq(phone))
        .filter(otp_codes::created_at.ge(since))
        .count()
        .get_result(conn)
}

/// The newest unconsumed code for the phone and purpose: only the latest code sent is valid.
pub fn latest_open(conn: &mut DbConn, phone: &str, purpose: &str) -> QueryResult<Option<OtpRow>> {
    otp_codes::table
        .filter(otp_codes::phone.eq(phone))
        .filter(otp_codes::purpose.eq(purpose))
        .filter(otp_codes::consumed_at.is_null())
        .order(otp_codes::created_at.desc())
        .select(otp_codes::all_columns)
        .first(conn)
        .optional()
}

/// Counts one wrong guess unless the code is already at `max_attempts`; true when counted.
pub fn add_attempt(conn: &mut DbConn, id: &OtpId, max_attempts: i32) -> QueryResult<bool> {
    let updated = diesel::update(
        otp_codes::table
            .find(id.as_str())
            .filter(otp_codes::attempts.lt(max_attempts)),
    )
    .set(otp_codes::attempts.eq(otp_codes::attempts + 1))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Consumes the code if it is still open and not locked; true when this call consumed it.
pub fn consume(
    conn: &mut DbConn,
    id: &OtpId,
    now: NaiveDateTime,
    max_attempts: i32,
) -> QueryResult<bool> {
    let updated = diesel::update(
        otp_codes::table
            .find(id.as_str())
            .filter(otp_codes::consumed_at.is_null())
            .filter(otp_codes::attempts.lt(max_attempts))
            .filter(otp_codes::expires_at.gt(now)),
    )
    .set(otp_codes::consumed_at.eq(now))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Removes a code that could not be delivered, so it neither works nor blocks a resend.
pub fn delete(conn: &mut DbConn, id: &OtpId) -> QueryResult<usize> {
    diesel::delete(otp_codes::table.find(id.as_str())).execute(conn)
}
