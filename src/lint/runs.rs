//! The `RUN` steps the shell rules read: each step's facts from analysis ([`RunFacts`], never the
//! shell text read again), its syntax node, and where each command and word of its script is in the
//! Dockerfile text.
//!
//! A script is found in the text as the shell received it: a shell-form `RUN`'s command text (with
//! line continuations joined, as [`Node::original`] holds it) or, for `RUN <<EOF`, the heredoc body.
//! Each command's text is looked up in order after the one before; a word is looked up inside its
//! command. What cannot be found (an exec-form `RUN`, a quoted word) is located at the enclosing
//! command, else at the instruction.

use std::ops::Range;

use super::Span;
use super::context::Context;
use crate::analysis::{Install, RunFacts, Step};
use crate::import::Node;
use crate::import::shell::ShellCommand;
use crate::model::Instruction;

/// One `RUN` of a stage, with what the rules need to read and locate it.
pub(crate) struct RunSite<'a> {
    /// Its stage.
    pub(crate) stage: usize,
    /// Its index among the stage's model instructions.
    pub(crate) index: usize,
    /// Its syntax node.
    pub(crate) node: &'a Node,
    /// Its analysis step.
    pub(crate) step: &'a Step,
    /// Its facts.
    pub(crate) facts: &'a RunFacts,
    /// Where the script's text is: the joined text of the node, or the source text (a heredoc body).
    place: Place,
    /// Each command's range in the place's text, when found.
    commands: Vec<Option<Range<usize>>>,
}

#[derive(Clone, Copy)]
enum Place {
    /// Offsets in [`Node::original`].
    Joined,
    /// Offsets in the Dockerfile text.
    Source,
    /// Not found in the text.
    Nowhere,
}

impl<'a> RunSite<'a> {
    /// The script's commands.
    pub(crate) fn commands(&self) -> &'a [ShellCommand] {
        self.facts.script.commands()
    }

    /// The index of an install's subcommand word (`install` in `apt-get install`, `add` in `apk add`)
    /// in its command; 0 (the program) when it has none.
    pub(crate) fn subcommand_word(&self, install: &Install) -> usize {
        self.commands()[install.command]
            .words
            .iter()
            .position(|word| Some(&word.text) == install.subcommand.as_ref())
            .unwrap_or(0)
    }

    /// Whether the script is the body of a heredoc (`RUN <<EOF`).
    pub(crate) fn is_heredoc_body(&self) -> bool {
        heredoc_body(self.node).is_some()
    }

    /// The rest of the `#!` line a `RUN <<EOF` body starts with (`/bin/awk -f`): BuildKit runs such a
    /// body as an executable file, with that interpreter.
    pub(crate) fn shebang(&self) -> Option<&'a str> {
        if !self.is_heredoc_body() {
            return None;
        }
        let body = self.node.heredocs.first()?.content.trim_start_matches('\t').strip_prefix("#!")?;
        Some(body.lines().next().unwrap_or(""))
    }

    /// Where command `index` is (the instruction when it cannot be found).
    pub(crate) fn command_span(&self, cx: &Context<'_>, index: usize) -> Span {
        match self.commands.get(index).cloned().flatten() {
            Some(range) => self.to_span(cx, range),
            None => cx.node_span(self.node),
        }
    }

    /// Where commands `first` to `last` (both included) are.
    pub(crate) fn commands_span(&self, cx: &Context<'_>, first: usize, last: usize) -> Span {
        match (self.commands.get(first).cloned().flatten(), self.commands.get(last).cloned().flatten()) {
            (Some(a), Some(b)) if b.end >= a.start => self.to_span(cx, a.start..b.end),
            _ => self.command_span(cx, first),
        }
    }

    /// Where word `word` (0 is the program) of command `index` is; the command when it cannot be found.
    pub(crate) fn word_span(&self, cx: &Context<'a>, index: usize, word: usize) -> Span {
        match self.word_range(cx, index, word) {
            Some(range) => self.to_span(cx, range),
            None => self.command_span(cx, index),
        }
    }

    /// The range in the Dockerfile text of word `word` of command `index`, when found.
    pub(crate) fn word_source(&self, cx: &Context<'a>, index: usize, word: usize) -> Option<Range<usize>> {
        let range = self.word_range(cx, index, word)?;
        let span = self.to_span(cx, range.clone());
        // A range that crosses a line continuation is not one piece of the source.
        (span.range().len() == range.len()).then(|| span.range())
    }

    /// The range in the Dockerfile text of command `index`, when found in one piece.
    pub(crate) fn command_source(&self, cx: &Context<'_>, index: usize) -> Option<Range<usize>> {
        let range = self.commands.get(index).cloned().flatten()?;
        let span = self.to_span(cx, range.clone());
        (span.range().len() == range.len() && !matches!(self.place, Place::Nowhere)).then(|| span.range())
    }

    /// The start and end in the Dockerfile text of the whole script, when every command was found.
    pub(crate) fn script_source(&self, cx: &Context<'_>) -> Option<Range<usize>> {
        if matches!(self.place, Place::Nowhere) || self.commands.iter().any(Option::is_none) {
            return None;
        }
        let first = self.commands.first().cloned().flatten()?;
        let last = self.commands.last().cloned().flatten()?;
        let start = self.to_span(cx, first.start..first.start + 1).start;
        let end = self.to_span(cx, last.end - 1..last.end).end;
        Some(start..end)
    }

    fn word_range(&self, cx: &Context<'a>, index: usize, word: usize) -> Option<Range<usize>> {
        let command = self.commands().get(index)?;
        let range = self.commands.get(index).cloned().flatten()?;
        let text = self.text(cx).get(range.clone())?;
        // Past the assignments, then each word in order.
        let mut at = 0;
        for assignment in &command.assignments {
            if let Some(found) = text[at..].find(assignment.text.as_str()) {
                at += found + assignment.text.len();
            }
        }
        let mut found_range = None;
        for (i, w) in command.words.iter().enumerate() {
            let found = (!w.text.is_empty()).then(|| text[at..].find(w.text.as_str())).flatten();
            if let Some(found) = found {
                let start = at + found;
                at = start + w.text.len();
                if i == word {
                    found_range = Some(range.start + start..range.start + at);
                }
            }
            if i == word {
                break;
            }
        }
        found_range
    }

    fn text(&self, cx: &Context<'a>) -> &'a str {
        match self.place {
            Place::Joined => self.node.original.as_str(),
            Place::Source => cx.text,
            Place::Nowhere => "",
        }
    }

    fn to_span(&self, cx: &Context<'_>, range: Range<usize>) -> Span {
        match self.place {
            Place::Joined => cx.logical(self.node, range),
            Place::Source => cx.span(range),
            Place::Nowhere => cx.node_span(self.node),
        }
    }
}

