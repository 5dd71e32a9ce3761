//! `dockwright::import::parse` against BuildKit's own parser test corpus
//! (`shared/corpora/buildkit`, moby/buildkit@73ed6825c4b7) and against the lexical rules
//! L1–L17 of `shared/research/reliability.md` §1.1–1.5.
//!
//! Each rule test is named after its rule id; inputs and expected values are the ones
//! the research file gives (marked [verified] there when they were run through BuildKit).

use std::fs;
use std::path::{Path, PathBuf};

use dockwright::import::{Heredoc, Node, Parsed, parse};
use pretty_assertions::assert_eq;

// ---------------------------------------------------------------------------------------
// Corpus helpers
// ---------------------------------------------------------------------------------------

/// `../shared/corpora/buildkit` beside the repository. Fails (never skips) when absent.
fn corpus() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/buildkit");
    assert!(
        root.join("frontend/dockerfile/parser/testfiles").is_dir(),
        "BuildKit corpus not found: looked for {}/frontend/dockerfile/parser/testfiles \
         (the shared/ directory must sit beside the repository)",
        root.display()
    );
    root
}

fn parser_dir() -> PathBuf {
    corpus().join("frontend/dockerfile/parser")
}

fn read(path: &Path) -> String {
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => panic!("{} is not UTF-8: {e}", path.display()),
        },
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    }
}

/// The case directories under `dir`, sorted.
fn case_dirs(dir: &Path) -> Vec<PathBuf> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => panic!("cannot list {}: {e}", dir.display()),
    };
    let mut dirs: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    dirs
}

fn name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn ok(text: &str) -> Parsed {
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "unexpected errors for {text:?}: {:?}", parsed.errors);
    parsed
}

fn only(text: &str) -> Node {
    let parsed = ok(text);
    assert_eq!(parsed.ast.nodes.len(), 1, "{text:?}: {}", parsed.ast.dump());
    parsed.ast.nodes.into_iter().next().unwrap_or_else(|| unreachable!())
}

fn errors(text: &str) -> Vec<String> {
    parse(text).errors.into_iter().map(|e| e.message).collect()
}

fn heredoc(name: &str, content: &str, expand: bool, chomp: bool, fd: u32) -> Heredoc {
    Heredoc { name: name.to_string(), content: content.to_string(), expand, chomp, file_descriptor: fd }
}

// ---------------------------------------------------------------------------------------
// BuildKit's parser test corpus
// ---------------------------------------------------------------------------------------

/// parser_test.go `TestParseCases`: every `testfiles/<case>` dumps to its `result`.
/// All cases are compared before failing, and the failures are reported together.
#[test]
fn golden_cases_dump_like_buildkit() {
    let dirs = case_dirs(&parser_dir().join("testfiles"));
    let mut failed = Vec::new();
    let (mut want, mut got) = (String::new(), String::new());
    for dir in &dirs {
        let dockerfile = read(&dir.join("Dockerfile"));
        let expected = read(&dir.join("result"));
        let parsed = parse(&dockerfile);
        let mut actual = parsed.ast.dump();
        for e in &parsed.errors {
            actual.push_str(&format!("ERROR {e}\n"));
        }
        if actual != expected {
            failed.push(name(dir));
            want.push_str(&format!("=== {}\n{expected}", name(dir)));
            got.push_str(&format!("=== {}\n{actual}", name(dir)));
        }
    }
    assert!(dirs.len() >= 33, "expected the 33 golden cases, found {}", dirs.len());
    assert_eq!(got, want, "{} of {} golden cases differ: {failed:?}", failed.len(), dirs.len());
}

/// parser_test.go `TestParseErrorCases`: every `testfiles-negative/<case>` fails.
#[test]
fn negative_cases_fail() {
    let dirs = case_dirs(&parser_dir().join("testfiles-negative"));
    assert_eq!(dirs.len(), 4, "expected the 4 negative cases");
    let passed: Vec<String> = dirs
        .iter()
        .filter(|dir| parse(&read(&dir.join("Dockerfile"))).errors.is_empty())
        .map(|dir| name(dir))
        .collect();
    assert_eq!(passed, Vec::<String>::new(), "negative cases that parsed without error");
}

