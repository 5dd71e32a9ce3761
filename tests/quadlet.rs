//! Quadlet units: every seed example's projects against golden units
//! (`tests/golden/quadlet/<example>/<compose file stem>/`; `UPDATE_GOLDEN=1 cargo test --test quadlet`
//! rewrites them), each accepted by Podman's own generator (`scripts/quadlet-check`, Quadlet's
//! `-dryrun`), and hostile values carried to the generated `podman run` exactly.
//!
//! The dry runs need Podman's Quadlet generator (`scripts/podman-up` unpacks it): in CI a missing
//! generator fails them, elsewhere they print SKIPPED.

#[path = "support/seeds.rs"]
mod seeds;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use dockwright::deploy::{Mount, Project, Service};
use pretty_assertions::assert_eq;

fn golden_dir(example: &str, file: &str) -> PathBuf {
    let stem = file.trim_end_matches(".yaml").trim_end_matches(".yml");
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/quadlet").join(example).join(stem)
}

fn units(file: &str, project: &Project) -> Vec<(String, String)> {
    project.to_quadlet().unwrap_or_else(|errors| panic!("{file}: invalid project:\n{errors}"))
}

#[test]
fn every_example_matches_its_golden_quadlet_units() {
    for (example, projects) in seeds::projects() {
        for (file, project) in &projects {
            let dir = golden_dir(example, file);
            let units = units(file, project);
            // Deterministic: the same description always gives the same bytes.
            assert_eq!(units, project.to_quadlet().unwrap());
            if std::env::var_os("UPDATE_GOLDEN").is_some() {
                let _ = fs::remove_dir_all(&dir);
                fs::create_dir_all(&dir).unwrap();
            }
            for (name, text) in &units {
                let path = dir.join(name);
                if std::env::var_os("UPDATE_GOLDEN").is_some() {
                    fs::write(&path, text).unwrap();
                }
                let expected = fs::read_to_string(&path).unwrap_or_else(|err| {
                    panic!("cannot read golden file {} ({err}): create it with `UPDATE_GOLDEN=1 cargo test --test quadlet`", path.display())
                });
                assert_eq!(&expected, text, "golden file {}", path.display());
            }
            let mut on_disk: Vec<String> =
                fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
            on_disk.sort();
            let mut written: Vec<String> = units.iter().map(|(n, _)| n.clone()).collect();
            written.sort();
            assert_eq!(on_disk, written, "{}: stale golden files", dir.display());
        }
    }
}

/// Runs `scripts/quadlet-check` on `dir`: the generated services, or `None` (SKIPPED) outside CI
/// when no generator is installed.
fn dry_run(dir: &Path) -> Option<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/quadlet-check");
    let output = Command::new(script).arg(dir).output().expect("run scripts/quadlet-check");
    if output.status.code() == Some(3) {
        assert!(std::env::var_os("CI").is_none(), "CI needs Podman's Quadlet generator (scripts/podman-up)");
        eprintln!("SKIPPED: {}", String::from_utf8_lossy(&output.stderr).trim());
        return None;
    }
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "quadlet -dryrun refused {}:\n{stderr}\n{stdout}", dir.display());
    assert!(!stderr.contains("converting") && !stderr.contains("unsupported key"), "{}: {stderr}", dir.display());
    Some(stdout)
}

#[test]
fn podmans_generator_accepts_every_golden_quadlet_unit() {
    for (example, projects) in seeds::projects() {
        for (file, project) in &projects {
            let dir = golden_dir(example, file);
            let Some(services) = dry_run(&dir) else { return };
            for (name, _) in units(file, project) {
                let service = name
                    .replace(".container", ".service")
                    .replace(".volume", "-volume.service")
                    .replace(".network", "-network.service");
                assert!(
                    services.contains(&format!("---{service}---")),
                    "{}: no {service} generated:\n{services}",
                    dir.display()
                );
            }
        }
    }
}

/// The `ExecStart=` line the generator writes for `unit`, after systemd's own unescaping of `%%`, `$$`.
fn exec_start(units: &[(String, String)]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("dockwright-quadlet-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for (name, text) in units {
        fs::write(dir.join(name), text).unwrap();
    }
    let out = dry_run(&dir);
    let _ = fs::remove_dir_all(&dir);
    let out = out?;
    Some(out.lines().find(|l| l.starts_with("ExecStart=/usr/bin/podman run")).expect("an ExecStart").to_string())
}

#[test]
fn hostile_values_reach_podman_run_exactly() {
    let hostile = "a b \"q\" 'x' \\ 100% $HOME ${HOME} %n ;|&";
    let project = Project::new("p").service(
        Service::image("a", "docker.io/library/alpine:3.19")
            .command(["echo", hostile, "tab\there", "line\nbreak"])
            .env("GREETING", hostile),
    );
    let units = project.to_quadlet().unwrap();
    let Some(exec) = exec_start(&units) else { return };
    // Quadlet keeps `%%` and `$$` for systemd, which turns them back into `%` and `$`.
    let expected_word = "\"a b \\\"q\\\" 'x' \\\\ 100%% $$HOME $${HOME} %%n ;|&\"";
    assert!(exec.contains(&format!("--env \"GREETING={}", &expected_word[1..])), "{exec}");
    assert!(exec.contains(&format!("echo {expected_word}")), "{exec}");
    assert!(exec.contains("\"tab\\there\"") || exec.contains("\"tab\there\""), "{exec}");
}

#[test]
fn values_no_unit_line_can_carry_are_refused() {
    let project = Project::new("p")
        .service(Service::image("a", "docker.io/library/alpine:3.19").env_file(" .env").env_file("x\\"));
    let errors: Vec<String> = project.to_quadlet().unwrap_err().iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[1].starts_with("service 'a', EnvironmentFile: EnvironmentFile value \"x\\\\\" cannot be written"),
        "{errors:?}"
    );
}

