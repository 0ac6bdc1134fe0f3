//! The deployment files as the operator runs them: no Docker engine runs here, so the compose
//! file and the nginx config are read and checked against what the binary and the API accept
//! (`nginx -t` runs in `.ci/run`, the loopback replicas in `scripts/replicas/`).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use gangonghui_api::Settings;
use serde_json::Value;

fn read(path: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::read_to_string(format!("{root}/{path}")).unwrap()
}

fn compose() -> Value {
    yaml_serde::from_str(&read("docker-compose.yml")).unwrap()
}

/// `.env.example` as the map `docker compose` would read from `.env`.
fn env_example() -> BTreeMap<String, String> {
    read(".env.example")
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && l.contains('='))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// Replaces `${NAME:?message}` and `${NAME}` with the value `vars` gives, or fails naming it.
fn interpolate(value: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').unwrap() + start;
        let name = rest[start + 2..end].split([':', '?', '-']).next().unwrap();
        let found = vars.get(name);
        out.push_str(found.unwrap_or_else(|| panic!("{name} is not in .env.example")));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn service<'a>(compose: &'a Value, name: &str) -> &'a Value {
    let found = &compose["services"][name];
    assert!(found.is_object(), "no service `{name}`");
    found
}

fn depends_on(compose: &Value, name: &str, on: &str) -> String {
    let condition = &service(compose, name)["depends_on"][on]["condition"];
    condition.as_str().unwrap_or_default().to_owned()
}

#[test]
fn the_compose_stack_migrates_once_then_starts_replicas_behind_nginx() {
    let compose = compose();
    for name in ["postgres", "redis", "api", "nginx"] {
        let check = &service(&compose, name)["healthcheck"]["test"];
        assert!(check.is_array(), "{name} has no healthcheck");
    }
    assert_eq!(service(&compose, "migrate")["command"][0], "migrate");
    assert_eq!(service(&compose, "migrate")["restart"], "no");
    assert_eq!(
        depends_on(&compose, "migrate", "postgres"),
        "service_healthy"
    );
    assert_eq!(
        depends_on(&compose, "api", "migrate"),
        "service_completed_successfully"
    );
    // Redis is a cache: the API must start without it.
    assert_eq!(depends_on(&compose, "api", "redis"), "service_started");
    assert_eq!(depends_on(&compose, "nginx", "api"), "service_healthy");
    let api = service(&compose, "api");
    assert!(api["deploy"]["replicas"].as_u64().unwrap() >= 2);
    assert!(
        api["ports"].is_null(),
        "replicas are reached through nginx only"
    );
    assert_eq!(
        api["environment"],
        service(&compose, "migrate")["environment"],
        "the migrate job and the replicas share one environment"
    );
    let nginx_ip = &service(&compose, "nginx")["networks"]["default"]["ipv4_address"];
    assert_eq!(api["environment"]["GGH_TRUSTED_PROXIES"], *nginx_ip);
}

#[test]
fn the_compose_environment_is_a_valid_production_configuration() {
    let compose = compose();
    let example = env_example();
    let env: BTreeMap<String, String> = service(&compose, "api")["environment"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), interpolate(v.as_str().unwrap(), &example)))
        .collect();
    let looked_up = RefCell::new(BTreeSet::new());
    let settings = Settings::from_lookup(|key| {
        looked_up.borrow_mut().insert(key.to_owned());
        env.get(key).cloned()
    });
    let settings = settings.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        settings.environment,
        gangonghui_api::settings::Environment::Production
    );
    let looked_up = looked_up.into_inner();
    // RUST_LOG is read by the log filter, not by the settings.
    let unknown: Vec<_> = env
        .keys()
        .filter(|k| !looked_up.contains(*k) && *k != "RUST_LOG")
        .collect();
    assert!(
        unknown.is_empty(),
        "settings the binary never reads: {unknown:?}"
    );
    // Every secret the compose file asks for is explained in .env.example, and nothing more.
    let asked: BTreeSet<String> = read_vars(&read("docker-compose.yml"));
    let explained: BTreeSet<String> = example.keys().cloned().collect();
    assert_eq!(asked, explained);
}

/// The names of the `${...}` variables in `text`.
fn read_vars(text: &str) -> BTreeSet<String> {
    text.split("${")
        .skip(1)
        .filter_map(|s| s.split([':', '?', '-', '}']).next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn nginx_sends_to_the_api_service_what_the_api_accepts() {
    let upstream = read("deploy/nginx/upstream.conf");
    let servers: Vec<&str> = upstream
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("server "))
        .collect();
    assert_eq!(servers.len(), 1, "{upstream}");
    let target = servers[0].split_whitespace().nth(1).unwrap();
    let compose = compose();
    let (host, port) = target.split_once(':').unwrap();
    service(&compose, host);
    assert_eq!(service(&compose, host)["expose"][0], port);
    assert!(read("Dockerfile").contains(&format!("GGH_BIND=0.0.0.0:{port}")));

    let conf = read("deploy/nginx/nginx.conf");
    let size = conf
        .lines()
        .find_map(|l| l.trim().strip_prefix("client_max_body_size "))
        .unwrap();
    let kib: usize = size.trim_end_matches("k;").parse().unwrap();
    assert_eq!(kib * 1024, gangonghui_api::legal_aid::MAX_BODY_BYTES);
    assert!(conf.contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"));
    assert!(conf.contains("proxy_set_header X-Request-Id $request_id;"));
    let retries = conf
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("proxy_next_upstream "))
        .unwrap();
    assert!(
        !retries.contains("non_idempotent"),
        "nginx must never resend a POST: {retries}"
    );
}

#[test]
fn the_image_runs_as_a_user_and_checks_its_health() {
    let dockerfile = read("Dockerfile");
    let user = dockerfile
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("USER "))
        .unwrap();
    assert_ne!(user.trim(), "root");
    assert!(dockerfile.contains("HEALTHCHECK"));
}

/// libpq and OpenSSL are built into the binary, so a machine needs neither installed.
#[test]
#[cfg(target_os = "linux")]
fn the_server_links_no_system_libpq_or_openssl() {
    let out = std::process::Command::new("ldd")
        .arg(env!("CARGO_BIN_EXE_gangonghui"))
        .output()
        .unwrap();
    let linked = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{linked}");
    for lib in ["libpq", "libssl", "libcrypto", "libsqlite3"] {
        assert!(!linked.contains(lib), "links the system {lib}:\n{linked}");
    }
}
