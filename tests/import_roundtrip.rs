//! Round trips through `import::lower` and `emit`, counted (`cargo test --test import_roundtrip --
//! --nocapture` prints the counts; `book/src/import.md` records them):
//!
//! - every Dockerfile of BuildKit's corpus that BuildKit accepts: lowering the emitted model gives
//!   the same model, `lower(parse(emit(lower(parse(text))))) == lower(parse(text))`;
//! - the examples and proptest-generated models: `lower(parse(emit(m))) == m`, up to the named limits
//!   below, each applied by [`limits`] and counted;
//! - parse + lower never panic, on arbitrary bytes and on strings of Dockerfile-ish tokens.
//!
//! Every exception is named; the tests assert the exact set, so a new one fails them.

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/seeds.rs"]
mod seeds;
#[path = "support/strategies.rs"]
mod strategies;

use std::collections::BTreeMap;
use std::fs;

use dockwright::emit;
use dockwright::import::{Lowered, lower, parse};
use dockwright::model::{
    Command, Comment, CommentLine, Dockerfile, Healthcheck, Instruction, Part, ShellScript, Stage, Value,
};
use dockwright::{Line, Text};
use pretty_assertions::assert_eq;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn round(dockerfile: &Dockerfile) -> Lowered {
    lower(&parse(&emit(dockerfile)))
}

// ---------------------------------------------------------------------------------------------
// BuildKit's corpus

/// The accepted corpus files whose model is not kept whole, with the limit that explains each
/// (`book/src/import.md` lists them with their reasons).
const NOT_KEPT: &[(&str, &str)] = &[
    ("extracted/dockerfile_check/testReservedStageName__01.Dockerfile", "reserved-stage-name"),
    (
        "extracted/dockerfile_provenance/testProvenanceExportLocalMultiPlatformNoSplit__01.Dockerfile",
        "heredoc-destination-variable",
    ),
];

/// The accepted corpus files whose lowered model changes when emitted and lowered again.
const UNSTABLE: &[(&str, &str)] = &[];

#[test]
fn corpus_round_trips() {
    let root = corpus::root();
    let files = corpus::dockerfiles();
    let (mut rejected, mut accepted, mut stable) = (0, 0, 0);
    let mut not_kept: Vec<String> = Vec::new();
    let mut unstable: Vec<String> = Vec::new();
    let mut diffs = String::new();
    for path in &files {
        let name = path.strip_prefix(&root).unwrap_or(path).display().to_string();
        let text = match fs::read(path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(err) => panic!("cannot read {name}: {err}"),
        };
        let first = lower(&parse(&text));
        if first.rejected() {
            rejected += 1;
            continue;
        }
        accepted += 1;
        if first.has_errors() {
            not_kept.push(name.clone());
        }
        let second = round(&first.dockerfile);
        if second.dockerfile == first.dockerfile && !second.has_errors() {
            stable += 1;
        } else {
            diffs.push_str(&format!("=== {name}\n{}\n", emit(&first.dockerfile)));
            unstable.push(name);
        }
    }
    println!(
        "BuildKit corpus: {} Dockerfiles, {rejected} refused by BuildKit, {accepted} accepted; {} kept whole; \
         {stable} of {accepted} stable through emit and lower",
        files.len(),
        accepted - not_kept.len()
    );
    for (file, limit) in NOT_KEPT {
        println!("  not kept ({limit}): {file}");
    }
    assert!(files.len() >= 550, "expected the corpus's 557 Dockerfiles, found {}", files.len());
    let expected: Vec<&str> = NOT_KEPT.iter().map(|(file, _)| *file).collect();
    assert_eq!(not_kept, expected, "accepted files whose model is not kept whole");
    let expected: Vec<&str> = UNSTABLE.iter().map(|(file, _)| *file).collect();
    assert_eq!(unstable, expected, "files that are not stable:\n{diffs}");
}

// ---------------------------------------------------------------------------------------------
// Named limits: how `lower(parse(emit(m)))` may differ from a model `m` written in Rust.

