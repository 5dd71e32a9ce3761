//! Higher-level building blocks: whole stages for a Python app, a Go binary and a Node build, written
//! the way the Dockerfile best practices say, so a description stays a few readable lines.
//!
//! A recipe is an owned builder like [`Stage`]: its setters never fail on the spot. `add_to` adds its
//! stages to an [`Image`] and returns their handles; every problem (a bad name, a healthcheck the
//! runtime cannot probe, a cgo binary on an image without a C library) is recorded on the stage it
//! concerns and reported, with the stage's name, by [`Image::validate`].
//!
//! - [`PythonApp`]: dependencies installed from wheels vendored on the host (`pip download`) into a
//!   virtual environment in a builder stage, with no network; the venv copied into a runtime stage that
//!   runs as a non-root user.
//! - [`GoBinary`]: `go build -trimpath -ldflags="-w -s"` from a vendored module (`-mod=vendor`) with a
//!   build cache mount, copied onto a small runtime (distroless static by default).
//! - [`NodeBuild`]: `npm ci` from the lockfile, then `npm run build`; the output always at
//!   `/build/dist`, ready for `COPY --from`.
//!
//! ```
//! use dockwright::{recipe, Base, Image};
//!
//! let mut image = Image::new();
//! let web = recipe::node_build(Base::node("20").alpine()).dir("web").add_to(&mut image);
//! recipe::python_app(Base::python("3.12").slim())
//!     .copy(["app.py"], "./")
//!     .runtime(|stage| stage.copy_from(&web, ["/build/dist"], "/app/static/"))
//!     .port(5000)
//!     .health_path("/health")
//!     .cmd(["python", "app.py"])
//!     .add_to(&mut image);
//! assert_eq!(image.targets(), ["frontend", "builder", "runtime"]);
//! let dockerfile = image.emit().unwrap();
//! assert!(dockerfile.contains("COPY --from=frontend [\"/build/dist\", \"/app/static/\"]\n"));
//! assert!(dockerfile.ends_with("USER 10001:10001\nCMD [\"python\", \"app.py\"]\n"));
//! ```
//!
//! [`Stage`]: crate::Stage

pub mod go;
pub mod node;
pub mod python;

pub use go::{GoBinary, GoStages};
pub use node::NodeBuild;
pub use python::{PythonApp, PythonStages};

use crate::base::{Base, OsFamily};
#[cfg(doc)]
use crate::dsl::Image;
use crate::dsl::Stage;
use crate::error::{Error, ErrorKind};

/// A [`PythonApp`] built on `base` (the builder, and the runtime unless [`PythonApp::runtime_base`]
/// says otherwise).
///
/// ```
/// use dockwright::{recipe, Base, Image};
///
/// let mut image = Image::new();
/// recipe::python_app(Base::python("3.12").slim()).add_to(&mut image);
/// assert!(image.emit().unwrap().starts_with("FROM python:3.12-slim AS builder\n"));
/// ```
pub fn python_app<'a>(base: impl Into<Base>) -> PythonApp<'a> {
    PythonApp::new(base)
}

/// A [`GoBinary`] built on the Go image `go`.
///
/// ```
/// use dockwright::{recipe, Base, Image};
///
/// let mut image = Image::new();
/// recipe::go_binary(Base::golang("1.22").alpine()).add_to(&mut image);
/// assert!(image.emit().unwrap().starts_with("FROM golang:1.22-alpine AS go-build\n"));
/// ```
pub fn go_binary(go: impl Into<Base>) -> GoBinary {
    GoBinary::new(go)
}

/// A [`NodeBuild`] on the Node image `node`.
///
/// ```
/// use dockwright::{recipe, Base, Image};
///
/// let mut image = Image::new();
/// recipe::node_build(Base::node("20").alpine()).add_to(&mut image);
/// assert!(image.emit().unwrap().starts_with("FROM node:20-alpine AS frontend\n"));
/// ```
pub fn node_build(node: impl Into<Base>) -> NodeBuild {
    NodeBuild::new(node)
}

/// Checks that `value` can be written into a shell command as one word that the shell reads back
/// unchanged: no quoting is ever needed, so none is ever done (invariant 2 stays with `emit`).
fn shell_word(what: &str, value: &str) -> Result<(), Error> {
    let ok = !value.is_empty()
        && !value.starts_with('-')
        && value.chars().all(|c| c.is_ascii_alphanumeric() || "._/+@:,%=-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::InvalidText,
            format!(
                "{what} {value:?} cannot go into a shell command as is: use letters, digits and . _ / + @ : , % = -, \
                 not starting with '-'"
            ),
        ))
    }
}

