//! `dockwright bundle` (features `cli` and `engine`): the offline bundle of a compose project. The
//! compose files are read into a [`Project`](crate::deploy::Project) (`compose`), each `build:`
//! service's Dockerfile imported as the other subcommands read one, and [`Engine::bundle`] builds,
//! saves and writes the bundle, exactly as the library does.

use std::fs;
use std::path::{Path, PathBuf};

use clap::Args;

use super::compose::{self, BuildSpec, Loaded};
use super::input;
use super::output::{Failure, Session};
use crate::base::BaseMapping;
use crate::engine::{BundleRequest, Engine};

const EXAMPLES: &str = "\
Examples:
  dockwright bundle --compose docker-compose.yml --out bundle
  dockwright bundle --compose docker-compose.yml --out bundle --quadlet
  dockwright bundle --compose docker-compose.yml --out bundle --dry-run
  dockwright bundle --compose docker-compose.yml --out bundle --map python:3.12-slim=mirror.corp/python:3.12-slim
  dockwright bundle -f compose.yaml -f compose.offline.yaml --out bundle --engine unix:///run/podman/podman.sock

The bundle directory holds one tar per image, the compose file (named as the first one given, the
files merged as `docker compose -f` merges them), the Quadlet units under quadlet/ with --quadlet,
.env.example, load.sh and SHA256SUMS. On the offline host: sh load.sh (or sh load.sh podman) checks
every file against SHA256SUMS before it loads anything, then loads the images and lists them.

Build contexts, env files and bind mounts are relative to the first compose file's directory, and
the variables its services read (${NAME} or ${NAME:-default}) must be documented in the .env.example
beside it. Keys a bundle cannot carry are refused, each named with its service.";

/// Build a compose project's images and write an offline bundle: image tars, the compose file,
/// .env.example, a verifying load.sh and SHA256SUMS.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct BundleArgs {
    /// A compose file; give several to merge them in order (as `docker compose -f a -f b`).
    #[arg(long = "compose", short = 'f', value_name = "FILE", required = true)]
    compose: Vec<PathBuf>,
    /// The bundle directory to create (it must not exist, or be empty).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Also write the project's Podman Quadlet units under quadlet/ (for a host that runs systemd).
    #[arg(long)]
    quadlet: bool,
    /// Build and run FROM instead of TO (FROM=TO, repeatable): a mirror's copy or a local stand-in of a
    /// base image or of a service's image; the bundle's compose file names TO.
    #[arg(long = "map", value_name = "FROM=TO")]
    map: Vec<String>,
    /// Pull every other base and image through this registry (registry.corp/mirror).
    #[arg(long, value_name = "REGISTRY")]
    registry: Option<String>,
    /// Read and check the compose files and print the compose file the bundle would hold, with the
    /// images it would build and save on standard error; build and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// The engine that builds and saves the images: unix:///path or tcp://host:port (default: DOCKER_HOST, or
    /// the local Docker socket).
    #[arg(long, value_name = "ADDRESS")]
    engine: Option<String>,
}

pub(crate) fn run(session: &mut Session<'_>, args: &BundleArgs) {
    if let Err(failure) = bundle(session, args) {
        session.fail(&failure);
    }
}

