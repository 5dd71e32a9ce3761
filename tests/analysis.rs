//! Analysis, cache impact and expected rebuild cost, checked on hand-made images and on every seed
//! example in `dsl-examples/` (included like `tests/golden.rs` does).
//!
//! Each check states its input and the exact expected outcome as data: the stage graph, the variables
//! in scope, and for a change set the steps that miss with their reasons, written `stage:index KEYWORD
//! reason; reason`.

#[path = "support/seeds.rs"]
mod seeds;

use dockwright::analysis::{
    Activity, Analysis, ChangeModel, ChangeSet, DependencyKind, MissReason, Package, RunWrites, StageBase,
    StageDependency, Target, VarKind, analyze, analyze_for, cache_impact, expected_rebuild_cost,
};
use dockwright::model::{self, BaseImage, Dockerfile, FromInstruction, Instruction, Mount};
use dockwright::{Base, Copy, FlagValue, Image, ImageRef, Run, Stage, Value};
use pretty_assertions::assert_eq;
use seeds::{SOURCE_EDITS, images, is_dependency_install, personal_assistant, seed_naive, spec_editor};

// ------------------------------------------------------------------------------------------------
// Helpers: one per boundary.

fn model(image: &Image) -> Dockerfile {
    image.to_model().unwrap_or_else(|errors| panic!("invalid image: {errors}"))
}

/// The steps that miss after `changes`, as `stage:index KEYWORD reason; reason`.
fn misses(analysis: &Analysis, changes: &ChangeSet) -> Vec<String> {
    cache_impact(analysis, Target::Default, changes)
        .unwrap()
        .missed()
        .map(|step| {
            let reasons: Vec<String> = step.reasons.iter().map(|reason| reason.to_string()).collect();
            format!("{}:{} {} {}", step.location.stage, step.location.instruction, step.keyword, reasons.join("; "))
        })
        .collect()
}

fn check_misses(image: &Image, changes: &ChangeSet, expected: &[&str]) {
    assert_eq!(misses(&analyze(&model(image)), changes), expected);
}

fn paths(paths: &[&str]) -> ChangeSet {
    ChangeSet { paths: paths.iter().map(|p| p.to_string()).collect(), ..ChangeSet::default() }
}

// ------------------------------------------------------------------------------------------------
// The stage graph.

#[test]
fn stage_graph_of_personal_assistant() {
    let (_, image) = personal_assistant::images().remove(0);
    let analysis = analyze(&model(&image));
    let graph: Vec<(Option<String>, StageBase, Vec<usize>)> =
        analysis.stages().iter().map(|s| (s.name.clone(), s.base.clone(), s.dependencies())).collect();
    let named = |n: &str| Some(n.to_string());
    assert_eq!(
        graph,
        [
            (named("builder"), StageBase::Image("python:3.11-slim".into()), vec![]),
            (named("runtime"), StageBase::Image("python:3.11-slim".into()), vec![0]),
            (named("dev-deps"), StageBase::Stage(0), vec![0]),
            (named("dev"), StageBase::Stage(1), vec![1, 2]),
            (named("stage"), StageBase::Stage(1), vec![1]),
            (named("prod"), StageBase::Stage(1), vec![1]),
        ]
    );
    let cases: [(usize, &[usize]); 6] =
        [(0, &[0]), (1, &[0, 1]), (2, &[0, 2]), (3, &[0, 1, 2, 3]), (4, &[0, 1, 4]), (5, &[0, 1, 5])];
    for (target, expected) in cases {
        assert_eq!(analysis.reachable_from(target), expected, "target {target}");
    }
    assert_eq!(analysis.target(), Some(5));
    assert_eq!(
        analysis.stages()[3].depends_on,
        [
            StageDependency { stage: 1, kind: DependencyKind::Base, paths: vec![] },
            StageDependency {
                stage: 2,
                kind: DependencyKind::CopyFrom { instruction: 0 },
                paths: vec!["/opt/venv".into()]
            },
        ]
    );
}

#[test]
fn stage_graph_follows_copy_from_and_mount_from() {
    let mut image = Image::new();
    let deps = image.stage(Stage::new("deps", Base::golang("1.22").alpine()).run("go mod download"));
    let assets = image.stage(Stage::new("assets", Base::node("20").slim()).run("npm ci"));
    image.stage(Stage::new("unused", Base::alpine("3.19")).run("true"));
    let build = image.stage(
        Stage::new("build", &deps)
            .run(Run::sh("go build -o /out/app .").bind_from(&assets, "/dist", "/src/dist"))
            .copy_with(Copy::new(["/etc/ssl/certs/ca-certificates.crt"], "/certs/").from_image("alpine:3.19")),
    );
    image.stage(Stage::new("app", Base::distroless_static()).copy_from(&build, ["/out/app"], "/app"));
    let analysis = analyze(&model(&image));
    let deps_of: Vec<Vec<StageDependency>> = analysis.stages().iter().map(|s| s.depends_on.clone()).collect();
    assert_eq!(
        deps_of[3],
        [
            StageDependency { stage: 0, kind: DependencyKind::Base, paths: vec![] },
            StageDependency {
                stage: 1,
                kind: DependencyKind::MountFrom { instruction: 0 },
                paths: vec!["/dist".into()]
            },
        ]
    );
    assert_eq!(
        deps_of[4],
        [StageDependency {
            stage: 3,
            kind: DependencyKind::CopyFrom { instruction: 0 },
            paths: vec!["/out/app".into()]
        }]
    );
    assert_eq!(analysis.reachable_from(4), [0, 1, 3, 4]);
    assert_eq!(analysis.steps()[analysis.stages()[3].steps[1]].reads.images, ["alpine:3.19"]);
    // The unused stage is not built, so it is not in the report.
    let report = cache_impact(&analysis, Target::Default, &ChangeSet::default()).unwrap();
    let stages: Vec<usize> = report.steps.iter().map(|s| s.location.stage).collect();
    assert_eq!(stages, [0, 1, 3, 3, 4]);
}