#[test]
fn negative_cases_give_buildkits_messages() {
    let dir = parser_dir().join("testfiles-negative");
    let first = |case: &str| {
        let parsed = parse(&read(&dir.join(case).join("Dockerfile")));
        parsed.errors.first().map(|e| e.to_string()).unwrap_or_default()
    };
    assert_eq!(first("empty_dockerfile"), "line 0: file with no instructions");
    assert_eq!(first("only_comments"), "line 3: file with no instructions");
    assert_eq!(first("env_no_value"), "line 3: ENV must have two arguments");
    assert_eq!(
        first("shykes-nested-json"),
        "line 1: when using JSON array syntax, arrays must be comprised of strings only"
    );
}

/// parser_test.go `TestParseIncludesLineNumbers`.
#[test]
fn line_numbers_match_buildkit() {
    let parsed = ok(&read(&parser_dir().join("testfile-line/Dockerfile")));
    let lines: Vec<(usize, usize)> = parsed.ast.nodes.iter().map(|n| (n.start_line, n.end_line)).collect();
    assert_eq!(lines, [(5, 5), (11, 12), (17, 31)]);
}

fn unit(path: &str) -> String {
    read(&corpus().join("extracted-unit").join(path))
}

/// parser_heredoc_test.go `TestParseExtractsHeredoc` (expected values transcribed).
#[test]
fn heredocs_extracted_like_buildkit() {
    let parsed = ok(&unit("parser_heredoc/TestParseExtractsHeredoc__01.Dockerfile"));
    let expected: Vec<Vec<Heredoc>> = vec![
        vec![],                                      // ENV NAME=me
        vec![],                                      // RUN ls
        vec![],                                      // USER <<INVALID
        vec![],                                      // INVALID
        vec![heredoc("EMPTY", "", true, false, 0)],  // RUN <<EMPTY
        vec![heredoc("EMPTY2", "", true, false, 3)], // RUN 3<<EMPTY2
        vec![],                                      // RUN "<<NOHEREDOC"
        vec![heredoc("INDENT", "\tfoo\n\tbar\n", true, false, 0)],
        vec![heredoc("UNINDENT", "\tbaz\n\tquux\n", true, true, 0)],
        vec![heredoc("UNINDENT2", "\tbaz\n\tquux\n", true, true, 0)],
        vec![heredoc("EXPAND", "\texpand $NAME\n", true, true, 0)],
        vec![heredoc("NOEXPAND", "\tdon't expand $NAME\n", false, true, 0)],
        vec![heredoc("COPY", "echo hello world\necho foo bar\n", true, false, 0)],
        vec![heredoc(
            "COMMENT",
            "# internal comment\necho hello world\necho foo bar # trailing comment\n",
            true,
            false,
            0,
        )],
        vec![heredoc("MOUNT", "echo hello\n", true, false, 0)],
        vec![heredoc("FILE1", "content 1\n", true, false, 0), heredoc("FILE2", "content 2\n", true, false, 0)],
        vec![heredoc("EOF", "\"foo\"\n'bar'\n", true, false, 0)],
        vec![heredoc("X", "Y\n", true, false, 0), heredoc("Y", "X\n", true, false, 0)],
        vec![heredoc("COMPLEX", "print('hello world')\n", true, false, 0)],
        vec![heredoc("file.txt", "hello world\n", true, false, 0)],
        vec![heredoc("eof", "echo foo\n", false, false, 0)], // <<eo'f'
        vec![heredoc("eo'f", "echo foo\n", true, false, 0)], // <<eo\'f
        vec![heredoc("eo'f", "echo foo\n", false, false, 0)], // <<'e'o\'f
        vec![heredoc("one two", "echo bar\n", false, false, 0)], // <<'one two'
        vec![heredoc("$EOF", "", true, false, 0)],           // <<$EOF
        vec![heredoc("EOF", "", true, false, 0)],            // <<  EOF
        vec![heredoc("EOF", "", true, false, 0)],            // <<  EOF  > foo
    ];
    let actual: Vec<Vec<Heredoc>> = parsed.ast.nodes.iter().skip(1).map(|n| n.heredocs.clone()).collect();
    assert_eq!(actual, expected);
    assert_eq!(parsed.ast.nodes[4].keyword, "invalid");
}

