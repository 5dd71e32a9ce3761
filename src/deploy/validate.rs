//! `Project::validate`: every check within a service and between services, each error located by
//! service (`service 'app', ports: ...`). The writers call it and use what it resolved.

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::{ImageConfig, analyze, image_config};
use crate::error::{Error, ErrorKind, Errors};
use crate::model::{Duration, HealthOptions, Healthcheck, Instruction, Signal, VarName};

use super::Project;
use super::service::{Condition, EnvValue, HealthSetting, MountKind, Service, Source};

/// What validation resolved for one service, for the writers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Resolved {
    /// A built service's image configuration (from its description).
    pub(crate) config: Option<ImageConfig>,
    /// The service's own healthcheck as the model holds it (an image service's, or a built service's
    /// override of its image's), as written.
    pub(crate) healthcheck: Option<Healthcheck>,
    /// The timings of an override without a probe of its own ([`Health::inherited`](crate::Health::inherited)).
    pub(crate) timing: Option<HealthOptions>,
}

impl Resolved {
    /// The healthcheck the container runs: the service's own merged with its image's the way Docker
    /// merges a container's healthcheck with its image's (each timing the service leaves out is the
    /// image's, and an override without a probe keeps the image's), the image's when the service has
    /// none; `Healthcheck::None` when it is turned off.
    pub(crate) fn effective_healthcheck(&self) -> Option<Healthcheck> {
        let image = self.config.as_ref().and_then(|c| c.healthcheck.as_ref());
        match (&self.healthcheck, &self.timing, image) {
            (Some(Healthcheck::Check { options, command }), _, Some(Healthcheck::Check { options: theirs, .. })) => {
                Some(Healthcheck::Check { options: merged(options, theirs), command: command.clone() })
            }
            (Some(own), _, _) => Some(own.clone()),
            (None, Some(timing), Some(Healthcheck::Check { options: theirs, command })) => {
                Some(Healthcheck::Check { options: merged(timing, theirs), command: command.clone() })
            }
            (None, _, image) => image.cloned(),
        }
    }
}

/// `own`, each timing it leaves out taken from `theirs` (Docker's merge of a container's healthcheck
/// with its image's).
fn merged(own: &HealthOptions, theirs: &HealthOptions) -> HealthOptions {
    HealthOptions {
        interval: own.interval.or(theirs.interval),
        timeout: own.timeout.or(theirs.timeout),
        start_period: own.start_period.or(theirs.start_period),
        start_interval: own.start_interval.or(theirs.start_interval),
        retries: own.retries.or(theirs.retries),
    }
}

/// Compose's network for the services that name none: it needs no declaration.
pub(crate) const DEFAULT_NETWORK: &str = "default";

fn problem(message: String) -> Error {
    Error::new(ErrorKind::InvalidProject, message)
}

fn problem_at(at: &str, message: String) -> Error {
    problem(message).at(at)
}

/// Checks `project`; on success, one `Resolved` per service, in order.
pub(crate) fn check(project: &Project) -> Result<Vec<Resolved>, Errors> {
    let mut errors = Vec::new();
    if !compose_name(&project.name, false) {
        errors.push(problem(format!(
            "invalid project name {:?}: use lowercase letters, digits, '-' and '_', starting with a letter or digit",
            project.name
        )));
    }
    if project.services.is_empty() {
        errors.push(problem(format!("project '{}' has no services: add one with Project::service", project.name)));
    }
    check_declarations(project, &mut errors);

    let resolved: Vec<Resolved> = project.services.iter().map(|service| resolve(service, &mut errors)).collect();
    let mut seen = BTreeSet::new();
    for service in &project.services {
        if !seen.insert(service.name.as_str()) {
            errors
                .push(problem(format!("service '{}' is defined twice: give each service its own name", service.name)));
        }
    }
    for (index, (service, facts)) in project.services.iter().zip(&resolved).enumerate() {
        let at = format!("service '{}'", service.name);
        let mut local = Vec::new();
        check_ports(project, index, &resolved, &mut local);
        check_mounts(service, facts, &mut local);
        check_environment(project, service, &mut local);
        check_dependencies(project, service, &resolved, &mut local);
        check_references(project, service, &mut local);
        errors.extend(local.into_iter().map(|err| err.at(at.clone())));
    }
    check_cycles(project, &mut errors);
    check_variables_used(project, &mut errors);
    if errors.is_empty() { Ok(resolved) } else { Err(Errors(errors)) }
}

