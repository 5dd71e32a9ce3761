//! The `shellcheck` program, run on the `RUN` scripts lint hands over ([`lint::shellcheck`]): the
//! one place that starts it. `dockwright lint` gathers the scripts of every file it lints and runs
//! them in one batch ([`ShellCheckProgram::run_all`]): identical scripts once, every script of a
//! dialect in one process (a few when there are many, side by side on the machine's cores), the
//! scripts as files in a scratch directory, and the `-f json1` output split back per script.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use serde_json::{Value as Json, json};

use crate::lint::shellcheck::{Script, ShellCheck, arguments};

/// Scripts per `shellcheck` process at most (command lines stay short).
const MOST_PER_PROCESS: usize = 400;
/// Scripts per process at least, before more processes are started for the other cores: starting
/// one costs about as much as checking a dozen small scripts.
const LEAST_PER_PROCESS: usize = 24;

/// The `shellcheck` program: found on `PATH` ([`find`](ShellCheckProgram::find)) or given by path
/// ([`at`](ShellCheckProgram::at)). As a [`ShellCheck`] runner it checks one script;
/// [`run_all`](ShellCheckProgram::run_all) checks many with as few processes as it can.
///
/// ```no_run
/// use dockwright::cli::ShellCheckProgram;
/// use dockwright::lint::shellcheck::check_with;
/// use dockwright::lint::Options;
///
/// let program = ShellCheckProgram::find().expect("shellcheck is on PATH");
/// let found = check_with("FROM alpine:3.20\nRUN rm -rf $DIR\nUSER 1\n", &Options::default(), &program);
/// assert_eq!(found[0].code, "SC2086");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellCheckProgram {
    path: PathBuf,
}

impl ShellCheckProgram {
    /// The program at `path` (not checked until it runs).
    ///
    /// ```
    /// let program = dockwright::cli::ShellCheckProgram::at("/opt/shellcheck/bin/shellcheck");
    /// assert_eq!(program.path(), std::path::Path::new("/opt/shellcheck/bin/shellcheck"));
    /// ```
    #[must_use]
    pub fn at(path: impl Into<PathBuf>) -> Self {
        ShellCheckProgram { path: path.into() }
    }

    /// `shellcheck` in the first directory of `PATH` that has it as an executable file; `None` when
    /// none has. Nothing is started.
    ///
    /// ```
    /// let found = dockwright::cli::ShellCheckProgram::find();
    /// assert!(found.is_none_or(|program| program.path().ends_with("shellcheck")));
    /// ```
    #[must_use]
    pub fn find() -> Option<Self> {
        let name = if cfg!(windows) { "shellcheck.exe" } else { "shellcheck" };
        let paths = std::env::var_os("PATH")?;
        std::env::split_paths(&paths).map(|dir| dir.join(name)).find(|path| is_program(path)).map(Self::at)
    }

