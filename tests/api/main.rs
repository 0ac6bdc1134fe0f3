//! Integration tests: the real `Application` on port 0, called over HTTP like a client would.
//!
//! By default on SQLite with the in-process cache; on PostgreSQL and Redis when
//! `GGH_TEST_DATABASE_URL` / `GGH_TEST_REDIS_URL` are set (as `.ci/run` does).

// Test helpers fail loudly by design: an unwrap or an index that panics is a failed assertion.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

mod cache;
mod cards;
mod cli;
mod counter_guard;
mod counters;
mod database_outage;
mod deployment;
mod duties;
mod errors;
mod helpers;
mod history;
mod hygiene;
mod legal_aid;
mod login_limit;
mod membership;
mod merchants;
mod metrics;
mod money_bounds;
mod offers;
mod openapi;
mod otp;
mod real_name;
mod redemptions;
mod replicas;
mod request_log;
mod roles;
mod rollup;
mod service;
mod sessions;
mod sms;
mod staff_invitation_guards;
mod staff_invitations;
mod tokens;
mod upkeep;
mod wechat;
