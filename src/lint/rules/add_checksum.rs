//! DW1006: `ADD https://...` without `--checksum`: whatever the server returns goes into the image,
//! unchecked, and the build is not reproducible.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW1006",
        "add-url-checksum",
        Severity::Warning,
        true,
        &[],
        None,
        "ADD downloads a URL without --checksum",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for node in cx.stages.iter().flat_map(|stage| stage.nodes.iter()).filter(|node| node.keyword == "add") {
        if Context::flag_value(node, "checksum").is_some() || node.json {
            continue;
        }
        let args = cx.args(node);
        let Some((_, sources)) = args.split_last() else { continue };
        for (range, source) in sources {
            let lower = source.to_ascii_lowercase();
            if lower.starts_with("http://") || lower.starts_with("https://") {
                out.push(Finding::new(
                    cx.logical(node, range.clone()),
                    format!("ADD downloads '{source}' without checking what it gets"),
                    "add --checksum=sha256:<digest of the file> so the build fails if the download changes",
                ));
            }
        }
    }
}
