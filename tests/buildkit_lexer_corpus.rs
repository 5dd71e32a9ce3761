//! BuildKit's own shell-lexer test data, run against `dockwright::import::Lexer`.
//!
//! - `envVarTest` (`ProcessWord`) and `wordsTest` (`ProcessWords`) from
//!   `../shared/corpora/buildkit/frontend/dockerfile/shell/`, read exactly as
//!   `shell/lex_test.go` reads them; every failure is collected into one report.
//! - The table cases of `TestProcessWithMatches` and `TestShellParserMandatoryEnvVars` from
//!   the same `lex_test.go` (modifiers `#`, `%`, `/`, `?`), transcribed below.

use std::collections::HashMap;
use std::path::PathBuf;

use dockwright::import::Lexer;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/buildkit/frontend/dockerfile/shell")
}

fn read_corpus(name: &str) -> String {
    let path = corpus_dir().join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) => panic!(
            "BuildKit lexer corpus file missing: looked for {} ({err}); the corpus lives in \
             shared/corpora/buildkit next to the crate checkout",
            path.display()
        ),
    }
}

/// `BuildEnvs`: `k=v` splits at the first `=`, a bare `k` is set to empty; later entries win.
fn build_envs(list: &[&str]) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for entry in list {
        match entry.split_once('=') {
            Some((k, v)) => map.insert(k.to_string(), v.to_string()),
            None => map.insert((*entry).to_string(), String::new()),
        };
    }
    map
}

