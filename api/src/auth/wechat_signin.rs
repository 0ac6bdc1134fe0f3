//! Signing in through the WeChat mini-program: a `wx.login` code logs in when its identity is
//! bound to an account, else it earns a bind token that a phone code turns into a binding.

use gangonghui_domain::otp::OtpPurpose;
use gangonghui_domain::{Phone, Role};
use gangonghui_persistence::accounts::{self};
use gangonghui_persistence::{wechat as bindings, write_tx};

use super::service::{Device, Tokens, start};
use super::{AuthError, otp};
use crate::audit::{AuditEvent, RequestContext};
use crate::http::ApiError;
use crate::state::AppState;

/// Logs in with a `wx.login` code: tokens when the identity is bound, else a bind token.
pub async fn wechat_login(
    state: &AppState,
    code: String,
    device: Device,
    ctx: RequestContext,
) -> Result<Tokens, ApiError> {
    let now = state.clock.now();
    let identity = state.wechat.code2session(&code).await?;
    let (app, openid) = (identity.app_id.clone(), identity.openid.clone());
    let bound = state
        .db(move |conn| Ok(bindings::account_for(conn, &app, &openid)?))
        .await?;
    match bound {
        Some(account_id) => {
            start(state, account_id, device, "account.login_wechat", ctx, now).await
        }
        None => Err(AuthError::WechatUnbound {
            bind_token: state.tokens.issue_wechat_bind(
                &identity.app_id,
                &identity.openid,
                identity.unionid.as_deref(),
                now,
            ),
        }
        .into()),
    }
}

/// Binds the WeChat identity in `bind_token` to the account of `phone` (proven by a code).
pub async fn wechat_bind(
    state: &AppState,
    bind_token: String,
    phone: Phone,
    code: String,
    device: Device,
    ctx: RequestContext,
) -> Result<Tokens, ApiError> {
    let claims = state
        .tokens
        .verify_wechat_bind(&bind_token)
        .map_err(|_| AuthError::WechatBindInvalid)?;
    otp::limit_checks(state, &phone, device.ip).await?;
    let (keys, now) = (state.data_keys.clone(), state.clock.now());
    let audit_ctx = ctx.clone();
    let account_id = state
        .db(move |conn| {
            write_tx(conn, |c| {
                if let Err(e) = otp::check(c, &keys, &phone, OtpPurpose::WechatBind, &code, now)? {
                    return Ok::<_, ApiError>(Err(e));
                }
                let Some(account) = accounts::find_by_phone(c, phone.as_str())? else {
                    return Ok(Err(AuthError::InvalidCredentials));
                };
                match bindings::account_for(c, &claims.app_id, &claims.openid)? {
                    Some(owner) if owner == account.id => {}
                    Some(_) => return Ok(Err(AuthError::WechatAlreadyBound)),
                    None => {
                        bindings::bind(
                            c,
                            &claims.app_id,
                            &claims.openid,
                            claims.unionid.as_deref(),
                            &account.id,
                            now.naive_utc(),
                        )?;
                        AuditEvent::new("account.wechat_bind", "account", &account.id)
                            .by(&account.id, Role::Member)
                            .record(c, &audit_ctx)?;
                    }
                }
                Ok(Ok(account.id))
            })
        })
        .await??;
    start(state, account_id, device, "account.login_wechat", ctx, now).await
}
