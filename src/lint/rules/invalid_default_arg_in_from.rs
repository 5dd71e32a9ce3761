//! DW3009: with the global `ARG` defaults (a build without `--build-arg`), a `FROM` line's image
//! expands to an empty or invalid name (BuildKit's InvalidDefaultArgInFrom).

use super::{Rule, info};
use crate::import::lower::scope::Scope;
use crate::import::{Command, Lexer, decode};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};
use crate::model::ImageRef;

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3009",
        "invalid-default-arg-in-from",
        Severity::Warning,
        true,
        &[],
        Some("InvalidDefaultArgInFrom"),
        "a FROM image is empty or invalid with the ARG defaults",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let escape = cx.parsed.ast.directives.escape;
    let mut scope = Scope::default();
    for node in cx.globals.iter().filter(|node| node.keyword == "arg") {
        if let Ok(Command::Arg(values)) = decode(node, escape, &|name| scope.global(name)) {
            for (name, value) in values {
                scope.global_arg(&name, value);
            }
        }
    }
    let lexer = Lexer::new(escape);
    for stage in &cx.stages {
        let Some(word) = stage.from.args.first() else { continue };
        if !word.contains('$') {
            continue;
        }
        let Ok(image) = lexer.process_word(word, &|name| scope.global(name)) else { continue };
        if image.is_empty() || ImageRef::parse(&image).is_err() {
            let span = cx
                .args(stage.from)
                .first()
                .map_or(cx.node_span(stage.from), |(range, _)| cx.logical(stage.from, range.clone()));
            let shown = if image.is_empty() { "nothing".to_string() } else { format!("'{image}'") };
            out.push(Finding::new(
                span,
                format!("with the ARG defaults, base image '{word}' expands to {shown}, which is not an image name"),
                "give the global ARGs it reads defaults that make a valid image (ARG TAG=3.20), or check the FROM line",
            ));
        }
    }
}
