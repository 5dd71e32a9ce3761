//! BuildKit's shell-word lexer, ported rune for rune from
//! `moby/buildkit` `frontend/dockerfile/shell/lex.go`.
//!
//! This module owns the second half of how BuildKit reads a Dockerfile word: quote removal,
//! escapes and `$name` / `${name…}` substitution. It is what the builder runs over ENV and
//! LABEL keys and values, ARG defaults, COPY/ADD/VOLUME paths (also in JSON form), USER,
//! WORKDIR, STOPSIGNAL, EXPOSE, FROM and most flag values. The rules, for escape token `E`:
//!
//! - unquoted: `E` followed by any character is that character; a trailing `E` is dropped;
//! - single quotes keep everything literally (no escapes, no variables);
//! - double quotes: `E` escapes only `"`, `$` and `E`; any other `E x` stays two characters;
//! - `$name`, `${name}` and the modifiers `:-` `-` `:+` `+` `:?` `?` `#` `##` `%` `%%` `/` `//`;
//!   an unset variable expands to the empty string; positional (`$1`) and special
//!   (`$@ $* $# $? $- $$ $! $0`) parameters are just names that are normally unset.
//!
//! Two behaviours are deliberate departures from the Go code, both for inputs no real
//! Dockerfile contains: nesting of `${…}` deeper than [`MAX_NESTING`] is an error instead of
//! unbounded recursion, and Unicode letter/digit classes come from Unicode 15.0 tables (the
//! version Go's `unicode` package uses) embedded below.

use std::fmt;

use super::ast::go_quote;

/// Deepest `${…}` nesting the lexer follows before giving up with [`LexErrorKind::TooDeep`].
///
/// BuildKit recurses without a limit (Go stacks grow); a fixed limit keeps hostile input from
/// overflowing the native stack.
///
/// ```
/// use dockwright::import::lex::MAX_NESTING;
/// use dockwright::import::{LexErrorKind, Lexer};
///
/// let nested = |depth: usize| format!("{}x{}", "${A:-".repeat(depth), "}".repeat(depth));
/// let lexer = Lexer::new('\\');
/// assert_eq!(lexer.process_word(&nested(MAX_NESTING), &|_| None).unwrap(), "x");
/// let err = lexer.process_word(&nested(MAX_NESTING + 1), &|_| None).unwrap_err();
/// assert_eq!(err.kind(), &LexErrorKind::TooDeep);
/// ```
pub const MAX_NESTING: usize = 256;

/// BuildKit's shell-word lexer (`shell.Lex`) for one escape token.
///
/// The default configuration is the one the builder uses for instruction arguments. The
/// option setters mirror the Go fields of the same name and exist for the places BuildKit
/// uses them (heredoc delimiters, COPY heredoc bodies).
///
/// ```
/// use dockwright::import::Lexer;
///
/// let env = |name: &str| (name == "HOME").then(|| "/root".to_string());
/// let lexer = Lexer::new('\\');
/// assert_eq!(lexer.process_word(r#"a\ b"$HOME"'$HOME'"#, &env).unwrap(), "a b/root$HOME");
/// assert_eq!(lexer.process_word("${UNSET:-fallback}", &env).unwrap(), "fallback");
/// assert_eq!(
///     lexer.process_words(r#"one "two three" $HOME"#, &env).unwrap(),
///     ["one", "two three", "/root"],
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lexer {
    escape: char,
    raw_quotes: bool,
    raw_escapes: bool,
    skip_process_quotes: bool,
    skip_unset_env: bool,
}

impl Default for Lexer {
    /// The lexer for the default escape token `\`.
    fn default() -> Self {
        Lexer::new('\\')
    }
}

impl Lexer {
    /// A lexer for `escape` (`\` by default, `` ` `` after `# escape=``), with every option off.
    ///
    /// ```
    /// use dockwright::import::Lexer;
    ///
    /// let none = |_: &str| None;
    /// assert_eq!(Lexer::new('`').process_word(r"C:\dir` x", &none).unwrap(), r"C:\dir x");
    /// ```
    #[must_use]
    pub fn new(escape: char) -> Self {
        Lexer { escape, raw_quotes: false, raw_escapes: false, skip_process_quotes: false, skip_unset_env: false }
    }

    /// The escape token this lexer honours.
    ///
    /// ```
    /// assert_eq!(dockwright::import::Lexer::new('`').escape(), '`');
    /// ```
    #[must_use]
    pub fn escape(&self) -> char {
        self.escape
    }

    /// Keep quote characters in the output (Go `RawQuotes`); their contents are still
    /// processed as if quoted.
    ///
    /// ```
    /// use dockwright::import::Lexer;
    ///
    /// let lexer = Lexer::new('\\').raw_quotes(true);
    /// assert_eq!(lexer.process_word(r#"'a'"b""#, &|_| None).unwrap(), r#"'a'"b""#);
    /// ```
    #[must_use]
    pub fn raw_quotes(mut self, on: bool) -> Self {
        self.raw_quotes = on;
        self
    }

    /// Keep escape tokens in the output (Go `RawEscapes`).
    ///
    /// ```
    /// use dockwright::import::Lexer;
    ///
    /// let lexer = Lexer::new('\\').raw_escapes(true);
    /// assert_eq!(lexer.process_word(r"a\ b", &|_| None).unwrap(), r"a\ b");
    /// ```
    #[must_use]
    pub fn raw_escapes(mut self, on: bool) -> Self {
        self.raw_escapes = on;
        self
    }

    /// Treat quotes as ordinary characters (Go `SkipProcessQuotes`); BuildKit uses this, with
    /// escape `\`, to expand unquoted-delimiter COPY/ADD heredoc bodies.
    ///
    /// ```
    /// use dockwright::import::Lexer;
    ///
    /// let env = |name: &str| (name == "N").then(|| "world".to_string());
    /// let lexer = Lexer::new('\\').skip_process_quotes(true);
    /// assert_eq!(lexer.process_word(r#"say "$N" '\$N'"#, &env).unwrap(), r#"say "world" '$N'"#);
    /// ```
    #[must_use]
    pub fn skip_process_quotes(mut self, on: bool) -> Self {
        self.skip_process_quotes = on;
        self
    }

    /// Leave references to unset variables as written (Go `SkipUnsetEnv`).
    ///
    /// ```
    /// use dockwright::import::Lexer;
    ///
    /// let lexer = Lexer::new('\\').skip_unset_env(true);
    /// assert_eq!(lexer.process_word("$A-${B:-x}", &|_| None).unwrap(), "$A-${B:-x}");
    /// ```
    #[must_use]
    pub fn skip_unset_env(mut self, on: bool) -> Self {
        self.skip_unset_env = on;
        self
    }

