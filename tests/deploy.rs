//! Deployments: every seed example's projects against their golden compose files and
//! `.env.example` (`tests/golden/compose/<example>/`; `UPDATE_GOLDEN=1 cargo test --test deploy`
//! rewrites them), each accepted unchanged by `docker compose config`, hostile strings read back
//! exactly by compose, and one case per cross-service validation rule.
//!
//! The compose checks need Docker Compose v2 (`scripts/engine-up` installs it): in CI a missing
//! compose fails them, elsewhere they print SKIPPED.

#[path = "support/seeds.rs"]
mod seeds;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use dockwright::deploy::{Condition, Mount, Project, Service, Variable};
use dockwright::{Base, Health, Image, Stage};
use pretty_assertions::assert_eq;

/// The files an example's `--out` writes besides its Dockerfiles: its compose files and `.env.example`.
fn deploy_files(projects: &[(&'static str, Project)]) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = projects
        .iter()
        .map(|(file, project)| {
            let text = project.to_compose().unwrap_or_else(|errors| panic!("{file}: invalid project:\n{errors}"));
            (file.to_string(), text)
        })
        .collect();
    let shared: Vec<(&str, &Project)> = projects.iter().map(|(file, project)| (*file, project)).collect();
    files.push((".env.example".into(), dockwright::deploy::env_example(&shared)));
    files
}

#[test]
fn every_example_matches_its_golden_compose_files() {
    for (example, projects) in seeds::projects() {
        assert!(!projects.is_empty(), "{example}: projects() returned nothing");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/compose").join(example);
        for (file, text) in deploy_files(&projects) {
            check_golden(&dir.join(&file), &text);
            // Deterministic: the same description always gives the same bytes.
            assert_eq!(deploy_files(&projects).into_iter().find(|(f, _)| *f == file).unwrap().1, text);
        }
    }
}

fn check_golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        if fs::read_to_string(path).ok().as_deref() != Some(actual) {
            fs::write(path, actual).unwrap();
        }
        return;
    }
    let expected = fs::read_to_string(path).unwrap_or_else(|err| {
        panic!(
            "cannot read golden file {} ({err}): create it with `UPDATE_GOLDEN=1 cargo test --test deploy`",
            path.display()
        )
    });
    assert_eq!(expected, actual, "golden file {}", path.display());
}

