//! DW2001: a base image without a tag or digest, which means `latest`: the build takes whatever the
//! registry has that day.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info("DW2001", "base-untagged", Severity::Warning, true, &["DL3006"], None, "a base image has no tag"),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (image, span) in bases(cx) {
        if image.tag().is_none() && image.digest().is_none() {
            out.push(Finding::new(
                span,
                format!("base image '{image}' has no tag: it means 'latest', which moves"),
                format!("pin a version tag ({}:<version>), or better also a digest", untagged(&image)),
            ));
        }
    }
}

/// The base images of the stages (written images, not stages or `scratch`), with the span of the
/// image word.
pub(crate) fn bases(cx: &Context<'_>) -> Vec<(crate::model::ImageRef, crate::import::Span)> {
    let mut out = Vec::new();
    for (index, stage) in cx.lowered.dockerfile.stages.iter().enumerate() {
        let crate::model::BaseImage::Image(image) = &stage.from.base else { continue };
        if image.to_string().eq_ignore_ascii_case("scratch") {
            continue;
        }
        let Some(node) = cx.stages.get(index).map(|stage| stage.from) else { continue };
        let span = cx.args(node).first().map_or(cx.node_span(node), |(range, _)| cx.logical(node, range.clone()));
        out.push((image.clone(), span));
    }
    out
}

/// The image's name without tag or digest, registry included.
pub(crate) fn untagged(image: &crate::model::ImageRef) -> String {
    let text = image.to_string();
    let name = text.split('@').next().unwrap_or(&text);
    match name.rsplit_once(':') {
        Some((before, tag)) if !tag.contains('/') => before.to_string(),
        _ => name.to_string(),
    }
}