    /// Processes `word` into one string (Go `ProcessWord`): quotes and escapes removed,
    /// variables looked up in `env` (`None` = unset). Whitespace is kept.
    ///
    /// ```
    /// use dockwright::import::Lexer;
    ///
    /// let env = |name: &str| (name == "V").then(|| "1.2".to_string());
    /// let lexer = Lexer::new('\\');
    /// assert_eq!(lexer.process_word("app-${V}.tar  $$ $1", &env).unwrap(), "app-1.2.tar   ");
    /// let err = lexer.process_word("it's", &env).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     r#"failed to process "it's": unexpected end of statement while looking for matching single-quote"#,
    /// );
    /// ```
    pub fn process_word(&self, word: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, LexError> {
        self.process(word, env).map(|(result, _)| result)
    }

    /// Processes `word` and splits the result into words (Go `ProcessWords`): whitespace that
    /// is unquoted, unescaped, or comes from an unquoted variable separates words; empty words
    /// are dropped.
    ///
    /// ```
    /// use dockwright::import::Lexer;
    ///
    /// let env = |name: &str| (name == "P").then(|| "80 443".to_string());
    /// let lexer = Lexer::new('\\');
    /// assert_eq!(lexer.process_words("$P 8080", &env).unwrap(), ["80", "443", "8080"]);
    /// assert_eq!(lexer.process_words(r#""$P" a\ b"#, &env).unwrap(), ["80 443", "a b"]);
    /// assert!(lexer.process_words(r#""""#, &env).unwrap().is_empty());
    /// ```
    pub fn process_words(&self, word: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<String>, LexError> {
        self.process(word, env).map(|(_, words)| words)
    }

    fn process(&self, word: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<(String, Vec<String>), LexError> {
        let mut sw = ShellWord::new(self, word, env);
        let raw_escapes = self.raw_escapes;
        sw.process_stop_on(None, raw_escapes).map_err(|kind| LexError { word: word.to_string(), kind })
    }
}

/// A word BuildKit's lexer rejects. Display matches BuildKit's message:
/// `failed to process "<word>": <reason>`.
///
/// ```
/// use dockwright::import::{LexErrorKind, Lexer};
///
/// let err = Lexer::new('\\').process_word("${}", &|_| None).unwrap_err();
/// assert_eq!(err.word(), "${}");
/// assert_eq!(err.kind(), &LexErrorKind::BadSubstitution);
/// assert_eq!(err.to_string(), r#"failed to process "${}": syntax error: bad substitution"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    word: String,
    kind: LexErrorKind,
}

impl LexError {
    /// The word that was being processed, exactly as given.
    ///
    /// ```
    /// use dockwright::import::Lexer;
    ///
    /// let err = Lexer::new('\\').process_word("'abc", &|_| None).unwrap_err();
    /// assert_eq!(err.word(), "'abc");
    /// ```
    #[must_use]
    pub fn word(&self) -> &str {
        &self.word
    }

    /// Why it was rejected.
    ///
    /// ```
    /// use dockwright::import::{LexErrorKind, Lexer};
    ///
    /// let err = Lexer::new('\\').process_word("'abc", &|_| None).unwrap_err();
    /// assert_eq!(err.kind(), &LexErrorKind::UnterminatedSingleQuote);
    /// ```
    #[must_use]
    pub fn kind(&self) -> &LexErrorKind {
        &self.kind
    }
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failed to process {}: {}", go_quote(&self.word), self.kind)
    }
}

impl std::error::Error for LexError {}

/// Why BuildKit's lexer rejected a word; each Display is BuildKit's own message.
///
/// ```
/// use dockwright::import::LexErrorKind;
///
/// assert_eq!(LexErrorKind::MissingBrace.to_string(), "syntax error: missing '}'");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LexErrorKind {
    /// A `'` without its closing quote.
    #[error("unexpected end of statement while looking for matching single-quote")]
    UnterminatedSingleQuote,
    /// A `"` without its closing quote.
    #[error("unexpected end of statement while looking for matching double-quote")]
    UnterminatedDoubleQuote,
    /// The word ended inside `${…}` before the given stop character.
    #[error("unexpected end of statement while looking for matching {0}")]
    UnexpectedEnd(char),
    /// `${` without its closing `}`.
    #[error("syntax error: missing '}}'")]
    MissingBrace,
    /// `${name/pattern` without the `/` that starts the replacement.
    #[error("syntax error: missing '/' in ${{}}")]
    MissingSlash,
    /// `${}`, `${:…}`, `${{…}` or `${}…`.
    #[error("syntax error: bad substitution")]
    BadSubstitution,
    /// `${name?message}` / `${name:?message}` on an unset (or empty) variable.
    #[error("{name}: {message}")]
    Required {
        /// The variable.
        name: String,
        /// The message from the word, or BuildKit's default.
        message: String,
    },
    /// A modifier BuildKit does not know, such as `:=` (the text after the name).
    #[error("unsupported modifier ({0}) in substitution")]
    UnsupportedModifier(String),
    /// A `#`/`%`/`/` pattern with a bad escape.
    #[error("invalid pattern ({pattern}) in substitution: {reason}")]
    InvalidPattern {
        /// The pattern text (reversed for `%`, as BuildKit reports it).
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `${…}` nested deeper than [`MAX_NESTING`] (a dockwright limit, not BuildKit's).
    #[error("substitution nested deeper than {MAX_NESTING} levels")]
    TooDeep,
}

// ---------------------------------------------------------------------------------------------
// The port of `shellWord`.

struct ShellWord<'a> {
    lex: &'a Lexer,
    chars: Vec<char>,
    pos: usize,
    env: &'a dyn Fn(&str) -> Option<String>,
    raw_escapes: bool,
    depth: usize,
}

/// `wordsStruct`: the word splitter that runs alongside the result buffer (also used by the
/// parser's heredoc detection).
#[derive(Default)]
struct Words {
    word: String,
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if ch.is_whitespace() && self.in_word {
            if !self.word.is_empty() {
                self.words.push(std::mem::take(&mut self.word));
                self.in_word = false;
            }
        } else if !ch.is_whitespace() {
            self.add_raw_char(ch);
        }
    }

    fn add_raw_char(&mut self, ch: char) {
        self.word.push(ch);
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str) {
        for ch in s.chars() {
            self.add_char(ch);
        }
    }

    fn add_raw_string(&mut self, s: &str) {
        self.word.push_str(s);
        self.in_word = true;
    }

    fn into_words(mut self) -> Vec<String> {
        if !self.word.is_empty() {
            self.words.push(self.word);
        }
        self.words
    }
}

type Step<T> = Result<T, LexErrorKind>;

impl<'a> ShellWord<'a> {
    fn new(lex: &'a Lexer, word: &str, env: &'a dyn Fn(&str) -> Option<String>) -> Self {
        let chars: Vec<char> = word.chars().collect();
        // text/scanner drops one byte-order mark at the very start of its input.
        let pos = usize::from(chars.first() == Some(&'\u{FEFF}'));
        ShellWord { lex, chars, pos, env, raw_escapes: lex.raw_escapes, depth: 0 }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let ch = self.peek();
        if ch.is_some() {
            self.pos += 1;
        }
        ch
    }

    fn get_env(&self, name: &str) -> Option<String> {
        (self.env)(name)
    }

    /// `processStopOn`: process until the end of the word (`stop == None`) or `stop`.
    fn process_stop_on(&mut self, stop: Option<char>, raw_escapes: bool) -> Step<(String, Vec<String>)> {
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let out = self.process_stop_on_inner(stop);
        self.raw_escapes = saved;
        out
    }

