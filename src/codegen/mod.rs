//! Dockerfile -> Rust: dockwright code that rebuilds a model, usually one from
//! [`import::lower`](fn@crate::import::lower).
//!
//! [`to_rust`] writes the DSL where the DSL reproduces the model exactly, and the model's own types
//! where it cannot. Every DSL call it writes has been made here first, on a mirror [`Image`]: a call is
//! kept only when the stage it gives has exactly the model's instructions so far (an intent helper
//! such as [`Stage::install`] or [`Stage::non_root_user`] is recognised this way, never by reading the
//! text alone), and the whole mirror image must give back the model. When it does not (a stage without
//! a name, a model the DSL's checks reject), the code is the model as one struct literal.

mod literal;

use std::collections::{BTreeSet, HashMap};

use crate::base::{Base, OsFamily};
use crate::dsl::{Image, Stage, StageBase, StageHandle};
use crate::model::{BaseImage, Command, Dockerfile, Escape, Instruction, ShellScript, Value};

use literal::lit;

/// Rust source for `dockerfile`: a function `pub fn dockerfile() -> Result<dockwright::model::Dockerfile,
/// dockwright::Errors>` that returns a model equal to `dockerfile`, and, when the DSL can say it, a
/// function `pub fn image() -> Result<dockwright::Image, dockwright::Error>` it is built from.
/// Deterministic, never panics; the text is valid Rust for any model.
///
/// ```
/// use dockwright::codegen::to_rust;
/// use dockwright::import::{lower, parse};
///
/// let text = "FROM python:3.12-slim AS app\n\
///             RUN apt-get update \\\n \
///              && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \\\n \
///              && rm -rf /var/lib/apt/lists/*\n\
///             ENV PORT=8000\n\
///             CMD [\"python\", \"app.py\"]\n";
/// let model = lower(&parse(text)).dockerfile;
/// assert_eq!(
///     to_rust(&model),
///     r#"use dockwright::{Base, Image, Stage};
///
/// pub fn image() -> Result<dockwright::Image, dockwright::Error> {
///     let mut image = Image::new();
///     image.stage(
///         Stage::new("app", Base::python("3.12").slim())
///             .install(["curl"])
///             .env("PORT", "8000")
///             .cmd(["python", "app.py"]),
///     );
///     Ok(image)
/// }
///
/// pub fn dockerfile() -> Result<dockwright::model::Dockerfile, dockwright::Errors> {
///     image()?.to_model()
/// }
/// "#
/// );
///
/// // A stage without a name is written with `Stage::unnamed`.
/// let unnamed = lower(&parse("FROM alpine:3.19\nRUN echo hi\n")).dockerfile;
/// assert!(to_rust(&unnamed).contains("    image.stage(\n        Stage::unnamed(Base::alpine(\"3.19\"))\n            .run(\"echo hi\"),\n    );\n"));
///
/// // What the DSL refuses (here a probe the stage has no tool for) is written with the model's types.
/// let refused = lower(&parse("FROM python:3.12-slim\nHEALTHCHECK CMD curl -f http://localhost/\n")).dockerfile;
/// let code = to_rust(&refused);
/// assert!(code.starts_with("use dockwright::model;\n\npub fn dockerfile()"));
/// assert!(code.contains("model::Text::new(\"curl -f http://localhost/\")?"));
/// ```
pub fn to_rust(dockerfile: &Dockerfile) -> String {
    dsl_code(dockerfile, true).or_else(|| dsl_code(dockerfile, false)).unwrap_or_else(|| model_code(dockerfile))
}

fn model_code(dockerfile: &Dockerfile) -> String {
    format!(
        "use dockwright::model;\n\npub fn dockerfile() -> Result<dockwright::model::Dockerfile, dockwright::Errors> {{\n    build().map_err(dockwright::Errors::from)\n}}\n\nfn build() -> Result<dockwright::model::Dockerfile, dockwright::Error> {{\n{}}}\n",
        literal::dockerfile(dockerfile)
    )
}

/// One candidate DSL call: its Rust text (a method call starting with `.`) and the same call made here.
struct Call {
    rust: String,
    apply: Box<dyn Fn(Stage) -> Stage>,
}

