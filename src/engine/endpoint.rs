//! Which engine to talk to: the address `DOCKER_HOST` or a Docker context names, the way the `docker` CLI
//! chooses it ([`Endpoint`]).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{DEFAULT_ADDRESS, EngineError, EngineErrorKind};

/// An engine's address and what named it.
///
/// The order is the `docker` CLI's: `DOCKER_HOST`; else the context `DOCKER_CONTEXT` names; else the
/// `currentContext` of `config.json` in the Docker configuration directory (`DOCKER_CONFIG`, else
/// `~/.docker`); else the platform's default socket. A context is read from
/// `<config dir>/contexts/meta/<sha256 of its name>/meta.json`, where `docker context create` writes it;
/// the context `default` is the default socket. Podman's API socket is named like any other address
/// (`DOCKER_HOST=unix:///run/podman/podman.sock`, or a context whose host it is).
///
/// A buildx builder is read the way `docker buildx build` picks one: `BUILDX_BUILDER`, else the current
/// builder buildx keeps in `<buildx dir>/current` (`docker buildx use NAME`; it applies to the engine
/// it was chosen for, or everywhere with `--global`), else the one `docker buildx use --default` left in
/// `defaults/`; the buildx directory is `BUILDX_CONFIG`, else `buildx` in the Docker configuration
/// directory. A builder with the `docker` driver builds on its node's engine, which dockwright drives:
/// buildx's docker-driver builders are the Docker contexts (`docker buildx ls` lists one per context;
/// `docker buildx create --driver docker` refuses to make more), so a builder named like a context is
/// that context's engine, and `default` (or the current context's name) changes nothing. A builder
/// with another driver (`docker-container`, `remote`, `kubernetes`, ...) runs BuildKit outside the
/// engine, where nothing dockwright sends through the Engine API reaches it: it is refused, naming
/// the builder, its driver and what to do. Builds themselves run with `--builder default` on the
/// endpoint chosen here, so buildx's own choice cannot send them elsewhere.
///
/// ```
/// use dockwright::engine::{Endpoint, EndpointSource};
///
/// let env = |name: &str| (name == "DOCKER_HOST").then(|| "unix:///run/dockwright/podman.sock".to_string());
/// let endpoint = Endpoint::resolve(env)?;
/// assert_eq!(endpoint.address, "unix:///run/dockwright/podman.sock");
/// assert_eq!(endpoint.source, EndpointSource::DockerHost);
///
/// let nothing = Endpoint::resolve(|name: &str| (name == "DOCKER_CONFIG").then(|| "/nonexistent".to_string()))?;
/// assert_eq!(nothing.address, "unix:///var/run/docker.sock");
/// assert_eq!(nothing.source, EndpointSource::Default);
/// # Ok::<(), dockwright::engine::EngineError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The address (`unix:///path`, `tcp://host:port`, `http://host:port`).
    pub address: String,
    /// What named it.
    pub source: EndpointSource,
}

/// What named an [`Endpoint`].
///
/// ```
/// use dockwright::engine::EndpointSource;
///
/// assert_eq!(EndpointSource::Context("podman".into()).to_string(), "the Docker context 'podman'");
/// assert_eq!(EndpointSource::DockerHost.to_string(), "DOCKER_HOST");
/// assert_eq!(EndpointSource::Builder("podman".into()).to_string(), "the buildx builder 'podman'");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointSource {
    /// The `DOCKER_HOST` variable.
    DockerHost,
    /// A Docker context, by name (from `DOCKER_CONTEXT` or `config.json`'s `currentContext`).
    Context(String),
    /// A buildx builder with the `docker` driver, by name (from `BUILDX_BUILDER` or buildx's current
    /// builder): the engine of its node.
    Builder(String),
    /// Nothing: the platform's default socket.
    Default,
}

impl std::fmt::Display for EndpointSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EndpointSource::DockerHost => f.write_str("DOCKER_HOST"),
            EndpointSource::Context(name) => write!(f, "the Docker context '{name}'"),
            EndpointSource::Builder(name) => write!(f, "the buildx builder '{name}'"),
            EndpointSource::Default => f.write_str("the default socket"),
        }
    }
}