    fn process_stop_on_inner(&mut self, stop: Option<char>) -> Step<(String, Vec<String>)> {
        let mut result = String::new();
        let mut words = Words::default();
        let quotes = !self.lex.skip_process_quotes;
        while let Some(ch) = self.peek() {
            if stop == Some(ch) {
                self.next();
                return Ok((result, words.into_words()));
            }
            if ch == '$' {
                let tmp = self.process_dollar()?;
                result.push_str(&tmp);
                words.add_string(&tmp);
            } else if ch == '<' {
                let tmp = self.process_possible_heredoc();
                result.push_str(&tmp);
                words.add_raw_string(&tmp);
            } else if quotes && ch == '\'' {
                let tmp = self.process_single_quote()?;
                result.push_str(&tmp);
                words.add_raw_string(&tmp);
            } else if quotes && ch == '"' {
                let tmp = self.process_double_quote()?;
                result.push_str(&tmp);
                words.add_raw_string(&tmp);
            } else {
                self.next();
                let mut ch = ch;
                if ch == self.lex.escape {
                    if self.raw_escapes {
                        words.add_raw_char(ch);
                        result.push(ch);
                    }
                    // The escape token escapes anything, except the end of the word.
                    match self.next() {
                        None => break,
                        Some(escaped) => ch = escaped,
                    }
                    words.add_raw_char(ch);
                } else {
                    words.add_char(ch);
                }
                result.push(ch);
            }
        }
        match stop {
            Some(stop) => Err(LexErrorKind::UnexpectedEnd(stop)),
            None => Ok((result, words.into_words())),
        }
    }

    fn process_single_quote(&mut self) -> Step<String> {
        let mut result = String::new();
        if let Some(open) = self.next() {
            if self.lex.raw_quotes {
                result.push(open);
            }
        }
        loop {
            match self.next() {
                None => return Err(LexErrorKind::UnterminatedSingleQuote),
                Some('\'') => {
                    if self.lex.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(ch) => result.push(ch),
            }
        }
    }

    fn process_double_quote(&mut self) -> Step<String> {
        let mut result = String::new();
        if let Some(open) = self.next() {
            if self.lex.raw_quotes {
                result.push(open);
            }
        }
        loop {
            match self.peek() {
                None => return Err(LexErrorKind::UnterminatedDoubleQuote),
                Some('"') => {
                    self.next();
                    if self.lex.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let value = self.process_dollar()?;
                    result.push_str(&value);
                }
                Some(mut ch) => {
                    self.next();
                    if ch == self.lex.escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            // An escape token at the end of the word is dropped.
                            None => continue,
                            Some(next) if next == '"' || next == '$' || next == self.lex.escape => {
                                self.next();
                                ch = next;
                            }
                            // Any other escape stays as written.
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn process_dollar(&mut self) -> Step<String> {
        self.depth += 1;
        let out = if self.depth > MAX_NESTING { Err(LexErrorKind::TooDeep) } else { self.process_dollar_inner() };
        self.depth -= 1;
        out
    }

    fn process_dollar_inner(&mut self) -> Step<String> {
        self.next(); // the '$'

        // $xxx case
        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".to_string());
            }
            return Ok(match self.get_env(&name) {
                Some(value) => value,
                None if self.lex.skip_unset_env => format!("${name}"),
                None => String::new(),
            });
        }

        self.next(); // the '{'
        match self.peek() {
            None => return Err(LexErrorKind::MissingBrace),
            Some('{' | '}' | ':') => return Err(LexErrorKind::BadSubstitution),
            Some(_) => {}
        }
        let name = self.process_name();
        let mut ch = self.next();
        // Go's string(rune(EOF)) is U+FFFD.
        let mut chs = String::from(ch.unwrap_or('\u{FFFD}'));
        let mut null_is_unset = false;

        match ch {
            Some('}') => {
                // Normal ${xx} case
                return Ok(match self.get_env(&name) {
                    Some(value) => value,
                    None if self.lex.skip_unset_env => format!("${{{name}}}"),
                    None => String::new(),
                });
            }
            Some('/') => return self.process_replace(&name),
            Some(':') => {
                null_is_unset = true;
                ch = self.next();
                chs.push(ch.unwrap_or('\u{FFFD}'));
            }
            Some('+' | '-' | '?' | '#' | '%') => {}
            _ => return Err(LexErrorKind::UnsupportedModifier(chs)),
        }

        // The ':' case falls through to here whatever follows it.
        let raw_escapes = matches!(ch, Some('#' | '%'));
        if null_is_unset && raw_escapes {
            return Err(LexErrorKind::UnsupportedModifier(chs));
        }
        let mut word = match self.process_stop_on(Some('}'), raw_escapes) {
            Ok((word, _)) => word,
            Err(err) => {
                return Err(if self.peek().is_none() { LexErrorKind::MissingBrace } else { err });
            }
        };

        // Grab the current value of the variable in question so we can use it to determine
        // what to do based on the modifier.
        let value = self.get_env(&name);
        if self.lex.skip_unset_env && value.is_none() {
            return Ok(format!("${{{name}{chs}{word}}}"));
        }
        let set = value.is_some();
        let value = value.unwrap_or_default();
        let null = null_is_unset && value.is_empty();

        match ch {
            Some('-') => Ok(if !set || null { word } else { value }),
            Some('+') => Ok(if !set || null { String::new() } else { word }),
            Some('?') => {
                let default = if !set {
                    Some("is not allowed to be unset")
                } else if null {
                    Some("is not allowed to be empty")
                } else {
                    None
                };
                match default {
                    None => Ok(value),
                    Some(default) => Err(LexErrorKind::Required {
                        name,
                        message: if word.is_empty() { default.to_string() } else { word },
                    }),
                }
            }
            Some(op @ ('%' | '#')) => {
                // %/# matches the shortest pattern expansion, %%/## the longest.
                let greedy = word.starts_with(op);
                if greedy {
                    word.remove(0);
                }
                if op == '%' { trim_suffix(&word, &value, greedy) } else { trim_prefix(&word, &value, greedy) }
            }
            _ => Err(LexErrorKind::UnsupportedModifier(chs)),
        }
    }

    /// `processPossibleHeredoc`: `<<` keeps the spaces, tabs, carriage returns and newlines right
    /// after it in its word (so `<< EOF` is one word, as the parser's heredoc detection needs).
    fn process_possible_heredoc(&mut self) -> String {
        self.next();
        if self.peek() != Some('<') {
            return "<".to_string();
        }
        self.next();
        let mut result = "<<".to_string();
        while let Some(c @ (' ' | '\t' | '\r' | '\n')) = self.peek() {
            result.push(c);
            self.next();
        }
        result
    }

    /// `${name/pattern/replacement}` and `${name//pattern/replacement}`.
    fn process_replace(&mut self, name: &str) -> Step<String> {
        let replace_all = self.peek() == Some('/');
        if replace_all {
            self.next();
        }
        let pattern = match self.process_stop_on(Some('/'), true) {
            Ok((pattern, _)) => pattern,
            Err(err) => {
                return Err(if self.peek().is_none() { LexErrorKind::MissingSlash } else { err });
            }
        };
        let replacement = match self.process_stop_on(Some('}'), true) {
            Ok((replacement, _)) => replacement,
            Err(err) => {
                return Err(if self.peek().is_none() { LexErrorKind::MissingBrace } else { err });
            }
        };

        let value = self.get_env(name);
        if self.lex.skip_unset_env && value.is_none() {
            return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
        }
        let value = value.unwrap_or_default();
        let re = Pattern::compile(&pattern, true, false)
            .map_err(|reason| LexErrorKind::InvalidPattern { pattern: pattern.clone(), reason })?;
        let text: Vec<char> = value.chars().collect();
        if replace_all {
            Ok(re.replace_all(&text, &replacement))
        } else {
            Ok(match re.find_at(&text, 0) {
                Some((start, end)) => {
                    let mut out: String = text.iter().take(start).collect();
                    out.push_str(&replacement);
                    out.extend(text.iter().skip(end));
                    out
                }
                None => value,
            })
        }
    }

    /// `processName`: a name of letters, digits and `_`; a leading digit run is a positional
    /// parameter; one special-parameter character is a name on its own.
    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && is_go_digit(ch) {
                while let Some(digit) = self.peek().filter(|c| is_go_digit(*c)) {
                    self.next();
                    name.push(digit);
                }
                return name;
            }
            if name.is_empty() && is_special_param(ch) {
                self.next();
                return ch.to_string();
            }
            if !is_go_letter(ch) && !is_go_digit(ch) && ch != '_' {
                break;
            }
            self.next();
            name.push(ch);
        }
        name
    }
}

fn is_special_param(ch: char) -> bool {
    matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Step<String> {
    let re = Pattern::compile(pattern, greedy, true)
        .map_err(|reason| LexErrorKind::InvalidPattern { pattern: pattern.to_string(), reason })?;
    let text: Vec<char> = value.chars().collect();
    Ok(match re.find_at(&text, 0) {
        Some((_, end)) => text.iter().skip(end).collect(),
        None => value.to_string(),
    })
}

/// Regular expressions can't find the shortest rightmost match, so BuildKit reverses both the
/// pattern (keeping escapes in front of what they escape) and the value.
fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Step<String> {
    let pattern = reverse_pattern(pattern);
    let value: String = value.chars().rev().collect();
    let trimmed = trim_prefix(&pattern, &value, greedy)?;
    Ok(trimmed.chars().rev().collect())
}

/// `reversePattern`: reverse, but keep each `\x` pair in order (`a\*c` -> `c\*a`).
fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens: Vec<&[char]> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let end = if chars.get(i) == Some(&'\\') && i + 1 < chars.len() { i + 2 } else { i + 1 };
        if let Some(token) = chars.get(i..end) {
            tokens.push(token);
        }
        i = end;
    }
    tokens.iter().rev().flat_map(|token| token.iter()).collect()
}