/// Compose's names: projects `[a-z0-9][a-z0-9_-]*`; services, volumes, networks, secrets and profiles
/// `[a-zA-Z0-9][a-zA-Z0-9_.-]*` (`mixed`).
fn compose_name(name: &str, mixed: bool) -> bool {
    let mut chars = name.chars();
    let first = |c: char| c.is_ascii_digit() || if mixed { c.is_ascii_alphabetic() } else { c.is_ascii_lowercase() };
    let rest = |c: char| first(c) || c == '_' || c == '-' || (mixed && c == '.');
    chars.next().is_some_and(first) && chars.all(rest)
}

fn check_declarations(project: &Project, errors: &mut Vec<Error>) {
    for (what, names) in [
        ("network", project.networks.iter().collect::<Vec<_>>()),
        ("secret", project.secrets.iter().map(|(name, _)| name).collect()),
    ] {
        let mut seen = BTreeSet::new();
        for name in names {
            if !compose_name(name, true) {
                errors.push(problem(format!(
                    "invalid {what} name {name:?}: use letters, digits, '.', '-' and '_', starting with a letter or digit"
                )));
            } else if !seen.insert(name) {
                errors.push(problem(format!("{what} '{name}' is declared twice: declare it once")));
            }
        }
    }
    for (name, file) in &project.secrets {
        if file.is_empty() || file.contains(['\n', '\r', '\0']) {
            errors.push(problem(format!(
                "secret '{name}': invalid file {file:?}: give the path of the file that holds it"
            )));
        }
    }
    let mut seen = BTreeSet::new();
    for variable in &project.variables {
        let at = format!("variable '{}'", variable.name);
        if let Err(err) = VarName::new(variable.name.as_str()) {
            errors.push(err.at(at.clone()));
        } else if !seen.insert(variable.name.as_str()) {
            errors.push(problem(format!("{at} is documented twice: document it once")));
        }
        if variable.comment.trim().is_empty() || variable.comment.contains(['\n', '\r']) {
            errors.push(problem_at(&at, "say in one line what it is for (Variable::new's comment)".to_string()));
        }
        for (what, value) in [("example", Some(&variable.example)), ("default", variable.default.as_ref())] {
            if value.is_some_and(|v| v.contains(['\n', '\r', '\0'])) {
                errors.push(problem_at(&at, format!("the {what} value holds a line break: an .env value is one line")));
            }
        }
        if variable.default.as_ref().is_some_and(|v| v.contains('}')) {
            errors.push(problem_at(
                &at,
                "the default value holds '}', which ends compose's ${NAME:-default}: set it in .env instead"
                    .to_string(),
            ));
        }
        if variable.secret && variable.default.is_some() {
            errors.push(problem_at(
                &at,
                "a secret has no default in the compose file: leave the value to .env".to_string(),
            ));
        }
    }
}