fn call(rust: String, apply: impl Fn(Stage) -> Stage + 'static) -> Call {
    Call { rust, apply: Box::new(apply) }
}

struct StageCode {
    constructor: String,
    calls: Vec<String>,
}

fn dsl_code(dockerfile: &Dockerfile, helpers: bool) -> Option<String> {
    let mut image = Image::new();
    let mut head = String::from("Image::new()");
    let directives = &dockerfile.directives;
    if let Some(syntax) = &directives.syntax {
        let text = syntax.to_string();
        image = image.syntax(&text);
        head.push_str(&format!(".syntax({})", lit(&text)));
    }
    if directives.escape == Escape::Backtick {
        image = image.escape(Escape::Backtick);
        head.push_str(".escape(model::Escape::Backtick)");
    }
    if let Some(check) = &directives.check {
        image = image.check(check.as_str());
        head.push_str(&format!(".check({})", lit(check.as_str())));
    }
    if let Some(comment) = &dockerfile.comment {
        image = image.comment(comment.as_str());
        head.push_str(&format!(".comment({})", lit(comment.as_str())));
    }
    for arg in &dockerfile.args {
        let default = match &arg.default {
            None => None,
            Some(value) => {
                Some(value.as_literal().filter(|t| Value::literal(t.as_str()).ok().as_ref() == Some(value))?)
            }
        };
        image = image.arg(arg.name.as_str(), default.as_deref());
        head.push_str(&format!(
            ".arg({}, {})",
            lit(arg.name.as_str()),
            match &default {
                Some(text) => format!("Some({})", lit(text)),
                None => "None".to_string(),
            }
        ));
    }

    let mut handles: HashMap<String, (usize, StageHandle)> = HashMap::new();
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let mut stages = Vec::new();
    for (index, model_stage) in dockerfile.stages.iter().enumerate() {
        let name = model_stage.name();
        let (base_rust, base) = match &model_stage.from.base {
            BaseImage::Stage(parent) => {
                let (parent_index, handle) = handles.get(parent.as_str())?;
                used.insert(*parent_index);
                (format!("&stage{parent_index}"), StageBase::Stage(handle.clone()))
            }
            base => {
                let (rust, base) =
                    base_candidates(base).into_iter().find(|(_, b)| b.model_base().ok() == Some(base.clone()))?;
                (rust, StageBase::Image(base))
            }
        };
        let (mut stage, mut constructor) = match name {
            Some(name) => (Stage::new(name, base), format!("Stage::new({}, {base_rust})", lit(name))),
            None => (Stage::unnamed(base), format!("Stage::unnamed({base_rust})")),
        };
        if let Some(platform) = &model_stage.from.platform {
            let text = platform.to_string();
            stage = stage.platform(&text);
            constructor.push_str(&format!("\n            .platform({})", lit(&text)));
        }
        if let Some(doc) = &model_stage.comment {
            stage = stage.doc(doc.as_str());
            constructor.push_str(&format!("\n            .doc({})", lit(doc.as_str())));
        }
        let target = &model_stage.instructions;
        let mut calls = Vec::new();
        let mut done = 0;
        while done < target.len() {
            let candidates = candidates(&stage, &target[done], target.get(done + 1), &handles, helpers);
            let mut chosen = None;
            for candidate in candidates {
                let next = (candidate.call.apply)(stage.clone());
                let Some(model) = next.to_model() else { continue };
                let grew = model.instructions.len() > done && model.instructions.len() <= target.len();
                if grew
                    && next.problems.len() == stage.problems.len()
                    && model.instructions[..] == target[..model.instructions.len()]
                {
                    chosen = Some((candidate, next, model.instructions.len()));
                    break;
                }
            }
            let (candidate, next, len) = chosen?;
            used.extend(candidate.uses);
            calls.push(candidate.call.rust);
            stage = next;
            done = len;
        }
        let handle = image.stage(stage);
        if let Some(name) = name {
            handles.insert(name.to_string(), (index, handle));
        }
        stages.push(StageCode { constructor, calls });
    }
    if image.to_model().ok().as_ref() != Some(dockerfile) {
        return None;
    }

    let mut body = format!("    let mut image = {head};\n");
    for (index, stage) in stages.iter().enumerate() {
        let binding = if used.contains(&index) { format!("let stage{index} = ") } else { String::new() };
        body.push_str(&format!("    {binding}image.stage(\n        {}", stage.constructor));
        for call in &stage.calls {
            body.push_str("\n            ");
            body.push_str(call);
        }
        body.push_str(",\n    );\n");
    }
    body.push_str("    Ok(image)\n");
    let mut uses: Vec<&str> = ["Base", "Copy", "Health", "Image", "OsFamily", "Run", "Stage", "Value"]
        .into_iter()
        .filter(|name| *name == "Image" || body.contains(&format!("{name}::")))
        .collect();
    uses.sort_unstable();
    let mut header = format!("use dockwright::{{{}}};\n", uses.join(", "));
    if body.contains("model::") {
        header = format!("use dockwright::model;\n{header}");
    }
    Some(format!(
        "{header}\npub fn image() -> Result<dockwright::Image, dockwright::Error> {{\n{body}}}\n\npub fn dockerfile() -> Result<dockwright::model::Dockerfile, dockwright::Errors> {{\n    image()?.to_model()\n}}\n"
    ))
}

