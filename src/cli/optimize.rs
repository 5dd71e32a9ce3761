//! `dockwright optimize`: the file rewritten by the optimizer passes, each change with its reason.

use std::path::PathBuf;

use clap::Args;

use super::Exit;
use super::input::{self, BuildArgs};
use super::output::{DIM, Session};
use crate::analysis::Target;
use crate::emit::emit;
use crate::passes::{Config, Pass, declined, optimize};

const EXAMPLES: &str = "\
Examples:
  dockwright optimize --context . Dockerfile          print the optimized file; reasons on stderr
  dockwright optimize --context . --diff Dockerfile   a unified diff, reasons in its header
  dockwright optimize --buildkit Dockerfile           also cache mounts and COPY --link
  dockwright optimize --check Dockerfile              exit 1 if the optimizer would change anything

Without --context the context's files are unknown, so a `COPY . .` is split before a dependency
install only when the install reads no manifest. The diff is against the file as written: run
`dockwright fmt` first to see only the optimizer's changes.";

/// Print the Dockerfile rewritten for the build cache, and why each change was made.
///
/// The passes preserve what the build produces (files and image config): they split `COPY . <dir>`
/// so dependency installs come before the sources, merge `apt-get update` with its install, drop
/// stages no target needs, move independent steps earlier, and with --buildkit add cache mounts and
/// `COPY --link` where that is provably the same.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct OptimizeArgs {
    /// The Dockerfile; `-` reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Print a unified diff against the file instead of the whole file; the reasons go in its header.
    #[arg(long)]
    diff: bool,
    /// Print only the reasons; exit 1 if the optimizer would change anything.
    #[arg(long)]
    check: bool,
    /// The engine builds with BuildKit: allow cache mounts and `COPY --link`.
    #[arg(long)]
    buildkit: bool,
    /// Also say why steps were left where they are.
    #[arg(long)]
    explain: bool,
    /// Skip a pass. Repeatable.
    #[arg(long, value_name = "PASS", value_parser = parse_pass)]
    disable: Vec<Pass>,
    #[command(flatten)]
    build: BuildArgs,
}

/// A pass by its kebab-case name.
fn parse_pass(name: &str) -> Result<Pass, String> {
    Pass::ALL.into_iter().find(|pass| pass.name() == name).ok_or_else(|| {
        let names: Vec<&str> = Pass::ALL.iter().map(|pass| pass.name()).collect();
        format!("no pass is called '{name}': use one of {}", names.join(", "))
    })
}

pub(crate) fn run(session: &mut Session<'_>, args: &OptimizeArgs) {
    let source = match input::read(session, &args.file) {
        Ok(source) => source,
        Err(failure) => return session.fail(&failure),
    };
    let Some(lowered) = input::lowered(session, &source, "optimize") else { return };
    let mut config = Config::default().buildkit(args.buildkit);
    for pass in &args.disable {
        config = config.disable(*pass);
    }
    if let Some(target) = &args.build.target {
        config = config.targets([target.as_str()]);
    }
    let context = match args.build.context_dir() {
        Ok(context) => context,
        Err(failure) => return session.fail(&failure),
    };
    if let Some(root) = context {
        let ignore = match args.build.ignore_file(&source) {
            Ok(file) => file.map(|(_, text)| input::ignore_patterns(&text)).unwrap_or_default(),
            Err(failure) => return session.fail(&failure),
        };
        match input::context_files(root, &ignore) {
            Ok(files) => config = config.context_files(files),
            Err(failure) => return session.fail(&failure),
        }
    }
    let mut dockerfile = lowered.dockerfile;
    if let Some(target) = &args.build.target {
        let analysis = crate::analysis::analyze(&dockerfile);
        if let Err(error) = analysis.resolve(&Target::stage(target.as_str())) {
            return session.fail(&super::output::Failure::because(format!("cannot optimize '{}'", source.name), error));
        }
    }
    let changes = optimize(&mut dockerfile, &config);
    let reasons: Vec<String> = changes.iter().map(ToString::to_string).collect();
    let kept: Vec<String> = if args.explain {
        declined(&dockerfile, &config).iter().map(ToString::to_string).collect()
    } else {
        Vec::new()
    };
    let optimized = emit(&dockerfile);
    if args.check {
        for line in reasons.iter().chain(&kept) {
            session.err.line(line);
        }
        if !changes.is_empty() {
            session.err.line(&format!("{}: the optimizer would make {} change(s)", source.name, changes.len()));
            session.exit(Exit::Findings);
        }
        return;
    }
    if args.diff {
        if optimized != source.text {
            session.diff(&source.name, &source.text, &optimized, &[reasons, kept].concat());
        }
        return;
    }
    for line in &reasons {
        session.err.line(line);
    }
    for line in &kept {
        session.err.styled_line(DIM, line);
    }
    if changes.is_empty() {
        session.err.line(&format!("{}: nothing to optimize", source.name));
    }
    session.out.text(&optimized);
}
