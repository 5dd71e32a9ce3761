//! The emitter never changes meaning: random models full of hostile strings (quotes, `$`, backslashes,
//! backticks, newlines where allowed, unicode spaces, `EOF` lines, `#`, `]`, `<<`) are emitted, parsed
//! and decoded by `dockwright::import` (a port of BuildKit's parser, shell lexer and instruction
//! decoder, checked against BuildKit's own test corpus), and every instruction and value must come back
//! exactly as described, under both escape characters.

#[path = "support/strategies.rs"]
mod strategies;

use dockwright::import::{self, Command as Decoded, ShellOrExec};
use dockwright::model::{BaseImage, Command, Dockerfile, Healthcheck, Instruction, Mount, Source};
use dockwright::{Duration, FlagValue, Platform, Value};
use proptest::prelude::*;
use strategies::dockerfile;

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
/// `None` when the shell would not get exactly one text.
fn shell_text(form: &ShellOrExec, heredocs: &[import::Heredoc], shell: &[String]) -> Option<String> {
    match form {
        ShellOrExec::Shell(text) if heredocs.is_empty() => Some(text.clone()),
        ShellOrExec::Shell(text) => {
            let [heredoc] = heredocs else { return None };
            if text != &format!("<<{}", heredoc.name) || heredoc.content.starts_with("#!") {
                return None;
            }
            // The shell gets the body with its final newline: that is the text only when the text does
            // not end with a backslash, which the shell would join to the newline.
            heredoc.content.strip_suffix('\n').filter(|text| !text.ends_with('\\')).map(str::to_string)
        }
        ShellOrExec::Exec(argv) => {
            let (text, prefix) = argv.split_last()?;
            (prefix == shell).then(|| text.clone())
        }
        _ => None,
    }
}

fn check_command(
    command: &Command,
    form: &ShellOrExec,
    heredocs: &[import::Heredoc],
    shell: &[String],
) -> Result<(), String> {
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
            let mut want: Vec<String> =
                expose.ports.iter().map(|p| p.to_string().trim_end_matches("/tcp").to_string()).collect();
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
            Decoded::Healthcheck(import::Healthcheck::Cmd {
                test,
                interval,
                timeout,
                start_period,
                start_interval,
                retries,
                ..
            }),
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
    if parsed.ast.directives.escape != escape
        || parsed.ast.directives.syntax.is_some()
        || parsed.ast.directives.check.as_deref() != dockerfile.directives.check.as_ref().map(|c| c.as_str())
    {
        return Err(format!("directives came back as {:?}", parsed.ast.directives));
    }
    let mut nodes = parsed.ast.nodes.iter();
    let mut decode_next = |what: &str, env: &dyn Fn(&str) -> Option<String>| -> Result<Decoded, String> {
        let node = nodes.next().ok_or_else(|| format!("missing instruction for {what} in\n{text}"))?;
        import::decode(node, escape, env).map_err(|e| format!("{what}: {e} in\n{text}"))
    };
    // What BuildKit expands FROM lines with: the global ARGs as declared (a later one replaces an earlier
    // one; no default is empty), then its own platform ARGs (`<NAME>` here).
    let mut globals: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for arg in &dockerfile.args {
        let got = decode_next("global ARG", &env)?;
        check_instruction(&Instruction::Arg(arg.clone()), &got, &mut Vec::new()).map_err(|e| format!("{e}\n{text}"))?;
        if let Decoded::Arg(pairs) = &got {
            for (key, value) in pairs {
                globals.insert(key.clone(), value.clone().unwrap_or_default());
            }
        }
    }
    let from_env = |name: &str| globals.get(name).cloned().or_else(|| env(name));
    let mut shells: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for stage in &dockerfile.stages {
        let Decoded::From { image, platform, name } = decode_next("FROM", &from_env)? else {
            return Err(format!("expected FROM in\n{text}"));
        };
        let want_platform = stage.from.platform.as_ref().map(|p| match p {
            Platform::Var(name) => format!("<{name}>"),
            fixed => fixed.to_string(),
        });
        // A templated image comes back as the image its global ARG defaults give.
        let want_image = match dockerfile.base_image(&stage.from.base) {
            Some(resolved) => resolved.map_err(|e| e.to_string())?.to_string(),
            None => stage.from.base.to_string(),
        };
        if image != want_image || platform != want_platform || name.as_deref() != stage.name() {
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
            let got = decode_next(instruction.keyword(), &env)?;
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

/// The cases that once changed meaning or failed to build, each through the DSL: comments shaped like
/// directives, shell text ending in a backslash, and values too long for one line.
#[test]
fn known_hostile_cases_mean_what_they_say() {
    use dockwright::model::Escape;
    use dockwright::{Base, Image, Run, Stage};

    let long_dollars = "$".repeat(33_000);
    let backslashes = "\\".repeat(40_000);
    let long_arg = "a b#\\".repeat(9_000);
    let controls = "\u{1}".repeat(12_000);
    let cases: Vec<(&str, Image)> = vec![
        ("a file comment 'escape= '", Image::new().comment("escape= ")),
        ("a file comment 'escape=\\t'", Image::new().comment("escape=\t")),
        ("a file comment 'escape =\\u{3000}'", Image::new().comment("escape =\u{3000}")),
        ("a file comment with a vertical tab", Image::new().comment("escape=\u{b}")),
        ("a file comment with U+00A0", Image::new().comment("\u{a0}escape=\u{a0}")),
        ("a file comment 'syntax=...'", Image::new().comment("syntax=evil.example/frontend")),
        ("a file comment 'check=...'", Image::new().comment("check=skip=all")),
        ("a first stage's doc 'escape=\\t'", Image::new()),
    ];
    let stage = |image: Image, name: &str, first_doc: bool| {
        let mut image = image;
        let base = Stage::new("app", Base::debian("bookworm-slim"));
        let base = if first_doc { base.doc("escape=\t") } else { base };
        let stage = match name {
            "run" => base.run(Run::sh("printf '%s' a > /val \\")),
            "env" => base.env("D", long_dollars.as_str()).env("C", controls.as_str()),
            "label" => base.label("k", backslashes.as_str()),
            "cmd" => base.cmd([long_arg.as_str(), long_arg.as_str()]),
            "volume" => base.volume(&format!("/{long_dollars}")),
            "entrypoint" => base.entrypoint(long_arg.as_str()),
            "arg" => base.arg_default("A", &"# ".repeat(35_000)),
            _ => base,
        };
        image.stage(stage);
        image
    };
    let mut all: Vec<(String, Image)> = Vec::new();
    for (index, (what, image)) in cases.into_iter().enumerate() {
        all.push((what.to_string(), stage(image, "", index == 7)));
    }
    for name in ["run", "env", "label", "cmd", "volume", "entrypoint", "arg"] {
        for escape in [Escape::Backslash, Escape::Backtick] {
            all.push((format!("{name} with escape {escape:?}"), stage(Image::new().escape(escape), name, false)));
        }
    }
    for (what, image) in all {
        let model = image.to_model().unwrap_or_else(|e| panic!("{what}: {e}"));
        let text = dockwright::emit(&model);
        assert!(text.lines().all(|line| line.len() <= 65_535), "{what}: a line is too long");
        if let Err(message) = roundtrip(&model) {
            panic!("{what}: {message}");
        }
    }
}
