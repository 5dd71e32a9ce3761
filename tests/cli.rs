//! The `dockwright` binary, run as a user runs it: files and standard input, what it prints, exit
//! codes (0 ok, 1 findings, 2 usage or input/output error), the files it writes, and input that is not
//! a Dockerfile at all (a directory, unreadable, empty, binary, invalid UTF-8, UTF-16), or one with
//! CRLF line endings or a byte order mark, which BuildKit accepts. A property test feeds arbitrary
//! bytes to every subcommand: no panic, exit 0, 1 or 2.

use std::fs;
use std::path::Path;

use pretty_assertions::assert_eq;
use proptest::prelude::*;

#[path = "support/cli.rs"]
mod support_cli;

use support_cli::{Run, run_in};

fn run(args: &[&str], stdin: &[u8]) -> Run {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, stdin, &[])
}

/// A scratch directory with `files` written into it.
fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    dir
}

fn path(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).display().to_string()
}

const SEED: &str = "tests/golden/spec-editor/spec-editor.Dockerfile";

/// A Python service written the usual way: the whole context copied before the dependency install.
const NAIVE: &str = "\
FROM python:3.12-slim
WORKDIR /app
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD [\"python\", \"app.py\"]
";

// ---------------------------------------------------------------- usage, help, completions, man

#[test]
fn help_lists_every_subcommand_with_examples() {
    let help = run(&["--help"], b"");
    assert_eq!(help.code, 0, "{}", help.stderr);
    for command in ["lint", "fmt", "optimize", "impact", "estimate", "import", "completions", "man"] {
        assert!(help.stdout.contains(&format!("  {command} ")), "{command} missing from:\n{}", help.stdout);
        let sub = run(&[command, "--help"], b"");
        assert_eq!(sub.code, 0, "{command}: {}", sub.stderr);
        assert!(sub.stdout.contains("Example"), "{command} --help has no examples:\n{}", sub.stdout);
    }
    assert!(help.stdout.contains("Exit codes: 0 ok; 1 findings"));
    let version = run(&["--version"], b"");
    assert_eq!((version.code, version.stdout.as_str()), (0, concat!("dockwright ", env!("CARGO_PKG_VERSION"), "\n")));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["fmt", "--frobnicate"],
        &["impact", SEED],
        &["import", SEED],
        &["import", SEED, "--to", "python"],
        &["estimate", SEED, "--budget", "12 parsecs"],
        &["estimate", SEED, "--allow-unknown"],
        &["estimate", SEED, "--build-arg", "NOEQUALS"],
        &["optimize", SEED, "--disable", "no-such-pass"],
        &["optimize", SEED, "--build-arg", "A=1"],
        &["completions", "cmd.exe"],
    ] {
        let out = run(args, b"");
        assert_eq!(out.code, 2, "{args:?} exited {}:\n{}{}", out.code, out.stdout, out.stderr);
        let usage = if args.is_empty() { "Usage: dockwright [OPTIONS] <COMMAND>" } else { "error: " };
        assert!(out.stderr.contains(usage), "{args:?}: {}", out.stderr);
    }
    let out = run(&["estimate", SEED, "--budget", "12 parsecs"], b"");
    assert!(out.stderr.contains("unknown unit \"parsecs\" (use B, kB, MB, GB, KiB, MiB or GiB)"), "{}", out.stderr);
    let out = run(&["optimize", SEED, "--disable", "no-such-pass"], b"");
    assert!(out.stderr.contains("no pass is called 'no-such-pass': use one of split-context-copy,"), "{}", out.stderr);
}

#[test]
fn completions_and_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(&["completions", shell], b"");
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains("dockwright") && out.stdout.contains("estimate"), "{shell}:\n{}", out.stdout);
    }
    let man = run(&["man"], b"");
    assert_eq!(man.code, 0, "{}", man.stderr);
    assert!(man.stdout.starts_with(".ie \\n(.g .ds Aq \\(aq"), "{}", &man.stdout[..200]);
    assert!(man.stdout.contains(".TH dockwright 1"), "{}", man.stdout);
    assert!(man.stdout.contains("dockwright\\-fmt"), "{}", man.stdout);
    let estimate = run(&["man", "estimate"], b"");
    assert_eq!(estimate.code, 0, "{}", estimate.stderr);
    assert!(estimate.stdout.contains(".TH dockwright-estimate 1"), "{}", estimate.stdout);
    assert!(estimate.stdout.contains("\\fB\\-\\-budget\\fR"), "{}", estimate.stdout);
    let unknown = run(&["man", "frob"], b"");
    assert_eq!(unknown.code, 2);
    // `build` and `bundle` are there when the binary is built with feature `engine` too.
    let (build, bundle) = if cfg!(feature = "engine") { ("build, ", "bundle, ") } else { ("", "") };
    assert_eq!(
        unknown.stderr,
        format!(
            "error: no subcommand is called 'frob': use one of lint, fmt, optimize, impact, estimate, {build}import, {bundle}completions, man\n"
        )
    );
}

