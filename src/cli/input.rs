//! Reading the user's files (and writing them back): Dockerfiles (a path or `-` for standard input), the `.dockerignore` that
//! applies to them, the build context's file list, and `--build-arg` values.
//!
//! A Dockerfile is read as bytes and checked before it is parsed: a directory, an unreadable file, an
//! empty one, a binary one (a NUL byte), UTF-16 and invalid UTF-8 each get a message that names the
//! file and says what to do. A UTF-8 byte order mark and CRLF line endings are what BuildKit accepts
//! (its parser drops the mark from the first line, and `bufio.ScanLines` drops the `\r` of each line),
//! and so does the parser port: they reach it unchanged.

use std::fs;
use std::path::{Path, PathBuf};

use clap::Args;

use super::output::{Failure, Session};
use crate::analysis::glob;
use crate::import::{Lowered, lower, parse};
use crate::model::{Dockerfile, Instruction, Value};

/// A Dockerfile as read: its name for messages, where it is, and its text.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// The path as given, or `<stdin>`.
    pub(crate) name: String,
    /// The path, unless it came from standard input.
    pub(crate) path: Option<PathBuf>,
    /// The text, exactly as read (byte order mark and line endings included).
    pub(crate) text: String,
}

/// The name standard input goes by in messages.
pub(crate) const STDIN: &str = "<stdin>";

/// Reads the Dockerfile `arg` names (`-`: standard input).
pub(crate) fn read(session: &mut Session<'_>, arg: &Path) -> Result<Source, Failure> {
    if arg.as_os_str() == "-" {
        let Some(stdin) = session.take_stdin() else {
            return Err(Failure::new("standard input ('-') can be read only once: give '-' once"));
        };
        let mut bytes = Vec::new();
        stdin.read_to_end(&mut bytes).map_err(|error| Failure::because("cannot read standard input", error))?;
        let text = decode(STDIN, bytes)?;
        return Ok(Source { name: STDIN.to_string(), path: None, text });
    }
    let name = arg.display().to_string();
    if arg.is_dir() {
        return Err(Failure::new(format!(
            "'{name}' is a directory, not a Dockerfile: give the file inside it (such as {})",
            arg.join("Dockerfile").display()
        )));
    }
    let bytes = fs::read(arg).map_err(|error| Failure::because(format!("cannot read '{name}'"), error))?;
    let text = decode(&name, bytes)?;
    Ok(Source { name, path: Some(arg.to_path_buf()), text })
}

/// Checks that `bytes` are the text of a Dockerfile, and returns it.
fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Failure> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Failure::new(format!(
            "'{name}' is UTF-16 text (it starts with a UTF-16 byte order mark), which BuildKit does not read: \
             save it as UTF-8"
        )));
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        let (line, column) = line_column(&bytes, offset);
        return Err(Failure::new(format!(
            "'{name}' is not a text file: it holds a NUL byte at line {line}, column {column}; give a Dockerfile"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let (line, column) = line_column(error.as_bytes(), offset);
        Failure::new(format!(
            "'{name}' is not valid UTF-8 (at line {line}, column {column}): save it as UTF-8, which \
             dockwright reads and writes"
        ))
    })?;
    let content = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if content.trim().is_empty() {
        return Err(Failure::new(format!(
            "'{name}' is empty: a Dockerfile needs at least a FROM instruction, which BuildKit requires"
        )));
    }
    Ok(text)
}

/// The 1-based line and byte column of `offset` in `bytes`.
fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    (line, offset - start + 1)
}

/// Parses and lowers `source`, printing what lowering did not keep as written (notes only with
/// `--verbose`). When lowering reports an error (BuildKit would refuse the file, or part of it cannot
/// be kept), says that the file cannot be `verb`ed, sets exit 2 and returns `None`.
pub(crate) fn lowered(session: &mut Session<'_>, source: &Source, verb: &str) -> Option<Lowered> {
    let lowered = lower(&parse(&source.text));
    session.lowering(&source.name, &lowered);
    if lowered.has_errors() {
        let why = if lowered.rejected() {
            "BuildKit would refuse it (see the errors above); fix them and run again"
        } else {
            "part of it cannot be kept (see the errors above); rewrite those instructions"
        };
        session.fail(&Failure::new(format!("cannot {verb} '{}': {why}", source.name)));
        return None;
    }
    Some(lowered)
}

/// `--build-arg` values (as `docker build --build-arg`).
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ArgValues {
    /// A build argument's value (as `docker build --build-arg`): it replaces the default of every ARG
    /// of that name. Repeatable.
    #[arg(long = "build-arg", value_name = "NAME=VALUE", value_parser = parse_build_arg)]
    pub(crate) build_args: Vec<(String, String)>,
}

