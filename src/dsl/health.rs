//! Healthchecks: the [`Health`] builder and the HTTP probe that picks a tool the stage has.

use crate::base::Tool;
use crate::error::{Error, ErrorKind};
use crate::model::{Command, Duration, HealthOptions};

use super::Facts;
use super::convert::IntoCommand;

/// A `HEALTHCHECK` under construction: the probe command and its timing.
///
/// ```
/// use dockwright::{Base, Health, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(
///     Stage::new("app", Base::python("3.12").slim()).healthcheck(
///         Health::new(["python3", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:5000/health')"])
///             .interval("30s")
///             .timeout("3s")
///             .start_period("5s")
///             .retries(3),
///     ),
/// );
/// assert!(image.emit().unwrap().ends_with(
///     "HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
///      CMD [\"python3\", \"-c\", \"import urllib.request as u; u.urlopen('http://127.0.0.1:5000/health')\"]\n"
/// ));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Health {
    pub(crate) command: Result<Command, Error>,
    pub(crate) options: HealthOptions,
    pub(crate) problems: Vec<Error>,
}

impl Health {
    /// A probe: an array is exec form (preferred), text is shell form. Exit 0 means healthy.
    ///
    /// ```
    /// use dockwright::{Base, Health, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).healthcheck(Health::new("wget -q -O- http://127.0.0.1/")));
    /// assert!(image.emit().unwrap().ends_with("HEALTHCHECK CMD wget -q -O- http://127.0.0.1/\n"));
    ///
    /// // Shell form needs a shell.
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::distroless_static()).healthcheck(Health::new("/app --check")));
    /// assert!(bad.emit().unwrap_err().to_string().contains("HEALTHCHECK uses shell form, but"));
    /// ```
    pub fn new(command: impl IntoCommand) -> Self {
        Health { command: command.into_command(), options: HealthOptions::default(), problems: Vec::new() }
    }

    fn duration(mut self, what: &str, value: &str, set: impl FnOnce(&mut HealthOptions, Duration)) -> Self {
        match Duration::parse(value) {
            Ok(duration) => set(&mut self.options, duration),
            Err(err) => self.problems.push(err.at(format!("--{what}"))),
        }
        self
    }

    /// Time between probes (`--interval`).
    ///
    /// ```
    /// use dockwright::{Base, Health, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).healthcheck(Health::new(["true"]).interval("10s")));
    /// assert!(image.emit().unwrap().ends_with("HEALTHCHECK --interval=10s CMD [\"true\"]\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).healthcheck(Health::new(["true"]).interval("10")));
    /// assert!(bad.emit().unwrap_err().to_string().contains("HEALTHCHECK, --interval: invalid duration \"10\""));
    /// ```
    pub fn interval(self, value: &str) -> Self {
        self.duration("interval", value, |o, d| o.interval = Some(d))
    }

    /// How long one probe may take (`--timeout`).
    ///
    /// ```
    /// use dockwright::{Base, Health, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).healthcheck(Health::new(["true"]).timeout("1500ms")));
    /// assert!(image.emit().unwrap().ends_with("HEALTHCHECK --timeout=1500ms CMD [\"true\"]\n"));
    /// ```
    pub fn timeout(self, value: &str) -> Self {
        self.duration("timeout", value, |o, d| o.timeout = Some(d))
    }

    /// Grace period after start during which failures do not count (`--start-period`).
    ///
    /// ```
    /// use dockwright::{Base, Health, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).healthcheck(Health::new(["true"]).start_period("1m30s")));
    /// assert!(image.emit().unwrap().ends_with("HEALTHCHECK --start-period=90s CMD [\"true\"]\n"));
    /// ```
    pub fn start_period(self, value: &str) -> Self {
        self.duration("start-period", value, |o, d| o.start_period = Some(d))
    }

    /// Time between probes during the start period (`--start-interval`, Engine 25+).
    ///
    /// ```
    /// use dockwright::{Base, Health, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).healthcheck(Health::new(["true"]).start_interval("1s")));
    /// assert!(image.emit().unwrap().ends_with("HEALTHCHECK --start-interval=1s CMD [\"true\"]\n"));
    /// ```
    pub fn start_interval(self, value: &str) -> Self {
        self.duration("start-interval", value, |o, d| o.start_interval = Some(d))
    }

    /// Consecutive failures before the container is unhealthy (`--retries`).
    ///
    /// ```
    /// use dockwright::{Base, Health, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).healthcheck(Health::new(["true"]).retries(5)));
    /// assert!(image.emit().unwrap().ends_with("HEALTHCHECK --retries=5 CMD [\"true\"]\n"));
    /// ```
    pub fn retries(mut self, retries: u32) -> Self {
        self.options.retries = Some(retries);
        self
    }
}

/// An HTTP GET probe of `http://127.0.0.1:<port><path>` with the first tool the stage has.
pub(crate) fn http_probe(facts: &Facts, port: u16, path: &str) -> Result<Health, Error> {
    let path_ok =
        path.starts_with('/') && path.chars().all(|c| c.is_ascii_alphanumeric() || "-._~/?=&%:@+,;".contains(c));
    if !path_ok || port == 0 {
        return Err(Error::new(
            ErrorKind::InvalidInstruction,
            format!(
                "healthcheck target port {port} path {path:?} is invalid: use a port 1-65535 and a path like '/health'"
            ),
        ));
    }
    let url = format!("http://127.0.0.1:{port}{path}");
    let tools = &facts.tools;
    let probe: Vec<String> = if tools.contains(&Tool::Curl) {
        vec!["curl".into(), "-fsS".into(), "-o".into(), "/dev/null".into(), url]
    } else if tools.contains(&Tool::Wget) {
        vec!["wget".into(), "-q".into(), "-O".into(), "/dev/null".into(), url]
    } else if tools.contains(&Tool::Python) {
        let script = format!(
            "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('{url}', timeout=4).status < 400 else 1)"
        );
        vec!["python3".into(), "-c".into(), script]
    } else if tools.contains(&Tool::Node) {
        let script = format!(
            "require('http').get('{url}', r => process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => process.exit(1))"
        );
        vec!["node".into(), "-e".into(), script]
    } else {
        let advice = if facts.base.package_manager().is_some() {
            "install one first, e.g. .install([\"curl\"]), or use Stage::healthcheck with your own command".to_string()
        } else {
            "copy a static probe binary into the stage and declare it with Stage::provides, or use Stage::healthcheck with your own command".to_string()
        };
        return Err(Error::new(
            ErrorKind::MissingProbe,
            format!("cannot probe {url}: {} has no curl, wget, python3 or node; {advice}", facts.base.describe()),
        ));
    };
    Ok(Health::new(probe).interval("30s").timeout("5s").start_period("10s").retries(3))
}
