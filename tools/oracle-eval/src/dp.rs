//! Adapter for `dockerfile-parser` 0.9 (HewlettPackard/dockerfile-parser-rs).
//!
//! What the crate exposes (docs.rs + source): typed FROM, ARG, LABEL, RUN,
//! ENTRYPOINT, CMD, COPY, ENV; everything else is `Misc { instruction,
//! arguments: BreakableString }`. Shell form is a `BreakableString` whose
//! `Display` joins continuation pieces and drops comments; exec form is a
//! `StringArray`. Flags are exposed only for FROM and COPY. No heredocs, no
//! escape directive.

use crate::model::*;
use dockerfile_parser::{Dockerfile, Instruction, ShellOrExecExpr};

pub const NAME: &str = "dockerfile-parser 0.9.0";

fn command(expr: &ShellOrExecExpr) -> (Form, Vec<String>) {
    match expr {
        ShellOrExecExpr::Shell(s) => (Form::Shell, vec![s.to_string()]),
        ShellOrExecExpr::Exec(a) => (Form::Exec, a.elements.iter().map(|e| e.content.clone()).collect()),
    }
}

pub fn parse(text: &str) -> Result<Vec<Inst>, String> {
    let df = Dockerfile::parse(text).map_err(|e| first_line(&e.to_string()))?;
    let mut out = Vec::new();
    for ins in &df.instructions {
        let span = ins.span();
        let mut n = Inst {
            lines: Some(lines_of(text, span.start, span.end)),
            ..Default::default()
        };
        match ins {
            Instruction::From(f) => {
                n.keyword = "from".into();
                n.flags = Some(
                    f.flags
                        .iter()
                        .map(|fl| format!("--{}={}", fl.name.content, fl.value.content))
                        .collect(),
                );
                let mut a = vec![f.image.content.clone()];
                if let Some(al) = &f.alias {
                    a.push("AS".into());
                    a.push(al.content.clone());
                }
                n.other_args = Some(a);
            }
            Instruction::Arg(a) => {
                n.keyword = "arg".into();
                n.arg = Some(ArgRepr::Pairs(vec![(
                    a.name.content.clone(),
                    a.value.as_ref().map(|v| v.content.clone()),
                )]));
            }
            Instruction::Label(l) => {
                n.keyword = "label".into();
                n.kv = Some(
                    l.labels
                        .iter()
                        .map(|l| (l.name.content.clone(), l.value.content.clone()))
                        .collect(),
                );
            }
            Instruction::Run(r) => {
                n.keyword = "run".into();
                let (f, c) = command(&r.expr);
                n.form = Some(f);
                n.command = Some(c);
            }
            Instruction::Entrypoint(r) => {
                n.keyword = "entrypoint".into();
                let (f, c) = command(&r.expr);
                n.form = Some(f);
                n.command = Some(c);
            }
            Instruction::Cmd(r) => {
                n.keyword = "cmd".into();
                let (f, c) = command(&r.expr);
                n.form = Some(f);
                n.command = Some(c);
            }
            Instruction::Copy(c) => {
                n.keyword = "copy".into();
                n.flags = Some(
                    c.flags
                        .iter()
                        .map(|fl| format!("--{}={}", fl.name.content, fl.value.content))
                        .collect(),
                );
                let mut a: Vec<CopyArg> = c.sources.iter().map(|s| CopyArg::Path(s.content.clone())).collect();
                a.push(CopyArg::Path(c.destination.content.clone()));
                n.copy_args = Some(a);
            }
            Instruction::Env(e) => {
                n.keyword = "env".into();
                n.kv = Some(
                    e.vars
                        .iter()
                        .map(|v| (v.key.content.clone(), v.value.to_string()))
                        .collect(),
                );
            }
            Instruction::Misc(m) => {
                n.keyword = m.instruction.content.to_lowercase();
                // Only where the whole rest of the line *is* BuildKit's single argument.
                if matches!(n.keyword.as_str(), "user" | "workdir" | "stopsignal" | "maintainer") {
                    // Normalisation: the grammar keeps the separator blank(s) after the
                    // keyword and trailing blanks; BuildKit trims both.
                    n.other_args = Some(vec![m.arguments.to_string().trim().to_string()]);
                }
            }
        }
        out.push(n);
    }
    Ok(out)
}

/// Which value checks this crate can take part in, per keyword (static, so
/// the denominators do not depend on whether a given file parsed).
pub fn exposes(keyword: &str, check: crate::compare::Check) -> bool {
    use crate::compare::Check::*;
    match check {
        Flags => matches!(keyword, "from" | "copy"),
        Form | ExecArgv | ShellText => matches!(keyword, "run" | "cmd" | "entrypoint"),
        RawShellJoined => false,
        Kv => matches!(keyword, "env" | "label"),
        KvText => false,
        Arg => keyword == "arg",
        CopyArgs => keyword == "copy",
        OtherArgs => matches!(keyword, "from" | "user" | "workdir" | "stopsignal" | "maintainer"),
        Heredocs => false,
        Lines => true,
    }
}

pub fn first_line(s: &str) -> String {
    let l: String = s
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" | ");
    if l.chars().count() > 160 {
        l.chars().take(160).collect::<String>() + "…"
    } else {
        l
    }
}
