//! Optimizer passes: each pass on small models (emitted before/after text), idempotence, validity and
//! behaviour preservation as properties, and the seed examples' naive variants optimized.
//!
//! Behaviour is compared with a symbolic model of each reachable stage ([`effects`]): the final map
//! of files written by COPY/ADD (context sources expanded over a concrete context file list, last writer
//! wins), the ordered list of commands RUN executes with their user, working directory and environment,
//! and the final image config.

// Each example brings its own copy of `dsl-examples/support/mod.rs`; only `images()` is used here.

#[path = "support/strategies.rs"]
mod strategies;

#[path = "support/seeds.rs"]
mod seeds;

use std::collections::BTreeMap;

use dockwright::analysis::{ChangeModel, ChangeSet, ContextRead, Target, analyze, cache_impact, expected_rebuild_cost};
use dockwright::model::{self, Command, Dockerfile, FromInstruction, Instruction, Mount, Source};
use dockwright::passes::{Config, Pass, declined, dockerignore_allowlist, optimize};
use dockwright::{Base, Copy, Image, Run, Stage, Value};
use pretty_assertions::assert_eq;
use proptest::prelude::*;
use seeds::{SOURCE_EDITS, context_files, images, is_dependency_install, naive_variant, seed_naive, spec_editor};

// ------------------------------------------------------------------------------------------------
// Helpers: one per boundary.

fn model(image: &Image) -> Dockerfile {
    image.to_model().unwrap_or_else(|errors| panic!("invalid image: {errors}"))
}

/// Optimizes `before`, checks the emitted text and the passes that fired, then checks the properties
/// every optimization must have on this input too.
fn check(before: &Dockerfile, config: &Config, expected: &str, passes: &[Pass]) {
    let mut after = before.clone();
    let changes = optimize(&mut after, config);
    assert_eq!(dockwright::emit(&after), expected, "changes: {changes:#?}");
    assert_eq!(changes.iter().map(|c| c.pass).collect::<Vec<_>>(), passes);
    for change in &changes {
        assert!(!change.reason.is_empty());
    }
    properties(before, config).unwrap();
}

/// Idempotence, validity and behaviour preservation for one input.
fn properties(before: &Dockerfile, config: &Config) -> Result<(), String> {
    let mut once = before.clone();
    optimize(&mut once, config);
    let mut twice = once.clone();
    let again = optimize(&mut twice, config);
    if !again.is_empty() || twice != once {
        return Err(format!("not idempotent: second run made {again:#?}"));
    }
    if before.validate().is_ok() {
        once.validate().map_err(|e| format!("optimized model does not validate: {e}"))?;
    }
    let _ = dockwright::emit(&once);
    let context = &config.context_files;
    let (b, a) = (effects(before, config, context), effects(&once, config, context));
    if b != a {
        return Err(format!("behaviour changed:\n{}\nvs\n{}", dockwright::emit(before), dockwright::emit(&once)));
    }
    Ok(())
}

/// The symbolic effects of the stages the build targets need, by stage name (a stage without a name by
/// its rank among them, which dropping other stages does not change).
#[derive(Debug, PartialEq)]
struct StageEffects {
    /// Final file map: destination → source content id, for COPY/ADD writes.
    files: BTreeMap<String, String>,
    /// Commands run, in order, with user, working directory and the environment in scope.
    runs: Vec<String>,
    /// Accounts created, sorted (moved independently of other steps).
    accounts: Vec<String>,
    /// Final config instructions (ENV, USER, WORKDIR, CMD, ENTRYPOINT, EXPOSE, HEALTHCHECK, LABEL ...).
    config: Vec<String>,
}

fn effects(dockerfile: &Dockerfile, config: &Config, context: &[String]) -> BTreeMap<String, StageEffects> {
    let analysis = analyze(dockerfile);
    let mut targets: Vec<Target> = if config.targets.is_empty() {
        analysis.targets()
    } else {
        config.targets.iter().map(|name| Target::stage(name.as_str())).collect()
    };
    targets.push(Target::Default);
    let mut needed: Vec<usize> =
        targets.iter().filter_map(|t| analysis.resolve(t).ok()).flat_map(|t| analysis.reachable_from(t)).collect();
    needed.sort_unstable();
    needed.dedup();
    let mut out = BTreeMap::new();
    for (rank, &stage) in needed.iter().enumerate() {
        let info = &analysis.stages()[stage];
        let name = info.name.clone().unwrap_or_else(|| format!("#{rank}"));
        let mut fx =
            StageEffects { files: BTreeMap::new(), runs: Vec::new(), accounts: Vec::new(), config: Vec::new() };
        for &index in &info.steps {
            let step = &analysis.steps()[index];
            let instruction = &dockerfile.stages[stage].instructions[step.location.instruction];
            match instruction {
                Instruction::Copy(copy) => {
                    let flags = format!("{:?} {:?} {:?}", copy.from, copy.chown, copy.chmod);
                    let into_root = copy.sources.len() == 1
                        && matches!(&copy.sources[0], Source::Path(p) if p.as_str().trim_start_matches("./").trim_matches('/').is_empty() || p.as_str() == ".");
                    let dest = step.writes.paths.first().cloned().unwrap_or_default();
                    if copy.from.is_none() && step.writes.paths.len() == copy.sources.len() && !into_root {
                        // Expand each context source over the context files.
                        for (source, written) in copy.sources.iter().zip(&step.writes.paths) {
                            let Source::Path(pattern) = source else {
                                fx.files.insert(written.clone(), format!("inline {flags}"));
                                continue;
                            };
                            expand(&mut fx.files, pattern.as_str(), written, context, &copy.excludes, &flags);
                        }
                    } else if copy.from.is_none() && into_root {
                        expand(&mut fx.files, ".", &dest, context, &copy.excludes, &flags);
                    } else {
                        fx.files.insert(format!("{dest} <- {:?}", copy.sources), flags);
                    }
                }
                Instruction::Add(add) => {
                    fx.files.insert(format!("{:?}", step.writes.paths), format!("{:?}", add));
                }
                Instruction::Run(run) => {
                    let mut run = run.clone();
                    // Cache mounts and pip's --no-cache-dir only decide where caches go (not behaviour).
                    run.mounts.retain(|m| !matches!(m, Mount::Cache { from: None, .. }));
                    let text = match &run.command {
                        Command::Shell(script) => script.shell_text(),
                        other => format!("{other:?}"),
                    };
                    // Directory setup reads only the variables that pick or configure the binaries.
                    let setup = ["mkdir ", "chown ", "chmod ", "ln ", "touch "];
                    let only_setup = text.split("&&").all(|c| setup.iter().any(|t| c.trim().starts_with(t)));
                    let sensitive = |name: &str| {
                        matches!(name, "PATH" | "IFS" | "ENV" | "BASH_ENV" | "POSIXLY_CORRECT" | "TMPDIR")
                            || name.starts_with("LD_")
                    };
                    let env: Vec<String> = step
                        .scope
                        .iter()
                        .filter(|v| !only_setup || sensitive(&v.name))
                        .map(|v| format!("{}={:?}", v.name, v.value))
                        .collect();
                    // The shell the script runs in: the argv before the script.
                    let argv = step.key.as_ref().and_then(|k| k.command.clone()).unwrap_or_default();
                    let shell = argv.rsplit_once("\",\"").map_or("", |(prefix, _)| prefix);
                    for command in text.split("&&") {
                        let command: Vec<&str> =
                            command.split_whitespace().filter(|w| *w != "--no-cache-dir").collect();
                        let command = command.join(" ").replace("apk add --no-cache", "apk add");
                        // Accounts are their own effect (the user database), independent of package
                        // installs into a virtual environment and of files copied elsewhere.
                        if ["groupadd ", "useradd ", "addgroup ", "adduser "].iter().any(|t| command.starts_with(t)) {
                            fx.accounts.push(format!("{command} | user={:?}", step.reads.user));
                            continue;
                        }
                        // Package indexes are not behaviour: their refresh and cleanup are left out.
                        if command == "rm -rf /var/lib/apt/lists/*" || command == "apk update" {
                            continue;
                        }
                        fx.runs.push(format!(
                            "{command} | shell={shell} mounts={:?} net={:?} sec={:?} user={:?} cwd={:?} env={env:?}",
                            run.mounts, run.network, run.security, step.reads.user, step.reads.workdir
                        ));
                    }
                }
                Instruction::Comment(_) => {}
                other => fx.config.push(format!("{other:?}")),
            }
        }
        fx.accounts.sort();
        out.insert(name, fx);
    }
    out
}

