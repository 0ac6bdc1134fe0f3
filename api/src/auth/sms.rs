//! Sending one-time codes. One interface, three providers: the log (development), an outbox file
//! (local testing: one JSON line per message, written before the request is answered) and an
//! HTTP gateway.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use gangonghui_domain::Phone;
use gangonghui_domain::otp::OtpPurpose;
use tokio::io::AsyncWriteExt;

use crate::metrics::record;
use crate::settings::{Secret, SmsSetting};

const GATEWAY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub enum SmsSender {
    Log,
    Outbox {
        path: PathBuf,
        lock: Arc<tokio::sync::Mutex<()>>,
    },
    Http {
        url: String,
        key: Secret,
        client: reqwest::Client,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("cannot append to the SMS outbox")]
    Outbox(#[from] std::io::Error),
    #[error("SMS gateway request failed")]
    Gateway(#[from] reqwest::Error),
    #[error("SMS gateway answered {0}")]
    Refused(u16),
}

impl SmsSender {
    pub fn from_setting(setting: &SmsSetting, client: reqwest::Client) -> SmsSender {
        match setting {
            SmsSetting::Log => SmsSender::Log,
            SmsSetting::Outbox(path) => SmsSender::Outbox {
                path: path.clone(),
                lock: Default::default(),
            },
            SmsSetting::Http { url, key } => SmsSender::Http {
                url: url.clone(),
                key: key.clone(),
                client,
            },
        }
    }

    pub async fn send(
        &self,
        phone: &Phone,
        code: &str,
        purpose: OtpPurpose,
        sent_at: DateTime<Utc>,
    ) -> Result<(), SmsError> {
        let sent = if let SmsSender::Log = self {
            // Development only (production refuses this provider): the code is the point.
            tracing::info!(phone = %phone.masked(), purpose = purpose.as_str(), code, "SMS (log provider)");
            Ok(())
        } else {
            self.deliver(phone, purpose.as_str(), ("code", code), sent_at)
                .await
        };
        let outcome = match &sent {
            Ok(()) => "sent",
            Err(SmsError::Outbox(_)) => "outbox_error",
            Err(SmsError::Gateway(_)) => "gateway_error",
            Err(SmsError::Refused(_)) => "gateway_refused",
        };
        record::otp_send(self.provider(), outcome);
        sent
    }

    /// The provider's name, as the settings and the metrics call it.
    pub fn provider(&self) -> &'static str {
        match self {
            SmsSender::Log => "log",
            SmsSender::Outbox { .. } => "outbox",
            SmsSender::Http { .. } => "http",
        }
    }

    /// Sends a notice: a fixed text that names no case, person or amount (an SMS is read on
    /// lock screens), under its own `purpose`.
    pub async fn notify(
        &self,
        phone: &Phone,
        purpose: &'static str,
        text: &'static str,
        sent_at: DateTime<Utc>,
    ) -> Result<(), SmsError> {
        if let SmsSender::Log = self {
            tracing::info!(phone = %phone.masked(), purpose, "SMS notice (log provider)");
            return Ok(());
        }
        self.deliver(phone, purpose, ("message", text), sent_at)
            .await
    }

    /// One message to the outbox or the gateway: phone, purpose and one content field.
    async fn deliver(
        &self,
        phone: &Phone,
        purpose: &str,
        (field, content): (&str, &str),
        sent_at: DateTime<Utc>,
    ) -> Result<(), SmsError> {
        let mut message = serde_json::Map::new();
        message.insert("phone".into(), phone.as_str().into());
        message.insert("purpose".into(), purpose.into());
        message.insert(field.into(), content.into());
        match self {
            SmsSender::Log => Ok(()),
            SmsSender::Outbox { path, lock } => {
                message.insert("sent_at".into(), sent_at.to_rfc3339().into());
                let line = serde_json::Value::Object(message).to_string() + "\n";
                let _guard = lock.lock().await;
                let mut file = tokio::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .await?;
                file.write_all(line.as_bytes()).await?;
                file.flush().await?;
                Ok(())
            }
            SmsSender::Http { url, key, client } => {
                let response = client
                    .post(url)
                    .bearer_auth(key.expose())
                    .timeout(GATEWAY_TIMEOUT)
                    .json(&message)
                    .send()
                    .await?;
                if response.status().is_success() {
                    Ok(())
                } else {
                    Err(SmsError::Refused(response.status().as_u16()))
                }
            }
        }
    }
}
