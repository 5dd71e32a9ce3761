//! DW4001: `apt-get install` without `--no-install-recommends`: apt also installs every package the
//! named ones recommend, often more than what was asked for (documentation, GUI helpers, compilers).

use super::{Rule, in_final_image, info};
use crate::analysis::{Manager, PackageAction};
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW4001",
        "apt-recommends",
        Severity::Warning,
        true,
        &["DL3015"],
        None,
        "apt installs recommended packages too",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in runs(cx) {
        if !in_final_image(cx, site.stage) {
            continue;
        }
        for install in &site.facts.installs {
            if install.manager != Manager::Apt || install.action != PackageAction::Install || !install.recommends {
                continue;
            }
            let sub = site.subcommand_word(install);
            let fix = site
                .word_source(cx, install.command, sub)
                .map(|range| Fix::replace(range.end..range.end, " --no-install-recommends"));
            out.push(
                Finding::new(
                    site.word_span(cx, install.command, sub),
                    format!(
                        "{} install also installs the packages '{}' recommend",
                        site.commands()[install.command].tool().unwrap_or("apt-get"),
                        install.packages.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join("', '")
                    ),
                    "add --no-install-recommends, and name what you need",
                )
                .fix(fix),
            );
        }
    }
}
