//! Reading Dockerfile text the way BuildKit does.
//!
//! [`parse`] is a port of BuildKit's line-level parser (`frontend/dockerfile/parser`):
//! it turns text into an [`Ast`] of [`Node`]s whose [`Ast::dump`] matches BuildKit's
//! own parser golden files byte for byte. It is the independent oracle the emitter's
//! property tests check against, and the base of the importer.

pub mod lex;
pub mod shell;
pub use lex::{LexError, LexErrorKind, Lexer};

pub mod decode;
pub use decode::{
    Command, CopyAdd, DecodeError, DecodeErrorKind, Healthcheck, INSTRUCTIONS, InlineFile, Mount, Run, ShellOrExec,
    decode,
};

pub mod ast;
pub mod parser;
pub use ast::{Ast, CommentLine, Directives, Heredoc, LineIndex, Node, ParseError, Parsed, Position, Segment, Warning};
pub use parser::parse;

pub mod lower;
pub use lower::{Diagnostic, DiagnosticKind, Lowered, Origin, Severity, SourceMap, Span, StageOrigin, lower};
