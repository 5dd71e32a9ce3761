//! Values that BuildKit expands: literal text, with variable references only where the user asked for them.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::names::{Line, VarName};
use crate::error::{Error, ErrorKind};

/// A value BuildKit expands when it builds (ENV and LABEL values, ARG defaults, WORKDIR): literal text,
/// and variable references only where asked for. A `$` in literal text stays a `$`.
///
/// ```
/// use dockwright::Value;
///
/// let path = Value::template("/opt/venv/bin:${PATH}").unwrap();
/// assert_eq!(path.to_string(), "/opt/venv/bin:${PATH}");
/// assert_eq!(path.vars().map(|v| v.as_str()).collect::<Vec<_>>(), ["PATH"]);
///
/// let price = Value::literal("costs $5").unwrap();
/// assert_eq!(price.vars().count(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Value(Vec<Part>);

/// One piece of a [`Value`].
///
/// ```
/// use dockwright::{Part, Value, VarName};
///
/// let value = Value::from_parts(vec![
///     Part::Literal(dockwright::Line::new("/home/").unwrap()),
///     Part::Var(VarName::new("USER").unwrap()),
/// ]);
/// assert_eq!(value.to_string(), "/home/${USER}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Part {
    /// Text taken literally.
    Literal(Line),
    /// The value of an ENV or ARG variable at build time.
    Var(VarName),
}

impl Value {
    /// A value that is exactly `text`.
    ///
    /// ```
    /// use dockwright::Value;
    ///
    /// let price = Value::literal("costs $5 or ${X}").unwrap();
    /// assert_eq!(price.as_literal().as_deref(), Some("costs $5 or ${X}"));
    /// assert_eq!(price.vars().count(), 0);
    /// assert!(Value::literal("").unwrap().parts().is_empty());
    /// assert!(Value::literal("a\nb").is_err());
    /// ```
    pub fn literal(text: impl Into<String>) -> Result<Self, Error> {
        let line = Line::new(text)?;
        Ok(if line.as_str().is_empty() { Value(Vec::new()) } else { Value(vec![Part::Literal(line)]) })
    }

    /// A value from its parts; adjacent literals are kept as given.
    ///
    /// ```
    /// use dockwright::{Line, Part, Value, VarName};
    ///
    /// let value = Value::from_parts(vec![
    ///     Part::Literal(Line::new("a").unwrap()),
    ///     Part::Literal(Line::new("b").unwrap()),
    ///     Part::Var(VarName::new("C").unwrap()),
    /// ]);
    /// assert_eq!(value.parts().len(), 3);
    /// assert_eq!(value.to_string(), "ab${C}");
    /// ```
    pub fn from_parts(parts: Vec<Part>) -> Self {
        Value(parts)
    }

    /// Parses a template where `${NAME}` is a variable reference and everything else is literal
    /// (a `$` not followed by `{` is a literal `$`).
    ///
    /// ```
    /// use dockwright::Value;
    ///
    /// assert!(Value::template("${1X}").is_err());
    /// assert_eq!(Value::template("$5 ${HOME}").unwrap().to_string(), "$5 ${HOME}");
    /// ```
    pub fn template(text: &str) -> Result<Self, Error> {
        Line::new(text)?;
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            literal.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}').ok_or_else(|| {
                Error::new(ErrorKind::InvalidText, format!("template {text:?} opens '${{' without a closing '}}'"))
            })?;
            let name = VarName::new(&after[..end]).map_err(|err| err.at(format!("template {text:?}")))?;
            if !literal.is_empty() {
                parts.push(Part::Literal(Line::new(std::mem::take(&mut literal))?));
            }
            parts.push(Part::Var(name));
            rest = &after[end + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Literal(Line::new(literal)?));
        }
        Ok(Value(parts))
    }

    /// The parts, in order.
    ///
    /// ```
    /// use dockwright::{Line, Part, Value, VarName};
    ///
    /// let value = Value::template("/opt/${APP}/bin").unwrap();
    /// assert_eq!(
    ///     value.parts(),
    ///     [
    ///         Part::Literal(Line::new("/opt/").unwrap()),
    ///         Part::Var(VarName::new("APP").unwrap()),
    ///         Part::Literal(Line::new("/bin").unwrap()),
    ///     ]
    /// );
    /// ```
    pub fn parts(&self) -> &[Part] {
        &self.0
    }

    /// The variables this value reads.
    ///
    /// ```
    /// use dockwright::Value;
    ///
    /// let value = Value::template("${A}-${B}-${A}").unwrap();
    /// assert_eq!(value.vars().map(|name| name.as_str()).collect::<Vec<_>>(), ["A", "B", "A"]);
    /// assert_eq!(Value::literal("$HOME").unwrap().vars().count(), 0);
    /// ```
    pub fn vars(&self) -> impl Iterator<Item = &VarName> {
        vars(&self.0)
    }

    /// The literal text, when the value has no variable references.
    ///
    /// ```
    /// use dockwright::Value;
    ///
    /// assert_eq!(Value::literal("x").unwrap().as_literal().as_deref(), Some("x"));
    /// assert_eq!(Value::template("${X}").unwrap().as_literal(), None);
    /// ```
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Literal(text) => out.push_str(text.as_str()),
                Part::Var(_) => return None,
            }
        }
        Some(out)
    }

    /// The value with each variable replaced by what `lookup` gives (unset variables become empty, as
    /// in BuildKit).
    ///
    /// ```
    /// use dockwright::Value;
    ///
    /// let value = Value::template("/opt/${APP}/bin").unwrap();
    /// assert_eq!(value.resolve(|name| (name == "APP").then(|| "svc".to_string())), "/opt/svc/bin");
    /// ```
    pub fn resolve(&self, lookup: impl Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Literal(text) => out.push_str(text.as_str()),
                Part::Var(name) => out.push_str(&lookup(name.as_str()).unwrap_or_default()),
            }
        }
        out
    }
}

