//! Silencing findings in the file itself: dockwright's and hadolint's inline ignore comments, and
//! BuildKit's `check=skip` directive and per-instruction comments.
//!
//! - `# dockwright ignore=DW3011,DW1001` and `# hadolint ignore=DL4000` on the comment lines right above
//!   an instruction silence those rules (named by any id [`rule`](super::rule) knows) for it;
//! - `# dockwright global ignore=...` and `# hadolint global ignore=...` anywhere, for the whole file;
//! - `# check=skip=<Check>,...` (or `skip=all`) as the file's directive, for the whole file, and as a
//!   comment right above an instruction, for it: the rules matching those BuildKit checks.

use std::ops::Range;

use super::context::Context;
use super::{RuleInfo, Span, refers_to};

#[derive(Debug, Clone, Default)]
pub(crate) struct Ignores {
    /// Ids silenced everywhere; `all` silences every rule that has a BuildKit check.
    global: Vec<Id>,
    /// Per instruction: its bytes and the ids silenced for it.
    local: Vec<(Range<usize>, Vec<Id>)>,
}

/// A name given in an ignore comment.
#[derive(Debug, Clone)]
enum Id {
    /// dockwright's or hadolint's: any id of a rule.
    Rule(String),
    /// BuildKit's `check=skip`: a check name, or `all`.
    BuildKit(String),
}

impl Id {
    fn matches(&self, info: &RuleInfo) -> bool {
        match self {
            Id::Rule(id) => refers_to(info, id),
            Id::BuildKit(name) => {
                info.buildkit.is_some_and(|check| name.eq_ignore_ascii_case("all") || check.eq_ignore_ascii_case(name))
            }
        }
    }
}

impl Ignores {
    pub(crate) fn read(context: &Context<'_>) -> Self {
        let mut global = Vec::new();
        if let Some(check) = &context.parsed.ast.directives.check {
            global.extend(skips(check));
        }
        for comment in &context.parsed.ast.comments {
            let text = comment.text.trim_start().trim_start_matches('#').trim();
            for tool in ["dockwright", "hadolint"] {
                if let Some(list) = text.strip_prefix(tool).and_then(|rest| after_key(rest.trim_start(), "global")) {
                    if let Some(list) = after_key(list.trim_start(), "ignore=") {
                        global.extend(ids(list).map(Id::Rule));
                    }
                }
            }
        }
        let mut local = Vec::new();
        for node in &context.parsed.ast.nodes {
            let mut silenced = Vec::new();
            for comment in context.comments_above(node.start_line) {
                let text = comment.trim_start_matches('#').trim();
                for tool in ["dockwright", "hadolint"] {
                    if let Some(list) = text.strip_prefix(tool).and_then(|rest| after_key(rest.trim_start(), "ignore="))
                    {
                        silenced.extend(ids(list).map(Id::Rule));
                    }
                }
                if let Some(value) = check_comment(text) {
                    silenced.extend(skips(value));
                }
            }
            if !silenced.is_empty() {
                local.push((node.span.clone(), silenced));
            }
        }
        Ignores { global, local }
    }

    /// Whether a finding of `info` at `span` is silenced.
    pub(crate) fn silences(&self, info: &RuleInfo, span: &Span) -> bool {
        self.global.iter().any(|id| id.matches(info))
            || self.local.iter().any(|(range, ids)| {
                range.start <= span.start && span.start <= range.end && ids.iter().any(|id| id.matches(info))
            })
    }
}

impl Ignores {
    /// Whether a finding coded `code` (not a rule's: a ShellCheck code) at `span` is silenced.
    pub(crate) fn silences_id(&self, code: &str, span: &Span) -> bool {
        let named = |id: &Id| matches!(id, Id::Rule(name) if name.eq_ignore_ascii_case(code));
        self.global.iter().any(named)
            || self
                .local
                .iter()
                .any(|(range, ids)| range.start <= span.start && span.start <= range.end && ids.iter().any(named))
    }
}

/// The rest of `text` after `key` (ASCII case ignored).
fn after_key<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let head = text.get(..key.len())?;
    head.eq_ignore_ascii_case(key).then(|| &text[key.len()..])
}

/// The comma-separated ids of an ignore list, up to the first white space.
fn ids(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split_whitespace()
        .next()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_string)
}

/// The value of a `check=...` comment, as BuildKit's directive parser reads one: `check` (any case),
/// optional white space, `=`, and the value up to the first space.
fn check_comment(text: &str) -> Option<&str> {
    let rest = after_key(text, "check")?.trim_start().strip_prefix('=')?.trim_start();
    Some(rest.split(' ').next().unwrap_or(""))
}

/// The BuildKit checks a `check` value skips (`skip=A,B;error=true`).
fn skips(value: &str) -> Vec<Id> {
    let mut out = Vec::new();
    for part in value.split(';') {
        let Some((key, list)) = part.split_once('=') else { continue };
        if key.trim().eq_ignore_ascii_case("skip") {
            out.extend(
                list.split(',')
                    .map(str::trim)
                    .filter(|name| !name.is_empty())
                    .map(|name| Id::BuildKit(name.to_string())),
            );
        }
    }
    out
}
