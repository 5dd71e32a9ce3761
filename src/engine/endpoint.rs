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
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointSource {
    /// The `DOCKER_HOST` variable.
    DockerHost,
    /// A Docker context, by name (from `DOCKER_CONTEXT` or `config.json`'s `currentContext`).
    Context(String),
    /// Nothing: the platform's default socket.
    Default,
}

impl std::fmt::Display for EndpointSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EndpointSource::DockerHost => f.write_str("DOCKER_HOST"),
            EndpointSource::Context(name) => write!(f, "the Docker context '{name}'"),
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
    /// `HOME`), reading the Docker configuration directory they point to. A context that is named but
    /// not there, a `meta.json` without a Docker host, and a context that needs TLS are errors of kind
    /// [`EngineErrorKind::Endpoint`] that say which file to look at.
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
        if let Some(host) = set("DOCKER_HOST") {
            return Ok(Endpoint { address: host, source: EndpointSource::DockerHost });
        }
        let config_dir = match (set("DOCKER_CONFIG"), set("HOME")) {
            (Some(dir), _) => Some(PathBuf::from(dir)),
            (None, Some(home)) => Some(Path::new(&home).join(".docker")),
            (None, None) => None,
        };
        let named = match (set("DOCKER_CONTEXT"), &config_dir) {
            (Some(name), _) => Some((name, "DOCKER_CONTEXT".to_string())),
            (None, Some(dir)) => current_context(&dir.join("config.json"))?,
            (None, None) => None,
        };
        let default = Endpoint { address: DEFAULT_ADDRESS.to_string(), source: EndpointSource::Default };
        match (named, config_dir) {
            (Some((name, _)), _) if name == "default" => Ok(default),
            (Some((name, by)), Some(dir)) => context_endpoint(&dir, &name, &by),
            (Some((name, by)), None) => Err(EngineError::new(
                EngineErrorKind::Endpoint,
                format!(
                    "the Docker context '{name}' (named by {by}) cannot be read: neither DOCKER_CONFIG nor HOME is set"
                ),
            )),
            (None, _) => Ok(default),
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
}