// ---------------------------------------------------------------- fmt

#[test]
fn fmt_writes_canonical_text_to_stdout_for_stdin() {
    let out = run(
        &["fmt", "-"],
        b"from python:3.12-slim as app\nenv A=1 B=\"two words\"\ncopy app.py /app/\nrun apt-get update && \\\n    apt-get install -y curl\ncmd python app.py\n",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "FROM python:3.12-slim AS app\nENV A=1 \\\n    B=\"two words\"\nCOPY [\"app.py\", \"/app/\"]\n\
         RUN apt-get update &&     apt-get install -y curl\nCMD python app.py\n"
    );
    assert_eq!(out.stderr, "");
}

#[test]
fn the_examples_dockerfiles_are_already_canonical() {
    let mut files = Vec::new();
    for entry in fs::read_dir("tests/golden").unwrap() {
        for file in fs::read_dir(entry.unwrap().path()).into_iter().flatten() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "Dockerfile") {
                files.push(file.display().to_string());
            }
        }
    }
    assert!(files.len() >= 10, "{files:?}");
    let mut args = vec!["fmt", "--check"];
    args.extend(files.iter().map(String::as_str));
    let out = run(&args, b"");
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, "", ""));
}

#[test]
fn fmt_check_and_diff_report_without_writing() {
    let dir = dir_with(&[("Dockerfile", b"from alpine:3.19\nrun echo hi\n")]);
    let file = path(&dir, "Dockerfile");
    let check = run(&["fmt", "--check", &file], b"");
    assert_eq!((check.code, check.stdout.as_str()), (1, ""));
    assert_eq!(check.stderr, format!("{file}: would be reformatted\n"));
    let diff = run(&["fmt", "--diff", &file], b"");
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert_eq!(
        diff.stdout,
        format!(
            "--- a{file}\n+++ b{file}\n@@ -1,2 +1,2 @@\n-from alpine:3.19\n-run echo hi\n+FROM alpine:3.19\n+RUN echo hi\n"
        )
    );
    let both = run(&["fmt", "--check", "--diff", &file], b"");
    assert_eq!((both.code, both.stdout.as_str()), (1, diff.stdout.as_str()));
    assert_eq!(fs::read_to_string(&file).unwrap(), "from alpine:3.19\nrun echo hi\n", "--check/--diff wrote the file");
}

#[cfg(unix)]
#[test]
fn fmt_rewrites_the_file_a_symlink_points_to_and_keeps_the_link() {
    let dir = dir_with(&[("docker/Dockerfile", b"from alpine\n")]);
    std::os::unix::fs::symlink("docker/Dockerfile", dir.path().join("Dockerfile")).unwrap();
    let out = run_in(dir.path(), &["fmt", "Dockerfile"], b"", &[]);
    assert_eq!((out.code, out.stderr.as_str()), (0, "reformatted Dockerfile\n"));
    assert!(fs::symlink_metadata(dir.path().join("Dockerfile")).unwrap().file_type().is_symlink());
    assert_eq!(fs::read_to_string(dir.path().join("docker/Dockerfile")).unwrap(), "FROM alpine\n");
}

#[cfg(unix)]
#[test]
fn fmt_rewrites_files_in_place_keeping_their_permissions() {
    use std::os::unix::fs::PermissionsExt;

    let dir = dir_with(&[("Dockerfile", b"from alpine:3.19\nrun echo hi\n"), ("ok.Dockerfile", b"FROM alpine\n")]);
    let file = path(&dir, "Dockerfile");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    let out = run_in(dir.path(), &["fmt"], b"", &[]);
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, "", "reformatted Dockerfile\n"));
    assert_eq!(fs::read_to_string(&file).unwrap(), "FROM alpine:3.19\nRUN echo hi\n");
    assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
    let names: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 2, "a temporary file was left behind: {names:?}");
    // Formatting is idempotent: nothing more to do.
    let again = run_in(dir.path(), &["fmt", "Dockerfile", "ok.Dockerfile"], b"", &[]);
    assert_eq!((again.code, again.stdout.as_str(), again.stderr.as_str()), (0, "", ""));
}

