//! Path matching for build-context reads: COPY/ADD sources, `--exclude` and `.dockerignore` patterns.
//!
//! Two dialects, both from BuildKit:
//! - COPY/ADD sources use Go's `filepath.Match` per path (`*` and `?` never cross `/`, `[...]` classes
//!   with `^` negation and ranges, `\` escapes), and a source that names a directory copies everything
//!   under it (BuildKit `frontend/dockerfile/docs/reference.md`, "COPY": "If `<src>` is a directory, the
//!   entire contents of the directory are copied").
//! - `--exclude` and `.dockerignore` use moby/patternmatcher: the same syntax plus `**` (any number of
//!   directories, including none), a leading `!` re-includes, the last matching line wins, and a pattern
//!   that matches a directory excludes everything under it (`MatchesOrParentMatches`).

/// A context path in its canonical form: no leading `./` or `/`, no trailing `/`, no `.` components,
/// no empty components; the context root is `""`.
pub(crate) fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// The path and every ancestor directory of it, longest first (`a/b/c`, `a/b`, `a`).
fn self_and_ancestors(path: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(path);
    std::iter::from_fn(move || {
        let current = next?;
        next = current.rfind('/').map(|at| &current[..at]);
        Some(current)
    })
}

/// Whether the COPY/ADD source pattern `source` reads the context path `path`: the pattern matches the
/// path itself or one of its ancestor directories (a directory source covers everything under it).
pub(crate) fn source_covers(source: &str, path: &str) -> bool {
    let source = clean(source);
    let path = clean(path);
    if source.is_empty() {
        return true;
    }
    self_and_ancestors(&path).any(|candidate| matches(&source, candidate, false))
}

/// Whether a patternmatcher pattern (`--exclude`, one `.dockerignore` line without its `!`) matches the
/// path or one of its parents.
pub(crate) fn pattern_covers(pattern: &str, path: &str) -> bool {
    let pattern = clean(pattern);
    let path = clean(path);
    if pattern.is_empty() {
        return false;
    }
    self_and_ancestors(&path).any(|candidate| matches(&pattern, candidate, true))
}

/// Whether `.dockerignore` lines leave `path` out of the context: the last line that matches decides,
/// `!` lines re-include.
pub(crate) fn ignored(dockerignore: &[String], path: &str) -> bool {
    let mut excluded = false;
    for line in dockerignore {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (negated, pattern) = match line.strip_prefix('!') {
            Some(rest) => (true, rest.trim()),
            None => (false, line),
        };
        if pattern_covers(pattern, path) {
            excluded = !negated;
        }
    }
    excluded
}

/// Whether the pattern has wildcard characters.
pub(crate) fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
}

/// A path the pattern matches, made by reading wildcards as their smallest match (`*` as nothing, `?`
/// and a class as one character they accept). Used to test whether two patterns can meet.
pub(crate) fn sample(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => {
                i += 1;
                // `**/` may match no directory at all.
                while i < chars.len() && chars[i] == '*' {
                    i += 1;
                }
                if i < chars.len() && chars[i] == '/' && (out.is_empty() || out.ends_with('/')) {
                    i += 1;
                }
            }
            '?' => {
                out.push('x');
                i += 1;
            }
            '[' => match class(&chars, i + 1) {
                Some((set, end)) => {
                    let pick = if set.negated {
                        ('a'..='z').chain('0'..='9').find(|c| !set.accepts(*c)).unwrap_or('_')
                    } else {
                        set.ranges.first().map_or('x', |range| range.0)
                    };
                    out.push(pick);
                    i = end;
                }
                None => {
                    out.push('[');
                    i += 1;
                }
            },
            '\\' if i + 1 < chars.len() => {
                out.push(chars[i + 1]);
                i += 2;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Matches the whole of `name` against `pattern`. With `double_star`, `**` matches any run of
/// characters including `/` and `**/` may match nothing; otherwise `*` never crosses `/`.
pub(crate) fn matches(pattern: &str, name: &str, double_star: bool) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    match_from(&pattern, 0, &name, 0, double_star)
}

fn match_from(pattern: &[char], mut p: usize, name: &[char], mut n: usize, double_star: bool) -> bool {
    while p < pattern.len() {
        match pattern[p] {
            '*' => {
                if double_star && pattern.get(p + 1) == Some(&'*') {
                    let mut rest = p + 2;
                    while pattern.get(rest) == Some(&'*') {
                        rest += 1;
                    }
                    // `**/` may also match zero directories.
                    if pattern.get(rest) == Some(&'/') && match_from(pattern, rest + 1, name, n, double_star) {
                        return true;
                    }
                    return (n..=name.len()).any(|at| match_from(pattern, rest, name, at, double_star));
                }
                let rest = p + 1;
                let mut at = n;
                loop {
                    if match_from(pattern, rest, name, at, double_star) {
                        return true;
                    }
                    if at >= name.len() || name[at] == '/' {
                        return false;
                    }
                    at += 1;
                }
            }
            '?' => {
                if n >= name.len() || name[n] == '/' {
                    return false;
                }
                p += 1;
                n += 1;
            }
            '[' => {
                let Some((set, end)) = class(pattern, p + 1) else {
                    return false;
                };
                if n >= name.len() || name[n] == '/' || !set.accepts(name[n]) {
                    return false;
                }
                p = end;
                n += 1;
            }
            '\\' if p + 1 < pattern.len() => {
                if n >= name.len() || name[n] != pattern[p + 1] {
                    return false;
                }
                p += 2;
                n += 1;
            }
            c => {
                if n >= name.len() || name[n] != c {
                    return false;
                }
                p += 1;
                n += 1;
            }
        }
    }
    n == name.len()
}

struct Class {
    negated: bool,
    ranges: Vec<(char, char)>,
}

impl Class {
    fn accepts(&self, c: char) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != self.negated
    }
}

