//! Access tokens (HS256 JWT, 15 minutes) and refresh tokens (opaque random, stored hashed).
//!
//! Every claim is set and checked: `iss`, `aud` (the client kind), `sub`, `sid`, `exp`, `nbf`,
//! `iat`, `jti`; only HS256 is accepted; the header's `kid` picks the key, so keys rotate by
//! adding the new secret and keeping the old one for verification for one token lifetime.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use gangonghui_domain::ClientKind;
use gangonghui_domain::ids::{AccountId, SessionId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::crypto::sha256_hex;

pub const ISSUER: &str = "gangonghui";
pub const ACCESS_TTL: Duration = Duration::from_secs(15 * 60);
pub const REFRESH_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// Clock skew tolerated between servers and clients.
pub const LEEWAY_SECS: u64 = 30;
/// Audience of the short-lived token that lets a WeChat identity be bound to an account.
pub const WECHAT_BIND_AUDIENCE: &str = "ggh-wechat-bind";
pub const WECHAT_BIND_TTL: Duration = Duration::from_secs(10 * 60);

/// Refresh tokens carry this prefix so a leaked one is recognisable in code scanning.
const REFRESH_PREFIX: &str = "ggh_rt_";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: AccountId,
    pub sid: SessionId,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub jti: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WechatBindClaims {
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub app_id: String,
    pub openid: String,
    pub unionid: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("token rejected")]
pub struct TokenRejected;

pub struct TokenKeys {
    kid: String,
    encoding: EncodingKey,
    decoding: HashMap<String, DecodingKey>,
}

impl TokenKeys {
    /// `current` signs; `previous` secrets still verify tokens they signed (rotation).
    pub fn new(
        current: &str,
        previous: &[String],
    ) -> Result<TokenKeys, jsonwebtoken::errors::Error> {
        let mut decoding = HashMap::new();
        for secret in std::iter::once(current).chain(previous.iter().map(String::as_str)) {
            decoding.insert(kid_of(secret), DecodingKey::from_secret(secret.as_bytes())?);
        }
        Ok(TokenKeys {
            kid: kid_of(current),
            encoding: EncodingKey::from_secret(current.as_bytes())?,
            decoding,
        })
    }

    fn header(&self) -> Header {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        header
    }

    /// A signed access token for the session; returns the token and its lifetime in seconds.
    pub fn issue_access(
        &self,
        account_id: &AccountId,
        session_id: &SessionId,
        client: ClientKind,
        now: DateTime<Utc>,
    ) -> (String, u64) {
        let iat = now.timestamp();
        let claims = AccessClaims {
            iss: ISSUER.into(),
            aud: client.audience().into(),
            sub: account_id.clone(),
            sid: session_id.clone(),
            exp: iat + ACCESS_TTL.as_secs() as i64,
            nbf: iat,
            iat,
            jti: uuid::Uuid::new_v4().to_string(),
        };
        // HS256 over serialisable claims cannot fail.
        let token =
            jsonwebtoken::encode(&self.header(), &claims, &self.encoding).unwrap_or_default();
        (token, ACCESS_TTL.as_secs())
    }

    /// Verifies signature, algorithm, key id and every claim; returns the claims and the client
    /// kind the token was minted for.
    pub fn verify_access(&self, token: &str) -> Result<(AccessClaims, ClientKind), TokenRejected> {
        let audiences =
            [ClientKind::App, ClientKind::MiniProgram, ClientKind::Pos].map(ClientKind::audience);
        let claims: AccessClaims = self.verify(
            token,
            &audiences,
            &["iss", "aud", "sub", "exp", "nbf", "iat"],
        )?;
        let client = ClientKind::from_audience(&claims.aud).ok_or(TokenRejected)?;
        issued_as_we_issue(claims.iat, claims.exp, ACCESS_TTL)?;
        if claims.sid.as_str().is_empty() || claims.jti.is_empty() {
            return Err(TokenRejected);
        }
        Ok((claims, client))
    }

    pub fn issue_wechat_bind(
        &self,
        app_id: &str,
        openid: &str,
        unionid: Option<&str>,
        now: DateTime<Utc>,
    ) -> String {
        let iat = now.timestamp();
        let claims = WechatBindClaims {
            iss: ISSUER.into(),
            aud: WECHAT_BIND_AUDIENCE.into(),
            exp: iat + WECHAT_BIND_TTL.as_secs() as i64,
            nbf: iat,
            iat,
            app_id: app_id.into(),
            openid: openid.into(),
            unionid: unionid.map(Into::into),
        };
        jsonwebtoken::encode(&self.header(), &claims, &self.encoding).unwrap_or_default()
    }

    pub fn verify_wechat_bind(&self, token: &str) -> Result<WechatBindClaims, TokenRejected> {
        let claims: WechatBindClaims = self.verify(
            token,
            &[WECHAT_BIND_AUDIENCE],
            &["iss", "aud", "exp", "nbf", "iat"],
        )?;
        issued_as_we_issue(claims.iat, claims.exp, WECHAT_BIND_TTL)?;
        Ok(claims)
    }

    fn verify<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        audiences: &[&str],
        required: &[&str],
    ) -> Result<T, TokenRejected> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenRejected)?;
        if header.alg != Algorithm::HS256 {
            return Err(TokenRejected);
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.decoding.get(kid))
            .ok_or(TokenRejected)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(audiences);
        validation.set_required_spec_claims(required);
        jsonwebtoken::decode::<T>(token, key, &validation)
            .map(|data| data.claims)
            .map_err(|_| TokenRejected)
    }
}

