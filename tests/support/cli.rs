//! Running the `dockwright` binary as a user runs it, shared by the CLI tests.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// What one run gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary with `args` in `dir`, `stdin` on its standard input, colour settings untouched
/// except `NO_COLOR` removed (tests that want it set it through `env`).
pub fn run_in(dir: &Path, args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dockwright"));
    command.args(args).current_dir(dir).env_remove("NO_COLOR").env_remove("TERM");
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child =
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run dockwright");
    let mut input = child.stdin.take().unwrap();
    // The command may exit before reading everything (a usage error): a broken pipe is fine.
    let _ = input.write_all(stdin);
    drop(input);
    let Output { status, stdout, stderr } = child.wait_with_output().unwrap();
    let run = Run {
        code: status.code().expect("dockwright was killed by a signal"),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    };
    assert!(!run.stderr.contains("panicked"), "dockwright {args:?} panicked:\n{}", run.stderr);
    run
}
