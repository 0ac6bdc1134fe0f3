//! `MerchantStaff` (a staff login or a POS API key), `MerchantOwner`, and the counter's
//! `CounterCredential`. All refuse a suspended merchant's staff at once: the merchant's status is
//! read on every request.

use actix_web::dev::Payload;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use gangonghui_domain::Role;
use gangonghui_persistence::{DbConn, merchants};

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

/// Who is at the counter, as presented. [`CounterCredential::resolve`] checks it inside the
/// caller's database job, so the counter's hot endpoints cost one job per request; the other
/// merchant endpoints take [`MerchantStaff`], which resolves it in a job of its own.
#[derive(Debug, Clone)]
pub enum CounterCredential {
    /// A logged-in staff member whose session is checked; the merchant's status is not yet.
    Login(MerchantStaff),
    /// A POS key, by its SHA-256.
    ApiKey { hash: String },
}

fn ensure_active(status: Option<String>) -> Result<(), ApiError> {
    match status.as_deref() {
        Some("active") => Ok(()),
        Some(_) => Err(MerchantError::Suspended.into()),
        None => Err(MerchantError::NotFound.into()),
    }
}

impl CounterCredential {
    /// The staff member, if the key is live and the merchant active (one query either way).
    pub fn resolve(self, conn: &mut DbConn) -> Result<MerchantStaff, ApiError> {
        match self {
            CounterCredential::Login(staff) => {
                ensure_active(merchants::status(conn, &staff.merchant_id)?)?;
                Ok(staff)
            }
            CounterCredential::ApiKey { hash } => {
                let (key, status) =
                    merchants::live_api_key(conn, &hash)?.ok_or(AuthError::InvalidToken)?;
                ensure_active(Some(status))?;
                Ok(MerchantStaff {
                    merchant_id: key.merchant_id,
                    account_id: key.created_by,
                    owner: false,
                    api_key_id: Some(key.id),
                })
            }
        }
    }
}

impl FromRequest for CounterCredential {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if let Some(key) = req.headers().get(API_KEY_HEADER) {
            let hash = sha256_hex(key.as_bytes());
            return Box::pin(async move { Ok(CounterCredential::ApiKey { hash }) });
        }
        let login = Authenticated::from_request(req, payload);
        Box::pin(async move {
            let auth = login.await?;
            let grant = auth
                .grant(Role::MerchantStaff)
                .ok_or(AuthError::Forbidden)?;
            let merchant_id = grant.merchant_id.clone().ok_or(AuthError::Forbidden)?;
            Ok(CounterCredential::Login(MerchantStaff {
                merchant_id,
                account_id: auth.account_id.clone(),
                owner: grant.owner,
                api_key_id: None,
            }))
        })
    }
}

impl FromRequest for MerchantStaff {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<Data<AppState>>().cloned();
        let credential = CounterCredential::from_request(req, payload);
        Box::pin(async move {
            let state = state
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState is not registered")))?;
            let credential = credential.await?;
            state.db(move |conn| credential.resolve(conn)).await
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