// ---------------------------------------------------------------------------------------------
// Shell patterns (`convertShellPatternToRegex`) and the tiny regular-expression engine they
// need: literals, `.` (any character but newline), `.*` / `.*?`, and an optional `^` anchor.
// Matching is a Pike VM with leftmost-first priorities, which gives exactly the match Go's
// RE2-based `regexp` reports, in linear time.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inst {
    Char(char),
    Any,
    Split(usize, usize),
    Jmp(usize),
    Match,
}

struct Pattern {
    prog: Vec<Inst>,
    anchored: bool,
}

impl Pattern {
    fn compile(pattern: &str, greedy: bool, anchored: bool) -> Result<Pattern, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = usize::from(chars.first() == Some(&'\u{FEFF}'));
        let mut prog = Vec::new();
        while let Some(&tok) = chars.get(pos) {
            pos += 1;
            match tok {
                '*' => {
                    let at = prog.len();
                    let (first, second) = if greedy { (at + 1, at + 3) } else { (at + 3, at + 1) };
                    prog.push(Inst::Split(first, second));
                    prog.push(Inst::Any);
                    prog.push(Inst::Jmp(at));
                }
                '?' => prog.push(Inst::Any),
                '\\' => {
                    // `}` and `/` inside ${} need to be escaped, but the escape isn't part of
                    // the pattern.
                    if matches!(chars.get(pos), Some('}' | '/')) {
                        continue;
                    }
                    let escaped = chars.get(pos).copied();
                    pos += 1;
                    match escaped {
                        Some(c @ ('*' | '?' | '\\')) => prog.push(Inst::Char(c)),
                        other => return Err(format!("invalid escape '\\{}'", other.unwrap_or('\u{FFFD}'))),
                    }
                }
                c => prog.push(Inst::Char(c)),
            }
        }
        prog.push(Inst::Match);
        Ok(Pattern { prog, anchored })
    }

    /// Adds the thread at `pc` (following jumps and splits in priority order) to `list`.
    fn add_thread(&self, list: &mut Vec<(usize, usize)>, seen: &mut [bool], pc: usize, start: usize) {
        let mut stack = vec![pc];
        while let Some(pc) = stack.pop() {
            match seen.get_mut(pc) {
                Some(flag) if !*flag => *flag = true,
                _ => continue,
            }
            match self.prog.get(pc) {
                Some(Inst::Jmp(to)) => stack.push(*to),
                Some(Inst::Split(first, second)) => {
                    stack.push(*second);
                    stack.push(*first);
                }
                Some(_) => list.push((pc, start)),
                None => {}
            }
        }
    }

    /// The leftmost-first match at or after `from`, as character offsets.
    fn find_at(&self, text: &[char], from: usize) -> Option<(usize, usize)> {
        let n = self.prog.len();
        let mut clist: Vec<(usize, usize)> = Vec::new();
        let mut cseen = vec![false; n];
        let mut nlist: Vec<(usize, usize)> = Vec::new();
        let mut nseen = vec![false; n];
        let mut matched = None;
        let mut pos = from;
        loop {
            // A new thread starting here has the lowest priority.
            if matched.is_none() && (!self.anchored || pos == from) {
                self.add_thread(&mut clist, &mut cseen, 0, pos);
            }
            if clist.is_empty() && (matched.is_some() || self.anchored) {
                break;
            }
            let current = text.get(pos).copied();
            for &(pc, start) in &clist {
                match self.prog.get(pc) {
                    Some(Inst::Char(c)) if current == Some(*c) => {
                        self.add_thread(&mut nlist, &mut nseen, pc + 1, start);
                    }
                    Some(Inst::Any) if current.is_some_and(|c| c != '\n') => {
                        self.add_thread(&mut nlist, &mut nseen, pc + 1, start);
                    }
                    Some(Inst::Match) => {
                        matched = Some((start, pos));
                        break; // lower-priority threads are cut
                    }
                    _ => {}
                }
            }
            if pos >= text.len() {
                break;
            }
            std::mem::swap(&mut clist, &mut nlist);
            std::mem::swap(&mut cseen, &mut nseen);
            nlist.clear();
            nseen.iter_mut().for_each(|s| *s = false);
            pos += 1;
        }
        matched
    }

    /// Go `Regexp.ReplaceAllString`, including its `$0` / `${0}` template expansion.
    fn replace_all(&self, text: &[char], template: &str) -> String {
        let mut out = String::new();
        let mut last_match_end = 0;
        let mut search_pos = 0;
        while search_pos <= text.len() {
            let Some((start, end)) = self.find_at(text, search_pos) else {
                break;
            };
            out.extend(text.iter().skip(last_match_end).take(start.saturating_sub(last_match_end)));
            // No replacement for an empty match right after another match.
            if end > last_match_end || start == 0 {
                let matched: String = text.iter().skip(start).take(end - start).collect();
                expand_template(&mut out, template, &matched);
            }
            last_match_end = end;
            let width = usize::from(search_pos < text.len());
            if search_pos + width > end {
                search_pos += width;
            } else if search_pos + 1 > end {
                search_pos += 1;
            } else {
                search_pos = end;
            }
        }
        out.extend(text.iter().skip(last_match_end));
        out
    }
}

