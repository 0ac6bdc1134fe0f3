//! Prepares counter requests for wrk (`bench/requests.lua`, driven by `bench/run.sh`), as POS integrations would send
//! them: one line per request with a fresh one-time code of a seeded card, the POS key of one of
//! `BENCH_SHOPS` seeded merchants (keys created straight in the database) and, for redemptions,
//! a fresh Idempotency-Key. Codes are minted for the current 30 s step, so they stay valid for
//! at least 30 s (the server accepts one step either side). Reads the server's own settings
//! (DATABASE_URL, GGH_DATA_KEY or GGH_DATA_DIR) to find cards and decrypt their secrets.
//!
//!   bench-counter redeem|verify FILE      (BENCH_CARDS=first|second half of the cards, or K/N:
//!                                          the K-th of N equal parts, for runs that must not
//!                                          share cards)
//!
//! Line format: `path \t api key \t idempotency key or - \t JSON body`.
//!
//! `BENCH_STEPS=N` (N > 1) mints codes for N consecutive steps from now instead, one file per
//! step, `FILE.<step>` with the same keys: a load that outlasts one step (the chaos runs) takes
//! each step's codes while that step is current, so every card's codes are spent in order.

use std::io::Write;

use anyhow::Context;
use chrono::Utc;
use gangonghui_api::cards::codes;
use gangonghui_api::{AppState, Settings, cache::Cache, startup};
use gangonghui_domain::ids::{AccountId, ApiKeyId};
use gangonghui_domain::totp::step_at;
use gangonghui_persistence::{cards, ids, merchants, offers};

fn env(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_owned())
}

/// `first`, `second` (halves) or `K/N`: which part of the cards, 1-based, of how many.
fn card_part(spec: &str) -> anyhow::Result<(usize, usize)> {
    let (part, parts) = match spec {
        "first" => (1, 2),
        "second" => (2, 2),
        _ => {
            let (k, n) = spec
                .split_once('/')
                .context("BENCH_CARDS is first, second or K/N")?;
            (k.parse()?, n.parse()?)
        }
    };
    anyhow::ensure!(
        (1..=parts).contains(&part),
        "BENCH_CARDS={spec}: no such part"
    );
    Ok((part, parts))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (mode, out) = match args.as_slice() {
        [_, mode, seconds] if mode == "argon2" => return argon2_limit(seconds.parse()?).await,
        [_, mode, out] if mode == "redeem" || mode == "verify" => (mode.clone(), out.clone()),
        _ => anyhow::bail!("usage: bench-counter redeem|verify FILE | argon2 SECONDS"),
    };
    let shops: i64 = env("BENCH_SHOPS", "64").parse()?;
    // Redemptions spend codes of their cards for this step; verifications take the other half.
    let (part, parts) = card_part(&env("BENCH_CARDS", "first"))?;
    let settings = Settings::from_env()?;
    let db = startup::open_database(&settings.database_url, |pool| pool.max_size = 2).await?;
    let state = AppState::new(settings, db, Cache::Memory(Default::default()))?;

    let (mut card_rows, shops) = state
        .db(move |conn| {
            let card_rows = cards::sample_active(conn, 1_000_000)?;
            let shops = offers::sample_unlimited(conn, shops, Utc::now().naive_utc())?;
            Ok((card_rows, shops))
        })
        .await?;
    anyhow::ensure!(
        card_rows.len() >= parts && !shops.is_empty(),
        "seed first: gangonghui seed --members N --merchants M"
    );
    let size = card_rows.len() / parts;
    card_rows.truncate(size * part);
    card_rows.drain(..size * (part - 1));

    let mut keyed = Vec::new();
    for (merchant, offer) in shops {
        let key = format!("ggh_pk_bench_{}", uuid::Uuid::new_v4().simple());
        let hash = gangonghui_api::crypto::sha256_hex(key.as_bytes());
        state
            .db(move |c| {
                let owner = merchants::staff(c, &merchant)?
                    .first()
                    .map(|(a, _)| a.clone())
                    .unwrap_or_else(|| AccountId::from(String::new()));
                let now = Utc::now().naive_utc();
                merchants::insert_api_key(
                    c,
                    &ids::new_id::<ApiKeyId>(),
                    &merchant,
                    &hash,
                    "bench",
                    &owner,
                    now,
                )?;
                Ok(())
            })
            .await?;
        keyed.push((key, offer));
    }

    let first = step_at(Utc::now().timestamp());
    let steps: i64 = env("BENCH_STEPS", "1").parse::<i64>()?.max(1);
    for step in first..first + steps {
        let file_path = if steps > 1 {
            format!("{out}.{step}")
        } else {
            out.clone()
        };
        let mut file = std::io::BufWriter::new(
            std::fs::File::create(&file_path).with_context(|| format!("creating {file_path}"))?,
        );
        // Cards take the shops' keys in turn (`keyed` is not empty: there was at least one shop).
        for (card, (key, offer)) in card_rows.iter().zip(keyed.iter().cycle()) {
            let code =
                codes::format_code(&card.card_no, codes::otp_for(&state.data_keys, card, step)?);
            let (path, idem, body) = if mode == "verify" {
                (
                    "/api/v1/merchant/verifications",
                    "-".to_owned(),
                    serde_json::json!({ "code": code }),
                )
            } else {
                (
                    "/api/v1/merchant/redemptions",
                    uuid::Uuid::new_v4().to_string(),
                    serde_json::json!({ "code": code, "offer_id": offer, "amount_fen": 12_800 }),
                )
            };
            writeln!(file, "{path}\t{key}\t{idem}\t{body}")?;
        }
        file.flush()?;
    }
    eprintln!(
        "{mode}: {} requests for {} shops, codes of {} step(s) from {first}",
        card_rows.len(),
        keyed.len(),
        steps
    );
    Ok(())
}

/// This machine's limit for password logins: the server's own argon2 check on every core at
/// once for `seconds`, as its hashing slots allow (one per core). Prints verifications/s.
async fn argon2_limit(seconds: u64) -> anyhow::Result<()> {
    use gangonghui_api::auth::password::{capacity, check_now, hash};
    let hash = hash("bench2026pw".to_owned()).await?;
    let until = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let started = std::time::Instant::now();
    let done: u64 = std::thread::scope(|s| {
        let workers: Vec<_> = (0..capacity())
            .map(|_| {
                s.spawn(|| {
                    let mut n = 0u64;
                    while std::time::Instant::now() < until {
                        anyhow::ensure!(check_now("bench2026pw", &hash), "argon2 check failed");
                        n += 1;
                    }
                    Ok(n)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().map_err(|_| anyhow::anyhow!("worker panicked"))?)
            .sum::<anyhow::Result<u64>>()
    })?;
    println!(
        "argon2 verifications/s: {:.1}",
        done as f64 / started.elapsed().as_secs_f64()
    );
    Ok(())
}
