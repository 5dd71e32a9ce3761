//! Comparing one parser's normalised output with BuildKit's ground truth.

use crate::dump::{go_quote, render, DumpNode};
use crate::model::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Check {
    Flags,
    Form,
    ExecArgv,
    ShellText,
    RawShellJoined,
    Kv,
    KvText,
    Arg,
    CopyArgs,
    OtherArgs,
    Heredocs,
    Lines,
}

impl Check {
    pub const ALL: [Check; 12] = [
        Check::Flags,
        Check::Form,
        Check::ExecArgv,
        Check::ShellText,
        Check::RawShellJoined,
        Check::Kv,
        Check::KvText,
        Check::Arg,
        Check::CopyArgs,
        Check::OtherArgs,
        Check::Heredocs,
        Check::Lines,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Check::Flags => "flags (`--x=y` before args)",
            Check::Form => "JSON/exec vs shell form",
            Check::ExecArgv => "exec-form argv",
            Check::ShellText => "shell-form text (value as exposed)",
            Check::RawShellJoined => "shell-form raw span, continuations joined by us",
            Check::Kv => "ENV/LABEL key-value pairs",
            Check::KvText => "ENV/LABEL whole text (whitespace-collapsed)",
            Check::Arg => "ARG names/values",
            Check::CopyArgs => "COPY/ADD sources + dest",
            Check::OtherArgs => "other args (FROM/USER/WORKDIR/EXPOSE/VOLUME/SHELL/ONBUILD…)",
            Check::Heredocs => "heredoc bodies (+ expand flag)",
            Check::Lines => "start/end line numbers",
        }
    }
}

/// Ground truth for one instruction.
#[derive(Debug, Clone)]
pub struct Gt {
    pub node: DumpNode,
    /// Known exec/shell form of a RUN/CMD/ENTRYPOINT/HEALTHCHECK CMD.
    pub form: Option<Form>,
    pub heredocs: Option<Vec<Heredoc>>,
    pub lines: Option<(usize, usize)>,
    pub child: Option<Box<Gt>>,
    /// false: only keyword and lines are known (testfile-line).
    pub values_known: bool,
}

impl Gt {
    pub fn from_node(node: DumpNode, source: &str) -> Gt {
        let child = node
            .child
            .as_ref()
            .map(|c| Box::new(Gt::from_node((**c).clone(), source)));
        let form = command_args(&node).map(|args| infer_form(args, source));
        Gt {
            node,
            form,
            heredocs: None,
            lines: None,
            child,
            values_known: true,
        }
    }
}

/// The command part of a command-like instruction in dump space.
pub fn command_args(n: &DumpNode) -> Option<&[String]> {
    match n.keyword.as_str() {
        "run" | "cmd" | "entrypoint" => Some(&n.args),
        "healthcheck" if n.args.first().is_some_and(|a| a.eq_ignore_ascii_case("CMD")) && n.args.len() > 1 => {
            Some(&n.args[1..])
        }
        _ => None,
    }
}

/// The dump does not record the form. It is exec when the argument count is
/// not 1; with one argument it is exec iff the source holds a JSON array that
/// decodes to exactly that one string.
fn infer_form(args: &[String], source: &str) -> Form {
    if args.len() != 1 {
        return Form::Exec;
    }
    for line in source.lines() {
        for (i, _) in line.match_indices('[') {
            if let Ok(v) = serde_json::from_str::<Vec<String>>(&go_json_surrogates(line[i..].trim())) {
                if v.len() == 1 && v[0] == args[0] {
                    return Form::Exec;
                }
            }
        }
    }
    Form::Shell
}

