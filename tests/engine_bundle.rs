//! The offline bundle round trip on a real engine: whoseonfirst is bundled (`Engine::bundle`: built,
//! saved, compose file, Quadlet units, `.env.example`, `load.sh`, `SHA256SUMS`), its image removed,
//! a copy with a corrupted tar and a missing file is refused by `load.sh` before anything loads, then
//! the bundle's own `load.sh` loads it with no network and compose brings the project up healthy.
//! `load.sh` passes `sh -n` and, where installed, shellcheck. In CI a missing engine or compose fails
//! this test; elsewhere it prints SKIPPED.
#![cfg(feature = "engine")]
#![allow(clippy::duplicate_mod)]

#[path = "support/engine_cases.rs"]
mod engine_cases;

#[path = "../dsl-examples/whoseonfirst.rs"]
#[allow(dead_code)]
mod whoseonfirst;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dockwright::engine::{BundleRequest, Engine};

/// Removes the scratch directory, the project's containers and the image, however the test ends.
struct Cleanup {
    dir: PathBuf,
    project: String,
    image: String,
    engine: Engine,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let bundle = self.dir.join("bundle");
        let _ = Command::new("docker")
            .current_dir(&bundle)
            .args(["compose", "-p", &self.project, "-f", "docker-compose.yml", "down", "--volumes", "--timeout", "5"])
            .output();
        let _ = fs::remove_dir_all(&self.dir);
        let _ = self.engine.remove_image(&self.image);
    }
}

