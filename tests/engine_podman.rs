//! The engine module on Podman (`scripts/podman-up`: Podman 5.4 on `unix:///run/dockwright/podman.sock`):
//! the Debian-family examples built with Podman and run non-root and healthy; the healthcheck kept
//! by the build; the same build on Docker's socket and Podman's; a Docker context selecting Podman;
//! the Podman differences dockwright handles (the scratch Dockerfile kept out of `COPY .`, build secrets
//! read from their files on the local socket and in no part of the image, refused over TCP); and a seed project brought up by `podman-compose`. In CI a missing Podman fails these
//! tests; elsewhere they print SKIPPED.
//!
//! The podman-compose test runs spec-editor on the host's network, port 5000 (the compose and bundle
//! engine tests use 8000).
#![cfg(feature = "engine")]
#![allow(clippy::duplicate_mod)]

#[path = "support/engine_cases.rs"]
mod engine_cases;
#[path = "support/scratch.rs"]
mod scratch;
#[path = "support/secret_traces.rs"]
mod secret_traces;

#[path = "../dsl-examples/emorobcare.rs"]
#[allow(dead_code)]
mod emorobcare;
#[path = "../dsl-examples/personal_assistant.rs"]
#[allow(dead_code)]
mod personal_assistant;
#[path = "../dsl-examples/spec_editor.rs"]
#[allow(dead_code)]
mod spec_editor;
#[path = "../dsl-examples/whoseonfirst.rs"]
#[allow(dead_code)]
mod whoseonfirst;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dockwright::deploy::{Project, Recipe, Service};
use dockwright::engine::{
    BuildRequest, BundleRequest, Endpoint, EndpointSource, Engine, EngineErrorKind, EngineKind, Progress, RunOptions,
    SecretSource,
};
use dockwright::{Base, Health, Image, OsFamily, Run, Stage};
use engine_cases::{Case, Examples};
use pretty_assertions::assert_eq;
use scratch::listing;
use secret_traces::{secret_traces, sha256_hex};

/// Where `scripts/podman-up` starts Podman's API service.
const PODMAN: &str = "unix:///run/dockwright/podman.sock";

/// Two cores: one Podman build at a time.
static ONE_BUILD: Mutex<()> = Mutex::new(());

/// Podman, or `None` (printed as SKIPPED) outside CI when its socket does not answer.
fn podman() -> Option<Engine> {
    match Engine::connect_to(PODMAN) {
        Ok(engine) => Some(engine),
        Err(err) if std::env::var_os("CI").is_none() => {
            eprintln!("SKIPPED: no Podman at {PODMAN}: {err} (run scripts/podman-up)");
            None
        }
        Err(err) => panic!("CI needs Podman for these tests (scripts/podman-up): {err}"),
    }
}

fn case(name: &str) -> Case {
    let examples = Examples {
        spec_editor: spec_editor::images(),
        whoseonfirst: whoseonfirst::images(),
        emorobcare: emorobcare::images(),
        personal_assistant: personal_assistant::images(),
    };
    engine_cases::cases(&examples).into_iter().find(|c| c.name == name).expect("a known case")
}

fn build_request(case: &Case, tag: &str) -> BuildRequest {
    let mut request = BuildRequest::from_image(&case.image, &case.context, tag)
        .expect("the example validates")
        .mapped(&engine_cases::mapping())
        .expect("the mapping applies")
        .progress(Progress::Plain);
    if let Some(target) = case.target {
        request = request.target(target);
    }
    request
}