// ------------------------------------------------------------------------------------------------
// Layers, reads and writes.

#[test]
fn layers_reads_and_writes_of_spec_editor() {
    let (_, image) = spec_editor::images().remove(0);
    let analysis = analyze(&model(&image));
    let runtime = &analysis.stages()[1];
    let rows: Vec<String> = runtime
        .steps
        .iter()
        .map(|&i| {
            let step = &analysis.steps()[i];
            let reads: Vec<String> = step.reads.context.iter().map(|r| r.pattern.clone()).collect();
            format!(
                "{} layer={} reads={:?} stages={:?} writes={:?} env={:?} config={:?}",
                step.keyword,
                step.layer,
                reads,
                step.reads.stages.iter().map(|r| (r.stage, r.paths.clone())).collect::<Vec<_>>(),
                step.writes.paths,
                step.writes.env,
                step.writes.config
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "RUN layer=true reads=[] stages=[] writes=[\"/home/app\", \"/usr/sbin/nologin\", \"/etc\", \"/home\", \"/var/mail\", \"/var/spool/mail\"] env=[] config=[]",
            "COPY layer=true reads=[] stages=[(0, [\"/opt/venv\"])] writes=[\"/opt/venv\"] env=[] config=[]",
            "ENV layer=false reads=[] stages=[] writes=[] env=[\"PATH\", \"PYTHONDONTWRITEBYTECODE\", \"PYTHONUNBUFFERED\"] config=[]",
            "WORKDIR layer=false reads=[] stages=[] writes=[\"/app\"] env=[] config=[Workdir]",
            "COPY layer=true reads=[\"app.py\"] stages=[] writes=[\"/app/app.py\"] env=[] config=[]",
            "COPY layer=true reads=[\"templates/\"] stages=[] writes=[\"/app/templates\"] env=[] config=[]",
            "ENV layer=false reads=[] stages=[] writes=[] env=[\"GH_REPO\", \"SPECS_PATH\", \"WORKFLOW_BRANCH\"] config=[]",
            "LABEL layer=false reads=[] stages=[] writes=[] env=[] config=[Label(\"org.opencontainers.image.title\"), Label(\"org.opencontainers.image.source\")]",
            "EXPOSE layer=false reads=[] stages=[] writes=[] env=[] config=[ExposedPorts]",
            "HEALTHCHECK layer=false reads=[] stages=[] writes=[] env=[] config=[Healthcheck]",
            "USER layer=false reads=[] stages=[] writes=[] env=[] config=[User]",
            "CMD layer=false reads=[] stages=[] writes=[] env=[] config=[Cmd]",
        ]
    );
    let copy_app = &analysis.steps()[runtime.steps[4]];
    assert_eq!(copy_app.reads.workdir.as_deref(), Some("/app"));
    assert!(copy_app.reads.user.is_none());
    let key = copy_app.key.as_ref().unwrap();
    assert_eq!(key.options, ["dest=/app/", "chown=10001:10001"]);
    // The account setup's write set is known: the user database, the home and the shell it names.
    assert!(!analysis.steps()[runtime.steps[0]].writes.any_path);
}

// ------------------------------------------------------------------------------------------------
// ARG scoping (reference.md, "Understand how ARG and FROM interact", "Scope").

#[test]
fn arg_scoping_global_stage_and_inherited() {
    let mut image = Image::new().arg("VERSION", Some("1.0"));
    let base = image.stage(
        Stage::new("base", Base::alpine("3.19"))
            .run("echo before")
            .arg("VERSION")
            .arg_default("MODE", "release")
            .run("echo $VERSION $MODE"),
    );
    image.stage(Stage::new("child", &base).run("echo inherited"));
    image.stage(Stage::new("other", Base::alpine("3.19")).run("echo unrelated").copy_from(
        &base,
        ["/etc/os-release"],
        "/x",
    ));
    let analysis = analyze(&model(&image));
    let scope = |stage: usize, step: usize| -> Vec<(String, VarKind, Option<String>)> {
        let index = analysis.stages()[stage].steps[step];
        analysis.steps()[index].scope.iter().map(|v| (v.name.clone(), v.kind, v.value.clone())).collect()
    };
    let arg = |name: &str, value: &str| (name.to_string(), VarKind::Arg, Some(value.to_string()));
    // Global ARGs are not in scope before their redeclaration.
    assert_eq!(scope(0, 0), []);
    // Redeclared without a value, a global ARG takes the global default.
    assert_eq!(scope(0, 3), [arg("VERSION", "1.0"), arg("MODE", "release")]);
    // FROM <stage> inherits the stage's ARGs; FROM <image> starts empty.
    assert_eq!(scope(1, 0), [arg("VERSION", "1.0"), arg("MODE", "release")]);
    assert_eq!(scope(2, 0), []);
    let key_args = |stage: usize, step: usize| {
        analysis.steps()[analysis.stages()[stage].steps[step]].key.as_ref().map(|key| key.args.clone())
    };
    assert_eq!(key_args(0, 0), Some(vec![]));
    assert_eq!(key_args(0, 1), None);
    assert_eq!(key_args(0, 3), Some(vec!["MODE".into(), "VERSION".into()]));
    assert_eq!(key_args(1, 0), Some(vec!["MODE".into(), "VERSION".into()]));
    assert_eq!(key_args(2, 0), Some(vec![]));
    let run_env = analysis.steps()[analysis.stages()[0].steps[3]].key.as_ref().unwrap().env.clone();
    assert_eq!(run_env, ["MODE=release", "VERSION=1.0"]);
}

#[test]
fn build_arg_changes_miss_at_first_use_and_only_where_declared() {
    let mut image = Image::new().arg("VERSION", Some("1.0"));
    let base = image.stage(
        Stage::new("base", Base::alpine("3.19")).run("echo before").arg("VERSION").env("A", "1").run("echo $VERSION"),
    );
    image.stage(Stage::new("child", &base).run("echo inherited").copy(["a.txt"], "/a.txt"));
    let changed = |name: &str| ChangeSet { args: vec![(name.to_string(), Some("2.0".into()))], ..ChangeSet::default() };
    check_misses(
        &image,
        &changed("VERSION"),
        &[
            "0:3 RUN build arg VERSION changed",
            "1:0 RUN builds on `base: RUN echo $VERSION`, which missed; build arg VERSION changed",
            "1:1 COPY builds on `child: RUN echo inherited`, which missed",
        ],
    );
    // Undeclared args (the predefined proxy args included) change no key.
    check_misses(&image, &changed("HTTP_PROXY"), &[]);
    check_misses(&image, &changed("OTHER"), &[]);
}

// ------------------------------------------------------------------------------------------------
// Source edits: the naive Dockerfile against the seed examples.

fn naive_python() -> Image {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::python("3.12").slim())
            .workdir("/app")
            .copy(["."], "./")
            .run("pip install -r requirements.txt")
            .cmd(["python", "app.py"]),
    );
    image
}