/// A signature proves who signed, not that the claims are sane: a token minted elsewhere with a
/// (leaked or shared) key could be issued in the future or live for years. Ours are issued now
/// and live exactly their kind's lifetime.
fn issued_as_we_issue(iat: i64, exp: i64, ttl: Duration) -> Result<(), TokenRejected> {
    let now = jsonwebtoken::get_current_timestamp() as i64;
    let lifetime = exp.checked_sub(iat).ok_or(TokenRejected)?;
    if iat > now + LEEWAY_SECS as i64 || !(1..=ttl.as_secs() as i64).contains(&lifetime) {
        return Err(TokenRejected);
    }
    Ok(())
}

/// A short public identifier of a signing secret (not reversible to it).
fn kid_of(secret: &str) -> String {
    sha256_hex(secret.as_bytes()).chars().take(12).collect()
}

/// A new refresh token (256 random bits) and the hash under which it is stored.
pub fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = format!("{REFRESH_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = refresh_token_hash(&token);
    (token, hash)
}

pub fn refresh_token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_under_a_rotated_key_set_and_not_after_removal() {
        let old = TokenKeys::new(&"a".repeat(32), &[]).unwrap();
        let (token, ttl) =
            old.issue_access(&"acc".into(), &"sid".into(), ClientKind::App, Utc::now());
        assert_eq!(ttl, 900);
        let rotated = TokenKeys::new(&"b".repeat(32), &["a".repeat(32)]).unwrap();
        let (claims, client) = rotated.verify_access(&token).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.sid.as_str(), client),
            ("acc", "sid", ClientKind::App)
        );
        let retired = TokenKeys::new(&"b".repeat(32), &[]).unwrap();
        assert_eq!(retired.verify_access(&token), Err(TokenRejected));
    }

    #[test]
    fn bind_tokens_and_access_tokens_are_not_interchangeable() {
        let keys = TokenKeys::new(&"a".repeat(32), &[]).unwrap();
        let bind = keys.issue_wechat_bind("wxapp", "openid-1", None, Utc::now());
        assert!(keys.verify_access(&bind).is_err());
        let (access, _) = keys.issue_access(
            &"acc".into(),
            &"sid".into(),
            ClientKind::MiniProgram,
            Utc::now(),
        );
        assert!(keys.verify_wechat_bind(&access).is_err());
        assert_eq!(keys.verify_wechat_bind(&bind).unwrap().openid, "openid-1");
    }

    #[test]
    fn a_signed_token_issued_in_the_future_or_living_too_long_is_refused() {
        let keys = TokenKeys::new(&"a".repeat(32), &[]).unwrap();
        let (good, _) =
            keys.issue_access(&"acc".into(), &"sid".into(), ClientKind::App, Utc::now());
        let (mut claims, _) = keys.verify_access(&good).unwrap();
        let mint =
            |c: &AccessClaims| jsonwebtoken::encode(&keys.header(), c, &keys.encoding).unwrap();
        let now = Utc::now().timestamp();
        claims.exp = now + 10 * 365 * 24 * 3600;
        assert_eq!(
            keys.verify_access(&mint(&claims)),
            Err(TokenRejected),
            "a ten-year token"
        );
        (claims.iat, claims.nbf, claims.exp) = (now + 3600, now - 60, now + 3600 + 600);
        assert_eq!(
            keys.verify_access(&mint(&claims)),
            Err(TokenRejected),
            "issued in an hour"
        );
        (claims.iat, claims.nbf, claims.exp) = (now, now, now);
        assert_eq!(
            keys.verify_access(&mint(&claims)),
            Err(TokenRejected),
            "no lifetime"
        );
        (claims.iat, claims.nbf, claims.exp) = (now - 60, now - 60, now - 60 + 900);
        assert!(
            keys.verify_access(&mint(&claims)).is_ok(),
            "a normal token still passes"
        );
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_ne!(a, b);
        assert!(a.starts_with("ggh_rt_") && a.len() > 40);
        assert_eq!(refresh_token_hash(&a), hash_a);
        assert!(!hash_a.contains(&a));
    }
}