    /// Where the program is.
    ///
    /// ```
    /// assert_eq!(dockwright::cli::ShellCheckProgram::at("sc").path().to_str(), Some("sc"));
    /// ```
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// ShellCheck's `-f json1` output for each of `scripts`, in order (each `{"comments":[...]}`),
    /// from as few processes as it takes: identical scripts are checked once, and the scripts of one
    /// dialect go to one process as files (up to 400 a process, spread over the machine's cores when
    /// there are many: as many processes side by side as the machine has cores, each with about an
    /// equal share). The output is the same however many processes ran and in whatever order they
    /// ended.
    ///
    /// ```
    /// use dockwright::cli::ShellCheckProgram;
    /// use dockwright::lint::shellcheck::Script;
    ///
    /// let missing = ShellCheckProgram::at("/nonexistent/shellcheck");
    /// let why = missing.run_all(&[Script { text: "ls", dialect: "sh" }]).unwrap_err();
    /// assert!(why.starts_with("/nonexistent/shellcheck could not be started"), "{why}");
    /// assert_eq!(missing.run_all(&[]), Ok(vec![]));
    /// ```
    ///
    /// # Errors
    ///
    /// Why the program could not check the scripts: it could not be started, or it failed (an exit
    /// code other than 0, nothing found, and 1, findings), or its output is not json1.
    pub fn run_all(&self, scripts: &[Script<'_>]) -> Result<Vec<String>, String> {
        self.run_all_on(scripts, std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
    }

    /// [`run_all`](ShellCheckProgram::run_all) with `jobs` processes at a time at most. What it
    /// returns does not depend on `jobs` (nor on which process ends first).
    fn run_all_on(&self, scripts: &[Script<'_>], jobs: usize) -> Result<Vec<String>, String> {
        let jobs = jobs.max(1);
        if scripts.is_empty() {
            return Ok(Vec::new());
        }
        // Each distinct script once, grouped by dialect.
        let mut unique: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let mut of_script = Vec::with_capacity(scripts.len());
        for script in scripts {
            let next = unique.len();
            of_script.push(*unique.entry((script.dialect, script.text)).or_insert(next));
        }
        let dir = tempfile::Builder::new()
            .prefix("dockwright-shellcheck-")
            .tempdir()
            .map_err(|error| format!("cannot make a scratch directory for the scripts ({error})"))?;
        let mut by_dialect: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (&(dialect, text), &index) in &unique {
            std::fs::write(dir.path().join(file_name(index)), text)
                .map_err(|error| format!("cannot write a script to {} ({error})", dir.path().display()))?;
            by_dialect.entry(dialect).or_default().push(index);
        }
        // About an equal share of the scripts for each core, split within each dialect; the biggest
        // batches start first, so that a small one, not a big one, is the last to end.
        let per_process = unique.len().div_ceil(jobs).clamp(LEAST_PER_PROCESS, MOST_PER_PROCESS);
        let mut batches: Vec<(&str, &[usize])> = by_dialect
            .iter()
            .flat_map(|(dialect, indices)| indices.chunks(per_process).map(move |chunk| (*dialect, chunk)))
            .collect();
        batches.sort_by_key(|(_, chunk)| std::cmp::Reverse(chunk.len()));
        // The processes run in the scratch directory: a relative path given (`bin/shellcheck`) is
        // the caller's, so it is made absolute first; a bare name is looked up on PATH.
        let program = match self.path.components().count() {
            0 | 1 => self.path.clone(),
            _ => std::path::absolute(&self.path).unwrap_or_else(|_| self.path.clone()),
        };
        let program = ShellCheckProgram::at(program);
        let queue = Mutex::new(batches.into_iter().enumerate());
        let results = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..jobs {
                scope.spawn(|| {
                    loop {
                        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                        let Some((batch, (dialect, chunk))) = next else { break };
                        let result = program.run_files(dir.path(), dialect, chunk);
                        results.lock().unwrap_or_else(|e| e.into_inner()).push((batch, result));
                    }
                });
            }
        });
        // In batch order, whichever process ended first: the same failure is reported every time.
        let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
        results.sort_by_key(|(batch, _)| *batch);
        let mut comments: Vec<Vec<Json>> = vec![Vec::new(); unique.len()];
        for (_, result) in results {
            for (index, comment) in result? {
                if let Some(list) = comments.get_mut(index) {
                    list.push(comment);
                }
            }
        }
        let outputs: Vec<String> = comments.into_iter().map(|list| json!({ "comments": list }).to_string()).collect();
        Ok(of_script.into_iter().map(|index| outputs[index].clone()).collect())
    }

    /// Runs the program on the script files `indices` of `dir`, read as `dialect`: each comment with
    /// the index of its script.
    fn run_files(&self, dir: &Path, dialect: &str, indices: &[usize]) -> Result<Vec<(usize, Json)>, String> {
        let mut args = arguments(dialect);
        args.pop();
        let output = Command::new(&self.path)
            .args(args)
            .args(indices.iter().map(|&index| file_name(index)))
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|error| format!("{} could not be started ({error})", self.path.display()))?;
        if !matches!(output.status.code(), Some(0 | 1)) {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let why = stderr.lines().next().unwrap_or("").trim();
            return Err(format!("{} failed ({}): {why}", self.path.display(), output.status));
        }
        let value: Json = serde_json::from_slice(&output.stdout)
            .map_err(|error| format!("{} did not print json1 output ({error})", self.path.display()))?;
        let list = value.get("comments").and_then(Json::as_array).cloned().unwrap_or_default();
        Ok(list
            .into_iter()
            .filter_map(|comment| {
                let file = comment.get("file").and_then(Json::as_str)?;
                let index = file.strip_suffix(".sh")?.parse().ok()?;
                Some((index, comment))
            })
            .collect())
    }
}