/// Ways to write a base image, most specific first: presets, then `Base::image` with a family guessed
/// from the name. Each is checked against the model's base by the caller.
fn base_candidates(base: &BaseImage) -> Vec<(String, Base)> {
    let text = base.to_string();
    let mut out = Vec::new();
    if let BaseImage::Image(image) = base {
        out.extend(Base::preset_calls(image));
        if image.is_scratch() {
            out.push(("Base::scratch()".to_string(), Base::scratch()));
        }
    }
    let family = if text.contains("alpine") { OsFamily::Alpine } else { OsFamily::Debian };
    let family_name = if family == OsFamily::Alpine { "Alpine" } else { "Debian" };
    out.push((format!("Base::image({}, OsFamily::{family_name})", lit(&text)), Base::image(&text, family)));
    out
}

struct Candidate {
    call: Call,
    uses: Vec<usize>,
}

fn plain(call: Call) -> Candidate {
    Candidate { call, uses: Vec::new() }
}

fn strs(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    format!("[{}]", items.into_iter().map(|s| lit(s.as_ref())).collect::<Vec<_>>().join(", "))
}

/// A `RUN` mount as the DSL's `Run` builder writes it: a named setter where the setter makes exactly
/// this mount, else `.mount(..)` with the model's value.
enum MountCall {
    Cache(String),
    CacheLocked(String),
    Secret(String),
    SecretEnv(String, String),
    /// The stage's index and handle, the source and the target.
    BindFrom(usize, StageHandle, String, String),
    Other(crate::model::Mount),
}

impl MountCall {
    fn of(mount: &crate::model::Mount, handles: &HashMap<String, (usize, StageHandle)>) -> Self {
        use crate::model::{FlagValue, FromSource, Mount, Sharing};
        let text = |value: &FlagValue| value.as_str().to_string();
        let call = match mount {
            Mount::Cache { target, sharing: None, .. } => MountCall::Cache(text(target)),
            Mount::Cache { target, sharing: Some(Sharing::Locked), .. } => MountCall::CacheLocked(text(target)),
            Mount::Secret { id: Some(id), env: None, .. } => MountCall::Secret(text(id)),
            Mount::Secret { id: Some(id), env: Some(env), .. } => {
                MountCall::SecretEnv(text(id), env.as_str().to_string())
            }
            Mount::Bind { target, source: Some(source), from: Some(FromSource::Stage(name)), rw: false } => {
                match handles.get(name.as_str()) {
                    Some((index, handle)) => MountCall::BindFrom(*index, handle.clone(), text(source), text(target)),
                    None => MountCall::Other(mount.clone()),
                }
            }
            other => MountCall::Other(other.clone()),
        };
        // A setter is written only where it makes exactly this mount (every other field at its default).
        let made = call.apply(crate::dsl::Run::sh("true")).mounts;
        if made.as_slice() == std::slice::from_ref(mount) { call } else { MountCall::Other(mount.clone()) }
    }

