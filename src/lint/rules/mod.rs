//! The rules, one per file, and the registry listing them: the published mapping from each code to
//! hadolint and BuildKit.

use super::context::Context;
use super::{Finding, Fix, RuleInfo, Severity};

mod add_checksum;
mod add_local_file;
mod apk_cache;
mod apt_lists;
mod apt_recommends;
mod apt_update_alone;
mod base_latest;
mod base_undigested;
mod base_untagged;
mod buildkit_refuses;
mod cd_workdir;
mod chmod_setuid;
mod consecutive_runs;
mod copy_before_install;
mod copy_from_unknown;
mod deleted_later;
mod duplicate_stage;
mod empty_continuation;
mod exec_form_fallback;
mod expose_invalid;
mod expose_proto_casing;
mod from_as_casing;
mod from_platform_const;
mod frontend_version;
mod healthcheck_tool;
mod heredoc_set_e;
mod instruction_casing;
mod invalid_default_arg_in_from;
mod legacy_key_value;
mod maintainer;
mod multiple_instructions;
mod no_healthcheck;
mod pip_cache;
mod pipe_to_shell;
mod pipefail;
mod redundant_target_platform;
mod reserved_stage;
mod run_insecure;
mod run_network_host;
mod secret_name;
mod secret_value;
mod shell_form_command;
mod shellcheck;
mod stage_name_casing;
mod sudo;
mod syntax_directive;
mod undefined_arg_in_from;
mod undefined_var;
mod unpinned_packages;
mod untrusted_registry;
mod user_root;
mod verification_disabled;
mod workdir_relative;

/// A rule: what it is, and the function that finds it.
pub(crate) struct Rule {
    pub(crate) info: RuleInfo,
    pub(crate) check: fn(&Context<'_>, &mut Vec<Finding>),
}

/// Every rule, in code order.
pub(crate) const RULES: &[Rule] = &[
    user_root::RULE,
    secret_name::RULE,
    secret_value::RULE,
    run_network_host::RULE,
    run_insecure::RULE,
    add_checksum::RULE,
    pipe_to_shell::RULE,
    sudo::RULE,
    chmod_setuid::RULE,
    verification_disabled::RULE,
    base_untagged::RULE,
    base_latest::RULE,
    base_undigested::RULE,
    syntax_directive::RULE,
    unpinned_packages::RULE,
    untrusted_registry::RULE,
    buildkit_refuses::RULE,
    shell_form_command::RULE,
    exec_form_fallback::RULE,
    copy_from_unknown::RULE,
    duplicate_stage::RULE,
    reserved_stage::RULE,
    workdir_relative::RULE,
    undefined_var::RULE,
    undefined_arg_in_from::RULE,
    invalid_default_arg_in_from::RULE,
    expose_invalid::RULE,
    maintainer::RULE,
    multiple_instructions::RULE,
    healthcheck_tool::RULE,
    no_healthcheck::RULE,
    add_local_file::RULE,
    from_platform_const::RULE,
    redundant_target_platform::RULE,
    empty_continuation::RULE,
    pipefail::RULE,
    heredoc_set_e::RULE,
    cd_workdir::RULE,
    frontend_version::RULE,
    shellcheck::RULE,
    apt_recommends::RULE,
    apt_lists::RULE,
    apt_update_alone::RULE,
    apk_cache::RULE,
    pip_cache::RULE,
    copy_before_install::RULE,
    deleted_later::RULE,
    consecutive_runs::RULE,
    instruction_casing::RULE,
    from_as_casing::RULE,
    stage_name_casing::RULE,
    legacy_key_value::RULE,
    expose_proto_casing::RULE,
];

/// A rule's registry entry.
#[allow(clippy::too_many_arguments)]
const fn info(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    enabled: bool,
    hadolint: &'static [&'static str],
    buildkit: Option<&'static str>,
    summary: &'static str,
) -> RuleInfo {
    RuleInfo { code, name, severity, enabled, hadolint, buildkit, summary }
}

/// The keyword `word` written in the case of `like` (all lower when `like` is all lower).
pub(crate) fn keyword_like(word: &str, like: &str) -> String {
    if like == like.to_lowercase() { word.to_lowercase() } else { word.to_uppercase() }
}

/// `text` as one Dockerfile word that reads back as exactly `text` (bare when plain, else double-quoted
/// by the emitter's escaping); `None` for text no word can hold (a line break).
pub(crate) fn word(text: &str, escape: char) -> Option<String> {
    let value = crate::model::Value::literal(text).ok()?;
    Some(crate::emit::escape::value(&value, escape, false))
}

/// `items` as a JSON array, written by the emitter's encoder.
pub(crate) fn json(items: &[&str]) -> String {
    crate::emit::escape::json_array(items.iter().copied(), false)
}

/// The `SHELL` argv in effect at instruction `index` of `stage` (set in the stage before it, or in a
/// stage it is built on); empty for the default `/bin/sh -c`.
pub(crate) fn stage_shell(cx: &Context<'_>, stage: usize, index: usize) -> Vec<String> {
    let stages = &cx.lowered.dockerfile.stages;
    let mut shell = Vec::new();
    for &at in cx.chain(stage).iter().rev() {
        let Some(model) = stages.get(at) else { continue };
        let upto = if at == stage { index } else { model.instructions.len() };
        for instruction in model.instructions.iter().take(upto) {
            if let crate::model::Instruction::Shell(set) = instruction {
                shell = set.argv.iter().map(|arg| arg.as_str().to_string()).collect();
            }
        }
    }
    shell
}

