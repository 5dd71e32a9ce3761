//! The `shellcheck` program as a [`ShellCheck`] runner, for the lint tests (the command line runs it
//! the same way): `shellcheck` with [`arguments`], the script on its standard input.
//! `scripts/shellcheck-up` installs it; [`installed`] says whether it is there.

use std::io::Write as _;
use std::process::{Command, Stdio};

use dockwright::lint::shellcheck::{ShellCheck, arguments};

/// The `shellcheck` program found on `PATH` (or `$SHELLCHECK`).
pub struct Program;

impl ShellCheck for Program {
    fn run(&self, script: &str, dialect: &str) -> Result<String, String> {
        let program = std::env::var_os("SHELLCHECK").unwrap_or_else(|| "shellcheck".into());
        let mut child = Command::new(&program)
            .args(arguments(dialect))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| format!("shellcheck could not be started ({err})"))?;
        child.stdin.take().ok_or("no stdin")?.write_all(script.as_bytes()).map_err(|err| err.to_string())?;
        let output = child.wait_with_output().map_err(|err| err.to_string())?;
        // 0: nothing found, 1: findings; anything else is a failure to run.
        match output.status.code() {
            Some(0 | 1) => Ok(String::from_utf8_lossy(&output.stdout).into_owned()),
            _ => Err(format!("shellcheck failed: {}", String::from_utf8_lossy(&output.stderr).trim())),
        }
    }
}

/// Whether `shellcheck` runs here. Under `CI` its absence is a failure.
#[allow(dead_code)]
pub fn installed() -> bool {
    let found = Command::new(std::env::var_os("SHELLCHECK").unwrap_or_else(|| "shellcheck".into()))
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        assert!(std::env::var_os("CI").is_none(), "shellcheck is not installed: run scripts/shellcheck-up");
        println!("SKIPPED: shellcheck is not installed (scripts/shellcheck-up installs it)");
    }
    found
}
