//! Bases whose reference comes from global ARGs (`ARG PY=3.12` + `FROM python:${PY}-slim`): the text
//! written, what BuildKit's front end (the importer, a port of it) reads back with the defaults and with
//! a `--build-arg`, and that analysis and the size estimate take the image the defaults give.

use std::collections::HashMap;

use dockwright::analysis::{ChangeSet, StageBase, Target, analyze, cache_impact};
use dockwright::estimate::{CatalogOracle, estimate};
use dockwright::import::{self, Command as Decoded};
use dockwright::model::{Dockerfile, Escape};
use dockwright::{Base, Image, OsFamily, Stage, Tool};
use pretty_assertions::assert_eq;

/// A builder on a Python version from an ARG, a runtime on an image whose registry and tag come from
/// ARGs (the tag's default built from the version), and a tools stage for an ARG-chosen platform.
fn image(escape: Escape) -> Image {
    let mut image = Image::new()
        .escape(escape)
        .arg("PY", Some("3.12"))
        .arg("REGISTRY", Some("registry.corp:5000"))
        .arg("TAG", Some("2.1"))
        .arg("VARIANT", None)
        .arg("TOOLS_PLATFORM", Some("linux/arm64"));
    let build = image.stage(Stage::new("build", Base::python("${PY}").slim()).run("python3 -m venv /venv"));
    image.stage(
        Stage::new("tools", Base::image("busybox:1.36${VARIANT}", OsFamily::Debian))
            .platform("$TOOLS_PLATFORM")
            .run("true"),
    );
    image.stage(
        Stage::new("app", Base::image("$REGISTRY/team/runtime:${TAG}", OsFamily::Debian))
            .copy_from(&build, ["/venv"], "/venv")
            .install(["curl"]),
    );
    image
}

fn model(image: &Image) -> Dockerfile {
    image.to_model().unwrap_or_else(|errors| panic!("invalid image: {errors}"))
}

#[test]
fn the_from_lines_are_written_for_buildkit_to_expand() {
    let text = "ARG PY=3.12\n\
                ARG REGISTRY=registry.corp:5000\n\
                ARG TAG=2.1\n\
                ARG VARIANT\n\
                ARG TOOLS_PLATFORM=linux/arm64\n\
                \n\
                FROM python:${PY}-slim AS build\n\
                RUN python3 -m venv /venv\n\
                \n\
                FROM --platform=$TOOLS_PLATFORM busybox:1.36${VARIANT} AS tools\n\
                RUN true\n\
                \n\
                FROM ${REGISTRY}/team/runtime:${TAG} AS app\n\
                COPY --from=build [\"/venv\", \"/venv\"]\n\
                RUN apt-get update \\\n \
                && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \\\n \
                && rm -rf /var/lib/apt/lists/*\n";
    assert_eq!(image(Escape::Backslash).emit().unwrap(), text);
    // The escape character does not touch a FROM line: it has nothing to escape.
    let backtick = image(Escape::Backtick).emit().unwrap();
    assert!(backtick.starts_with("# escape=`\n\nARG PY=3.12\n"), "{backtick}");
    assert!(backtick.contains("\nFROM python:${PY}-slim AS build\n"), "{backtick}");
    assert!(backtick.contains("\nFROM ${REGISTRY}/team/runtime:${TAG} AS app\n"), "{backtick}");
}

#[test]
fn the_bases_keep_what_is_known_about_them() {
    let build = Stage::new("build", Base::python("${PY}").slim());
    assert_eq!(build.base().family(), OsFamily::Debian);
    assert_eq!(build.base().tools().iter().collect::<Vec<_>>(), [&Tool::Python]);
    assert!(build.healthcheck_http(8000, "/health").is_ok(), "python3 is the probe, as for python:3.12-slim");
    let alpine = Stage::new("tools", Base::node("${NODE}").alpine());
    assert_eq!(alpine.base().family(), OsFamily::Alpine);
    assert_eq!(alpine.base().describe(), "node:${NODE}-alpine (alpine)");
}

