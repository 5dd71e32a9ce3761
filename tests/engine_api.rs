//! The engine module against a real Docker engine: builds (ignore file, failures, steps), inspect, run,
//! exec, health, save and load.
//!
//! Every test needs an engine and the local base image `dockwright/debian:bookworm-slim`
//! (`scripts/engine-up`, `scripts/base-images`). Without them a test prints `SKIPPED: ...` and passes,
//! except under `CI`, where a missing engine is a failure. Containers run with no network; every image
//! and container a test makes has a unique name and is removed when the test ends, pass or fail.
#![cfg(feature = "engine")]

use std::time::Duration;

use dockwright::engine::{
    BuildRequest, Engine, EngineErrorKind, Network, Progress, RunOptions, SUMS_FILE, SecretSource,
};
use dockwright::{Base, Health, Image, Run, Stage};

#[path = "support/scratch.rs"]
mod scratch;
#[path = "support/secret_traces.rs"]
mod secret_traces;

use scratch::{BASE, Scratch, debian, engine, listing, local_bases, unique, unique_tag};
use secret_traces::{secret_traces, sha256_hex};

#[test]
fn connect_to_a_missing_socket_is_unreachable() {
    let err = Engine::connect_to("unix:///nonexistent/dockwright/docker.sock").unwrap_err();
    assert_eq!(err.kind(), EngineErrorKind::Unreachable);
    let message = err.to_string();
    assert!(message.starts_with("cannot reach the Docker engine at unix:///nonexistent/dockwright/docker.sock: "));
    assert!(message.ends_with(": start Docker 23+ with BuildKit, or run scripts/engine-up"), "{message}");
}

#[test]
fn connect_reports_the_engine() {
    let Some(engine) = engine() else { return };
    let major: u32 = engine.version().split('.').next().unwrap().parse().unwrap();
    assert!(major >= 23, "{engine:?}");
    assert!(format!("{engine:?}").contains(engine.address()));
}

#[test]
fn build_applies_the_dockerignore_text_and_leaves_the_context_alone() {
    let Some(engine) = engine() else { return };
    let mut scratch = Scratch::new(&engine);
    let context = tempfile::tempdir().unwrap();
    std::fs::write(context.path().join("secret.txt"), "do not ship\n").unwrap();
    std::fs::write(context.path().join("kept.txt"), "ship me\n").unwrap();
    // The context's own ignore file must not apply: the request's text is the whole truth.
    std::fs::write(context.path().join(".dockerignore"), "kept.txt\n").unwrap();
    let before = listing(context.path());

    let mut image = Image::new().dockerignore(["secret.txt"]);
    image.stage(debian("app").copy(["."], "/ctx/").cmd(["sleep", "infinity"]));
    let (tag, _) = scratch.build_in(&image, context.path());
    assert_eq!(listing(context.path()), before, "the build wrote into the context");

    let container = scratch.run(&tag, &RunOptions::new());
    let exists = |path: &str| engine.exec(container, &["test", "-e", path]).unwrap().exit_code;
    assert_eq!(exists("/ctx/secret.txt"), 1, "secret.txt was sent despite the ignore text");
    assert_eq!(exists("/ctx/kept.txt"), 0);
}

#[test]
fn build_failure_names_the_step_and_shows_its_output() {
    let Some(engine) = engine() else { return };
    let mut image = Image::new();
    image.stage(debian("app").run("echo marker-before-failure && exit 3"));
    let tag = unique_tag("failing");
    let request =
        BuildRequest::from_image(&image, ".", &tag).unwrap().mapped(&local_bases()).unwrap().progress(Progress::Plain);
    let err = engine.build(&request).unwrap_err();
    assert_eq!(err.kind(), EngineErrorKind::BuildFailed);
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "build of '{tag}' failed at step \"[2/2] RUN echo marker-before-failure && exit 3\": "
        )),
        "{message}"
    );
    assert!(message.contains("exit code: 3"), "{message}");
    assert!(message.contains("\noutput of that step:\nmarker-before-failure\n"), "{message}");
    assert!(message.contains("\nlast 30 lines of the build log:\n"), "{message}");
}

