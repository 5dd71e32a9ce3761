//! The one reader of `RUN` shell text: a script split into commands, each into words with quotes
//! removed, and a clear mark wherever the text does something this reader does not follow.
//!
//! It reads the POSIX shell language (`/bin/sh -c`, the default shell of a `RUN`) as far as the
//! optimizer, the estimator and the lints need, and no further:
//!
//! - commands are separated by `&&`, `||`, `|`, `;`, `&` and newlines, outside quotes; a newline
//!   right after `&&`, `||` or `|` continues the list, as in the shell;
//! - words are split at unquoted blanks; `'…'` keeps everything, `"…"` keeps everything but `$`,
//!   `` ` `` and `\` before `$ ` `` ` `` `" \` and newline; an unquoted `\` quotes the next character;
//!   `\` + newline disappears; an unquoted `#` at the start of a word starts a comment;
//! - leading `NAME=value` words are assignments, kept apart from the command's words;
//! - redirections (`>`, `>>`, `<`, `2>&1`, ...) are read with their target and kept apart too.
//!
//! It never guesses: what it does not follow is [`Opaque`] on the command (a parameter expansion,
//! command substitution, subshell, brace group, compound command such as `if` or `for`, background
//! job, heredoc) or on the script (an unterminated quote). A word's text keeps an expansion as written
//! (`$HOME/x` for `"$HOME"/x`) and says so ([`Word::expands`]), so a reader can name what it could not
//! resolve. A command is [`simple`](ShellCommand::is_simple) when nothing in it is opaque and it has
//! no redirection; [`Script::simple_list`] is the list of simple commands joined by `&&`, `;` or
//! newlines that passes may reason about.
//!
//! This is a different language from BuildKit's Dockerfile word lexer ([`Lexer`](super::Lexer)),
//! which reads instruction arguments (and the heredoc openers of a `RUN` line) and is not a shell.
//!
//! ```
//! use dockwright::import::shell::{Joined, Script};
//!
//! let script = Script::read("apt-get update && apt-get install -y 'curl' \\\n  ca-certificates; echo done > /tmp/log");
//! let words: Vec<Vec<&str>> = script.commands().iter().map(|c| c.words().collect()).collect();
//! assert_eq!(words, [vec!["apt-get", "update"], vec!["apt-get", "install", "-y", "curl", "ca-certificates"], vec!["echo", "done"]]);
//! let joined: Vec<Joined> = script.commands().iter().map(|c| c.joined).collect();
//! assert_eq!(joined, [Joined::Start, Joined::And, Joined::Sequence]);
//! assert_eq!(script.commands()[2].redirections[0].target.text, "/tmp/log");
//! assert!(script.simple_list().is_none()); // the redirection
//! ```

use std::fmt;

/// A shell script read into commands.
///
/// ```
/// use dockwright::import::shell::Script;
///
/// let script = Script::read("echo 'unterminated");
/// assert_eq!(script.opaque(), [dockwright::import::shell::Opaque::Unterminated]);
/// assert!(script.simple_list().is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    commands: Vec<ShellCommand>,
    opaque: Vec<Opaque>,
}

impl Script {
    /// Reads `text` as `/bin/sh -c` would split it. Never fails: what it cannot follow is marked.
    ///
    /// ```
    /// use dockwright::import::shell::Script;
    ///
    /// let script = Script::read("A=1 B=\"two words\" /opt/venv/bin/pip install -r r.txt  # why");
    /// let pip = &script.commands()[0];
    /// assert_eq!(pip.assignments.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["A=1", "B=two words"]);
    /// assert_eq!((pip.program(), pip.tool()), (Some("/opt/venv/bin/pip"), Some("pip")));
    /// assert_eq!(pip.args().collect::<Vec<_>>(), ["install", "-r", "r.txt"]);
    /// assert_eq!(pip.text, "A=1 B=\"two words\" /opt/venv/bin/pip install -r r.txt");
    /// ```
    pub fn read(text: &str) -> Script {
        Reader::new(text, &mut Spare::default()).script()
    }

    /// [`Script::read`], making the script's strings and lists from `spare`'s buffers where it has
    /// them: for a reader of many scripts in turn, which gives each back ([`Spare::recycle`]) when
    /// done with it.
    pub(crate) fn read_with(text: &str, spare: &mut Spare) -> Script {
        Reader::new(text, spare).script()
    }

