//! DW3015: `ADD` of files from the build context, where `COPY` does the same thing without ADD's
//! extra behaviours (downloading URLs, unpacking archives). Archives are left alone: unpacking them
//! may be the point.

use super::{Rule, info, keyword_like};
use crate::lint::context::Context;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3015",
        "add-local-file",
        Severity::Warning,
        true,
        &["DL3020"],
        None,
        "ADD copies local files, which COPY does plainly",
    ),
    check,
};

const ARCHIVES: &[&str] =
    &[".tar", ".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".xz", ".txz", ".zst", ".tzst", ".lz4", ".zip", ".z"];

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for node in cx.stages.iter().flat_map(|stage| stage.nodes.iter()).filter(|node| node.keyword == "add") {
        if !node.heredocs.is_empty() {
            continue;
        }
        let sources: Vec<&str> = match node.args.split_last() {
            Some((_, sources)) if !sources.is_empty() => {
                sources.iter().map(|source| source.trim_matches('"')).collect()
            }
            _ => continue,
        };
        let local = sources.iter().all(|source| {
            let lower = source.to_ascii_lowercase();
            !lower.contains("://")
                && !lower.starts_with("git@")
                && !source.contains('$')
                && !ARCHIVES.iter().any(|ext| lower.ends_with(ext))
        });
        if !local {
            continue;
        }
        let (keyword, span) = cx.keyword(node);
        let add_only =
            ["checksum", "keep-git-dir", "unpack"].iter().any(|flag| Context::flag_value(node, flag).is_some());
        let fix = (!add_only).then(|| Fix::replace(span.range(), keyword_like("COPY", keyword)));
        let what = if sources.len() == 1 { "file" } else { "files" };
        out.push(
            Finding::new(
                span,
                format!(
                    "ADD copies the local {what} '{}': COPY does the same without ADD's URL and archive magic",
                    sources.join("', '")
                ),
                "use COPY for files and directories of the build context",
            )
            .fix(fix),
        );
    }
}
