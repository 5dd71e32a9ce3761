//! The linter, rule by rule, through the public API.
//!
//! Every rule has `tests/lint/<CODE>/fires.Dockerfile`, which must give at least one finding of that
//! code (rendered in `fires.expected`: each finding, its help, the text it points at, and the file
//! with the rule's fixes applied), and `passes.Dockerfile`, which must give none. A fix must make its
//! finding go away: the fixed text is linted again. To write the expected files after an intended
//! change, run `UPDATE_GOLDEN=1 cargo test --test lint` and review the diff.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

#[path = "support/shellcheck.rs"]
mod shellcheck;

use dockwright::lint::{Diagnostic, Options, Severity, apply_fixes, check, check_with, rule, rules};
use pretty_assertions::assert_eq;
use proptest::prelude::*;

/// Every rule enabled: the golden files test the rules that are off by default too.
fn all_rules() -> Options {
    rules().iter().fold(Options::default(), |options, rule| options.enable(rule.code))
}

/// The findings of the rule with `code` (for DW3023 shellcheck, ShellCheck's `SC` codes too).
fn of_code<'d>(found: &'d [Diagnostic], code: &str) -> Vec<&'d Diagnostic> {
    let name = rule(code).map_or("", |info| info.name);
    found.iter().filter(|diagnostic| diagnostic.code == code || diagnostic.rule == name).collect()
}

fn render(text: &str, found: &[&Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in found {
        writeln!(out, "{diagnostic}").unwrap();
        writeln!(out, "  at: {:?} ({})", &text[diagnostic.span.range()], diagnostic.span).unwrap();
        writeln!(out, "  help: {}", diagnostic.help).unwrap();
        if let Some(fix) = &diagnostic.fix {
            for edit in &fix.edits {
                writeln!(out, "  fix: {:?} -> {:?}", &text[edit.range.clone()], edit.replacement).unwrap();
            }
        }
    }
    out
}

#[test]
fn every_rule_fires_and_passes_as_its_golden_files_say() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let options = all_rules();
    let mut failures = Vec::new();
    // ShellCheck's findings (DW3023) need the program; without it that rule's golden file is skipped.
    let shellcheck = shellcheck::program();
    let check = |text: &str, options: &Options| match &shellcheck {
        Some(program) => check_with(text, options, program.as_ref()),
        None => check(text, options),
    };
    for info in rules() {
        if info.code == "DW3023" && shellcheck.is_none() {
            continue;
        }
        let dir = root.join(info.code);
        let fires = fs::read_to_string(dir.join("fires.Dockerfile"))
            .unwrap_or_else(|err| panic!("{}: no fires.Dockerfile: {err}", info.code));
        let passes = fs::read_to_string(dir.join("passes.Dockerfile"))
            .unwrap_or_else(|err| panic!("{}: no passes.Dockerfile: {err}", info.code));

        let found = check(&fires, &options);
        let mine = of_code(&found, info.code);
        assert!(!mine.is_empty(), "{}: fires.Dockerfile gives no {} finding:\n{fires}", info.code, info.code);
        for diagnostic in &mine {
            assert_eq!(diagnostic.rule, info.name);
        }
        // Every finding of the file is some rule's: nothing unexpected slips into other codes' counts.
        assert!(found.iter().all(|diagnostic| rule(diagnostic.rule).is_some()));
        let mut rendered = render(&fires, &mine);
        let fixes: Vec<Diagnostic> = mine.iter().filter(|d| d.fix.is_some()).map(|d| (*d).clone()).collect();
        if !fixes.is_empty() {
            let fixed = apply_fixes(&fires, &fixes);
            let again = check(&fixed, &options);
            let left: Vec<String> = of_code(&again, info.code).iter().map(|d| d.to_string()).collect();
            let unfixed = mine.len() - fixes.len();
            assert_eq!(left.len(), unfixed, "{}: after its fixes, still:\n{}\n{fixed}", info.code, left.join("\n"));
            write!(rendered, "--- fixed\n{fixed}").unwrap();
        }
        let expected_path = dir.join("fires.expected");
        if update {
            fs::write(&expected_path, &rendered).unwrap();
        } else {
            let expected = fs::read_to_string(&expected_path).unwrap_or_default();
            if expected != rendered {
                failures.push(format!(
                    "{}: fires.expected differs:\n--- expected\n{expected}\n--- got\n{rendered}",
                    info.code
                ));
            }
        }

        let found = check(&passes, &options);
        let wrong = render(&passes, &of_code(&found, info.code));
        assert_eq!(wrong, "", "{}: passes.Dockerfile must give no {} finding", info.code, info.code);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // No directory without a rule.
    for entry in fs::read_dir(&root).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(rule(&name).is_some(), "tests/lint/{name} is no rule's code");
    }
}