#[test]
fn naive_copy_everything_reruns_the_install_on_a_source_edit() {
    check_misses(
        &naive_python(),
        &paths(&["app.py"]),
        &["0:1 COPY reads changed path app.py (via .)", "0:2 RUN builds on `app: COPY . ./`, which missed"],
    );
}

#[test]
fn examples_never_rerun_dependency_installs_on_a_source_edit() {
    for (example, service, image) in images() {
        let dockerfile = model(&image);
        let analysis = analyze(&dockerfile);
        let dockerignore: Vec<String> = image.dockerignore_text().lines().map(str::to_string).collect();
        for edit in SOURCE_EDITS {
            let changes =
                ChangeSet { paths: vec![edit.to_string()], dockerignore: dockerignore.clone(), ..ChangeSet::default() };
            for step in cache_impact(&analysis, Target::Default, &changes).unwrap().missed() {
                let command =
                    analysis.steps()[step.step].key.as_ref().and_then(|k| k.command.clone()).unwrap_or_default();
                assert!(
                    !is_dependency_install(&command),
                    "{example}/{service}: editing {edit} reruns the install {command} ({:?})",
                    step.reasons
                );
            }
        }
    }
}

#[test]
fn spec_editor_source_edit_reruns_only_its_copies() {
    let (_, image) = spec_editor::images().remove(0);
    check_misses(
        &image,
        &paths(&["app.py"]),
        &[
            "1:4 COPY reads changed path app.py (via app.py)",
            "1:5 COPY builds on `runtime: COPY app.py ./`, which missed",
        ],
    );
    check_misses(
        &image,
        &paths(&["requirements.txt"]),
        &[
            "0:2 COPY reads changed path requirements.txt (via requirements.txt)",
            "0:3 COPY builds on `builder: COPY requirements.txt ./`, which missed",
            "0:4 RUN builds on `builder: COPY vendor/wheels ./wheels/`, which missed",
            "1:1 COPY copies from a stage that was rebuilt: `builder: RUN /opt/venv/bin/pip install --no-cache-dir --no-index ...` missed",
            "1:4 COPY builds on `runtime: COPY --from=builder /opt/venv /opt/venv`, which missed",
            "1:5 COPY builds on `runtime: COPY app.py ./`, which missed",
        ],
    );
    // A template edit reruns only the last COPY; an ignored file reruns nothing.
    let ignore: Vec<String> = image.dockerignore_text().lines().map(str::to_string).collect();
    let edit =
        |path: &str| ChangeSet { paths: vec![path.into()], dockerignore: ignore.clone(), ..ChangeSet::default() };
    check_misses(
        &image,
        &edit("templates/index.html"),
        &["1:5 COPY reads changed path templates/index.html (via templates/)"],
    );
    check_misses(&image, &edit("templates/__pycache__/x.pyc"), &[]);
}

