//! Containers: run one detached, wait for its healthcheck, exec in it, remove it.

use std::time::{Duration, Instant};

use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecResults};
use bollard::models::{ContainerCreateBody, HealthStatusEnum, HostConfig};
use bollard::query_parameters::{CreateContainerOptionsBuilder, LogsOptionsBuilder, RemoveContainerOptionsBuilder};
use futures_util::StreamExt;

use super::{Engine, EngineError, EngineErrorKind, EngineKind, tail};

/// How often [`Engine::wait_healthy`] looks at the container's health.
const POLL: Duration = Duration::from_millis(100);

/// The probe interval an engine uses when a healthcheck names none (`--interval`, Docker's and Podman's
/// default).
const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);

/// How many lines of a container's logs an unhealthy or timed-out wait reports.
const LOG_TAIL_LINES: usize = 30;

/// How to run a container: its network, extra environment, name, user, and command.
///
/// ```
/// use dockwright::engine::{Network, RunOptions};
///
/// let options = RunOptions::new().env("APP_MODE", "test").name("app-under-test");
/// assert_eq!(options.network, Network::None);
/// assert_eq!(options.env, [("APP_MODE".to_string(), "test".to_string())]);
/// assert_eq!(options.name.as_deref(), Some("app-under-test"));
/// assert_eq!((options.cmd, options.user), (None, None));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// The container's network: none by default.
    pub network: Network,
    /// Extra environment variables, in order.
    pub env: Vec<(String, String)>,
    /// The container's name; the engine picks one when `None`.
    pub name: Option<String>,
    /// A command replacing the image's `CMD`; the image's when `None`.
    pub cmd: Option<Vec<String>>,
    /// The user (`name`, `uid` or `uid:gid`) replacing the image's `USER` for the container and for
    /// what [`Engine::exec`] runs in it; the image's when `None`.
    pub user: Option<String>,
}

/// The network a container (or a build's RUN steps) gets. The engine's bridge network is deliberately
/// not offered: nothing dockwright runs is reached through a container bridge address.
///
/// ```
/// use dockwright::engine::Network;
///
/// assert_eq!(Network::default(), Network::None);
/// assert_eq!(Network::Host.as_str(), "host");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Network {
    /// Only a loopback interface.
    #[default]
    None,
    /// The host's network (bind servers to 127.0.0.1).
    Host,
}

/// A running container started by [`Engine::run`]. It is not removed on drop: call [`Engine::remove`].
///
/// ```no_run
/// use dockwright::engine::{Engine, RunOptions};
///
/// let engine = Engine::connect()?;
/// let container = engine.run("dockwright/debian:bookworm-slim", &RunOptions::new().cmd(["sleep", "60"]).name("doc-run"))?;
/// assert_eq!(container.name(), "doc-run");
/// assert_eq!(container.id().len(), 64);
/// engine.remove(container)?;
/// # Ok::<(), dockwright::engine::EngineError>(())
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Container {
    id: String,
    name: String,
}

/// A container's health when [`Engine::wait_healthy`] stopped waiting.
///
/// ```no_run
/// use std::time::Duration;
/// use dockwright::engine::{Engine, RunOptions};
///
/// let engine = Engine::connect()?;
/// let container = engine.run("example/app:dev", &RunOptions::new())?;
/// let health = engine.wait_healthy(&container, Duration::from_secs(30))?;
/// assert_eq!(health.status, "healthy");
/// assert_eq!(health.failing_streak, 0);
/// assert!(health.elapsed < Duration::from_secs(30));
/// engine.remove(container)?;
/// # Ok::<(), dockwright::engine::EngineError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthReport {
    /// `healthy`, `unhealthy`, `starting`, or `none` (no healthcheck).
    pub status: String,
    /// Consecutive failed probes.
    pub failing_streak: i64,
    /// The last probe's output, once a probe has run.
    pub last_output: Option<String>,
    /// How long the wait took.
    pub elapsed: Duration,
}

/// What a command run by [`Engine::exec`] did.
///
/// ```no_run
/// use dockwright::engine::{Engine, RunOptions};
///
/// let engine = Engine::connect()?;
/// let container = engine.run("dockwright/debian:bookworm-slim", &RunOptions::new().cmd(["sleep", "60"]))?;
/// let output = engine.exec(&container, &["sh", "-c", "echo out; echo err >&2; exit 3"])?;
/// assert_eq!((output.exit_code, output.stdout.as_str(), output.stderr.as_str()), (3, "out\n", "err\n"));
/// assert!(!output.success());
/// engine.remove(container)?;
/// # Ok::<(), dockwright::engine::EngineError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutput {
    /// The exit code.
    pub exit_code: i64,
    /// What it wrote to stdout (lossily decoded as UTF-8).
    pub stdout: String,
    /// What it wrote to stderr (lossily decoded as UTF-8).
    pub stderr: String,
}

