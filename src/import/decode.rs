//! Decoding parsed instructions into the values BuildKit's builder ends up with.
//!
//! [`decode`] is a port of BuildKit's `instructions` package (`parse.go`, `bflag.go`,
//! `commands.go`, `commands_runmount.go`, `commands_runnetwork.go`,
//! `commands_runsecurity.go`) followed by the expansion `dockerfile2llb/convert.go` applies
//! when it dispatches the instruction. It turns one [`Node`] from [`parse`](super::parse)
//! into a [`Command`] holding *final* values: ENV and LABEL keys and values, ARG defaults,
//! COPY/ADD sources, destination and `--chown`/`--chmod`/`--checksum`, VOLUME, WORKDIR,
//! USER, STOPSIGNAL, EXPOSE, FROM image and `--platform`, `RUN --mount` option values and
//! unquoted-delimiter COPY/ADD heredoc bodies are run through the [`Lexer`] with the
//! environment the caller supplies; everything BuildKit leaves alone (RUN/CMD/ENTRYPOINT
//! text, exec-form arguments, SHELL, HEALTHCHECK, MAINTAINER, `COPY --from`,
//! `--mount=from=`, `--exclude`, `--network`, `--security`) is returned as written.
//!
//! Errors are the ones BuildKit raises in the same situation, with BuildKit's message.
//! What is checked: flag syntax (`--name=value`, booleans, unknown and duplicate flags),
//! argument counts and shapes, stage names, `RUN --mount` (CSV, keys, types, values),
//! `--network`, `--security`, HEALTHCHECK durations and retries, the STOPSIGNAL name,
//! empty VOLUME paths, blank FROM images, variables in `COPY --from`, ONBUILD triggers.
//! What is not: whatever needs more than one instruction, the build context or a registry
//! (stage references, `--from` targets), the syntax checks BuildKit makes later while
//! building LLB (`--chmod` modes, `--checksum` digests and source kinds, platform strings,
//! port specs, per-type mount requirements in `dispatchRunMounts`), and BuildKit's
//! "did you mean" suffixes on unknown flags, mount types and keys.
//!
//! The environment is the one in force *before* the instruction: BuildKit expands all of an
//! ENV's or LABEL's pairs against it, while ARG defaults are expanded one after the other,
//! each seeing the ARGs before it in the same instruction. For FROM it must hold only the
//! global (pre-FROM) ARGs.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use super::ast::{Heredoc, Node, go_quote, go_to_lower};
use super::lex::{LexError, Lexer};

/// The builder's view of one instruction, with every expansion BuildKit performs done.
///
/// ```
/// use dockwright::import::{decode, parse, Command};
///
/// let parsed = parse("ENV A=a$$b B=x$1y C=$ D=\\$HOME E='$HOME' G=\"a\\$b\" I=cost:$5\n");
/// let env = |name: &str| (name == "HOME").then(|| "/root".to_string());
/// let Command::Env(pairs) = decode(&parsed.ast.nodes[0], '\\', &env).unwrap() else {
///     panic!("not ENV")
/// };
/// let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
/// assert_eq!(
///     pairs,
///     [("A", "ab"), ("B", "xy"), ("C", "$"), ("D", "$HOME"), ("E", "$HOME"), ("G", "a$b"), ("I", "cost:")],
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// `FROM [--platform=P] image [AS name]`: image and platform expanded (with global ARGs),
    /// the stage name lower-cased and validated.
    From {
        /// The expanded image reference (never empty).
        image: String,
        /// The expanded `--platform`, if one was given.
        platform: Option<String>,
        /// The stage name, lower-cased, if `AS name` was given.
        name: Option<String>,
    },
    /// `ARG name[=default] …`: each default expanded, seeing the ARGs before it.
    Arg(Vec<(String, Option<String>)>),
    /// `ENV key=value …` (or the legacy `ENV key value`): keys and values expanded.
    Env(Vec<(String, String)>),
    /// `LABEL key=value …`: keys and values expanded.
    Label(Vec<(String, String)>),
    /// `RUN`.
    Run(Run),
    /// `COPY`.
    Copy(CopyAdd),
    /// `ADD`.
    Add(CopyAdd),
    /// `CMD`, never expanded.
    Cmd(ShellOrExec),
    /// `ENTRYPOINT`, never expanded.
    Entrypoint(ShellOrExec),
    /// `SHELL ["exe", "arg", …]` (JSON form is required).
    Shell(Vec<String>),
    /// `WORKDIR`, expanded (still relative to the previous WORKDIR if not absolute).
    Workdir(String),
    /// `USER`, expanded.
    User(String),
    /// `STOPSIGNAL`, expanded and checked to be a signal BuildKit accepts.
    StopSignal(String),
    /// `VOLUME`, each path expanded (JSON form too) and non-empty.
    Volume(Vec<String>),
    /// `EXPOSE`: the written ports sorted, then each expanded and split into words.
    Expose(Vec<String>),
    /// `HEALTHCHECK`.
    Healthcheck(Healthcheck),
    /// `ONBUILD`: the trigger, decoded with the same escape character and environment
    /// (BuildKit itself only parses it when a later build runs it).
    OnBuild(Box<Command>),
    /// `MAINTAINER`, never expanded.
    Maintainer(String),
}

/// Shell form (one string for the SHELL) or exec form (argv) of RUN, CMD, ENTRYPOINT and
/// HEALTHCHECK CMD.
///
/// Shell form with no text at all (a bare `CMD`) is `Shell("")`; BuildKit then runs just the
/// SHELL with no command argument.
///
/// ```
/// use dockwright::import::{decode, parse, Command, ShellOrExec};
///
/// let parsed = parse("CMD [\"echo\", \"$HOME\"]\nCMD echo $HOME\n");
/// let none = |_: &str| None;
/// let cmds: Vec<Command> = parsed.ast.nodes.iter().map(|n| decode(n, '\\', &none).unwrap()).collect();
/// assert_eq!(cmds[0], Command::Cmd(ShellOrExec::Exec(vec!["echo".into(), "$HOME".into()])));
/// assert_eq!(cmds[1], Command::Cmd(ShellOrExec::Shell("echo $HOME".into())));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShellOrExec {
    /// Shell form: the text handed to the SHELL as one argument.
    Shell(String),
    /// Exec form: the argv, literally.
    Exec(Vec<String>),
}

/// A decoded `RUN`.
///
/// ```
/// use dockwright::import::{decode, parse, Command, ShellOrExec};
///
/// let parsed = parse("RUN --mount=type=cache,target=$D --network=none make\n");
/// let env = |name: &str| (name == "D").then(|| "/cache".to_string());
/// let Command::Run(run) = decode(&parsed.ast.nodes[0], '\\', &env).unwrap() else { panic!() };
/// assert_eq!(run.mounts[0].get("target"), Some("/cache"));
/// assert_eq!(run.network, "none");
/// assert_eq!(run.security, "sandbox");
/// assert_eq!(run.form, ShellOrExec::Shell("make".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Run {
    /// The `--mount` options, in order.
    pub mounts: Vec<Mount>,
    /// `--network`: `default` (also when absent), `none` or `host`.
    pub network: String,
    /// `--security`: `sandbox` (also when absent) or `insecure`.
    pub security: String,
    /// The command, never expanded by the builder. For heredocs it is the line as written
    /// (`<<EOF`, `cat <<EOF`), the bodies are in [`heredocs`](Run::heredocs).
    pub form: ShellOrExec,
    /// The here-documents, bodies as written (the builder never expands RUN heredocs).
    pub heredocs: Vec<Heredoc>,
}

