//! Rust expressions that rebuild model values: every constructor that checks its input is called with
//! `?`, so the generated function returns `Result<_, dockwright::Error>`. Strings are written with
//! Rust's own string-literal encoder (`{:?}` on `str`), which is valid Rust for any text.

use crate::model::{
    Add, Arg, BaseImage, Command, Copy, Dockerfile, Duration, FromInstruction, FromSource, HealthOptions, Healthcheck,
    Instruction, Mount, Network, Part, Security, Sharing, ShellScript, Source, Stage, Value,
};

/// A Rust string literal for `text`.
pub(crate) fn lit(text: &str) -> String {
    format!("{text:?}")
}

fn opt<T>(value: &Option<T>, f: impl Fn(&T) -> String) -> String {
    match value {
        Some(value) => format!("Some({})", f(value)),
        None => "None".to_string(),
    }
}

fn vec_of<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    format!("vec![{}]", items.iter().map(f).collect::<Vec<_>>().join(", "))
}

/// `model::<ty>::new("text")?`.
fn checked(ty: &str, text: &str) -> String {
    format!("model::{ty}::new({})?", lit(text))
}

pub(crate) fn value(value: &Value) -> String {
    if let Some(text) = value.as_literal() {
        if Value::literal(text.as_str()).ok().as_ref() == Some(value) {
            return format!("model::Value::literal({})?", lit(&text));
        }
    }
    let text = value.to_string();
    if Value::template(&text).ok().as_ref() == Some(value) {
        return format!("model::Value::template({})?", lit(&text));
    }
    let parts = vec_of(value.parts(), |part| match part {
        Part::Literal(line) => format!("model::Part::Literal({})", checked("Line", line.as_str())),
        Part::Var(name) => format!("model::Part::Var({})", checked("VarName", name.as_str())),
    });
    format!("model::Value::from_parts({parts})")
}

fn duration(duration: &Duration) -> String {
    let d = duration.get();
    format!("model::Duration::new(std::time::Duration::new({}, {}))?", d.as_secs(), d.subsec_nanos())
}

fn base_image(base: &BaseImage) -> String {
    match base {
        BaseImage::Image(image) => {
            format!("model::BaseImage::Image(model::ImageRef::parse({})?)", lit(&image.to_string()))
        }
        BaseImage::Stage(name) => format!("model::BaseImage::Stage({})", checked("StageName", name.as_str())),
        BaseImage::Template(template) => {
            format!("model::BaseImage::Template(model::ImageTemplate::parse({})?)", lit(&template.to_string()))
        }
    }
}

fn from_source(from: &FromSource) -> String {
    match from {
        FromSource::Stage(name) => format!("model::FromSource::Stage({})", checked("StageName", name.as_str())),
        FromSource::Image(image) => {
            format!("model::FromSource::Image(model::ImageRef::parse({})?)", lit(&image.to_string()))
        }
    }
}

fn texts(items: &[crate::model::Text]) -> String {
    vec_of(items, |text| checked("Text", text.as_str()))
}

pub(crate) fn command(command: &Command) -> String {
    match command {
        Command::Shell(ShellScript::Text(text)) => {
            format!("model::Command::Shell(model::ShellScript::Text({}))", checked("Text", text.as_str()))
        }
        Command::Shell(ShellScript::Steps(steps)) => {
            format!("model::Command::Shell(model::ShellScript::Steps({}))", texts(steps))
        }
        Command::Shell(ShellScript::Script(lines)) => {
            format!("model::Command::Shell(model::ShellScript::Script({}))", texts(lines))
        }
        Command::Exec(argv) => format!("model::Command::Exec({})", texts(argv)),
    }
}

fn flag(value: &Option<crate::model::FlagValue>) -> String {
    opt(value, |v| checked("FlagValue", v.as_str()))
}

fn chmod(value: &Option<crate::model::Chmod>) -> String {
    opt(value, |v| checked("Chmod", v.as_str()))
}

fn num(value: &Option<impl std::fmt::Display>) -> String {
    opt(value, |v| v.to_string())
}