/// Writes every context file a COPY source covers into the file map.
fn expand(
    files: &mut BTreeMap<String, String>,
    pattern: &str,
    written: &str,
    context: &[String],
    excludes: &[dockwright::Pattern],
    flags: &str,
) {
    let read = ContextRead {
        pattern: pattern.to_string(),
        excludes: excludes.iter().map(|e| e.as_str().to_string()).collect(),
    };
    let base = pattern.trim_start_matches("./").trim_end_matches('/');
    let base = if base == "." { "" } else { base };
    let mut any = false;
    for file in context.iter().filter(|f| read.covers(f, &[])) {
        any = true;
        // A file the source names itself lands at `written`.
        let relative =
            if base.is_empty() { file.as_str() } else { file.strip_prefix(&format!("{base}/")).unwrap_or_default() };
        let dest = if relative.is_empty() { written.to_string() } else { format!("{written}/{relative}") };
        files.insert(dest, format!("ctx:{file} {flags}"));
    }
    if !any {
        files.insert(format!("{written} <- {pattern}"), flags.to_string());
    }
}

fn config(files: &[&str]) -> Config {
    Config::default().context_files(files.iter().copied())
}

// ------------------------------------------------------------------------------------------------
// Pass 1: split `COPY . <dir>`.

#[test]
fn split_python_requirements() {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::python("3.12").slim())
            .workdir("/app")
            .copy(["."], "./")
            .run("python -m venv /opt/venv")
            .run("/opt/venv/bin/pip install --no-cache-dir -r requirements.txt")
            .run("python -m compileall .")
            .cmd(["python", "app.py"]),
    );
    check(
        &model(&image),
        &config(&["app.py", "requirements.txt", "requirements-dev.txt", "src/x.py", "README.md"]),
        "FROM python:3.12-slim AS app\n\
         WORKDIR /app\n\
         RUN python -m venv /opt/venv\n\
         COPY [\"requirements-dev.txt\", \"requirements.txt\", \"./\"]\n\
         RUN /opt/venv/bin/pip install --no-cache-dir -r requirements.txt\n\
         COPY [\".\", \"./\"]\n\
         RUN python -m compileall .\n\
         CMD [\"python\", \"app.py\"]\n",
        &[Pass::SplitContextCopy],
    );
}

#[test]
fn split_go_node_and_nested_manifests() {
    let mut image = Image::new();
    image.stage(
        Stage::new("build", Base::golang("1.22").alpine())
            .workdir("/src")
            .copy_with(Copy::new(["."], "/src").chown("10001:10001"))
            .run("go mod download")
            .run("go build -o /out/app ."),
    );
    check(
        &model(&image),
        &config(&["go.mod", "go.sum", "main.go", "vendor/modules.txt", "vendor/x/y.go"]),
        "FROM golang:1.22-alpine AS build\n\
         WORKDIR /src\n\
         COPY --chown=10001:10001 [\"go.mod\", \"go.sum\", \"/src/\"]\n\
         COPY --chown=10001:10001 [\"vendor/\", \"/src/vendor/\"]\n\
         RUN go mod download\n\
         COPY --chown=10001:10001 [\".\", \"/src\"]\n\
         RUN go build -o /out/app .\n",
        &[Pass::SplitContextCopy],
    );
    let mut image = Image::new();
    image.stage(
        Stage::new("web", Base::node("20").slim())
            .workdir("/web")
            .copy(["."], "./")
            .run("npm ci --no-audit")
            .run("npm run build"),
    );
    check(
        &model(&image),
        &config(&["package.json", "package-lock.json", "src/App.tsx"]),
        "FROM node:20-slim AS web\n\
         WORKDIR /web\n\
         COPY [\"package-lock.json\", \"package.json\", \"./\"]\n\
         RUN npm ci --no-audit\n\
         COPY [\".\", \"./\"]\n\
         RUN npm run build\n",
        &[Pass::SplitContextCopy],
    );
}

