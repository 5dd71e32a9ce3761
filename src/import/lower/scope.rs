//! The variables BuildKit's builder sees at each instruction, followed the way its converter does:
//! global `ARG`s (and the platform `ARG`s it defines) for `FROM` lines; in a stage, the `ENV`s it
//! inherits from a parent stage, then its own `ARG`s and `ENV`s in order, an `ENV` winning over an
//! `ARG` of the same name; a stage `ARG` without a default takes the global one's value.
//!
//! Values are only used to check instructions as BuildKit would (an empty `VOLUME` after expansion
//! is an error, `FROM --platform=$BUILDPLATFORM` is not) and to expand where the model holds no
//! reference; the model itself keeps references. What the base image's config sets is not known and
//! reads as unset.

use std::collections::HashMap;

use crate::model::PLATFORM_ARGS;

/// The value each platform ARG has in the checks: a linux/amd64 build.
fn platform_value(name: &str) -> &'static str {
    match name {
        "BUILDPLATFORM" | "TARGETPLATFORM" => "linux/amd64",
        "BUILDOS" | "TARGETOS" => "linux",
        "BUILDARCH" | "TARGETARCH" => "amd64",
        _ => "",
    }
}

#[derive(Debug, Default)]
pub(crate) struct Scope {
    /// Global ARGs, in order: name and value (`None` when declared without a default).
    globals: Vec<(String, Option<String>)>,
    /// The ENVs at the end of each named stage, for stages built from it.
    stage_env: HashMap<String, Vec<(String, String)>>,
    /// The current stage's ENVs, in order (a later one wins).
    env: Vec<(String, String)>,
    /// The current stage's ARGs, in order.
    args: Vec<(String, Option<String>)>,
    in_stage: bool,
}

impl Scope {
    /// What `name` reads at this point.
    pub(crate) fn lookup(&self, name: &str) -> Option<String> {
        if !self.in_stage {
            return self.global(name);
        }
        if let Some((_, value)) = self.env.iter().rev().find(|(n, _)| n == name) {
            return Some(value.clone());
        }
        self.args.iter().rev().find(|(n, _)| n == name).and_then(|(_, value)| value.clone())
    }

    /// What `name` reads in a `FROM` line: global ARGs and BuildKit's platform ARGs only.
    pub(crate) fn global(&self, name: &str) -> Option<String> {
        match self.globals.iter().rev().find(|(n, _)| n == name) {
            Some((_, value)) => value.clone(),
            None => PLATFORM_ARGS.contains(&name).then(|| platform_value(name).to_string()),
        }
    }

    /// Whether `name` is a declared global ARG.
    pub(crate) fn is_global(&self, name: &str) -> bool {
        self.globals.iter().any(|(n, _)| n == name)
    }

    /// A global `ARG` (before the first `FROM`), its default already expanded.
    pub(crate) fn global_arg(&mut self, name: &str, value: Option<String>) {
        self.globals.push((name.to_string(), value));
    }

    /// A stage starts; `parent` is the stage it is built from, if it is one.
    pub(crate) fn start_stage(&mut self, parent: Option<&str>) {
        self.end_stage(None);
        self.env = parent.and_then(|name| self.stage_env.get(name)).cloned().unwrap_or_default();
        self.args.clear();
        self.in_stage = true;
    }

    /// The stage named `name` (if any) ends: its ENVs are kept for stages built from it.
    pub(crate) fn end_stage(&mut self, name: Option<&str>) {
        if let Some(name) = name {
            self.stage_env.insert(name.to_string(), self.env.clone());
        }
    }

    /// An `ARG` in a stage, its default already expanded.
    pub(crate) fn stage_arg(&mut self, name: &str, value: Option<String>) {
        let value = value.or_else(|| self.global(name));
        self.args.push((name.to_string(), value));
    }

    /// An `ENV` pair in a stage, its value already expanded.
    pub(crate) fn env(&mut self, name: &str, value: String) {
        self.env.push((name.to_string(), value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_buildkit_scopes() {
        let mut scope = Scope::default();
        scope.global_arg("BASE", Some("alpine".into()));
        scope.global_arg("V", None);
        assert_eq!(scope.lookup("BASE").as_deref(), Some("alpine"));
        assert_eq!(scope.lookup("BUILDPLATFORM").as_deref(), Some("linux/amd64"));
        assert_eq!(scope.lookup("V"), None);

        scope.start_stage(None);
        // Global ARGs are not visible in a stage until declared there.
        assert_eq!(scope.lookup("BASE"), None);
        assert_eq!(scope.lookup("BUILDPLATFORM"), None);
        scope.stage_arg("BASE", None);
        scope.stage_arg("TARGETARCH", None);
        assert_eq!(scope.lookup("BASE").as_deref(), Some("alpine"));
        assert_eq!(scope.lookup("TARGETARCH").as_deref(), Some("amd64"));
        scope.env("BASE", "env wins".into());
        scope.stage_arg("BASE", Some("arg".into()));
        assert_eq!(scope.lookup("BASE").as_deref(), Some("env wins"));
        scope.end_stage(Some("one"));

        scope.start_stage(Some("one"));
        assert_eq!(scope.lookup("BASE").as_deref(), Some("env wins"));
        assert_eq!(scope.lookup("TARGETARCH"), None);
    }
}
