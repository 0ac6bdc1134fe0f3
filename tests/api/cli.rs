//! The command line as an operator runs it.

use std::process::Command;

/// Production settings that pass validation, around a database file that must stay unwritten.
fn production(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gangonghui"));
    cmd.current_dir(dir)
        .env("GGH_ENV", "production")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("ggh.db").display()),
        )
        .env("GGH_JWT_SECRET", "0123456789abcdef0123456789abcdef0123")
        .env("GGH_DATA_KEY", "0".repeat(64))
        .env(
            "GGH_SMS_PROVIDER",
            format!("outbox:{}", dir.join("sms.jsonl").display()),
        )
        .env_remove("REDIS_URL");
    cmd
}

#[test]
fn seed_demo_refuses_to_run_in_production_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("ggh-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = production(&dir).args(["seed", "--demo"]).output().unwrap();
    assert!(!out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("GGH_ENV=production"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "seed --demo wrote {left:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