// ------------------------------------------------------------------------------------------------
// Chain breaks: --link and separate stages.

#[test]
fn copy_link_does_not_depend_on_its_parent() {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::alpine("3.19"))
            .run("apk add --no-cache curl")
            .copy_with(Copy::new(["app.py"], "/app/").link())
            .copy_with(Copy::new(["conf/"], "/etc/app/").link())
            .run("true"),
    );
    let base = ChangeSet { bases: vec!["alpine".into()], ..ChangeSet::default() };
    check_misses(
        &image,
        &base,
        &[
            "0:0 RUN base image alpine:3.19 changed",
            "0:3 RUN builds on `app: RUN apk add --no-cache curl`, which missed",
        ],
    );
    check_misses(
        &image,
        &paths(&["app.py"]),
        &[
            "0:1 COPY reads changed path app.py (via app.py)",
            "0:3 RUN builds on `app: COPY app.py /app/`, which missed",
        ],
    );
    let key = analyze(&model(&image)).steps()[1].key.clone().unwrap();
    assert!(!key.chains_parent);
}

#[test]
fn separate_stages_only_depend_on_what_they_copy() {
    let mut image = Image::new();
    let web = image
        .stage(Stage::new("web", Base::node("20").slim()).copy(["web/"], "/web/").run("npm ci").run("npm run build"));
    let api = image.stage(
        Stage::new("api", Base::golang("1.22").alpine()).copy(["api/"], "/api/").run("go build -o /out/api ./api"),
    );
    image.stage(Stage::new("app", Base::alpine("3.19")).copy_from(&api, ["/out/api"], "/api").copy_from(
        &web,
        ["/web/dist"],
        "/www",
    ));
    check_misses(
        &image,
        &paths(&["web/index.ts"]),
        &[
            "0:0 COPY reads changed path web/index.ts (via web/)",
            "0:1 RUN builds on `web: COPY web/ /web/`, which missed",
            "0:2 RUN builds on `web: RUN npm ci`, which missed",
            "2:1 COPY copies from a stage that was rebuilt: `web: RUN npm run build` missed",
        ],
    );
    check_misses(
        &image,
        &paths(&["api/main.go"]),
        &[
            "1:0 COPY reads changed path api/main.go (via api/)",
            "1:1 RUN builds on `api: COPY api/ /api/`, which missed",
            "2:0 COPY copies from a stage that was rebuilt: `api: RUN go build -o /out/api ./api` missed",
            "2:1 COPY builds on `app: COPY --from=api /out/api /api`, which missed",
        ],
    );
}

// ------------------------------------------------------------------------------------------------
// Every reason, and the context rules (globs, --exclude, .dockerignore, mounts).

#[test]
fn every_miss_reason() {
    let mut image = Image::new();
    let builder = image.stage(Stage::new("builder", Base::alpine("3.19")).arg("V").run("echo $V > /out"));
    image.stage(
        Stage::new("app", Base::debian("12-slim"))
            .copy(["*.py"], "/app/")
            .copy_with(Copy::new(["/bin/busybox"], "/bin/").from_image("busybox:1.36"))
            .copy_from(&builder, ["/out"], "/out"),
    );
    let analysis = analyze(&model(&image));
    let impact = |changes: &ChangeSet| cache_impact(&analysis, Target::Default, changes).unwrap();
    let reasons = |changes: ChangeSet| -> Vec<String> {
        impact(&changes)
            .missed()
            .flat_map(|step| step.reasons.iter().map(|r| r.to_string()).collect::<Vec<_>>())
            .collect()
    };
    assert_eq!(
        reasons(paths(&["main.py"])),
        [
            "reads changed path main.py (via *.py)",
            "builds on `app: COPY *.py /app/`, which missed",
            "builds on `app: COPY --from=busybox:1.36 /bin/busybox /bin/`, which missed",
        ]
    );
    // The reasons hold the steps they cite, by index and for a reader.
    let copy = &analysis.steps()[2];
    assert_eq!(
        impact(&paths(&["main.py"])).missed().nth(1).unwrap().reasons,
        [MissReason::ParentMissed { step: 2, label: copy.label.clone() }]
    );
    assert_eq!(
        reasons(ChangeSet { args: vec![("V".into(), None)], ..ChangeSet::default() }),
        ["build arg V changed", "copies from a stage that was rebuilt: `builder: RUN echo $V > /out` missed"]
    );
    let run = &analysis.steps()[1];
    assert_eq!(
        impact(&ChangeSet { args: vec![("V".into(), None)], ..ChangeSet::default() }).missed().nth(1).unwrap().reasons,
        [MissReason::SourceStageMissed { stage: 0, step: 1, label: run.label.clone() }]
    );
    assert_eq!(
        reasons(ChangeSet { bases: vec!["debian:12-slim".into()], ..ChangeSet::default() }),
        [
            "base image debian:12-slim changed",
            "builds on `app: COPY *.py /app/`, which missed",
            "builds on `app: COPY --from=busybox:1.36 /bin/busybox /bin/`, which missed",
        ]
    );
    assert_eq!(
        reasons(ChangeSet { bases: vec!["busybox:1.36".into()], ..ChangeSet::default() }),
        [
            "source image busybox:1.36 changed",
            "builds on `app: COPY --from=busybox:1.36 /bin/busybox /bin/`, which missed"
        ]
    );
    assert_eq!(
        reasons(ChangeSet { bases: vec!["alpine:3.19".into()], ..ChangeSet::default() }),
        [
            "base image alpine:3.19 changed",
            "copies from a stage that was rebuilt: `builder: RUN echo $V > /out` missed"
        ]
    );
    // A nested .py file is not matched by `*.py` (no `/` crossing); a README is not read at all.
    assert_eq!(reasons(paths(&["pkg/mod.py", "README.md"])), Vec::<String>::new());
}

