//! A deliberately small reading of shell text: a script is a list of simple commands joined by `&&`,
//! `;` or newlines, each a list of plain words. Anything else (quotes, expansions, redirections, pipes,
//! subshells, comments, background jobs) makes the script opaque, and passes leave opaque scripts alone.

use crate::model::{Command, Run, ShellScript};

/// A simple command: its words, leading `NAME=value` assignments removed, and the tool's file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Simple {
    /// The command word as written (`/opt/venv/bin/pip`).
    pub path: String,
    /// Its file name (`pip`).
    pub tool: String,
    pub args: Vec<String>,
}

/// The simple commands of a shell-form RUN, or `None` when the text is opaque or the RUN is exec form.
pub(crate) fn commands(run: &Run) -> Option<Vec<Simple>> {
    let Command::Shell(script) = &run.command else { return None };
    let text = match script {
        ShellScript::Script(lines) => lines.iter().map(|l| l.as_str()).collect::<Vec<_>>().join("\n"),
        other => other.shell_text(),
    };
    parse(&text)
}

/// Parses text into simple commands (see the module docs).
pub(crate) fn parse(text: &str) -> Option<Vec<Simple>> {
    const OPAQUE: &[char] = &['\'', '"', '$', '`', '(', ')', '{', '}', '<', '>', '|', '#', '\\', '!', '~'];
    if text.contains(OPAQUE) {
        return None;
    }
    let mut out = Vec::new();
    for chunk in text.split("&&").flat_map(|part| part.split([';', '\n'])) {
        if chunk.contains('&') {
            return None;
        }
        let mut words = chunk.split([' ', '\t']).filter(|w| !w.is_empty()).peekable();
        while words.peek().is_some_and(|w| is_assignment(w)) {
            words.next();
        }
        let Some(first) = words.next() else { continue };
        let tool = first.rsplit('/').next().unwrap_or(first).to_string();
        out.push(Simple { path: first.to_string(), tool, args: words.map(str::to_string).collect() });
    }
    Some(out)
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}

pub(crate) use crate::analysis::glob::clean;
pub(crate) use crate::analysis::within;

/// An absolute path, cleaned: `/a/b`, or `/` for the root.
pub(crate) fn absolute(path: &str) -> String {
    crate::analysis::resolve_path("/", path)
}

/// Whether `a` is `b`, or one is inside the other (both absolute and cleaned).
pub(crate) fn overlaps(a: &str, b: &str) -> bool {
    within(a, b) || within(b, a)
}

/// Whether the tool is pip (`pip`, `pip3`, `pip3.12`).
pub(crate) fn is_pip(tool: &str) -> bool {
    tool.strip_prefix("pip").is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Whether the tool is a Python interpreter (`python`, `python3`, `python3.12`).
pub(crate) fn is_python(tool: &str) -> bool {
    tool.strip_prefix("python").is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_commands_and_opaque_text() {
        let parsed = parse("A=1 /opt/venv/bin/pip install -r r.txt  && rm -rf /x; true").unwrap();
        let tools: Vec<&str> = parsed.iter().map(|s| s.tool.as_str()).collect();
        assert_eq!(tools, ["pip", "rm", "true"]);
        assert_eq!(parsed[0].args, ["install", "-r", "r.txt"]);
        for opaque in ["echo $HOME", "a | b", "a > b", "a & b", "a || b", "echo 'x'", "a # c"] {
            assert_eq!(parse(opaque), None, "{opaque}");
        }
        assert!(overlaps("/app", "/app/data") && !overlaps("/app", "/apple") && within("/x", "/"));
        assert!(is_pip("pip3.12") && !is_pip("pipx") && is_python("python3"));
    }
}