/// Every `RUN` step with facts, in text order.
pub(crate) fn runs<'a>(cx: &'a Context<'a>) -> Vec<RunSite<'a>> {
    let mut out = Vec::new();
    for step in cx.analysis.steps() {
        let Some(facts) = &step.run else { continue };
        let (stage, index) = (step.location.stage, step.location.instruction);
        let Some(origin) = cx.lowered.source_map.instruction(stage, index) else { continue };
        let Some(nodes) = cx.stages.get(stage) else { continue };
        let Some(node) = nodes.nodes.iter().copied().find(|node| node.span.start == origin.span.start) else {
            continue;
        };
        if node.keyword != "run" {
            continue;
        }
        let shell = cx
            .lowered
            .dockerfile
            .stages
            .get(stage)
            .and_then(|s| s.instructions.get(index))
            .is_some_and(|instruction| matches!(instruction, Instruction::Run(run) if matches!(run.command, crate::model::Command::Shell(_))));
        let (place, start, text) = match heredoc_body(node) {
            Some(body) if shell => (Place::Source, body.start, cx.text.get(body).unwrap_or("")),
            Some(_) => (Place::Nowhere, 0, ""),
            None if shell && node.heredocs.is_empty() && !node.json => {
                let from = cx.args(node).first().map_or(node.original.len(), |(range, _)| range.start);
                (Place::Joined, from, node.original.get(from..).unwrap_or(""))
            }
            None => (Place::Nowhere, 0, ""),
        };
        let mut commands = Vec::new();
        let mut at = 0;
        for command in facts.script.commands() {
            let found = match place {
                Place::Nowhere => None,
                _ => text.get(at..).and_then(|rest| rest.find(command.text.as_str())),
            };
            match found {
                Some(found) if !command.text.is_empty() => {
                    let begin = at + found;
                    at = begin + command.text.len();
                    commands.push(Some(start + begin..start + at));
                }
                _ => commands.push(None),
            }
        }
        out.push(RunSite { stage, index, node, step, facts, place, commands });
    }
    out
}

/// The source range of the heredoc body a `RUN <<EOF` runs as its script: the command line is one
/// heredoc word and nothing else.
fn heredoc_body(node: &Node) -> Option<Range<usize>> {
    if node.heredocs.is_empty() || node.json {
        return None;
    }
    let words: Vec<&str> = crate::lint::context::shell_words(&node.original)
        .into_iter()
        .skip(1)
        .map(|(_, word)| word)
        .filter(|word| !word.starts_with("--"))
        .collect();
    if words.len() != 1 || !words[0].starts_with("<<") {
        return None;
    }
    let span = node.heredoc_spans.first()?.clone();
    let doc = node.heredocs.first()?;
    // The body without its terminator line.
    let body_len = doc.content.len().min(span.len());
    Some(span.start..span.start + body_len)
}
