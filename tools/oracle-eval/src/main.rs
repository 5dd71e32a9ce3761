//! oracle-eval: how faithfully do crates.io Dockerfile parsers follow BuildKit?
//!
//! Usage: `cargo run --release --manifest-path tools/oracle-eval/Cargo.toml [-- --all] [--corpus DIR]`
//! (add `--features dockwright` for the third column). See book/src/oracles.md.

mod cases;
mod compare;
mod dp;
mod dump;
#[cfg(feature = "dockwright")]
mod dw;
mod model;
mod pd;
mod probes;

use cases::{Case, Corpus, Expect};
use compare::{align, compare_inst, Check, Exposes, Tally};
use model::Inst;
use std::collections::BTreeMap;
use std::path::PathBuf;

struct Column {
    name: &'static str,
    parse: fn(&str) -> Result<Vec<Inst>, String>,
    exposes: Exposes,
    /// A BuildKit-format dump of the whole file, for parsers that produce one.
    dump: Option<fn(&str) -> String>,
}

fn columns() -> Vec<Column> {
    #[allow(unused_mut)]
    let mut v = vec![
        Column {
            name: dp::NAME,
            parse: dp::parse,
            exposes: dp::exposes,
            dump: None,
        },
        Column {
            name: pd::NAME,
            parse: pd::parse,
            exposes: pd::exposes,
            dump: None,
        },
    ];
    #[cfg(feature = "dockwright")]
    v.push(Column {
        name: dw::NAME,
        parse: dw::parse,
        exposes: dw::exposes,
        dump: Some(dw::dump),
    });
    v
}

type PT = (usize, usize);
fn bump(e: &mut PT, ok: bool) {
    e.1 += 1;
    if ok {
        e.0 += 1;
    }
}

#[derive(Default)]
struct ColResult {
    parse: BTreeMap<String, PT>,
    count: PT,
    keywords: PT,
    dump_exact: PT,
    tally: Tally,
    groups: BTreeMap<&'static str, PT>,
    /// (section, detail)
    notes: Vec<(String, String)>,
    /// keyword sequences of parsed extracted files, for cross-parser agreement.
    seqs: BTreeMap<String, Vec<String>>,
}

fn run_parser(col: &Column, text: &str) -> Result<Vec<Inst>, String> {
    let f = col.parse;
    let t = text.to_string();
    std::panic::catch_unwind(move || f(&t)).unwrap_or_else(|_| Err("parser panicked".into()))
}

fn kw_seq(v: &[Inst]) -> Vec<String> {
    v.iter().map(|i| i.keyword.clone()).collect()
}

fn parse_row(c: &Case) -> String {
    match (&c.expect, c.corpus) {
        (Expect::Fail, Corpus::Negative) => "testfiles-negative: must fail".into(),
        (Expect::Fail, _) => "probes: must fail (BuildKit errors)".into(),
        (Expect::Either, _) => "(info) AST-valid but build-invalid files accepted (either outcome OK)".into(),
        (_, Corpus::Probe) => "probes: must parse".into(),
        (_, corpus) => format!("{}: must parse", corpus.label()),
    }
}