fn bundle(session: &mut Session<'_>, args: &BundleArgs) -> Result<(), Failure> {
    let mut files = Vec::new();
    for path in &args.compose {
        let name = path.display().to_string();
        let text =
            fs::read_to_string(path).map_err(|error| Failure::because(format!("cannot read '{name}'"), error))?;
        files.push((name, text));
    }
    let first = &args.compose[0];
    let dir = match first.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let default_name = project_name(&dir);
    let env_path = dir.join(".env.example");
    let env_example = match fs::read_to_string(&env_path) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(Failure::because(format!("cannot read '{}'", env_path.display()), error)),
    };
    let mut load = |spec: &BuildSpec| load_dockerfile(session, &dir, spec);
    let project = compose::read(&files, &default_name, env_example.as_deref(), &mut load).map_err(|errors| {
        Failure::new(format!("cannot bundle {}:\n  {}", files_named(&args.compose), errors.join("\n  ")))
    })?;

    let compose_file = first.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let mut mapping = BaseMapping::new();
    for pair in &args.map {
        let Some((from, to)) = pair.split_once('=') else {
            return Err(Failure::new(format!(
                "--map {pair:?} is not FROM=TO: write it like debian:bookworm-slim=mirror.corp/debian:bookworm-slim"
            )));
        };
        mapping =
            mapping.map(from, to).map_err(|error| Failure::because(format!("--map {pair:?} is not FROM=TO"), error))?;
    }
    if let Some(registry) = &args.registry {
        mapping = mapping.registry(registry);
    }
    // Checked before the engine is asked for anything (Engine::bundle checks the same again).
    let invalid = |errors: crate::error::Errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        Failure::new(format!("cannot bundle project '{}':\n  {}", project.name(), lines.join("\n  ")))
    };
    let mapped = project.mapped(&mapping).map_err(invalid)?;
    let plan = if args.quadlet { mapped.bundle(&compose_file) } else { mapped.compose_bundle(&compose_file) }
        .map_err(invalid)?;
    if args.dry_run {
        let project = mapped;
        for build in project.builds() {
            session.err.line(&format!("would build {} for service '{}'", build.tag, build.service));
        }
        for image in &plan.images {
            session.err.line(&format!("would save {image}"));
        }
        for file in &plan.files {
            session.err.line(&format!("would write {}", file.path));
        }
        if let Some(compose) = plan.files.first() {
            session.out.text(&compose.text);
        }
        return Ok(());
    }
    let request = BundleRequest::new(&project, &dir).compose_file(&compose_file).quadlet(args.quadlet).mapping(mapping);
    let engine = match &args.engine {
        Some(address) => Engine::connect_to(address),
        None => Engine::connect(),
    }
    .map_err(|error| Failure::because("cannot reach the engine", error))?;
    let builds = project.builds().len();
    session.err.line(&format!(
        "bundling project '{}': {}, {builds} to build, with the engine at {}",
        project.name(),
        count(project.services().len(), "service"),
        engine.address()
    ));
    let bundle = engine
        .bundle(&request, &args.out)
        .map_err(|error| Failure::because(format!("cannot bundle project '{}'", project.name()), error))?;
    let sums = fs::read_to_string(&bundle.manifest)
        .map_err(|error| Failure::because(format!("cannot read '{}'", bundle.manifest.display()), error))?;
    session.out.line(&format!("wrote {}:", bundle.dir.display()));
    for line in sums.lines() {
        let Some((_, file)) = line.split_once("  ") else { continue };
        match bundle.files.iter().find(|saved| saved.file == file) {
            Some(saved) => session.out.line(&format!("  {file}  {} ({})", saved.image, megabytes(saved.size))),
            None => session.out.line(&format!("  {file}")),
        }
    }
    session.out.line("  SHA256SUMS");
    session.out.line(&format!(
        "on the offline host: cd {} && sh load.sh   (checks every file, then loads {})",
        bundle.dir.display(),
        count(bundle.files.len(), "image")
    ));
    Ok(())
}

/// The Dockerfile of one `build:` and the ignore file BuildKit would read for it:
/// `<Dockerfile>.dockerignore` beside it, else `.dockerignore` in the context.
fn load_dockerfile(session: &mut Session<'_>, dir: &Path, spec: &BuildSpec) -> Result<Loaded, String> {
    let context = dir.join(&spec.context);
    if !context.is_dir() {
        return Err(format!("the build context {} is not a directory", context.display()));
    }
    let path = context.join(spec.dockerfile.as_deref().unwrap_or("Dockerfile"));
    let source = input::read(session, &path).map_err(|failure| failure.to_string())?;
    let Some(lowered) = input::lowered(session, &source, "bundle") else {
        return Err(format!("{} cannot be built as written (see the errors above)", path.display()));
    };
    let mut ignore_file = path.clone().into_os_string();
    ignore_file.push(".dockerignore");
    let dockerignore = [PathBuf::from(ignore_file), context.join(".dockerignore")]
        .into_iter()
        .find(|candidate| candidate.is_file())
        .map(|candidate| {
            fs::read_to_string(&candidate).map_err(|error| format!("cannot read {}: {error}", candidate.display()))
        })
        .transpose()?
        .unwrap_or_default();
    Ok(Loaded { dockerfile: lowered.dockerfile, dockerignore })
}

/// Compose's default project name: the directory's name, lowercased, letters, digits, `-` and `_` kept.
fn project_name(dir: &Path) -> String {
    let absolute = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name: String = absolute
        .file_name()
        .map(|name| name.to_string_lossy().to_lowercase())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    let name = name.trim_start_matches(['-', '_']).to_string();
    if name.is_empty() { "project".into() } else { name }
}

fn files_named(paths: &[PathBuf]) -> String {
    paths.iter().map(|path| format!("'{}'", path.display())).collect::<Vec<_>>().join(" + ")
}

fn megabytes(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let mb = bytes as f64 / 1_000_000.0;
    format!("{mb:.1} MB")
}

/// `1 image`, `2 images`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}
