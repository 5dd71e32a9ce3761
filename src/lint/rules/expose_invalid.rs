//! DW3010: an `EXPOSE` that maps an IP address or host port (`127.0.0.1:80:80`, `5000:5000`), which an
//! image cannot do (BuildKit's ExposeInvalidFormat), or a port outside 1-65535 (hadolint's DL3011).

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3010",
        "expose-invalid",
        Severity::Warning,
        true,
        &["DL3011"],
        Some("ExposeInvalidFormat"),
        "EXPOSE with an address, a host port, or a port out of range",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for node in cx.stages.iter().flat_map(|stage| stage.nodes.iter()).filter(|node| node.keyword == "expose") {
        for (range, word) in cx.args(node) {
            if word.contains('$') {
                continue;
            }
            let span = cx.logical(node, range);
            let (spec, proto) = match word.rsplit_once('/') {
                Some((spec, proto)) => (spec, Some(proto)),
                None => (word, None),
            };
            let (ip, host, container) = split_parts(spec);
            if ip.is_some() || host.is_some() {
                let fixed = match proto {
                    Some(proto) => format!("{container}/{proto}"),
                    None => container.to_string(),
                };
                out.push(
                    Finding::new(
                        span,
                        format!("EXPOSE {word} maps an address or host port, which only `docker run -p` can do"),
                        format!("expose the container port only (EXPOSE {fixed}) and publish it with docker run -p"),
                    )
                    .fix((!container.is_empty()).then(|| Fix::replace(span.range(), fixed))),
                );
            } else if out_of_range(container) {
                out.push(Finding::new(
                    span,
                    format!("EXPOSE {word} is not a port: ports are 1-65535"),
                    "expose a port between 1 and 65535 (a range as 8000-8010)",
                ));
            }
        }
    }
}

/// `[ip:][host:]container`, as BuildKit's `splitParts` reads it (an IPv6 address in brackets).
fn split_parts(spec: &str) -> (Option<&str>, Option<&str>, &str) {
    let (ip, rest) = match spec.strip_prefix('[') {
        Some(_) => match spec.find("]:") {
            Some(close) => (Some(&spec[..=close]), &spec[close + 2..]),
            None => (None, spec),
        },
        None => (None, spec),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    match (ip, parts.as_slice()) {
        (Some(ip), [host, container]) => (Some(ip), (!host.is_empty()).then_some(*host), container),
        (Some(ip), [container]) => (Some(ip), None, container),
        (None, [container]) => (None, None, container),
        (None, [host, container]) => (None, (!host.is_empty()).then_some(*host), container),
        (None, [ip, host, container]) => {
            ((!ip.is_empty()).then_some(*ip), (!host.is_empty()).then_some(*host), container)
        }
        _ => (None, None, rest),
    }
}

fn out_of_range(container: &str) -> bool {
    container.split('-').any(|port| match port.parse::<u64>() {
        Ok(number) => number == 0 || number > 65535,
        Err(_) => false,
    })
}