#[test]
fn env_var_test_process_word() {
    let text = read_corpus("envVarTest");
    let env = build_envs(&["PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="]);
    let lookup = |name: &str| env.get(name).cloned();
    let lexer = Lexer::new('\\');

    let (mut run, mut skipped_windows) = (0, 0);
    let mut failures = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if line.starts_with('#') {
            continue;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        let [tag, source, expected] = fields[..] else {
            failures.push(format!("line {line_no}: expected 3 fields in {line:?}"));
            continue;
        };
        let (tag, source, expected) = (tag.trim(), source.trim(), expected.trim());
        match tag {
            "A" | "U" => {}
            // W = Windows only: BuildKit matches env keys case-insensitively there
            // (`$pwd` == `$PWD`); dockwright lexes like Linux.
            "W" => {
                skipped_windows += 1;
                continue;
            }
            other => {
                failures.push(format!("line {line_no}: unknown tag {other:?}"));
                continue;
            }
        }
        run += 1;
        let got = lexer.process_word(source, &lookup);
        match (expected, got) {
            ("error", Ok(word)) => {
                failures.push(format!("line {line_no}: {source:?} should fail, got {word:?}"));
            }
            ("error", Err(_)) => {}
            (want, Ok(word)) if word == want => {}
            (want, Ok(word)) => {
                failures.push(format!("line {line_no}: {source:?} -> {word:?}, want {want:?}"));
            }
            (want, Err(err)) => {
                failures.push(format!("line {line_no}: {source:?} failed ({err}), want {want:?}"));
            }
        }
    }
    eprintln!("envVarTest: {} of {run} cases pass ({skipped_windows} Windows-only skipped)", run - failures.len());
    assert!(run > 200, "envVarTest looks truncated: only {run} cases");
    assert!(failures.is_empty(), "{} envVarTest failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn words_test_process_words() {
    let text = read_corpus("wordsTest");
    let lexer = Lexer::new('\\');
    let mut envs: Vec<String> = Vec::new();

    let mut run = 0;
    let mut failures = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("ENV ") {
            envs.push(rest.trim_start_matches(' ').to_string());
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        let [test, expected] = fields[..] else {
            failures.push(format!("line {line_no}: expected exactly one | in {line:?}"));
            continue;
        };
        let test = test.trim();
        let expected: Vec<&str> = expected.trim_start_matches(' ').split(',').collect();

        let refs: Vec<&str> = envs.iter().map(String::as_str).collect();
        let env = build_envs(&refs);
        let lookup = |name: &str| env.get(name).cloned();
        run += 1;
        let got = match lexer.process_words(test, &lookup) {
            Ok(words) => words,
            Err(_) => vec!["error".to_string()],
        };
        if got != expected {
            failures.push(format!("line {line_no}: {test:?} -> {got:?}, want {expected:?}"));
        }
    }
    eprintln!("wordsTest: {} of {run} cases pass", run - failures.len());
    assert!(run >= 20, "wordsTest looks truncated: only {run} cases");
    assert!(failures.is_empty(), "{} wordsTest failures:\n{}", failures.len(), failures.join("\n"));
}

/// One `ProcessWord` case: input, environment, expected result (`None` = must fail).
type Case = (&'static str, &'static [(&'static str, &'static str)], Option<&'static str>);

/// `lex_test.go` `TestProcessWithMatches` (expected words; the matched/unmatched name sets
/// are not part of dockwright's API).
#[test]
fn process_with_matches_cases() {
    let cases: &[Case] = &[
        ("x", &[("DUMMY", "dummy")], Some("x")),
        ("x ${UNUSED}", &[("DUMMY", "dummy")], Some("x ")),
        ("x ${FOO}", &[("FOO", "y")], Some("x y")),
        ("${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}", &[("FOO", "xxx"), ("BAR", "")], Some("xxx  ccc")),
        ("${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}", &[("FOO", "xxx"), ("BAR", "")], Some("xxx bbb ccc")),
        ("${FOO:-}", &[("FOO", "xxx"), ("BAR", "")], Some("xxx")),
        ("${FOO:-}", &[], Some("")),
        ("${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}", &[("FOO", "xxx"), ("BAR", "")], Some("aaa bbb ")),
        ("${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}", &[("FOO", "xxx"), ("BAR", "")], Some("aaa  ")),
        ("${FOO?aaa}", &[("FOO", "xxx"), ("BAR", "")], Some("xxx")),
        ("${BAR?bbb}", &[("FOO", "xxx"), ("BAR", "")], Some("")),
        ("${BAZ?ccc}", &[("FOO", "xxx"), ("BAR", "")], None),
        ("${FOO:?aaa}", &[("FOO", "xxx"), ("BAR", "")], Some("xxx")),
        ("${BAR:?bbb}", &[("FOO", "xxx"), ("BAR", "")], None),
        ("${BAZ:?ccc}", &[("FOO", "xxx"), ("BAR", "")], None),
        ("${BAZ:?}", &[("FOO", "xxx"), ("BAR", "")], None),
        ("${FOO=aaa}", &[("FOO", "xxx"), ("BAR", "")], None),
        ("${FOO=:aaa}", &[("FOO", "xxx"), ("BAR", "")], None),
        ("${FOO=}", &[], None),
        (r"${FOO#()[]{\}^$.\*\?|\\}", &[("FOO", r"()[]{}^$.*?|\x")], Some("x")),
        (r"${FOO%%\**}", &[("FOO", "xx**")], Some("xx")),
        ("${FOO#*x*y}", &[("FOO", "xxyy")], Some("y")),
        ("${FOO#*}", &[("FOO", "xxyy")], Some("xxyy")),
        ("${FOO#$BAR}", &[("FOO", "xxyy"), ("BAR", "x")], Some("xyy")),
        ("${FOO#$BAR}", &[("FOO", "xxyy"), ("BAR", "")], Some("xxyy")),
        ("${FOO#}", &[("FOO", "xxyy")], Some("xxyy")),
        ("${FOO##*x}", &[("FOO", "xxyy")], Some("yy")),
        ("${FOO##}", &[("FOO", "xxyy")], Some("xxyy")),
        (r"${FOO#?\?}", &[("FOO", "???y")], Some("?y")),
        ("${ABC:-.}${FOO%x}${ABC:-.}", &[("FOO", "xxyy")], Some(".xxyy.")),
        (r"${FOO%%\**\*}", &[("FOO", "a***yy*")], Some("a")),
        ("${FOO%}", &[("FOO", "xxyy")], Some("xxyy")),
        ("${FOO%%$BAR}", &[("FOO", "xxyy"), ("BAR", "")], Some("xxyy")),
        (
            "${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}",
            &[("FOO", "/foo*/*/*.txt"), ("NEEDLE", r"\*/")],
            Some("/foo.*/*.txt - /foo..*.txt"),
        ),
        (
            "${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}",
            &[("FOO", "/tmp/tmp/bar.txt"), ("NEEDLE", "/tmp")],
            Some("/tmp/bar.txt - /bar.txt"),
        ),
        (
            "${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
            &[("FOO", "/a/foo/b/c.txt"), ("NEEDLE", "/?/"), ("REPLACEMENT", "/")],
            Some("/foo/b/c.txt - /foo/c.txt"),
        ),
        (
            "${FOO/$NEEDLE/$REPLACEMENT}",
            &[("FOO", "http://google.de"), ("NEEDLE", "http://"), ("REPLACEMENT", "https://")],
            Some("https://google.de"),
        ),
        (r"${FOO//\//\/}", &[("FOO", "/tmp/foo.txt")], Some(r"\/tmp\/foo.txt")),
        ("${FOO/$BAR/ww}", &[("FOO", "xxyy"), ("BAR", "")], Some("wwxxyy")),
        ("${FOO//ww}", &[("FOO", "xxyy")], None),
        ("${FOO//}", &[("FOO", "xxyy")], None),
        ("${FOO///}", &[("FOO", "xxyy")], Some("xxyy")),
        ("${FOO///}", &[], Some("")),
        // TestProcessWithMatchesPlatform
        (
            "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz",
            &[("VERSION", "v1.2.3"), ("TARGETOS", "linux"), ("TARGETARCH", "arm"), ("TARGETVARIANT", "v7")],
            Some("something-v1.2.3.linux-arm-v7.tar.gz"),
        ),
        (
            "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz",
            &[("VERSION", "v1.2.3"), ("TARGETOS", "linux"), ("TARGETARCH", "amd64"), ("TARGETVARIANT", "")],
            Some("something-v1.2.3.linux-amd64.tar.gz"),
        ),
    ];
    let lexer = Lexer::new('\\');
    let mut failures = Vec::new();
    for (input, env, want) in cases {
        let map: HashMap<&str, &str> = env.iter().copied().collect();
        let lookup = |name: &str| map.get(name).map(|v| (*v).to_string());
        match (lexer.process_word(input, &lookup), want) {
            (Ok(got), Some(want)) if got == *want => {}
            (Err(_), None) => {}
            (got, want) => failures.push(format!("{input:?} with {env:?}: got {got:?}, want {want:?}")),
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// `lex_test.go` `TestShellParserMandatoryEnvVars`.
#[test]
fn mandatory_env_vars() {
    let lexer = Lexer::new('\\');
    let set = |name: &str| match name {
        "VAR" => Some("plain".to_string()),
        "ARG" => Some("x".to_string()),
        _ => None,
    };
    let empty = |name: &str| match name {
        "VAR" => Some(String::new()),
        "ARG" => Some("x".to_string()),
        _ => None,
    };
    let unset = |name: &str| (name == "ARG").then(|| "x".to_string());

    let no_empty = "${VAR:?message here$ARG}";
    let no_unset = "${VAR?message here$ARG}";
    assert_eq!(lexer.process_word(no_empty, &set).unwrap(), "plain");
    let err = lexer.process_word(no_empty, &empty).unwrap_err().to_string();
    assert!(err.contains("message herex"), "{err}");
    let err = lexer.process_word(no_empty, &unset).unwrap_err().to_string();
    assert!(err.contains("message herex"), "{err}");

    assert_eq!(lexer.process_word(no_unset, &set).unwrap(), "plain");
    assert_eq!(lexer.process_word(no_unset, &empty).unwrap(), "");
    let err = lexer.process_word(no_unset, &unset).unwrap_err().to_string();
    assert!(err.contains("message herex"), "{err}");
}

/// `lex_test.go` `TestConvertShellPatternToRegex` invalid patterns, seen through `${v#p}`.
#[test]
fn invalid_pattern_escapes() {
    let lexer = Lexer::new('\\');
    let env = |_: &str| Some("value".to_string());
    for word in [r"${V#\x}", r"${V#\\\x}", r"${V%\x}"] {
        let err = lexer.process_word(word, &env).unwrap_err().to_string();
        assert!(err.contains("invalid pattern"), "{word}: {err}");
    }
    // `\}` and `\/` only protect the delimiter; they are not part of the pattern.
    let env = |_: &str| Some("a}b/c".to_string());
    assert_eq!(lexer.process_word(r"${V#a\}}", &env).unwrap(), "b/c");
    assert_eq!(lexer.process_word(r"${V/\//-}", &env).unwrap(), "a}b-c");
}

/// Go `Regexp.ReplaceAllString` expands `$0` to the match and `$$` to `$` in replacements.
#[test]
fn replace_all_template_expansion() {
    let lexer = Lexer::new('\\');
    let env = |name: &str| (name == "V").then(|| "a-b-a".to_string());
    assert_eq!(lexer.process_word(r"${V//a/[\$0]}", &env).unwrap(), r"[\a]-b-[\a]");
    assert_eq!(lexer.process_word("${V/a/[$0]}", &env).unwrap(), "[]-b-a");
    // Empty matches: one replacement per position, none right after a match.
    assert_eq!(lexer.process_word("${V//?()/x}", &env).unwrap(), "a-b-a");
    assert_eq!(lexer.process_word("${V//*/x}", &env).unwrap(), "x");
}

#[test]
fn nesting_limit_is_an_error_not_a_crash() {
    let lexer = Lexer::new('\\');
    let deep = "${A:-".repeat(20_000) + &"}".repeat(20_000);
    assert!(lexer.process_word(&deep, &|_| None).is_err());
    let fine = "${A:-".repeat(100) + "x" + &"}".repeat(100);
    assert_eq!(lexer.process_word(&fine, &|_| None).unwrap(), "x");
}

#[test]
fn leading_byte_order_mark_is_dropped_like_text_scanner() {
    let lexer = Lexer::new('\\');
    assert_eq!(lexer.process_word("\u{feff}a\u{feff}", &|_| None).unwrap(), "a\u{feff}");
}

proptest::proptest! {
    /// Any word, any escape token, any option set: an answer or an error, never a panic.
    #[test]
    fn lexer_never_panics(
        word in "[a-zA-Z0-9 \\t$'\"`{}:?#%/+*=\\\\\\-._@!é\u{a0}\u{feff}\n]{0,40}",
        backtick in proptest::bool::ANY,
        raw_quotes in proptest::bool::ANY,
        raw_escapes in proptest::bool::ANY,
        skip_quotes in proptest::bool::ANY,
        skip_unset in proptest::bool::ANY,
    ) {
        let lexer = Lexer::new(if backtick { '`' } else { '\\' })
            .raw_quotes(raw_quotes)
            .raw_escapes(raw_escapes)
            .skip_process_quotes(skip_quotes)
            .skip_unset_env(skip_unset);
        let env = |name: &str| match name {
            "A" => Some("a*b/c".to_string()),
            "E" => Some(String::new()),
            _ => None,
        };
        let word_result = lexer.process_word(&word, &env);
        let words_result = lexer.process_words(&word, &env);
        proptest::prop_assert_eq!(word_result.is_ok(), words_result.is_ok());
    }
}