impl RunOptions {
    /// No network, no extra environment, an engine-chosen name, the image's command.
    ///
    /// ```
    /// use dockwright::engine::RunOptions;
    ///
    /// assert_eq!(RunOptions::new(), RunOptions::default());
    /// ```
    pub fn new() -> Self {
        RunOptions::default()
    }

    /// Runs on `network`.
    ///
    /// ```
    /// use dockwright::engine::{Network, RunOptions};
    ///
    /// assert_eq!(RunOptions::new().network(Network::Host).network, Network::Host);
    /// ```
    #[must_use]
    pub fn network(mut self, network: Network) -> Self {
        self.network = network;
        self
    }

    /// Adds an environment variable.
    ///
    /// ```
    /// use dockwright::engine::RunOptions;
    ///
    /// let options = RunOptions::new().env("A", "1").env("B", "2");
    /// assert_eq!(options.env[1], ("B".to_string(), "2".to_string()));
    /// ```
    #[must_use]
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Names the container.
    ///
    /// ```
    /// use dockwright::engine::RunOptions;
    ///
    /// assert_eq!(RunOptions::new().name("web").name.as_deref(), Some("web"));
    /// ```
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Runs `argv` instead of the image's `CMD` (the image's `ENTRYPOINT` still applies).
    ///
    /// ```
    /// use dockwright::engine::RunOptions;
    ///
    /// assert_eq!(RunOptions::new().cmd(["sleep", "60"]).cmd, Some(vec!["sleep".to_string(), "60".to_string()]));
    /// ```
    #[must_use]
    pub fn cmd<I, S>(mut self, argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.cmd = Some(argv.into_iter().map(Into::into).collect());
        self
    }

    /// Runs the container as `user` instead of the image's `USER`, e.g. `"0"` to inspect every file.
    ///
    /// ```
    /// use dockwright::engine::RunOptions;
    ///
    /// assert_eq!(RunOptions::new().user("0").user.as_deref(), Some("0"));
    /// ```
    #[must_use]
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }
}

impl Network {
    /// The name the engine knows this network by.
    ///
    /// ```
    /// use dockwright::engine::Network;
    ///
    /// assert_eq!(Network::None.as_str(), "none");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Network::None => "none",
            Network::Host => "host",
        }
    }
}

impl Container {
    /// The container's full id.
    ///
    /// ```no_run
    /// use dockwright::engine::{Engine, RunOptions};
    ///
    /// let engine = Engine::connect()?;
    /// let container = engine.run("dockwright/debian:bookworm-slim", &RunOptions::new().cmd(["sleep", "60"]))?;
    /// assert!(container.id().chars().all(|c| c.is_ascii_hexdigit()));
    /// engine.remove(container)?;
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The container's name (without the engine's leading `/`).
    ///
    /// ```no_run
    /// use dockwright::engine::{Engine, RunOptions};
    ///
    /// let engine = Engine::connect()?;
    /// let container = engine.run("dockwright/debian:bookworm-slim", &RunOptions::new().cmd(["sleep", "60"]))?;
    /// assert!(!container.name().starts_with('/'));
    /// engine.remove(container)?;
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl ExecOutput {
    /// Whether the command exited 0.
    ///
    /// ```
    /// use dockwright::engine::ExecOutput;
    ///
    /// let output = ExecOutput { exit_code: 0, stdout: "ok\n".into(), stderr: String::new() };
    /// assert!(output.success());
    /// ```
    pub fn success(&self) -> bool {
        self.exit_code == 0
    }
}

