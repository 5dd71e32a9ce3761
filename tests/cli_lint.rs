//! `dockwright lint`, run as a user runs it: each output format (golden files in `tests/data/cli-lint/`;
//! `UPDATE_GOLDEN=1 cargo test --features cli --test cli_lint` rewrites them), the SARIF checked against
//! the official SARIF 2.1.0 schema, exit codes per failure threshold, the config file (found next to
//! the Dockerfile or up to the repository's root, or given), rule switches, inline ignores, standard
//! input, and `--fix` writing files atomically. The inputs that are no Dockerfile (a directory,
//! unreadable, empty, binary, CRLF, BOM) and arbitrary bytes are in `tests/cli.rs` with the other
//! subcommands.

use std::fs;
use std::path::{Path, PathBuf};

use pretty_assertions::assert_eq;

#[path = "support/cli.rs"]
mod support_cli;

use support_cli::{Run, run_in as run_with};

fn run_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    run_with(dir, args, stdin, &[])
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cli-lint")
}

fn run(args: &[&str], stdin: &[u8]) -> Run {
    run_in(&data(), args, stdin)
}

/// A scratch directory with `files` written into it.
fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    dir
}

fn golden(name: &str, got: &str) {
    let path = data().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&path, got).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    assert_eq!(got, expected, "{name} (UPDATE_GOLDEN=1 rewrites it)");
}

// ---------------------------------------------------------------- formats

#[test]
fn every_format_prints_what_its_golden_file_holds() {
    let files = ["app.Dockerfile", "clean.Dockerfile"];
    for (format, golden_file) in [
        ("text", "report.txt"),
        ("json", "report.json"),
        ("sarif", "report.sarif"),
        ("checkstyle", "report.checkstyle.xml"),
        ("junit", "report.junit.xml"),
    ] {
        let out = run(&["lint", "--no-config", "--no-shellcheck", "--format", format, files[0], files[1]], b"");
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert_eq!(out.stderr, "", "{format}");
        golden(golden_file, &out.stdout);
    }
}

#[test]
fn json_is_the_documented_schema() {
    let out = run(&["lint", "--no-config", "--format", "json", "app.Dockerfile"], b"");
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(report["tool"]["name"], "dockwright");
    let file = &report["files"][0];
    assert_eq!(file["file"], "app.Dockerfile");
    let text = fs::read_to_string(data().join("app.Dockerfile")).unwrap();
    for diagnostic in file["diagnostics"].as_array().unwrap() {
        let keys: Vec<&str> = diagnostic.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = vec!["code", "rule", "severity", "message", "help", "span", "fix"];
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
        let span = &diagnostic["span"];
        let (start, end) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
        // Line and column say where `start` is.
        let line = text[..start].matches('\n').count() + 1;
        let column = start - text[..start].rfind('\n').map_or(0, |i| i + 1) + 1;
        assert_eq!((span["line"].as_u64(), span["column"].as_u64()), (Some(line as u64), Some(column as u64)));
        assert!(end >= start && end <= text.len());
        assert!(diagnostic["fix"].is_null() || diagnostic["fix"].is_array());
    }
}

/// The official SARIF 2.1.0 schema (OASIS, errata 01), vendored in `tests/data/sarif/`.
fn sarif_schema() -> (boon::Schemas, boon::SchemaIndex) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    compiler.add_resource(url, schema).unwrap();
    let index = compiler.compile(url, &mut schemas).unwrap();
    (schemas, index)
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let (schemas, index) = sarif_schema();
    let dir = dir_with(&[("a b/Dockerfile", "FROM alpine\nMAINTAINER é <x@y>\nCMD run\n")]);
    let cases: [(&Path, &[&str], &[u8]); 5] = [
        (&data(), &["app.Dockerfile", "clean.Dockerfile"], b""),
        (&data(), &["clean.Dockerfile"], b""),
        (&data(), &["-"], b"FROM alpine:latest\nUSER root\n"),
        (&data(), &["-"], b"\xEF\xBB\xBFFROM alpine\r\nRUN <<EOF\necho hi\nEOF\r\n"),
        (dir.path(), &["a b/Dockerfile"], b""),
    ];
    for (dir, files, stdin) in cases {
        let mut args = vec!["lint", "--no-config", "--format", "sarif"];
        args.extend(files);
        let out = run_in(dir, &args, stdin);
        assert!(out.code <= 1, "{files:?}: {}", out.stderr);
        let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        if let Err(error) = schemas.validate(&log, index) {
            panic!("{files:?}: the SARIF is not valid:\n{error:#}\n{}", out.stdout);
        }
    }
    // And a log that is not: the schema does check.
    let broken = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]});
    assert!(schemas.validate(&broken, index).is_err());
}

