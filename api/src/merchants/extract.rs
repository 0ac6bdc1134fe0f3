//! `MerchantStaff` (a staff login or a POS API key) and `MerchantOwner`. Both refuse a suspended
//! merchant's staff at once: the merchant's status is read on every request.

use actix_web::dev::Payload;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use gangonghui_domain::Role;
use gangonghui_persistence::merchants;

use super::MerchantError;
use crate::auth::keys::sha256_hex;
use crate::auth::{AuthError, Authenticated};
use crate::error::ApiError;
use crate::state::AppState;

pub const API_KEY_HEADER: &str = "x-api-key";

/// Someone acting for a merchant at the counter.
#[derive(Debug, Clone)]
pub struct MerchantStaff {
    pub merchant_id: String,
    /// The staff account, or for an API key the owner who created it.
    pub account_id: String,
    pub owner: bool,
    /// The API key used instead of a login, if any.
    pub api_key_id: Option<String>,
}

/// The merchant's owner, logged in (API keys never act as owner).
#[derive(Debug, Clone)]
pub struct MerchantOwner(pub MerchantStaff);

fn ensure_active(
    conn: &mut gangonghui_persistence::DbConn,
    merchant_id: &str,
) -> Result<(), ApiError> {
    let merchant = merchants::find(conn, merchant_id)?.ok_or(MerchantError::NotFound)?;
    if merchant.status != "active" {
        return Err(MerchantError::Suspended.into());
    }
    Ok(())
}

impl FromRequest for MerchantStaff {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<Data<AppState>>().cloned();
        let api_key = req
            .headers()
            .get(API_KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let login = api_key
            .is_none()
            .then(|| Authenticated::from_request(req, payload));
        Box::pin(async move {
            let state = state
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState is not registered")))?;
            let staff = match (api_key, login) {
                (Some(key), _) => {
                    // The key and its merchant's status in one database job.
                    let hash = sha256_hex(key.as_bytes());
                    let row = state
                        .db(move |conn| {
                            let row = merchants::live_api_key(conn, &hash)?
                                .ok_or(AuthError::InvalidToken)?;
                            ensure_active(conn, &row.merchant_id)?;
                            Ok(row)
                        })
                        .await?;
                    return Ok(MerchantStaff {
                        merchant_id: row.merchant_id,
                        account_id: row.created_by,
                        owner: false,
                        api_key_id: Some(row.id),
                    });
                }
                (None, Some(login)) => {
                    let auth = login.await?;
                    let grant = auth
                        .grant(Role::MerchantStaff)
                        .ok_or(AuthError::Forbidden)?;
                    let merchant_id = grant.merchant_id.clone().ok_or(AuthError::Forbidden)?;
                    MerchantStaff {
                        merchant_id,
                        account_id: auth.account_id.clone(),
                        owner: grant.owner,
                        api_key_id: None,
                    }
                }
                (None, None) => return Err(AuthError::MissingToken.into()),
            };
            let merchant = staff.merchant_id.clone();
            state.db(move |conn| ensure_active(conn, &merchant)).await?;
            Ok(staff)
        })
    }
}

impl FromRequest for MerchantOwner {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let staff = MerchantStaff::from_request(req, payload);
        Box::pin(async move {
            let staff = staff.await?;
            if !staff.owner || staff.api_key_id.is_some() {
                return Err(MerchantError::OwnerOnly.into());
            }
            Ok(MerchantOwner(staff))
        })
    }
}