/// Runs one script (through [`run_all`](ShellCheckProgram::run_all)).
impl ShellCheck for ShellCheckProgram {
    fn run(&self, script: &str, dialect: &str) -> Result<String, String> {
        let mut outputs = self.run_all(&[Script { text: script, dialect }])?;
        outputs.pop().ok_or_else(|| "shellcheck printed nothing".to_string())
    }
}

/// The scratch file of script `index`.
fn file_name(index: usize) -> String {
    format!("{index}.sh")
}

/// Whether `path` is a file this user may run.
fn is_program(path: &Path) -> bool {
    let Ok(metadata) = std::fs::metadata(path) else { return false };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        metadata.is_file() && metadata.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        metadata.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    /// A script that cannot be started as a program fails every script with the reason.
    #[test]
    fn a_program_that_is_no_program_fails_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_program = dir.path().join("shellcheck");
        std::fs::write(&not_a_program, "no program").unwrap();
        assert!(!is_program(&not_a_program));
        assert!(!is_program(dir.path()));
        let why = ShellCheckProgram::at(&not_a_program).run(":", "sh").unwrap_err();
        assert!(why.starts_with(&format!("{} could not be started", not_a_program.display())), "{why}");
    }

    #[test]
    fn identical_scripts_run_once_and_outputs_follow_the_scripts() {
        // A stand-in program that prints one comment per file it is given, naming the file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let dir = tempfile::tempdir().unwrap();
            let program = dir.path().join("shellcheck");
            let log = dir.path().join("log");
            let script = format!(
                "#!/bin/sh\necho \"$@\" >> '{}'\nprintf '{{\"comments\":['\nsep=\nfor f in \"$@\"; do case $f in *.sh) \
                 printf '%s{{\"file\":\"%s\",\"code\":1000,\"text\":\"%s\"}}' \"$sep\" \"$f\" \"$(cat \"$f\")\"; sep=,;; esac; done\n\
                 printf ']}}'\nexit 1\n",
                log.display()
            );
            std::fs::write(&program, script).unwrap();
            std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
            let scripts = [
                Script { text: "a", dialect: "sh" },
                Script { text: "b", dialect: "bash" },
                Script { text: "a", dialect: "sh" },
                Script { text: "a", dialect: "bash" },
            ];
            let outputs = ShellCheckProgram::at(&program).run_all(&scripts).unwrap();
            let texts: Vec<String> = outputs
                .iter()
                .map(|output| {
                    let value: Json = serde_json::from_str(output).unwrap();
                    let comments = value["comments"].as_array().unwrap();
                    assert_eq!(comments.len(), 1, "{output}");
                    comments[0]["text"].as_str().unwrap().to_string()
                })
                .collect();
            assert_eq!(texts, ["a", "b", "a", "a"]);
            // Two dialects, two processes; the repeated script once.
            let runs = std::fs::read_to_string(&log).unwrap();
            assert_eq!(runs.lines().count(), 2, "{runs}");
            assert_eq!(runs.matches(".sh").count(), 3, "{runs}");
        }
    }

    /// A stand-in program at `dir/shellcheck` running `body` (a `sh` script), executable.
    #[cfg(unix)]
    fn fake(dir: &Path, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt as _;
        let program = dir.join("shellcheck");
        std::fs::write(&program, format!("#!/bin/sh\n{body}")).unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        program
    }

    /// Scripts with findings, `n` of them, of two dialects, each twice.
    fn many(n: usize) -> Vec<(String, &'static str)> {
        let mut scripts: Vec<(String, &'static str)> = (0..n)
            .map(|i| match i % 3 {
                0 => (format!("rm -rf $dir{i}/x\necho \"$dir{i}\" `date`"), "sh"),
                1 => (format!("cd /tmp{i}\ncp $src{i} /b && echo ok{i}"), "sh"),
                _ => (format!("[[ -n $x{i} ]] && echo $y{i} | tr a b"), "bash"),
            })
            .collect();
        scripts.extend(scripts.clone());
        scripts
    }

    /// However many processes check the scripts side by side, the outputs are the same, in the
    /// scripts' order, and each is what ShellCheck says of that script alone.
    #[test]
    fn the_outputs_do_not_depend_on_how_many_processes_run() {
        let Some(program) = ShellCheckProgram::find() else {
            assert!(std::env::var_os("CI").is_none(), "shellcheck is not installed: run scripts/shellcheck-up");
            return println!("SKIPPED: shellcheck is not installed (scripts/shellcheck-up installs it)");
        };
        let owned = many(120);
        let scripts: Vec<Script<'_>> = owned.iter().map(|(text, dialect)| Script { text, dialect }).collect();
        let one = program.run_all_on(&scripts, 1).unwrap();
        assert_eq!(one.len(), scripts.len());
        assert!(one.iter().all(|output| output.contains("\"code\":")), "every script has a finding");
        for jobs in [2, 3, 5] {
            assert_eq!(program.run_all_on(&scripts, jobs).unwrap(), one, "{jobs} processes at a time");
        }
        // The comments but their scratch file's name.
        let comments = |output: &str| {
            let mut value: Json = serde_json::from_str(output).unwrap();
            for comment in value["comments"].as_array_mut().unwrap() {
                comment.as_object_mut().unwrap().remove("file");
            }
            value
        };
        for at in [0, 1, 2, 119, 200] {
            let alone = program.run_all_on(&scripts[at..=at], 1).unwrap();
            assert_eq!(comments(&alone[0]), comments(&one[at]), "script {at}");
        }
    }

    /// The scripts of a dialect are split into about one share per core (24 scripts a process at
    /// least), and when processes fail, the failure reported is the same every time.
    #[test]
    fn scripts_are_shared_over_the_cores_and_failures_are_reported_in_order() {
        #[cfg(unix)]
        {
            let dir = tempfile::tempdir().unwrap();
            let log = dir.path().join("log");
            let counting =
                fake(dir.path(), &format!("echo \"$#\" >> '{}'\nprintf '{{\"comments\":[]}}'\n", log.display()));
            let owned = many(150);
            let scripts: Vec<Script<'_>> = owned.iter().map(|(text, dialect)| Script { text, dialect }).collect();
            // 150 distinct scripts: 100 sh, 50 bash.
            for (jobs, expected) in [(1, vec![50, 100]), (2, vec![50, 75, 25]), (4, vec![38, 12, 38, 38, 24])] {
                std::fs::write(&log, "").unwrap();
                let outputs = ShellCheckProgram::at(&counting).run_all_on(&scripts, jobs).unwrap();
                assert_eq!(outputs.len(), 300);
                let files: Vec<usize> = std::fs::read_to_string(&log)
                    .unwrap()
                    .lines()
                    // Each process is given the arguments, then its files.
                    .map(|count| count.parse::<usize>().unwrap() - (arguments("sh").len() - 1))
                    .collect();
                let (mut files, mut expected) = (files, expected);
                files.sort_unstable();
                expected.sort_unstable();
                assert_eq!(files, expected, "{jobs} jobs");
            }
            // Every process fails, naming its first file: the failure reported is the first batch's,
            // whether the big batches end last or first.
            let failing = |slow: &str| {
                let body = format!(
                    "[ \"$#\" {slow} 30 ] && sleep 0.3\nfor f in \"$@\"; do case $f in *.sh) echo \"no: $f\" >&2; exit 3;; esac; done\n"
                );
                ShellCheckProgram::at(fake(dir.path(), &body)).run_all_on(&scripts, 4).unwrap_err()
            };
            let big_last = failing("-gt");
            assert!(big_last.contains("failed (exit status: 3): no: "), "{big_last}");
            assert_eq!(failing("-lt"), big_last);
        }
    }
}