#[test]
fn sarif_regions_fixes_and_help_uris() {
    let dir = dir_with(&[
        ("Dockerfile", "FROM alpine:3.20\n# \u{e9}\u{1F600}\nMAINTAINER \u{e9}\u{1F600}\nUSER 1\n"),
        (".dockwright.toml", "[lint]\nhelp-url = \"https://docs.example.com/book/lint.html\"\n"),
    ]);
    let out = run_in(dir.path(), &["lint", "--format", "sarif", "Dockerfile"], b"");
    let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let maintainer = rules.iter().position(|rule| rule["id"] == "DW3011").unwrap();
    assert_eq!(rules[maintainer]["name"], "maintainer");
    assert_eq!(rules[maintainer]["helpUri"], "https://docs.example.com/book/lint.html#dw3011-maintainer");
    let result = &run["results"][0];
    assert_eq!((result["ruleId"].as_str(), result["ruleIndex"].as_u64()), (Some("DW3011"), Some(maintainer as u64)));
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        region,
        &serde_json::json!({"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 11, "byteOffset": 26, "byteLength": 10})
    );
    let replacement = &result["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["deletedRegion"], serde_json::json!({"byteOffset": 26, "byteLength": 17}));
    assert_eq!(replacement["insertedContent"]["text"], "LABEL org.opencontainers.image.authors=\"\u{e9}\u{1F600}\"");
}

// ---------------------------------------------------------------- exit codes

#[test]
fn the_failure_threshold_decides_the_exit_code() {
    // One finding (DW3011), reported with each severity in turn.
    let text = b"FROM alpine:3.20\nUSER 1\nMAINTAINER me\n";
    let thresholds = ["error", "warning", "info", "style", "none"];
    let cases = [
        ("error", [1, 1, 1, 1, 0]),
        ("warning", [0, 1, 1, 1, 0]),
        ("info", [0, 0, 1, 1, 0]),
        ("style", [0, 0, 0, 1, 0]),
    ];
    for (severity, expected) in cases {
        let override_ = format!("DW3011={severity}");
        let codes = thresholds.map(|threshold| {
            let out =
                run(&["lint", "--no-config", "--severity", &override_, "--failure-threshold", threshold, "-"], text);
            assert!(out.stdout.contains(&format!("<stdin>:3:1: {severity}[DW3011]")), "{}", out.stdout);
            out.code
        });
        assert_eq!(codes, expected, "a {severity} finding");
    }
    // The default threshold is info: style findings alone pass.
    assert_eq!(run(&["lint", "--no-config", "--severity", "DW3011=style", "-"], text).code, 0);
    assert_eq!(run(&["lint", "--no-config", "--severity", "DW3011=info", "-"], text).code, 1);
    // Nothing found: 0, and nothing printed.
    let clean = run(&["lint", "--no-config", "clean.Dockerfile"], b"");
    assert_eq!((clean.code, clean.stdout.as_str(), clean.stderr.as_str()), (0, "", ""));
}

#[test]
fn usage_errors_exit_2_and_say_what_to_do() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["lint", "--disable", "DW9999", "clean.Dockerfile"],
            "error: the command line names no rule 'DW9999': give a code (DW1001), a name (user-root), a hadolint code (DL3002) or a BuildKit check name; `dockwright lint --list-rules` lists them\n",
        ),
        (
            &["lint", "--severity", "DW1001=fatal", "clean.Dockerfile"],
            "unknown severity 'fatal': use error, warning, info or style",
        ),
        (
            &["lint", "--failure-threshold", "fatal", "clean.Dockerfile"],
            "invalid value 'fatal' for '--failure-threshold <SEVERITY>'",
        ),
        (&["lint", "--diff", "clean.Dockerfile"], "the following required arguments were not provided:\n  --fix"),
        (
            &["lint", "--fix", "--diff", "--format", "json", "clean.Dockerfile"],
            "error: --diff prints the fixes on standard output, which --format needs for the report: drop one of them\n",
        ),
        (
            &["lint", "--fix", "-"],
            "error: standard input cannot be fixed in place: use --fix --diff to see the fixes, or give the file\n",
        ),
        (
            &["lint", "--target", "nope", "clean.Dockerfile"],
            "error: clean.Dockerfile: --target nope cannot be judged\n  caused by: ",
        ),
        (
            &["lint", "--config", "missing.toml", "clean.Dockerfile"],
            "error: cannot read config file 'missing.toml'\n  caused by: No such file or directory (os error 2)\n",
        ),
    ];
    for (args, message) in cases {
        let out = run(args, b"FROM alpine:latest\n");
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{args:?}:\n{}", out.stderr);
    }
}

#[test]
fn list_rules_prints_the_mapping() {
    let out = run(&["lint", "--list-rules"], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "code\tname\tseverity\tdefault\thadolint\tbuildkit\tsummary");
    assert_eq!(lines.len(), dockwright::lint::rules().len() + 1);
    assert!(lines.contains(
        &"DW2010\tuntrusted-registry\terror\toff\tDL3026\t-\ta base image comes from a registry that is not trusted"
    ));
}

// ---------------------------------------------------------------- rules, config, ignores