#[test]
fn build_reports_steps_cache_and_targets() {
    let Some(engine) = engine() else { return };
    let mut scratch = Scratch::new(&engine);
    let nonce = unique("nonce");
    let mut image = Image::new();
    let deps = image.stage(debian("deps").run(format!("echo {nonce} > /built").as_str()));
    image.stage(debian("runtime").copy_from(&deps, ["/built"], "/built"));

    let (tag, first) = scratch.build(&image);
    assert!(first.image_id.starts_with("sha256:"), "{first:?}");
    assert_eq!(engine.inspect(&tag).unwrap().id, first.image_id);
    let run = first.steps.iter().find(|step| step.name == format!("[deps 2/2] RUN echo {nonce} > /built"));
    let run = run.unwrap_or_else(|| panic!("no RUN step in {:#?}", first.steps));
    assert!(!run.cached);
    assert!(run.duration.is_some());
    assert!(
        first.steps.iter().any(|step| step.name.starts_with("[runtime 2/2] COPY --from=deps")),
        "{:#?}",
        first.steps
    );
    assert!(first.log.contains(&format!("naming to docker.io/{tag}")), "{}", first.log);

    let (_, second) = scratch.build(&image);
    assert_eq!(second.image_id, first.image_id);
    let again = second.steps.iter().find(|step| step.name == run.name).unwrap();
    assert!(again.cached, "{:#?}", second.steps);

    let tag = unique_tag("target");
    scratch.images.push(tag.clone());
    let request = BuildRequest::from_image(&image, ".", &tag)
        .unwrap()
        .mapped(&local_bases())
        .unwrap()
        .target("deps")
        .progress(Progress::Plain);
    let deps_only = engine.build(&request).unwrap();
    assert_ne!(deps_only.image_id, first.image_id);
    assert!(!deps_only.steps.iter().any(|step| step.name.starts_with("[runtime")), "{:#?}", deps_only.steps);
}

#[test]
fn inspect_reads_configuration_and_history() {
    let Some(engine) = engine() else { return };
    let mut scratch = Scratch::new(&engine);
    let mut image = Image::new();
    image.stage(
        debian("app")
            .env("APP_MODE", "test")
            .workdir("/srv")
            .expose(5000)
            .user("10001:10001")
            .healthcheck(Health::new(["true"]))
            .cmd(["sleep", "infinity"]),
    );
    let (tag, _) = scratch.build(&image);
    let info = engine.inspect(&tag).unwrap();
    assert_eq!(info.user, "10001:10001");
    assert!(!info.runs_as_root());
    assert!(info.env.contains(&"APP_MODE=test".to_string()), "{:?}", info.env);
    assert_eq!(info.exposed_ports, ["5000/tcp"]);
    assert_eq!(info.working_dir, "/srv");
    assert_eq!(info.cmd, ["sleep", "infinity"]);
    assert!(info.entrypoint.is_empty());
    assert_eq!(info.healthcheck, Some(vec!["CMD".to_string(), "true".to_string()]));
    assert!(info.tags.contains(&tag));

    let base = engine.inspect(BASE).unwrap();
    assert!(base.runs_as_root());
    assert_eq!(base.healthcheck, None);
    assert_eq!(info.layers.len(), base.layers.len() + 6, "{:#?}", info.layers);
    assert_eq!(info.layers[..base.layers.len()], base.layers[..]);
    assert!(info.layers.last().unwrap().created_by.contains("CMD [\"sleep\" \"infinity\"]"), "{:#?}", info.layers);
    assert!(info.size >= base.size);

    let missing = engine.inspect("dockwright-test/never-built:1").unwrap_err();
    assert_eq!(missing.kind(), EngineErrorKind::NotFound);
    assert!(missing.to_string().starts_with("cannot inspect image 'dockwright-test/never-built:1': "), "{missing}");
}

