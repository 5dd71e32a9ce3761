//! DW4005: `pip install` without `--no-cache-dir`: pip keeps every wheel it downloaded or built in
//! its cache (`~/.cache/pip`), in the layer. Not reported where `PIP_NO_CACHE_DIR` is set, where a
//! cache mount holds pip's cache, or in stages the image is not made of.

use super::{Rule, in_final_image, info, mounts_over};
use crate::analysis::{Manager, PackageAction};
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info("DW4005", "pip-cache", Severity::Warning, true, &["DL3042"], None, "pip install without --no-cache-dir"),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in runs(cx) {
        if !in_final_image(cx, site.stage) || mounts_over(cx, &site, "/root/.cache/pip") {
            continue;
        }
        let env_off = site.step.scope.iter().any(|var| var.name == "PIP_NO_CACHE_DIR" && var.value.is_some());
        if env_off {
            continue;
        }
        for install in &site.facts.installs {
            if install.manager != Manager::Pip || install.action != PackageAction::Install || install.no_cache {
                continue;
            }
            let command = &site.commands()[install.command];
            let sub = command.words.iter().position(|word| word.text == "install").unwrap_or(0);
            let fix = site
                .word_source(cx, install.command, sub)
                .map(|range| Fix::replace(range.end..range.end, " --no-cache-dir"));
            out.push(
                Finding::new(
                    site.word_span(cx, install.command, sub),
                    format!("{} install keeps its download cache in the layer", pip_command(&install.program)),
                    "add --no-cache-dir (or set ENV PIP_NO_CACHE_DIR=1, or mount a cache: RUN --mount=type=cache,target=/root/.cache/pip)",
                )
                .fix(fix),
            );
        }
    }
}

/// `pip` (as written), or `python -m pip` for pip run by an interpreter.
fn pip_command(program: &str) -> String {
    let tool = program.rsplit('/').next().unwrap_or(program);
    if crate::analysis::is_python(tool) { format!("{tool} -m pip") } else { tool.to_string() }
}
