//! The counter cannot be used to guess codes or probe cards: wrong codes are limited per card
//! and per staff login (counted before they are judged, so parallel guesses meet the limit
//! exactly; right codes give their count back), and a missing card, a wrong code and a wrong code
//! on a lost card all answer alike.

use chrono::Utc;
use gangonghui_api::cards::codes;
use gangonghui_domain::card::CardNo;
use gangonghui_domain::totp::step_at;
use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, code_for, members_with_cards, problem, shop};

/// The right code with its last two digits moved by `by` (1..=99): a wrong code.
fn wrong_by(right: &str, by: u32) -> String {
    let (head, last) = right.split_at(right.len() - 2);
    let digits = (last.parse::<u32>().unwrap() + by) % 100;
    format!("{head}{digits:02}")
}

fn wrong(right: &str) -> String {
    wrong_by(right, 1)
}

async fn verify(app: &TestApp, who: &Session, code: &str) -> reqwest::Response {
    let body = json!({ "code": code });
    app.post("/api/v1/merchant/verifications", &body, Some(&who.access))
        .await
}

#[tokio::test]
async fn forty_parallel_wrong_codes_for_one_card_meet_its_limit_and_lock_it() {
    let app = &TestApp::spawn().await;
    let (owner, union) = shop(app).await;
    let card = &members_with_cards(app, &union, 1).await[0];
    let right = code_for(app, card, step_at(Utc::now().timestamp()));
    for _ in 0..12 {
        let ok = verify(app, &owner, &right).await;
        assert_eq!(
            ok.status().as_u16(),
            200,
            "a right code never uses the limit up"
        );
    }
    // Forty different guesses at once; the same guess retried would learn nothing and count once.
    let guesses: Vec<String> = (1..=40).map(|by| wrong_by(&right, by)).collect();
    let burst = guesses.iter().map(|guess| verify(app, &owner, guess));
    let answers = futures_util::future::join_all(burst).await;
    let mut counts = (0, 0);
    for answer in answers {
        match answer.status().as_u16() {
            422 => counts.0 += 1,
            429 => {
                assert!(answer.headers().contains_key("retry-after"));
                counts.1 += 1;
            }
            other => panic!("{other}"),
        }
    }
    assert_eq!(counts, (10, 30), "ten judged, thirty refused unjudged");
    // Retried, the ten judged guesses learn nothing new and the thirty refused stay refused.
    let again = guesses.iter().map(|guess| verify(app, &owner, guess));
    let statuses: Vec<u16> = futures_util::future::join_all(again)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        10,
        "{statuses:?}"
    );
    let step = step_at(Utc::now().timestamp());
    let next = code_for(app, card, step + 1);
    let locked = problem(verify(app, &owner, &next).await, 429).await;
    assert_eq!(
        locked["code"], "rate_limited",
        "the card takes no new codes for a while"
    );
}

#[tokio::test]
async fn one_staff_login_cannot_sweep_card_numbers() {
    let app = &TestApp::spawn().await;
    let (owner, _) = shop(app).await;
    let mut answers = Vec::new();
    for serial in 0..31 {
        let card = CardNo::new(1, 90_000_000 + serial).unwrap();
        let code = codes::format_code(card.as_str(), 123_456);
        answers.push(verify(app, &owner, &code).await.status().as_u16());
    }
    assert!(answers[..30].iter().all(|s| *s == 422), "{answers:?}");
    assert_eq!(
        answers[30], 429,
        "the 31st wrong code of one login in ten minutes"
    );
}

#[tokio::test]
async fn no_such_card_a_wrong_code_and_a_lost_card_answer_alike() {
    let app = &TestApp::spawn().await;
    let (owner, union) = shop(app).await;
    let card = &members_with_cards(app, &union, 1).await[0];
    let right = code_for(app, card, step_at(Utc::now().timestamp()));
    let nobody = codes::format_code(CardNo::new(1, 99_999_998).unwrap().as_str(), 123_456);
    let mut conn = app.state.db.get().unwrap();
    {
        use diesel::prelude::*;
        use gangonghui_persistence::schema::cards::dsl::*;
        diesel::update(cards.find(card.id.as_str()))
            .set(status.eq(gangonghui_domain::card::CardStatus::Lost.as_str()))
            .execute(&mut *conn)
            .unwrap();
    }
    let mut bodies: Vec<Value> = Vec::new();
    for code in [nobody, wrong(&right)] {
        bodies.push(problem(verify(app, &owner, &code).await, 422).await);
    }
    for body in &bodies {
        assert_eq!(body["code"], "code.invalid", "{body}");
        assert_eq!(body["title"], bodies[0]["title"]);
    }
    let lost = problem(verify(app, &owner, &right).await, 422).await;
    assert_eq!(
        lost["code"], "card.lost",
        "only the right code learns the card's state"
    );
}

/// The caps count every code before it is judged: a parallel sweep over many cards meets the
/// per-login cap of 30 exactly (peeked first and counted after, 300 at once all passed).
#[tokio::test]
async fn a_parallel_sweep_meets_the_login_cap_exactly() {
    let app = &TestApp::spawn().await;
    let (owner, _) = shop(app).await;
    let codes: Vec<String> = (0..45)
        .map(|serial| {
            let card = CardNo::new(1, 91_000_000 + serial).unwrap();
            codes::format_code(card.as_str(), 123_456)
        })
        .collect();
    let burst = codes.iter().map(|code| verify(app, &owner, code));
    let statuses: Vec<u16> = futures_util::future::join_all(burst)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    let judged = statuses.iter().filter(|s| **s == 422).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((judged, refused), (30, 15), "{statuses:?}");
}

/// A guess already judged in one time step is a new guess in the next: it takes a try again
/// (re-sending the same ten strings every step gave ~300 checks a card per window).
#[tokio::test]
async fn the_same_guess_in_a_later_step_takes_a_new_try() {
    let app = &TestApp::spawn().await;
    let (owner, union) = shop(app).await;
    let card = &members_with_cards(app, &union, 1).await[0];
    let right = code_for(app, card, step_at(app.state.clock.now().timestamp()));
    let guesses: Vec<String> = (1..=10).map(|by| wrong_by(&right, by)).collect();
    for guess in &guesses {
        assert_eq!(verify(app, &owner, guess).await.status().as_u16(), 422);
    }
    assert_eq!(
        verify(app, &owner, &guesses[0]).await.status().as_u16(),
        422,
        "same step"
    );
    app.state.clock.advance(chrono::Duration::seconds(30));
    let later = problem(verify(app, &owner, &guesses[0]).await, 429).await;
    assert_eq!(
        later["code"], "rate_limited",
        "a new step, a new try: the card is out of them"
    );
}
