//! dockwright: describe container images in typed Rust and compile them to Dockerfiles.
//!
//! An [`Image`] holds [`Stage`]s, each made from a [`Base`] (which knows its OS family, package
//! manager, shell and probe tools) or from an earlier stage's [`StageHandle`]. [`Image::validate`]
//! reports every problem at once; [`Image::emit`] writes a deterministic Dockerfile that means exactly
//! what was described.
//!
//! ```
//! use dockwright::{Base, Image, Stage, Value};
//!
//! let mut image = Image::new();
//! let builder = image.stage(
//!     Stage::new("builder", Base::python("3.12").slim())
//!         .run("python -m venv /opt/venv")
//!         .copy(["requirements.txt"], "/tmp/")
//!         .run("/opt/venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt"),
//! );
//! image.stage(
//!     Stage::new("runtime", Base::python("3.12").slim())
//!         .copy_from(&builder, ["/opt/venv"], "/opt/venv")
//!         .env("PATH", Value::template("/opt/venv/bin:${PATH}").unwrap())
//!         .non_root_user("app", 10001)
//!         .healthcheck_http(5000, "/health")
//!         .unwrap()
//!         .cmd(["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]),
//! );
//! let dockerfile = image.emit().unwrap();
//! assert!(dockerfile.starts_with("FROM python:3.12-slim AS builder\n"));
//! assert!(dockerfile.contains("COPY --from=builder [\"/opt/venv\", \"/opt/venv\"]\n"));
//! assert!(dockerfile.contains("USER 10001:10001\n"));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(missing_debug_implementations)]

pub mod analysis;
pub mod base;
#[cfg(feature = "build-script")]
pub mod build_script;
#[cfg(feature = "cli")]
pub mod cli;
pub mod codegen;
pub mod deploy;
pub mod dsl;
pub mod emit;
#[cfg(feature = "engine")]
pub mod engine;
mod error;
pub mod estimate;
pub mod import;
pub mod lint;
pub mod model;
pub mod passes;
pub mod recipe;

pub use base::{Base, NonRootUser, Official, OsFamily, PackageManager, Tool};
pub use dsl::{Add, Copy, Health, Image, IntoCommand, IntoValue, Run, Stage, StageBase, StageHandle};
pub use emit::emit;
pub use error::{Error, ErrorKind, ErrorPlace, Errors};
pub use estimate::{BudgetCheckError, ImageBudget};
pub use model::{
    Checksum, Chmod, Comment, Duration, FlagValue, ImageRef, ImageTemplate, Keyword, LabelKey, Line, Part, Pattern,
    Platform, Port, Protocol, Signal, StageName, Text, UserSpec, Value, VarName,
};

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