#[test]
fn split_a_copied_subdirectory_of_a_monorepo() {
    let mut image = Image::new();
    image.stage(
        Stage::new("dashboard", Base::node("20").alpine())
            .workdir("/build")
            .copy(["dashboard/"], "./")
            .run("npm ci")
            .run("npm run build"),
    );
    let files = ["backend/go.mod", "dashboard/package.json", "dashboard/package-lock.json", "dashboard/src/App.tsx"];
    check(
        &model(&image),
        &config(&files),
        "FROM node:20-alpine AS dashboard\n\
         WORKDIR /build\n\
         COPY [\"dashboard/package-lock.json\", \"dashboard/package.json\", \"./\"]\n\
         RUN npm ci\n\
         COPY [\"dashboard/\", \"./\"]\n\
         RUN npm run build\n",
        &[Pass::SplitContextCopy],
    );
    // A file, a directory missing from the context, or a wildcard is not a copied directory.
    // A backslash escapes in a COPY pattern: `dash\board/` names `dashboard/`, not a directory of that text.
    let files = [&files[..], &["dash\\board/package.json"]].concat();
    for source in ["dashboard/package.json", "web/", "dash*/", "dash\\board/"] {
        let mut image = Image::new();
        image.stage(Stage::new("d", Base::node("20").alpine()).workdir("/build").copy(["web/"], "./").run("npm ci"));
        // Validation refuses a backslash in a context source (the context transfer cannot select it), so that
        // one is put into the model directly: the pass must refuse it on any model.
        let mut dockerfile = model(&image);
        let Instruction::Copy(copy) = &mut dockerfile.stages[0].instructions[1] else { panic!("the COPY") };
        copy.sources = vec![Source::path(source).unwrap()];
        assert_eq!(optimize(&mut dockerfile, &config(&files)), [], "{source}");
    }
}

/// What `declined` says about each refusal of `split_refuses_what_it_cannot_prove`.
fn split_refusals() -> Vec<(&'static str, &'static str)> {
    vec![
        ("pip install .", "`.` is the copied directory itself, so the RUN reads every file of it"),
        ("pip install -e .", "`pip install -e` installs the project itself, which reads every source"),
        ("pip install -r missing.txt", "a RUN names missing.txt, which is not among the context files"),
        ("pip install -r requirements.txt && python setup.py build", "`python` may read any file of the project"),
        (
            "pip install -r requirements.txt > /dev/null",
            "the RUN is not a list of simple commands: it has a redirection",
        ),
        ("pip install -r \"$REQS\"", "the RUN is not a list of simple commands: it has an expansion"),
        ("pip install -r requirements.txt | tee log", "the RUN is not a list of simple commands: it has a pipe"),
        ("npm ci", "`npm` writes node_modules/, which the context also holds, so the full copy would replace it"),
        ("npm install", "`npm install` may read files other than dependency manifests"),
        ("npm ci left-pad", "`npm` with package names edits the manifests"),
        ("cargo fetch", "`cargo fetch` may read files other than dependency manifests"),
        (
            "pip install -r requirements.txt --target ./deps",
            "`./deps` is inside the copied directory but is not a dependency manifest",
        ),
    ]
}

#[test]
fn split_refuses_what_it_cannot_prove() {
    let cases: Vec<(&str, Vec<&str>)> = vec![
        // Installs the project itself: reads everything.
        ("pip install .", vec!["pyproject.toml", "app.py"]),
        ("pip install -e .", vec!["pyproject.toml", "app.py"]),
        // A named requirements file that is not in the context.
        ("pip install -r missing.txt", vec!["app.py"]),
        // Reads a source file.
        ("pip install -r requirements.txt && python setup.py build", vec!["requirements.txt"]),
        // Opaque shell.
        ("pip install -r requirements.txt > /dev/null", vec!["requirements.txt"]),
        ("pip install -r \"$REQS\"", vec!["requirements.txt"]),
        ("pip install -r requirements.txt | tee log", vec!["requirements.txt"]),
        // npm would write node_modules/ that the full copy overwrites.
        ("npm ci", vec!["package.json", "node_modules/x/index.js"]),
        // npm install edits the lockfile.
        ("npm install", vec!["package.json"]),
        ("npm ci left-pad", vec!["package.json"]),
        // Cargo needs sources.
        ("cargo fetch", vec!["Cargo.toml", "Cargo.lock", "src/main.rs"]),
        // Writes into the copied directory.
        ("pip install -r requirements.txt --target ./deps", vec!["requirements.txt", "deps/x"]),
    ];
    for (command, files) in cases {
        let mut image = Image::new();
        image.stage(Stage::new("app", Base::python("3.12").slim()).workdir("/app").copy(["."], "./").run(command));
        let before = model(&image);
        let mut after = before.clone();
        let changes = optimize(&mut after, &config(&files));
        assert_eq!(changes, [], "{command}");
        assert_eq!(after, before, "{command}");
        // `declined` says which step stays after the copy, and why.
        let kept: Vec<(String, String)> =
            declined(&before, &config(&files)).iter().map(|d| (d.step.instruction.clone(), d.reason.clone())).collect();
        let why = split_refusals().into_iter().find(|(c, _)| *c == command).map(|(_, why)| why).unwrap();
        let step = if command.contains("missing") { "COPY . ./".to_string() } else { format!("RUN {command}") };
        assert_eq!(kept, [(step, why.to_string())], "{command}");
    }
    // A system directory as destination, and an unknown working directory.
    for (workdir, dest) in [("/usr/src/app", "./"), ("/app", "/opt/app/")] {
        let mut image = Image::new();
        image.stage(
            Stage::new("app", Base::python("3.12").slim())
                .workdir(workdir)
                .copy(["."], dest)
                .run("pip install -r requirements.txt"),
        );
        let mut after = model(&image);
        assert_eq!(optimize(&mut after, &config(&["requirements.txt"])), [], "{dest}");
    }
    // `--chown` by name before the user exists must keep failing the same way.
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::python("3.12").slim())
            .workdir("/app")
            .copy_with(Copy::new(["."], "./").chown("app"))
            .run("apt-get update  && apt-get install -y curl")
            .run("useradd app"),
    );
    let mut after = model(&image);
    assert_eq!(optimize(&mut after, &config(&["app.py"])), []);
    // Manifests that might name other files are only trusted when the config says so.
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::python("3.12").slim()).workdir("/app").copy(["."], "./").run("pip install -r r.txt"),
    );
    let mut strict = config(&["r.txt"]);
    strict.manifests_self_contained = false;
    let mut after = model(&image);
    assert_eq!(optimize(&mut after, &strict), []);
}

#[test]
fn split_moves_system_package_installs_without_manifests() {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::debian("12-slim"))
            .workdir("/app")
            .copy(["."], "./")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .run("apt-get update  && apt-get install -y --no-install-recommends curl  && rm -rf /var/lib/apt/lists/*")
            .run("./build.sh"),
    );
    let mut strict = config(&["build.sh", "src/a.c"]);
    strict.manifests_self_contained = false;
    check(
        &model(&image),
        &strict,
        "FROM debian:12-slim AS app\n\
         WORKDIR /app\n\
         ENV DEBIAN_FRONTEND=noninteractive\n\
         RUN apt-get update  && apt-get install -y --no-install-recommends curl  && rm -rf /var/lib/apt/lists/*\n\
         COPY [\".\", \"./\"]\n\
         RUN ./build.sh\n",
        &[Pass::SplitContextCopy],
    );
}