/// One `RUN --mount` value after BuildKit's three layers: flag-word quote and escape
/// removal (done by the parser), CSV fields (`go-csvvalue`), and the lexer on each value
/// except `from`.
///
/// ```
/// use dockwright::import::{decode, parse, Command};
///
/// let parsed = parse("RUN --mount=type=bind,\\\"target=/a,b\\\",ro,from=stage true\n");
/// let Command::Run(run) = decode(&parsed.ast.nodes[0], '\\', &|_| None).unwrap() else { panic!() };
/// let mount = &run.mounts[0];
/// assert_eq!(mount.get("target"), Some("/a,b"));
/// assert_eq!(mount.get("from"), Some("stage"));
/// assert!(mount.has("ro"));
/// assert_eq!(
///     mount.fields,
///     [
///         ("type".to_string(), Some("bind".to_string())),
///         ("target".to_string(), Some("/a,b".to_string())),
///         ("ro".to_string(), None),
///         ("from".to_string(), Some("stage".to_string())),
///     ],
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Mount {
    /// The fields in order: the key lower-cased as BuildKit does, the value expanded
    /// (except `from`), `None` for a bare key (`ro`, `rw`, `readonly`, `readwrite`,
    /// `required`).
    pub fields: Vec<(String, Option<String>)>,
}

impl Mount {
    /// The value of the last field named `key` (BuildKit lets a later field win), if it has
    /// one.
    ///
    /// ```
    /// use dockwright::import::{decode, parse, Command};
    ///
    /// let parsed = parse("RUN --mount=target=/a,dst=/b true\n");
    /// let Command::Run(run) = decode(&parsed.ast.nodes[0], '\\', &|_| None).unwrap() else { panic!() };
    /// assert_eq!(run.mounts[0].get("dst"), Some("/b"));
    /// assert_eq!(run.mounts[0].get("type"), None);
    /// ```
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.iter().rev().find(|(k, _)| k == key).and_then(|(_, v)| v.as_deref())
    }

    /// Whether a field named `key` is present (with or without a value).
    ///
    /// ```
    /// use dockwright::import::{decode, parse, Command};
    ///
    /// let parsed = parse("RUN --mount=type=secret,id=t,required true\n");
    /// let Command::Run(run) = decode(&parsed.ast.nodes[0], '\\', &|_| None).unwrap() else { panic!() };
    /// assert!(run.mounts[0].has("required"));
    /// assert!(!run.mounts[0].has("ro"));
    /// ```
    #[must_use]
    pub fn has(&self, key: &str) -> bool {
        self.fields.iter().any(|(k, _)| k == key)
    }
}

/// A decoded `COPY` or `ADD`. Options the instruction does not have are `None`/`false`/empty.
///
/// ```
/// use dockwright::import::{decode, parse, Command};
///
/// let parsed = parse("COPY --chown=$U --link [\"it\\\\'s.txt\", \"price\\\\$5.txt\", \"/dst/\"]\n");
/// let env = |name: &str| (name == "U").then(|| "app".to_string());
/// let Command::Copy(copy) = decode(&parsed.ast.nodes[0], '\\', &env).unwrap() else { panic!() };
/// assert_eq!(copy.sources, ["it's.txt", "price$5.txt"]);
/// assert_eq!(copy.dest, "/dst/");
/// assert_eq!(copy.chown.as_deref(), Some("app"));
/// assert!(copy.link);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CopyAdd {
    /// `COPY --from` as written (BuildKit refuses variables in it); `None` if absent or
    /// empty.
    pub from: Option<String>,
    /// `--chown`, expanded; `None` if absent or empty after expansion.
    pub chown: Option<String>,
    /// `--chmod`, expanded; `None` if absent or empty after expansion.
    pub chmod: Option<String>,
    /// `--link`.
    pub link: bool,
    /// `COPY --parents`.
    pub parents: bool,
    /// `--exclude` patterns as written (not expanded), in order.
    pub excludes: Vec<String>,
    /// `ADD --checksum`, expanded; `None` if absent or empty after expansion.
    pub checksum: Option<String>,
    /// `ADD --keep-git-dir`, if given.
    pub keep_git_dir: Option<bool>,
    /// `ADD --unpack`, if given.
    pub unpack: Option<bool>,
    /// The source paths (not heredocs), each expanded, in order.
    pub sources: Vec<String>,
    /// The heredoc sources, in order.
    pub heredoc_sources: Vec<InlineFile>,
    /// The destination, expanded.
    pub dest: String,
}

/// A COPY/ADD heredoc source: a file named after the delimiter with the body as content.
///
/// ```
/// use dockwright::import::{decode, parse, Command};
///
/// let parsed = parse("COPY <<EOF <<'RAW' /dst/\nhi $N \\$N\nEOF\nhi $N\nRAW\n");
/// let env = |name: &str| (name == "N").then(|| "you".to_string());
/// let Command::Copy(copy) = decode(&parsed.ast.nodes[0], '\\', &env).unwrap() else { panic!() };
/// assert_eq!(copy.heredoc_sources[0].path, "EOF");
/// assert_eq!(copy.heredoc_sources[0].data, "hi you $N\n");
/// assert_eq!(copy.heredoc_sources[1].data, "hi $N\n");
/// assert!(!copy.heredoc_sources[1].expand);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InlineFile {
    /// The file name: the delimiter word.
    pub path: String,
    /// The content: tabs chomped for `<<-`, and expanded (escape `\`, quotes kept) when
    /// no part of the delimiter was quoted.
    pub data: String,
    /// Whether the body was expanded.
    pub expand: bool,
}

/// A decoded `HEALTHCHECK`.
///
/// ```
/// use std::time::Duration;
/// use dockwright::import::{decode, parse, Command, Healthcheck, ShellOrExec};
///
/// let parsed = parse("HEALTHCHECK --interval=1m30s --retries=5 CMD curl -f http://x/\n");
/// let Command::Healthcheck(Healthcheck::Cmd { test, interval, retries, timeout, .. }) =
///     decode(&parsed.ast.nodes[0], '\\', &|_| None).unwrap()
/// else {
///     panic!()
/// };
/// assert_eq!(test, ShellOrExec::Shell("curl -f http://x/".into()));
/// assert_eq!(interval, Duration::from_secs(90));
/// assert_eq!(timeout, Duration::ZERO);
/// assert_eq!(retries, 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Healthcheck {
    /// `HEALTHCHECK NONE`: disable any inherited check.
    None,
    /// `HEALTHCHECK [options] CMD …`. A zero duration or retry count means "not set"
    /// (the engine's default applies), as in BuildKit.
    #[non_exhaustive]
    Cmd {
        /// The command: shell form becomes `CMD-SHELL`, exec form `CMD`.
        test: ShellOrExec,
        /// `--interval` (Go duration syntax, at least 1ms unless 0).
        interval: Duration,
        /// `--timeout`.
        timeout: Duration,
        /// `--start-period`.
        start_period: Duration,
        /// `--start-interval`.
        start_interval: Duration,
        /// `--retries`.
        retries: u32,
    },
}

/// Why BuildKit would reject an instruction. Display is BuildKit's message.
///
/// ```
/// use dockwright::import::{decode, parse, DecodeErrorKind};
///
/// let parsed = parse("COPY --from build /a /b\n");
/// let err = decode(&parsed.ast.nodes[0], '\\', &|_| None).unwrap_err();
/// assert_eq!(err.kind(), DecodeErrorKind::Flag);
/// assert_eq!(err.to_string(), "missing a value on flag: --from");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    message: String,
    lex: Option<LexError>,
}

/// The kind of a [`DecodeError`].
///
/// ```
/// use dockwright::import::{decode, parse, DecodeErrorKind};
///
/// let parsed = parse("FOO bar\n");
/// let err = decode(&parsed.ast.nodes[0], '\\', &|_| None).unwrap_err();
/// assert_eq!(err.kind(), DecodeErrorKind::UnknownInstruction);
/// assert_eq!(err.to_string(), "unknown instruction: FOO");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The keyword is not a Dockerfile instruction.
    UnknownInstruction,
    /// Too few, too many or malformed arguments.
    Arguments,
    /// A flag is unknown, repeated, or lacks or has a bad value.
    Flag,
    /// The lexer rejected a word while expanding it (see [`DecodeError::lex_error`]).
    Expansion,
    /// A `RUN --mount` value is malformed.
    Mount,
    /// A value is not acceptable (network, security, duration, retries, signal, stage
    /// name, empty path, variable in `--from`, …).
    Value,
    /// ONBUILD with a trigger BuildKit forbids.
    OnBuild,
}