/// The `FROM` images BuildKit's front end reads from `text`, with `build_args` given as `--build-arg`:
/// the global ARGs decoded in order (each default seeing the ones before it), then each FROM decoded with
/// them.
fn from_images(text: &str, build_args: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
    let parsed = import::parse(text);
    assert!(parsed.errors.is_empty() && parsed.warnings.is_empty(), "{:?} {:?}", parsed.errors, parsed.warnings);
    let escape = parsed.ast.directives.escape;
    let mut globals: HashMap<String, String> = HashMap::new();
    let mut images = Vec::new();
    for node in &parsed.ast.nodes {
        let env = |name: &str| globals.get(name).cloned();
        match import::decode(node, escape, &env).unwrap_or_else(|err| panic!("{err} in\n{text}")) {
            Decoded::Arg(pairs) if images.is_empty() => {
                for (name, default) in pairs {
                    let given = build_args.iter().find(|(arg, _)| *arg == name).map(|(_, value)| value.to_string());
                    globals.insert(name, given.or(default).unwrap_or_default());
                }
            }
            Decoded::From { image, platform, .. } => images.push((image, platform)),
            _ => {}
        }
    }
    images
}

#[test]
fn the_importer_reads_back_the_defaults_and_follows_build_args() {
    for escape in [Escape::Backslash, Escape::Backtick] {
        let image = image(escape);
        let dockerfile = model(&image);
        let text = image.emit().unwrap();
        let defaults: Vec<String> = dockerfile
            .stages
            .iter()
            .map(|stage| dockerfile.base_image(&stage.from.base).unwrap().unwrap().to_string())
            .collect();
        assert_eq!(defaults, ["python:3.12-slim", "busybox:1.36", "registry.corp:5000/team/runtime:2.1"]);
        let read: Vec<(String, Option<String>)> = from_images(&text, &[]);
        assert_eq!(
            read,
            [
                ("python:3.12-slim".to_string(), None),
                ("busybox:1.36".to_string(), Some("linux/arm64".to_string())),
                ("registry.corp:5000/team/runtime:2.1".to_string(), None),
            ]
        );
        let given = [("PY", "3.13"), ("VARIANT", "-musl"), ("REGISTRY", "localhost:5000"), ("TAG", "3.0")];
        let read: Vec<String> = from_images(&text, &given).into_iter().map(|(image, _)| image).collect();
        assert_eq!(read, ["python:3.13-slim", "busybox:1.36-musl", "localhost:5000/team/runtime:3.0"]);
    }
}

#[test]
fn a_default_built_from_earlier_global_args_is_expanded_like_buildkit() {
    let mut dockerfile = model(&image(Escape::Backslash));
    // `ARG TAG=${PY}-runtime`: a default may read the global ARGs before it.
    dockerfile.args[2].default = Some(dockwright::Value::template("${PY}-runtime").unwrap());
    let text = dockwright::emit(&dockerfile);
    assert!(text.contains("\nARG TAG=${PY}-runtime\n"), "{text}");
    let app = &dockerfile.stages[2].from.base;
    assert_eq!(
        dockerfile.base_image(app).unwrap().unwrap().to_string(),
        "registry.corp:5000/team/runtime:3.12-runtime"
    );
    assert_eq!(from_images(&text, &[])[2].0, "registry.corp:5000/team/runtime:3.12-runtime");
}

#[test]
fn analysis_takes_the_image_the_defaults_give() {
    let analysis = analyze(&model(&image(Escape::Backslash)));
    let bases: Vec<&StageBase> = analysis.stages().iter().map(|stage| &stage.base).collect();
    assert_eq!(
        bases,
        [
            &StageBase::Image("python:3.12-slim".into()),
            &StageBase::Image("busybox:1.36".into()),
            &StageBase::Image("registry.corp:5000/team/runtime:2.1".into()),
        ]
    );
    // An update of the default image misses the steps built on it, named as the default image.
    let changes = ChangeSet { bases: vec!["python:3.12-slim".into()], ..ChangeSet::default() };
    let report = cache_impact(&analysis, Target::Default, &changes).unwrap();
    let missed: Vec<(usize, String, Vec<String>)> = report
        .missed()
        .map(|step| (step.location.stage, step.keyword.clone(), step.reasons.iter().map(ToString::to_string).collect()))
        .collect();
    let reason = |stage: usize, keyword: &str, why: &str| (stage, keyword.to_string(), vec![why.to_string()]);
    assert_eq!(
        missed,
        [
            reason(0, "RUN", "base image python:3.12-slim changed"),
            reason(2, "COPY", "copies from a stage that was rebuilt: `build: RUN python3 -m venv /venv` missed"),
            reason(2, "RUN", "builds on `app: COPY --from=build /venv /venv`, which missed"),
        ]
    );
}

