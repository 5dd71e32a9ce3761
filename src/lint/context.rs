//! What every rule reads: the text, BuildKit's syntax tree grouped by stage, the lowered model and its
//! analysis, and the helpers that turn a place in an instruction into a [`Span`] of the text.

use std::ops::Range;

use crate::analysis::{Analysis, StageBase, Target, analyze};
use crate::import::{Lowered, Node, Parsed, Span};

/// One stage of the syntax tree: its `FROM` node and the instructions after it.
pub(crate) struct NodeStage<'a> {
    pub(crate) from: &'a Node,
    pub(crate) nodes: Vec<&'a Node>,
}

/// The file being linted, read every way a rule needs.
pub(crate) struct Context<'a> {
    pub(crate) text: &'a str,
    pub(crate) parsed: &'a Parsed,
    pub(crate) lowered: &'a Lowered,
    pub(crate) analysis: Analysis,
    /// The instructions before the first `FROM`.
    pub(crate) globals: Vec<&'a Node>,
    /// One per `FROM`, in order: index `i` is stage `i` of the lowered model.
    pub(crate) stages: Vec<NodeStage<'a>>,
    /// The stage whose image the final-image rules judge.
    final_stage: Option<usize>,
    /// The registries base images may come from ([`Options::trust_registry`](super::Options::trust_registry)).
    pub(crate) trusted_registries: &'a std::collections::BTreeSet<String>,
    /// The oldest frontend the file must build with.
    pub(crate) frontend: crate::analysis::FrontendVersion,
}

impl<'a> Context<'a> {
    pub(crate) fn new(text: &'a str, parsed: &'a Parsed, lowered: &'a Lowered, target: Option<&str>) -> Self {
        let mut globals = Vec::new();
        let mut stages: Vec<NodeStage<'a>> = Vec::new();
        for node in &parsed.ast.nodes {
            if node.keyword == "from" {
                stages.push(NodeStage { from: node, nodes: Vec::new() });
            } else if let Some(stage) = stages.last_mut() {
                stage.nodes.push(node);
            } else {
                globals.push(node);
            }
        }
        let analysis = analyze(&lowered.dockerfile);
        let final_stage = match target {
            None => analysis.target(),
            Some(name) => analysis.resolve(&Target::stage(name)).ok(),
        };
        static NONE: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let frontend = super::Options::DEFAULT_FRONTEND;
        Context { text, parsed, lowered, analysis, globals, stages, final_stage, trusted_registries: &NONE, frontend }
    }

