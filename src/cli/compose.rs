//! Compose files read back into a [`Project`]: what `dockwright bundle` bundles. The compose files
//! dockwright writes and ordinary hand-written ones: services that build (`build:` with `context`,
//! `dockerfile`, `target`, `args`) or run an `image:`, with the keys a [`Project`] can hold (a
//! `healthcheck:` on a `build:` service overrides its image's, as under compose). Anything
//! else is refused with an error naming the file, the service and the key, never dropped: a bundle
//! that silently lost a key would deploy something else.
//!
//! Several files are merged the way `docker compose -f a -f b` merges them: mappings key by key,
//! a later scalar (and a later `command`, `entrypoint` or healthcheck `test`) replacing an earlier
//! one, other sequences appended without repeats. Compose interpolates `$` in every value: an
//! environment value that is exactly `${NAME}` or `${NAME:-default}` becomes a reference to the
//! variable `NAME`, documented by the `.env.example` beside the first file (`# comment` lines, then
//! `NAME=example`, as dockwright writes it); `$$` is a literal `$`; any other `$` is refused.

use std::collections::BTreeMap;

use yaml_rust2::{Yaml, YamlLoader};

use crate::analysis::{analyze, image_config};
use crate::deploy::{Condition, DEFAULT_NOTE, Mount, ONLY_NOTE, Project, Restart, SECRET_NOTE, Service, Variable};
use crate::dsl::Health;
use crate::model::Dockerfile;

/// A `build:` as read, for the caller to load: the context and Dockerfile path are relative to the
/// project directory (the first file's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BuildSpec {
    pub(crate) context: String,
    pub(crate) dockerfile: Option<String>,
}

/// A Dockerfile loaded for a `build:`: its model and the ignore text that applies to its context.
pub(crate) struct Loaded {
    pub(crate) dockerfile: Dockerfile,
    pub(crate) dockerignore: String,
}

/// Reads `files` (`(name, text)`, in order) into one project. `default_name` names it when no file
/// says `name:`; `env_example` is the text of the `.env.example` beside the first file, if any; `load`
/// reads the Dockerfile of each `build:` (an error is reported against that service). Every problem
/// is returned at once, one message each.
pub(crate) fn read(
    files: &[(String, String)],
    default_name: &str,
    env_example: Option<&str>,
    load: &mut dyn FnMut(&BuildSpec) -> Result<Loaded, String>,
) -> Result<Project, Vec<String>> {
    let mut errors = Vec::new();
    let mut merged: Option<Yaml> = None;
    for (name, text) in files {
        match YamlLoader::load_from_str(text) {
            Err(error) => errors.push(format!("{name}: not YAML: {error}")),
            Ok(documents) => match documents.into_iter().next() {
                Some(document @ Yaml::Hash(_)) => match &mut merged {
                    None => merged = Some(document),
                    Some(base) => merge(base, document, ""),
                },
                _ => errors.push(format!("{name}: not a compose file: its top level must be a mapping")),
            },
        }
    }
    let Some(Yaml::Hash(top)) = merged else { return Err(errors) };
    let mut reader = Reader { errors, at: String::new(), owner: None };

    let mut name = default_name.to_string();
    let mut services = None;
    let mut networks = Vec::new();
    let mut secrets = Vec::new();
    for (key, value) in &top {
        let Some(key) = reader.key(key, "top level") else { continue };
        match key.as_str() {
            "name" => {
                if let Some(text) = reader.literal(value, "name") {
                    name = text;
                }
            }
            // Obsolete and ignored by compose itself.
            "version" => {}
            "services" => services = Some(value),
            "volumes" => reader.declarations(value, "volumes", &mut Vec::new()),
            "networks" => reader.declarations(value, "networks", &mut networks),
            "secrets" => reader.secrets(value, &mut secrets),
            key if key.starts_with("x-") => {}
            other => reader.refuse(&format!("top-level '{other}'"), "dockwright cannot bundle it: remove it"),
        }
    }

    let variables = env_example.map(read_env_example).unwrap_or_default();
    let mut project = Project::new(&name);
    // The first file's opening comment (how to install and start it) stays at the top.
    let comment: Vec<&str> = files[0]
        .1
        .lines()
        .map_while(|line| line.strip_prefix('#'))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect();
    if !comment.is_empty() {
        project = project.comment(&comment.join("\n"));
    }
    for network in networks {
        project = project.network(&network);
    }
    for (secret, file) in secrets {
        project = project.secret(&secret, &file);
    }
    let mut defaults: BTreeMap<String, String> = BTreeMap::new();
    let mut host_network = Vec::new();
    match services {
        Some(Yaml::Hash(services)) => {
            for (key, value) in services {
                let Some(service) = reader.key(key, "services") else { continue };
                let mut this = Reader { errors: Vec::new(), at: format!("service '{service}'"), owner: None };
                let read = this.service(&service, value, load, &variables, &mut defaults);
                reader.errors.append(&mut this.errors);
                if let Some(read) = read {
                    host_network.push(read.host_network);
                    project = project.service(read.service);
                }
            }
        }
        Some(_) => reader.refuse("services", "expected a mapping of service names to services"),
        None => reader.refuse("services", "there are none: a compose file needs a `services:` mapping"),
    }
    if host_network.iter().any(|host| *host) {
        if host_network.iter().all(|host| *host) {
            project = project.on_host_network();
        } else {
            reader.refuse(
                "network_mode",
                "some services use network_mode: host and others do not: dockwright bundles a project on one kind of network",
            );
        }
    }
    for variable in variables {
        let mut documented = Variable::new(&variable.name, &variable.comment).example(&variable.example);
        if variable.secret {
            documented = documented.secret();
        }
        if let Some(default) = defaults.get(&variable.name) {
            documented = documented.default_value(default);
        }
        project = project.variable(documented);
    }
    if reader.errors.is_empty() { Ok(project) } else { Err(reader.errors) }
}

