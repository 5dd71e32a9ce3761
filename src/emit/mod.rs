//! The only producer of Dockerfile text.
//!
//! [`emit`] walks a [`Dockerfile`] and writes canonical, deterministic text: keywords are fixed strings,
//! and every piece of user data goes through `escape`, the only module that quotes. Emitting cannot
//! fail: the model's types already refuse anything that cannot be written. Shell text that cannot sit on
//! one line unchanged becomes a heredoc, and text that cannot be a heredoc either becomes the exact
//! exec-form equivalent (`["/bin/sh", "-c", text]`, using the stage's `SHELL`).

pub(crate) mod escape;

// The lowering (`import::lower`) reads back what these decide, so that what it makes is written the way it was read.
pub use escape::{could_be_directive, is_heredoc_body, is_one_line_shell};

use std::collections::HashMap;
use std::fmt::{Display, Write as _};

use crate::model::{
    Add, BaseImage, Command, Copy, Dockerfile, FromInstruction, FromSource, Healthcheck, Instruction, MAX_LINE, Mount,
    Run, ShellScript, Source, Stage,
};

/// The shell BuildKit uses for shell-form instructions on Linux when no `SHELL` is set.
const DEFAULT_SHELL: [&str; 2] = ["/bin/sh", "-c"];

/// Writes `dockerfile` as Dockerfile text.
///
/// ```
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(
///     Stage::new("app", Base::debian("bookworm-slim"))
///         .env("GREETING", "hello \"world\" for $5")
///         .run("echo \"$GREETING\"")
///         .cmd(["echo", "done"]),
/// );
/// assert_eq!(
///     image.emit().unwrap(),
///     "FROM debian:bookworm-slim AS app\n\
///      ENV GREETING=\"hello \\\"world\\\" for \\$5\"\n\
///      RUN echo \"$GREETING\"\n\
///      CMD [\"echo\", \"done\"]\n"
/// );
/// ```
pub fn emit(dockerfile: &Dockerfile) -> String {
    Writer::write(dockerfile).out
}

/// The instructions [`emit`] writes with a heredoc (`RUN <<EOF`, `COPY <<EOF`), as (stage index,
/// instruction index) pairs in file order: what needs Dockerfile frontend 1.4 or later.
///
/// ```
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).run("true").run("set -e\necho one\necho two").file("/etc/motd", "hi\n"));
/// assert_eq!(dockwright::emit::heredocs(&image.to_model().unwrap()), [(0, 1), (0, 2)]);
/// ```
pub fn heredocs(dockerfile: &Dockerfile) -> Vec<(usize, usize)> {
    Writer::write(dockerfile).heredocs
}

/// Writes a `.dockerignore` file: one pattern per line, in order.
///
/// ```
/// assert_eq!(dockwright::emit::dockerignore(&[".git", "**/__pycache__"]), ".git\n**/__pycache__\n");
/// ```
pub fn dockerignore<S: AsRef<str>>(patterns: &[S]) -> String {
    let mut out = String::new();
    for pattern in patterns {
        out.push_str(pattern.as_ref());
        out.push('\n');
    }
    out
}

struct Writer {
    out: String,
    escape: char,
    /// The SHELL in force at the end of each named stage, for stages built FROM it.
    shells: HashMap<String, Vec<String>>,
    /// The SHELL in force now.
    shell: Vec<String>,
    /// Writing the long form of an instruction: one with a line longer than BuildKit reads, so it is
    /// written in a form that can be wrapped (see [`escape::wrap`]).
    long: bool,
    /// The instruction being written ends in a heredoc.
    heredoc: bool,
    /// The stage being written, and how many of its instructions are written.
    at: (usize, usize),
    /// The instructions written with a heredoc, as (stage, instruction).
    heredocs: Vec<(usize, usize)>,
}