/// Where the build context is and which `.dockerignore` applies, and `--target`.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct BuildArgs {
    /// The stage to build (as `docker build --target`); the last stage when not given.
    #[arg(long, value_name = "STAGE")]
    pub(crate) target: Option<String>,
    /// The build context directory (as the last argument of `docker build`). Without it, nothing is
    /// read from a context.
    #[arg(long, value_name = "DIR")]
    pub(crate) context: Option<PathBuf>,
    /// The ignore file to use. Default: `<Dockerfile>.dockerignore` next to the Dockerfile if it exists
    /// (BuildKit's rule), else `.dockerignore` in the context, or next to the Dockerfile without
    /// --context.
    #[arg(long, value_name = "FILE")]
    pub(crate) ignorefile: Option<PathBuf>,
}

/// `NAME=VALUE`.
fn parse_build_arg(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!("expected NAME=VALUE, got '{text}'")),
    }
}

impl BuildArgs {
    /// The `.dockerignore` that applies to `source`, as (path, text), or `None` when there is none.
    pub(crate) fn ignore_file(&self, source: &Source) -> Result<Option<(PathBuf, String)>, Failure> {
        let read = |path: PathBuf| -> Result<(PathBuf, String), Failure> {
            let bytes = fs::read(&path)
                .map_err(|error| Failure::because(format!("cannot read ignore file '{}'", path.display()), error))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Failure::new(format!("ignore file '{}' is not valid UTF-8: save it as UTF-8", path.display()))
            })?;
            Ok((path, text))
        };
        if let Some(path) = &self.ignorefile {
            if path.is_dir() {
                return Err(Failure::new(format!(
                    "ignore file '{}' is a directory: give the .dockerignore file inside it",
                    path.display()
                )));
            }
            return read(path.clone()).map(Some);
        }
        let dockerfile = source.path.as_deref();
        if let Some(dockerfile) = dockerfile {
            let mut specific = dockerfile.as_os_str().to_owned();
            specific.push(".dockerignore");
            let specific = PathBuf::from(specific);
            if specific.is_file() {
                return read(specific).map(Some);
            }
        }
        let dir = match (&self.context, dockerfile) {
            (Some(context), _) => context.clone(),
            (None, Some(dockerfile)) => dockerfile.parent().map(Path::to_path_buf).unwrap_or_default(),
            (None, None) => return Ok(None),
        };
        let path = if dir.as_os_str().is_empty() { PathBuf::from(".dockerignore") } else { dir.join(".dockerignore") };
        if path.is_file() { read(path).map(Some) } else { Ok(None) }
    }

    /// The build context directory, checked to be one.
    pub(crate) fn context_dir(&self) -> Result<Option<&Path>, Failure> {
        match &self.context {
            Some(dir) if !dir.is_dir() => Err(Failure::new(format!(
                "build context '{}' is not a directory: give the directory `docker build` would be given",
                dir.display()
            ))),
            Some(dir) => Ok(Some(dir)),
            None => Ok(None),
        }
    }
}

impl ArgValues {
    /// Sets the `--build-arg` values as the defaults of the ARGs they name (global ones and those of
    /// every stage): what a build given them sees. Warns about names no ARG declares (BuildKit ignores
    /// them too).
    pub(crate) fn apply(
        &self,
        session: &mut Session<'_>,
        name: &str,
        dockerfile: &mut Dockerfile,
    ) -> Result<(), Failure> {
        for (arg, value) in &self.build_args {
            let value = Value::literal(value.as_str())
                .map_err(|error| Failure::because(format!("--build-arg {arg}: the value cannot be used"), error))?;
            let mut used = false;
            for global in dockerfile.args.iter_mut().filter(|global| global.name.as_str() == arg) {
                global.default = Some(value.clone());
                used = true;
            }
            for stage in &mut dockerfile.stages {
                for instruction in &mut stage.instructions {
                    if let Instruction::Arg(declared) = instruction {
                        if declared.name.as_str() == arg {
                            declared.default = Some(value.clone());
                            used = true;
                        }
                    }
                }
            }
            if !used {
                session.report(
                    name,
                    &super::output::Report {
                        level: super::output::Level::Warning,
                        code: None,
                        at: None,
                        message: &format!("--build-arg {arg} is not used: no ARG {arg} is declared"),
                        help: Some("declare it with ARG, or drop the --build-arg"),
                    },
                );
            }
        }
        Ok(())
    }
}

