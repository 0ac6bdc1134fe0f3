//! Evidence bytes on disk: one file per attachment, named by its id (never by anything the client
//! sent), holding the AES-GCM sealed bytes bound to that id.

use std::path::{Path, PathBuf};

use gangonghui_domain::ids::AttachmentId;

use super::LegalAidError;
use super::sealed::Sealed;
use crate::crypto::DataKeys;
use crate::http::ApiError;

fn path_of(dir: &Path, id: &AttachmentId) -> Result<PathBuf, ApiError> {
    // Ids are server-made UUIDs; anything else would be a bug, never a path to follow.
    let name = id.as_str();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return Err(ApiError::internal(anyhow::anyhow!(
            "attachment id {name:?} is not a UUID"
        )));
    }
    Ok(dir.join(format!("{name}.bin")))
}

/// Seals and writes the file; written to a temporary name first, so a crash never leaves half a
/// file under a real name.
pub async fn put(
    dir: &Path,
    keys: &DataKeys,
    id: &AttachmentId,
    plain: Vec<u8>,
) -> Result<(), ApiError> {
    let (dir, keys, id) = (dir.to_owned(), keys.clone(), id.clone());
    tokio::task::spawn_blocking(move || -> Result<(), ApiError> {
        let sealed = keys.seal_bytes(&plain, &Sealed::FileBytes.binding(id.as_str()));
        std::fs::create_dir_all(&dir).map_err(ApiError::internal)?;
        let path = path_of(&dir, &id)?;
        let partial = path.with_extension("part");
        let written =
            std::fs::write(&partial, sealed).and_then(|()| std::fs::rename(&partial, &path));
        if written.is_err() {
            // Nothing half-written stays behind (the disk may be full).
            let _ = std::fs::remove_file(&partial);
        }
        written.map_err(ApiError::internal)
    })
    .await
    .map_err(ApiError::internal)?
}

/// Reads and opens the file.
pub async fn get(dir: &Path, keys: &DataKeys, id: &AttachmentId) -> Result<Vec<u8>, ApiError> {
    let path = path_of(dir, id)?;
    let (keys, id) = (keys.clone(), id.clone());
    tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        let sealed = std::fs::read(&path).map_err(|err| match err.kind() {
            // Deleted between finding its row and reading it: gone, as a client sees it.
            std::io::ErrorKind::NotFound => LegalAidError::AttachmentNotFound.into(),
            _ => ApiError::internal(err),
        })?;
        keys.open_bytes(&sealed, &Sealed::FileBytes.binding(id.as_str()))
            .map_err(ApiError::internal)
    })
    .await
    .map_err(ApiError::internal)?
}

/// Removes the file; a file already gone is not an error.
pub async fn remove(dir: &Path, id: &AttachmentId) {
    if let Ok(path) = path_of(dir, id)
        && let Err(err) = tokio::fs::remove_file(&path).await
        && err.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(attachment = %id, error = %err, "evidence file not removed");
    }
}