// ------------------------------------------------------------------------------------------------
// Pass 2: unreachable stages.

#[test]
fn drop_unreachable_stages() {
    let mut image = Image::new();
    let deps = image.stage(Stage::new("deps", Base::alpine("3.19")).run("apk add --no-cache curl"));
    image.stage(Stage::new("docs", Base::alpine("3.19")).run("true"));
    let app = image.stage(Stage::new("app", &deps).cmd(["curl"]));
    image.stage(Stage::new("test", &app).run("true"));
    let dockerfile = model(&image);
    // Every named stage may be built with --target: nothing goes unless the targets are given.
    assert_eq!(optimize(&mut dockerfile.clone(), &Config::default()), []);
    // The last stage is the default target: it stays whatever the targets say.
    check(
        &dockerfile,
        &Config::default().targets(["app"]),
        "FROM alpine:3.19 AS deps\nRUN apk add --no-cache curl\n\nFROM deps AS app\nCMD [\"curl\"]\n\n\
         FROM app AS test\nRUN true\n",
        &[Pass::DropUnreachableStages],
    );
    let mut after = dockerfile.clone();
    let changes = optimize(&mut after, &Config::default().targets(["app"]));
    assert_eq!(
        changes.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["drop-unreachable-stages at `docs: FROM alpine:3.19`: no build target (app, test) needs the stage, so it \
          was removed"]
    );
    // An unknown target changes nothing, and says why.
    let config = Config::default().targets(["nope"]);
    let mut after = dockerfile.clone();
    assert_eq!(optimize(&mut after, &config), []);
    assert_eq!(
        declined(&dockerfile, &config).iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["drop-unreachable-stages left `test: FROM app` as it is: build target 'nope' is not a stage: use one of \
          'deps', 'docs', 'app', 'test', so every stage is kept"]
    );
}

/// Regression: `optimize` removed the stages of build targets other than the last (`dev` in a file whose
/// default target is `prod`, as personal-assistant's dev/stage/prod file).
#[test]
fn build_targets_keep_their_stages() {
    let mut dockerfile = model(&{
        let mut image = Image::new();
        let runtime = image.stage(Stage::new("runtime", Base::python("3.12").slim()).copy(["app.py"], "/app/"));
        let tools = image.stage(Stage::new("dev-tools", Base::python("3.12").slim()).run("python -m venv /opt/dev"));
        image.stage(Stage::new("dev", &runtime).copy_from(&tools, ["/opt/dev"], "/opt/dev"));
        image.stage(Stage::new("prod", &runtime).env("MODE", "prod"));
        image
    });
    // A stage with no name that no target needs: `--target` cannot select it.
    let orphan = dockwright::model::Stage::new(FromInstruction {
        platform: None,
        base: model::BaseImage::Image(dockwright::ImageRef::parse("alpine:3.19").unwrap()),
        name: None,
    });
    dockerfile.stages.insert(1, orphan);
    let kept = "FROM python:3.12-slim AS runtime\nCOPY [\"app.py\", \"/app/\"]\n\n\
                FROM python:3.12-slim AS dev-tools\nRUN python -m venv /opt/dev\n\n\
                FROM runtime AS dev\nCOPY --from=dev-tools [\"/opt/dev\", \"/opt/dev\"]\n\n\
                FROM runtime AS prod\nENV MODE=prod\n";
    check(&dockerfile, &Config::default(), kept, &[Pass::DropUnreachableStages]);
    check(&dockerfile, &Config::default().targets(["dev", "prod"]), kept, &[Pass::DropUnreachableStages]);
    // With only prod declared, dev and what only dev needs go; prod is the default target anyway.
    check(
        &dockerfile,
        &Config::default().targets(["prod"]),
        "FROM python:3.12-slim AS runtime\nCOPY [\"app.py\", \"/app/\"]\n\nFROM runtime AS prod\nENV MODE=prod\n",
        &[Pass::DropUnreachableStages, Pass::DropUnreachableStages, Pass::DropUnreachableStages],
    );
    // The seed itself: optimizing personal-assistant keeps all three targets.
    let (_, image) = seeds::personal_assistant::images().remove(0);
    let mut optimized = model(&image);
    optimize(&mut optimized, &Config::default());
    let names: Vec<_> = optimized.stages.iter().filter_map(|s| s.name()).collect();
    assert_eq!(names, ["builder", "runtime", "dev-deps", "dev", "stage", "prod"]);
}

// ------------------------------------------------------------------------------------------------
// Pass 3: apt/apk update merged with the install.

#[test]
fn merge_apt_update_and_apk_update() {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::debian("12-slim"))
            .run("apt-get update")
            .run("apt-get install -y --no-install-recommends curl ca-certificates")
            .run("apt-get update")
            .run(Run::sh("apt-get install -y git").network_none()),
    );
    check(
        &model(&image),
        &Config::default(),
        "FROM debian:12-slim AS app\n\
         RUN apt-get update \\\n && apt-get install -y --no-install-recommends curl ca-certificates \\\n && rm -rf /var/lib/apt/lists/*\n\
         RUN apt-get update\n\
         RUN --network=none apt-get install -y git\n",
        &[Pass::MergeAptUpdate],
    );
    let mut image = Image::new();
    image.stage(Stage::new("app", Base::alpine("3.19")).run("apk update").run("apk add curl  && apk add git"));
    check(
        &model(&image),
        &Config::default(),
        "FROM alpine:3.19 AS app\nRUN apk add --no-cache curl \\\n && apk add git\n",
        &[Pass::MergeAptUpdate],
    );
    // Quoted words are words (the shell reader removes the quotes), and an install that already
    // removes the lists (in any spelling) gets no second cleanup.
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::debian("12-slim"))
            .run("apt-get update")
            .run("apt-get install -y 'curl'  && rm -rf /var/lib/apt/lists"),
    );
    check(
        &model(&image),
        &Config::default(),
        "FROM debian:12-slim AS app\n\
         RUN apt-get update \\\n && apt-get install -y 'curl' \\\n && rm -rf /var/lib/apt/lists\n",
        &[Pass::MergeAptUpdate],
    );
    // `;` or `||` in the install would change where the merged chain stops: left alone.
    for install in ["apt-get install -y curl; true", "apt-get install -y curl || true"] {
        let mut image = Image::new();
        image.stage(Stage::new("app", Base::debian("12-slim")).run("apt-get update").run(install));
        let mut after = model(&image);
        assert_eq!(optimize(&mut after, &Config::default()), [], "{install}");
    }
}

// ------------------------------------------------------------------------------------------------
// Pass 4: cache mounts.