/// Shows the value in template syntax (`${NAME}` for variables).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.0 {
            match part {
                Part::Literal(text) => f.write_str(text.as_str())?,
                Part::Var(name) => write!(f, "${{{name}}}")?,
            }
        }
        Ok(())
    }
}

impl From<VarName> for Value {
    fn from(name: VarName) -> Self {
        Value(vec![Part::Var(name)])
    }
}

impl From<Line> for Value {
    fn from(line: Line) -> Self {
        if line.as_str().is_empty() { Value(Vec::new()) } else { Value(vec![Part::Literal(line)]) }
    }
}

/// An image reference with parts that come from global build arguments: `python:${PY}-slim`,
/// `${REGISTRY}/team/app:${TAG}`. BuildKit expands it in the `FROM` line, with the `ARG`s declared before
/// the first `FROM` (`--build-arg` values, else their defaults).
///
/// The literal parts may hold only the characters of an image reference (letters, digits and
/// `. _ - / : @`), so the text is written as is and nothing in it but the variables is expanded. Whether
/// the expansion is a valid reference depends on the defaults: [`Dockerfile::validate`](super::Dockerfile::validate)
/// checks it, and [`Dockerfile::base_image`](super::Dockerfile::base_image) gives it.
///
/// ```
/// use dockwright::ImageTemplate;
///
/// let template = ImageTemplate::parse("python:${PY}-slim").unwrap();
/// assert_eq!(template.to_string(), "python:${PY}-slim");
/// assert_eq!(template.vars().map(|v| v.as_str()).collect::<Vec<_>>(), ["PY"]);
///
/// // `$NAME` works too, and is written back as `${NAME}`.
/// assert_eq!(ImageTemplate::parse("$REGISTRY/app:$TAG").unwrap().to_string(), "${REGISTRY}/app:${TAG}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImageTemplate(Vec<Part>);

