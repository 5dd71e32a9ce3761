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
    /// [`Health::inherited`]: the image's probe, these timings.
    pub(crate) inherited: bool,
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
        Health {
            command: command.into_command(),
            options: HealthOptions::default(),
            problems: Vec::new(),
            inherited: false,
        }
    }

    /// No probe of its own: the image's `HEALTHCHECK` with the timings set here. What a compose
    /// `healthcheck:` without `test:` means on a service (the engine keeps the image's probe and takes
    /// each timing given); only a service can use it
    /// ([`deploy::Service::healthcheck`](crate::deploy::Service::healthcheck)): a stage's
    /// `HEALTHCHECK` needs a probe.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    /// use dockwright::{Base, Health, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).healthcheck(Health::new(["true"]).interval("30s")));
    /// let project = Project::new("p").service(Service::build("app", &image, ".").healthcheck(Health::inherited().interval("5s")));
    /// assert!(project.to_compose().unwrap().ends_with("    healthcheck:\n      interval: 5s\n"));
    /// assert!(project.to_quadlet().unwrap()[0].1.contains("HealthCmd=[\"CMD\", \"true\"]\nHealthInterval=5s\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).healthcheck(Health::inherited()));
    /// assert_eq!(
    ///     bad.emit().unwrap_err().to_string(),
    ///     "stage 'app', HEALTHCHECK: Health::inherited() has no probe of its own: give the stage's healthcheck a command with Health::new"
    /// );
    /// ```
    pub fn inherited() -> Self {
        Health {
            command: Err(Error::new(
                ErrorKind::InvalidInstruction,
                "Health::inherited() has no probe of its own: give the stage's healthcheck a command with Health::new",
            )),
            options: HealthOptions::default(),
            problems: Vec::new(),
            inherited: true,
        }
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

/// The errors for a healthcheck `command` that runs a probe tool the stage does not have, one per
/// tool; nothing when the base's tools are not known ([`Base::tools_known`]).
///
/// [`Base::tools_known`]: crate::Base::tools_known
pub(crate) fn missing_tools(facts: &Facts, command: &Command) -> Vec<Error> {
    missing(facts, command).into_iter().map(|tool| missing_tool(facts, tool)).collect()
}

/// The probe tools `command` runs that the stage does not have, each once, in the order they are run.
fn missing(facts: &Facts, command: &Command) -> Vec<Tool> {
    if !facts.base.tools_known() {
        return Vec::new();
    }
    let mut missing: Vec<Tool> = Vec::new();
    for program in programs(command) {
        let Some(tool) = Tool::from_command(&program) else { continue };
        let may_have = facts.tools.contains(&tool)
            || facts.maybe_tools.contains(&tool)
            || (program.starts_with('/') && copied_there(facts, &program));
        if !may_have && !missing.contains(&tool) {
            missing.push(tool);
        }
    }
    missing
}

/// The probe tools a healthcheck `command` runs that a stage built on `base` does not have, when its
/// instructions (and those of the stages it is built on, first to last) are `instructions`: the same
/// check as a DSL stage's, for a model that was not built with the DSL (a lowered Dockerfile).
pub(crate) fn missing_probe_tools<'i>(
    base: &crate::base::Base,
    instructions: impl IntoIterator<Item = &'i crate::model::Instruction>,
    command: &Command,
) -> Vec<Tool> {
    let mut facts = Facts::of_base(base);
    for instruction in instructions {
        facts.observe_tools(instruction);
    }
    missing(&facts, command)
}

fn missing_tool(facts: &Facts, tool: Tool) -> Error {
    let fix = if facts.base.package_manager().is_some() {
        format!("install it with .install([\"{}\"])", tool.package())
    } else {
        format!("copy it into the stage and declare it with Stage::provides(Tool::{tool:?})")
    };
    let probes: Vec<&str> = facts.tools.iter().map(|tool| tool.command()).collect();
    let alternative = if probes.is_empty() {
        String::new()
    } else {
        format!(", or use Stage::healthcheck_http, which picks a probe the stage has ({})", probes.join(", "))
    };
    Error::new(
        ErrorKind::MissingProbe,
        format!("the probe runs {}, which {} does not have: {fix}{alternative}", tool.command(), facts.base.describe()),
    )
    .at("HEALTHCHECK")
}

/// Whether a COPY or ADD may have put a file at the absolute path `program`.
fn copied_there(facts: &Facts, program: &str) -> bool {
    let Some(copied) = &facts.copied_to else { return true };
    let path = crate::analysis::resolve_path("/", program);
    copied.iter().any(|dest| crate::analysis::within(&path, dest))
}

/// The programs a healthcheck command runs, as far as they can be read safely: the exec form's
/// program (and the script of `sh -c <script>`), or the first word of each simple command of a shell
/// form. Text that cannot be read safely gives nothing.
fn programs(command: &Command) -> Vec<String> {
    match command {
        Command::Exec(argv) => {
            let argv: Vec<&str> = argv.iter().map(|arg| arg.as_str()).collect();
            match argv.as_slice() {
                [shell, "-c", script, ..] if is_shell(shell) => first_words(script).unwrap_or_default(),
                [program, ..] => vec![program.to_string()],
                [] => Vec::new(),
            }
        }
        Command::Shell(script) => first_words(&script.shell_text()).unwrap_or_default(),
    }
}

