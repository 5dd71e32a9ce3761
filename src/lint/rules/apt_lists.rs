//! DW4002: `apt-get install` in a `RUN` that does not remove `/var/lib/apt/lists` afterwards: the
//! package index (tens of megabytes) stays in the layer. A later `RUN` cannot take it back out of
//! that layer. Only the stages the image is made of count; a cache or tmpfs mount over the lists
//! keeps them out of the layer.

use super::{Rule, in_final_image, info, mounts_over};
use crate::analysis::{Manager, PackageAction};
use crate::import::shell::Joined;
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info("DW4002", "apt-lists", Severity::Warning, true, &["DL3009"], None, "apt lists left in the layer"),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in runs(cx) {
        if !in_final_image(cx, site.stage) || mounts_over(cx, &site, "/var/lib/apt/lists") {
            continue;
        }
        let Some(install) = site.facts.installs.iter().find(|install| {
            install.manager == Manager::Apt && install.action == PackageAction::Install && !install.cleaned
        }) else {
            continue;
        };
        // Appending the cleanup is mechanical when the script is one `&&` chain.
        let chain = site.commands().iter().skip(1).all(|command| command.joined == Joined::And)
            && site.facts.script.opaque().is_empty()
            && !site.is_heredoc_body();
        let fix = chain
            .then(|| site.command_source(cx, site.commands().len() - 1))
            .flatten()
            .map(|range| Fix::replace(range.end..range.end, " \\\n    && rm -rf /var/lib/apt/lists/*"));
        out.push(
            Finding::new(
                site.command_span(cx, install.command),
                format!(
                    "{} install leaves the apt lists (/var/lib/apt/lists) in the layer",
                    site.commands()[install.command].tool().unwrap_or("apt-get")
                ),
                "end the same RUN with && rm -rf /var/lib/apt/lists/*",
            )
            .fix(fix),
        );
    }
}