impl Writer {
    fn write(dockerfile: &Dockerfile) -> Writer {
        // About 48 bytes an instruction: one allocation for most files.
        let instructions: usize = dockerfile.stages.iter().map(|stage| stage.instructions.len() + 1).sum();
        let mut writer = Writer {
            out: String::with_capacity((instructions + dockerfile.args.len()) * 48),
            escape: dockerfile.directives.escape.char(),
            shells: HashMap::new(),
            shell: DEFAULT_SHELL.iter().map(|s| s.to_string()).collect(),
            long: false,
            heredoc: false,
            at: (0, 0),
            heredocs: Vec::new(),
        };
        writer.dockerfile(dockerfile);
        writer
    }

    fn dockerfile(&mut self, dockerfile: &Dockerfile) {
        let directives = &dockerfile.directives;
        let mut header = false;
        if let Some(syntax) = &directives.syntax {
            self.line(&format!("# syntax={syntax}"));
            header = true;
        }
        if self.escape != '\\' {
            self.line(&format!("# escape={}", self.escape));
            header = true;
        }
        if let Some(check) = &directives.check {
            self.line(&format!("# check={}", check.as_str()));
            header = true;
        }
        if header {
            self.out.push('\n');
        }
        if let Some(comment) = &dockerfile.comment {
            self.comment(comment.as_str());
            self.out.push('\n');
        }
        for arg in &dockerfile.args {
            self.instruction(&Instruction::Arg(arg.clone()));
        }
        if !dockerfile.args.is_empty() {
            self.out.push('\n');
        }
        for (index, stage) in dockerfile.stages.iter().enumerate() {
            if index > 0 {
                self.out.push('\n');
            }
            self.at = (index, 0);
            self.stage(stage);
        }
        // With no directive header, the file may start with the user's comment: if BuildKit could take
        // its first line for a parser directive, an empty comment line goes first and ends the
        // directives (BuildKit reads them only up to the first line that is not one).
        if !header && self.out.lines().next().is_some_and(escape::could_be_directive) {
            self.out.insert_str(0, "#\n");
        }
    }

    fn stage(&mut self, stage: &Stage) {
        self.shell = match &stage.from.base {
            BaseImage::Stage(name) => self.shells.get(name.as_str()).cloned(),
            BaseImage::Image(_) | BaseImage::Template(_) => None,
        }
        .unwrap_or_else(|| DEFAULT_SHELL.iter().map(|s| s.to_string()).collect());
        if let Some(comment) = &stage.comment {
            self.comment(comment.as_str());
        }
        self.from(&stage.from);
        for instruction in &stage.instructions {
            self.instruction(instruction);
        }
        if let Some(name) = &stage.from.name {
            self.shells.insert(name.as_str().to_string(), self.shell.clone());
        }
    }

    fn from(&mut self, from: &FromInstruction) {
        let mut line = String::from("FROM ");
        if let Some(platform) = &from.platform {
            line.push_str(&format!("--platform={platform} "));
        }
        // Written as is: references and templates hold no character BuildKit's lexer treats specially,
        // except a template's `${NAME}`, which is there to be expanded.
        line.push_str(&from.base.to_string());
        if let Some(name) = &from.name {
            line.push_str(" AS ");
            line.push_str(name.as_str());
        }
        self.line(&line);
    }

    fn instruction(&mut self, instruction: &Instruction) {
        self.heredoc = false;
        let mut text = self.render(instruction);
        if text.len() > MAX_LINE && text.split('\n').any(|line| line.len() > MAX_LINE) {
            self.long = true;
            self.heredoc = false;
            text = escape::wrap(&self.render(instruction), self.escape, self.heredoc);
            self.long = false;
        }
        self.out.push_str(&text);
        self.out.push('\n');
        if self.heredoc {
            self.heredocs.push(self.at);
        }
        self.at.1 += 1;
    }