/// Go `Regexp.expand` for a regexp without capture groups: `$$` is `$`, `$0`/`${0}` is the
/// match, any other well-formed reference is empty, a malformed one is a literal `$`.
fn expand_template(out: &mut String, template: &str, matched: &str) {
    let mut rest = template;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let (braced, body) = match rest.strip_prefix('{') {
            Some(body) => (true, body),
            None => (false, rest),
        };
        let name_len: usize =
            body.chars().take_while(|c| is_go_letter(*c) || is_go_digit(*c) || *c == '_').map(char::len_utf8).sum();
        if name_len == 0 {
            out.push('$');
            continue;
        }
        let name = &body[..name_len];
        let mut after = &body[name_len..];
        if braced {
            match after.strip_prefix('}') {
                Some(a) => after = a,
                None => {
                    out.push('$');
                    continue;
                }
            }
        }
        // Only group 0 exists. Go parses ASCII digits without leading zeros.
        if name == "0" {
            out.push_str(matched);
        }
        rest = after;
    }
    out.push_str(rest);
}

// ---------------------------------------------------------------------------------------------
// Go helpers.

/// Go `unicode.IsLetter` (general category L, Unicode 15.0).
pub(crate) fn is_go_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_table(LETTER, c)
}

/// Go `unicode.IsDigit` (general category Nd, Unicode 15.0).
pub(crate) fn is_go_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_table(DECIMAL_DIGIT, c)
}

fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let cp = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

// Generated from the Unicode 15.0.0 UCD (Python `unicodedata2==15.0.0`): the code point ranges
// whose general category is L* (LETTER) and Nd (DECIMAL_DIGIT).

