//! `dockwright bundle` as a user runs it: a project dockwright wrote (compose file, Dockerfile,
//! `.env.example`) bundled from its compose file alone, the bundle holding the same compose file,
//! `.env.example` and Quadlet units the library writes, its own `load.sh` refusing a corrupted tar
//! before anything loads and then loading every image; and compose keys a bundle cannot carry
//! refused, each named with its service. The round trip needs a Docker engine: in CI a missing one
//! fails it, elsewhere it prints SKIPPED. It builds one small image and publishes no port.
#![cfg(all(feature = "cli", feature = "engine"))]
#![allow(clippy::duplicate_mod)]

#[path = "support/cli.rs"]
mod cli;
#[path = "support/engine_cases.rs"]
mod engine_cases;
#[path = "support/seeds.rs"]
mod seeds;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dockwright::base::OsFamily;
use dockwright::deploy::{Condition, Project, Recipe, Restart, Service, Variable};
use dockwright::engine::Engine;
use dockwright::{Base, Health, Image, Stage};
use pretty_assertions::assert_eq;

/// A scratch directory, removed however the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("dwtest-cli-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Removes the image the test built, however it ends.
struct Built<'a>(&'a Engine, String);

impl Drop for Built<'_> {
    fn drop(&mut self) {
        let _ = self.0.remove_image(&self.1);
    }
}