/// `value` when it is a safe shell word, else `fallback`, with the problem recorded in `problems`
/// (so one bad value gives one error, not a cascade of them).
fn checked(problems: &mut Vec<Error>, what: &str, value: &str, fallback: &str) -> String {
    match shell_word(what, value) {
        Ok(()) => value.to_string(),
        Err(err) => {
            problems.push(err);
            fallback.to_string()
        }
    }
}

/// A path relative to a directory, cleaned (`./dist/` is `dist`), or an error naming `what`.
fn relative_path(what: &str, value: &str) -> Result<String, Error> {
    let trimmed = value.trim_start_matches("./").trim_end_matches('/');
    let ok = !trimmed.is_empty()
        && !trimmed.starts_with('/')
        && trimmed.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
    if ok {
        shell_word(what, trimmed)?;
        Ok(trimmed.to_string())
    } else {
        Err(Error::new(
            ErrorKind::InvalidText,
            format!("{what} {value:?} must be a relative path inside the directory, like 'dist' or 'build/web'"),
        ))
    }
}

/// `base/name`, or `name` when `base` is the current directory.
fn join(base: &str, name: &str) -> String {
    match base.trim_end_matches('/') {
        "" | "." => name.to_string(),
        base => format!("{base}/{name}"),
    }
}

/// Records every problem on the stage.
fn with_problems(stage: Stage, problems: Vec<Error>) -> Stage {
    problems.into_iter().fold(stage, Stage::problem)
}

/// Adds a system user on the stage's base (nothing on images without a shell), as root, without
/// switching to it: the recipe writes the numeric `USER` last.
fn create_user(stage: Stage, name: &str, uid: u32) -> Stage {
    match stage.base().user_script(name, uid) {
        Ok(script) if script.is_empty() => stage,
        Ok(script) => stage.as_root(|stage| stage.run(crate::dsl::Run::steps(script))),
        Err(err) => stage.problem(err.at("user")),
    }
}

/// An HTTP healthcheck on `port` and `path`, chosen from the probes the stage has at this point; when
/// there is none (or no port), the error is recorded for [`Image::validate`].
fn healthcheck(stage: Stage, port: Option<u16>, path: &str) -> Stage {
    let Some(port) = port else {
        return stage.problem(Error::new(
            ErrorKind::InvalidInstruction,
            format!("health_path {path:?} needs the port the app listens on: add .port(..)"),
        ));
    };
    match stage.clone().healthcheck_http(port, path) {
        Ok(stage) => stage,
        // The stage name is put back in front by Image::validate.
        Err(err) => stage.problem(Error::new(err.kind(), err.message())),
    }
}

/// The C library a base's programs link against, if it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Libc {
    Musl,
    Glibc,
}

impl Libc {
    fn of(base: &Base) -> Option<Libc> {
        match base.family() {
            OsFamily::Alpine => Some(Libc::Musl),
            OsFamily::Debian | OsFamily::Rhel | OsFamily::RhelMinimal => Some(Libc::Glibc),
            OsFamily::Distroless => {
                let repository = base.reference().map(|r| r.repository().to_string()).unwrap_or_default();
                let last = repository.rsplit('/').next().unwrap_or_default();
                // distroless/static has no C library; base, cc, python3, java... have glibc.
                if last.starts_with("static") { None } else { Some(Libc::Glibc) }
            }
            OsFamily::Scratch => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Libc::Musl => "musl",
            Libc::Glibc => "glibc",
        }
    }

    /// Bases that have this C library, for messages.
    fn bases(self) -> &'static str {
        match self {
            Libc::Musl => "Base::alpine(..)",
            Libc::Glibc => "Base::distroless_cc() or Base::debian(..)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_plain() {
        assert!(shell_word("x", "/opt/venv").is_ok());
        assert!(shell_word("x", "./cmd/server").is_ok());
        for bad in ["", "-rf", "a b", "$(id)", "a;b", "a\nb", "~/x", "a'b"] {
            assert!(shell_word("x", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn relative_paths_are_cleaned() {
        assert_eq!(relative_path("output", "./dist/").unwrap(), "dist");
        assert_eq!(relative_path("output", "build/web").unwrap(), "build/web");
        for bad in ["", "/dist", "../dist", "a/../b", "."] {
            assert!(relative_path("output", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn join_skips_the_current_directory() {
        assert_eq!(join(".", "package.json"), "package.json");
        assert_eq!(join("web/", "package.json"), "web/package.json");
    }

    #[test]
    fn libc_follows_the_family() {
        assert_eq!(Libc::of(&Base::alpine("3.19")), Some(Libc::Musl));
        assert_eq!(Libc::of(&Base::distroless_cc()), Some(Libc::Glibc));
        assert_eq!(Libc::of(&Base::distroless_static()), None);
        assert_eq!(Libc::of(&Base::scratch()), None);
    }
}