#[test]
fn cache_mounts_only_with_buildkit() {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::python("3.12").slim())
            .run("pip install --no-cache-dir -r /tmp/requirements.txt")
            .run("npm ci")
            .user("10001")
            .run("pip install flask"),
    );
    let dockerfile = model(&image);
    check(
        &dockerfile,
        &Config::default().buildkit(true),
        "FROM python:3.12-slim AS app\n\
         RUN --mount=type=cache,target=/root/.cache/pip pip install -r /tmp/requirements.txt\n\
         RUN --mount=type=cache,target=/root/.npm npm ci\n\
         USER 10001\n\
         RUN pip install flask\n",
        &[Pass::CacheMounts, Pass::CacheMounts],
    );
    let mut after = dockerfile.clone();
    assert_eq!(optimize(&mut after, &Config::default()), []);
}

// ------------------------------------------------------------------------------------------------
// Pass 5: moving steps earlier.

#[test]
fn move_mkdir_before_source_copies() {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::python("3.12").slim())
            .workdir("/app")
            .run("pip install -r /tmp/r.txt")
            .copy(["alembic/"], "./alembic/")
            .copy(["src/"], "./src/")
            .run("mkdir -p /app/data /app/logs  && chown 10001:10001 /app/data /app/logs")
            .run("mkdir -p /app/src/cache")
            .user("10001"),
    );
    check(
        &model(&image),
        &Config::default(),
        "FROM python:3.12-slim AS app\n\
         WORKDIR /app\n\
         RUN pip install -r /tmp/r.txt\n\
         RUN mkdir -p /app/data /app/logs  && chown 10001:10001 /app/data /app/logs\n\
         COPY [\"alembic/\", \"./alembic/\"]\n\
         COPY [\"src/\", \"./src/\"]\n\
         RUN mkdir -p /app/src/cache\n\
         USER 10001\n",
        &[Pass::MoveEarlier],
    );
    // Past ENV that no directory tool reads, as in whoseonfirst; never past ENV PATH.
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::python("3.12").slim())
            .workdir("/app")
            .copy_with(Copy::new(["src/"], "./src/").chown("10001:10001"))
            .env("DATABASE_URL", "sqlite:////app/data/db")
            .run(Run::steps(["mkdir -p /app/data", "chown 10001:10001 /app/data"]))
            .env("PATH", "/opt/bin:/usr/bin:/bin")
            .copy(["conf/"], "./conf/")
            .run("mkdir -p /app/logs"),
    );
    check(
        &model(&image),
        &Config::default(),
        "FROM python:3.12-slim AS app\n\
         WORKDIR /app\n\
         RUN mkdir -p /app/data \\\n && chown 10001:10001 /app/data\n\
         COPY --chown=10001:10001 [\"src/\", \"./src/\"]\n\
         ENV DATABASE_URL=sqlite:////app/data/db\n\
         ENV PATH=/opt/bin:/usr/bin:/bin\n\
         RUN mkdir -p /app/logs\n\
         COPY [\"conf/\", \"./conf/\"]\n",
        &[Pass::MoveEarlier, Pass::MoveEarlier],
    );
    // A COPY that creates a parent the RUN also creates (not the working directory) blocks the move,
    // and so does `--chown` by name.
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::python("3.12").slim())
            .workdir("/app")
            .copy(["conf/"], "/srv/conf/")
            .run("mkdir -p /srv/data")
            .copy_with(Copy::new(["src/"], "./src/").chown("app"))
            .run("mkdir -p /app/data"),
    );
    let mut after = model(&image);
    assert_eq!(optimize(&mut after, &Config::default()), []);
}

/// Regression: an `EXPOSE` (or any step that only sets image metadata) between a COPY and the account
/// setup below it stopped the account setup from moving before the COPY.
#[test]
fn metadata_steps_do_not_block_moves() {
    let python = || Stage::new("app", Base::python("3.12").slim()).workdir("/app");
    let account = "groupadd --system app  && useradd --system --gid app app";
    let image = |stage: Stage| {
        let mut image = Image::new();
        image.stage(stage);
        model(&image)
    };
    check(
        &image(python().copy(["src/"], "./src/").expose(8000).label("a", "b").run(account).cmd(["app"])),
        &Config::default(),
        "FROM python:3.12-slim AS app\n\
         WORKDIR /app\n\
         RUN groupadd --system app  && useradd --system --gid app app\n\
         COPY [\"src/\", \"./src/\"]\n\
         EXPOSE 8000\n\
         LABEL a=b\n\
         CMD [\"app\"]\n",
        &[Pass::MoveEarlier],
    );
    // Directory setup too; the metadata stays where it was, above or below.
    check(
        &image(
            python()
                .stop_signal("SIGINT")
                .copy(["src/"], "./src/")
                .entrypoint(["tini", "--"])
                .run("mkdir -p /app/data"),
        ),
        &Config::default(),
        "FROM python:3.12-slim AS app\n\
         WORKDIR /app\n\
         STOPSIGNAL SIGINT\n\
         RUN mkdir -p /app/data\n\
         COPY [\"src/\", \"./src/\"]\n\
         ENTRYPOINT [\"tini\", \"--\"]\n",
        &[Pass::MoveEarlier],
    );
    // Passing metadata alone gains nothing: no move.
    let before = image(python().user("10001").expose(8000).run("mkdir -p /app/data"));
    assert_eq!(optimize(&mut before.clone(), &Config::default()), []);
    // Steps that do matter still block, and `declined` says why.
    for (stage, blocker, reason) in [
        (
            python().copy(["src/"], "./src/").volume("/data").run(account),
            "VOLUME /data",
            "the classic builder discards what a RUN writes under a VOLUME declared before it",
        ),
        (
            python().copy(["src/"], "./src/").user("10001").run("mkdir -p /app/data"),
            "USER 10001",
            "USER changes the user the RUN runs as",
        ),
        (
            python().copy(["src/"], "./src/").arg("V").run(account),
            "ARG V",
            "ARG changes the environment the RUN runs with",
        ),
        (
            python().copy(["src/"], "./src/").env("PATH", "/opt/bin:/bin").run("mkdir -p /app/data"),
            "ENV PATH=/opt/bin:/bin",
            "ENV sets PATH, which changes what the RUN's tools do",
        ),
        (
            python().copy(["src/"], "./src/").comment("accounts").run(account),
            "# accounts",
            "a comment sits between them and may be about either",
        ),
        (
            python().copy(["conf/"], "/etc/app/").expose(8000).run(account),
            "COPY conf/ /etc/app/",
            "the copy writes /etc/app, which account setup may also write (it owns /etc)",
        ),
        (
            python().copy_with(Copy::new(["src/"], "./src/").chown("app")).run(account),
            "COPY src/ ./src/",
            "the copy's --chown names a user, and account setup must not change whether it exists",
        ),
        (
            python().copy(["."], "./").run("mkdir -p /app/data"),
            "COPY . ./",
            "the copy writes /app, which holds /app/data that the RUN touches",
        ),
        (
            python().copy(["conf/"], "/srv/conf/").run("mkdir -p /srv/data"),
            "COPY conf/ /srv/conf/",
            "both may create /srv, and which goes first decides its owner and mode",
        ),
        (
            python().run("pip install flask").run("mkdir -p /app/data"),
            "RUN pip install flask",
            "directory setup only moves past context COPYs and ENV",
        ),
        (
            python().run("pip install flask").run(account),
            "RUN pip install flask",
            "account setup only moves past COPYs and virtual-environment installs",
        ),
    ] {
        let before = image(stage);
        let mut after = before.clone();
        assert_eq!(optimize(&mut after, &Config::default()), [], "{}", dockwright::emit(&before));
        let kept = declined(&before, &Config::default());
        let got: Vec<(String, String)> =
            kept.iter().map(|d| (d.blocker.clone().unwrap().instruction, d.reason.clone())).collect();
        assert_eq!(got, [(blocker.to_string(), reason.to_string())], "{}", dockwright::emit(&before));
        assert!(kept[0].to_string().starts_with("move-earlier kept `app: RUN "), "{}", kept[0]);
    }
}