    /// The text of one instruction, without its final newline (it may span several lines).
    fn render(&mut self, instruction: &Instruction) -> String {
        let (e, long) = (self.escape, self.long);
        match instruction {
            Instruction::Run(run) => self.run(run),
            Instruction::Copy(copy) => self.copy(copy),
            Instruction::Add(add) => self.add(add),
            Instruction::Env(env) => self.continued("ENV ", &env.vars, |text, (name, value)| {
                text.extend([name.as_str(), "=", &escape::value(value, e, long)]);
            }),
            Instruction::Arg(arg) => match &arg.default {
                Some(default) => format!("ARG {}={}", arg.name, escape::value(default, e, long)),
                None => format!("ARG {}", arg.name),
            },
            Instruction::Label(label) => self.continued("LABEL ", &label.labels, |text, (key, value)| {
                text.extend([&escape::label_key(key.as_str(), e, long), "=", &escape::value(value, e, long)]);
            }),
            Instruction::User(user) => format!("USER {}", user.user),
            Instruction::Workdir(workdir) => ["WORKDIR ", &escape::value(&workdir.path, e, long)].concat(),
            Instruction::Expose(expose) => {
                let ports: Vec<String> = expose
                    .ports
                    .iter()
                    .map(|port| match port.protocol() {
                        crate::model::Protocol::Tcp => port.to_string().trim_end_matches("/tcp").to_string(),
                        _ => port.to_string(),
                    })
                    .collect();
                format!("EXPOSE {}", ports.join(" "))
            }
            Instruction::Volume(volume) => {
                format!("VOLUME {}", escape::path_array(volume.paths.iter().map(|p| p.as_str()), e, long))
            }
            Instruction::Healthcheck(Healthcheck::None) => "HEALTHCHECK NONE".to_string(),
            Instruction::Healthcheck(Healthcheck::Check { options, command }) => {
                let mut line = with_head("HEALTHCHECK ");
                let flags = [
                    ("interval", shown(&options.interval)),
                    ("timeout", shown(&options.timeout)),
                    ("start-period", shown(&options.start_period)),
                    ("start-interval", shown(&options.start_interval)),
                    ("retries", shown(&options.retries)),
                ];
                for (name, value) in flags {
                    if let Some(value) = value {
                        push_display(&mut line, &["--", name, "="], value);
                        line.push(' ');
                    }
                }
                line.push_str("CMD ");
                line.push_str(&self.single_line_command(command));
                line
            }
            Instruction::Cmd(cmd) => ["CMD ", &self.single_line_command(&cmd.command)].concat(),
            Instruction::Entrypoint(entrypoint) => {
                format!("ENTRYPOINT {}", self.single_line_command(&entrypoint.command))
            }
            Instruction::Shell(shell) => {
                self.shell = shell.argv.iter().map(|a| a.as_str().to_string()).collect();
                format!("SHELL {}", escape::json_array(shell.argv.iter().map(|a| a.as_str()), long))
            }
            Instruction::StopSignal(stop) => format!("STOPSIGNAL {}", stop.signal),
            Instruction::OnBuild(onbuild) => {
                let saved = self.shell.clone();
                let trigger = self.render(&onbuild.trigger);
                self.shell = saved;
                format!("ONBUILD {trigger}")
            }
            Instruction::Comment(comment) => {
                let mut text = String::new();
                for (index, line) in comment.text.as_str().split(['\n', '\r']).enumerate() {
                    if index > 0 {
                        text.push('\n');
                    }
                    text.push_str(&comment_line(line));
                }
                text
            }
            Instruction::Raw(raw) => format!("{} {}", raw.keyword, raw.args),
        }
    }

    fn run(&mut self, run: &Run) -> String {
        let mut head = with_head("RUN ");
        for mount in &run.mounts {
            head.push_str("--mount=");
            mount_options(&mut head, mount);
            head.push(' ');
        }
        if let Some(network) = run.network {
            head.extend(["--network=", network.as_str(), " "]);
        }
        if let Some(security) = run.security {
            head.extend(["--security=", security.as_str(), " "]);
        }
        let e = self.escape;
        match &run.command {
            Command::Exec(argv) => head + &escape::json_array(argv.iter().map(|a| a.as_str()), self.long),
            Command::Shell(ShellScript::Steps(steps))
                if steps.len() > 1 && steps.iter().all(|s| self.is_one_line_shell(s.as_str())) =>
            {
                let steps: Vec<&str> = steps.iter().map(|s| s.as_str()).collect();
                let mut text = head + steps[0];
                for step in &steps[1..] {
                    text.push(' ');
                    text.push(e);
                    text.extend(["\n && ", step]);
                }
                text
            }
            Command::Shell(script @ ShellScript::Script(_)) => {
                let body = script.shell_text();
                if escape::is_heredoc_body(&body) {
                    self.heredoc = true;
                    heredoc_run(head, &body)
                } else {
                    head + &self.exec_shell(&body)
                }
            }
            Command::Shell(script) => {
                let text = script.shell_text();
                if self.is_one_line_shell(&text) {
                    head + &text
                } else if escape::is_heredoc_body(&text) {
                    self.heredoc = true;
                    heredoc_run(head, &text)
                } else {
                    head + &self.exec_shell(&text)
                }
            }
        }
    }