/// Go's encoding/json turns a lone UTF-16 surrogate escape into U+FFFD where
/// serde_json rejects it; rewrite such escapes first.
fn go_json_surrogates(s: &str) -> String {
    let b: Vec<char> = s.chars().collect();
    let hex = |i: usize| -> Option<u32> {
        if i + 6 <= b.len() && b[i] == '\\' && b[i + 1] == 'u' {
            u32::from_str_radix(&b[i + 2..i + 6].iter().collect::<String>(), 16).ok()
        } else {
            None
        }
    };
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '\\' && i + 1 < b.len() && b[i + 1] != 'u' {
            out.push(b[i]);
            out.push(b[i + 1]);
            i += 2;
            continue;
        }
        match hex(i) {
            Some(0xD800..=0xDBFF) if matches!(hex(i + 6), Some(0xDC00..=0xDFFF)) => {
                out.extend(&b[i..i + 12]);
                i += 12;
            }
            Some(0xD800..=0xDFFF) => {
                out.push_str("\\ufffd");
                i += 6;
            }
            _ => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    out
}

pub type Exposes = fn(&str, Check) -> bool;

#[derive(Debug, Clone)]
pub struct Failure {
    pub check: Check,
    pub detail: String,
}

#[derive(Default, Debug, Clone)]
pub struct Tally {
    /// (passed, total) per check.
    pub by_check: std::collections::BTreeMap<Check, (usize, usize)>,
    pub failures: Vec<Failure>,
}

impl Tally {
    fn rec(&mut self, check: Check, ok: bool, detail: impl FnOnce() -> String) {
        let e = self.by_check.entry(check).or_insert((0, 0));
        e.1 += 1;
        if ok {
            e.0 += 1;
        } else {
            self.failures.push(Failure {
                check,
                detail: detail(),
            });
        }
    }
    pub fn merge(&mut self, o: &Tally) {
        for (k, (p, t)) in &o.by_check {
            let e = self.by_check.entry(*k).or_insert((0, 0));
            e.0 += p;
            e.1 += t;
        }
        self.failures.extend(o.failures.iter().cloned());
    }
}

/// Longest common subsequence alignment on keywords: for each ground-truth
/// instruction the index of the matched parser instruction.
pub fn align(gt: &[Gt], got: &[Inst]) -> Vec<Option<usize>> {
    let (n, m) = (gt.len(), got.len());
    let mut dp = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i][j] = if gt[i].node.keyword == got[j].keyword {
                dp[i + 1][j + 1] + 1
            } else {
                dp[i + 1][j].max(dp[i][j + 1])
            };
        }
    }
    let mut out = vec![None; n];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if gt[i].node.keyword == got[j].keyword {
            out[i] = Some(j);
            i += 1;
            j += 1;
        } else if dp[i + 1][j] >= dp[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn eq_maybe_dequoted(got: &str, raw: &str, esc: char) -> bool {
    got == raw || dequote(raw, esc).as_deref() == Some(got)
}

fn q(v: &[String]) -> String {
    format!("[{}]", v.iter().map(|s| go_quote(s)).collect::<Vec<_>>().join(" "))
}

/// Compares one ground-truth instruction with the aligned parser instruction
/// (`None`: the parser has no instruction there; every applicable check fails).
pub fn compare_inst(case: &str, esc: char, g: &Gt, c: Option<&Inst>, exposes: Exposes, t: &mut Tally) {
    let kw = g.node.keyword.as_str();
    let ctx = |what: &str, exp: String, got: String| {
        format!("{case}: {}: {what}: expected {exp}, got {got}", render(&g.node))
    };
    let missing = "<instruction missing>".to_string();
    if !g.values_known {
        if let (Some(gl), true) = (g.lines, exposes(kw, Check::Lines)) {
            let got = c.and_then(|c| c.lines);
            t.rec(Check::Lines, got == Some(gl), || {
                ctx("lines", format!("{gl:?}"), format!("{got:?}"))
            });
        }
        return;
    }

    if exposes(kw, Check::Flags) {
        let got = c.map(|c| c.flags.clone().unwrap_or_default());
        let ok = got.as_ref().is_some_and(|f| {
            f.len() == g.node.flags.len()
                && f.iter()
                    .zip(&g.node.flags)
                    .all(|(a, b)| eq_maybe_dequoted(b, a, esc) || a == b)
        });
        t.rec(Check::Flags, ok, || {
            ctx("flags", q(&g.node.flags), got.map(|f| q(&f)).unwrap_or(missing.clone()))
        });
    }

    if let Some(cmd) = command_args(&g.node) {
        if let Some(gf) = g.form {
            if exposes(kw, Check::Form) {
                let got = c.and_then(|c| c.form);
                t.rec(Check::Form, got == Some(gf), || {
                    ctx("form", format!("{gf:?}"), format!("{got:?}"))
                });
            }
            let check = if gf == Form::Exec {
                Check::ExecArgv
            } else {
                Check::ShellText
            };
            if exposes(kw, check) {
                let got = c.and_then(|c| c.command.clone());
                let ok = got.as_deref() == Some(cmd);
                t.rec(check, ok, || {
                    ctx("command", q(cmd), got.map(|v| q(&v)).unwrap_or(missing.clone()))
                });
            }
            if gf == Form::Shell && exposes(kw, Check::RawShellJoined) {
                let got = c.and_then(|c| c.raw_shell_joined.clone());
                let ok = got.as_deref() == Some(cmd[0].as_str());
                t.rec(Check::RawShellJoined, ok, || {
                    ctx(
                        "joined raw span",
                        go_quote(&cmd[0]),
                        got.map(|v| go_quote(&v)).unwrap_or(missing.clone()),
                    )
                });
            }
        }
    }

    if matches!(kw, "env" | "label") {
        let triplets: Vec<(&String, &String, &String)> = g
            .node
            .args
            .chunks(3)
            .filter(|ch| ch.len() == 3)
            .map(|ch| (&ch[0], &ch[1], &ch[2]))
            .collect();
        if exposes(kw, Check::Kv) {
            let got = c.and_then(|c| c.kv.clone());
            let ok = got.as_ref().is_some_and(|kv| {
                kv.len() == triplets.len()
                    && kv
                        .iter()
                        .zip(&triplets)
                        .all(|((k, v), (gk, gv, _))| eq_maybe_dequoted(k, gk, esc) && eq_maybe_dequoted(v, gv, esc))
            });
            t.rec(Check::Kv, ok, || {
                let exp: Vec<String> = triplets
                    .iter()
                    .map(|(k, v, _)| format!("{}={}", go_quote(k), go_quote(v)))
                    .collect();
                let gotv = got
                    .map(|kv| {
                        kv.iter()
                            .map(|(k, v)| format!("{}={}", go_quote(k), go_quote(v)))
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or(missing.clone());
                ctx("key-values", exp.join(" "), gotv)
            });
        }
        if exposes(kw, Check::KvText) {
            let exp: Vec<String> = triplets
                .iter()
                .map(|(k, v, sep)| {
                    if sep.is_empty() {
                        format!("{k} {v}")
                    } else {
                        format!("{k}={v}")
                    }
                })
                .collect();
            let exp = collapse(&exp.join(" "));
            let got = c.and_then(|c| c.kv_text.clone());
            let ok = got.as_deref().map(collapse).as_deref() == Some(exp.as_str());
            t.rec(Check::KvText, ok, || {
                ctx(
                    "text",
                    go_quote(&exp),
                    got.map(|v| go_quote(&v)).unwrap_or(missing.clone()),
                )
            });
        }
    }

    if kw == "arg" && exposes(kw, Check::Arg) {
        let toks = &g.node.args;
        let got = c.and_then(|c| c.arg.clone());
        let ok = match &got {
            Some(ArgRepr::Pairs(p)) => {
                p.len() == toks.len()
                    && p.iter()
                        .zip(toks)
                        .all(|((name, val), tok)| match (tok.split_once('='), val) {
                            (Some((tk, tv)), Some(v)) => tk == name && eq_maybe_dequoted(v, tv, esc),
                            (None, None) => tok == name,
                            _ => false,
                        })
            }
            Some(ArgRepr::Text(s)) => collapse(s) == collapse(&toks.join(" ")),
            Some(ArgRepr::Tokens(v)) => v == toks,
            None => false,
        };
        t.rec(Check::Arg, ok, || ctx("ARG", q(toks), format!("{got:?}")));
    }

    if matches!(kw, "copy" | "add") && exposes(kw, Check::CopyArgs) {
        let got = c.and_then(|c| c.copy_args.clone());
        let ok = got.as_ref().is_some_and(|a| {
            a.len() == g.node.args.len()
                && a.iter().zip(&g.node.args).all(|(x, y)| match x {
                    CopyArg::Path(p) => p == y,
                    CopyArg::Heredoc => is_heredoc_word(y),
                })
        });
        t.rec(Check::CopyArgs, ok, || {
            ctx("sources+dest", q(&g.node.args), format!("{got:?}"))
        });
    }

    let other = matches!(
        kw,
        "from" | "user" | "workdir" | "stopsignal" | "maintainer" | "expose" | "volume" | "shell"
    ) || (kw == "healthcheck" && command_args(&g.node).is_none());
    if other && exposes(kw, Check::OtherArgs) {
        let got = c.and_then(|c| c.other_args.clone());
        let ok = got.as_ref().is_some_and(|a| {
            a.len() == g.node.args.len()
                && a.iter().zip(&g.node.args).enumerate().all(|(i, (x, y))| {
                    if kw == "from" && i == 1 || kw == "healthcheck" {
                        x.eq_ignore_ascii_case(y)
                    } else {
                        x == y
                    }
                })
        });
        t.rec(Check::OtherArgs, ok, || {
            ctx("args", q(&g.node.args), got.map(|v| q(&v)).unwrap_or(missing.clone()))
        });
    }
    if kw == "onbuild" && exposes(kw, Check::OtherArgs) {
        if let Some(gc) = &g.child {
            let cc = c.and_then(|c| c.child.as_deref());
            let ok = cc.is_some_and(|cc| cc.keyword == gc.node.keyword);
            t.rec(Check::OtherArgs, ok, || {
                ctx(
                    "ONBUILD sub-instruction",
                    gc.node.keyword.clone(),
                    cc.map(|c| c.keyword.clone()).unwrap_or(missing.clone()),
                )
            });
            compare_inst(case, esc, gc, cc.filter(|cc| cc.keyword == gc.node.keyword), exposes, t);
        }
    }

    if let Some(gh) = &g.heredocs {
        if exposes(kw, Check::Heredocs) {
            let got = c.and_then(|c| c.heredocs.clone());
            let ok = got.as_ref().is_some_and(|h| {
                h.len() == gh.len()
                    && h.iter().zip(gh).all(|(a, b)| {
                        a.content == b.content && (a.expand.is_none() || b.expand.is_none() || a.expand == b.expand)
                    })
            });
            t.rec(Check::Heredocs, ok, || {
                ctx("heredocs", format!("{gh:?}"), format!("{got:?}"))
            });
        }
    }

    if let Some(gl) = g.lines {
        if exposes(kw, Check::Lines) {
            let got = c.and_then(|c| c.lines);
            t.rec(Check::Lines, got == Some(gl), || {
                ctx("lines", format!("{gl:?}"), format!("{got:?}"))
            });
        }
    }
}

pub fn is_heredoc_word(w: &str) -> bool {
    let w = w.trim_start_matches(|c: char| c.is_ascii_digit());
    w.starts_with("<<")
}