/// Builds one example with Podman, checks the image keeps its healthcheck and non-root user, runs it
/// with no network and waits for it to turn healthy (Podman runs no probes without systemd: the wait
/// runs them), and checks the process's uid.
fn check(name: &str) {
    let Some(engine) = podman() else { return };
    let case = case(name);
    if !engine_cases::vendored(&case.context) {
        return;
    }
    let slug: String = case.name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let tag = format!("dockwright-test/{slug}:podman");
    let report = {
        let _one = ONE_BUILD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        engine.build(&build_request(&case, &tag)).unwrap_or_else(|err| panic!("{name}: the Podman build failed: {err}"))
    };
    assert!(report.steps.iter().any(|step| step.name.contains("STEP ") && step.name.contains("HEALTHCHECK")));
    let info = engine.inspect(&tag).expect("the image exists");
    assert!(!info.runs_as_root(), "{name}: runs as root (USER {:?})", info.user);
    let probe = info.healthcheck.unwrap_or_else(|| panic!("{name}: the Podman build dropped the HEALTHCHECK"));
    assert_eq!(probe[0], "CMD", "{name}: {probe:?}");

    let container = engine.run(&tag, &RunOptions::new()).expect("the container starts");
    let health = engine.wait_healthy(&container, Duration::from_secs(120));
    let uid = engine.exec(&container, &["id", "-u"]);
    engine.remove(container).expect("the container is removed");
    let health = health.unwrap_or_else(|err| panic!("{name}: never turned healthy on Podman: {err}"));
    let uid = uid.expect("id runs in the container");
    assert_eq!(health.status, "healthy");
    assert_eq!(uid.stdout.trim(), "10001", "{name}: the process's uid");
    eprintln!(
        "MEASURED {name} on Podman {}: built in {:.1}s ({} steps), healthy after {:.1}s, uid {}",
        engine.version(),
        report.duration.as_secs_f64(),
        report.steps.len(),
        health.elapsed.as_secs_f64(),
        uid.stdout.trim()
    );
    engine.remove_image(&tag).expect("the image is removed");
}

#[test]
fn spec_editor_builds_with_podman_runs_non_root_and_turns_healthy() {
    check("spec-editor");
}

#[test]
fn whoseonfirst_slim_builds_with_podman_runs_non_root_and_turns_healthy() {
    check("whoseonfirst/slim");
}

#[test]
fn personal_assistant_prod_builds_with_podman_runs_non_root_and_turns_healthy() {
    check("personal-assistant:prod");
}

/// A small image with a healthcheck, a non-root user and a heredoc, built on the local Debian base.
fn small_image() -> Image {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::image("dockwright/debian:bookworm-slim", OsFamily::Debian))
            .run("useradd --uid 10001 --no-create-home app")
            .healthcheck(Health::new(["test", "-e", "/tmp/ready"]).interval("2s").start_period("1s").retries(2))
            .user("10001")
            .cmd(["sh", "-c", "touch /tmp/ready && exec sleep infinity"]),
    );
    image
}

fn context() -> PathBuf {
    engine_cases::fixture("spec-editor")
}

#[test]
fn podman_is_recognised_and_the_healthcheck_survives_its_build() {
    let Some(engine) = podman() else { return };
    assert_eq!(engine.kind(), EngineKind::Podman);
    assert!(engine.version().starts_with("5."), "{}", engine.version());
    let tag = "dockwright-test/podman-health:1";
    let report = {
        let _one = ONE_BUILD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let request = BuildRequest::from_image(&small_image(), context(), tag).unwrap().progress(Progress::Plain);
        engine.build(&request).unwrap_or_else(|err| panic!("the Podman build failed: {err}"))
    };
    assert!(report.image_id.starts_with("sha256:"), "{}", report.image_id);
    assert_eq!(report.steps[0].name, "STEP 1/5: FROM dockwright/debian:bookworm-slim AS app");
    let info = engine.inspect(tag).unwrap();
    assert_eq!(info.healthcheck, Some(vec!["CMD".to_string(), "test".into(), "-e".into(), "/tmp/ready".into()]));
    assert_eq!(info.user, "10001");
    // Podman's own inspect agrees, and says the image is in the Docker format.
    let out = Command::new("podman")
        .args(["--url", PODMAN, "image", "inspect", "--format", "{{.ManifestType}} {{json .HealthCheck.Test}}", tag])
        .output()
        .expect("podman runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        r#"application/vnd.docker.distribution.manifest.v2+json ["CMD","test","-e","/tmp/ready"]"#
    );

    let container = engine.run(tag, &RunOptions::new()).unwrap();
    let health = engine.wait_healthy(&container, Duration::from_secs(30));
    engine.remove(container).unwrap();
    let health = health.unwrap_or_else(|err| panic!("never healthy on Podman: {err}"));
    assert_eq!((health.status.as_str(), health.failing_streak), ("healthy", 0));
    engine.remove_image(tag).unwrap();
}

