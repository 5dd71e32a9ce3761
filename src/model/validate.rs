//! The model's cross-instruction rules: what no single field type can check on its own.

use std::collections::HashSet;

use super::{BaseImage, Command, Dockerfile, FromSource, Healthcheck, Instruction, Mount, Source, Stage};
use crate::error::{Error, ErrorKind, Errors};

/// Longest value dockwright lets into one physical line (BuildKit's limit is 65535 bytes per line).
const MAX_VALUE_LEN: usize = 60_000;

pub(super) fn validate(dockerfile: &Dockerfile) -> Result<(), Errors> {
    let mut errors = Vec::new();
    if dockerfile.stages.is_empty() {
        errors.push(Error::new(ErrorKind::NoStage, "the Dockerfile has no stages: add at least one"));
    }
    let mut defined: HashSet<&str> = HashSet::new();
    for (index, stage) in dockerfile.stages.iter().enumerate() {
        let place = stage_place(stage, index);
        if let BaseImage::Stage(name) = &stage.from.base {
            if !defined.contains(name.as_str()) {
                errors.push(
                    Error::new(
                        ErrorKind::StageUsedBeforeDefinition,
                        format!("FROM {name} names a stage that is not defined before it"),
                    )
                    .at(place.clone()),
                );
            }
        }
        super::globals::check_from(dockerfile, stage, &defined, &place, &mut errors);
        for (position, instruction) in stage.instructions.iter().enumerate() {
            let at = format!("{place}, instruction {} ({})", position + 1, instruction.keyword());
            check_instruction(instruction, &defined, false, &mut errors, &at);
        }
        if let Some(name) = &stage.from.name {
            if !defined.insert(name.as_str()) {
                errors.push(Error::new(
                    ErrorKind::DuplicateStage,
                    format!("two stages are named '{name}': stage names must be unique"),
                ));
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Errors(errors)) }
}

fn stage_place(stage: &Stage, index: usize) -> String {
    match &stage.from.name {
        Some(name) => format!("stage '{name}'"),
        None => format!("stage {}", index + 1),
    }
}

fn check_instruction(
    instruction: &Instruction,
    defined: &HashSet<&str>,
    in_trigger: bool,
    errors: &mut Vec<Error>,
    at: &str,
) {
    let mut problem = |kind: ErrorKind, message: String| errors.push(Error::new(kind, message).at(at));
    let check_from = |from: &Option<FromSource>, problem: &mut dyn FnMut(ErrorKind, String)| {
        if let Some(FromSource::Stage(name)) = from {
            if !defined.contains(name.as_str()) && !in_trigger {
                problem(
                    ErrorKind::StageUsedBeforeDefinition,
                    format!("--from={name} names a stage that is not defined before this one"),
                );
            }
        }
    };
    match instruction {
        Instruction::Run(run) => {
            for mount in &run.mounts {
                match mount {
                    Mount::Bind { from, .. } | Mount::Cache { from, .. } => check_from(from, &mut problem),
                    Mount::Secret { id: None, target: None, .. } => {
                        problem(ErrorKind::InvalidInstruction, "a secret mount needs an id or a target".to_string())
                    }
                    _ => {}
                }
                if let Mount::Cache { mode: Some(mode), .. }
                | Mount::Secret { mode: Some(mode), .. }
                | Mount::Ssh { mode: Some(mode), .. } = mount
                {
                    if !mode.as_str().chars().all(|c| c.is_ascii_digit()) {
                        problem(
                            ErrorKind::InvalidChmod,
                            format!(
                                "mount mode {:?} must be octal (like '0755'): BuildKit does not take symbolic modes there",
                                mode.as_str()
                            ),
                        );
                    }
                }
            }
            check_command(&run.command, true, &mut problem);
        }
        Instruction::Copy(copy) => {
            check_from(&copy.from, &mut problem);
            check_sources(&copy.sources, copy.dest.as_str(), &mut problem);
        }
        Instruction::Add(add) => check_sources(&add.sources, add.dest.as_str(), &mut problem),
        Instruction::Env(env) => {
            if env.vars.is_empty() {
                problem(ErrorKind::InvalidInstruction, "ENV needs at least one variable".to_string());
            }
            for (name, value) in &env.vars {
                check_len(&value.to_string(), &format!("value of {name}"), &mut problem);
            }
        }
        Instruction::Label(label) => {
            if label.labels.is_empty() {
                problem(ErrorKind::InvalidInstruction, "LABEL needs at least one label".to_string());
            }
            for (key, value) in &label.labels {
                check_len(&value.to_string(), &format!("label {key}"), &mut problem);
            }
        }
        Instruction::Workdir(workdir) if workdir.path.parts().is_empty() => {
            problem(ErrorKind::InvalidInstruction, "WORKDIR needs a path".to_string());
        }
        Instruction::Expose(expose) if expose.ports.is_empty() => {
            problem(ErrorKind::InvalidInstruction, "EXPOSE needs at least one port".to_string());
        }
        Instruction::Volume(volume) => {
            if volume.paths.is_empty() || volume.paths.iter().any(|p| p.as_str().trim().is_empty()) {
                problem(ErrorKind::InvalidInstruction, "VOLUME needs one or more paths that are not blank".to_string());
            }
            for path in &volume.paths {
                if path.as_str().trim() != path.as_str() {
                    problem(
                        ErrorKind::InvalidInstruction,
                        format!("VOLUME path {:?} starts or ends with whitespace, which BuildKit trims", path.as_str()),
                    );
                }
            }
        }
        Instruction::Healthcheck(Healthcheck::Check { command, options }) => {
            if options.retries == Some(0) {
                problem(
                    ErrorKind::InvalidInstruction,
                    "--retries=0 means 'use the default (3)' to the engine: give 1 or more, or leave it unset"
                        .to_string(),
                );
            }
            check_command(command, true, &mut problem)
        }
        Instruction::Cmd(cmd) => check_command(&cmd.command, false, &mut problem),
        Instruction::Entrypoint(entrypoint) => check_command(&entrypoint.command, false, &mut problem),
        Instruction::Shell(shell) if shell.argv.is_empty() => {
            problem(ErrorKind::InvalidInstruction, "SHELL needs at least the shell executable".to_string());
        }
        Instruction::OnBuild(onbuild) => match onbuild.trigger.as_ref() {
            Instruction::OnBuild(_) | Instruction::Comment(_) => {
                problem(ErrorKind::InvalidInstruction, format!("ONBUILD cannot trigger {}", onbuild.trigger.keyword()))
            }
            Instruction::Raw(raw) if raw.keyword.as_str().eq_ignore_ascii_case("MAINTAINER") => {
                problem(ErrorKind::InvalidInstruction, "ONBUILD cannot trigger MAINTAINER".to_string())
            }
            trigger => check_instruction(trigger, defined, true, errors, at),
        },
        _ => {}
    }
}

fn check_command(command: &Command, needs_argv: bool, problem: &mut dyn FnMut(ErrorKind, String)) {
    match command {
        Command::Exec(argv) if argv.is_empty() && needs_argv => {
            problem(ErrorKind::InvalidInstruction, "the exec-form command is empty".to_string());
        }
        Command::Exec(argv) => {
            for arg in argv {
                check_len(arg.as_str(), "an argument", problem);
            }
        }
        Command::Shell(script) => check_len(&script.shell_text(), "the command", problem),
    }
}

fn check_sources(sources: &[Source], dest: &str, problem: &mut dyn FnMut(ErrorKind, String)) {
    if sources.is_empty() {
        problem(ErrorKind::InvalidInstruction, "needs at least one source".to_string());
    }
    if dest.is_empty() {
        problem(ErrorKind::InvalidInstruction, "needs a destination".to_string());
    }
    if sources.len() > 1 && !dest.ends_with('/') {
        problem(
            ErrorKind::InvalidInstruction,
            format!("copies {} sources, so the destination {dest:?} must end with '/'", sources.len()),
        );
    }
    for source in sources {
        match source {
            Source::Path(path) if path.as_str().is_empty() => {
                problem(ErrorKind::InvalidInstruction, "a source path is empty".to_string());
            }
            Source::Path(path) => check_len(path.as_str(), "a source path", problem),
            Source::Inline(content) => {
                if sources.len() > 1 || dest.ends_with('/') {
                    problem(
                        ErrorKind::InvalidInstruction,
                        format!(
                            "an inline file must be the only source and its destination {dest:?} a file path, not a directory"
                        ),
                    );
                }
                if dest.contains(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '$' | '\\' | '`'))
                    || dest.contains("<<")
                {
                    problem(
                        ErrorKind::InvalidInstruction,
                        format!(
                            "inline file destination {dest:?} cannot hold whitespace, quotes, '$', '\\', '`' or '<<': \
                             BuildKit reads heredoc lines as shell words"
                        ),
                    );
                }
                if content.as_str().contains('\r') {
                    problem(
                        ErrorKind::InvalidText,
                        format!(
                            "inline file for {dest:?} holds a carriage return, which BuildKit's heredoc reading does not keep exactly: use LF line endings"
                        ),
                    );
                }
                if !content.as_str().is_empty() && !content.as_str().ends_with('\n') {
                    problem(
                        ErrorKind::InvalidText,
                        format!("inline file for {dest:?} must end with a newline: BuildKit always writes one"),
                    );
                }
            }
        }
    }
}

fn check_len(text: &str, what: &str, problem: &mut dyn FnMut(ErrorKind, String)) {
    if text.len() > MAX_VALUE_LEN {
        problem(
            ErrorKind::InvalidText,
            format!(
                "{what} is {} bytes long; BuildKit rejects lines over 65535 bytes: move it into a file",
                text.len()
            ),
        );
    }
}
