//! BuildKit's AST dump format (`parser.Node.Dump()`), as stored in
//! `frontend/dockerfile/parser/testfiles/<case>/result`.
//!
//! One line per instruction: `(keyword ["--flag" ...] "arg" ... (nested))`.
//! Strings are Go `strconv.Quote`d.

/// One instruction as BuildKit's dump shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DumpNode {
    /// Lower-case keyword (`from`, `run`, ...).
    pub keyword: String,
    /// `--x=y` words before the arguments (a bare `--` is already dropped by BuildKit).
    pub flags: Vec<String>,
    /// Argument nodes (the `Next` chain).
    pub args: Vec<String>,
    /// ONBUILD's sub-instruction.
    pub child: Option<Box<DumpNode>>,
}

/// Parses a whole `result` file.
pub fn parse_dump(text: &str) -> Result<Vec<DumpNode>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut pos = 0;
        let node = parse_node(&chars, &mut pos).map_err(|e| format!("line {}: {e}", i + 1))?;
        skip_ws(&chars, &mut pos);
        if pos != chars.len() {
            return Err(format!("line {}: trailing text", i + 1));
        }
        out.push(node);
    }
    Ok(out)
}

fn skip_ws(c: &[char], pos: &mut usize) {
    while *pos < c.len() && c[*pos] == ' ' {
        *pos += 1;
    }
}

fn parse_node(c: &[char], pos: &mut usize) -> Result<DumpNode, String> {
    if c.get(*pos) != Some(&'(') {
        return Err("expected '('".into());
    }
    *pos += 1;
    let start = *pos;
    while *pos < c.len() && !matches!(c[*pos], ' ' | ')') {
        *pos += 1;
    }
    let keyword: String = c[start..*pos].iter().collect();
    let mut node = DumpNode {
        keyword,
        flags: vec![],
        args: vec![],
        child: None,
    };
    loop {
        skip_ws(c, pos);
        match c.get(*pos) {
            Some(')') => {
                *pos += 1;
                return Ok(node);
            }
            Some('[') => {
                *pos += 1;
                loop {
                    skip_ws(c, pos);
                    match c.get(*pos) {
                        Some(']') => {
                            *pos += 1;
                            break;
                        }
                        Some('"') => node.flags.push(parse_go_string(c, pos)?),
                        _ => return Err("bad flag list".into()),
                    }
                }
            }
            Some('"') => node.args.push(parse_go_string(c, pos)?),
            Some('(') => node.child = Some(Box::new(parse_node(c, pos)?)),
            other => return Err(format!("unexpected {other:?}")),
        }
    }
}

/// Parses one Go double-quoted string literal starting at `c[*pos] == '"'`.
fn parse_go_string(c: &[char], pos: &mut usize) -> Result<String, String> {
    *pos += 1;
    let mut bytes: Vec<u8> = Vec::new();
    let push_char = |b: &mut Vec<u8>, ch: char| {
        let mut buf = [0u8; 4];
        b.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    };
    loop {
        let ch = *c.get(*pos).ok_or("unterminated string")?;
        *pos += 1;
        match ch {
            '"' => break,
            '\\' => {
                let e = *c.get(*pos).ok_or("bad escape")?;
                *pos += 1;
                match e {
                    'a' => bytes.push(7),
                    'b' => bytes.push(8),
                    'f' => bytes.push(12),
                    'n' => bytes.push(b'\n'),
                    'r' => bytes.push(b'\r'),
                    't' => bytes.push(b'\t'),
                    'v' => bytes.push(11),
                    '\\' => bytes.push(b'\\'),
                    '"' => bytes.push(b'"'),
                    '\'' => bytes.push(b'\''),
                    'x' => {
                        let h: String = c[*pos..*pos + 2].iter().collect();
                        *pos += 2;
                        bytes.push(u8::from_str_radix(&h, 16).map_err(|e| e.to_string())?);
                    }
                    'u' | 'U' => {
                        let n = if e == 'u' { 4 } else { 8 };
                        let h: String = c[*pos..*pos + n].iter().collect();
                        *pos += n;
                        let v = u32::from_str_radix(&h, 16).map_err(|e| e.to_string())?;
                        push_char(&mut bytes, char::from_u32(v).ok_or("bad code point")?);
                    }
                    '0'..='7' => {
                        let h: String = c[*pos - 1..*pos + 2].iter().collect();
                        *pos += 2;
                        bytes.push(u8::from_str_radix(&h, 8).map_err(|e| e.to_string())?);
                    }
                    other => return Err(format!("unknown escape \\{other}")),
                }
            }
            other => push_char(&mut bytes, other),
        }
    }
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// Go `strconv.Quote`-like rendering, for printing failures the way the dump does.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() || c == '\u{feff}' || c == '\u{a0}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Renders a node back in dump syntax (for failure listings).
pub fn render(n: &DumpNode) -> String {
    let mut s = format!("({}", n.keyword);
    if !n.flags.is_empty() {
        s.push_str(" [");
        s.push_str(&n.flags.iter().map(|f| go_quote(f)).collect::<Vec<_>>().join(" "));
        s.push(']');
    }
    for a in &n.args {
        s.push(' ');
        s.push_str(&go_quote(a));
    }
    if let Some(c) = &n.child {
        s.push(' ');
        s.push_str(&render(c));
    }
    s.push(')');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn roundtrip() {
        let t = r#"(cmd "abc 123" "♥" "☃" "\" \\ / \b \f \n \r \t \x00")
(healthcheck ["--interval=5s" "--timeout=3s"] "CMD" "x")
(onbuild (run "echo" "test"))
(cmd)"#;
        let n = parse_dump(t).unwrap();
        assert_eq!(n.len(), 4);
        assert_eq!(n[0].args[3], "\" \\ / \u{8} \u{c} \n \r \t \0");
        assert_eq!(n[1].flags, vec!["--interval=5s", "--timeout=3s"]);
        assert_eq!(n[2].child.as_ref().unwrap().args, vec!["echo", "test"]);
        assert!(n[3].args.is_empty());
    }
}
