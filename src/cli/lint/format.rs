//! The machine-readable reports of `dockwright lint`: JSON (dockwright's own, versioned schema),
//! SARIF 2.1.0, Checkstyle XML and JUnit XML.

use serde::Serialize;
use serde_json::{Value as Json, json};

use super::{Linted, ShellCheckStatus};
use crate::lint::{Diagnostic, RuleInfo, Severity, rules};

/// The version of the JSON schema; raised only when a field changes meaning or goes away.
pub(crate) const JSON_VERSION: u32 = 1;

/// dockwright's JSON report:
///
/// ```json
/// {"version": 1, "tool": {"name": "dockwright", "version": "0.1.0"},
///  "shellcheck": {"status": "checked", "scripts": 3, "message": null},
///  "files": [{"file": "Dockerfile", "diagnostics": [
///    {"code": "DW1001", "rule": "user-root", "severity": "warning", "message": "...", "help": "...",
///     "span": {"start": 0, "end": 4, "line": 1, "column": 1, "end_line": 1, "end_column": 5},
///     "fix": [{"start": 0, "end": 4, "replacement": "..."}]}]}]}
/// ```
///
/// Offsets are bytes of the file as read; lines and columns are 1-based, columns in bytes; `fix` is
/// `null` when there is no mechanical fix. `shellcheck.status` is `checked`, `off`, `missing` or
/// `failed`, with the number of RUN scripts and, when they were not checked, why.
pub(crate) fn json(files: &[Linted], shellcheck: &ShellCheckStatus) -> String {
    let report = JsonReport {
        version: JSON_VERSION,
        tool: JsonTool { name: "dockwright", version: env!("CARGO_PKG_VERSION") },
        shellcheck: JsonShellCheck {
            status: shellcheck.status,
            scripts: shellcheck.scripts,
            message: shellcheck.message.as_deref(),
        },
        files: files
            .iter()
            .map(|file| JsonFile {
                file: &file.name,
                diagnostics: file.diagnostics.iter().map(json_diagnostic).collect(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

// The JSON report's shape, field order included: structs, not maps.
#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: JsonTool,
    shellcheck: JsonShellCheck<'a>,
    files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
struct JsonShellCheck<'a> {
    status: &'static str,
    scripts: usize,
    message: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonTool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: &'a str,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    help: &'a str,
    span: JsonSpan,
    fix: Option<Vec<JsonEdit<'a>>>,
}

#[derive(Serialize)]
struct JsonSpan {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    start: usize,
    end: usize,
    replacement: &'a str,
}

fn json_diagnostic(diagnostic: &Diagnostic) -> JsonDiagnostic<'_> {
    let span = &diagnostic.span;
    JsonDiagnostic {
        code: diagnostic.code,
        rule: diagnostic.rule,
        severity: diagnostic.severity.as_str(),
        message: &diagnostic.message,
        help: &diagnostic.help,
        span: JsonSpan {
            start: span.start,
            end: span.end,
            line: span.from.line,
            column: span.from.column,
            end_line: span.to.line,
            end_column: span.to.column,
        },
        fix: diagnostic.fix.as_ref().map(|fix| {
            fix.edits
                .iter()
                .map(|edit| JsonEdit { start: edit.range.start, end: edit.range.end, replacement: &edit.replacement })
                .collect()
        }),
    }
}

/// The rule's section in the book's lint page: `#dw1001-user-root`.
pub(crate) fn anchor(info: &RuleInfo) -> String {
    format!("{}-{}", info.code.to_ascii_lowercase(), info.name)
}

/// SARIF's level for a severity: `style` and `info` are notes.
fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        _ => "note",
    }
}

/// A SARIF 2.1.0 log with one run: every rule (so `ruleIndex` is stable), one artifact per file, one
/// result per finding with its region (1-based lines, columns in UTF-16 code units as SARIF counts
/// them by default, and the byte offset and length) and its fix as an artifact change. `help_url` is
/// where the book's lint page is published; each rule's `helpUri` is it with the rule's anchor. The
/// ShellCheck codes found (`SC2086`) follow the rules, each with ShellCheck's wiki page as `helpUri`;
/// when ShellCheck did not check the scripts, the run's invocation carries a notification saying why.
pub(crate) fn sarif(files: &[Linted], help_url: Option<&str>, shellcheck: &ShellCheckStatus) -> String {
    let all = rules();
    let mut ids: Vec<&str> = all.iter().map(|info| info.code).collect();
    let mut found: Vec<&str> = files
        .iter()
        .flat_map(|file| &file.diagnostics)
        .map(|diagnostic| diagnostic.code)
        .filter(|code| !ids.contains(code))
        .collect();
    found.sort_unstable();
    found.dedup();
    ids.extend(&found);
    let mut descriptors: Vec<Json> = all
        .iter()
        .map(|info| {
            let mut rule = json!({
                "id": info.code,
                "name": info.name,
                "shortDescription": { "text": info.summary },
                "help": { "text": format!("{}: {} (book: lint.md#{})", info.code, info.summary, anchor(info)) },
                "defaultConfiguration": { "level": sarif_level(info.severity), "enabled": info.enabled },
                "properties": {
                    "severity": info.severity.as_str(),
                    "hadolint": info.hadolint,
                    "buildkit": info.buildkit,
                },
            });
            if let Some(base) = help_url {
                let base = base.split('#').next().unwrap_or(base);
                rule["helpUri"] = json!(format!("{base}#{}", anchor(info)));
            }
            rule
        })
        .collect();
    descriptors.extend(found.iter().map(|code| {
        json!({
            "id": code,
            "shortDescription": { "text": format!("ShellCheck {code}") },
            "helpUri": format!("https://www.shellcheck.net/wiki/{code}"),
            "properties": { "tool": "shellcheck" },
        })
    }));
    let artifacts: Vec<Json> = files.iter().map(|file| json!({ "location": location(file, None) })).collect();
    let mut results = Vec::new();
    for (index, file) in files.iter().enumerate() {
        for diagnostic in &file.diagnostics {
            let rule_index = ids.iter().position(|code| *code == diagnostic.code);
            let mut result = json!({
                "ruleId": diagnostic.code,
                "level": sarif_level(diagnostic.severity),
                "message": { "text": format!("{} ({})", diagnostic.message, diagnostic.help) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": location(file, Some(index)),
                        "region": region(&file.text, diagnostic.span.start, diagnostic.span.end),
                    }
                }],
                "properties": { "severity": diagnostic.severity.as_str(), "rule": diagnostic.rule },
            });
            if let Some(rule_index) = rule_index {
                result["ruleIndex"] = json!(rule_index);
            }
            if let Some(fix) = &diagnostic.fix {
                let replacements: Vec<Json> = fix
                    .edits
                    .iter()
                    .map(|edit| {
                        json!({
                            "deletedRegion": { "byteOffset": edit.range.start, "byteLength": edit.range.len() },
                            "insertedContent": { "text": edit.replacement },
                        })
                    })
                    .collect();
                if !replacements.is_empty() {
                    result["fixes"] = json!([{
                        "description": { "text": diagnostic.help },
                        "artifactChanges": [{ "artifactLocation": location(file, Some(index)), "replacements": replacements }],
                    }]);
                }
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "dockwright",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "invocations": [invocation(shellcheck)],
            "artifacts": artifacts,
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

/// The run's invocation: it succeeded (findings are results, not failures), with a notification when
/// ShellCheck did not check the scripts, and ShellCheck's status as a property.
fn invocation(shellcheck: &ShellCheckStatus) -> Json {
    let mut invocation = json!({
        "executionSuccessful": true,
        "properties": {
            "shellcheck": { "status": shellcheck.status, "scripts": shellcheck.scripts },
        },
    });
    if let Some(message) = &shellcheck.message {
        invocation["toolExecutionNotifications"] = json!([{
            "level": "warning",
            "message": { "text": message },
            "descriptor": { "id": "DW3023" },
        }]);
    }
    invocation
}

/// An artifact location: the file as a URI reference (standard input is `stdin`), with its index in
/// the run's artifacts when given.
fn location(file: &Linted, index: Option<usize>) -> Json {
    let uri = if file.stdin { "stdin".to_string() } else { uri(&file.name) };
    match index {
        Some(index) => json!({ "uri": uri, "index": index }),
        None => json!({ "uri": uri }),
    }
}

/// A path as a URI reference: relative paths stay relative (`/`-separated), absolute ones become
/// `file://` URIs; bytes other than unreserved characters and `/` are percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A SARIF region of bytes `start..end` of `text`.
fn region(text: &str, start: usize, end: usize) -> Json {
    let (start_line, start_column) = utf16_position(text, start);
    let (end_line, end_column) = utf16_position(text, end.max(start));
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
        "byteOffset": start,
        "byteLength": end.saturating_sub(start),
    })
}

/// The 1-based line and 1-based column in UTF-16 code units of byte `offset` (lines end at `\n`; a
/// byte order mark at the start is not counted).
fn utf16_position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    // A byte order mark is no column: editors and BuildKit drop it.
    let line_text = before[line_start..].strip_prefix('\u{feff}').unwrap_or(&before[line_start..]);
    let column = line_text.encode_utf16().count() + 1;
    (line, column)
}