#[test]
fn fmt_goes_on_after_a_bad_file_and_exits_with_the_worst_code() {
    let dir = dir_with(&[("a", b"from alpine\n"), ("b", b"FROM alpine\n")]);
    let out = run_in(dir.path(), &["fmt", "a", "missing", "b"], b"", &[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "reformatted a\nerror: cannot read 'missing'\n  caused by: No such file or directory (os error 2)\n"
    );
    assert_eq!(fs::read_to_string(dir.path().join("a")).unwrap(), "FROM alpine\n");
}

#[test]
fn fmt_leaves_a_file_whose_canonical_form_could_mean_something_else() {
    let text = "FROM alpine:${TAG:-3.19}\nRUN true\n";
    let dir = dir_with(&[("Dockerfile", text.as_bytes())]);
    let out = run_in(dir.path(), &["fmt", "Dockerfile"], b"", &[]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "Dockerfile:1:6: warning: FROM alpine:${TAG:-3.19} cannot be kept as written (alpine:${TAG:-3.19} uses a \
         ${NAME:...} form, and the model keeps only plain ${NAME} references): it is lowered as alpine:3.19, what a \
         build without --build-arg uses\n\
         Dockerfile: not formatted: its canonical form could mean something else (see the warnings above)\n"
    );
    assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), text);
}

#[test]
fn a_file_buildkit_refuses_is_an_error_naming_the_line() {
    for command in [
        &["fmt", "-"][..],
        &["optimize", "-"],
        &["estimate", "-"],
        &["impact", "-", "--changed", "a"],
        &["import", "-", "--to", "rust"],
    ] {
        let out = run(command, b"FROM alpine\nFROB nicate\n");
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{command:?}: {}", out.stderr);
        let mut lines = out.stderr.lines();
        assert_eq!(lines.next(), Some("<stdin>:2:1: error: BuildKit rejects this FROB: unknown instruction: FROB"));
        let last = lines.next().unwrap();
        assert!(
            last.starts_with("error: cannot ")
                && last
                    .ends_with(" '<stdin>': BuildKit would refuse it (see the errors above); fix them and run again"),
            "{last}"
        );
    }
}

#[test]
fn notes_are_printed_with_verbose_only() {
    let text = b"FROM alpine\nMAINTAINER ops@example.com\n";
    let quiet = run(&["fmt", "-"], text);
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
    let verbose = run(&["fmt", "--verbose", "-"], text);
    assert_eq!(verbose.code, 0);
    assert_eq!(verbose.stdout, quiet.stdout);
    assert_eq!(
        verbose.stderr,
        "<stdin>:2:1: note: MAINTAINER is kept as written: MAINTAINER is deprecated and has no typed form\n"
    );
}

// ---------------------------------------------------------------- optimize

#[test]
fn optimize_prints_the_file_and_each_reason() {
    let dir =
        dir_with(&[("Dockerfile", NAIVE.as_bytes()), ("app.py", b"print(1)\n"), ("requirements.txt", b"flask\n")]);
    let out = run_in(dir.path(), &["optimize", "--context", ".", "Dockerfile"], b"", &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "FROM python:3.12-slim\nWORKDIR /app\n\
         RUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*\n\
         COPY [\"requirements.txt\", \"./\"]\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY [\".\", \".\"]\n\
         CMD [\"python\", \"app.py\"]\n"
    );
    let reasons: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(reasons.len(), 2, "{}", out.stderr);
    assert!(reasons[0].starts_with("split-context-copy at `stage 0: COPY . .`: "), "{}", reasons[0]);
    assert!(reasons[1].starts_with("merge-apt-update at `stage 0: RUN apt-get update`: "), "{}", reasons[1]);

    let diff = run_in(dir.path(), &["optimize", "--context", ".", "--diff", "Dockerfile"], b"", &[]);
    assert_eq!((diff.code, diff.stderr.as_str()), (0, ""));
    assert!(
        diff.stdout.starts_with(&format!("# {}\n# {}\n--- a/Dockerfile\n+++ b/Dockerfile\n", reasons[0], reasons[1]))
    );

    let check = run_in(dir.path(), &["optimize", "--context", ".", "--check", "Dockerfile"], b"", &[]);
    assert_eq!((check.code, check.stdout.as_str()), (1, ""));
    assert!(check.stderr.ends_with("Dockerfile: the optimizer would make 2 change(s)\n"), "{}", check.stderr);

    // Without the context, the manifest requirements.txt is not known to exist: no split.
    let blind = run_in(dir.path(), &["optimize", "Dockerfile"], b"", &[]);
    assert!(blind.stdout.contains("COPY [\".\", \".\"]\nRUN pip install"), "{}", blind.stdout);
    // An optimized file has nothing left to do.
    let again = run(&["optimize", "--check", "-"], out.stdout.as_bytes());
    assert_eq!((again.code, again.stderr.as_str()), (0, ""));
}