/// parser_heredoc_test.go `TestParseJSONHeredoc`: exec form never takes heredocs.
#[test]
fn json_form_takes_no_heredocs() {
    let parsed = ok(&unit("parser_heredoc/TestParseJSONHeredoc__01.Dockerfile"));
    assert_eq!(parsed.ast.nodes.len(), 4);
    for node in &parsed.ast.nodes {
        assert_eq!(node.heredocs, []);
    }
    assert_eq!(parsed.ast.nodes[2].args, ["<<EOF"]);
}

/// parser_test.go `TestParseWarnsOnEmptyContinutationLine`.
#[test]
fn empty_continuation_lines_warn() {
    let parsed = ok(&unit("parser/TestParseWarnsOnEmptyContinutationLine__01.Dockerfile"));
    let warnings: Vec<&str> = parsed.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        warnings,
        [
            "Empty continuation line found in: RUN something     following     more",
            "Empty continuation line found in: RUN another     thing",
        ]
    );
    assert_eq!(parsed.ast.nodes[4].args, ["non-indented    after-comment"]);
    assert_eq!(parsed.ast.nodes[5].args, ["indented     comment"]);
}

/// parser_test.go `TestParseReturnsScannerErrors` (the template filled in as upstream).
#[test]
fn over_long_line_is_an_error() {
    let label = "a".repeat(65536);
    let text = format!("\n\t\tFROM image\n\t\tLABEL test={label}\n");
    let parsed = parse(&text);
    let messages: Vec<String> = parsed.errors.iter().map(|e| e.message.clone()).collect();
    assert_eq!(messages, ["dockerfile line greater than max allowed size of 65535"]);
    assert_eq!(parsed.errors[0].line, 3);
    assert_eq!(parsed.ast.dump(), "(from \"image\")\n");
}

// ---------------------------------------------------------------------------------------
// reliability.md §1.1 — lines, whitespace, comments
// ---------------------------------------------------------------------------------------

#[test]
fn l1_bom_is_stripped_and_crlf_trimmed() {
    let parsed = ok("\u{feff}FROM alpine\r\nRUN echo a \\\r\n  b\r\n");
    assert_eq!(parsed.ast.dump(), "(from \"alpine\")\n(run \"echo a   b\")\n");
    // A BOM anywhere but at the start of line 1 is text.
    assert_eq!(only("RUN x\u{feff}\n").args, ["x\u{feff}"]);
}

#[test]
fn l1_line_limit_is_65535_bytes() {
    let at_limit = format!("LABEL a={}\n", "x".repeat(65535 - "LABEL a=".len()));
    assert!(parse(&at_limit).errors.is_empty());
    let over = format!("FROM x\nLABEL a={}\n", "x".repeat(70_000));
    assert_eq!(errors(&over), ["dockerfile line greater than max allowed size of 65535"]);
    // Without a final newline the same limit holds.
    let last = format!("FROM x\nLABEL a={}", "x".repeat(65536 - "LABEL a=".len()));
    assert_eq!(errors(&last), ["dockerfile line greater than max allowed size of 65535"]);
}

#[test]
fn l2_keywords_are_case_insensitive_and_may_be_indented() {
    let parsed = ok("  fRoM alpine\n\tRuN echo\n   # comment\n");
    assert_eq!(parsed.ast.dump(), "(from \"alpine\")\n(run \"echo\")\n");
    // Unknown instructions are kept with one empty argument (the error comes later).
    assert_eq!(ok("FOO bar\n").ast.dump(), "(foo \"\")\n");
}

#[test]
fn l3_hash_inside_arguments_is_text() {
    assert_eq!(
        errors("ENV A=a # comment\n"),
        ["Syntax error - can't find = in \"#\". Must be of the form: name=value"]
    );
    assert_eq!(
        only("RUN echo 'we are running some # of cool things'\n").args,
        ["echo 'we are running some # of cool things'"]
    );
}