#[test]
fn registry_codes_and_names_are_unique_and_well_formed() {
    let rules = rules();
    for (i, info) in rules.iter().enumerate() {
        assert!(info.code.len() == 6 && info.code.starts_with("DW"), "{}", info.code);
        assert!(info.code[2..].chars().all(|c| c.is_ascii_digit()), "{}", info.code);
        assert!(info.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", info.name);
        for other in &rules[i + 1..] {
            assert_ne!(info.code, other.code);
            assert_ne!(info.name, other.name);
            assert!(info.buildkit.is_none() || info.buildkit != other.buildkit, "{} and {}", info.code, other.code);
        }
        // hadolint codes exist in hadolint 2.15.1's list (data, read from the shared directory when present).
        if let Ok(tsv) = fs::read_to_string("/work/shared/data/hadolint/rules.tsv") {
            for code in info.hadolint {
                assert!(
                    tsv.lines().any(|line| line.starts_with(&format!("{code}\t"))),
                    "{}: unknown {code}",
                    info.code
                );
            }
        }
    }
}

/// The book's mapping table is the registry, row for row.
#[test]
fn book_table_matches_the_registry() {
    let book = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src/lint.md")).unwrap();
    let mut rows = String::new();
    for info in rules() {
        let hadolint = if info.hadolint.is_empty() { "-".to_string() } else { info.hadolint.join(", ") };
        writeln!(
            rows,
            "| [{code}](#{lower}-{name}) | {name} | {severity} | {on} | {hadolint} | {buildkit} |",
            code = info.code,
            lower = info.code.to_lowercase(),
            name = info.name,
            severity = info.severity,
            on = if info.enabled { "on" } else { "off" },
            buildkit = info.buildkit.unwrap_or("-"),
        )
        .unwrap();
    }
    assert!(book.contains(&rows), "book/src/lint.md must hold the table, exactly:\n{rows}");
    for info in rules() {
        let heading = format!("## {} {}", info.code, info.name);
        assert!(book.contains(&heading), "book/src/lint.md has no section '{heading}'");
    }
}

#[test]
fn options_enable_disable_and_override_severity() {
    let text = "FROM alpine\nUSER root\n";
    let codes = |options: &Options| check(text, options).iter().map(|d| (d.code, d.severity)).collect::<Vec<_>>();
    assert_eq!(codes(&Options::default()), [("DW2001", Severity::Warning), ("DW1001", Severity::Warning)]);
    assert_eq!(codes(&Options::default().disable("DL3006")), [("DW1001", Severity::Warning)]);
    assert_eq!(
        codes(&Options::default().enable("base-undigested").severity("DW1001", Severity::Error)),
        [("DW2001", Severity::Warning), ("DW2003", Severity::Info), ("DW1001", Severity::Error)]
    );
    assert_eq!(Options::default().disable("DL9999").severity("nope", Severity::Info).unknown(), ["DL9999", "nope"]);

    // Switched off and on again by another id: the later call wins.
    assert_eq!(codes(&Options::default().disable("DL3002").enable("user-root")), codes(&Options::default()));
    assert_eq!(
        codes(&Options::default().enable("base-undigested").disable("DW2003").enable("DL3002").disable("DW2001")),
        [("DW1001", Severity::Warning)]
    );

    // One rule named twice by different ids: the later call wins, whichever id sorts first.
    let user_root = |options: Options| codes(&options.disable("DW2001"));
    for (first, second) in [("DL3002", "DW1001"), ("DW1001", "DL3002"), ("user-root", "DL3002")] {
        let options = Options::default().severity(first, Severity::Error).severity(second, Severity::Info);
        assert_eq!(user_root(options), [("DW1001", Severity::Info)], "{first} then {second}");
        let options = Options::default().severity(first, Severity::Info).severity(second, Severity::Error);
        assert_eq!(user_root(options), [("DW1001", Severity::Error)], "{first} then {second}");
    }

    // The final-image rules judge the build target; a name that is no stage judges no image.
    let text =
        "FROM alpine:3.20 AS Base\nEXPOSE 80\nUSER root\n\nFROM base AS app\nUSER 1\nHEALTHCHECK CMD [\"true\"]\n";
    let final_image = |options: Options| {
        check(text, &options.disable("DW5003")).iter().map(|d| (d.code, d.span.from.line)).collect::<Vec<_>>()
    };
    assert_eq!(final_image(Options::default()), []);
    assert_eq!(final_image(Options::default().target("BASE")), [("DW3014", 2), ("DW1001", 3)]);
    assert_eq!(final_image(Options::default().target("nope")), []);
}

#[test]
fn inline_ignores_silence_the_next_instruction_only() {
    let cases: &[(&str, &[&str])] = &[
        ("FROM alpine:3.20\n# dockwright ignore=DW3011\nMAINTAINER me\nMAINTAINER you\nUSER 1\n", &["4:1 DW3011"]),
        ("FROM alpine:3.20\n# hadolint ignore=DL4000,DL3002\nMAINTAINER me\nUSER 1\n", &[]),
        ("FROM alpine:3.20\n# hadolint ignore=DL4000\n\nMAINTAINER me\nUSER 1\n", &["4:1 DW3011"]),
        ("# hadolint global ignore=DL3006\nFROM alpine\nFROM debian\nUSER 1\n", &[]),
        ("FROM alpine\nUSER root\n# dockwright global ignore=base-untagged,DW1001\n", &[]),
        ("# check=skip=MaintainerDeprecated\nFROM alpine:3.20\nMAINTAINER me\nUSER 1\n", &[]),
        (
            "FROM alpine:3.20\n# check=skip=all // for this one\nMAINTAINER me\nMAINTAINER you\nUSER 1\n",
            &["4:1 DW3011"],
        ),
        // BuildKit's skip names BuildKit checks only: a rule without one is not skipped by it.
        ("FROM alpine:3.20\n# check=skip=all\nUSER root\n", &["3:6 DW1001"]),
        ("FROM alpine:3.20\n# dockwright ignore=user-root\nUSER root\n", &[]),
    ];
    for (text, expected) in cases {
        let found: Vec<String> =
            check(text, &Options::default()).iter().map(|d| format!("{} {}", d.span.from, d.code)).collect();
        assert_eq!(found, *expected, "{text}");
    }
}

#[test]
fn findings_are_sorted_and_deterministic() {
    let text = "from alpine as Build\nMAINTAINER x\nCMD run\nEXPOSE 80/TCP\n";
    let first = check(text, &Options::default());
    assert_eq!(first, check(text, &Options::default()));
    let starts: Vec<usize> = first.iter().map(|d| d.span.start).collect();
    let mut sorted = starts.clone();
    sorted.sort_unstable();
    assert_eq!(starts, sorted);
}

#[test]
fn crlf_and_continuations_locate_words() {
    let text = "FROM alpine:3.20\r\nENV A=1 \\\r\n    DB_PASSWORD=x\r\nUSER 1\r\n";
    let found = check(text, &Options::default());
    let secret = found.iter().find(|d| d.code == "DW1002").expect("a secret name");
    assert_eq!(&text[secret.span.range()], "DB_PASSWORD");
    assert_eq!(secret.span.to_string(), "3:5-3:16");
}

#[test]
fn a_byte_order_mark_does_not_shift_spans() {
    let text = "\u{feff}FROM alpine:3.20\nMAINTAINER me\nUSER 1\n";
    let found = check(text, &Options::default());
    assert_eq!(found.len(), 1);
    assert_eq!(&text[found[0].span.range()], "MAINTAINER");
    let fixed = apply_fixes(text, &found);
    assert_eq!(fixed, "\u{feff}FROM alpine:3.20\nLABEL org.opencontainers.image.authors=me\nUSER 1\n");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// No input makes the linter panic; every span is inside the text, and every fix applies.
    #[test]
    fn no_panic_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let found = check(&text, &all_rules());
        for diagnostic in &found {
            prop_assert!(diagnostic.span.start <= diagnostic.span.end && diagnostic.span.end <= text.len());
            let _ = apply_fixes(&text, std::slice::from_ref(diagnostic));
        }
    }

    /// Dockerfile-shaped lines: the same, with far more of the rules reached.
    #[test]
    fn no_panic_on_dockerfile_shaped_text(lines in proptest::collection::vec(line(), 0..12)) {
        let text = lines.join("\n");
        let found = check(&text, &all_rules());
        let fixed = apply_fixes(&text, &found);
        let _ = check(&fixed, &all_rules());
    }
}