pub(super) fn mount(mount: &Mount) -> String {
    match mount {
        Mount::Bind { target, source, from, rw } => format!(
            "model::Mount::Bind {{ target: {}, source: {}, from: {}, rw: {rw} }}",
            checked("FlagValue", target.as_str()),
            flag(source),
            opt(from, from_source)
        ),
        Mount::Cache { target, id, sharing, from, source, mode, uid, gid, readonly } => format!(
            "model::Mount::Cache {{ target: {}, id: {}, sharing: {}, from: {}, source: {}, mode: {}, uid: {}, gid: {}, \
             readonly: {readonly} }}",
            checked("FlagValue", target.as_str()),
            flag(id),
            opt(sharing, |s| format!("model::Sharing::{}", sharing_name(*s))),
            opt(from, from_source),
            flag(source),
            chmod(mode),
            num(uid),
            num(gid)
        ),
        Mount::Tmpfs { target, size } => {
            format!("model::Mount::Tmpfs {{ target: {}, size: {} }}", checked("FlagValue", target.as_str()), num(size))
        }
        Mount::Secret { id, target, env, required, mode, uid, gid } => format!(
            "model::Mount::Secret {{ id: {}, target: {}, env: {}, required: {required}, mode: {}, uid: {}, gid: {} }}",
            flag(id),
            flag(target),
            opt(env, |e| checked("VarName", e.as_str())),
            chmod(mode),
            num(uid),
            num(gid)
        ),
        Mount::Ssh { id, target, required, mode, uid, gid } => format!(
            "model::Mount::Ssh {{ id: {}, target: {}, required: {required}, mode: {}, uid: {}, gid: {} }}",
            flag(id),
            flag(target),
            chmod(mode),
            num(uid),
            num(gid)
        ),
    }
}

fn sharing_name(sharing: Sharing) -> &'static str {
    match sharing {
        Sharing::Shared => "Shared",
        Sharing::Private => "Private",
        Sharing::Locked => "Locked",
    }
}

fn source(source: &Source) -> String {
    match source {
        Source::Path(path) => format!("model::Source::Path({})", checked("Line", path.as_str())),
        Source::Inline(text) => format!("model::Source::Inline({})", checked("Text", text.as_str())),
    }
}

fn copy(copy: &Copy) -> String {
    format!(
        "model::Copy {{ from: {}, chown: {}, chmod: {}, link: {}, parents: {}, excludes: {}, sources: {}, dest: {} }}",
        opt(&copy.from, from_source),
        opt(&copy.chown, |u| checked("UserSpec", u.as_str())),
        chmod(&copy.chmod),
        copy.link,
        copy.parents,
        vec_of(&copy.excludes, |p| checked("Pattern", p.as_str())),
        vec_of(&copy.sources, source),
        checked("Line", copy.dest.as_str())
    )
}

fn add(add: &Add) -> String {
    format!(
        "model::Add {{ chown: {}, chmod: {}, link: {}, checksum: {}, keep_git_dir: {}, unpack: {}, excludes: {}, \
         sources: {}, dest: {} }}",
        opt(&add.chown, |u| checked("UserSpec", u.as_str())),
        chmod(&add.chmod),
        add.link,
        opt(&add.checksum, |c| checked("Checksum", c.as_str())),
        add.keep_git_dir,
        num(&add.unpack),
        vec_of(&add.excludes, |p| checked("Pattern", p.as_str())),
        vec_of(&add.sources, source),
        checked("Line", add.dest.as_str())
    )
}

pub(crate) fn arg(arg: &Arg) -> String {
    format!("model::Arg {{ name: {}, default: {} }}", checked("VarName", arg.name.as_str()), opt(&arg.default, value))
}

fn health_options(options: &HealthOptions) -> String {
    format!(
        "model::HealthOptions {{ interval: {}, timeout: {}, start_period: {}, start_interval: {}, retries: {} }}",
        opt(&options.interval, duration),
        opt(&options.timeout, duration),
        opt(&options.start_period, duration),
        opt(&options.start_interval, duration),
        num(&options.retries)
    )
}