#[test]
fn an_unhealthy_container_is_reported_on_podman() {
    let Some(engine) = podman() else { return };
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::image("dockwright/debian:bookworm-slim", OsFamily::Debian))
            .healthcheck(Health::new(["false"]).interval("1s").retries(2))
            .cmd(["sleep", "infinity"]),
    );
    let tag = "dockwright-test/podman-unhealthy:1";
    {
        let _one = ONE_BUILD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let request = BuildRequest::from_image(&image, context(), tag).unwrap().progress(Progress::Plain);
        engine.build(&request).unwrap_or_else(|err| panic!("the Podman build failed: {err}"));
    }
    let container = engine.run(tag, &RunOptions::new()).unwrap();
    let err = engine.wait_healthy(&container, Duration::from_secs(30)).unwrap_err();
    // `sleep` as PID 1 ignores SIGTERM: Podman's own forced remove would wait its 10 s stop timeout.
    let removing = std::time::Instant::now();
    engine.remove(container).unwrap();
    assert!(removing.elapsed() < Duration::from_secs(5), "remove took {:?}", removing.elapsed());
    engine.remove_image(tag).unwrap();
    assert_eq!(err.kind(), EngineErrorKind::Unhealthy, "{err}");
    assert_eq!(err.health().unwrap().status, "unhealthy");
    assert!(err.health().unwrap().elapsed < Duration::from_secs(10), "{err}");
}

#[test]
fn the_scratch_dockerfile_is_not_copied_by_copy_dot() {
    let Some(engine) = podman() else { return };
    let context = tempfile::tempdir().unwrap();
    std::fs::write(context.path().join("app.txt"), "app\n").unwrap();
    let dockerfile = "FROM dockwright/debian:bookworm-slim\nCOPY . /ctx\nCMD [\"find\", \"/ctx\"]\n";
    let tag = "dockwright-test/podman-copy-dot:1";
    {
        let _one = ONE_BUILD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let request = BuildRequest::new(dockerfile, context.path(), tag).progress(Progress::Plain);
        engine.build(&request).unwrap_or_else(|err| panic!("the Podman build failed: {err}"));
    }
    let container = engine.run(tag, &RunOptions::new().cmd(["sleep", "60"])).unwrap();
    let found = engine.exec(&container, &["find", "/ctx"]);
    engine.remove(container).unwrap();
    engine.remove_image(tag).unwrap();
    assert_eq!(found.unwrap().stdout, "/ctx\n/ctx/app.txt\n");
}

