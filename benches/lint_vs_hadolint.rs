//! `dockwright lint` against hadolint 2.15.1, whole processes, over every Dockerfile of BuildKit's
//! corpus (`../shared/corpora/buildkit`: files named `Dockerfile` or `*.Dockerfile`), in one run:
//!
//! - per file: one process per file and tool (`dockwright lint --no-config --format json FILE`,
//!   `hadolint --no-fail -f json FILE`), the two tools alternating file by file, `ROUNDS` rounds; the
//!   table gives the total wall time of a round (median of the rounds) and the median per file;
//! - dockwright twice: with ShellCheck (the default, and the fair comparison: hadolint runs
//!   ShellCheck on every `RUN` inside its own process) and with `--no-shellcheck`;
//! - batch: one process given every file (both tools take many), `ROUNDS` times, median;
//! - the floor: starting `true` the same way, once per file, which no linter run can beat;
//! - parse failures: files hadolint refuses (its DL1000 finding), files dockwright cannot read (exit 2),
//!   and files BuildKit itself refuses (dockwright's DW3000 finding: still linted as far as they read).
//!
//! `cargo bench --features cli --bench lint_vs_hadolint` (hadolint from `scripts/hadolint-up`, or
//! `$HADOLINT`). Prints a Markdown table for `book/src/benchmarks.md`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../tests/support/hadolint.rs"]
mod hadolint;

const ROUNDS: usize = 5;

fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/buildkit");
    assert!(root.join("extracted").is_dir(), "BuildKit corpus not found at {}", root.display());
    let mut out = Vec::new();
    let mut pending = vec![root];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                pending.push(path);
            } else if name == "Dockerfile" || name.ends_with(".Dockerfile") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Runs `command`, returning its wall time, exit code and standard output.