/// Compose's merge of a later file into an earlier one.
fn merge(base: &mut Yaml, over: Yaml, key: &str) {
    match (base, over) {
        (Yaml::Hash(base), Yaml::Hash(over)) => {
            for (k, v) in over {
                let name = k.as_str().unwrap_or_default().to_string();
                match base.get_mut(&k) {
                    Some(existing) => merge(existing, v, &name),
                    None => {
                        base.insert(k, v);
                    }
                }
            }
        }
        (Yaml::Array(base), Yaml::Array(over)) if !matches!(key, "command" | "entrypoint" | "test") => {
            for item in over {
                if !base.contains(&item) {
                    base.push(item);
                }
            }
        }
        (base, over) => *base = over,
    }
}

/// A variable documented in `.env.example`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Documented {
    name: String,
    comment: String,
    example: String,
    secret: bool,
}

/// The variables of an `.env.example`: each `NAME=value` line with the comment lines just above it
/// (the notes dockwright adds to a comment are read back, not repeated). A comment block followed by
/// a blank line (a header) documents nothing.
fn read_env_example(text: &str) -> Vec<Documented> {
    let mut variables = Vec::new();
    let mut comment: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            comment.clear();
        } else if let Some(note) = line.strip_prefix('#') {
            comment.push(note.trim().to_string());
        } else if let Some((name, value)) = line.trim_start_matches("export ").split_once('=') {
            let mut note = comment.join(" ");
            let secret = note.contains(SECRET_NOTE);
            note = note.replace(SECRET_NOTE, "");
            // Notes that other keys say again: the default (from `${NAME:-default}`), which files read it.
            for prefix in [DEFAULT_NOTE, ONLY_NOTE] {
                if let Some(at) = note.find(prefix) {
                    if let Some(end) = note[at..].find(')') {
                        note.replace_range(at..at + end + 1, "");
                    }
                }
            }
            if note.is_empty() {
                note = format!("{} (documented in .env.example)", name.trim());
            }
            variables.push(Documented {
                name: name.trim().to_string(),
                comment: note,
                example: dotenv_value(value.trim()),
                secret,
            });
            comment.clear();
        }
    }
    variables
}

/// A dotenv value as compose reads it: single-quoted as is, double-quoted with `\` escapes, bare.
fn dotenv_value(value: &str) -> String {
    if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        inner.to_string()
    } else if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match (c, chars.clone().next()) {
                ('\\', Some(next @ ('\\' | '"' | '$'))) => {
                    out.push(next);
                    chars.next();
                }
                ('\\', Some('n')) => {
                    out.push('\n');
                    chars.next();
                }
                _ => out.push(c),
            }
        }
        out
    } else {
        value.split(" #").next().unwrap_or_default().trim().to_string()
    }
}

struct Reader {
    errors: Vec<String>,
    at: String,
    /// The uid a built service's image runs as (not root): the owner its writable bind mounts need.
    owner: Option<u32>,
}

impl Reader {
    fn refuse(&mut self, field: &str, message: &str) {
        if self.at.is_empty() {
            self.errors.push(format!("{field}: {message}"));
        } else {
            self.errors.push(format!("{}, {field}: {message}", self.at));
        }
    }

    fn key(&mut self, key: &Yaml, within: &str) -> Option<String> {
        match key {
            Yaml::String(text) if text == "<<" => {
                self.refuse(within, "YAML merge keys (<<) are not read: write the keys out");
                None
            }
            Yaml::String(text) => Some(text.clone()),
            Yaml::Integer(number) => Some(number.to_string()),
            _ => {
                self.refuse(within, "a key that is not a string");
                None
            }
        }
    }

    /// A scalar as compose reads it, `$$` undone; any interpolation is refused.
    fn literal(&mut self, value: &Yaml, field: &str) -> Option<String> {
        let text = self.scalar(value, field)?;
        match unescape(&text) {
            Ok(text) => Some(text),
            Err(()) => {
                self.refuse(
                    field,
                    &format!(
                        "{text:?} is interpolated by compose, and a bundle carries fixed values here: write the value, or $$ for a literal $"
                    ),
                );
                None
            }
        }
    }

    fn scalar(&mut self, value: &Yaml, field: &str) -> Option<String> {
        match value {
            Yaml::String(text) | Yaml::Real(text) => Some(text.clone()),
            Yaml::Integer(number) => Some(number.to_string()),
            Yaml::Boolean(flag) => Some(flag.to_string()),
            _ => {
                self.refuse(field, "expected a string");
                None
            }
        }
    }

