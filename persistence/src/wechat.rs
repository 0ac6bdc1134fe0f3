//! Bindings of WeChat mini-program identities (app id + openid) to accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gangonghui_domain::ids::AccountId;

use crate::conn::DbConn;
use crate::schema::wechat_bindings;

pub fn account_for(
    conn: &mut DbConn,
    app_id: &str,
    openid: &str,
) -> QueryResult<Option<AccountId>> {
    let account: Option<String> = wechat_bindings::table
        .find((app_id, openid))
        .select(wechat_bindings::account_id)
        .first(conn)
        .optional()?;
    Ok(account.map(AccountId::from))
}

pub fn bind(
    conn: &mut DbConn,
    app_id: &str,
    openid: &str,
    unionid: Option<&str>,
    account_id: &AccountId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(wechat_bindings::table)
        .values((
            wechat_bindings::app_id.eq(app_id),
            wechat_bindings::openid.eq(openid),
            wechat_bindings::unionid.eq(unionid),
            wechat_bindings::account_id.eq(account_id.as_str()),
            wechat_bindings::created_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}