fn is_shell(program: &str) -> bool {
    matches!(program.rsplit('/').next(), Some("sh" | "bash" | "dash" | "ash" | "zsh" | "ksh"))
}

/// The first word of each simple command in `script`, split at unquoted `;`, `&`, `|` and newlines.
/// `None` when the script holds anything this reading cannot follow: command substitution, grouping
/// or subshells, heredocs and other redirections in front of a command, a first word with quotes,
/// variables, escapes or globs, or a shell keyword. Wrappers that run another command (`exec`,
/// `env`, `timeout`...) hide their command, so that simple command is skipped.
fn first_words(script: &str) -> Option<Vec<String>> {
    let mut commands: Vec<Vec<String>> = vec![Vec::new()];
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut chars = script.chars().peekable();
    let mut in_word = false;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            word.push(c);
            match c {
                '\\' if q == '"' => word.extend(chars.next()),
                '`' if q == '"' => return None,
                '$' if q == '"' && chars.peek() == Some(&'(') => return None,
                _ if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                word.push(c);
                in_word = true;
            }
            '\\' => {
                word.push(c);
                // A backslash-newline joins lines; anything else stays in the word (and makes it opaque).
                match chars.next() {
                    Some('\n') => {
                        word.pop();
                    }
                    Some(next) => word.push(next),
                    None => {}
                }
                in_word = !word.is_empty();
            }
            '`' | '(' | ')' | '{' | '}' => return None,
            '$' if chars.peek() == Some(&'(') => return None,
            '#' if !in_word => {
                // A comment runs to the end of the line.
                for next in chars.by_ref() {
                    if next == '\n' {
                        break;
                    }
                }
                finish(&mut commands, &mut word, &mut in_word);
                commands.push(Vec::new());
            }
            ';' | '&' | '|' | '\n' => {
                finish(&mut commands, &mut word, &mut in_word);
                commands.push(Vec::new());
            }
            ' ' | '\t' => finish(&mut commands, &mut word, &mut in_word),
            _ => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    finish(&mut commands, &mut word, &mut in_word);
    let mut programs = Vec::new();
    for words in commands.iter().filter(|words| !words.is_empty()) {
        let Some(first) = words.iter().find(|word| !is_assignment(word)) else { continue };
        if first.starts_with(['<', '>']) || first.contains(['\'', '"', '$', '\\', '*', '?', '[', '<', '>', '~', '=']) {
            return None;
        }
        if KEYWORDS.contains(&first.as_str()) {
            return None;
        }
        if !WRAPPERS.contains(&first.as_str()) {
            programs.push(first.clone());
        }
    }
    Some(programs)
}

/// Ends the current word, adding it to the current simple command.
fn finish(commands: &mut [Vec<String>], word: &mut String, in_word: &mut bool) {
    if *in_word || !word.is_empty() {
        if let Some(command) = commands.last_mut() {
            command.push(std::mem::take(word));
        }
    }
    *in_word = false;
}

/// `NAME=value` before a command sets its environment.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Shell reserved words: a command that starts with one is a compound command this reading skips.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "in", "function",
    "select", "time", "!", "[[", "]]",
];

/// Commands that run the command after their own arguments.
const WRAPPERS: &[&str] = &[
    "exec", "command", "env", "nice", "nohup", "timeout", "sudo", "su", "doas", "xargs", "busybox", "chroot", "stdbuf",
];

#[cfg(test)]
mod tests {
    use super::first_words;
    use pretty_assertions::assert_eq;

    #[test]
    fn first_words_of_simple_commands() {
        let cases: &[(&str, Option<&[&str]>)] = &[
            ("curl -f http://x/ || exit 1", Some(&["curl", "exit"])),
            ("python3 -c \"import a; a.b() || c\" && wget -q x", Some(&["python3", "wget"])),
            ("A=1 B='x y' node check.js; true", Some(&["node", "true"])),
            ("curl -f x 2>&1 | grep -q ok", Some(&["curl", "1", "grep"])),
            ("curl \\\n  -f x", Some(&["curl"])),
            ("# a comment\nwget -q x # trailing", Some(&["wget"])),
            ("exec curl -f x", Some(&[])),
            ("/usr/bin/curl -f x", Some(&["/usr/bin/curl"])),
            ("$(which curl) -f x", None),
            ("`which curl` -f x", None),
            ("\"curl\" -f x", None),
            ("${CURL} -f x", None),
            ("if curl -f x; then exit 0; fi", None),
            ("(curl -f x)", None),
            ("{ curl -f x; }", None),
            (">/dev/null curl -f x", None),
            ("cu\\rl -f x", None),
            ("curl 'unterminated", None),
            ("echo \"$(curl x)\"", None),
        ];
        for (script, expected) in cases {
            let expected = expected.map(|words| words.iter().map(|w| w.to_string()).collect::<Vec<_>>());
            assert_eq!(first_words(script), expected, "{script:?}");
        }
    }
}
