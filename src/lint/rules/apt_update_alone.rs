//! DW4003: `apt-get update` in a `RUN` of its own. Its layer is cached: when a later `RUN
//! apt-get install` changes, the build reuses the old index, and the install fails or installs stale
//! versions. The index also stays in the layer.

use super::{Rule, info, join_fix};
use crate::analysis::{Manager, PackageAction};
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW4003",
        "apt-update-alone",
        Severity::Warning,
        true,
        &[],
        None,
        "apt-get update in a RUN without the install",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let sites = runs(cx);
    for (at, site) in sites.iter().enumerate() {
        let apt: Vec<_> = site.facts.installs.iter().filter(|install| install.manager == Manager::Apt).collect();
        let updates = apt.iter().any(|install| install.action == PackageAction::Update);
        let installs =
            apt.iter().any(|install| matches!(install.action, PackageAction::Install | PackageAction::Upgrade));
        if !updates || installs {
            continue;
        }
        let Some(update) = apt.iter().find(|install| install.action == PackageAction::Update) else { continue };
        let next = sites.get(at + 1).filter(|next| {
            next.facts
                .installs
                .iter()
                .any(|install| install.manager == Manager::Apt && install.action == PackageAction::Install)
        });
        let fix = next.and_then(|next| join_fix(cx, site, next));
        out.push(
            Finding::new(
                site.command_span(cx, update.command),
                format!(
                    "{} update runs in a RUN without the install: its cached layer keeps a stale index for later installs",
                    site.commands()[update.command].tool().unwrap_or("apt-get")
                ),
                "run apt-get update && apt-get install ... && rm -rf /var/lib/apt/lists/* in one RUN",
            )
            .fix(fix),
        );
    }
}