fn eval_case(col: &Column, c: &Case, r: &mut ColResult) {
    let text = if c.prelude {
        format!("FROM scratch\n{}", c.text)
    } else {
        c.text.clone()
    };
    let res = run_parser(col, &text).map(|mut v| {
        if c.prelude && v.first().is_some_and(|i| i.keyword == "from") {
            v.remove(0);
            for i in &mut v {
                i.lines = i.lines.map(|(a, b)| (a.saturating_sub(1), b.saturating_sub(1)));
            }
        }
        v
    });
    let row = parse_row(c);
    let parse_ok = match c.expect {
        Expect::Fail => res.is_err(),
        Expect::Either => res.is_ok(),
        _ => res.is_ok(),
    };
    bump(r.parse.entry(row.clone()).or_default(), parse_ok);
    if !parse_ok && !matches!(c.expect, Expect::Either) {
        let d = match &res {
            Err(e) => format!("{}: rejected: {e}", c.name),
            Ok(v) => format!("{}: accepted (BuildKit errors); parsed as {:?}", c.name, kw_seq(v)),
        };
        r.notes.push((row, d));
    }
    if matches!(c.corpus, Corpus::Extracted | Corpus::ExtractedUnit) {
        if let Ok(v) = &res {
            r.seqs.insert(c.name.clone(), kw_seq(v));
        }
    }

    if let (Some(dumpf), Some(exp)) = (col.dump, &c.dump_text) {
        let got = dumpf(&c.text);
        let ok = &got == exp;
        bump(&mut r.dump_exact, ok);
        if !ok {
            r.notes
                .push(("dump".into(), format!("{}: expected {:?}, got {:?}", c.name, exp, got)));
        }
    }

    let mut case_tally = Tally::default();
    let mut structure_ok = parse_ok;
    if let Expect::Gt(gt) = &c.expect {
        let got = res.as_ref().ok();
        let n_ok = got.is_some_and(|v| v.len() == gt.len());
        let exp_seq: Vec<String> = gt.iter().map(|g| g.node.keyword.clone()).collect();
        let k_ok = got.is_some_and(|v| kw_seq(v) == exp_seq);
        bump(&mut r.count, n_ok);
        bump(&mut r.keywords, k_ok);
        if !k_ok {
            if let Some(v) = got {
                r.notes.push((
                    "instruction split".into(),
                    format!("{}: expected {:?}, got {:?}", c.name, exp_seq, kw_seq(v)),
                ));
            }
        }
        structure_ok &= n_ok && k_ok;
        // Value checks only where the parser produced a result (a rejected
        // file is already counted in the parse and split rows). Instructions
        // the parser merged away or lost still count as value failures.
        if let Some(v) = got {
            for (g, a) in gt.iter().zip(align(gt, v)) {
                compare_inst(&c.name, c.esc, g, a.map(|j| &v[j]), col.exposes, &mut case_tally);
            }
        }
    }
    if let Some(group) = c.group {
        // A parser that exposes shell text only as the raw span is judged on
        // the joined span here (its as-exposed row stays in the table).
        let raw_span_parser = (col.exposes)("run", Check::RawShellJoined);
        let values_ok = case_tally
            .failures
            .iter()
            .all(|f| raw_span_parser && f.check == Check::ShellText);
        bump(r.groups.entry(group).or_default(), structure_ok && values_ok);
    }
    r.tally.merge(&case_tally);
}

fn cell(pt: Option<&PT>) -> String {
    match pt {
        Some((p, t)) if *t > 0 => {
            if p == t {
                format!("{p}/{t}")
            } else {
                format!("**{p}/{t}**")
            }
        }
        _ => "n/a".into(),
    }
}