    /// A list of literals; a single string counts as a list of one when `one` is true.
    fn strings(&mut self, value: &Yaml, field: &str, one: bool) -> Vec<String> {
        match value {
            Yaml::Array(items) => items.iter().filter_map(|item| self.literal(item, field)).collect(),
            Yaml::String(_) if one => self.literal(value, field).into_iter().collect(),
            _ => {
                self.refuse(field, "expected a list of strings");
                Vec::new()
            }
        }
    }

    /// Top-level `volumes:` or `networks:`: names with no options (dockwright declares what services use).
    fn declarations(&mut self, value: &Yaml, field: &str, names: &mut Vec<String>) {
        let Yaml::Hash(entries) = value else {
            return self.refuse(field, "expected a mapping of names");
        };
        for (key, options) in entries {
            let Some(name) = self.key(key, field) else { continue };
            if !is_empty(options) {
                self.refuse(
                    &format!("{field} '{name}'"),
                    "options (driver, external, name...) are not bundled: remove them, or create it on the host",
                );
            }
            names.push(name);
        }
    }

    fn secrets(&mut self, value: &Yaml, secrets: &mut Vec<(String, String)>) {
        let Yaml::Hash(entries) = value else {
            return self.refuse("secrets", "expected a mapping of secret names");
        };
        for (key, options) in entries {
            let Some(name) = self.key(key, "secrets") else { continue };
            let at = format!("secrets '{name}'");
            match options {
                Yaml::Hash(options) if options.len() == 1 && options.contains_key(&Yaml::String("file".into())) => {
                    if let Some(file) = self.literal(&options[&Yaml::String("file".into())], &at) {
                        secrets.push((name, file));
                    }
                }
                _ => self.refuse(&at, "only a secret read from a file (file: PATH) can be bundled"),
            }
        }
    }
}

fn is_empty(value: &Yaml) -> bool {
    match value {
        Yaml::Null => true,
        Yaml::Hash(entries) => entries.is_empty(),
        _ => false,
    }
}

/// Compose's `$$` undone; `Err` for any interpolation.
fn unescape(text: &str) -> Result<String, ()> {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '$' && chars.next() != Some('$') {
            return Err(());
        }
        out.push(c);
    }
    Ok(out)
}

/// `${NAME}` or `${NAME:-default}` (the default with `$$` undone), the whole value.
fn reference(text: &str) -> Option<(String, Option<String>)> {
    let inner = text.strip_prefix("${")?.strip_suffix('}')?;
    let (name, default) = match inner.split_once(":-") {
        Some((name, default)) => (name, Some(unescape(default).ok()?)),
        None => (inner, None),
    };
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| (name.to_string(), default))
}

struct ReadService {
    service: Service,
    host_network: bool,
}

impl Reader {
    fn service(
        &mut self,
        name: &str,
        value: &Yaml,
        load: &mut dyn FnMut(&BuildSpec) -> Result<Loaded, String>,
        variables: &[Documented],
        defaults: &mut BTreeMap<String, String>,
    ) -> Option<ReadService> {
        let Yaml::Hash(keys) = value else {
            self.refuse("service", "expected a mapping");
            return None;
        };
        if keys.contains_key(&Yaml::String("<<".into())) {
            self.refuse("<<", "YAML merge keys are not read: write the keys out");
            return None;
        }
        let get = |key: &str| keys.get(&Yaml::String(key.into()));
        let image = get("image").and_then(|value| self.literal(value, "image"));
        let mut service = match get("build") {
            Some(build) => {
                let mut service = self.build(name, build, load)?;
                if let Some(tag) = &image {
                    service = service.tag(tag);
                }
                service
            }
            None => match &image {
                Some(reference) => Service::image(name, reference),
                None => {
                    self.refuse("image", "a service needs `image:` or `build:`");
                    return None;
                }
            },
        };
        let mut host_network = false;
        for (key, value) in keys {
            let Some(key) = key.as_str() else {
                self.refuse("service", "a key that is not a string");
                continue;
            };
            service = match key {
                "build" | "image" => service,
                "command" => match value {
                    Yaml::Array(_) => service.command(self.strings(value, "command", false)),
                    Yaml::String(text) => match self.literal(value, "command") {
                        Some(text) if !text.contains(['"', '\'', '\\']) => service.command(text.split_whitespace()),
                        _ => {
                            self.refuse(
                                "command",
                                &format!("{text:?} needs a shell's quoting rules: write it as a list"),
                            );
                            service
                        }
                    },
                    _ => {
                        self.refuse("command", "expected a list of strings");
                        service
                    }
                },
                "ports" => self.ports(service, value),
                "volumes" => self.volumes(service, value),
                "env_file" => self.env_files(service, value),
                "environment" => self.environment(service, value, variables, defaults),
                "secrets" => {
                    for secret in self.strings(value, "secrets", false) {
                        service = service.secret(&secret);
                    }
                    service
                }
                "healthcheck" => self.healthcheck(service, value),
                "stop_signal" => match self.literal(value, "stop_signal") {
                    Some(signal) => service.stop_signal(&signal),
                    None => service,
                },
                "stop_grace_period" => match self.literal(value, "stop_grace_period") {
                    Some(grace) => service.stop_grace_period(&grace),
                    None => service,
                },
                "restart" => match self.literal(value, "restart").as_deref() {
                    Some("no") | Some("false") => service.restart(Restart::No),
                    Some("always") => service.restart(Restart::Always),
                    Some("on-failure") => service.restart(Restart::OnFailure),
                    Some("unless-stopped") => service.restart(Restart::UnlessStopped),
                    Some(other) => {
                        self.refuse(
                            "restart",
                            &format!("{other:?} is not a restart policy: no, always, on-failure or unless-stopped"),
                        );
                        service
                    }
                    None => service,
                },
                "profiles" => {
                    for profile in self.strings(value, "profiles", false) {
                        service = service.profile(&profile);
                    }
                    service
                }
                "networks" => self.networks(service, value),
                "depends_on" => self.depends_on(service, value),
                "network_mode" => {
                    match self.literal(value, "network_mode").as_deref() {
                        Some("host") => host_network = true,
                        Some(other) => self.refuse("network_mode", &format!("{other:?}: only host can be bundled")),
                        None => {}
                    }
                    service
                }
                // What dockwright writes beside `network_mode: host`: every service at 127.0.0.1.
                "extra_hosts" => {
                    let hosts = self.strings(value, "extra_hosts", false);
                    if !hosts.iter().all(|host| host.ends_with(":127.0.0.1")) {
                        self.refuse(
                            "extra_hosts",
                            "only the services' own names at 127.0.0.1 (with network_mode: host) can be bundled",
                        );
                    }
                    service
                }
                key if key.starts_with("x-") => service,
                other => {
                    self.refuse(other, "dockwright cannot bundle this key: remove it");
                    service
                }
            };
        }
        Some(ReadService { service, host_network })
    }

