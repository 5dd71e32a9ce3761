//! (feature `cli`) The `dockwright` command line: the only code that knows clap, exit codes and
//! terminals. `src/bin/dockwright.rs` calls [`main`]; tests and other front ends call [`run`] with their
//! own streams.
//!
//! Every subcommand reads Dockerfiles the same way (`input`: a path or `-` for standard input, with
//! clear errors for directories, unreadable, empty, binary and non-UTF-8 files; BuildKit's handling of a
//! byte order mark and CRLF line endings), lowers them with [`import::lower`](crate::import::lower()),
//! and reports through one `Session` (`output`): diagnostics as `file:line:column: severity: message`,
//! errors with their cause chain, colour only on a terminal and never with `NO_COLOR`, and one exit
//! code, [`Exit`]. A subcommand is one module with a clap `Args` struct and a `run` function.
//!
//! Adding one (`fmt`, say) is a module `cli/fmt.rs` holding `FmtArgs` (with the shared flags
//! flattened in where they apply: `input::BuildArgs` for `--target`, `--context`, `--ignorefile`;
//! `input::ArgValues` for `--build-arg`) and `run(&mut Session, &FmtArgs)`, which reads each file with
//! `input::read`, reports each finding with `Session::report` (a `Report` carries a rule code, a
//! location, a message and a help line) and raises the exit code with `Session::exit(Exit::Findings)`;
//! then one variant in `Command` and one arm in [`run`]. Settings shared by subcommands live in the
//! config file, `.dockwright.toml` (`config`: found next to the Dockerfile or up to the repository's
//! root); `lint` reads its `[lint]` table.
//!
//! ```
//! use dockwright::cli::{run, Console, Exit};
//!
//! let mut stdout = Vec::new();
//! let mut stderr = Vec::new();
//! let mut stdin: &[u8] = b"from alpine:3.19\nrun apk add --no-cache curl\n";
//! let exit = run(["dockwright", "fmt", "-"], &mut stdin, &mut stdout, &mut stderr, &Console::plain());
//! assert_eq!(exit, Exit::Ok);
//! assert_eq!(String::from_utf8(stdout).unwrap(), "FROM alpine:3.19\nRUN apk add --no-cache curl\n");
//! assert!(stderr.is_empty());
//! ```

#[cfg(feature = "engine")]
mod build;
#[cfg(feature = "engine")]
mod bundle;
#[cfg(feature = "engine")]
mod compose;
mod config;
mod estimate;
mod fmt;
mod generate;
mod impact;
mod import;
mod input;
mod lint;
mod optimize;
mod output;
mod shellcheck;

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use self::output::Session;
pub use self::shellcheck::ShellCheckProgram;

/// How a run of the command ended: its exit code.
///
/// ```
/// use dockwright::cli::Exit;
///
/// assert_eq!((Exit::Ok.code(), Exit::Findings.code(), Exit::Error.code()), (0, 1, 2));
/// assert_eq!(Exit::Ok.max(Exit::Findings).max(Exit::Ok), Exit::Findings);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Exit {
    /// 0: done, nothing to report.
    Ok,
    /// 1: done, and something was found: a file would be reformatted, an image is over its budget, a
    /// file cannot be rewritten without changing what it means.
    Findings,
    /// 2: bad usage, or an input or output that could not be used (a missing or unreadable file, a
    /// Dockerfile BuildKit would refuse).
    Error,
}

impl Exit {
    /// The process exit code.
    ///
    /// ```
    /// assert_eq!(dockwright::cli::Exit::Error.code(), 2);
    /// ```
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Findings => 1,
            Exit::Error => 2,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// What the command knows about where its output goes: whether each stream is a terminal, and whether
/// `NO_COLOR` is set. Colour is used only on a terminal (or with `--color always`), and never when
/// `NO_COLOR` is set to anything but the empty string.
///
/// ```
/// use dockwright::cli::Console;
///
/// let console = Console::plain();
/// assert!(!console.stdout_is_terminal && !console.stderr_is_terminal && !console.no_color);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Console {
    /// Standard output is a terminal.
    pub stdout_is_terminal: bool,
    /// Standard error is a terminal.
    pub stderr_is_terminal: bool,
    /// `NO_COLOR` is set (and not empty): never colour.
    pub no_color: bool,
}

