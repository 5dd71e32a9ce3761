//! The emitter never changes meaning: random models full of hostile strings (quotes, `$`, backslashes,
//! backticks, newlines where allowed, unicode spaces, `EOF` lines, `#`, `]`, `<<`) are emitted, parsed
//! and decoded by `dockwright::import` (a port of BuildKit's parser, shell lexer and instruction
//! decoder, checked against BuildKit's own test corpus), and every instruction and value must come back
//! exactly as described, under both escape characters.

use dockwright::import::{self, Command as Decoded, ShellOrExec};
use dockwright::model::{
    self, Add, Arg, BaseImage, Cmd, Command, Copy, Dockerfile, Entrypoint, Env, Escape, Expose, FromInstruction,
    FromSource, HealthOptions, Healthcheck, Instruction, Label, Mount, Network, Run, Security, Shell, ShellScript,
    Source, Stage, StopSignal, User, Volume, Workdir,
};
use dockwright::{
    Chmod, Comment, Duration, FlagValue, ImageRef, LabelKey, Line, Part, Pattern, Platform, Port, Signal, StageName,
    Text, UserSpec, Value, VarName,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Strategies: hostile text.

/// Pieces that break naive emitters.
const TOKENS: &[&str] = &[
    "EOF", "EOF_1", "<<EOF", "<<-X", "\\", "\\\\", "`", "$", "$HOME", "${X}", "$$", "$1", "#", "#!", "# syntax=x", "[",
    "]", "[\"a\"]", "--x", "--mount=type=bind", "'", "\"", "=", " ", "  ", "\t", "\u{a0}", "\u{85}", "\u{2003}",
    "\u{2028}", "é", "☃", "&&", "\\ ", "a", "b", "run", "FROM x", "\u{feff}",
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
    prop::collection::vec(piece(multiline), 0..max).prop_map(|parts| parts.concat()).boxed()
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
    prop::collection::vec(
        prop_oneof![3 => line().prop_map(Part::Literal), 1 => var_name().prop_map(Part::Var)],
        0..4,
    )
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
        (flag_value(), prop::option::of(flag_value()), from, mode.clone(), prop::option::of(0u32..70000), any::<bool>())
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
        (flag_value(), prop::option::of(flag_value()), prop::option::of(var_name()), any::<bool>(), mode)
            .prop_map(|(id, target, env, required, mode)| Mount::Secret {
                id: Some(id),
                target,
                env,
                required,
                mode,
                uid: None,
                gid: None
            }),
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
        (sources(), from_stage, prop::option::of(user()), prop::option::of("[0-7]{3,4}"), any::<bool>(), any::<bool>(),
            prop::collection::vec("[A-Za-z0-9_./*?!-]{1,8}", 0..2))
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
        (sources(), any::<bool>(), any::<bool>(), prop::option::of(any::<bool>()))
            .prop_map(|((sources, dest), keep_git_dir, checksum, unpack)| {
                let mut add = Add::new(sources, dest);
                add.keep_git_dir = keep_git_dir;
                add.unpack = unpack;
                if checksum {
                    add.checksum = Some(dockwright::Checksum::new(format!("sha256:{}", "ab".repeat(32))).unwrap());
                }
                Instruction::Add(add)
            }),
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
        value().prop_filter("workdir", |v| !v.parts().is_empty()).prop_map(|path| Instruction::Workdir(Workdir { path })),
        prop::collection::vec((1u16..=65535, 0..3usize), 1..4).prop_map(|ports| Instruction::Expose(Expose {
            ports: ports.into_iter().map(|(n, p)| Port::parse(&format!("{n}/{}", ["tcp", "udp", "sctp"][p])).unwrap()).collect()
        })),
        prop::collection::vec(nonempty_line(), 1..3).prop_map(|paths| Instruction::Volume(Volume { paths })),
        (command(true), prop::option::of(duration()), prop::option::of(duration()), prop::option::of(duration()),
            prop::option::of(duration()), prop::option::of(0u32..10))
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
        prop_oneof!["SIG(TERM|INT|QUIT|HUP|USR1|KILL|WINCH|RTMIN\\+[1-9]|RTMAX-1[0-4])", "(TERM|INT|USR2)", "[1-9][0-9]{0,1}"].prop_map(|s| Instruction::StopSignal(StopSignal { signal: Signal::new(s).unwrap() })),
        text().prop_filter_map("comment", |t| Comment::new(t.as_str()).ok()).prop_map(|text| Instruction::Comment(model::CommentLine { text })),
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

fn dockerfile() -> impl Strategy<Value = Dockerfile> {
    (1usize..4, any::<bool>(), prop::collection::vec((var_name(), prop::option::of(value())), 0..2))
        .prop_flat_map(|(n_stages, backtick, globals)| {
            let stage_strategies: Vec<_> = (0..n_stages)
                .map(|index| {
                    let earlier: Vec<StageName> = (0..index).map(|i| StageName::new(format!("s{i}")).unwrap()).collect();
                    let base = if earlier.is_empty() {
                        Just(None).boxed()
                    } else {
                        prop::option::of(prop::sample::select(earlier.clone())).boxed()
                    };
                    (base, prop::option::of(prop_oneof![Just("linux/amd64"), Just("$BUILDPLATFORM")]),
                        prop::collection::vec(instruction(earlier, 1), 0..8))
                        .prop_map(move |(base, platform, instructions)| Stage {
                            comment: None,
                            from: FromInstruction {
                                platform: platform.map(|p| Platform::parse(p).unwrap()),
                                base: match base {
                                    Some(stage) => BaseImage::Stage(stage),
                                    None => BaseImage::Image(ImageRef::parse("debian:bookworm-slim").unwrap()),
                                },
                                name: Some(StageName::new(format!("s{index}")).unwrap()),
                            },
                            instructions,
                        })
                })
                .collect();
            (stage_strategies, Just(backtick), Just(globals))
        })
        .prop_map(|(stages, backtick, globals)| {
            let mut dockerfile = Dockerfile::default();
            dockerfile.directives.escape = if backtick { Escape::Backtick } else { Escape::Backslash };
            dockerfile.args = globals.into_iter().map(|(name, default)| Arg { name, default }).collect();
            dockerfile.stages = stages;
            dockerfile
        })
}

// ---------------------------------------------------------------------------------------------
// The oracle comparison.

fn env(name: &str) -> Option<String> {
    Some(format!("<{name}>"))
}

fn resolve(value: &Value) -> String {
    value.resolve(env)
}

/// What the shell receives from a decoded RUN/CMD/ENTRYPOINT/HEALTHCHECK, given the SHELL in force:
/// one-line shell form, a lone heredoc (minus the newline BuildKit adds), or the exec form of the shell.
fn shell_text(form: &ShellOrExec, heredocs: &[import::Heredoc], shell: &[String]) -> Option<String> {
    match form {
        ShellOrExec::Shell(text) if heredocs.is_empty() => Some(text.clone()),
        ShellOrExec::Shell(text) => {
            let [heredoc] = heredocs else { return None };
            if text != &format!("<<{}", heredoc.name) || heredoc.content.starts_with("#!") {
                return None;
            }
            heredoc.content.strip_suffix('\n').map(str::to_string)
        }
        ShellOrExec::Exec(argv) => {
            let (text, prefix) = argv.split_last()?;
            (prefix == shell).then(|| text.clone())
        }
    }
}

fn check_command(command: &Command, form: &ShellOrExec, heredocs: &[import::Heredoc], shell: &[String]) -> Result<(), String> {
    match command {
        Command::Exec(argv) => {
            let want: Vec<String> = argv.iter().map(|a| a.as_str().to_string()).collect();
            if !heredocs.is_empty() || form != &ShellOrExec::Exec(want.clone()) {
                return Err(format!("exec form {want:?} came back as {form:?} {heredocs:?}"));
            }
        }
        Command::Shell(script) => {
            let want = script.shell_text();
            let got = shell_text(form, heredocs, shell);
            if got.as_deref() != Some(want.as_str()) {
                return Err(format!("shell text {want:?} came back as {form:?} {heredocs:?}"));
            }
        }
        other => return Err(format!("unknown command form {other:?}")),
    }
    Ok(())
}

fn expected_mount(mount: &Mount) -> Vec<(String, Option<String>)> {
    let mut fields: Vec<(String, Option<String>)> = Vec::new();
    let mut kv = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            fields.push((k.to_string(), Some(v)));
        }
    };
    let s = |v: &Option<FlagValue>| v.as_ref().map(|v| v.as_str().to_string());
    match mount {
        Mount::Bind { target, source, from, rw } => {
            kv("type", Some("bind".into()));
            kv("target", Some(target.to_string()));
            kv("source", s(source));
            kv("from", from.as_ref().map(|f| f.to_string()));
            if *rw {
                fields.push(("rw".into(), None));
            }
        }
        Mount::Cache { target, id, sharing, from, source, mode, uid, gid, readonly } => {
            kv("type", Some("cache".into()));
            kv("target", Some(target.to_string()));
            kv("id", s(id));
            kv("sharing", sharing.map(|s| s.as_str().to_string()));
            kv("from", from.as_ref().map(|f| f.to_string()));
            kv("source", s(source));
            kv("mode", mode.as_ref().map(|m| m.to_string()));
            kv("uid", uid.map(|n| n.to_string()));
            kv("gid", gid.map(|n| n.to_string()));
            if *readonly {
                fields.push(("ro".into(), None));
            }
        }
        Mount::Tmpfs { target, size } => {
            kv("type", Some("tmpfs".into()));
            kv("target", Some(target.to_string()));
            kv("size", size.map(|n| n.to_string()));
        }
        Mount::Secret { id, target, env, required, mode, uid, gid } => {
            kv("type", Some("secret".into()));
            kv("id", s(id));
            kv("target", s(target));
            kv("env", env.as_ref().map(|e| e.to_string()));
            kv("mode", mode.as_ref().map(|m| m.to_string()));
            kv("uid", uid.map(|n| n.to_string()));
            kv("gid", gid.map(|n| n.to_string()));
            if *required {
                fields.push(("required".into(), None));
            }
        }
        Mount::Ssh { id, target, required, mode, uid, gid } => {
            kv("type", Some("ssh".into()));
            kv("id", s(id));
            kv("target", s(target));
            kv("mode", mode.as_ref().map(|m| m.to_string()));
            kv("uid", uid.map(|n| n.to_string()));
            kv("gid", gid.map(|n| n.to_string()));
            if *required {
                fields.push(("required".into(), None));
            }
        }
        _ => unreachable!("every mount type is listed"),
    }
    fields
}