#[test]
fn l4_continuation_variants() {
    // Trailing spaces and tabs after the escape still continue.
    assert_eq!(only("RUN a \\ \t\nb\n").args, ["a b"]);
    // Escape and newline are deleted, nothing inserted, indentation kept.
    assert_eq!(only("RUN echo hello\\\n  world\n").args, ["echo hello  world"]);
    assert_eq!(only("RUN echo good\\\nbye\n").args, ["echo goodbye"]);
    // `\\` at the end does not continue.
    let parsed = ok("RUN echo a\\\\\nRUN b\n");
    assert_eq!(parsed.ast.dump(), "(run \"echo a\\\\\\\\\")\n(run \"b\")\n");
    // `\\\` does not either (documented BuildKit limitation): `bar` is an instruction.
    let parsed = ok("RUN foo \\\\\\\nbar\n");
    assert_eq!(parsed.ast.dump(), "(run \"foo \\\\\\\\\\\\\")\n(bar \"\")\n");
    // Quotes do not matter: ENV A="line1\ + line2" joins to line1line2.
    assert_eq!(only("ENV A=\"line1\\\nline2\"\n").args, ["A", "\"line1line2\"", "="]);
    // A continuation at EOF just ends the instruction.
    assert_eq!(only("RUN something \\").args, ["something"]);
    // A line holding only the escape character continues with nothing.
    assert_eq!(only("RUN a\\\n\\\nb\n").args, ["ab"]);
}

#[test]
fn l4_backtick_escape_continues_and_backslash_is_text() {
    let parsed = ok("# escape=`\nRUN dir c:\\ `\n  /w\nENV P=c:\\\n");
    assert_eq!(parsed.ast.dump(), "(run \"dir c:\\\\   /w\")\n(env \"P\" \"c:\\\\\" \"=\")\n");
}

#[test]
fn l5_comment_and_blank_lines_inside_continuations_are_dropped() {
    let parsed = ok("LABEL desc=\"first \\\n# looks like a comment but is value text \\\nlast\"\n");
    assert_eq!(parsed.ast.nodes[0].args, ["desc", "\"first last\"", "="]);
    assert!(parsed.warnings.is_empty());

    let parsed = ok("RUN a \\\n\n  b\n");
    assert_eq!(parsed.ast.nodes[0].args, ["a   b"]);
    assert_eq!(parsed.warnings.len(), 1);
    assert_eq!(parsed.warnings[0].message, "Empty continuation line found in: RUN a   b");
}

#[test]
fn l6_trailing_escape_swallows_the_next_instruction() {
    let parsed = ok("ENV WINPATH=C:\\\nLABEL next=instruction\n");
    assert_eq!(parsed.ast.dump(), "(env \"WINPATH\" \"C:LABEL\" \"=\" \"next\" \"instruction\" \"=\")\n");
}

// ---------------------------------------------------------------------------------------
// reliability.md §1.2 — parser directives
// ---------------------------------------------------------------------------------------

#[test]
fn l7_directive_syntax() {
    let parsed = ok("#   SYNTAX =  docker/dockerfile:1  \n# Escape=`\n# check = skip=all\nFROM x\n");
    let d = &parsed.ast.directives;
    assert_eq!(d.syntax.as_deref(), Some("docker/dockerfile:1"));
    assert_eq!(d.escape, '`');
    assert_eq!(d.check.as_deref(), Some("skip=all"));
    assert_eq!(parsed.ast.dump(), "(from \"x\")\n");
}

#[test]
fn l7_duplicate_directive_is_an_error() {
    let parsed = parse("# syntax=a\n# syntax=b\nFROM x\n");
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].to_string(), "line 2: only one syntax parser directive can be used");
    assert_eq!(parsed.ast.directives.syntax.as_deref(), Some("a"));
    assert_eq!(parsed.ast.dump(), "(from \"x\")\n");
}

#[test]
fn l7_invalid_escape_is_an_error() {
    assert_eq!(errors("# escape=^\nFROM x\n"), ["invalid escape token '^' does not match ` or \\"]);
}

#[test]
fn l7_directives_stop_at_the_first_other_line() {
    // An ordinary comment first: the escape line is a comment too.
    let parsed = ok("# generated by dockwright\n# escape=`\nFROM x\n");
    assert_eq!(parsed.ast.directives.escape, '\\');
    // A blank line first.
    let parsed = ok("\n# syntax=docker/dockerfile:1\nFROM x\n");
    assert_eq!(parsed.ast.directives.syntax, None);
    // An unknown directive ends them too.
    let parsed = ok("# foo=bar\n# escape=`\nFROM x\n");
    assert_eq!(parsed.ast.directives.escape, '\\');
    // After an instruction nothing is a directive.
    let parsed = ok("FROM x\n# escape=`\nRUN a `\nRUN b\n");
    assert_eq!(parsed.ast.directives.escape, '\\');
    assert_eq!(parsed.ast.nodes.len(), 3);
}

