//! Which Dockerfile frontend a file needs: the features it uses that an older frontend refuses or
//! ignores, each with the frontend version that brought it.
//!
//! An air-gapped engine builds with its built-in frontend (it cannot pull `docker/dockerfile:1.N`),
//! so a file that uses a feature newer than that frontend does not build there, or builds without the
//! feature's effect (see [`Older`]). Docker 26's built-in frontend (BuildKit 0.13) supports the
//! features up to 1.6 and none from 1.8 on; it takes a symbolic `COPY --chmod=u+x` and leaves the
//! mode unchanged. `tests/engine_frontend.rs` builds one small file per feature on the engine, checks
//! each feature's effect, and checks that the engine supports exactly the features up to one version.

use std::fmt;

use crate::emit;
use crate::model::{Dockerfile, Instruction, Mount, Run};

use super::Location;

/// A Dockerfile frontend version, `1.N`.
///
/// ```
/// use dockwright::analysis::FrontendVersion;
///
/// assert_eq!(FrontendVersion(1, 10).to_string(), "1.10");
/// assert!(FrontendVersion(1, 4) < FrontendVersion(1, 10));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FrontendVersion(pub u32, pub u32);

impl fmt::Display for FrontendVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// What a frontend older than a feature does with it.
///
/// ```
/// use dockwright::analysis::Older;
///
/// assert_ne!(Older::Refuses, Older::Ignores);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Older {
    /// The build fails (an unknown flag or mount option, a syntax it cannot read).
    Refuses,
    /// The build succeeds without the feature's effect: an unknown parser directive is a comment,
    /// and frontends up to 1.9 take a symbolic `--chmod` and leave the mode as it was (1.10 to 1.13
    /// refuse it).
    Ignores,
    /// The image builds, and a build `FROM` it fails when the trigger runs.
    FailsInChild,
}

/// A Dockerfile feature that needs a frontend newer than 1.0.
///
/// ```
/// use dockwright::analysis::{Feature, FrontendVersion, Older};
///
/// assert_eq!(Feature::SecretEnv.since(), FrontendVersion(1, 10));
/// assert_eq!(Feature::SecretEnv.older(), Older::Refuses);
/// assert_eq!(Feature::SecretEnv.to_string(), "RUN --mount=type=secret,env=");
/// assert_eq!(Feature::CheckDirective.older(), Older::Ignores);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Feature {
    /// `RUN --mount` (1.2).
    RunMount,
    /// `COPY`/`ADD --chmod` with an octal mode (1.2).
    Chmod,
    /// `RUN --network` (1.3).
    RunNetwork,
    /// A heredoc (`RUN <<EOF`, `COPY <<EOF`) (1.4).
    Heredoc,
    /// `COPY`/`ADD --link` (1.4).
    Link,
    /// `ADD --checksum` (1.6).
    AddChecksum,
    /// The `# check=` parser directive (1.8).
    CheckDirective,
    /// `RUN --mount=type=secret,env=` (1.10).
    SecretEnv,
    /// `ONBUILD` with a `--from` flag or mount (1.11).
    OnBuildFrom,
    /// `COPY`/`ADD --chmod` with a symbolic mode such as `u+x` (1.14).
    SymbolicChmod,
    /// `ADD --unpack` (1.17).
    AddUnpack,
    /// `COPY`/`ADD --exclude` (1.19).
    Exclude,
    /// `COPY --parents` (1.20).
    CopyParents,
    /// `RUN --security` (1.20).
    RunSecurity,
}

impl Feature {
    /// Every feature, oldest first.
    ///
    /// ```
    /// use dockwright::analysis::Feature;
    ///
    /// let versions: Vec<_> = Feature::ALL.iter().map(|f| f.since()).collect();
    /// assert!(versions.windows(2).all(|w| w[0] <= w[1]));
    /// ```
    pub const ALL: [Feature; 14] = [
        Feature::RunMount,
        Feature::Chmod,
        Feature::RunNetwork,
        Feature::Heredoc,
        Feature::Link,
        Feature::AddChecksum,
        Feature::CheckDirective,
        Feature::SecretEnv,
        Feature::OnBuildFrom,
        Feature::SymbolicChmod,
        Feature::AddUnpack,
        Feature::Exclude,
        Feature::CopyParents,
        Feature::RunSecurity,
    ];

    /// The first frontend version with the feature (BuildKit's Dockerfile reference and release notes).
    ///
    /// ```
    /// use dockwright::analysis::{Feature, FrontendVersion};
    ///
    /// assert_eq!(Feature::Heredoc.since(), FrontendVersion(1, 4));
    /// ```
    pub fn since(self) -> FrontendVersion {
        let minor = match self {
            Feature::RunMount | Feature::Chmod => 2,
            Feature::RunNetwork => 3,
            Feature::Heredoc | Feature::Link => 4,
            Feature::AddChecksum => 6,
            Feature::CheckDirective => 8,
            Feature::SecretEnv => 10,
            Feature::OnBuildFrom => 11,
            Feature::SymbolicChmod => 14,
            Feature::AddUnpack => 17,
            Feature::Exclude => 19,
            Feature::CopyParents | Feature::RunSecurity => 20,
        };
        FrontendVersion(1, minor)
    }