impl Console {
    /// Neither stream is a terminal and `NO_COLOR` is unset: what a test or a pipe sees.
    ///
    /// ```
    /// assert_eq!(dockwright::cli::Console::plain(), dockwright::cli::Console::default());
    /// ```
    #[must_use]
    pub fn plain() -> Self {
        Console::default()
    }

    /// The process's own streams and environment (`TERM=dumb` counts as no terminal).
    ///
    /// ```
    /// let console = dockwright::cli::Console::detect();
    /// assert_eq!(console.no_color, std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()));
    /// ```
    #[must_use]
    pub fn detect() -> Self {
        let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
        Console {
            stdout_is_terminal: !dumb && std::io::stdout().is_terminal(),
            stderr_is_terminal: !dumb && std::io::stderr().is_terminal(),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty()),
        }
    }

    /// Whether to colour a stream that is (or is not) a terminal, given `--color`.
    fn colour(&self, choice: ColorChoice, is_terminal: bool) -> bool {
        !self.no_color
            && match choice {
                ColorChoice::Auto => is_terminal,
                ColorChoice::Always => true,
                ColorChoice::Never => false,
            }
    }
}

/// Runs the command on the process's arguments, standard streams and terminal; the exit code to end
/// with. What `dockwright` (`src/bin/dockwright.rs`) does, all of it:
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     dockwright::cli::main()
/// }
/// ```
pub fn main() -> ExitCode {
    let console = Console::detect();
    let stdin = std::io::stdin();
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let exit = run(std::env::args_os(), &mut stdin.lock(), &mut stdout.lock(), &mut stderr.lock(), &console);
    exit.into()
}

/// Runs the command line `args` (the first is the program name) with the given streams: parses the
/// arguments, runs the subcommand, prints what it reports, and returns the exit code. Never panics on
/// any input; usage errors are printed to `stderr` (exit 2), `--help` and `--version` to `stdout`.
///
/// ```
/// use dockwright::cli::{run, Console, Exit};
///
/// let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
/// let exit = run(["dockwright", "fmt", "--check", "-"], &mut &b"FROM alpine\n"[..], &mut stdout, &mut stderr, &Console::plain());
/// assert_eq!(exit, Exit::Ok);
///
/// let exit = run(["dockwright", "fmt", "--check", "-"], &mut &b"FROM  alpine\n"[..], &mut stdout, &mut stderr, &Console::plain());
/// assert_eq!(exit, Exit::Findings);
/// assert_eq!(String::from_utf8(stderr).unwrap(), "<stdin>: would be reformatted\n");
///
/// let mut stderr = Vec::new();
/// let exit = run(["dockwright", "frobnicate"], &mut &b""[..], &mut Vec::new(), &mut stderr, &Console::plain());
/// assert_eq!(exit, Exit::Error);
/// assert!(String::from_utf8(stderr).unwrap().starts_with("error: unrecognized subcommand 'frobnicate'"));
/// ```
pub fn run<I, T>(
    args: I,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    console: &Console,
) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let parsed = Cli::command().try_get_matches_from(args).and_then(|matches| {
        use clap::FromArgMatches as _;
        let mut cli = Cli::from_arg_matches(&matches)?;
        // The rule switches in the order typed: the last one naming a rule wins.
        if let (Command::Lint(args), Some(lint)) = (&mut cli.command, matches.subcommand_matches("lint")) {
            args.order_switches(lint);
        }
        Ok(cli)
    });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => {
            use clap::error::ErrorKind;
            let to_stdout = matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
            let (stream, is_terminal): (&mut dyn Write, bool) =
                if to_stdout { (stdout, console.stdout_is_terminal) } else { (stderr, console.stderr_is_terminal) };
            let rendered = error.render();
            let text = if console.colour(ColorChoice::Auto, is_terminal) {
                rendered.ansi().to_string()
            } else {
                rendered.to_string()
            };
            // A closed stream cannot be reported on; the exit code still says what happened.
            let _ = stream.write_all(text.as_bytes());
            let _ = stream.flush();
            return if to_stdout { Exit::Ok } else { Exit::Error };
        }
    };
    let mut session = Session::new(
        stdin,
        stdout,
        stderr,
        console.colour(cli.color, console.stdout_is_terminal),
        console.colour(cli.color, console.stderr_is_terminal),
        cli.verbose,
    );
    match cli.command {
        Command::Lint(args) => lint::run(&mut session, &args),
        Command::Fmt(args) => fmt::run(&mut session, &args),
        Command::Optimize(args) => optimize::run(&mut session, &args),
        Command::Impact(args) => impact::run(&mut session, &args),
        Command::Estimate(args) => estimate::run(&mut session, &args),
        #[cfg(feature = "engine")]
        Command::Build(args) => build::run(&mut session, &args, console),
        Command::Import(args) => import::run(&mut session, &args),
        #[cfg(feature = "engine")]
        Command::Bundle(args) => bundle::run(&mut session, &args),
        Command::Completions(args) => generate::completions(&mut session, &args, Cli::command()),
        Command::Man(args) => generate::man(&mut session, &args, Cli::command()),
    }
    session.finish()
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always, unless NO_COLOR is set.
    Always,
    /// Never.
    Never,
}

