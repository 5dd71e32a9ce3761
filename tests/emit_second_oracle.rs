//! A second, independently written parser checks the emitter's structure: the `parse-dockerfile`
//! crate. `book/src/oracles.md` measures what it gets right on BuildKit's corpus: the instruction
//! split, exec-form argv and RUN heredoc bodies are trustworthy (ENV/LABEL values and lexer-level
//! escapes are not, so those are left to `emit_roundtrip.rs`). Every emitted file must parse, with
//! the same instructions in the same order and the same exec-form arguments: no instruction injected,
//! swallowed or split by user data.

#[path = "support/strategies.rs"]
mod strategies;

use dockwright::model::{Command, Dockerfile, Healthcheck, Instruction, ShellScript};
use parse_dockerfile::{Command as PdCommand, HealthcheckArguments, Instruction as Pd};
use proptest::prelude::*;

/// The keyword of one parsed instruction, with ONBUILD's trigger after it.
fn keyword(instruction: &Pd<'_>) -> String {
    match instruction {
        Pd::Add(_) => "ADD".into(),
        Pd::Arg(_) => "ARG".into(),
        Pd::Cmd(_) => "CMD".into(),
        Pd::Copy(_) => "COPY".into(),
        Pd::Entrypoint(_) => "ENTRYPOINT".into(),
        Pd::Env(_) => "ENV".into(),
        Pd::Expose(_) => "EXPOSE".into(),
        Pd::From(_) => "FROM".into(),
        Pd::Healthcheck(_) => "HEALTHCHECK".into(),
        Pd::Label(_) => "LABEL".into(),
        Pd::Maintainer(_) => "MAINTAINER".into(),
        Pd::Onbuild(onbuild) => format!("ONBUILD {}", keyword(&onbuild.instruction)),
        Pd::Run(_) => "RUN".into(),
        Pd::Shell(_) => "SHELL".into(),
        Pd::Stopsignal(_) => "STOPSIGNAL".into(),
        Pd::User(_) => "USER".into(),
        Pd::Volume(_) => "VOLUME".into(),
        Pd::Workdir(_) => "WORKDIR".into(),
        _ => "?".into(),
    }
}

fn model_keyword(instruction: &Instruction) -> String {
    match instruction {
        Instruction::OnBuild(onbuild) => format!("ONBUILD {}", model_keyword(&onbuild.trigger)),
        other => other.keyword().to_string(),
    }
}

/// The exec-form argv of a parsed command, if it is exec form.
fn exec_argv(command: &PdCommand<'_>) -> Option<Vec<String>> {
    match command {
        PdCommand::Exec(argv) => Some(argv.value.iter().map(|s| s.value.to_string()).collect()),
        _ => None,
    }
}

/// The argv the model's exec-form command must come back as.
fn model_exec(command: &Command) -> Option<Vec<String>> {
    match command {
        Command::Exec(argv) => Some(argv.iter().map(|a| a.as_str().to_string()).collect()),
        _ => None,
    }
}

fn check(dockerfile: &Dockerfile) -> Result<(), String> {
    let text = dockwright::emit(dockerfile);
    let parsed = parse_dockerfile::parse(&text).map_err(|e| format!("parse-dockerfile rejects:\n{text}\n{e}"))?;
    let got: Vec<String> = parsed.instructions.iter().map(keyword).collect();
    let mut want: Vec<String> = dockerfile.args.iter().map(|_| "ARG".to_string()).collect();
    let mut model_instructions: Vec<Option<&Instruction>> = dockerfile.args.iter().map(|_| None).collect();
    for stage in &dockerfile.stages {
        want.push("FROM".into());
        model_instructions.push(None);
        for instruction in stage.instructions.iter().filter(|i| !matches!(i, Instruction::Comment(_))) {
            want.push(model_keyword(instruction));
            model_instructions.push(Some(instruction));
        }
    }
    if got != want {
        return Err(format!("instructions {want:?} came back as {got:?} in\n{text}"));
    }
    for (parsed, model) in parsed.instructions.iter().zip(model_instructions) {
        let (got, want) = match (parsed, model) {
            (Pd::Cmd(cmd), Some(Instruction::Cmd(m))) => (exec_argv(&cmd.arguments), model_exec(&m.command)),
            (Pd::Entrypoint(e), Some(Instruction::Entrypoint(m))) => (exec_argv(&e.arguments), model_exec(&m.command)),
            (Pd::Run(run), Some(Instruction::Run(m))) => {
                if let Command::Shell(script @ ShellScript::Script(_)) = &m.command {
                    let body = script.shell_text();
                    if let [heredoc] = run.here_docs.as_slice() {
                        if heredoc.value.strip_suffix('\n') != Some(body.as_str()) {
                            return Err(format!("heredoc body {body:?} came back as {:?} in\n{text}", heredoc.value));
                        }
                    }
                }
                (exec_argv(&run.arguments), model_exec(&m.command))
            }
            (Pd::Healthcheck(h), Some(Instruction::Healthcheck(Healthcheck::Check { command, .. }))) => {
                match &h.arguments {
                    HealthcheckArguments::Cmd { arguments, .. } => (exec_argv(arguments), model_exec(command)),
                    _ => return Err(format!("HEALTHCHECK lost its command in\n{text}")),
                }
            }
            _ => continue,
        };
        // A model exec argv must come back exactly; a model shell text may come back as the exec
        // form of the shell (the emitter's exact fallback), so only exec-to-exec is compared here.
        if want.is_some() && got != want {
            return Err(format!("exec argv {want:?} came back as {got:?} in\n{text}"));
        }
    }
    Ok(())
}

/// `ENTRYPOINT []` (which resets an inherited entrypoint, valid in BuildKit) is rejected by
/// `parse-dockerfile`; models holding it are left to `emit_roundtrip.rs`.
fn within_second_oracle(dockerfile: &Dockerfile) -> bool {
    fn empty_entrypoint(instruction: &Instruction) -> bool {
        match instruction {
            Instruction::Entrypoint(e) => matches!(&e.command, Command::Exec(argv) if argv.is_empty()),
            Instruction::OnBuild(onbuild) => empty_entrypoint(&onbuild.trigger),
            _ => false,
        }
    }
    !dockerfile.stages.iter().flat_map(|s| &s.instructions).any(empty_entrypoint)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, max_global_rejects: 100_000, ..ProptestConfig::default() })]

    #[test]
    fn a_second_parser_sees_the_same_instructions(dockerfile in strategies::dockerfile()) {
        prop_assume!(dockerfile.validate().is_ok() && within_second_oracle(&dockerfile));
        if let Err(message) = check(&dockerfile) {
            prop_assert!(false, "{}", message);
        }
    }
}
