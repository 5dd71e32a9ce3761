//! Proptest strategies for random Dockerfile models full of hostile strings, shared by the emitter's
//! round-trip tests.
#![allow(dead_code)]

use dockwright::model::{
    self, Add, Arg, BaseImage, Cmd, Command, Copy, Dockerfile, Entrypoint, Env, Escape, Expose, FromInstruction,
    FromSource, HealthOptions, Healthcheck, Instruction, Label, Mount, Network, Run, Security, Shell, ShellScript,
    Source, Stage, StopSignal, User, Volume, Workdir,
};
use dockwright::{
    Chmod, Comment, Duration, FlagValue, ImageRef, ImageTemplate, LabelKey, Line, Part, Pattern, Platform, Port,
    Signal, StageName, Text, UserSpec, Value, VarName,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Strategies: hostile text.

/// Pieces that break naive emitters.
const TOKENS: &[&str] = &[
    "EOF",
    "EOF_1",
    "<<EOF",
    "<<-X",
    "\\",
    "\\\\",
    "`",
    "$",
    "$HOME",
    "${X}",
    "$$",
    "$1",
    "#",
    "#!",
    "# syntax=x",
    "[",
    "]",
    "[\"a\"]",
    "--x",
    "--mount=type=bind",
    "'",
    "\"",
    "=",
    " ",
    "  ",
    "\t",
    "\u{a0}",
    "\u{85}",
    "\u{2003}",
    "\u{2028}",
    "é",
    "☃",
    "&&",
    "\\ ",
    "a",
    "b",
    "run",
    "FROM x",
    "\u{feff}",
];

fn piece(multiline: bool) -> BoxedStrategy<String> {
    let token = prop::sample::select(TOKENS).prop_map(str::to_string);
    let ascii = "[ -~]{1,4}";
    if multiline {
        prop_oneof![4 => token, 4 => ascii.prop_map(|s: String| s), 1 => Just("\n".to_string()), 1 => Just("\nEOF\n".to_string())]
            .boxed()
    } else {
        prop_oneof![1 => token, 1 => ascii.prop_map(|s: String| s)].boxed()
    }
}

fn hostile(multiline: bool, max: usize) -> BoxedStrategy<String> {
    let short = prop::collection::vec(piece(multiline), 0..max).prop_map(|parts| parts.concat());
    prop_oneof![40 => short, 1 => long(multiline)].boxed()
}

/// Text longer than the longest line BuildKit reads (65535 bytes): one hostile token repeated, between
/// hostile pieces, so that the emitter has to wrap it and has few places to break the line.
fn long(multiline: bool) -> BoxedStrategy<String> {
    let tokens: Vec<&'static str> =
        TOKENS.iter().copied().chain(["x", "\\\\", "``", "#", " ", "$", "\u{3000}"]).collect();
    (piece(multiline), prop::sample::select(tokens), piece(multiline))
        .prop_map(|(before, token, after)| format!("{before}{}{after}", token.repeat(66_000 / token.len() + 1)))
        .boxed()
}

/// Comment text, with lines shaped like parser directives (`escape= `, `syntax=x`, `check = …`) that no
/// emitted file may ever turn into one.
pub fn comment() -> BoxedStrategy<Comment> {
    let directive_like = (
        prop::sample::select(vec!["escape", "syntax", "check", "ESCAPE", "x1"]),
        prop::sample::select(vec!["=", " =", "= ", "=\t", " = ", "\t=\u{c}"]),
        prop::sample::select(vec![
            " ",
            "\t",
            "\u{3000}",
            "\u{b}",
            "\u{a0}",
            "`",
            "\\",
            "evil.example/frontend",
            "skip=all",
        ]),
        prop::sample::select(vec!["", " ", "\u{3000}", "\t", "\u{a0}"]),
        prop::option::of(text()),
    )
        .prop_filter_map("comment", |(key, eq, value, lead, more)| {
            let more = more.map(|t| format!("\n{}", t.as_str())).unwrap_or_default();
            Comment::new(format!("{lead}{key}{eq}{value}{more}")).ok()
        });
    prop_oneof![2 => text().prop_filter_map("comment", |t| Comment::new(t.as_str()).ok()), 1 => directive_like].boxed()
}

fn line() -> BoxedStrategy<Line> {
    hostile(false, 8).prop_filter_map("line", |s| Line::new(s).ok()).boxed()
}

fn nonempty_line() -> BoxedStrategy<Line> {
    hostile(false, 8).prop_filter_map("line", |s| (!s.is_empty()).then(|| Line::new(s).ok()).flatten()).boxed()
}

fn text() -> BoxedStrategy<Text> {
    hostile(true, 10).prop_filter_map("text", |s| Text::new(s).ok()).boxed()
}

fn var_name() -> impl Strategy<Value = VarName> {
    "[A-Za-z_][A-Za-z0-9_]{0,6}".prop_map(|s| VarName::new(s).unwrap())
}

fn value() -> impl Strategy<Value = Value> {
    prop::collection::vec(prop_oneof![3 => line().prop_map(Part::Literal), 1 => var_name().prop_map(Part::Var)], 0..4)
        .prop_map(|parts| {
            Value::from_parts(
                parts.into_iter().filter(|p| !matches!(p, Part::Literal(l) if l.as_str().is_empty())).collect(),
            )
        })
}

fn flag_value() -> impl Strategy<Value = FlagValue> {
    "[A-Za-z0-9_./@:+-]{1,12}".prop_map(|s| FlagValue::new(s).unwrap())
}

fn user() -> impl Strategy<Value = UserSpec> {
    "[a-z_][a-z0-9_-]{0,6}(:[a-z0-9_][a-z0-9_-]{0,6})?".prop_map(|s| UserSpec::new(s).unwrap())
}

fn duration() -> impl Strategy<Value = Duration> {
    (1u64..200_000).prop_map(|ms| Duration::new(std::time::Duration::from_millis(ms)).unwrap())
}

fn command(shell_ok: bool) -> BoxedStrategy<Command> {
    let exec = prop::collection::vec(text(), 0..4).prop_map(Command::Exec);
    if !shell_ok {
        return exec.boxed();
    }
    prop_oneof![
        2 => text().prop_map(|t| Command::Shell(ShellScript::Text(t))),
        1 => prop::collection::vec(text(), 1..4).prop_map(|s| Command::Shell(ShellScript::Steps(s))),
        1 => prop::collection::vec(text(), 1..4).prop_map(|s| Command::Shell(ShellScript::Script(s))),
        1 => exec,
    ]
    .boxed()
}

fn mount(stages: Vec<StageName>) -> BoxedStrategy<Mount> {
    let from = if stages.is_empty() {
        Just(None).boxed()
    } else {
        prop::option::of(prop::sample::select(stages).prop_map(FromSource::Stage)).boxed()
    };
    let mode = prop::option::of("[0-7]{3,4}".prop_map(|m| Chmod::new(m).unwrap()));
    prop_oneof![
        (flag_value(), prop::option::of(flag_value()), from.clone(), any::<bool>())
            .prop_map(|(target, source, from, rw)| Mount::Bind { target, source, from, rw }),
        (
            flag_value(),
            prop::option::of(flag_value()),
            from,
            mode.clone(),
            prop::option::of(0u32..70000),
            any::<bool>()
        )
            .prop_map(|(target, id, from, mode, uid, readonly)| Mount::Cache {
                target,
                id,
                sharing: Some(model::Sharing::Locked),
                from,
                source: None,
                mode,
                uid,
                gid: uid,
                readonly,
            }),
        (flag_value(), prop::option::of(1u64..1 << 30)).prop_map(|(target, size)| Mount::Tmpfs { target, size }),
        (flag_value(), prop::option::of(flag_value()), prop::option::of(var_name()), any::<bool>(), mode).prop_map(
            |(id, target, env, required, mode)| Mount::Secret {
                id: Some(id),
                target,
                env,
                required,
                mode,
                uid: None,
                gid: None
            }
        ),
        (prop::option::of(flag_value()), any::<bool>()).prop_map(|(id, required)| Mount::Ssh {
            id,
            target: None,
            required,
            mode: None,
            uid: None,
            gid: None
        }),
    ]
    .boxed()
}

fn sources() -> BoxedStrategy<(Vec<Source>, Line)> {
    let paths = (prop::collection::vec(nonempty_line(), 1..4), nonempty_line()).prop_map(|(paths, dest)| {
        let dest = if paths.len() > 1 && !dest.as_str().ends_with('/') {
            Line::new(format!("{}/", dest.as_str())).unwrap()
        } else {
            dest
        };
        (paths.into_iter().map(Source::Path).collect(), dest)
    });
    let inline = (text(), "/[a-zA-Z0-9_.#=é-]{1,12}").prop_filter_map("inline file", |(content, dest)| {
        let mut content = content.as_str().replace('\r', "");
        if !content.is_empty() && !content.ends_with('\n') {
            content.push('\n');
        }
        if dest.contains("<<") {
            return None;
        }
        Some((vec![Source::Inline(Text::new(content).ok()?)], Line::new(dest).ok()?))
    });
    prop_oneof![3 => paths, 1 => inline].boxed()
}

fn instruction(stages: Vec<StageName>, depth: u32) -> BoxedStrategy<Instruction> {
    let from_stage = if stages.is_empty() {
        Just(None).boxed()
    } else {
        prop::option::of(prop::sample::select(stages.clone()).prop_map(FromSource::Stage)).boxed()
    };
    let leaf = prop_oneof![
        (prop::collection::vec(mount(stages.clone()), 0..3), prop::option::of(0..3usize), any::<bool>(), command(true))
            .prop_map(|(mounts, network, insecure, command)| Instruction::Run(Run {
                mounts,
                network: network.map(|n| [Network::Default, Network::None, Network::Host][n]),
                security: insecure.then_some(Security::Insecure),
                command,
            })),
        (
            sources(),
            from_stage,
            prop::option::of(user()),
            prop::option::of("[0-7]{3,4}"),
            any::<bool>(),
            any::<bool>(),
            prop::collection::vec("[A-Za-z0-9_./*?!-]{1,8}", 0..2)
        )
            .prop_map(|((sources, dest), from, chown, chmod, link, parents, excludes)| {
                let mut copy = Copy::new(sources, dest);
                copy.from = from;
                copy.chown = chown;
                copy.chmod = chmod.map(|m| Chmod::new(m).unwrap());
                copy.link = link;
                copy.parents = parents;
                copy.excludes = excludes.into_iter().map(|p| Pattern::new(p).unwrap()).collect();
                Instruction::Copy(copy)
            }),
        (sources(), any::<bool>(), any::<bool>(), prop::option::of(any::<bool>())).prop_map(
            |((sources, dest), keep_git_dir, checksum, unpack)| {
                let mut add = Add::new(sources, dest);
                add.keep_git_dir = keep_git_dir;
                add.unpack = unpack;
                if checksum {
                    add.checksum = Some(dockwright::Checksum::new(format!("sha256:{}", "ab".repeat(32))).unwrap());
                }
                Instruction::Add(add)
            }
        ),
        prop::collection::vec((var_name(), value()), 1..4).prop_map(|pairs| {
            let mut env = Env::default();
            for (k, v) in pairs {
                env.vars.insert(k, v);
            }
            Instruction::Env(env)
        }),
        (var_name(), prop::option::of(value())).prop_map(|(name, default)| Instruction::Arg(Arg { name, default })),
        prop::collection::vec((nonempty_line(), value()), 1..3).prop_filter_map("label keys", |pairs| {
            let mut label = Label::default();
            for (k, v) in pairs {
                label.labels.insert(LabelKey::new(k.as_str()).ok()?, v);
            }
            Some(Instruction::Label(label))
        }),
        user().prop_map(|user| Instruction::User(User { user })),
        value()
            .prop_filter("workdir", |v| !v.parts().is_empty())
            .prop_map(|path| Instruction::Workdir(Workdir { path })),
        prop::collection::vec((1u16..=65535, 0..3usize), 1..4).prop_map(|ports| Instruction::Expose(Expose {
            ports: ports
                .into_iter()
                .map(|(n, p)| Port::parse(&format!("{n}/{}", ["tcp", "udp", "sctp"][p])).unwrap())
                .collect()
        })),
        prop::collection::vec(nonempty_line(), 1..3).prop_map(|paths| Instruction::Volume(Volume { paths })),
        (
            command(true),
            prop::option::of(duration()),
            prop::option::of(duration()),
            prop::option::of(duration()),
            prop::option::of(duration()),
            prop::option::of(0u32..10)
        )
            .prop_filter("healthcheck argv", |(c, ..)| !matches!(c, Command::Exec(argv) if argv.is_empty()))
            .prop_map(|(command, interval, timeout, start_period, start_interval, retries)| {
                Instruction::Healthcheck(Healthcheck::Check {
                    options: HealthOptions { interval, timeout, start_period, start_interval, retries },
                    command,
                })
            }),
        Just(Instruction::Healthcheck(Healthcheck::None)),
        command(true).prop_map(|command| Instruction::Cmd(Cmd { command })),
        command(true).prop_map(|command| Instruction::Entrypoint(Entrypoint { command })),
        prop::collection::vec(text(), 1..4).prop_map(|argv| Instruction::Shell(Shell { argv })),
        prop_oneof![
            "SIG(TERM|INT|QUIT|HUP|USR1|KILL|WINCH|RTMIN\\+[1-9]|RTMAX-1[0-4])",
            "(TERM|INT|USR2)",
            "[1-9][0-9]{0,1}"
        ]
        .prop_map(|s| Instruction::StopSignal(StopSignal { signal: Signal::new(s).unwrap() })),
        comment().prop_map(|text| Instruction::Comment(model::CommentLine { text })),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    prop_oneof![
        6 => leaf,
        1 => instruction(stages, depth - 1)
            .prop_filter("trigger", |i| !matches!(i, Instruction::Comment(_)))
            .prop_map(|trigger| Instruction::OnBuild(model::OnBuild { trigger: Box::new(trigger) })),
    ]
    .boxed()
}

/// Image references taken from a global ARG, as (ARG, its default, the `FROM` template): each reads
/// `debian:bookworm-slim` by default. A generated model uses one of them (after its other global ARGs)
/// where it would pull `debian:bookworm-slim`, or none.
pub const TEMPLATED_BASES: &[(&str, &str, &str)] = &[
    ("DW_TAG", "bookworm-slim", "debian:${DW_TAG}"),
    ("DW_IMAGE", "debian:bookworm-slim", "${DW_IMAGE}"),
    ("DW_SUFFIX", "-slim", "debian:bookworm${DW_SUFFIX}"),
];

pub fn dockerfile() -> impl Strategy<Value = Dockerfile> {
    (
        1usize..4,
        any::<bool>(),
        prop::collection::vec((var_name(), prop::option::of(value())), 0..2),
        prop::option::of(prop::sample::select(TEMPLATED_BASES)),
        prop::option::of(comment()),
        prop::option::of(comment()),
    )
        .prop_flat_map(|(n_stages, backtick, mut globals, templated, file_comment, first_doc)| {
            let pulled = match templated {
                Some((name, default, template)) => {
                    globals.push((VarName::new(name).unwrap(), Some(Value::literal(default).unwrap())));
                    BaseImage::Template(ImageTemplate::parse(template).unwrap())
                }
                None => BaseImage::Image(ImageRef::parse("debian:bookworm-slim").unwrap()),
            };
            let stage_strategies: Vec<_> = (0..n_stages)
                .map(|index| {
                    let earlier: Vec<StageName> =
                        (0..index).map(|i| StageName::new(format!("s{i}")).unwrap()).collect();
                    let base = if earlier.is_empty() {
                        Just(None).boxed()
                    } else {
                        prop::option::of(prop::sample::select(earlier.clone())).boxed()
                    };
                    let pulled = pulled.clone();
                    (
                        base,
                        prop::option::of(prop_oneof![Just("linux/amd64"), Just("$BUILDPLATFORM")]),
                        prop::collection::vec(instruction(earlier, 1), 0..8),
                    )
                        .prop_map(move |(base, platform, instructions)| Stage {
                            comment: None,
                            from: FromInstruction {
                                platform: platform.map(|p| Platform::parse(p).unwrap()),
                                base: match base {
                                    Some(stage) => BaseImage::Stage(stage),
                                    None => pulled.clone(),
                                },
                                name: Some(StageName::new(format!("s{index}")).unwrap()),
                            },
                            instructions,
                        })
                })
                .collect();
            (stage_strategies, Just(backtick), Just(globals), Just(file_comment), Just(first_doc))
        })
        .prop_map(|(mut stages, backtick, globals, file_comment, first_doc)| {
            stages[0].comment = first_doc;
            let mut dockerfile = Dockerfile {
                comment: file_comment,
                args: globals.into_iter().map(|(name, default)| Arg { name, default }).collect(),
                stages,
                ..Dockerfile::default()
            };
            dockerfile.directives.escape = if backtick { Escape::Backtick } else { Escape::Backslash };
            dockerfile
        })
}
