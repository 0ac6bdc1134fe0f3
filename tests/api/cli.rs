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

/// In production the schema is migrated once, by `gangonghui migrate`, before replicas start:
/// a replica never migrates as it starts, and refuses to serve a schema older than its build.
#[test]
fn production_serve_needs_the_migrate_command_first() {
    let dir = std::env::temp_dir().join(format!("ggh-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = production(&dir)
        .env("GGH_BIND", "127.0.0.1:0")
        .arg("serve")
        .output()
        .unwrap();
    assert!(!out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("run `gangonghui migrate`"), "{stderr}");

    let migrated = production(&dir).arg("migrate").output().unwrap();
    assert!(migrated.status.success(), "{migrated:?}");
    let mut server = production(&dir)
        .env("GGH_BIND", "127.0.0.1:0")
        .arg("serve")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Still serving after a moment: it found the schema current and did not exit.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let still_running = server.try_wait().unwrap().is_none();
    server.kill().unwrap();
    let _ = server.wait();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(still_running, "serve exited with a current schema");
}
