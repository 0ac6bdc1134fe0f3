//! Offers and per-member usage.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::Fen;
use gangonghui_domain::ids::{AccountId, MerchantId, OfferId};
use gangonghui_domain::offer::{
    Audience, LimitPeriod, MemberLimit, Offer, OfferKind, OfferStatus, OfferType, Terms,
};

use crate::conn::DbConn;
use crate::schema::{offer_usage, offers};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = offers)]
pub struct OfferRow {
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub id: OfferId,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub merchant_id: MerchantId,
    pub title: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: OfferType,
    pub percent_off_bp: Option<i64>,
    pub threshold_fen: Option<i64>,
    pub off_fen: Option<i64>,
    pub max_discount_fen: Option<i64>,
    pub per_member_limit: Option<i32>,
    pub limit_period: Option<String>,
    pub total_quota: Option<i64>,
    pub used_quota: i64,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub audience: Audience,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: OfferStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A stored offer whose terms contradict each other (a bug or a hand edit, never user input).
#[derive(Debug, thiserror::Error)]
#[error("offer {0} has inconsistent terms")]
pub struct InconsistentOffer(pub OfferId);

impl OfferRow {
    /// The rules of this offer, as the counter applies them.
    pub fn rules(&self) -> Result<Offer, InconsistentOffer> {
        let broken = || InconsistentOffer(self.id.clone());
        let kind = match (self.kind, self.percent_off_bp, self.off_fen) {
            (OfferType::PercentOff, Some(bp), _) => OfferKind::PercentOff {
                bp,
                max_discount: self.max_discount_fen.map(Fen::new),
            },
            (OfferType::AmountOff, _, Some(off)) => OfferKind::AmountOff { off: Fen::new(off) },
            _ => return Err(broken()),
        };
        let member_limit = match (self.per_member_limit, self.limit_period.as_deref()) {
            (Some(uses), Some(period)) => Some(MemberLimit {
                uses,
                period: LimitPeriod::parse(period).ok_or_else(broken)?,
            }),
            _ => None,
        };
        Ok(Offer {
            status: self.status,
            starts_at: self.starts_at.and_utc(),
            ends_at: self.ends_at.and_utc(),
            audience: self.audience,
            member_limit,
            terms: Terms::new(kind, self.threshold_fen.map(Fen::new)).map_err(|_| broken())?,
        })
    }
}

/// What an owner may change on an offer.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = offers)]
pub struct OfferChange {
    pub title: Option<String>,
    pub status: Option<String>,
    pub ends_at: Option<NaiveDateTime>,
    pub total_quota: Option<i64>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, offer: &OfferRow) -> QueryResult<()> {
    diesel::insert_into(offers::table)
        .values(offer.clone())
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConn, id: &OfferId) -> QueryResult<Option<OfferRow>> {
    offers::table
        .find(id.as_str())
        .select(offers::all_columns)
        .first(conn)
        .optional()
}

/// One page of the merchant's offers, newest first (ids are time-ordered): `limit` rows after
/// the offer id `after`.
pub fn page_for_merchant(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    after: Option<&OfferId>,
    limit: i64,
) -> QueryResult<Vec<OfferRow>> {
    let mut query = offers::table
        .filter(offers::merchant_id.eq(merchant_id.as_str()))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(offers::id.lt(after.as_str().to_owned()));
    }
    query
        .order(offers::id.desc())
        .limit(limit)
        .select(offers::all_columns)
        .load(conn)
}

/// The merchant's offers a member could use at `now`: active, inside their window, not sold out.
#[diesel::dsl::auto_type(no_type_alias)]
pub fn live_at(merchant_id: String, now: NaiveDateTime) -> _ {
    let active: &'static str = OfferStatus::Active.as_str();
    offers::merchant_id
        .eq(merchant_id)
        .and(offers::status.eq(active))
        .and(offers::starts_at.le(now))
        .and(offers::ends_at.gt(now))
        .and(
            offers::total_quota
                .is_null()
                .or(offers::used_quota.lt(offers::total_quota.assume_not_null())),
        )
}

pub fn live_for_merchant(
    conn: &mut DbConn,
    merchant_id: &MerchantId,
    now: NaiveDateTime,
) -> QueryResult<Vec<OfferRow>> {
    offers::table
        .filter(live_at(merchant_id.as_str().to_owned(), now))
        .order((offers::created_at.asc(), offers::id.asc()))
        .select(offers::all_columns)
        .load(conn)
}