fn line() -> impl Strategy<Value = String> {
    let keyword = prop::sample::select(vec![
        "FROM",
        "from",
        "From",
        "RUN",
        "CMD",
        "ENTRYPOINT",
        "COPY",
        "ADD",
        "ENV",
        "ARG",
        "LABEL",
        "USER",
        "WORKDIR",
        "EXPOSE",
        "VOLUME",
        "HEALTHCHECK",
        "MAINTAINER",
        "SHELL",
        "ONBUILD",
        "STOPSIGNAL",
        "#",
        "# check=skip=all",
    ]);
    let word = prop::sample::select(vec![
        "alpine",
        "alpine:latest",
        "AS",
        "as",
        "Build",
        "$X",
        "${Y:-z}",
        "--from=build",
        "--from=0",
        "--platform=$TARGETPLATFORM",
        "--platform=linux/amd64",
        "--network=host",
        "root",
        "80/TCP",
        "1:2:3",
        "[\"a\"]",
        "['a']",
        "[",
        "\\",
        "`",
        "\"",
        "'",
        "A=1",
        "K V",
        "https://x/y",
        "<<EOF",
        "EOF",
        "é",
        "\t",
        "",
    ]);
    (keyword, proptest::collection::vec(word, 0..5)).prop_map(|(k, words)| format!("{k} {}", words.join(" ")))
}