#[test]
fn run_exec_and_remove() {
    let Some(engine) = engine() else { return };
    let name = unique("run");
    let options = RunOptions::new().env("GREETING", "hello there").name(&name).cmd(["sleep", "infinity"]);
    let container = engine.run(BASE, &options).unwrap();
    assert_eq!(container.name(), name);
    assert_eq!(container.id().len(), 64, "{container:?}");
    assert!(container.id().bytes().all(|b| b.is_ascii_hexdigit()));

    let printenv = engine.exec(&container, &["printenv", "GREETING"]).unwrap();
    assert_eq!(printenv.stdout, "hello there\n");
    assert!(printenv.success());
    // No network: a loopback interface and nothing else.
    assert_eq!(engine.exec(&container, &["ls", "/sys/class/net"]).unwrap().stdout, "lo\n");
    let mixed = engine.exec(&container, &["sh", "-c", "echo out; echo err >&2; exit 7"]).unwrap();
    assert_eq!((mixed.exit_code, mixed.stdout.as_str(), mixed.stderr.as_str()), (7, "out\n", "err\n"));

    engine.remove(container).unwrap();
    // The name is free again once the container is gone.
    let again = engine.run(BASE, &options).unwrap();
    engine.remove(again).unwrap();

    let missing = engine.run("dockwright-test/never-built:1", &RunOptions::new()).unwrap_err();
    assert_eq!(missing.kind(), EngineErrorKind::NotFound, "{missing}");
}

/// An image whose probe does what `$PROBE` says: `pass`, `fail`, or anything else: hang for 10s.
fn probed_image() -> Image {
    let probe =
        "case \"$PROBE\" in pass) echo probe-ok ;; fail) echo probe-failed-marker; exit 1 ;; *) sleep 10 ;; esac";
    let mut image = Image::new();
    image.stage(
        debian("app").healthcheck(Health::new(["sh", "-c", probe]).interval("100ms").timeout("5s").retries(2)).cmd([
            "sh",
            "-c",
            "echo container-log-marker; exec sleep infinity",
        ]),
    );
    image
}

#[test]
fn wait_healthy_passes_when_the_probe_does() {
    let Some(engine) = engine() else { return };
    let mut scratch = Scratch::new(&engine);
    let (tag, _) = scratch.build(&probed_image());
    let container = scratch.run(&tag, &RunOptions::new().env("PROBE", "pass"));
    let health = engine.wait_healthy(container, Duration::from_secs(20)).unwrap();
    assert_eq!(health.status, "healthy");
    assert_eq!(health.failing_streak, 0);
    assert_eq!(health.last_output.as_deref(), Some("probe-ok\n"));
    assert!(health.elapsed < Duration::from_secs(20));
}

#[test]
fn wait_healthy_reports_an_unhealthy_container() {
    let Some(engine) = engine() else { return };
    let mut scratch = Scratch::new(&engine);
    let (tag, _) = scratch.build(&probed_image());
    let container = scratch.run(&tag, &RunOptions::new().env("PROBE", "fail"));
    let err = engine.wait_healthy(container, Duration::from_secs(20)).unwrap_err();
    assert_eq!(err.kind(), EngineErrorKind::Unhealthy, "{err}");
    let health = err.health().unwrap();
    assert_eq!(health.status, "unhealthy");
    assert!(health.failing_streak >= 2, "{health:?}");
    assert_eq!(health.last_output.as_deref(), Some("probe-failed-marker\n"));
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("container {} is unhealthy (status unhealthy, failing streak ", container.name()))
    );
    assert!(message.contains("last probe output: \"probe-failed-marker\""), "{message}");
    assert!(message.ends_with("last 30 lines of its logs:\ncontainer-log-marker"), "{message}");
}

#[test]
fn wait_healthy_times_out_while_the_probe_hangs() {
    let Some(engine) = engine() else { return };
    let mut scratch = Scratch::new(&engine);
    let (tag, _) = scratch.build(&probed_image());
    let container = scratch.run(&tag, &RunOptions::new().env("PROBE", "hang"));
    let err = engine.wait_healthy(container, Duration::from_millis(700)).unwrap_err();
    assert_eq!(err.kind(), EngineErrorKind::Timeout, "{err}");
    let health = err.health().unwrap();
    assert_eq!(health.status, "starting");
    assert!(health.elapsed >= Duration::from_millis(700));
    let message = err.to_string();
    assert!(message.contains("is not healthy after 700ms (status starting, failing streak 0)"), "{message}");
    assert!(message.contains("container-log-marker"), "{message}");
}