const ABOUT: &str = "Lint, format, optimize, analyse and size Dockerfiles, and turn them into dockwright Rust";

const LONG_ABOUT: &str = "\
Lint, format, optimize, analyse and size Dockerfiles, and turn them into dockwright Rust.

dockwright reads a Dockerfile the way BuildKit does (a port of its parser) and lowers it into a typed \
model. Every subcommand works on that model, and says what it could not keep as written instead of \
silently changing what the file means.";

const EXAMPLES: &str = "\
Examples:
  dockwright lint Dockerfile                     findings with their codes, locations and fixes
  dockwright lint --format sarif Dockerfile      SARIF 2.1.0 for a code-scanning UI
  dockwright fmt Dockerfile                      rewrite the file in canonical form
  dockwright fmt --check --diff Dockerfile       show what would change; exit 1 if anything would
  dockwright optimize --context . Dockerfile     print the file reordered for the build cache
  dockwright impact Dockerfile --changed src/app.py
                                                 which steps rerun after editing src/app.py, and why
  dockwright estimate --budget 500MB Dockerfile  size per layer; exit 1 when it may be over 500 MB
  dockwright import Dockerfile --to rust         print the dockwright Rust that builds the same file
  dockwright build --budget 500MB Dockerfile     (feature engine) build it, then measured size per layer
                                                 beside the estimate, layer waste and efficiency
  dockwright bundle -f compose.yaml --out DIR    build, save and write an offline bundle (feature engine)
  dockwright completions bash > /etc/bash_completion.d/dockwright

Exit codes: 0 ok; 1 findings (lint findings at or above the failure threshold, a file would change,
over budget, a rewrite would change meaning);
2 usage or input/output error (missing or unreadable file, a Dockerfile BuildKit refuses).
Colour is used on a terminal only, never when NO_COLOR is set.";

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "dockwright", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
#[command(propagate_version = true, max_term_width = 100)]
struct Cli {
    /// When to colour the output (never when NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    color: ColorChoice,
    /// Also print notes: what is kept with its meaning in another form (a raw instruction, a moved
    /// comment).
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Lint(lint::LintArgs),
    Fmt(fmt::FmtArgs),
    Optimize(optimize::OptimizeArgs),
    Impact(impact::ImpactArgs),
    Estimate(estimate::EstimateArgs),
    #[cfg(feature = "engine")]
    Build(build::ImageBuildArgs),
    Import(import::ImportArgs),
    #[cfg(feature = "engine")]
    Bundle(bundle::BundleArgs),
    Completions(generate::CompletionsArgs),
    Man(generate::ManArgs),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_color_wins_over_always() {
        let console = Console { no_color: true, stdout_is_terminal: true, stderr_is_terminal: true };
        assert!(!console.colour(ColorChoice::Always, true));
        assert!(!console.colour(ColorChoice::Auto, true));
        let console = Console::plain();
        assert!(console.colour(ColorChoice::Always, false));
        assert!(!console.colour(ColorChoice::Auto, false));
        assert!(console.colour(ColorChoice::Auto, true));
        assert!(!console.colour(ColorChoice::Never, true));
    }
}
