//! DW4006: a copy of the whole build context (`COPY . .`) before a dependency install in the same
//! stage. Any edit of any file in the context changes the copy's cache key, so the install after it
//! runs again on every source edit. The remedy is to copy the dependency manifests first, install,
//! then copy the rest: what `dockwright optimize`'s split-context-copy pass does where it can prove
//! the result unchanged. The finding says what the optimizer does with this copy, or why it cannot.

use super::{Rule, info};
use crate::analysis::{Location, PackageAction};
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Edit, Finding, Fix, Severity};
use crate::passes::{Config, Pass, declined, optimize};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW4006",
        "copy-before-install",
        Severity::Warning,
        true,
        &[],
        None,
        "the whole build context copied before a dependency install",
    ),
    check,
};

/// Commands (tool and first argument) that install a project's dependencies from its manifests.
const INSTALLERS: &[(&str, &[&str])] = &[
    ("npm", &["ci", "install", "i"]),
    ("yarn", &["install", ""]),
    ("pnpm", &["install", "i"]),
    ("go", &["mod"]),
    ("bundle", &["install", ""]),
    ("poetry", &["install"]),
    ("composer", &["install"]),
    ("uv", &["sync", "pip"]),
    ("pipenv", &["install", "sync"]),
];

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let sites = runs(cx);
    for (stage, origins) in cx.lowered.source_map.stages.iter().enumerate() {
        for (index, origin) in origins.instructions.iter().enumerate() {
            let Some(node) =
                cx.stages.get(stage).and_then(|s| s.nodes.iter().copied().find(|n| n.span.start == origin.span.start))
            else {
                continue;
            };
            if !matches!(node.keyword.as_str(), "copy" | "add")
                || Context::flag_value(node, "from").is_some()
                || node.json
            {
                continue;
            }
            let args = cx.args(node);
            let Some((_, sources)) = args.split_last() else { continue };
            let Some((source_range, source)) =
                sources.iter().find(|(_, word)| matches!(*word, "." | "./" | "*" | "./*" | "./."))
            else {
                continue;
            };
            let Some((install, site)) = sites
                .iter()
                .filter(|site| site.stage == stage && site.index > index)
                .find_map(|site| dependency_install(site).map(|command| (command, site)))
            else {
                continue;
            };
            let line = cx.node_span(site.node).from.line;
            let location = Location { stage, instruction: index };
            // The optimizer proves the split safe from the context's file list, which a linter does not
            // have: the files the installs name (they exist, or the build fails) stand in for it.
            let named = named_files(&sites, stage, index);
            let config = Config::default().context_files(named.iter().map(String::as_str));
            let mut model = cx.lowered.dockerfile.clone();
            let changes = optimize(&mut model, &config);
            let split = changes.iter().find(|c| c.pass == Pass::SplitContextCopy && c.location == location);
            let fix = split.and_then(|_| split_fix(cx, stage, index, &config));
            let optimizer = match split {
                Some(change) => format!("dockwright optimize does it: {}", change.reason),
                None => match declined(&cx.lowered.dockerfile, &config)
                    .into_iter()
                    .find(|d| d.pass == Pass::SplitContextCopy && d.location.stage == stage)
                {
                    Some(kept) => format!("dockwright optimize does not ({}), so do it by hand", kept.reason),
                    None => "dockwright optimize does not, so do it by hand".to_string(),
                },
            };
            out.push(
                Finding::new(
                    cx.logical(node, source_range.clone()),
                    format!(
                        "{} {source} copies the whole build context before '{install}' (line {line}): every source edit reruns the install",
                        node.keyword.to_uppercase()
                    ),
                    format!("copy the dependency manifests first, install, then copy the rest; {optimizer}"),
                )
                .fix(fix),
            );
        }
    }
}

