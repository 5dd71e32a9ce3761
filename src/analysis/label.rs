//! Names for steps and targets that a reader recognises: the stage's name and the instruction on one
//! short line (`runtime: RUN pip install --no-cache-dir -r requirements.txt`), and the build target a
//! report is about. Reports cite these instead of step numbers.
//!
//! The instruction text is a summary for reports, not Dockerfile text (only `emit` writes that): flags
//! other than `--from` are left out, exec-form arrays are shown as their words, runs of whitespace
//! (line breaks included) become one space, and anything longer than [`StepLabel::MAX_INSTRUCTION`]
//! characters is cut at a word boundary and ends in ` ...`.

use std::fmt;

use crate::model::{Command, Copy, Healthcheck, Instruction, Source};

/// A step as a reader knows it: its stage and its instruction, summarised on one line.
///
/// ```
/// use dockwright::analysis::analyze;
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(
///     Stage::new("runtime", Base::python("3.12").slim())
///         .run("pip install --no-cache-dir --no-index --find-links=/wheels -r requirements.txt -r requirements-dev.txt"),
/// );
/// let analysis = analyze(&image.to_model().unwrap());
/// let label = &analysis.steps()[0].label;
/// assert_eq!(label.stage, "runtime");
/// assert_eq!(label.to_string(), "runtime: RUN pip install --no-cache-dir --no-index --find-links=/wheels -r ...");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct StepLabel {
    /// The stage's name (`stage 2` for a stage without one).
    pub stage: String,
    /// The instruction, summarised on one line (`RUN pip install ...`).
    pub instruction: String,
}

impl StepLabel {
    /// The longest instruction summary, in characters, before it is cut (` ...` not counted).
    ///
    /// ```
    /// assert_eq!(dockwright::analysis::StepLabel::MAX_INSTRUCTION, 72);
    /// ```
    pub const MAX_INSTRUCTION: usize = 72;

    /// A label for `instruction` in the stage called `stage`.
    ///
    /// ```
    /// use dockwright::analysis::StepLabel;
    /// use dockwright::model::{Command, Instruction, Run};
    ///
    /// let run = Instruction::Run(Run::new(Command::shell("useradd  --system\n  app").unwrap()));
    /// assert_eq!(StepLabel::new("runtime", &run).to_string(), "runtime: RUN useradd --system app");
    /// ```
    pub fn new(stage: impl Into<String>, instruction: &Instruction) -> Self {
        StepLabel { stage: stage.into(), instruction: shorten(&summary(instruction)) }
    }

    /// A label for a stage's `FROM` line (what dropping or keeping a whole stage is about).
    ///
    /// ```
    /// use dockwright::analysis::StepLabel;
    ///
    /// assert_eq!(StepLabel::from_line("docs", "alpine:3.19").to_string(), "docs: FROM alpine:3.19");
    /// ```
    pub fn from_line(stage: impl Into<String>, base: &str) -> Self {
        StepLabel { stage: stage.into(), instruction: shorten(&format!("FROM {base}")) }
    }
}

impl fmt::Display for StepLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.stage, self.instruction)
    }
}

/// The name reports use for a stage: its `AS` name, or `stage <index>`.
pub(crate) fn stage_name(name: Option<&str>, index: usize) -> String {
    name.map_or_else(|| format!("stage {index}"), str::to_string)
}

/// The instruction's keyword and arguments as words (see the module docs).
fn summary(instruction: &Instruction) -> String {
    let mut words = vec![instruction.keyword().to_string()];
    match instruction {
        Instruction::Run(run) => words.push(command(&run.command)),
        Instruction::Copy(copy) => words.push(copy_words(copy)),
        Instruction::Add(add) => {
            words.extend(add.sources.iter().map(source));
            words.push(add.dest.as_str().to_string());
        }
        Instruction::Env(env) => words.extend(env.vars.iter().map(|(name, value)| format!("{name}={value}"))),
        Instruction::Arg(arg) => words.push(match &arg.default {
            Some(value) => format!("{}={value}", arg.name),
            None => arg.name.to_string(),
        }),
        Instruction::Label(label) => words.extend(label.labels.iter().map(|(key, value)| format!("{key}={value}"))),
        Instruction::User(user) => words.push(user.user.to_string()),
        Instruction::Workdir(workdir) => words.push(workdir.path.to_string()),
        Instruction::Expose(expose) => words.extend(expose.ports.iter().map(ToString::to_string)),
        Instruction::Volume(volume) => words.extend(volume.paths.iter().map(|path| path.as_str().to_string())),
        Instruction::Healthcheck(Healthcheck::None) => words.push("NONE".to_string()),
        Instruction::Healthcheck(Healthcheck::Check { command: check, .. }) => {
            words.push(format!("CMD {}", command(check)));
        }
        Instruction::Cmd(cmd) => words.push(command(&cmd.command)),
        Instruction::Entrypoint(entrypoint) => words.push(command(&entrypoint.command)),
        Instruction::Shell(shell) => words.extend(shell.argv.iter().map(|arg| arg.as_str().to_string())),
        Instruction::StopSignal(signal) => words.push(signal.signal.to_string()),
        Instruction::OnBuild(onbuild) => words.push(summary(&onbuild.trigger)),
        Instruction::Comment(comment) => words.push(comment.text.as_str().to_string()),
        Instruction::Raw(raw) => words.push(raw.args.as_str().to_string()),
        #[allow(unreachable_patterns)]
        _ => {}
    }
    words.retain(|word| !word.is_empty());
    words.join(" ")
}

fn command(command: &Command) -> String {
    match command {
        Command::Shell(script) => script.shell_text(),
        Command::Exec(argv) => argv.iter().map(|arg| arg.as_str()).collect::<Vec<_>>().join(" "),
        #[allow(unreachable_patterns)]
        _ => String::new(),
    }
}

fn copy_words(copy: &Copy) -> String {
    let mut words = Vec::new();
    if let Some(from) = &copy.from {
        words.push(format!("--from={from}"));
    }
    words.extend(copy.sources.iter().map(source));
    words.push(copy.dest.as_str().to_string());
    words.join(" ")
}

fn source(source: &Source) -> String {
    match source {
        Source::Path(path) => path.as_str().to_string(),
        Source::Inline(_) => "<<inline file>>".to_string(),
        #[allow(unreachable_patterns)]
        _ => String::new(),
    }
}

/// One line, whitespace runs collapsed, cut at a word boundary after [`StepLabel::MAX_INSTRUCTION`]
/// characters.
fn shorten(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let line = words.join(" ");
    if line.chars().count() <= StepLabel::MAX_INSTRUCTION {
        return line;
    }
    let cut: String = line.chars().take(StepLabel::MAX_INSTRUCTION).collect();
    // Prefer a word boundary, unless it would drop more than half of what fits.
    let kept = match cut.rfind(' ') {
        Some(space) if cut[..space].chars().count() > StepLabel::MAX_INSTRUCTION / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{} ...", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_keeps_short_lines_and_cuts_long_ones_at_words() {
        for (text, expected) in [
            ("RUN true", "RUN true"),
            ("RUN a  &&\n  b", "RUN a && b"),
            (
                "RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates git",
                "RUN apt-get update && apt-get install -y --no-install-recommends curl ...",
            ),
            // One long word: cut inside it, on a character boundary.
            (&format!("RUN {}", "é".repeat(100)), &format!("RUN {} ...", "é".repeat(68))),
        ] {
            assert_eq!(shorten(text), expected, "{text}");
        }
    }
}
