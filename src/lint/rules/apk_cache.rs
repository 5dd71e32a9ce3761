//! DW4004: `apk add` without `--no-cache`: the package index stays in `/var/cache/apk` in the layer.
//! Only the stages the image is made of count; a cache mount over `/var/cache/apk` is fine.

use super::{Rule, in_final_image, info, mounts_over};
use crate::analysis::{Manager, PackageAction};
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info("DW4004", "apk-cache", Severity::Warning, true, &["DL3019"], None, "apk add without --no-cache"),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in runs(cx) {
        if !in_final_image(cx, site.stage) || mounts_over(cx, &site, "/var/cache/apk") {
            continue;
        }
        for install in &site.facts.installs {
            if install.manager != Manager::Apk
                || install.action != PackageAction::Install
                || install.no_cache
                || install.cleaned
            {
                continue;
            }
            let sub = site.subcommand_word(install);
            let fix = site
                .word_source(cx, install.command, sub)
                .map(|range| Fix::replace(range.end..range.end, " --no-cache"));
            out.push(
                Finding::new(
                    site.word_span(cx, install.command, sub),
                    "apk add keeps the package index in /var/cache/apk in the layer",
                    "add --no-cache (it also makes a separate apk update unnecessary)",
                )
                .fix(fix),
            );
        }
    }
}