/// The optimizer's split of the copy at `index` of `stage` as text edits, when it makes it: the
/// manifest copies it adds (as it writes them) go where it puts them, the full copy's text moves after
/// the instructions it moves before the copy, and everything else stays as written. `None` when the
/// split pass alone does not give exactly that shape.
fn split_fix(cx: &Context<'_>, stage: usize, index: usize, config: &Config) -> Option<Fix> {
    let only_split = Pass::ALL.into_iter().filter(|pass| *pass != Pass::SplitContextCopy);
    let config = only_split.fold(config.clone(), Config::disable);
    let mut optimized = cx.lowered.dockerfile.clone();
    optimize(&mut optimized, &config);
    let before = &cx.lowered.dockerfile.stages.get(stage)?.instructions;
    let after = &optimized.stages.get(stage)?.instructions;
    // after[index..] is: moved[..first], the manifest copies, moved[first..], the full copy, the rest.
    let inserted = after.len().checked_sub(before.len()).filter(|n| *n > 0)?;
    let full = before.get(index)?;
    let position = (index..after.len()).find(|&at| &after[at] == full)?;
    let moved = position.checked_sub(index + inserted)?;
    let first = (0..moved).find(|&j| after[index + j] != before[index + 1 + j]).unwrap_or(moved);
    let copies = &after[index + first..index + first + inserted];
    let same = before[..index] == after[..index]
        && after[index..index + first] == before[index + 1..index + 1 + first]
        && after[index + first + inserted..position] == before[index + 1 + first..index + 1 + moved]
        && after[position + 1..] == before[index + 1 + moved..];
    if !same || moved == 0 {
        return None;
    }
    let origins = &cx.lowered.source_map.stages.get(stage)?.instructions;
    let span = |at: usize| origins.get(at).map(|origin| origin.span.range());
    let text = cx.text;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    // The end of the line `at` is on, its line break included (the text's end when it has none).
    let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |found| at + found + 1);
    let copy = span(index)?;
    let last = span(index + moved)?;
    let reader = span(index + 1 + first).unwrap_or(last.clone());
    // The copies as the optimizer writes them: a stage holding only them, emitted, after its FROM.
    let model = crate::model::Dockerfile {
        directives: cx.lowered.dockerfile.directives.clone(),
        comment: None,
        args: Vec::new(),
        stages: vec![crate::model::Stage {
            comment: None,
            from: cx.lowered.dockerfile.stages[stage].from.clone(),
            instructions: copies.to_vec(),
        }],
    };
    let emitted = crate::emit::emit(&model);
    let from_line = emitted.lines().position(|line| line.starts_with("FROM "))?;
    let mut manifests: String = emitted.lines().skip(from_line + 1).map(|line| format!("{line}{newline}")).collect();
    let mut full_copy = text.get(copy.clone())?.to_string();
    let end = line_end(last.end);
    if end == text.len() && !text.ends_with('\n') {
        full_copy.insert_str(0, newline);
    } else {
        full_copy.push_str(newline);
    }
    let mut edits = vec![Edit { range: copy.start..line_end(copy.end), replacement: String::new() }];
    if first == moved {
        manifests.push_str(&full_copy);
        edits.push(Edit { range: end..end, replacement: manifests });
    } else {
        let at = text[..reader.start].rfind('\n').map_or(0, |found| found + 1);
        edits.push(Edit { range: at..at, replacement: manifests });
        edits.push(Edit { range: end..end, replacement: full_copy });
    }
    Some(Fix { edits })
}

/// The files the installs after the copy name as their manifests (`-r requirements.txt`, `-c`,
/// npm's `package.json` and lockfile for `npm ci`), as paths of the context.
fn named_files(sites: &[crate::lint::runs::RunSite<'_>], stage: usize, after: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for site in sites.iter().filter(|site| site.stage == stage && site.index > after) {
        for install in &site.facts.installs {
            out.extend(install.requirements.iter().map(|file| file.trim_start_matches("./").to_string()));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The first dependency-install command of a RUN, as written.
fn dependency_install(site: &crate::lint::runs::RunSite<'_>) -> Option<String> {
    if let Some(install) = site.facts.installs.iter().find(|install| install.action == PackageAction::Install) {
        return Some(shown(&site.commands()[install.command].text));
    }
    site.commands().iter().find_map(|command| {
        let words = command.invoked();
        let tool = words.first()?.text.rsplit('/').next()?.to_string();
        let first = words.get(1).map_or("", |word| word.text.as_str());
        INSTALLERS.iter().any(|(name, subs)| *name == tool && subs.contains(&first)).then(|| shown(&command.text))
    })
}

fn shown(text: &str) -> String {
    let text = text.replace("\\\n", " ");
    let words: Vec<&str> = text.split_whitespace().collect();
    words.join(" ")
}