impl Endpoint {
    /// The endpoint this process's environment names (see [`Endpoint`] for the order).
    ///
    /// ```no_run
    /// use dockwright::engine::Endpoint;
    ///
    /// let endpoint = Endpoint::from_env()?;
    /// assert!(!endpoint.address.is_empty());
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn from_env() -> Result<Endpoint, EngineError> {
        Endpoint::resolve(|name| std::env::var(name).ok())
    }

    /// The endpoint the variables `var` gives name (`DOCKER_HOST`, `DOCKER_CONTEXT`, `DOCKER_CONFIG`,
    /// `HOME`, `BUILDX_BUILDER`, `BUILDX_CONFIG`), reading the Docker configuration directory and the
    /// buildx directory they point to. A context that is named but not there, a `meta.json` without a
    /// Docker host, a context that needs TLS, and a buildx builder that does not exist or has a driver
    /// other than `docker` are errors of kind [`EngineErrorKind::Endpoint`] that say what to do.
    ///
    /// ```
    /// use dockwright::engine::{Endpoint, EndpointSource, EngineErrorKind};
    ///
    /// let config = std::env::temp_dir().join(format!("dockwright-doc-endpoint-{}", std::process::id()));
    /// // What `docker context create podman --docker host=unix:///run/dockwright/podman.sock` writes.
    /// let meta = config.join("contexts/meta").join(Endpoint::context_dir_name("podman"));
    /// std::fs::create_dir_all(&meta).unwrap();
    /// std::fs::write(
    ///     meta.join("meta.json"),
    ///     r#"{"Name":"podman","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///run/dockwright/podman.sock","SkipTLSVerify":false}}}"#,
    /// )
    /// .unwrap();
    /// std::fs::write(config.join("config.json"), r#"{"currentContext":"podman"}"#).unwrap();
    /// let config_dir = config.to_string_lossy().into_owned();
    ///
    /// let env = |name: &str| (name == "DOCKER_CONFIG").then(|| config_dir.clone());
    /// let endpoint = Endpoint::resolve(env)?;
    /// assert_eq!(endpoint.address, "unix:///run/dockwright/podman.sock");
    /// assert_eq!(endpoint.source, EndpointSource::Context("podman".into()));
    ///
    /// let env = |name: &str| match name {
    ///     "DOCKER_CONFIG" => Some(config_dir.clone()),
    ///     "DOCKER_CONTEXT" => Some("nope".to_string()),
    ///     _ => None,
    /// };
    /// let err = Endpoint::resolve(env).unwrap_err();
    /// assert_eq!(err.kind(), EngineErrorKind::Endpoint);
    /// assert!(err.to_string().starts_with("the Docker context 'nope' (named by DOCKER_CONTEXT) does not exist"));
    /// std::fs::remove_dir_all(&config).unwrap();
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn resolve(var: impl Fn(&str) -> Option<String>) -> Result<Endpoint, EngineError> {
        let set = |name: &str| var(name).filter(|value| !value.is_empty());
        let config_dir = match (set("DOCKER_CONFIG"), set("HOME")) {
            (Some(dir), _) => Some(PathBuf::from(dir)),
            (None, Some(home)) => Some(Path::new(&home).join(".docker")),
            (None, None) => None,
        };
        let host = set("DOCKER_HOST");
        let named = match (&host, set("DOCKER_CONTEXT"), &config_dir) {
            (Some(_), _, _) => None,
            (None, Some(name), _) => Some((name, "DOCKER_CONTEXT".to_string())),
            (None, None, Some(dir)) => current_context(&dir.join("config.json"))?,
            (None, None, None) => None,
        };
        let default = Endpoint { address: DEFAULT_ADDRESS.to_string(), source: EndpointSource::Default };
        let engine = match (&host, &named, &config_dir) {
            (Some(host), _, _) => Endpoint { address: host.clone(), source: EndpointSource::DockerHost },
            (None, Some((name, _)), _) if name == "default" => default.clone(),
            (None, Some((name, by)), Some(dir)) => context_endpoint(dir, name, by)?,
            (None, Some((name, by)), None) => {
                return Err(EngineError::new(
                    EngineErrorKind::Endpoint,
                    format!(
                        "the Docker context '{name}' (named by {by}) cannot be read: neither DOCKER_CONFIG nor HOME is set"
                    ),
                ));
            }
            (None, None, _) => default.clone(),
        };
        // The current context, and the key buildx files its current builder under: the context's
        // name, or for `default` its engine's address.
        let context = named.as_ref().map_or("default", |(name, _)| name.as_str());
        let key = if context == "default" { engine.address.as_str() } else { context };
        let buildx_dir =
            set("BUILDX_CONFIG").map(PathBuf::from).or_else(|| config_dir.as_ref().map(|d| d.join("buildx")));
        let builder = match (set("BUILDX_BUILDER"), &buildx_dir) {
            (Some(name), _) => Some((name, "BUILDX_BUILDER".to_string())),
            (None, Some(dir)) => current_builder(dir, key)?,
            (None, None) => None,
        };
        match builder {
            None => Ok(engine),
            Some((name, _)) if name == "default" || name == context => Ok(engine),
            Some((name, by)) => builder_endpoint(buildx_dir.as_deref(), config_dir.as_deref(), &name, &by, &engine),
        }
    }

