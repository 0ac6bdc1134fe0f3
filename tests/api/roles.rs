//! Who may call what: the role extractors answer 401 without a token, 403 for the wrong role,
//! and a role granted while logged in counts on the very next request.

use actix_web::{HttpResponse, get};
use gangonghui_api::auth::operators::{OrgRef, create_or_promote};
use gangonghui_api::auth::{LegalOfficer, UnionAdmin};
use gangonghui_domain::{Phone, Role};

use crate::helpers::{TestApp, problem};

/// Answers with the org unit the union admin is scoped to.
#[utoipa::path(responses((status = 200)))]
#[get("/probe/union-admin")]
async fn union_admin_probe(admin: UnionAdmin) -> HttpResponse {
    HttpResponse::Ok().body(admin.org_id.into_string())
}

#[utoipa::path(responses((status = 200)))]
#[get("/probe/legal-officer")]
async fn legal_officer_probe(officer: LegalOfficer) -> HttpResponse {
    HttpResponse::Ok().body(officer.org_id.into_string())
}

fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    gangonghui_api::routes::configure(cfg);
    cfg.service(union_admin_probe).service(legal_officer_probe);
}

#[tokio::test]
async fn operator_routes_refuse_members_and_strangers() {
    let app = TestApp::spawn_with_routes(|_| {}, routes).await;
    let member = app.register("13300000001").await;

    let anonymous = app.get("/probe/union-admin").await;
    assert!(anonymous.headers().contains_key("www-authenticate"));
    assert_eq!(problem(anonymous, 401).await["code"], "auth.token_missing");
    let forbidden = app.get_as("/probe/union-admin", &member.access).await;
    assert_eq!(problem(forbidden, 403).await["code"], "auth.forbidden");

    // Granted from the command line while the member is logged in: counts at once.
    let phone = Phone::parse("13300000001").unwrap();
    let org = create_or_promote(
        &app.state,
        phone,
        None,
        Role::UnionAdmin,
        OrgRef::Division("360100".into()),
        None,
    )
    .await
    .unwrap();
    assert!(org.granted && !org.created);
    let allowed = app.get_as("/probe/union-admin", &member.access).await;
    assert_eq!(allowed.status().as_u16(), 200);
    assert_eq!(
        allowed.text().await.unwrap(),
        "00000000-0000-7000-8000-000000360100"
    );
    let other_role = app.get_as("/probe/legal-officer", &member.access).await;
    assert_eq!(problem(other_role, 403).await["code"], "auth.forbidden");
}