    /// A script made of one command whose words are exactly `argv` (an exec-form `RUN`): nothing is
    /// split, unquoted or expanded.
    ///
    /// ```
    /// use dockwright::import::shell::Script;
    ///
    /// let script = Script::from_argv(["apt-get", "install", "a b"]);
    /// assert_eq!(script.commands()[0].args().collect::<Vec<_>>(), ["install", "a b"]);
    /// assert_eq!(script.commands()[0].text, "apt-get install a b");
    /// ```
    pub fn from_argv<I, S>(argv: I) -> Script
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let words: Vec<Word> = argv
            .into_iter()
            .map(|text| Word { text: text.into(), quoted: true, expands: false, pattern: false })
            .collect();
        if words.is_empty() {
            return Script::default();
        }
        let text = words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
        let command = ShellCommand {
            text,
            joined: Joined::Start,
            assignments: Vec::new(),
            words,
            redirections: Vec::new(),
            opaque: Vec::new(),
        };
        Script { commands: vec![command], opaque: Vec::new() }
    }

    /// The commands, in order (empty commands and comments left out).
    ///
    /// ```
    /// use dockwright::import::shell::Script;
    ///
    /// assert_eq!(Script::read("# nothing\n\n true ;").commands().len(), 1);
    /// ```
    pub fn commands(&self) -> &[ShellCommand] {
        &self.commands
    }

    /// What makes the script as a whole unreadable (an unterminated quote, a stray operator).
    ///
    /// ```
    /// use dockwright::import::shell::{Opaque, Script};
    ///
    /// assert_eq!(Script::read("&& true").opaque(), [Opaque::Syntax]);
    /// assert!(Script::read("true").opaque().is_empty());
    /// ```
    pub fn opaque(&self) -> &[Opaque] {
        &self.opaque
    }

    /// The commands when the script is a plain list: every command [simple](ShellCommand::is_simple)
    /// and joined by `&&`, `;` or newlines only (no `||`, pipes or background jobs), and nothing opaque.
    ///
    /// ```
    /// use dockwright::import::shell::Script;
    ///
    /// assert_eq!(Script::read("mkdir -p /app && chown 10001 /app\ntrue").simple_list().map(|c| c.len()), Some(3));
    /// for opaque in ["echo $HOME", "a | b", "a || b", "a &", "(cd x && make)", "cat <<EOF\nx\nEOF", "f > log"] {
    ///     assert!(Script::read(opaque).simple_list().is_none(), "{opaque}");
    /// }
    /// ```
    pub fn simple_list(&self) -> Option<&[ShellCommand]> {
        let plain = self.opaque.is_empty()
            && self.commands.iter().all(|command| {
                command.is_simple()
                    && matches!(command.joined, Joined::Start | Joined::And | Joined::Sequence | Joined::Newline)
            });
        plain.then_some(self.commands.as_slice())
    }
}

/// One command of a script: the words between two separators.
///
/// ```
/// use dockwright::import::shell::{Opaque, Script};
///
/// let script = Script::read("cp \"$SRC\" /dst 2>/dev/null");
/// let cp = &script.commands()[0];
/// assert_eq!(cp.words().collect::<Vec<_>>(), ["cp", "$SRC", "/dst"]);
/// assert_eq!(cp.opaque, [Opaque::Expansion]);
/// assert_eq!((cp.redirections[0].fd, cp.redirections[0].op.as_str()), (Some(2), ">"));
/// assert!(!cp.is_simple());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShellCommand {
    /// Its source text, trimmed (line continuations kept), for messages and rewrites.
    pub text: String,
    /// How it is joined to the command before it.
    pub joined: Joined,
    /// Leading `NAME=value` words.
    pub assignments: Vec<Word>,
    /// Its words: the program, then its arguments.
    pub words: Vec<Word>,
    /// Its redirections, in order.
    pub redirections: Vec<Redirection>,
    /// What in it this reader does not follow, each kind once, in order of appearance.
    pub opaque: Vec<Opaque>,
}

impl ShellCommand {
    /// The word texts, program first.
    ///
    /// ```
    /// use dockwright::import::shell::Script;
    ///
    /// assert_eq!(Script::read(r"echo a\ b 'c d'").commands()[0].words().collect::<Vec<_>>(), ["echo", "a b", "c d"]);
    /// ```
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|word| word.text.as_str())
    }

    /// The program as written (`/opt/venv/bin/pip`), if the command has words.
    ///
    /// ```
    /// use dockwright::import::shell::Script;
    ///
    /// assert_eq!(Script::read("X=1").commands()[0].program(), None);
    /// ```
    pub fn program(&self) -> Option<&str> {
        self.words.first().map(|word| word.text.as_str())
    }

    /// The program's file name (`pip` for `/opt/venv/bin/pip`).
    ///
    /// ```
    /// use dockwright::import::shell::Script;
    ///
    /// assert_eq!(Script::read("/usr/bin/apt-get update").commands()[0].tool(), Some("apt-get"));
    /// ```
    pub fn tool(&self) -> Option<&str> {
        self.program().map(|program| program.rsplit('/').next().unwrap_or(program))
    }

    /// The arguments: every word after the program.
    ///
    /// ```
    /// use dockwright::import::shell::Script;
    ///
    /// assert_eq!(Script::read("rm -rf /x").commands()[0].args().collect::<Vec<_>>(), ["-rf", "/x"]);
    /// ```
    pub fn args(&self) -> impl Iterator<Item = &str> {
        self.words.iter().skip(1).map(|word| word.text.as_str())
    }

    /// The words of the program that actually runs: past leading `sudo`, `exec` and `env` (and the
    /// `NAME=value` words `env` takes).
    ///
    /// ```
    /// use dockwright::import::shell::Script;
    ///
    /// let script = Script::read("sudo env A=1 apt-get update");
    /// let invoked: Vec<&str> = script.commands()[0].invoked().iter().map(|w| w.text.as_str()).collect();
    /// assert_eq!(invoked, ["apt-get", "update"]);
    /// ```
    pub fn invoked(&self) -> &[Word] {
        let mut words = self.words.as_slice();
        while let Some(first) = words.first() {
            let assignment = first.text.split_once('=').is_some_and(|(name, _)| is_name(name));
            if assignment || matches!(first.text.as_str(), "sudo" | "exec" | "env") {
                words = &words[1..];
            } else {
                break;
            }
        }
        words
    }

    /// Whether the reader followed all of it: nothing opaque and no redirection.
    ///
    /// ```
    /// use dockwright::import::shell::Script;
    ///
    /// assert!(Script::read("mkdir '/a b'").commands()[0].is_simple());
    /// assert!(!Script::read("mkdir ~/x").commands()[0].is_simple());
    /// ```
    pub fn is_simple(&self) -> bool {
        self.opaque.is_empty() && self.redirections.is_empty()
    }
}

