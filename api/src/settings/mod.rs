//! Configuration: one [`Settings`] read once at start from the environment (and `.env`, loaded by
//! the binary), validated with messages a person can act on.

use std::path::PathBuf;

use secrets::{hex_keys, secret};

pub use backends::BackendSettings;
pub use edge::EdgeSettings;
pub use observability::{LogFormat, ObservabilitySettings, log_format};
pub use secrets::Secret;

mod backends;
mod edge;
mod env;
mod observability;
mod secrets;

use env::parse;
pub use env::{load_dotenv, redact_url};

/// Default database: an embedded SQLite file, so `cargo run` needs no set-up.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/gangonghui.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub environment: Environment,
    pub bind: String,
    pub database_url: String,
    /// `None`: the in-process cache (one instance only).
    pub redis_url: Option<String>,
    /// Prefix of every Redis key, so several deployments or test runs can share one Redis.
    pub cache_prefix: String,
    /// HMAC key for access tokens (at least 32 bytes).
    pub jwt_secret: Secret,
    /// 32-byte key (64 hex characters) that encrypts personal data at rest.
    pub data_key: Secret,
    /// Retired data keys that still open what they sealed (rotation).
    pub data_previous_keys: Vec<Secret>,
    /// The key of blind indexes and code hashes, which must outlive a data-key rotation;
    /// `None`: the data key.
    pub index_key: Option<Secret>,
    /// Where dev-only secrets and the default SQLite database live.
    pub data_dir: PathBuf,
    /// HTTP worker threads; `None`: one per core.
    pub workers: Option<usize>,
    /// Seconds in-flight requests get to finish after SIGTERM.
    pub shutdown_timeout_secs: u64,
    /// Retired signing secrets still accepted for verification while their tokens live.
    pub jwt_previous_secrets: Vec<String>,
    pub sms: SmsSetting,
    pub wechat: WechatSettings,
    /// The WeChat mini-program's server: `(client id, signing secret)`.
    pub miniprogram_client: Option<(String, Secret)>,
    /// Peers whose `X-Forwarded-For` is believed (the load balancers).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Where legal-aid evidence files are kept (encrypted, under server-chosen names). Every
    /// replica must see the same directory (a shared volume).
    pub attachments_dir: PathBuf,
    pub edge: EdgeSettings,
    pub observability: ObservabilitySettings,
    /// Pool, statement and Redis timeouts; the upkeep interval.
    pub backends: BackendSettings,
}

/// Where one-time codes are sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsSetting {
    /// Writes the code to the server log (development).
    Log,
    /// Appends one JSON line per message to a file (local testing).
    Outbox(PathBuf),
    /// POSTs to an SMS gateway.
    Http { url: String, key: Secret },
}

#[derive(Debug, Clone)]
pub struct WechatSettings {
    pub api_base: String,
    /// How long a code2session call may take before the login fails with 502.
    pub timeout: std::time::Duration,
    pub app_id: Option<String>,
    pub app_secret: Option<Secret>,
}