impl ImageTemplate {
    /// Parses a reference in which `${NAME}` (or `$NAME`) stands for the value of global ARG `NAME`.
    /// It must use at least one variable (without any, it is an [`ImageRef`](super::ImageRef)); BuildKit's
    /// `${NAME:-default}` forms are refused: give the ARG its default where it is declared instead.
    ///
    /// ```
    /// use dockwright::ImageTemplate;
    ///
    /// assert_eq!(
    ///     ImageTemplate::parse("${TAG:-3.12}").unwrap_err().to_string(),
    ///     "image reference \"${TAG:-3.12}\" uses '${TAG:-...}': dockwright expands only plain ${NAME} in FROM; \
    ///      give the default to the global ARG instead, with Image::arg(\"TAG\", Some(default))"
    /// );
    /// assert_eq!(
    ///     ImageTemplate::parse("python:3.12").unwrap_err().to_string(),
    ///     "image reference \"python:3.12\" uses no ${NAME} variable: write it as an ImageRef"
    /// );
    /// assert_eq!(
    ///     ImageTemplate::parse("python:${PY} slim").unwrap_err().to_string(),
    ///     "image reference \"python:${PY} slim\" holds ' ', which no image reference has: use letters, digits, \
    ///      '.', '_', '-', '/', ':', '@' and ${NAME} variables"
    /// );
    /// assert!(ImageTemplate::parse("python:${1PY}").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = |message: String| Error::new(ErrorKind::InvalidImageRef, message);
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c != '$' {
                if !is_reference_char(c) {
                    return Err(bad(format!(
                        "image reference {text:?} holds {c:?}, which no image reference has: use letters, digits, \
                         '.', '_', '-', '/', ':', '@' and ${{NAME}} variables"
                    )));
                }
                literal.push(c);
                continue;
            }
            let rest = &text[at + 1..];
            let (name, used) = if let Some(inner) = rest.strip_prefix('{') {
                let end = inner
                    .find('}')
                    .ok_or_else(|| bad(format!("image reference {text:?} opens '${{' without a closing '}}'")))?;
                let inner = &inner[..end];
                let plain = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(inner.len());
                let form: String = inner[plain..].chars().take_while(|c| matches!(c, ':' | '-' | '+' | '?')).collect();
                if plain > 0 && !form.is_empty() {
                    let name = &inner[..plain];
                    return Err(bad(format!(
                        "image reference {text:?} uses '${{{name}{form}...}}': dockwright expands only plain ${{NAME}} in FROM; \
                         give the default to the global ARG instead, with Image::arg({name:?}, Some(default))"
                    )));
                }
                (inner, inner.len() + 2)
            } else {
                let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
                (&rest[..end], end)
            };
            if name.is_empty() {
                return Err(bad(format!(
                    "image reference {text:?} has a '$' without a variable name after it: write ${{NAME}}"
                )));
            }
            let name = VarName::new(name).map_err(|err| err.at(format!("image reference {text:?}")))?;
            if !literal.is_empty() {
                parts.push(Part::Literal(Line::new(std::mem::take(&mut literal))?));
            }
            parts.push(Part::Var(name));
            for _ in 0..used {
                chars.next();
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(Line::new(literal)?));
        }
        if !parts.iter().any(|part| matches!(part, Part::Var(_))) {
            return Err(bad(format!("image reference {text:?} uses no ${{NAME}} variable: write it as an ImageRef")));
        }
        Ok(ImageTemplate(parts))
    }

    /// The parts, in order.
    ///
    /// ```
    /// use dockwright::{ImageTemplate, Line, Part, VarName};
    ///
    /// let template = ImageTemplate::parse("node:${NODE}").unwrap();
    /// assert_eq!(
    ///     template.parts(),
    ///     [Part::Literal(Line::new("node:").unwrap()), Part::Var(VarName::new("NODE").unwrap())]
    /// );
    /// ```
    pub fn parts(&self) -> &[Part] {
        &self.0
    }

    /// The variables it reads, in order.
    ///
    /// ```
    /// use dockwright::ImageTemplate;
    ///
    /// let template = ImageTemplate::parse("${REGISTRY}/team/app:${TAG}").unwrap();
    /// assert_eq!(template.vars().map(|v| v.as_str()).collect::<Vec<_>>(), ["REGISTRY", "TAG"]);
    /// ```
    pub fn vars(&self) -> impl Iterator<Item = &VarName> {
        vars(&self.0)
    }

    /// The text with each variable replaced by what `lookup` gives (unset variables become empty, as in
    /// BuildKit). [`Dockerfile::base_image`](super::Dockerfile::base_image) resolves it with the global
    /// ARG defaults and checks the result.
    ///
    /// ```
    /// use dockwright::ImageTemplate;
    ///
    /// let template = ImageTemplate::parse("python:${PY}-slim").unwrap();
    /// assert_eq!(template.resolve(|name| (name == "PY").then(|| "3.12".to_string())), "python:3.12-slim");
    /// assert_eq!(template.resolve(|_| None), "python:-slim");
    /// ```
    pub fn resolve(&self, lookup: impl Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Literal(text) => out.push_str(text.as_str()),
                Part::Var(name) => out.push_str(&lookup(name.as_str()).unwrap_or_default()),
            }
        }
        out
    }
}

/// A character an image reference can hold (and BuildKit's word lexer leaves alone).
fn is_reference_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '@')
}

/// Shows the template as written in a `FROM` line: `${NAME}` for each variable.
impl fmt::Display for ImageTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.0 {
            match part {
                Part::Literal(text) => f.write_str(text.as_str())?,
                Part::Var(name) => write!(f, "${{{name}}}")?,
            }
        }
        Ok(())
    }
}

impl TryFrom<String> for ImageTemplate {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Error> {
        ImageTemplate::parse(&value)
    }
}

impl From<ImageTemplate> for String {
    fn from(value: ImageTemplate) -> String {
        value.to_string()
    }
}

/// The variables `parts` read, in order.
fn vars(parts: &[Part]) -> impl Iterator<Item = &VarName> {
    parts.iter().filter_map(|part| match part {
        Part::Var(name) => Some(name),
        Part::Literal(_) => None,
    })
}