fn sh(dir: &Path, argv: &[&str]) -> Output {
    Command::new(argv[0]).current_dir(dir).args(&argv[1..]).output().expect("the command runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// A two-service project: one built from a dockwright image (a target, a build arg, a healthcheck
/// and a user in the Dockerfile, a documented variable), one running a local image as it is.
fn project(tag: &str) -> (Image, Project) {
    let mut image = Image::new().arg("GREETING", Some("hello"));
    image.stage(
        Stage::new("app", Base::image("debian:bookworm-slim", OsFamily::Debian))
            .arg("GREETING")
            .run("echo \"$GREETING\" > /greeting")
            .user("10001")
            .healthcheck(Health::new(["cat", "/greeting"]).interval("2s"))
            .cmd(["sleep", "infinity"]),
    );
    let project = Project::new("dwcli")
        .variable(Variable::new("GREETING_TO", "who the app greets").example("world").default_value("world"))
        .service(
            Service::build("app", &image, ".")
                .target("app")
                .build_arg("GREETING", "bundled")
                .tag(tag)
                .env_var("GREETING_TO", "GREETING_TO")
                .restart(Restart::UnlessStopped),
        )
        .service(
            Service::image("base", "debian:bookworm-slim")
                .command(["sleep", "infinity"])
                .healthcheck(Health::new(["true"]))
                .depends_on("app", Condition::Healthy),
        );
    (image, project)
}

#[test]
fn a_project_dockwright_wrote_is_bundled_from_its_compose_file_and_loads_only_when_intact() {
    let Some(engine) = engine_cases::engine() else { return };
    let tag = format!("dwtest/cli-bundle:{}", std::process::id());
    let (image, project) = project(&tag);
    let scratch = Scratch::new("bundle");
    let dir = &scratch.0;
    let compose = project.to_compose().unwrap();
    fs::write(dir.join("docker-compose.yml"), &compose).unwrap();
    fs::write(dir.join("Dockerfile"), image.emit().unwrap()).unwrap();
    fs::write(dir.join(".env.example"), project.env_example()).unwrap();
    let built = Built(&engine, tag.clone());

    // This engine has no registry: the Dockerfile's base and the image service run local stand-ins.
    let map = "debian:bookworm-slim=dockwright/debian:bookworm-slim";
    let args = ["bundle", "--compose", "docker-compose.yml", "--out", "bundle", "--quadlet", "--map", map];
    let run = cli::run_in(dir, &args, b"", &[]);
    eprintln!("{}{}", run.stdout, run.stderr);
    assert_eq!(run.code, 0, "dockwright bundle failed:\n{}", run.stderr);
    assert!(run.stderr.starts_with("bundling project 'dwcli': 2 services, 1 to build, with the engine at "));
    let bundle = dir.join("bundle");

    // The same files the library writes for the project, its image service mapped.
    let mapped = project.mapped(&engine_cases::mapping()).unwrap();
    assert!(mapped.to_compose().unwrap().contains("    image: \"dockwright/debian:bookworm-slim\"\n"));
    assert_ne!(mapped.to_compose().unwrap(), compose);
    assert_eq!(fs::read_to_string(bundle.join("docker-compose.yml")).unwrap(), mapped.to_compose().unwrap());
    assert_eq!(fs::read_to_string(bundle.join(".env.example")).unwrap(), project.env_example());
    for (name, unit) in mapped.to_quadlet().unwrap() {
        assert_eq!(fs::read_to_string(bundle.join("quadlet").join(&name)).unwrap(), unit, "{name}");
    }
    let app_tar = "dwtest_cli-bundle_".to_string() + &std::process::id().to_string() + ".tar";
    let sums = fs::read_to_string(bundle.join("SHA256SUMS")).unwrap();
    let listed: Vec<&str> = sums.lines().map(|line| &line[66..]).collect();
    assert_eq!(
        listed,
        [
            app_tar.as_str(),
            "dockwright_debian_bookworm-slim.tar",
            "docker-compose.yml",
            "quadlet/dwcli-app.container",
            "quadlet/dwcli-base.container",
            "quadlet/dwcli.network",
            ".env.example",
            "load.sh",
        ]
    );
    assert!(run.stdout.starts_with("wrote bundle:\n  "), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("  {app_tar}  {tag} (")), "{}", run.stdout);
    assert!(
        run.stdout.ends_with(
            "  SHA256SUMS\non the offline host: cd bundle && sh load.sh   (checks every file, then loads 2 images)\n"
        ),
        "{}",
        run.stdout
    );
    // The build arg reached the build: the image says what the compose file passed.
    let greeting = sh(dir, &["docker", "run", "--rm", "--network", "none", &tag, "cat", "/greeting"]);
    assert_eq!(String::from_utf8_lossy(&greeting.stdout), "bundled\n", "{}", text(&greeting));

    engine.remove_image(&tag).unwrap();
    // One byte of the built image's tar changed: load.sh refuses before anything loads.
    let tar = bundle.join(&app_tar);
    let mut bytes = fs::read(&tar).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    fs::write(&tar, &bytes).unwrap();
    let refused = sh(&bundle, &["sh", "load.sh", "docker"]);
    let said = text(&refused);
    assert!(!refused.status.success(), "a corrupted bundle loaded:\n{said}");
    assert!(said.contains(&format!("load.sh: checksum mismatch for {app_tar}: SHA256SUMS says ")), "{said}");
    assert!(said.contains("load.sh: the bundle is damaged: nothing was loaded; copy it again"), "{said}");
    assert!(engine.inspect(&tag).is_err(), "{tag} was loaded from a corrupted bundle");

    // Put right, it loads offline: every file checked, every image loaded and listed.
    bytes[middle] ^= 0xff;
    fs::write(&tar, &bytes).unwrap();
    let loaded = sh(&bundle, &["unshare", "--net", "sh", "load.sh", "docker"]);
    let said = text(&loaded);
    eprintln!("load.sh:\n{said}");
    assert!(loaded.status.success(), "load.sh failed:\n{said}");
    assert!(said.contains(&format!("load.sh: {} files match SHA256SUMS\n", listed.len())), "{said}");
    assert!(said.contains(&format!("loaded {tag}\n")), "{said}");
    assert!(said.contains("loaded dockwright/debian:bookworm-slim\n"), "{said}");
    engine.inspect(&tag).unwrap_or_else(|err| panic!("{tag} not loaded: {err}"));
    drop(built);
}

#[test]
fn compose_keys_a_bundle_cannot_carry_are_refused_each_named_with_its_service() {
    let scratch = Scratch::new("refused");
    let dir = &scratch.0;
    fs::write(dir.join("Dockerfile"), "FROM dockwright/debian:bookworm-slim\n").unwrap();
    fs::write(dir.join(".env.example"), "# the API's token\nTOKEN=change-me\n").unwrap();
    fs::write(
        dir.join("compose.yaml"),
        "services:\n\
         \x20 web:\n\
         \x20   build:\n\
         \x20     context: .\n\
         \x20     cache_from: [\"example/web:cache\"]\n\
         \x20   container_name: web\n\
         \x20   ports: [\"8000\", \"127.0.0.1:8080:80\"]\n\
         \x20   volumes: [\"/data\", \"logs:/logs:z\"]\n\
         \x20   environment:\n\
         \x20     HOME_DIR: $HOME\n\
         \x20     TOKEN: ${TOKEN}\n\
         \x20     OTHER: ${OTHER:-x}\n\
         \x20     FROM_SHELL:\n\
         \x20 db:\n\
         \x20   command: echo 'quoted words'\n\
         \x20 cache:\n\
         \x20   image: redis:7\n\
         \x20   build: https://example.com/repo.git\n\
         configs:\n\
         \x20 app: {file: ./app.conf}\n",
    )
    .unwrap();
    let run = cli::run_in(dir, &["bundle", "-f", "compose.yaml", "--out", "bundle"], b"", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: cannot bundle 'compose.yaml':\n\
         \x20 top-level 'configs': dockwright cannot bundle it: remove it\n\
         \x20 service 'web', build.cache_from: dockwright cannot bundle this build option: remove it, or build the image first and name it with image:\n\
         \x20 service 'web', container_name: dockwright cannot bundle this key: remove it\n\
         \x20 service 'web', ports: \"8000\": give a fixed host port and container port (HOST:CONTAINER); ranges, random host ports and udp cannot be bundled\n\
         \x20 service 'web', volumes: \"/data\": an anonymous volume is lost at `down`: name it (NAME:PATH)\n\
         \x20 service 'web', volumes: \"logs:/logs:z\": mode \"z\" cannot be bundled: use ro or rw\n\
         \x20 service 'web', environment 'HOME_DIR': \"$HOME\" is interpolated by compose, and a bundle carries fixed values here: write the value, or $$ for a literal $\n\
         \x20 service 'web', environment 'OTHER': variable 'OTHER' is documented nowhere: add `# what it is` and `OTHER=example` to the .env.example beside the compose file\n\
         \x20 service 'web', environment 'FROM_SHELL': a value taken from the shell cannot be bundled: set it in an env_file\n\
         \x20 service 'db', image: a service needs `image:` or `build:`\n\
         \x20 service 'cache', build.context: a remote context cannot be bundled offline: clone it and name the directory\n"
    );
    assert!(!dir.join("bundle").exists());

    // The project's own checks, before any engine is asked (this one does not exist).
    fs::write(
        dir.join("compose.yaml"),
        "services:\n  web:\n    image: example/web:1\n    ports: [\"8080:80\"]\n    depends_on:\n      api:\n        condition: service_healthy\n  \
         api:\n    image: example/api:1\n    ports: [\"8080:8000\"]\n",
    )
    .unwrap();
    let args = ["bundle", "-f", "compose.yaml", "--out", "bundle", "--engine", "unix:///nonexistent.sock"];
    let run = cli::run_in(dir, &args, b"", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "error: cannot bundle project '{}':\n  \
             service 'web', depends_on 'api': service_healthy asks for a healthcheck, and 'api' has none: give it one or wait for service_started\n  \
             service 'api', ports: host port 8080 is already published by service 'web': publish it on another host port\n  \
             variable 'TOKEN' is documented but reaches no service: pass it with env_var or an env_file, or drop it\n",
            dir.file_name().unwrap().to_string_lossy().to_lowercase()
        )
    );

    fs::write(dir.join("compose.yaml"), "services:\n  web:\n    image: example/web:1\n").unwrap();
    let run = cli::run_in(dir, &["bundle", "-f", "compose.yaml", "--out", "bundle", "--map", "debian"], b"", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: --map \"debian\" is not FROM=TO: write it like debian:bookworm-slim=mirror.corp/debian:bookworm-slim\n"
    );
}