/// Validates the service's own values and reads its image's configuration.
fn resolve(service: &Service, errors: &mut Vec<Error>) -> Resolved {
    let at = format!("service '{}'", service.name);
    let mut local = Vec::new();
    if !compose_name(&service.name, true) {
        local.push(problem(format!(
            "invalid service name {:?}: use letters, digits, '.', '-' and '_', starting with a letter or digit",
            service.name
        )));
    }
    for what in &service.misplaced {
        local.push(problem(format!(
            "{what} applies to a built service, and this one runs an existing image: build it with Service::build or drop the {what}"
        )));
    }
    let mut resolved = Resolved::default();
    match &service.source {
        Source::Build(build) => {
            let text_ok = |text: &str| !text.is_empty() && !text.contains(['\n', '\r', '\0']);
            if !text_ok(&build.context) {
                local.push(problem(format!(
                    "build context {:?} is not a path: give the context directory",
                    build.context
                )));
            }
            if build.dockerfile.as_deref().is_some_and(|d| !text_ok(d)) {
                local.push(problem(format!("invalid Dockerfile path {:?}", build.dockerfile.as_deref().unwrap_or(""))));
            }
            if let Some(tag) = &build.tag {
                if let Err(err) = crate::model::ImageRef::parse(tag) {
                    local.push(err.at("tag"));
                }
            }
            match build.recipe.to_model() {
                Err(image_errors) => local.extend(image_errors.0.into_iter().map(|err| err.at("image"))),
                Ok(model) => {
                    let analysis = analyze(&model);
                    let stage = match &build.target {
                        Some(target) => analysis.stage_index(target).or_else(|| {
                            local.push(problem(format!(
                                "target '{target}' is not a stage of the image (stages: {}): name one of them",
                                model.stages.iter().filter_map(|s| s.name()).collect::<Vec<_>>().join(", ")
                            )));
                            None
                        }),
                        None => model.stages.len().checked_sub(1),
                    };
                    let declared: BTreeSet<&str> = model
                        .args
                        .iter()
                        .map(|arg| arg.name.as_str())
                        .chain(model.stages.iter().flat_map(|s| &s.instructions).filter_map(|i| match i {
                            Instruction::Arg(arg) => Some(arg.name.as_str()),
                            _ => None,
                        }))
                        .collect();
                    for (name, value) in &build.args {
                        if !declared.contains(name.as_str()) {
                            local.push(problem(format!(
                                "build arg '{name}' is not an ARG of the image: declare it (Image::arg or Stage::arg) or drop it"
                            )));
                        }
                        if value.contains(['\n', '\r', '\0']) {
                            local.push(problem(format!("build arg '{name}' holds a line break")));
                        }
                    }
                    resolved.config = stage.map(|stage| image_config(&model, &analysis, stage));
                }
            }
        }
        Source::Image(reference) => {
            if let Err(err) = crate::model::ImageRef::parse(reference) {
                local.push(err.at("image"));
            }
        }
    }
    match &service.healthcheck {
        Some(HealthSetting::Check(health)) if health.inherited => {
            local.extend(health.problems.iter().cloned().map(|err| err.at("healthcheck")));
            let image = resolved.config.as_ref().map(|c| c.healthcheck.as_ref());
            if let Some(None | Some(Healthcheck::None)) = image {
                local.push(problem_at(
                    "healthcheck",
                    "only timings are given, and the image has no HEALTHCHECK to keep: give the healthcheck a test"
                        .into(),
                ));
            }
            resolved.timing = Some(health.options.clone());
        }
        Some(HealthSetting::Check(health)) => {
            local.extend(health.problems.iter().cloned().map(|err| err.at("healthcheck")));
            match &health.command {
                Ok(command) => {
                    resolved.healthcheck =
                        Some(Healthcheck::Check { options: health.options.clone(), command: command.clone() })
                }
                Err(err) => local.push(err.clone().at("healthcheck")),
            }
        }
        Some(HealthSetting::Disabled) => resolved.healthcheck = Some(Healthcheck::None),
        None => {}
    }
    if let Some(signal) = &service.stop_signal {
        match Signal::new(signal.as_str()) {
            Err(err) => local.push(err),
            Ok(signal) => {
                let image = resolved.config.as_ref().and_then(|c| c.stop_signal.as_ref());
                if resolved.config.is_some() && image != Some(&signal) {
                    local.push(problem(format!(
                        "stop_signal {signal} differs from the image's STOPSIGNAL ({}): set it in the image description",
                        image.map_or("none", |s| s.as_str())
                    )));
                }
            }
        }
    }
    if let Some(grace) = &service.stop_grace_period {
        if let Err(err) = Duration::parse(grace) {
            local.push(err.at("stop_grace_period"));
        }
    }
    if let Some(command) = &service.command {
        if command.is_empty() || command.iter().any(|arg| arg.contains('\0')) {
            local.push(problem_at("command", "give a non-empty argv without NUL".into()));
        }
    }
    for profile in service.profiles.iter() {
        if !compose_name(profile, true) {
            local.push(problem(format!(
                "invalid profile name {profile:?}: use letters, digits, '.', '-' and '_', starting with a letter or digit"
            )));
        }
    }
    errors.extend(local.into_iter().map(|err| err.at(at.clone())));
    resolved
}

