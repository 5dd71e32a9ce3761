//! The seed projects that build here, deployed for real with Docker Compose v2: every service turns
//! healthy under `up --wait`, data written to a volume or a host directory survives `down` and `up`,
//! and `stop` ends the app by SIGTERM within its grace period (exit code 0, not SIGKILL's 137).
//!
//! The images are built from the examples' descriptions on the fixture apps with the seeds' bases mapped
//! onto local stand-ins, and the database and cache images map onto `scripts/service-images`'
//! Debian-built `dockwright/postgres:15` and `dockwright/redis:7`; the engine has no bridge network,
//! so the projects run [`Project::on_host_network`]. spec-editor's demo app, emorobcare and appos need
//! images that cannot be made here (see `tests/support/engine_cases.rs`). In CI a missing engine or
//! compose fails these tests; elsewhere they print SKIPPED.
#![cfg(feature = "engine")]
#![allow(clippy::duplicate_mod)]

#[path = "support/engine_cases.rs"]
mod engine_cases;

#[path = "../dsl-examples/personal_assistant.rs"]
#[allow(dead_code)]
mod personal_assistant;
#[path = "../dsl-examples/whoseonfirst.rs"]
#[allow(dead_code)]
mod whoseonfirst;

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use dockwright::base::BaseMapping;
use dockwright::deploy::{Project, Recipe};
use dockwright::engine::{BuildRequest, Engine, Progress};

/// The projects run on the host's network, so two at once would want the same ports.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The tests' base mapping plus the database and cache stand-ins.
fn mapping() -> BaseMapping {
    engine_cases::mapping()
        .map("postgres:16", "dockwright/postgres:15")
        .and_then(|m| m.map("redis:7", "dockwright/redis:7"))
        .expect("valid references")
}

/// A project deployed from a scratch directory; `down -v`, the directory and the images built for it
/// are removed when it is dropped, however the test ends.
struct Deployment {
    dir: PathBuf,
    name: String,
    file: &'static str,
    project: Project,
    engine: Engine,
    built: Vec<String>,
}

impl Deployment {
    /// Builds `project`'s images from `context` and writes its compose file, `.env`, secret and host
    /// directories (owned as the project says) into a scratch directory. `None`: skipped.
    fn new(example: &str, file: &'static str, project: Project, context: &str) -> Option<Deployment> {
        let engine = engine_cases::engine()?;
        if !compose_installed() {
            return None;
        }
        let context = engine_cases::fixture(context);
        if !engine_cases::vendored(&context) {
            return None;
        }
        let stand_ins = ["dockwright/postgres:15", "dockwright/redis:7"];
        if let Some(missing) = stand_ins.iter().find(|image| engine.inspect(image).is_err()) {
            let message = format!("{missing} is missing: run scripts/service-images");
            assert!(std::env::var_os("CI").is_none(), "{message}");
            eprintln!("SKIPPED: {message}");
            return None;
        }
        let name = format!("dwtest-{example}-{}", std::process::id());
        let dir = std::env::temp_dir().join(&name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("secrets")).unwrap();
        let mut deployment = Deployment { dir, name, file, project: project.clone(), engine, built: Vec::new() };

        for plan in project.builds() {
            let Recipe::Image(image) = plan.recipe else { panic!("{example}: the seeds describe their images") };
            let mut request = BuildRequest::from_image(image, &context, &plan.tag)
                .expect("the image validates")
                .mapped(&mapping())
                .expect("the mapping applies")
                .progress(Progress::Plain);
            if let Some(target) = plan.target {
                request = request.target(target);
            }
            let report = deployment
                .engine
                .build(&request)
                .unwrap_or_else(|err| panic!("{example}: building {} failed: {err}", plan.service));
            eprintln!("built {} in {:.1}s", plan.tag, report.duration.as_secs_f64());
            deployment.built.push(plan.tag.clone());
        }

        let here = project.mapped(&mapping()).expect("the mapping applies").on_host_network();
        let compose = here.to_compose().unwrap_or_else(|errors| panic!("{example}: {errors}"));
        fs::write(deployment.dir.join(file), compose).unwrap();
        fs::write(deployment.dir.join(".env"), project.env_example()).unwrap();
        fs::write(deployment.dir.join("secrets/db_password"), "compose-test\n").unwrap();
        for host_dir in project.host_dirs() {
            let path = deployment.dir.join(&host_dir.path);
            fs::create_dir_all(&path).unwrap();
            std::os::unix::fs::chown(&path, Some(host_dir.uid), Some(host_dir.uid)).unwrap();
        }
        Some(deployment)
    }

