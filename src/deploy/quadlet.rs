//! The Quadlet writer: a [`Project`] as Podman Quadlet units, the way RHEL runs containers under
//! systemd. One `.container` per service, one `.volume` per named volume, one `.network` per network
//! (compose's `default` network, where a service that names none is, as `<project>.network`, so
//! services find each other by name as they do under compose). Keys are `&'static str`; every value a user wrote goes through `quote`
//! (`unit_raw` for keys the generator reads whole, `unit_word` for keys it splits). Output is
//! deterministic: containers in service order, then volumes sorted, then networks.
//!
//! Podman's differences are written out rather than assumed: OCI images drop `HEALTHCHECK`, so the
//! image's healthcheck becomes `HealthCmd=`/`HealthInterval=`...; the dependency a service waits for
//! with `service_healthy` gets `Notify=healthy`, so its unit is active only once it is healthy; a
//! secret must exist in Podman's store (`podman secret create NAME FILE`, listed in each unit's
//! header); Quadlet has no interpolation, so a `Service::env_var` is read from the service's
//! `EnvironmentFile=` (its compose default does not apply: the image's `ENV` does), or, for a service
//! without one, written as its default (refused when it has none); profiles do not exist under systemd, so every
//! service is written and the host enables the units it wants.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::error::{Error, ErrorKind, Errors};
use crate::model::{Command, Healthcheck};

use super::Project;
use super::quote::{json, unit_raw, unit_word};
use super::service::{Condition, EnvValue, MountKind, Restart, Service, Source};
use super::validate::{DEFAULT_NETWORK, Resolved, check};

impl Project {
    /// The project's Quadlet units as `(file name, text)`, once the project is valid: a
    /// `<project>-<service>.container` per service, a `<project>-<volume>.volume` per named volume and
    /// a `<project>-<network>.network` per network. Copy them into a directory of their own under
    /// `/etc/containers/systemd/` (or `~/.config/containers/systemd/`), with the env files and
    /// bind-mount sources beside them: Quadlet resolves a relative `EnvironmentFile=` and a `./` volume
    /// source against the unit file's directory, as compose does against the compose file's. A `~`
    /// path is written as systemd's `%h` (neither Quadlet nor Podman expands `~`). Then
    /// `systemctl daemon-reload` and `systemctl start <project>-<service>`.
    ///
    /// ```
    /// use dockwright::deploy::{Mount, Project, Restart, Service};
    /// use dockwright::Health;
    ///
    /// let project = Project::new("cache").service(
    ///     Service::image("redis", "docker.io/library/redis:7-alpine")
    ///         .command(["redis-server", "--appendonly", "yes"])
    ///         .mount(Mount::volume("data", "/data"))
    ///         .healthcheck(Health::new(["redis-cli", "ping"]).interval("5s").retries(5))
    ///         .stop_grace_period("1m30s")
    ///         .restart(Restart::UnlessStopped),
    /// );
    /// let units = project.to_quadlet().unwrap();
    /// let names: Vec<&str> = units.iter().map(|(name, _)| name.as_str()).collect();
    /// assert_eq!(names, ["cache-redis.container", "cache-data.volume", "cache.network"]);
    /// assert_eq!(
    ///     units[0].1,
    ///     "[Unit]\n\
    ///      Description=cache: redis\n\
    ///      \n\
    ///      [Container]\n\
    ///      Image=docker.io/library/redis:7-alpine\n\
    ///      ContainerName=cache-redis\n\
    ///      Exec=\"redis-server\" \"--appendonly\" \"yes\"\n\
    ///      Network=cache.network\n\
    ///      NetworkAlias=redis\n\
    ///      Volume=cache-data.volume:/data\n\
    ///      HealthCmd=[\"CMD\", \"redis-cli\", \"ping\"]\n\
    ///      HealthInterval=5s\n\
    ///      HealthRetries=5\n\
    ///      StopTimeout=90\n\
    ///      \n\
    ///      [Service]\n\
    ///      Restart=always\n\
    ///      TimeoutStopSec=120\n\
    ///      \n\
    ///      [Install]\n\
    ///      WantedBy=default.target\n"
    /// );
    /// assert_eq!(units[1].1, "[Volume]\nVolumeName=cache_data\n");
    /// ```
    pub fn to_quadlet(&self) -> Result<Vec<(String, String)>, Errors> {
        let resolved = check(self)?;
        let mut errors = Vec::new();
        let mut units = Vec::new();
        let healthy_deps: BTreeSet<&str> = self
            .services
            .iter()
            .flat_map(|s| &s.depends_on)
            .filter(|(_, condition)| *condition == Condition::Healthy)
            .map(|(name, _)| name.as_str())
            .collect();
        for (service, facts) in self.services.iter().zip(&resolved) {
            let mut unit = Unit { text: String::new(), errors: &mut errors, at: format!("service '{}'", service.name) };
            self.write_container(&mut unit, service, facts, healthy_deps.contains(service.name.as_str()));
            units.push((format!("{}-{}.container", self.name, service.name), unit.text));
        }
        let volumes = self.named_volumes();
        for volume in volumes {
            let mut unit = Unit { text: String::new(), errors: &mut errors, at: format!("volume '{volume}'") };
            unit.text.push_str("[Volume]\n");
            unit.raw("VolumeName", &format!("{}_{volume}", self.name));
            units.push((format!("{}-{volume}.volume", self.name), unit.text));
        }
        if !self.host_network {
            for (file, name) in self.network_units() {
                let mut unit = Unit { text: String::new(), errors: &mut errors, at: format!("network '{name}'") };
                unit.text.push_str("[Network]\n");
                unit.raw("NetworkName", &name);
                units.push((file, unit.text));
            }
        }
        if errors.is_empty() { Ok(units) } else { Err(Errors(errors)) }
    }

