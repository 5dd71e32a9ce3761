//! DW3016: `FROM --platform=linux/amd64` with a constant: the stage is built for that platform
//! whatever the build targets, usually a leftover (BuildKit's FromPlatformFlagConstDisallowed, which
//! allows it when the stage name says the platform, as in `AS build-amd64`).

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3016",
        "from-platform-const",
        Severity::Warning,
        true,
        &["DL3029"],
        Some("FromPlatformFlagConstDisallowed"),
        "FROM --platform with a constant platform",
    ),
    check,
};

const OSES: &[&str] = &["linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "solaris", "illumos", "aix"];

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.stages {
        let Some(value) = Context::flag_value(stage.from, "platform") else { continue };
        if value.contains('$') || value.is_empty() {
            continue;
        }
        let Some((os, arch)) = platform(value) else { continue };
        let name = match stage.from.args.as_slice() {
            [_, _, name] => name.to_lowercase(),
            _ => String::new(),
        };
        if name.contains(&os) || name.contains(&arch) {
            continue;
        }
        let Some((range, _)) = cx.flag(stage.from, "platform") else { continue };
        out.push(Finding::new(
            cx.logical(stage.from, range),
            format!("FROM --platform={value} builds this stage for {value} whatever platform the build targets"),
            "use --platform=$BUILDPLATFORM for a stage that runs build tools, or drop the flag; or name the stage \
             after the platform if it is meant (AS build-amd64)",
        ));
    }
}

/// The OS and architecture of a platform string, normalized as containerd's `platforms.Parse` does.
fn platform(value: &str) -> Option<(String, String)> {
    let parts: Vec<String> = value.split('/').map(str::to_lowercase).collect();
    let arch = |text: &str| -> String {
        match text {
            "x86_64" | "x86-64" => "amd64".to_string(),
            "aarch64" => "arm64".to_string(),
            "armhf" | "armel" => "arm".to_string(),
            "i386" | "i686" => "386".to_string(),
            other => other.to_string(),
        }
    };
    match parts.as_slice() {
        [one] if OSES.contains(&one.as_str()) => Some((one.clone(), "amd64".to_string())),
        [one] if !one.is_empty() => Some(("linux".to_string(), arch(one))),
        [os, architecture, ..] if !os.is_empty() && !architecture.is_empty() => Some((os.clone(), arch(architecture))),
        _ => None,
    }
}