#[test]
fn optimize_honours_the_dockerignore_next_to_the_dockerfile() {
    // requirements.txt is ignored, so the context does not send it and the install cannot go first.
    let dir = dir_with(&[
        ("Dockerfile", NAIVE.as_bytes()),
        ("Dockerfile.dockerignore", b"requirements.txt\n"),
        (".dockerignore", b"nothing-relevant\n"),
        ("requirements.txt", b"flask\n"),
    ]);
    let out =
        run_in(dir.path(), &["optimize", "--context", ".", "--disable", "merge-apt-update", "Dockerfile"], b"", &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, NAIVE.replace("COPY . .", "COPY [\".\", \".\"]"));
    let explicit =
        run_in(dir.path(), &["optimize", "--context", ".", "--ignorefile", ".dockerignore", "Dockerfile"], b"", &[]);
    assert!(explicit.stdout.contains("COPY [\"requirements.txt\", \"./\"]"), "{}", explicit.stdout);
}

#[test]
fn optimize_explains_what_it_left_in_place() {
    let text = b"FROM python:3.12-slim AS app\nWORKDIR /app\nCOPY . ./\nRUN mkdir -p /app/data\n";
    let out = run(&["optimize", "--explain", "-"], text);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        "FROM python:3.12-slim AS app\nWORKDIR /app\nCOPY [\".\", \"./\"]\nRUN mkdir -p /app/data\n"
    );
    assert_eq!(
        out.stderr,
        "move-earlier kept `app: RUN mkdir -p /app/data` after `COPY . ./`: the copy writes /app, which holds \
         /app/data that the RUN touches\n<stdin>: nothing to optimize\n"
    );
}

#[test]
fn a_missing_context_or_ignore_file_is_an_error() {
    let out = run(&["impact", SEED, "--changed", "a", "--ignorefile", "missing"], b"");
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (2, "error: cannot read ignore file 'missing'\n  caused by: No such file or directory (os error 2)\n")
    );
    let out = run(&["estimate", SEED, "--context", "missing"], b"");
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (2, "error: build context 'missing' is not a directory: give the directory `docker build` would be given\n")
    );
    let out = run(&["optimize", SEED, "--context", ".", "--ignorefile", "tests"], b"");
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (2, "error: ignore file 'tests' is a directory: give the .dockerignore file inside it\n")
    );
}

#[test]
fn an_unknown_target_lists_the_stages() {
    let text = b"FROM alpine AS build\nRUN true\nFROM alpine AS app\nRUN true\n";
    for command in [
        &["optimize", "-", "--target", "test"][..],
        &["estimate", "-", "--target", "test"],
        &["impact", "-", "--changed", "a", "--target", "test"],
    ] {
        let out = run(command, text);
        assert_eq!(out.code, 2, "{command:?}");
        assert!(
            out.stderr.contains("  caused by: build target 'test' is not a stage: use one of 'build', 'app'\n"),
            "{command:?}: {}",
            out.stderr
        );
    }
}

// ---------------------------------------------------------------- impact

#[test]
fn impact_says_which_steps_rerun_and_why_per_stage() {
    let out = run(&["impact", SEED, "--changed", "app.py"], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "target 'runtime': 2 of 8 layer steps rerun\n\
         stage 'builder': 0 rerun\n\
         \x20 cached RUN python3 -m venv /opt/venv\n\
         \x20 cached COPY requirements.txt ./\n\
         \x20 cached COPY vendor/wheels ./wheels/\n\
         \x20 cached RUN /opt/venv/bin/pip install --no-cache-dir --no-index ...\n\
         stage 'runtime': 2 rerun\n\
         \x20 cached RUN groupadd --system --gid 10001 app && useradd --system --no-log-init ...\n\
         \x20 cached COPY --from=builder /opt/venv /opt/venv\n\
         \x20 rerun  COPY app.py ./\n\
         \x20         reads changed path app.py (via app.py)\n\
         \x20 rerun  COPY templates/ ./templates/\n\
         \x20         builds on `runtime: COPY app.py ./`, which missed\n"
    );
}