impl Engine {
    /// Starts a detached container from `image` (no network unless `options` say so).
    ///
    /// ```no_run
    /// use dockwright::engine::{Engine, RunOptions};
    ///
    /// let engine = Engine::connect()?;
    /// let options = RunOptions::new().env("GREETING", "hi").cmd(["sleep", "60"]);
    /// let container = engine.run("dockwright/debian:bookworm-slim", &options)?;
    /// assert_eq!(engine.exec(&container, &["printenv", "GREETING"])?.stdout, "hi\n");
    /// engine.remove(container)?;
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn run(&self, image: &str, options: &RunOptions) -> Result<Container, EngineError> {
        let create = options.name.as_deref().map(|name| CreateContainerOptionsBuilder::new().name(name).build());
        let body = ContainerCreateBody {
            image: Some(image.to_string()),
            env: Some(options.env.iter().map(|(key, value)| format!("{key}={value}")).collect()),
            cmd: options.cmd.clone(),
            user: options.user.clone(),
            host_config: Some(HostConfig {
                network_mode: Some(options.network.as_str().to_string()),
                ..Default::default()
            }),
            ..Default::default()
        };
        self.block_on(async {
            let created = self
                .docker
                .create_container(create, body)
                .await
                .map_err(|err| EngineError::api(&format!("cannot create a container from image '{image}'"), err))?;
            if let Err(err) = self.docker.start_container(&created.id, None).await {
                let _ = self.docker.remove_container(&created.id, Some(force_remove())).await;
                return Err(EngineError::api(&format!("cannot start a container from image '{image}'"), err));
            }
            let inspected = self
                .docker
                .inspect_container(&created.id, None)
                .await
                .map_err(|err| EngineError::api(&format!("cannot inspect container {}", created.id), err))?;
            let name = inspected.name.unwrap_or_default().trim_start_matches('/').to_string();
            Ok(Container { id: created.id, name })
        })
    }

    /// A container the engine already runs, by name or id: one started by Compose, `podman-compose` or
    /// a unit, to wait for, exec in or remove like one [`Engine::run`] started.
    ///
    /// ```no_run
    /// use dockwright::engine::{Engine, EngineErrorKind, RunOptions};
    ///
    /// let engine = Engine::connect()?;
    /// let started = engine.run("dockwright/debian:bookworm-slim", &RunOptions::new().cmd(["sleep", "60"]).name("doc-find"))?;
    /// let found = engine.container("doc-find")?;
    /// assert_eq!(found, started);
    /// assert_eq!(engine.container("doc-nonexistent").unwrap_err().kind(), EngineErrorKind::NotFound);
    /// engine.remove(found)?;
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn container(&self, name_or_id: &str) -> Result<Container, EngineError> {
        let inspected = self
            .block_on(self.docker.inspect_container(name_or_id, None))
            .map_err(|err| EngineError::api(&format!("cannot inspect container {name_or_id}"), err))?;
        let name = inspected.name.unwrap_or_default().trim_start_matches('/').to_string();
        Ok(Container { id: inspected.id.unwrap_or_default(), name })
    }

