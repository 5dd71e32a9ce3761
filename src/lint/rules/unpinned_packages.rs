//! DW2005: packages installed without a version (apt, apk, pip, npm): the build takes whatever the
//! index has that day. Off by default: pinning every package is a policy (it needs updating when the
//! index drops the old version), not a mistake.

use super::{Rule, info};
use crate::analysis::{Manager, PackageAction};
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
            let (how, sep) = match install.manager {
                Manager::Apt => ("<name>=<version>", "="),
                Manager::Apk => ("<name>=<version>", "="),
                Manager::Pip => ("<name>==<version> (or a requirements file with pins)", "=="),
                _ => continue,
            };
            let unpinned: Vec<&str> = install
                .packages
                .iter()
                .filter(|package| package.pin.is_none())
                .map(|package| package.name.as_str())
                .filter(|name| {
                    !name.contains(['/', '$'])
                        && !name.starts_with('.')
                        && !name.ends_with(".deb")
                        && !name.ends_with(".whl")
                        && !name.ends_with(".apk")
                })
                .collect();
            let Some(first) = unpinned.first() else { continue };
            let command = &site.commands()[install.command];
            let word = command.words.iter().position(|word| word.text == *first).unwrap_or(0);
            let program = command.tool().unwrap_or("install");
            out.push(Finding::new(
                site.word_span(cx, install.command, word),
                format!(
                    "{program} installs '{}' without a version: the build takes what the index has that day",
                    unpinned.join("', '")
                ),
                format!("pin each package: {how}, e.g. {first}{sep}<version>"),
            ));
        }
        // npm: `npm install <pkg>` / `npm i <pkg>` / `npm add <pkg>` (the commands' words, as analysis read them).
        for (index, command) in site.commands().iter().enumerate() {
            let words = command.invoked();
            if words.first().map(|word| word.text.rsplit('/').next().unwrap_or("")) != Some("npm") {
                continue;
            }
            if !matches!(words.get(1).map(|word| word.text.as_str()), Some("install" | "i" | "add")) {
                continue;
            }
            let offset = command.words.len() - words.len();
            let packages: Vec<(usize, &str)> = words
                .iter()
                .enumerate()
                .skip(2)
                .map(|(at, word)| (at, word.text.as_str()))
                .filter(|(_, word)| {
                    !word.starts_with('-') && !word.contains(['/', '$', ':'])
                        || word.starts_with('@') && !word.contains(':')
                })
                .filter(|(_, word)| !word.starts_with('.'))
                .collect();
            let unpinned: Vec<&(usize, &str)> = packages.iter().filter(|(_, word)| !npm_pinned(word)).collect();
            let Some((at, first)) = unpinned.first() else { continue };
            let names: Vec<&str> = unpinned.iter().map(|(_, word)| *word).collect();
            out.push(Finding::new(
                site.word_span(cx, index, offset + at),
                format!(
                    "npm installs '{}' without a version: the build takes what the registry has that day",
                    names.join("', '")
                ),
                format!(
                    "pin each package: {first}@<version> (or install from package.json and its lockfile with npm ci)"
                ),
            ));
        }
    }
}

/// Whether an npm package word has a version (`left-pad@1.3.0`, `@scope/pkg@2`).
fn npm_pinned(word: &str) -> bool {
    let name = word.strip_prefix('@').unwrap_or(word);
    name.split_once('@').is_some_and(|(_, version)| !version.is_empty() && version != "latest")
}
