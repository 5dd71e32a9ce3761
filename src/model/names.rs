//! Validated newtypes for every domain string the model holds.
//!
//! Each type checks its input once, in its constructor (and when deserialized), so a model built from
//! these types can always be written: the emitter never has to reject anything.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};

macro_rules! string_newtype {
    ($(#[$meta:meta])* $name:ident, $check:path) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
        #[serde(try_from = "String")]
        pub struct $name(String);

        // Written as the string it wraps, without copying it first (`into = "String"` would clone).
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl $name {
            /// Checks `value` and wraps it; the error names the bad input and how to fix it.
            /// Shown here with [`Line`]; the type's own example shows what this type accepts.
            ///
            /// ```
            /// use dockwright::Line;
            ///
            /// assert_eq!(Line::new("/app data").unwrap().as_str(), "/app data");
            /// let err = Line::new("a\nb").unwrap_err();
            /// assert!(err.to_string().starts_with("value \"a\\nb\" holds a line break"));
            /// ```
            pub fn new(value: impl Into<String>) -> Result<Self, Error> {
                let value = value.into();
                $check(&value)?;
                Ok($name(value))
            }

            /// The value as written, exactly as given to `new` (the type's own example shows it too).
            ///
            /// ```
            /// use dockwright::Line;
            ///
            /// assert_eq!(Line::new(" spaced ").unwrap().as_str(), " spaced ");
            /// ```
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(value: String) -> Result<Self, Error> {
                $name::new(value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = Error;
            fn try_from(value: &str) -> Result<Self, Error> {
                $name::new(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

fn check_text(value: &str) -> Result<(), Error> {
    if value.contains('\0') {
        return Err(Error::new(
            ErrorKind::InvalidText,
            format!(
                "text {value:?} holds a NUL character, which no Dockerfile or process argument can carry: remove it"
            ),
        ));
    }
    Ok(())
}

fn check_line(value: &str) -> Result<(), Error> {
    check_text(value)?;
    if value.contains(['\n', '\r']) {
        return Err(Error::new(
            ErrorKind::InvalidText,
            format!(
                "value {value:?} holds a line break, and a Dockerfile has no way to write one here: \
                 put multi-line content in a file (Stage::file) or a RUN script"
            ),
        ));
    }
    Ok(())
}

string_newtype!(
    /// Text of any length and any number of lines, without NUL: shell scripts, exec arguments, file contents.
    ///
    /// ```
    /// use dockwright::Text;
    ///
    /// assert_eq!(Text::new("echo a\necho b").unwrap().as_str(), "echo a\necho b");
    /// assert!(Text::new("a\0b").is_err());
    /// ```
    Text,
    check_text
);

string_newtype!(
    /// One line of text (no NUL, CR or LF): values, paths, working directories.
    ///
    /// ```
    /// use dockwright::Line;
    ///
    /// assert_eq!(Line::new("/app/data dir").unwrap().as_str(), "/app/data dir");
    /// let err = Line::new("a\nb").unwrap_err();
    /// assert!(err.to_string().starts_with("value \"a\\nb\" holds a line break"));
    /// ```
    Line,
    check_line
);

fn check_stage_name(value: &str) -> Result<(), Error> {
    let mut chars = value.chars();
    let ok =
        matches!(chars.next(), Some('a'..='z')) && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-' | '_' | '.'));
    if !ok {
        return Err(Error::new(
            ErrorKind::InvalidStageName,
            format!(
                "invalid stage name '{value}': use lowercase letters, digits, '-', '_' and '.', starting with a letter"
            ),
        ));
    }
    if value == "scratch" || value == "context" {
        return Err(Error::new(
            ErrorKind::InvalidStageName,
            format!("stage name '{value}' is reserved by BuildKit: choose another name"),
        ));
    }
    Ok(())
}

string_newtype!(
    /// The name of a build stage (`FROM ... AS name`): `[a-z][a-z0-9_.-]*`, not `scratch` or `context`.
    ///
    /// ```
    /// use dockwright::StageName;
    ///
    /// assert_eq!(StageName::new("builder").unwrap().as_str(), "builder");
    /// assert!(StageName::new("Builder").is_err());
    /// assert!(StageName::new("scratch").is_err());
    /// ```
    StageName,
    check_stage_name
);

fn check_var_name(value: &str) -> Result<(), Error> {
    let mut chars = value.chars();
    let ok = matches!(chars.next(), Some('A'..='Z' | 'a'..='z' | '_'))
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok {
        return Err(Error::new(
            ErrorKind::InvalidVarName,
            format!("invalid variable name '{value}': use letters, digits and '_', not starting with a digit"),
        ));
    }
    Ok(())
}

string_newtype!(
    /// The name of an ENV or ARG variable: `[A-Za-z_][A-Za-z0-9_]*`.
    ///
    /// ```
    /// use dockwright::VarName;
    ///
    /// assert_eq!(VarName::new("PYTHONUNBUFFERED").unwrap().as_str(), "PYTHONUNBUFFERED");
    /// assert!(VarName::new("my-var").is_err());
    /// ```
    VarName,
    check_var_name
);

fn check_label_key(value: &str) -> Result<(), Error> {
    if value.is_empty() || value.contains('=') || value.chars().any(char::is_control) {
        return Err(Error::new(
            ErrorKind::InvalidLabelKey,
            format!("invalid label key {value:?}: a key must be non-empty and hold no '=' or control character"),
        ));
    }
    Ok(())
}

string_newtype!(
    /// A LABEL key: non-empty, without `=` or control characters (quoted when written if it needs to be).
    ///
    /// ```
    /// use dockwright::LabelKey;
    ///
    /// assert_eq!(LabelKey::new("org.opencontainers.image.title").unwrap().as_str(), "org.opencontainers.image.title");
    /// assert!(LabelKey::new("a=b").is_err());
    /// ```
    LabelKey,
    check_label_key
);

/// Characters allowed in flag values that dockwright writes without any quoting.
pub(crate) fn is_safe_flag_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '@' | ':' | '+' | '-')
}

fn check_flag_value(value: &str) -> Result<(), Error> {
    if value.is_empty() || !value.chars().all(is_safe_flag_char) {
        return Err(Error::new(
            ErrorKind::InvalidFlagValue,
            format!("flag value {value:?} must be non-empty and use only letters, digits and _ . / @ : + -"),
        ));
    }
    Ok(())
}

string_newtype!(
    /// A value written inside an instruction flag (mount ids, targets, sources, context names): non-empty,
    /// only letters, digits and `_ . / @ : + -`, so no quoting layer can change it.
    ///
    /// ```
    /// use dockwright::FlagValue;
    ///
    /// assert_eq!(FlagValue::new("/root/.cache/pip").unwrap().as_str(), "/root/.cache/pip");
    /// assert!(FlagValue::new("/a,b").is_err());
    /// ```
    FlagValue,
    check_flag_value
);

fn check_pattern(value: &str) -> Result<(), Error> {
    let ok =
        !value.is_empty() && value.chars().all(|c| is_safe_flag_char(c) || matches!(c, '*' | '?' | '[' | ']' | '!'));
    if !ok {
        return Err(Error::new(
            ErrorKind::InvalidFlagValue,
            format!(
                "exclude pattern {value:?} must be non-empty and use only letters, digits, _ . / @ : + - and the glob characters * ? [ ] !"
            ),
        ));
    }
    Ok(())
}

string_newtype!(
    /// A path pattern for `COPY --exclude` / `ADD --exclude`: safe characters plus glob `* ? [ ] !`.
    ///
    /// ```
    /// use dockwright::Pattern;
    ///
    /// assert_eq!(Pattern::new("**/*.pyc").unwrap().as_str(), "**/*.pyc");
    /// assert!(Pattern::new("a b").is_err());
    /// ```
    Pattern,
    check_pattern
);

fn check_comment(value: &str) -> Result<(), Error> {
    check_text(value)?;
    // Written as `# ` + the line: BuildKit reads lines of at most MAX_LINE bytes.
    let max = super::MAX_LINE - 2;
    if let Some(line) = value.split(['\n', '\r']).find(|line| line.len() > max) {
        return Err(Error::new(
            ErrorKind::InvalidComment,
            format!(
                "comment line starting {:?} is {} bytes long; BuildKit reads lines of at most {} bytes: \
                 break it into shorter lines",
                line.chars().take(40).collect::<String>(),
                line.len(),
                super::MAX_LINE
            ),
        ));
    }
    Ok(())
}

string_newtype!(
    /// Comment text, one or more lines, written as `# ...` lines. Any text is fine: the emitter makes
    /// sure no comment is ever read as a parser directive (a comment that starts the file and looks like
    /// one is preceded by an empty `#` line). Only a line longer than BuildKit reads is refused.
    ///
    /// ```
    /// use dockwright::Comment;
    ///
    /// assert!(Comment::new("runtime stage: only what the app needs").is_ok());
    /// assert_eq!(Comment::new("two\nlines").unwrap().as_str(), "two\nlines");
    /// assert!(Comment::new("syntax=docker/dockerfile:1 is not used: air-gapped hosts cannot pull it").is_ok());
    /// assert!(Comment::new("x".repeat(70_000)).is_err());
    /// ```
    Comment,
    check_comment
);

fn check_keyword(value: &str) -> Result<(), Error> {
    if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(Error::new(
            ErrorKind::InvalidRaw,
            format!("raw instruction keyword {value:?} must be one word of ASCII letters"),
        ));
    }
    Ok(())
}

string_newtype!(
    /// The keyword of a raw instruction (the escape hatch), e.g. `MAINTAINER`.
    ///
    /// ```
    /// use dockwright::Keyword;
    ///
    /// assert_eq!(Keyword::new("MAINTAINER").unwrap().as_str(), "MAINTAINER");
    /// assert!(Keyword::new("RUN echo").is_err());
    /// ```
    Keyword,
    check_keyword
);

fn check_checksum(value: &str) -> Result<(), Error> {
    let hex = |s: &str| !s.is_empty() && s.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'));
    let ok = match value.split_once(':') {
        Some(("sha256", digest)) => digest.len() == 64 && hex(digest),
        Some(("sha384", digest)) => digest.len() == 96 && hex(digest),
        Some(("sha512", digest)) => digest.len() == 128 && hex(digest),
        Some(_) => false,
        None => value.len() >= 7 && value.len() <= 64 && hex(value),
    };
    if !ok {
        return Err(Error::new(
            ErrorKind::InvalidFlagValue,
            format!(
                "invalid checksum {value:?}: use 'sha256:<64 lowercase hex>' for URLs or a commit hash for git sources"
            ),
        ));
    }
    Ok(())
}

string_newtype!(
    /// An `ADD --checksum` value: `sha256:<hex>` (also sha384/sha512) or a git commit hash.
    ///
    /// ```
    /// use dockwright::Checksum;
    ///
    /// let sum = format!("sha256:{}", "ab".repeat(32));
    /// assert_eq!(Checksum::new(sum.clone()).unwrap().as_str(), sum);
    /// assert!(Checksum::new("md5:abc").is_err());
    /// ```
    Checksum,
    check_checksum
);

fn check_chmod(value: &str) -> Result<(), Error> {
    let octal = (3..=4).contains(&value.len()) && value.chars().all(|c| matches!(c, '0'..='7'));
    let symbolic = !value.is_empty()
        && value.split(',').all(|clause| {
            let who_end = clause.find(|c| !matches!(c, 'u' | 'g' | 'o' | 'a')).unwrap_or(clause.len());
            let rest = &clause[who_end..];
            let mut chars = rest.chars();
            matches!(chars.next(), Some('+' | '-' | '='))
                && chars.all(|c| matches!(c, 'r' | 'w' | 'x' | 'X' | 's' | 't'))
        });
    if !(octal || symbolic) {
        return Err(Error::new(
            ErrorKind::InvalidChmod,
            format!("invalid file mode {value:?}: use octal like '755' or '0644', or symbolic like 'u+x,go-w'"),
        ));
    }
    Ok(())
}

string_newtype!(
    /// A file mode for `--chmod`: octal (`755`, `0644`) or symbolic (`u+x,go-w`).
    ///
    /// ```
    /// use dockwright::Chmod;
    ///
    /// assert_eq!(Chmod::new("0755").unwrap().as_str(), "0755");
    /// assert!(Chmod::new("u+x,g-w").is_ok());
    /// assert!(Chmod::new("999").is_err());
    /// ```
    Chmod,
    check_chmod
);

fn is_user_part(part: &str) -> bool {
    let mut chars = part.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn check_user(value: &str) -> Result<(), Error> {
    let ok = match value.split_once(':') {
        Some((user, group)) => is_user_part(user) && is_user_part(group),
        None => is_user_part(value),
    };
    if !ok {
        return Err(Error::new(
            ErrorKind::InvalidUser,
            format!(
                "invalid user {value:?}: use 'name', 'name:group', 'uid' or 'uid:gid' (letters, digits, '_', '.', '-')"
            ),
        ));
    }
    Ok(())
}

string_newtype!(
    /// A user, optionally with a group: `app`, `app:app`, `10001`, `10001:10001`.
    ///
    /// ```
    /// use dockwright::UserSpec;
    ///
    /// let user = UserSpec::new("10001:10001").unwrap();
    /// assert_eq!(user.as_str(), "10001:10001");
    /// assert_eq!(user.user(), "10001");
    /// assert_eq!(user.group(), Some("10001"));
    /// assert!(user.is_root() == false);
    /// assert!(UserSpec::new("root").unwrap().is_root());
    /// assert!(UserSpec::new("app user").is_err());
    /// ```
    UserSpec,
    check_user
);

impl UserSpec {
    /// The user part.
    ///
    /// ```
    /// use dockwright::UserSpec;
    ///
    /// assert_eq!(UserSpec::new("app:staff").unwrap().user(), "app");
    /// assert_eq!(UserSpec::new("10001").unwrap().user(), "10001");
    /// ```
    pub fn user(&self) -> &str {
        self.0.split_once(':').map_or(self.0.as_str(), |(user, _)| user)
    }

    /// The group part, if given.
    ///
    /// ```
    /// use dockwright::UserSpec;
    ///
    /// assert_eq!(UserSpec::new("app:staff").unwrap().group(), Some("staff"));
    /// assert_eq!(UserSpec::new("app").unwrap().group(), None);
    /// ```
    pub fn group(&self) -> Option<&str> {
        self.0.split_once(':').map(|(_, group)| group)
    }

    /// True when the user is `root` or uid 0.
    ///
    /// ```
    /// use dockwright::UserSpec;
    ///
    /// assert!(UserSpec::new("root:root").unwrap().is_root());
    /// assert!(UserSpec::new("0:0").unwrap().is_root());
    /// assert!(!UserSpec::new("10001:0").unwrap().is_root());
    /// assert!(UserSpec::new("00").unwrap().is_root());
    /// ```
    pub fn is_root(&self) -> bool {
        let user = self.user();
        user == "root" || (!user.is_empty() && user.chars().all(|c| c == '0'))
    }
}

/// Linux signal names, as the engine's signal parser knows them (without the `SIG` prefix).
const SIGNALS: &[&str] = &[
    "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL",
    "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1",
    "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX",
];

fn check_signal(value: &str) -> Result<(), Error> {
    let numeric =
        !value.is_empty() && value.chars().all(|c| c.is_ascii_digit()) && value.parse::<u32>().is_ok_and(|n| n > 0);
    let name = value.strip_prefix("SIG").unwrap_or(value);
    let realtime = |base: &str, sign: char| {
        name.strip_prefix(base)
            .and_then(|rest| rest.strip_prefix(sign))
            .and_then(|n| n.parse::<u8>().ok())
            .is_some_and(|n| (1..=15).contains(&n) && !name.ends_with(|c: char| !c.is_ascii_digit()))
    };
    let named = SIGNALS.contains(&name) || realtime("RTMIN", '+') || realtime("RTMAX", '-');
    if !(numeric || named) {
        return Err(Error::new(
            ErrorKind::InvalidSignal,
            format!(
                "invalid stop signal {value:?}: use an uppercase Linux signal name like 'SIGTERM' or 'SIGRTMIN+3', or a positive number"
            ),
        ));
    }
    Ok(())
}

string_newtype!(
    /// A STOPSIGNAL: an uppercase signal name (`SIGTERM`, `SIGRTMIN+3`) or a positive number.
    ///
    /// ```
    /// use dockwright::Signal;
    ///
    /// assert_eq!(Signal::new("SIGQUIT").unwrap().as_str(), "SIGQUIT");
    /// assert!(Signal::new("SIGRTMIN+3").is_ok());
    /// assert!(Signal::new("0").is_err());
    /// assert!(Signal::new("SIGNOPE").is_err());
    /// ```
    Signal,
    check_signal
);

/// A reference to an image in a registry: `[registry/]repository[:tag][@digest]`.
///
/// ```
/// use dockwright::ImageRef;
///
/// let image = ImageRef::parse("registry.corp:5000/team/python:3.12-slim").unwrap();
/// assert_eq!(image.registry(), Some("registry.corp:5000"));
/// assert_eq!(image.repository(), "team/python");
/// assert_eq!(image.tag(), Some("3.12-slim"));
/// assert_eq!(image.to_string(), "registry.corp:5000/team/python:3.12-slim");
/// assert!(ImageRef::parse("Python:3").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImageRef {
    registry: Option<String>,
    repository: String,
    tag: Option<String>,
    digest: Option<String>,
}

impl ImageRef {
    /// Parses and checks an image reference.
    ///
    /// ```
    /// use dockwright::ImageRef;
    ///
    /// let pinned = ImageRef::parse(&format!("alpine:3.19@sha256:{}", "a".repeat(64))).unwrap();
    /// assert_eq!(pinned.tag(), Some("3.19"));
    /// assert_eq!(pinned.digest(), Some(format!("sha256:{}", "a".repeat(64)).as_str()));
    ///
    /// let err = ImageRef::parse("alpine:3.19 x").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid image reference \"alpine:3.19 x\": a tag is up to 128 letters, digits, '_', '.' and '-'"
    /// );
    /// ```
    pub fn parse(value: &str) -> Result<Self, Error> {
        ImageRef::parse_or_why(value)
            .map_err(|why| Error::new(ErrorKind::InvalidImageRef, format!("invalid image reference {value:?}: {why}")))
    }

    /// Parses `value`, or says what is wrong with it (the end of [`ImageRef::parse`]'s message).
    pub(crate) fn parse_or_why(value: &str) -> Result<Self, &'static str> {
        let (rest, digest) = match value.split_once('@') {
            Some((rest, digest)) => {
                let (algo, hex) = digest.split_once(':').ok_or("a digest is 'algorithm:hex'")?;
                let algo_ok = !algo.is_empty() && algo.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
                let hex_ok = hex.len() >= 32 && hex.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'));
                if !algo_ok || !hex_ok {
                    return Err("a digest is 'sha256:' followed by lowercase hex");
                }
                (rest, Some(digest.to_string()))
            }
            None => (value, None),
        };
        let (registry, path) = match rest.split_once('/') {
            Some((first, path)) if first.contains(['.', ':']) || first == "localhost" => (Some(first), path),
            _ => (None, rest),
        };
        if let Some(registry) = registry {
            let (host, port) = match registry.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (registry, None),
            };
            let host_ok = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
            let port_ok = port.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
            if !host_ok || !port_ok {
                return Err("the registry must be 'host[:port]'");
            }
        }
        let (repository, tag) = match path.rsplit_once(':') {
            Some((repository, tag)) => (repository, Some(tag)),
            None => (path, None),
        };
        if let Some(tag) = tag {
            let mut chars = tag.chars();
            let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
                && tag.len() <= 128;
            if !ok {
                return Err("a tag is up to 128 letters, digits, '_', '.' and '-'");
            }
        }
        let component_ok = |c: &str| {
            !c.is_empty()
                && c.starts_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
                && c.ends_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
                && c.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '.' | '_' | '-'))
        };
        if !repository.split('/').all(component_ok) {
            return Err("repository path components are lowercase letters, digits and '.', '_', '-'");
        }
        Ok(ImageRef {
            registry: registry.map(str::to_string),
            repository: repository.to_string(),
            tag: tag.map(str::to_string),
            digest,
        })
    }

    /// The registry host (and port), when the reference names one.
    ///
    /// ```
    /// use dockwright::ImageRef;
    ///
    /// assert_eq!(ImageRef::parse("localhost:5000/app:1").unwrap().registry(), Some("localhost:5000"));
    /// assert_eq!(ImageRef::parse("python:3.12").unwrap().registry(), None);
    /// ```
    pub fn registry(&self) -> Option<&str> {
        self.registry.as_deref()
    }

    /// The repository path, e.g. `library/python` or `python`.
    ///
    /// ```
    /// use dockwright::ImageRef;
    ///
    /// assert_eq!(ImageRef::parse("python:3.12").unwrap().repository(), "python");
    /// assert_eq!(ImageRef::parse("ghcr.io/org/app:1").unwrap().repository(), "org/app");
    /// ```
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag, when given.
    ///
    /// ```
    /// use dockwright::ImageRef;
    ///
    /// assert_eq!(ImageRef::parse("python:3.12").unwrap().tag(), Some("3.12"));
    /// // The port of a registry is not a tag.
    /// assert_eq!(ImageRef::parse("localhost:5000/app").unwrap().tag(), None);
    /// ```
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest (`sha256:...`), when given.
    ///
    /// ```
    /// use dockwright::ImageRef;
    ///
    /// let digest = format!("sha256:{}", "0123456789abcdef".repeat(4));
    /// assert_eq!(ImageRef::parse(&format!("python@{digest}")).unwrap().digest(), Some(digest.as_str()));
    /// assert_eq!(ImageRef::parse("python:3.12").unwrap().digest(), None);
    /// ```
    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// A digest-pinned reference with a tag by its tag alone (`alpine:3.19@sha256:...` gives
    /// `alpine:3.19`): what the tag names now, which may no longer be the pinned image. `None` without a
    /// digest, or without a tag to fall back on.
    ///
    /// ```
    /// use dockwright::ImageRef;
    ///
    /// let digest = format!("sha256:{}", "0123456789abcdef".repeat(4));
    /// let pinned = ImageRef::parse(&format!("registry.corp:5000/alpine:3.19@{digest}")).unwrap();
    /// assert_eq!(pinned.by_tag().unwrap().to_string(), "registry.corp:5000/alpine:3.19");
    /// assert_eq!(ImageRef::parse(&format!("alpine@{digest}")).unwrap().by_tag(), None);
    /// assert_eq!(ImageRef::parse("alpine:3.19").unwrap().by_tag(), None);
    /// ```
    pub fn by_tag(&self) -> Option<ImageRef> {
        self.digest.as_ref()?;
        self.tag.as_ref()?;
        Some(ImageRef { digest: None, ..self.clone() })
    }

    /// True for the empty base `scratch`.
    ///
    /// ```
    /// assert!(dockwright::ImageRef::parse("scratch").unwrap().is_scratch());
    /// ```
    pub fn is_scratch(&self) -> bool {
        self.registry.is_none() && self.repository == "scratch" && self.tag.is_none() && self.digest.is_none()
    }

    /// The same reference in another registry: `python:3.12-slim` with `registry.corp/mirror` becomes
    /// `registry.corp/mirror/python:3.12-slim`.
    ///
    /// ```
    /// use dockwright::ImageRef;
    ///
    /// let image = ImageRef::parse("python:3.12-slim").unwrap();
    /// assert_eq!(image.in_registry("registry.corp/mirror").unwrap().to_string(), "registry.corp/mirror/python:3.12-slim");
    /// ```
    pub fn in_registry(&self, prefix: &str) -> Result<ImageRef, Error> {
        let mut text = format!("{}/{}", prefix.trim_end_matches('/'), self.repository);
        if let Some(tag) = &self.tag {
            text = format!("{text}:{tag}");
        }
        if let Some(digest) = &self.digest {
            text = format!("{text}@{digest}");
        }
        ImageRef::parse(&text)
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(registry) = &self.registry {
            write!(f, "{registry}/")?;
        }
        f.write_str(&self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for ImageRef {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Error> {
        ImageRef::parse(&value)
    }
}

impl TryFrom<&str> for ImageRef {
    type Error = Error;
    fn try_from(value: &str) -> Result<Self, Error> {
        ImageRef::parse(value)
    }
}

impl From<ImageRef> for String {
    fn from(value: ImageRef) -> String {
        value.to_string()
    }
}

/// A build platform: `os/arch[/variant]`, or a variable such as `$BUILDPLATFORM`.
///
/// ```
/// use dockwright::Platform;
///
/// assert_eq!(Platform::parse("linux/arm64/v8").unwrap().to_string(), "linux/arm64/v8");
/// assert_eq!(Platform::parse("$BUILDPLATFORM").unwrap().to_string(), "$BUILDPLATFORM");
/// assert!(Platform::parse("linux").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[non_exhaustive]
pub enum Platform {
    /// A fixed platform.
    Fixed {
        /// Operating system, e.g. `linux`.
        os: String,
        /// Architecture, e.g. `amd64`.
        arch: String,
        /// Variant, e.g. `v8`.
        variant: Option<String>,
    },
    /// The value of a build argument, e.g. `BUILDPLATFORM`.
    Var(VarName),
}

impl Platform {
    /// Parses `os/arch[/variant]`, `$NAME` or `${NAME}`.
    ///
    /// ```
    /// use dockwright::Platform;
    ///
    /// assert_eq!(Platform::parse("linux/amd64").unwrap().to_string(), "linux/amd64");
    /// assert_eq!(Platform::parse("${TARGETPLATFORM}").unwrap().to_string(), "$TARGETPLATFORM");
    /// assert!(Platform::parse("Linux/amd64").is_err());
    /// assert!(Platform::parse("$1X").is_err());
    /// ```
    pub fn parse(value: &str) -> Result<Self, Error> {
        let bad = || {
            Error::new(
                ErrorKind::InvalidPlatform,
                format!(
                    "invalid platform {value:?}: use 'os/arch' or 'os/arch/variant' (like 'linux/amd64'), or '$BUILDPLATFORM'"
                ),
            )
        };
        if let Some(name) = value.strip_prefix('$') {
            let name = name.strip_prefix('{').and_then(|n| n.strip_suffix('}')).unwrap_or(name);
            return VarName::new(name).map(Platform::Var).map_err(|_| bad());
        }
        let part_ok =
            |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        let parts: Vec<&str> = value.split('/').collect();
        match parts.as_slice() {
            [os, arch] if part_ok(os) && part_ok(arch) => {
                Ok(Platform::Fixed { os: os.to_string(), arch: arch.to_string(), variant: None })
            }
            [os, arch, variant] if part_ok(os) && part_ok(arch) && part_ok(variant) => {
                Ok(Platform::Fixed { os: os.to_string(), arch: arch.to_string(), variant: Some(variant.to_string()) })
            }
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Platform::Fixed { os, arch, variant: None } => write!(f, "{os}/{arch}"),
            Platform::Fixed { os, arch, variant: Some(variant) } => write!(f, "{os}/{arch}/{variant}"),
            Platform::Var(name) => write!(f, "${name}"),
        }
    }
}

impl TryFrom<String> for Platform {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Error> {
        Platform::parse(&value)
    }
}

impl From<Platform> for String {
    fn from(value: Platform) -> String {
        value.to_string()
    }
}

/// A healthcheck duration: at least one millisecond, written in Go syntax (`30s`, `1500ms`).
///
/// ```
/// use dockwright::Duration;
///
/// assert_eq!(Duration::parse("1m30s").unwrap().to_string(), "90s");
/// assert_eq!(Duration::parse("250ms").unwrap().to_string(), "250ms");
/// assert!(Duration::parse("30").is_err());
/// assert!(Duration::parse("500us").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Duration(std::time::Duration);

impl Duration {
    /// Wraps a standard duration; it must be at least one millisecond.
    ///
    /// ```
    /// use dockwright::Duration;
    ///
    /// assert_eq!(Duration::new(std::time::Duration::from_secs(5)).unwrap().to_string(), "5s");
    /// ```
    pub fn new(value: std::time::Duration) -> Result<Self, Error> {
        if value < std::time::Duration::from_millis(1) {
            return Err(Error::new(
                ErrorKind::InvalidDuration,
                format!("duration {value:?} is shorter than the 1ms BuildKit accepts"),
            ));
        }
        Ok(Duration(value))
    }

    /// A whole number of seconds; 0 is raised to 1 second (BuildKit reads 0 as "use the default").
    ///
    /// ```
    /// assert_eq!(dockwright::Duration::secs(30).to_string(), "30s");
    /// ```
    pub fn secs(secs: u64) -> Self {
        Duration(std::time::Duration::from_secs(secs.max(1)))
    }

    /// Parses a Go duration made of `h`, `m`, `s`, `ms` parts (`1h`, `1m30s`, `1.5s`, `200ms`).
    ///
    /// ```
    /// use dockwright::Duration;
    ///
    /// assert_eq!(Duration::parse("1.5s").unwrap().to_string(), "1500ms");
    /// assert_eq!(Duration::parse("2h").unwrap().to_string(), "7200s");
    /// assert!(Duration::parse("30").is_err());
    /// let err = Duration::parse("0s").unwrap_err();
    /// assert_eq!(err.to_string(), "duration 0ns is shorter than the 1ms BuildKit accepts");
    /// ```
    pub fn parse(value: &str) -> Result<Self, Error> {
        let bad = || {
            Error::new(
                ErrorKind::InvalidDuration,
                format!("invalid duration {value:?}: use a number with a unit, like '30s', '1m30s' or '500ms'"),
            )
        };
        let mut total_ns: u128 = 0;
        let mut rest = value;
        if rest.is_empty() {
            return Err(bad());
        }
        while !rest.is_empty() {
            let number_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(bad)?;
            let (number, tail) = rest.split_at(number_end);
            let unit_end = tail.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(tail.len());
            let (unit, tail) = tail.split_at(unit_end);
            let scale: u128 = match unit {
                "h" => 3_600_000_000_000,
                "m" => 60_000_000_000,
                "s" => 1_000_000_000,
                "ms" => 1_000_000,
                "us" | "µs" => 1_000,
                "ns" => 1,
                _ => return Err(bad()),
            };
            let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
            if whole.is_empty() && frac.is_empty() {
                return Err(bad());
            }
            let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
            let mut frac_ns: u128 = 0;
            let mut place = scale;
            for digit in frac.chars() {
                place /= 10;
                frac_ns += u128::from(digit.to_digit(10).ok_or_else(bad)?) * place;
            }
            total_ns = whole
                .checked_mul(scale)
                .and_then(|n| n.checked_add(frac_ns))
                .and_then(|n| total_ns.checked_add(n))
                .ok_or_else(bad)?;
            rest = tail;
        }
        let secs = u64::try_from(total_ns / 1_000_000_000).map_err(|_| bad())?;
        let nanos = u32::try_from(total_ns % 1_000_000_000).map_err(|_| bad())?;
        Duration::new(std::time::Duration::new(secs, nanos))
    }

    /// The standard duration.
    ///
    /// ```
    /// assert_eq!(dockwright::Duration::secs(3).get().as_secs(), 3);
    /// ```
    pub fn get(&self) -> std::time::Duration {
        self.0
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.subsec_nanos() == 0 {
            write!(f, "{}s", d.as_secs())
        } else if d.subsec_nanos() % 1_000_000 == 0 {
            write!(f, "{}ms", d.as_millis())
        } else if d.subsec_nanos() % 1_000 == 0 {
            write!(f, "{}us", d.as_micros())
        } else {
            write!(f, "{}ns", d.as_nanos())
        }
    }
}

impl TryFrom<String> for Duration {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Error> {
        Duration::parse(&value)
    }
}

impl From<Duration> for String {
    fn from(value: Duration) -> String {
        value.to_string()
    }
}

/// The protocol of an exposed port.
///
/// ```
/// assert_eq!(dockwright::Protocol::Udp.as_str(), "udp");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Protocol {
    /// TCP, the default.
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
}

impl Protocol {
    /// The lowercase name BuildKit expects.
    ///
    /// ```
    /// use dockwright::Protocol;
    ///
    /// assert_eq!(Protocol::Tcp.as_str(), "tcp");
    /// assert_eq!(Protocol::Sctp.as_str(), "sctp");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }
}

/// A port (or port range) a container listens on: `8000`, `53/udp`, `8000-8010/tcp`.
///
/// ```
/// use dockwright::Port;
///
/// assert_eq!(Port::parse("53/udp").unwrap().to_string(), "53/udp");
/// assert_eq!(Port::tcp(8000).to_string(), "8000/tcp");
/// assert!(Port::parse("70000").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Port {
    start: u16,
    end: u16,
    protocol: Protocol,
}

impl Port {
    /// A single TCP port. Port 0 is raised to 1 (use [`Port::parse`] to have it rejected).
    ///
    /// ```
    /// use dockwright::Port;
    ///
    /// assert_eq!(Port::tcp(8000).to_string(), "8000/tcp");
    /// assert_eq!(Port::tcp(0).to_string(), "1/tcp");
    /// ```
    pub fn tcp(port: u16) -> Self {
        let port = port.max(1);
        Port { start: port, end: port, protocol: Protocol::Tcp }
    }

    /// Parses `port[-end][/tcp|udp|sctp]`.
    ///
    /// ```
    /// use dockwright::Port;
    ///
    /// assert_eq!(Port::parse("8000-8010/tcp").unwrap().to_string(), "8000-8010/tcp");
    /// assert_eq!(Port::parse("8000").unwrap().to_string(), "8000/tcp");
    /// assert!(Port::parse("0").is_err());
    /// assert!(Port::parse("10-5").is_err());
    /// let err = Port::parse("80/http").unwrap_err();
    /// assert!(err.to_string().starts_with("invalid port \"80/http\": use 1-65535"));
    /// ```
    pub fn parse(value: &str) -> Result<Self, Error> {
        let bad = || {
            Error::new(
                ErrorKind::InvalidPort,
                format!("invalid port {value:?}: use 1-65535, optionally a range 'a-b', and '/tcp', '/udp' or '/sctp'"),
            )
        };
        let (ports, protocol) = match value.split_once('/') {
            Some((ports, "tcp")) => (ports, Protocol::Tcp),
            Some((ports, "udp")) => (ports, Protocol::Udp),
            Some((ports, "sctp")) => (ports, Protocol::Sctp),
            Some(_) => return Err(bad()),
            None => (value, Protocol::Tcp),
        };
        let number = |s: &str| -> Result<u16, Error> {
            if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse::<u16>().ok().filter(|&n| n > 0).ok_or_else(bad)
        };
        let (start, end) = match ports.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(ports)?, number(ports)?),
        };
        if end < start {
            return Err(bad());
        }
        Ok(Port { start, end, protocol })
    }

    /// The first port of the range.
    ///
    /// ```
    /// use dockwright::Port;
    ///
    /// assert_eq!(Port::parse("8000-8010").unwrap().number(), 8000);
    /// assert_eq!(Port::tcp(443).number(), 443);
    /// ```
    pub fn number(&self) -> u16 {
        self.start
    }

    /// The protocol.
    ///
    /// ```
    /// use dockwright::{Port, Protocol};
    ///
    /// assert_eq!(Port::parse("53/udp").unwrap().protocol(), Protocol::Udp);
    /// assert_eq!(Port::parse("80").unwrap().protocol(), Protocol::Tcp);
    /// ```
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}/{}", self.start, self.protocol.as_str())
        } else {
            write!(f, "{}-{}/{}", self.start, self.end, self.protocol.as_str())
        }
    }
}

impl TryFrom<String> for Port {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Error> {
        Port::parse(&value)
    }
}

impl From<Port> for String {
    fn from(value: Port) -> String {
        value.to_string()
    }
}