    /// A command for CMD, ENTRYPOINT or HEALTHCHECK, which have no heredocs: one-line shell form when
    /// that is exact, otherwise the exec form the shell form would have produced.
    fn single_line_command(&self, command: &Command) -> String {
        match command {
            Command::Exec(argv) => escape::json_array(argv.iter().map(|a| a.as_str()), self.long),
            Command::Shell(script) => {
                let text = script.shell_text();
                if self.is_one_line_shell(&text) { text } else { self.exec_shell(&text) }
            }
        }
    }

    /// Whether `text` can follow its keyword on one line; in the long form, also short enough that the
    /// line needs no wrapping (shell text cannot always be broken exactly, its exec form can).
    fn is_one_line_shell(&self, text: &str) -> bool {
        escape::is_one_line_shell(text, self.escape) && (!self.long || text.len() <= escape::WRAP_AT)
    }

    fn exec_shell(&self, text: &str) -> String {
        escape::json_array(self.shell.iter().map(String::as_str).chain([text]), self.long)
    }

    fn copy(&mut self, copy: &Copy) -> String {
        let mut head = with_head("COPY ");
        if let Some(from) = &copy.from {
            head.extend(["--from=", &from_source(from), " "]);
        }
        if let Some(chown) = &copy.chown {
            push_display(&mut head, &["--chown="], chown);
            head.push(' ');
        }
        if let Some(chmod) = &copy.chmod {
            push_display(&mut head, &["--chmod="], chmod);
            head.push(' ');
        }
        if copy.link {
            head.push_str("--link ");
        }
        if copy.parents {
            head.push_str("--parents ");
        }
        for exclude in &copy.excludes {
            head.push_str(&format!("--exclude={exclude} "));
        }
        self.sources(head, &copy.sources, copy.dest.as_str())
    }

    fn add(&mut self, add: &Add) -> String {
        let mut head = with_head("ADD ");
        if let Some(chown) = &add.chown {
            head.push_str(&format!("--chown={chown} "));
        }
        if let Some(chmod) = &add.chmod {
            head.push_str(&format!("--chmod={chmod} "));
        }
        if add.link {
            head.push_str("--link ");
        }
        if let Some(checksum) = &add.checksum {
            head.push_str(&format!("--checksum={checksum} "));
        }
        if add.keep_git_dir {
            head.push_str("--keep-git-dir ");
        }
        if let Some(unpack) = add.unpack {
            head.push_str(&format!("--unpack={unpack} "));
        }
        for exclude in &add.excludes {
            head.push_str(&format!("--exclude={exclude} "));
        }
        self.sources(head, &add.sources, add.dest.as_str())
    }

    fn sources(&mut self, head: String, sources: &[Source], dest: &str) -> String {
        let e = self.escape;
        if let [Source::Inline(content)] = sources {
            let body = content.as_str().strip_suffix('\n').unwrap_or(content.as_str());
            let delimiter = escape::heredoc_delimiter(body);
            self.heredoc = true;
            let mut text = format!("{head}<<'{delimiter}' {}\n", escape::lexed_path(dest, e));
            if !content.as_str().is_empty() {
                text.push_str(body);
                text.push('\n');
            }
            text.push_str(&delimiter);
            return text;
        }
        let paths = sources
            .iter()
            .map(|source| match source {
                Source::Path(path) => path.as_str(),
                Source::Inline(content) => content.as_str(),
            })
            .chain([dest]);
        head + &escape::path_array(paths, e, self.long)
    }

