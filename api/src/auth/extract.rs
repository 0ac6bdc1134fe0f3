//! Who may call a handler shows in its signature: `Authenticated` (any account), `UnionAdmin`,
//! `LegalOfficer`. Each verifies the access token, then the session (cache, else database).

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use gangonghui_domain::ids::{AccountId, OrgId, SessionId};
use gangonghui_domain::{ClientKind, Role};

use super::AuthError;
use super::client::VerifiedClient;
use super::session_cache::{self, Grant};
use crate::http::{ApiError, access_log};
use crate::state::AppState;

/// A request made with a valid access token of a live session.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub account_id: AccountId,
    pub session_id: SessionId,
    pub client: ClientKind,
    pub grants: Vec<Grant>,
}

impl Authenticated {
    pub fn grant(&self, role: Role) -> Option<&Grant> {
        self.grants.iter().find(|g| g.role == role)
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<Data<AppState>>().cloned();
        let token = bearer(req);
        let via_signed_client = req.extensions().get::<VerifiedClient>().is_some();
        let req = req.clone();
        Box::pin(async move {
            let state = state
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState is not registered")))?;
            let token = token.ok_or(AuthError::MissingToken)?;
            let (claims, client) = state
                .tokens
                .verify_access(&token)
                .map_err(|_| AuthError::InvalidToken)?;
            // A mini-program token is only honoured through the signed proxy it was issued to.
            if client == ClientKind::MiniProgram && !via_signed_client {
                return Err(AuthError::ClientRequired.into());
            }
            let live = session_cache::load(&state, &claims.sid)
                .await?
                .ok_or(AuthError::SessionEnded)?;
            if live.account_id != claims.sub || live.client != client {
                return Err(AuthError::InvalidToken.into());
            }
            session_cache::seen(&state, &claims.sid);
            access_log::note_account(&req, &live.account_id);
            Ok(Authenticated {
                account_id: live.account_id,
                session_id: claims.sid,
                client,
                grants: live.grants,
            })
        })
    }
}

/// An account holding `role`, with the org unit its grant is scoped to.
fn scoped(auth: Authenticated, role: Role) -> Result<(Authenticated, OrgId), ApiError> {
    let org = auth
        .grant(role)
        .and_then(|g| g.org_id.clone())
        .ok_or(AuthError::Forbidden)?;
    Ok((auth, org))
}

macro_rules! operator_extractor {
    ($name:ident, $role:expr, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone)]
        pub struct $name {
            pub auth: Authenticated,
            /// The org unit whose subtree this operator may see and act on.
            pub org_id: OrgId,
        }

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let auth = Authenticated::from_request(req, payload);
                Box::pin(async move {
                    let (auth, org_id) = scoped(auth.await?, $role)?;
                    Ok($name { auth, org_id })
                })
            }
        }
    };
}

operator_extractor!(
    UnionAdmin,
    Role::UnionAdmin,
    "A union admin, scoped to an org unit."
);
operator_extractor!(
    LegalOfficer,
    Role::LegalAidOfficer,
    "A legal-aid officer, scoped to an org unit."
);
