//! The `gangonghui` server binary: read configuration, then serve, migrate, manage operators or
//! print the spec.

use clap::{Parser, Subcommand, ValueEnum};
use gangonghui_api::auth::operators::{self, OrgRef};
use gangonghui_api::cache::Cache;
use gangonghui_api::{AppState, Application, Settings, doc, startup, telemetry};
use gangonghui_domain::account::{DisplayName, NewPassword};
use gangonghui_domain::{Phone, Role};

/// mimalloc rather than glibc's malloc: argon2's 19 MiB blocks go back to the system after each
/// password check instead of piling up on the heap (Cargo.toml says what was measured).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "gangonghui",
    version,
    about = "The Gan Gong Hui (赣工惠) member-service API server"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve HTTP (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the OpenAPI document (regenerate the committed one with
    /// `cargo run -q -- openapi > openapi/openapi.json`).
    Openapi,
    /// Load data: `--demo` to try the API with, or a large generated set for benchmarks.
    Seed {
        /// Demo unions, one union admin per city, members with cards, shops with offers.
        #[arg(long, conflicts_with_all = ["members", "merchants", "redemptions", "cases"])]
        demo: bool,
        /// Generated members over the 11 cities, each with a card (phones 15000000000 up,
        /// password bench2026pw).
        #[arg(long, default_value_t = 0)]
        members: usize,
        /// Generated merchants with 1-3 offers (owners' phones 17000000000 up).
        #[arg(long, default_value_t = 0)]
        merchants: usize,
        /// Generated redemptions over the last 24 months.
        #[arg(long, default_value_t = 0)]
        redemptions: usize,
        /// Generated legal-aid cases in every state (officers 13600000201..211).
        #[arg(long, default_value_t = 0)]
        cases: usize,
        /// The generator's seed: the same seed gives the same data set.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Operator accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an operator account, or grant the role to an existing account of that phone.
    Create {
        #[arg(long)]
        phone: String,
        /// Required for a new account; sets the password of an existing one.
        #[arg(long, env = "GGH_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        #[arg(long, value_enum)]
        role: OperatorRole,
        /// Division code of the org unit, e.g. 360000 (province) or 360100 (Nanchang).
        #[arg(long, conflicts_with = "org_id", required_unless_present = "org_id")]
        org_division: Option<String>,
        #[arg(long)]
        org_id: Option<String>,
        /// Display name of a new account.
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
enum OperatorRole {
    UnionAdmin,
    LegalAidOfficer,
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        print!("{}", doc::openapi_json()?);
        return Ok(());
    }
    // A missing .env is normal; settings then come from the environment alone.
    let _ = gangonghui_api::settings::load_dotenv();
    telemetry::init(telemetry::format_from_env());
    let settings = Settings::from_env()?;
    match cli.command {
        Some(Command::Migrate) => {
            startup::open_database(&settings.database_url, |pool| pool.max_size = 1).await?;
            tracing::info!("database is up to date");
        }
        Some(Command::Admin { command }) => admin(settings, command).await?,
        Some(Command::Seed { demo: true, .. }) => {
            gangonghui_seed::ensure_demo_allowed(&settings)?;
            seed(settings).await?
        }
        Some(Command::Seed {
            demo: false,
            members,
            merchants,
            redemptions,
            cases,
            seed,
        }) => {
            gangonghui_seed::ensure_demo_allowed(&settings)?;
            let started = std::time::Instant::now();
            let plan = gangonghui_seed::Plan {
                members,
                merchants,
                redemptions,
                cases,
                seed,
            };
            let s = gangonghui_seed::generate(&state(settings).await?, plan).await?;
            println!(
                "generated {} members with cards, {} merchants with offers, {} redemptions ({} reversed), {} legal-aid cases in {:.1} s",
                s.members,
                s.merchants,
                s.redemptions,
                s.reversals,
                s.cases,
                started.elapsed().as_secs_f64()
            );
        }
        Some(Command::Serve) | None => {
            Application::build(settings)
                .await?
                .run_until_stopped()
                .await?
        }
        Some(Command::Openapi) => unreachable!("handled above"),
    }
    Ok(())
}

async fn state(settings: Settings) -> anyhow::Result<AppState> {
    let db = startup::open_database(&settings.database_url, |pool| pool.max_size = 4).await?;
    let cache = Cache::from_settings(
        settings.redis_url.as_deref(),
        &settings.cache_prefix,
        settings.backends.redis,
    )?;
    AppState::new(settings, db, cache)
}

async fn seed(settings: Settings) -> anyhow::Result<()> {
    let summary = gangonghui_seed::demo(&state(settings).await?).await?;
    println!(
        "demo data ready; every password is {}",
        gangonghui_seed::DEMO_PASSWORD
    );
    for (phone, division) in summary.admins {
        println!("  union admin  {phone}  (division {division})");
    }
    for (phone, division) in summary.officers {
        println!("  legal-aid    {phone}  (officer, division {division})");
    }
    for (phone, union) in summary.members {
        println!("  member       {phone}  ({union}, active card)");
    }
    for (phone, name) in summary.merchants {
        println!("  shop owner   {phone}  ({name}, one offer)");
    }
    if summary.cases > 0 {
        println!(
            "  {} legal-aid requests of the members, in different states",
            summary.cases
        );
    }
    Ok(())
}

async fn admin(settings: Settings, command: AdminCommand) -> anyhow::Result<()> {
    let AdminCommand::Create {
        phone,
        password,
        role,
        org_division,
        org_id,
        name,
    } = command;
    let phone = Phone::parse(&phone).map_err(|e| anyhow::anyhow!("--phone: {e}"))?;
    let password = password
        .map(|p| NewPassword::parse(&p))
        .transpose()
        .map_err(|e| anyhow::anyhow!("--password: {e}"))?;
    let name = name
        .map(|n| DisplayName::parse(&n))
        .transpose()
        .map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let org = match (org_division, org_id) {
        (Some(code), _) => OrgRef::Division(code),
        (None, Some(id)) => OrgRef::Id(id.into()),
        (None, None) => anyhow::bail!("give --org-division or --org-id"),
    };
    let role = match role {
        OperatorRole::UnionAdmin => Role::UnionAdmin,
        OperatorRole::LegalAidOfficer => Role::LegalAidOfficer,
    };
    let state = state(settings).await?;
    let op = operators::create_or_promote(&state, phone.clone(), password, role, org, name).await?;
    println!(
        "{} {} ({}) as {} of {}{}",
        if op.created { "created" } else { "updated" },
        phone.masked(),
        op.account_id,
        role.as_str(),
        op.org_name,
        if op.granted {
            ""
        } else {
            " (role was already held)"
        }
    );
    Ok(())
}
