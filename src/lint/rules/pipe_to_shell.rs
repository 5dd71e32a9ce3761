//! DW1007: a download piped straight into a shell (`curl -fsSL https://... | sh`): whatever the
//! server sends runs in the build, unchecked, and the build is not reproducible.

use super::{Rule, info};
use crate::import::shell::Joined;
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info("DW1007", "pipe-to-shell", Severity::Warning, true, &[], None, "a download piped into a shell"),
    check,
};

const DOWNLOADERS: &[&str] = &["curl", "wget"];
const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"];

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in runs(cx) {
        let commands = site.commands();
        for (at, pair) in commands.windows(2).enumerate() {
            let (download, shell) = (&pair[0], &pair[1]);
            let tool = |command: &crate::import::shell::ShellCommand| {
                let first = command.invoked().first().map(|word| word.text.clone()).unwrap_or_default();
                first.rsplit('/').next().unwrap_or("").to_string()
            };
            if shell.joined != Joined::Pipe || !DOWNLOADERS.contains(&tool(download).as_str()) {
                continue;
            }
            let runner = tool(shell);
            if !SHELLS.contains(&runner.as_str()) {
                continue;
            }
            let url = download.words().find(|word| word.contains("://")).unwrap_or("the download").to_string();
            out.push(Finding::new(
                site.commands_span(cx, at, at + 1),
                format!("RUN pipes '{url}' straight into '{runner}': whatever the server sends runs in the build"),
                "download to a file, check it (echo \"<sha256>  file\" | sha256sum -c -), then run it; or ADD it \
                 with --checksum",
            ));
        }
    }
}