#[test]
fn rule_switches_name_rules_by_any_id() {
    let text = b"FROM alpine\nUSER root\n";
    let codes = |args: &[&str]| {
        let mut all = vec!["lint", "--no-config", "--format", "json"];
        all.extend(args);
        all.push("-");
        let out = run(&all, text);
        let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        report["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{}:{}", d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&[]), ["DW2001:warning", "DW1001:warning"]);
    assert_eq!(codes(&["--disable", "DL3006"]), ["DW1001:warning"]);
    assert_eq!(codes(&["--disable", "user-root", "--enable", "DW2003"]), ["DW2001:warning", "DW2003:info"]);
    assert_eq!(codes(&["--severity", "DL3002=error"]), ["DW2001:warning", "DW1001:error"]);
    // --target judges that stage's image.
    let staged = b"FROM alpine:3.20 AS runtime\nUSER 1\nFROM runtime AS debug\nUSER root\n";
    let out = run(&["lint", "--no-config", "--target", "runtime", "-"], staged);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
    let out = run(&["lint", "--no-config", "-"], staged);
    assert!(out.stdout.starts_with("<stdin>:4:6: warning[DW1001]"), "{}", out.stdout);
}

#[test]
fn inline_ignores_work_through_the_command_line() {
    let text = "FROM alpine:3.20\nUSER 1\n# dockwright ignore=DW3011\nMAINTAINER a\n# hadolint ignore=DL4000\nMAINTAINER b\nMAINTAINER c\n";
    let out = run(&["lint", "--no-config", "-"], text.as_bytes());
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "<stdin>:7:1: warning[DW3011]: MAINTAINER is deprecated: write the author as a label\n  = help: use LABEL \
         org.opencontainers.image.authors=\"...\"\n"
    );
    let global = format!("# hadolint global ignore=DL4000\n{text}");
    assert_eq!(run(&["lint", "--no-config", "-"], global.as_bytes()).code, 0);
}

const FINDINGS: &str = "FROM alpine\nUSER root\nMAINTAINER me\n";