/// Parses a class body starting just after `[`; returns it and the index after its `]`.
fn class(pattern: &[char], start: usize) -> Option<(Class, usize)> {
    let mut i = start;
    let negated = matches!(pattern.get(i), Some('^') | Some('!'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *pattern.get(i)?;
        if c == ']' && !first {
            return Some((Class { negated, ranges }, i + 1));
        }
        first = false;
        let lo = if c == '\\' {
            i += 1;
            *pattern.get(i)?
        } else {
            c
        };
        i += 1;
        if pattern.get(i) == Some(&'-') && pattern.get(i + 1).is_some_and(|c| *c != ']') {
            let mut hi = pattern[i + 1];
            i += 2;
            if hi == '\\' {
                hi = *pattern.get(i)?;
                i += 1;
            }
            ranges.push((lo, hi));
        } else {
            ranges.push((lo, lo));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_match_semantics() {
        let cases = [
            ("*.py", "app.py", true),
            ("*.py", "src/app.py", false),
            ("src/*.py", "src/app.py", true),
            ("?.txt", "a.txt", true),
            ("?.txt", "ab.txt", false),
            ("data[0-9].csv", "data7.csv", true),
            ("data[^0-9].csv", "data7.csv", false),
            ("data[[]1].csv", "data[1].csv", true),
            ("what[?][*].txt", "what?*.txt", true),
            ("what[?][*].txt", "whatxy.txt", false),
            ("a\\*b", "a*b", true),
            ("requirements*.txt", "requirements-dev.txt", true),
        ];
        for (pattern, name, expected) in cases {
            assert_eq!(matches(pattern, name, false), expected, "{pattern} vs {name}");
        }
    }

    #[test]
    fn double_star_semantics() {
        let cases = [
            ("**/*.pyc", "a/b/c.pyc", true),
            ("**/*.pyc", "c.pyc", true),
            ("**/vendor/**", "backend/vendor/x/y.go", true),
            ("**/vendor/**", "vendor/y.go", true),
            ("**/vendor/**", "vendors/y.go", false),
            ("docs/**", "docs/a/b.md", true),
        ];
        for (pattern, name, expected) in cases {
            assert_eq!(matches(pattern, name, true), expected, "{pattern} vs {name}");
        }
    }

    #[test]
    fn sources_cover_directories_and_excludes_cover_parents() {
        assert!(source_covers(".", "anything/at/all.py"));
        assert!(source_covers("./", "x"));
        assert!(source_covers("src/", "src/pkg/mod.py"));
        assert!(source_covers("templates", "templates/index.html"));
        assert!(!source_covers("templates", "templates.html"));
        assert!(source_covers("*.py", "app.py"));
        assert!(!source_covers("*.py", "pkg/app.py"));
        assert!(source_covers("s*", "src/app.py"));
        assert!(pattern_covers("tests", "tests/unit/test_a.py"));
        assert!(pattern_covers("**/__pycache__", "a/__pycache__/x.pyc"));
        assert!(!pattern_covers("tests", "src/tests.py"));
    }

    #[test]
    fn dockerignore_last_match_wins() {
        let lines: Vec<String> = ["*.md", "!README.md", "# comment", ".git"].map(String::from).to_vec();
        assert!(ignored(&lines, "CHANGES.md"));
        assert!(!ignored(&lines, "README.md"));
        assert!(ignored(&lines, ".git/HEAD"));
        assert!(!ignored(&lines, "app.py"));
    }

    #[test]
    fn samples_match_their_pattern() {
        for pattern in ["*.py", "requirements*.txt", "data[0-9].csv", "?x", "**/vendor/**", "a\\*b"] {
            let sample = sample(pattern);
            assert!(matches(pattern, &sample, true), "{pattern} vs {sample}");
        }
        assert_eq!(sample("requirements*.txt"), "requirements.txt");
        assert_eq!(clean("./src//pkg/"), "src/pkg");
        assert_eq!(clean("/"), "");
    }
}
