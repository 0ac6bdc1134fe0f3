//! `gangonghui seed --members N --merchants M --redemptions R [--cases C] [--seed S]`: a data set
//! the size of a province, for benchmarks. The same seed gives the same people, shops, amounts
//! and times (ids and sealed values use fresh randomness and the data key). Written with bulk
//! loads (PostgreSQL COPY, SQLite multi-row INSERTs), one transaction per batch, while the next
//! batch is generated on another thread; a progress bar per phase goes to stderr.

// A data generator: its indexes are counters and random picks within lengths it just built, and
// a panic here stops an operator's command, never a request.
#![allow(clippy::indexing_slicing)]

mod bulk;
mod cases;
mod ledger;
mod people;
mod picker;
mod shops;
mod world;

use gangonghui_api::{ApiError, AppState};
use gangonghui_persistence::{counts, rollup};
use indicatif::{ProgressBar, ProgressStyle};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The password of every generated account (members and merchant owners), for benchmarks that
/// log in. Published, like the demo's: `seed` refuses to run in production.
pub const BULK_PASSWORD: &str = "bench2026pw";

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub members: usize,
    pub merchants: usize,
    pub redemptions: usize,
    pub cases: usize,
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub members: usize,
    pub merchants: usize,
    pub redemptions: usize,
    pub reversals: usize,
    pub cases: usize,
}

/// Generates the plan's data set into the application's database.
pub async fn generate(state: &AppState, plan: Plan) -> anyhow::Result<Summary> {
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed);
    let world = world::World::prepare(state, &mut rng).await?;
    let members = people::generate(state, &world, plan.members, &mut rng).await?;
    let shops = shops::generate(state, &world, plan.merchants, &mut rng).await?;
    let written =
        ledger::generate(state, &world, &members, &shops, plan.redemptions, &mut rng).await?;
    // The load wrote around the functions that keep these: count them once now.
    let bar = spinner("monthly figures and org counts");
    state
        .db(|c| {
            bulk::in_bulk_tx(c, |c| {
                rollup::rebuild(c)?;
                counts::rebuild(c)?;
                Ok(())
            })
        })
        .await?;
    bar.finish();
    let cases = cases::generate(state, &members, plan.cases, &mut rng).await?;
    analyze(state).await?;
    Ok(Summary {
        members: members.len(),
        merchants: shops.len(),
        redemptions: written.redemptions,
        reversals: written.reversals,
        cases,
    })
}

/// Fresh planner statistics: a benchmark right after loading would otherwise meet plans made
/// for empty tables.
async fn analyze(state: &AppState) -> anyhow::Result<()> {
    let bar = spinner("ANALYZE");
    state
        .db(|c| {
            use diesel::connection::SimpleConnection;
            c.batch_execute("ANALYZE")?;
            Ok::<_, ApiError>(())
        })
        .await?;
    bar.finish();
    Ok(())
}

/// A bar for `total` rows of one phase: rows, rate and ETA.
fn bar(phase: &str, total: usize) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) = ProgressStyle::with_template(
        "{prefix:>12} [{bar:30}] {human_pos}/{human_len} rows {per_sec} eta {eta} ({elapsed})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(phase.to_owned());
    bar
}

pub(super) fn spinner(phase: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_message(phase.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}
