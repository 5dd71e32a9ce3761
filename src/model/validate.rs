//! The model's cross-instruction rules: what no single field type can check on its own.

use std::collections::HashSet;

use super::json_size::{JsonSize, chain};
use super::{BaseImage, Command, Dockerfile, FromSource, Healthcheck, Instruction, MAX_LINE, Mount, Source, Stage};
use crate::error::{Error, ErrorKind, ErrorPlace, Errors};

/// Linux's `PATH_MAX`: no path longer than this can be created in an image.
const PATH_MAX: usize = 4096;

pub(super) fn validate(dockerfile: &Dockerfile) -> Result<(), Errors> {
    let mut errors = Vec::new();
    if dockerfile.stages.is_empty() {
        errors.push(Error::new(ErrorKind::NoStage, "the Dockerfile has no stages: add at least one"));
    }
    let mut defined: HashSet<&str> = HashSet::with_capacity(dockerfile.stages.len());
    for (index, stage) in dockerfile.stages.iter().enumerate() {
        let place = stage_place(stage, index);
        let stage_errors = errors.len();
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
            // Written only when there is a problem to locate.
            let at = || format!("{place}, instruction {} ({})", position + 1, instruction.keyword());
            let before = errors.len();
            check_instruction(instruction, &defined, false, &mut errors, &at);
            placed(&mut errors, before, ErrorPlace { stage: index, instruction: Some(position) });
        }
        if let Some(name) = &stage.from.name {
            if !defined.insert(name.as_str()) {
                errors.push(Error::new(
                    ErrorKind::DuplicateStage,
                    format!("two stages are named '{name}': stage names must be unique"),
                ));
            }
        }
        placed(&mut errors, stage_errors, ErrorPlace { stage: index, instruction: None });
    }
    check_definition_size(dockerfile, &mut errors);
    if errors.is_empty() { Ok(()) } else { Err(Errors(errors)) }
}

/// Gives the errors from `from` on that have no place yet `place`.
fn placed(errors: &mut [Error], from: usize, place: ErrorPlace) {
    for error in &mut errors[from..] {
        if error.place().is_none() {
            *error = error.clone().placed(place);
        }
    }
}

/// The limit under which dockwright keeps its estimate of the build definition: BuildKit's frontend
/// sends the whole definition to the solver in one gRPC message of at most 4 MiB ("grpc: received
/// message larger than max"), and the estimate leaves room for what it does not count.
const MAX_DEFINITION: usize = 4 * 1024 * 1024 - 256 * 1024;

/// What an operation costs in the definition besides its values: digests, platform, metadata (measured
/// on BuildKit 0.13: about 660 bytes a RUN).
const STEP_OVERHEAD: usize = 1024;

/// What an instruction's image history entry costs besides its text.
const HISTORY_OVERHEAD: usize = 128;