fn codes_in(dir: &Path, args: &[&str]) -> (i32, Vec<String>) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend(args);
    let out = run_in(dir, &all, b"");
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|_| panic!("{}", out.stderr));
    let mut codes: Vec<String> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|file| file["diagnostics"].as_array().unwrap().iter())
        .map(|d| format!("{}:{}", d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    codes.sort();
    (out.code, codes)
}

#[test]
fn the_config_file_is_found_next_to_the_dockerfile_or_up_to_the_repository_root() {
    let dir = dir_with(&[
        ("repo/.git/HEAD", "ref: refs/heads/main\n"),
        ("repo/.dockwright.toml", "[lint]\nignore = [\"DL4000\"]\n[lint.severity]\nuser-root = \"error\"\n"),
        ("repo/services/api/Dockerfile", FINDINGS),
        ("repo/services/web/Dockerfile", FINDINGS),
        ("repo/services/web/.dockwright.toml", "[lint]\nignore = [\"DW2001\"]\nfailure-threshold = \"none\"\n"),
        ("repo/Dockerfile", FINDINGS),
        // Above the repository: never read.
        (".dockwright.toml", "[lint]\nignore = [\"DW1001\"]\n"),
        ("loose/Dockerfile", FINDINGS),
        ("loose/sub/Dockerfile", FINDINGS),
        ("loose/.dockwright.toml", "[lint]\nignore = [\"DW2001\"]\n"),
    ]);
    let root = dir.path();
    // The repository's config applies to every Dockerfile in it without one of its own.
    assert_eq!(
        codes_in(&root.join("repo"), &["services/api/Dockerfile"]),
        (1, vec!["DW1001:error".into(), "DW2001:warning".into()])
    );
    assert_eq!(
        codes_in(&root.join("repo/services/api"), &["Dockerfile"]),
        (1, vec!["DW1001:error".into(), "DW2001:warning".into()])
    );
    assert_eq!(
        codes_in(&root.join("repo"), &["Dockerfile"]),
        (1, vec!["DW1001:error".into(), "DW2001:warning".into()])
    );
    // The closest one wins, whole (configs do not merge); its threshold applies to its files.
    assert_eq!(
        codes_in(&root.join("repo"), &["services/web/Dockerfile"]),
        (0, vec!["DW1001:warning".into(), "DW3011:warning".into()])
    );
    // Outside a repository only the Dockerfile's own directory is looked in.
    assert_eq!(codes_in(root, &["loose/Dockerfile"]), (1, vec!["DW1001:warning".into(), "DW3011:warning".into()]));
    assert_eq!(
        codes_in(root, &["loose/sub/Dockerfile"]),
        (1, vec!["DW1001:warning".into(), "DW2001:warning".into(), "DW3011:warning".into()])
    );
    // Standard input: the current directory's.
    let out = run_in(&root.join("repo/services/web"), &["lint", "-"], FINDINGS.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(!out.stdout.contains("DW2001"), "{}", out.stdout);
    // --config replaces discovery; --no-config reads none; flags win over the file.
    let given = root.join("loose/.dockwright.toml").display().to_string();
    assert_eq!(
        codes_in(&root.join("repo"), &["--config", &given, "Dockerfile"]),
        (1, vec!["DW1001:warning".into(), "DW3011:warning".into()])
    );
    assert_eq!(
        codes_in(&root.join("repo"), &["--no-config", "Dockerfile"]),
        (1, vec!["DW1001:warning".into(), "DW2001:warning".into(), "DW3011:warning".into()])
    );
    assert_eq!(
        codes_in(&root.join("repo"), &["--enable", "DL4000", "--severity", "DW1001=info", "-t", "error", "Dockerfile"]),
        (0, vec!["DW1001:info".into(), "DW2001:warning".into(), "DW3011:warning".into()])
    );
}

#[test]
fn a_bad_config_file_is_an_error_naming_it_and_the_place() {
    let cases = [
        (
            "[lint]\nignored = [\"DW1001\"]\n",
            "error: config file '.dockwright.toml' is not valid\n  caused by: line 2, column 1: unknown field `ignored`, expected one of",
        ),
        (
            "[lint]\nignore = [\"DW0000\"]\n",
            "error: config file '.dockwright.toml' names no rule 'DW0000': give a code (DW1001)",
        ),
        (
            "[lint.severity]\nDW1001 = \"fatal\"\n",
            "error: config file '.dockwright.toml': [lint.severity] DW1001 = \"fatal\" is no severity: use error, warning, info or style\n",
        ),
        (
            "[lint]\nfailure-threshold = \"high\"\n",
            "error: config file '.dockwright.toml': failure-threshold = \"high\" is not one of error, warning, info, style, none\n",
        ),
    ];
    for (config, message) in cases {
        let dir = dir_with(&[(".dockwright.toml", config), ("Dockerfile", FINDINGS)]);
        let out = run_in(dir.path(), &["lint", "Dockerfile"], b"");
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{config}");
        let message = message.replace(
            "'.dockwright.toml'",
            &format!("'{}'", dir.path().canonicalize().unwrap().join(".dockwright.toml").display()),
        );
        assert!(out.stderr.starts_with(&message), "{config}:\n{}\nexpected: {message}", out.stderr);
    }
}

#[test]
fn trusted_registries_in_the_config_turn_on_the_registry_rule() {
    let text = "FROM ghcr.io/acme/base:1 AS build\nFROM registry.example.com/app:2\nCOPY --from=build /a /a\nUSER 1\n";
    let dir = dir_with(&[
        ("Dockerfile", text),
        ("trusted.toml", "[lint]\ntrusted-registries = [\"*.example.com\"]\n"),
        ("both.toml", "[lint]\ntrusted-registries = [\"*.example.com\", \"ghcr.io\"]\n"),
    ]);
    assert_eq!(codes_in(dir.path(), &["Dockerfile"]), (0, vec![]));
    assert_eq!(codes_in(dir.path(), &["--config", "trusted.toml", "Dockerfile"]), (1, vec!["DW2010:error".into()]));
    assert_eq!(codes_in(dir.path(), &["--config", "both.toml", "Dockerfile"]), (0, vec![]));
    let out = run_in(dir.path(), &["lint", "--config", "trusted.toml", "Dockerfile"], b"");
    assert_eq!(
        out.stdout,
        "Dockerfile:1:6: error[DW2010]: base image 'ghcr.io/acme/base:1' comes from 'ghcr.io', which is not a trusted \
         registry\n  = help: build on an image from a trusted registry (*.example.com), or trust 'ghcr.io' in the config \
         file's trusted-registries\n"
    );
}

// ---------------------------------------------------------------- standard input, --fix

#[test]
fn standard_input_is_linted_as_stdin() {
    let out = run(&["lint", "--no-config", "-"], b"FROM alpine:3.20\nUSER 1\nMAINTAINER me\n");
    assert_eq!(out.code, 1);
    assert!(out.stdout.starts_with("<stdin>:3:1: warning[DW3011]"), "{}", out.stdout);
    // Files and standard input in one run, in the order given.
    let out = run(&["lint", "--no-config", "clean.Dockerfile", "-", "app.Dockerfile"], b"FROM alpine\nUSER 1\n");
    let files: Vec<&str> =
        out.stdout.lines().filter(|l| !l.starts_with(' ')).map(|l| l.split(':').next().unwrap()).collect();
    let mut order = files.clone();
    order.dedup();
    assert_eq!(order, ["<stdin>", "app.Dockerfile"]);
}

#[test]
fn fix_rewrites_the_file_atomically_and_reports_what_is_left() {
    let text = "from alpine:3.20 as base\nMAINTAINER me\nEXPOSE 80/TCP\nUSER 1\nHEALTHCHECK CMD [\"true\"]\n";
    let fixed = "FROM alpine:3.20 AS base\nLABEL org.opencontainers.image.authors=me\nEXPOSE 80/tcp\nUSER 1\nHEALTHCHECK CMD [\"true\"]\n";
    let dir = dir_with(&[("Dockerfile", text)]);
    let path = dir.path().join("Dockerfile");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    }
    // --diff shows the fixes and writes nothing.
    let diff = run_in(dir.path(), &["lint", "--no-config", "--fix", "--diff", "Dockerfile"], b"");
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert!(
        diff.stdout.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,5 +1,5 @@\n-from alpine:3.20 as base\n"),
        "{}",
        diff.stdout
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
    // --fix writes, keeps the permissions and leaves no temporary file.
    let out = run_in(dir.path(), &["lint", "--no-config", "--fix", "Dockerfile"], b"");
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, "", "Dockerfile: fixed 3 findings\n"));
    assert_eq!(fs::read_to_string(&path).unwrap(), fixed);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    }
    let names: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(names, ["Dockerfile"]);
    // A second run has nothing left to fix and does not touch the file.
    let modified = fs::metadata(&path).unwrap().modified().unwrap();
    let again = run_in(dir.path(), &["lint", "--no-config", "--fix", "Dockerfile"], b"");
    assert_eq!((again.code, again.stderr.as_str()), (0, ""));
    assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), modified);
    // What has no mechanical fix is reported after fixing, with the fixed file's lines.
    fs::write(&path, "from alpine\nMAINTAINER me\n").unwrap();
    let out = run_in(dir.path(), &["lint", "--no-config", "--fix", "Dockerfile"], b"");
    assert_eq!(out.code, 1);
    assert_eq!(fs::read_to_string(&path).unwrap(), "FROM alpine\nLABEL org.opencontainers.image.authors=me\n");
    assert!(out.stdout.starts_with("Dockerfile:1:1: warning[DW1001]"), "{}", out.stdout);
}