/// Build secrets on Podman's local socket: a file and a value reach the steps that read them (each
/// compares the digest of what it reads); neither value is in a layer, the image config or a history
/// entry, though the image copies the whole context (where Podman's remote client would have put a
/// copy of the secret file); the context directory is left as it was. The same search finds a value a
/// step copies into a layer, and a wrong value fails the step.
#[test]
fn build_secrets_reach_the_steps_and_no_part_of_the_image_on_podman() {
    let Some(engine) = podman() else { return };
    // Not under /tmp: the ignore line that keeps the scratch Dockerfile out of `COPY .` ignores `tmp/`,
    // where Podman's client would also put its copy of a secret file from a context under /tmp.
    let context = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    std::fs::write(context.path().join("app.txt"), "app\n").unwrap();
    let before = listing(context.path());
    let nonce = format!("{}-{}", std::process::id(), SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos());
    let (file_value, given_value) = (format!("file-secret-{nonce}"), format!("given-secret-{nonce}"));
    let secret_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret_file.path(), &file_value).unwrap();
    let check = |id: &str, value: &str| {
        Run::sh(format!("test \"$(sha256sum < /run/secrets/{id} | cut -d' ' -f1)\" = {}", sha256_hex(value))).secret(id)
    };
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::image("dockwright/debian:bookworm-slim", OsFamily::Debian))
            .run(check("token", &file_value))
            .run(check("pypi", &given_value))
            .copy(["."], "/ctx/")
            .env("MODE", "prod"),
    );
    let with_secrets = |request: BuildRequest, token: SecretSource| {
        request
            .progress(Progress::Plain)
            .secret("token", token)
            .secret("pypi", SecretSource::value(given_value.clone()))
    };
    let tag = format!("dockwright-test/podman-secrets-{}:1", std::process::id());
    let _removes = Removes(&engine, &tag);
    {
        let _one = ONE_BUILD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let request = BuildRequest::from_image(&image, context.path(), &tag).unwrap();
        let request = with_secrets(request, SecretSource::File(secret_file.path().to_path_buf()));
        engine.build(&request).unwrap_or_else(|err| panic!("the Podman build with secrets failed: {err}"));
    }
    assert_eq!(listing(context.path()), before, "the build wrote into the context");
    for value in [&file_value, &given_value] {
        assert_eq!(secret_traces(&engine, &tag, value), Vec::<String>::new(), "a secret value is in the image");
    }

    // The same search finds a value a step does write into a layer.
    let mut leaky = Image::new();
    leaky.stage(
        Stage::new("leak", Base::image("dockwright/debian:bookworm-slim", OsFamily::Debian))
            .run(Run::sh("cp /run/secrets/token /leaked").secret("token")),
    );
    let leaked = format!("dockwright-test/podman-leaked-{}:1", std::process::id());
    let _removes_leaked = Removes(&engine, &leaked);
    {
        let _one = ONE_BUILD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let request = BuildRequest::from_image(&leaky, context.path(), &leaked).unwrap().no_cache(true);
        let request = request.progress(Progress::Plain).secret("token", SecretSource::File(secret_file.path().into()));
        engine.build(&request).unwrap_or_else(|err| panic!("the leaky Podman build failed: {err}"));
    }
    let traces = secret_traces(&engine, &leaked, &file_value);
    assert!(
        traces.iter().any(|trace| trace.starts_with("layer ")),
        "the search cannot see a value in a layer: {traces:?}"
    );

    // A wrong value fails its step (with the cache bypassed: a secret is not part of a step's cache key).
    let wrong = format!("dockwright-test/podman-wrong-{}:1", std::process::id());
    let _removes_wrong = Removes(&engine, &wrong);
    let err = {
        let _one = ONE_BUILD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let request = BuildRequest::from_image(&image, context.path(), &wrong).unwrap().no_cache(true);
        engine.build(&with_secrets(request, SecretSource::value("wrong"))).unwrap_err()
    };
    assert_eq!(err.kind(), EngineErrorKind::BuildFailed, "{err}");
    assert!(err.to_string().contains("failed at step \"STEP 2/5: RUN --mount=type=secret,id=token"), "{err}");
    assert_eq!(listing(context.path()), before, "the failed build wrote into the context");
}

/// Podman's socket reached over TCP (a proxy to it on 127.0.0.1): the same Podman, but an address
/// that is not this machine's socket, so its service may not read this machine's files, and Podman's
/// remote client would put a secret file into the uploaded context. Build secrets are refused with
/// the reason and what to do; nothing is built and the context is left alone.
#[test]
fn build_secrets_are_refused_when_podman_is_reached_over_tcp() {
    if podman().is_none() {
        return;
    }
    let address = tcp_proxy(PODMAN.trim_start_matches("unix://"));
    let engine = Engine::connect_to(&address).unwrap_or_else(|err| panic!("Podman through {address}: {err}"));
    assert_eq!(engine.kind(), EngineKind::Podman);
    let context = tempfile::tempdir().unwrap();
    std::fs::write(context.path().join("app.txt"), "app\n").unwrap();
    let secret_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret_file.path(), "s3cr3t").unwrap();
    let tag = "dockwright-test/podman-tcp-secret:1";
    let _removes = Removes(&engine, tag);
    let dockerfile = "FROM dockwright/debian:bookworm-slim\nRUN --mount=type=secret,id=token true\nCOPY . /ctx\n";
    for source in [SecretSource::File(secret_file.path().into()), SecretSource::value("s3cr3t")] {
        let request = BuildRequest::new(dockerfile, context.path(), tag).secret("token", source);
        let err = engine.build(&request).unwrap_err();
        assert_eq!(
            (err.kind(), err.to_string()),
            (
                EngineErrorKind::InvalidRequest,
                format!(
                    "build of '{tag}' has build secrets, which dockwright does not send to Podman at {address}: \
                     Podman 5's remote build puts secret files into the build context, where COPY can put them into \
                     the image; build with Docker, with Podman's unix socket on the machine that has the secrets, or \
                     give the value at run time"
                )
            )
        );
    }
    assert_eq!(listing(context.path()), ["app.txt"]);
    assert_eq!(engine.inspect(tag).unwrap_err().kind(), EngineErrorKind::NotFound);
}

