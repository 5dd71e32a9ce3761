//! The config file, `.dockwright.toml`: found next to the Dockerfile, or in a directory above it up to
//! the root of the repository it is in (the first directory with a `.git`), or given with `--config`.
//!
//! ```toml
//! [lint]
//! ignore = ["DL3008", "DW3011"]        # rules that do not run (any id: code, name, hadolint code, BuildKit check)
//! enable = ["DW2003"]                  # rules that are off by default and run
//! failure-threshold = "warning"        # error | warning | info | style | none
//! trusted-registries = ["docker.io", "*.example.com"]
//! help-url = "https://docs.example.com/dockwright/lint.html"
//!
//! [lint.severity]
//! DW1001 = "error"
//! ```
//!
//! Unknown keys are errors (a misspelt key would otherwise silently do nothing).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::output::Failure;

/// The file name looked for.
pub(crate) const FILE_NAME: &str = ".dockwright.toml";

/// A config file as read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    /// The `[lint]` table.
    #[serde(default)]
    pub(crate) lint: LintConfig,
}

/// The `[lint]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct LintConfig {
    /// Rules that do not run.
    #[serde(default)]
    pub(crate) ignore: Vec<String>,
    /// Rules that run though they are off by default.
    #[serde(default)]
    pub(crate) enable: Vec<String>,
    /// Severity overrides: rule id to `error`, `warning`, `info` or `style`.
    #[serde(default)]
    pub(crate) severity: BTreeMap<String, String>,
    /// The lowest severity that fails the run (`none`: never).
    pub(crate) failure_threshold: Option<String>,
    /// The registries base images may come from; giving any turns DW2010 (untrusted-registry) on.
    #[serde(default)]
    pub(crate) trusted_registries: Vec<String>,
    /// Where the book's lint page is published: each rule's SARIF `helpUri` is this and the rule's
    /// section anchor.
    pub(crate) help_url: Option<String>,
}

/// A config file and where it was read from.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) path: PathBuf,
    pub(crate) config: Config,
}

/// Reads and checks the config file at `path`.
pub(crate) fn read(path: &Path) -> Result<Found, Failure> {
    let name = path.display();
    if path.is_dir() {
        return Err(Failure::new(format!("config file '{name}' is a directory: give the {FILE_NAME} file inside it")));
    }
    let bytes = fs::read(path).map_err(|error| Failure::because(format!("cannot read config file '{name}'"), error))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::new(format!("config file '{name}' is not valid UTF-8: save it as UTF-8")))?;
    let config = parse(&text).map_err(|error| Failure::because(format!("config file '{name}' is not valid"), error))?;
    Ok(Found { path: path.to_path_buf(), config })
}

/// Parses config text.
pub(crate) fn parse(text: &str) -> Result<Config, Failure> {
    toml::from_str(text).map_err(|error| {
        // toml's message is several lines with the offending line quoted; keep its first line and the
        // position, which name the problem.
        let message = error.message().trim().to_string();
        let at = error.span().map(|span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {column}: ")
        });
        Failure::new(format!("{}{message}", at.unwrap_or_default()))
    })
}

/// The config file that applies to a Dockerfile in `dir` (the current directory for standard input):
/// `.dockwright.toml` in `dir`, or in the closest directory above it up to the repository's root (the
/// first directory holding `.git`). Outside a repository only `dir` itself is looked in.
pub(crate) fn discover(dir: &Path) -> Option<PathBuf> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let absolute = fs::canonicalize(dir).ok()?;
    let in_repository = absolute.ancestors().any(|ancestor| ancestor.join(".git").exists());
    for ancestor in absolute.ancestors() {
        let candidate = ancestor.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !in_repository || ancestor.join(".git").exists() {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn a_config_reads_every_key() {
        let text = "[lint]\nignore = [\"DL3008\"]\nenable = [\"DW2003\"]\nfailure-threshold = \"warning\"\n\
                    trusted-registries = [\"docker.io\"]\nhelp-url = \"https://x.test/lint.html\"\n\
                    [lint.severity]\nDW1001 = \"error\"\n";
        let config = parse(text).unwrap();
        assert_eq!(config.lint.ignore, ["DL3008"]);
        assert_eq!(config.lint.enable, ["DW2003"]);
        assert_eq!(config.lint.failure_threshold.as_deref(), Some("warning"));
        assert_eq!(config.lint.trusted_registries, ["docker.io"]);
        assert_eq!(config.lint.help_url.as_deref(), Some("https://x.test/lint.html"));
        assert_eq!(config.lint.severity.get("DW1001").map(String::as_str), Some("error"));
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn mistakes_are_located() {
        let cases = [
            ("[lint]\nignored = []\n", "line 2, column 1: unknown field `ignored`"),
            (
                "[lint]\nignore = \"DL3008\"\n",
                "line 2, column 10: invalid type: string \"DL3008\", expected a sequence",
            ),
            ("[lint\n", "line 1, column 6: unclosed table, expected `]`"),
        ];
        for (text, expected) in cases {
            let got = parse(text).unwrap_err().to_string();
            assert!(got.starts_with(expected), "{text:?}: {got}");
        }
    }
}