#[cfg(unix)]
#[test]
fn fix_of_a_read_only_directory_fails_and_leaves_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = dir_with(&[("ro/Dockerfile", "from alpine:3.20\nUSER 1\n")]);
    let ro = dir.path().join("ro");
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    // Root may write anyway: then the fix lands, which is right too.
    let probe = fs::write(ro.join("probe"), "x").is_ok();
    let out = run_in(dir.path(), &["lint", "--no-config", "--fix", "ro/Dockerfile"], b"");
    if probe {
        assert_eq!(out.code, 0, "{}", out.stderr);
    } else {
        assert_eq!(out.code, 2);
        assert!(
            out.stderr.starts_with("error: cannot write 'ro/Dockerfile': no temporary file in its directory"),
            "{}",
            out.stderr
        );
        assert_eq!(fs::read_to_string(ro.join("Dockerfile")).unwrap(), "from alpine:3.20\nUSER 1\n");
    }
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn text_is_coloured_only_when_asked() {
    let text = b"FROM alpine:3.20\nUSER 1\nMAINTAINER me\n";
    let plain = run(&["lint", "--no-config", "-"], text);
    assert!(!plain.stdout.contains('\x1b'));
    let coloured = run(&["--color", "always", "lint", "--no-config", "-"], text);
    assert!(
        coloured.stdout.starts_with("\x1b[1m<stdin>:3:1: \x1b[0m\x1b[1m\x1b[33mwarning[DW3011]\x1b[0m"),
        "{:?}",
        coloured.stdout
    );
}

// ---------------------------------------------------------------- ShellCheck

/// Whether `shellcheck` is on PATH here (under `CI` it must be: scripts/shellcheck-up installs it).
fn shellcheck_installed() -> bool {
    let found = dockwright::cli::ShellCheckProgram::find().is_some();
    if !found {
        assert!(std::env::var_os("CI").is_none(), "shellcheck is not installed: run scripts/shellcheck-up");
        println!("SKIPPED: shellcheck is not installed (scripts/shellcheck-up installs it)");
    }
    found
}

/// A Dockerfile whose RUN scripts ShellCheck finds SC2086 in: across a line continuation and in a
/// heredoc body.
const UNQUOTED: &str =
    "FROM alpine:3.20\nRUN mkdir -p /a \\\n    && rm -rf $DIR/x\nRUN <<EOF\ncp $SRC /b\nEOF\nUSER 1\n";