    /// The directory name `docker context` gives a context's metadata: the SHA-256 of its name, in hex.
    ///
    /// ```
    /// use dockwright::engine::Endpoint;
    ///
    /// assert_eq!(
    ///     Endpoint::context_dir_name("default"),
    ///     "37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f"
    /// );
    /// ```
    pub fn context_dir_name(name: &str) -> String {
        Sha256::digest(name.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

/// `currentContext` of a `config.json`, when the file exists and names one.
fn current_context(path: &Path) -> Result<Option<(String, String)>, EngineError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(EngineError::io("read the Docker configuration", path, err)),
    };
    let config: serde_json::Value = serde_json::from_str(&text).map_err(|err| {
        EngineError::new(
            EngineErrorKind::Endpoint,
            format!("{} is not JSON ({err}): fix it or set DOCKER_HOST", path.display()),
        )
    })?;
    Ok(config
        .get("currentContext")
        .and_then(serde_json::Value::as_str)
        .filter(|name| !name.is_empty())
        .map(|name| (name.to_string(), format!("currentContext in {}", path.display()))))
}

/// The builder buildx would use for the engine filed under `key` (see [`Endpoint`]): `current`'s
/// when it was chosen globally or for `key`, else the default `docker buildx use --default` left for
/// `key` (`defaults/<the first 20 hex digits of the key's SHA-256>`). `(name, what named it)`.
fn current_builder(dir: &Path, key: &str) -> Result<Option<(String, String)>, EngineError> {
    let path = dir.join("current");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let current: serde_json::Value = serde_json::from_str(&text).map_err(|err| {
                EngineError::new(
                    EngineErrorKind::Endpoint,
                    format!(
                        "{} is not JSON ({err}): run `docker buildx use default` or set DOCKER_HOST",
                        path.display()
                    ),
                )
            })?;
            let field = |name: &str| current.get(name).and_then(serde_json::Value::as_str).unwrap_or_default();
            let global = current.get("Global").and_then(serde_json::Value::as_bool).unwrap_or(false);
            if !field("Name").is_empty() && (global || field("Key") == key) {
                let by = format!("buildx's current builder in {}", path.display());
                return Ok(Some((field("Name").to_string(), by)));
            }
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(EngineError::io("read buildx's current builder", &path, err)),
    }
    let hash: String = Endpoint::context_dir_name(key).chars().take(20).collect();
    let path = dir.join("defaults").join(hash);
    match std::fs::read_to_string(&path) {
        Ok(name) if !name.trim().is_empty() => {
            Ok(Some((name.trim().to_string(), format!("buildx's default builder in {}", path.display()))))
        }
        Ok(_) => Ok(None),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(EngineError::io("read buildx's default builder", &path, err)),
    }
}