#[test]
fn l7_bom_then_escape_directive() {
    let parsed = ok("\u{feff}# escape=`\nRUN a `\n b\n");
    assert_eq!(parsed.ast.directives.escape, '`');
    assert_eq!(parsed.ast.dump(), "(run \"a  b\")\n");
}

#[test]
fn l8_a_syntax_comment_first_is_the_syntax_directive() {
    let parsed = ok("# syntax=evil.example/frontend:latest\nFROM x\n");
    assert_eq!(parsed.ast.directives.syntax.as_deref(), Some("evil.example/frontend:latest"));
}

// ---------------------------------------------------------------------------------------
// reliability.md §1.3 — flags
// ---------------------------------------------------------------------------------------

#[test]
fn l11_flag_extraction() {
    // Values need `=`; the parser just takes `--from` and leaves `build` an argument.
    let n = only("COPY --from build /a /b\n");
    assert_eq!(
        (n.flags.as_slice(), n.args.as_slice()),
        (&["--from".to_string()][..], &["build".to_string(), "/a".to_string(), "/b".to_string()][..])
    );
    // Shell-form CMD starting with `--` is a flag.
    let n = only("CMD --help\n");
    assert_eq!(n.flags, ["--help"]);
    assert_eq!(n.args, Vec::<String>::new());
    // `--` ends the flags and is dropped.
    let n = only("RUN -- --version\n");
    assert_eq!(n.flags, Vec::<String>::new());
    assert_eq!(n.args, ["--version"]);
    // A word starting with a quote is no flag.
    let n = only("COPY \"--chown=my user\" a /b\n");
    assert_eq!(n.flags, Vec::<String>::new());
    assert_eq!(n.args, ["\"--chown=my", "user\"", "a", "/b"]);
    // Keys starting with `--` are flags too.
    assert_eq!(only("ENV --x=1\n").flags, ["--x=1"]);
    // Flags stop at the first word without `--`.
    let n = only("RUN --network=none make --jobs=4\n");
    assert_eq!(n.flags, ["--network=none"]);
    assert_eq!(n.args, ["make --jobs=4"]);
}

#[test]
fn l11_quotes_and_escapes_in_flags() {
    assert_eq!(only("RUN --mount=type=bind,target='/a,b' true\n").flags, ["--mount=type=bind,target=/a,b"]);
    assert_eq!(only("RUN --mount=type=bind,\\\"target=/a,b\\\" true\n").flags, ["--mount=type=bind,\"target=/a,b\""]);
    assert_eq!(only("RUN --mount='type=bind,\"target=/a,b\"' true\n").flags, ["--mount=type=bind,\"target=/a,b\""]);
    assert_eq!(only("RUN --mount=\"a b\" true\n").flags, ["--mount=a b"]);
    // With escape=` the backtick escapes and the backslash is text.
    let parsed = ok("# escape=`\nRUN --x=a`\"b\\c true\n");
    assert_eq!(parsed.ast.nodes[0].flags, ["--x=a\"b\\c"]);
}

// ---------------------------------------------------------------------------------------
// reliability.md §1.4 — exec form vs shell form
// ---------------------------------------------------------------------------------------

#[test]
fn l12_json_detection_table() {
    let shell = |text: &str, arg: &str| {
        let n = only(text);
        assert!(!n.json, "{text:?} should be shell form");
        assert_eq!(n.args, [arg], "{text:?}");
    };
    // (1) trailing comment → shell form
    shell("CMD [\"a\", \"b\"] # trailing comment\n", "[\"a\", \"b\"] # trailing comment");
    // (2) single quotes are not JSON
    shell("CMD ['a', 'b']\n", "['a', 'b']");
    // (3) invalid escape
    shell("RUN [\"c:\\windows\\system32\\tasklist.exe\"]\n", "[\"c:\\windows\\system32\\tasklist.exe\"]");
    // (6) trailing comma
    shell("ENTRYPOINT [\"a\", \"b\",]\n", "[\"a\", \"b\",]");
    // (7) unquoted variable
    shell("CMD [\"serve\", \"-p\", $PORT]\n", "[\"serve\", \"-p\", $PORT]");
    // (91) `[ "$A" = "b" ] || true` is not JSON
    shell("RUN [ \"$A\" = \"b\" ] || true\n", "[ \"$A\" = \"b\" ] || true");

    // (5) non-string element → error
    assert_eq!(errors("CMD [\"a\", 1]\n"), ["when using JSON array syntax, arrays must be comprised of strings only"]);

    let exec = |text: &str, args: &[&str]| {
        let n = only(text);
        assert!(n.json, "{text:?} should be exec form");
        assert_eq!(n.args, args, "{text:?}");
    };
    // (4) JSON escapes, no variable expansion
    exec(
        "CMD [\"a\\\"b\", \"c\\\\d\", \"e\\nf\", \"\\u0024HOME\", \"$HOME\"]\n",
        &["a\"b", "c\\d", "e\nf", "$HOME", "$HOME"],
    );
    // (50) lone surrogate → U+FFFD
    exec("CMD [\"\\ud800\"]\n", &["\u{fffd}"]);
    exec("CMD [\"\\ud83d\\ude00\"]\n", &["\u{1f600}"]);
    // (67) empty array and empty string
    exec("CMD []\n", &[]);
    exec("CMD [\"\"]\n", &[""]);
    exec("ENTRYPOINT []\n", &[]);
    // (91) `RUN [ "foo" ]` is exec form
    exec("RUN [ \"foo\" ]\n", &["foo"]);
    // moby/moby#32074: an unterminated array is a path list for VOLUME
    let n = only("VOLUME [ \"/data\"\n");
    assert!(!n.json);
    assert_eq!(n.args, ["[", "\"/data\""]);
}

