//! The compose writer: a [`Project`] as a compose file (Compose Specification, read by Docker Compose
//! v2 and podman-compose) and its `.env.example`. Keys are `&'static str`; every value a user wrote
//! goes through `quote`. Output is deterministic: services in the order they were added, keys in a
//! fixed order, top-level volumes sorted.

use std::fmt::Write;

use crate::error::Errors;
use crate::model::{Command, HealthOptions, Healthcheck};

use super::quote::{dotenv, interpolation, key, string};
use super::service::{EnvValue, Service, Source};
use super::validate::{Resolved, check};
use super::{Project, Variable};

impl Project {
    /// The compose file, once the project is valid ([`validate`](Self::validate)'s errors otherwise).
    ///
    /// ```
    /// use dockwright::deploy::{Mount, Project, Restart, Service};
    /// use dockwright::Health;
    ///
    /// let project = Project::new("cache").service(
    ///     Service::image("redis", "redis:7-alpine")
    ///         .command(["redis-server", "--appendonly", "yes"])
    ///         .mount(Mount::volume("data", "/data"))
    ///         .healthcheck(Health::new(["redis-cli", "ping"]).interval("5s").retries(5))
    ///         .restart(Restart::UnlessStopped),
    /// );
    /// assert_eq!(
    ///     project.to_compose().unwrap(),
    ///     "name: \"cache\"\n\
    ///      services:\n  \
    ///        redis:\n    \
    ///          image: \"redis:7-alpine\"\n    \
    ///          command: [\"redis-server\", \"--appendonly\", \"yes\"]\n    \
    ///          volumes:\n      \
    ///            - \"data:/data\"\n    \
    ///          healthcheck:\n      \
    ///            test: [\"CMD\", \"redis-cli\", \"ping\"]\n      \
    ///            interval: 5s\n      \
    ///            retries: 5\n    \
    ///          restart: unless-stopped\n\
    ///      volumes:\n  \
    ///        data: {}\n"
    /// );
    /// ```
    pub fn to_compose(&self) -> Result<String, Errors> {
        let resolved = check(self)?;
        let mut out = String::new();
        comment(&mut out, self.comment.as_deref());
        let _ = writeln!(out, "name: {}", string(&self.name));
        out.push_str("services:\n");
        for (service, facts) in self.services.iter().zip(&resolved) {
            self.write_service(&mut out, service, facts);
        }
        let volumes = self.named_volumes();
        if !volumes.is_empty() {
            out.push_str("volumes:\n");
            for volume in volumes {
                let _ = writeln!(out, "  {}: {{}}", key(volume));
            }
        }
        if !self.networks.is_empty() && !self.host_network {
            out.push_str("networks:\n");
            for network in &self.networks {
                let _ = writeln!(out, "  {}: {{}}", key(network));
            }
        }
        if !self.secrets.is_empty() {
            out.push_str("secrets:\n");
            for (name, file) in &self.secrets {
                let _ = writeln!(out, "  {}:\n    file: {}", key(name), string(file));
            }
        }
        Ok(out)
    }