/// Refuses a description whose build definition BuildKit would refuse.
///
/// The estimate follows what BuildKit 0.13 sends: the Dockerfile's text once (source information); for
/// the image it builds, each instruction's history entry and the ENV and LABEL values of its
/// configuration; and one operation per distinct step. A RUN's operation holds the whole environment in
/// scope (ENV and ARG values) and its command twice (arguments and step name); a file operation holds
/// its paths and step name. Steps with the same inputs on the same parent are one operation in the
/// definition, so a step is counted once per distinct chain of inputs. Values are counted by their JSON
/// form, which is never shorter than how they are written.
fn check_definition_size(dockerfile: &Dockerfile, errors: &mut Vec<Error>) {
    use std::collections::{BTreeMap, HashMap, HashSet};

    let mut total = json_len(&dockerfile.args) * 3;
    let mut largest_env = 0;
    // The keys are hashes already: the set uses them as they are.
    // (Made as large as they will grow at once: one allocation each, before the walk frees anything.)
    let steps: usize = dockerfile.stages.iter().map(|stage| stage.instructions.len() + 1).sum();
    let mut operations: HashSet<u64, std::hash::BuildHasherDefault<KeyHasher>> =
        HashSet::with_capacity_and_hasher(steps, Default::default());
    // Per named stage: the environment in scope at its end and the key of its last step.
    // (A stage's environment is a few variables: a sorted map is cheaper than hashing their names.)
    let mut stages: HashMap<&str, (BTreeMap<&str, usize>, u64)> = HashMap::with_capacity(dockerfile.stages.len());
    // The stages whose history and configuration make up the image built by default: the last stage
    // and the stages it is built FROM.
    let mut in_image = vec![false; dockerfile.stages.len()];
    // Each stage's base stage: the latest earlier stage of that name.
    let mut latest: HashMap<&str, usize> = HashMap::with_capacity(dockerfile.stages.len());
    let mut bases: Vec<Option<usize>> = Vec::with_capacity(dockerfile.stages.len());
    for (index, stage) in dockerfile.stages.iter().enumerate() {
        bases.push(match &stage.from.base {
            BaseImage::Stage(parent) => latest.get(parent.as_str()).copied(),
            _ => None,
        });
        if let Some(name) = stage.name() {
            latest.insert(name, index);
        }
    }
    let mut cursor = dockerfile.stages.len().checked_sub(1);
    while let Some(index) = cursor {
        in_image[index] = true;
        cursor = bases[index];
    }
    for (index, stage) in dockerfile.stages.iter().enumerate() {
        let (mut env, mut key) = match &stage.from.base {
            BaseImage::Stage(parent) => stages.get(parent.as_str()).cloned().unwrap_or_default(),
            other => (BTreeMap::new(), chain(0, JsonSize::of(&other.to_string()).hash)),
        };
        if operations.insert(key) {
            total += STEP_OVERHEAD;
        }
        for instruction in &stage.instructions {
            // Its JSON's length, and what tells it apart from other steps.
            let JsonSize { len: text, hash } = JsonSize::of(instruction);
            total += text;
            if in_image[index] {
                total += text + HISTORY_OVERHEAD;
            }
            let operation = match instruction {
                Instruction::Env(set) => {
                    if in_image[index] {
                        total += text;
                    }
                    for (name, value) in &set.vars {
                        env.insert(name.as_str(), name.as_str().len() + 1 + json_len(value));
                    }
                    None
                }
                Instruction::Label(_) if in_image[index] => {
                    total += text;
                    continue;
                }
                Instruction::Arg(arg) => {
                    let value = arg.default.as_ref().map_or(0, json_len);
                    env.insert(arg.name.as_str(), arg.name.as_str().len() + 1 + value);
                    None
                }
                Instruction::Run(_) => {
                    let in_scope: usize = env.values().sum();
                    largest_env = largest_env.max(in_scope);
                    Some(in_scope + 2 * text + STEP_OVERHEAD)
                }
                Instruction::Copy(_) | Instruction::Add(_) | Instruction::Workdir(_) => Some(2 * text + STEP_OVERHEAD),
                Instruction::User(_) | Instruction::Shell(_) => None,
                // Configuration only: no operation reads it.
                _ => continue,
            };
            key = chain(key, hash);
            if let Some(size) = operation {
                if operations.insert(key) {
                    total += size;
                }
            }
        }
        if let Some(name) = &stage.from.name {
            stages.insert(name.as_str(), (env, key));
        }
    }
    if total > MAX_DEFINITION {
        errors.push(Error::new(
            ErrorKind::InvalidInstruction,
            format!(
                "the build definition BuildKit would make is about {} KiB (every RUN carries the environment in \
                 scope, up to {} KiB here), and BuildKit refuses one over 4 MiB: put large values in files copied \
                 into the image, or set them after the last RUN",
                total / 1024,
                largest_env / 1024
            ),
        ));
    }
}

/// A hasher for keys that are hashes already: a key is its own hash.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

/// The length of a model value's JSON form.
fn json_len<T: serde::Serialize + ?Sized>(value: &T) -> usize {
    JsonSize::of(value).len
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
    at: &dyn Fn() -> String,
) {
    let mut problem = |kind: ErrorKind, message: String| errors.push(Error::new(kind, message).at(at()));
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
            check_path_limits("COPY destination", copy.dest.as_str(), &mut problem);
            check_from(&copy.from, &mut problem);
            check_sources(&copy.sources, copy.dest.as_str(), &mut problem);
            if copy.from.is_none() {
                check_context_sources("COPY", &copy.sources, &mut problem);
            }
        }
        Instruction::Add(add) => {
            check_path_limits("ADD destination", add.dest.as_str(), &mut problem);
            check_sources(&add.sources, add.dest.as_str(), &mut problem);
            check_context_sources("ADD", &add.sources, &mut problem);
        }
        Instruction::Env(env) if env.vars.is_empty() => {
            problem(ErrorKind::InvalidInstruction, "ENV needs at least one variable".to_string());
        }
        Instruction::Label(label) if label.labels.is_empty() => {
            problem(ErrorKind::InvalidInstruction, "LABEL needs at least one label".to_string());
        }
        Instruction::Workdir(workdir) if workdir.path.parts().is_empty() => {
            problem(ErrorKind::InvalidInstruction, "WORKDIR needs a path".to_string());
        }
        Instruction::Workdir(workdir) => {
            if let Some(path) = workdir.path.as_literal() {
                check_path_limits("WORKDIR", &path, &mut problem);
            }
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
        Instruction::Raw(raw) => check_raw(raw, in_trigger, &mut problem),
        _ => {}
    }
}