    fn build(
        &mut self,
        name: &str,
        value: &Yaml,
        load: &mut dyn FnMut(&BuildSpec) -> Result<Loaded, String>,
    ) -> Option<Service> {
        let mut spec = BuildSpec { context: String::new(), dockerfile: None };
        let mut target = None;
        let mut args = Vec::new();
        match value {
            Yaml::String(_) => spec.context = self.literal(value, "build")?,
            Yaml::Hash(keys) => {
                spec.context = ".".into();
                for (key, value) in keys {
                    let key = key.as_str().unwrap_or_default();
                    match key {
                        "context" => spec.context = self.literal(value, "build.context")?,
                        "dockerfile" => spec.dockerfile = Some(self.literal(value, "build.dockerfile")?),
                        "target" => target = Some(self.literal(value, "build.target")?),
                        "args" => args = self.build_args(value)?,
                        key if key.starts_with("x-") => {}
                        other => self.refuse(
                            &format!("build.{other}"),
                            "dockwright cannot bundle this build option: remove it, or build the image first and name it with image:",
                        ),
                    }
                }
            }
            _ => {
                self.refuse("build", "expected a context path or a mapping");
                return None;
            }
        }
        if spec.context.contains("://") || spec.context.starts_with("git@") {
            self.refuse("build.context", "a remote context cannot be bundled offline: clone it and name the directory");
            return None;
        }
        let loaded = match load(&spec) {
            Ok(loaded) => loaded,
            Err(message) => {
                let field = if spec.dockerfile.is_some() { "build.dockerfile" } else { "build.context" };
                self.refuse(field, &message);
                return None;
            }
        };
        // A compose file cannot say who owns a host directory; the image's user must be able to write
        // it, so that is the owner an installer gives it (Project::host_dirs).
        let analysis = analyze(&loaded.dockerfile);
        let stage = match &target {
            Some(target) => analysis.stage_index(target),
            None => loaded.dockerfile.stages.len().checked_sub(1),
        };
        self.owner =
            stage.and_then(|stage| image_config(&loaded.dockerfile, &analysis, stage).uid()).filter(|uid| *uid != 0);
        let mut service = Service::build_dockerfile(name, &loaded.dockerfile, &loaded.dockerignore, &spec.context);
        if let Some(dockerfile) = &spec.dockerfile {
            service = service.dockerfile(dockerfile);
        }
        if let Some(target) = &target {
            service = service.target(target);
        }
        for (arg, value) in &args {
            service = service.build_arg(arg, value);
        }
        Some(service)
    }

    fn build_args(&mut self, value: &Yaml) -> Option<Vec<(String, String)>> {
        let mut args = Vec::new();
        match value {
            Yaml::Hash(entries) => {
                for (key, value) in entries {
                    let name = key.as_str().unwrap_or_default().to_string();
                    if value.is_null() {
                        self.refuse(
                            &format!("build.args '{name}'"),
                            "a build arg taken from the shell cannot be bundled: give its value",
                        );
                        continue;
                    }
                    if let Some(value) = self.literal(value, &format!("build.args '{name}'")) {
                        args.push((name, value));
                    }
                }
            }
            Yaml::Array(_) => {
                for item in self.strings(value, "build.args", false) {
                    match item.split_once('=') {
                        Some((name, value)) => args.push((name.to_string(), value.to_string())),
                        None => self.refuse(
                            &format!("build.args '{item}'"),
                            "a build arg taken from the shell cannot be bundled: give its value",
                        ),
                    }
                }
            }
            _ => self.refuse("build.args", "expected a mapping or a list of NAME=VALUE"),
        }
        Some(args)
    }