#[test]
fn link_where_the_destination_is_new_under_plain_directories() {
    let mut image = Image::new();
    let builder = image.stage(
        Stage::new("builder", Base::python("3.12").slim())
            .run("python3 -m venv /opt/venv")
            .workdir("/build")
            .copy(["requirements.txt"], "./")
            .run("/opt/venv/bin/pip install --no-cache-dir -r requirements.txt"),
    );
    image.stage(
        Stage::new("runtime", Base::python("3.12").slim())
            .run("groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --create-home app")
            .copy_from(&builder, ["/opt/venv"], "/opt/venv")
            .workdir("/app")
            .copy(["app.py"], "./")
            .copy_with(Copy::new(["templates/"], "./templates/").chown("10001:10001"))
            .user("10001:10001"),
    );
    check(
        &model(&image),
        &Config::default().link(true).context_files(["app.py", "requirements.txt", "templates/index.html"]),
        "FROM python:3.12-slim AS builder\n\
         RUN python3 -m venv /opt/venv\n\
         WORKDIR /build\n\
         COPY --link [\"requirements.txt\", \"./\"]\n\
         RUN /opt/venv/bin/pip install --no-cache-dir -r requirements.txt\n\
         \n\
         FROM python:3.12-slim AS runtime\n\
         RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --create-home app\n\
         COPY --from=builder --link [\"/opt/venv\", \"/opt/venv\"]\n\
         WORKDIR /app\n\
         COPY --link [\"app.py\", \"./\"]\n\
         COPY --chown=10001:10001 [\"templates/\", \"./templates/\"]\n\
         USER 10001:10001\n",
        &[Pass::Link, Pass::Link, Pass::Link],
    );
    // Off unless allowed.
    assert_eq!(optimize(&mut model(&image), &Config::default()), []);
}

#[test]
fn link_refuses_what_it_cannot_prove() {
    let refused = |stage: Stage| {
        let mut image = Image::new();
        image.stage(stage);
        let before = model(&image);
        let mut after = before.clone();
        let changes = optimize(&mut after, &Config::default().link(true));
        assert_eq!(changes, [], "{}", dockwright::emit(&before));
        properties(&before, &Config::default().link(true)).unwrap();
    };
    let python = || Stage::new("app", Base::python("3.12").slim());
    // /tmp is 1777, /bin may be a symlink, /root is 0700: --link would change them.
    refused(python().copy(["a"], "/tmp/a"));
    refused(python().copy(["a"], "/bin/a"));
    refused(python().copy(["a"], "/root/a"));
    // The destination may exist already: a directory, or something an earlier step wrote.
    refused(python().copy(["a"], "/opt"));
    refused(python().copy_with(Copy::new(["a/"], "/app/").chown("1")).copy(["b"], "/app/"));
    refused(python().workdir("/app").copy(["a"], "/app"));
    // Parents an earlier step may have changed.
    refused(python().copy_with(Copy::new(["conf/"], "/srv/conf/").chmod("0700")).copy(["b"], "/srv/conf/b/"));
    refused(python().run("mkdir -p /srv/data && chmod 0777 /srv/data").copy(["b"], "/srv/data/b"));
    refused(python().run("ln -s /data /srv/data").copy(["b"], "/srv/data/b"));
    refused(python().run("apt-get update").copy(["b"], "/opt/b"));
    refused(python().user("10001").workdir("/app").copy(["b"], "./"));
    refused(python().user("10001").run("mkdir -p /srv/x").copy(["b"], "/opt/b"));
    refused(python().env("PATH", "/tools:/usr/bin").run("groupadd app").copy(["b"], "/opt/b"));
    refused(python().run("useradd --create-home --home-dir /opt/app app").copy(["b"], "/opt/app/b"));
    // Flags whose --link form differs, variables, and bases the pass does not know.
    refused(python().copy_with(Copy::new(["a"], "/opt/a").chown("10001")));
    refused(python().copy_with(Copy::new(["a"], "/opt/a").chmod("0644")));
    // A pattern names files by match: a context file spelled like it is not what it copies.
    let mut image = Image::new();
    image.stage(python().workdir("/opt/app").copy(["*.txt"], "./"));
    let mut after = model(&image);
    assert_eq!(optimize(&mut after, &Config::default().link(true).context_files(["*.txt"])), []);
    refused(python().arg_default("DIR", "/opt").copy(["a"], "${DIR}/a"));
    refused(Stage::new("app", Base::node("20").slim()).copy(["a"], "/opt/a"));
    refused(Stage::new("app", Base::image("example.com/base:1", dockwright::OsFamily::Debian)).copy(["a"], "/opt/a"));
}

// ------------------------------------------------------------------------------------------------
// .dockerignore allowlist.

#[test]
fn dockerignore_from_what_is_read() {
    let (_, image) = spec_editor::images().remove(0);
    let lines = dockerignore_allowlist(&analyze(&model(&image)));
    assert_eq!(lines, ["*", "!requirements.txt", "!vendor/wheels", "!app.py", "!templates"]);
    let mut image = Image::new();
    image.stage(Stage::new("app", Base::alpine("3.19")).copy(["."], "/app/"));
    assert_eq!(dockerignore_allowlist(&analyze(&model(&image))), Vec::<String>::new());
}

// ------------------------------------------------------------------------------------------------
// Properties.