    /// What an older frontend does with it.
    ///
    /// ```
    /// use dockwright::analysis::{Feature, Older};
    ///
    /// assert_eq!(Feature::Exclude.older(), Older::Refuses);
    /// ```
    pub fn older(self) -> Older {
        match self {
            Feature::CheckDirective | Feature::SymbolicChmod => Older::Ignores,
            Feature::OnBuildFrom => Older::FailsInChild,
            _ => Older::Refuses,
        }
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Feature::RunMount => "RUN --mount",
            Feature::Chmod => "--chmod",
            Feature::RunNetwork => "RUN --network",
            Feature::Heredoc => "heredoc",
            Feature::Link => "--link",
            Feature::AddChecksum => "ADD --checksum",
            Feature::CheckDirective => "# check= directive",
            Feature::SecretEnv => "RUN --mount=type=secret,env=",
            Feature::OnBuildFrom => "ONBUILD with --from",
            Feature::SymbolicChmod => "symbolic --chmod",
            Feature::AddUnpack => "ADD --unpack",
            Feature::Exclude => "--exclude",
            Feature::CopyParents => "COPY --parents",
            Feature::RunSecurity => "RUN --security",
        })
    }
}

/// One use of a [`Feature`]: where (`None` for the file's directives).
///
/// ```
/// use dockwright::analysis::{Feature, FrontendNeed, Location};
///
/// let need = FrontendNeed { feature: Feature::Link, location: Some(Location { stage: 0, instruction: 2 }) };
/// assert_eq!(need.feature.since().to_string(), "1.4");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrontendNeed {
    /// The feature.
    pub feature: Feature,
    /// The instruction that uses it; `None` for a parser directive.
    pub location: Option<Location>,
}

/// Every use of a feature newer than frontend 1.0 in `dockerfile` as [`emit`](crate::emit::emit)
/// writes it, in file order (directives first); an instruction using several features is listed once
/// per feature. The newest [`Feature::since`] among them is the oldest frontend that builds the file.
///
/// ```
/// use dockwright::analysis::{frontend_needs, Feature};
/// use dockwright::{Base, Image, Run, Stage};
///
/// let mut image = Image::new();
/// image.stage(
///     Stage::new("app", Base::alpine("3.19"))
///         .run(Run::sh("pip install -r r.txt").cache("/root/.cache").network_none())
///         .run(Run::sh("test -n \"$TOKEN\"").secret_env("token", "TOKEN")),
/// );
/// let needs: Vec<Feature> = frontend_needs(&image.to_model().unwrap()).iter().map(|n| n.feature).collect();
/// assert_eq!(needs, [Feature::RunMount, Feature::RunNetwork, Feature::RunMount, Feature::SecretEnv]);
/// let newest = needs.iter().map(|f| f.since()).max().unwrap();
/// assert_eq!(newest.to_string(), "1.10");
/// ```
pub fn frontend_needs(dockerfile: &Dockerfile) -> Vec<FrontendNeed> {
    let mut needs = Vec::new();
    if dockerfile.directives.check.is_some() {
        needs.push(FrontendNeed { feature: Feature::CheckDirective, location: None });
    }
    let heredocs = emit::heredocs(dockerfile);
    for (stage_index, stage) in dockerfile.stages.iter().enumerate() {
        for (index, instruction) in stage.instructions.iter().enumerate() {
            let location = Location { stage: stage_index, instruction: index };
            let mut features = Vec::new();
            if heredocs.contains(&(stage_index, index)) {
                features.push(Feature::Heredoc);
            }
            instruction_features(instruction, &mut features);
            if let Instruction::OnBuild(onbuild) = instruction {
                if trigger_reads_another_stage(&onbuild.trigger) {
                    features.push(Feature::OnBuildFrom);
                }
            }
            features.sort();
            features.dedup();
            needs.extend(features.into_iter().map(|feature| FrontendNeed { feature, location: Some(location) }));
        }
    }
    needs
}

fn instruction_features(instruction: &Instruction, out: &mut Vec<Feature>) {
    let chmod = |mode: &Option<crate::model::Chmod>, out: &mut Vec<Feature>| {
        if let Some(mode) = mode {
            let octal = mode.as_str().chars().all(|c| c.is_ascii_digit());
            out.push(if octal { Feature::Chmod } else { Feature::SymbolicChmod });
        }
    };
    match instruction {
        Instruction::Run(run) => run_features(run, out),
        Instruction::Copy(copy) => {
            chmod(&copy.chmod, out);
            if copy.link {
                out.push(Feature::Link);
            }
            if copy.parents {
                out.push(Feature::CopyParents);
            }
            if !copy.excludes.is_empty() {
                out.push(Feature::Exclude);
            }
        }
        Instruction::Add(add) => {
            chmod(&add.chmod, out);
            if add.link {
                out.push(Feature::Link);
            }
            if add.checksum.is_some() {
                out.push(Feature::AddChecksum);
            }
            if add.unpack.is_some() {
                out.push(Feature::AddUnpack);
            }
            if !add.excludes.is_empty() {
                out.push(Feature::Exclude);
            }
        }
        Instruction::OnBuild(onbuild) => instruction_features(&onbuild.trigger, out),
        _ => {}
    }
}

fn run_features(run: &Run, out: &mut Vec<Feature>) {
    if !run.mounts.is_empty() {
        out.push(Feature::RunMount);
    }
    if run.mounts.iter().any(|mount| matches!(mount, Mount::Secret { env: Some(_), .. })) {
        out.push(Feature::SecretEnv);
    }
    if run.network.is_some() {
        out.push(Feature::RunNetwork);
    }
    if run.security.is_some() {
        out.push(Feature::RunSecurity);
    }
}

/// Whether an ONBUILD trigger reads another stage or image (`COPY --from`, a mount `from=`).
fn trigger_reads_another_stage(trigger: &Instruction) -> bool {
    match trigger {
        Instruction::Copy(copy) => copy.from.is_some(),
        Instruction::Run(run) => run.mounts.iter().any(|mount| match mount {
            Mount::Bind { from, .. } | Mount::Cache { from, .. } => from.is_some(),
            _ => false,
        }),
        _ => false,
    }
}