#[test]
fn l13_to_l15_forms_per_instruction() {
    // SHELL is parsed like RUN (its JSON requirement is checked later).
    assert_eq!(only("SHELL /bin/bash -c\n").args, ["/bin/bash -c"]);
    assert!(only("SHELL [\"/bin/bash\", \"-c\"]\n").json);
    // HEALTHCHECK: type word, then maybe-JSON.
    let n = only("HEALTHCHECK --interval=5s CMD [\"curl\", \"-f\"]\n");
    assert_eq!((n.args.clone(), n.json), (vec!["CMD".to_string(), "curl".into(), "-f".into()], true));
    assert_eq!(only("HEALTHCHECK NONE\n").args, ["NONE"]);
    // ONBUILD nests; heredocs and JSON are judged on the nested instruction.
    let n = only("ONBUILD RUN [\"a\"]\n");
    assert_eq!(n.dump(), "onbuild (run \"a\")");
    assert!(!n.json);
    assert!(n.inner.as_ref().is_some_and(|i| i.json));
}

#[test]
fn l23_to_l28_line_parsers() {
    // L23 ENV/LABEL: triplets, legacy form, unicode white space splits words.
    assert_eq!(only("ENV ONE TWO= THREE=world\n").args, ["ONE", "TWO= THREE=world", ""]);
    assert_eq!(errors("ENV x=a\u{a0}y\n"), ["Syntax error - can't find = in \"y\". Must be of the form: name=value"]);
    assert_eq!(only("ENV x=\"a\u{a0}y\"\n").args, ["x", "\"a\u{a0}y\"", "="]);
    assert_eq!(errors("ENV K\n"), ["ENV must have two arguments"]);
    assert_eq!(errors("LABEL K\n"), ["LABEL must have two arguments"]);
    // L24 ARG: words as written.
    assert_eq!(only("ARG A=a b\n").args, ["A=a", "b"]);
    assert_eq!(only("ARG C=\"x y\" D\n").args, ["C=\"x y\"", "D"]);
    // L25 COPY shell form: split at ASCII white space before any quote processing.
    assert_eq!(only("COPY \"my file.txt\" /dst/\n").args, ["\"my", "file.txt\"", "/dst/"]);
    assert_eq!(only("COPY my\\ file.txt /dst/\n").args, ["my\\", "file.txt", "/dst/"]);
    // L27 USER/WORKDIR: the whole rest.
    assert_eq!(only("USER app user\n").args, ["app user"]);
    assert_eq!(only("WORKDIR \"/quoted dir\"\n").args, ["\"/quoted dir\""]);
    // L28 FROM: words.
    assert_eq!(
        only("FROM --platform=$P alpine AS build\n").dump(),
        "from [\"--platform=$P\"] \"alpine\" \"AS\" \"build\""
    );
}

// ---------------------------------------------------------------------------------------
// reliability.md §1.5 — heredocs
// ---------------------------------------------------------------------------------------