/// Over every Dockerfile of BuildKit's corpus: no panic, spans inside the text, and the mechanical
/// fixes do what they say: each code whose fixes were applied is found less often after, and the
/// fixed text parses with no more errors than the original. Without the corpus: SKIPPED.
#[test]
fn fixes_over_the_buildkit_corpus_remove_their_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/buildkit");
    if !root.exists() {
        println!("SKIPPED: no BuildKit corpus at {}", root.display());
        return;
    }
    let options = all_rules();
    let mut stack = vec![root];
    let (mut files, mut fixed_files) = (0, 0);
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(fs::read_dir(&path).unwrap().map(|entry| entry.unwrap().path()));
            continue;
        }
        if !path.to_string_lossy().ends_with("Dockerfile") {
            continue;
        }
        let Ok(text) = fs::read_to_string(&path) else { continue };
        files += 1;
        let found = check(&text, &options);
        for diagnostic in &found {
            assert!(diagnostic.span.end <= text.len(), "{}: {diagnostic}", path.display());
        }
        if !found.iter().any(|d| d.fix.is_some()) {
            continue;
        }
        fixed_files += 1;
        let fixed = apply_fixes(&text, &found);
        let after = check(&fixed, &options);
        assert!(
            dockwright::import::parse(&fixed).errors.len() <= dockwright::import::parse(&text).errors.len(),
            "{}: the fixes break the file:\n{fixed}",
            path.display()
        );
        let mut codes: Vec<&str> = found.iter().filter(|d| d.fix.is_some()).map(|d| d.code).collect();
        codes.dedup();
        for code in codes {
            let (before, now) = (of_code(&found, code).len(), of_code(&after, code).len());
            assert!(
                now < before,
                "{}: {code} found {before} times before its fixes, {now} after:\n{fixed}",
                path.display()
            );
        }
    }
    println!("{files} files linted, fixes applied to {fixed_files}");
    assert!(files > 500);
}

/// What the DSL writes is clean under its own linter: every example image's checked-in Dockerfile
/// (`tests/golden/`) gives no finding of any default rule.
#[test]
fn every_example_image_lints_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut checked = 0;
    let mut findings = Vec::new();
    for example in fs::read_dir(&root).unwrap() {
        let example = example.unwrap().path();
        if !example.is_dir() {
            continue;
        }
        for file in fs::read_dir(&example).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|ext| ext == "Dockerfile") {
                let text = fs::read_to_string(&file).unwrap();
                checked += 1;
                findings.extend(check(&text, &Options::default()).iter().map(|d| format!("{}:{d}", file.display())));
            }
        }
    }
    assert!(checked >= 10, "only {checked} example Dockerfiles");
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

/// Each ShellCheck finding of linting `text` with `program` as "line:column code text".
fn shellcheck_findings(text: &str, program: &dyn dockwright::lint::ShellCheck) -> Vec<String> {
    check_with(text, &Options::default(), program)
        .iter()
        .filter(|d| d.code.starts_with("SC"))
        .map(|d| format!("{} {} {:?}", d.span.from, d.code, &text[d.span.range()]))
        .collect()
}