fn timed(command: &mut Command) -> (Duration, i32, String) {
    let start = Instant::now();
    let output = command.stdin(Stdio::null()).stderr(Stdio::null()).output().expect("run the linter");
    let elapsed = start.elapsed();
    (elapsed, output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into_owned())
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs it once as a smoke test.
    let smoke = !std::env::args().any(|arg| arg == "--bench");
    let Some(hadolint) = hadolint::hadolint() else { return };
    let dockwright = PathBuf::from(env!("CARGO_BIN_EXE_dockwright"));
    let mut files = corpus();
    if smoke {
        files.truncate(5);
    }
    let rounds = if smoke { 1 } else { ROUNDS };
    // dockwright with ShellCheck (the fair comparison: hadolint runs ShellCheck on every RUN inside
    // its process) and without it.
    let dw = |file: &Path| {
        let mut command = Command::new(&dockwright);
        command.args(["lint", "--no-config", "--format", "json"]).arg(file);
        command
    };
    let dw_off = |file: &Path| {
        let mut command = Command::new(&dockwright);
        command.args(["lint", "--no-config", "--no-shellcheck", "--format", "json"]).arg(file);
        command
    };
    let hl = |file: &Path| {
        let mut command = Command::new(&hadolint);
        command.args(["--no-fail", "-f", "json"]).arg(file);
        command
    };

    let (mut dw_rounds, mut off_rounds, mut hl_rounds) = (Vec::new(), Vec::new(), Vec::new());
    let (mut dw_per_file, mut off_per_file, mut hl_per_file) = (Vec::new(), Vec::new(), Vec::new());
    // The floor: starting a process that does nothing (`true`), the same way, once per file.
    let mut floor_per_file = Vec::new();
    let (mut hl_refused, mut dw_unreadable, mut dw_buildkit_refuses, mut refused_and_read) = (0, 0, 0, 0);
    // ShellCheck findings each reports (round 0), and whether dockwright found ShellCheck.
    let (mut dw_sc, mut hl_sc, mut dw_checked) = (0, 0, 0);
    let mut agreement = Agreement::default();
    for round in 0..rounds {
        let (mut dw_total, mut off_total, mut hl_total) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        for file in &files {
            let (dw_time, dw_code, dw_out) = timed(&mut dw(file));
            let (off_time, _, _) = timed(&mut dw_off(file));
            let (hl_time, _, hl_out) = timed(&mut hl(file));
            floor_per_file.push(timed(Command::new("true").arg(file)).0);
            dw_total += dw_time;
            off_total += off_time;
            hl_total += hl_time;
            dw_per_file.push(dw_time);
            off_per_file.push(off_time);
            hl_per_file.push(hl_time);
            if round == 0 {
                let refused = hl_out.contains("\"code\":\"DL1000\"");
                hl_refused += usize::from(refused);
                let unreadable = dw_code == 2;
                dw_unreadable += usize::from(unreadable);
                dw_buildkit_refuses += usize::from(dw_out.contains("\"code\": \"DW3000\""));
                refused_and_read += usize::from(refused && !unreadable);
                dw_sc += dw_out.matches("\"code\": \"SC").count();
                hl_sc += hl_out.matches("\"code\":\"SC").count();
                let text = std::fs::read_to_string(file).unwrap_or_default();
                agreement.add(&sc_findings(&dw_out, &text), &sc_findings(&hl_out, &text));
                dw_checked += usize::from(dw_out.contains("\"status\": \"checked\""));
            }
        }
        dw_rounds.push(dw_total);
        off_rounds.push(off_total);
        hl_rounds.push(hl_total);
    }
    let (mut dw_batch, mut off_batch, mut hl_batch) = (Vec::new(), Vec::new(), Vec::new());
    let mut batch_scripts = String::new();
    for _ in 0..rounds {
        let mut command = Command::new(&dockwright);
        command.args(["lint", "--no-config", "--format", "json"]).args(&files);
        let (time, _, out) = timed(&mut command);
        dw_batch.push(time);
        if let Some(at) = out.find("\"scripts\": ") {
            batch_scripts = out[at + 11..].split(|c: char| !c.is_ascii_digit()).next().unwrap_or("").to_string();
        }
        let mut command = Command::new(&dockwright);
        command.args(["lint", "--no-config", "--no-shellcheck", "--format", "json"]).args(&files);
        off_batch.push(timed(&mut command).0);
        let mut command = Command::new(&hadolint);
        command.args(["--no-fail", "-f", "json"]).args(&files);
        hl_batch.push(timed(&mut command).0);
    }

    let (dw_round, off_round, hl_round) = (median(dw_rounds), median(off_rounds), median(hl_rounds));
    let (dw_file, off_file, hl_file) = (median(dw_per_file), median(off_per_file), median(hl_per_file));
    let floor = median(floor_per_file);
    let (dw_all, off_all, hl_all) = (median(dw_batch), median(off_batch), median(hl_batch));
    let ratio = |hl: Duration, dw: Duration| format!("{:.1}x", hl.as_secs_f64() / dw.as_secs_f64());
    let row = |what: &str, dw: Duration, off: Duration, hl: Duration| {
        println!("| {what} | {} | {} | {} | {} | {} |", ms(dw), ms(off), ms(hl), ratio(hl, dw), ratio(hl, off));
    };
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("{} Dockerfiles, {rounds} round(s); medians; load average at the end: {}\n", files.len(), load.trim());
    println!(
        "| | dockwright lint | dockwright lint --no-shellcheck | hadolint 2.15.1 | hadolint / dockwright | \
         hadolint / dockwright --no-shellcheck |"
    );
    println!("|---|---|---|---|---|---|");
    row("one process per file: all files", dw_round, off_round, hl_round);
    row("one process per file: per file", dw_file, off_file, hl_file);
    let less = |time: Duration| time.saturating_sub(floor);
    row(
        &format!("one process per file: per file, less the cost of starting `true` ({})", ms(floor)),
        less(dw_file),
        less(off_file),
        less(hl_file),
    );
    row("one process for all files", dw_all, off_all, hl_all);
    println!(
        "| files it cannot parse | {dw_unreadable} | {dw_unreadable} | {hl_refused} (DL1000) | | |\n\
         | ShellCheck findings (SC codes) | {dw_sc} | 0 | {hl_sc} | | |\n\nOf the {hl_refused} files hadolint refuses, \
         dockwright lints {refused_and_read}. BuildKit itself refuses {dw_buildkit_refuses} files (DW3000 findings; \
         they are still linted as far as they read). ShellCheck checked the RUN scripts of {dw_checked} of {} \
         files one by one, and {batch_scripts} scripts in the one-process run.",
        files.len()
    );
    agreement.print();
}