    /// `docker compose -p NAME -f FILE ARGS...` in the deployment's directory.
    fn compose(&self, args: &[&str]) -> Output {
        Command::new("docker")
            .current_dir(&self.dir)
            .args(["compose", "-p", &self.name, "-f", self.file])
            .args(args)
            .output()
            .expect("docker runs")
    }

    /// Like [`compose`](Self::compose), failing with compose's output when it fails; returns stdout.
    fn run(&self, args: &[&str]) -> String {
        let output = self.compose(args);
        if !output.status.success() {
            let logs = self.compose(&["logs", "--no-color", "--tail", "40"]);
            panic!(
                "docker compose {} failed:\n{}{}\nlogs:\n{}",
                args.join(" "),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
                String::from_utf8_lossy(&logs.stdout)
            );
        }
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// `up --wait` (no build, no pull) of `services` (all when empty): returns once each is running
    /// and healthy, and checks that compose says so.
    fn up_healthy(&self, services: &[&str]) -> Duration {
        let started = Instant::now();
        let mut args = vec!["up", "--detach", "--wait", "--wait-timeout", "180", "--no-build", "--pull", "never"];
        args.extend_from_slice(services);
        self.run(&args);
        let took = started.elapsed();
        let ps = self.run(&["ps", "--all", "--format", "{{.Service}} {{.State}} {{.Health}}"]);
        let mut seen = Vec::new();
        for line in ps.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(fields.get(1), Some(&"running"), "{}: {line}", self.name);
            // Every service of these projects has a healthcheck (the image's or the service's).
            assert_eq!(fields.get(2), Some(&"healthy"), "{}: {line}", self.name);
            seen.push(fields[0].to_string());
        }
        seen.sort();
        let mut expected: Vec<String> = match services {
            [] => self.project.services().iter().map(|s| s.name().to_string()).collect(),
            some => some.iter().map(|s| s.to_string()).collect(),
        };
        expected.sort();
        assert_eq!(seen, expected, "{}: the services that run", self.name);
        took
    }

    /// `exec -T SERVICE ARGV...`, which must succeed; returns stdout.
    fn exec(&self, service: &str, argv: &[&str]) -> String {
        let mut args = vec!["exec", "-T", service];
        args.extend_from_slice(argv);
        self.run(&args)
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        let _ = self.compose(&["down", "--volumes", "--remove-orphans", "--timeout", "5"]);
        // The app wrote its host directories as uid 10001; root removes them.
        let _ = fs::remove_dir_all(&self.dir);
        for tag in &self.built {
            let _ = self.engine.remove_image(tag);
        }
    }
}

fn compose_installed() -> bool {
    let ok = Command::new("docker").args(["compose", "version"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "CI needs Docker Compose v2 (scripts/engine-up installs it)");
        eprintln!("SKIPPED: no `docker compose` (run scripts/engine-up)");
    }
    ok
}