#[test]
fn impact_reads_dockerignore_args_and_bases() {
    let text = "ARG PY=3.12\nFROM python:${PY}-slim AS app\nARG MODE\nCOPY src/ /app/\nRUN echo $MODE\n";
    let dir = dir_with(&[("Dockerfile", text.as_bytes()), (".dockerignore", b"src/*.md\n")]);
    let ignored = run_in(dir.path(), &["impact", "Dockerfile", "--changed", "./src/README.md"], b"", &[]);
    assert_eq!(ignored.code, 0);
    assert_eq!(
        ignored.stderr,
        format!("src/README.md: excluded by {}, so not in the build context\n", ".dockerignore")
    );
    assert!(ignored.stdout.starts_with("target 'app': 0 of 2 layer steps rerun\n"), "{}", ignored.stdout);

    let arg = run_in(dir.path(), &["impact", "Dockerfile", "--changed-arg", "MODE=prod"], b"", &[]);
    assert!(arg.stdout.contains("  rerun  RUN echo $MODE\n          build arg MODE changed\n"), "{}", arg.stdout);
    let base = run_in(dir.path(), &["impact", "Dockerfile", "--changed-base", "python"], b"", &[]);
    assert!(base.stdout.starts_with("target 'app': 2 of 2 layer steps rerun\n"), "{}", base.stdout);
    assert!(base.stdout.contains("base image python:3.12-slim changed"), "{}", base.stdout);
    // A --build-arg picks the base image: another python is not the one that changed.
    let other = run_in(
        dir.path(),
        &["impact", "Dockerfile", "--changed-base", "python:3.12-slim", "--build-arg", "PY=3.13"],
        b"",
        &[],
    );
    assert!(other.stdout.starts_with("target 'app': 0 of 2 layer steps rerun\n"), "{}", other.stdout);
}

// ---------------------------------------------------------------- estimate

const CATALOG: &str = "image\tuncompressed\nalpine:3.19\t7300000\nalpine:3.20\t7800000\n";

#[test]
fn estimate_prints_a_table_with_unknowns_and_hints() {
    let dir = dir_with(&[
        ("Dockerfile", b"FROM alpine:3.19 AS app\nCOPY data/ /data/\nRUN mkdir /out\n"),
        ("data/a.bin", &[7u8; 3000]),
        ("data/skip.log", &[7u8; 5000]),
        (".dockerignore", b"*/*.log\n"),
        ("catalog.tsv", CATALOG.as_bytes()),
    ]);
    let unknown = run_in(dir.path(), &["estimate", "Dockerfile"], b"", &[]);
    assert_eq!(unknown.code, 0, "{}", unknown.stderr);
    assert_eq!(
        unknown.stdout,
        "image 'app': 0.0–65.5 kB, 2 parts unknown\nstage 'app'\n\
         \x20     unknown  FROM alpine:3.19\n\
         \x20     unknown  COPY data/ /data/\n\
         \x20 0.0–65.5 kB  RUN mkdir /out\n\
         unknown, not counted:\n\
         \x20 stage 'app', FROM alpine:3.19: base image size unknown\n\
         \x20 stage 'app', COPY data/ /data/: context files data/: size unknown (no oracle answered)\n"
    );
    assert_eq!(
        unknown.stderr,
        "hint: base image sizes come from --catalog FILE, a TSV of image sizes\n\
         hint: files from the build context are sized with --context DIR\n"
    );
    let known = run_in(dir.path(), &["estimate", "--catalog", "catalog.tsv", "--context", ".", "Dockerfile"], b"", &[]);
    assert_eq!((known.code, known.stderr.as_str()), (0, ""));
    assert!(known.stdout.starts_with("image 'app': 7.3–7.4 MB\n"), "{}", known.stdout);
    assert!(
        known.stdout.contains("  3.0 kB  COPY data/ /data/\n"),
        "the .dockerignore'd log counted:\n{}",
        known.stdout
    );
}

