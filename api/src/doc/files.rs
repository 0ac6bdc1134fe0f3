//! Evidence files on the wire: the upload's multipart encoding and the download's binary bodies
//! and headers, which utoipa's attributes cannot spell in OpenAPI 3.1 terms.

use serde_json::{Value, json};

const UPLOAD: &str = "/api/v1/legal-aid/requests/{id}/attachments";
const DOWNLOAD: &str = "/api/v1/legal-aid/requests/{id}/attachments/{aid}";
const KINDS: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];

pub fn apply(spec: &mut Value) {
    let form = &mut spec["paths"][UPLOAD]["post"]["requestBody"]["content"]["multipart/form-data"];
    if form.is_object() {
        form["encoding"] = json!({ "file": { "contentType": KINDS.join(", ") } });
    }
    let ok = &mut spec["paths"][DOWNLOAD]["get"]["responses"]["200"];
    if !ok.is_object() {
        return;
    }
    ok["content"] = KINDS
        .iter()
        .map(|kind| {
            (
                kind.to_string(),
                json!({ "schema": { "type": "string", "contentMediaType": kind } }),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    ok["headers"]["Content-Disposition"] = json!({
        "description": "`attachment`, with the uploaded name as `filename*` (UTF-8, percent-encoded) and an ASCII `filename` fallback.",
        "schema": { "type": "string" }
    });
    ok["headers"]["X-Content-Type-Options"] =
        json!({ "schema": { "type": "string", "const": "nosniff" } });
}

#[cfg(test)]
mod tests {
    /// The paths named here must exist, or the fix-ups would silently do nothing.
    #[test]
    fn the_upload_and_download_are_described_as_files() {
        let spec = crate::doc::openapi();
        let form =
            &spec["paths"][super::UPLOAD]["post"]["requestBody"]["content"]["multipart/form-data"];
        assert_eq!(
            form["encoding"]["file"]["contentType"],
            "application/pdf, image/jpeg, image/png"
        );
        let ok = &spec["paths"][super::DOWNLOAD]["get"]["responses"]["200"];
        assert_eq!(
            ok["content"]["image/png"]["schema"]["contentMediaType"],
            "image/png"
        );
        assert!(ok["headers"]["Content-Disposition"].is_object());
    }
}