#[test]
fn wait_healthy_without_a_healthcheck_fails_at_once() {
    let Some(engine) = engine() else { return };
    let mut scratch = Scratch::new(&engine);
    let container = scratch.run(BASE, &RunOptions::new().cmd(["sleep", "infinity"]));
    let err = engine.wait_healthy(container, Duration::from_secs(20)).unwrap_err();
    assert_eq!(err.kind(), EngineErrorKind::Unhealthy);
    assert!(err.to_string().contains("has no healthcheck"), "{err}");
    assert!(err.health().unwrap().elapsed < Duration::from_secs(5));
}

#[test]
fn save_and_load_check_every_file_first() {
    let Some(engine) = engine() else { return };
    let mut scratch = Scratch::new(&engine);
    // A tiny image (one small file on scratch) keeps the bundle small and the test fast.
    let mut image = Image::new();
    image.stage(Stage::new("app", Base::scratch()).file("/nonce", &format!("{}\n", unique("bundle"))));
    let (tag, report) = scratch.build(&image);

    let dir = tempfile::tempdir().unwrap();
    let bundle = engine.save(&[&tag], dir.path()).unwrap();
    assert_eq!(bundle.dir, dir.path());
    assert_eq!(bundle.manifest, dir.path().join(SUMS_FILE));
    assert_eq!(bundle.files.len(), 1);
    let file = &bundle.files[0];
    assert_eq!(file.image, tag);
    assert_eq!(std::fs::metadata(dir.path().join(&file.file)).unwrap().len(), file.size);
    assert_eq!(file.file, format!("{}.tar", tag.replace(['/', ':'], "_")));
    let manifest = std::fs::read_to_string(dir.path().join(SUMS_FILE)).unwrap();
    assert_eq!(manifest, format!("{}  {}\n", file.sha256, file.file));
    assert_eq!(listing(dir.path()), [SUMS_FILE.to_string(), file.file.clone()], "temporary files were left");
    if let Ok(check) = std::process::Command::new("sha256sum").arg("-c").arg(SUMS_FILE).current_dir(dir.path()).output()
    {
        assert!(check.status.success(), "sha256sum -c disagrees: {}", String::from_utf8_lossy(&check.stdout));
    }

    // One changed byte: nothing is loaded and the error names the file.
    let tar = dir.path().join(&file.file);
    let mut bytes = std::fs::read(&tar).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&tar, &bytes).unwrap();
    engine.remove_image(&tag).unwrap();
    let err = engine.load(dir.path()).unwrap_err();
    assert_eq!(err.kind(), EngineErrorKind::Checksum);
    assert!(err.to_string().starts_with(&format!("checksum mismatch for {}: ", tar.display())), "{err}");
    assert_eq!(engine.inspect(&tag).unwrap_err().kind(), EngineErrorKind::NotFound);

    // Intact again: it loads, and the image is back.
    bytes[middle] ^= 0x01;
    std::fs::write(&tar, &bytes).unwrap();
    assert_eq!(engine.load(dir.path()).unwrap(), std::slice::from_ref(&tag));
    assert_eq!(engine.inspect(&tag).unwrap().id, report.image_id);
}

#[test]
fn an_empty_bundle_loads_nothing() {
    let Some(engine) = engine() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bundle = engine.save(&[], dir.path()).unwrap();
    assert!(bundle.files.is_empty());
    assert_eq!(std::fs::read_to_string(&bundle.manifest).unwrap(), "");
    assert_eq!(engine.load(dir.path()).unwrap(), Vec::<String>::new());
}

/// A bundle whose `SHA256SUMS` lists files but no image tar (a project bundle whose images were
/// left behind) is refused, naming the manifest, before anything loads.
#[test]
fn a_bundle_without_image_tars_is_refused() {
    let Some(engine) = engine() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), "services: {}\n").unwrap();
    let sums = format!("{}  compose.yaml\n", sha256_hex("services: {}\n"));
    std::fs::write(dir.path().join(SUMS_FILE), sums).unwrap();
    let err = engine.load(dir.path()).unwrap_err();
    assert_eq!(err.kind(), EngineErrorKind::Checksum);
    let manifest = dir.path().join(SUMS_FILE);
    assert_eq!(
        err.to_string(),
        format!("{} lists no image tar: the bundle is incomplete; copy it again", manifest.display())
    );
}

