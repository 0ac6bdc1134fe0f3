//! The statistics overview agrees with figures the test works out itself from the rows it made,
//! for admins of the province and of two cities.

use std::collections::BTreeMap;

use chrono::Duration;
use serde_json::{Value, json};

use crate::helpers::{
    JINGDEZHEN, Movers, NANCHANG, PROVINCE, STATES, Session, TestApp, request, shop,
    spawn_legal_aid,
};

const CATEGORIES: [&str; 6] = [
    "wage_arrears",
    "labor_contract",
    "work_injury",
    "social_insurance",
    "dismissal",
    "other",
];

/// (city, category, state it ends in, recovered fen, day after filing it is decided on; 0 for
/// never decided).
const PLAN: [(&str, &str, &str, i64, i64); 11] = [
    ("360100", "wage_arrears", "submitted", 0, 0),
    ("360100", "labor_contract", "accepted", 0, 1),
    ("360100", "work_injury", "resolved", 150_000, 1),
    ("360100", "wage_arrears", "resolved", 0, 3),
    ("360100", "dismissal", "rejected", 0, 3),
    ("360100", "social_insurance", "closed", 0, 1),
    ("360100", "other", "withdrawn", 0, 0),
    ("360100", "labor_contract", "mediation", 0, 1),
    ("360200", "wage_arrears", "resolved", 300_000, 3),
    ("360200", "dismissal", "submitted", 0, 0),
    ("360200", "other", "accepted", 0, 3),
];

/// What the overview must say about the cases of `cities`: the plan's rows plus the member's
/// request, still submitted in Nanchang.
fn expected_cases(cities: &[&str]) -> Value {
    let mut rows: Vec<_> = PLAN.iter().filter(|r| cities.contains(&r.0)).collect();
    let member_case = ("360100", "work_injury", "submitted", 0, 0);
    if cities.contains(&"360100") {
        rows.push(&member_case);
    }
    let by_status: BTreeMap<&str, usize> = STATES
        .iter()
        .map(|s| (*s, rows.iter().filter(|r| r.2 == *s).count()))
        .collect();
    let by_category: BTreeMap<&str, usize> = CATEGORIES
        .iter()
        .map(|c| (*c, rows.iter().filter(|r| r.1 == *c).count()))
        .collect();
    let recovered: i64 = rows.iter().filter(|r| r.2 == "resolved").map(|r| r.3).sum();
    let mut days: Vec<i64> = rows.iter().filter(|r| r.4 > 0).map(|r| r.4).collect();
    days.sort_unstable();
    let median = match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[n / 2] as f64),
        n => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
    };
    json!({
        "by_status": by_status, "by_category": by_category, "recovered_fen": recovered,
        "median_days_to_decision": median, "overdue_reviews": by_status["submitted"],
    })
}

/// The overview's legal-aid figures, with the per-state and per-category lists as maps.
fn cases_of(overview: &Value) -> Value {
    let figures = &overview["legal_aid"];
    let map = |list: &Value, key: &str| -> BTreeMap<String, i64> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e[key].as_str().unwrap().to_owned(),
                    e["count"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    json!({
        "by_status": map(&figures["by_status"], "status"),
        "by_category": map(&figures["by_category"], "category"),
        "recovered_fen": figures["recovered_fen"],
        "median_days_to_decision": figures["median_days_to_decision"],
        "overdue_reviews": figures["overdue_reviews"],
    })
}

async fn overview(app: &TestApp, admin: &Session) -> Value {
    // Only `to`: by default the series is the year that ends with it.
    app.json_as(admin, "/api/v1/admin/stats/overview?to=2026-03")
        .await
}

#[tokio::test]
async fn the_overview_matches_the_cases_members_and_merchants_of_each_admins_subtree() {
    let app = spawn_legal_aid().await;
    let (_, nanchang_union) = shop(&app).await;
    let nanchang = app.login("13900000501", "stats").await;
    let province = app.admin("13960000001", "360000").await;
    let jingdezhen = app.admin("13960000002", "360200").await;
    let officer = app.officer("13960000003", "360000").await;
    let jingdezhen_union = app
        .grassroots(&province, JINGDEZHEN, "景德镇陶瓷工会")
        .await;
    let member = app
        .member_of(&nanchang, &nanchang_union, "13860000001", 601)
        .await;
    let hopeful = app.verified_member("13860000002", 602).await;
    app.apply(&hopeful, &jingdezhen_union).await;

    let worker = app.register("13860000003").await;
    let mut cases = Vec::new();
    for (n, (city, category, ..)) in PLAN.iter().enumerate() {
        let union = if *city == "360100" {
            &nanchang_union
        } else {
            &jingdezhen_union
        };
        let body = request(
            category,
            &format!("统计{n}号公司"),
            "13860000003",
            Some(union),
        );
        cases.push(
            app.file_case(&worker, &body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    // A member's request goes to their own union, whatever org it names.
    let body = request("work_injury", "南昌某钢厂", "13860000001", Some(JINGDEZHEN));
    assert_eq!(
        app.file_case(&member, &body).await["org_id"],
        nanchang_union.as_str()
    );
    assert_eq!(
        overview(&app, &province).await["legal_aid"]["overdue_reviews"],
        0,
        "nothing is due yet"
    );

    let movers = Movers {
        applicant: &worker,
        handler: &officer,
        assignee: &officer.account_id,
    };
    for (day, advance) in [(0, 0), (1, 1), (3, 2)] {
        app.state.clock.advance(Duration::days(advance));
        for (id, (_, _, state, recovered, decided)) in cases.iter().zip(PLAN) {
            if decided == day && state != "submitted" {
                app.drive(&movers, id, state, recovered).await;
            }
        }
    }
    app.state.clock.advance(Duration::days(5));

    let scopes = [
        (&province, PROVINCE, &["360100", "360200"][..], (1, 1, 1, 1)),
        (&nanchang, NANCHANG, &["360100"][..], (1, 0, 1, 1)),
        (&jingdezhen, JINGDEZHEN, &["360200"][..], (0, 1, 0, 0)),
    ];
    for (admin, org, cities, (active, pending, cards, merchants)) in scopes {
        let got = overview(&app, admin).await;
        assert_eq!(got["org_id"], org);
        assert_eq!(cases_of(&got), expected_cases(cities), "{cities:?}");
        assert_eq!(
            got["members"],
            json!({ "active": active, "pending_applications": pending }),
            "{cities:?}"
        );
        assert_eq!(
            (
                got["active_cards"].as_i64(),
                got["active_merchants"].as_i64()
            ),
            (Some(cards), Some(merchants)),
            "{cities:?}"
        );
        let months: Vec<(&str, i64)> = got["redemptions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["month"].as_str().unwrap(), m["count"].as_i64().unwrap()))
            .collect();
        let year: Vec<String> = (3..15)
            .map(|m| format!("{}-{:02}", 2025 + m / 12, m % 12 + 1))
            .collect();
        let zeros: Vec<(&str, i64)> = year.iter().map(|m| (m.as_str(), 0)).collect();
        assert_eq!(months, zeros, "a year of months, none with redemptions");
    }
}