/// A TCP address on 127.0.0.1 whose connections are relayed to the unix socket at `socket` (for as
/// long as the test process runs).
fn tcp_proxy(socket: &str) -> String {
    use std::net::TcpListener;
    use std::os::unix::net::UnixStream;

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("tcp://{}", listener.local_addr().unwrap());
    let socket = socket.to_string();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { continue };
            let Ok(upstream) = UnixStream::connect(&socket) else { continue };
            let (mut client_in, mut upstream_out) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut client_in, &mut upstream_out);
                let _ = upstream_out.shutdown(std::net::Shutdown::Write);
            });
            let (mut upstream_in, mut client_out) = (upstream, client);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut upstream_in, &mut client_out);
                let _ = client_out.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    address
}

#[test]
fn the_same_build_runs_on_dockers_socket_and_podmans() {
    let Some(podman) = podman() else { return };
    let Some(docker) = engine_cases::engine() else { return };
    assert_eq!(docker.kind(), EngineKind::Docker);
    let tag = "dockwright-test/both-engines:1";
    let request = BuildRequest::from_image(&small_image(), context(), tag).unwrap().progress(Progress::Plain);
    let mut seen = Vec::new();
    for engine in [&docker, &podman] {
        let _one = ONE_BUILD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        engine.build(&request).unwrap_or_else(|err| panic!("the {} build failed: {err}", engine.kind()));
        let info = engine.inspect(tag).unwrap();
        let container = engine.run(tag, &RunOptions::new()).unwrap();
        let health = engine.wait_healthy(&container, Duration::from_secs(30));
        engine.remove(container).unwrap();
        engine.remove_image(tag).unwrap();
        let health = health.unwrap_or_else(|err| panic!("never healthy on {}: {err}", engine.kind()));
        seen.push((engine.kind(), info.user, info.healthcheck, info.cmd, health.status));
    }
    let same = |kind| {
        (
            kind,
            "10001".to_string(),
            Some(vec!["CMD".to_string(), "test".into(), "-e".into(), "/tmp/ready".into()]),
            vec!["sh".to_string(), "-c".into(), "touch /tmp/ready && exec sleep infinity".into()],
            "healthy".to_string(),
        )
    };
    assert_eq!(seen, [same(EngineKind::Docker), same(EngineKind::Podman)]);
}

