//! Where a build secret's value shows up in a built image, on any engine: shared by the build secret
//! tests of `tests/engine_api.rs` (Docker) and `tests/engine_podman.rs` (Podman).
#![allow(dead_code)]

use std::io::Read;

use dockwright::engine::Engine;
use sha2::{Digest, Sha256};

/// The SHA-256 of `value` in hex, as `sha256sum` prints it: what a step compares a secret with, so
/// the value itself is in no Dockerfile.
pub fn sha256_hex(value: &str) -> String {
    Sha256::digest(value.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Every place `value` is found in the image `tag`: each entry of the archive `engine` saves it to
/// (`layer <path>` for a layer tar its `manifest.json` names, `config <path>` for the image config
/// with its history, `file <path>` for anything else), each history entry (`history <n>: <created_by>`)
/// and the inspected image (`inspect`). Empty when the value is nowhere. An entry the search could not
/// see into (a compressed layer) fails the test rather than pass it unseen.
pub fn secret_traces(engine: &Engine, tag: &str, value: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let bundle = engine.save(&[tag], dir.path()).unwrap_or_else(|err| panic!("cannot save {tag}: {err}"));
    let archive = dir.path().join(&bundle.files[0].file);
    let entries = archive_entries(&archive);
    let manifest = entries
        .iter()
        .find(|(name, _)| name == "manifest.json")
        .map(|(_, bytes)| serde_json::from_slice::<serde_json::Value>(bytes).unwrap())
        .unwrap_or_else(|| panic!("{} has no manifest.json", archive.display()));
    let image = &manifest[0];
    let layers: Vec<&str> = image["Layers"].as_array().unwrap().iter().map(|layer| layer.as_str().unwrap()).collect();
    let config = image["Config"].as_str().unwrap();
    assert!(!layers.is_empty(), "{tag}: the saved manifest names no layer: {manifest}");

    let mut traces = Vec::new();
    for (name, bytes) in &entries {
        let kind = if layers.contains(&name.as_str()) {
            // The search reads bytes: a compressed layer would hide what it holds.
            let compressed = bytes.starts_with(&[0x1f, 0x8b]) || bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
            assert!(!compressed, "{tag}: the layer {name} is compressed: the search cannot see into it");
            "layer"
        } else if name == config {
            "config"
        } else {
            "file"
        };
        if contains(bytes, value) {
            traces.push(format!("{kind} {name}"));
        }
    }
    let info = engine.inspect(tag).unwrap_or_else(|err| panic!("cannot inspect {tag}: {err}"));
    assert!(!info.layers.is_empty(), "{tag}: no history");
    for (index, layer) in info.layers.iter().enumerate() {
        if layer.created_by.contains(value) {
            traces.push(format!("history {index}: {}", layer.created_by));
        }
    }
    if format!("{info:?}").contains(value) {
        traces.push("inspect".to_string());
    }
    traces
}

/// The name and bytes of every file in a tar archive.
fn archive_entries(archive: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut tar = tar::Archive::new(std::fs::File::open(archive).unwrap());
    let mut entries = Vec::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        entries.push((name, bytes));
    }
    entries
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle.as_bytes())
}