#[test]
fn shellcheck_findings_come_through_the_binary_at_their_words() {
    if !shellcheck_installed() {
        return;
    }
    let dir = dir_with(&[("Dockerfile", UNQUOTED), ("b.Dockerfile", UNQUOTED)]);
    let out = run_in(dir.path(), &["lint", "Dockerfile", "b.Dockerfile"], b"");
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    let expected: Vec<String> = ["Dockerfile", "b.Dockerfile"]
        .iter()
        .flat_map(|file| {
            [
                format!("{file}:3:15: info[SC2086]: Double quote to prevent globbing and word splitting."),
                "  = help: see https://www.shellcheck.net/wiki/SC2086".to_string(),
                format!("{file}:5:4: info[SC2086]: Double quote to prevent globbing and word splitting."),
                "  = help: see https://www.shellcheck.net/wiki/SC2086".to_string(),
            ]
        })
        .collect();
    assert_eq!(out.stdout.lines().collect::<Vec<_>>(), expected);

    // JSON says it ran, on how many scripts, and locates the findings.
    let out = run_in(dir.path(), &["lint", "--format", "json", "Dockerfile", "b.Dockerfile"], b"");
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["shellcheck"], serde_json::json!({"status": "checked", "scripts": 4, "message": null}));
    let first = &report["files"][0]["diagnostics"][0];
    assert_eq!((first["code"].as_str(), first["span"]["line"].as_u64()), (Some("SC2086"), Some(3)));
    assert_eq!((first["span"]["column"].as_u64(), first["span"]["end_column"].as_u64()), (Some(15), Some(19)));

    // Off by flag, by config, or one code at a time; the threshold sees SC findings as their severity.
    for (args, config) in [
        (&["--no-shellcheck"][..], ""),
        (&["--disable", "shellcheck"][..], ""),
        (&[][..], "[lint]\nignore = [\"DW3023\"]\n"),
        (&["--disable", "SC2086"][..], ""),
        (&["--failure-threshold", "warning"][..], ""),
    ] {
        fs::write(dir.path().join(".dockwright.toml"), config).unwrap();
        let mut all = vec!["lint", "Dockerfile"];
        all.extend(args);
        let out = run_in(dir.path(), &all, b"");
        let threshold = args.contains(&"--failure-threshold");
        assert_eq!(out.stdout.contains("SC2086"), threshold, "{args:?} {config:?}: {}", out.stdout);
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{args:?} {config:?}");
    }
    fs::remove_file(dir.path().join(".dockwright.toml")).unwrap();
    let out = run_in(dir.path(), &["lint", "--no-shellcheck", "--format", "json", "Dockerfile"], b"");
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["shellcheck"], serde_json::json!({"status": "off", "scripts": 0, "message": null}));
}

/// The same script under different scopes is checked once per scope: ShellCheck runs each distinct
/// script once, and a script's scope is part of what it reads. `$name` is an `ARG` in one stage
/// and in one file only: SC2154 (referenced but not assigned) where it is not.
#[test]
fn identical_scripts_in_different_scopes_are_checked_apart() {
    if !shellcheck_installed() {
        return;
    }
    let script = "RUN echo \"$name\"\n";
    let declared = format!("FROM alpine:3.20\nARG name\n{script}FROM alpine:3.20\n{script}USER 1\n");
    let undeclared = format!("FROM alpine:3.20\n{script}USER 1\n");
    let dir = dir_with(&[("a.Dockerfile", &declared), ("b.Dockerfile", &undeclared), ("c.Dockerfile", &declared)]);
    let out = run_in(dir.path(), &["lint", "--format", "json", "a.Dockerfile", "b.Dockerfile", "c.Dockerfile"], b"");
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["shellcheck"]["status"], "checked", "{}", out.stderr);
    let unassigned: Vec<String> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|file| {
            let path = file["file"].as_str().unwrap().to_string();
            file["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["code"] == "SC2154")
                .map(move |d| format!("{path}:{}", d["span"]["line"]))
        })
        .collect();
    assert_eq!(unassigned, ["a.Dockerfile:5", "b.Dockerfile:2", "c.Dockerfile:5"]);
}

#[test]
fn a_relative_shellcheck_path_is_the_callers() {
    let Some(program) = dockwright::cli::ShellCheckProgram::find() else {
        return assert!(shellcheck_installed());
    };
    let dir = dir_with(&[("Dockerfile", UNQUOTED)]);
    fs::create_dir(dir.path().join("tools")).unwrap();
    std::os::unix::fs::symlink(program.path(), dir.path().join("tools/sc")).unwrap();
    let out = run_in(dir.path(), &["lint", "--shellcheck", "tools/sc", "--format", "json", "Dockerfile"], b"");
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["shellcheck"]["status"], "checked", "{}", out.stderr);
}

#[test]
fn shellcheck_codes_are_sarif_rules_with_their_wiki_page() {
    if !shellcheck_installed() {
        return;
    }
    let (schemas, index) = sarif_schema();
    let dir = dir_with(&[("Dockerfile", UNQUOTED)]);
    let out = run_in(dir.path(), &["lint", "--format", "sarif", "Dockerfile"], b"");
    let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    if let Err(error) = schemas.validate(&log, index) {
        panic!("the SARIF is not valid:\n{error:#}\n{}", out.stdout);
    }
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "SC2086");
    let rule = &rules[usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap()];
    assert_eq!((&rule["id"], &rule["helpUri"]), (&"SC2086".into(), &"https://www.shellcheck.net/wiki/SC2086".into()));
    assert_eq!(run["invocations"][0]["properties"]["shellcheck"]["status"], "checked");
    assert!(run["invocations"][0].get("toolExecutionNotifications").is_none());
}

