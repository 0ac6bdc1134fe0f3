//! Evidence files: judged by their bytes, bounded in size and number, stored sealed under names
//! the server chose, and given back exactly as uploaded to those who may see the case.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{NANCHANG, Session, TestApp, problem, request, spawn_legal_aid};

const MIB: usize = 1024 * 1024;
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xFF\xD9";

/// A Nanchang officer and a worker (not a member) with a request to the city union.
async fn filed(app: &TestApp) -> (Session, Session, String) {
    let officer = app.officer("13940000001", "360100").await;
    let applicant = app.register("13840000001").await;
    let body = request(
        "wage_arrears",
        "南昌某纺织厂",
        "13840000001",
        Some(NANCHANG),
    );
    let case = app.file_case(&applicant, &body).await;
    (officer, applicant, case["id"].as_str().unwrap().to_owned())
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

async fn delete(app: &TestApp, who: &Session, case: &str, file: &str) -> reqwest::Response {
    let url = app.url(&format!(
        "/api/v1/legal-aid/requests/{case}/attachments/{file}"
    ));
    app.client
        .delete(url)
        .bearer_auth(&who.access)
        .send()
        .await
        .unwrap()
}

async fn created(response: reqwest::Response) -> Value {
    assert_eq!(
        response.status().as_u16(),
        201,
        "{:?}",
        response.text().await
    );
    response.json().await.unwrap()
}

#[tokio::test]
async fn evidence_is_judged_by_its_bytes_and_bounded_in_size_and_number() {
    let app = spawn_legal_aid().await;
    let (officer, applicant, case) = filed(&app).await;
    let token = Some(applicant.access.as_str());

    let text = app
        .upload(token, &case, "劳动合同.pdf", b"this is a plain text file")
        .await;
    assert_eq!(
        problem(text, 415).await["code"],
        "attachment.unsupported_type"
    );
    let raw = app
        .client
        .post(app.url(&format!("/api/v1/legal-aid/requests/{case}/attachments")))
        .bearer_auth(&applicant.access)
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.7\n".to_vec())
        .send()
        .await
        .unwrap();
    problem(raw, 415).await;
    let mut large = b"%PDF-1.7\n".to_vec();
    large.resize(10 * MIB + 1, b'0');
    assert_eq!(
        problem(app.upload(token, &case, "大文件.pdf", &large).await, 413).await["status"],
        413
    );
    large.truncate(10 * MIB);
    let largest = created(app.upload(token, &case, "最大.pdf", &large).await).await;
    assert_eq!(largest["size_bytes"], 10 * MIB);

    let officer_file = created(
        app.upload(Some(&officer.access), &case, "调查笔录.png", PNG)
            .await,
    )
    .await;
    for n in 2..20 {
        let bytes = if n % 2 == 0 { JPEG } else { PNG };
        created(
            app.upload(token, &case, &format!("照片{n}.jpg"), bytes)
                .await,
        )
        .await;
    }
    let full = app.upload(token, &case, "第21份.png", PNG).await;
    assert_eq!(problem(full, 409).await["code"], "attachment.limit_reached");
    let by_applicant = delete(
        &app,
        &applicant,
        &case,
        officer_file["id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(
        problem(by_applicant, 403).await["code"],
        "auth.forbidden",
        "only its uploader or a handler removes a file"
    );
    let gone = delete(&app, &officer, &case, officer_file["id"].as_str().unwrap()).await;
    assert_eq!(gone.status().as_u16(), 204);
    created(app.upload(token, &case, "补充.png", PNG).await).await;
    assert_eq!(
        problem(app.upload(token, &case, "再多.png", PNG).await, 409).await["code"],
        "attachment.limit_reached"
    );

    let listed = app.case_as(&applicant, &case).await;
    let mut expected: Vec<String> = listed["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| format!("{}.bin", a["id"].as_str().unwrap()))
        .collect();
    let dir = &app.state.settings.attachments_dir;
    let mut stored: Vec<String> = files_under(&app.evidence_root())
        .iter()
        .map(|p| {
            assert_eq!(p.parent(), Some(dir.as_path()), "{p:?}");
            p.file_name().unwrap().to_string_lossy().into_owned()
        })
        .collect();
    expected.sort();
    stored.sort();
    assert_eq!(
        (stored.len(), stored),
        (20, expected),
        "one sealed file per attachment, nothing else"
    );

    app.moved(&applicant, &case, &json!({ "to": "withdrawn" }))
        .await;
    let late = app.upload(token, &case, "晚了.png", PNG).await;
    assert_eq!(problem(late, 409).await["code"], "case.finished");
    let first = listed["attachments"][0]["id"].as_str().unwrap();
    assert_eq!(
        problem(delete(&app, &officer, &case, first).await, 409).await["code"],
        "case.finished"
    );
}

/// The `filename*` of a Content-Disposition, percent-decoded.
fn extended_filename(disposition: &str) -> String {
    let encoded = disposition
        .split("filename*=UTF-8''")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    let bytes = encoded.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&encoded[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn evidence_is_sealed_on_disk_and_comes_back_byte_for_byte() {
    let app = spawn_legal_aid().await;
    let (officer, applicant, case) = filed(&app).await;
    let stranger = app.register("13840000002").await;
    let marker = "GGH-EVIDENCE-PLAINTEXT-5f1c";
    let mut plain = b"%PDF-1.4\n".to_vec();
    for _ in 0..200 {
        plain.extend_from_slice(format!("{marker} 2026年9月工资条 实发0元\n").as_bytes());
    }
    let digest = hex::encode(Sha256::digest(&plain));

    let saved = created(
        app.upload(
            Some(&applicant.access),
            &case,
            "../../etc/passwd.pdf",
            &plain,
        )
        .await,
    )
    .await;
    assert_eq!(saved["file_name"], "passwd.pdf");
    assert_eq!(
        (saved["content_type"].as_str(), saved["sha256"].as_str()),
        (Some("application/pdf"), Some(digest.as_str()))
    );
    assert_eq!(saved["size_bytes"], plain.len());
    let id = saved["id"].as_str().unwrap();
    let named = created(
        app.upload(Some(&applicant.access), &case, "工资条2026.png", PNG)
            .await,
    )
    .await;

    let on_disk = files_under(&app.evidence_root());
    let sealed_path = app.state.settings.attachments_dir.join(format!("{id}.bin"));
    assert_eq!(on_disk.len(), 2, "{on_disk:?}");
    assert!(on_disk.contains(&sealed_path), "{on_disk:?}");
    assert!(
        !app.evidence_root().join("store/etc").exists(),
        "the client's path is never followed"
    );
    let sealed = std::fs::read(&sealed_path).unwrap();
    assert_ne!(sealed, plain);
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    assert!(
        !contains(&sealed, marker.as_bytes()) && !contains(&sealed, b"%PDF-"),
        "stored sealed"
    );

    for who in [&applicant, &officer] {
        let response = app
            .get_as(
                &format!("/api/v1/legal-aid/requests/{case}/attachments/{id}"),
                &who.access,
            )
            .await;
        assert_eq!(response.status().as_u16(), 200);
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
        assert_eq!(
            (header("content-type"), header("x-content-type-options")),
            ("application/pdf".into(), "nosniff".into())
        );
        let disposition = header("content-disposition");
        assert!(disposition.starts_with("attachment"), "{disposition}");
        assert!(
            !disposition.contains("..") && !disposition.contains("etc"),
            "{disposition}"
        );
        assert_eq!(extended_filename(&disposition), "passwd.pdf");
        let body = response.bytes().await.unwrap();
        assert_eq!(
            (body.len(), hex::encode(Sha256::digest(&body))),
            (plain.len(), digest.clone())
        );
        assert!(body == plain);
    }
    let png = app
        .get_as(
            &format!(
                "/api/v1/legal-aid/requests/{case}/attachments/{}",
                named["id"].as_str().unwrap()
            ),
            &officer.access,
        )
        .await;
    let disposition = png.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        (
            png.headers()["content-type"].to_str().unwrap(),
            extended_filename(&disposition).as_str()
        ),
        ("image/png", "工资条2026.png")
    );
    let foreign = app
        .get_as(
            &format!("/api/v1/legal-aid/requests/{case}/attachments/{id}"),
            &stranger.access,
        )
        .await;
    assert_eq!(problem(foreign, 404).await["code"], "case.not_found");
}