fn sh(dir: &Path, argv: &[&str]) -> Output {
    Command::new(argv[0]).current_dir(dir).args(&argv[1..]).output().expect("the command runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn a_bundle_loads_offline_and_runs_healthy_and_a_corrupted_one_loads_nothing() {
    let Some(engine) = engine_cases::engine() else { return };
    if !Command::new("docker").args(["compose", "version"]).output().is_ok_and(|o| o.status.success()) {
        assert!(std::env::var_os("CI").is_none(), "CI needs Docker Compose v2 (scripts/engine-up installs it)");
        eprintln!("SKIPPED: no `docker compose` (run scripts/engine-up)");
        return;
    }
    let context = engine_cases::fixture("whoseonfirst");
    if !engine_cases::vendored(&context) {
        return;
    }
    let (file, project) = whoseonfirst::projects().remove(0);
    // The engine here has no bridge network (as in tests/engine_compose.rs).
    let project = project.on_host_network();
    let image = project.image_of("whoseonfirst-app").unwrap();
    let name = format!("dwtest-bundle-{}", std::process::id());
    let dir = std::env::temp_dir().join(&name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let cleanup = Cleanup { dir: dir.clone(), project: name.clone(), image: image.clone(), engine };
    let engine = &cleanup.engine;

    let bundle_dir = dir.join("bundle");
    let request = BundleRequest::new(&project, &context).mapping(engine_cases::mapping()).compose_file(file);
    let bundle = engine.bundle(&request, &bundle_dir).unwrap_or_else(|err| panic!("bundling failed: {err}"));
    assert_eq!(bundle.files.iter().map(|f| f.image.as_str()).collect::<Vec<_>>(), [image.as_str()]);
    let sums = fs::read_to_string(bundle_dir.join("SHA256SUMS")).unwrap();
    let listed: Vec<&str> = sums.lines().map(|line| &line[66..]).collect();
    assert_eq!(
        listed,
        [
            bundle.files[0].file.as_str(),
            "docker-compose.yml",
            "quadlet/whoseonfirst-whoseonfirst-app.container",
            ".env.example",
            "load.sh",
        ]
    );
    // No temporary directory is left beside the bundle.
    let mut listing: Vec<String> =
        fs::read_dir(&bundle_dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    listing.sort();
    eprintln!("bundle: {}", listing.join("  "));
    let beside: Vec<String> =
        fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(beside, ["bundle"]);
    // A second bundle into the same directory is refused rather than mixed in.
    let again = engine.bundle(&request, &bundle_dir).unwrap_err();
    assert!(again.to_string().contains("already exists and is not empty"), "{again}");

    let load = bundle_dir.join("load.sh");
    let check = sh(&bundle_dir, &["sh", "-n", "load.sh"]);
    assert!(check.status.success(), "sh -n load.sh: {}", text(&check));
    if Command::new("shellcheck").arg("--version").output().is_ok_and(|o| o.status.success()) {
        let lint = sh(&bundle_dir, &["shellcheck", "-s", "sh", "load.sh"]);
        assert!(lint.status.success(), "shellcheck load.sh:\n{}", text(&lint));
    } else {
        eprintln!("shellcheck not installed: load.sh checked with sh -n only");
    }
    assert!(std::os::unix::fs::PermissionsExt::mode(&fs::metadata(&load).unwrap().permissions()) & 0o111 != 0);

    engine.remove_image(&image).unwrap();
    assert!(engine.inspect(&image).is_err(), "{image} is still there");

    // A damaged copy: one byte of the tar changed and .env.example gone. Nothing may load.
    let damaged = dir.join("damaged");
    engine_cases::copy_tree(&bundle_dir, &damaged);
    let tar = damaged.join(&bundle.files[0].file);
    let mut bytes = fs::read(&tar).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    fs::write(&tar, bytes).unwrap();
    fs::remove_file(damaged.join(".env.example")).unwrap();
    let refused = sh(&damaged, &["sh", "load.sh", "docker"]);
    let said = text(&refused);
    eprintln!("load.sh on the damaged copy:\n{said}");
    assert!(!refused.status.success(), "a damaged bundle loaded:\n{said}");
    assert!(
        said.contains(&format!("load.sh: checksum mismatch for {}: SHA256SUMS says ", bundle.files[0].file)),
        "{said}"
    );
    assert!(said.contains("load.sh: .env.example is missing (listed in SHA256SUMS)"), "{said}");
    assert!(said.contains("load.sh: the bundle is damaged: nothing was loaded; copy it again"), "{said}");
    assert!(!said.contains("loading"), "{said}");
    assert!(engine.inspect(&image).is_err(), "{image} was loaded from a damaged bundle");

    // The real one, with no network at all (a new, empty network namespace; the engine's socket is a file).
    let loaded = sh(&bundle_dir, &["unshare", "--net", "sh", "load.sh", "docker"]);
    let said = text(&loaded);
    eprintln!("load.sh:\n{said}");
    assert!(loaded.status.success(), "load.sh failed:\n{said}");
    assert!(said.contains("load.sh: 5 files match SHA256SUMS\n"), "{said}");
    assert!(said.ends_with(&format!("loaded {image}\n")) || said.contains(&format!("loaded {image}\n")), "{said}");
    engine.inspect(&image).unwrap_or_else(|err| panic!("{image} not loaded: {err}"));

    // Install as the compose file's comment says, then start it from the bundle alone.
    fs::copy(bundle_dir.join(".env.example"), bundle_dir.join(".env")).unwrap();
    for host_dir in project.host_dirs() {
        let path = bundle_dir.join(&host_dir.path);
        fs::create_dir_all(&path).unwrap();
        std::os::unix::fs::chown(&path, Some(host_dir.uid), Some(host_dir.uid)).unwrap();
    }
    let up = sh(
        &bundle_dir,
        &[
            "docker",
            "compose",
            "-p",
            &name,
            "-f",
            file,
            "up",
            "--detach",
            "--wait",
            "--wait-timeout",
            "180",
            "--no-build",
            "--pull",
            "never",
        ],
    );
    assert!(up.status.success(), "compose up from the bundle failed:\n{}", text(&up));
    let ps =
        sh(&bundle_dir, &["docker", "compose", "-p", &name, "-f", file, "ps", "--format", "{{.Service}} {{.Health}}"]);
    assert_eq!(String::from_utf8_lossy(&ps.stdout), "whoseonfirst-app healthy\n");
    drop(cleanup);
}
