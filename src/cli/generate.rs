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

/// Print a man page (roff) on standard output: dockwright(1), or one subcommand's page.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  dockwright man > /usr/local/share/man/man1/dockwright.1
  dockwright man estimate > /usr/local/share/man/man1/dockwright-estimate.1")]
pub(crate) struct ManArgs {
    /// The subcommand whose page to print (dockwright-SUBCOMMAND(1)); the main page without it.
    #[arg(value_name = "SUBCOMMAND")]
    subcommand: Option<String>,
}

pub(crate) fn man(session: &mut Session<'_>, args: &ManArgs, mut command: clap::Command) {
    // Building propagates the version to the subcommands.
    command.build();
    let command = match &args.subcommand {
        None => command,
        Some(name) => match command.find_subcommand(name) {
            Some(sub) => sub.clone().display_name(format!("dockwright-{name}")).bin_name(format!("dockwright {name}")),
            None => {
                let names: Vec<String> =
                    command.get_subcommands().map(|sub| sub.get_name().to_string()).filter(|n| n != "help").collect();
                let message = format!("no subcommand is called '{name}': use one of {}", names.join(", "));
                return session.fail(&Failure::new(message));
            }
        },
    };
    let mut page = Vec::new();
    match clap_mangen::Man::new(command).render(&mut page) {
        Ok(()) => session.out.text(&String::from_utf8_lossy(&page)),
        Err(error) => session.fail(&Failure::because("cannot render the man page", error)),
    }
}
