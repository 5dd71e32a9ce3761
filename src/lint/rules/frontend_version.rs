//! DW3022: an instruction that needs a newer Dockerfile frontend than the oldest the file must build
//! with ([`Options::frontend`](crate::lint::Options::frontend); by default 1.6, what Docker 26's
//! built-in frontend supports). An engine that cannot pull `docker/dockerfile` (air-gapped, or
//! without a `# syntax=` line) builds with its built-in frontend: an unknown flag fails the build
//! (an error), and a symbolic `--chmod=u+x` is taken and ignored (a
//! warning: the file builds, without the effect). The features and their versions are
//! [`analysis::frontend_needs`](crate::analysis::frontend_needs)'s. A `# syntax=` directive that
//! selects a frontend image sets the version instead (`docker/dockerfile:1` is the newest 1.x).

use super::{Rule, info};
use crate::analysis::{Feature, FrontendNeed, FrontendVersion, Location, Older, frontend_needs};
use crate::import::Node;
use crate::lint::context::Context;
use crate::lint::{Finding, Severity, Span};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3022",
        "frontend-version",
        Severity::Error,
        true,
        &[],
        None,
        "a feature newer than the frontend the file must build with",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let minimum = match cx.parsed.ast.directives.frontend.as_deref() {
        None => cx.frontend,
        Some(image) => match selected(image) {
            Some(version) => version,
            None => return,
        },
    };
    let mut needs = frontend_needs(&cx.lowered.dockerfile);
    // A heredoc in the text that the model holds as one line still needs 1.4 to be read.
    for (stage, origins) in cx.lowered.source_map.stages.iter().enumerate() {
        for (index, origin) in origins.instructions.iter().enumerate() {
            let location = Some(Location { stage, instruction: index });
            if !origin.heredocs.is_empty()
                && !needs.iter().any(|need| need.location == location && need.feature == Feature::Heredoc)
            {
                needs.push(FrontendNeed { feature: Feature::Heredoc, location });
            }
        }
    }
    for need in needs {
        let since = need.feature.since();
        // A frontend without build checks has no warnings for `# check=` to skip or fail on.
        if since <= minimum || need.feature == Feature::CheckDirective {
            continue;
        }
        let (span, keyword) = match need.location {
            None => (directive_span(cx), "the file".to_string()),
            Some(location) => match node_at(cx, location) {
                Some(node) => (feature_span(cx, node, need.feature), node.keyword.to_uppercase()),
                None => continue,
            },
        };
        let older = need.feature.older();
        let (effect, severity) = match older {
            Older::Ignores if need.feature == Feature::SymbolicChmod => {
                ("takes the symbolic mode and ignores it: the files keep their mode".to_string(), Severity::Warning)
            }
            Older::Ignores => ("reads it as a comment: it has no effect".to_string(), Severity::Warning),
            Older::FailsInChild => ("builds the image, and a build FROM it fails".to_string(), Severity::Warning),
            _ => ("refuses the file".to_string(), Severity::Error),
        };
        let help = match need.feature {
            Feature::SymbolicChmod => {
                "write the mode in octal (--chmod=0755), which frontends from 1.2 apply".to_string()
            }
            _ => format!(
                "build with frontend {since} or newer (docker build with a newer engine, or # syntax=docker/dockerfile:{since} \
                 where the image can be pulled), or do without {}",
                need.feature
            ),
        };
        let feature = need.feature.to_string();
        let feature = feature.strip_prefix(&format!("{keyword} ")).unwrap_or(&feature);
        out.push(
            Finding::new(
                span,
                format!(
                    "{keyword} uses {feature}, which needs Dockerfile frontend {since}; frontend {minimum} {effect}"
                ),
                help,
            )
            .severity(severity),
        );
    }
}

/// The version a `# syntax=` image selects: `docker/dockerfile:1.N` is 1.N, `:1` and no tag the newest
/// (no minimum to check); `None` for another frontend.
fn selected(image: &str) -> Option<FrontendVersion> {
    let name = image.split('@').next().unwrap_or(image);
    let (repository, tag) = name.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')).unwrap_or((name, ""));
    if !repository.ends_with("docker/dockerfile") && !repository.ends_with("docker/dockerfile-upstream") {
        return None;
    }
    let tag = tag.split('-').next().unwrap_or("");
    let mut parts = tag.split('.');
    match (parts.next().and_then(|p| p.parse::<u32>().ok()), parts.next().and_then(|p| p.parse::<u32>().ok())) {
        (Some(major), Some(minor)) => Some(FrontendVersion(major, minor)),
        _ => Some(FrontendVersion(u32::MAX, 0)),
    }
}

fn node_at<'a>(cx: &Context<'a>, location: Location) -> Option<&'a Node> {
    let origin = cx.lowered.source_map.instruction(location.stage, location.instruction)?;
    cx.stages.get(location.stage)?.nodes.iter().copied().find(|node| node.span.start == origin.span.start)
}

fn directive_span(cx: &Context<'_>) -> Span {
    cx.lowered
        .source_map
        .directives
        .iter()
        .find(|span| {
            let text = cx.text.get(span.range()).unwrap_or("").trim_start_matches('#').trim_start();
            text.get(..5).is_some_and(|head| head.eq_ignore_ascii_case("check"))
        })
        .copied()
        .unwrap_or_else(|| cx.span(0..0))
}

/// The flag (or heredoc opener) that uses the feature.
fn feature_span(cx: &Context<'_>, node: &Node, feature: Feature) -> Span {
    let flag = match feature {
        Feature::RunMount | Feature::SecretEnv => "mount",
        Feature::Chmod | Feature::SymbolicChmod => "chmod",
        Feature::RunNetwork => "network",
        Feature::Link => "link",
        Feature::AddChecksum => "checksum",
        Feature::AddUnpack => "unpack",
        Feature::Exclude => "exclude",
        Feature::CopyParents => "parents",
        Feature::RunSecurity => "security",
        Feature::Heredoc => {
            let opener = cx.words(node).into_iter().find(|(_, word)| word.contains("<<"));
            return opener.map_or(cx.node_span(node), |(range, _)| cx.logical(node, range));
        }
        _ => return cx.node_span(node),
    };
    let inner = node.inner.as_deref().unwrap_or(node);
    match cx.flag(inner, flag) {
        Some((range, _)) if node.inner.is_none() => cx.logical(node, range),
        _ => cx.node_span(node),
    }
}