/// A word with its quotes removed.
///
/// ```
/// use dockwright::import::shell::Script;
///
/// let script = Script::read("ls *.txt '*.md' \"$D\"/x ~/y");
/// let words = &script.commands()[0].words;
/// assert_eq!((words[1].text.as_str(), words[1].pattern, words[1].quoted), ("*.txt", true, false));
/// assert_eq!((words[2].text.as_str(), words[2].pattern, words[2].quoted), ("*.md", false, true));
/// assert_eq!((words[3].text.as_str(), words[3].expands), ("$D/x", true));
/// assert_eq!((words[4].text.as_str(), words[4].expands), ("~/y", true));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Word {
    /// The text, quotes and escapes removed; expansions stay as written.
    pub text: String,
    /// Whether any part of it was quoted or escaped.
    pub quoted: bool,
    /// Whether the shell expands something in it (`$…`, `` `…` ``, a leading `~`, and bash's `{a,b}`
    /// and `$'…'`, since `/bin/sh` is bash on some images): its text is then not what the command
    /// receives.
    pub expands: bool,
    /// Whether it has an unquoted `*`, `?` or `[`, which the shell may replace by matching file names.
    pub pattern: bool,
}

impl Word {
    /// Whether the command receives exactly [`Word::text`]: no expansion and no pattern.
    ///
    /// ```
    /// use dockwright::import::shell::Script;
    ///
    /// let script = Script::read("rm -rf /var/lib/apt/lists/* /tmp/x");
    /// let literal: Vec<bool> = script.commands()[0].words.iter().map(|w| w.is_literal()).collect();
    /// assert_eq!(literal, [true, true, false, true]);
    /// ```
    pub fn is_literal(&self) -> bool {
        !self.expands && !self.pattern
    }
}

/// A redirection: `[fd]op target`.
///
/// ```
/// use dockwright::import::shell::Script;
///
/// let script = Script::read("make >>build.log 2>&1 </dev/null");
/// let ops: Vec<(Option<u32>, &str, &str)> = script.commands()[0]
///     .redirections
///     .iter()
///     .map(|r| (r.fd, r.op.as_str(), r.target.text.as_str()))
///     .collect();
/// assert_eq!(ops, [(None, ">>", "build.log"), (Some(2), ">&", "1"), (None, "<", "/dev/null")]);
/// assert!(script.commands()[0].redirections[0].writes_file());
/// assert!(!script.commands()[0].redirections[1].writes_file());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Redirection {
    /// The file descriptor written before the operator (`2` in `2>&1`).
    pub fd: Option<u32>,
    /// The operator: `<`, `>`, `>>`, `>|`, `<>`, `<&`, `>&`, `<<` or `<<-`.
    pub op: String,
    /// The target word (a file, a descriptor, or a heredoc delimiter).
    pub target: Word,
}

impl Redirection {
    /// Whether it opens its target file for writing (`>`, `>>`, `>|`, `<>`; not a descriptor copy).
    ///
    /// ```
    /// use dockwright::import::shell::Script;
    ///
    /// assert!(Script::read("echo x >| f").commands()[0].redirections[0].writes_file());
    /// ```
    pub fn writes_file(&self) -> bool {
        matches!(self.op.as_str(), ">" | ">>" | ">|" | "<>")
    }
}

/// How a command is joined to the one before it.
///
/// ```
/// use dockwright::import::shell::{Joined, Script};
///
/// let joined: Vec<Joined> = Script::read("a || b | c & d\ne").commands().iter().map(|c| c.joined).collect();
/// assert_eq!(joined, [Joined::Start, Joined::Or, Joined::Pipe, Joined::Background, Joined::Newline]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Joined {
    /// The first command.
    Start,
    /// `&&`: runs if the one before succeeded.
    And,
    /// `||`: runs if the one before failed.
    Or,
    /// `|`: reads what the one before writes.
    Pipe,
    /// `;`.
    Sequence,
    /// A newline.
    Newline,
    /// `&`: the one before runs in the background, at the same time as this one.
    Background,
}