    /// Waits until `container`'s healthcheck passes. Fails with [`EngineErrorKind::Unhealthy`] as soon as
    /// it is unhealthy, stops, or turns out to have no healthcheck, and with [`EngineErrorKind::Timeout`]
    /// after `timeout`; either error's message has the status, the last probe output and the tail of the
    /// container's logs, and [`EngineError::health`] has the [`HealthReport`].
    ///
    /// On Podman, probes are run by systemd timers; where there is no systemd (a container, a CI machine)
    /// none ever runs and the container stays `starting`. So on Podman this runs the probe itself (as
    /// `podman healthcheck run` does, through Podman's API) whenever none has run for one probe interval:
    /// the healthcheck's `--start-interval` during its start period when it has one, else its
    /// `--interval` (30 s when unset), counted from when the wait began, so a container turns healthy
    /// when it would on Docker. Where Podman's timers do run, their probes are on time and none is added.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use dockwright::engine::{Engine, EngineErrorKind, RunOptions};
    ///
    /// let engine = Engine::connect()?;
    /// let container = engine.run("example/always-failing-probe:dev", &RunOptions::new())?;
    /// let err = engine.wait_healthy(&container, Duration::from_secs(10)).unwrap_err();
    /// assert_eq!(err.kind(), EngineErrorKind::Unhealthy);
    /// assert_eq!(err.health().unwrap().status, "unhealthy");
    /// engine.remove(container)?;
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn wait_healthy(&self, container: &Container, timeout: Duration) -> Result<HealthReport, EngineError> {
        let started = Instant::now();
        // The last probe seen (its start time, as the engine reports it) and when it was first seen.
        let mut last_probe: (Option<String>, Instant) = (None, started);
        loop {
            let inspected = self
                .block_on(self.docker.inspect_container(&container.id, None))
                .map_err(|err| EngineError::api(&format!("cannot inspect container {}", container.name), err))?;
            let schedule = inspected.config.and_then(|config| config.healthcheck).unwrap_or_default();
            let state = inspected.state.unwrap_or_default();
            let health = state.health.unwrap_or_default();
            let probe_start = health.log.as_ref().and_then(|log| log.last()).and_then(|probe| probe.start.as_ref());
            let probe_start = probe_start.map(|start| start.to_string());
            if probe_start != last_probe.0 {
                last_probe = (probe_start, Instant::now());
            }
            let status = health.status.filter(|status| *status != HealthStatusEnum::EMPTY);
            let report = HealthReport {
                status: status.unwrap_or(HealthStatusEnum::NONE).to_string(),
                failing_streak: health.failing_streak.unwrap_or(0),
                last_output: health.log.unwrap_or_default().pop().and_then(|probe| probe.output),
                elapsed: started.elapsed(),
            };
            let problem = match status {
                Some(HealthStatusEnum::HEALTHY) => return Ok(report),
                Some(HealthStatusEnum::UNHEALTHY) => Some((EngineErrorKind::Unhealthy, "is unhealthy".to_string())),
                None | Some(HealthStatusEnum::NONE) => Some((
                    EngineErrorKind::Unhealthy,
                    "has no healthcheck, so it never becomes healthy: give its image a HEALTHCHECK".to_string(),
                )),
                _ if state.running == Some(false) => Some((
                    EngineErrorKind::Unhealthy,
                    format!("stopped (exit code {}) before it was healthy", state.exit_code.unwrap_or_default()),
                )),
                _ if report.elapsed >= timeout => {
                    Some((EngineErrorKind::Timeout, format!("is not healthy after {timeout:?}")))
                }
                _ => {
                    if self.kind == EngineKind::Podman
                        && last_probe.1.elapsed() >= probe_interval(&schedule, started.elapsed())
                    {
                        // Nobody ran a probe on time (no systemd): run one. Its result shows in the next
                        // inspect; an error (the container just stopped) shows there too.
                        let _ = self.libpod_get(&format!("containers/{}/healthcheck", container.id));
                        last_probe.1 = Instant::now();
                        continue;
                    }
                    None
                }
            };
            if let Some((kind, what)) = problem {
                let logs = self.logs_tail(container);
                let message = format!(
                    "container {} {what} (status {}, failing streak {}); last probe output: {}; \
                     last {LOG_TAIL_LINES} lines of its logs:\n{logs}",
                    container.name,
                    report.status,
                    report.failing_streak,
                    report
                        .last_output
                        .as_deref()
                        .map_or("none".to_string(), |output| format!("{:?}", output.trim_end())),
                );
                return Err(EngineError::new(kind, message).with_health(report));
            }
            std::thread::sleep(POLL.min(timeout.saturating_sub(report.elapsed)).max(Duration::from_millis(1)));
        }
    }