    /// `(file, podman network name)` for every network unit: compose's `default` network as
    /// `<project>.network` (first, once: whether services join it by naming no network, name it, or
    /// the project declares it), then the other declared ones.
    fn network_units(&self) -> Vec<(String, String)> {
        let default = self.networks.iter().any(|n| n == DEFAULT_NETWORK)
            || self.services.iter().any(|s| s.networks.is_empty() || s.networks.iter().any(|n| n == DEFAULT_NETWORK));
        let mut units: Vec<(String, String)> = Vec::new();
        if default {
            units.push((self.network_unit(DEFAULT_NETWORK), format!("{}_{DEFAULT_NETWORK}", self.name)));
        }
        for network in self.networks.iter().filter(|n| *n != DEFAULT_NETWORK) {
            units.push((self.network_unit(network), format!("{}_{network}", self.name)));
        }
        units
    }

    /// The unit file of the project network `network`: `<project>.network` for compose's `default`.
    fn network_unit(&self, network: &str) -> String {
        if network == DEFAULT_NETWORK {
            format!("{}.network", self.name)
        } else {
            format!("{}-{network}.network", self.name)
        }
    }

    fn write_container(&self, unit: &mut Unit<'_>, service: &Service, facts: &Resolved, notify_healthy: bool) {
        let header: Vec<String> = self
            .secrets
            .iter()
            .filter(|(name, _)| service.secrets.contains(name))
            .map(|(name, file)| format!("needs the Podman secret '{name}': podman secret create {name} {file}"))
            .collect();
        for line in self.comment.iter().flat_map(|c| c.lines()).map(str::to_string).chain(header) {
            let line = line.replace(['\r', '\n'], " ");
            let _ = writeln!(unit.text, "# {}", line.trim_end());
        }
        unit.text.push_str("[Unit]\n");
        unit.raw("Description", &format!("{}: {}", self.name, service.name));
        for (dependency, _) in &service.depends_on {
            let dependency = format!("{}-{dependency}.service", self.name);
            unit.raw("Requires", &dependency);
            unit.raw("After", &dependency);
        }
        unit.text.push_str("\n[Container]\n");
        let reference = match &service.source {
            Source::Build(_) => self.image_of(&service.name).unwrap_or_default(),
            Source::Image(reference) => reference.clone(),
        };
        unit.raw("Image", &reference);
        unit.raw("ContainerName", &format!("{}-{}", self.name, service.name));
        if let Some(command) = &service.command {
            let words: Vec<String> = command.iter().map(|arg| unit_word(arg)).collect();
            let _ = writeln!(unit.text, "Exec={}", words.join(" "));
        }
        if self.host_network {
            unit.raw("Network", "host");
            for other in &self.services {
                unit.raw("AddHost", &format!("{}:127.0.0.1", other.name));
            }
        } else {
            if service.networks.is_empty() {
                unit.raw("Network", &self.network_unit(DEFAULT_NETWORK));
            } else {
                for network in &service.networks {
                    unit.raw("Network", &self.network_unit(network));
                }
            }
            unit.raw("NetworkAlias", &service.name);
            for port in &service.ports {
                let published = match &port.host_ip {
                    Some(ip) if ip.contains(':') => format!("[{ip}]:{}:{}", port.host, port.container),
                    Some(ip) => format!("{ip}:{}:{}", port.host, port.container),
                    None => format!("{}:{}", port.host, port.container),
                };
                unit.raw("PublishPort", &published);
            }
        }
        for mount in &service.mounts {
            let ro = if mount.read_only { ":ro" } else { "" };
            match mount.kind {
                MountKind::Volume => {
                    unit.raw("Volume", &format!("{}-{}.volume:{}{ro}", self.name, mount.source, mount.target));
                }
                MountKind::Bind => unit.host_path("Volume", &mount.source, &format!(":{}{ro}", mount.target)),
            }
        }
        for file in &service.env_files {
            unit.host_path("EnvironmentFile", file, "");
        }
        for (name, value) in &service.environment {
            match value {
                EnvValue::Literal(text) => {
                    let _ = writeln!(unit.text, "Environment={}", unit_word(&format!("{name}={text}")));
                }
                // Quadlet has no interpolation: the variable is read from the service's env file
                // (Podman's `--env` would override it there), else its default is written.
                EnvValue::Var(variable) if *variable == *name && !service.env_files.is_empty() => {}
                EnvValue::Var(variable) => {
                    let default =
                        self.variables.iter().find(|v| v.name == *variable).and_then(|v| v.default.as_deref());
                    match default {
                        Some(default) if service.env_files.is_empty() => {
                            let _ = writeln!(unit.text, "Environment={}", unit_word(&format!("{name}={default}")));
                        }
                        _ => unit.errors.push(
                            Error::new(
                                ErrorKind::InvalidProject,
                                format!("Quadlet units cannot interpolate variable '{variable}': give the service an env_file that sets {name}"),
                            )
                            .at(format!("{}, environment '{name}'", unit.at)),
                        ),
                    }
                }
            }
        }
        for secret in &service.secrets {
            unit.raw("Secret", secret);
        }
        if let Some(config) = &facts.config {
            if let Some(user) = &config.user {
                unit.raw("User", user.as_str());
            }
        }
        // A built image's HEALTHCHECK too: Podman's OCI images drop it, so the unit carries it.
        // A service's override is merged with the image's as Docker merges them.
        match facts.effective_healthcheck().as_ref() {
            Some(Healthcheck::None) => unit.raw("HealthCmd", "none"),
            Some(Healthcheck::Check { options, command }) => {
                let argv: Vec<String> = match command {
                    Command::Exec(argv) => {
                        std::iter::once("\"CMD\"".to_string()).chain(argv.iter().map(|a| json(a.as_str()))).collect()
                    }
                    Command::Shell(script) => vec!["\"CMD-SHELL\"".to_string(), json(&script.shell_text())],
                };
                unit.raw("HealthCmd", &format!("[{}]", argv.join(", ")));
                for (key, value) in [
                    ("HealthInterval", &options.interval),
                    ("HealthTimeout", &options.timeout),
                    ("HealthStartPeriod", &options.start_period),
                ] {
                    if let Some(value) = value {
                        unit.raw(key, &value.to_string());
                    }
                }
                if let Some(retries) = options.retries {
                    unit.raw("HealthRetries", &retries.to_string());
                }
            }
            None => {}
        }
        if notify_healthy {
            unit.raw("Notify", "healthy");
        }
        let signal = service
            .stop_signal
            .clone()
            .or_else(|| facts.config.as_ref().and_then(|c| c.stop_signal.as_ref()).map(|s| s.as_str().to_string()));
        if let Some(signal) = signal {
            unit.raw("StopSignal", &signal);
        }
        let grace = service.stop_grace_period.as_deref().map(|text| (text, seconds(text)));
        if let Some((text, seconds)) = grace {
            match seconds {
                Some(seconds) => unit.raw("StopTimeout", &seconds.to_string()),
                None => unit.errors.push(
                    Error::new(
                        ErrorKind::InvalidProject,
                        format!("stop grace period '{text}' is not a whole number of seconds for Quadlet: write it like 30s, 2m or 1m30s"),
                    )
                    .at(format!("{}, stop_grace_period", unit.at)),
                ),
            }
        }
        unit.text.push_str("\n[Service]\n");
        if let Some(restart) = service.restart {
            let policy = match restart {
                Restart::No => "no",
                Restart::OnFailure => "on-failure",
                _ => "always",
            };
            unit.raw("Restart", policy);
        }
        if let Some(Some(seconds)) = grace.map(|(_, seconds)| seconds) {
            // systemd must wait at least as long as Podman does before it kills the unit.
            unit.raw("TimeoutStopSec", &(seconds + 30).to_string());
        }
        unit.text.push_str("\n[Install]\nWantedBy=default.target\n");
    }
}