/// Something the reader does not follow.
///
/// ```
/// use dockwright::import::shell::{Opaque, Script};
///
/// let opaque = |text: &str| Script::read(text).commands()[0].opaque.clone();
/// assert_eq!(opaque("echo `date`"), [Opaque::Expansion]);
/// assert_eq!(opaque("(cd /x && make)"), [Opaque::Subshell]);
/// assert_eq!(opaque("{ a; }"), [Opaque::Group]);
/// assert_eq!(opaque("if true; then :; fi"), [Opaque::Compound]);
/// assert_eq!(opaque("sleep 1 & true"), [Opaque::Background]);
/// assert_eq!(opaque("cat <<EOF\nhi\nEOF"), [Opaque::Heredoc]);
/// assert_eq!(Opaque::Heredoc.to_string(), "a heredoc");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Opaque {
    /// A parameter expansion, command substitution or arithmetic (`$X`, `${X}`, `$(…)`, `` `…` ``),
    /// or a leading `~`.
    Expansion,
    /// A subshell `( … )`.
    Subshell,
    /// A brace group `{ …; }`.
    Group,
    /// A compound command or reserved word (`if`, `for`, `while`, `case`, `!`, `[[`, a function).
    Compound,
    /// The command runs in the background (`&`).
    Background,
    /// A heredoc: the reader stops at it, the rest of the script belongs to this command.
    Heredoc,
    /// A quote, `${`, `$(` or `(` that is never closed.
    Unterminated,
    /// An operator where a command should be (`&& x`, `a ;; b`).
    Syntax,
}

impl fmt::Display for Opaque {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Opaque::Expansion => "an expansion",
            Opaque::Subshell => "a subshell",
            Opaque::Group => "a brace group",
            Opaque::Compound => "a compound command",
            Opaque::Background => "a background job",
            Opaque::Heredoc => "a heredoc",
            Opaque::Unterminated => "an unterminated quote or group",
            Opaque::Syntax => "a misplaced operator",
        })
    }
}

// ---------------------------------------------------------------------------------------------------
// The reader.

/// What a byte can be in a word: [`PLAIN`] when it has no meaning to the shell there (non-ASCII bytes
/// included), and [`NAME`] too when it can be part of a variable name.
const BYTES: [u8; 256] = {
    let mut table = [PLAIN; 256];
    let special = b" \t\n;&|<>()\\'\"$`*?[{}";
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = 0;
        i += 1;
    }
    let mut byte = 0;
    while byte < 128 {
        if (byte as u8).is_ascii_alphanumeric() || byte == b'_' as usize {
            table[byte] |= NAME;
        }
        byte += 1;
    }
    table
};
const PLAIN: u8 = 1;
const NAME: u8 = 2;

/// The buffers of scripts that were read and are no longer needed, emptied, for reading the next
/// ones without allocating again what they can hold.
#[derive(Debug, Default)]
pub(crate) struct Spare {
    strings: Vec<String>,
    words: Vec<Vec<Word>>,
    commands: Vec<ShellCommand>,
}

impl Spare {
    /// Takes `script` apart into its buffers.
    pub(crate) fn recycle(&mut self, script: Script) {
        let Script { mut commands, .. } = script;
        for command in commands.drain(..) {
            self.recycle_command(command);
        }
        if commands.capacity() > self.commands.capacity() {
            self.commands = commands;
        }
    }

    fn recycle_command(&mut self, mut command: ShellCommand) {
        self.give(command.text);
        for word in command.words.drain(..).chain(command.assignments) {
            self.give(word.text);
        }
        for redirection in command.redirections {
            self.give(redirection.op);
            self.give(redirection.target.text);
        }
        self.words.push(command.words);
    }

    fn give(&mut self, mut text: String) {
        if text.capacity() > 0 {
            text.clear();
            self.strings.push(text);
        }
    }

    /// An empty string.
    fn string(&mut self) -> String {
        self.strings.pop().unwrap_or_default()
    }

    fn word(&mut self) -> Word {
        Word { text: self.string(), quoted: false, expands: false, pattern: false }
    }
}

const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "in", "!", "[[", "]]",
    "function", "select",
];

struct Reader<'a> {
    src: &'a str,
    /// The byte offset of the next character.
    pos: usize,
    script_opaque: Vec<Opaque>,
    spare: &'a mut Spare,
}

/// What a command ended with.
enum End {
    Eof,
    Op(Joined),
}