/// Compose's `default` network: a service that names no network is on it, it needs no declaration
/// (compose creates it), a service may name it beside others, and declaring it changes nothing. Its
/// Quadlet unit is `<project>.network` (network `<project>_default`), written once.
#[test]
fn the_default_network_is_compose_s_whether_named_declared_or_implied() {
    let implied = Project::new("p")
        .network("backend")
        .service(Service::image("web", "docker.io/library/nginx:1.27"))
        .service(Service::image("api", "docker.io/library/alpine:3.19").network("default").network("backend"))
        .service(Service::image("db", "docker.io/library/postgres:16").network("backend"));
    let declared = implied.clone().network("default");
    for project in [&implied, &declared] {
        let units = project.to_quadlet().unwrap_or_else(|errors| panic!("{errors}"));
        let networks: Vec<(&str, &str)> = units
            .iter()
            .filter(|(name, _)| name.ends_with(".network"))
            .map(|(name, text)| (name.as_str(), text.as_str()))
            .collect();
        assert_eq!(
            networks,
            [
                ("p.network", "[Network]\nNetworkName=p_default\n"),
                ("p-backend.network", "[Network]\nNetworkName=p_backend\n")
            ]
        );
        let joined = |service: &str| -> Vec<String> {
            let text = &units.iter().find(|(name, _)| name == &format!("p-{service}.container")).unwrap().1;
            text.lines().filter(|line| line.starts_with("Network=")).map(str::to_string).collect()
        };
        assert_eq!(joined("web"), ["Network=p.network"]);
        assert_eq!(joined("api"), ["Network=p.network", "Network=p-backend.network"]);
        assert_eq!(joined("db"), ["Network=p-backend.network"]);
        let compose = project.to_compose().unwrap_or_else(|errors| panic!("{errors}"));
        assert!(compose.contains("    networks:\n      - \"default\"\n      - \"backend\"\n"), "{compose}");
    }
    // Podman's generator reads them.
    let dir = std::env::temp_dir().join(format!("dockwright-quadlet-default-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for (name, text) in declared.to_quadlet().unwrap() {
        fs::write(dir.join(name), text).unwrap();
    }
    let generated = dry_run(&dir);
    let _ = fs::remove_dir_all(&dir);
    if let Some(generated) = generated {
        assert!(generated.contains("--network p_default --network p_backend"), "{generated}");
    }
}

/// Relative host paths are the unit directory's: Quadlet makes an `EnvironmentFile=` (any relative
/// path) and a `Volume=` source (one starting with `.`) absolute against the directory of the unit
/// file, wherever it is installed (here a project subdirectory, which Quadlet reads too). Compose's
/// `~` is nothing to Quadlet or Podman (Podman takes `~/cache` for a volume name and refuses it), so it
/// is written as systemd's `%h`; another user's `~bob` is refused.
#[test]
fn relative_host_paths_are_read_beside_the_unit_and_home_is_systemd_s() {
    let project = Project::new("p").service(
        Service::image("app", "docker.io/library/alpine:3.19")
            .env_file(".env")
            .env_file("conf/app.env")
            .env_file("../shared.env")
            .env_file("~/x.env")
            .env_file("/etc/abs.env")
            .mount(Mount::bind("./data", "/data"))
            .mount(Mount::bind("~/cache", "/cache").read_only())
            .mount(Mount::bind("/srv/logs", "/logs")),
    );
    let units = project.to_quadlet().unwrap_or_else(|errors| panic!("{errors}"));
    let container = &units[0].1;
    let lines: Vec<&str> =
        container.lines().filter(|l| l.starts_with("Volume=") || l.starts_with("EnvironmentFile=")).collect();
    assert_eq!(
        lines,
        [
            "Volume=./data:/data",
            "Volume=%h/cache:/cache:ro",
            "Volume=/srv/logs:/logs",
            "EnvironmentFile=.env",
            "EnvironmentFile=conf/app.env",
            "EnvironmentFile=../shared.env",
            "EnvironmentFile=%h/x.env",
            "EnvironmentFile=/etc/abs.env",
        ]
    );
    let root = std::env::temp_dir().join(format!("dockwright-quadlet-paths-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let dir = root.join("p");
    fs::create_dir_all(&dir).unwrap();
    for (name, text) in &units {
        fs::write(dir.join(name), text).unwrap();
    }
    let generated = dry_run(&root);
    let _ = fs::remove_dir_all(&root);
    if let Some(generated) = generated {
        let (root, dir) = (root.display(), dir.display());
        let exec = generated.lines().find(|l| l.starts_with("ExecStart=/usr/bin/podman run")).expect("an ExecStart");
        let expected = format!(
            "-v {dir}/data:/data -v %h/cache:/cache:ro -v /srv/logs:/logs --env-file {dir}/.env \
             --env-file {dir}/conf/app.env --env-file {root}/shared.env --env-file %h/x.env --env-file /etc/abs.env "
        );
        assert!(exec.contains(&expected), "expected\n{expected}\nin\n{exec}");
    }

    let other =
        Project::new("p").service(Service::image("a", "docker.io/library/alpine:3.19").env_file("~bob/app.env"));
    let errors: Vec<String> = other.to_quadlet().unwrap_err().iter().map(|e| e.to_string()).collect();
    assert_eq!(
        errors,
        [
            "service 'a', EnvironmentFile: EnvironmentFile path \"~bob/app.env\" names another user's home, which a Quadlet unit cannot: write it as an absolute path"
        ]
    );
}
