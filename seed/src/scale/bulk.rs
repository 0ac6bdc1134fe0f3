//! Writing generated batches: one transaction each, on the database's thread while the caller
//! generates the next batch (two cores: one generates, one loads), with a progress bar.

use diesel::connection::SimpleConnection;
use gangonghui_api::{ApiError, AppState};
use gangonghui_persistence::{Backend, DbConn, write_tx};
use indicatif::ProgressBar;
use tokio::task::JoinHandle;

/// A write transaction without the server's statement timeout: a batch of a bulk load, or the
/// recount after it, may rightly run longer than any request.
pub fn in_bulk_tx<T>(
    conn: &mut DbConn,
    work: impl FnOnce(&mut DbConn) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    write_tx(conn, |c| {
        if c.backend() == Backend::Postgres {
            c.batch_execute("SET LOCAL statement_timeout = 0")?;
        }
        work(c)
    })
}

/// At most one batch in flight: generating the next overlaps writing this one.
pub struct Pipeline {
    state: AppState,
    pending: Option<(JoinHandle<Result<(), ApiError>>, usize)>,
    bar: ProgressBar,
}

impl Pipeline {
    pub fn new(state: &AppState, phase: &str, total: usize) -> Pipeline {
        Pipeline {
            state: state.clone(),
            pending: None,
            bar: super::bar(phase, total),
        }
    }

    /// Waits for the batch in flight, then starts writing this one (`rows` for the bar).
    pub async fn write<F>(&mut self, rows: usize, work: F) -> anyhow::Result<()>
    where
        F: FnOnce(&mut DbConn) -> Result<(), ApiError> + Send + 'static,
    {
        self.wait().await?;
        let state = self.state.clone();
        let handle = tokio::spawn(async move { state.db(move |c| in_bulk_tx(c, work)).await });
        self.pending = Some((handle, rows));
        Ok(())
    }

    async fn wait(&mut self) -> anyhow::Result<()> {
        if let Some((handle, rows)) = self.pending.take() {
            handle.await??;
            self.bar.inc(rows as u64);
        }
        Ok(())
    }

    /// Waits for the last batch.
    pub async fn finish(mut self) -> anyhow::Result<()> {
        self.wait().await?;
        self.bar.finish();
        Ok(())
    }
}