fn check_sources(sources: &[Source], dest: &str, got: &import::CopyAdd) -> Result<(), String> {
    if got.dest != dest {
        return Err(format!("destination {dest:?} came back as {:?}", got.dest));
    }
    match sources {
        [Source::Inline(content)] => {
            let [file] = got.heredoc_sources.as_slice() else {
                return Err(format!("inline file came back as {:?}", got.heredoc_sources));
            };
            if file.data != content.as_str() || file.expand || !got.sources.is_empty() {
                return Err(format!("inline content {:?} came back as {file:?}", content.as_str()));
            }
        }
        _ => {
            let want: Vec<&str> = sources
                .iter()
                .map(|s| match s {
                    Source::Path(p) => p.as_str(),
                    _ => unreachable!("inline sources are alone"),
                })
                .collect();
            if got.sources != want || !got.heredoc_sources.is_empty() {
                return Err(format!("sources {want:?} came back as {:?}", got.sources));
            }
        }
    }
    Ok(())
}

fn check_instruction(instruction: &Instruction, got: &Decoded, shell: &mut Vec<String>) -> Result<(), String> {
    let mismatch = || Err(format!("{instruction:?} came back as {got:?}"));
    match (instruction, got) {
        (Instruction::Run(run), Decoded::Run(d)) => {
            let mounts: Vec<_> = run.mounts.iter().map(expected_mount).collect();
            let got_mounts: Vec<_> = d.mounts.iter().map(|m| m.fields.clone()).collect();
            if mounts != got_mounts {
                return Err(format!("mounts {mounts:?} came back as {got_mounts:?}"));
            }
            if d.network != run.network.map_or("default", |n| n.as_str())
                || d.security != run.security.map_or("sandbox", |s| s.as_str())
            {
                return mismatch();
            }
            check_command(&run.command, &d.form, &d.heredocs, shell)
        }
        (Instruction::Copy(copy), Decoded::Copy(d)) => {
            let ok = d.from == copy.from.as_ref().map(|f| f.to_string())
                && d.chown == copy.chown.as_ref().map(|c| c.to_string())
                && d.chmod == copy.chmod.as_ref().map(|c| c.to_string())
                && d.link == copy.link
                && d.parents == copy.parents
                && d.excludes == copy.excludes.iter().map(|e| e.to_string()).collect::<Vec<_>>();
            if !ok {
                return mismatch();
            }
            check_sources(&copy.sources, copy.dest.as_str(), d)
        }
        (Instruction::Add(add), Decoded::Add(d)) => {
            let ok = d.chown == add.chown.as_ref().map(|c| c.to_string())
                && d.chmod == add.chmod.as_ref().map(|c| c.to_string())
                && d.link == add.link
                && d.checksum == add.checksum.as_ref().map(|c| c.to_string())
                && d.keep_git_dir.unwrap_or(false) == add.keep_git_dir
                && d.unpack == add.unpack;
            if !ok {
                return mismatch();
            }
            check_sources(&add.sources, add.dest.as_str(), d)
        }
        (Instruction::Env(env), Decoded::Env(pairs)) => {
            let want: Vec<(String, String)> = env.vars.iter().map(|(k, v)| (k.to_string(), resolve(v))).collect();
            if &want != pairs {
                return Err(format!("ENV {want:?} came back as {pairs:?}"));
            }
            Ok(())
        }
        (Instruction::Label(label), Decoded::Label(pairs)) => {
            let want: Vec<(String, String)> = label.labels.iter().map(|(k, v)| (k.to_string(), resolve(v))).collect();
            if &want != pairs {
                return Err(format!("LABEL {want:?} came back as {pairs:?}"));
            }
            Ok(())
        }
        (Instruction::Arg(arg), Decoded::Arg(pairs)) => {
            let want = vec![(arg.name.to_string(), arg.default.as_ref().map(resolve))];
            if &want != pairs {
                return Err(format!("ARG {want:?} came back as {pairs:?}"));
            }
            Ok(())
        }
        (Instruction::User(user), Decoded::User(got)) if got == user.user.as_str() => Ok(()),
        (Instruction::Workdir(workdir), Decoded::Workdir(got)) if *got == resolve(&workdir.path) => Ok(()),
        (Instruction::Expose(expose), Decoded::Expose(got)) => {
            let mut want: Vec<String> = expose.ports.iter().map(|p| p.to_string().trim_end_matches("/tcp").to_string()).collect();
            want.sort();
            let mut got = got.clone();
            got.sort();
            if want != got {
                return Err(format!("EXPOSE {want:?} came back as {got:?}"));
            }
            Ok(())
        }
        (Instruction::Volume(volume), Decoded::Volume(got)) => {
            let want: Vec<String> = volume.paths.iter().map(|p| p.to_string()).collect();
            if &want != got {
                return Err(format!("VOLUME {want:?} came back as {got:?}"));
            }
            Ok(())
        }
        (Instruction::Healthcheck(Healthcheck::None), Decoded::Healthcheck(import::Healthcheck::None)) => Ok(()),
        (
            Instruction::Healthcheck(Healthcheck::Check { options, command }),
            Decoded::Healthcheck(import::Healthcheck::Cmd { test, interval, timeout, start_period, start_interval, retries, .. }),
        ) => {
            let d = |o: Option<Duration>| o.map_or(std::time::Duration::ZERO, |d| d.get());
            let ok = *interval == d(options.interval)
                && *timeout == d(options.timeout)
                && *start_period == d(options.start_period)
                && *start_interval == d(options.start_interval)
                && *retries == options.retries.unwrap_or(0);
            if !ok {
                return mismatch();
            }
            check_command(command, test, &[], shell)
        }
        (Instruction::Cmd(cmd), Decoded::Cmd(form)) => check_command(&cmd.command, form, &[], shell),
        (Instruction::Entrypoint(e), Decoded::Entrypoint(form)) => check_command(&e.command, form, &[], shell),
        (Instruction::Shell(s), Decoded::Shell(argv)) => {
            let want: Vec<String> = s.argv.iter().map(|a| a.to_string()).collect();
            if &want != argv {
                return Err(format!("SHELL {want:?} came back as {argv:?}"));
            }
            *shell = want;
            Ok(())
        }
        (Instruction::StopSignal(s), Decoded::StopSignal(got)) if got == s.signal.as_str() => Ok(()),
        (Instruction::OnBuild(onbuild), Decoded::OnBuild(trigger)) => {
            let mut trigger_shell = shell.clone();
            check_instruction(&onbuild.trigger, trigger, &mut trigger_shell)
        }
        _ => mismatch(),
    }
}