    fn ports(&mut self, mut service: Service, value: &Yaml) -> Service {
        let Yaml::Array(items) = value else {
            self.refuse("ports", "expected a list");
            return service;
        };
        for item in items {
            let (host_ip, host, container) = match item {
                Yaml::Hash(keys) => {
                    let get = |key: &str| keys.get(&Yaml::String(key.into()));
                    let number = |value: Option<&Yaml>| match value {
                        Some(Yaml::Integer(n)) => u16::try_from(*n).ok(),
                        Some(Yaml::String(text)) => text.parse().ok(),
                        _ => None,
                    };
                    if get("protocol").and_then(Yaml::as_str).is_some_and(|p| p != "tcp") {
                        self.refuse("ports", "only tcp ports can be bundled");
                        continue;
                    }
                    let ip = get("host_ip").and_then(Yaml::as_str).map(str::to_string);
                    (ip, number(get("published")), number(get("target")))
                }
                _ => {
                    let Some(text) = self.literal(item, "ports") else { continue };
                    let text = text.strip_suffix("/tcp").unwrap_or(&text).to_string();
                    let (address, host, container) = match text.rsplit_once(':') {
                        Some((rest, container)) => match rest.rsplit_once(':') {
                            Some((ip, host)) => (Some(ip.trim_matches(['[', ']']).to_string()), Some(host), container),
                            None => (None, Some(rest), container),
                        },
                        None => (None, None, text.as_str()),
                    };
                    (address, host.and_then(|p| p.parse().ok()), container.parse().ok())
                }
            };
            match (host, container) {
                (Some(host), Some(container)) => {
                    service = match host_ip {
                        Some(ip) => service.publish_on(&ip, host, container),
                        None => service.publish(host, container),
                    };
                }
                _ => self.refuse(
                    "ports",
                    &format!(
                        "{}: give a fixed host port and container port (HOST:CONTAINER); ranges, random host ports and udp cannot be bundled",
                        yaml_text(item)
                    ),
                ),
            }
        }
        service
    }

    fn volumes(&mut self, mut service: Service, value: &Yaml) -> Service {
        let Yaml::Array(items) = value else {
            self.refuse("volumes", "expected a list");
            return service;
        };
        for item in items {
            let (kind, source, target, read_only) = match item {
                Yaml::Hash(keys) => {
                    let get = |key: &str| keys.get(&Yaml::String(key.into()));
                    let extra = keys
                        .keys()
                        .filter_map(Yaml::as_str)
                        .find(|k| !matches!(*k, "type" | "source" | "target" | "read_only"));
                    if let Some(extra) = extra {
                        self.refuse(&format!("volumes.{extra}"), "this mount option cannot be bundled: remove it");
                        continue;
                    }
                    let kind = get("type").and_then(Yaml::as_str).unwrap_or("volume").to_string();
                    let source = get("source").and_then(|v| self.literal(v, "volumes.source"));
                    let target = get("target").and_then(|v| self.literal(v, "volumes.target"));
                    let read_only = get("read_only").and_then(Yaml::as_bool).unwrap_or(false);
                    (kind, source, target, read_only)
                }
                _ => {
                    let Some(text) = self.literal(item, "volumes") else { continue };
                    let parts: Vec<&str> = text.split(':').collect();
                    let (source, target, mode) = match parts.as_slice() {
                        [source, target] => (Some(source.to_string()), Some(target.to_string()), ""),
                        [source, target, mode] => (Some(source.to_string()), Some(target.to_string()), *mode),
                        _ => (None, Some(text.clone()), ""),
                    };
                    if !matches!(mode, "" | "ro" | "rw") {
                        self.refuse("volumes", &format!("{text:?}: mode {mode:?} cannot be bundled: use ro or rw"));
                        continue;
                    }
                    let bind = source.as_deref().is_some_and(|s| s.starts_with(['.', '/', '~']));
                    (if bind { "bind" } else { "volume" }.to_string(), source, target, mode == "ro")
                }
            };
            let (Some(source), Some(target)) = (source, target) else {
                self.refuse(
                    "volumes",
                    &format!("{}: an anonymous volume is lost at `down`: name it (NAME:PATH)", yaml_text(item)),
                );
                continue;
            };
            let mount = match kind.as_str() {
                "bind" => Mount::bind(&source, &target),
                "volume" => Mount::volume(&source, &target),
                other => {
                    self.refuse("volumes", &format!("a {other} mount cannot be bundled: use a volume or a bind mount"));
                    continue;
                }
            };
            let mount = match self.owner {
                Some(uid) if kind == "bind" && !read_only => mount.owned_by(uid),
                _ => mount,
            };
            service = service.mount(if read_only { mount.read_only() } else { mount });
        }
        service
    }

    fn env_files(&mut self, mut service: Service, value: &Yaml) -> Service {
        let items: Vec<Yaml> = match value {
            Yaml::Array(items) => items.clone(),
            other => vec![other.clone()],
        };
        for item in &items {
            let path = match item {
                Yaml::Hash(keys) => keys.get(&Yaml::String("path".into())).and_then(|p| self.literal(p, "env_file")),
                _ => self.literal(item, "env_file"),
            };
            if let Some(path) = path {
                service = service.env_file(&path);
            }
        }
        service
    }