    /// Runs `argv` in `container` and waits for it: exit code, stdout and stderr.
    ///
    /// ```no_run
    /// use dockwright::engine::{Engine, RunOptions};
    ///
    /// let engine = Engine::connect()?;
    /// let container = engine.run("dockwright/debian:bookworm-slim", &RunOptions::new().cmd(["sleep", "60"]))?;
    /// assert_eq!(engine.exec(&container, &["test", "-e", "/etc/passwd"])?.exit_code, 0);
    /// assert_eq!(engine.exec(&container, &["test", "-e", "/nonexistent"])?.exit_code, 1);
    /// engine.remove(container)?;
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn exec(&self, container: &Container, argv: &[&str]) -> Result<ExecOutput, EngineError> {
        let what = format!("cannot exec {argv:?} in container {}", container.name);
        self.block_on(async {
            let config = CreateExecOptions {
                cmd: Some(argv.iter().map(|arg| arg.to_string()).collect()),
                attach_stdout: Some(true),
                attach_stderr: Some(true),
                ..Default::default()
            };
            let exec =
                self.docker.create_exec(&container.id, config).await.map_err(|err| EngineError::api(&what, err))?;
            let mut stdout = Vec::new();
            let mut stderr = Vec::new();
            match self.docker.start_exec(&exec.id, None).await.map_err(|err| EngineError::api(&what, err))? {
                StartExecResults::Attached { mut output, .. } => {
                    while let Some(chunk) = output.next().await {
                        match chunk.map_err(|err| EngineError::api(&what, err))? {
                            LogOutput::StdErr { message } => stderr.extend_from_slice(&message),
                            LogOutput::StdOut { message } | LogOutput::Console { message } => {
                                stdout.extend_from_slice(&message)
                            }
                            LogOutput::StdIn { .. } => {}
                        }
                    }
                }
                StartExecResults::Detached => {}
            }
            // The output ends when the process does; its exit code can take a moment to be recorded.
            for _ in 0..100 {
                let inspected = self.docker.inspect_exec(&exec.id).await.map_err(|err| EngineError::api(&what, err))?;
                if inspected.running != Some(true) {
                    if let Some(exit_code) = inspected.exit_code {
                        return Ok(ExecOutput {
                            exit_code,
                            stdout: String::from_utf8_lossy(&stdout).into_owned(),
                            stderr: String::from_utf8_lossy(&stderr).into_owned(),
                        });
                    }
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(EngineError::new(EngineErrorKind::Api, format!("{what}: the engine never reported its exit code")))
        })
    }

    /// Removes `container`, stopping it first if it runs (and its anonymous volumes).
    ///
    /// ```no_run
    /// use dockwright::engine::{Engine, EngineErrorKind, RunOptions};
    ///
    /// let engine = Engine::connect()?;
    /// let container = engine.run("dockwright/debian:bookworm-slim", &RunOptions::new().cmd(["sleep", "60"]).name("doc-rm"))?;
    /// engine.remove(container)?;
    /// let again = engine.run("dockwright/debian:bookworm-slim", &RunOptions::new().cmd(["sleep", "60"]).name("doc-rm"))?;
    /// engine.remove(again)?;
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn remove(&self, container: Container) -> Result<(), EngineError> {
        if self.kind == EngineKind::Podman {
            // Podman's forced remove stops with SIGTERM and waits the stop timeout (10 s for a process
            // that ignores it) before it kills; Docker's kills at once. Kill first, as Docker does.
            let kill = bollard::query_parameters::KillContainerOptionsBuilder::new().signal("KILL").build();
            let _ = self.block_on(self.docker.kill_container(&container.id, Some(kill)));
        }
        self.block_on(self.docker.remove_container(&container.id, Some(force_remove())))
            .map_err(|err| EngineError::api(&format!("cannot remove container {}", container.name), err))
    }

    /// The last lines of a container's stdout and stderr, or why they could not be read.
    fn logs_tail(&self, container: &Container) -> String {
        let options = LogsOptionsBuilder::new().stdout(true).stderr(true).tail(&LOG_TAIL_LINES.to_string()).build();
        let logs = self.block_on(async {
            let mut stream = self.docker.logs(&container.id, Some(options));
            let mut text = String::new();
            while let Some(chunk) = stream.next().await {
                text.push_str(&chunk?.to_string());
            }
            Ok::<_, bollard::errors::Error>(text)
        });
        match logs {
            Ok(text) if text.trim().is_empty() => "(no output)".to_string(),
            Ok(text) => tail(&text, LOG_TAIL_LINES),
            Err(err) => format!("(cannot read its logs: {err})"),
        }
    }
}

/// How long after the last probe the next is due, `since_start` into a container's life: the start
/// interval during the start period when one is set, else the interval (30 s when unset or 0), as
/// Docker 26 schedules them.
fn probe_interval(schedule: &bollard::models::HealthConfig, since_start: Duration) -> Duration {
    let nanos =
        |value: Option<i64>| value.and_then(|n| u64::try_from(n).ok()).filter(|&n| n > 0).map(Duration::from_nanos);
    let interval = nanos(schedule.interval).unwrap_or(DEFAULT_INTERVAL);
    match (nanos(schedule.start_period), nanos(schedule.start_interval)) {
        (Some(start_period), Some(start_interval)) if since_start < start_period => start_interval,
        _ => interval,
    }
}

fn force_remove() -> bollard::query_parameters::RemoveContainerOptions {
    RemoveContainerOptionsBuilder::new().force(true).v(true).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_are_due_at_the_start_interval_then_at_the_interval() {
        let secs = |s: u64| i64::try_from(Duration::from_secs(s).as_nanos()).unwrap();
        let schedule = bollard::models::HealthConfig {
            interval: Some(secs(30)),
            start_period: Some(secs(10)),
            start_interval: Some(secs(1)),
            ..Default::default()
        };
        assert_eq!(probe_interval(&schedule, Duration::from_secs(2)), Duration::from_secs(1));
        assert_eq!(probe_interval(&schedule, Duration::from_secs(10)), Duration::from_secs(30));
        // No start interval: the interval, from the start (Docker 26 runs the first probe after it).
        let unset = bollard::models::HealthConfig { start_period: Some(secs(10)), ..Default::default() };
        assert_eq!(probe_interval(&unset, Duration::ZERO), DEFAULT_INTERVAL);
        assert_eq!(probe_interval(&bollard::models::HealthConfig::default(), Duration::ZERO), DEFAULT_INTERVAL);
    }
}
