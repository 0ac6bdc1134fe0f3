//! Load generator for the merchant counter: fires redemptions (or verifications) with fresh
//! one-time codes at a running server, as POS integrations would, and prints throughput and
//! latency percentiles. Reads the server's own settings (DATABASE_URL, GGH_DATA_KEY) to mint
//! codes for seeded cards and to create POS keys for seeded merchants.
//!
//!   BENCH_URL=http://127.0.0.1:18181 BENCH_MODE=redeem BENCH_SECONDS=10 BENCH_CONNECTIONS=64 \
//!   DATABASE_URL=... GGH_DATA_KEY=... cargo run --release --bin bench-counter

use std::time::{Duration, Instant};

use chrono::Utc;
use gangonghui_api::members::codes;
use gangonghui_api::{AppState, Settings, cache::Cache, startup};
use gangonghui_domain::totp::step_at;
use gangonghui_persistence::{cards, ids, merchants, offers};

fn env(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let url = env("BENCH_URL", "http://127.0.0.1:18181");
    let mode = env("BENCH_MODE", "redeem");
    let seconds: u64 = env("BENCH_SECONDS", "10").parse()?;
    let connections: usize = env("BENCH_CONNECTIONS", "64").parse()?;
    // Walk the cards from the other end (so a second run within one 30 s step reuses no code).
    let reverse = env("BENCH_REVERSE", "0") == "1";
    let settings = Settings::from_env()?;
    let db = startup::open_database(&settings.database_url, Some(2)).await?;
    let state = AppState::new(settings, db, Cache::Memory(Default::default()))?;

    let (card_rows, shops) = state
        .db(move |conn| {
            let mut card_rows = cards::sample_active(conn, 200_000)?;
            // Whole slices only, so a reversed walk mirrors the forward slices exactly.
            card_rows.truncate(card_rows.len() - card_rows.len() % connections.max(1));
            if reverse {
                card_rows.reverse();
            }
            let shops = offers::sample_unlimited(conn, connections as i64, Utc::now().naive_utc())?;
            Ok((card_rows, shops))
        })
        .await?;
    anyhow::ensure!(
        !card_rows.is_empty() && !shops.is_empty(),
        "seed first: gangonghui seed --members N --merchants M"
    );
    // One POS key per merchant used, created straight in the database.
    let mut keyed = Vec::new();
    for (merchant, offer) in shops {
        let key = format!("ggh_pk_bench_{}", uuid::Uuid::new_v4().simple());
        let hash = gangonghui_api::auth::keys::sha256_hex(key.as_bytes());
        let (m, owner) = (
            merchant.clone(),
            state
                .db(move |c| Ok(merchants::staff(c, &merchant)?))
                .await?,
        );
        let created_by = owner.first().map(|(a, _)| a.clone()).unwrap_or_default();
        state
            .db(move |c| {
                Ok(merchants::insert_api_key(
                    c,
                    &ids::new_id(),
                    &m,
                    &hash,
                    "bench",
                    &created_by,
                    Utc::now().naive_utc(),
                )?)
            })
            .await?;
        keyed.push((key, offer));
    }
    // Each worker owns a slice of cards and uses each at most once per step.
    let per_worker = card_rows.len() / connections;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut workers = Vec::new();
    for w in 0..connections {
        let slice: Vec<_> = card_rows[w * per_worker..(w + 1) * per_worker].to_vec();
        let (key, offer) = keyed[w % keyed.len()].clone();
        let (client, url, mode, keys) = (
            client.clone(),
            url.clone(),
            mode.clone(),
            state.data_keys.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut statuses = std::collections::BTreeMap::<u16, u64>::new();
            let mut i = 0;
            while Instant::now() < deadline && i < slice.len() {
                let card = &slice[i];
                i += 1;
                let step = step_at(Utc::now().timestamp());
                let Ok(otp) = codes::otp_for(&keys, card, step) else { continue };
                let code = codes::format_code(&card.card_no, otp);
                let started = Instant::now();
                let request = if mode == "verify" {
                    client.post(format!("{url}/api/v1/merchant/verifications")).json(&serde_json::json!({ "code": code }))
                } else {
                    client
                        .post(format!("{url}/api/v1/merchant/redemptions"))
                        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                        .json(&serde_json::json!({ "code": code, "offer_id": offer, "amount_fen": 12_800 }))
                };
                let status = match request.header("x-api-key", &key).send().await {
                    Ok(r) => {
                        let s = r.status().as_u16();
                        let _ = r.bytes().await;
                        s
                    }
                    Err(_) => 0,
                };
                latencies.push(started.elapsed());
                *statuses.entry(status).or_default() += 1;
            }
            (latencies, statuses)
        }));
    }
    let started = Instant::now();
    let mut latencies = Vec::new();
    let mut statuses = std::collections::BTreeMap::<u16, u64>::new();
    for w in workers {
        let (l, s) = w.await?;
        latencies.extend(l);
        for (k, v) in s {
            *statuses.entry(k).or_default() += v;
        }
    }
    let elapsed = started.elapsed().as_secs_f64().max(seconds as f64 * 0.5);
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{mode}: {} requests in {elapsed:.1} s = {:.0} req/s  p50 {:.2} ms  p99 {:.2} ms  statuses {statuses:?}",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99)
    );
    Ok(())
}