#[test]
fn the_estimate_looks_up_the_image_the_defaults_give() {
    let catalog = CatalogOracle::from_tsv(
        "image\tbytes\npython:3.12-slim\t119200000\nregistry.corp:5000/team/runtime:2.1\t80000000\n",
    );
    let report = estimate(&model(&image(Escape::Backslash)), &catalog);
    let stages: Vec<(&str, &str, Option<u64>)> = report
        .stages
        .iter()
        .map(|stage| (stage.name.as_str(), stage.from.as_str(), stage.base.as_ref().ok().map(|base| base.high)))
        .collect();
    assert_eq!(
        stages,
        [
            ("build", "python:3.12-slim", Some(119_200_000)),
            ("tools", "busybox:1.36", None),
            ("app", "registry.corp:5000/team/runtime:2.1", Some(80_000_000)),
        ]
    );
}

#[test]
fn a_model_with_templated_bases_survives_json() {
    let dockerfile = model(&image(Escape::Backslash));
    let json = serde_json::to_value(&dockerfile).unwrap();
    assert_eq!(json["stages"][0]["from"]["base"], serde_json::json!({ "template": "python:${PY}-slim" }));
    let back: Dockerfile = serde_json::from_value(json).unwrap();
    assert_eq!(back, dockerfile);
    let bad = serde_json::json!({ "template": "python:${PY} slim" });
    let err = serde_json::from_value::<dockwright::model::BaseImage>(bad).unwrap_err().to_string();
    assert!(err.starts_with("image reference \"python:${PY} slim\" holds ' '"), "{err}");
}

#[test]
fn image_templates_hold_only_reference_characters_and_plain_variables() {
    use dockwright::ImageTemplate;

    let cases: &[(&str, Result<&str, &str>)] = &[
        ("$A$B", Ok("${A}${B}")),
        ("${A}", Ok("${A}")),
        ("r.io:5000/a_b/c-d:${T}@sha256:${D}", Ok("r.io:5000/a_b/c-d:${T}@sha256:${D}")),
        ("python:3.12", Err("image reference \"python:3.12\" uses no ${NAME} variable: write it as an ImageRef")),
        ("a:$", Err("image reference \"a:$\" has a '$' without a variable name after it: write ${NAME}")),
        ("a:${}", Err("image reference \"a:${}\" has a '$' without a variable name after it: write ${NAME}")),
        (
            "a:${1T}",
            Err("image reference \"a:${1T}\": invalid variable name '1T': use letters, digits and '_', not starting \
                 with a digit"),
        ),
        ("a:${T", Err("image reference \"a:${T\" opens '${' without a closing '}'")),
        (
            "a:${T-x}",
            Err(
                "image reference \"a:${T-x}\" uses '${T-...}': dockwright expands only plain ${NAME} in FROM; give the \
                 default to the global ARG instead, with Image::arg(\"T\", Some(default))",
            ),
        ),
        (
            "a:${T:+x}",
            Err("image reference \"a:${T:+x}\" uses '${T:+...}': dockwright expands only plain ${NAME} in FROM; give \
                 the default to the global ARG instead, with Image::arg(\"T\", Some(default))"),
        ),
        (
            "a:\\${T}",
            Err(
                "image reference \"a:\\\\${T}\" holds '\\\\', which no image reference has: use letters, digits, '.', \
                 '_', '-', '/', ':', '@' and ${NAME} variables",
            ),
        ),
        (
            "\"a\":${T}",
            Err("image reference \"\\\"a\\\":${T}\" holds '\"', which no image reference has: use letters, digits, \
                 '.', '_', '-', '/', ':', '@' and ${NAME} variables"),
        ),
    ];
    for (text, expected) in cases {
        let got = ImageTemplate::parse(text).map(|t| t.to_string()).map_err(|e| e.to_string());
        assert_eq!(got, expected.map(str::to_string).map_err(str::to_string), "{text}");
    }
}