    fn write_service(&self, out: &mut String, service: &Service, facts: &Resolved) {
        let _ = writeln!(out, "  {}:", key(&service.name));
        match &service.source {
            Source::Build(build) => {
                out.push_str("    build:\n");
                let _ = writeln!(out, "      context: {}", string(&build.context));
                if let Some(dockerfile) = &build.dockerfile {
                    let _ = writeln!(out, "      dockerfile: {}", string(dockerfile));
                }
                if let Some(target) = &build.target {
                    let _ = writeln!(out, "      target: {}", string(target));
                }
                if !build.args.is_empty() {
                    out.push_str("      args:\n");
                    for (name, value) in &build.args {
                        let _ = writeln!(out, "        {}: {}", key(name), string(value));
                    }
                }
                let reference = self.image_of(&service.name).unwrap_or_default();
                let _ = writeln!(out, "    image: {}", string(&reference));
            }
            Source::Image(reference) => {
                let _ = writeln!(out, "    image: {}", string(reference));
            }
        }
        if let Some(command) = &service.command {
            let _ = writeln!(out, "    command: {}", flow(command.iter().map(|arg| string(arg))));
        }
        let profiles: Vec<String> = service.profiles.iter().map(|p| string(p)).collect();
        if !profiles.is_empty() {
            let _ = writeln!(out, "    profiles: {}", flow(profiles.into_iter()));
        }
        if self.host_network {
            out.push_str("    network_mode: host\n    extra_hosts:\n");
            for other in &self.services {
                let _ = writeln!(out, "      - {}", string(&format!("{}:127.0.0.1", other.name)));
            }
        } else if !service.ports.is_empty() {
            out.push_str("    ports:\n");
            for port in &service.ports {
                let published = match &port.host_ip {
                    Some(ip) if ip.contains(':') => format!("[{ip}]:{}:{}", port.host, port.container),
                    Some(ip) => format!("{ip}:{}:{}", port.host, port.container),
                    None => format!("{}:{}", port.host, port.container),
                };
                let _ = writeln!(out, "      - {}", string(&published));
            }
        }
        if !service.mounts.is_empty() {
            out.push_str("    volumes:\n");
            for mount in &service.mounts {
                let ro = if mount.read_only { ":ro" } else { "" };
                let _ = writeln!(out, "      - {}", string(&format!("{}:{}{ro}", mount.source, mount.target)));
            }
        }
        if !service.env_files.is_empty() {
            out.push_str("    env_file:\n");
            for file in &service.env_files {
                let _ = writeln!(out, "      - {}", string(file));
            }
        }
        if !service.environment.is_empty() {
            out.push_str("    environment:\n");
            for (name, value) in &service.environment {
                let value = match value {
                    EnvValue::Literal(text) => string(text),
                    EnvValue::Var(variable) => {
                        let default =
                            self.variables.iter().find(|v| v.name == *variable).and_then(|v| v.default.as_deref());
                        interpolation(variable, default)
                    }
                };
                let _ = writeln!(out, "      {}: {value}", key(name));
            }
        }
        if !service.secrets.is_empty() {
            out.push_str("    secrets:\n");
            for secret in &service.secrets {
                let _ = writeln!(out, "      - {}", string(secret));
            }
        }
        if let Some(health) = &facts.healthcheck {
            write_healthcheck(out, health);
        } else if let Some(timing) = &facts.timing {
            out.push_str("    healthcheck:\n");
            write_timing(out, timing);
        }
        if let Some(signal) = &service.stop_signal {
            let _ = writeln!(out, "    stop_signal: {}", string(signal));
        }
        if let Some(grace) = &service.stop_grace_period {
            let _ = writeln!(out, "    stop_grace_period: {}", string(grace));
        }
        if let Some(restart) = service.restart {
            let _ = writeln!(out, "    restart: {}", restart.as_str());
        }
        if !service.depends_on.is_empty() {
            out.push_str("    depends_on:\n");
            for (name, condition) in &service.depends_on {
                let _ = writeln!(out, "      {}:\n        condition: {}", key(name), condition.as_str());
            }
        }
        if !service.networks.is_empty() && !self.host_network {
            out.push_str("    networks:\n");
            for network in &service.networks {
                let _ = writeln!(out, "      - {}", string(network));
            }
        }
    }

    /// The `.env.example` file: every documented variable with its comment above it and its example
    /// value, in the order documented; secrets say so in their comment.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Variable};
    ///
    /// let project = Project::new("p")
    ///     .comment("copy to .env and fill in")
    ///     .variable(Variable::new("TZ", "container time zone").example("America/Chicago"))
    ///     .variable(Variable::new("GREETING", "what the app says").example("it's $5"));
    /// assert_eq!(
    ///     project.env_example(),
    ///     "# copy to .env and fill in\n\
    ///      \n\
    ///      ## container time zone\n\
    ///      TZ=America/Chicago\n\
    ///      \n\
    ///      ## what the app says\n\
    ///      GREETING=\"it's \\$5\"\n"
    /// );
    /// ```
    pub fn env_example(&self) -> String {
        let mut out = String::new();
        comment(&mut out, self.comment.as_deref());
        for (index, variable) in self.variables.iter().enumerate() {
            if index > 0 || self.comment.is_some() {
                out.push('\n');
            }
            write_variable(&mut out, variable, None);
        }
        out
    }
}