/// `model::Instruction::...` rebuilding `instruction`.
pub(crate) fn instruction(instruction: &Instruction) -> String {
    let inner = match instruction {
        Instruction::Run(run) => format!(
            "Run(model::Run {{ mounts: {}, network: {}, security: {}, command: {} }})",
            vec_of(&run.mounts, mount),
            opt(&run.network, |n| format!("model::Network::{}", network_name(*n))),
            opt(&run.security, |s| format!("model::Security::{}", security_name(*s))),
            command(&run.command)
        ),
        Instruction::Copy(c) => format!("Copy({})", copy(c)),
        Instruction::Add(a) => format!("Add({})", add(a)),
        Instruction::Env(env) => format!(
            "Env(model::Env {{ vars: [{}].into_iter().collect() }})",
            env.vars
                .iter()
                .map(|(k, v)| format!("({}, {})", checked("VarName", k.as_str()), value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Instruction::Arg(a) => format!("Arg({})", arg(a)),
        Instruction::Label(label) => format!(
            "Label(model::Label {{ labels: [{}].into_iter().collect() }})",
            label
                .labels
                .iter()
                .map(|(k, v)| format!("({}, {})", checked("LabelKey", k.as_str()), value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Instruction::User(user) => format!("User(model::User {{ user: {} }})", checked("UserSpec", user.user.as_str())),
        Instruction::Workdir(workdir) => format!("Workdir(model::Workdir {{ path: {} }})", value(&workdir.path)),
        Instruction::Expose(expose) => format!(
            "Expose(model::Expose {{ ports: {} }})",
            vec_of(&expose.ports, |p| format!("model::Port::parse({})?", lit(&p.to_string())))
        ),
        Instruction::Volume(volume) => {
            format!("Volume(model::Volume {{ paths: {} }})", vec_of(&volume.paths, |p| checked("Line", p.as_str())))
        }
        Instruction::Healthcheck(Healthcheck::None) => "Healthcheck(model::Healthcheck::None)".to_string(),
        Instruction::Healthcheck(Healthcheck::Check { options, command: c }) => format!(
            "Healthcheck(model::Healthcheck::Check {{ options: {}, command: {} }})",
            health_options(options),
            command(c)
        ),
        Instruction::Cmd(cmd) => format!("Cmd(model::Cmd {{ command: {} }})", command(&cmd.command)),
        Instruction::Entrypoint(e) => format!("Entrypoint(model::Entrypoint {{ command: {} }})", command(&e.command)),
        Instruction::Shell(shell) => format!("Shell(model::Shell {{ argv: {} }})", texts(&shell.argv)),
        Instruction::StopSignal(s) => {
            format!("StopSignal(model::StopSignal {{ signal: {} }})", checked("Signal", s.signal.as_str()))
        }
        Instruction::OnBuild(onbuild) => {
            format!("OnBuild(model::OnBuild {{ trigger: Box::new({}) }})", self::instruction(&onbuild.trigger))
        }
        Instruction::Comment(comment) => {
            format!("Comment(model::CommentLine {{ text: {} }})", checked("Comment", comment.text.as_str()))
        }
        Instruction::Raw(raw) => {
            format!("Raw(model::Raw::new({}, {})?)", lit(raw.keyword.as_str()), lit(raw.args.as_str()))
        }
    };
    format!("model::Instruction::{inner}")
}

fn network_name(network: Network) -> &'static str {
    match network {
        Network::Default => "Default",
        Network::None => "None",
        Network::Host => "Host",
    }
}

fn security_name(security: Security) -> &'static str {
    match security {
        Security::Sandbox => "Sandbox",
        Security::Insecure => "Insecure",
    }
}

fn from(from: &FromInstruction) -> String {
    format!(
        "model::FromInstruction {{ platform: {}, base: {}, name: {} }}",
        opt(&from.platform, |p| format!("model::Platform::parse({})?", lit(&p.to_string()))),
        base_image(&from.base),
        opt(&from.name, |n| checked("StageName", n.as_str()))
    )
}

fn stage(stage: &Stage) -> String {
    let instructions: String =
        stage.instructions.iter().map(|i| format!("                    {},\n", instruction(i))).collect();
    format!(
        "            model::Stage {{\n                comment: {},\n                from: {},\n                instructions: {},\n            }},\n",
        opt(&stage.comment, |c| checked("Comment", c.as_str())),
        from(&stage.from),
        block(instructions, "                ")
    )
}

/// `vec![]`, or a `vec![` whose items are already indented and end with `,\n`, closed at `indent`.
fn block(items: String, indent: &str) -> String {
    if items.is_empty() { "vec![]".to_string() } else { format!("vec![\n{items}{indent}]") }
}

/// The body of a function returning `Result<model::Dockerfile, dockwright::Error>`: the model as one
/// struct literal.
pub(crate) fn dockerfile(dockerfile: &Dockerfile) -> String {
    let directives = &dockerfile.directives;
    let escape = match directives.escape {
        crate::model::Escape::Backslash => "Backslash",
        crate::model::Escape::Backtick => "Backtick",
    };
    let args: String = dockerfile.args.iter().map(|a| format!("            {},\n", arg(a))).collect();
    format!(
        "    Ok(model::Dockerfile {{\n        directives: model::Directives {{ syntax: {}, escape: model::Escape::{escape}, check: {} }},\n        comment: {},\n        args: {},\n        stages: {},\n    }})\n",
        opt(&directives.syntax, |s| format!("model::ImageRef::parse({})?", lit(&s.to_string()))),
        opt(&directives.check, |c| checked("CheckOptions", c.as_str())),
        opt(&dockerfile.comment, |c| checked("Comment", c.as_str())),
        block(args, "        "),
        block(dockerfile.stages.iter().map(stage).collect(), "        ")
    )
}