fn run(text: &str) -> Instruction {
    Instruction::Run(model::Run::new(Command::shell(text).unwrap()))
}

fn copy(src: &str, dest: &str) -> Instruction {
    Instruction::Copy(model::Copy::new(vec![Source::path(src).unwrap()], dockwright::Line::new(dest).unwrap()))
}

/// Config steps to put between the steps a pass moves.
fn config_steps() -> Vec<Instruction> {
    vec![
        // Metadata only: a RUN may pass them ...
        Instruction::Expose(model::Expose { ports: vec![dockwright::Port::tcp(8000)] }),
        Instruction::Label({
            let mut label = model::Label::default();
            label.labels.insert(
                dockwright::LabelKey::new("org.opencontainers.image.title").unwrap(),
                Value::literal("app").unwrap(),
            );
            label
        }),
        Instruction::Healthcheck(model::Healthcheck::Check {
            options: model::HealthOptions::default(),
            command: Command::exec(["python", "-c", "print(1)"]).unwrap(),
        }),
        Instruction::Entrypoint(model::Entrypoint { command: Command::exec(["tini", "--"]).unwrap() }),
        Instruction::StopSignal(model::StopSignal { signal: dockwright::Signal::new("SIGINT").unwrap() }),
        // ... and steps a RUN must not pass: they change its environment, shell or what it writes.
        Instruction::Volume(model::Volume { paths: vec![dockwright::Line::new("/app/data").unwrap()] }),
        Instruction::Arg(model::Arg { name: dockwright::VarName::new("V").unwrap(), default: None }),
        Instruction::Env({
            let mut env = model::Env::default();
            env.vars
                .insert(dockwright::VarName::new("PATH").unwrap(), Value::literal("/opt/bin:/usr/bin:/bin").unwrap());
            env
        }),
        Instruction::Shell(model::Shell {
            argv: vec![dockwright::Text::new("/bin/bash").unwrap(), dockwright::Text::new("-c").unwrap()],
        }),
        Instruction::User(model::User { user: dockwright::UserSpec::new("10001").unwrap() }),
        Instruction::Env({
            let mut env = model::Env::default();
            env.vars.insert(dockwright::VarName::new("A").unwrap(), Value::literal("1").unwrap());
            env
        }),
        Instruction::Cmd(model::Cmd { command: Command::exec(["python", "app.py"]).unwrap() }),
        Instruction::Comment(model::CommentLine { text: dockwright::Comment::new("setup").unwrap() }),
    ]
}

/// Realistic instructions, so the passes fire often.
fn realistic_instruction() -> impl Strategy<Value = Instruction> {
    let layers = vec![
        Instruction::Workdir(model::Workdir { path: Value::literal("/app").unwrap() }),
        Instruction::Workdir(model::Workdir { path: Value::literal("/srv").unwrap() }),
        copy(".", "./"),
        copy(".", "/app"),
        copy("src/", "./src/"),
        copy("requirements.txt", "./"),
        copy("package.json", "/app/"),
        run("apt-get update"),
        run("apt-get install -y curl"),
        run("apk update"),
        run("apk add git"),
        run("pip install --no-cache-dir -r requirements.txt"),
        run("/opt/venv/bin/pip install -r requirements.txt"),
        run("python -m venv /opt/venv"),
        run("npm ci"),
        run("npm run build"),
        run("go mod download"),
        run("go build -o /out/app ."),
        run("mkdir -p /app/data  && chown 10001:10001 /app/data"),
        run("mkdir -p /app/src/x"),
        run("mkdir -p data"),
        run("python app.py"),
        // Account setup, and COPYs whose writes do or do not meet its footprint.
        run("groupadd --system app  && useradd --system --gid app app"),
        run("useradd --create-home --home-dir /app/home app"),
        copy("conf/", "/etc/app/"),
        Instruction::Copy({
            let mut copy =
                model::Copy::new(vec![Source::path("src/").unwrap()], dockwright::Line::new("./src/").unwrap());
            copy.chown = Some(dockwright::UserSpec::new("app").unwrap());
            copy
        }),
    ];
    prop::sample::select([layers, config_steps()].concat())
}

/// Stages made for [`Pass::MoveEarlier`]: a working directory, then layer steps it may move (account
/// and directory setup) or move past (COPYs, venv installs), each followed by up to two config steps,
/// metadata or not; the targets are one stage, all of them, or the default.
fn movable() -> impl Strategy<Value = (Dockerfile, Config)> {
    let layer = prop::sample::select(vec![
        copy("src/", "./src/"),
        copy(".", "./"),
        copy("conf/", "/etc/app/"),
        copy("conf/", "/srv/conf/"),
        copy("requirements.txt", "./"),
        Instruction::Copy({
            let mut copy =
                model::Copy::new(vec![Source::path("src/").unwrap()], dockwright::Line::new("./src/").unwrap());
            copy.chown = Some(dockwright::UserSpec::new("app").unwrap());
            copy
        }),
        run("groupadd --system app  && useradd --system --gid app app"),
        run("useradd --create-home --home-dir /app/home app"),
        run("mkdir -p /app/data  && chown 10001:10001 /app/data"),
        run("mkdir -p /srv/data"),
        run("mkdir -p /app/src/x"),
        run("python -m venv /opt/venv"),
        run("/opt/venv/bin/pip install -r requirements.txt"),
        run("pip install flask"),
    ]);
    let config = prop::sample::select(config_steps());
    let chunk = (layer, prop::collection::vec(config, 0..3));
    let stages = prop::collection::vec(prop::collection::vec(chunk, 1..8), 1..3);
    (stages, 0..3usize).prop_map(|(stages, targets)| {
        let mut dockerfile = Dockerfile::default();
        for (index, chunks) in stages.into_iter().enumerate() {
            let mut stage = model::Stage::new(FromInstruction {
                platform: None,
                base: model::BaseImage::Image(dockwright::ImageRef::parse("python:3.12-slim").unwrap()),
                name: Some(dockwright::StageName::new(format!("s{index}")).unwrap()),
            });
            stage.instructions.push(Instruction::Workdir(model::Workdir { path: Value::literal("/app").unwrap() }));
            for (layer, configs) in chunks {
                stage.instructions.push(layer);
                stage.instructions.extend(configs);
            }
            dockerfile.stages.push(stage);
        }
        let config = Config::default().context_files(["app.py", "requirements.txt", "src/main.py", "conf/app.ini"]);
        let config = match targets {
            0 => config,
            1 => config.targets(["s0"]),
            _ => config
                .targets(dockerfile.stages.iter().filter_map(|s| s.name().map(str::to_string)).collect::<Vec<_>>()),
        };
        (dockerfile, config)
    })
}