/// Every compose file the seed examples write, laid out as their `--out` lays it (the Dockerfiles
/// where the compose file's `build:` says, the shared `.env.example`), is read back by the command
/// into the same project: the compose file it would bundle is the one the example wrote.
#[test]
fn every_seed_compose_file_reads_back_into_the_compose_file_the_bundle_would_hold() {
    for (example, projects) in seeds::projects() {
        let scratch = Scratch::new(example);
        let dir = &scratch.0;
        let shared: Vec<(&str, &Project)> = projects.iter().map(|(file, project)| (*file, project)).collect();
        fs::write(dir.join(".env.example"), dockwright::deploy::env_example(&shared)).unwrap();
        for (file, project) in &projects {
            let compose = project.to_compose().unwrap_or_else(|errors| panic!("{example} {file}: {errors}"));
            fs::write(dir.join(file), &compose).unwrap();
            for build in project.builds() {
                let Recipe::Image(image) = build.recipe else { panic!("{example}: the seeds describe their images") };
                let path = dir.join(build.context).join(build.dockerfile.unwrap_or("Dockerfile"));
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(path, image.emit().unwrap()).unwrap();
            }
            let run = cli::run_in(dir, &["bundle", "-f", file, "--out", "bundle", "--dry-run", "--quadlet"], b"", &[]);
            assert_eq!(run.code, 0, "{example} {file}:\n{}", run.stderr);
            assert_eq!(run.stdout, compose, "{example} {file}");
            let images: Vec<String> = project.services().iter().filter_map(|s| project.image_of(s.name())).collect();
            for image in images {
                assert!(run.stderr.contains(&format!("would save {image}\n")), "{example} {file}:\n{}", run.stderr);
            }
            assert!(!dir.join("bundle").exists(), "{example} {file}: a dry run wrote the bundle");
        }
    }
}

