//! DW2010 (off by default: a policy; hadolint's DL3026): a base image from a registry that is not
//! trusted. The trusted registries are [`Options::trust_registry`](crate::lint::Options::trust_registry)'s
//! (the CLI's config file `trusted-registries`); with none given, only Docker Hub is.

use super::base_untagged::bases;
use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW2010",
        "untrusted-registry",
        Severity::Error,
        false,
        &["DL3026"],
        None,
        "a base image comes from a registry that is not trusted",
    ),
    check,
};

/// Docker Hub's name, and the other names the same registry goes by.
const DOCKER_HUB: &str = "docker.io";
const DOCKER_HUB_ALIASES: &[&str] = &["docker.io", "index.docker.io", "registry-1.docker.io", "hub.docker.com"];

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let default: [String; 1] = [DOCKER_HUB.to_string()];
    let trusted: Vec<&str> = if cx.trusted_registries.is_empty() {
        default.iter().map(String::as_str).collect()
    } else {
        cx.trusted_registries.iter().map(String::as_str).collect()
    };
    for (image, span) in bases(cx) {
        let registry = image.registry().map_or_else(|| DOCKER_HUB.to_string(), str::to_ascii_lowercase);
        if trusted.iter().any(|pattern| matches(pattern, &registry)) {
            continue;
        }
        let shown =
            if is_docker_hub(&registry) { "Docker Hub (docker.io)".to_string() } else { format!("'{registry}'") };
        out.push(Finding::new(
            span,
            format!("base image '{image}' comes from {shown}, which is not a trusted registry"),
            format!(
                "build on an image from a trusted registry ({}), or trust '{registry}' in the config file's \
                 trusted-registries",
                trusted.join(", ")
            ),
        ));
    }
}

fn is_docker_hub(registry: &str) -> bool {
    DOCKER_HUB_ALIASES.contains(&registry)
}

/// Whether the trusted `pattern` (`host`, `host:port`, `*.domain` or `*`) covers `registry`.
fn matches(pattern: &str, registry: &str) -> bool {
    if pattern == "*" || pattern == registry || (is_docker_hub(pattern) && is_docker_hub(registry)) {
        return true;
    }
    pattern.strip_prefix("*.").is_some_and(|domain| {
        let host = registry.split(':').next().unwrap_or(registry);
        host.strip_suffix(domain).is_some_and(|head| head.ends_with('.'))
    })
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn patterns_cover_hosts_ports_and_subdomains() {
        let cases = [
            ("docker.io", "docker.io", true),
            ("docker.io", "index.docker.io", true),
            ("hub.docker.com", "docker.io", true),
            ("*", "ghcr.io", true),
            ("*.example.com", "registry.example.com", true),
            ("*.example.com", "registry.example.com:5000", true),
            ("*.example.com", "example.com", false),
            ("*.example.com", "evilexample.com", false),
            ("registry.example.com", "registry.example.com:5000", false),
            ("localhost:5000", "localhost:5000", true),
            ("ghcr.io", "docker.io", false),
        ];
        for (pattern, registry, expected) in cases {
            assert_eq!(matches(pattern, registry), expected, "{pattern} {registry}");
        }
    }
}