#[test]
fn l16_two_heredocs_in_one_line() {
    let parsed = ok("RUN <<FILE1 cat > file1 && <<FILE2 cat > file2\nI am\nfirst\nFILE1\nI am\nsecond\nFILE2\n");
    let n = &parsed.ast.nodes[0];
    assert_eq!(
        n.heredocs,
        [heredoc("FILE1", "I am\nfirst\n", true, false, 0), heredoc("FILE2", "I am\nsecond\n", true, false, 0),]
    );
    assert_eq!(n.args, ["<<FILE1 cat > file1 && <<FILE2 cat > file2"]);
    assert_eq!((n.start_line, n.end_line), (1, 7));
}

#[test]
fn l16_quoted_or_glued_markers_are_not_heredocs() {
    let n = only("RUN echo \"<<EOF\" && echo '<<EOF'\n");
    assert_eq!(n.heredocs, []);
    // `cat<<EOF`: `<<` must start a word; the body lines are instructions.
    let parsed = ok("RUN cat<<EOF\nhello\nEOF\n");
    assert_eq!(parsed.ast.dump(), "(run \"cat<<EOF\")\n(hello \"\")\n(eof \"\")\n");
    // Only RUN, COPY and ADD take heredocs.
    let parsed = ok("USER <<INVALID\nINVALID\n");
    assert_eq!(parsed.ast.nodes.len(), 2);
}

#[test]
fn l16_shift_operator_starts_a_heredoc() {
    assert_eq!(errors("RUN echo $((1 <<2))\nRUN true\n"), ["unterminated heredoc"]);
    let parsed = ok("RUN echo $((1 <<2))\nRUN true\n2))\n");
    assert_eq!(parsed.ast.nodes[0].heredocs, [heredoc("2))", "RUN true\n", true, false, 0)]);
}

#[test]
fn l16_space_after_marker_and_exact_terminator() {
    let n = only("RUN cat << EOF\nhi\nEOF\n");
    assert_eq!(n.heredocs, [heredoc("EOF", "hi\n", true, false, 0)]);
    // `EOF ` (trailing space) is not the terminator.
    let n = only("RUN cat <<EOF\na\nEOF \nb\nEOF\n");
    assert_eq!(n.heredocs, [heredoc("EOF", "a\nEOF \nb\n", true, false, 0)]);
    // CRLF is trimmed when looking for the terminator, kept in the body.
    let n = only("RUN cat <<EOF\r\na\r\nEOF\r\n");
    assert_eq!(n.heredocs, [heredoc("EOF", "a\r\n", true, false, 0)]);
    // A body line equal to the delimiter ends the body early.
    let parsed = ok("RUN cat <<EOF\nEOF\nnot body\n");
    assert_eq!(parsed.ast.nodes.len(), 2);
    assert_eq!(parsed.ast.nodes[1].keyword, "not");
}

#[test]
fn l16_body_lines_are_raw_and_follow_the_joined_line() {
    let parsed = ok("COPY <<EOF \\\n  /dst\n# not a comment \\\n\nEOF\nRUN next\n");
    let n = &parsed.ast.nodes[0];
    assert_eq!(n.args, ["<<EOF", "/dst"]);
    assert_eq!(n.heredocs, [heredoc("EOF", "# not a comment \\\n\n", true, false, 0)]);
    assert_eq!((n.start_line, n.end_line), (1, 5));
    assert_eq!(parsed.ast.nodes[1].start_line, 6);
    // Under ONBUILD too, attached to the ONBUILD node.
    let parsed = ok("ONBUILD RUN <<EOF\necho hi\nEOF\n");
    assert_eq!(parsed.ast.nodes[0].heredocs, [heredoc("EOF", "echo hi\n", true, false, 0)]);
    assert_eq!(parsed.ast.dump(), "(onbuild (run \"<<EOF\"))\n");
}

#[test]
fn l16_unterminated_heredoc_is_an_error() {
    let parsed = parse("FROM x\nRUN <<EOF\nno end\n");
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].to_string(), "line 2: unterminated heredoc");
}

