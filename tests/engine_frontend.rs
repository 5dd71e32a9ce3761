//! `analysis::frontend_needs` against the engine's built-in Dockerfile frontend: one small file per
//! feature, each built offline; the engine must accept exactly the features up to one frontend
//! version and refuse every newer one (a feature an older frontend ignores must build either way).
//! The test prints that version range (`cargo test --features engine --test engine_frontend --
//! --nocapture`); book/src/engine.md records it.
#![cfg(feature = "engine")]

#[path = "support/scratch.rs"]
mod scratch;

use dockwright::analysis::{Feature, Older, frontend_needs};
use dockwright::emit;
use dockwright::engine::{BuildRequest, EngineErrorKind, Progress};
use dockwright::import::{lower, parse};

use scratch::{BASE, Scratch, engine, unique_tag};

/// How a case shows that the engine supports its feature.
#[derive(Clone, Copy, PartialEq)]
enum Probe {
    /// The file builds.
    Builds,
    /// The file fails, with this text in the error (a check that only a supporting frontend makes).
    FailsWith(&'static str),
    /// The file builds, and so does an image built `FROM` it (the ONBUILD trigger runs there).
    ChildBuilds,
}

/// One file per feature (on the local base; the context has a file `f` with mode 644), and how support
/// shows: where an older frontend would build the file without the feature's effect, the file checks
/// the effect. `ADD --checksum` is not here: it takes only HTTP sources, and the engine has no network.
fn cases() -> Vec<(Feature, String, Probe)> {
    let from = format!("FROM {BASE}\n");
    use Probe::{Builds, ChildBuilds, FailsWith};
    vec![
        (Feature::RunMount, format!("{from}RUN --mount=type=tmpfs,target=/t true\n"), Builds),
        (Feature::Chmod, format!("{from}COPY --chmod=600 f /f\nRUN test \"$(stat -c %a /f)\" = 600\n"), Builds),
        (Feature::RunNetwork, format!("{from}RUN --network=none true\n"), Builds),
        (Feature::Heredoc, format!("{from}RUN <<EOF\nset -e\ntrue\ntrue\nEOF\n"), Builds),
        (Feature::Link, format!("{from}COPY --link f /f\n"), Builds),
        (
            Feature::CheckDirective,
            format!("# check=error=true\n{from}MAINTAINER ops\n"),
            FailsWith("MaintainerDeprecated"),
        ),
        (Feature::SecretEnv, format!("{from}RUN --mount=type=secret,id=s,env=S,required=false true\n"), Builds),
        (Feature::OnBuildFrom, format!("{from}ONBUILD COPY --from={BASE} /etc/hostname /x\n"), ChildBuilds),
        (Feature::SymbolicChmod, format!("{from}COPY --chmod=u+x f /f\nRUN test \"$(stat -c %a /f)\" = 744\n"), Builds),
        (Feature::AddUnpack, format!("{from}ADD --unpack=false f /f\n"), Builds),
        (Feature::Exclude, format!("{from}COPY --exclude=*.tmp f /x/\n"), Builds),
        (Feature::CopyParents, format!("{from}COPY --parents f /x/\n"), Builds),
        (Feature::RunSecurity, format!("{from}RUN --security=sandbox true\n"), Builds),
    ]
}

#[test]
fn the_engine_supports_exactly_the_features_up_to_one_version() {
    let Some(engine) = engine() else { return };
    let mut scratch = Scratch::new(&engine);
    let context = tempfile::tempdir().unwrap();
    let file = context.path().join("f");
    std::fs::write(&file, "file\n").unwrap();
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let mut build = |text: String| {
        let tag = unique_tag("frontend");
        scratch.images.push(tag.clone());
        let request = BuildRequest::new(text, context.path(), &tag).progress(Progress::Plain).no_cache(true);
        match engine.build(&request) {
            Ok(_) => Ok(tag),
            Err(err) if err.kind() == EngineErrorKind::BuildFailed => Err(err.to_string()),
            Err(err) => panic!("{err}"),
        }
    };

    let mut results = Vec::new();
    for (feature, text, probe) in cases() {
        // The file dockwright writes for it needs this feature and only older ones, as the analysis
        // reads it; that file is what is built.
        let lowered = lower(&parse(&text));
        assert!(!lowered.has_errors(), "{text}: {:?}", lowered.diagnostics);
        let needed: Vec<Feature> = frontend_needs(&lowered.dockerfile).iter().map(|need| need.feature).collect();
        assert!(
            needed.contains(&feature)
                && needed.iter().all(|other| other.since() < feature.since() || *other == feature),
            "{text:?} needs {needed:?}: {feature} must be the newest"
        );
        let built = build(emit(&lowered.dockerfile));
        let supported = match (probe, built) {
            (Probe::Builds, built) => built.is_ok(),
            (Probe::FailsWith(_), Ok(_)) => false,
            (Probe::FailsWith(check), Err(message)) => {
                assert!(message.contains(check), "{feature}: failed for another reason: {message}");
                true
            }
            (Probe::ChildBuilds, Ok(parent)) => build(format!("FROM {parent}\nRUN test -e /x\n")).is_ok(),
            (Probe::ChildBuilds, Err(message)) => {
                assert_ne!(feature.older(), Older::FailsInChild, "{feature}: the parent failed: {message}");
                false
            }
        };
        println!(
            "{:<30} since {:<5} {}",
            feature.to_string(),
            feature.since(),
            if supported { "supported" } else { "not supported" }
        );
        results.push((feature, supported));
    }

    let newest_supported = results.iter().filter(|(_, supported)| *supported).map(|(f, _)| f.since()).max();
    let oldest_unsupported = results.iter().filter(|(_, supported)| !*supported).map(|(f, _)| f.since()).min();
    if let (Some(supported), Some(unsupported)) = (newest_supported, oldest_unsupported) {
        assert!(
            supported < unsupported,
            "the engine supports a feature of {supported} but not one of {unsupported}: the table is wrong"
        );
    }
    println!(
        "built-in frontend: supports up to {}, not {}",
        newest_supported.map_or("1.0".to_string(), |v| v.to_string()),
        oldest_unsupported.map_or("any listed".to_string(), |v| v.to_string())
    );
}