/// `docker compose`, or `None` (SKIPPED) outside CI when it is not installed.
fn compose() -> Option<()> {
    let ok = Command::new("docker")
        .args(["compose", "version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(());
    }
    assert!(std::env::var_os("CI").is_none(), "CI needs Docker Compose v2 (scripts/engine-up installs it)");
    eprintln!("SKIPPED: no `docker compose` (run scripts/engine-up)");
    None
}

/// A scratch directory laid out as a deployment: the compose files, `.env` from `.env.example`, and
/// the secret files the projects declare.
fn deployment_dir(name: &str, files: &[(String, String)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dockwright-deploy-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("secrets")).unwrap();
    for (file, text) in files {
        fs::write(dir.join(file), text).unwrap();
        if file == ".env.example" {
            fs::write(dir.join(".env"), text).unwrap();
        }
    }
    fs::write(dir.join("secrets/db_password"), "compose-test\n").unwrap();
    dir
}

/// `docker compose -f FILE config --format json` in `dir`: its output, or the error it printed.
fn compose_config(dir: &Path, file: &str) -> Result<serde_json::Value, String> {
    let output = Command::new("docker")
        .current_dir(dir)
        .args(["compose", "-f", file, "config", "--format", "json"])
        .output()
        .expect("docker runs");
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    serde_json::from_slice(&output.stdout).map_err(|err| err.to_string())
}

#[test]
fn docker_compose_config_accepts_every_golden_compose_file_unchanged() {
    if compose().is_none() {
        return;
    }
    for (example, projects) in seeds::projects() {
        let files = deploy_files(&projects);
        let dir = deployment_dir(example, &files);
        for (file, project) in &projects {
            let config =
                compose_config(&dir, file).unwrap_or_else(|err| panic!("{example} {file}: compose refuses it:\n{err}"));
            // What compose read is what was described: the project, its services and their images.
            assert_eq!(config["name"], project.name(), "{example} {file}");
            let services: Vec<&str> = config["services"].as_object().unwrap().keys().map(String::as_str).collect();
            let mut expected: Vec<&str> = project.services().iter().map(Service::name).collect();
            expected.sort_unstable();
            assert_eq!(services, expected, "{example} {file}");
            for service in project.services() {
                assert_eq!(
                    config["services"][service.name()]["image"],
                    project.image_of(service.name()).unwrap().as_str(),
                    "{example} {file} {}",
                    service.name()
                );
            }
            // The same project on the host's network (what the engine tests run) is valid compose too.
            let host = project.clone().on_host_network().to_compose().expect("valid on the host network");
            fs::write(dir.join("host.yml"), host).unwrap();
            let config = compose_config(&dir, "host.yml")
                .unwrap_or_else(|err| panic!("{example} {file} on the host network:\n{err}"));
            for service in project.services() {
                assert_eq!(config["services"][service.name()]["network_mode"], "host", "{example} {file}");
            }
        }
        let _ = fs::remove_dir_all(&dir);
    }
}

/// Strings YAML or compose could read as something else: each must come back from compose exactly.
const HOSTILE: &[&str] = &[
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "true",
    "NULL",
    "~",
    "",
    " lead",
    "trail ",
    "0x1F",
    "0o17",
    "017",
    "1e3",
    ".inf",
    "-.nan",
    "1_000",
    "12:30",
    "a: b",
    "a #b",
    "#x",
    "- x",
    "? x",
    "*ref",
    "&anc",
    "!tag",
    "%dir",
    "@at",
    "`bt",
    "'q'",
    "\"dq\"",
    "multi\nline",
    "tab\there",
    "back\\slash",
    "uni\u{e9}",
    "bell\u{7}",
    "nel\u{85}",
    "bom\u{feff}",
    "line\u{2028}sep",
    "{x}",
    "[x]",
    "x,y",
    "---",
    "...",
    "=",
    "<<",
    "cost $5",
    "${HOME}",
    "$$",
    "$",
    "emoji 😀",
    "del\u{7f}",
    "ends in a backslash\\",
    "'quoted' ends\\",
];

#[test]
fn compose_reads_back_every_hostile_value_exactly() {
    if compose().is_none() {
        return;
    }
    let service = HOSTILE
        .iter()
        .enumerate()
        .fold(Service::image("app", "dockwright/debian:bookworm-slim"), |s, (i, v)| s.env(&format!("V{i:02}"), v));
    let project = Project::new("hostile").comment("hostile: $HOME # yes\n: - x").service(service);
    let files = vec![("docker-compose.yml".to_string(), project.to_compose().unwrap())];
    let dir = deployment_dir("hostile", &files);
    let config = compose_config(&dir, "docker-compose.yml").unwrap_or_else(|err| panic!("compose refuses it:\n{err}"));
    let _ = fs::remove_dir_all(&dir);
    for (i, value) in HOSTILE.iter().enumerate() {
        // `config` writes literal dollars doubled again (its output is itself a compose file).
        let got = config["services"]["app"]["environment"][format!("V{i:02}")].as_str().unwrap().replace("$$", "$");
        assert_eq!(got, *value, "V{i:02}");
    }
}

#[test]
fn compose_reads_back_hostile_env_example_values_exactly() {
    if compose().is_none() {
        return;
    }
    let dotenv_safe: Vec<&str> = HOSTILE.iter().copied().filter(|v| !v.contains(['\n', '\r'])).collect();
    let project = dotenv_safe.iter().enumerate().fold(Project::new("dotenv"), |p, (i, v)| {
        p.variable(Variable::new(&format!("V{i:02}"), "a hostile value").example(v))
    });
    let service = (0..dotenv_safe.len()).fold(Service::image("app", "dockwright/debian:bookworm-slim"), |s, i| {
        let name = format!("V{i:02}");
        s.env_var(&name, &name)
    });
    let project = project.service(service);
    let files = vec![
        ("docker-compose.yml".to_string(), project.to_compose().unwrap()),
        (".env.example".to_string(), project.env_example()),
    ];
    let dir = deployment_dir("dotenv", &files);
    let config = compose_config(&dir, "docker-compose.yml").unwrap_or_else(|err| panic!("compose refuses it:\n{err}"));
    let _ = fs::remove_dir_all(&dir);
    for (i, value) in dotenv_safe.iter().enumerate() {
        let got = config["services"]["app"]["environment"][format!("V{i:02}")].as_str().unwrap().replace("$$", "$");
        assert_eq!(got, *value, "V{i:02} from .env");
    }
}

/// Random strings from characters YAML, compose and dotenv treat specially (indicators, quotes,
/// escapes, `$` and braces, whitespace, controls, NEL, separators, BOM, astral characters), 400 of them
/// in one compose file and one `.env`, each read back exactly by compose. The generator's seed is fixed,
/// so a failure names a value that fails every time.
#[test]
fn compose_reads_back_generated_values_exactly() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    if compose().is_none() {
        return;
    }
    let special = proptest::sample::select(vec![
        '$',
        '{',
        '}',
        ':',
        '-',
        '#',
        '\'',
        '"',
        '\\',
        '&',
        '*',
        '!',
        '|',
        '>',
        '%',
        '@',
        '`',
        '?',
        ',',
        '[',
        ']',
        '=',
        ' ',
        '\t',
        '\n',
        '\r',
        '\u{0}',
        '\u{7}',
        '\u{1b}',
        '\u{7f}',
        '\u{85}',
        '\u{a0}',
        '\u{2028}',
        '\u{2029}',
        '\u{feff}',
        '\u{fffd}',
        '\u{e9}',
        '\u{1f600}',
        'y',
        'n',
        '0',
        '1',
        '_',
        '.',
        'e',
        'x',
    ]);
    let any_char = proptest::prop_oneof![special, proptest::char::any()];
    let strategy = proptest::collection::vec(any_char, 0..12).prop_map(|chars| chars.into_iter().collect::<String>());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    // NUL cannot be passed to a process environment; compose refuses it, and so does validation.
    let values: Vec<String> = (0..400)
        .map(|_| strategy.new_tree(&mut runner).expect("a value").current())
        .filter(|value| !value.contains('\0'))
        .collect();

    let inline =
        values.iter().enumerate().fold(Service::image("app", "x/app:1"), |s, (i, v)| s.env(&format!("V{i:03}"), v));
    let one_line: Vec<&String> = values.iter().filter(|v| !v.contains(['\n', '\r'])).collect();
    let project = one_line.iter().enumerate().fold(Project::new("generated"), |p, (i, v)| {
        p.variable(Variable::new(&format!("D{i:03}"), "generated").example(v))
    });
    let from_env = (0..one_line.len()).fold(Service::image("env", "x/env:1"), |s, i| {
        let name = format!("D{i:03}");
        s.env_var(&name, &name)
    });
    let project = project.service(inline).service(from_env);
    let files = vec![
        ("docker-compose.yml".to_string(), project.to_compose().unwrap()),
        (".env.example".to_string(), project.env_example()),
    ];
    let dir = deployment_dir("generated", &files);
    let config = compose_config(&dir, "docker-compose.yml").unwrap_or_else(|err| panic!("compose refuses it:\n{err}"));
    let _ = fs::remove_dir_all(&dir);
    let read = |service: &str, key: String| {
        config["services"][service]["environment"][&key].as_str().map(|v| v.replace("$$", "$")).unwrap_or_default()
    };
    for (i, value) in values.iter().enumerate() {
        assert_eq!(read("app", format!("V{i:03}")), **value, "V{i:03} in the compose file");
    }
    for (i, value) in one_line.iter().enumerate() {
        assert_eq!(read("env", format!("D{i:03}")), **value, "D{i:03} from .env");
    }
}

