//! What every handler can reach: the database pool, the cache and the settings.

use std::sync::Arc;

use actix_web::web;
use gangonghui_persistence::{DbConn, DbPool};

use crate::cache::Cache;
use crate::error::ApiError;
use crate::settings::Settings;

#[derive(Clone)]
pub struct AppState {
    pub db: DbPool,
    pub cache: Cache,
    pub settings: Arc<Settings>,
}

impl AppState {
    /// Runs blocking database work on the blocking pool, never on an async worker.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.db.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(ApiError::internal)?
    }
}