    /// How spans of this text are made.
    pub(crate) fn spans(&self) -> Spans<'a> {
        Spans { text: self.text, parsed: self.parsed }
    }

    /// The span of bytes `range` of the text.
    pub(crate) fn span(&self, range: Range<usize>) -> Span {
        self.spans().span(range)
    }

    /// The whole instruction.
    pub(crate) fn node_span(&self, node: &Node) -> Span {
        self.spans().node_span(node)
    }

    /// Bytes `range` of the node's joined text ([`Node::original`]), in the source text. Falls back to
    /// the instruction's span where the node has no segments (an ONBUILD trigger).
    pub(crate) fn logical(&self, node: &Node, range: Range<usize>) -> Span {
        self.spans().logical(node, range)
    }

    /// The keyword as written, and its span.
    pub(crate) fn keyword(&self, node: &Node) -> (&'a str, Span) {
        let span = self.logical(node, keyword_range(node));
        (self.text.get(span.range()).unwrap_or(""), span)
    }

    /// The words of the node's joined text after the keyword (split at white space outside quotes), with
    /// their ranges in it (flags included).
    pub(crate) fn words<'n>(&self, node: &'n Node) -> Vec<(Range<usize>, &'n str)> {
        let from = keyword_range(node).end;
        let original = node.original.as_str();
        shell_words(&original[from..])
            .into_iter()
            .map(|(range, word)| (range.start + from..range.end + from, word))
            .collect()
    }

    /// The words after the flags.
    pub(crate) fn args<'n>(&self, node: &'n Node) -> Vec<(Range<usize>, &'n str)> {
        let mut words = self.words(node);
        let flags = words.iter().take_while(|(_, word)| word.starts_with("--")).count();
        words.drain(..flags);
        words
    }

    /// The flag word `--name=...` (or `--name`) as written, with its range in the joined text.
    pub(crate) fn flag<'n>(&self, node: &'n Node, name: &str) -> Option<(Range<usize>, &'n str)> {
        self.words(node).into_iter().take_while(|(_, word)| word.starts_with("--")).find(|(_, word)| {
            let key = word.trim_start_matches('-');
            let key = key.split('=').next().unwrap_or(key);
            key.eq_ignore_ascii_case(name)
        })
    }

    /// The value of flag `--name=value` as BuildKit reads it (quotes and escapes applied).
    pub(crate) fn flag_value<'n>(node: &'n Node, name: &str) -> Option<&'n str> {
        node.flags.iter().find_map(|flag| {
            let rest = flag.strip_prefix("--")?;
            let (key, value) = rest.split_once('=').unwrap_or((rest, ""));
            key.eq_ignore_ascii_case(name).then_some(value)
        })
    }

    /// The stage the build ends with: the build target of the options, else the last stage.
    pub(crate) fn final_stage(&self) -> Option<usize> {
        self.final_stage
    }

    /// `stage` and the stages it is built on, nearest first.
    pub(crate) fn chain(&self, stage: usize) -> Vec<usize> {
        let mut out = vec![stage];
        let mut at = stage;
        while let Some(StageBase::Stage(parent)) = self.analysis.stages().get(at).map(|info| &info.base) {
            if out.contains(parent) {
                break;
            }
            out.push(*parent);
            at = *parent;
        }
        out
    }

    /// The comment lines right above line `line` (no blank line between), trimmed, first to last.
    pub(crate) fn comments_above(&self, line: usize) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut at = line;
        while at > 1 {
            at -= 1;
            let Some(range) = self.parsed.ast.lines.line(at) else { break };
            let text = self.text.get(range).unwrap_or("").trim();
            if !text.starts_with('#') {
                break;
            }
            out.push(text);
        }
        out.reverse();
        out
    }
}

/// Spans of a text from its syntax tree: what locating a finding needs, without the rest of a
/// [`Context`] (ShellCheck's findings are located after the rules have run).
#[derive(Clone, Copy)]
pub(crate) struct Spans<'a> {
    pub(crate) text: &'a str,
    pub(crate) parsed: &'a Parsed,
}

impl Spans<'_> {
    /// The span of bytes `range` of the text.
    pub(crate) fn span(&self, range: Range<usize>) -> Span {
        let end = range.end.min(self.text.len());
        Span::new(range.start.min(end)..end, &self.parsed.ast.lines)
    }

    /// The whole instruction.
    pub(crate) fn node_span(&self, node: &Node) -> Span {
        self.span(node.span.clone())
    }

    /// Bytes `range` of the node's joined text, in the source text (the instruction where the node has
    /// no segments).
    pub(crate) fn logical(&self, node: &Node, range: Range<usize>) -> Span {
        let start = node.source_offset(range.start);
        let end = match range.end.checked_sub(1) {
            Some(last) if range.end > range.start => node.source_offset(last).map(|at| at + 1),
            _ => start,
        };
        match (start, end) {
            (Some(start), Some(end)) if end >= start => self.span(start..end),
            _ => self.node_span(node),
        }
    }
}

/// The keyword's range in the node's joined text.
fn keyword_range(node: &Node) -> Range<usize> {
    let original = node.original.as_str();
    let start = original.len() - original.trim_start().len();
    let end = original[start..].find(char::is_whitespace).map_or(original.len(), |at| start + at);
    start..end
}

/// The words of `text` split at unquoted white space, with their ranges (quotes kept).
pub(crate) fn shell_words(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quote = None;
    for (at, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                start.get_or_insert(at);
            }
            None if c.is_whitespace() => {
                if let Some(begin) = start.take() {
                    out.push((begin..at, &text[begin..at]));
                }
            }
            None => {
                start.get_or_insert(at);
            }
        }
    }
    if let Some(begin) = start {
        out.push((begin..text.len(), &text[begin..]));
    }
    out
}