    /// An instruction whose items (each written by `write`) are written one per line, indented, with
    /// continuations when there are several.
    fn continued<T>(
        &self,
        head: &str,
        items: impl IntoIterator<Item = T>,
        mut write: impl FnMut(&mut String, T),
    ) -> String {
        let mut text = with_head(head);
        for (index, item) in items.into_iter().enumerate() {
            if index > 0 {
                text.push(' ');
                text.push(self.escape);
                text.push_str("\n    ");
            }
            write(&mut text, item);
        }
        text
    }

    fn comment(&mut self, text: &str) {
        for line in text.split(['\n', '\r']) {
            let line = comment_line(line);
            self.line(&line);
        }
    }

    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }
}

fn comment_line(line: &str) -> String {
    if line.is_empty() { "#".to_string() } else { format!("# {line}") }
}

fn heredoc_run(head: String, body: &str) -> String {
    let delimiter = escape::heredoc_delimiter(body);
    [&head, "<<", &delimiter, "\n", body, "\n", &delimiter].concat()
}

/// A string for an instruction's text, starting with `head`, with room for a usual line.
fn with_head(head: &str) -> String {
    let mut text = String::with_capacity(256);
    text.push_str(head);
    text
}

fn from_source(from: &FromSource) -> String {
    from.to_string()
}

/// Appends the comma-separated options of a `--mount` flag. Every value is a safe-charset type, so no
/// quoting, CSV or lexer layer can change it.
fn mount_options(out: &mut String, mount: &Mount) {
    let mut options = MountOptions { out, first: true };
    let mut push = |key: &str, value: Option<&dyn Display>| options.push(key, value);
    match mount {
        Mount::Bind { target, source, from, rw } => {
            push("type", Some(&"bind"));
            push("target", Some(target));
            push("source", shown(source));
            push("from", shown(from));
            options.flag("rw", *rw);
        }
        Mount::Cache { target, id, sharing, from, source, mode, uid, gid, readonly } => {
            push("type", Some(&"cache"));
            push("target", Some(target));
            push("id", shown(id));
            push("sharing", shown(&sharing.map(|s| s.as_str())));
            push("from", shown(from));
            push("source", shown(source));
            push("mode", shown(mode));
            push("uid", shown(uid));
            push("gid", shown(gid));
            options.flag("ro", *readonly);
        }
        Mount::Tmpfs { target, size } => {
            push("type", Some(&"tmpfs"));
            push("target", Some(target));
            push("size", shown(size));
        }
        Mount::Secret { id, target, env, required, mode, uid, gid } => {
            push("type", Some(&"secret"));
            push("id", shown(id));
            push("target", shown(target));
            push("env", shown(env));
            push("mode", shown(mode));
            push("uid", shown(uid));
            push("gid", shown(gid));
            options.flag("required", *required);
        }
        Mount::Ssh { id, target, required, mode, uid, gid } => {
            push("type", Some(&"ssh"));
            push("id", shown(id));
            push("target", shown(target));
            push("mode", shown(mode));
            push("uid", shown(uid));
            push("gid", shown(gid));
            options.flag("required", *required);
        }
    }
}

/// The options of a `--mount` flag being written, comma-separated.
struct MountOptions<'a> {
    out: &'a mut String,
    first: bool,
}

impl MountOptions<'_> {
    fn push(&mut self, key: &str, value: Option<&dyn Display>) {
        if let Some(value) = value {
            self.separate();
            push_display(self.out, &[key, "="], value);
        }
    }

    fn flag(&mut self, name: &str, on: bool) {
        if on {
            self.separate();
            self.out.push_str(name);
        }
    }

    fn separate(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }
}

/// An optional value, to be displayed.
fn shown<T: Display>(value: &Option<T>) -> Option<&dyn Display> {
    value.as_ref().map(|value| value as &dyn Display)
}

/// Appends `pieces`, then `value` as it displays itself.
fn push_display(out: &mut String, pieces: &[&str], value: &dyn Display) {
    out.extend(pieces.iter().copied());
    // Writing to a `String` cannot fail.
    let _ = write!(out, "{value}");
}