/// The shell that runs the `RUN` of `site`, as an argv before the script: the stage's `SHELL` for a
/// shell-form `RUN` (empty for the default `/bin/sh -c`); for a `RUN <<EOF` whose body starts with
/// `#!`, which BuildKit runs as an executable file, the interpreter that line names
/// (`#!/usr/bin/env bash` is `["bash"]`, `#!/bin/awk -f` is `["/bin/awk", "-f"]`); for an exec-form
/// one that runs a shell with `-c` (`["bash", "-o", "pipefail", "-c", "..."]`), that shell with its
/// options, as analysis reads it. `None` for any other `RUN` (an exec form runs no shell).
pub(crate) fn run_shell(cx: &Context<'_>, site: &crate::lint::runs::RunSite<'_>) -> Option<Vec<String>> {
    let (stage, index) = (site.stage, site.index);
    if let Some(line) = site.shebang() {
        let mut words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        if words.first().is_some_and(|program| program.rsplit('/').next() == Some("env")) {
            words.remove(0);
            words.retain(|word| !word.starts_with('-'));
        }
        return (!words.is_empty()).then_some(words);
    }
    let instruction = cx.lowered.dockerfile.stages.get(stage)?.instructions.get(index)?;
    let crate::model::Instruction::Run(run) = instruction else { return None };
    match &run.command {
        crate::model::Command::Shell(_) => Some(stage_shell(cx, stage, index)),
        crate::model::Command::Exec(argv) => {
            let argv: Vec<String> = argv.iter().map(|arg| arg.as_str().to_string()).collect();
            crate::analysis::shell_c_split(&argv).map(|(shell, _)| shell.to_vec())
        }
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// The image a stage is built from at the root of its chain of stages.
pub(crate) fn root_image(cx: &Context<'_>, stage: usize) -> Option<String> {
    let root = *cx.chain(stage).last()?;
    match &cx.analysis.stages().get(root)?.base {
        crate::analysis::StageBase::Image(image) => Some(image.clone()),
        crate::analysis::StageBase::Stage(_) => None,
    }
}

/// Whether `/bin/sh` of `image` has `set -o pipefail`: busybox's ash (Alpine, busybox) and bash (Red
/// Hat's images) have it; dash (Debian, Ubuntu and the official images built on them) has not.
/// `None` for an image dockwright does not know.
pub(crate) fn sh_has_pipefail(image: &str) -> Option<bool> {
    let reference = crate::model::ImageRef::parse(image).ok()?;
    let repository = reference.repository().rsplit('/').next().unwrap_or("").to_string();
    let tag = reference.tag().unwrap_or_default().to_string();
    if repository == "busybox" || repository == "alpine" || tag.contains("alpine") {
        return Some(true);
    }
    match crate::base::Base::recognize(&reference)?.family() {
        crate::base::OsFamily::Alpine | crate::base::OsFamily::Rhel | crate::base::OsFamily::RhelMinimal => Some(true),
        crate::base::OsFamily::Debian => Some(false),
        _ => None,
    }
}

/// Whether the layers of `stage` end up in the image the build makes (it is the final stage or one
/// it is built on).
pub(crate) fn in_final_image(cx: &Context<'_>, stage: usize) -> bool {
    cx.final_stage().is_some_and(|last| cx.chain(last).contains(&stage))
}

/// Whether the `RUN` mounts a cache or tmpfs at `path` or above it, so what is written there does not
/// reach the layer.
pub(crate) fn mounts_over(cx: &Context<'_>, site: &super::runs::RunSite<'_>, path: &str) -> bool {
    let Some(crate::model::Instruction::Run(run)) =
        cx.lowered.dockerfile.stages.get(site.stage).and_then(|stage| stage.instructions.get(site.index))
    else {
        return false;
    };
    run.mounts.iter().any(|mount| match mount {
        crate::model::Mount::Cache { target, .. } | crate::model::Mount::Tmpfs { target, .. } => {
            let target = target.as_str().trim_end_matches('/');
            path == target || path.starts_with(&format!("{target}/"))
        }
        _ => false,
    })
}

/// The edit that joins `next` onto `first` as one `RUN` (`first && next`): both shell form without
/// flags, heredocs or comments, `first` an `&&`/`;`/newline list of commands, and nothing between
/// them but blank lines.
pub(crate) fn join_fix(
    cx: &Context<'_>,
    first: &super::runs::RunSite<'_>,
    next: &super::runs::RunSite<'_>,
) -> Option<Fix> {
    use crate::import::shell::Joined;
    let plain = |site: &super::runs::RunSite<'_>| {
        site.node.flags.is_empty()
            && site.node.heredocs.is_empty()
            && !site.node.json
            && site.facts.script.opaque().is_empty()
            && site.commands().iter().all(|c| c.opaque.iter().all(|o| *o == crate::import::shell::Opaque::Expansion))
    };
    if !plain(first) || !plain(next) || next.stage != first.stage || next.index != first.index + 1 {
        return None;
    }
    if first.commands().iter().any(|c| matches!(c.joined, Joined::Pipe | Joined::Or | Joined::Background)) {
        return None;
    }
    let end = first.script_source(cx)?.end;
    let start = next.script_source(cx)?.start;
    // Only the rest of the first RUN's last line, blank lines and the next RUN keyword between.
    let between = cx.text.get(end..start)?;
    let keyword_at = between.find(|c: char| !c.is_whitespace())?;
    let rest = &between[keyword_at..];
    if !rest.get(..3)?.eq_ignore_ascii_case("run") || !rest[3..].trim().is_empty() {
        return None;
    }
    if !between[..keyword_at].trim().is_empty() || end != first.node.span.end {
        return None;
    }
    Some(Fix::replace(end..start, " \\\n    && "))
}