    fn environment(
        &mut self,
        mut service: Service,
        value: &Yaml,
        variables: &[Documented],
        defaults: &mut BTreeMap<String, String>,
    ) -> Service {
        let mut pairs: Vec<(String, Option<Yaml>)> = Vec::new();
        match value {
            Yaml::Hash(entries) => {
                for (key, value) in entries {
                    let key = key.as_str().map(str::to_string).unwrap_or_default();
                    pairs.push((key, (!value.is_null()).then(|| value.clone())));
                }
            }
            Yaml::Array(items) => {
                for item in items {
                    let text = item.as_str().unwrap_or_default();
                    match text.split_once('=') {
                        Some((key, value)) => pairs.push((key.to_string(), Some(Yaml::String(value.into())))),
                        None => pairs.push((text.to_string(), None)),
                    }
                }
            }
            _ => {
                self.refuse("environment", "expected a mapping or a list of NAME=VALUE");
                return service;
            }
        }
        for (key, value) in pairs {
            let field = format!("environment '{key}'");
            let Some(value) = value else {
                self.refuse(&field, "a value taken from the shell cannot be bundled: set it in an env_file");
                continue;
            };
            let Some(text) = self.scalar(&value, &field) else { continue };
            if let Some((variable, default)) = reference(&text) {
                if !variables.iter().any(|v| v.name == variable) {
                    self.refuse(
                        &field,
                        &format!(
                            "variable '{variable}' is documented nowhere: add `# what it is` and `{variable}=example` to the .env.example beside the compose file"
                        ),
                    );
                    continue;
                }
                if let Some(default) = default {
                    match defaults.get(&variable) {
                        Some(known) if *known != default => self.refuse(
                            &field,
                            &format!("variable '{variable}' has the default {known:?} elsewhere: give it one default"),
                        ),
                        _ => {
                            defaults.insert(variable.clone(), default);
                        }
                    }
                }
                service = service.env_var(&key, &variable);
            } else if let Some(literal) = self.literal(&value, &field) {
                service = service.env(&key, &literal);
            }
        }
        service
    }

    fn healthcheck(&mut self, service: Service, value: &Yaml) -> Service {
        let Yaml::Hash(keys) = value else {
            self.refuse("healthcheck", "expected a mapping");
            return service;
        };
        let get = |key: &str| keys.get(&Yaml::String(key.into()));
        // Compose turns the healthcheck off for `disable: true` or a `NONE` test, whatever else it
        // says (a later file's `disable: true` over an earlier file's test and timings is the usual
        // way to write it).
        let none =
            matches!(get("test"), Some(Yaml::Array(test)) if test.first().and_then(Yaml::as_str) == Some("NONE"));
        match get("disable") {
            None => {}
            Some(Yaml::Boolean(true)) => return service.no_healthcheck(),
            Some(Yaml::Boolean(false)) => {}
            Some(_) => {
                self.refuse("healthcheck.disable", "expected true or false");
                return service;
            }
        }
        if none {
            return service.no_healthcheck();
        }
        let mut health = match get("test") {
            Some(Yaml::String(_)) => match get("test").and_then(|t| self.literal(t, "healthcheck.test")) {
                Some(script) => Health::new(script.as_str()),
                None => return service,
            },
            Some(test @ Yaml::Array(_)) => {
                let argv = self.strings(test, "healthcheck.test", false);
                match argv.split_first() {
                    Some((kind, rest)) if kind == "CMD" && !rest.is_empty() => Health::new(rest.to_vec()),
                    Some((kind, [script])) if kind == "CMD-SHELL" => Health::new(script.as_str()),
                    _ => {
                        self.refuse("healthcheck.test", "expected [\"CMD\", ...] or [\"CMD-SHELL\", \"script\"]");
                        return service;
                    }
                }
            }
            // Timings only: the image's probe, timed anew (compose and the engine merge them).
            None if keys.keys().any(|key| {
                matches!(key.as_str(), Some("interval" | "timeout" | "start_period" | "start_interval" | "retries"))
            }) =>
            {
                Health::inherited()
            }
            None => {
                self.refuse(
                    "healthcheck",
                    "give it a test or a timing (interval, timeout, start_period, retries), or remove it",
                );
                return service;
            }
            Some(_) => {
                self.refuse(
                    "healthcheck.test",
                    "expected [\"CMD\", ...], [\"CMD-SHELL\", \"script\"], [\"NONE\"] or a shell command",
                );
                return service;
            }
        };
        for (key, value) in keys {
            let key = key.as_str().unwrap_or_default();
            let field = format!("healthcheck.{key}");
            health = match key {
                "test" | "disable" => health,
                "interval" => self.literal(value, &field).map_or(health.clone(), |v| health.interval(&v)),
                "timeout" => self.literal(value, &field).map_or(health.clone(), |v| health.timeout(&v)),
                "start_period" => self.literal(value, &field).map_or(health.clone(), |v| health.start_period(&v)),
                "start_interval" => self.literal(value, &field).map_or(health.clone(), |v| health.start_interval(&v)),
                "retries" => match value.as_i64().and_then(|n| u32::try_from(n).ok()) {
                    Some(retries) => health.retries(retries),
                    None => {
                        self.refuse(&field, "expected a whole number");
                        health
                    }
                },
                other => {
                    self.refuse(&format!("healthcheck.{other}"), "dockwright cannot bundle this key: remove it");
                    health
                }
            };
        }
        service.healthcheck(health)
    }