#[test]
fn a_docker_context_selects_the_podman_socket() {
    if podman().is_none() {
        return;
    }
    // What `docker context create dockwright-podman --docker host=unix:///run/dockwright/podman.sock` writes.
    let config = tempfile::tempdir().unwrap();
    let status = Command::new("docker")
        .env("DOCKER_CONFIG", config.path())
        .args(["context", "create", "dockwright-podman", "--docker", &format!("host={PODMAN}")])
        .output()
        .expect("docker runs");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let dir = config.path().to_string_lossy().into_owned();
    let named = |context: Option<&'static str>| {
        let dir = dir.clone();
        move |name: &str| match name {
            "DOCKER_CONFIG" => Some(dir.clone()),
            "DOCKER_CONTEXT" => context.map(str::to_string),
            _ => None,
        }
    };
    let endpoint = Endpoint::resolve(named(Some("dockwright-podman"))).unwrap();
    assert_eq!(
        endpoint,
        Endpoint { address: PODMAN.to_string(), source: EndpointSource::Context("dockwright-podman".into()) }
    );
    assert_eq!(Engine::connect_to(&endpoint.address).unwrap().kind(), EngineKind::Podman);

    // `docker context use` makes it the current context in config.json.
    let used = Command::new("docker")
        .env("DOCKER_CONFIG", config.path())
        .args(["context", "use", "dockwright-podman"])
        .output()
        .expect("docker runs");
    assert!(used.status.success(), "{}", String::from_utf8_lossy(&used.stderr));
    assert_eq!(Endpoint::resolve(named(None)).unwrap().source, EndpointSource::Context("dockwright-podman".into()));
    // The docker CLI agrees on the address.
    let shown = Command::new("docker")
        .env("DOCKER_CONFIG", config.path())
        .args(["context", "inspect", "--format", "{{.Endpoints.docker.Host}}"])
        .output()
        .expect("docker runs");
    assert_eq!(String::from_utf8_lossy(&shown.stdout).trim(), PODMAN);
}

#[test]
fn podman_compose_brings_spec_editor_up_healthy() {
    let Some(engine) = podman() else { return };
    let compose = Command::new("podman-compose").arg("--version").output();
    if !compose.as_ref().is_ok_and(|out| out.status.success()) {
        assert!(std::env::var_os("CI").is_none(), "CI needs podman-compose (scripts/podman-up installs it)");
        eprintln!("SKIPPED: no podman-compose (run scripts/podman-up)");
        return;
    }
    let case = case("spec-editor");
    if !engine_cases::vendored(&case.context) {
        return;
    }
    let (file, project) = spec_editor::projects().remove(0);
    let plan = project.builds().into_iter().find(|plan| plan.service == "spec-editor").expect("spec-editor is built");
    let tag = plan.tag.clone();
    let Recipe::Image(image) = plan.recipe else { panic!("spec-editor describes its image") };
    {
        let _one = ONE_BUILD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let request = BuildRequest::from_image(image, &case.context, &tag)
            .unwrap()
            .mapped(&engine_cases::mapping())
            .expect("the mapping applies")
            .progress(Progress::Plain);
        engine.build(&request).unwrap_or_else(|err| panic!("the Podman build failed: {err}"));
    }
    let here = project.mapped(&engine_cases::mapping()).expect("the mapping applies").on_host_network();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(file), here.to_compose().expect("the project validates")).unwrap();
    std::fs::write(dir.path().join(".env"), here.env_example()).unwrap();
    let name = format!("dwpodman{}", std::process::id());
    let run = |args: &[&str]| {
        Command::new("podman-compose")
            .current_dir(dir.path())
            .env("CONTAINER_HOST", PODMAN)
            .args(["-p", &name, "-f", file])
            .args(args)
            .output()
            .expect("podman-compose runs")
    };
    let up = run(&["up", "-d", "--no-build", "spec-editor"]);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        assert!(
            up.status.success(),
            "podman-compose up failed:\n{}{}",
            String::from_utf8_lossy(&up.stdout),
            String::from_utf8_lossy(&up.stderr)
        );
        let container = engine.container(&format!("{name}_spec-editor_1")).expect("podman-compose made the container");
        let health = engine.wait_healthy(&container, Duration::from_secs(120)).unwrap_or_else(|err| panic!("{err}"));
        let ps = run(&["ps", "--format", "{{.Names}} {{.Status}}"]);
        let ps = String::from_utf8_lossy(&ps.stdout).into_owned();
        assert!(ps.contains(&format!("{name}_spec-editor_1 Up")) && ps.contains("(healthy)"), "{ps}");
        let uid = engine.exec(&container, &["id", "-u"]).unwrap();
        assert_eq!(uid.stdout.trim(), "10001");
        eprintln!("MEASURED podman-compose up of spec-editor: healthy after {:.1}s", health.elapsed.as_secs_f64());
    }));
    let down = run(&["down", "-t", "5"]);
    let _ = engine.remove_image(&tag);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    assert!(down.status.success(), "podman-compose down failed: {}", String::from_utf8_lossy(&down.stderr));
}