    fn rust(&self) -> String {
        match self {
            MountCall::Cache(target) => format!(".cache({})", lit(target)),
            MountCall::CacheLocked(target) => format!(".cache_locked({})", lit(target)),
            MountCall::Secret(id) => format!(".secret({})", lit(id)),
            MountCall::SecretEnv(id, env) => format!(".secret_env({}, {})", lit(id), lit(env)),
            MountCall::BindFrom(index, _, source, target) => {
                format!(".bind_from(&stage{index}, {}, {})", lit(source), lit(target))
            }
            MountCall::Other(mount) => format!(".mount({})", literal::mount(mount)),
        }
    }

    fn apply(&self, run: crate::dsl::Run) -> crate::dsl::Run {
        match self {
            MountCall::Cache(target) => run.cache(target),
            MountCall::CacheLocked(target) => run.cache_locked(target),
            MountCall::Secret(id) => run.secret(id),
            MountCall::SecretEnv(id, env) => run.secret_env(id, env),
            MountCall::BindFrom(_, handle, source, target) => run.bind_from(handle, source, target),
            MountCall::Other(mount) => run.mount(mount.clone()),
        }
    }
}

/// The calls that may write `instruction` (with `next` after it), best first; the last always is
/// `.instruction(...)`, which writes exactly the model instruction.
fn candidates(
    stage: &Stage,
    instruction: &Instruction,
    next: Option<&Instruction>,
    handles: &HashMap<String, (usize, StageHandle)>,
    helpers: bool,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    if helpers {
        helper_candidates(stage, instruction, next, &mut out);
    }
    typed_candidates(instruction, handles, &mut out);
    builder_candidates(instruction, handles, &mut out);
    let exact = instruction.clone();
    out.push(plain(call(format!(".instruction({})", literal::instruction(instruction)), move |s| {
        s.instruction(exact.clone())
    })));
    out
}

fn helper_candidates(stage: &Stage, instruction: &Instruction, next: Option<&Instruction>, out: &mut Vec<Candidate>) {
    if let Instruction::Healthcheck(crate::model::Healthcheck::Check { command, .. }) = instruction {
        if let Some((port, path)) = probed_url(command) {
            let rust = format!(".healthcheck_http({port}, {})?", lit(&path));
            out.push(plain(call(rust, move |s| s.clone().healthcheck_http(port, &path).unwrap_or(s))));
        }
        return;
    }
    let Instruction::Run(run) = instruction else {
        // `install` and `non_root_user` start with `USER 0` when the stage runs as another user.
        if let (Instruction::User(user), Some(Instruction::Run(run))) = (instruction, next) {
            if user.user.is_root() && run.mounts.is_empty() {
                helper_calls(stage, run, out);
            }
        }
        return;
    };
    if !run.mounts.is_empty() || run.network.is_some() || run.security.is_some() {
        return;
    }
    helper_calls(stage, run, out);
}

/// The port and path a healthcheck probes on `127.0.0.1`, as `healthcheck_http` writes its probes.
fn probed_url(command: &Command) -> Option<(u16, String)> {
    let words: Vec<&str> = match command {
        Command::Exec(argv) => argv.iter().map(|t| t.as_str()).collect(),
        Command::Shell(script) => {
            return probed_url(&Command::Exec(vec![crate::model::Text::new(script.shell_text()).ok()?]));
        }
    };
    words.iter().find_map(|word| {
        let rest = &word[word.find("http://127.0.0.1:")? + "http://127.0.0.1:".len()..];
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let port = rest[..digits].parse().ok()?;
        let path = &rest[digits..];
        let end = path.find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | ',' | ')')).unwrap_or(path.len());
        Some((port, path[..end].to_string()))
    })
}