#[test]
fn excludes_dockerignore_and_context_mounts() {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::python("3.12").slim())
            .copy_with(Copy::new(["."], "/app/").exclude("**/*.md").exclude("docs"))
            .run(Run::sh("pip install -r /tmp/requirements.txt").mount(Mount::Bind {
                target: FlagValue::new("/tmp/requirements.txt").unwrap(),
                source: Some(FlagValue::new("requirements.txt").unwrap()),
                from: None,
                rw: false,
            })),
    );
    let ignoring = |paths: &[&str]| ChangeSet {
        paths: paths.iter().map(|p| p.to_string()).collect(),
        dockerignore: vec!["tests".into(), "*.log".into(), "!keep.log".into()],
        ..ChangeSet::default()
    };
    check_misses(&image, &ignoring(&["README.md", "docs/index.html", "tests/test_a.py", "debug.log"]), &[]);
    check_misses(
        &image,
        &ignoring(&["keep.log"]),
        &["0:0 COPY reads changed path keep.log (via .)", "0:1 RUN builds on `app: COPY . /app/`, which missed"],
    );
    check_misses(
        &image,
        &ignoring(&["requirements.txt"]),
        &[
            "0:0 COPY reads changed path requirements.txt (via .)",
            "0:1 RUN builds on `app: COPY . /app/`, which missed; reads changed path requirements.txt (via requirements.txt)",
        ],
    );
}

#[test]
fn model_level_images_analyse_too() {
    // Built from model types directly: COPY --from an image by reference, and a scratch stage.
    let mut dockerfile = Dockerfile::default();
    let mut stage = model::Stage::new(FromInstruction {
        platform: None,
        base: BaseImage::Image(ImageRef::parse("scratch").unwrap()),
        name: None,
    });
    let mut copy = model::Copy::new(vec![model::Source::path("app").unwrap()], dockwright::Line::new("/app").unwrap());
    copy.chmod = Some(dockwright::Chmod::new("0755").unwrap());
    stage.instructions.push(Instruction::Copy(copy));
    let mut env = model::Env::default();
    env.vars.insert(dockwright::VarName::new("A").unwrap(), Value::literal("1").unwrap());
    stage.instructions.push(Instruction::Env(env));
    dockerfile.stages.push(stage);
    let analysis = analyze(&dockerfile);
    assert_eq!(analysis.steps()[0].key.as_ref().unwrap().parent, dockwright::analysis::Parent::Scratch);
    // scratch never changes.
    check_dockerfile(&dockerfile, &ChangeSet { bases: vec!["scratch".into()], ..ChangeSet::default() }, &[]);
    check_dockerfile(&dockerfile, &paths(&["app"]), &["0:0 COPY reads changed path app (via app)"]);
}

fn check_dockerfile(dockerfile: &Dockerfile, changes: &ChangeSet, expected: &[&str]) {
    assert_eq!(misses(&analyze(dockerfile), changes), expected);
}

// ------------------------------------------------------------------------------------------------
// Expected rebuild cost: every example against a naive variant of itself in its seed's style (one
// `COPY . .` stage; per stage for appos's multi-stage build).