#[rustfmt::skip]
const LETTER: &[(u32, u32)] = &[
    (0x41, 0x5A), (0x61, 0x7A), (0xAA, 0xAA), (0xB5, 0xB5), (0xBA, 0xBA), (0xC0, 0xD6),
    (0xD8, 0xF6), (0xF8, 0x2C1), (0x2C6, 0x2D1), (0x2E0, 0x2E4), (0x2EC, 0x2EC), (0x2EE, 0x2EE),
    (0x370, 0x374), (0x376, 0x377), (0x37A, 0x37D), (0x37F, 0x37F), (0x386, 0x386),
    (0x388, 0x38A), (0x38C, 0x38C), (0x38E, 0x3A1), (0x3A3, 0x3F5), (0x3F7, 0x481),
    (0x48A, 0x52F), (0x531, 0x556), (0x559, 0x559), (0x560, 0x588), (0x5D0, 0x5EA),
    (0x5EF, 0x5F2), (0x620, 0x64A), (0x66E, 0x66F), (0x671, 0x6D3), (0x6D5, 0x6D5),
    (0x6E5, 0x6E6), (0x6EE, 0x6EF), (0x6FA, 0x6FC), (0x6FF, 0x6FF), (0x710, 0x710),
    (0x712, 0x72F), (0x74D, 0x7A5), (0x7B1, 0x7B1), (0x7CA, 0x7EA), (0x7F4, 0x7F5),
    (0x7FA, 0x7FA), (0x800, 0x815), (0x81A, 0x81A), (0x824, 0x824), (0x828, 0x828),
    (0x840, 0x858), (0x860, 0x86A), (0x870, 0x887), (0x889, 0x88E), (0x8A0, 0x8C9),
    (0x904, 0x939), (0x93D, 0x93D), (0x950, 0x950), (0x958, 0x961), (0x971, 0x980),
    (0x985, 0x98C), (0x98F, 0x990), (0x993, 0x9A8), (0x9AA, 0x9B0), (0x9B2, 0x9B2),
    (0x9B6, 0x9B9), (0x9BD, 0x9BD), (0x9CE, 0x9CE), (0x9DC, 0x9DD), (0x9DF, 0x9E1),
    (0x9F0, 0x9F1), (0x9FC, 0x9FC), (0xA05, 0xA0A), (0xA0F, 0xA10), (0xA13, 0xA28),
    (0xA2A, 0xA30), (0xA32, 0xA33), (0xA35, 0xA36), (0xA38, 0xA39), (0xA59, 0xA5C),
    (0xA5E, 0xA5E), (0xA72, 0xA74), (0xA85, 0xA8D), (0xA8F, 0xA91), (0xA93, 0xAA8),
    (0xAAA, 0xAB0), (0xAB2, 0xAB3), (0xAB5, 0xAB9), (0xABD, 0xABD), (0xAD0, 0xAD0),
    (0xAE0, 0xAE1), (0xAF9, 0xAF9), (0xB05, 0xB0C), (0xB0F, 0xB10), (0xB13, 0xB28),
    (0xB2A, 0xB30), (0xB32, 0xB33), (0xB35, 0xB39), (0xB3D, 0xB3D), (0xB5C, 0xB5D),
    (0xB5F, 0xB61), (0xB71, 0xB71), (0xB83, 0xB83), (0xB85, 0xB8A), (0xB8E, 0xB90),
    (0xB92, 0xB95), (0xB99, 0xB9A), (0xB9C, 0xB9C), (0xB9E, 0xB9F), (0xBA3, 0xBA4),
    (0xBA8, 0xBAA), (0xBAE, 0xBB9), (0xBD0, 0xBD0), (0xC05, 0xC0C), (0xC0E, 0xC10),
    (0xC12, 0xC28), (0xC2A, 0xC39), (0xC3D, 0xC3D), (0xC58, 0xC5A), (0xC5D, 0xC5D),
    (0xC60, 0xC61), (0xC80, 0xC80), (0xC85, 0xC8C), (0xC8E, 0xC90), (0xC92, 0xCA8),
    (0xCAA, 0xCB3), (0xCB5, 0xCB9), (0xCBD, 0xCBD), (0xCDD, 0xCDE), (0xCE0, 0xCE1),
    (0xCF1, 0xCF2), (0xD04, 0xD0C), (0xD0E, 0xD10), (0xD12, 0xD3A), (0xD3D, 0xD3D),
    (0xD4E, 0xD4E), (0xD54, 0xD56), (0xD5F, 0xD61), (0xD7A, 0xD7F), (0xD85, 0xD96),
    (0xD9A, 0xDB1), (0xDB3, 0xDBB), (0xDBD, 0xDBD), (0xDC0, 0xDC6), (0xE01, 0xE30),
    (0xE32, 0xE33), (0xE40, 0xE46), (0xE81, 0xE82), (0xE84, 0xE84), (0xE86, 0xE8A),
    (0xE8C, 0xEA3), (0xEA5, 0xEA5), (0xEA7, 0xEB0), (0xEB2, 0xEB3), (0xEBD, 0xEBD),
    (0xEC0, 0xEC4), (0xEC6, 0xEC6), (0xEDC, 0xEDF), (0xF00, 0xF00), (0xF40, 0xF47),
    (0xF49, 0xF6C), (0xF88, 0xF8C), (0x1000, 0x102A), (0x103F, 0x103F), (0x1050, 0x1055),
    (0x105A, 0x105D), (0x1061, 0x1061), (0x1065, 0x1066), (0x106E, 0x1070), (0x1075, 0x1081),
    (0x108E, 0x108E), (0x10A0, 0x10C5), (0x10C7, 0x10C7), (0x10CD, 0x10CD), (0x10D0, 0x10FA),
    (0x10FC, 0x1248), (0x124A, 0x124D), (0x1250, 0x1256), (0x1258, 0x1258), (0x125A, 0x125D),
    (0x1260, 0x1288), (0x128A, 0x128D), (0x1290, 0x12B0), (0x12B2, 0x12B5), (0x12B8, 0x12BE),
    (0x12C0, 0x12C0), (0x12C2, 0x12C5), (0x12C8, 0x12D6), (0x12D8, 0x1310), (0x1312, 0x1315),
    (0x1318, 0x135A), (0x1380, 0x138F), (0x13A0, 0x13F5), (0x13F8, 0x13FD), (0x1401, 0x166C),
    (0x166F, 0x167F), (0x1681, 0x169A), (0x16A0, 0x16EA), (0x16F1, 0x16F8), (0x1700, 0x1711),
    (0x171F, 0x1731), (0x1740, 0x1751), (0x1760, 0x176C), (0x176E, 0x1770), (0x1780, 0x17B3),
    (0x17D7, 0x17D7), (0x17DC, 0x17DC), (0x1820, 0x1878), (0x1880, 0x1884), (0x1887, 0x18A8),
    (0x18AA, 0x18AA), (0x18B0, 0x18F5), (0x1900, 0x191E), (0x1950, 0x196D), (0x1970, 0x1974),
    (0x1980, 0x19AB), (0x19B0, 0x19C9), (0x1A00, 0x1A16), (0x1A20, 0x1A54), (0x1AA7, 0x1AA7),
    (0x1B05, 0x1B33), (0x1B45, 0x1B4C), (0x1B83, 0x1BA0), (0x1BAE, 0x1BAF), (0x1BBA, 0x1BE5),
    (0x1C00, 0x1C23), (0x1C4D, 0x1C4F), (0x1C5A, 0x1C7D), (0x1C80, 0x1C88), (0x1C90, 0x1CBA),
    (0x1CBD, 0x1CBF), (0x1CE9, 0x1CEC), (0x1CEE, 0x1CF3), (0x1CF5, 0x1CF6), (0x1CFA, 0x1CFA),
    (0x1D00, 0x1DBF), (0x1E00, 0x1F15), (0x1F18, 0x1F1D), (0x1F20, 0x1F45), (0x1F48, 0x1F4D),
    (0x1F50, 0x1F57), (0x1F59, 0x1F59), (0x1F5B, 0x1F5B), (0x1F5D, 0x1F5D), (0x1F5F, 0x1F7D),
    (0x1F80, 0x1FB4), (0x1FB6, 0x1FBC), (0x1FBE, 0x1FBE), (0x1FC2, 0x1FC4), (0x1FC6, 0x1FCC),
    (0x1FD0, 0x1FD3), (0x1FD6, 0x1FDB), (0x1FE0, 0x1FEC), (0x1FF2, 0x1FF4), (0x1FF6, 0x1FFC),
    (0x2071, 0x2071), (0x207F, 0x207F), (0x2090, 0x209C), (0x2102, 0x2102), (0x2107, 0x2107),
    (0x210A, 0x2113), (0x2115, 0x2115), (0x2119, 0x211D), (0x2124, 0x2124), (0x2126, 0x2126),
    (0x2128, 0x2128), (0x212A, 0x212D), (0x212F, 0x2139), (0x213C, 0x213F), (0x2145, 0x2149),
    (0x214E, 0x214E), (0x2183, 0x2184), (0x2C00, 0x2CE4), (0x2CEB, 0x2CEE), (0x2CF2, 0x2CF3),
    (0x2D00, 0x2D25), (0x2D27, 0x2D27), (0x2D2D, 0x2D2D), (0x2D30, 0x2D67), (0x2D6F, 0x2D6F),
    (0x2D80, 0x2D96), (0x2DA0, 0x2DA6), (0x2DA8, 0x2DAE), (0x2DB0, 0x2DB6), (0x2DB8, 0x2DBE),
    (0x2DC0, 0x2DC6), (0x2DC8, 0x2DCE), (0x2DD0, 0x2DD6), (0x2DD8, 0x2DDE), (0x2E2F, 0x2E2F),
    (0x3005, 0x3006), (0x3031, 0x3035), (0x303B, 0x303C), (0x3041, 0x3096), (0x309D, 0x309F),
    (0x30A1, 0x30FA), (0x30FC, 0x30FF), (0x3105, 0x312F), (0x3131, 0x318E), (0x31A0, 0x31BF),
    (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0xA48C), (0xA4D0, 0xA4FD), (0xA500, 0xA60C),
    (0xA610, 0xA61F), (0xA62A, 0xA62B), (0xA640, 0xA66E), (0xA67F, 0xA69D), (0xA6A0, 0xA6E5),
    (0xA717, 0xA71F), (0xA722, 0xA788), (0xA78B, 0xA7CA), (0xA7D0, 0xA7D1), (0xA7D3, 0xA7D3),
    (0xA7D5, 0xA7D9), (0xA7F2, 0xA801), (0xA803, 0xA805), (0xA807, 0xA80A), (0xA80C, 0xA822),
    (0xA840, 0xA873), (0xA882, 0xA8B3), (0xA8F2, 0xA8F7), (0xA8FB, 0xA8FB), (0xA8FD, 0xA8FE),
    (0xA90A, 0xA925), (0xA930, 0xA946), (0xA960, 0xA97C), (0xA984, 0xA9B2), (0xA9CF, 0xA9CF),
    (0xA9E0, 0xA9E4), (0xA9E6, 0xA9EF), (0xA9FA, 0xA9FE), (0xAA00, 0xAA28), (0xAA40, 0xAA42),
    (0xAA44, 0xAA4B), (0xAA60, 0xAA76), (0xAA7A, 0xAA7A), (0xAA7E, 0xAAAF), (0xAAB1, 0xAAB1),
    (0xAAB5, 0xAAB6), (0xAAB9, 0xAABD), (0xAAC0, 0xAAC0), (0xAAC2, 0xAAC2), (0xAADB, 0xAADD),
    (0xAAE0, 0xAAEA), (0xAAF2, 0xAAF4), (0xAB01, 0xAB06), (0xAB09, 0xAB0E), (0xAB11, 0xAB16),
    (0xAB20, 0xAB26), (0xAB28, 0xAB2E), (0xAB30, 0xAB5A), (0xAB5C, 0xAB69), (0xAB70, 0xABE2),
    (0xAC00, 0xD7A3), (0xD7B0, 0xD7C6), (0xD7CB, 0xD7FB), (0xF900, 0xFA6D), (0xFA70, 0xFAD9),
    (0xFB00, 0xFB06), (0xFB13, 0xFB17), (0xFB1D, 0xFB1D), (0xFB1F, 0xFB28), (0xFB2A, 0xFB36),
    (0xFB38, 0xFB3C), (0xFB3E, 0xFB3E), (0xFB40, 0xFB41), (0xFB43, 0xFB44), (0xFB46, 0xFBB1),
    (0xFBD3, 0xFD3D), (0xFD50, 0xFD8F), (0xFD92, 0xFDC7), (0xFDF0, 0xFDFB), (0xFE70, 0xFE74),
    (0xFE76, 0xFEFC), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A), (0xFF66, 0xFFBE), (0xFFC2, 0xFFC7),
    (0xFFCA, 0xFFCF), (0xFFD2, 0xFFD7), (0xFFDA, 0xFFDC), (0x10000, 0x1000B),
    (0x1000D, 0x10026), (0x10028, 0x1003A), (0x1003C, 0x1003D), (0x1003F, 0x1004D),
    (0x10050, 0x1005D), (0x10080, 0x100FA), (0x10280, 0x1029C), (0x102A0, 0x102D0),
    (0x10300, 0x1031F), (0x1032D, 0x10340), (0x10342, 0x10349), (0x10350, 0x10375),
    (0x10380, 0x1039D), (0x103A0, 0x103C3), (0x103C8, 0x103CF), (0x10400, 0x1049D),
    (0x104B0, 0x104D3), (0x104D8, 0x104FB), (0x10500, 0x10527), (0x10530, 0x10563),
    (0x10570, 0x1057A), (0x1057C, 0x1058A), (0x1058C, 0x10592), (0x10594, 0x10595),
    (0x10597, 0x105A1), (0x105A3, 0x105B1), (0x105B3, 0x105B9), (0x105BB, 0x105BC),
    (0x10600, 0x10736), (0x10740, 0x10755), (0x10760, 0x10767), (0x10780, 0x10785),
    (0x10787, 0x107B0), (0x107B2, 0x107BA), (0x10800, 0x10805), (0x10808, 0x10808),
    (0x1080A, 0x10835), (0x10837, 0x10838), (0x1083C, 0x1083C), (0x1083F, 0x10855),
    (0x10860, 0x10876), (0x10880, 0x1089E), (0x108E0, 0x108F2), (0x108F4, 0x108F5),
    (0x10900, 0x10915), (0x10920, 0x10939), (0x10980, 0x109B7), (0x109BE, 0x109BF),
    (0x10A00, 0x10A00), (0x10A10, 0x10A13), (0x10A15, 0x10A17), (0x10A19, 0x10A35),
    (0x10A60, 0x10A7C), (0x10A80, 0x10A9C), (0x10AC0, 0x10AC7), (0x10AC9, 0x10AE4),
    (0x10B00, 0x10B35), (0x10B40, 0x10B55), (0x10B60, 0x10B72), (0x10B80, 0x10B91),
    (0x10C00, 0x10C48), (0x10C80, 0x10CB2), (0x10CC0, 0x10CF2), (0x10D00, 0x10D23),
    (0x10E80, 0x10EA9), (0x10EB0, 0x10EB1), (0x10F00, 0x10F1C), (0x10F27, 0x10F27),
    (0x10F30, 0x10F45), (0x10F70, 0x10F81), (0x10FB0, 0x10FC4), (0x10FE0, 0x10FF6),
    (0x11003, 0x11037), (0x11071, 0x11072), (0x11075, 0x11075), (0x11083, 0x110AF),
    (0x110D0, 0x110E8), (0x11103, 0x11126), (0x11144, 0x11144), (0x11147, 0x11147),
    (0x11150, 0x11172), (0x11176, 0x11176), (0x11183, 0x111B2), (0x111C1, 0x111C4),
    (0x111DA, 0x111DA), (0x111DC, 0x111DC), (0x11200, 0x11211), (0x11213, 0x1122B),
    (0x1123F, 0x11240), (0x11280, 0x11286), (0x11288, 0x11288), (0x1128A, 0x1128D),
    (0x1128F, 0x1129D), (0x1129F, 0x112A8), (0x112B0, 0x112DE), (0x11305, 0x1130C),
    (0x1130F, 0x11310), (0x11313, 0x11328), (0x1132A, 0x11330), (0x11332, 0x11333),
    (0x11335, 0x11339), (0x1133D, 0x1133D), (0x11350, 0x11350), (0x1135D, 0x11361),
    (0x11400, 0x11434), (0x11447, 0x1144A), (0x1145F, 0x11461), (0x11480, 0x114AF),
    (0x114C4, 0x114C5), (0x114C7, 0x114C7), (0x11580, 0x115AE), (0x115D8, 0x115DB),
    (0x11600, 0x1162F), (0x11644, 0x11644), (0x11680, 0x116AA), (0x116B8, 0x116B8),
    (0x11700, 0x1171A), (0x11740, 0x11746), (0x11800, 0x1182B), (0x118A0, 0x118DF),
    (0x118FF, 0x11906), (0x11909, 0x11909), (0x1190C, 0x11913), (0x11915, 0x11916),
    (0x11918, 0x1192F), (0x1193F, 0x1193F), (0x11941, 0x11941), (0x119A0, 0x119A7),
    (0x119AA, 0x119D0), (0x119E1, 0x119E1), (0x119E3, 0x119E3), (0x11A00, 0x11A00),
    (0x11A0B, 0x11A32), (0x11A3A, 0x11A3A), (0x11A50, 0x11A50), (0x11A5C, 0x11A89),
    (0x11A9D, 0x11A9D), (0x11AB0, 0x11AF8), (0x11C00, 0x11C08), (0x11C0A, 0x11C2E),
    (0x11C40, 0x11C40), (0x11C72, 0x11C8F), (0x11D00, 0x11D06), (0x11D08, 0x11D09),
    (0x11D0B, 0x11D30), (0x11D46, 0x11D46), (0x11D60, 0x11D65), (0x11D67, 0x11D68),
    (0x11D6A, 0x11D89), (0x11D98, 0x11D98), (0x11EE0, 0x11EF2), (0x11F02, 0x11F02),
    (0x11F04, 0x11F10), (0x11F12, 0x11F33), (0x11FB0, 0x11FB0), (0x12000, 0x12399),
    (0x12480, 0x12543), (0x12F90, 0x12FF0), (0x13000, 0x1342F), (0x13441, 0x13446),
    (0x14400, 0x14646), (0x16800, 0x16A38), (0x16A40, 0x16A5E), (0x16A70, 0x16ABE),
    (0x16AD0, 0x16AED), (0x16B00, 0x16B2F), (0x16B40, 0x16B43), (0x16B63, 0x16B77),
    (0x16B7D, 0x16B8F), (0x16E40, 0x16E7F), (0x16F00, 0x16F4A), (0x16F50, 0x16F50),
    (0x16F93, 0x16F9F), (0x16FE0, 0x16FE1), (0x16FE3, 0x16FE3), (0x17000, 0x187F7),
    (0x18800, 0x18CD5), (0x18D00, 0x18D08), (0x1AFF0, 0x1AFF3), (0x1AFF5, 0x1AFFB),
    (0x1AFFD, 0x1AFFE), (0x1B000, 0x1B122), (0x1B132, 0x1B132), (0x1B150, 0x1B152),
    (0x1B155, 0x1B155), (0x1B164, 0x1B167), (0x1B170, 0x1B2FB), (0x1BC00, 0x1BC6A),
    (0x1BC70, 0x1BC7C), (0x1BC80, 0x1BC88), (0x1BC90, 0x1BC99), (0x1D400, 0x1D454),
    (0x1D456, 0x1D49C), (0x1D49E, 0x1D49F), (0x1D4A2, 0x1D4A2), (0x1D4A5, 0x1D4A6),
    (0x1D4A9, 0x1D4AC), (0x1D4AE, 0x1D4B9), (0x1D4BB, 0x1D4BB), (0x1D4BD, 0x1D4C3),
    (0x1D4C5, 0x1D505), (0x1D507, 0x1D50A), (0x1D50D, 0x1D514), (0x1D516, 0x1D51C),
    (0x1D51E, 0x1D539), (0x1D53B, 0x1D53E), (0x1D540, 0x1D544), (0x1D546, 0x1D546),
    (0x1D54A, 0x1D550), (0x1D552, 0x1D6A5), (0x1D6A8, 0x1D6C0), (0x1D6C2, 0x1D6DA),
    (0x1D6DC, 0x1D6FA), (0x1D6FC, 0x1D714), (0x1D716, 0x1D734), (0x1D736, 0x1D74E),
    (0x1D750, 0x1D76E), (0x1D770, 0x1D788), (0x1D78A, 0x1D7A8), (0x1D7AA, 0x1D7C2),
    (0x1D7C4, 0x1D7CB), (0x1DF00, 0x1DF1E), (0x1DF25, 0x1DF2A), (0x1E030, 0x1E06D),
    (0x1E100, 0x1E12C), (0x1E137, 0x1E13D), (0x1E14E, 0x1E14E), (0x1E290, 0x1E2AD),
    (0x1E2C0, 0x1E2EB), (0x1E4D0, 0x1E4EB), (0x1E7E0, 0x1E7E6), (0x1E7E8, 0x1E7EB),
    (0x1E7ED, 0x1E7EE), (0x1E7F0, 0x1E7FE), (0x1E800, 0x1E8C4), (0x1E900, 0x1E943),
    (0x1E94B, 0x1E94B), (0x1EE00, 0x1EE03), (0x1EE05, 0x1EE1F), (0x1EE21, 0x1EE22),
    (0x1EE24, 0x1EE24), (0x1EE27, 0x1EE27), (0x1EE29, 0x1EE32), (0x1EE34, 0x1EE37),
    (0x1EE39, 0x1EE39), (0x1EE3B, 0x1EE3B), (0x1EE42, 0x1EE42), (0x1EE47, 0x1EE47),
    (0x1EE49, 0x1EE49), (0x1EE4B, 0x1EE4B), (0x1EE4D, 0x1EE4F), (0x1EE51, 0x1EE52),
    (0x1EE54, 0x1EE54), (0x1EE57, 0x1EE57), (0x1EE59, 0x1EE59), (0x1EE5B, 0x1EE5B),
    (0x1EE5D, 0x1EE5D), (0x1EE5F, 0x1EE5F), (0x1EE61, 0x1EE62), (0x1EE64, 0x1EE64),
    (0x1EE67, 0x1EE6A), (0x1EE6C, 0x1EE72), (0x1EE74, 0x1EE77), (0x1EE79, 0x1EE7C),
    (0x1EE7E, 0x1EE7E), (0x1EE80, 0x1EE89), (0x1EE8B, 0x1EE9B), (0x1EEA1, 0x1EEA3),
    (0x1EEA5, 0x1EEA9), (0x1EEAB, 0x1EEBB), (0x20000, 0x2A6DF), (0x2A700, 0x2B739),
    (0x2B740, 0x2B81D), (0x2B820, 0x2CEA1), (0x2CEB0, 0x2EBE0), (0x2F800, 0x2FA1D),
    (0x30000, 0x3134A), (0x31350, 0x323AF),
];

