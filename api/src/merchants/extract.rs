//! `MerchantStaff` (a staff login or a POS API key) and `MerchantOwner`. Both refuse a suspended
//! merchant's staff at once: key and merchant status are checked on every request (through the
//! cache, see [`super::access`]).

use actix_web::dev::Payload;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use gangonghui_domain::Role;
use gangonghui_domain::ids::{AccountId, ApiKeyId, MerchantId};
use gangonghui_domain::merchant::MerchantStatus;

use super::{MerchantError, access};
use crate::auth::{AuthError, Authenticated};
use crate::crypto::sha256_hex;
use crate::http::error::Answer;
use crate::http::{ApiError, access_log};
use crate::state::AppState;

pub const API_KEY_HEADER: &str = "x-api-key";

/// Someone acting for a merchant at the counter.
#[derive(Debug, Clone)]
pub struct MerchantStaff {
    pub merchant_id: MerchantId,
    /// The staff account, or for an API key the owner who created it.
    pub account_id: AccountId,
    pub owner: bool,
    /// The API key used instead of a login, if any.
    pub api_key_id: Option<ApiKeyId>,
}

/// The merchant's owner, logged in (API keys never act as owner).
#[derive(Debug, Clone)]
pub struct MerchantOwner(pub MerchantStaff);

fn ensure_active(status: Option<MerchantStatus>) -> Result<(), ApiError> {
    match status {
        Some(MerchantStatus::Active) => Ok(()),
        Some(MerchantStatus::Suspended) => Err(MerchantError::Suspended.into()),
        None => Err(MerchantError::NotFound.into()),
    }
}

impl FromRequest for MerchantStaff {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<Data<AppState>>().cloned();
        let key_hash = req
            .headers()
            .get(API_KEY_HEADER)
            .map(|key| sha256_hex(key.as_bytes()));
        let login = key_hash
            .is_none()
            .then(|| Authenticated::from_request(req, payload));
        let req = req.clone();
        Box::pin(async move {
            let state = state
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState is not registered")))?;
            let (staff, status) = match (key_hash, login) {
                (Some(hash), _) => {
                    let found = access::pos_key(&state, &hash)
                        .await?
                        .ok_or(AuthError::InvalidToken)?;
                    let staff = MerchantStaff {
                        merchant_id: found.key.merchant_id,
                        account_id: found.key.created_by,
                        owner: false,
                        api_key_id: Some(found.key.key_id),
                    };
                    (staff, found.merchant_status)
                }
                (None, Some(login)) => {
                    let auth = login.await?;
                    let grant = auth
                        .grant(Role::MerchantStaff)
                        .ok_or(AuthError::Forbidden)?;
                    let merchant_id = grant.merchant_id.clone().ok_or(AuthError::Forbidden)?;
                    let staff = MerchantStaff {
                        merchant_id,
                        account_id: auth.account_id.clone(),
                        owner: grant.owner,
                        api_key_id: None,
                    };
                    (staff, None)
                }
                (None, None) => return Err(AuthError::MissingToken.into()),
            };
            let status = match status {
                Some(fresh) => Some(fresh),
                None => access::merchant_status(&state, &staff.merchant_id).await?,
            };
            ensure_active(status)?;
            access_log::note_merchant(&req, &staff.merchant_id);
            Ok(staff)
        })
    }
}

impl MerchantOwner {
    /// What this extractor refuses, for the spec of every owner-only operation: a POS key or a
    /// plain staff login, and a suspended or missing merchant.
    pub fn refusals() -> Vec<Answer> {
        vec![
            AuthError::Forbidden.into(),
            MerchantError::OwnerOnly.into(),
            MerchantError::Suspended.into(),
            MerchantError::NotFound.into(),
        ]
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