/// The `install` and `non_root_user` calls that may have written `run`, read from its commands as
/// analysis reads them (its package-manager installs; `useradd`/`adduser` with a uid; a passwd line
/// appended to `/etc/passwd`). Each is a candidate: it is kept only if it writes the same instruction.
fn helper_calls(stage: &Stage, run: &crate::model::Run, out: &mut Vec<Candidate>) {
    // Where the RUN is does not change what its commands are.
    let location = crate::analysis::Location { stage: 0, instruction: 0 };
    let (script, installs) = crate::analysis::script_and_installs(run, location, "/", &mut Default::default());
    if stage.base().package_manager().is_some() {
        for install in installs.iter().filter(|install| install.action == crate::analysis::PackageAction::Install) {
            let packages: Vec<String> = install.packages.iter().map(ToString::to_string).collect();
            if !packages.is_empty() {
                let rust = format!(".install({})", strs(&packages));
                out.push(plain(call(rust, move |s| s.install(&packages))));
            }
        }
    }
    let mut users: BTreeSet<(String, u32)> = BTreeSet::new();
    for command in script.commands() {
        let words: Vec<&str> = command.invoked().iter().map(|w| w.text.as_str()).collect();
        let Some((&program, args)) = words.split_first() else { continue };
        match program.rsplit('/').next().unwrap_or(program) {
            "useradd" | "adduser" => {
                let mut uid = None;
                let mut iter = args.iter();
                while let Some(&arg) = iter.next() {
                    match arg {
                        "-u" | "--uid" => uid = iter.next().and_then(|n| n.parse().ok()),
                        _ => {
                            if let Some(n) = arg.strip_prefix("--uid=") {
                                uid = n.parse().ok();
                            }
                        }
                    }
                }
                if let (Some(uid), Some(name)) = (uid, args.last().filter(|a| !a.starts_with('-'))) {
                    users.insert((name.to_string(), uid));
                }
            }
            "echo" | "printf" if command.redirections.iter().any(|r| r.target.text == "/etc/passwd") => {
                for line in args {
                    let fields: Vec<&str> = line.split(':').collect();
                    if let [name, _, uid, ..] = fields[..] {
                        if let Ok(uid) = uid.parse() {
                            users.insert((name.to_string(), uid));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for (name, uid) in users {
        let rust = format!(".non_root_user({}, {uid})", lit(&name));
        out.push(plain(call(rust, move |s| s.non_root_user(&name, uid))));
    }
}

fn typed_candidates(
    instruction: &Instruction,
    handles: &HashMap<String, (usize, StageHandle)>,
    out: &mut Vec<Candidate>,
) {
    match instruction {
        Instruction::Run(run) if run.mounts.is_empty() && run.network.is_none() && run.security.is_none() => {
            match &run.command {
                Command::Shell(ShellScript::Text(text)) => {
                    let text = text.as_str().to_string();
                    out.push(plain(call(format!(".run({})", lit(&text)), move |s| s.run(text.as_str()))));
                }
                Command::Shell(ShellScript::Steps(steps)) => {
                    let steps: Vec<String> = steps.iter().map(|t| t.as_str().to_string()).collect();
                    out.push(plain(call(format!(".run(Run::steps({}))", strs(&steps)), move |s| {
                        s.run(crate::dsl::Run::steps(steps.clone()))
                    })));
                }
                Command::Shell(ShellScript::Script(lines)) => {
                    let lines: Vec<String> = lines.iter().map(|t| t.as_str().to_string()).collect();
                    out.push(plain(call(format!(".run(Run::script({}))", strs(&lines)), move |s| {
                        s.run(crate::dsl::Run::script(lines.clone()))
                    })));
                }
                Command::Exec(argv) => {
                    let argv: Vec<String> = argv.iter().map(|t| t.as_str().to_string()).collect();
                    out.push(plain(call(format!(".run(Run::exec({}))", strs(&argv)), move |s| {
                        s.run(crate::dsl::Run::exec(argv.clone()))
                    })));
                }
            }
        }
        Instruction::Copy(copy)
            if copy.chown.is_none()
                && copy.chmod.is_none()
                && !copy.link
                && !copy.parents
                && copy.excludes.is_empty()
                && copy.sources.iter().all(|s| matches!(s, crate::model::Source::Path(_))) =>
        {
            let sources: Vec<String> = copy
                .sources
                .iter()
                .filter_map(|s| match s {
                    crate::model::Source::Path(p) => Some(p.as_str().to_string()),
                    _ => None,
                })
                .collect();
            let dest = copy.dest.as_str().to_string();
            match &copy.from {
                None => {
                    let rust = format!(".copy({}, {})", strs(&sources), lit(&dest));
                    out.push(plain(call(rust, move |s| s.copy(sources.clone(), &dest))));
                }
                Some(crate::model::FromSource::Stage(name)) => {
                    if let Some((index, handle)) = handles.get(name.as_str()) {
                        let handle = handle.clone();
                        let rust = format!(".copy_from(&stage{index}, {}, {})", strs(&sources), lit(&dest));
                        out.push(Candidate {
                            call: call(rust, move |s| s.copy_from(&handle, sources.clone(), &dest)),
                            uses: vec![*index],
                        });
                    }
                }
                Some(_) => {}
            }
        }
        Instruction::Env(env) => {
            let mut rust = String::new();
            let mut pairs = Vec::new();
            for (key, value) in &env.vars {
                rust.push_str(&format!(
                    "{}.env({}, {})",
                    if rust.is_empty() { "" } else { "\n            " },
                    lit(key.as_str()),
                    value_arg(value)
                ));
                pairs.push((key.as_str().to_string(), value.clone()));
            }
            out.push(plain(call(rust, move |s| pairs.iter().fold(s, |s, (k, v)| s.env(k, v.clone())))));
        }
        Instruction::Label(label) => {
            let mut rust = String::new();
            let mut pairs = Vec::new();
            for (key, value) in &label.labels {
                rust.push_str(&format!(
                    "{}.label({}, {})",
                    if rust.is_empty() { "" } else { "\n            " },
                    lit(key.as_str()),
                    value_arg(value)
                ));
                pairs.push((key.as_str().to_string(), value.clone()));
            }
            out.push(plain(call(rust, move |s| pairs.iter().fold(s, |s, (k, v)| s.label(k, v.clone())))));
        }
        Instruction::Arg(arg) => {
            let name = arg.name.as_str().to_string();
            match arg
                .default
                .as_ref()
                .map(|d| d.as_literal().filter(|t| Value::literal(t.as_str()).ok().as_ref() == Some(d)))
            {
                None => out.push(plain(call(format!(".arg({})", lit(&name)), move |s| s.arg(&name)))),
                Some(Some(default)) => {
                    let rust = format!(".arg_default({}, {})", lit(&name), lit(&default));
                    out.push(plain(call(rust, move |s| s.arg_default(&name, &default))));
                }
                Some(None) => {}
            }
        }
        Instruction::User(user) => {
            let user = user.user.as_str().to_string();
            out.push(plain(call(format!(".user({})", lit(&user)), move |s| s.user(&user))));
        }
        Instruction::Workdir(workdir) => {
            let path = workdir.path.clone();
            out.push(plain(call(format!(".workdir({})", value_arg(&path)), move |s| s.workdir(path.clone()))));
        }
        Instruction::Expose(expose) => {
            let ports: Vec<String> = expose.ports.iter().map(|p| p.to_string()).collect();
            out.push(plain(call(format!(".expose_ports(&{})", strs(&ports)), move |s| {
                s.expose_ports(&ports.iter().map(String::as_str).collect::<Vec<_>>())
            })));
        }
        Instruction::Volume(volume) => {
            let paths: Vec<String> = volume.paths.iter().map(|p| p.as_str().to_string()).collect();
            out.push(plain(call(format!(".volumes(&{})", strs(&paths)), move |s| {
                s.volumes(&paths.iter().map(String::as_str).collect::<Vec<_>>())
            })));
        }
        Instruction::Cmd(cmd) => command_candidate("cmd", &cmd.command, out),
        Instruction::Entrypoint(entrypoint) => command_candidate("entrypoint", &entrypoint.command, out),
        Instruction::Shell(shell) => {
            let argv: Vec<String> = shell.argv.iter().map(|t| t.as_str().to_string()).collect();
            out.push(plain(call(format!(".shell({})", strs(&argv)), move |s| s.shell(argv.clone()))));
        }
        Instruction::StopSignal(signal) => {
            let signal = signal.signal.as_str().to_string();
            out.push(plain(call(format!(".stop_signal({})", lit(&signal)), move |s| s.stop_signal(&signal))));
        }
        Instruction::Comment(comment) => {
            let text = comment.text.as_str().to_string();
            out.push(plain(call(format!(".comment({})", lit(&text)), move |s| s.comment(&text))));
        }
        Instruction::Raw(raw) => {
            let (keyword, args) = (raw.keyword.as_str().to_string(), raw.args.as_str().to_string());
            out.push(plain(call(format!(".raw({}, {})", lit(&keyword), lit(&args)), move |s| s.raw(&keyword, &args))));
        }
        _ => {}
    }
}

/// The DSL's builders for instructions with flags: `Copy::new(..).chown(..)`, `Run::sh(..).network_none()`,
/// `Health::new(..).interval(..)`. Each is a candidate like any other: kept only if it rebuilds the
/// exact instruction.
fn builder_candidates(
    instruction: &Instruction,
    handles: &HashMap<String, (usize, StageHandle)>,
    out: &mut Vec<Candidate>,
) {
    match instruction {
        Instruction::Copy(copy) => {
            let sources: Option<Vec<String>> = copy
                .sources
                .iter()
                .map(|s| match s {
                    crate::model::Source::Path(p) => Some(p.as_str().to_string()),
                    _ => None,
                })
                .collect();
            let Some(sources) = sources else { return };
            let dest = copy.dest.as_str().to_string();
            let mut rust = format!("Copy::new({}, {})", strs(&sources), lit(&dest));
            let mut uses = Vec::new();
            let (mut from_stage, mut from_image) = (None, None);
            match &copy.from {
                None => {}
                Some(crate::model::FromSource::Stage(name)) => {
                    let Some((index, handle)) = handles.get(name.as_str()) else { return };
                    rust.push_str(&format!(".from(&stage{index})"));
                    uses.push(*index);
                    from_stage = Some(handle.clone());
                }
                Some(crate::model::FromSource::Image(image)) => {
                    let image = image.to_string();
                    rust.push_str(&format!(".from_image({})", lit(&image)));
                    from_image = Some(image);
                }
            }
            let chown = copy.chown.as_ref().map(|c| c.to_string());
            let chmod = copy.chmod.as_ref().map(|c| c.to_string());
            let excludes: Vec<String> = copy.excludes.iter().map(|e| e.to_string()).collect();
            let (link, parents) = (copy.link, copy.parents);
            if let Some(chown) = &chown {
                rust.push_str(&format!(".chown({})", lit(chown)));
            }
            if let Some(chmod) = &chmod {
                rust.push_str(&format!(".chmod({})", lit(chmod)));
            }
            if link {
                rust.push_str(".link()");
            }
            if parents {
                rust.push_str(".parents()");
            }
            for exclude in &excludes {
                rust.push_str(&format!(".exclude({})", lit(exclude)));
            }
            let apply = move |s: Stage| {
                let mut builder = crate::dsl::Copy::new(sources.clone(), &dest);
                if let Some(handle) = &from_stage {
                    builder = builder.from(handle);
                }
                if let Some(image) = &from_image {
                    builder = builder.from_image(image);
                }
                if let Some(chown) = &chown {
                    builder = builder.chown(chown);
                }
                if let Some(chmod) = &chmod {
                    builder = builder.chmod(chmod);
                }
                if link {
                    builder = builder.link();
                }
                if parents {
                    builder = builder.parents();
                }
                for exclude in &excludes {
                    builder = builder.exclude(exclude);
                }
                s.copy_with(builder)
            };
            out.push(Candidate { call: call(format!(".copy_with({rust})"), apply), uses });
        }
        Instruction::Run(run) if !run.mounts.is_empty() || run.network.is_some() || run.security.is_some() => {
            let (constructor, words): (&'static str, Vec<String>) = match &run.command {
                Command::Shell(ShellScript::Text(text)) => ("sh", vec![text.as_str().to_string()]),
                Command::Shell(ShellScript::Steps(steps)) => {
                    ("steps", steps.iter().map(|t| t.as_str().to_string()).collect())
                }
                Command::Shell(ShellScript::Script(lines)) => {
                    ("script", lines.iter().map(|t| t.as_str().to_string()).collect())
                }
                Command::Exec(argv) => ("exec", argv.iter().map(|t| t.as_str().to_string()).collect()),
            };
            let mut rust = match constructor {
                "sh" => format!("Run::sh({})", lit(&words[0])),
                other => format!("Run::{other}({})", strs(&words)),
            };
            let mut uses = Vec::new();
            let mut mounts = Vec::new();
            for mount in &run.mounts {
                let call = MountCall::of(mount, handles);
                if let MountCall::BindFrom(index, ..) = &call {
                    uses.push(*index);
                }
                rust.push_str(&call.rust());
                mounts.push(call);
            }
            let (network, security) = (run.network, run.security);
            match network {
                Some(crate::model::Network::None) => rust.push_str(".network_none()"),
                Some(other) => rust.push_str(&format!(".network(model::Network::{other:?})")),
                None => {}
            }
            if let Some(security) = security {
                rust.push_str(&format!(".security(model::Security::{security:?})"));
            }
            let apply = move |s: Stage| {
                let mut builder = match constructor {
                    "sh" => crate::dsl::Run::sh(words[0].clone()),
                    "steps" => crate::dsl::Run::steps(words.clone()),
                    "script" => crate::dsl::Run::script(words.clone()),
                    _ => crate::dsl::Run::exec(words.clone()),
                };
                for mount in &mounts {
                    builder = mount.apply(builder);
                }
                if let Some(network) = network {
                    builder = builder.network(network);
                }
                if let Some(security) = security {
                    builder = builder.security(security);
                }
                s.run(builder)
            };
            out.push(Candidate { call: call(format!(".run({rust})"), apply), uses });
        }
        Instruction::Healthcheck(crate::model::Healthcheck::None) => {
            out.push(plain(call(".no_healthcheck()".to_string(), |s| s.no_healthcheck())));
        }
        Instruction::Healthcheck(crate::model::Healthcheck::Check { options, command }) => {
            let (argument, words, exec) = match command {
                Command::Exec(argv) => {
                    let argv: Vec<String> = argv.iter().map(|t| t.as_str().to_string()).collect();
                    (strs(&argv), argv, true)
                }
                Command::Shell(ShellScript::Text(text)) => (lit(text.as_str()), vec![text.as_str().to_string()], false),
                _ => return,
            };
            let durations: Vec<(&'static str, String)> = [
                ("interval", options.interval),
                ("timeout", options.timeout),
                ("start_period", options.start_period),
                ("start_interval", options.start_interval),
            ]
            .into_iter()
            .filter_map(|(name, value)| value.map(|d| (name, d.to_string())))
            .collect();
            let retries = options.retries;
            let mut rust = format!("Health::new({argument})");
            for (name, value) in &durations {
                rust.push_str(&format!(".{name}({})", lit(value)));
            }
            if let Some(retries) = retries {
                rust.push_str(&format!(".retries({retries})"));
            }
            let apply = move |s: Stage| {
                let mut health = if exec {
                    crate::dsl::Health::new(words.clone())
                } else {
                    crate::dsl::Health::new(words[0].clone())
                };
                for (name, value) in &durations {
                    health = match *name {
                        "interval" => health.interval(value),
                        "timeout" => health.timeout(value),
                        "start_period" => health.start_period(value),
                        _ => health.start_interval(value),
                    };
                }
                if let Some(retries) = retries {
                    health = health.retries(retries);
                }
                s.healthcheck(health)
            };
            out.push(plain(call(format!(".healthcheck({rust})"), apply)));
        }
        _ => {}
    }
}

fn command_candidate(method: &'static str, command: &Command, out: &mut Vec<Candidate>) {
    let apply = move |s: Stage, c: Vec<String>, exec: bool| match (method == "cmd", exec) {
        (true, true) => s.cmd(c),
        (false, true) => s.entrypoint(c),
        (true, false) => s.cmd(c.concat()),
        (false, false) => s.entrypoint(c.concat()),
    };
    let (rust, words, exec) = match command {
        Command::Exec(argv) => {
            let argv: Vec<String> = argv.iter().map(|t| t.as_str().to_string()).collect();
            (strs(&argv), argv, true)
        }
        Command::Shell(ShellScript::Text(text)) => (lit(text.as_str()), vec![text.as_str().to_string()], false),
        _ => return,
    };
    out.push(plain(call(format!(".{method}({rust})"), move |s| apply(s, words.clone(), exec))));
}

/// A DSL argument for a value: a string when it is literal, else `Value::template(...)`, else the
/// model's parts.
fn value_arg(value: &Value) -> String {
    if let Some(text) = value.as_literal() {
        if Value::literal(text.as_str()).ok().as_ref() == Some(value) {
            return lit(&text);
        }
    }
    let text = value.to_string();
    if Value::template(&text).ok().as_ref() == Some(value) {
        return format!("Value::template({})", lit(&text));
    }
    literal::value(value).trim_end_matches('?').to_string()
}
