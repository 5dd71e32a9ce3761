//! `dockwright fmt`: rewrite Dockerfiles in canonical form (the file lowered, then emitted).

use std::path::PathBuf;

use clap::Args;

use super::Exit;
use super::input::{self, Source};
use super::output::Session;
use crate::emit::emit;
use crate::import::Severity;

const EXAMPLES: &str = "\
Examples:
  dockwright fmt                               format ./Dockerfile in place
  dockwright fmt Dockerfile build/*.Dockerfile format several files
  dockwright fmt --check --diff Dockerfile     show what would change, exit 1 if anything would
  cat Dockerfile | dockwright fmt -            read standard input, write the result on standard output

The canonical form is what dockwright's emitter writes for the file's model: keywords upper case,
one instruction per line (long RUNs as `&& \\` steps or heredocs), COPY/ADD sources as JSON arrays,
LF line endings, no byte order mark. A file is left as it is, and the reason printed, when its
canonical form could mean something else (a warning) or part of it cannot be kept (an error).";

/// Rewrite Dockerfiles in canonical form.
///
/// Each file is read as BuildKit reads it and written back as dockwright's emitter writes the same
/// model, in place (atomically: a temporary file renamed over it). A file whose canonical form could
/// mean something else is not touched: what lowering could not keep as written is printed instead.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct FmtArgs {
    /// Dockerfiles to format; `-` reads standard input and writes standard output. Default: ./Dockerfile.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Write nothing; exit 1 if a file would be reformatted (or cannot be).
    #[arg(long)]
    check: bool,
    /// Write nothing; print a unified diff of what would change.
    #[arg(long)]
    diff: bool,
}

pub(crate) fn run(session: &mut Session<'_>, args: &FmtArgs) {
    let default = [PathBuf::from("Dockerfile")];
    let files: &[PathBuf] = if args.files.is_empty() { &default } else { &args.files };
    for file in files {
        match input::read(session, file) {
            Ok(source) => format(session, args, &source),
            Err(failure) => session.fail(&failure),
        }
    }
}

fn format(session: &mut Session<'_>, args: &FmtArgs, source: &Source) {
    let Some(lowered) = input::lowered(session, source, "format") else { return };
    if lowered.diagnostics.iter().any(|diagnostic| diagnostic.severity == Severity::Warning) {
        session.err.line(&format!(
            "{}: not formatted: its canonical form could mean something else (see the warnings above)",
            source.name
        ));
        session.exit(Exit::Findings);
        return;
    }
    let formatted = emit(&lowered.dockerfile);
    let changed = formatted != source.text;
    let notes = encoding_notes(&source.text, &formatted);
    if args.diff && changed {
        session.diff(&source.name, &source.text, &formatted, &notes);
    }
    if args.check {
        if changed {
            let why = if notes.is_empty() { String::new() } else { format!(": {}", notes.join("; ")) };
            session.err.line(&format!("{}: would be reformatted{why}", source.name));
            session.exit(Exit::Findings);
        }
        return;
    }
    if args.diff {
        return;
    }
    match &source.path {
        None => session.out.text(&formatted),
        Some(path) if changed => match input::write_atomically(path, &formatted) {
            Ok(()) => session.err.line(&format!("reformatted {}", source.name)),
            Err(failure) => session.fail(&failure),
        },
        Some(_) => {}
    }
}

/// What canonical form changes that a diff does not show: the byte order mark and line endings.
fn encoding_notes(text: &str, formatted: &str) -> Vec<String> {
    let mut notes = Vec::new();
    if text.starts_with('\u{feff}') {
        notes.push("its UTF-8 byte order mark is dropped, which BuildKit ignores".to_string());
    }
    // Heredoc bodies keep their CRs (as BuildKit does): only line breaks that went away count.
    if formatted.matches("\r\n").count() < text.matches("\r\n").count() {
        notes.push("CRLF line endings become LF, which BuildKit reads alike".to_string());
    }
    notes
}
