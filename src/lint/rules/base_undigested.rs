//! DW2003 (off by default: a policy): a base image not pinned by digest. A tag can be moved to other
//! content; a digest cannot.

use super::base_untagged::bases;
use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info("DW2003", "base-undigested", Severity::Info, false, &[], None, "a base image is not pinned by digest"),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (image, span) in bases(cx) {
        if image.digest().is_none() {
            out.push(Finding::new(
                span,
                format!("base image '{image}' is not pinned by digest"),
                format!(
                    "pin it by digest: {image}@sha256:<digest> (docker buildx imagetools inspect {image} shows it)"
                ),
            ));
        }
    }
}
