//! The rules, one per file, and the registry listing them: the published mapping from each code to
//! hadolint and BuildKit.

use super::context::Context;
use super::{Finding, RuleInfo, Severity};

mod add_checksum;
mod add_local_file;
mod base_latest;
mod base_undigested;
mod base_untagged;
mod buildkit_refuses;
mod copy_from_unknown;
mod duplicate_stage;
mod empty_continuation;
mod exec_form_fallback;
mod expose_invalid;
mod expose_proto_casing;
mod from_as_casing;
mod from_platform_const;
mod healthcheck_tool;
mod instruction_casing;
mod invalid_default_arg_in_from;
mod legacy_key_value;
mod maintainer;
mod multiple_instructions;
mod no_healthcheck;
mod redundant_target_platform;
mod reserved_stage;
mod run_insecure;
mod run_network_host;
mod secret_name;
mod secret_value;
mod shell_form_command;
mod stage_name_casing;
mod syntax_directive;
mod undefined_arg_in_from;
mod undefined_var;
mod untrusted_registry;
mod user_root;
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
    base_untagged::RULE,
    base_latest::RULE,
    base_undigested::RULE,
    syntax_directive::RULE,
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