/// Everything wrong with the configuration, each line saying what to set.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n  - {}", .problems.join("\n  - "))]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl Settings {
    /// Reads the process environment. Dev-only secrets are generated under `data/` when missing.
    pub fn from_env() -> Result<Settings, ConfigError> {
        Settings::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads settings through `lookup`, so tests can pass a map instead of mutating the process
    /// environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let var = |key: &str| {
            lookup(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut problems = Vec::new();

        let environment = match var("GGH_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                problems.push(format!(
                    "GGH_ENV is `{other}`; use `development` or `production`"
                ));
                Environment::Development
            }
        };
        let production = environment == Environment::Production;
        let data_dir = PathBuf::from(var("GGH_DATA_DIR").unwrap_or_else(|| "data".into()));

        let database_url = var("DATABASE_URL");
        if production && database_url.is_none() {
            problems.push(
                "DATABASE_URL is required in production (the embedded SQLite default is for development); \
                 set it to postgres://USER@HOST:5432/DB"
                    .into(),
            );
        }
        let database_url = database_url.unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        if gangonghui_persistence::Backend::from_url(&database_url).is_none() {
            problems.push(format!(
                "DATABASE_URL must start with sqlite:// or postgres:// (got `{}`)",
                redact_url(&database_url)
            ));
        }

        let redis_url = var("REDIS_URL");
        if let Some(url) = &redis_url
            && !(url.starts_with("redis://") || url.starts_with("rediss://"))
        {
            problems.push(format!(
                "REDIS_URL must start with redis:// or rediss:// (got `{}`)",
                redact_url(url)
            ));
        }

        let jwt_secret = secret(
            &var,
            "GGH_JWT_SECRET",
            production,
            &data_dir,
            &mut problems,
            |s| {
                (s.len() < 32).then(|| "GGH_JWT_SECRET must be at least 32 characters; generate one with `openssl rand -hex 32`".into())
            },
        );
        let data_key = secret(
            &var,
            "GGH_DATA_KEY",
            production,
            &data_dir,
            &mut problems,
            |s| {
                (s.len() != 64 || !s.chars().all(|c| c.is_ascii_hexdigit()))
                .then(|| "GGH_DATA_KEY must be 64 hex characters (32 bytes); generate one with `openssl rand -hex 32`".into())
            },
        );

        let workers = parse(&var, "GGH_WORKERS", &mut problems, |n: &usize| {
            (1..=256).contains(n)
        });
        let shutdown_timeout_secs =
            parse(&var, "GGH_SHUTDOWN_TIMEOUT", &mut problems, |n: &u64| {
                *n <= 600
            })
            .unwrap_or(30);

        let provider = var("GGH_SMS_PROVIDER");
        let outbox = provider.as_deref().and_then(|p| p.strip_prefix("outbox:"));
        let sms = match (provider.as_deref(), outbox) {
            (_, Some(path)) => SmsSetting::Outbox(PathBuf::from(path)),
            (None | Some("log"), None) => SmsSetting::Log,
            (Some("http"), None) => match (var("GGH_SMS_HTTP_URL"), var("GGH_SMS_HTTP_KEY")) {
                (Some(url), Some(key)) => SmsSetting::Http {
                    url,
                    key: Secret::new(key),
                },
                _ => {
                    problems.push(
                        "GGH_SMS_PROVIDER=http needs GGH_SMS_HTTP_URL and GGH_SMS_HTTP_KEY".into(),
                    );
                    SmsSetting::Log
                }
            },
            (Some(other), None) => {
                problems.push(format!(
                    "GGH_SMS_PROVIDER is `{other}`; use log, outbox:PATH or http"
                ));
                SmsSetting::Log
            }
        };
        if production && sms == SmsSetting::Log {
            problems.push(
                "GGH_SMS_PROVIDER must be `http` in production: `log` writes codes to the log"
                    .into(),
            );
        }
        let wechat = WechatSettings {
            api_base: var("GGH_WECHAT_API_BASE")
                .unwrap_or_else(|| "https://api.weixin.qq.com".into()),
            timeout: std::time::Duration::from_millis(
                parse(&var, "GGH_WECHAT_TIMEOUT_MS", &mut problems, |n: &u64| {
                    (100..=60_000).contains(n)
                })
                .unwrap_or(5000),
            ),
            app_id: var("GGH_WECHAT_APP_ID"),
            app_secret: var("GGH_WECHAT_APP_SECRET").map(Secret::new),
        };
        let miniprogram_client = match (
            var("GGH_MINIPROGRAM_CLIENT_ID"),
            var("GGH_MINIPROGRAM_CLIENT_SECRET"),
        ) {
            (Some(id), Some(secret)) if secret.len() >= 32 => Some((id, Secret::new(secret))),
            (None, None) => None,
            _ => {
                problems.push(
                    "GGH_MINIPROGRAM_CLIENT_ID and GGH_MINIPROGRAM_CLIENT_SECRET go together; the secret needs 32+ characters"
                        .into(),
                );
                None
            }
        };
        let mut trusted_proxies = Vec::new();
        for item in var("GGH_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match item
                .parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
            {
                Ok(net) => trusted_proxies.push(net),
                Err(_) => problems.push(format!(
                    "GGH_TRUSTED_PROXIES: `{item}` is not an IP address or CIDR range"
                )),
            }
        }
        let edge = EdgeSettings::from_env(&var, production, &mut problems);
        let observability = ObservabilitySettings::from_env(&var, environment, &mut problems);
        let backends = BackendSettings::from_env(&var, &mut problems);
        let data_previous_keys = hex_keys(&var, "GGH_DATA_PREVIOUS_KEYS", &mut problems);
        let index_key = hex_keys(&var, "GGH_INDEX_KEY", &mut problems).pop();
        let jwt_previous_secrets = var("GGH_JWT_PREVIOUS_SECRETS")
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();

        if !problems.is_empty() {
            return Err(ConfigError { problems });
        }
        Ok(Settings {
            environment,
            bind: var("GGH_BIND").unwrap_or_else(|| DEFAULT_BIND.into()),
            database_url,
            redis_url,
            cache_prefix: var("GGH_CACHE_PREFIX").unwrap_or_else(|| "ggh:".into()),
            jwt_secret: jwt_secret.unwrap_or_else(|| Secret::new("")),
            data_key: data_key.unwrap_or_else(|| Secret::new("")),
            data_previous_keys,
            index_key,
            workers,
            shutdown_timeout_secs,
            jwt_previous_secrets,
            sms,
            wechat,
            miniprogram_client,
            trusted_proxies,
            edge,
            observability,
            backends,
            attachments_dir: var("GGH_ATTACHMENTS_DIR")
                .map_or_else(|| data_dir.join("attachments"), PathBuf::from),
            data_dir,
        })
    }
}

#[cfg(test)]
mod tests;
