//! The one way features record a state change in the audit log: build an [`AuditEvent`] and
//! `record` it inside the use case's transaction, so the change and its record commit together.

use actix_web::dev::Payload;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use chrono::{DateTime, Utc};
use gangonghui_domain::Role;
use gangonghui_domain::ids::{AccountId, OrgId};
use gangonghui_persistence::DbConn;
use gangonghui_persistence::audit::{NewAuditEvent, detail_json, record};
use std::future::{Ready, ready};

use crate::http::request_id::RequestId;
use crate::state::AppState;

/// Where and when a request came, for the audit trail.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: Option<String>,
    pub ip: Option<String>,
    /// When the request arrived, by the application's clock.
    pub at: DateTime<Utc>,
}

impl RequestContext {
    /// A change made outside any request (the command line).
    pub fn outside_request(at: DateTime<Utc>) -> Self {
        RequestContext {
            request_id: None,
            ip: None,
            at,
        }
    }
}

impl FromRequest for RequestContext {
    type Error = std::convert::Infallible;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(RequestContext {
            request_id: RequestId::of(req),
            ip: req
                .extensions()
                .get::<crate::auth::client::ClientIp>()
                .map(|ip| ip.0)
                .or_else(|| req.peer_addr().map(|a| a.ip()))
                .map(|ip| ip.to_string()),
            at: req
                .app_data::<Data<AppState>>()
                .map_or_else(Utc::now, |state| state.clock.now()),
        }))
    }
}

/// One state change, described as facts: who, in which role, did `action` to which target.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    action: &'static str,
    target_type: &'static str,
    target_id: String,
    actor: Option<(AccountId, Role)>,
    org_scope: Option<OrgId>,
    detail: serde_json::Value,
}

impl AuditEvent {
    /// `action` is a stable dotted name, e.g. `membership.approve`.
    pub fn new(
        action: &'static str,
        target_type: &'static str,
        target_id: impl Into<String>,
    ) -> Self {
        AuditEvent {
            action,
            target_type,
            target_id: target_id.into(),
            actor: None,
            org_scope: None,
            detail: serde_json::Value::Object(Default::default()),
        }
    }

    pub fn by(mut self, actor_id: &AccountId, role: Role) -> Self {
        self.actor = Some((actor_id.clone(), role));
        self
    }

    /// The org unit whose admins may see this event.
    pub fn in_org(mut self, org_scope: &OrgId) -> Self {
        self.org_scope = Some(org_scope.clone());
        self
    }

    /// Small, non-personal facts about the change (never ID numbers, phones or free text).
    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }

    /// Appends the event; call inside the transaction that makes the change.
    pub fn record(&self, conn: &mut DbConn, ctx: &RequestContext) -> diesel::QueryResult<i64> {
        record(
            conn,
            &NewAuditEvent {
                at: ctx.at.naive_utc(),
                actor_id: self.actor.as_ref().map(|(id, _)| id),
                actor_role: self.actor.as_ref().map(|(_, role)| role.as_str()),
                action: self.action,
                target_type: self.target_type,
                target_id: &self.target_id,
                org_scope: self.org_scope.as_ref().map(OrgId::as_str),
                request_id: ctx.request_id.as_deref(),
                ip: ctx.ip.as_deref(),
                detail: detail_json(&self.detail),
            },
        )
    }
}
