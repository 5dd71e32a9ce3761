//! DW1008: `sudo` in a `RUN`. A build step runs as the stage's `USER`; sudo there needs a password-less
//! sudoers entry in the image, and its environment and TTY handling make the step behave unlike the
//! same command without it.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule =
    Rule { info: info("DW1008", "sudo", Severity::Warning, true, &["DL3004"], None, "sudo in a RUN"), check };

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in runs(cx) {
        for (index, command) in site.commands().iter().enumerate() {
            let Some(program) = command.program() else { continue };
            if program.rsplit('/').next() != Some("sudo") {
                continue;
            }
            let what = command
                .invoked()
                .iter()
                .find(|word| !word.text.starts_with('-'))
                .map_or("a command", |word| word.text.as_str());
            out.push(Finding::new(
                site.word_span(cx, index, 0),
                format!("RUN uses sudo to run '{what}': build steps run as the stage's USER, without a terminal"),
                "switch users with USER root before the step (and back to the app's user after it); at run time \
                 use gosu or su-exec instead of sudo",
            ));
        }
    }
}