/// An ordinary compose file's `healthcheck:` on a `build:` service overrides the image's
/// `HEALTHCHECK`: read into the project and written back byte for byte; a dependant waiting with
/// `service_healthy` on a service whose healthcheck is turned off (`test: ["NONE"]`, or `disable:
/// true` in a later file over an earlier file's test) is refused, naming both services.
#[test]
fn a_healthcheck_on_a_build_service_overrides_the_image_s_and_is_written_back_unchanged() {
    let scratch = Scratch::new("health-override");
    let dir = &scratch.0;
    fs::write(
        dir.join("Dockerfile"),
        "FROM dockwright/debian:bookworm-slim\nUSER 10001\nHEALTHCHECK --interval=30s --retries=3 CMD [\"true\"]\n",
    )
    .unwrap();
    let compose = "name: \"shop\"\n\
                   services:\n\
                   \x20 db:\n\
                   \x20   build:\n\
                   \x20     context: \".\"\n\
                   \x20   image: \"shop-db\"\n\
                   \x20   healthcheck:\n\
                   \x20     test: [\"CMD-SHELL\", \"test -e /tmp/ready || exit 1\"]\n\
                   \x20     interval: 5s\n\
                   \x20     timeout: 2s\n\
                   \x20     start_period: 10s\n\
                   \x20     retries: 5\n\
                   \x20 web:\n\
                   \x20   image: \"dockwright/debian:bookworm-slim\"\n\
                   \x20   depends_on:\n\
                   \x20     db:\n\
                   \x20       condition: service_healthy\n";
    fs::write(dir.join("compose.yaml"), compose).unwrap();
    let run =
        cli::run_in(dir, &["bundle", "-f", "compose.yaml", "--out", "bundle", "--dry-run", "--quadlet"], b"", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, compose);
    // Timings only: the image's probe, timed anew; written back as it was.
    let timed = compose.replace(
        "      test: [\"CMD-SHELL\", \"test -e /tmp/ready || exit 1\"]\n      interval: 5s\n",
        "      interval: 5s\n",
    );
    assert_ne!(timed, compose);
    fs::write(dir.join("compose.yaml"), &timed).unwrap();
    let run =
        cli::run_in(dir, &["bundle", "-f", "compose.yaml", "--out", "bundle", "--dry-run", "--quadlet"], b"", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, timed);

    let none =
        compose.replace("      test: [\"CMD-SHELL\", \"test -e /tmp/ready || exit 1\"]\n", "      test: [\"NONE\"]\n");
    fs::write(dir.join("compose.yaml"), none).unwrap();
    fs::write(dir.join("compose.offline.yaml"), "services:\n  db:\n    healthcheck:\n      disable: true\n").unwrap();
    let refused = "error: cannot bundle project 'shop':\n  service 'web', depends_on 'db': service_healthy asks for a \
                   healthcheck, and 'db' turns its healthcheck off (disable: true): remove that or wait for service_started\n";
    let run = cli::run_in(dir, &["bundle", "-f", "compose.yaml", "--out", "bundle", "--dry-run"], b"", &[]);
    assert_eq!((run.code, run.stderr.as_str()), (2, refused));
    fs::write(dir.join("compose.yaml"), compose).unwrap();
    let args = ["bundle", "-f", "compose.yaml", "-f", "compose.offline.yaml", "--out", "bundle", "--dry-run"];
    let run = cli::run_in(dir, &args, b"", &[]);
    assert_eq!((run.code, run.stderr.as_str()), (2, refused));
    assert!(!dir.join("bundle").exists());
}