#[test]
fn examples_cost_less_to_rebuild_than_their_naive_variants() {
    let mut table = vec!["example/service: optimized vs naive".to_string()];
    for (example, service, image) in images() {
        let dockerfile = model(&image);
        let model = ChangeModel::default().with_dockerignore(image.dockerignore_text().lines());
        let optimized = expected_rebuild_cost(&analyze(&dockerfile), Target::Default, &model).unwrap();
        let naive_variant = seed_naive(example, service);
        let naive = expected_rebuild_cost(&analyze(&naive_variant(&dockerfile)), Target::Default, &model).unwrap();
        let edit = ChangeSet {
            paths: SOURCE_EDITS.iter().map(|p| p.to_string()).collect(),
            dockerignore: model.dockerignore.clone(),
            ..ChangeSet::default()
        };
        let rerun = |dockerfile: &Dockerfile| -> Vec<String> {
            cache_impact(&analyze(dockerfile), Target::Default, &edit)
                .unwrap()
                .missed()
                .map(|s| format!("{}:{} {}", s.location.stage, s.location.instruction, s.keyword))
                .collect()
        };
        table.push(format!(
            "{example}/{service}: {:.3} vs {:.3}; a source edit reruns {:?} vs {:?}",
            optimized.expected,
            naive.expected,
            rerun(&dockerfile),
            rerun(&naive_variant(&dockerfile))
        ));
        assert!(
            optimized.expected < naive.expected,
            "{example}/{service}: {} is not below the naive {}",
            optimized.expected,
            naive.expected
        );
        // Deterministic: the same input gives the same number.
        assert_eq!(expected_rebuild_cost(&analyze(&dockerfile), Target::Default, &model).unwrap(), optimized);
    }
    eprintln!("{}", table.join("\n"));
}

#[test]
fn spec_editor_against_the_hand_written_naive_dockerfile() {
    let (_, image) = spec_editor::images().remove(0);
    let model_ = ChangeModel::default().with_dockerignore(image.dockerignore_text().lines());
    let optimized = expected_rebuild_cost(&analyze(&model(&image)), Target::Default, &model_).unwrap();
    let naive = expected_rebuild_cost(&analyze(&model(&naive_python())), Target::Default, &model_).unwrap();
    assert!(optimized.expected < naive.expected, "{} vs {}", optimized.expected, naive.expected);
    // The optimized install only reruns when requirements, wheels or the base change.
    let install = optimized.per_step.iter().find(|s| s.weight == 10.0).unwrap();
    let expected = 1.0 - 0.99 * 0.95 * 0.95;
    assert!((install.miss_probability - expected).abs() < 1e-12, "{}", install.miss_probability);
    let naive_install = naive.per_step.iter().find(|s| s.weight == 10.0).unwrap();
    assert!(naive_install.miss_probability > 0.95, "{}", naive_install.miss_probability);
}

#[test]
fn build_arg_likelihoods_enter_the_cost() {
    let mut image = Image::new();
    image.stage(Stage::new("app", Base::alpine("3.19")).arg("V").run("apk add --no-cache curl"));
    let analysis = analyze(&model(&image));
    let quiet = expected_rebuild_cost(&analysis, Target::Default, &ChangeModel::default()).unwrap().expected;
    let mut model = ChangeModel::default();
    model.args.push(("V".into(), 0.5));
    let noisy = expected_rebuild_cost(&analysis, Target::Default, &model).unwrap().expected;
    assert!((quiet - 0.1).abs() < 1e-12 && (noisy - 10.0 * (1.0 - 0.99 * 0.5)).abs() < 1e-12, "{quiet} {noisy}");
}

/// Every example builds with the built-in frontend of the engine CI runs (Docker 26: features up to
/// 1.4 measured supported, 1.8 on not, by `tests/engine_frontend.rs`): none needs 1.8 or later. The
/// one 1.6 feature, `ADD --checksum` (emorobcare's verified model downloads), needs the network to
/// build at all, so it is not measured offline.
#[test]
fn examples_need_no_newer_frontend_than_the_engine_has() {
    let mut newest = Vec::new();
    for (example, service, image) in images() {
        let needs = dockwright::analysis::frontend_needs(&image.to_model().unwrap());
        let max = needs.iter().map(|need| need.feature.since()).max();
        if let Some(version) = max.filter(|version| *version > dockwright::lint::Options::DEFAULT_FRONTEND) {
            newest.push(format!("{example}/{service} needs frontend {version}: {needs:?}"));
        }
    }
    assert_eq!(newest, Vec::<String>::new());
}

// ------------------------------------------------------------------------------------------------
// RUN facts: installs and write sets, read once from the shell text.

/// What [`run_facts`] reports of one RUN: its installs, its write set (`None`: anywhere) and its activity.
type RunSummary = (Vec<String>, RunSummaryWrites, Option<Activity>);

/// A write set as paths, `None` for anywhere.
type RunSummaryWrites = Option<Vec<String>>;

/// One RUN's installs as `manager action program packages [flags]`, its writes, and its activity.
fn run_facts(base: Base, workdir: &str, text: &str) -> RunSummary {
    let mut image = Image::new();
    image.stage(Stage::new("app", base).workdir(workdir).run(text));
    let analysis = analyze(&model(&image));
    let facts = analysis.steps()[1].run.clone().unwrap();
    let installs = facts
        .installs
        .iter()
        .map(|i| {
            let packages: Vec<String> =
                i.packages.iter().map(|p| format!("{}|{}", p.name, p.pin.as_deref().unwrap_or(""))).collect();
            let mut flags = Vec::new();
            if i.recommends {
                flags.push("recommends");
            }
            if i.no_cache {
                flags.push("no-cache");
            }
            if i.cleaned {
                flags.push("cleaned");
            }
            format!(
                "{}:{:?} {:?} {} [{}] [{}]",
                i.command,
                i.manager,
                i.action,
                i.program,
                packages.join(" "),
                flags.join(" ")
            )
        })
        .collect();
    (installs, facts.writes.all(), facts.activity)
}

