//! DW2002: a base image tagged `latest`, which moves: the same Dockerfile builds a different image
//! next month.

use super::base_untagged::{bases, untagged};
use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW2002",
        "base-latest",
        Severity::Warning,
        true,
        &["DL3007"],
        None,
        "a base image uses the 'latest' tag",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (image, span) in bases(cx) {
        if image.tag() == Some("latest") && image.digest().is_none() {
            out.push(Finding::new(
                span,
                format!("base image '{image}' uses the 'latest' tag, which moves"),
                format!("pin a version tag ({}:<version>), or better also a digest", untagged(&image)),
            ));
        }
    }
}