pub fn update(
    conn: &mut DbConn,
    id: &OfferId,
    merchant_id: &MerchantId,
    change: &OfferChange,
) -> QueryResult<usize> {
    diesel::update(
        offers::table
            .find(id.as_str())
            .filter(offers::merchant_id.eq(merchant_id.as_str())),
    )
    .set(change)
    .execute(conn)
}

/// Takes one use of the member's limit in the period, atomically; false when it is used up.
pub fn take_usage(
    conn: &mut DbConn,
    offer_id: &OfferId,
    account_id: &AccountId,
    period_key: &str,
    limit: i32,
) -> QueryResult<bool> {
    if limit < 1 {
        return Ok(false);
    }
    use diesel::query_dsl::methods::FilterDsl;
    // One statement: the first use inserts, later ones count up while below the limit. The row
    // lock of the conflicting row serialises a member's concurrent uses.
    let taken = crate::on_backend!(conn, |c| diesel::insert_into(offer_usage::table)
        .values((
            offer_usage::offer_id.eq(offer_id.as_str()),
            offer_usage::account_id.eq(account_id.as_str()),
            offer_usage::period_key.eq(period_key),
            offer_usage::used.eq(1),
        ))
        .on_conflict((
            offer_usage::offer_id,
            offer_usage::account_id,
            offer_usage::period_key,
        ))
        .do_update()
        .set(offer_usage::used.eq(offer_usage::used + 1))
        .filter(offer_usage::used.lt(limit))
        .execute(c))?;
    Ok(taken == 1)
}

/// Takes one from the offer's total quota, atomically; false when it is sold out.
pub fn take_quota(conn: &mut DbConn, offer_id: &OfferId) -> QueryResult<bool> {
    let updated = diesel::update(
        offers::table.find(offer_id.as_str()).filter(
            offers::total_quota
                .is_null()
                .or(offers::used_quota.lt(offers::total_quota.assume_not_null())),
        ),
    )
    .set(offers::used_quota.eq(offers::used_quota + 1))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Gives back one use of the member's limit and one of the quota (a reversal).
pub fn give_back(
    conn: &mut DbConn,
    offer_id: &OfferId,
    account_id: &AccountId,
    period_key: Option<&str>,
) -> QueryResult<()> {
    if let Some(key) = period_key {
        diesel::update(
            offer_usage::table
                .find((offer_id.as_str(), account_id.as_str(), key))
                .filter(offer_usage::used.gt(0)),
        )
        .set(offer_usage::used.eq(offer_usage::used - 1))
        .execute(conn)?;
    }
    diesel::update(
        offers::table
            .find(offer_id.as_str())
            .filter(offers::used_quota.gt(0)),
    )
    .set(offers::used_quota.eq(offers::used_quota - 1))
    .execute(conn)
    .map(drop)
}

/// Up to `limit` (merchant, offer) pairs of live offers with no per-member limit or quota (for
/// load generators).
pub fn sample_unlimited(
    conn: &mut DbConn,
    limit: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<(MerchantId, OfferId)>> {
    let pairs: Vec<(String, String)> = offers::table
        .filter(offers::status.eq(OfferStatus::Active.as_str()))
        .filter(offers::per_member_limit.is_null())
        .filter(offers::total_quota.is_null())
        .filter(offers::starts_at.le(now))
        .filter(offers::ends_at.gt(now))
        .order(offers::id.asc())
        .limit(limit)
        .select((offers::merchant_id, offers::id))
        .load(conn)?;
    Ok(pairs
        .into_iter()
        .map(|(merchant, offer)| (MerchantId::from(merchant), OfferId::from(offer)))
        .collect())
}

/// One member's uses of an offer in one limit period, as bulk loading writes them.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = offer_usage, treat_none_as_default_value = false)]
pub struct UsageRow {
    #[diesel(serialize_as = String)]
    pub offer_id: OfferId,
    #[diesel(serialize_as = String)]
    pub account_id: AccountId,
    pub period_key: String,
    pub used: i32,
}

/// Many usage rows at once (bulk loading).
pub fn insert_usages(conn: &mut DbConn, rows: &[UsageRow]) -> QueryResult<()> {
    crate::copy_in!(conn, offer_usage::table, rows).map(drop)
}
