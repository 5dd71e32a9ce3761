//! Loading the ground-truth corpus and the probes into one list of cases.

use crate::compare::Gt;
use crate::dump::{parse_dump, DumpNode};
use crate::model::Heredoc;
use crate::probes::{Expect as PExpect, PROBES};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Corpus {
    Testfiles,
    Negative,
    LineTest,
    Probe,
    Extracted,
    ExtractedUnit,
}

impl Corpus {
    pub fn label(self) -> &'static str {
        match self {
            Corpus::Testfiles => "parser/testfiles (golden AST dumps)",
            Corpus::Negative => "parser/testfiles-negative",
            Corpus::LineTest => "parser/testfile-line",
            Corpus::Probe => "reliability.md §1 probes",
            Corpus::Extracted => "extracted/ integration Dockerfiles",
            Corpus::ExtractedUnit => "extracted-unit/ unit-test Dockerfiles",
        }
    }
}

pub enum Expect {
    /// Must parse; instructions as given.
    Gt(Vec<Gt>),
    /// Must parse; no per-instruction ground truth.
    Accept,
    /// BuildKit's AST parser accepts it but its instruction layer rejects it
    /// (unknown instruction): either outcome is acceptable.
    Either,
    /// BuildKit's parser errors.
    Fail,
}

pub struct Case {
    pub corpus: Corpus,
    pub group: Option<&'static str>,
    pub name: String,
    pub text: String,
    pub expect: Expect,
    /// Prepend `FROM scratch` for parsers that reject FROM-less fragments;
    /// the extra instruction is removed again before comparing.
    pub prelude: bool,
    pub esc: char,
    /// The expected dump text (testfiles' `result`, or a probe's dump + newline).
    pub dump_text: Option<String>,
}

/// BuildKit's escape directive detection (enough for normalisation): leading
/// `# key=value` lines from line 1 (after a BOM), stopping at the first other line.
pub fn escape_of(text: &str) -> char {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in text.lines() {
        let t = line.trim_end_matches('\r');
        let Some(rest) = t.strip_prefix('#') else { break };
        let Some((k, v)) = rest.split_once('=') else { break };
        let k = k.trim();
        if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric()) {
            break;
        }
        if k.eq_ignore_ascii_case("escape") {
            return v.trim().chars().next().unwrap_or('\\');
        }
    }
    '\\'
}

fn read(p: &Path) -> String {
    let b = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    String::from_utf8_lossy(&b).into_owned()
}