/// ShellCheck's findings land on the word they name, across line continuations and in heredoc
/// bodies (`<<-` tabs included), with the stage's shell as dialect; SC codes are silenced like rule codes.
#[test]
fn shellcheck_findings_map_to_dockerfile_words() {
    let Some(program) = shellcheck::program() else { return };
    let program = program.as_ref();
    let findings = |text: &str| shellcheck_findings(text, program);
    let text = "FROM debian:bookworm-slim\nRUN mkdir -p /a \\\n    && rm -rf $DIR/x\nRUN <<-EOF\n\techo start\n\tcp $SRC /b\nEOF\nSHELL [\"/bin/bash\", \"-c\"]\nRUN [[ -n $X ]] && echo $X\nUSER 1\n";
    let sc = findings(text);
    assert_eq!(sc, ["3:15 SC2086 \"$DIR\"", "6:5 SC2086 \"$SRC\"", "9:25 SC2086 \"$X\""]);
    // The same file with the code ignored, by option and by comment.
    let silenced = check_with(text, &Options::default().disable("SC2086"), program);
    assert!(silenced.iter().all(|d| !d.code.starts_with("SC")));
    assert!(Options::default().disable("SC2086").unknown().is_empty());
    let commented = text.replace("RUN mkdir", "# hadolint ignore=SC2086\nRUN mkdir");
    let left = check_with(&commented, &Options::default(), program);
    assert_eq!(left.iter().filter(|d| d.code == "SC2086").count(), 2);

    // An exec-form RUN running a shell with -c: its script, with that shell; located in the JSON
    // string where the script is there as written, else at the instruction.
    let text = "FROM debian:bookworm-slim\nRUN [\"/bin/bash\", \"-c\", \"[[ -n $X ]] && rm -rf $DIR\"]\nRUN [\"sh\", \"-c\", \"echo \\\"$Y\\\"; ls $Z\"]\nUSER 1\n";
    let sc = findings(text);
    assert_eq!(sc[0], "2:48 SC2086 \"$DIR\"");
    // The second script has escaped quotes in the JSON: found at its instruction.
    assert_eq!(sc[1], format!("3:1 SC2086 {:?}", text.lines().nth(2).unwrap()));
    assert_eq!(sc.len(), 2, "{sc:?}");
}

/// ShellCheck is told the variables in scope at each `RUN` (the stage's ARGs and ENVs, a global ARG
/// declared again, those of the stage it is built on, BuildKit's proxy ARGs), as hadolint tells it:
/// reading them is no SC2154 "referenced but not assigned", reading anything else still is. The
/// line that declares them does not move any finding, with or without a `#!` line.
#[test]
fn shellcheck_knows_the_variables_in_scope() {
    let Some(program) = shellcheck::program() else { return };
    let program = program.as_ref();
    let findings = |text: &str| shellcheck_findings(text, program);
    let text = "ARG version\nFROM debian:bookworm-slim AS base\nARG dir\nARG version\nENV home=/srv\n\
                RUN rm -rf $dir/x $other \"$version\" \"$home\" \"$http_proxy\"\n\
                RUN <<EOF\n#!/bin/sh\ncp $dir $src /b\nEOF\n\
                RUN <<EOF\nset -e\n\necho \"$home\" $dir\nEOF\n\
                FROM base\nRUN echo \"$home\" \"$dir\"\n\
                FROM debian:bookworm-slim\nRUN rm -rf $dir/x $other \"$version\"\nUSER 1\n";
    assert_eq!(
        findings(text),
        [
            "6:12 SC2086 \"$dir\"",
            "6:19 SC2086 \"$other\"",
            "6:19 SC2154 \"$other\"",
            "9:4 SC2086 \"$dir\"",
            "9:9 SC2086 \"$src\"",
            "9:9 SC2154 \"$src\"",
            "14:14 SC2086 \"$dir\"",
            "19:12 SC2086 \"$dir\"",
            "19:12 SC2154 \"$dir\"",
            "19:19 SC2086 \"$other\"",
            "19:19 SC2154 \"$other\"",
            "19:27 SC2154 \"$version\"",
        ]
    );
}

