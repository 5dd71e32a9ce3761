//! Adapter for `parse-dockerfile` 0.1 (taiki-e/parse-dockerfile).
//!
//! What the crate exposes (docs.rs + source): a typed variant for all 18
//! instructions with spans; flags (`options`) on FROM/RUN/COPY/ADD/HEALTHCHECK;
//! `Command::Exec` (decoded JSON strings) or `Command::Shell` (the *raw* source
//! span, "escape preserved": continuations and comment lines left in);
//! heredocs (RUN: one, at the start of the arguments; COPY/ADD sources);
//! `UnescapedString` = continuation-joined but quote-preserving text. ENV,
//! LABEL and ARG are one `UnescapedString` each (no key/value split).
//! The escape directive is honoured.

use crate::model::*;
use parse_dockerfile::{Command, Flag, HealthcheckArguments, Instruction, JsonOrStringArray, Source, UnescapedString};

pub const NAME: &str = "parse-dockerfile 0.1.9";

struct Ctx<'t> {
    text: &'t str,
    esc: char,
}

fn flags(opts: &[Flag<'_>]) -> Vec<String> {
    opts.iter()
        .map(|f| match &f.value {
            Some(v) => format!("--{}={}", f.name.value, v.value),
            None => format!("--{}", f.name.value),
        })
        .collect()
}

fn strs(v: &[UnescapedString<'_>]) -> Vec<String> {
    v.iter().map(|s| s.value.to_string()).collect()
}

/// Tracks the largest end offset seen, for the instruction's last line.
struct End(usize);
impl End {
    fn s(&mut self, r: &std::ops::Range<usize>) {
        self.0 = self.0.max(r.end);
    }
}

fn command(c: &Ctx<'_>, cmd: &Command<'_>, n: &mut Inst, end: &mut End) {
    match cmd {
        Command::Exec(a) => {
            end.s(&a.span);
            n.form = Some(Form::Exec);
            n.command = Some(strs(&a.value));
        }
        Command::Shell(s) => {
            end.s(&s.span);
            n.form = Some(Form::Shell);
            n.command = Some(vec![s.value.to_string()]);
            n.raw_shell_joined = Some(join_continuations(s.value, c.esc));
        }
        _ => {}
    }
}

fn convert(c: &Ctx<'_>, ins: &Instruction<'_>) -> Inst {
    let mut n = Inst::default();
    let mut end = End(0);
    let start;
    match ins {
        Instruction::Add(i) => {
            n.keyword = "add".into();
            start = i.add.span.start;
            n.flags = Some(flags(&i.options));
            copy_like(&i.src, &i.dest, &mut n, &mut end);
        }
        Instruction::Copy(i) => {
            n.keyword = "copy".into();
            start = i.copy.span.start;
            n.flags = Some(flags(&i.options));
            copy_like(&i.src, &i.dest, &mut n, &mut end);
        }
        Instruction::Arg(i) => {
            n.keyword = "arg".into();
            start = i.arg.span.start;
            end.s(&i.arguments.span);
            n.arg = Some(ArgRepr::Text(i.arguments.value.to_string()));
        }
        Instruction::Cmd(i) => {
            n.keyword = "cmd".into();
            start = i.cmd.span.start;
            end.s(&i.cmd.span);
            command(c, &i.arguments, &mut n, &mut end);
        }
        Instruction::Entrypoint(i) => {
            n.keyword = "entrypoint".into();
            start = i.entrypoint.span.start;
            command(c, &i.arguments, &mut n, &mut end);
        }
        Instruction::Run(i) => {
            n.keyword = "run".into();
            start = i.run.span.start;
            end.s(&i.run.span);
            n.flags = Some(flags(&i.options));
            command(c, &i.arguments, &mut n, &mut end);
            let mut h = Vec::new();
            for d in &i.here_docs {
                end.s(&d.span);
                h.push(Heredoc {
                    content: d.value.to_string(),
                    expand: Some(d.expand),
                });
            }
            n.heredocs = Some(h);
        }
        Instruction::Env(i) => {
            n.keyword = "env".into();
            start = i.env.span.start;
            end.s(&i.arguments.span);
            n.kv_text = Some(i.arguments.value.to_string());
        }
        Instruction::Label(i) => {
            n.keyword = "label".into();
            start = i.label.span.start;
            end.s(&i.arguments.span);
            n.kv_text = Some(i.arguments.value.to_string());
        }
        Instruction::Expose(i) => {
            n.keyword = "expose".into();
            start = i.expose.span.start;
            for a in &i.arguments {
                end.s(&a.span);
            }
            n.other_args = Some(strs(&i.arguments));
        }
        Instruction::From(i) => {
            n.keyword = "from".into();
            start = i.from.span.start;
            n.flags = Some(flags(&i.options));
            end.s(&i.image.span);
            let mut a = vec![i.image.value.to_string()];
            if let Some((kw, name)) = &i.as_ {
                end.s(&name.span);
                a.push(c.text[kw.span.clone()].to_string());
                a.push(name.value.to_string());
            }
            n.other_args = Some(a);
        }
        Instruction::Healthcheck(i) => {
            n.keyword = "healthcheck".into();
            start = i.healthcheck.span.start;
            n.flags = Some(flags(&i.options));
            match &i.arguments {
                HealthcheckArguments::Cmd { cmd, arguments, .. } => {
                    end.s(&cmd.span);
                    command(c, arguments, &mut n, &mut end);
                }
                HealthcheckArguments::None { none, .. } => {
                    end.s(&none.span);
                    n.other_args = Some(vec![c.text[none.span.clone()].to_string()]);
                }
                _ => {}
            }
        }
        Instruction::Maintainer(i) => {
            n.keyword = "maintainer".into();
            start = i.maintainer.span.start;
            end.s(&i.name.span);
            n.other_args = Some(vec![i.name.value.to_string()]);
        }
        Instruction::Onbuild(i) => {
            n.keyword = "onbuild".into();
            start = i.onbuild.span.start;
            let child = convert(c, &i.instruction);
            if let Some((_, e)) = child.lines {
                // child lines are already lines; keep the larger end via offsets below
                end.0 = end.0.max(line_end_offset(c.text, e));
            }
            n.child = Some(Box::new(child));
        }
        Instruction::Shell(i) => {
            n.keyword = "shell".into();
            start = i.shell.span.start;
            for a in &i.arguments {
                end.s(&a.span);
            }
            n.other_args = Some(strs(&i.arguments));
        }
        Instruction::Stopsignal(i) => {
            n.keyword = "stopsignal".into();
            start = i.stopsignal.span.start;
            end.s(&i.arguments.span);
            n.other_args = Some(vec![i.arguments.value.to_string()]);
        }
        Instruction::User(i) => {
            n.keyword = "user".into();
            start = i.user.span.start;
            end.s(&i.arguments.span);
            n.other_args = Some(vec![i.arguments.value.to_string()]);
        }
        Instruction::Volume(i) => {
            n.keyword = "volume".into();
            start = i.volume.span.start;
            let v = match &i.arguments {
                JsonOrStringArray::Json(a) => {
                    end.s(&a.span);
                    strs(&a.value)
                }
                JsonOrStringArray::String(a) => {
                    for x in a {
                        end.s(&x.span);
                    }
                    strs(a)
                }
            };
            n.other_args = Some(v);
        }
        Instruction::Workdir(i) => {
            n.keyword = "workdir".into();
            start = i.workdir.span.start;
            end.s(&i.arguments.span);
            n.other_args = Some(vec![i.arguments.value.to_string()]);
        }
        _ => {
            n.keyword = "?".into();
            start = 0;
        }
    }
    let e = end.0.max(start + 1);
    n.lines = Some(lines_of(c.text, start, e));
    n
}

fn line_end_offset(text: &str, line: usize) -> usize {
    let mut l = 1;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            if l == line {
                return i;
            }
            l += 1;
        }
    }
    text.len()
}