fn sorted_dirs(p: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// Parsed by BuildKit's AST parser but rejected later by the build (unknown
/// instruction, no stage at all, duplicate stage name): either outcome is accepted. Found by
/// scanning the corpus; see book/src/oracles.md.
const AST_ONLY: &[&str] = &[
    "dockerfile_check/testWarningsBeforeError__01.Dockerfile", // BADCMD
    "dockerfile_cmd/testDockerfileInvalidInstruction__01.Dockerfile", // FNTRYPOINT
    "dockerfile_cmd/testDockerfileInvalidInstruction__02.Dockerfile", // FNTRYPOINT
    "parser_heredoc/TestParseExtractsHeredoc__01.Dockerfile",  // USER <<INVALID then line INVALID
    "dockerfile_multistage/testEmptyStages__01.Dockerfile",    // only `ARG foo=bar`
    "dockerfile_check/testDuplicateStageName__01.Dockerfile",  // two `AS b` (DuplicateStageName: build error)
];

/// Extraction artifacts: the Go test concatenates a variable onto the raw
/// string, so the extracted text stops mid-instruction (`FROM `, `ADD
/// --keep-git-dir `). Not what BuildKit is given; skipped.
const TRUNCATED: &[&str] = &[
    "dockerfile_addgit/testAddGitChecksumCache__01.Dockerfile",
    "dockerfile_addgit/testAddGitChecksumCache__02.Dockerfile",
    "dockerfile_platform/testPlatformWithOSVersion__01.Dockerfile",
    "dockerfile_targets/testTargetsList__01.Dockerfile",
];

pub fn load(root: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let pdir = root.join("frontend/dockerfile/parser");

    for d in sorted_dirs(&pdir.join("testfiles")) {
        let text = read(&d.join("Dockerfile"));
        let result = read(&d.join("result"));
        let nodes = parse_dump(&result).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        let prelude = nodes.first().is_some_and(|n| n.keyword != "from" && n.keyword != "arg");
        let gt = nodes.into_iter().map(|n| Gt::from_node(n, &text)).collect();
        cases.push(Case {
            corpus: Corpus::Testfiles,
            group: None,
            name: format!("testfiles/{}", d.file_name().unwrap().to_string_lossy()),
            esc: escape_of(&text),
            text,
            expect: Expect::Gt(gt),
            prelude,
            dump_text: Some(result),
        });
    }
    for d in sorted_dirs(&pdir.join("testfiles-negative")) {
        let text = read(&d.join("Dockerfile"));
        cases.push(Case {
            corpus: Corpus::Negative,
            group: None,
            name: format!("testfiles-negative/{}", d.file_name().unwrap().to_string_lossy()),
            esc: '\\',
            text,
            expect: Expect::Fail,
            prelude: false,
            dump_text: None,
        });
    }
    {
        // README: AST StartLine=5, EndLine=31, 3 children at lines [5,5],[11,12],[17,31].
        let text = read(&pdir.join("testfile-line/Dockerfile"));
        let mk = |kw: &str, l: (usize, usize)| Gt {
            node: DumpNode {
                keyword: kw.into(),
                flags: vec![],
                args: vec![],
                child: None,
            },
            form: None,
            heredocs: None,
            lines: Some(l),
            child: None,
            values_known: false,
        };
        cases.push(Case {
            corpus: Corpus::LineTest,
            group: None,
            name: "testfile-line".into(),
            esc: escape_of(&text),
            text,
            expect: Expect::Gt(vec![mk("from", (5, 5)), mk("env", (11, 12)), mk("run", (17, 31))]),
            prelude: false,
            dump_text: None,
        });
    }
    for pr in PROBES {
        let text = pr.text.to_string();
        let expect = match pr.expect {
            PExpect::Fail => Expect::Fail,
            PExpect::Dump(d) => {
                let nodes = parse_dump(d).unwrap_or_else(|e| panic!("probe {}: {e}", pr.name));
                let mut gt: Vec<Gt> = nodes.into_iter().map(|n| Gt::from_node(n, &text)).collect();
                for (i, hs) in pr.heredocs {
                    gt[*i].heredocs = Some(
                        hs.iter()
                            .map(|(c, e)| Heredoc {
                                content: c.to_string(),
                                expand: Some(*e),
                            })
                            .collect(),
                    );
                }
                if !pr.lines.is_empty() {
                    assert_eq!(pr.lines.len(), gt.len(), "probe {}: lines", pr.name);
                    for (g, l) in gt.iter_mut().zip(pr.lines) {
                        g.lines = Some(*l);
                    }
                }
                Expect::Gt(gt)
            }
        };
        cases.push(Case {
            corpus: Corpus::Probe,
            group: Some(pr.group),
            name: format!("probe {} / {}", pr.group.split(' ').next().unwrap(), pr.name),
            esc: escape_of(&text),
            text,
            expect,
            prelude: false,
            dump_text: match pr.expect {
                PExpect::Dump(d) => Some(format!("{d}\n")),
                PExpect::Fail => None,
            },
        });
    }
    for (dir, corpus) in [
        ("extracted", Corpus::Extracted),
        ("extracted-unit", Corpus::ExtractedUnit),
    ] {
        let manifest: serde_json::Value =
            serde_json::from_str(&read(&root.join(dir).join("manifest.json"))).expect("manifest");
        for e in manifest.as_array().expect("manifest array") {
            if e["templated"].as_bool() == Some(true) {
                continue;
            }
            let file = e["file"].as_str().unwrap();
            if TRUNCATED.contains(&file) {
                continue;
            }
            let text = read(&root.join(dir).join(file));
            let expect = if AST_ONLY.contains(&file) {
                Expect::Either
            } else {
                Expect::Accept
            };
            cases.push(Case {
                corpus,
                group: None,
                name: format!("{dir}/{file}"),
                esc: escape_of(&text),
                text,
                expect,
                prelude: false,
                dump_text: None,
            });
        }
    }
    cases
}