fn check_ports(project: &Project, index: usize, resolved: &[Resolved], errors: &mut Vec<Error>) {
    let service = &project.services[index];
    let facts = &resolved[index];
    let earlier = &project.services[..index];
    if project.host_network {
        // Every service listens on the host itself: two on one port cannot both start.
        let ports = listening(service, facts);
        for (other, other_facts) in earlier.iter().zip(resolved) {
            if let Some(port) = listening(other, other_facts).into_iter().find(|p| ports.contains(p)) {
                errors.push(problem_at(
                    "ports",
                    format!(
                        "on the host network, port {port} is also where service '{}' listens: change one of them",
                        other.name
                    ),
                ));
            }
        }
        return;
    }
    for (at, port) in service.ports.iter().enumerate() {
        if port.host == 0 || port.container == 0 {
            errors.push(problem_at("ports", "use port numbers 1-65535".into()));
            continue;
        }
        let taken = |other: &super::service::Publish| {
            other.host == port.host
                && (other.host_ip.is_none() || port.host_ip.is_none() || other.host_ip == port.host_ip)
        };
        if let Some(other) = earlier.iter().find(|s| s.ports.iter().any(taken)) {
            errors.push(problem_at(
                "ports",
                format!(
                    "host port {} is already published by service '{}': publish it on another host port",
                    port.host, other.name
                ),
            ));
        } else if service.ports[..at].iter().any(taken) {
            errors.push(problem_at("ports", format!("host port {} is published twice: publish it once", port.host)));
        }
        if let Some(ip) = &port.host_ip {
            if ip.parse::<std::net::IpAddr>().is_err() {
                errors.push(problem_at(
                    "ports",
                    format!("invalid host address {ip:?}: give an IP address like 127.0.0.1"),
                ));
            }
        }
        if let Some(config) = &facts.config {
            if !config.exposed.iter().any(|p| p.number() == port.container) {
                let exposed: Vec<String> = config.exposed.iter().map(|p| p.to_string()).collect();
                errors.push(problem_at("ports", format!(
                    "container port {} is not exposed by the image (it exposes {}): publish an exposed port or EXPOSE it",
                    port.container,
                    if exposed.is_empty() { "none".to_string() } else { exposed.join(", ") }
                )));
            }
        }
    }
}

/// Ports a service listens on when every service shares the host's network.
pub(crate) fn listening(service: &Service, facts: &Resolved) -> Vec<u16> {
    let mut ports: Vec<u16> = match &facts.config {
        Some(config) => config.exposed.iter().map(|p| p.number()).collect(),
        None => service.ports.iter().map(|p| p.container).collect(),
    };
    ports.sort_unstable();
    ports.dedup();
    ports
}

