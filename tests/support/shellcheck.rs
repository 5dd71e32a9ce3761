//! The `shellcheck` program as a [`ShellCheck`] runner for the lint tests: the command line's own
//! runner (`dockwright::cli::ShellCheckProgram`, feature `cli`), so the tests run ShellCheck exactly
//! as `dockwright lint` does. It is `$SHELLCHECK` when set, else `shellcheck` on `PATH`;
//! `scripts/shellcheck-up` installs it.

use dockwright::lint::shellcheck::ShellCheck;

/// The runner, when `shellcheck` is installed and the `cli` feature is on; `None` (printing why)
/// otherwise. Under `CI` a missing program is a failure.
#[allow(dead_code)]
pub fn program() -> Option<Box<dyn ShellCheck>> {
    #[cfg(feature = "cli")]
    {
        use dockwright::cli::ShellCheckProgram;
        let found = match std::env::var_os("SHELLCHECK") {
            Some(path) => Some(ShellCheckProgram::at(path)),
            None => ShellCheckProgram::find(),
        };
        // Installed means it runs: an empty script gives an empty list of comments.
        let runs = found.filter(|program| program.run("", "sh").is_ok_and(|json| json.contains("\"comments\"")));
        if runs.is_none() {
            assert!(std::env::var_os("CI").is_none(), "shellcheck is not installed: run scripts/shellcheck-up");
            println!("SKIPPED: shellcheck is not installed (scripts/shellcheck-up installs it)");
        }
        runs.map(|program| Box::new(program) as Box<dyn ShellCheck>)
    }
    #[cfg(not(feature = "cli"))]
    {
        println!("SKIPPED: the ShellCheck runner is the command line's (run with --features cli)");
        None
    }
}