/// An image that runs as uid 10001, exposes 8000, declares `/data` a volume and has a healthcheck.
fn app_image() -> Image {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::alpine("3.19"))
            .expose(8000)
            .volume("/data")
            .user("10001:10001")
            .stop_signal("SIGTERM")
            .healthcheck(Health::new(["true"])),
    );
    image
}

fn app() -> Service {
    Service::build("app", &app_image(), ".").mount(Mount::volume("data", "/data"))
}

fn errors(project: Project) -> Vec<String> {
    match project.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn validation_reports_each_cross_service_problem() {
    let cases: Vec<(&str, Project, Vec<&str>)> = vec![
        ("a valid project", Project::new("p").service(app().publish(8000, 8000)), vec![]),
        (
            "a port published twice",
            Project::new("p")
                .service(app().publish(8000, 8000))
                .service(Service::image("web", "nginx:1.27").publish(8000, 80)),
            vec![
                "service 'web', ports: host port 8000 is already published by service 'app': publish it on another host port",
            ],
        ),
        (
            "a port published twice by one service",
            Project::new("p").service(app().publish(8000, 8000).publish(8000, 8000)),
            vec!["service 'app', ports: host port 8000 is published twice: publish it once"],
        ),
        (
            "one port on two host addresses",
            Project::new("p").service(app().publish_on("127.0.0.1", 8000, 8000).publish_on("127.0.0.2", 8000, 8000)),
            vec![],
        ),
        (
            "a port the image does not expose",
            Project::new("p").service(app().publish(9000, 9000)),
            vec![
                "service 'app', ports: container port 9000 is not exposed by the image (it exposes 8000/tcp): publish an exposed port or EXPOSE it",
            ],
        ),
        (
            "depends_on a service that does not exist",
            Project::new("p").service(app().depends_on("db", Condition::Started)),
            vec!["service 'app', depends_on 'db': no service 'db' in project 'p': add it or remove the dependency"],
        ),
        (
            "service_healthy on a service with no healthcheck",
            Project::new("p")
                .service(app().depends_on("db", Condition::Healthy))
                .service(Service::image("db", "postgres:16")),
            vec![
                "service 'app', depends_on 'db': service_healthy asks for a healthcheck, and 'db' has none: give it one or wait for service_started",
            ],
        ),
        (
            "a dependency cycle",
            Project::new("p")
                .service(Service::image("a", "x/a:1").depends_on("b", Condition::Started))
                .service(Service::image("b", "x/b:1").depends_on("a", Condition::Started)),
            vec!["depends_on forms a cycle (a -> b -> a): compose cannot start any of them; break it"],
        ),
        (
            "a bind mount the non-root user cannot write",
            Project::new("p").service(app().mount(Mount::bind("./logs", "/logs"))),
            vec![
                "service 'app', mount '/logs': the image runs as uid 10001, which cannot write ./logs when the engine creates it (owned by root): declare Mount::owned_by(10001) so the installer creates it, or mount it read-only",
            ],
        ),
        (
            "a bind mount owned by another uid",
            Project::new("p").service(app().mount(Mount::bind("./logs", "/logs").owned_by(1000))),
            vec![
                "service 'app', mount '/logs': ./logs is owned by uid 1000, but the image runs as uid 10001, which cannot write it: use owned_by(10001)",
            ],
        ),
        (
            "an image volume nothing mounts",
            Project::new("p").service(Service::build("app", &app_image(), ".")),
            vec![
                "service 'app': the image declares VOLUME /data, which nothing mounts: its data is lost at `docker compose down`; mount a named volume or a host directory there",
            ],
        ),
        (
            "a variable used but documented nowhere",
            Project::new("p").service(app().env_var("LEVEL", "LOG_LEVEL")),
            vec![
                "service 'app', environment 'LEVEL': variable 'LOG_LEVEL' is used but documented nowhere: document it with Project::variable",
            ],
        ),
        (
            "a variable documented but used nowhere",
            Project::new("p").variable(Variable::new("TZ", "time zone")).service(app()),
            vec!["variable 'TZ' is documented but reaches no service: pass it with env_var or an env_file, or drop it"],
        ),
        (
            "a secret variable interpolated into the file",
            Project::new("p")
                .variable(Variable::new("TOKEN", "api token").secret())
                .service(app().env_var("TOKEN", "TOKEN")),
            vec![
                "service 'app', environment 'TOKEN': secret variable 'TOKEN' would be written into the configuration by interpolation: pass it with env_file",
            ],
        ),
        (
            "a secret written inline",
            Project::new("p").service(app().env("DB_PASSWORD", "hunter2")),
            vec![
                "service 'app', environment 'DB_PASSWORD': a secret written inline in the compose file: document it with Variable::secret and pass it with env_file, or use a compose secret",
            ],
        ),
        (
            "a healthcheck overriding a built service's image's",
            Project::new("p")
                .service(app().healthcheck(Health::new(["test", "-e", "/data/ready"]).interval("5s")))
                .service(Service::image("web", "nginx:1.27").depends_on("app", Condition::Healthy)),
            vec![],
        ),
        (
            "service_healthy on a built service whose override turns the image's healthcheck off",
            Project::new("p")
                .service(app().no_healthcheck())
                .service(Service::image("web", "nginx:1.27").depends_on("app", Condition::Healthy)),
            vec![
                "service 'web', depends_on 'app': service_healthy asks for a healthcheck, and 'app' turns its healthcheck off (disable: true): remove that or wait for service_started",
            ],
        ),
        (
            "an override with timings only on an image with no HEALTHCHECK",
            Project::new("p").service(
                Service::build(
                    "bare",
                    &{
                        let mut image = Image::new();
                        image.stage(Stage::new("app", Base::alpine("3.19")));
                        image
                    },
                    ".",
                )
                .healthcheck(Health::inherited().interval("5s")),
            ),
            vec![
                "service 'bare', healthcheck: only timings are given, and the image has no HEALTHCHECK to keep: give the healthcheck a test",
            ],
        ),
        (
            "an override with a bad timing",
            Project::new("p").service(app().healthcheck(Health::new(["true"]).interval("soon"))),
            vec![
                "service 'app', healthcheck, --interval: invalid duration \"soon\": use a number with a unit, like '30s', '1m30s' or '500ms'",
            ],
        ),
        (
            "a stop signal that differs from the image's",
            Project::new("p").service(app().stop_signal("SIGINT")),
            vec![
                "service 'app': stop_signal SIGINT differs from the image's STOPSIGNAL (SIGTERM): set it in the image description",
            ],
        ),
        (
            "a target that is not a stage",
            Project::new("p").service(app().target("prod")),
            vec!["service 'app': target 'prod' is not a stage of the image (stages: app): name one of them"],
        ),
        (
            "undeclared networks and secrets",
            Project::new("p").service(app().network("backend").secret("key")),
            vec![
                "service 'app', networks: no network 'backend' is declared: declare it with Project::network",
                "service 'app', secrets: no secret 'key' is declared: declare it with Project::secret",
            ],
        ),
        (
            "a dependency only in a profile",
            Project::new("p")
                .service(app().depends_on("tools", Condition::Started))
                .service(Service::image("tools", "x/tools:1").profile("debug")),
            vec![
                "service 'app', depends_on 'tools': 'tools' runs only with profile debug, so this service cannot start without it: give both the same profiles",
            ],
        ),
        (
            "two services on one port of the host network",
            Project::new("p")
                .service(app())
                .service(Service::image("other", "x/other:1").publish(8000, 8000))
                .on_host_network(),
            vec![
                "service 'other', ports: on the host network, port 8000 is also where service 'app' listens: change one of them",
            ],
        ),
        (
            "build options on an image service",
            Project::new("p").service(Service::image("db", "postgres:16").target("x")),
            vec![
                "service 'db': target applies to a built service, and this one runs an existing image: build it with Service::build or drop the target",
            ],
        ),
    ];
    for (what, project, expected) in cases {
        assert_eq!(errors(project), expected, "{what}");
    }
}

#[test]
fn every_seed_project_passes_validation_and_keeps_secrets_out_of_the_file() {
    for (example, projects) in seeds::projects() {
        for (file, project) in projects {
            let text = project.to_compose().unwrap_or_else(|errors| panic!("{example} {file}:\n{errors}"));
            for needle in ["change-me", "ghp_", "hunter2"] {
                assert!(!text.contains(needle), "{example} {file}: holds {needle:?}");
            }
        }
    }
}

/// The `.env.example` beside several compose files describes all of them (it took the first file's
/// comment, which told how to start that file only), documents every file's variables, and says
/// which files read a variable not all of them read.
#[test]
fn a_shared_env_example_describes_every_compose_file() {
    for (example, projects) in seeds::projects() {
        let text = deploy_files(&projects).pop().unwrap().1;
        if projects.len() == 1 {
            assert_eq!(text, projects[0].1.env_example(), "{example}");
            continue;
        }
        for (file, project) in &projects {
            assert!(text.contains(file), "{example}: .env.example does not name {file}:\n{text}");
            for variable in project.env_example().lines().filter_map(|line| line.split_once('=')) {
                assert!(text.contains(&format!("\n{}=", variable.0)), "{example}: {} missing:\n{text}", variable.0);
            }
        }
        // No file's own start command (`docker compose -f <file> up`) heads the shared file.
        assert!(!text.contains("docker compose -f"), "{example}:\n{text}");
    }
    let first = Project::new("p")
        .variable(Variable::new("A", "read by both").example("1"))
        .service(Service::image("x", "example/x:1").env_var("A", "A"));
    let second = first
        .clone()
        .variable(Variable::new("B", "read by the second only").example("2"))
        .service(Service::image("y", "example/y:1").env_var("B", "B"));
    assert_eq!(
        dockwright::deploy::env_example(&[("one.yml", &first), ("two.yml", &second)]),
        "# the variables of project 'p', read by one.yml and two.yml:\n\
         # copy this file to .env and fill it in\n\
         \n\
         # read by both\n\
         A=1\n\
         \n\
         # read by the second only (only two.yml)\n\
         B=2\n"
    );
}

/// Compose's `default` network as dockwright writes it: a service that names no network is on it, a
/// service may name it beside a declared one without declaring it, and compose creates it.
#[test]
fn compose_puts_services_on_the_default_network_as_written() {
    let project = Project::new("p")
        .network("backend")
        .service(Service::image("web", "example/web:1"))
        .service(Service::image("api", "example/api:1").network("default").network("backend"))
        .service(Service::image("db", "example/db:1").network("backend"));
    let text = project.to_compose().unwrap_or_else(|errors| panic!("{errors}"));
    if compose().is_none() {
        return;
    }
    let dir = deployment_dir("default-network", &[("compose.yaml".into(), text)]);
    let config = compose_config(&dir, "compose.yaml").unwrap_or_else(|err| panic!("compose refused it: {err}"));
    let _ = fs::remove_dir_all(&dir);
    let joined = |service: &str| -> Vec<String> {
        let mut names: Vec<String> =
            config["services"][service]["networks"].as_object().unwrap().keys().cloned().collect();
        names.sort();
        names
    };
    assert_eq!(joined("web"), ["default"]);
    assert_eq!(joined("api"), ["backend", "default"]);
    assert_eq!(joined("db"), ["backend"]);
    assert_eq!(config["networks"]["default"]["name"], "p_default");
}

/// A built service's `healthcheck:` overrides its image's `HEALTHCHECK`: the compose file carries it
/// as written (and `docker compose config` reads it so), the Quadlet unit carries what Docker runs:
/// the override merged with the image's, each timing it leaves out the image's.
#[test]
fn a_built_service_s_healthcheck_overrides_its_image_s() {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::alpine("3.19"))
            .user("10001")
            .healthcheck(Health::new(["true"]).interval("30s").timeout("3s").retries(3)),
    );
    let project = Project::new("p").service(
        Service::build("app", &image, ".")
            .healthcheck(Health::new("test -e /tmp/ready").interval("5s").start_period("10s")),
    );
    let written = project.to_compose().unwrap_or_else(|errors| panic!("{errors}"));
    assert!(
        written.ends_with(
            "    healthcheck:\n      test: [\"CMD-SHELL\", \"test -e /tmp/ready\"]\n      interval: 5s\n      start_period: 10s\n"
        ),
        "{written}"
    );
    let unit = &project.to_quadlet().unwrap()[0].1;
    let health: Vec<&str> = unit.lines().filter(|line| line.starts_with("Health")).collect();
    assert_eq!(
        health,
        [
            "HealthCmd=[\"CMD-SHELL\", \"test -e /tmp/ready\"]",
            "HealthInterval=5s",
            "HealthTimeout=3s",
            "HealthStartPeriod=10s",
            "HealthRetries=3",
        ]
    );
    let off = Project::new("p").service(Service::build("app", &image, ".").no_healthcheck());
    assert!(off.to_quadlet().unwrap()[0].1.contains("\nHealthCmd=none\n"));
    // Timings only (compose's healthcheck: without test): the image's probe, timed anew.
    let timed =
        Project::new("p").service(Service::build("app", &image, ".").healthcheck(Health::inherited().retries(10)));
    assert!(timed.to_compose().unwrap().ends_with("    healthcheck:\n      retries: 10\n"));
    let unit = &timed.to_quadlet().unwrap()[0].1;
    let health: Vec<&str> = unit.lines().filter(|line| line.starts_with("Health")).collect();
    assert_eq!(health, ["HealthCmd=[\"CMD\", \"true\"]", "HealthInterval=30s", "HealthTimeout=3s", "HealthRetries=10"]);

    let Some(()) = compose() else { return };
    for (project, expected) in [
        (
            &project,
            serde_json::json!({"test": ["CMD-SHELL", "test -e /tmp/ready"], "interval": "5s", "start_period": "10s"}),
        ),
        (&off, serde_json::json!({"disable": true})),
        (&timed, serde_json::json!({"retries": 10})),
    ] {
        let dir = deployment_dir("override", &[("compose.yaml".into(), project.to_compose().unwrap())]);
        let config = compose_config(&dir, "compose.yaml");
        let _ = fs::remove_dir_all(&dir);
        let config = config.unwrap_or_else(|err| panic!("docker compose config refused it: {err}"));
        assert_eq!(config["services"]["app"]["healthcheck"], expected);
    }
}