/// The one `.env.example` beside several compose files (`(file name, project)`, in the order they are
/// written): every variable any of them documents, in first-documented order, those that not every file
/// reads marked with the files that do, under a header naming the files. Each file's own comment
/// (how to start that file) is left to the file. For one file, its project's
/// [`env_example`](Project::env_example).
///
/// ```
/// use dockwright::deploy::{env_example, Project, Service, Variable};
///
/// let dev = Project::new("shop")
///     .comment("docker compose -f dev.yml up")
///     .variable(Variable::new("TOKEN", "API token").example("change-me").secret())
///     .service(Service::image("api", "example/api:1").env_var("TOKEN", "TOKEN"));
/// let prod = dev
///     .clone()
///     .comment("docker compose -f prod.yml up")
///     .variable(Variable::new("SENTRY_DSN", "where errors are reported").example("https://sentry.invalid/1"))
///     .service(Service::image("worker", "example/worker:1").env_var("SENTRY_DSN", "SENTRY_DSN"));
/// assert_eq!(
///     env_example(&[("dev.yml", &dev), ("prod.yml", &prod)]),
///     "# the variables of project 'shop', read by dev.yml and prod.yml:\n\
///      ## copy this file to .env and fill it in\n\
///      \n\
///      ## API token (secret: never commit the real value)\n\
///      TOKEN=change-me\n\
///      \n\
///      ## where errors are reported (only prod.yml)\n\
///      SENTRY_DSN=https://sentry.invalid/1\n"
/// );
/// assert_eq!(env_example(&[("dev.yml", &dev)]), dev.env_example());
/// ```
#[must_use]
pub fn env_example(files: &[(&str, &Project)]) -> String {
    if let [(_, project)] = files {
        return project.env_example();
    }
    let mut names: Vec<&str> = Vec::new();
    let mut variables: Vec<&Variable> = Vec::new();
    for (_, project) in files {
        if !names.contains(&project.name.as_str()) {
            names.push(&project.name);
        }
        for variable in &project.variables {
            if !variables.iter().any(|v| v.name == variable.name) {
                variables.push(variable);
            }
        }
    }
    let quoted: Vec<String> = names.iter().map(|name| format!("'{name}'")).collect();
    let files_read = |read: Vec<&str>| match read.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# the variables of {} {}, read by {}:\n# copy this file to .env and fill it in",
        if names.len() == 1 { "project" } else { "projects" },
        files_read(quoted.iter().map(String::as_str).collect()),
        files_read(files.iter().map(|(file, _)| *file).collect()),
    );
    for variable in variables {
        let read: Vec<&str> = files
            .iter()
            .filter(|(_, project)| project.variables.iter().any(|v| v.name == variable.name))
            .map(|(file, _)| *file)
            .collect();
        let only = (read.len() < files.len()).then(|| read.join(", "));
        out.push('\n');
        write_variable(&mut out, variable, only.as_deref());
    }
    out
}

/// The notes `.env.example` adds to a variable's comment: that it is a secret, its default (up to the
/// closing parenthesis), which of several files read it. The CLI's compose reader reads them back.
pub(crate) const SECRET_NOTE: &str = " (secret: never commit the real value)";
pub(crate) const DEFAULT_NOTE: &str = " (default: ";
pub(crate) const ONLY_NOTE: &str = " (only ";

fn write_variable(out: &mut String, variable: &Variable, only: Option<&str>) {
    let mut note = variable.comment.replace(['\n', '\r'], " ");
    if variable.secret {
        note.push_str(SECRET_NOTE);
    }
    if let Some(default) = &variable.default {
        let _ = write!(note, "{DEFAULT_NOTE}{default})");
    }
    if let Some(files) = only {
        let _ = write!(note, "{ONLY_NOTE}{})", files.replace(['\n', '\r'], " "));
    }
    let _ = writeln!(out, "# {note}");
    let _ = writeln!(out, "{}={}", variable.name, dotenv(&variable.example));
}

fn comment(out: &mut String, text: Option<&str>) {
    if let Some(text) = text {
        for line in text.lines() {
            let line = line.trim_end();
            if line.is_empty() {
                out.push_str("#\n");
            } else {
                let _ = writeln!(out, "# {}", line.replace('\r', " "));
            }
        }
    }
}

fn flow(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

fn write_healthcheck(out: &mut String, health: &Healthcheck) {
    out.push_str("    healthcheck:\n");
    match health {
        Healthcheck::None => out.push_str("      disable: true\n"),
        Healthcheck::Check { options, command } => {
            let test = match command {
                Command::Exec(argv) => {
                    flow(std::iter::once("\"CMD\"".to_string()).chain(argv.iter().map(|a| string(a.as_str()))))
                }
                Command::Shell(script) => flow(["\"CMD-SHELL\"".to_string(), string(&script.shell_text())].into_iter()),
            };
            let _ = writeln!(out, "      test: {test}");
            write_timing(out, options);
        }
    }
}

/// A healthcheck's timings, as compose writes them.
fn write_timing(out: &mut String, options: &HealthOptions) {
    for (name, value) in [
        ("interval", &options.interval),
        ("timeout", &options.timeout),
        ("start_period", &options.start_period),
        ("start_interval", &options.start_interval),
    ] {
        if let Some(value) = value {
            let _ = writeln!(out, "      {name}: {value}");
        }
    }
    if let Some(retries) = options.retries {
        let _ = writeln!(out, "      retries: {retries}");
    }
}