/// The named limits, in the order [`limits`] applies them.
const LIMITS: &[&str] = &[
    // Adjacent comment instructions are written as consecutive `#` lines, read back as one comment;
    // a carriage return in a comment is written as a line break.
    "comments-merge",
    // A file comment that starts with an empty line before a directive-shaped line: the emitter's guard
    // line is read as that empty line and dropped.
    "comment-guard",
    // Adjacent literal parts of a value are one literal in text.
    "literals-merge",
    // `ShellScript::Steps` the emitter cannot write as continued ` && ` lines (one step, or a step that
    // is not one-line shell), and steps of CMD, ENTRYPOINT and HEALTHCHECK: their shell text.
    "steps-as-text",
    // `ShellScript::Script` lines holding line breaks are read back split at them.
    "script-lines",
    // Shell text with a leading `set -e` line written as a heredoc is read back as a script.
    "text-as-script",
    // Shell text the emitter writes as the exec form of the stage's shell comes back in exec form.
    "shell-as-exec",
];

/// `m` with every named limit applied, and the names of the limits that changed it.
fn limits(dockerfile: &Dockerfile) -> (Dockerfile, Vec<&'static str>) {
    let mut out = dockerfile.clone();
    let mut used: Vec<&'static str> = Vec::new();
    let mut note = |name: &'static str, changed: bool| {
        if changed && !used.contains(&name) {
            used.push(name);
        }
    };
    // comment-guard
    if dockerfile.directives == Default::default() {
        if let Some(comment) = &out.comment {
            let text = comment.as_str().replace('\r', "\n");
            let mut lines = text.split('\n');
            let first_empty = lines.next() == Some("");
            let second = lines.next().map(|line| if line.is_empty() { "#".to_string() } else { format!("# {line}") });
            if first_empty && second.is_some_and(|line| dockwright::emit::could_be_directive(&line)) {
                out.comment = Comment::new(&text[1..]).ok();
                note("comment-guard", true);
            }
        }
    }
    let mut shells: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for stage in &mut out.stages {
        let mut shell: Vec<String> = match &stage.from.base {
            dockwright::model::BaseImage::Stage(name) => shells.get(name.as_str()).cloned(),
            _ => None,
        }
        .unwrap_or_else(|| vec!["/bin/sh".into(), "-c".into()]);
        let escape = dockerfile.directives.escape.char();
        let mut instructions: Vec<Instruction> = Vec::new();
        for mut instruction in std::mem::take(&mut stage.instructions) {
            normalize(&mut instruction, &shell, escape, &mut note);
            if let Instruction::Shell(set) = &instruction {
                shell = set.argv.iter().map(|arg| arg.as_str().to_string()).collect();
            }
            match (instructions.last_mut(), &instruction) {
                (Some(Instruction::Comment(before)), Instruction::Comment(next)) => {
                    let text = format!("{}\n{}", before.text.as_str(), next.text.as_str());
                    before.text = Comment::new(text).unwrap_or_else(|_| before.text.clone());
                    note("comments-merge", true);
                }
                _ => instructions.push(instruction),
            }
        }
        stage.instructions = instructions;
        if let Some(name) = stage.name() {
            shells.insert(name.to_string(), shell);
        }
        if let Some(comment) = &stage.comment {
            let text = comment.as_str().replace('\r', "\n");
            note("comments-merge", text != comment.as_str());
            stage.comment = Comment::new(text).ok();
        }
    }
    if let Some(comment) = &out.comment {
        let text = comment.as_str().replace('\r', "\n");
        note("comments-merge", text != comment.as_str());
        out.comment = Comment::new(text).ok();
    }
    for arg in &mut out.args {
        if let Some(default) = &mut arg.default {
            note("literals-merge", merge_literals(default));
        }
    }
    (out, used)
}