#[test]
fn save_of_a_missing_image_writes_nothing() {
    let Some(engine) = engine() else { return };
    let dir = tempfile::tempdir().unwrap();
    let err = engine.save(&["dockwright-test/never-built:1"], dir.path()).unwrap_err();
    assert_eq!(err.kind(), EngineErrorKind::NotFound);
    assert!(err.to_string().starts_with("cannot save image 'dockwright-test/never-built:1': "), "{err}");
    assert!(listing(dir.path()).is_empty());
    let err = engine.load(dir.path()).unwrap_err();
    assert_eq!(err.kind(), EngineErrorKind::Io);
    assert!(err.to_string().contains(SUMS_FILE), "{err}");
}

#[test]
fn remove_image_untags_and_then_is_not_found() {
    let Some(engine) = engine() else { return };
    let mut image = Image::new();
    image.stage(debian("app").env("UNIQUE", unique("remove").as_str()));
    let tag = unique_tag("remove");
    let request =
        BuildRequest::from_image(&image, ".", &tag).unwrap().mapped(&local_bases()).unwrap().progress(Progress::Plain);
    engine.build(&request).unwrap();
    engine.remove_image(&tag).unwrap();
    assert_eq!(engine.inspect(&tag).unwrap_err().kind(), EngineErrorKind::NotFound);
    assert_eq!(engine.remove_image(&tag).unwrap_err().kind(), EngineErrorKind::NotFound);
}

#[test]
fn builds_run_without_a_network_unless_asked() {
    let Some(engine) = engine() else { return };
    let mut image = Image::new();
    image.stage(debian("app").run(format!("ls /sys/class/net > /nets # {}", unique("net")).as_str()));
    let mut scratch = Scratch::new(&engine);
    let (tag, _) = scratch.build(&image);
    // The RUN step saw only a loopback interface.
    let container = scratch.run(&tag, &RunOptions::new().cmd(["sleep", "infinity"]).network(Network::None));
    assert_eq!(engine.exec(container, &["cat", "/nets"]).unwrap().stdout, "lo\n");
}

#[test]
fn builds_bases_chosen_by_global_args() {
    let Some(engine) = engine() else { return };
    if let Err(err) = engine.inspect("dockwright/python:3.11-slim") {
        assert!(std::env::var_os("CI").is_none(), "dockwright/python:3.11-slim is missing: {err}");
        eprintln!("SKIPPED: base image dockwright/python:3.11-slim is missing ({err}): run scripts/base-images");
        return;
    }
    let mut scratch = Scratch::new(&engine);
    let nonce = unique("arg-base");
    // `ARG BASE=dockwright/debian:bookworm-slim` + `FROM ${BASE}`, and a preset whose version is an ARG.
    let mut image = Image::new().arg("BASE", Some(BASE)).arg("PY", Some("3.11"));
    let base = image.stage(
        Stage::new("base", Base::image("${BASE}", dockwright::OsFamily::Debian))
            .run(format!("echo {nonce} > /marker").as_str()),
    );
    image.stage(
        Stage::new("app", Base::python("${PY}").slim().mirrored("dockwright"))
            .copy_from(&base, ["/marker"], "/marker")
            .run("python3 -c \"import sys; print(sys.version_info[:2])\" > /python"),
    );
    let tag = unique_tag("arg-base");
    scratch.images.push(tag.clone());
    let request = BuildRequest::from_image(&image, ".", &tag).unwrap().progress(Progress::Plain);
    assert!(
        request.dockerfile.starts_with(&format!("ARG BASE={BASE}\nARG PY=3.11\n\nFROM ${{BASE}} AS base\n")),
        "{}",
        request.dockerfile
    );
    assert!(request.dockerfile.contains("\nFROM dockwright/python:${PY}-slim AS app\n"), "{}", request.dockerfile);
    let report = engine.build(&request).unwrap_or_else(|err| panic!("{err}"));
    assert!(report.steps.iter().any(|step| step.name.starts_with("[base 2/2] RUN echo")), "{:#?}", report.steps);
    assert!(report.steps.iter().any(|step| step.name.starts_with("[app 3/3] RUN python3")), "{:#?}", report.steps);
    assert!(report.log.contains("dockwright/python:3.11-slim"), "{}", report.log);

    let container = scratch.run(&tag, &RunOptions::new().cmd(["sleep", "infinity"]));
    assert_eq!(engine.exec(container, &["cat", "/marker", "/python"]).unwrap().stdout, format!("{nonce}\n(3, 11)\n"));
}

