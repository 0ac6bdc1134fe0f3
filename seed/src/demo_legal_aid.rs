//! The legal-aid part of `seed --demo`: one legal-aid officer per city, and a few requests of
//! the demo members in different states, with a message thread. Cases go through the same use
//! cases the API runs (consent, the move table, sealing), so the demo is what the API would have
//! made. Skipped when the demo members already have requests.

use gangonghui_api::AppState;
use gangonghui_api::audit::RequestContext;
use gangonghui_api::auth::Authenticated;
use gangonghui_api::auth::operators::{OrgRef, create_or_promote};
use gangonghui_api::auth::session_cache::grants_from;
use gangonghui_api::legal_aid::dto::{MessageBody, NewRequest, TransitionBody};
use gangonghui_api::legal_aid::{messages, service, workflow};
use gangonghui_domain::account::NewPassword;
use gangonghui_domain::ids::CaseId;
use gangonghui_domain::legal_aid::CaseCategory;
use gangonghui_domain::legal_aid::workflow::CaseStatus;
use gangonghui_domain::{ClientKind, Phone, Role};
use gangonghui_persistence::accounts;
use gangonghui_persistence::legal_aid::{self, CaseFilter, Visibility};

/// Officer phones: 136000001NN for city NN (01 Nanchang .. 11 Shangrao).
pub fn officer_phone(city_index: usize) -> String {
    format!("136000001{:02}", city_index + 1)
}

pub async fn officers(
    state: &AppState,
    cities: &[&str],
    password: &NewPassword,
) -> anyhow::Result<Vec<(String, String)>> {
    let mut made = Vec::new();
    for (i, division) in cities.iter().enumerate() {
        let phone = Phone::parse(&officer_phone(i)).map_err(|e| anyhow::anyhow!("{e}"))?;
        let org = OrgRef::Division((*division).into());
        create_or_promote(
            state,
            phone.clone(),
            Some(password.clone()),
            Role::LegalAidOfficer,
            org,
            None,
        )
        .await?;
        made.push((phone.as_str().to_owned(), (*division).to_owned()));
    }
    Ok(made)
}

/// Acting as an account outside any request: its grants as a session would carry them.
pub(crate) async fn acting_as(state: &AppState, phone: &str) -> anyhow::Result<Authenticated> {
    let phone = phone.to_owned();
    let (id, rows) = state
        .db(move |c| {
            let account = accounts::find_by_phone(c, &phone)?.ok_or_else(|| {
                gangonghui_api::ApiError::internal(anyhow::anyhow!("{phone} missing"))
            })?;
            let roles = accounts::roles(c, &account.id)?;
            Ok((account.id, roles))
        })
        .await?;
    Ok(Authenticated {
        account_id: id,
        session_id: "seed".into(),
        client: ClientKind::App,
        grants: grants_from(rows),
    })
}

pub(crate) fn request(
    category: CaseCategory,
    employer: &str,
    claim: Option<i64>,
    text: &str,
    phone: &str,
) -> anyhow::Result<NewRequest> {
    Ok(NewRequest {
        category,
        employer_name: employer.into(),
        claim_amount_fen: claim,
        description: text.into(),
        contact_phone: Phone::parse(phone).map_err(|e| anyhow::anyhow!("{e}"))?,
        org_id: None,
    })
}

pub(crate) fn to(status: CaseStatus) -> TransitionBody {
    TransitionBody {
        to: status,
        note: None,
        reason: None,
        assignee_id: None,
        expected_assignee_id: None,
        court_case_no: None,
        recovered_fen: None,
    }
}

pub(crate) async fn move_as(
    state: &AppState,
    who: &Authenticated,
    id: &CaseId,
    body: TransitionBody,
) -> anyhow::Result<()> {
    let ctx = RequestContext::outside_request(state.clock.now());
    workflow::move_case(state, who, id.clone(), body, ctx).await?;
    Ok(())
}

async fn say(
    state: &AppState,
    who: &Authenticated,
    id: &CaseId,
    text: &str,
    internal: bool,
) -> anyhow::Result<()> {
    let ctx = RequestContext::outside_request(state.clock.now());
    let body = MessageBody {
        body: text.into(),
        internal,
    };
    messages::post(state, who, id.clone(), body, ctx).await?;
    Ok(())
}