#[test]
fn run_installs_with_pins_and_flags() {
    let debian = || Base::debian("12-slim");
    let cases: Vec<(Base, &str, Vec<&str>)> = vec![
        (
            debian(),
            "apt-get update && apt-get install -y --no-install-recommends \"curl=7.88.*\" git \\\n && rm -rf /var/lib/apt/lists/*",
            vec!["0:Apt Update apt-get [] [cleaned]", "1:Apt Install apt-get [curl|=7.88.* git|] [cleaned]"],
        ),
        (debian(), "apt-get install -y curl", vec!["0:Apt Install apt-get [curl|] [recommends]"]),
        (
            debian(),
            "apt-get -o APT::Install-Recommends=false install -y curl && apt-get dist-clean",
            vec!["0:Apt Install apt-get [curl|] [cleaned]", "1:Apt Clean apt-get [] []"],
        ),
        (
            Base::alpine("3.19"),
            "apk add --no-cache --virtual .build curl=~8.5 'git>2'",
            vec!["0:Apk Install apk [curl|=~8.5 git|>2] [no-cache cleaned]"],
        ),
        (Base::alpine("3.19"), "apk add curl", vec!["0:Apk Install apk [curl|] []"]),
        (
            Base::python("3.12").slim(),
            "/opt/venv/bin/pip install --no-cache-dir -r requirements.txt flask==3.0.0 'uvicorn[standard]>=0.30' -c c.txt",
            vec!["0:Pip Install /opt/venv/bin/pip [flask|==3.0.0 uvicorn[standard]|>=0.30] [no-cache cleaned]"],
        ),
        (Base::python("3.12").slim(), "python3 -m pip install requests", vec!["0:Pip Install python3 [requests|] []"]),
        (
            Base::ubi9(),
            "dnf install -y --setopt=install_weak_deps=False tar && dnf clean all",
            vec!["0:Dnf Install dnf [tar|] [cleaned]", "1:Dnf Clean dnf [] []"],
        ),
        // Through sudo and env, and with a variable as a package (kept as written).
        (
            debian(),
            "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $PKGS",
            vec!["0:Apt Install apt-get [$PKGS|] [recommends]"],
        ),
        // npm: installs (a lockfile's with ci), pins after `@` (scoped names keep theirs), a later
        // `npm cache clean` cleans; its project scripts are not installs.
        (
            debian(),
            "npm ci && npm install -g --prefix /opt typescript@5.4.5 @types/node left-pad@latest && npm cache clean --force",
            vec![
                "0:Npm Install npm [] [cleaned]",
                "1:Npm Install npm [typescript|@5.4.5 @types/node| left-pad|@latest] [cleaned]",
                "2:Npm Clean npm [] []",
            ],
        ),
        (debian(), "npm run build && npm uninstall left-pad", vec!["1:Npm Remove npm [left-pad|] []"]),
        // Not package managers, or not commands at all.
        (debian(), "echo apt-get install curl && (apt-get install x)", vec![]),
    ];
    for (base, text, expected) in cases {
        assert_eq!(run_facts(base, "/app", text).0, expected, "{text}");
    }
}

#[test]
fn run_write_sets_are_known_or_anywhere() {
    let alpine = || Base::alpine("3.19");
    let paths = |list: &[&str]| Some(list.iter().map(|p| p.to_string()).collect::<Vec<_>>());
    // (RUN text, write set, activity)
    let cases: Vec<(&str, RunSummaryWrites, Option<Activity>)> = vec![
        (
            "mkdir -p data '/srv/my dir' && chown -R 10001:10001 data",
            paths(&["/app/data", "/srv/my dir"]),
            Some(Activity::Directories),
        ),
        (
            "ln -s /usr/bin/python3 /usr/local/bin/python",
            paths(&["/usr/bin/python3", "/usr/local/bin/python"]),
            Some(Activity::Directories),
        ),
        ("true", paths(&[]), Some(Activity::Directories)),
        (
            "addgroup -S app && adduser -S -G app -h /home/app app",
            paths(&["/home/app", "/etc", "/home", "/var/mail", "/var/spool/mail"]),
            Some(Activity::Accounts),
        ),
        (
            "python3 -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt",
            paths(&["/opt/venv", "/root/.cache/pip", "/app/requirements.txt"]),
            Some(Activity::VirtualEnv),
        ),
        // Known paths, but more than one kind of setup, or redirections: no activity.
        ("mkdir /data && echo ok > /data/ok 2>/dev/null", paths(&["/data", "/data/ok"]), None),
        ("rm -rf /var/cache/apk/* build", paths(&["/var/cache/apk", "/app/build"]), None),
        ("mkdir /x && useradd app", paths(&["/x", "/etc", "/home", "/var/mail", "/var/spool/mail"]), None),
        // What cannot be known.
        ("apk add --no-cache curl", None, None),
        ("mkdir $DIR", None, None),
        ("mkdir /data/*", None, None),
        ("(cd /x && make)", None, None),
        ("mkdir /x &&\n  make", None, None),
        ("useradd -d home/app app", None, None),
        ("pip install --user flask", None, None),
        ("cat <<EOF > /x\nhi\nEOF", None, None),
    ];
    for (text, writes, activity) in cases {
        let (_, found, kind) = run_facts(alpine(), "/app", text);
        assert_eq!((found, kind), (writes, activity), "{text}");
    }
    // The step's `Writes` says the same.
    let mut image = Image::new();
    image.stage(Stage::new("app", alpine()).run("mkdir /data").run("make"));
    let analysis = analyze(&model(&image));
    assert_eq!(
        (analysis.steps()[0].writes.paths.clone(), analysis.steps()[0].writes.any_path),
        (vec!["/data".to_string()], false)
    );
    assert!(analysis.steps()[1].writes.any_path && analysis.steps()[1].writes.paths.is_empty());
}