#[test]
fn l17_quoting_and_chomping() {
    for (text, expand) in [
        ("COPY <<EOF /f\nx\nEOF\n", true),
        ("COPY <<'EOF' /f\nx\nEOF\n", false),
        ("COPY <<\"EOF\" /f\nx\nEOF\n", false),
        ("COPY <<E\"O\"F /f\nx\nEOF\n", false),
        ("COPY <<EO\\'F /f\nx\nEO'F\n", true),
    ] {
        let n = only(text);
        assert_eq!(n.heredocs.len(), 1, "{text:?}");
        assert_eq!(n.heredocs[0].expand, expand, "{text:?}");
    }
    let n = only("RUN <<-EOF\n\t\techo a\n\techo b\n\t\tEOF\n");
    let doc = &n.heredocs[0];
    assert!(doc.chomp);
    assert_eq!(doc.content, "\t\techo a\n\techo b\n");
    assert_eq!(doc.chomped_content(), "echo a\necho b\n");
    // Without `-`, a tab-indented terminator does not end the body.
    assert_eq!(errors("RUN <<EOF\n\tEOF\n"), ["unterminated heredoc"]);
}

// ---------------------------------------------------------------------------------------
// Robustness
// ---------------------------------------------------------------------------------------

#[test]
fn errors_do_not_stop_parsing() {
    let parsed = parse("# escape=^\nFROM x\nENV A\nCMD [1]\nRUN ok\n");
    let lines: Vec<usize> = parsed.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [1, 3, 4]);
    assert_eq!(parsed.ast.dump(), "(from \"x\")\n(run \"ok\")\n");
}

#[test]
fn awkward_inputs_do_not_panic() {
    let onbuilds = "ONBUILD ".repeat(1000) + "RUN x\n";
    let dollars = format!("RUN <<EOF {}\nEOF\n", "${a:-".repeat(5000));
    let nested = format!("CMD {}{}\n", "[".repeat(500), "]".repeat(500));
    let inputs = [
        "",
        "\\",
        "\\\n",
        "   \\\n\n",
        "RUN --",
        "RUN --\"",
        "RUN --a\\",
        "HEALTHCHECK\u{a0}CMD x\n",
        "RUN --x=\u{800} y\n",
        "COPY --a\u{a0}b c\n",
        "RUN <<\n",
        "RUN <<'\n",
        "RUN <<\"E\n",
        "RUN <<${\n",
        "RUN <<${x\n",
        "RUN <<${x:\n",
        "RUN <<${x/\n",
        "RUN 99999999999999999999<<EOF\nEOF\n",
        "RUN [\"\\ud800\\ud800\\udc00\"]\n",
        "#\n# escape=\n",
        "\u{feff}",
        &onbuilds,
        &dollars,
        &nested,
    ];
    for text in inputs {
        let parsed = parse(text);
        let _ = parsed.ast.dump();
    }
    assert_eq!(only("RUN 99999999999999999999<<EOF\nEOF\n").heredocs[0].file_descriptor, u32::MAX);
    assert_eq!(only("RUN [\"\\ud800\\ud800\\udc00\"]\n").args, ["\u{fffd}\u{10000}"]);
}

/// The dump quotes like Go's `strconv.Quote`: printable runes kept, other white space,
/// format, private-use and control characters escaped.
#[test]
fn dump_quotes_like_go() {
    let n = only("LABEL a=\"x\u{a0}\u{200b}\u{e000}\u{10ffff}\u{7f}\u{1b}\u{7}\u{b}\u{e9}\u{2603}\u{1f600}\"\n");
    assert_eq!(
        n.dump(),
        "label \"a\" \"\\\"x\\u00a0\\u200b\\ue000\\U0010ffff\\x7f\\x1b\\a\\v\u{e9}\u{2603}\u{1f600}\\\"\" \"=\""
    );
    // Flags are quoted the same way (Go's `%q` of a []string).
    assert_eq!(only("RUN --a=\"\t\" x\n").dump(), "run [\"--a=\\t\"] \"x\"");
}

/// Numbers Go cannot hold in a float64 make `json.Unmarshal` fail with a type error,
/// which is not the "strings only" error: BuildKit falls back to shell form.
#[test]
fn l12_json_numbers_out_of_range_fall_back_to_shell_form() {
    let n = only("CMD [\"a\", 1e400]\n");
    assert!(!n.json);
    assert_eq!(n.args, ["[\"a\", 1e400]"]);
    assert_eq!(
        errors("CMD [\"a\", 1e-400]\n"),
        ["when using JSON array syntax, arrays must be comprised of strings only"]
    );
    assert_eq!(
        errors("CMD [\"a\", {\"b\": null}]\n"),
        ["when using JSON array syntax, arrays must be comprised of strings only"]
    );
}