    fn networks(&mut self, mut service: Service, value: &Yaml) -> Service {
        match value {
            Yaml::Hash(entries) => {
                for (key, options) in entries {
                    let name = key.as_str().unwrap_or_default().to_string();
                    if !is_empty(options) {
                        self.refuse(
                            &format!("networks '{name}'"),
                            "network options (aliases, addresses...) cannot be bundled: remove them",
                        );
                    }
                    service = service.network(&name);
                }
            }
            _ => {
                for network in self.strings(value, "networks", false) {
                    service = service.network(&network);
                }
            }
        }
        service
    }

    fn depends_on(&mut self, mut service: Service, value: &Yaml) -> Service {
        match value {
            Yaml::Hash(entries) => {
                for (key, options) in entries {
                    let name = key.as_str().unwrap_or_default().to_string();
                    let field = format!("depends_on '{name}'");
                    let condition = match options {
                        Yaml::Hash(options) => {
                            if let Some(extra) = options
                                .keys()
                                .filter_map(Yaml::as_str)
                                .find(|k| !matches!(*k, "condition" | "required" | "restart"))
                            {
                                self.refuse(
                                    &format!("{field}.{extra}"),
                                    "dockwright cannot bundle this key: remove it",
                                );
                            }
                            options
                                .get(&Yaml::String("condition".into()))
                                .and_then(Yaml::as_str)
                                .unwrap_or("service_started")
                        }
                        _ => "service_started",
                    };
                    let condition = match condition {
                        "service_started" => Condition::Started,
                        "service_healthy" => Condition::Healthy,
                        "service_completed_successfully" => Condition::CompletedSuccessfully,
                        other => {
                            self.refuse(&field, &format!("{other:?} is not a depends_on condition"));
                            continue;
                        }
                    };
                    service = service.depends_on(&name, condition);
                }
            }
            _ => {
                for name in self.strings(value, "depends_on", false) {
                    service = service.depends_on(&name, Condition::Started);
                }
            }
        }
        service
    }
}