/// The engine of the buildx builder `name` (named by `by`; the engine was otherwise `engine`): an
/// instance of `<buildx dir>/instances/` with the `docker` driver, or a Docker context; any other
/// driver is refused.
fn builder_endpoint(
    buildx_dir: Option<&Path>,
    config_dir: Option<&Path>,
    name: &str,
    by: &str,
    engine: &Endpoint,
) -> Result<Endpoint, EngineError> {
    let fail = |what: String| {
        EngineError::new(EngineErrorKind::Endpoint, format!("the buildx builder '{name}' (named by {by}) {what}"))
    };
    let undo = if by == "BUILDX_BUILDER" {
        "unset BUILDX_BUILDER or set it to a Docker context's name (`docker context ls`)"
    } else {
        "run `docker buildx use default`, or set BUILDX_BUILDER to a Docker context's name (`docker context ls`)"
    };
    // buildx files an instance under its name in lowercase, and only a name it accepts.
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    let instance = buildx_dir.filter(|_| valid).map(|dir| dir.join("instances").join(name.to_ascii_lowercase()));
    if let Some(path) = instance.filter(|path| path.is_file()) {
        let text =
            std::fs::read_to_string(&path).map_err(|err| EngineError::io("read the buildx builder", &path, err))?;
        let group: serde_json::Value = serde_json::from_str(&text)
            .map_err(|err| fail(format!("has a description that is not JSON: {} ({err})", path.display())))?;
        let driver = group.get("Driver").and_then(serde_json::Value::as_str).unwrap_or_default();
        if driver != "docker" {
            let driver = if driver.is_empty() { "an unknown" } else { driver };
            return Err(fail(format!(
                "uses the {driver} driver, which runs BuildKit outside the engine: dockwright builds and runs \
                 through the engine's API and cannot drive it; {undo}, or name the engine with DOCKER_HOST"
            )));
        }
        let node = group
            .pointer("/Nodes/0/Endpoint")
            .and_then(serde_json::Value::as_str)
            .filter(|endpoint| !endpoint.is_empty())
            .ok_or_else(|| fail(format!("has no node endpoint (Nodes[0].Endpoint) in {}", path.display())))?;
        if node.contains("://") {
            return Ok(Endpoint { address: node.to_string(), source: EndpointSource::Builder(name.to_string()) });
        }
        return context_builder(config_dir, node, name, by, engine);
    }
    context_builder(config_dir, name, name, by, engine).map_err(|err| {
        if err.message().contains("does not exist") {
            fail(format!(
                "does not exist: it is neither a builder in {} nor a Docker context; `docker buildx ls` lists them, or {undo}",
                buildx_dir.map_or_else(|| "the buildx directory".to_string(), |dir| dir.join("instances").display().to_string())
            ))
        } else {
            err
        }
    })
}

/// The engine of the Docker context `context`, the node of the docker-driver builder `name`.
fn context_builder(
    config_dir: Option<&Path>,
    context: &str,
    name: &str,
    by: &str,
    engine: &Endpoint,
) -> Result<Endpoint, EngineError> {
    let found = match (context, config_dir) {
        ("default", _) => Endpoint { address: DEFAULT_ADDRESS.to_string(), source: EndpointSource::Default },
        (_, Some(dir)) => context_endpoint(dir, context, by)?,
        (_, None) => {
            return Err(EngineError::new(
                EngineErrorKind::Endpoint,
                format!(
                    "the buildx builder '{name}' (named by {by}) cannot be read: neither DOCKER_CONFIG nor HOME is set"
                ),
            ));
        }
    };
    if engine.source == EndpointSource::DockerHost && found.address != engine.address {
        return Err(EngineError::new(
            EngineErrorKind::Endpoint,
            format!(
                "the buildx builder '{name}' (named by {by}) builds on {}, and DOCKER_HOST names {}: \
                 unset one of them",
                found.address, engine.address
            ),
        ));
    }
    Ok(Endpoint { address: found.address, source: EndpointSource::Builder(name.to_string()) })
}

