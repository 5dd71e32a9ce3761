//! DW2005: packages installed without a version (apt, apk, pip, npm): the build takes whatever the
//! index has that day. Off by default: pinning every package is a policy (it needs updating when the
//! index drops the old version), not a mistake.

use super::{Rule, info};
use crate::analysis::{Manager, Package, PackageAction};
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW2005",
        "unpinned-packages",
        Severity::Info,
        false,
        &["DL3008", "DL3018", "DL3013", "DL3016"],
        None,
        "packages installed without a version",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in runs(cx) {
        for install in &site.facts.installs {
            if install.action != PackageAction::Install {
                continue;
            }
            let (how, sep, index) = match install.manager {
                Manager::Apt => ("<name>=<version>", "=", "index"),
                Manager::Apk => ("<name>=<version>", "=", "index"),
                Manager::Pip => ("<name>==<version> (or a requirements file with pins)", "==", "index"),
                Manager::Npm => {
                    ("<name>@<version> (or install from package.json and its lockfile with npm ci)", "@", "registry")
                }
                _ => continue,
            };
            let unpinned: Vec<&Package> = install
                .packages
                .iter()
                .filter(|package| !pinned(install.manager, package.pin.as_deref()))
                .filter(|package| {
                    let name = package.name.as_str();
                    // Scoped npm names (`@types/node`) are names; other paths, URLs and files are not.
                    let scoped = install.manager == Manager::Npm && name.starts_with('@');
                    (scoped || !name.contains(['/', '$']))
                        && !name.contains([':', '$'])
                        && !name.starts_with('.')
                        && !name.ends_with(".deb")
                        && !name.ends_with(".whl")
                        && !name.ends_with(".apk")
                        && !name.ends_with(".tgz")
                })
                .collect();
            let Some(first) = unpinned.first() else { continue };
            let written = first.to_string();
            let command = &site.commands()[install.command];
            let word = command.words.iter().position(|word| word.text == written).unwrap_or(0);
            let names: Vec<&str> = unpinned.iter().map(|package| package.name.as_str()).collect();
            let first = &first.name;
            let program = command.tool().unwrap_or("install");
            out.push(Finding::new(
                site.word_span(cx, install.command, word),
                format!(
                    "{program} installs '{}' without a version: the build takes what the {index} has that day",
                    names.join("', '")
                ),
                format!("pin each package: {how}, e.g. {first}{sep}<version>"),
            ));
        }
    }
}

/// Whether a package's pin fixes a version: npm's `@latest` (or a bare `@`) is a moving tag.
fn pinned(manager: Manager, pin: Option<&str>) -> bool {
    match (manager, pin) {
        (_, None) => false,
        (Manager::Npm, Some(pin)) => !matches!(pin, "@" | "@latest"),
        (_, Some(_)) => true,
    }
}
