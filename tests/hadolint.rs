//! Every image of every example, emitted, must be clean under hadolint 2.15.1 with the project's
//! `.hadolint.yaml` (which fails on any finding and ignores only the rules it explains).
//!
//! hadolint is found through `$HADOLINT`, then where `scripts/hadolint-up` installs it
//! (`$DOCKWRIGHT_HADOLINT_DIR`, `/var/cache/dockwright/hadolint-2.15.1`,
//! `~/.cache/dockwright/hadolint-2.15.1`), then on `PATH`. Without it (or with another version) the
//! tests print `SKIPPED: ...` and pass, except under `CI`, where that is a failure.

#[path = "support/hadolint.rs"]
mod hadolint_bin;
#[path = "support/seeds.rs"]
mod seeds;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use hadolint_bin::{VERSION, hadolint};

#[test]
fn every_example_is_clean_under_hadolint() {
    let Some(hadolint) = hadolint() else { return };
    let mut checked = 0;
    let mut findings = Vec::new();
    for (example, service, image) in seeds::images() {
        let dockerfile = image.emit().unwrap_or_else(|errors| panic!("{example} {service}: {errors}"));
        let output = lint(&hadolint, &dockerfile);
        if !output.is_empty() {
            findings.push(format!("{example} {service}:\n{output}"));
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} images: did seeds::images() lose some?");
    assert!(findings.is_empty(), "hadolint {VERSION} findings (fix them at the source):\n{}", findings.join("\n"));
}

/// The check can fail: what the configuration does not ignore is reported, at every severity.
#[test]
fn findings_are_reported() {
    let Some(hadolint) = hadolint() else { return };
    let output = lint(&hadolint, "FROM alpine:latest\nUSER root\n");
    assert!(output.contains("DL3007 warning"), "{output}");
    assert!(output.contains("DL3002 warning"), "{output}");
    assert!(output.contains("DL3066 info"), "{output}");
    // DL3018 (unpinned apk packages) is a deliberate, explained choice in .hadolint.yaml.
    assert_eq!(lint(&hadolint, "FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER 10001\n"), "");
}

/// hadolint's findings for `dockerfile` (read from stdin), with the project's configuration; empty
/// when there are none.
fn lint(hadolint: &Path, dockerfile: &str) -> String {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join(".hadolint.yaml");
    let mut child = Command::new(hadolint)
        .args(["--config".as_ref(), config.as_os_str(), "--no-color".as_ref(), "-".as_ref()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", hadolint.display()));
    child.stdin.take().expect("piped").write_all(dockerfile.as_bytes()).expect("hadolint reads its input");
    let output = child.wait_with_output().expect("hadolint ran");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.trim().is_empty(), "hadolint complained: {stderr}");
    // Exit 1 with findings, 0 without; anything else means hadolint itself failed.
    match output.status.code() {
        Some(0) => assert!(stdout.trim().is_empty(), "exit 0 with output: {stdout}"),
        Some(1) => assert!(!stdout.trim().is_empty(), "exit 1 without findings"),
        other => panic!("hadolint exited with {other:?}: {stdout}"),
    }
    stdout
}