/// `text` escaped for an XML attribute or text node: markup characters as entities, line breaks and
/// tabs as character references (so attributes keep them), and characters XML 1.0 cannot hold at all
/// (other control characters) as U+FFFD.
pub(crate) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Checkstyle's severity: `style` is `info`.
fn checkstyle_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        _ => "info",
    }
}

/// Checkstyle XML: a `file` element per file, an `error` per finding (`source` is the rule code).
pub(crate) fn checkstyle(files: &[Linted]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    for file in files {
        out.push_str(&format!("  <file name=\"{}\">\n", xml(&file.name)));
        for diagnostic in &file.diagnostics {
            out.push_str(&format!(
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"{}\"/>\n",
                diagnostic.span.from.line,
                diagnostic.span.from.column,
                checkstyle_severity(diagnostic.severity),
                xml(&format!("{} ({})", diagnostic.message, diagnostic.help)),
                xml(diagnostic.code),
            ));
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}

/// JUnit XML: a test suite per file, a failing test case per finding (a file without findings has one
/// passing case, `lint`).
pub(crate) fn junit(files: &[Linted]) -> String {
    let total: usize = files.iter().map(|file| file.diagnostics.len().max(1)).sum();
    let failures: usize = files.iter().map(|file| file.diagnostics.len()).sum();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dockwright lint\" tests=\"{total}\" failures=\"{failures}\">\n"
    );
    for file in files {
        let name = xml(&file.name);
        let count = file.diagnostics.len();
        out.push_str(&format!("  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{count}\">\n", count.max(1)));
        if file.diagnostics.is_empty() {
            out.push_str(&format!("    <testcase name=\"lint\" classname=\"{name}\"/>\n"));
        }
        for diagnostic in &file.diagnostics {
            let at = diagnostic.span.from;
            out.push_str(&format!(
                "    <testcase name=\"{} {}:{}\" classname=\"{name}\">\n      <failure type=\"{}\" message=\"{}\">{}:{}: {}[{}]: {}&#10;help: {}</failure>\n    </testcase>\n",
                xml(diagnostic.code),
                at.line,
                at.column,
                diagnostic.severity,
                xml(&diagnostic.message),
                name,
                at,
                diagnostic.severity,
                xml(diagnostic.code),
                xml(&diagnostic.message),
                xml(&diagnostic.help),
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn xml_escapes_markup_breaks_and_control_characters() {
        assert_eq!(xml("a<b>&\"c'\n\t\r\u{1}d"), "a&lt;b&gt;&amp;&quot;c&apos;&#10;&#9;&#13;\u{FFFD}d");
    }

    #[test]
    fn uris_are_relative_or_file_and_percent_encoded() {
        assert_eq!(uri("build/Dockerfile"), "build/Dockerfile");
        assert_eq!(uri("my app/Docker file#1"), "my%20app/Docker%20file%231");
        assert_eq!(uri("/srv/é"), "file:///srv/%C3%A9");
    }

    #[test]
    fn utf16_columns_count_code_units() {
        let text = "ab\n\u{e9}\u{1F600}x\n";
        assert_eq!(utf16_position(text, 0), (1, 1));
        assert_eq!(utf16_position(text, 3), (2, 1));
        // é is 2 bytes and 1 unit; the emoji 4 bytes and 2 units.
        assert_eq!(utf16_position(text, 5), (2, 2));
        assert_eq!(utf16_position(text, 9), (2, 4));
        assert_eq!(utf16_position(text, 100), (3, 1));
        assert_eq!(utf16_position("\u{feff}FROM a", 8), (1, 6));
    }
}