fn realistic() -> impl Strategy<Value = (Dockerfile, Config)> {
    let stages = prop::collection::vec(prop::collection::vec(realistic_instruction(), 0..10), 1..4);
    let files = prop::sample::subsequence(
        vec!["app.py", "requirements.txt", "package.json", "package-lock.json", "go.mod", "src/main.py", "data/x"],
        0..7,
    );
    (stages, files, any::<bool>(), any::<bool>()).prop_map(|(stages, files, buildkit, trusting)| {
        let mut dockerfile = Dockerfile::default();
        for (index, instructions) in stages.into_iter().enumerate() {
            let mut stage = model::Stage::new(FromInstruction {
                platform: None,
                base: model::BaseImage::Image(dockwright::ImageRef::parse("python:3.12-slim").unwrap()),
                name: Some(dockwright::StageName::new(format!("s{index}")).unwrap()),
            });
            stage.instructions = instructions;
            dockerfile.stages.push(stage);
        }
        let mut config = Config::default().context_files(files).buildkit(buildkit);
        config.manifests_self_contained = trusting;
        (dockerfile, config)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn realistic_models_keep_behaviour_and_are_idempotent((dockerfile, config) in realistic()) {
        if let Err(message) = properties(&dockerfile, &config) {
            prop_assert!(false, "{}", message);
        }
    }

    #[test]
    fn movable_models_keep_behaviour_and_are_idempotent((dockerfile, config) in movable()) {
        if let Err(message) = properties(&dockerfile, &config) {
            prop_assert!(false, "{}", message);
        }
    }

    #[test]
    fn random_models_keep_behaviour_and_are_idempotent(dockerfile in strategies::dockerfile(), buildkit in any::<bool>()) {
        let config = Config::default().buildkit(buildkit).context_files(["a", "requirements.txt", "src/x"]);
        if let Err(message) = properties(&dockerfile, &config) {
            prop_assert!(false, "{}", message);
        }
    }
}

// ------------------------------------------------------------------------------------------------
// The seed examples: naive variants optimized.

/// How a naive variant is made from the hand-written model.
type NaiveOf = fn(&Dockerfile) -> Dockerfile;

#[test]
fn naive_variants_optimized_match_the_hand_written_examples() {
    let mut table = vec![
        "| example/service | hand-written | hand-written optimized | naive | naive optimized | passes on the naive variant |"
            .to_string(),
        "|---|---:|---:|---:|---:|---|".to_string(),
    ];
    let mut above = Vec::new();
    let mut reruns = Vec::new();
    let mut cases: Vec<(&str, String, Image, NaiveOf)> = Vec::new();
    for (example, service, image) in images() {
        if (example, service) == ("appos", "multi-stage") {
            // Also flattened into one stage, against its seed's own style: the passes' known limit.
            cases.push((example, format!("{service} (flattened)"), image.clone(), naive_variant));
        }
        cases.push((example, service.to_string(), image, seed_naive(example, service)));
    }
    for (example, label, image, naive_of) in cases {
        let service = label.split(' ').next().unwrap_or_default();
        let hand = model(&image);
        let ignore: Vec<String> = image.dockerignore_text().lines().map(str::to_string).collect();
        let costs = ChangeModel::default().with_dockerignore(ignore.iter());
        let naive = naive_of(&hand);
        let config = Config::default().context_files(context_files(example, service, &[]));
        let mut optimized = naive.clone();
        let changes = optimize(&mut optimized, &config);
        properties(&naive, &config).unwrap_or_else(|e| panic!("{example}/{label}: {e}"));
        let cost = |d: &Dockerfile| expected_rebuild_cost(&analyze(d), Target::Default, &costs).unwrap().expected;
        let (hand_cost, naive_cost, optimized_cost) = (cost(&hand), cost(&naive), cost(&optimized));
        let mut hand_optimized = hand.clone();
        let hand_config = Config::default().context_files(context_files(example, service, &ignore));
        optimize(&mut hand_optimized, &hand_config);
        let hand_optimized_cost = cost(&hand_optimized);
        assert!(hand_optimized_cost <= hand_cost + 1e-9, "{example}/{label}");
        let passes: Vec<String> = changes.iter().map(|c| c.pass.to_string()).collect();
        table.push(format!(
            "| {example}/{label} | {hand_cost:.3} | {hand_optimized_cost:.3} | {naive_cost:.3} | {optimized_cost:.3} | {} |",
            passes.join(", ")
        ));
        if optimized_cost > hand_cost + 1e-9 {
            above.push(format!("{example}/{label}"));
        }
        // No dependency install reruns on a source-only edit.
        let analysis = analyze(&optimized);
        for edit in SOURCE_EDITS {
            let changes =
                ChangeSet { paths: vec![edit.to_string()], dockerignore: ignore.clone(), ..ChangeSet::default() };
            for step in cache_impact(&analysis, Target::Default, &changes).unwrap().missed() {
                let command =
                    analysis.steps()[step.step].key.as_ref().and_then(|k| k.command.clone()).unwrap_or_default();
                if is_dependency_install(&command) {
                    reruns.push(format!("{example}/{label}: {edit} reruns {command}"));
                }
            }
        }
    }
    eprintln!("{}", table.join("\n"));
    eprintln!("{}", reruns.join("\n"));
    // The one known limit: appos/multi-stage flattened into one stage (against its seed, which asks
    // for a multi-stage build) puts `npm run build` (arbitrary scripts reading every source) before the
    // apk installs of the Go and runtime stages. No pass can prove those installs independent of the
    // build script, so they stay after it. Written in its seed's multi-stage style, it optimizes fine.
    let limit = "appos/multi-stage (flattened)";
    assert_eq!(above, [limit]);
    assert!(reruns.iter().all(|r| r.starts_with(limit) && r.contains("apk add")), "{reruns:#?}");
}

#[test]
fn hand_written_examples_are_already_optimal_or_improve() {
    for (example, service, image) in images() {
        let dockerfile = model(&image);
        let ignore: Vec<String> = image.dockerignore_text().lines().map(str::to_string).collect();
        let config = Config::default().context_files(context_files(example, service, &ignore));
        properties(&dockerfile, &config).unwrap_or_else(|e| panic!("{example}/{service}: {e}"));
        let costs = ChangeModel::default().with_dockerignore(ignore.iter());
        let mut optimized = dockerfile.clone();
        optimize(&mut optimized, &config);
        let cost = |d: &Dockerfile| expected_rebuild_cost(&analyze(d), Target::Default, &costs).unwrap().expected;
        assert!(cost(&optimized) <= cost(&dockerfile) + 1e-9, "{example}/{service}");
    }
}
