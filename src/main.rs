//! The `gangonghui` server binary: read configuration, then serve, migrate or print the spec.

use clap::{Parser, Subcommand};
use gangonghui_api::{Application, Settings, doc, startup, telemetry};

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
    telemetry::init();
    let settings = Settings::from_env()?;
    match cli.command {
        Some(Command::Migrate) => {
            startup::open_database(&settings.database_url, Some(1)).await?;
            tracing::info!("database is up to date");
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
