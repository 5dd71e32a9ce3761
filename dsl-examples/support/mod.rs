//! The command line shared by the seed examples (std only).
//!
//! ```text
//! cargo run --example <example> [-- [SERVICE] [--out DIR]]
//! ```
//!
//! - A single-service example prints its Dockerfile to stdout; a multi-service example prints the
//!   service named on the command line, or prints usage (listing the names) and exits 2.
//! - `--out DIR` writes `Dockerfile` and `.dockerignore` instead: into `DIR/` for a single-service
//!   example, into `DIR/<service>/` for each service (or only the one named) of a multi-service one;
//!   with no service named, also the example's compose files (`DIR/docker-compose*.yml`, whose build
//!   contexts are relative to `DIR`), their Podman Quadlet units (`DIR/quadlet/<compose file
//!   stem>/`), `DIR/.env.example`, and for a multi-service example the ignore
//!   file again as `DIR/<service>/Dockerfile.dockerignore` (what BuildKit reads beside a Dockerfile
//!   whose context is `DIR`).
//!   Files are written atomically (a temporary file in the same directory, then a rename).
//! - Exit codes: 0 done, 1 invalid image or write error, 2 usage error.

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dockwright::Image;
use dockwright::deploy::Project;

/// Runs the example's command line over `images` (its `images()`) and `projects` (its `projects()`:
/// compose file names and the projects written to them), returning the exit code.
pub fn main(example: &str, images: Vec<(&'static str, Image)>, projects: Vec<(&'static str, Project)>) -> ExitCode {
    let single = images.len() == 1 && images[0].0 == example;
    let usage = usage(example, &images, single);
    let args = match Args::parse(std::env::args_os().skip(1)) {
        Ok(Args { help: true, .. }) => {
            print!("{usage}");
            return ExitCode::SUCCESS;
        }
        Ok(args) => args,
        Err(message) => {
            eprint!("error: {message}\n\n{usage}");
            return ExitCode::from(2);
        }
    };

    let selected: Vec<(&str, Image)> = match &args.service {
        Some(name) => match images.into_iter().find(|(service, _)| service == name) {
            Some(found) => vec![found],
            None => {
                eprint!("error: {example} has no service {name:?}\n\n{usage}");
                return ExitCode::from(2);
            }
        },
        None if single || args.out.is_some() => images,
        None => {
            eprint!("{usage}");
            return ExitCode::from(2);
        }
    };

    let mut rendered = Vec::with_capacity(selected.len());
    for (service, image) in &selected {
        match image.emit() {
            Ok(dockerfile) => rendered.push((*service, dockerfile, image.dockerignore_text())),
            Err(errors) => {
                eprintln!("error: {example} {service}: invalid image\n{errors}");
                return ExitCode::from(1);
            }
        }
    }

    let whole = args.service.is_none();
    let mut deploy = Vec::new();
    if whole {
        for (file, project) in &projects {
            let stem = file.trim_end_matches(".yml").trim_end_matches(".yaml");
            match project.to_compose().and_then(|compose| Ok((compose, project.to_quadlet()?))) {
                Ok((compose, units)) => {
                    deploy.push((file.to_string(), compose));
                    let units = units.into_iter().map(|(name, text)| (format!("quadlet/{stem}/{name}"), text));
                    deploy.extend(units);
                }
                Err(errors) => {
                    eprintln!("error: {example} {file}: invalid project\n{errors}");
                    return ExitCode::from(1);
                }
            }
        }
        if !projects.is_empty() {
            let shared: Vec<(&str, &Project)> = projects.iter().map(|(file, project)| (*file, project)).collect();
            deploy.push((".env.example".to_string(), dockwright::deploy::env_example(&shared)));
        }
    }

    let Some(out) = args.out else {
        // Without --out exactly one image was selected.
        for (_, dockerfile, _) in &rendered {
            print!("{dockerfile}");
        }
        return ExitCode::SUCCESS;
    };
    for (service, dockerfile, dockerignore) in &rendered {
        let dir = if single { out.clone() } else { out.join(service) };
        let mut written = write_atomic(&dir, "Dockerfile", dockerfile)
            .and_then(|()| write_atomic(&dir, ".dockerignore", dockerignore));
        // A compose file that builds DIR/<service>/Dockerfile with DIR as the context: BuildKit reads
        // the ignore file beside the Dockerfile as `Dockerfile.dockerignore`.
        if !single && !deploy.is_empty() {
            written = written.and_then(|()| write_atomic(&dir, "Dockerfile.dockerignore", dockerignore));
        }
        if let Err(message) = written {
            eprintln!("error: {message}");
            return ExitCode::from(1);
        }
        eprintln!("wrote {} and {}", dir.join("Dockerfile").display(), dir.join(".dockerignore").display());
    }
    for (file, text) in &deploy {
        let (dir, name) = match file.rsplit_once('/') {
            Some((dir, name)) => (out.join(dir), name),
            None => (out.clone(), file.as_str()),
        };
        if let Err(message) = write_atomic(&dir, name, text) {
            eprintln!("error: {message}");
            return ExitCode::from(1);
        }
        eprintln!("wrote {}", out.join(file).display());
    }
    ExitCode::SUCCESS
}