fn check_mounts(service: &Service, facts: &Resolved, errors: &mut Vec<Error>) {
    let mut targets = BTreeSet::new();
    for mount in &service.mounts {
        let at = format!("mount '{}'", mount.target);
        let bad = |text: &str| text.is_empty() || text.contains([':', ',', '\n', '\r', '\0']);
        if !mount.target.starts_with('/') || bad(&mount.target) {
            errors
                .push(problem_at(&at, "the target must be an absolute container path without ':' or ','".to_string()));
        }
        if !targets.insert(mount.target.as_str()) {
            errors.push(problem_at(&at, "two mounts on the same path: keep one".to_string()));
        }
        match mount.kind {
            MountKind::Volume if !compose_name(&mount.source, true) => errors.push(problem_at(
                &at,
                format!("invalid volume name {:?}: use letters, digits, '.', '-' and '_'", mount.source),
            )),
            MountKind::Bind if bad(&mount.source) => errors
                .push(problem_at(&at, format!("invalid host path {:?}: give a path without ':' or ','", mount.source))),
            _ => {}
        }
        if mount.kind == MountKind::Bind && !mount.source.starts_with(['.', '/', '~']) {
            errors.push(problem_at(
                &at,
                format!("host path {:?} would be read as a volume name: write it as ./{}", mount.source, mount.source),
            ));
        }
        if mount.kind == MountKind::Volume && mount.owner.is_some() {
            errors.push(problem_at(
                &at,
                "owned_by applies to host directories; a named volume takes its owner from the image's directory"
                    .to_string(),
            ));
        }
        let Some(config) = &facts.config else { continue };
        if mount.kind != MountKind::Bind || mount.read_only {
            continue;
        }
        match (config.uid(), mount.owner) {
            (Some(0), _) => {}
            (Some(uid), None) => errors.push(problem_at(&at, format!(
                "the image runs as uid {uid}, which cannot write {} when the engine creates it (owned by root): declare Mount::owned_by({uid}) so the installer creates it, or mount it read-only",
                mount.source
            ))),
            (Some(uid), Some(owner)) if owner != uid => errors.push(problem_at(&at, format!(
                "{} is owned by uid {owner}, but the image runs as uid {uid}, which cannot write it: use owned_by({uid})",
                mount.source
            ))),
            (None, None) if config.user.is_some() => errors.push(problem_at(&at, format!(
                "the image runs as user '{}', which cannot write {} when the engine creates it: give the image a numeric USER and declare Mount::owned_by",
                config.user.as_ref().map_or("", |u| u.as_str()),
                mount.source
            ))),
            _ => {}
        }
    }
    if let Some(config) = &facts.config {
        for volume in &config.volumes {
            let covered = service.mounts.iter().any(|m| m.target.trim_end_matches('/') == volume.trim_end_matches('/'));
            if !covered {
                errors.push(problem(format!(
                    "the image declares VOLUME {volume}, which nothing mounts: its data is lost at `docker compose down`; mount a named volume or a host directory there"
                )));
            }
        }
    }
}

/// Names that hold credentials.
pub(crate) fn looks_secret(key: &str) -> bool {
    let key = key.to_ascii_uppercase();
    ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIAL"]
        .iter()
        .any(|word| key.contains(word))
}

fn check_environment(project: &Project, service: &Service, errors: &mut Vec<Error>) {
    let mut seen = BTreeSet::new();
    for (key, value) in &service.environment {
        let at = format!("environment '{key}'");
        if let Err(err) = VarName::new(key.as_str()) {
            errors.push(err.at(at.clone()));
        }
        if !seen.insert(key.as_str()) {
            errors.push(problem(format!("{at} is set twice: set it once")));
        }
        match value {
            EnvValue::Literal(text) => {
                // A path to a secret file (`*_FILE=/run/secrets/...`) names no secret itself.
                if looks_secret(key) && !key.ends_with("_FILE") {
                    errors.push(problem_at(&at, "a secret written inline in the compose file: document it with Variable::secret and pass it with env_file, or use a compose secret".to_string()));
                }
                if text.contains('\0') {
                    errors.push(problem_at(&at, "the value holds NUL".to_string()));
                }
            }
            EnvValue::Var(name) => match project.variables.iter().find(|v| v.name == *name) {
                None => errors.push(problem_at(&at, format!(
                    "variable '{name}' is used but documented nowhere: document it with Project::variable"
                ))),
                Some(variable) if variable.secret => errors.push(problem_at(&at, format!(
                    "secret variable '{name}' would be written into the configuration by interpolation: pass it with env_file"
                ))),
                Some(_) => {}
            },
        }
    }
    for file in &service.env_files {
        if file.is_empty() || file.contains(['\n', '\r', '\0']) {
            errors.push(problem(format!("env_file {file:?}: give the path of the file")));
        }
    }
}