/// Removes an image from an engine however the test ends.
struct Removes<'a>(&'a Engine, &'a str);

impl Drop for Removes<'_> {
    fn drop(&mut self) {
        let _ = self.0.remove_image(self.1);
    }
}

/// The offline bundle on Podman: `Engine::bundle` builds and saves the image through Podman's API,
/// the image is removed, `Engine::load` loads the bundle back and it runs healthy; removed again,
/// the bundle's own `load.sh podman` (Podman's CLI, same storage) verifies and loads it, and it runs
/// healthy again. The tar names the image as Docker does (Podman files it as `localhost/...`, which
/// Docker would load under that name, not the one the compose file runs): Docker loads the same
/// bundle as the name the project runs, and it runs healthy there too.
#[test]
fn a_project_bundle_round_trips_through_podman() {
    let Some(engine) = podman() else { return };
    let tag = "dockwright-test/podman-bundle:1";
    let _removes = Removes(&engine, tag);
    let project = Project::new("dwpodbundle").service(Service::build("app", &small_image(), ".").tag(tag));
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("bundle");
    let bundle = {
        let _one = ONE_BUILD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        engine.bundle(&BundleRequest::new(&project, context()), &dir)
    }
    .unwrap_or_else(|err| panic!("bundling on Podman failed: {err}"));
    let saved: Vec<(&str, &str)> = bundle.files.iter().map(|f| (f.image.as_str(), f.file.as_str())).collect();
    assert_eq!(saved, [(tag, "dockwright-test_podman-bundle_1.tar")]);
    // The name added for the save is gone again: Podman knows the image by its own name only.
    let names = Command::new("podman")
        .args(["--url", PODMAN, "image", "inspect", "--format", "{{json .NamesHistory}} {{json .RepoTags}}", tag])
        .output()
        .expect("podman runs");
    assert_eq!(
        String::from_utf8_lossy(&names.stdout).trim().split(' ').nth(1),
        Some(r#"["localhost/dockwright-test/podman-bundle:1"]"#)
    );

    let healthy = |engine: &Engine, how: &str| {
        let info = engine.inspect(tag).unwrap_or_else(|err| panic!("{how}: {tag} is not there: {err}"));
        assert_eq!(info.healthcheck, Some(vec!["CMD".to_string(), "test".into(), "-e".into(), "/tmp/ready".into()]));
        let container = engine.run(tag, &RunOptions::new()).unwrap();
        let health = engine.wait_healthy(&container, Duration::from_secs(30));
        engine.remove(container).unwrap();
        let health = health.unwrap_or_else(|err| panic!("{how}: never healthy on Podman: {err}"));
        assert_eq!(health.status, "healthy", "{how}");
    };

    engine.remove_image(tag).unwrap();
    assert_eq!(engine.inspect(tag).unwrap_err().kind(), EngineErrorKind::NotFound);
    let loaded = engine.load(&dir).unwrap_or_else(|err| panic!("Engine::load on Podman failed: {err}"));
    assert_eq!(loaded, ["docker.io/dockwright-test/podman-bundle:1"]);
    healthy(&engine, "after Engine::load on Podman");

    engine.remove_image(tag).unwrap();
    let out = Command::new("sh")
        .arg(dir.join("load.sh"))
        .arg("podman")
        .env("PODMAN_IGNORE_CGROUPSV1_WARNING", "1")
        .output()
        .expect("sh runs");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "load.sh podman failed:\n{said}");
    eprintln!("load.sh podman:\n{said}");
    assert!(said.contains(&format!("\nloaded {tag}\n")), "{said}");
    healthy(&engine, "after load.sh podman");

    // The bundle Podman saved, loaded by Docker: the image is there by the name the project runs.
    let Some(docker) = engine_cases::engine() else { return };
    let _removes_docker = Removes(&docker, tag);
    let loaded = docker.load(&dir).unwrap_or_else(|err| panic!("Engine::load on Docker failed: {err}"));
    assert_eq!(loaded, [tag]);
    healthy(&docker, "after Engine::load on Docker");
}