fn roundtrip(dockerfile: &Dockerfile) -> Result<(), String> {
    let text = dockwright::emit(dockerfile);
    let parsed = import::parse(&text);
    if !parsed.errors.is_empty() || !parsed.warnings.is_empty() {
        return Err(format!("parse errors {:?} warnings {:?} in\n{text}", parsed.errors, parsed.warnings));
    }
    let escape = dockerfile.directives.escape.char();
    if parsed.ast.directives.escape != escape || parsed.ast.directives.syntax.is_some() {
        return Err(format!("directives came back as {:?}", parsed.ast.directives));
    }
    let mut nodes = parsed.ast.nodes.iter();
    let mut decode_next = |what: &str| -> Result<Decoded, String> {
        let node = nodes.next().ok_or_else(|| format!("missing instruction for {what} in\n{text}"))?;
        import::decode(node, escape, &env).map_err(|e| format!("{what}: {e} in\n{text}"))
    };
    for arg in &dockerfile.args {
        let got = decode_next("global ARG")?;
        check_instruction(&Instruction::Arg(arg.clone()), &got, &mut Vec::new()).map_err(|e| format!("{e}\n{text}"))?;
    }
    let mut shells: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for stage in &dockerfile.stages {
        let Decoded::From { image, platform, name } = decode_next("FROM")? else {
            return Err(format!("expected FROM in\n{text}"));
        };
        let want_platform = stage.from.platform.as_ref().map(|p| match p {
            Platform::Var(name) => format!("<{name}>"),
            fixed => fixed.to_string(),
        });
        if image != stage.from.base.to_string() || platform != want_platform || name.as_deref() != stage.name() {
            return Err(format!("FROM {:?} came back as {image} {platform:?} {name:?}", stage.from));
        }
        let mut shell = match &stage.from.base {
            BaseImage::Stage(parent) => shells.get(parent.as_str()).cloned(),
            _ => None,
        }
        .unwrap_or_else(|| vec!["/bin/sh".to_string(), "-c".to_string()]);
        for instruction in &stage.instructions {
            if matches!(instruction, Instruction::Comment(_)) {
                continue;
            }
            let got = decode_next(instruction.keyword())?;
            check_instruction(instruction, &got, &mut shell).map_err(|e| format!("{e}\nin\n{text}"))?;
        }
        if let Some(name) = stage.name() {
            shells.insert(name.to_string(), shell);
        }
    }
    if let Some(extra) = nodes.next() {
        return Err(format!("an extra instruction {extra:?} in\n{text}"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, max_global_rejects: 100_000, ..ProptestConfig::default() })]

    #[test]
    fn emitted_text_means_the_model(dockerfile in dockerfile()) {
        prop_assume!(dockerfile.validate().is_ok());
        if let Err(message) = roundtrip(&dockerfile) {
            prop_assert!(false, "{}", message);
        }
    }

    #[test]
    fn emitting_is_deterministic_and_json_stable(dockerfile in dockerfile()) {
        let text = dockwright::emit(&dockerfile);
        prop_assert_eq!(&text, &dockwright::emit(&dockerfile.clone()));
        let json = serde_json::to_string(&dockerfile).unwrap();
        let back: Dockerfile = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &dockerfile);
        prop_assert_eq!(dockwright::emit(&back), text);
    }
}