fn usage(example: &str, images: &[(&'static str, Image)], single: bool) -> String {
    if single {
        return format!(
            "usage: cargo run --example {example} [-- --out DIR]\n\n\
             Prints the Dockerfile, or writes DIR/Dockerfile and DIR/.dockerignore with the\n\
             compose files and DIR/.env.example.\n"
        );
    }
    let names: Vec<&str> = images.iter().map(|(name, _)| *name).collect();
    format!(
        "usage: cargo run --example {example} -- <SERVICE> [--out DIR]\n       \
         cargo run --example {example} -- --out DIR\n\n\
         Prints the Dockerfile of SERVICE, or writes DIR/<SERVICE>/Dockerfile and .dockerignore\n\
         (every service when none is named, with the compose files and DIR/.env.example).\n\n\
         services: {}\n",
        names.join(", ")
    )
}

struct Args {
    service: Option<String>,
    out: Option<PathBuf>,
    help: bool,
}

impl Args {
    fn parse(args: impl Iterator<Item = OsString>) -> Result<Args, String> {
        let mut parsed = Args { service: None, out: None, help: false };
        let mut args = args;
        while let Some(arg) = args.next() {
            let text = arg.to_str().ok_or_else(|| format!("argument {arg:?} is not valid UTF-8"))?;
            let out = if text == "--out" {
                Some(args.next().ok_or("--out needs a directory")?)
            } else {
                text.strip_prefix("--out=").map(OsString::from)
            };
            if let Some(dir) = out {
                if dir.is_empty() {
                    return Err("--out needs a directory".into());
                }
                if parsed.out.replace(dir.into()).is_some() {
                    return Err("--out given twice".into());
                }
            } else if text == "-h" || text == "--help" {
                parsed.help = true;
            } else if text.starts_with('-') {
                return Err(format!("unknown option {text:?}"));
            } else if parsed.service.replace(text.to_string()).is_some() {
                return Err("give at most one service name".into());
            }
        }
        Ok(parsed)
    }
}

/// Writes `contents` to `dir/name` atomically: a temporary file in `dir`, synced, then renamed over.
fn write_atomic(dir: &Path, name: &str, contents: &str) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|err| format!("cannot create directory {}: {err}", dir.display()))?;
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = fs::File::create(&tmp)
        .and_then(|mut file| {
            file.write_all(contents.as_bytes())?;
            file.sync_all()
        })
        .map_err(|err| format!("cannot write {}: {err}", tmp.display()))
        .and_then(|()| fs::rename(&tmp, &path).map_err(|err| format!("cannot write {}: {err}", path.display())));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}
