//! Writing generated batches: one transaction each, on database threads while the caller
//! generates the next batch, with a progress bar. Two batches load at once: PostgreSQL spends
//! one core per COPY, and the generator needs a fraction of one.

use std::collections::VecDeque;

use diesel::connection::SimpleConnection;
use gangonghui_api::{ApiError, AppState};
use gangonghui_persistence::{Backend, DbConn, write_tx};
use indicatif::ProgressBar;
use tokio::task::JoinHandle;

/// A write transaction without the server's statement timeout: a batch of a bulk load, or the
/// recount after it, may rightly run longer than any request. Where the role may (a superuser,
/// as on a benchmark machine), PostgreSQL skips the foreign-key triggers for the transaction,
/// as `pg_restore --disable-triggers` does: they were four of every five milliseconds of a
/// redemption's COPY (10,000 rows/s with them), and every reference the generator writes is to
/// a row it wrote before.
pub fn in_bulk_tx<T>(
    conn: &mut DbConn,
    work: impl FnOnce(&mut DbConn) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    write_tx(conn, |c| {
        if c.backend() == Backend::Postgres {
            c.batch_execute("SET LOCAL statement_timeout = 0")?;
            if superuser(c)? {
                c.batch_execute("SET LOCAL session_replication_role = replica")?;
            }
        }
        work(c)
    })
}

fn superuser(conn: &mut DbConn) -> Result<bool, ApiError> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Role {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        rolsuper: bool,
    }
    let role: Role =
        diesel::sql_query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            .get_result(conn)?;
    Ok(role.rolsuper)
}

/// Batches written at once.
const IN_FLIGHT: usize = 2;

/// At most [`IN_FLIGHT`] batches being written; generating the next overlaps them.
pub struct Pipeline {
    state: AppState,
    pending: VecDeque<(JoinHandle<Result<(), ApiError>>, usize)>,
    bar: ProgressBar,
}

impl Pipeline {
    pub fn new(state: &AppState, phase: &str, total: usize) -> Pipeline {
        Pipeline {
            state: state.clone(),
            pending: VecDeque::new(),
            bar: super::bar(phase, total),
        }
    }

    /// Starts writing this batch (`rows` for the bar) once fewer than [`IN_FLIGHT`] are.
    pub async fn write<F>(&mut self, rows: usize, work: F) -> anyhow::Result<()>
    where
        F: FnOnce(&mut DbConn) -> Result<(), ApiError> + Send + 'static,
    {
        while self.pending.len() >= IN_FLIGHT {
            self.wait_oldest().await?;
        }
        let state = self.state.clone();
        let handle = tokio::spawn(async move { state.db(move |c| in_bulk_tx(c, work)).await });
        self.pending.push_back((handle, rows));
        Ok(())
    }

    async fn wait_oldest(&mut self) -> anyhow::Result<()> {
        if let Some((handle, rows)) = self.pending.pop_front() {
            handle.await??;
            self.bar.inc(rows as u64);
        }
        Ok(())
    }

    /// Waits for every batch.
    pub async fn finish(mut self) -> anyhow::Result<()> {
        while !self.pending.is_empty() {
            self.wait_oldest().await?;
        }
        self.bar.finish();
        Ok(())
    }
}
