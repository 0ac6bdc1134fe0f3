//! Builds the running application: pool and migrations, cache, routes, middleware, server.

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServerHandle, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Condition, from_fn};
use actix_web::web::{self, Data};
use actix_web::{App, HttpServer};
use anyhow::Context;
use gangonghui_persistence::{Backend, DbPool, PoolOptions, migrate};
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::client::client_context;
use crate::cache::Cache;
use crate::http::JSON_LIMIT;
use crate::http::access_log::access_log;
use crate::http::fallback;
use crate::http::hygiene::hygiene;
use crate::http::middleware::problem_details;
use crate::http::request_span::RequestSpan;
use crate::routes;
use crate::settings::{Environment, Settings, redact_url};
use crate::state::AppState;
use crate::upkeep;

pub const SPEC_PATH: &str = "/api-docs/openapi.json";

/// A bound, configured server, ready to run.
pub struct Application {
    addr: SocketAddr,
    server: Server,
    /// The metrics listener (`GGH_METRICS_BIND`) and the address it bound.
    metrics: Option<(Server, SocketAddr)>,
    state: AppState,
}

impl Application {
    /// Opens the pool, migrates, binds the listener. Fails with a readable message when the
    /// database cannot be reached; never waits on the cache.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        Self::build_with_routes(settings, routes::configure).await
    }

    /// As [`Application::build`], serving the routes `configure` registers (tests add probes).
    pub async fn build_with_routes(
        settings: Settings,
        configure: fn(&mut ServiceConfig<'_>),
    ) -> anyhow::Result<Application> {
        let schema = if settings.environment == Environment::Production {
            Schema::RequireCurrent
        } else {
            Schema::Migrate
        };
        let backends = settings.backends.clone();
        let tune = move |pool: &mut PoolOptions| backends.tune_pool(pool);
        let db = open_database_with(&settings.database_url, tune, schema).await?;
        let cache = Cache::from_settings(
            settings.redis_url.as_deref(),
            &settings.cache_prefix,
            settings.backends.redis,
        )
        .context("REDIS_URL is not a usable Redis URL")?;
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on GGH_BIND={}", settings.bind))?;
        let addr = listener.local_addr()?;
        let state = AppState::new(settings, db, cache)?;
        let metrics = match state.settings.observability.metrics_bind {
            Some(addr) => Some(crate::metrics::server::bind(addr, state.clone())?),
            None => None,
        };
        let docs = if state.settings.edge.docs {
            format!("API docs at http://{addr}/docs/")
        } else {
            "API docs off (GGH_DOCS)".to_owned()
        };
        tracing::info!(
            %addr,
            database = %redact_url(&state.settings.database_url),
            cache = state.cache.kind(),
            "gangonghui listening; {docs}"
        );
        if let Some((_, addr)) = &metrics {
            tracing::info!(%addr, "metrics at http://{addr}/metrics (keep this address private)");
        }

        let state_data = Data::new(state.clone());
        let mut server = HttpServer::new(move || app(state_data.clone(), configure))
            .listen(listener)?
            // In-flight requests finish after SIGTERM/SIGINT, up to this long.
            .shutdown_timeout(state.settings.shutdown_timeout_secs)
            .shutdown_signal(crate::http::drain::then_stop(
                state.draining.clone(),
                Duration::from_secs(state.settings.edge.drain_secs),
            ));
        if let Some(workers) = state.settings.workers {
            server = server.workers(workers);
        }
        Ok(Application {
            addr,
            server: server.run(),
            metrics,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The metrics listener's port, when `GGH_METRICS_BIND` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(_, addr)| addr.port())
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops the server from elsewhere (tests, or a supervisor).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the API server stops (a signal, or [`Application::handle`]), with the
    /// background upkeep running beside it (dropped when the server has stopped); the metrics
    /// listener stops with it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let every = self.state.settings.backends.upkeep_interval;
        let _upkeep = every.map(|every| upkeep::start(self.state.clone(), every));
        let Some((metrics, _)) = self.metrics else {
            return self.server.await;
        };
        let metrics_handle = metrics.handle();
        let api = async {
            let served = self.server.await;
            metrics_handle.stop(true).await;
            served
        };
        let (served, _) = futures_util::future::join(api, metrics).await;
        served
    }
}

/// The application with its middleware, the routes `configure` registers, the docs UI and the
/// 404/405 fallback. The server passes [`routes::configure`]; tests may add routes of their own.
pub fn app<F>(
    state: Data<AppState>,
    configure: F,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
>
where
    F: FnOnce(&mut ServiceConfig<'_>),
{
    let cors = crate::http::cors::policy(&state.settings.edge.cors_origins);
    let docs = state.settings.edge.docs;
    let (app, doc) = App::new()
        .wrap(Condition::new(cors.is_some(), cors.unwrap_or_default()))
        .wrap(from_fn(client_context))
        .wrap(from_fn(problem_details))
        .wrap(from_fn(hygiene))
        .wrap(from_fn(access_log))
        .wrap(TracingLogger::<RequestSpan>::new())
        .app_data(state)
        .app_data(web::PayloadConfig::new(JSON_LIMIT))
        .into_utoipa_app()
        .openapi(gangonghui_openapi::base())
        .configure(configure)
        .split_for_parts();
    let route_table = Data::new(fallback::RouteTable::from_openapi(&doc));
    let mut app = app.app_data(route_table);
    // Off, both the UI and the spec it reads answer 404 like any unknown path: the UI without
    // the spec is an empty page, and the spec is the part worth hiding (see EdgeSettings::docs).
    if docs {
        app = app.service(
            SwaggerUi::new("/docs/{_:.*}")
                .external_url_unchecked(SPEC_PATH, crate::doc::complete(&doc)),
        );
    }
    app.default_service(web::to(fallback::no_route))
}

/// Connects the pool and applies pending migrations, off the async workers. `tune` adjusts the
/// backend's default pool options (size, timeouts).
pub async fn open_database(
    url: &str,
    tune: impl FnOnce(&mut PoolOptions) + Send + 'static,
) -> anyhow::Result<DbPool> {
    open_database_with(url, tune, Schema::Migrate).await
}

/// What opening the database does about migrations this build has and the database lacks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Schema {
    /// Apply them (development, `gangonghui migrate`).
    Migrate,
    /// Refuse to start: in production one `gangonghui migrate` runs before the replicas start,
    /// rather than every replica migrating as it starts during a rollout.
    RequireCurrent,
}

pub async fn open_database_with(
    url: &str,
    tune: impl FnOnce(&mut PoolOptions) + Send + 'static,
    schema: Schema,
) -> anyhow::Result<DbPool> {
    let url = url.to_owned();
    let shown = redact_url(&url);
    tokio::task::spawn_blocking(move || -> anyhow::Result<DbPool> {
        let backend = Backend::from_url(&url)
            .context("DATABASE_URL must start with sqlite:// or postgres://")?;
        let mut options = PoolOptions::default_for(backend);
        tune(&mut options);
        let pool = DbPool::connect(&url, &options)?;
        let mut conn = pool.get_within(Duration::from_secs(10))?;
        if schema == Schema::RequireCurrent {
            let pending = migrate::pending(&mut conn)?;
            anyhow::ensure!(
                pending.is_empty(),
                "the database lacks migrations {pending:?}: run `gangonghui migrate` before starting this version"
            );
            return Ok(pool);
        }
        let applied = pool.unbounded(&mut conn, migrate::run_pending)?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "applied database migrations");
        }
        Ok(pool)
    })
    .await?
    .with_context(|| format!("cannot open the database at DATABASE_URL={shown}"))
}