#[test]
fn build_secrets_reach_the_steps_and_no_part_of_the_image() {
    let Some(engine) = engine() else { return };
    let mut scratch = Scratch::new(&engine);
    let context = tempfile::tempdir().unwrap();
    // Two values that appear nowhere in the Dockerfile: the steps compare their digests.
    let (file_value, env_value) = (unique("file-secret-value"), unique("env-secret-value"));
    let secret_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret_file.path(), &file_value).unwrap();
    let mut image = Image::new();
    image.stage(
        debian("app")
            .run(
                Run::sh(format!(
                    "test \"$(sha256sum < /run/secrets/token | cut -d' ' -f1)\" = {}",
                    sha256_hex(&file_value)
                ))
                .secret("token"),
            )
            .run(
                Run::sh(format!(
                    "test \"$(sha256sum < /run/secrets/pypi | cut -d' ' -f1)\" = {}",
                    sha256_hex(&env_value)
                ))
                .secret("pypi"),
            )
            .env("MODE", "prod"),
    );
    let (tag, _) = scratch.build_with(&image, context.path(), |request| {
        request
            .secret("token", SecretSource::File(secret_file.path().to_path_buf()))
            .secret("pypi", SecretSource::value(env_value.clone()))
    });
    // Both steps passed, so both values reached them; neither is in a layer, the config or the history.
    for value in [&file_value, &env_value] {
        assert_eq!(secret_traces(&engine, &tag, value), Vec::<String>::new(), "a secret value is in the image");
    }

    // The same check finds a value a step does write into a layer.
    let mut leaky = Image::new();
    leaky.stage(debian("leak").run(Run::sh("cp /run/secrets/token /leaked").secret("token")));
    let (leaked, _) = scratch.build_with(&leaky, context.path(), |request| {
        request.no_cache(true).secret("token", SecretSource::File(secret_file.path().to_path_buf()))
    });
    let traces = secret_traces(&engine, &leaked, &file_value);
    assert!(
        traces.iter().any(|trace| trace.starts_with("layer ")),
        "the check cannot see a value in a layer: {traces:?}"
    );

    // A wrong secret fails the step once the cache is bypassed: a secret's value is not part of a step's
    // cache key, so with the cache the step is not run again. Bad requests fail before anything runs.
    let request = BuildRequest::from_image(&image, context.path(), &unique_tag("secret"))
        .unwrap()
        .mapped(&local_bases())
        .unwrap()
        .progress(Progress::Plain)
        .no_cache(true)
        .secret("token", SecretSource::value("wrong"))
        .secret("pypi", SecretSource::value(env_value.clone()));
    assert_eq!(engine.build(&request).unwrap_err().kind(), EngineErrorKind::BuildFailed);
    for (bad, message) in [
        (
            BuildRequest::new("FROM scratch\n", ".", "x:1").secret("a,b", SecretSource::value("v")),
            "build secret id \"a,b\" must be letters, digits, '_', '.' and '-'",
        ),
        (
            BuildRequest::new("FROM scratch\n", ".", "x:1")
                .secret("a", SecretSource::value("v"))
                .secret("a", SecretSource::value("w")),
            "build secret id \"a\" is given twice: give each secret once",
        ),
        (
            BuildRequest::new("FROM scratch\n", ".", "x:1")
                .secret("a", SecretSource::Env("DOCKWRIGHT_UNSET_VARIABLE".into())),
            "build secret \"a\": the environment variable \"DOCKWRIGHT_UNSET_VARIABLE\" is not set",
        ),
    ] {
        let err = engine.build(&bad).unwrap_err();
        assert_eq!((err.kind(), err.to_string()), (EngineErrorKind::InvalidRequest, message.to_string()));
    }
}