fn check_dependencies(project: &Project, service: &Service, resolved: &[Resolved], errors: &mut Vec<Error>) {
    let mut seen = BTreeSet::new();
    for (name, condition) in &service.depends_on {
        let at = format!("depends_on '{name}'");
        if !seen.insert(name.as_str()) {
            errors.push(problem(format!("{at} is listed twice: list it once")));
        }
        if *name == service.name {
            errors.push(problem_at(&at, "a service cannot depend on itself".to_string()));
            continue;
        }
        let Some(index) = project.services.iter().position(|s| s.name == *name) else {
            errors.push(problem_at(
                &at,
                format!("no service '{name}' in project '{}': add it or remove the dependency", project.name),
            ));
            continue;
        };
        let other = &project.services[index];
        if *condition == Condition::Healthy {
            let why = match (&resolved[index].healthcheck, resolved[index].effective_healthcheck()) {
                (_, Some(Healthcheck::Check { .. })) => None,
                (Some(Healthcheck::None), _) => Some(format!(
                    "service_healthy asks for a healthcheck, and '{name}' turns its healthcheck off (disable: true): remove that or wait for service_started"
                )),
                _ => Some(format!(
                    "service_healthy asks for a healthcheck, and '{name}' has none: give it one or wait for service_started"
                )),
            };
            if let Some(why) = why {
                errors.push(problem_at(&at, why));
            }
        }
        let mine: BTreeSet<&str> = service.profiles.iter().map(String::as_str).collect();
        let theirs: BTreeSet<&str> = other.profiles.iter().map(String::as_str).collect();
        if !theirs.is_empty() && (mine.is_empty() || !mine.is_subset(&theirs)) {
            errors.push(problem_at(&at, format!(
                "'{name}' runs only with profile {}, so this service cannot start without it: give both the same profiles",
                theirs.iter().copied().collect::<Vec<_>>().join(", ")
            )));
        }
    }
}

fn check_references(project: &Project, service: &Service, errors: &mut Vec<Error>) {
    for network in &service.networks {
        // Compose's `default` network exists without a declaration (it is where a service that
        // names no network is); a service names it to join it beside others.
        if network != DEFAULT_NETWORK && !project.networks.contains(network) {
            errors.push(problem_at(
                "networks",
                format!("no network '{network}' is declared: declare it with Project::network"),
            ));
        }
    }
    for secret in &service.secrets {
        if !project.secrets.iter().any(|(name, _)| name == secret) {
            errors.push(problem_at(
                "secrets",
                format!("no secret '{secret}' is declared: declare it with Project::secret"),
            ));
        }
    }
}

fn check_cycles(project: &Project, errors: &mut Vec<Error>) {
    let edges: BTreeMap<&str, Vec<&str>> = project
        .services
        .iter()
        .map(|s| (s.name.as_str(), s.depends_on.iter().map(|(d, _)| d.as_str()).collect()))
        .collect();
    let mut reported = BTreeSet::new();
    for start in edges.keys() {
        // Depth-first walk keeping the path; a service met again on its own path closes a cycle.
        let mut stack = vec![(*start, 0usize)];
        let mut path = vec![*start];
        while let Some((node, next)) = stack.pop() {
            let deps = edges.get(node).map_or(&[][..], Vec::as_slice);
            if next < deps.len() {
                stack.push((node, next + 1));
                let dep = deps[next];
                if dep == *start {
                    let mut cycle = path.clone();
                    let key: BTreeSet<&str> = cycle.iter().copied().collect();
                    if reported.insert(key.into_iter().collect::<Vec<_>>()) {
                        cycle.push(dep);
                        errors.push(problem(format!(
                            "depends_on forms a cycle ({}): compose cannot start any of them; break it",
                            cycle.join(" -> ")
                        )));
                    }
                } else if !path.contains(&dep) && edges.contains_key(dep) {
                    path.push(dep);
                    stack.push((dep, 0));
                }
            } else {
                path.pop();
            }
        }
    }
}

fn check_variables_used(project: &Project, errors: &mut Vec<Error>) {
    let env_file = project.services.iter().any(|s| !s.env_files.is_empty());
    for variable in &project.variables {
        let referenced = project
            .services
            .iter()
            .flat_map(|s| &s.environment)
            .any(|(_, value)| matches!(value, EnvValue::Var(name) if *name == variable.name));
        if !referenced && !env_file {
            errors.push(problem(format!(
                "variable '{}' is documented but reaches no service: pass it with env_var or an env_file, or drop it",
                variable.name
            )));
        }
    }
}