#[test]
fn estimate_budget_exit_codes() {
    let dir = dir_with(&[("Dockerfile", b"FROM alpine:3.19\nRUN mkdir /out\n"), ("catalog.tsv", CATALOG.as_bytes())]);
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["--budget", "10MB"],
            0,
            "image 'stage-0' fits its size budget of 10.0 MB: estimated 7.3–7.4 MB, 2.6 MB to spare\n",
        ),
        (
            &["--budget", "7MB"],
            1,
            "image 'stage-0' may exceed its size budget of 7.0 MB by up to 365.5 kB: estimated 7.3–7.4 MB\n",
        ),
        (&["--budget", "7 MiB"], 1, "image 'stage-0' may exceed its size budget of 7.3 MB by up to 25.5 kB"),
    ];
    for (extra, code, line) in cases {
        let mut args = vec!["estimate", "Dockerfile", "--catalog", "catalog.tsv"];
        args.extend_from_slice(extra);
        let out = run_in(dir.path(), &args, b"", &[]);
        assert_eq!(out.code, *code, "{extra:?}: {}{}", out.stdout, out.stderr);
        assert!(out.stdout.contains(line), "{extra:?}:\n{}", out.stdout);
    }
    // Unknown parts fail a budget unless --allow-unknown.
    let unknown = run_in(dir.path(), &["estimate", "Dockerfile", "--budget", "1GB"], b"", &[]);
    assert_eq!(unknown.code, 1, "{}", unknown.stdout);
    assert!(
        unknown.stdout.ends_with(
            "image 'stage-0' cannot be checked against its size budget of 1.0 GB: 1 part of the estimate is unknown \
             (the known parts come to 0.0–65.5 kB)\n  stage 'stage-0', FROM alpine:3.19: base image size unknown\n\
             to check the known parts only, pass --allow-unknown\n"
        ),
        "{}",
        unknown.stdout
    );
    let allowed = run_in(dir.path(), &["estimate", "Dockerfile", "--budget", "1GB", "--allow-unknown"], b"", &[]);
    assert_eq!(allowed.code, 0, "{}", allowed.stdout);
    assert!(allowed.stdout.contains("fits its size budget of 1.0 GB on its known parts"), "{}", allowed.stdout);
}

#[test]
fn estimate_json_and_build_args() {
    let text = "ARG TAG=3.19\nFROM alpine:${TAG} AS app\nRUN mkdir /out\n";
    let dir = dir_with(&[("Dockerfile", text.as_bytes()), ("catalog.tsv", CATALOG.as_bytes())]);
    let args = ["estimate", "Dockerfile", "--catalog", "catalog.tsv", "--format", "json", "--budget", "7.5MB"];
    let out = run_in(dir.path(), &args, b"", &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    assert_eq!(json["file"], "Dockerfile");
    assert_eq!(json["target"], "app");
    assert_eq!(json["complete"], true);
    assert_eq!(json["stages"][0]["base"]["low"], 7_300_000);
    assert_eq!(json["stages"][0]["layers"][0]["instruction"], "RUN mkdir /out");
    assert_eq!(json["budget"]["fits"], true);
    assert_eq!(json["budget"]["bytes"], 7_500_000);

    let mut args = args.to_vec();
    args.extend(["--build-arg", "TAG=3.20"]);
    let bigger = run_in(dir.path(), &args, b"", &[]);
    assert_eq!(bigger.code, 1, "{}", bigger.stdout);
    let json: serde_json::Value = serde_json::from_str(&bigger.stdout).expect("valid JSON");
    assert_eq!(json["stages"][0]["from"], "alpine:3.20");
    assert_eq!(json["budget"]["fits"], false);

    let unused = run_in(dir.path(), &["estimate", "Dockerfile", "--build-arg", "NOPE=1"], b"", &[]);
    assert!(
        unused.stderr.starts_with(
            "Dockerfile: warning: --build-arg NOPE is not used: no ARG NOPE is declared\n  = help: declare it with ARG, \
             or drop the --build-arg\n"
        ),
        "{}",
        unused.stderr
    );
}

// ---------------------------------------------------------------- import

#[test]
fn import_prints_rust() {
    let text = b"FROM python:3.12-slim AS app\nENV PORT=8000\nCMD [\"python\", \"app.py\"]\n";
    let out = run(&["import", "-", "--to", "rust"], text);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "use dockwright::{Base, Image, Stage};\n\npub fn image() -> Result<dockwright::Image, dockwright::Error> {\n    \
         let mut image = Image::new();\n    image.stage(\n        Stage::new(\"app\", Base::python(\"3.12\").slim())\n            \
         .env(\"PORT\", \"8000\")\n            .cmd([\"python\", \"app.py\"]),\n    );\n    Ok(image)\n}\n\n\
         pub fn dockerfile() -> Result<dockwright::model::Dockerfile, dockwright::Errors> {\n    image()?.to_model()\n}\n"
    );
}

// ---------------------------------------------------------------- input robustness