impl<'a> Reader<'a> {
    fn new(src: &'a str, spare: &'a mut Spare) -> Self {
        Reader { src, pos: 0, script_opaque: Vec::new(), spare }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|rest| rest.chars().next())
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.src.get(self.pos..).and_then(|rest| rest.chars().nth(ahead))
    }

    fn byte(&self) -> usize {
        self.pos
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek();
        if let Some(c) = c {
            self.pos += c.len_utf8();
        }
        c
    }

    fn mark(&mut self, opaque: Opaque) {
        if !self.script_opaque.contains(&opaque) {
            self.script_opaque.push(opaque);
        }
    }

    fn script(mut self) -> Script {
        let mut commands: Vec<ShellCommand> = std::mem::take(&mut self.spare.commands);
        let mut joined = Joined::Start;
        loop {
            let (command, end) = self.command(joined);
            let empty = command.words.is_empty()
                && command.assignments.is_empty()
                && command.redirections.is_empty()
                && command.opaque.is_empty();
            let command = if empty {
                self.spare.recycle_command(command);
                None
            } else {
                Some(command)
            };
            match (&end, command) {
                (End::Op(Joined::Newline), None) => {}
                (End::Op(next), None) => {
                    // An operator with no command before it (`&& x`, `a ;; b`).
                    self.mark(Opaque::Syntax);
                    joined = *next;
                }
                (End::Op(next), Some(command)) => {
                    commands.push(command);
                    joined = *next;
                }
                (End::Eof, None) => {
                    if matches!(joined, Joined::And | Joined::Or | Joined::Pipe) {
                        self.mark(Opaque::Syntax);
                    }
                }
                (End::Eof, Some(command)) => commands.push(command),
            }
            if matches!(end, End::Eof) {
                break;
            }
            if joined == Joined::Background {
                if let Some(last) = commands.last_mut() {
                    push_once(&mut last.opaque, Opaque::Background);
                }
            }
        }
        Script { commands, opaque: self.script_opaque }
    }

    /// Skips blanks and line continuations.
    fn blanks(&mut self) {
        loop {
            match self.peek() {
                Some(' ' | '\t') => {
                    self.bump();
                }
                Some('\\') if self.peek_at(1) == Some('\n') => {
                    self.pos += 2;
                }
                _ => return,
            }
        }
    }

    fn command(&mut self, joined: Joined) -> (ShellCommand, End) {
        let words = self.spare.words.pop().unwrap_or_else(|| Vec::with_capacity(8));
        let mut command = ShellCommand {
            text: String::new(),
            joined,
            assignments: Vec::new(),
            words,
            redirections: Vec::new(),
            opaque: Vec::new(),
        };
        self.blanks();
        // After `&&`, `||` and `|` a newline continues the list.
        if matches!(joined, Joined::And | Joined::Or | Joined::Pipe) {
            while matches!(self.peek(), Some('\n')) || (self.peek() == Some('#')) {
                if self.peek() == Some('#') {
                    self.comment();
                } else {
                    self.bump();
                }
                self.blanks();
            }
        }
        let start = self.byte();
        let mut end_byte = start;
        let end = loop {
            self.blanks();
            let Some(c) = self.peek() else { break End::Eof };
            match c {
                '\n' => {
                    self.bump();
                    break End::Op(Joined::Newline);
                }
                ';' => {
                    self.bump();
                    if self.peek() == Some(';') {
                        self.bump();
                        push_once(&mut command.opaque, Opaque::Compound);
                    }
                    break End::Op(Joined::Sequence);
                }
                '&' => {
                    self.bump();
                    if self.peek() == Some('&') {
                        self.bump();
                        break End::Op(Joined::And);
                    }
                    break End::Op(Joined::Background);
                }
                '|' => {
                    self.bump();
                    if self.peek() == Some('|') {
                        self.bump();
                        break End::Op(Joined::Or);
                    }
                    if self.peek() == Some('&') {
                        self.bump();
                    }
                    break End::Op(Joined::Pipe);
                }
                '(' => {
                    // A subshell, or the `()` of a function definition.
                    self.bump();
                    if !self.balanced('(', ')') {
                        push_once(&mut command.opaque, Opaque::Unterminated);
                        self.mark(Opaque::Unterminated);
                    }
                    let kind = if command.words.is_empty() { Opaque::Subshell } else { Opaque::Compound };
                    push_once(&mut command.opaque, kind);
                    end_byte = self.byte();
                }
                ')' => {
                    self.bump();
                    self.mark(Opaque::Syntax);
                    push_once(&mut command.opaque, Opaque::Syntax);
                    end_byte = self.byte();
                }
                '<' | '>' => {
                    self.redirection(None, &mut command);
                    end_byte = self.byte();
                    if command.opaque.contains(&Opaque::Heredoc) {
                        break End::Eof;
                    }
                }
                '#' => self.comment(),
                _ => {
                    let (word, assignment) = self.word_and_assignment();
                    end_byte = self.byte();
                    let digits = !word.quoted && !word.text.is_empty() && word.text.bytes().all(|b| b.is_ascii_digit());
                    if digits && matches!(self.peek(), Some('<' | '>')) {
                        let fd = word.text.parse().ok();
                        self.redirection(fd, &mut command);
                        end_byte = self.byte();
                        if command.opaque.contains(&Opaque::Heredoc) {
                            break End::Eof;
                        }
                        continue;
                    }
                    if word.expands {
                        push_once(&mut command.opaque, Opaque::Expansion);
                    }
                    if command.words.is_empty() && assignment {
                        command.assignments.push(word);
                        continue;
                    }
                    if command.words.is_empty() && !word.quoted {
                        if RESERVED.contains(&word.text.as_str()) {
                            push_once(&mut command.opaque, Opaque::Compound);
                        } else if word.text == "{" || word.text == "}" {
                            push_once(&mut command.opaque, Opaque::Group);
                        }
                    }
                    command.words.push(word);
                }
            }
        };
        let mut text = self.spare.string();
        text.push_str(self.src[start..end_byte.max(start)].trim());
        command.text = text;
        (command, end)
    }

    /// Skips a comment up to (not including) the newline.
    fn comment(&mut self) {
        while let Some(c) = self.peek() {
            if c == '\n' {
                return;
            }
            self.bump();
        }
    }

    fn redirection(&mut self, fd: Option<u32>, command: &mut ShellCommand) {
        let first = self.bump().unwrap_or('>');
        let mut op = self.spare.string();
        op.push(first);
        match (first, self.peek()) {
            ('<', Some('<')) => {
                self.bump();
                op.push('<');
                if self.peek() == Some('-') {
                    self.bump();
                    op.push('-');
                }
            }
            ('>', Some(c @ ('>' | '|' | '&'))) | ('<', Some(c @ ('>' | '&'))) => {
                self.bump();
                op.push(c);
            }
            _ => {}
        }
        self.blanks();
        let target = match self.peek() {
            None | Some('\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')') => {
                self.mark(Opaque::Syntax);
                push_once(&mut command.opaque, Opaque::Syntax);
                self.spare.word()
            }
            Some(_) => self.word(),
        };
        if target.expands {
            push_once(&mut command.opaque, Opaque::Expansion);
        }
        let heredoc = op.starts_with("<<");
        command.redirections.push(Redirection { fd, op, target });
        if heredoc {
            // The body follows on the next lines; the reader does not follow it.
            push_once(&mut command.opaque, Opaque::Heredoc);
            self.pos = self.src.len();
        }
    }

    /// One word, up to an unquoted blank or operator.
    fn word(&mut self) -> Word {
        self.word_and_assignment().0
    }

    /// One word, and whether it is an assignment: an unquoted valid name, then an unquoted `=`.
    fn word_and_assignment(&mut self) -> (Word, bool) {
        let mut word = self.spare.word();
        // `None` until the first unquoted `=`, or something else that decides.
        let mut assignment: Option<bool> = None;
        // Where an unquoted `{` is in the text: a later unquoted `}` with a `,` or `..` between makes a
        // bash brace expansion (`/a/{b,c}`; `{}` is not one).
        let mut brace: Option<usize> = None;
        while let Some(c) = self.peek() {
            if assignment.is_none() && c != '=' && !(c.is_ascii_alphanumeric() || c == '_') {
                assignment = Some(false);
            }
            if assignment.is_none() && c == '=' {
                assignment = Some(is_name(&word.text));
            }
            match c {
                ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')' => break,
                '\\' => {
                    self.bump();
                    match self.bump() {
                        Some('\n') => {}
                        Some(escaped) => {
                            word.text.push(escaped);
                            word.quoted = true;
                        }
                        // A backslash at the very end stays itself.
                        None => word.text.push('\\'),
                    }
                }
                '\'' => {
                    self.bump();
                    word.quoted = true;
                    loop {
                        match self.bump() {
                            Some('\'') => break,
                            Some(c) => word.text.push(c),
                            None => {
                                self.mark(Opaque::Unterminated);
                                break;
                            }
                        }
                    }
                }
                '"' => {
                    self.bump();
                    word.quoted = true;
                    self.double_quoted(&mut word);
                }
                '$' => self.dollar(&mut word),
                '`' => self.backquote(&mut word),
                '~' if word.text.is_empty() && !word.quoted => {
                    self.bump();
                    word.text.push('~');
                    word.expands = true;
                }
                '*' | '?' | '[' => {
                    self.bump();
                    word.text.push(c);
                    word.pattern = true;
                }
                '{' | '}' => {
                    self.bump();
                    word.text.push(c);
                    if c == '{' {
                        brace = Some(word.text.len() - 1);
                    } else if let Some(open) = brace {
                        let inner = &word.text[open..];
                        word.expands |= inner.contains(',') || inner.contains("..");
                    }
                }
                _ => {
                    // A run of characters with no meaning to the shell is copied at once; while the
                    // word may still be an assignment, only up to the next character that decides it.
                    let rest = &self.src[self.pos..];
                    // Every character with a meaning here is ASCII, so bytes can be read: a
                    // non-ASCII byte is plain (but no part of a name, so it decides an assignment).
                    let class = if assignment.is_none() { NAME } else { PLAIN };
                    let len = rest.bytes().position(|byte| BYTES[usize::from(byte)] & class == 0);
                    let len = len.unwrap_or(rest.len()).max(c.len_utf8());
                    word.text.push_str(&rest[..len]);
                    self.pos += len;
                }
            }
        }
        (word, assignment == Some(true))
    }

    fn double_quoted(&mut self, word: &mut Word) {
        loop {
            match self.peek() {
                None => {
                    self.mark(Opaque::Unterminated);
                    return;
                }
                Some('"') => {
                    self.bump();
                    return;
                }
                Some('\\') => {
                    self.bump();
                    match self.peek() {
                        Some('\n') => {
                            self.bump();
                        }
                        Some(c @ ('$' | '`' | '"' | '\\')) => {
                            self.bump();
                            word.text.push(c);
                        }
                        _ => word.text.push('\\'),
                    }
                }
                Some('$') => self.dollar(word),
                Some('`') => self.backquote(word),
                Some(c) => {
                    self.bump();
                    word.text.push(c);
                }
            }
        }
    }

    /// `$…`: kept as written in the word's text; a `$` that starts nothing is a plain `$`.
    fn dollar(&mut self, word: &mut Word) {
        let start = self.byte();
        self.bump();
        let closed = match self.peek() {
            Some('{') => {
                self.bump();
                self.balanced('{', '}')
            }
            Some('(') => {
                self.bump();
                self.balanced('(', ')')
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    self.bump();
                }
                true
            }
            Some(c) if c.is_ascii_digit() || matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!') => {
                self.bump();
                true
            }
            // `$'…'` and `$"…"` are bash's ANSI-C and locale quoting (bash is `/bin/sh` on some images).
            Some('\'' | '"') => {
                word.text.push('$');
                word.expands = true;
                return;
            }
            _ => {
                word.text.push('$');
                return;
            }
        };
        if !closed {
            self.mark(Opaque::Unterminated);
        }
        word.text.push_str(&self.src[start..self.byte()]);
        word.expands = true;
    }

    fn backquote(&mut self, word: &mut Word) {
        let start = self.byte();
        self.bump();
        loop {
            match self.bump() {
                None => {
                    self.mark(Opaque::Unterminated);
                    break;
                }
                Some('\\') => {
                    self.bump();
                }
                Some('`') => break,
                Some(_) => {}
            }
        }
        word.text.push_str(&self.src[start..self.byte()]);
        word.expands = true;
    }

    /// Skips to the `close` that matches an `open` already read, past quotes and escapes; whether it
    /// was found.
    fn balanced(&mut self, open: char, close: char) -> bool {
        let mut depth = 1usize;
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '\'' => {
                    while let Some(c) = self.bump() {
                        if c == '\'' {
                            break;
                        }
                    }
                }
                '"' => {
                    while let Some(c) = self.bump() {
                        match c {
                            '\\' => {
                                self.bump();
                            }
                            '"' => break,
                            _ => {}
                        }
                    }
                }
                c if c == open => depth += 1,
                c if c == close => {
                    depth -= 1;
                    if depth == 0 {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }
}

fn push_once(list: &mut Vec<Opaque>, opaque: Opaque) {
    if !list.contains(&opaque) {
        list.push(opaque);
    }
}

/// A shell variable name: a letter or `_`, then letters, digits and `_`.
fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn words(text: &str) -> Vec<Vec<String>> {
        Script::read(text).commands().iter().map(|c| c.words().map(str::to_string).collect()).collect()
    }

    #[test]
    fn quoting_like_sh() {
        let cases: Vec<(&str, Vec<Vec<&str>>)> = vec![
            (r#"echo 'a  b' "c  d" e\ f"#, vec![vec!["echo", "a  b", "c  d", "e f"]]),
            (r#"echo "it's" 'say "hi"'"#, vec![vec!["echo", "it's", "say \"hi\""]]),
            (r#"echo "a\"b" "a\\b" "a\nb" 'a\nb'"#, vec![vec!["echo", "a\"b", "a\\b", "a\\nb", "a\\nb"]]),
            ("echo a';'b \"&&\" c\\;d", vec![vec!["echo", "a;b", "&&", "c;d"]]),
            ("echo one\\\ntwo && true", vec![vec!["echo", "onetwo"], vec!["true"]]),
            ("apt-get install -y \\\n    curl \\\n    git", vec![vec!["apt-get", "install", "-y", "curl", "git"]]),
            ("a&&b||c|d;e\nf", vec![vec!["a"], vec!["b"], vec!["c"], vec!["d"], vec!["e"], vec!["f"]]),
            ("echo a#b # comment && not a command\ntrue", vec![vec!["echo", "a#b"], vec!["true"]]),
            ("a &&\n\n  # why\n  b", vec![vec!["a"], vec!["b"]]),
            ("echo ''", vec![vec!["echo", ""]]),
            ("echo \"$(echo ')')\" done", vec![vec!["echo", "$(echo ')')", "done"]]),
            ("echo ${A:-'}'} x", vec![vec!["echo", "${A:-'}'}", "x"]]),
            ("echo $ a$", vec![vec!["echo", "$", "a$"]]),
            ("mkdir -p /a/{b,c} '{x}' {", vec![vec!["mkdir", "-p", "/a/{b,c}", "{x}", "{"]]),
        ];
        for (text, expected) in cases {
            assert_eq!(words(text), expected, "{text}");
        }
    }

    #[test]
    fn joins_and_text() {
        let script = Script::read("apt-get update  &&  apt-get install -y \\\n curl ; rm -rf /x");
        let texts: Vec<&str> = script.commands().iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["apt-get update", "apt-get install -y \\\n curl", "rm -rf /x"]);
        let joined: Vec<Joined> = script.commands().iter().map(|c| c.joined).collect();
        assert_eq!(joined, [Joined::Start, Joined::And, Joined::Sequence]);
        assert!(script.simple_list().is_some());
    }

    #[test]
    fn opaque_parts_are_named() {
        let cases: Vec<(&str, Vec<Opaque>, Vec<Opaque>)> = vec![
            ("echo $HOME", vec![Opaque::Expansion], vec![]),
            ("echo \"${A}\"", vec![Opaque::Expansion], vec![]),
            ("echo '$HOME'", vec![], vec![]),
            ("echo \\$HOME", vec![], vec![]),
            ("mkdir -p /a/{b,c}", vec![Opaque::Expansion], vec![]),
            ("touch /f{1..3}", vec![Opaque::Expansion], vec![]),
            ("find . -exec rm {} +", vec![], vec![]),
            ("echo $'a\\nb'", vec![Opaque::Expansion], vec![]),
            ("echo '{a,b}' \\{a,b}", vec![], vec![]),
            ("(cd /x && make) && true", vec![Opaque::Subshell], vec![]),
            ("f() { true; }", vec![Opaque::Compound], vec![]),
            ("for x in a b; do echo $x; done", vec![Opaque::Compound], vec![]),
            ("! true", vec![Opaque::Compound], vec![]),
            ("echo 'open", vec![], vec![Opaque::Unterminated]),
            ("echo \"open", vec![], vec![Opaque::Unterminated]),
            ("echo $(open", vec![Opaque::Expansion], vec![Opaque::Unterminated]),
            ("(open", vec![Opaque::Unterminated, Opaque::Subshell], vec![Opaque::Unterminated]),
            ("true &&", vec![], vec![Opaque::Syntax]),
            ("true ) x", vec![Opaque::Syntax], vec![Opaque::Syntax]),
            ("echo > ", vec![Opaque::Syntax], vec![Opaque::Syntax]),
        ];
        for (text, command, script) in cases {
            let read = Script::read(text);
            assert_eq!(read.commands()[0].opaque, command, "{text}");
            assert_eq!(read.opaque(), script.as_slice(), "{text}");
        }
    }

    #[test]
    fn assignments_and_redirections() {
        let script = Script::read("DEBIAN_FRONTEND=noninteractive \"A\"=1 x 2>>/var/log/x 1>&2");
        let command = &script.commands()[0];
        assert_eq!(command.assignments.len(), 1);
        assert_eq!(command.words().collect::<Vec<_>>(), ["A=1", "x"]);
        let redirections: Vec<(Option<u32>, &str, &str)> =
            command.redirections.iter().map(|r| (r.fd, r.op.as_str(), r.target.text.as_str())).collect();
        assert_eq!(redirections, [(Some(2), ">>", "/var/log/x"), (Some(1), ">&", "2")]);
        // A quoted number is a word, not a descriptor.
        let script = Script::read("echo '2'>f");
        assert_eq!(script.commands()[0].words().collect::<Vec<_>>(), ["echo", "2"]);
        assert_eq!(script.commands()[0].redirections[0].fd, None);
        // A heredoc takes the rest of the script.
        let script = Script::read("cat <<'EOF' > /etc/x && true\nline && more\nEOF\necho after");
        assert_eq!(script.commands().len(), 1);
        assert_eq!(script.commands()[0].opaque, [Opaque::Heredoc]);
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in ["", "\\", "$", "${", "`", "'", "\"", "(", ")", "<", "<<", "2>", "&", "|", ";;", "a\\", "é ü \u{0}"]
        {
            let _ = Script::read(text);
        }
    }

    /// Scripts read one after another from the buffers of those before are the scripts read afresh.
    #[test]
    fn reading_with_spare_buffers_reads_the_same_scripts() {
        let texts = [
            "apt-get update && \\\n DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl",
            "A=1 B='two words' /opt/venv/bin/pip install -r r.txt  # why",
            "x",
            "make >>build.log 2>&1 </dev/null; echo ~/y *.txt \"$D\"/x | tee f &",
            "",
            "(cd /x && make) || { a; }",
            "cat <<'EOF' > /etc/x && true\nline\nEOF",
            "echo 'unterminated",
            "apt-get update && \\\n DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl",
        ];
        let mut spare = Spare::default();
        for round in 0..2 {
            for text in texts {
                let script = Script::read_with(text, &mut spare);
                assert_eq!(script, Script::read(text), "round {round}: {text:?}");
                spare.recycle(script);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_texts_read_with_spare_buffers_as_afresh(texts in proptest::collection::vec("[ -~\n\t]{0,40}", 1..6)) {
            let mut spare = Spare::default();
            for text in &texts {
                let script = Script::read_with(text, &mut spare);
                proptest::prop_assert_eq!(&script, &Script::read(text));
                spare.recycle(script);
            }
        }
    }
}