fn check_command(command: &Command, needs_argv: bool, problem: &mut dyn FnMut(ErrorKind, String)) {
    match command {
        Command::Exec(argv) if argv.is_empty() && needs_argv => {
            problem(ErrorKind::InvalidInstruction, "the exec-form command is empty".to_string());
        }
        Command::Exec(_) | Command::Shell(_) => {}
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
            Source::Path(_) => {}
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
                if dest.len() > PATH_MAX {
                    problem(
                        ErrorKind::InvalidInstruction,
                        format!(
                            "inline file destination is {} bytes long; Linux paths are at most {PATH_MAX} bytes",
                            dest.len()
                        ),
                    );
                }
                if let Some((number, line)) =
                    content.as_str().split('\n').enumerate().find(|(_, line)| line.len() > MAX_LINE)
                {
                    problem(
                        ErrorKind::InvalidText,
                        format!(
                            "line {} of the inline file for {dest:?} is {} bytes long; BuildKit reads lines of at most \
                             {MAX_LINE} bytes: put the file in the build context and COPY it",
                            number + 1,
                            line.len()
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

/// Linux's `NAME_MAX`: no file name in an image can be longer.
const NAME_MAX: usize = 255;

/// A path the build creates must fit Linux's limits, or the build fails on it.
fn check_path_limits(what: &str, path: &str, problem: &mut dyn FnMut(ErrorKind, String)) {
    let short = |text: &str| text.chars().take(40).collect::<String>();
    if path.len() > PATH_MAX {
        problem(
            ErrorKind::InvalidInstruction,
            format!(
                "{what} {:?}... is {} bytes long; Linux paths are at most {PATH_MAX} bytes",
                short(path),
                path.len()
            ),
        );
    } else if let Some(name) = path.split('/').find(|name| name.len() > NAME_MAX) {
        problem(
            ErrorKind::InvalidInstruction,
            format!(
                "{what} has a name {:?}... of {} bytes; Linux file names are at most {NAME_MAX} bytes",
                short(name),
                name.len()
            ),
        );
    }
}

/// Sources read from the build context must be names BuildKit's context transfer can select: it sends
/// only the files COPY and ADD name, picked by its own pattern rules before the instruction runs, and a
/// name it cannot pick is either "not found" or, worse, silently copies nothing.
fn check_context_sources(keyword: &str, sources: &[Source], problem: &mut dyn FnMut(ErrorKind, String)) {
    for source in sources {
        let Source::Path(path) = source else {
            continue;
        };
        let path = path.as_str();
        if keyword == "ADD" && is_remote(path) {
            continue;
        }
        if let Some(why) = context_source_problem(path) {
            problem(
                ErrorKind::InvalidInstruction,
                format!(
                    "{keyword} source {path:?} cannot be selected from the build context: {why}; \
                     rename the file, or copy its directory or a wildcard pattern that matches it"
                ),
            );
        }
    }
}

/// `ADD` sources that are fetched, not read from the context.
fn is_remote(path: &str) -> bool {
    ["http://", "https://", "git@", "git://"].iter().any(|scheme| path.starts_with(scheme))
}

/// Why BuildKit's context transfer cannot select the files `path` names, if it cannot.
fn context_source_problem(path: &str) -> Option<&'static str> {
    if path.chars().any(char::is_control) {
        return Some("it holds a control character, which the transfer's request cannot carry");
    }
    if path.starts_with(char::is_whitespace) || path.ends_with(char::is_whitespace) {
        return Some("it starts or ends with whitespace, which the transfer trims");
    }
    if path.starts_with('!') {
        return Some("a leading '!' makes it an exclusion to the transfer");
    }
    if path.contains('\\') {
        return Some("the transfer does not read '\\' as COPY does (as an escape or a plain character)");
    }
    if bracket_classes(path).any(|class| class.contains(['*', '?'])) {
        return Some(
            "a '*' or '?' inside brackets (how a literal '*' or '?' is written) matches nothing in the transfer",
        );
    }
    None
}

/// The contents of the `[...]` classes in a pattern.
fn bracket_classes(pattern: &str) -> impl Iterator<Item = &str> {
    let mut rest = pattern;
    std::iter::from_fn(move || {
        let open = rest.find('[')?;
        let inside = &rest[open + 1..];
        // The first character of a class (after a negation) may be ']' itself.
        let skip = inside.strip_prefix(['!', '^']).map_or(0, |_| 1);
        let first = inside[skip..].chars().next().map_or(0, char::len_utf8);
        match inside[skip + first..].find(']') {
            Some(close) => {
                let end = skip + first + close;
                rest = &inside[end + 1..];
                Some(&inside[..end])
            }
            None => {
                rest = "";
                None
            }
        }
    })
}

fn check_raw(raw: &super::Raw, in_trigger: bool, problem: &mut dyn FnMut(ErrorKind, String)) {
    let onbuild = if in_trigger { "ONBUILD ".len() } else { 0 };
    let len = onbuild + raw.keyword.as_str().len() + 1 + raw.args.as_str().len();
    if len > MAX_LINE {
        problem(
            ErrorKind::InvalidRaw,
            format!(
                "raw {} instruction is {len} bytes long; BuildKit reads lines of at most {MAX_LINE} bytes and a raw \
                 instruction is written as it is: use the typed instruction, which dockwright wraps",
                raw.keyword
            ),
        );
    }
}
