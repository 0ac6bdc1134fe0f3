//! The WeChat `code2session` call: exchanges a mini-program's `wx.login` code for the user's
//! openid (and unionid). The `session_key` it also returns is never stored or sent on.

use std::time::Duration;

use serde::Deserialize;

use super::AuthError;
use crate::settings::WechatSettings;

#[derive(Clone)]
pub struct WechatClient {
    api_base: String,
    credentials: Option<(String, String)>,
    timeout: Duration,
    http: reqwest::Client,
}

/// The identity WeChat vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WechatIdentity {
    pub app_id: String,
    pub openid: String,
    pub unionid: Option<String>,
}

#[derive(Deserialize)]
struct Code2SessionReply {
    openid: Option<String>,
    unionid: Option<String>,
    errcode: Option<i64>,
}

impl WechatClient {
    pub fn new(settings: &WechatSettings, http: reqwest::Client) -> WechatClient {
        let credentials = match (&settings.app_id, &settings.app_secret) {
            (Some(id), Some(secret)) => Some((id.clone(), secret.expose().to_owned())),
            _ => None,
        };
        WechatClient {
            api_base: settings.api_base.trim_end_matches('/').to_owned(),
            credentials,
            timeout: settings.timeout,
            http,
        }
    }

    pub async fn code2session(&self, code: &str) -> Result<WechatIdentity, AuthError> {
        let (app_id, secret) = self
            .credentials
            .as_ref()
            .ok_or(AuthError::WechatNotConfigured)?;
        let response = self
            .http
            .get(format!("{}/sns/jscode2session", self.api_base))
            .query(&[
                ("appid", app_id.as_str()),
                ("secret", secret),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ])
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| {
                AuthError::WechatUnavailable(if e.is_timeout() {
                    "timeout".into()
                } else {
                    "unreachable".into()
                })
            })?;
        if !response.status().is_success() {
            return Err(AuthError::WechatUnavailable(format!(
                "HTTP {}",
                response.status().as_u16()
            )));
        }
        let body = response
            .bytes()
            .await
            .map_err(|_| AuthError::WechatUnavailable("reply cut short".into()))?;
        let reply: Code2SessionReply = serde_json::from_slice(&body)
            .map_err(|_| AuthError::WechatUnavailable("malformed reply".into()))?;
        match (reply.errcode.unwrap_or(0), reply.openid) {
            (0, Some(openid)) if !openid.is_empty() => Ok(WechatIdentity {
                app_id: app_id.clone(),
                openid,
                unionid: reply.unionid.filter(|u| !u.is_empty()),
            }),
            (0, _) => Err(AuthError::WechatUnavailable("reply without openid".into())),
            // 40029 invalid code, 40163 code already used.
            (40029 | 40163, _) => Err(AuthError::WechatCodeInvalid),
            (45011, _) => Err(AuthError::WechatRateLimited),
            (other, _) => Err(AuthError::WechatUnavailable(format!("errcode {other}"))),
        }
    }
}