/// One unit being written, collecting the values no unit-file line can carry.
struct Unit<'a> {
    text: String,
    errors: &'a mut Vec<Error>,
    at: String,
}

impl Unit<'_> {
    fn raw(&mut self, key: &'static str, value: &str) {
        match unit_raw(value) {
            Some(value) => {
                let _ = writeln!(self.text, "{key}={value}");
            }
            None => self.errors.push(
                Error::new(
                    ErrorKind::InvalidProject,
                    format!("{key} value {value:?} cannot be written in a Quadlet unit: remove line breaks, control characters, surrounding spaces or quotes, and a trailing backslash"),
                )
                .at(format!("{}, {key}", self.at)),
            ),
        }
    }

    /// `key=` a host path (then `rest`, as `:/target:ro`), as compose means it. Quadlet makes a
    /// relative path absolute against the unit file's directory (a `Volume=` source only when it starts
    /// with `.`), and nothing expands compose's `~` (Podman takes `~/data` for a volume name and
    /// refuses it), so `~` is written as systemd's `%h`, the home of the user whose manager runs the
    /// unit (`/root` for a system unit); `~user` has no such specifier and is refused.
    fn host_path(&mut self, key: &'static str, path: &str, rest: &str) {
        let value = format!("{path}{rest}");
        match path.strip_prefix('~') {
            Some(tail) if !tail.is_empty() && !tail.starts_with('/') => self.errors.push(
                Error::new(
                    ErrorKind::InvalidProject,
                    format!("{key} path {path:?} names another user's home, which a Quadlet unit cannot: write it as an absolute path"),
                )
                .at(format!("{}, {key}", self.at)),
            ),
            Some(_) => match unit_raw(&value[1..]) {
                Some(text) => {
                    let _ = writeln!(self.text, "{key}=%h{text}");
                }
                None => self.raw(key, &value),
            },
            None => self.raw(key, &value),
        }
    }
}

/// `30s`, `2m`, `1m30s`, `1h`, `45` as whole seconds; `None` for anything else (`1.5s`, `100ms`).
fn seconds(text: &str) -> Option<u64> {
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(seconds);
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
        } else {
            let scale = match c {
                'h' => 3600,
                'm' => 60,
                's' => 1,
                _ => return None,
            };
            total = total.checked_add(number.parse::<u64>().ok()?.checked_mul(scale)?)?;
            number.clear();
        }
    }
    if number.is_empty() && !text.is_empty() { Some(total) } else { None }
}

#[cfg(test)]
mod tests {
    use super::seconds;

    #[test]
    fn grace_periods_in_seconds() {
        for (text, expected) in [
            ("30s", Some(30)),
            ("2m", Some(120)),
            ("1m30s", Some(90)),
            ("1h", Some(3600)),
            ("45", Some(45)),
            ("1.5s", None),
            ("100ms", None),
            ("", None),
            ("s", None),
        ] {
            assert_eq!(seconds(text), expected, "{text}");
        }
    }
}