#[test]
fn whoseonfirst_turns_healthy_keeps_its_data_on_the_host_and_stops_by_sigterm() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (file, project) = whoseonfirst::projects().remove(0);
    let Some(deploy) = Deployment::new("whoseonfirst", file, project, "whoseonfirst") else { return };
    let app = "whoseonfirst-app";

    let first = deploy.up_healthy(&[]);
    deploy.exec(app, &["python", "-m", "src.migrate"]);
    let database = deploy.dir.join("data/whoseonfirst.db");
    assert!(database.is_file(), "the database is not on the ./data bind mount");

    // Again from new containers: the app answers /health as soon as it listens (its healthcheck's
    // first probe comes only after 30 s, which the first round already waited for).
    deploy.run(&["down"]);
    let started = Instant::now();
    deploy.run(&["up", "--detach", "--no-build", "--pull", "never"]);
    let probe = "import time, urllib.request\n\
                 for _ in range(60):\n    \
                     try:\n        \
                         print(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=5).read().decode()); break\n    \
                     except OSError:\n        \
                         time.sleep(0.5)";
    let health = deploy.exec(app, &["python", "-c", probe]);
    let second = started.elapsed();
    assert!(health.contains("\"schema_revision\":\"0001\""), "the migrated schema did not survive down/up: {health}");

    let started = Instant::now();
    deploy.run(&["stop", app]);
    let stopped = started.elapsed();
    let state = deploy.run(&["ps", "--all", "--format", "{{.Service}} {{.State}} {{.ExitCode}}"]);
    assert!(state.lines().any(|line| line == format!("{app} exited 0")), "not a clean SIGTERM exit: {state}");
    assert!(stopped < Duration::from_secs(30), "stop took {stopped:?}, past the 30 s grace period");
    let logs = deploy.run(&["logs", "--no-color", app]);
    assert!(logs.contains("Finished server process"), "uvicorn did not shut down gracefully:\n{logs}");
    eprintln!(
        "MEASURED whoseonfirst: healthy after {:.1}s, answering again after down/up in {:.1}s; stopped by SIGTERM in {:.1}s",
        first.as_secs_f64(),
        second.as_secs_f64(),
        stopped.as_secs_f64()
    );
}

#[test]
fn personal_assistant_waits_for_a_healthy_database_and_cache_whose_volumes_survive_down_and_up() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (file, project) = personal_assistant::projects().remove(2);
    assert_eq!(file, "docker-compose.prod.yml");
    let Some(deploy) = Deployment::new("personal-assistant", file, project, "personal-assistant") else { return };

    let first = deploy.up_healthy(&[]);
    let psql = ["psql", "-U", "assistant", "-d", "assistant", "-v", "ON_ERROR_STOP=1", "-tA", "-c"];
    let sql = |statement: &str| {
        let mut argv = psql.to_vec();
        argv.push(statement);
        deploy.exec("db", &argv)
    };
    sql("CREATE TABLE reminders (text TEXT); INSERT INTO reminders VALUES ('water the plants')");
    assert_eq!(deploy.exec("cache", &["redis-cli", "SET", "session", "kept"]).trim(), "OK");

    // New containers on the same volumes (the database and cache alone: the API's first probe is 30 s
    // away, and the first round already saw it healthy).
    deploy.run(&["down"]);
    let second = deploy.up_healthy(&["db", "cache"]);
    assert_eq!(sql("SELECT text FROM reminders").trim(), "water the plants");
    assert_eq!(deploy.exec("cache", &["redis-cli", "GET", "session"]).trim(), "kept");

    deploy.run(&["up", "--detach", "--no-build", "--pull", "never", "api"]);
    std::thread::sleep(Duration::from_secs(3));
    let started = Instant::now();
    deploy.run(&["stop", "api"]);
    let stopped = started.elapsed();
    let state = deploy.run(&["ps", "--all", "--format", "{{.Service}} {{.State}} {{.ExitCode}}"]);
    assert!(state.lines().any(|line| line == "api exited 0"), "not a clean SIGTERM exit: {state}");
    assert!(stopped < Duration::from_secs(20), "stop took {stopped:?}, past the 20 s grace period");
    eprintln!(
        "MEASURED personal-assistant prod: healthy after {:.1}s, database and cache healthy again after down/up in {:.1}s; api stopped in {:.1}s",
        first.as_secs_f64(),
        second.as_secs_f64(),
        stopped.as_secs_f64()
    );
}
