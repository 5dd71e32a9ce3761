//! `dockwright completions` and `dockwright man`: generated from the command line's own definition.

use clap::Args;
use clap_complete::Shell;

use super::output::{Failure, Session};

/// Print a shell completion script on standard output.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  dockwright completions bash > /etc/bash_completion.d/dockwright
  dockwright completions zsh > \"${fpath[1]}/_dockwright\"
  dockwright completions fish > ~/.config/fish/completions/dockwright.fish")]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: Shell,
}

pub(crate) fn completions(session: &mut Session<'_>, args: &CompletionsArgs, mut command: clap::Command) {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "dockwright", &mut script);
    session.out.text(&String::from_utf8_lossy(&script));
}

pub(crate) fn man(session: &mut Session<'_>, command: clap::Command) {
    let mut page = Vec::new();
    match clap_mangen::Man::new(command).render(&mut page) {
        Ok(()) => session.out.text(&String::from_utf8_lossy(&page)),
        Err(error) => session.fail(&Failure::because("cannot render the man page", error)),
    }
}
