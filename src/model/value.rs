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
        self.0.iter().filter_map(|part| match part {
            Part::Var(name) => Some(name),
            Part::Literal(_) => None,
        })
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
