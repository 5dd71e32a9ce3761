//! The variables each instruction reads that nothing defines, found the way BuildKit's converter finds
//! them: every instruction BuildKit expands is expanded (with `import::decode`) in BuildKit's scopes
//! (`import`'s [`Scope`]), and every lookup that finds nothing is recorded.

use std::cell::RefCell;
use std::collections::HashMap;

use super::context::Context;
use crate::import::lower::scope::Scope;
use crate::import::{Command, Node, decode};
use crate::model::{BaseImage, PLATFORM_ARGS};

/// The instructions whose words BuildKit expands (`SupportsSingleWordExpansion`, and RUN's mounts).
const EXPANDED: &[&str] =
    &["add", "arg", "copy", "env", "expose", "label", "run", "stopsignal", "user", "volume", "workdir"];

/// Variables BuildKit never reports: the default `PATH` every image has, and its own SBOM arguments.
const ALWAYS: &[&str] = &["PATH", "BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

/// A variable an instruction reads that is not defined where it is read.
pub(crate) struct Undefined<'a> {
    pub(crate) node: &'a Node,
    pub(crate) name: String,
    /// In a `FROM` line (only global ARGs and platform ARGs are in scope there).
    pub(crate) in_from: bool,
    /// Names defined at that point, for a suggestion.
    pub(crate) known: Vec<String>,
    /// The image at the root of the stage, when it is not `scratch` (its config may set the variable).
    pub(crate) base_image: Option<String>,
}

/// BuildKit's predefined build arguments: a `RUN` sees them (when the build passes them) without an
/// `ARG` declaring them.
const PREDEFINED: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// What one walk through the file's scopes finds.
pub(crate) struct Scopes<'a> {
    /// Every undefined variable read, in text order.
    pub(crate) undefined: Vec<Undefined<'a>>,
    /// Each `RUN` of a stage, in text order, with the names its shell finds in its environment: the
    /// ARGs and ENVs before it in its stage and the stages it is built on (a global ARG only when
    /// the stage declares it again), `PATH`, and BuildKit's predefined proxy ARGs.
    pub(crate) runs: Vec<(&'a Node, Vec<String>)>,
}

/// Every undefined variable read, in text order.
pub(crate) fn undefined<'a>(cx: &Context<'a>) -> Vec<Undefined<'a>> {
    scopes(cx).undefined
}