/// A `RUN <<EOF` body starting with `#!` is run by the interpreter it names: ShellCheck reads it as
/// that shell, or not at all when it is no shell ShellCheck reads (`#!/bin/awk -f`, as hadolint
/// skips it); the line declaring the scope goes after the `#!` line.
#[test]
fn shellcheck_reads_a_heredoc_as_its_shebang_says() {
    let Some(program) = shellcheck::program() else { return };
    let program = program.as_ref();
    let text = "FROM busybox\nARG dir\nRUN <<EOF\n#!/bin/awk -f\nBEGIN {\n\tprint \"hello\" >> \"./out1\"\n}\nEOF\n\
                RUN <<EOF\n#!/usr/bin/env bash\n[[ -n $dir ]] && echo $dir $src\nEOF\n\
                RUN <<-EOF\n\t#!/bin/sh\n\t[[ -n $dir ]] && echo $dir $src\nEOF\nUSER 1\n";
    let found: Vec<String> = check_with(text, &Options::default(), program)
        .iter()
        .filter(|d| d.code.starts_with("SC"))
        .map(|d| format!("{} {} {:?}", d.span.from, d.code, &text[d.span.range()]))
        .collect();
    assert_eq!(
        found,
        [
            "11:23 SC2086 \"$dir\"",
            "11:28 SC2086 \"$src\"",
            "11:28 SC2154 \"$src\"",
            "15:2 SC3010 \"[[ -n $dir ]]\"",
            "15:24 SC2086 \"$dir\"",
            "15:29 SC2086 \"$src\"",
            "15:29 SC2154 \"$src\"",
        ]
    );
}

/// An exec-form `RUN` that runs a shell with `-c` is read as that shell's script: the shell rules
/// find in it what they find in the same shell-form `RUN` (located at the instruction: the script
/// is inside a JSON string).
#[test]
fn exec_form_shell_c_runs_are_read_like_shell_form() {
    let scripts = [
        "curl -fsSL https://get.example.com | sh",
        "sudo make install",
        "apt-get update && apt-get install -y curl",
        "apk add curl",
        "pip install flask",
        "cd /app && make",
        "chmod u+s /usr/bin/tool",
    ];
    let options = all_rules().disable("DW3023");
    let codes = |run: &str| {
        let text = format!("FROM debian:bookworm-slim\n{run}\nUSER 1\n");
        // As a set: the exec form's findings are all at the instruction, so their order differs.
        let mut codes: Vec<&str> = check(&text, &options).iter().map(|d| d.code).collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    };
    for script in scripts {
        let shell = codes(&format!("RUN {script}"));
        assert!(shell.iter().any(|code| *code != "DW2003"), "{script}: {shell:?}");
        for argv in [
            format!("[\"/bin/sh\", \"-c\", \"{script}\"]"),
            format!("[\"bash\", \"-euo\", \"pipefail\", \"-c\", \"{script}\"]"),
        ] {
            assert_eq!(codes(&format!("RUN {argv}")), shell, "{argv}");
        }
    }
    // Not a shell, or no -c: one command, as before.
    assert!(!codes("RUN [\"python\", \"-c\", \"sudo make\"]").contains(&"DW1008"));
    assert!(!codes("RUN [\"sh\", \"script.sh\", \"sudo\"]").contains(&"DW1008"));
}

/// DW4006's fix is the optimizer's split as text edits: the manifest copies where the optimizer puts
/// them, the full copy after the installs, everything else as written (line endings included).
#[test]
fn copy_before_install_fix_splits_the_copy_as_the_optimizer_does() {
    let options = Options::default().disable("DW3023");
    let cases = [
        (
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENV PIP_NO_COLOR=1\n# deps\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
            "FROM python:3.12-slim\nWORKDIR /app\nENV PIP_NO_COLOR=1\n# deps\nCOPY [\"requirements.txt\", \"./\"]\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
        ),
        (
            "FROM python:3.12-slim\r\nWORKDIR /app\r\nCOPY . .\r\nRUN pip install --no-cache-dir -r requirements.txt",
            "FROM python:3.12-slim\r\nWORKDIR /app\r\nCOPY [\"requirements.txt\", \"./\"]\r\nRUN pip install --no-cache-dir -r requirements.txt\r\nCOPY . .",
        ),
    ];
    for (text, expected) in cases {
        let found = check(text, &options);
        let split: Vec<Diagnostic> = found.iter().filter(|d| d.code == "DW4006").cloned().collect();
        assert_eq!(split.len(), 1, "{text:?}");
        let fixed = apply_fixes(text, &split);
        assert_eq!(fixed, expected);
        assert!(check(&fixed, &options).iter().all(|d| d.code != "DW4006"), "{fixed}");
    }
    // Where the optimizer does not split (a RUN it cannot move), there is no fix.
    let text = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN make && pip install -r requirements.txt\n";
    let found = check(text, &options);
    let split = found.iter().find(|d| d.code == "DW4006").unwrap();
    assert!(split.fix.is_none());
}