/// Four requests: one waiting for review, one assigned with a thread, one resolved through
/// court-union mediation, one rejected. Returns how many were made.
pub async fn cases(state: &AppState) -> anyhow::Result<usize> {
    let ctx = || RequestContext::outside_request(state.clock.now());
    let (wang, li, liu) = (
        acting_as(state, "13800000101").await?,
        acting_as(state, "13800000102").await?,
        acting_as(state, "13800000103").await?,
    );
    let (nanchang, ganzhou) = (
        acting_as(state, &officer_phone(0)).await?,
        acting_as(state, &officer_phone(6)).await?,
    );
    let who = wang.account_id.clone();
    let existing = state
        .db(move |c| {
            let mine = Visibility {
                account_id: who,
                scope_paths: vec![],
            };
            Ok(legal_aid::list(c, &mine, &CaseFilter::default(), 1)?.len())
        })
        .await?;
    if existing > 0 {
        return Ok(0);
    }
    service::submit(
        state,
        &wang,
        request(
            CaseCategory::WageArrears,
            "南昌某建筑劳务有限公司",
            Some(1_860_000),
            "2026年9月至11月在工地做钢筋工，工资一直未发，共计18600元，包工头失联。",
            "13800000101",
        )?,
        ctx(),
    )
    .await?;

    let case = service::submit(
        state,
        &li,
        request(
            CaseCategory::LaborContract,
            "江西某电子科技有限公司",
            None,
            "入职一年未签订书面劳动合同，公司拒绝补签，想咨询二倍工资差额。",
            "13800000102",
        )?,
        ctx(),
    )
    .await?;
    let id = case.summary.id;
    move_as(state, &nanchang, &id, to(CaseStatus::Accepted)).await?;
    let assign = TransitionBody {
        assignee_id: Some(nanchang.account_id.clone()),
        ..to(CaseStatus::Assigned)
    };
    move_as(state, &nanchang, &id, assign).await?;
    say(
        state,
        &nanchang,
        &id,
        "您好，请上传工资条、考勤记录或工作证等能证明劳动关系的材料。",
        false,
    )
    .await?;
    say(state, &li, &id, "好的，我明天拍照上传工资银行流水。", false).await?;
    say(
        state,
        &nanchang,
        &id,
        "用人单位曾有类似纠纷，建议先约谈人事部门。",
        true,
    )
    .await?;

    let case = service::submit(
        state,
        &liu,
        request(
            CaseCategory::WorkInjury,
            "赣州某矿业有限公司",
            Some(6_000_000),
            "2026年8月井下作业时右手受伤，已认定工伤，单位拒付停工留薪期工资和一次性伤残补助金。",
            "13800000103",
        )?,
        ctx(),
    )
    .await?;
    let id = case.summary.id;
    move_as(state, &ganzhou, &id, to(CaseStatus::Accepted)).await?;
    let assign = TransitionBody {
        assignee_id: Some(ganzhou.account_id.clone()),
        ..to(CaseStatus::Assigned)
    };
    move_as(state, &ganzhou, &id, assign).await?;
    let mediate = TransitionBody {
        court_case_no: Some("（2026）赣0702民诉前调88号".into()),
        ..to(CaseStatus::Mediation)
    };
    move_as(state, &ganzhou, &id, mediate).await?;
    let resolved = TransitionBody {
        recovered_fen: Some(4_860_000),
        note: Some("调解成功，法院已司法确认。".into()),
        ..to(CaseStatus::Resolved)
    };
    move_as(state, &ganzhou, &id, resolved).await?;

    let case = service::submit(
        state,
        &wang,
        request(
            CaseCategory::SocialInsurance,
            "南昌某物流有限公司",
            None,
            "想咨询2019年的社保断缴能否补缴。",
            "13800000101",
        )?,
        ctx(),
    )
    .await?;
    let reject = TransitionBody {
        reason: Some("已超过仲裁时效，建议向社保经办机构咨询补缴政策。".into()),
        ..to(CaseStatus::Rejected)
    };
    move_as(state, &nanchang, &case.summary.id, reject).await?;
    Ok(4)
}