#[rustfmt::skip]
const DECIMAL_DIGIT: &[(u32, u32)] = &[
    (0x30, 0x39), (0x660, 0x669), (0x6F0, 0x6F9), (0x7C0, 0x7C9), (0x966, 0x96F),
    (0x9E6, 0x9EF), (0xA66, 0xA6F), (0xAE6, 0xAEF), (0xB66, 0xB6F), (0xBE6, 0xBEF),
    (0xC66, 0xC6F), (0xCE6, 0xCEF), (0xD66, 0xD6F), (0xDE6, 0xDEF), (0xE50, 0xE59),
    (0xED0, 0xED9), (0xF20, 0xF29), (0x1040, 0x1049), (0x1090, 0x1099), (0x17E0, 0x17E9),
    (0x1810, 0x1819), (0x1946, 0x194F), (0x19D0, 0x19D9), (0x1A80, 0x1A89), (0x1A90, 0x1A99),
    (0x1B50, 0x1B59), (0x1BB0, 0x1BB9), (0x1C40, 0x1C49), (0x1C50, 0x1C59), (0xA620, 0xA629),
    (0xA8D0, 0xA8D9), (0xA900, 0xA909), (0xA9D0, 0xA9D9), (0xA9F0, 0xA9F9), (0xAA50, 0xAA59),
    (0xABF0, 0xABF9), (0xFF10, 0xFF19), (0x104A0, 0x104A9), (0x10D30, 0x10D39),
    (0x11066, 0x1106F), (0x110F0, 0x110F9), (0x11136, 0x1113F), (0x111D0, 0x111D9),
    (0x112F0, 0x112F9), (0x11450, 0x11459), (0x114D0, 0x114D9), (0x11650, 0x11659),
    (0x116C0, 0x116C9), (0x11730, 0x11739), (0x118E0, 0x118E9), (0x11950, 0x11959),
    (0x11C50, 0x11C59), (0x11D50, 0x11D59), (0x11DA0, 0x11DA9), (0x11F50, 0x11F59),
    (0x16A60, 0x16A69), (0x16AC0, 0x16AC9), (0x16B50, 0x16B59), (0x1D7CE, 0x1D7FF),
    (0x1E140, 0x1E149), (0x1E2F0, 0x1E2F9), (0x1E4F0, 0x1E4F9), (0x1E950, 0x1E959),
    (0x1FBF0, 0x1FBF9),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// What the parser's heredoc detection relies on, as BuildKit's `shell.Lex` does it at the corpus
    /// commit: `<<` keeps the blanks after it in its word, and `:#` / `:%` are not modifiers.
    #[test]
    fn heredoc_words_and_colon_patterns() {
        let lexer = Lexer::new('\\').skip_unset_env(true);
        let none = |_: &str| None;
        assert_eq!(lexer.process_words("cat << EOF <x", &none).unwrap(), ["cat", "<< EOF", "<x"]);
        assert_eq!(lexer.process_word("a << b", &none).unwrap(), "a << b");
        for word in ["${A:#x}", "${A:%x}"] {
            let err = lexer.process_word(word, &none).unwrap_err();
            assert_eq!(err.kind(), &LexErrorKind::UnsupportedModifier(word[3..5].to_string()), "{word}");
        }
        assert_eq!(lexer.process_word("${A#x}", &none).unwrap(), "${A#x}");
    }
}