fn copy_like(src: &[Source<'_>], dest: &UnescapedString<'_>, n: &mut Inst, end: &mut End) {
    let mut a = Vec::new();
    let mut h = Vec::new();
    for s in src {
        match s {
            Source::Path(p) => {
                end.s(&p.span);
                a.push(CopyArg::Path(p.value.to_string()));
            }
            Source::HereDoc(d) => {
                end.s(&d.span);
                a.push(CopyArg::Heredoc);
                h.push(Heredoc {
                    content: d.value.to_string(),
                    expand: Some(d.expand),
                });
            }
            _ => {}
        }
    }
    end.s(&dest.span);
    a.push(CopyArg::Path(dest.value.to_string()));
    n.copy_args = Some(a);
    n.heredocs = Some(h);
}

pub fn parse(text: &str) -> Result<Vec<Inst>, String> {
    let df = parse_dockerfile::parse(text).map_err(|e| crate::dp::first_line(&e.to_string()))?;
    let esc = df
        .parser_directives
        .escape
        .as_ref()
        .map(|d| d.value.value)
        .unwrap_or('\\');
    let c = Ctx { text, esc };
    Ok(df.instructions.iter().map(|i| convert(&c, i)).collect())
}

pub fn exposes(keyword: &str, check: crate::compare::Check) -> bool {
    use crate::compare::Check::*;
    match check {
        Flags => matches!(keyword, "from" | "run" | "copy" | "add" | "healthcheck"),
        Form | ExecArgv | ShellText => matches!(keyword, "run" | "cmd" | "entrypoint" | "healthcheck"),
        RawShellJoined => matches!(keyword, "run" | "cmd" | "entrypoint" | "healthcheck"),
        Kv => false,
        KvText => matches!(keyword, "env" | "label"),
        Arg => keyword == "arg",
        CopyArgs => matches!(keyword, "copy" | "add"),
        OtherArgs => matches!(
            keyword,
            "from"
                | "user"
                | "workdir"
                | "stopsignal"
                | "maintainer"
                | "expose"
                | "volume"
                | "shell"
                | "onbuild"
                | "healthcheck"
        ),
        Heredocs => matches!(keyword, "run" | "copy" | "add"),
        Lines => true,
    }
}
