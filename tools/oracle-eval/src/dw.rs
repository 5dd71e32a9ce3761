//! Adapter for dockwright's own importer (`dockwright::import::parse`),
//! enabled with `--features dockwright` (path dependency on the main crate).
//! It exposes BuildKit's AST shape directly, so no normalisation is needed
//! except: heredoc bodies are compared after `<<-` tab stripping
//! (`chomped_content`, what BuildKit uses), like the other columns.

use crate::model::*;
use dockwright::import::{parse as dw_parse, Node};

pub const NAME: &str = "dockwright::import (this repo)";

fn convert(n: &Node) -> Inst {
    let mut i = Inst {
        keyword: n.keyword.clone(),
        lines: Some((n.start_line, n.end_line)),
        flags: Some(n.flags.clone()),
        ..Default::default()
    };
    let kw = n.keyword.as_str();
    match kw {
        "run" | "cmd" | "entrypoint" => {
            i.form = Some(if n.json { Form::Exec } else { Form::Shell });
            i.command = Some(n.args.clone());
        }
        "healthcheck" if n.args.first().is_some_and(|a| a.eq_ignore_ascii_case("CMD")) && n.args.len() > 1 => {
            i.form = Some(if n.json { Form::Exec } else { Form::Shell });
            i.command = Some(n.args[1..].to_vec());
        }
        "env" | "label" => {
            i.kv = Some(
                n.args
                    .chunks(3)
                    .filter(|c| c.len() == 3)
                    .map(|c| (c[0].clone(), c[1].clone()))
                    .collect(),
            );
        }
        "arg" => i.arg = Some(ArgRepr::Tokens(n.args.clone())),
        "copy" | "add" => i.copy_args = Some(n.args.iter().map(|a| CopyArg::Path(a.clone())).collect()),
        _ => i.other_args = Some(n.args.clone()),
    }
    i.heredocs = Some(
        n.heredocs
            .iter()
            .map(|h| Heredoc {
                content: h.chomped_content(),
                expand: Some(h.expand),
            })
            .collect(),
    );
    i.child = n.inner.as_deref().map(|c| Box::new(convert(c)));
    i
}

pub fn parse(text: &str) -> Result<Vec<Inst>, String> {
    let p = dw_parse(text);
    if let Some(e) = p.errors.first() {
        return Err(format!("line {}: {}", e.line, e.message));
    }
    Ok(p.ast.nodes.iter().map(convert).collect())
}

pub fn exposes(keyword: &str, check: crate::compare::Check) -> bool {
    use crate::compare::Check::*;
    match check {
        RawShellJoined | KvText => false,
        Kv => matches!(keyword, "env" | "label"),
        _ => true,
    }
}

pub fn dump(text: &str) -> String {
    dw_parse(text).ast.dump()
}