/// A YAML value as a short text for a message.
fn yaml_text(value: &Yaml) -> String {
    match value {
        Yaml::String(text) => format!("{text:?}"),
        Yaml::Integer(number) => number.to_string(),
        Yaml::Hash(_) => "this entry".into(),
        _ => "this value".into(),
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::deploy::{Condition, Mount, Project, Restart, Service, Variable};
    use crate::dsl::{Health, Image, Stage};
    use crate::{Base, import};

    fn no_builds(spec: &BuildSpec) -> Result<Loaded, String> {
        Err(format!("unexpected build of {}", spec.context))
    }

    fn read_back(files: &[(&str, &str)], env_example: Option<&str>) -> Result<Project, Vec<String>> {
        let files: Vec<(String, String)> = files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        read(&files, "dir", env_example, &mut no_builds)
    }

    /// What dockwright writes reads back into a project that writes the same compose file,
    /// `.env.example` and Quadlet units: built and image services, every key the writer knows.
    #[test]
    fn a_compose_file_dockwright_wrote_reads_back_to_the_same_files() {
        let mut image = Image::new().arg("VERSION", Some("dev"));
        image.stage(Stage::new("build", Base::alpine("3.19")).run("true"));
        image.stage(
            Stage::new("app", Base::alpine("3.19"))
                .arg("VERSION")
                .expose(8000)
                .user("10001")
                .healthcheck(Health::new(["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8000/"]).retries(3))
                .stop_signal("SIGTERM"),
        );
        let project = Project::new("shop")
            .network("backend")
            .secret("db_password", "./secrets/db password")
            .variable(Variable::new("TOKEN", "the API's token").example("it's $5 \\ \"x\"").secret())
            .variable(Variable::new("LOG_LEVEL", "how much to log").example("info").default_value("in$fo"))
            .service(
                Service::build("api", &image, "./api")
                    .dockerfile("build/Dockerfile")
                    .target("app")
                    .build_arg("VERSION", "1.2.0")
                    .tag("example/api:1")
                    .publish_on("127.0.0.1", 8000, 8000)
                    .mount(Mount::bind("./data", "/data").owned_by(10001))
                    .mount(Mount::volume("cache", "/cache").read_only())
                    .env_file(".env")
                    .env("GREETING", "cost: $$5 and ${not} a variable")
                    .env_var("LOG_LEVEL", "LOG_LEVEL")
                    .profile("prod")
                    .stop_grace_period("30s")
                    .restart(Restart::UnlessStopped)
                    .network("default")
                    .network("backend")
                    .depends_on("db", Condition::Healthy),
            )
            .service(
                Service::image("db", "postgres:16")
                    .command(["postgres", "-c", "log_statement=all"])
                    .secret("db_password")
                    .healthcheck(
                        Health::new("pg_isready -U \"$$USER\"").interval("5s").timeout("3s").start_period("10s"),
                    )
                    .stop_signal("SIGINT")
                    .profile("prod")
                    .network("backend"),
            );
        let compose = project.to_compose().unwrap();
        let model = image.to_model().unwrap();
        let mut load = |spec: &BuildSpec| {
            assert_eq!(spec, &BuildSpec { context: "./api".into(), dockerfile: Some("build/Dockerfile".into()) });
            Ok(Loaded { dockerfile: model.clone(), dockerignore: String::new() })
        };
        let files = [("compose.yaml".to_string(), compose.clone())];
        let read = read(&files, "dir", Some(&project.env_example()), &mut load).unwrap_or_else(|e| panic!("{e:#?}"));
        assert_eq!(read.to_compose().unwrap(), compose);
        assert_eq!(read.env_example(), project.env_example());
        assert_eq!(read.to_quadlet().unwrap(), project.to_quadlet().unwrap());

        // A Dockerfile as text goes through import, as the command reads it.
        let lowered = import::lower(&import::parse(&image.emit().unwrap()));
        let mut load =
            |_: &BuildSpec| Ok(Loaded { dockerfile: lowered.dockerfile.clone(), dockerignore: String::new() });
        let read = super::read(&files, "dir", Some(&project.env_example()), &mut load).unwrap();
        assert_eq!(read.to_compose().unwrap(), compose);
    }

    #[test]
    fn files_merge_as_compose_merges_them_and_the_name_defaults_to_the_directory() {
        let base = "services:\n  web:\n    image: example/web:1\n    command: [\"serve\", \"--port\", \"80\"]\n    ports: [\"8080:80\"]\n    environment:\n      A: \"1\"\n";
        let over = "name: shop\nservices:\n  web:\n    image: example/web:2\n    command: [\"serve\"]\n    ports: [\"8080:80\", \"8443:443\"]\n    environment:\n      B: \"2\"\n  cache:\n    image: redis:7\n";
        let project = read_back(&[("a.yml", base), ("b.yml", over)], None).unwrap();
        assert_eq!(
            project.to_compose().unwrap(),
            "name: \"shop\"\nservices:\n  web:\n    image: \"example/web:2\"\n    command: [\"serve\"]\n    ports:\n      - \"8080:80\"\n      - \"8443:443\"\n    environment:\n      A: \"1\"\n      B: \"2\"\n  cache:\n    image: \"redis:7\"\n"
        );
        assert_eq!(read_back(&[("a.yml", base)], None).unwrap().name(), "dir");
    }

    #[test]
    fn env_example_values_read_back_as_compose_reads_them() {
        let cases = [
            ("A=plain\n", "plain"),
            ("A='it''s'\n", "it''s"),
            ("A='with $ and \"'\n", "with $ and \""),
            ("A=\"back\\\\slash \\\"q\\\" \\$x\"\n", "back\\slash \"q\" $x"),
            ("A=value # a comment\n", "value"),
        ];
        for (line, value) in cases {
            let documented = read_env_example(&format!("# what A is\n{line}"));
            assert_eq!(documented.len(), 1, "{line}");
            assert_eq!(
                (documented[0].comment.as_str(), documented[0].example.as_str()),
                ("what A is", value),
                "{line}"
            );
        }
        let header = read_env_example(
            "# a header, not a comment\n\nA=1\n# token (secret: never commit the real value) (default: x)\nB=2\n",
        );
        assert_eq!(header[0].comment, "A (documented in .env.example)");
        assert_eq!((header[1].comment.as_str(), header[1].secret), ("token", true));
    }

    proptest::proptest! {
        /// Any text, however close to a compose file, is read or refused: never a panic.
        #[test]
        fn reading_never_panics(parts in proptest::collection::vec(proptest::sample::select(vec![
            "services:\n", "  web:\n", "    image: a:1\n", "    build: .\n", "    build:\n      args: [A]\n",
            "    ports: [\"1:2\", 3, {target: 4}]\n", "    volumes: [\":\", \"a:b:c:d\", {type: tmpfs}]\n",
            "    environment: [\"A=${B\", \"=\", C]\n", "    environment: {A: ${A:-}, B: {x: 1}}\n",
            "    healthcheck: {test: [CMD], retries: -1}\n", "    depends_on: {x: {condition: 1}}\n",
            "    networks: {n: {aliases: [a]}}\n", "    command: \"a 'b\"\n", "networks: [x]\n", "secrets: {s: 1}\n",
            "- \n", "&a x\n", "*a\n", "? [a]\n: b\n", "\t\n", "name: ${X}\n", "'\n", "{\n",
        ]), 0..12)) {
            let text: String = parts.concat();
            let mut load = |_: &BuildSpec| Ok(Loaded {
                dockerfile: import::lower(&import::parse("FROM alpine:3.19\nUSER 10001\n")).dockerfile,
                dockerignore: String::new(),
            });
            let files = [("compose.yaml".to_string(), text)];
            if let Ok(project) = super::read(&files, "dir", Some("# a\nA=1\n"), &mut load) {
                let _ = project.to_compose();
                let _ = project.to_quadlet();
            }
        }
    }

    #[test]
    fn bad_yaml_and_non_compose_documents_are_refused_by_file() {
        assert_eq!(read_back(&[("a.yml", "services: [\n")], None).unwrap_err().len(), 1);
        assert!(read_back(&[("a.yml", "services: [\n")], None).unwrap_err()[0].starts_with("a.yml: not YAML: "));
        assert_eq!(
            read_back(&[("a.yml", "- a\n")], None).unwrap_err(),
            ["a.yml: not a compose file: its top level must be a mapping"]
        );
        assert_eq!(
            read_back(&[("a.yml", "x-base: &base\n  image: a:1\nservices:\n  web:\n    <<: *base\n")], None)
                .unwrap_err(),
            ["service 'web', <<: YAML merge keys are not read: write the keys out"]
        );
    }
}