/// Replaces the file at `path` with `text`: written to a temporary file in the same directory with the
/// original's permissions, then renamed over it, so a reader never sees half a file.
/// A symbolic link is followed: the file it points to is replaced, and the link stays.
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<(), Failure> {
    use std::io::Write;

    let name = path.display();
    let resolved = fs::canonicalize(path).map_err(|error| Failure::because(format!("cannot write '{name}'"), error))?;
    let path = resolved.as_path();
    let dir = path.parent().unwrap_or(Path::new("/"));
    let permissions =
        fs::metadata(path).map_err(|error| Failure::because(format!("cannot write '{name}'"), error))?.permissions();
    let mut temporary = tempfile::Builder::new().prefix(".dockwright-").tempfile_in(dir).map_err(|error| {
        Failure::because(format!("cannot write '{name}': no temporary file in its directory"), error)
    })?;
    temporary.write_all(text.as_bytes()).map_err(|error| Failure::because(format!("cannot write '{name}'"), error))?;
    temporary.as_file().sync_all().map_err(|error| Failure::because(format!("cannot write '{name}'"), error))?;
    fs::set_permissions(temporary.path(), permissions)
        .map_err(|error| Failure::because(format!("cannot write '{name}'"), error))?;
    temporary.persist(path).map_err(|error| Failure::because(format!("cannot write '{name}'"), error.error))?;
    Ok(())
}

/// The patterns of an ignore file: comments and blank lines dropped.
pub(crate) fn ignore_patterns(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect()
}

/// The files the context at `root` sends after `ignore` (paths relative to the root, `/`-separated,
/// sorted). Symlinks are listed, not followed. An ignored directory is not walked unless some `!`
/// pattern could re-include something in it.
pub(crate) fn context_files(root: &Path, ignore: &[String]) -> Result<Vec<String>, Failure> {
    let reincludes = ignore.iter().any(|line| line.starts_with('!'));
    let mut out = Vec::new();
    let mut pending = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = pending.pop() {
        let entries = fs::read_dir(&dir)
            .map_err(|error| Failure::because(format!("cannot list build context '{}'", dir.display()), error))?;
        for entry in entries {
            let entry = entry
                .map_err(|error| Failure::because(format!("cannot list build context '{}'", dir.display()), error))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
            let ignored = glob::ignored(ignore, &path);
            let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
            if is_dir {
                if !ignored || reincludes {
                    pending.push((entry.path(), path));
                }
            } else if !ignored {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn decoding_names_the_problem_and_where() {
        let cases: &[(&[u8], Result<&str, &str>)] = &[
            (b"FROM a\n", Ok("FROM a\n")),
            (b"\xEF\xBB\xBFFROM a\r\n", Ok("\u{feff}FROM a\r\n")),
            (b"", Err("'f' is empty: a Dockerfile needs at least a FROM instruction, which BuildKit requires")),
            (
                b"\xEF\xBB\xBF \n\t\n",
                Err("'f' is empty: a Dockerfile needs at least a FROM instruction, which BuildKit requires"),
            ),
            (
                b"FROM a\nRUN \x00x",
                Err("'f' is not a text file: it holds a NUL byte at line 2, column 5; give a Dockerfile"),
            ),
            (
                b"FROM a\nRUN caf\xE9\n",
                Err(
                    "'f' is not valid UTF-8 (at line 2, column 8): save it as UTF-8, which dockwright reads and writes",
                ),
            ),
            (
                b"\xFF\xFEF\x00",
                Err(
                    "'f' is UTF-16 text (it starts with a UTF-16 byte order mark), which BuildKit does not read: save it as UTF-8",
                ),
            ),
        ];
        for (bytes, expected) in cases {
            let got = decode("f", bytes.to_vec()).map_err(|failure| failure.to_string());
            assert_eq!(got.as_deref().map_err(String::as_str), *expected, "{bytes:?}");
        }
    }

    #[test]
    fn build_args_are_name_equals_value() {
        assert_eq!(parse_build_arg("PY=3.12"), Ok(("PY".into(), "3.12".into())));
        assert_eq!(parse_build_arg("A=b=c"), Ok(("A".into(), "b=c".into())));
        assert_eq!(parse_build_arg("EMPTY="), Ok(("EMPTY".into(), String::new())));
        assert_eq!(parse_build_arg("=x"), Err("expected NAME=VALUE, got '=x'".into()));
        assert_eq!(parse_build_arg("PY"), Err("expected NAME=VALUE, got 'PY'".into()));
    }
}