/// The ShellCheck findings of one file in either tool's JSON output, as (line, code), at the first
/// line of their instruction (all hadolint gives): dockwright's are placed there with `text`'s syntax
/// tree.
fn sc_findings(json: &str, text: &str) -> Vec<(usize, String)> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else { return Vec::new() };
    // hadolint prints a list of findings; dockwright a report with each file's diagnostics.
    let (list, ours): (Vec<&serde_json::Value>, bool) = match value.get("files").and_then(|files| files.as_array()) {
        Some(files) => (files.iter().filter_map(|file| file["diagnostics"].as_array()).flatten().collect(), true),
        None => (value.as_array().map(|list| list.iter().collect()).unwrap_or_default(), false),
    };
    let nodes = if ours { dockwright::import::parse(text).ast.nodes } else { Vec::new() };
    list.into_iter()
        .filter_map(|finding| {
            let code = finding["code"].as_str().filter(|code| code.starts_with("SC"))?;
            let line = finding["span"]["line"].as_u64().or_else(|| finding["line"].as_u64())?;
            let line = usize::try_from(line).ok()?;
            let first = nodes.iter().rev().find(|node| node.start_line <= line).map_or(line, |node| node.start_line);
            Some((first, code.to_string()))
        })
        .collect()
}

/// How the two tools' ShellCheck findings compare, as multisets of (instruction line, code) per file,
/// and by `RUN`: hadolint reports at most one ShellCheck finding per `RUN` (it keeps ShellCheck's
/// comments in a set ordered by line alone, so one `RUN`'s comments collapse into the last one).
#[derive(Default)]
struct Agreement {
    agree: usize,
    /// Codes of the findings only dockwright reports, and only hadolint.
    only_dw: std::collections::BTreeMap<String, usize>,
    only_hl: std::collections::BTreeMap<String, usize>,
    /// `RUN`s with findings of both tools, and how many of them have hadolint's code among dockwright's.
    runs_both: usize,
    runs_code_found: usize,
    /// `RUN`s with findings of one tool only.
    runs_only_dw: usize,
    runs_only_hl: std::collections::BTreeMap<String, usize>,
}

impl Agreement {
    fn add(&mut self, dw: &[(usize, String)], hl: &[(usize, String)]) {
        let mut left: Vec<Option<&(usize, String)>> = hl.iter().map(Some).collect();
        for found in dw {
            match left.iter().position(|other| *other == Some(found)) {
                Some(i) => {
                    left[i] = None;
                    self.agree += 1;
                }
                None => *self.only_dw.entry(found.1.clone()).or_default() += 1,
            }
        }
        for (_, code) in left.into_iter().flatten() {
            *self.only_hl.entry(code.clone()).or_default() += 1;
        }
        let lines: std::collections::BTreeSet<usize> = dw.iter().chain(hl).map(|(line, _)| *line).collect();
        for line in lines {
            let ours: Vec<&String> = dw.iter().filter(|(l, _)| *l == line).map(|(_, code)| code).collect();
            let theirs: Vec<&String> = hl.iter().filter(|(l, _)| *l == line).map(|(_, code)| code).collect();
            match (ours.is_empty(), theirs.first()) {
                (false, Some(code)) => {
                    self.runs_both += 1;
                    self.runs_code_found += usize::from(ours.contains(code));
                }
                (false, None) => self.runs_only_dw += 1,
                (true, Some(code)) => *self.runs_only_hl.entry((*code).clone()).or_default() += 1,
                (true, None) => {}
            }
        }
    }

    fn print(&self) {
        let list = |codes: &std::collections::BTreeMap<String, usize>| {
            let mut codes: Vec<(&String, &usize)> = codes.iter().collect();
            codes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            codes.iter().map(|(code, n)| format!("{code} {n}")).collect::<Vec<_>>().join(", ")
        };
        println!(
            "\nShellCheck findings by file, instruction line and code: {} agree; {} dockwright's only ({}); \
             {} hadolint's only ({}).",
            self.agree,
            self.only_dw.values().sum::<usize>(),
            list(&self.only_dw),
            self.only_hl.values().sum::<usize>(),
            list(&self.only_hl)
        );
        println!(
            "By RUN: {} with findings of both (hadolint's one finding among dockwright's in {}); {} with \
             dockwright's only; {} with hadolint's only ({}).",
            self.runs_both,
            self.runs_code_found,
            self.runs_only_dw,
            self.runs_only_hl.values().sum::<usize>(),
            list(&self.runs_only_hl)
        );
    }
}