#[test]
fn unusable_inputs_are_named_with_what_to_do() {
    let dir = dir_with(&[
        ("empty", b""),
        ("blank", b"\xEF\xBB\xBF\n  \n"),
        ("binary", b"\x7fELF\x02\x01\x01\x00\x00"),
        ("latin1", b"FROM alpine\nLABEL owner=Jos\xE9\n"),
        ("utf16", b"\xFF\xFEF\x00R\x00"),
        ("sub/Dockerfile", b"FROM alpine\n"),
    ]);
    let cases: &[(&str, &str)] = &[
        ("empty", "error: 'empty' is empty: a Dockerfile needs at least a FROM instruction, which BuildKit requires\n"),
        ("blank", "error: 'blank' is empty: a Dockerfile needs at least a FROM instruction, which BuildKit requires\n"),
        ("binary", "error: 'binary' is not a text file: it holds a NUL byte at line 1, column 8; give a Dockerfile\n"),
        (
            "latin1",
            "error: 'latin1' is not valid UTF-8 (at line 2, column 16): save it as UTF-8, which dockwright reads and writes\n",
        ),
        (
            "utf16",
            "error: 'utf16' is UTF-16 text (it starts with a UTF-16 byte order mark), which BuildKit does not read: save \
             it as UTF-8\n",
        ),
        ("sub", "error: 'sub' is a directory, not a Dockerfile: give the file inside it (such as sub/Dockerfile)\n"),
        ("missing", "error: cannot read 'missing'\n  caused by: No such file or directory (os error 2)\n"),
        ("sub/Dockerfile/x", "error: cannot read 'sub/Dockerfile/x'\n  caused by: Not a directory (os error 20)\n"),
    ];
    for (file, message) in cases {
        for command in [
            &["lint", "--no-config"][..],
            &["fmt"],
            &["optimize"],
            &["estimate"],
            &["impact", "--changed", "a", "--"],
            &["import", "--to", "rust"],
        ] {
            let mut args = command.to_vec();
            args.push(file);
            let out = run_in(dir.path(), &args, b"", &[]);
            assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (2, "", *message), "{args:?}");
        }
    }
    // Standard input gets the same checks, named <stdin>.
    let out = run(&["fmt", "-"], b"");
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (2, "error: '<stdin>' is empty: a Dockerfile needs at least a FROM instruction, which BuildKit requires\n")
    );
    let out = run(&["estimate", "-"], b"\x00\x01\x02");
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (2, "error: '<stdin>' is not a text file: it holds a NUL byte at line 1, column 1; give a Dockerfile\n")
    );
    let out = run(&["fmt", "-", "-"], b"FROM alpine\n");
    assert_eq!((out.code, out.stdout.as_str()), (2, "FROM alpine\n"));
    assert_eq!(out.stderr, "error: standard input ('-') can be read only once: give '-' once\n");
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_that_cannot_be_read_names_the_cause() {
    // Readable by permissions (even for root) but every read fails.
    let out = run(&["fmt", "--check", "/proc/self/mem"], b"");
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (2, "error: cannot read '/proc/self/mem'\n  caused by: Input/output error (os error 5)\n")
    );
}

#[test]
fn crlf_and_a_byte_order_mark_read_as_buildkit_reads_them() {
    let lf = "# the app\nFROM alpine:3.19 AS app\nRUN echo one \\\n && echo two\nCOPY src/ /app/\nCMD [\"sh\"]\n";
    let crlf = lf.replace('\n', "\r\n");
    let bom = format!("\u{feff}{lf}");
    let both = format!("\u{feff}{crlf}");
    let canonical = run(&["fmt", "-"], lf.as_bytes());
    assert_eq!(canonical.code, 0, "{}", canonical.stderr);
    for (what, text) in [("crlf", &crlf), ("bom", &bom), ("bom+crlf", &both)] {
        for command in [
            // SARIF's byte offsets count the CRs and the mark, as they are in the file: text only.
            &["lint", "--no-config", "-"][..],
            &["fmt", "-"],
            &["optimize", "-"],
            &["impact", "-", "--changed", "src/a"],
            &["estimate", "-"],
            &["import", "-", "--to", "rust"],
        ] {
            let plain = run(command, lf.as_bytes());
            let out = run(command, text.as_bytes());
            assert_eq!(
                (out.code, &out.stdout, &out.stderr),
                (plain.code, &plain.stdout, &plain.stderr),
                "{what} {command:?}"
            );
        }
    }
    // BuildKit drops the line break of instruction lines ("\r\n" included) but keeps heredoc lines
    // whole: a CRLF heredoc writes a file with CRs, and its canonical form keeps them.
    let heredoc = run(&["fmt", "-"], b"FROM alpine\r\nCOPY <<EOF /etc/motd\r\nhello\r\nEOF\r\n");
    assert_eq!(heredoc.code, 0, "{}", heredoc.stderr);
    assert_eq!(heredoc.stdout, "FROM alpine\nCOPY <<'EOF' /etc/motd\nhello\r\nEOF\n");
    let body_only = run(&["fmt", "--check", "-"], b"FROM alpine\nCOPY <<EOF /etc/motd\nhello\r\nEOF\n");
    assert_eq!((body_only.code, body_only.stderr.as_str()), (1, "<stdin>: would be reformatted\n"));

    let dir = dir_with(&[("crlf", crlf.as_bytes()), ("bom", bom.as_bytes())]);
    let check = run_in(dir.path(), &["fmt", "--check", "crlf", "bom"], b"", &[]);
    assert_eq!(check.code, 1);
    assert_eq!(
        check.stderr,
        "crlf: would be reformatted: CRLF line endings become LF, which BuildKit reads alike\n\
         bom: would be reformatted: its UTF-8 byte order mark is dropped, which BuildKit ignores\n"
    );
    let diff = run_in(dir.path(), &["fmt", "--diff", "crlf"], b"", &[]);
    assert!(
        diff.stdout.starts_with("# CRLF line endings become LF, which BuildKit reads alike\n--- a/crlf\n"),
        "{}",
        diff.stdout
    );
    let write = run_in(dir.path(), &["fmt", "crlf", "bom"], b"", &[]);
    assert_eq!(write.code, 0, "{}", write.stderr);
    for file in ["crlf", "bom"] {
        assert_eq!(fs::read_to_string(dir.path().join(file)).unwrap(), canonical.stdout, "{file}");
    }
}

