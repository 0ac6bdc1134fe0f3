//! Legal-aid requests of generated members, in every state of the workflow, made through the
//! same use cases as the API (consent, the move table, sealing): one legal-aid officer per city
//! (phones 136000002NN, the bulk password) handles them.

use futures_util::StreamExt;
use gangonghui_api::AppState;
use gangonghui_api::audit::RequestContext;
use gangonghui_api::auth::operators::{OrgRef, create_or_promote};
use gangonghui_api::legal_aid::dto::TransitionBody;
use gangonghui_api::legal_aid::service;
use gangonghui_domain::account::NewPassword;
use gangonghui_domain::legal_aid::CaseCategory;
use gangonghui_domain::legal_aid::workflow::CaseStatus;
use gangonghui_domain::{Phone, Role};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::people::Members;
use super::world::CITIES;
use crate::demo_legal_aid::{acting_as, move_as, request, to};

/// Cases in flight at once: enough to keep two cores and the database busy.
const IN_FLIGHT: usize = 4;

/// The states cases end in, by share: most are finished, some still open.
const ENDS: [(CaseStatus, u32); 8] = [
    (CaseStatus::Submitted, 8),
    (CaseStatus::Accepted, 6),
    (CaseStatus::Assigned, 12),
    (CaseStatus::Mediation, 6),
    (CaseStatus::Resolved, 40),
    (CaseStatus::Rejected, 12),
    (CaseStatus::Closed, 10),
    (CaseStatus::Withdrawn, 6),
];

fn officer_phone(city: usize) -> String {
    format!("136000002{:02}", city + 1)
}

struct Plan {
    member: usize,
    city: usize,
    category: CaseCategory,
    end: CaseStatus,
    claim: i64,
}

pub async fn generate(
    state: &AppState,
    members: &Members,
    n: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<usize> {
    if n == 0 || members.len() == 0 {
        return Ok(0);
    }
    let password = NewPassword::parse(super::BULK_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    for (city, (number, ..)) in CITIES.iter().enumerate() {
        let phone = Phone::parse(&officer_phone(city)).map_err(|e| anyhow::anyhow!("{e}"))?;
        let org = OrgRef::Division(format!("36{number:02}00"));
        create_or_promote(
            state,
            phone,
            Some(password.clone()),
            Role::LegalAidOfficer,
            org,
            None,
        )
        .await?;
    }
    let total: u32 = ENDS.iter().map(|e| e.1).sum();
    let plans: Vec<Plan> = (0..n)
        .map(|i| {
            // The first cases go through every state once; the rest by share.
            let mut pick = rng.random_range(0..total);
            let end = ENDS.get(i).map(|e| e.0).unwrap_or_else(|| {
                ENDS.iter()
                    .find(|(_, share)| {
                        let hit = pick < *share;
                        pick = pick.saturating_sub(*share);
                        hit
                    })
                    .map_or(CaseStatus::Submitted, |e| e.0)
            });
            // Each member files at most one request: the i-th case is the i-th member's.
            let member = i % members.len();
            Plan {
                member,
                city: usize::from(members.city[member]),
                category: CaseCategory::ALL[rng.random_range(0..CaseCategory::ALL.len())],
                end,
                claim: rng.random_range(50_000..5_000_000),
            }
        })
        .collect();
    let bar = super::bar("cases", n);
    let done = futures_util::stream::iter(plans.into_iter().enumerate())
        .map(|(i, plan)| async move { one(state, i, plan).await })
        .buffer_unordered(IN_FLIGHT)
        .inspect(|_| bar.inc(1))
        .collect::<Vec<anyhow::Result<()>>>()
        .await;
    bar.finish();
    done.into_iter().collect::<anyhow::Result<Vec<()>>>()?;
    Ok(n)
}

async fn one(state: &AppState, i: usize, plan: Plan) -> anyhow::Result<()> {
    let phone = format!("15{:09}", plan.member);
    let applicant = acting_as(state, &phone).await?;
    let officer = acting_as(state, &officer_phone(plan.city)).await?;
    let body = request(
        plan.category,
        &format!("基准测试用人单位{i}"),
        Some(plan.claim),
        "基准测试生成的法律援助申请：工资拖欠，已多次协商未果。",
        &phone,
    )?;
    let ctx = RequestContext::outside_request(state.clock.now());
    let id = service::submit(state, &applicant, body, ctx)
        .await?
        .summary
        .id;
    let assign = || TransitionBody {
        assignee_id: Some(officer.account_id.clone()),
        ..to(CaseStatus::Assigned)
    };
    let path: Vec<TransitionBody> = match plan.end {
        CaseStatus::Submitted | CaseStatus::Withdrawn => vec![],
        CaseStatus::Accepted => vec![to(CaseStatus::Accepted)],
        CaseStatus::Assigned => vec![to(CaseStatus::Accepted), assign()],
        CaseStatus::Mediation => vec![
            to(CaseStatus::Accepted),
            assign(),
            to(CaseStatus::Mediation),
        ],
        CaseStatus::Resolved => vec![
            to(CaseStatus::Accepted),
            assign(),
            TransitionBody {
                recovered_fen: Some(plan.claim / 2),
                ..to(CaseStatus::Resolved)
            },
        ],
        CaseStatus::Rejected => vec![TransitionBody {
            reason: Some("不属于法律援助受理范围。".into()),
            ..to(CaseStatus::Rejected)
        }],
        CaseStatus::Closed => vec![to(CaseStatus::Accepted), assign(), to(CaseStatus::Closed)],
    };
    for step in path {
        move_as(state, &officer, &id, step).await?;
    }
    if plan.end == CaseStatus::Withdrawn {
        move_as(state, &applicant, &id, to(CaseStatus::Withdrawn)).await?;
    }
    Ok(())
}