/// The Docker host of the context `name` in the configuration directory `dir`.
fn context_endpoint(dir: &Path, name: &str, by: &str) -> Result<Endpoint, EngineError> {
    let hash = Endpoint::context_dir_name(name);
    let meta = dir.join("contexts/meta").join(&hash).join("meta.json");
    let fail = |what: String| {
        EngineError::new(EngineErrorKind::Endpoint, format!("the Docker context '{name}' (named by {by}) {what}"))
    };
    let text = match std::fs::read_to_string(&meta) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(fail(format!(
                "does not exist: {} is missing; create it with `docker context create {name} --docker host=...` or name another",
                meta.display()
            )));
        }
        Err(err) => return Err(EngineError::io("read the Docker context metadata", &meta, err)),
    };
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|err| fail(format!("has metadata that is not JSON: {} ({err})", meta.display())))?;
    let host = value
        .pointer("/Endpoints/docker/Host")
        .and_then(serde_json::Value::as_str)
        .filter(|host| !host.is_empty())
        .ok_or_else(|| fail(format!("has no Docker host (Endpoints.docker.Host) in {}", meta.display())))?;
    let tls = dir.join("contexts/tls").join(&hash).join("docker");
    if tls.exists() {
        return Err(fail(format!(
            "connects with TLS ({}), which dockwright cannot do yet: reach the engine over a unix socket or plain tcp",
            tls.display()
        )));
    }
    Ok(Endpoint { address: host.to_string(), source: EndpointSource::Context(name.to_string()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_host_wins_over_a_context_and_default_is_the_socket() {
        let env = |name: &str| match name {
            "DOCKER_HOST" => Some("tcp://127.0.0.1:2375".to_string()),
            "DOCKER_CONTEXT" => Some("other".to_string()),
            _ => None,
        };
        assert_eq!(
            Endpoint::resolve(env).unwrap(),
            Endpoint { address: "tcp://127.0.0.1:2375".into(), source: EndpointSource::DockerHost }
        );
        let env = |name: &str| (name == "DOCKER_CONTEXT").then(|| "default".to_string());
        assert_eq!(Endpoint::resolve(env).unwrap().source, EndpointSource::Default);
        // An empty DOCKER_HOST is unset, as for the docker CLI.
        let env = |name: &str| (name == "DOCKER_HOST").then(String::new);
        assert_eq!(Endpoint::resolve(env).unwrap().source, EndpointSource::Default);
    }

    #[test]
    fn a_context_without_a_host_or_with_tls_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let meta = dir.path().join("contexts/meta").join(Endpoint::context_dir_name("remote"));
        std::fs::create_dir_all(&meta).unwrap();
        std::fs::write(meta.join("meta.json"), r#"{"Name":"remote","Endpoints":{}}"#).unwrap();
        let config = dir.path().to_string_lossy().into_owned();
        let env = |name: &str| match name {
            "DOCKER_CONFIG" => Some(config.clone()),
            "DOCKER_CONTEXT" => Some("remote".to_string()),
            _ => None,
        };
        let err = Endpoint::resolve(env).unwrap_err();
        assert_eq!(err.kind(), EngineErrorKind::Endpoint);
        assert!(err.to_string().contains("has no Docker host (Endpoints.docker.Host)"), "{err}");

        std::fs::write(meta.join("meta.json"), r#"{"Name":"remote","Endpoints":{"docker":{"Host":"tcp://h:2376"}}}"#)
            .unwrap();
        std::fs::create_dir_all(
            dir.path().join("contexts/tls").join(Endpoint::context_dir_name("remote")).join("docker"),
        )
        .unwrap();
        let err = Endpoint::resolve(env).unwrap_err();
        assert!(err.to_string().contains("connects with TLS"), "{err}");
    }

    #[test]
    fn home_gives_the_configuration_directory() {
        let dir = tempfile::tempdir().unwrap();
        let docker = dir.path().join(".docker");
        std::fs::create_dir_all(&docker).unwrap();
        std::fs::write(docker.join("config.json"), r#"{"currentContext":"gone"}"#).unwrap();
        let home = dir.path().to_string_lossy().into_owned();
        let env = |name: &str| (name == "HOME").then(|| home.clone());
        let err = Endpoint::resolve(env).unwrap_err();
        let expected = format!(
            "the Docker context 'gone' (named by currentContext in {}) does not exist",
            docker.join("config.json").display()
        );
        assert!(err.to_string().starts_with(&expected), "{err}");

        std::fs::write(docker.join("config.json"), "{").unwrap();
        assert!(
            Endpoint::resolve(env)
                .unwrap_err()
                .to_string()
                .ends_with("is not JSON (EOF while parsing an object at line 1 column 1): fix it or set DOCKER_HOST")
        );
    }

    /// A Docker configuration directory as `docker context create` and `docker buildx create` leave
    /// it (the files' exact format, copied from what buildx 0.13 wrote here): the context `podman` on
    /// Podman's socket, a `docker-container` builder and a `remote` one.
    fn buildx_fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let meta = dir.path().join("contexts/meta").join(Endpoint::context_dir_name("podman"));
        std::fs::create_dir_all(&meta).unwrap();
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"podman","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///run/dockwright/podman.sock","SkipTLSVerify":false}}}"#,
        )
        .unwrap();
        let instances = dir.path().join("buildx/instances");
        std::fs::create_dir_all(&instances).unwrap();
        std::fs::write(
            instances.join("builds"),
            r#"{"Name":"builds","Driver":"docker-container","Nodes":[{"Name":"builds0","Endpoint":"unix:///var/run/docker.sock","Platforms":null,"DriverOpts":null,"Flags":["--allow-insecure-entitlement=network.host"],"Files":null}],"Dynamic":false}"#,
        )
        .unwrap();
        std::fs::write(
            instances.join("farm"),
            r#"{"Name":"farm","Driver":"remote","Nodes":[{"Name":"farm0","Endpoint":"tcp://127.0.0.1:1234","Platforms":null,"DriverOpts":null,"Flags":null,"Files":null}],"Dynamic":false}"#,
        )
        .unwrap();
        dir
    }

    fn resolve_with(vars: &[(&str, String)]) -> Result<Endpoint, EngineError> {
        Endpoint::resolve(|name: &str| vars.iter().find(|(key, _)| *key == name).map(|(_, value)| value.clone()))
    }

    #[test]
    fn a_docker_driver_builder_is_its_context_s_engine() {
        let fixture = buildx_fixture();
        let config = fixture.path().to_string_lossy().into_owned();
        let builder = |name: &str| resolve_with(&[("DOCKER_CONFIG", config.clone()), ("BUILDX_BUILDER", name.into())]);
        assert_eq!(
            builder("podman").unwrap(),
            Endpoint {
                address: "unix:///run/dockwright/podman.sock".into(),
                source: EndpointSource::Builder("podman".into())
            }
        );
        // `default` is the current context's builder: nothing changes.
        assert_eq!(builder("default").unwrap().source, EndpointSource::Default);
        let on_podman = resolve_with(&[
            ("DOCKER_CONFIG", config.clone()),
            ("DOCKER_CONTEXT", "podman".into()),
            ("BUILDX_BUILDER", "podman".into()),
        ]);
        assert_eq!(on_podman.unwrap().source, EndpointSource::Context("podman".into()));

        // An instance with the docker driver (buildx makes none now; older ones exist): its node.
        std::fs::write(
            fixture.path().join("buildx/instances/old"),
            r#"{"Name":"old","Driver":"docker","Nodes":[{"Name":"old0","Endpoint":"podman"}]}"#,
        )
        .unwrap();
        assert_eq!(builder("Old").unwrap().address, "unix:///run/dockwright/podman.sock");
        std::fs::write(
            fixture.path().join("buildx/instances/old"),
            r#"{"Name":"old","Driver":"docker","Nodes":[{"Name":"old0","Endpoint":"unix:///run/other.sock"}]}"#,
        )
        .unwrap();
        assert_eq!(
            builder("old").unwrap(),
            Endpoint { address: "unix:///run/other.sock".into(), source: EndpointSource::Builder("old".into()) }
        );

        // DOCKER_HOST names one engine, the builder another: which one is meant is not guessed.
        let both = resolve_with(&[
            ("DOCKER_CONFIG", config.clone()),
            ("DOCKER_HOST", "unix:///var/run/docker.sock".into()),
            ("BUILDX_BUILDER", "podman".into()),
        ]);
        assert_eq!(
            both.unwrap_err().to_string(),
            "the buildx builder 'podman' (named by BUILDX_BUILDER) builds on unix:///run/dockwright/podman.sock, \
             and DOCKER_HOST names unix:///var/run/docker.sock: unset one of them"
        );
    }

    #[test]
    fn a_builder_with_another_driver_is_refused_naming_it_and_its_driver() {
        let fixture = buildx_fixture();
        let config = fixture.path().to_string_lossy().into_owned();
        let err = resolve_with(&[("DOCKER_CONFIG", config.clone()), ("BUILDX_BUILDER", "builds".into())]).unwrap_err();
        assert_eq!(err.kind(), EngineErrorKind::Endpoint);
        assert_eq!(
            err.to_string(),
            "the buildx builder 'builds' (named by BUILDX_BUILDER) uses the docker-container driver, which runs \
             BuildKit outside the engine: dockwright builds and runs through the engine's API and cannot drive it; \
             unset BUILDX_BUILDER or set it to a Docker context's name (`docker context ls`), or name the engine \
             with DOCKER_HOST"
        );
        let err = resolve_with(&[("DOCKER_CONFIG", config.clone()), ("BUILDX_BUILDER", "farm".into())]).unwrap_err();
        assert!(
            err.to_string().starts_with("the buildx builder 'farm' (named by BUILDX_BUILDER) uses the remote driver")
        );

        let err = resolve_with(&[("DOCKER_CONFIG", config.clone()), ("BUILDX_BUILDER", "nope".into())]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "the buildx builder 'nope' (named by BUILDX_BUILDER) does not exist: it is neither a builder in {} \
                 nor a Docker context; `docker buildx ls` lists them, or unset BUILDX_BUILDER or set it to a Docker \
                 context's name (`docker context ls`)",
                fixture.path().join("buildx/instances").display()
            )
        );

        // BUILDX_CONFIG moves the buildx directory.
        let moved = tempfile::tempdir().unwrap();
        let other = moved.path().to_string_lossy().into_owned();
        let vars = [("DOCKER_CONFIG", config.clone()), ("BUILDX_CONFIG", other), ("BUILDX_BUILDER", "builds".into())];
        assert!(resolve_with(&vars).unwrap_err().to_string().contains("does not exist"));
    }

    #[test]
    fn buildx_s_current_builder_applies_to_the_engine_it_was_chosen_for() {
        let fixture = buildx_fixture();
        let config = fixture.path().to_string_lossy().into_owned();
        let current = fixture.path().join("buildx/current");
        // What `docker buildx use builds` writes on the default context.
        std::fs::write(&current, r#"{"Key":"unix:///var/run/docker.sock","Name":"builds","Global":false}"#).unwrap();
        let err = resolve_with(&[("DOCKER_CONFIG", config.clone())]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "the buildx builder 'builds' (named by buildx's current builder in {}) uses the docker-container \
                 driver, which runs BuildKit outside the engine: dockwright builds and runs through the engine's API \
                 and cannot drive it; run `docker buildx use default`, or set BUILDX_BUILDER to a Docker context's \
                 name (`docker context ls`), or name the engine with DOCKER_HOST",
                current.display()
            )
        );
        // Chosen for another engine: not this one's.
        let elsewhere = resolve_with(&[("DOCKER_CONFIG", config.clone()), ("DOCKER_CONTEXT", "podman".into())]);
        assert_eq!(elsewhere.unwrap().source, EndpointSource::Context("podman".into()));
        let elsewhere = resolve_with(&[("DOCKER_CONFIG", config.clone()), ("DOCKER_HOST", "tcp://h:2375".into())]);
        assert_eq!(elsewhere.unwrap().source, EndpointSource::DockerHost);
        // Chosen with --global: everywhere.
        std::fs::write(&current, r#"{"Key":"podman","Name":"farm","Global":true}"#).unwrap();
        let err = resolve_with(&[("DOCKER_CONFIG", config.clone()), ("DOCKER_HOST", "tcp://h:2375".into())]);
        assert!(err.unwrap_err().to_string().contains("'farm' (named by buildx's current builder in"));
        // Chosen for the context podman, a context builder: that context.
        std::fs::write(&current, r#"{"Key":"tcp://h:2375","Name":"podman","Global":false}"#).unwrap();
        let vars = [("DOCKER_CONFIG", config.clone()), ("DOCKER_HOST", "tcp://h:2375".into())];
        assert!(resolve_with(&vars).unwrap_err().to_string().contains("and DOCKER_HOST names tcp://h:2375"));
        // What `docker buildx use --default builds` leaves for the default socket, when `current` is
        // about another engine.
        std::fs::write(&current, r#"{"Key":"podman","Name":"","Global":false}"#).unwrap();
        let defaults = fixture.path().join("buildx/defaults");
        std::fs::create_dir_all(&defaults).unwrap();
        let hash: String = Endpoint::context_dir_name("unix:///var/run/docker.sock").chars().take(20).collect();
        std::fs::write(defaults.join(hash), "builds").unwrap();
        let err = resolve_with(&[("DOCKER_CONFIG", config.clone())]).unwrap_err();
        assert!(
            err.to_string().starts_with("the buildx builder 'builds' (named by buildx's default builder in"),
            "{err}"
        );
        std::fs::write(&current, "{").unwrap();
        assert!(resolve_with(&[("DOCKER_CONFIG", config)]).unwrap_err().to_string().ends_with(
            "is not JSON (EOF while parsing an object at line 1 column 1): run `docker buildx use default` or set DOCKER_HOST"
        ));
    }
}