#[test]
fn a_missing_shellcheck_is_said_once_in_every_format() {
    let (schemas, index) = sarif_schema();
    let dir = dir_with(&[("Dockerfile", UNQUOTED), ("b.Dockerfile", UNQUOTED), ("bin/.keep", "")]);
    let empty_path = dir.path().join("bin");
    let empty_path = empty_path.to_str().unwrap();
    let note = "dockwright lint: note[DW3023]: ShellCheck did not check the 4 RUN scripts (no SC findings): \
                shellcheck is not on PATH\n  = help: install shellcheck (Debian: apt-get install shellcheck) or \
                give it with --shellcheck PATH; --no-shellcheck turns this off\n";
    let files = ["Dockerfile", "b.Dockerfile"];
    let lint = |args: &[&str]| {
        let mut all = vec!["lint"];
        all.extend(args);
        all.extend(files);
        run_with(dir.path(), &all, b"", &[("PATH", empty_path)])
    };
    let out = lint(&[]);
    // Not a finding: the exit code is the other rules' (none here).
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, "", note));

    let out = lint(&["--format", "json"]);
    assert_eq!(out.stderr, note);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let message = "ShellCheck did not check the 4 RUN scripts (no SC findings): shellcheck is not on PATH";
    assert_eq!(report["shellcheck"], serde_json::json!({"status": "missing", "scripts": 4, "message": message}));

    let out = lint(&["--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    if let Err(error) = schemas.validate(&log, index) {
        panic!("the SARIF is not valid:\n{error:#}\n{}", out.stdout);
    }
    let notification = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(notification["message"]["text"], message);
    assert_eq!(notification["descriptor"]["id"], "DW3023");

    // A program given that cannot run: said the same way, with why.
    let out = lint(&["--shellcheck", "/nonexistent/shellcheck", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["shellcheck"]["status"], "failed");
    let why = report["shellcheck"]["message"].as_str().unwrap();
    assert!(why.contains("/nonexistent/shellcheck could not be started"), "{why}");
    assert_eq!(out.stderr.matches("note[DW3023]").count(), 1, "{}", out.stderr);

    // Nothing to check, or ShellCheck off: nothing said.
    let out = lint(&["--no-shellcheck"]);
    assert_eq!(out.stderr, "");
    let out = run_with(dir.path(), &["lint", "-"], b"FROM alpine:3.20\nUSER 1\n", &[("PATH", empty_path)]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
}

#[test]
fn one_rule_named_twice_in_severity_overrides() {
    let dir = dir_with(&[("Dockerfile", "FROM alpine:3.20\nUSER root\n")]);
    let config = |text: &str| fs::write(dir.path().join(".dockwright.toml"), text).unwrap();
    // Two keys of the config naming one rule: an error naming both, whatever their order.
    for keys in ["DL3002 = \"error\"\nDW1001 = \"info\"\n", "user-root = \"info\"\nDL3002 = \"error\"\n"] {
        config(&format!("[lint]\nignore = [\"DW3014\"]\n[lint.severity]\n{keys}"));
        let out = run_in(dir.path(), &["lint", "Dockerfile"], b"");
        assert_eq!(out.code, 2, "{keys}");
        assert!(out.stderr.contains("[lint.severity] names one rule twice, as "), "{}", out.stderr);
        assert!(out.stderr.contains("DL3002") && out.stderr.ends_with(": keep one of them\n"), "{}", out.stderr);
    }
    // A flag wins over the config, whichever id each uses; of two flags, the later.
    config("[lint]\nignore = [\"DW3014\"]\n[lint.severity]\nDL3002 = \"error\"\n");
    assert_eq!(codes_in(dir.path(), &["--severity", "DW1001=info", "Dockerfile"]), (1, vec!["DW1001:info".into()]));
    assert_eq!(codes_in(dir.path(), &["Dockerfile"]), (1, vec!["DW1001:error".into()]));
    let flags = ["--severity", "user-root=style", "--severity", "DL3002=warning", "Dockerfile"];
    assert_eq!(codes_in(dir.path(), &flags), (1, vec!["DW1001:warning".into()]));
}

/// `--enable` and `--disable` apply in the order typed: the last flag naming a rule wins, whatever id
/// each uses (code, name, hadolint code), over the config file too.
#[test]
fn rule_switches_apply_in_the_order_typed() {
    let dir = dir_with(&[(
        "Dockerfile",
        "FROM alpine:3.20\nRUN wget -qO- https://example.com/a | tar -x\nRUN apk add --no-cache curl\nUSER 1\n",
    )]);
    let codes = |flags: &[&str]| -> Vec<String> {
        let mut args = vec!["--no-shellcheck", "--no-config"];
        args.extend(flags);
        args.push("Dockerfile");
        codes_in(dir.path(), &args).1.into_iter().map(|code| code.split(':').next().unwrap().to_string()).collect()
    };
    let (pipefail, unpinned) = (vec!["DW3019".to_string()], vec!["DW2005".to_string()]);
    let both = vec!["DW2005".to_string(), "DW3019".to_string()];
    let none: Vec<String> = Vec::new();
    let cases: [(&[&str], &Vec<String>); 10] = [
        (&[], &pipefail),
        (&["--disable", "DW3019", "--enable", "DW3019"], &pipefail),
        (&["--enable", "DW3019", "--disable", "DW3019"], &none),
        // Other ids of the same rules: a name, a hadolint code.
        (&["--disable", "pipefail", "--enable", "DL4006"], &pipefail),
        (&["--enable", "DL4006", "--disable", "pipefail"], &none),
        // A rule off by default, and two rules interleaved.
        (&["--enable", "DL3018", "--disable", "unpinned-packages"], &pipefail),
        (&["--disable", "DW2005", "--enable", "DL3018"], &both),
        (&["--enable", "DW2005", "--disable", "DL4006", "--disable", "DL3018", "--enable", "DW3019"], &pipefail),
        (&["--disable", "DW3019", "--enable", "DW2005", "--enable", "pipefail", "--disable", "DW3019"], &unpinned),
        (&["--enable=DW2005", "--disable=DL4006"], &unpinned),
    ];
    for (flags, expected) in cases {
        assert_eq!(&codes(flags), expected, "{flags:?}");
    }
    // The last flag wins over the config file too, in either direction.
    fs::write(dir.path().join(".dockwright.toml"), "[lint]\nignore = [\"DL4006\"]\nenable = [\"DL3018\"]\n").unwrap();
    let with_config = |flags: &[&str]| -> Vec<String> {
        let mut args = vec!["--no-shellcheck"];
        args.extend(flags);
        args.push("Dockerfile");
        codes_in(dir.path(), &args).1.into_iter().map(|code| code.split(':').next().unwrap().to_string()).collect()
    };
    assert_eq!(with_config(&[]), unpinned);
    assert_eq!(with_config(&["--enable", "pipefail", "--disable", "DW2005"]), pipefail);
    assert_eq!(with_config(&["--disable", "DW3019", "--enable", "DW3019"]), both);
}

#[test]
fn help_url_comes_from_the_flag_over_the_config() {
    let dir = dir_with(&[
        ("Dockerfile", "FROM alpine:3.20\nMAINTAINER me\nUSER 1\n"),
        (".dockwright.toml", "[lint]\nhelp-url = \"https://config.example.com/lint.html\"\n"),
    ]);
    let help_uri = |args: &[&str]| {
        let mut all = vec!["lint", "--format", "sarif", "--no-shellcheck"];
        all.extend(args);
        all.push("Dockerfile");
        let out = run_in(dir.path(), &all, b"");
        let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().clone();
        rules.iter().find(|rule| rule["id"] == "DW3011").unwrap()["helpUri"].as_str().map(str::to_string)
    };
    assert_eq!(help_uri(&[]).as_deref(), Some("https://config.example.com/lint.html#dw3011-maintainer"));
    let flag = ["--help-url", "https://me.github.io/dockwright/lint.html#top"];
    assert_eq!(help_uri(&flag).as_deref(), Some("https://me.github.io/dockwright/lint.html#dw3011-maintainer"));
    assert_eq!(help_uri(&["--no-config"]), None);
}

/// A UTF-8 byte order mark is no column: findings on line 1 are at the same line and column as in
/// the file without it, in every format (byte offsets still count it, as it is in the file).
#[test]
fn a_byte_order_mark_is_no_column() {
    let plain = "FROM alpine\nMAINTAINER me\nUSER 1\n";
    let marked = format!("\u{feff}{plain}");
    for format in ["text", "checkstyle", "junit"] {
        let args = ["lint", "--no-config", "--no-shellcheck", "--format", format, "-"];
        let (a, b) = (run(&args, plain.as_bytes()), run(&args, marked.as_bytes()));
        assert!(
            a.stdout.contains(":1:6")
                || a.stdout.contains("line=\"1\" column=\"6\"")
                || a.stdout.contains("DW2001 1:6"),
            "{format}: {}",
            a.stdout
        );
        assert_eq!((b.code, b.stdout), (a.code, a.stdout), "{format}");
    }
    let json = |text: &str| {
        let out = run(&["lint", "--no-config", "--no-shellcheck", "--format", "json", "-"], text.as_bytes());
        let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        report["files"][0]["diagnostics"].as_array().unwrap().iter().map(|d| d["span"].clone()).collect::<Vec<_>>()
    };
    let (a, b) = (json(plain), json(&marked));
    assert_eq!(a.len(), b.len());
    for (a, b) in a.iter().zip(&b) {
        for key in ["line", "column", "end_line", "end_column"] {
            assert_eq!(a[key], b[key], "{key}: {a} / {b}");
        }
        assert_eq!(b["start"].as_u64(), a["start"].as_u64().map(|start| start + 3));
    }
}

#[test]
fn a_flag_switches_a_rule_the_config_switched_by_another_id() {
    let dir = dir_with(&[
        ("Dockerfile", "FROM debian:bookworm-slim\nRUN apt-get install -y --no-install-recommends curl\nUSER 1\n"),
        (".dockwright.toml", "[lint]\nignore = [\"DL3008\", \"DW4002\", \"DW2003\"]\n"),
    ]);
    // The config turns DW2005 off by its hadolint code; the flag turns it on by its code.
    let (_, codes) = codes_in(dir.path(), &["--no-shellcheck", "Dockerfile"]);
    assert!(!codes.iter().any(|code| code.starts_with("DW2005")), "{codes:?}");
    let (_, codes) = codes_in(dir.path(), &["--no-shellcheck", "--enable", "DW2005", "Dockerfile"]);
    assert!(codes.iter().any(|code| code.starts_with("DW2005")), "{codes:?}");
}
