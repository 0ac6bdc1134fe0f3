//! The served spec is OpenAPI 3.1, equals the committed `openapi/openapi.json`, documents every
//! error as a problem; the docs UI is served from the binary, with nothing fetched elsewhere;
//! and production serves neither unless asked to.

use crate::helpers::TestApp;
use gangonghui_openapi::COMMITTED_SPEC_PATH;

const REGENERATE: &str = "cargo run -q -- openapi > openapi/openapi.json";

#[tokio::test]
async fn the_committed_spec_matches_the_code() {
    let committed = std::fs::read_to_string(format!(
        "{}/{COMMITTED_SPEC_PATH}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_default();
    let generated = gangonghui_api::doc::openapi_json().unwrap();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: the routes or their DTOs changed. Regenerate it with `{REGENERATE}` and commit it."
    );
}

#[tokio::test]
async fn the_served_spec_is_openapi_3_1_and_complete() {
    let app = TestApp::spawn().await;
    let response = app.get("/api-docs/openapi.json").await;
    assert_eq!(response.status().as_u16(), 200);
    let spec: serde_json::Value = response.json().await.unwrap();
    let generated: serde_json::Value =
        serde_json::from_str(&gangonghui_api::doc::openapi_json().unwrap()).unwrap();
    assert_eq!(
        spec, generated,
        "the server serves the same document the command prints"
    );
    assert_eq!(spec["openapi"], "3.1.0");
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
    assert!(spec["components"]["schemas"]["Problem"].is_object());

    let paths = spec["paths"].as_object().expect("paths");
    assert!(paths.contains_key("/healthz") && paths.contains_key("/readyz"));
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            let id = op["operationId"].as_str().unwrap_or_default();
            assert!(!id.is_empty(), "{method} {path} has no operationId");
            let responses = op["responses"].as_object().expect("responses");
            assert!(
                !responses.is_empty(),
                "{method} {path} documents no response"
            );
            for (status, response) in responses {
                if !status.starts_with('2') && !status.starts_with('3') {
                    let schema = &response["content"]["application/problem+json"]["schema"]["allOf"]
                        [0]["$ref"];
                    assert_eq!(
                        schema, "#/components/schemas/Problem",
                        "{method} {path} {status} must be a problem"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn the_docs_ui_is_served_offline() {
    let app = TestApp::spawn().await;
    let page = app.get("/docs/").await;
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page must not load anything from elsewhere"
    );

    let init = app.get("/docs/swagger-initializer.js").await;
    assert_eq!(init.status().as_u16(), 200);
    assert!(
        init.text()
            .await
            .unwrap()
            .contains("/api-docs/openapi.json")
    );
    let bundle = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status().as_u16(), 200);
    assert!(
        bundle.bytes().await.unwrap().len() > 100_000,
        "the UI bundle is vendored into the binary"
    );
}

/// What production needs besides what every test app sets: a real SMS gateway.
fn production(vars: &mut std::collections::HashMap<&'static str, String>) {
    vars.insert("GGH_ENV", "production".into());
    vars.insert("GGH_SMS_PROVIDER", "http".into());
    vars.insert("GGH_SMS_HTTP_URL", "http://127.0.0.1:9/send".into());
    vars.insert("GGH_SMS_HTTP_KEY", "test".into());
}

#[tokio::test]
async fn production_serves_no_docs_unless_turned_on() {
    let hidden = TestApp::spawn_with(production).await;
    for path in [
        "/docs/",
        "/docs/swagger-ui-bundle.js",
        "/api-docs/openapi.json",
    ] {
        let response = hidden.get(path).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{path}: answered like any unknown path"
        );
    }
    assert_eq!(hidden.get("/api/v1/orgs").await.status().as_u16(), 200);

    let shown = TestApp::spawn_with(|vars| {
        production(vars);
        vars.insert("GGH_DOCS", "on".into());
    })
    .await;
    for path in ["/docs/", "/api-docs/openapi.json"] {
        assert_eq!(shown.get(path).await.status().as_u16(), 200, "{path}");
    }
}