#[test]
fn exec_form_runs_are_one_command_of_their_argv() {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::alpine("3.19"))
            .run(Run::exec(["apk", "add", "--no-cache", "curl"]))
            .run(Run::exec(["mkdir", "/a b"])),
    );
    let analysis = analyze(&model(&image));
    let first = analysis.steps()[0].run.as_ref().unwrap();
    assert_eq!(first.script.commands()[0].words().collect::<Vec<_>>(), ["apk", "add", "--no-cache", "curl"]);
    assert_eq!(first.installs[0].packages, [Package::new("curl", None)]);
    assert_eq!(
        analysis.steps()[1].run.as_ref().unwrap().writes,
        RunWrites::Paths { paths: vec!["/a b".into()], inside: vec![] }
    );
}

#[test]
fn analyze_for_a_target_builds_what_it_needs() {
    let mut image = Image::new();
    let deps = image.stage(Stage::new("deps", Base::alpine("3.19")).run("apk add --no-cache curl"));
    let test = image.stage(Stage::new("test", &deps).run("true"));
    image.stage(Stage::new("docs", Base::alpine("3.19")));
    image.stage(Stage::new("prod", Base::alpine("3.19")).copy_from(&deps, ["/usr/bin/curl"], "/usr/bin/").copy_from(
        &test,
        ["/etc/hostname"],
        "/x",
    ));
    let dockerfile = model(&image);
    let cases: Vec<(Target, Option<usize>, Vec<usize>)> = vec![
        (Target::Default, Some(3), vec![0, 1, 3]),
        (Target::stage("test"), Some(1), vec![0, 1]),
        (Target::stage("DOCS"), Some(2), vec![2]),
    ];
    for (target, stage, built) in cases {
        let analysis = analyze_for(&dockerfile, target.clone()).unwrap();
        assert_eq!((analysis.target(), analysis.built()), (stage, built), "{target}");
        // The facts are the same as without a target.
        assert_eq!(analysis.steps(), analyze(&dockerfile).steps(), "{target}");
    }
    let err = analyze_for(&Dockerfile::default(), Target::Default).unwrap_err();
    assert_eq!(err.to_string(), "the Dockerfile has no stages, so it has no build target: add a stage");
}

/// A global ARG that a `FROM` line reads can change the image a stage starts from: its likelihood
/// reaches every step of that stage's chain, and a stage copying from it, as a base change would.
#[test]
fn build_args_read_by_a_from_line_enter_the_cost() {
    let mut image = Image::new().arg("PY", Some("3.12"));
    let build = image.stage(Stage::new("build", Base::python("${PY}").slim()).run("python3 -m venv /venv"));
    let tools = image.stage(Stage::new("tools", &build).env("MODE", "tools").run("python3 -m pip --version"));
    image.stage(Stage::new("app", Base::alpine("3.19")).copy_from(&build, ["/venv"], "/venv").copy_from(
        &tools,
        ["/t"],
        "/t",
    ));
    let analysis = analyze(&model(&image));
    let mut change_model = ChangeModel::default();
    change_model.args.push(("PY".into(), 0.5));
    let cost = expected_rebuild_cost(&analysis, Target::Default, &change_model).unwrap();
    let misses: Vec<String> = cost
        .per_step
        .iter()
        .filter(|step| step.weight > 0.0)
        .map(|step| format!("{} {:.5}", step.label, step.miss_probability))
        .collect();
    // The python image or PY: 1 − 0.99 × 0.5; the app's copies add alpine's 1%.
    assert_eq!(
        misses,
        [
            "build: RUN python3 -m venv /venv 0.50500",
            "tools: RUN python3 -m pip --version 0.50500",
            "app: COPY --from=build /venv /venv 0.50995",
            "app: COPY --from=tools /t /t 0.50995",
        ]
    );
}