fn main() {
    let mut all = false;
    let mut corpus: PathBuf = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpora/buildkit"));
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--all" => all = true,
            "--corpus" => corpus = PathBuf::from(args.next().expect("--corpus DIR")),
            "-h" | "--help" => {
                println!("oracle-eval [--all] [--corpus DIR]");
                return;
            }
            other => panic!("unknown argument {other}"),
        }
    }
    std::panic::set_hook(Box::new(|_| {}));
    let corpus = corpus.canonicalize().unwrap_or(corpus);
    let cases = cases::load(&corpus);
    let cols = columns();
    let mut results: Vec<ColResult> = cols.iter().map(|_| ColResult::default()).collect();
    for (col, r) in cols.iter().zip(results.iter_mut()) {
        for c in &cases {
            eval_case(col, c, r);
        }
    }

    let n_probe = cases.iter().filter(|c| c.corpus == Corpus::Probe).count();
    println!("# oracle-eval: BuildKit conformance of Rust Dockerfile parsers\n");
    println!(
        "corpus: {} ({} cases incl. {} probes)\n",
        corpus.display(),
        cases.len(),
        n_probe
    );
    let head: Vec<&str> = cols.iter().map(|c| c.name).collect();
    println!("| check | {} |", head.join(" | "));
    println!("|---|{}", "---|".repeat(cols.len()));
    let row = |label: &str, cells: Vec<String>| println!("| {label} | {} |", cells.join(" | "));

    println!("| **parse outcome** |{}", " |".repeat(cols.len()));
    let mut parse_rows: Vec<String> = results.iter().flat_map(|r| r.parse.keys().cloned()).collect();
    parse_rows.sort();
    parse_rows.dedup();
    // stable, readable order
    let order = |s: &String| {
        let k = [
            "parser/testfiles",
            "parser/testfile-line",
            "testfiles-negative",
            "probes: must parse",
            "probes: must fail",
            "extracted/",
            "extracted-unit",
            "(info)",
        ];
        k.iter().position(|p| s.starts_with(p)).unwrap_or(99)
    };
    parse_rows.sort_by_key(order);
    for pr in &parse_rows {
        let info = pr.starts_with("(info)");
        row(
            pr,
            results
                .iter()
                .map(|r| match r.parse.get(pr) {
                    Some((p, t)) if info => format!("{p}/{t}"),
                    x => cell(x),
                })
                .collect(),
        );
    }
    println!(
        "| **instruction split** (testfiles + testfile-line + probes) |{}",
        " |".repeat(cols.len())
    );
    row(
        "instruction count matches",
        results.iter().map(|r| cell(Some(&r.count))).collect(),
    );
    row(
        "keyword sequence matches",
        results.iter().map(|r| cell(Some(&r.keywords))).collect(),
    );
    if cols.iter().any(|c| c.dump.is_some()) {
        row(
            "whole-file dump byte-identical to BuildKit's (testfiles `result` + probe dumps)",
            results
                .iter()
                .map(|r| cell(Some(&r.dump_exact).filter(|p| p.1 > 0)))
                .collect(),
        );
    }
    println!(
        "| **values, per instruction** (files the crate parsed; n/a = not exposed) |{}",
        " |".repeat(cols.len())
    );
    for ch in Check::ALL {
        row(
            ch.label(),
            results.iter().map(|r| cell(r.tally.by_check.get(&ch))).collect(),
        );
    }
    println!(
        "| **probe groups** (probe passes = parse outcome, split and every exposed value right) |{}",
        " |".repeat(cols.len())
    );
    for g in probes::GROUPS {
        row(g, results.iter().map(|r| cell(r.groups.get(g))).collect());
    }

    // cross-parser agreement on the corpora without per-instruction ground truth
    println!("\n## Agreement on extracted/ + extracted-unit/ (no ground truth; informational)\n");
    for i in 0..cols.len() {
        for j in i + 1..cols.len() {
            let (a, b) = (&results[i].seqs, &results[j].seqs);
            let both: Vec<&String> = a.keys().filter(|k| b.contains_key(*k)).collect();
            let same = both.iter().filter(|k| a[**k] == b[**k]).count();
            println!(
                "- {} vs {}: both parse {} files; same keyword sequence on {}",
                cols[i].name,
                cols[j].name,
                both.len(),
                same
            );
            let mut shown = 0;
            for k in &both {
                if a[*k] != b[*k] && (all || shown < 5) {
                    shown += 1;
                    println!("  - {k}: {:?} vs {:?}", a[*k], b[*k]);
                }
            }
        }
    }

    let cap = if all { usize::MAX } else { 8 };
    for (col, r) in cols.iter().zip(&results) {
        println!("\n## Failures: {}\n", col.name);
        let mut sections: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        for (s, d) in &r.notes {
            sections.entry(s.clone()).or_default().push(d);
        }
        for f in &r.tally.failures {
            sections
                .entry(format!("value: {}", f.check.label()))
                .or_default()
                .push(&f.detail);
        }
        for (s, ds) in &sections {
            println!("### {s} ({} failures)", ds.len());
            for d in ds.iter().take(cap) {
                println!("- {}", d.replace('\n', "\\n"));
            }
            if ds.len() > cap {
                println!("- … {} more (run with --all)", ds.len() - cap);
            }
        }
    }
}