/// The file's scopes, walked once the way BuildKit's converter walks them.
pub(crate) fn scopes<'a>(cx: &Context<'a>) -> Scopes<'a> {
    let mut runs = Vec::new();
    let escape = cx.parsed.ast.directives.escape;
    let mut scope = Scope::default();
    let mut globals: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for node in cx.globals.iter().filter(|node| node.keyword == "arg") {
        if let Ok(Command::Arg(values)) = decode(node, escape, &|name| scope.global(name)) {
            for (name, value) in values {
                scope.global_arg(&name, value);
                globals.push(name);
            }
        }
    }
    let mut stage_keys: HashMap<String, Vec<String>> = HashMap::new();
    let mut previous: Option<String> = None;
    for (index, stage) in cx.stages.iter().enumerate() {
        let missing = RefCell::new(Vec::new());
        let lookup = |name: &str| {
            let value = scope.global(name);
            if value.is_none() && !scope.is_global(name) {
                missing.borrow_mut().push(name.to_string());
            }
            value
        };
        let _ = decode(stage.from, escape, &lookup);
        let mut known_globals = globals.clone();
        known_globals.extend(PLATFORM_ARGS.iter().map(|name| name.to_string()));
        for name in dedup(missing.into_inner()) {
            out.push(Undefined {
                node: stage.from,
                name,
                in_from: true,
                known: known_globals.clone(),
                base_image: None,
            });
        }

        scope.end_stage(previous.as_deref());
        let parent = match cx.lowered.dockerfile.stages.get(index).map(|stage| &stage.from.base) {
            Some(BaseImage::Stage(name)) => Some(name.as_str().to_string()),
            _ => None,
        };
        scope.start_stage(parent.as_deref());
        let mut keys: Vec<String> = vec!["PATH".to_string()];
        keys.extend(parent.as_ref().and_then(|name| stage_keys.get(name)).cloned().unwrap_or_default());
        let base_image = root_image(cx, index);
        for node in stage.nodes.iter().filter(|node| EXPANDED.contains(&node.keyword.as_str())) {
            if node.keyword == "run" {
                let mut names = keys.clone();
                names.extend(PREDEFINED.iter().map(|name| name.to_string()));
                runs.push((*node, names));
            }
            let missing = RefCell::new(Vec::new());
            let declared = keys.clone();
            let lookup = |name: &str| {
                let value = scope.lookup(name);
                if value.is_none() && !declared.iter().any(|key| key == name) && !ALWAYS.contains(&name) {
                    missing.borrow_mut().push(name.to_string());
                }
                value
            };
            let decoded = decode(node, escape, &lookup);
            for name in dedup(missing.into_inner()) {
                out.push(Undefined { node, name, in_from: false, known: keys.clone(), base_image: base_image.clone() });
            }
            match decoded {
                Ok(Command::Arg(values)) => {
                    for (name, value) in values {
                        scope.stage_arg(&name, value);
                        keys.push(name);
                    }
                }
                Ok(Command::Env(pairs)) => {
                    for (name, value) in pairs {
                        scope.env(&name, value);
                        keys.push(name);
                    }
                }
                _ => {}
            }
        }
        previous = match stage.from.args.as_slice() {
            [_, as_word, name] if as_word.eq_ignore_ascii_case("as") => Some(name.to_lowercase()),
            _ => None,
        };
        if let Some(name) = &previous {
            // A stage built on this one sees its ENVs and, for this check, its declared ARGs
            // (BuildKit's dispatch state inherits `buildArgs` from its base stage).
            stage_keys.insert(name.clone(), keys);
        }
    }
    Scopes { undefined: out, runs }
}

fn dedup(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The image the stage's chain starts from, unless it is `scratch` or unknown.
fn root_image(cx: &Context<'_>, stage: usize) -> Option<String> {
    let root = *cx.chain(stage).last()?;
    let word = cx.stages.get(root)?.from.args.first()?;
    (!word.eq_ignore_ascii_case("scratch")).then(|| word.clone())
}

/// The closest of `known` to `name`, as BuildKit's `suggest.Search` picks it: the first name at the
/// smallest edit distance below 3 (none when `name` itself is known).
pub(crate) fn suggest(name: &str, known: &[String]) -> Option<String> {
    if known.iter().any(|candidate| candidate == name) {
        return None;
    }
    let mut best: Option<(usize, &String)> = None;
    for candidate in known {
        let distance = levenshtein(name, candidate);
        if distance < best.map_or(3, |(d, _)| d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate.clone())
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb { previous } else { 1 + previous.min(row[j]).min(row[j + 1]) };
            previous = current;
        }
    }
    row[b.len()]
}

/// The span of the first reference to `$name` or `${name...}` in the node, else the whole node.
pub(crate) fn reference_span(cx: &Context<'_>, node: &Node, name: &str) -> crate::import::Span {
    let original = node.original.as_str();
    let mut at = 0;
    while let Some(found) = original[at..].find('$') {
        let start = at + found;
        let rest = &original[start + 1..];
        if let Some(after) = rest.strip_prefix('{') {
            if after.starts_with(name)
                && !after[name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            {
                let end = after.find('}').map_or(original.len(), |close| start + 2 + close + 1);
                return cx.logical(node, start..end);
            }
        } else if rest.starts_with(name)
            && !rest[name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        {
            return cx.logical(node, start..start + 1 + name.len());
        }
        at = start + 1;
    }
    cx.node_span(node)
}