// ---------------------------------------------------------------- colour

#[test]
fn colour_only_when_asked_or_on_a_terminal_and_never_with_no_color() {
    let text = b"FROM alpine:${TAG:-3.19}\n";
    let plain = run(&["fmt", "-"], text);
    assert!(!plain.stderr.contains('\x1b'), "{:?}", plain.stderr);
    let coloured = run(&["--color", "always", "fmt", "-"], text);
    assert!(
        coloured.stderr.starts_with("\x1b[1m<stdin>:1:6: \x1b[0m\x1b[1m\x1b[33mwarning\x1b[0m: FROM"),
        "{:?}",
        coloured.stderr
    );
    let no_color = run_in(Path::new("."), &["--color", "always", "fmt", "-"], text, &[("NO_COLOR", "1")]);
    assert!(!no_color.stderr.contains('\x1b'), "{:?}", no_color.stderr);
    assert_eq!(no_color.stderr, plain.stderr);
    let never = run(&["fmt", "--color", "never", "-"], text);
    assert_eq!(never.stderr, plain.stderr);
}

// ---------------------------------------------------------------- no panic on any bytes

/// Every subcommand that reads a Dockerfile, reading standard input.
const READERS: &[&[&str]] = &[
    &["lint", "--no-config", "-"],
    &["lint", "--no-config", "--format", "sarif", "--enable", "DW2003", "-"],
    &["lint", "--no-config", "--fix", "--diff", "--failure-threshold", "style", "-"],
    &["fmt", "-"],
    &["fmt", "--check", "--diff", "-"],
    &["optimize", "--buildkit", "--explain", "-"],
    &["optimize", "--diff", "-"],
    &["impact", "-", "--changed", "app.py", "--changed-arg", "A=1", "--changed-base", "alpine"],
    &["estimate", "--format", "json", "--budget", "1MB", "-"],
    &["estimate", "--target", "build", "-"],
    &["import", "-", "--to", "rust"],
];

/// Dockerfile-shaped lines, mixed with arbitrary ones.
fn dockerfile_bytes() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        Just("FROM alpine:3.19 AS build".to_string()),
        Just("FROM build".to_string()),
        Just("ARG A=1".to_string()),
        Just("RUN apt-get update && apt-get install -y curl".to_string()),
        Just("COPY . /app/".to_string()),
        Just("COPY --from=build /out /out".to_string()),
        Just("RUN <<EOF\necho $A\nEOF".to_string()),
        Just("# escape=`".to_string()),
        Just("WORKDIR /app".to_string()),
        Just("\\".to_string()),
        "[ -~]{0,30}",
        any::<String>(),
    ];
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        prop::collection::vec(line, 0..8).prop_map(|lines| lines.join("\n").into_bytes()),
        prop::collection::vec(line_ending(), 0..8).prop_map(|lines| lines.concat()),
    ]
}

fn line_ending() -> impl Strategy<Value = Vec<u8>> {
    ("FROM alpine|RUN true|\u{feff}FROM a|ENV A B", prop_oneof![Just("\r\n"), Just("\n"), Just("\r"), Just("")])
        .prop_map(|(line, end)| format!("{line}{end}").into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_subcommand_panics_on_any_input(bytes in dockerfile_bytes()) {
        for command in READERS {
            let out = run(command, &bytes);
            prop_assert!(matches!(out.code, 0..=2), "{command:?} exited {} on {bytes:?}:\n{}", out.code, out.stderr);
            prop_assert!(!out.stderr.contains("panicked"));
        }
    }
}