/// A `--build-arg` for a global ARG that a `FROM` line reads may name another base image (`PY=3.13` turns
/// `python:${PY}-slim` into `python:3.13-slim`): the steps built on that base miss, with a reason naming
/// the ARG; steps on other bases, and args no `FROM` reads, are untouched.
#[test]
fn a_changed_build_arg_that_a_from_line_reads_misses_that_stage() {
    let analysis = analyze(&model(&image(Escape::Backslash)));
    let base_args: Vec<&[String]> = analysis.stages().iter().map(|stage| stage.base_args.as_slice()).collect();
    assert_eq!(
        base_args,
        [&["PY".to_string()][..], &["TOOLS_PLATFORM".into(), "VARIANT".into()], &["REGISTRY".into(), "TAG".into()]]
    );

    let on_py = "build arg PY changed, which names the base image (python:3.12-slim by default)";
    let on_tag = "build arg TAG changed, which names the base image (registry.corp:5000/team/runtime:2.1 by default)";
    let copied = "copies from a stage that was rebuilt: `build: RUN python3 -m venv /venv` missed";
    let after_copy = "builds on `app: COPY --from=build /venv /venv`, which missed";
    // (changed arg, target, the steps that miss: stage, keyword, reasons)
    type Misses<'a> = &'a [(usize, &'a str, &'a [&'a str])];
    let cases: [(&str, &str, Misses); 6] = [
        ("PY", "app", &[(0, "RUN", &[on_py]), (2, "COPY", &[copied]), (2, "RUN", &[after_copy])]),
        ("PY", "build", &[(0, "RUN", &[on_py])]),
        (
            "TAG",
            "app",
            &[(2, "COPY", &[on_tag]), (2, "RUN", &["builds on `app: COPY --from=build /venv /venv`, which missed"])],
        ),
        (
            "TOOLS_PLATFORM",
            "tools",
            &[(1, "RUN", &["build arg TOOLS_PLATFORM changed, which names the base image (busybox:1.36 by default)"])],
        ),
        ("TOOLS_PLATFORM", "app", &[]),
        ("UNUSED", "app", &[]),
    ];
    for (arg, target, expected) in cases {
        let changes = ChangeSet { args: vec![(arg.into(), Some("x".into()))], ..ChangeSet::default() };
        let report = cache_impact(&analysis, target, &changes).unwrap();
        let missed: Vec<(usize, String, Vec<String>)> = report
            .missed()
            .map(|step| {
                (step.location.stage, step.keyword.clone(), step.reasons.iter().map(ToString::to_string).collect())
            })
            .collect();
        let expected: Vec<(usize, String, Vec<String>)> = expected
            .iter()
            .map(|(stage, keyword, why)| (*stage, keyword.to_string(), why.iter().map(|w| w.to_string()).collect()))
            .collect();
        assert_eq!(missed, expected, "--build-arg {arg}, target {target}");
    }
}

/// The ARG reaches the base through another ARG's default, and the stage that runs steps is built on a
/// stage without layers: the chain still starts at the ARG-named image.
#[test]
fn a_base_arg_reaches_through_defaults_and_stages_without_layers() {
    let mut image = Image::new().arg("PY", Some("3.12")).arg("TAG", Some("3.12-slim"));
    let base = image.stage(Stage::new("base", Base::image("python:${TAG}", OsFamily::Debian)).env("MODE", "prod"));
    image.stage(Stage::new("app", &base).run("python3 -V"));
    let mut dockerfile = model(&image);
    // `ARG TAG=${PY}-slim`
    dockerfile.args[1].default = Some(dockwright::Value::template("${PY}-slim").unwrap());
    let analysis = analyze(&dockerfile);
    assert_eq!(analysis.stages()[0].base_args, ["PY", "TAG"]);
    assert!(analysis.stages()[1].base_args.is_empty());
    let changes = ChangeSet { args: vec![("PY".into(), Some("3.13".into()))], ..ChangeSet::default() };
    let report = cache_impact(&analysis, Target::Default, &changes).unwrap();
    let missed: Vec<(String, Vec<String>)> = report
        .missed()
        .map(|step| (step.label.to_string(), step.reasons.iter().map(ToString::to_string).collect()))
        .collect();
    assert_eq!(
        missed,
        [(
            "app: RUN python3 -V".to_string(),
            vec!["build arg PY changed, which names the base image (python:3.12-slim by default)".to_string()]
        )]
    );
}
