//! `dockwright import`: a Dockerfile turned into dockwright Rust that builds the same model.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::input;
use super::output::Session;
use crate::codegen::to_rust;

const EXAMPLES: &str = "\
Examples:
  dockwright import Dockerfile --to rust > src/image.rs
  cat Dockerfile | dockwright import - --to rust

The code defines `dockerfile()` (and `image()` when the builder API can say the file), which return
exactly the model the file lowers to: `dockwright::emit(&dockerfile()?)` prints the file in canonical
form (see `dockwright fmt`).";

/// Turn a Dockerfile into dockwright Rust.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct ImportArgs {
    /// The Dockerfile; `-` reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// What to write.
    #[arg(long, value_enum, value_name = "LANGUAGE")]
    to: Language,
}

/// What `import` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Language {
    /// dockwright Rust: the builder API where it can say the file, the model otherwise.
    Rust,
}

pub(crate) fn run(session: &mut Session<'_>, args: &ImportArgs) {
    let source = match input::read(session, &args.file) {
        Ok(source) => source,
        Err(failure) => return session.fail(&failure),
    };
    let Some(lowered) = input::lowered(session, &source, "import") else { return };
    match args.to {
        Language::Rust => session.out.text(&to_rust(&lowered.dockerfile)),
    }
}