fn normalize(instruction: &mut Instruction, shell: &[String], escape: char, note: &mut dyn FnMut(&'static str, bool)) {
    match instruction {
        Instruction::Comment(comment) => {
            let text = comment.text.as_str().replace('\r', "\n");
            note("comments-merge", text != comment.text.as_str());
            if let Ok(text) = Comment::new(text) {
                comment.text = text;
            }
        }
        Instruction::Env(env) => env.vars.values_mut().for_each(|value| note("literals-merge", merge_literals(value))),
        Instruction::Label(label) => {
            label.labels.values_mut().for_each(|value| note("literals-merge", merge_literals(value)));
        }
        Instruction::Arg(arg) => {
            if let Some(value) = &mut arg.default {
                note("literals-merge", merge_literals(value));
            }
        }
        Instruction::Workdir(workdir) => note("literals-merge", merge_literals(&mut workdir.path)),
        Instruction::Run(run) => script(&mut run.command, true, shell, escape, note),
        Instruction::Cmd(cmd) => script(&mut cmd.command, false, shell, escape, note),
        Instruction::Entrypoint(entrypoint) => script(&mut entrypoint.command, false, shell, escape, note),
        Instruction::Healthcheck(Healthcheck::Check { command, .. }) => script(command, false, shell, escape, note),
        Instruction::OnBuild(onbuild) => normalize(&mut onbuild.trigger, shell, escape, note),
        _ => {}
    }
}

/// A shell script as it is read back: the form the emitter writes it in.
fn script(command: &mut Command, run: bool, shell: &[String], escape: char, note: &mut dyn FnMut(&'static str, bool)) {
    let Command::Shell(script) = command else {
        return;
    };
    let text = script.shell_text();
    let one_line = |s: &str| written_on_one_line(s, escape);
    // What the emitter writes: steps on continued lines, a script or text as a heredoc, else one line.
    match script {
        ShellScript::Steps(steps) if run && steps.len() > 1 && steps.iter().all(|s| one_line(s.as_str())) => {}
        ShellScript::Steps(_) => {
            note("steps-as-text", true);
            *script = ShellScript::Text(Text::new(text.clone()).unwrap());
        }
        ShellScript::Script(lines) => {
            let split: Vec<Text> = text["set -e\n".len()..].split('\n').map(|l| Text::new(l).unwrap()).collect();
            note("script-lines", &split != lines);
            *lines = split;
        }
        _ => {}
    }
    let heredoc = run && dockwright::emit::is_heredoc_body(&text);
    let exec = match script {
        ShellScript::Steps(_) => false,
        ShellScript::Script(_) => !heredoc,
        _ => !one_line(&text) && !heredoc,
    };
    if exec {
        note("shell-as-exec", true);
        let argv = shell.iter().map(String::as_str).chain([text.as_str()]).map(|s| Text::new(s).unwrap()).collect();
        *command = Command::Exec(argv);
    } else if let ShellScript::Text(_) = script {
        if heredoc && !one_line(&text) && text.starts_with("set -e\n") {
            note("text-as-script", true);
            *script =
                ShellScript::Script(text["set -e\n".len()..].split('\n').map(|l| Text::new(l).unwrap()).collect());
        }
    }
}

/// Whether the emitter writes `text` after its keyword on one line: its one-line rule, and short enough
/// that the instruction is not written in the long form (where shell text is exec form).
fn written_on_one_line(text: &str, escape: char) -> bool {
    dockwright::emit::is_one_line_shell(text, escape) && text.len() <= 65_000
}

/// Merges adjacent literal parts; true when that changed the value.
fn merge_literals(value: &mut Value) -> bool {
    let mut parts: Vec<Part> = Vec::new();
    for part in value.parts() {
        match (parts.last_mut(), part) {
            (Some(Part::Literal(before)), Part::Literal(next)) => {
                *before = Line::new(format!("{}{}", before.as_str(), next.as_str())).unwrap();
            }
            _ => parts.push(part.clone()),
        }
    }
    let changed = parts.len() != value.parts().len();
    *value = Value::from_parts(parts);
    changed
}

// ---------------------------------------------------------------------------------------------
// The examples

#[test]
fn examples_round_trip() {
    let (mut count, mut exact) = (0, 0);
    let mut with_limits: Vec<String> = Vec::new();
    for (example, service, image) in seeds::images() {
        let model = match image.to_model() {
            Ok(model) => model,
            Err(errors) => panic!("{example} {service}: {errors}"),
        };
        let lowered = round(&model);
        assert_eq!(lowered.diagnostics, [], "{example} {service}");
        let (expected, used) = limits(&model);
        assert_eq!(lowered.dockerfile, expected, "{example} {service}");
        if used.is_empty() {
            exact += 1;
        } else {
            with_limits.push(format!("{example} {service}: {}", used.join(", ")));
        }
        count += 1;
    }
    println!(
        "examples: {count} of {count} images lower back to the model they were emitted from, {exact} exactly; {}",
        with_limits.join("; ")
    );
    // The DSL makes a one-step `Run::steps` (appos's Alpine install) the command itself, as lowering
    // reads it back, so no example needs a limit.
    assert_eq!(with_limits, Vec::<String>::new());
    assert!(count >= 10, "expected the examples' images, found {count}");
}

// ---------------------------------------------------------------------------------------------
// Generated models

#[test]
fn generated_models_round_trip() {
    let cases: u32 = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let counts = std::cell::RefCell::new(BTreeMap::<&str, u32>::new());
    let exact = std::cell::Cell::new(0u32);
    let invalid = std::cell::Cell::new(0u32);
    let result = runner.run(&strategies::dockerfile(), |model| {
        let lowered = round(&model);
        if model.validate().is_err() {
            // A model that does not validate can mean something else to BuildKit (a VOLUME path ending in a
            // space it trims, a blank one it refuses): what it reads must still be stable.
            invalid.set(invalid.get() + 1);
            if !lowered.rejected() {
                prop_assert_eq!(&round(&lowered.dockerfile).dockerfile, &lowered.dockerfile);
            }
            return Ok(());
        }
        prop_assert!(!lowered.rejected(), "a valid model is refused: {:?}", lowered.diagnostics);
        let problems: Vec<String> = lowered
            .diagnostics
            .iter()
            .filter(|d| d.severity != dockwright::import::Severity::Note)
            .map(ToString::to_string)
            .collect();
        prop_assert_eq!(problems, Vec::<String>::new());
        let (expected, used) = limits(&model);
        prop_assert_eq!(&lowered.dockerfile, &expected, "emitted:\n{}", emit(&model));
        if used.is_empty() {
            exact.set(exact.get() + 1);
        }
        for name in used {
            *counts.borrow_mut().entry(name).or_default() += 1;
        }
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
    let counts = counts.into_inner();
    println!(
        "generated models: {cases}; {} do not validate (what BuildKit reads of them is stable); the other {} lower \
         back to the model up to the named limits, {} exactly; limits used: {counts:?}",
        invalid.get(),
        cases - invalid.get(),
        exact.get()
    );
    for name in counts.keys() {
        assert!(LIMITS.contains(name), "unnamed limit {name}");
    }
}

// ---------------------------------------------------------------------------------------------
// No panics

/// Pieces of Dockerfiles, to build hostile but Dockerfile-shaped text from.
const TOKENS: &[&str] = &[
    "FROM ",
    "RUN ",
    "COPY ",
    "ADD ",
    "ENV ",
    "ARG ",
    "LABEL ",
    "ONBUILD ",
    "HEALTHCHECK ",
    "CMD ",
    "SHELL ",
    "USER ",
    "VOLUME ",
    "EXPOSE ",
    "WORKDIR ",
    "STOPSIGNAL ",
    "MAINTAINER ",
    "AS ",
    "--from=",
    "--mount=",
    "type=cache,target=/c",
    "--platform=",
    "$BUILDPLATFORM",
    "${A:-b}",
    "${A}",
    "$A",
    "=",
    "\"",
    "'",
    "\\",
    "`",
    "\n",
    "\r\n",
    " ",
    "\t",
    "#",
    "# escape=`",
    "# syntax=x",
    "<<EOF",
    "<<-'E'",
    "EOF",
    "[",
    "]",
    "[\"a\", \"b\"]",
    "&&",
    "0",
    "alpine",
    "x:1",
    "/a",
    "\u{feff}",
    "é",
    "\u{a0}",
    "--",
    "--link",
    "NONE",
    "CMD",
    "set -e",
    "#!/bin/sh",
];

const KEYWORDS: &[&str] = &[
    "FROM",
    "RUN",
    "COPY",
    "ADD",
    "ENV",
    "ARG",
    "LABEL",
    "ONBUILD RUN",
    "ONBUILD COPY",
    "HEALTHCHECK",
    "CMD",
    "ENTRYPOINT",
    "SHELL",
    "USER",
    "VOLUME",
    "EXPOSE",
    "WORKDIR",
    "STOPSIGNAL",
    "MAINTAINER",
    "#",
    "run",
];

const WORDS: &[&str] = &[
    "a",
    "/a",
    "b/",
    "x=1",
    "A=$B",
    "A=${B}",
    "A=\"x y\"",
    "'q r'",
    "--from=base",
    "--from=0",
    "--chown=app",
    "--chmod=755",
    "--link",
    "--mount=type=cache,target=/c",
    "--mount=type=bind,from=base,target=/b",
    "--network=none",
    "--platform=$BUILDPLATFORM",
    "[\"a\", \"b\"]",
    "[\"/bin/sh\", \"-c\"]",
    "&&",
    "echo",
    "$HOME",
    "${X:-y}",
    "<<EOF",
    "<<'EOF'",
    "<<-EOF",
    "80",
    "53/udp",
    "CMD",
    "NONE",
    "--interval=5s",
    "SIGTERM",
    "#",
    "\\",
    "`",
    "é",
    "set -e",
    "alpine:3",
    "AS",
    "stage",
    "[",
    "]",
];

fn line() -> impl Strategy<Value = String> {
    (
        prop::sample::select(KEYWORDS),
        prop::collection::vec(prop::sample::select(WORDS), 0..5),
        prop::sample::select(&["\n", " \\\n && ", "\n\n", "\r\n", "\nhello $X\nEOF\n", " \\\n# c\n "][..]),
    )
        .prop_map(|(keyword, words, end)| format!("{keyword} {}{end}", words.join(" ")))
}

fn check_no_panic(text: &str) {
    let lowered = lower(&parse(text));
    // Whatever was lowered can be emitted and lowered again.
    let _ = round(&lowered.dockerfile);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_no_panic(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn dockerfile_tokens_never_panic(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..60)) {
        check_no_panic(&tokens.concat());
    }

    /// What is lowered from an accepted file and kept whole is stable through emit and lower.
    #[test]
    fn dockerfile_lines_lower_stably(lines in prop::collection::vec(line(), 1..12)) {
        let text = format!("FROM alpine AS base\n{}", lines.concat());
        let first = lower(&parse(&text));
        if !first.has_errors() {
            let second = round(&first.dockerfile);
            prop_assert_eq!(&second.dockerfile, &first.dockerfile, "emitted:\n{}", emit(&first.dockerfile));
            prop_assert!(!second.has_errors(), "{:?}", second.diagnostics);
        }
    }
}

/// The limits helper on one model per limit: it names exactly that limit, and the round trip gives
/// what it says.
#[test]
fn each_limit_is_what_the_round_trip_does() {
    let stage = |instructions: Vec<Instruction>| {
        let mut stage = Stage::new(dockwright::model::FromInstruction {
            platform: None,
            base: dockwright::model::BaseImage::Image(dockwright::ImageRef::parse("a").unwrap()),
            name: None,
        });
        stage.instructions = instructions;
        Dockerfile { stages: vec![stage], ..Dockerfile::default() }
    };
    let comment = |text: &str| Instruction::Comment(CommentLine { text: Comment::new(text).unwrap() });
    let run = |script: ShellScript| Instruction::Run(dockwright::model::Run::new(Command::Shell(script)));
    let texts = |lines: &[&str]| lines.iter().map(|line| Text::new(*line).unwrap()).collect::<Vec<_>>();
    let mut guarded = stage(Vec::new());
    guarded.comment = Some(Comment::new("\nsyntax=x").unwrap());
    let mut env = dockwright::model::Env::default();
    let parts = vec![Part::Literal(Line::new("a").unwrap()), Part::Literal(Line::new("b").unwrap())];
    env.vars.insert(dockwright::VarName::new("A").unwrap(), Value::from_parts(parts));
    let cases: Vec<(&str, Dockerfile)> = vec![
        ("comments-merge", stage(vec![comment("one"), comment("two")])),
        ("comments-merge", stage(vec![comment("a\rb")])),
        ("comment-guard", guarded),
        ("literals-merge", stage(vec![Instruction::Env(env)])),
        ("steps-as-text", stage(vec![run(ShellScript::Steps(texts(&["make"])))])),
        ("script-lines", stage(vec![run(ShellScript::Script(texts(&["a\nb"])))])),
        ("text-as-script", stage(vec![run(ShellScript::Text(Text::new("set -e\nmake").unwrap()))])),
        ("shell-as-exec", stage(vec![run(ShellScript::Text(Text::new("[ -f x ]\\").unwrap()))])),
    ];
    for (limit, model) in cases {
        let (expected, used) = limits(&model);
        assert_eq!(used, [limit], "{}", emit(&model));
        assert_eq!(round(&model).dockerfile, expected, "{limit}: {}", emit(&model));
    }
}