impl DecodeError {
    fn new(kind: DecodeErrorKind, message: impl Into<String>) -> Self {
        DecodeError { kind, message: message.into(), lex: None }
    }

    fn args(message: impl Into<String>) -> Self {
        DecodeError::new(DecodeErrorKind::Arguments, message)
    }

    fn flag(message: impl Into<String>) -> Self {
        DecodeError::new(DecodeErrorKind::Flag, message)
    }

    fn value(message: impl Into<String>) -> Self {
        DecodeError::new(DecodeErrorKind::Value, message)
    }

    fn mount(message: impl Into<String>) -> Self {
        DecodeError::new(DecodeErrorKind::Mount, message)
    }

    fn lex(err: LexError) -> Self {
        DecodeError { kind: DecodeErrorKind::Expansion, message: err.to_string(), lex: Some(err) }
    }

    /// What went wrong.
    ///
    /// ```
    /// use dockwright::import::{decode, parse, DecodeErrorKind};
    ///
    /// let parsed = parse("EXPOSE\n");
    /// let err = decode(&parsed.ast.nodes[0], '\\', &|_| None).unwrap_err();
    /// assert_eq!(err.kind(), DecodeErrorKind::Arguments);
    /// ```
    #[must_use]
    pub fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// BuildKit's message (the same as Display).
    ///
    /// ```
    /// use dockwright::import::{decode, parse};
    ///
    /// let parsed = parse("RUN --network=bogus true\n");
    /// let err = decode(&parsed.ast.nodes[0], '\\', &|_| None).unwrap_err();
    /// assert_eq!(err.message(), "invalid network mode \"bogus\"");
    /// assert_eq!(err.message(), err.to_string());
    /// ```
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The lexer error behind a [`DecodeErrorKind::Expansion`] error.
    ///
    /// ```
    /// use dockwright::import::{decode, parse};
    ///
    /// let parsed = parse("WORKDIR ${A:?is required}\n");
    /// let err = decode(&parsed.ast.nodes[0], '\\', &|_| None).unwrap_err();
    /// assert_eq!(err.lex_error().unwrap().word(), "${A:?is required}");
    /// assert_eq!(err.to_string(), r#"failed to process "${A:?is required}": A: is required"#);
    /// ```
    #[must_use]
    pub fn lex_error(&self) -> Option<&LexError> {
        self.lex.as_ref()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.lex.as_ref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Every instruction keyword BuildKit's Dockerfile front end knows, in upper case (it reads them in
/// any case); [`decode`] reports any other as [`DecodeErrorKind::UnknownInstruction`].
///
/// ```
/// use dockwright::import::INSTRUCTIONS;
///
/// assert_eq!(INSTRUCTIONS.len(), 18);
/// assert!(INSTRUCTIONS.contains(&"HEALTHCHECK"));
/// assert!(!INSTRUCTIONS.contains(&"RUNN"));
/// ```
pub const INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Decodes one parsed instruction the way BuildKit's `instructions.ParseInstruction` and
/// its dispatcher would, with `escape` the file's escape character and `env` the variables
/// in force before the instruction (`None` = unset).
///
/// ```
/// use dockwright::import::{decode, parse, Command};
///
/// let parsed = parse("ARG A=a b C=\"x y\" D=$C\n");
/// let args = decode(&parsed.ast.nodes[0], '\\', &|_| None).unwrap();
/// assert_eq!(
///     args,
///     Command::Arg(vec![
///         ("A".into(), Some("a".into())),
///         ("b".into(), None),
///         ("C".into(), Some("x y".into())),
///         ("D".into(), Some("x y".into())),
///     ]),
/// );
///
/// let parsed = parse("COPY \"my file.txt\" /dst/\n");
/// let err = decode(&parsed.ast.nodes[0], '\\', &|_| None).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"failed to process "\"my": unexpected end of statement while looking for matching double-quote"#,
/// );
/// ```
pub fn decode(node: &Node, escape: char, env: &dyn Fn(&str) -> Option<String>) -> Result<Command, DecodeError> {
    let cx = Cx { node, lexer: Lexer::new(escape), env };
    match go_to_lower(&node.keyword).as_str() {
        "env" => cx.env_or_label("ENV").map(Command::Env),
        "maintainer" => cx.maintainer(),
        "label" => cx.env_or_label("LABEL").map(Command::Label),
        "add" => cx.copy_add(true).map(Command::Add),
        "copy" => cx.copy_add(false).map(Command::Copy),
        "from" => cx.from(),
        "onbuild" => cx.onbuild(),
        "workdir" => cx.one_word("WORKDIR").map(Command::Workdir),
        "run" => cx.run().map(Command::Run),
        "cmd" => cx.cmd_line().map(Command::Cmd),
        "healthcheck" => cx.healthcheck().map(Command::Healthcheck),
        "entrypoint" => cx.cmd_line().map(Command::Entrypoint),
        "expose" => cx.expose(),
        "user" => cx.one_word("USER").map(Command::User),
        "volume" => cx.volume(),
        "stopsignal" => cx.stopsignal(),
        "arg" => cx.arg(),
        "shell" => cx.shell(),
        _ => Err(DecodeError::new(
            DecodeErrorKind::UnknownInstruction,
            format!("unknown instruction: {}", written_keyword(node)),
        )),
    }
}

/// The keyword as written (BuildKit reports unknown instructions in their original case).
fn written_keyword(node: &Node) -> String {
    match node.original.split_whitespace().next() {
        Some(word) if go_to_lower(word) == node.keyword => word.to_string(),
        _ => node.keyword.clone(),
    }
}

struct Cx<'a> {
    node: &'a Node,
    lexer: Lexer,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Cx<'_> {
    fn args(&self) -> &[String] {
        &self.node.args
    }

    /// The builder's `ProcessWord` with the instruction's environment.
    fn word(&self, word: &str) -> Result<String, DecodeError> {
        self.lexer.process_word(word, self.env).map_err(DecodeError::lex)
    }

    fn flags(&self, defs: &[(&'static str, FlagType)]) -> Result<Flags, DecodeError> {
        Flags::parse(&self.node.flags, defs)
    }

    /// `parseKvps` + `expandKvpsInPlace`.
    fn env_or_label(&self, name: &str) -> Result<Vec<(String, String)>, DecodeError> {
        self.flags(&[])?;
        let args = self.args();
        if args.is_empty() {
            return Err(DecodeError::args(format!("{name} requires at least one argument")));
        }
        if args.len() % 3 != 0 {
            return Err(DecodeError::args(format!("Bad input to {name}, too many arguments")));
        }
        let mut raw = Vec::with_capacity(args.len() / 3);
        for triplet in args.chunks(3) {
            let [key, value, _sep] = triplet else {
                continue;
            };
            if key.is_empty() {
                return Err(DecodeError::args(format!("{name} names can not be blank")));
            }
            raw.push((key, value));
        }
        raw.into_iter().map(|(key, value)| Ok((self.word(key)?, self.word(value)?))).collect()
    }

    fn maintainer(&self) -> Result<Command, DecodeError> {
        let [maintainer] = self.args() else {
            return Err(DecodeError::args("MAINTAINER requires exactly one argument"));
        };
        self.flags(&[])?;
        Ok(Command::Maintainer(maintainer.clone()))
    }

    /// WORKDIR, USER: exactly one argument, no flags, expanded.
    fn one_word(&self, name: &str) -> Result<String, DecodeError> {
        let [word] = self.args() else {
            return Err(DecodeError::args(format!("{name} requires exactly one argument")));
        };
        self.flags(&[])?;
        self.word(word)
    }

    fn stopsignal(&self) -> Result<Command, DecodeError> {
        // BuildKit's parseStopSignal never parses flags: they are ignored.
        let [signal] = self.args() else {
            return Err(DecodeError::args("STOPSIGNAL requires exactly one argument"));
        };
        let signal = self.word(signal)?;
        check_signal(&signal)?;
        Ok(Command::StopSignal(signal))
    }

    fn volume(&self) -> Result<Command, DecodeError> {
        if self.args().is_empty() {
            return Err(DecodeError::args("VOLUME requires at least one argument"));
        }
        self.flags(&[])?;
        let empty = || DecodeError::value("VOLUME specified can not be an empty string");
        let mut trimmed = Vec::with_capacity(self.args().len());
        for v in self.args() {
            let v = v.trim();
            if v.is_empty() {
                return Err(empty());
            }
            trimmed.push(v);
        }
        let mut volumes = Vec::with_capacity(trimmed.len());
        for v in trimmed {
            volumes.push(self.word(v)?);
        }
        if volumes.iter().any(String::is_empty) {
            return Err(empty());
        }
        Ok(Command::Volume(volumes))
    }

    fn expose(&self) -> Result<Command, DecodeError> {
        if self.args().is_empty() {
            return Err(DecodeError::args("EXPOSE requires at least one argument"));
        }
        self.flags(&[])?;
        let mut ports: Vec<&String> = self.args().iter().collect();
        ports.sort();
        let mut out = Vec::new();
        for port in ports {
            out.extend(self.lexer.process_words(port, self.env).map_err(DecodeError::lex)?);
        }
        Ok(Command::Expose(out))
    }

    fn arg(&self) -> Result<Command, DecodeError> {
        // BuildKit's parseArg never parses flags: they are ignored.
        if self.args().is_empty() {
            return Err(DecodeError::args("ARG requires at least one argument"));
        }
        let mut pairs: Vec<(&str, Option<&str>)> = Vec::with_capacity(self.args().len());
        for arg in self.args() {
            match arg.split_once('=') {
                Some(("", _)) => return Err(DecodeError::args("ARG names can not be blank")),
                Some((key, value)) => pairs.push((key, Some(value))),
                None => pairs.push((arg, None)),
            }
        }
        // dispatchArg: each default sees the environment with the ARGs before it added.
        let mut set: Vec<(String, String)> = Vec::new();
        let mut out = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let Some(value) = value else {
                out.push((key.to_string(), None));
                continue;
            };
            let scope = |name: &str| {
                set.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone()).or_else(|| (self.env)(name))
            };
            let value = self.lexer.process_word(value, &scope).map_err(DecodeError::lex)?;
            set.push((key.to_string(), value.clone()));
            out.push((key.to_string(), Some(value)));
        }
        Ok(Command::Arg(out))
    }

    fn shell(&self) -> Result<Command, DecodeError> {
        self.flags(&[])?;
        let args = self.args();
        if args.is_empty() {
            return Err(DecodeError::args("SHELL requires at least one argument"));
        }
        if self.node.json {
            return Ok(Command::Shell(args.to_vec()));
        }
        Err(not_json("SHELL", &self.node.original))
    }

    fn cmd_line(&self) -> Result<ShellOrExec, DecodeError> {
        self.flags(&[])?;
        Ok(shell_or_exec(self.args(), self.node.json))
    }

    fn run(&self) -> Result<Run, DecodeError> {
        let flags = self.flags(&[
            ("mount", FlagType::Strings),
            ("network", FlagType::String("default")),
            ("security", FlagType::String("sandbox")),
        ])?;
        let form = shell_or_exec(self.args(), self.node.json);
        let raw_mounts = flags.strings("mount");
        // Post hooks at parse time: mounts without an expander, then network, security.
        for raw in raw_mounts {
            parse_mount(raw, None)?;
        }
        let network = flags.string("network");
        if !matches!(network, "default" | "none" | "host") {
            return Err(DecodeError::value(format!("invalid network mode {}", go_quote(network))));
        }
        let security = flags.string("security");
        if !matches!(security, "sandbox" | "insecure") {
            return Err(DecodeError::value(format!("security {} is not valid", go_quote(security))));
        }
        // Dispatch: RunCommand.Expand parses the mounts again, expanding values.
        let expander = |value: &str| self.word(value);
        let mut mounts = Vec::with_capacity(raw_mounts.len());
        for raw in raw_mounts {
            if let Some(mount) = parse_mount(raw, Some(&expander))? {
                mounts.push(mount);
            }
        }
        Ok(Run {
            mounts,
            network: network.to_string(),
            security: security.to_string(),
            form,
            heredocs: self.node.heredocs.clone(),
        })
    }

    fn copy_add(&self, add: bool) -> Result<CopyAdd, DecodeError> {
        let name = if add { "ADD" } else { "COPY" };
        let args = self.args();
        let Some((dest, srcs)) = args.split_last().filter(|(_, srcs)| !srcs.is_empty()) else {
            return Err(DecodeError::args(format!(
                "{name} requires at least two arguments, but only one was provided. \
                 Destination could not be determined"
            )));
        };
        let defs: &[(&'static str, FlagType)] = if add {
            &[
                ("exclude", FlagType::Strings),
                ("chown", FlagType::String("")),
                ("chmod", FlagType::String("")),
                ("link", FlagType::Bool),
                ("keep-git-dir", FlagType::Bool),
                ("checksum", FlagType::String("")),
                ("unpack", FlagType::Bool),
            ]
        } else {
            &[
                ("chown", FlagType::String("")),
                ("from", FlagType::String("")),
                ("chmod", FlagType::String("")),
                ("link", FlagType::Bool),
                ("exclude", FlagType::Strings),
                ("parents", FlagType::Bool),
            ]
        };
        let flags = self.flags(defs)?;

        // parseSourcesAndDest
        if parse_heredoc_word(dest).is_some() {
            return Err(DecodeError::args(format!("{name} cannot accept a heredoc as a destination")));
        }
        let mut lookup: HashMap<&str, &Heredoc> = HashMap::new();
        for doc in &self.node.heredocs {
            lookup.insert(doc.name.as_str(), doc);
        }
        let mut source_paths: Vec<&String> = Vec::new();
        let mut contents: Vec<InlineFile> = Vec::new();
        for src in srcs {
            match parse_heredoc_word(src) {
                Some(doc) => {
                    let content = lookup.get(doc.name.as_str()).map(|d| d.content.clone()).unwrap_or_default();
                    let data = if doc.chomp { chomp(&content) } else { content };
                    contents.push(InlineFile { path: doc.name, data, expand: doc.expand });
                }
                None => source_paths.push(src),
            }
        }

        // toCommand: COPY --from must not change when lexed.
        let from = if add { "" } else { flags.string("from") };
        if !from.is_empty() {
            let lexed = self.lexer.process_word(from, &|_| None).map_err(DecodeError::lex)?;
            if lexed != from {
                return Err(DecodeError::value(
                    "variable expansion is not supported for --from, define a new stage with \
                     FROM using ARG from global scope as a workaround",
                ));
            }
        }

        // Expand: --chown, --chmod, ADD --checksum, the sources, the destination.
        let non_empty = |s: String| (!s.is_empty()).then_some(s);
        let chown = non_empty(self.word(flags.string("chown"))?);
        let chmod = non_empty(self.word(flags.string("chmod"))?);
        let checksum = if add { non_empty(self.word(flags.string("checksum"))?) } else { None };
        let mut sources = Vec::with_capacity(source_paths.len());
        for src in source_paths {
            sources.push(self.word(src)?);
        }
        let dest = self.word(dest)?;
        // ExpandRaw: heredoc bodies with escape `\` and quotes kept.
        let raw = Lexer::new('\\').skip_process_quotes(true);
        for file in &mut contents {
            if file.expand {
                file.data = raw.process_word(&file.data, self.env).map_err(DecodeError::lex)?;
            }
        }

        Ok(CopyAdd {
            from: non_empty(from.to_string()),
            chown,
            chmod,
            link: flags.bool("link"),
            parents: !add && flags.bool("parents"),
            excludes: flags.strings("exclude").to_vec(),
            checksum,
            keep_git_dir: if add { flags.used_bool("keep-git-dir") } else { None },
            unpack: if add { flags.used_bool("unpack") } else { None },
            sources,
            heredoc_sources: contents,
            dest,
        })
    }

    fn from(&self) -> Result<Command, DecodeError> {
        let args = self.args();
        let name = match args {
            [_, as_word, name] if go_equal_fold(as_word, "as") => {
                let lower = go_to_lower(name);
                if !is_valid_stage_name(&lower) {
                    return Err(DecodeError::value(format!(
                        "invalid name for build stage: {}, name can't start with a number or contain symbols",
                        go_quote(name)
                    )));
                }
                Some(lower)
            }
            [_] => None,
            _ => return Err(DecodeError::args("FROM requires either one or three arguments")),
        };
        let flags = self.flags(&[("platform", FlagType::String(""))])?;
        let base = args.first().map(String::as_str).unwrap_or_default();
        let image = self.word(base)?;
        if image.is_empty() {
            return Err(DecodeError::value(format!("base name ({base}) should not be blank")));
        }
        let raw_platform = flags.string("platform");
        let platform = if raw_platform.is_empty() {
            None
        } else {
            let platform = self.lexer.process_word(raw_platform, self.env).map_err(|err| {
                let mut e = DecodeError::lex(err);
                e.message = format!("failed to process arguments for platform : {}", e.message);
                e
            })?;
            if platform.is_empty() {
                return Err(DecodeError::value(format!("empty platform value from expression {raw_platform}")));
            }
            Some(platform)
        };
        Ok(Command::From { image, platform, name })
    }

    fn onbuild(&self) -> Result<Command, DecodeError> {
        let Some(inner) = self.node.inner.as_deref() else {
            return Err(DecodeError::args("ONBUILD requires at least one argument"));
        };
        self.flags(&[])?;
        let trigger = inner.keyword.to_uppercase();
        match trigger.trim() {
            "ONBUILD" => {
                return Err(DecodeError::new(
                    DecodeErrorKind::OnBuild,
                    "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                ));
            }
            t @ ("MAINTAINER" | "FROM") => {
                return Err(DecodeError::new(
                    DecodeErrorKind::OnBuild,
                    format!("{t} isn't allowed as an ONBUILD trigger"),
                ));
            }
            _ => {}
        }
        // The parser attaches an ONBUILD trigger's heredocs to the ONBUILD node.
        let decoded = if inner.heredocs.is_empty() && !self.node.heredocs.is_empty() {
            let mut with_docs = inner.clone();
            with_docs.heredocs = self.node.heredocs.clone();
            decode(&with_docs, self.lexer.escape(), self.env)?
        } else {
            decode(inner, self.lexer.escape(), self.env)?
        };
        Ok(Command::OnBuild(Box::new(decoded)))
    }

    fn healthcheck(&self) -> Result<Healthcheck, DecodeError> {
        let Some((kind, rest)) = self.args().split_first() else {
            return Err(DecodeError::args("HEALTHCHECK requires at least one argument"));
        };
        let kind = kind.to_uppercase();
        if kind == "NONE" {
            // Flags are not even parsed for NONE.
            if !rest.is_empty() {
                return Err(DecodeError::args("HEALTHCHECK NONE takes no arguments"));
            }
            return Ok(Healthcheck::None);
        }
        let flags = self.flags(&[
            ("interval", FlagType::String("")),
            ("timeout", FlagType::String("")),
            ("start-period", FlagType::String("")),
            ("start-interval", FlagType::String("")),
            ("retries", FlagType::String("")),
        ])?;
        if kind != "CMD" {
            return Err(DecodeError::args(format!("Unknown type {} in HEALTHCHECK (try CMD)", go_quote(&kind))));
        }
        if rest.is_empty() {
            return Err(DecodeError::args("Missing command after HEALTHCHECK CMD"));
        }
        let test = shell_or_exec(rest, self.node.json);
        let interval = opt_interval("interval", flags.string("interval"))?;
        let timeout = opt_interval("timeout", flags.string("timeout"))?;
        let start_period = opt_interval("start-period", flags.string("start-period"))?;
        let start_interval = opt_interval("start-interval", flags.string("start-interval"))?;
        let retries = match flags.string("retries") {
            "" => 0,
            text => {
                let n = go_parse_int32(text).map_err(DecodeError::value)?;
                u32::try_from(n).map_err(|_| DecodeError::value(format!("--retries cannot be negative ({n})")))?
            }
        };
        Ok(Healthcheck::Cmd { test, interval, timeout, start_period, start_interval, retries })
    }
}

/// `handleJSONArgs` + `PrependShell`: exec form keeps the elements, shell form joins the
/// arguments with spaces.
fn shell_or_exec(args: &[String], json: bool) -> ShellOrExec {
    if json { ShellOrExec::Exec(args.to_vec()) } else { ShellOrExec::Shell(args.join(" ")) }
}

/// `errNotJSON`, with BuildKit's hint for unescaped Windows paths.
fn not_json(command: &str, original: &str) -> DecodeError {
    let lowered = go_to_lower(original).replace(&format!("{} ", go_to_lower(command)), "");
    let looks_like_path = {
        let chars: Vec<char> = lowered.chars().collect();
        chars.windows(4).any(|w| matches!(w, ['"', d, ':', '\\'] if d.is_ascii_lowercase()))
    };
    let extra = if looks_like_path && !lowered.contains("\\\\") && lowered.contains('[') && lowered.contains(']') {
        format!(
            ". It looks like '{lowered}' includes a file path without an escaped back-slash. \
             JSON requires back-slashes to be escaped such as [\"c:\\\\path\\\\to\\\\file.exe\", \"/action\"]"
        )
    } else {
        String::new()
    };
    DecodeError::args(format!("{command} requires the arguments to be in JSON form{extra}"))
}

/// `^[a-z][a-z0-9-_.]*$`
fn is_valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// Go `strings.EqualFold(s, "as")`: simple case folding, so `ſ` (U+017F) matches `s`.
fn go_equal_fold(s: &str, ascii_lower: &str) -> bool {
    let folds = |x: char, y: char| x.to_ascii_lowercase() == y || (y == 's' && x == '\u{17f}');
    s.chars().count() == ascii_lower.chars().count() && s.chars().zip(ascii_lower.chars()).all(|(x, y)| folds(x, y))
}

/// `parseOptInterval`: empty is 0, else a Go duration that is 0 or at least 1ms.
fn opt_interval(name: &str, value: &str) -> Result<Duration, DecodeError> {
    if value.is_empty() {
        return Ok(Duration::ZERO);
    }
    let nanos = go_parse_duration(value).map_err(DecodeError::value)?;
    if nanos == 0 {
        return Ok(Duration::ZERO);
    }
    match u64::try_from(nanos) {
        Ok(n) if n >= 1_000_000 => Ok(Duration::from_nanos(n)),
        _ => Err(DecodeError::value(format!("Interval {} cannot be less than 1ms", go_quote(name)))),
    }
}

/// `signal.ParseSignal` (moby/sys, Linux table): a non-zero number, or a name with or
/// without `SIG`, case-insensitive.
fn check_signal(raw: &str) -> Result<(), DecodeError> {
    let invalid = || DecodeError::value(format!("Invalid signal: {raw}"));
    if let Some(n) = go_atoi(raw) {
        return if n == 0 { Err(invalid()) } else { Ok(()) };
    }
    let upper = raw.to_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    const NAMES: &[&str] = &[
        "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL",
        "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1",
        "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX",
    ];
    let realtime = (1..=15).any(|k| name == format!("RTMIN+{k}")) || (1..=14).any(|k| name == format!("RTMAX-{k}"));
    if NAMES.contains(&name) || realtime { Ok(()) } else { Err(invalid()) }
}

// ---------------------------------------------------------------------------------------------
// bflag.go

#[derive(Debug, Clone, Copy)]
enum FlagType {
    Bool,
    /// A string flag with its default.
    String(&'static str),
    Strings,
}

#[derive(Debug)]
enum FlagValue {
    Bool(bool),
    String(String),
    Strings(Vec<String>),
}

/// The parsed flags of one instruction (`BFlags` after `Parse`).
#[derive(Debug)]
struct Flags {
    values: HashMap<&'static str, FlagValue>,
    used: Vec<&'static str>,
}

impl Flags {
    fn parse(args: &[String], defs: &[(&'static str, FlagType)]) -> Result<Flags, DecodeError> {
        let mut values: HashMap<&'static str, FlagValue> = defs
            .iter()
            .map(|(name, ty)| {
                let value = match ty {
                    FlagType::Bool => FlagValue::Bool(false),
                    FlagType::String(default) => FlagValue::String((*default).to_string()),
                    FlagType::Strings => FlagValue::Strings(Vec::new()),
                };
                (*name, value)
            })
            .collect();
        let mut used: Vec<&'static str> = Vec::new();
        for a in args {
            if a == "--" {
                // The end of the options (POSIX utility syntax guidelines).
                break;
            }
            let Some(body) = a.strip_prefix("--") else {
                return Err(DecodeError::flag(format!("arg should start with -- : {a}")));
            };
            let (arg, value) = match body.split_once('=') {
                Some((arg, value)) => (arg, Some(value)),
                None => (body, None),
            };
            let flag_name = format!("--{arg}");
            let Some(&(name, ty)) = defs.iter().find(|(name, _)| *name == arg) else {
                return Err(DecodeError::flag(format!("unknown flag: {flag_name}")));
            };
            if used.contains(&name) && !matches!(ty, FlagType::Strings) {
                return Err(DecodeError::flag(format!("duplicate flag specified: {flag_name}")));
            }
            used.push(name);
            let missing = || DecodeError::flag(format!("missing a value on flag: {flag_name}"));
            match (ty, values.get_mut(name)) {
                (FlagType::Bool, Some(slot)) => {
                    if value == Some("") {
                        return Err(missing());
                    }
                    let value = value.unwrap_or_default();
                    *slot = match value.to_lowercase().as_str() {
                        "true" | "" => FlagValue::Bool(true),
                        "false" => FlagValue::Bool(false),
                        _ => {
                            return Err(DecodeError::flag(format!(
                                "expecting boolean value for flag {flag_name}, not: {value}"
                            )));
                        }
                    };
                }
                (FlagType::String(_), Some(slot)) => {
                    *slot = FlagValue::String(value.ok_or_else(missing)?.to_string());
                }
                (FlagType::Strings, Some(FlagValue::Strings(list))) => {
                    list.push(value.ok_or_else(missing)?.to_string());
                }
                _ => {}
            }
        }
        Ok(Flags { values, used })
    }

    fn bool(&self, name: &str) -> bool {
        matches!(self.values.get(name), Some(FlagValue::Bool(true)))
    }

    /// The value of a boolean flag if it was given.
    fn used_bool(&self, name: &str) -> Option<bool> {
        self.used.contains(&name).then(|| self.bool(name))
    }

    fn string(&self, name: &str) -> &str {
        match self.values.get(name) {
            Some(FlagValue::String(s)) => s,
            _ => "",
        }
    }

    fn strings(&self, name: &str) -> &[String] {
        match self.values.get(name) {
            Some(FlagValue::Strings(list)) => list,
            _ => &[],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// commands_runmount.go

type Expander<'a> = &'a dyn Fn(&str) -> Result<String, DecodeError>;

const MOUNT_TYPES: &[&str] = &["bind", "cache", "tmpfs", "secret", "ssh"];

/// `parseMount`. Without an expander (parse time) only the CSV syntax and `from` are
/// checked and `None` is returned; with one (dispatch time) every value except `from` is
/// expanded, the mount validated and its fields returned.
fn parse_mount(val: &str, expander: Option<Expander<'_>>) -> Result<Option<Mount>, DecodeError> {
    let fields = csv_fields(val).map_err(|e| DecodeError::mount(format!("failed to parse csv mounts: {e}")))?;

    let mut ty = "bind".to_string();
    let mut has_from = false;
    let mut source = false;
    let mut target = false;
    let mut id = false;
    let mut sharing = false;
    let (mut mode, mut uid, mut gid) = (false, false, false);
    let mut out: Vec<(String, Option<String>)> = Vec::with_capacity(fields.len());

    for field in &fields {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (go_to_lower(k), Some(v)),
            None => (go_to_lower(field), None),
        };
        let Some(raw_value) = value else {
            let Some(_) = expander else {
                continue; // evaluate later
            };
            match key.as_str() {
                "readonly" | "ro" | "readwrite" | "rw" => {}
                "required" if ty == "secret" || ty == "ssh" => {}
                "required" => return Err(DecodeError::mount(format!("unexpected key '{key}' for mount type '{ty}'"))),
                _ => return Err(DecodeError::mount(format!("invalid field '{field}' must be a key=value pair"))),
            }
            out.push((key, None));
            continue;
        };

        // check for potential variable
        let value = match expander {
            // `from` is expanded too, but the stage it names was resolved from the value
            // as written (which cannot hold a variable), so that is the value kept.
            Some(expand) if key == "from" => {
                has_from = !expand(raw_value)?.is_empty();
                raw_value.to_string()
            }
            Some(expand) => expand(raw_value)?,
            None if key == "from" => {
                if let Some(idx) = raw_value.find('$') {
                    if idx != raw_value.len() - 1 {
                        return Err(DecodeError::mount(
                            "'from' doesn't support variable expansion, define alias stage instead",
                        ));
                    }
                }
                continue;
            }
            None => continue, // if we don't have an expander, defer evaluation to later
        };

        let bad_value = || DecodeError::mount(format!("invalid value for {key}: {value}"));
        let unexpected = |ty: &str| DecodeError::mount(format!("unexpected key '{key}' for mount type '{ty}'"));
        match key.as_str() {
            "type" => {
                let lower = go_to_lower(&value);
                if !MOUNT_TYPES.contains(&lower.as_str()) {
                    return Err(DecodeError::mount(format!("unsupported mount type {}", go_quote(&value))));
                }
                ty = lower;
            }
            "from" => {}
            "source" | "src" => source = !value.is_empty(),
            "target" | "dst" | "destination" => target = !value.is_empty(),
            "readonly" | "ro" | "readwrite" | "rw" => {
                go_parse_bool(&value).ok_or_else(bad_value)?;
            }
            "required" => {
                if ty != "secret" && ty != "ssh" {
                    return Err(unexpected(&ty));
                }
                go_parse_bool(&value).ok_or_else(bad_value)?;
            }
            "size" => {
                if ty != "tmpfs" {
                    return Err(unexpected(&ty));
                }
                ram_in_bytes(&value).ok_or_else(bad_value)?;
            }
            "id" => id = !value.is_empty(),
            "sharing" => {
                if !matches!(go_to_lower(&value).as_str(), "shared" | "private" | "locked") {
                    return Err(DecodeError::mount(format!("unsupported sharing value {}", go_quote(&value))));
                }
                sharing = true;
            }
            "mode" => {
                go_parse_uint32(&value, 8)
                    .ok_or_else(|| DecodeError::mount(format!("invalid value {value} for mode")))?;
                mode = true;
            }
            "uid" => {
                go_parse_uint32(&value, 10)
                    .ok_or_else(|| DecodeError::mount(format!("invalid value {value} for uid")))?;
                uid = true;
            }
            "gid" => {
                go_parse_uint32(&value, 10)
                    .ok_or_else(|| DecodeError::mount(format!("invalid value {value} for gid")))?;
                gid = true;
            }
            "env" => {}
            _ => {
                return Err(DecodeError::mount(format!("unexpected key '{key}' in '{field}'")));
            }
        }
        out.push((key, Some(value)));
    }

    if expander.is_none() {
        return Ok(None);
    }

    let file_info_allowed = matches!(ty.as_str(), "secret" | "ssh" | "cache");
    if !file_info_allowed {
        for (set, what) in [(mode, "mode"), (uid, "uid"), (gid, "gid")] {
            if set {
                return Err(DecodeError::mount(format!("{what} not allowed for {} type mounts", go_quote(&ty))));
            }
        }
    }
    if ty == "secret" {
        if has_from {
            return Err(DecodeError::mount("secret mount should not have a from"));
        }
        if sharing {
            return Err(DecodeError::mount("secret mount should not define sharing"));
        }
        if !source && !target && !id {
            return Err(DecodeError::mount("invalid secret mount. one of source, target required"));
        }
        if source && id {
            return Err(DecodeError::mount("both source and id can't be set"));
        }
    }
    if sharing && ty != "cache" {
        return Err(DecodeError::mount(format!("invalid cache sharing set for {ty} mount")));
    }
    Ok(Some(Mount { fields: out }))
}

/// `csvvalue.Fields` with the default parser (comma `,`, strict quotes): one CSV record.
fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    let mut line = line;
    if let Some(stripped) = line.strip_suffix('\n') {
        line = stripped.strip_suffix('\r').unwrap_or(stripped);
    }
    if line.is_empty() {
        return Err("EOF".to_string());
    }
    let parse_err = |pos: usize, quoted: bool| {
        let what = if quoted { "extraneous or missing \" in quoted-field" } else { "bare \" in non-quoted-field" };
        format!("parse error on line 1, column {}: {what}", pos + 1)
    };
    let mut fields: Vec<String> = Vec::new();
    let mut pos = 0usize;
    'field: loop {
        if !line.starts_with('"') {
            // Non-quoted field.
            let (field, rest) = match line.find(',') {
                Some(i) => (&line[..i], Some(&line[i + 1..])),
                None => (line, None),
            };
            if let Some(j) = field.find('"') {
                return Err(parse_err(pos + j, false));
            }
            fields.push(field.to_string());
            match rest {
                Some(rest) => {
                    pos += field.len() + 1;
                    line = rest;
                    continue 'field;
                }
                None => break 'field,
            }
        }
        // Quoted field.
        line = &line[1..];
        pos += 1;
        let mut half_open = false;
        loop {
            let Some(i) = line.find('"') else {
                return Err(parse_err(pos, true));
            };
            if half_open {
                if let Some(last) = fields.last_mut() {
                    last.push_str(&line[..i]);
                }
            } else {
                fields.push(line[..i].to_string());
            }
            line = &line[i + 1..];
            pos += i + 1;
            if let Some(rest) = line.strip_prefix('"') {
                // `""` is a quote.
                if let Some(last) = fields.last_mut() {
                    last.push('"');
                }
                line = rest;
                pos += 1;
                half_open = true;
            } else if let Some(rest) = line.strip_prefix(',') {
                line = rest;
                pos += 1;
                continue 'field;
            } else if line.is_empty() {
                break 'field;
            } else {
                return Err(parse_err(pos - 1, true));
            }
        }
    }
    Ok(fields)
}

/// go-units `RAMInBytes`: a non-negative number with an optional binary suffix
/// (`k`, `m`, `g`, `t`, `p`, optionally followed by `b` or `ib`, any case).
pub(crate) fn ram_in_bytes(size: &str) -> Option<i64> {
    let sep = size.rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')?;
    let (num, sfx) = if size.as_bytes().get(sep) == Some(&b' ') {
        (&size[..sep], &size[sep + 1..])
    } else {
        (&size[..=sep], &size[sep + 1..])
    };
    let value: f64 = num.parse().ok()?;
    if value < 0.0 || value.is_nan() {
        return None;
    }
    if sfx.is_empty() {
        return Some(value as i64);
    }
    if sfx.len() > 3 {
        return None;
    }
    let sfx = sfx.to_ascii_lowercase();
    let mut chars = sfx.chars();
    let first = chars.next()?;
    if first == 'b' {
        return (sfx.len() == 1).then_some(value as i64);
    }
    let power = match first {
        'k' => 1,
        'm' => 2,
        'g' => 3,
        't' => 4,
        'p' => 5,
        _ => return None,
    };
    let ok_rest = match sfx.len() {
        1 => true,
        2 => sfx.ends_with('b'),
        _ => sfx.get(1..) == Some("ib"),
    };
    ok_rest.then(|| (value * 1024f64.powi(power)) as i64)
}

// ---------------------------------------------------------------------------------------------
// Heredoc words (parser.ParseHeredoc / MustParseHeredoc) and ChompHeredocContent.

pub(crate) struct HeredocWord {
    pub(crate) name: String,
    pub(crate) expand: bool,
    pub(crate) chomp: bool,
}

/// `MustParseHeredoc`: `^(\d*)<<(-?)\s*([^<]*)$` with a single-word rest.
pub(crate) fn parse_heredoc_word(word: &str) -> Option<HeredocWord> {
    let after_digits = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let after = after_digits.strip_prefix("<<")?;
    let (chomp, after) = match after.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, after),
    };
    let rest = after.trim_start_matches(['\t', '\n', '\u{c}', '\r', ' ']);
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let lexer = Lexer::new('\\').skip_unset_env(true);
    let none = |_: &str| None;
    let words = lexer.process_words(rest, &none).ok()?;
    let [name] = words.as_slice() else {
        return None;
    };
    let raw = lexer.raw_quotes(true).process_words(rest, &none).ok()?;
    let [raw_name] = raw.as_slice() else {
        return None;
    };
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    Some(HeredocWord { name: name.clone(), expand: quotes(name) == quotes(raw_name), chomp })
}

/// `ChompHeredocContent`: leading tabs removed from every line.
pub(crate) fn chomp(content: &str) -> String {
    content.split_inclusive('\n').map(|line| line.trim_start_matches('\t')).collect()
}

// ---------------------------------------------------------------------------------------------
// Go standard library pieces.

/// `strconv.ParseBool`.
pub(crate) fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `strconv.ParseUint(s, base, 32)` for base 8 or 10.
pub(crate) fn go_parse_uint32(s: &str, base: u32) -> Option<u32> {
    if s.is_empty() || !s.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    u32::from_str_radix(s, base).ok()
}

/// `strconv.Atoi` (64-bit).
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// `strconv.ParseInt(s, 10, 32)` with Go's error messages.
fn go_parse_int32(s: &str) -> Result<i32, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.ParseInt: parsing {}: invalid syntax", go_quote(s)));
    }
    let negative = s.starts_with('-');
    let mut n: i64 = 0;
    for b in digits.bytes() {
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    let n = if negative { -n } else { n };
    i32::try_from(n).map_err(|_| format!("strconv.ParseInt: parsing {}: value out of range", go_quote(s)))
}

/// `time.ParseDuration`, in nanoseconds, with Go's error messages.
fn go_parse_duration(orig: &str) -> Result<i64, String> {
    const MAX: u64 = 1 << 63;
    let invalid = || format!("time: invalid duration {}", time_quote(orig));
    let mut s = orig.as_bytes();
    let mut neg = false;
    if let Some((&c, rest)) = s.split_first() {
        if c == b'-' || c == b'+' {
            neg = c == b'-';
            s = rest;
        }
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: u64 = 0;
    while !s.is_empty() {
        // The next character must be [0-9.]
        if !matches!(s.first(), Some(b'.' | b'0'..=b'9')) {
            return Err(invalid());
        }
        // Consume [0-9]*
        let before = s.len();
        let mut v: u64 = 0;
        let mut i = 0;
        while let Some(&c) = s.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            if v > MAX / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(c - b'0');
            if v > MAX {
                return Err(invalid());
            }
            i += 1;
        }
        s = s.get(i..).unwrap_or_default();
        let pre = before != s.len();

        // Consume (\.[0-9]*)?
        let mut post = false;
        let (mut f, mut scale) = (0u64, 1f64);
        if s.first() == Some(&b'.') {
            s = s.get(1..).unwrap_or_default();
            let before = s.len();
            let mut overflow = false;
            let mut i = 0;
            while let Some(&c) = s.get(i) {
                if !c.is_ascii_digit() {
                    break;
                }
                i += 1;
                if overflow {
                    continue;
                }
                if f > (MAX - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + u64::from(c - b'0');
                if y > MAX {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            s = s.get(i..).unwrap_or_default();
            post = before != s.len();
        }
        if !pre && !post {
            return Err(invalid());
        }

        // Consume unit.
        let i = s.iter().position(|&c| c == b'.' || c.is_ascii_digit()).unwrap_or(s.len());
        if i == 0 {
            return Err(format!("time: missing unit in duration {}", time_quote(orig)));
        }
        let (u, rest) = s.split_at(i);
        s = rest;
        let unit: u64 = match u {
            b"ns" => 1,
            // "us", "µs" (U+00B5) and "μs" (U+03BC)
            b"us" | b"\xc2\xb5s" | b"\xce\xbcs" => 1_000,
            b"ms" => 1_000_000,
            b"s" => 1_000_000_000,
            b"m" => 60_000_000_000,
            b"h" => 3_600_000_000_000,
            _ => {
                let u = String::from_utf8_lossy(u);
                return Err(format!("time: unknown unit {} in duration {}", time_quote(&u), time_quote(orig)));
            }
        };
        if v > MAX / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > MAX {
                return Err(invalid());
            }
        }
        d += v;
        if d > MAX {
            return Err(invalid());
        }
    }
    if neg {
        // d <= 1<<63, so -d fits.
        return Ok(0i64.wrapping_sub_unsigned(d));
    }
    i64::try_from(d).map_err(|_| invalid())
}

/// The `quote` of Go's `time` package: `"` and `\` escaped, bytes of non-ASCII and control
/// characters as `\xHH`.
fn time_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if !c.is_ascii() || (c as u32) < 0x20 {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_are_exactly_what_decode_knows() {
        let unknown = |keyword: &str| {
            let args = match keyword.to_ascii_uppercase().as_str() {
                "HEALTHCHECK" => "NONE",
                "ONBUILD" => "RUN x",
                _ => "a=b",
            };
            let parsed = crate::import::parse(&format!("{keyword} {args}\n"));
            assert_eq!(parsed.ast.nodes.len(), 1, "{keyword} {args}: {:?}", parsed.errors);
            matches!(
                decode(&parsed.ast.nodes[0], '\\', &|_| None),
                Err(err) if err.kind() == DecodeErrorKind::UnknownInstruction
            )
        };
        for keyword in INSTRUCTIONS {
            assert!(!unknown(keyword), "{keyword}");
            assert!(!unknown(&keyword.to_ascii_lowercase()), "{keyword}");
        }
        for keyword in ["RUNN", "COPYY", "ENTRY", "IMPORT", "INCLUDE"] {
            assert!(unknown(keyword), "{keyword}");
        }
    }

    #[test]
    fn durations_follow_go() {
        assert_eq!(go_parse_duration("1h2m3.5s"), Ok(3_723_500_000_000));
        assert_eq!(go_parse_duration("1.5ms"), Ok(1_500_000));
        assert_eq!(go_parse_duration(".5s"), Ok(500_000_000));
        assert_eq!(go_parse_duration("-1s"), Ok(-1_000_000_000));
        assert_eq!(go_parse_duration("0"), Ok(0));
        assert_eq!(go_parse_duration("1µs"), Ok(1_000));
        assert_eq!(go_parse_duration("30").unwrap_err(), "time: missing unit in duration \"30\"");
        assert_eq!(go_parse_duration("").unwrap_err(), "time: invalid duration \"\"");
        assert_eq!(go_parse_duration("1x").unwrap_err(), "time: unknown unit \"x\" in duration \"1x\"");
        assert_eq!(go_parse_duration(".s").unwrap_err(), "time: invalid duration \".s\"");
        assert!(go_parse_duration("9999999999h").is_err());
    }

    #[test]
    fn csv_follows_go_csvvalue() {
        let ok = |s: &str| csv_fields(s).unwrap();
        assert_eq!(ok("foo,bar,baz"), ["foo", "bar", "baz"]);
        assert_eq!(ok("foo,bar,baz\r\n"), ["foo", "bar", "baz"]);
        assert_eq!(ok(" "), [" "]);
        assert_eq!(ok(r#"a,"b,cc ,ddd",e"#), ["a", "b,cc ,ddd", "e"]);
        assert_eq!(ok(r#""""#), [""]);
        assert_eq!(ok(r#"a,"foo""",c"#), ["a", "foo\"", "c"]);
        assert_eq!(ok("a,,b"), ["a", "", "b"]);
        assert_eq!(ok("a,b,"), ["a", "b", ""]);
        assert_eq!(ok(",,"), ["", "", ""]);
        assert_eq!(csv_fields("").unwrap_err(), "EOF");
        assert_eq!(csv_fields("\n").unwrap_err(), "EOF");
        let err = |s: &str| csv_fields(s).unwrap_err();
        assert_eq!(err("\""), "parse error on line 1, column 2: extraneous or missing \" in quoted-field");
        assert_eq!(err("\"\"\""), "parse error on line 1, column 4: extraneous or missing \" in quoted-field");
        assert_eq!(err("foo,aa\"bb,cc"), "parse error on line 1, column 7: bare \" in non-quoted-field");
        assert_eq!(err("a \"word\",\"b\""), "parse error on line 1, column 3: bare \" in non-quoted-field");
        assert_eq!(err("\"a word\",b\""), "parse error on line 1, column 11: bare \" in non-quoted-field");
        assert_eq!(
            err("\"a \"word\",\"b\""),
            "parse error on line 1, column 4: extraneous or missing \" in quoted-field"
        );
    }

    #[test]
    fn sizes_follow_go_units() {
        assert_eq!(ram_in_bytes("64m"), Some(64 << 20));
        assert_eq!(ram_in_bytes("1GiB"), Some(1 << 30));
        assert_eq!(ram_in_bytes("1 kb"), Some(1024));
        assert_eq!(ram_in_bytes("32"), Some(32));
        assert_eq!(ram_in_bytes("1.5k"), Some(1536));
        assert_eq!(ram_in_bytes("1x"), None);
        assert_eq!(ram_in_bytes("m"), None);
        assert_eq!(ram_in_bytes("-1"), None);
        assert_eq!(ram_in_bytes("1kib2"), None); // the number runs to the last digit
    }

    #[test]
    fn signals_follow_moby_sys() {
        for ok in ["SIGTERM", "term", "9", "-1", "RTMIN+15", "SIGRTMAX-14", "sigrtmax"] {
            assert!(check_signal(ok).is_ok(), "{ok}");
        }
        for bad in ["", "0", "SIGFOO", "RTMAX-15", "RTMIN+16", "RTMIN+01x"] {
            assert!(check_signal(bad).is_err(), "{bad}");
        }
    }
}
