//! Every error `Image::validate` and `Dockerfile::validate` can report: its kind, and a message that
//! names the bad input. One `check` helper; one test per error.

use dockwright::model::{self, BaseImage, Dockerfile, FromInstruction, Instruction, Source};
use dockwright::{Base, ErrorKind, Image, Line, Run, Stage, StageName, Text};

/// Validates `image` and asserts it reports exactly the `expected` (kind, message) pairs, in order.
#[track_caller]
fn check(image: &Image, expected: &[(ErrorKind, &str)]) {
    let errors = image.validate().expect_err("the image should be invalid");
    let got: Vec<(ErrorKind, String)> = errors.iter().map(|e| (e.kind(), e.to_string())).collect();
    let want: Vec<(ErrorKind, String)> = expected.iter().map(|(k, m)| (*k, m.to_string())).collect();
    pretty_assertions::assert_eq!(got, want);
}

fn one(stage: Stage) -> Image {
    let mut image = Image::new();
    image.stage(stage);
    image
}

fn slim() -> Base {
    Base::debian("bookworm-slim")
}

#[test]
fn no_stages() {
    check(&Image::new(), &[(ErrorKind::NoStage, "the image has no stages: add one with Image::stage")]);
}

#[test]
fn invalid_stage_name_names_it() {
    check(
        &one(Stage::new("Build Stage", slim())),
        &[(
            ErrorKind::InvalidStageName,
            "stage 'Build Stage': invalid stage name 'Build Stage': use lowercase letters, digits, '-', '_' and '.', starting with a letter",
        )],
    );
}

#[test]
fn reserved_stage_name() {
    check(
        &one(Stage::new("context", slim())),
        &[(
            ErrorKind::InvalidStageName,
            "stage 'context': stage name 'context' is reserved by BuildKit: choose another name",
        )],
    );
}

#[test]
fn duplicate_stage_names() {
    let mut image = Image::new();
    image.stage(Stage::new("app", slim()));
    image.stage(Stage::new("app", slim()));
    check(&image, &[(ErrorKind::DuplicateStage, "two stages are named 'app': stage names must be unique")]);
}

#[test]
fn handle_from_another_image() {
    let mut other = Image::new();
    let foreign = other.stage(Stage::new("builder", slim()));
    let mut image = Image::new();
    image.stage(Stage::new("builder", slim()));
    image.stage(Stage::new("app", slim()).copy_from(&foreign, ["/out"], "/out"));
    check(
        &image,
        &[(
            ErrorKind::ForeignStage,
            "stage 'app': uses stage 'builder' from another image: add that stage to this image and use its handle",
        )],
    );
}

#[test]
fn foreign_handle_as_base_and_in_mounts() {
    let mut other = Image::new();
    let foreign = other.stage(Stage::new("deps", slim()));
    let mut image = Image::new();
    image.stage(Stage::new("app", &foreign).run(Run::sh("ls /w").bind_from(&foreign, "/", "/w")));
    let errors = image.validate().unwrap_err();
    let kinds: Vec<ErrorKind> = errors.iter().map(|e| e.kind()).collect();
    assert_eq!(kinds, [ErrorKind::ForeignStage, ErrorKind::ForeignStage], "{errors}");
}

#[test]
fn unnamed_stage_handles_cannot_be_used() {
    const NO_NAME: &str =
        "uses stage 1, which has no name: name it with Stage::new to build on it, copy from it or mount it";
    let mut image = Image::new();
    let first = image.stage(Stage::unnamed(slim()));
    image.stage(
        Stage::new("app", slim())
            .copy_from(&first, ["/out"], "/out")
            .run(Run::sh("ls /w").bind_from(&first, "/", "/w")),
    );
    image.stage(Stage::unnamed(&first));
    check(
        &image,
        &[
            (ErrorKind::InvalidStageName, &format!("stage 'app': {NO_NAME}")),
            (ErrorKind::InvalidStageName, &format!("stage 'app': {NO_NAME}")),
            (ErrorKind::InvalidStageName, &format!("stage 3: {NO_NAME}")),
        ],
    );
    // Unnamed stages that nothing uses are fine, and emitted without `AS`.
    let mut image = Image::new();
    image.stage(Stage::unnamed(slim()).run("true"));
    image.stage(Stage::unnamed(slim()));
    assert_eq!(image.emit().unwrap(), "FROM debian:bookworm-slim\nRUN true\n\nFROM debian:bookworm-slim\n");
    assert!(image.targets().is_empty());
}

#[test]
fn model_stage_used_before_definition() {
    let mut dockerfile = Dockerfile::default();
    let mut first = model::Stage::new(FromInstruction {
        platform: None,
        base: BaseImage::Image(dockwright::ImageRef::parse("alpine:3.19").unwrap()),
        name: Some(StageName::new("app").unwrap()),
    });
    let mut copy = model::Copy::new(vec![Source::path("/out").unwrap()], Line::new("/out").unwrap());
    copy.from = Some(model::FromSource::Stage(StageName::new("builder").unwrap()));
    first.instructions.push(Instruction::Copy(copy));
    dockerfile.stages.push(first);
    dockerfile.stages.push(model::Stage::new(FromInstruction {
        platform: None,
        base: BaseImage::Image(dockwright::ImageRef::parse("alpine:3.19").unwrap()),
        name: Some(StageName::new("builder").unwrap()),
    }));
    let errors = dockerfile.validate().unwrap_err();
    assert_eq!(
        errors.to_string(),
        "stage 'app', instruction 1 (COPY): --from=builder names a stage that is not defined before this one"
    );
    assert_eq!(errors.iter().next().unwrap().kind(), ErrorKind::StageUsedBeforeDefinition);
}

#[test]
fn newline_in_env_value() {
    check(
        &one(Stage::new("app", slim()).env("GREETING", "hello\nFROM evil")),
        &[(
            ErrorKind::InvalidText,
            "stage 'app', ENV 'GREETING': value \"hello\\nFROM evil\" holds a line break, and a Dockerfile has no way to write one here: put multi-line content in a file (Stage::file) or a RUN script",
        )],
    );
}

#[test]
fn newline_in_label_value() {
    check(
        &one(Stage::new("app", slim()).label("description", "a\nb")),
        &[(
            ErrorKind::InvalidText,
            "stage 'app', LABEL 'description': value \"a\\nb\" holds a line break, and a Dockerfile has no way to write one here: put multi-line content in a file (Stage::file) or a RUN script",
        )],
    );
}

#[test]
fn invalid_env_key() {
    check(
        &one(Stage::new("app", slim()).env("MY-VAR", "1")),
        &[(
            ErrorKind::InvalidVarName,
            "stage 'app', ENV 'MY-VAR': invalid variable name 'MY-VAR': use letters, digits and '_', not starting with a digit",
        )],
    );
}

#[test]
fn invalid_label_key() {
    check(
        &one(Stage::new("app", slim()).label("a=b", "c")),
        &[(
            ErrorKind::InvalidLabelKey,
            "stage 'app', LABEL 'a=b': invalid label key \"a=b\": a key must be non-empty and hold no '=' or control character",
        )],
    );
}

#[test]
fn invalid_image_reference() {
    check(
        &one(Stage::new("app", Base::image("Python:3.12", dockwright::OsFamily::Debian))),
        &[(
            ErrorKind::InvalidImageRef,
            "stage 'app': invalid image reference \"Python:3.12\": repository path components are lowercase letters, digits and '.', '_', '-'",
        )],
    );
}

#[test]
fn invalid_user() {
    check(
        &one(Stage::new("app", slim()).user("app user")),
        &[(
            ErrorKind::InvalidUser,
            "stage 'app', USER: invalid user \"app user\": use 'name', 'name:group', 'uid' or 'uid:gid' (letters, digits, '_', '.', '-')",
        )],
    );
}

#[test]
fn invalid_port() {
    check(
        &one(Stage::new("app", slim()).expose_ports(&["80:80"])),
        &[(
            ErrorKind::InvalidPort,
            "stage 'app', EXPOSE: invalid port \"80:80\": use 1-65535, optionally a range 'a-b', and '/tcp', '/udp' or '/sctp'",
        )],
    );
}

#[test]
fn invalid_platform() {
    check(
        &one(Stage::new("app", slim()).platform("amd64")),
        &[(
            ErrorKind::InvalidPlatform,
            "stage 'app': invalid platform \"amd64\": use 'os/arch' or 'os/arch/variant' (like 'linux/amd64'), or '$BUILDPLATFORM'",
        )],
    );
}

#[test]
fn invalid_duration() {
    check(
        &one(Stage::new("app", slim()).healthcheck(dockwright::Health::new(["true"]).interval("30"))),
        &[(
            ErrorKind::InvalidDuration,
            "stage 'app', HEALTHCHECK, --interval: invalid duration \"30\": use a number with a unit, like '30s', '1m30s' or '500ms'",
        )],
    );
}

#[test]
fn invalid_chmod() {
    check(
        &one(Stage::new("app", slim()).copy_with(dockwright::Copy::new(["a"], "/a").chmod("rwx"))),
        &[(
            ErrorKind::InvalidChmod,
            "stage 'app', COPY: invalid file mode \"rwx\": use octal like '755' or '0644', or symbolic like 'u+x,go-w'",
        )],
    );
}

#[test]
fn invalid_signal() {
    check(
        &one(Stage::new("app", slim()).stop_signal("sigterm")),
        &[(
            ErrorKind::InvalidSignal,
            "stage 'app', STOPSIGNAL: invalid stop signal \"sigterm\": use an uppercase Linux signal name like 'SIGTERM' or 'SIGRTMIN+3', or a positive number",
        )],
    );
}

#[test]
fn unsafe_mount_value() {
    check(
        &one(Stage::new("app", slim()).run(Run::sh("ls").cache("/a,b"))),
        &[(
            ErrorKind::InvalidFlagValue,
            "stage 'app', RUN, cache mount target: flag value \"/a,b\" must be non-empty and use only letters, digits and _ . / @ : + -",
        )],
    );
}

#[test]
fn context_sources_the_transfer_cannot_select() {
    let why = |source: &str, why: &str| {
        format!(
            "stage 'app', instruction 1 (COPY): COPY source {source:?} cannot be selected from the build context: \
             {why}; rename the file, or copy its directory or a wildcard pattern that matches it"
        )
    };
    let cases: &[(&str, &str)] = &[
        (" lead", "it starts or ends with whitespace, which the transfer trims"),
        ("trail ", "it starts or ends with whitespace, which the transfer trims"),
        ("\u{a0}nbsp", "it starts or ends with whitespace, which the transfer trims"),
        ("ideographic\u{3000}", "it starts or ends with whitespace, which the transfer trims"),
        ("!bang", "a leading '!' makes it an exclusion to the transfer"),
        ("a\\b", "the transfer does not read '\\' as COPY does (as an escape or a plain character)"),
        ("tab\tx", "it holds a control character, which the transfer's request cannot carry"),
        ("c\u{1}d", "it holds a control character, which the transfer's request cannot carry"),
        ("[*]", "a '*' or '?' inside brackets (how a literal '*' or '?' is written) matches nothing in the transfer"),
        ("q[?]", "a '*' or '?' inside brackets (how a literal '*' or '?' is written) matches nothing in the transfer"),
        ("[*a]", "a '*' or '?' inside brackets (how a literal '*' or '?' is written) matches nothing in the transfer"),
    ];
    for (source, reason) in cases {
        check(
            &one(Stage::new("app", slim()).copy([*source], "/out/")),
            &[(ErrorKind::InvalidInstruction, &why(source, reason))],
        );
    }
    // A literal name with '*' is written as a bracket class: refused from the context, named as the user wrote it
    // after escaping, so the message shows what BuildKit would be asked for.
    let copy = model::Copy::new(vec![Source::literal("*").unwrap()], Line::new("/out/").unwrap());
    check(
        &one(Stage::new("app", slim()).instruction(Instruction::Copy(copy))),
        &[(
            ErrorKind::InvalidInstruction,
            &why(
                "[*]",
                "a '*' or '?' inside brackets (how a literal '*' or '?' is written) matches nothing in the transfer",
            ),
        )],
    );
}

#[test]
fn context_sources_the_transfer_selects_are_fine() {
    for source in ["src/*.py", "[[]x]", "x]", "mid dle", "d/ lead", "d/!bang", "é.txt", "a\u{a0}b", "[ab]?.txt"] {
        let image = one(Stage::new("app", slim()).copy([source], "/out/"));
        assert!(image.validate().is_ok(), "{source:?}: {:?}", image.validate());
    }
    // From a stage, nothing goes through the context transfer: every name works.
    let mut image = Image::new();
    let build = image.stage(Stage::new("build", slim()));
    image.stage(Stage::new("app", slim()).copy_from(&build, [" lead", "!bang", "a\\b", "[*]"], "/out/"));
    assert!(image.validate().is_ok(), "{:?}", image.validate());
}

#[test]
fn lines_longer_than_buildkit_reads() {
    let long = "x".repeat(70_000);
    check(
        &one(Stage::new("app", slim()).raw("MAINTAINER", &long)),
        &[(
            ErrorKind::InvalidRaw,
            "stage 'app', instruction 1 (MAINTAINER): raw MAINTAINER instruction is 70011 bytes long; BuildKit reads lines \
             of at most 65535 bytes and a raw instruction is written as it is: use the typed instruction, which dockwright wraps",
        )],
    );
    check(
        &one(Stage::new("app", slim()).file("/data.txt", &format!("{long}\n"))),
        &[(
            ErrorKind::InvalidText,
            "stage 'app', instruction 1 (COPY): line 1 of the inline file for \"/data.txt\" is 70000 bytes long; BuildKit \
             reads lines of at most 65535 bytes: put the file in the build context and COPY it",
        )],
    );
    check(
        &one(Stage::new("app", slim()).comment(&long)),
        &[(
            ErrorKind::InvalidComment,
            "stage 'app', comment: comment line starting \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" is 70000 bytes long; \
             BuildKit reads lines of at most 65535 bytes: break it into shorter lines",
        )],
    );
    // Values, paths and commands have no such limit: the emitter wraps them (tests/emit_roundtrip.rs).
    let image = one(Stage::new("app", slim())
        .env("D", "$".repeat(33_000).as_str())
        .volume(&long)
        .cmd([long.as_str(), long.as_str()]));
    assert!(image.validate().is_ok(), "{:?}", image.validate());
}

#[test]
fn raw_instruction_that_would_swallow_the_next_line() {
    check(
        &one(Stage::new("app", slim()).raw("ENV", "A=b \\")),
        &[(
            ErrorKind::InvalidRaw,
            "stage 'app', raw instruction: raw ENV arguments \"A=b \\\\\" end with an escape character, which would join the next line to this instruction",
        )],
    );
}

#[test]
fn several_sources_need_a_directory_destination() {
    check(
        &one(Stage::new("app", slim()).copy(["a", "b"], "/app")),
        &[(
            ErrorKind::InvalidInstruction,
            "stage 'app', instruction 1 (COPY): copies 2 sources, so the destination \"/app\" must end with '/'",
        )],
    );
}

#[test]
fn inline_file_without_final_newline() {
    check(
        &one(Stage::new("app", slim()).file("/etc/motd", "hello")),
        &[(
            ErrorKind::InvalidText,
            "stage 'app', instruction 1 (COPY): inline file for \"/etc/motd\" must end with a newline: BuildKit always writes one",
        )],
    );
}

#[test]
fn shell_form_on_an_image_without_a_shell() {
    check(
        &one(Stage::new("app", Base::distroless_static()).cmd("serve --port 80")),
        &[(
            ErrorKind::Unsupported,
            "stage 'app': CMD uses shell form, but gcr.io/distroless/static-debian12 (distroless) has no shell: use exec form (an array of arguments)",
        )],
    );
}

#[test]
fn install_without_a_package_manager() {
    check(
        &one(Stage::new("app", Base::scratch()).install(["curl"])),
        &[(
            ErrorKind::Unsupported,
            "stage 'app', install: cannot install curl on scratch (scratch): it has no package manager; install in a builder stage and copy the files",
        )],
    );
}

#[test]
fn healthcheck_without_a_probe_says_what_to_install() {
    let err = Stage::new("app", slim()).healthcheck_http(8000, "/health").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingProbe);
    assert_eq!(
        err.to_string(),
        "stage 'app': cannot probe http://127.0.0.1:8000/health: debian:bookworm-slim (debian) has no curl, wget, python3 or node; install one first, e.g. .install([\"curl\"]), or use Stage::healthcheck with your own command"
    );
}

#[test]
fn nul_in_run_text() {
    check(
        &one(Stage::new("app", slim()).run("echo a\0b")),
        &[(
            ErrorKind::InvalidText,
            "stage 'app', RUN: text \"echo a\\0b\" holds a NUL character, which no Dockerfile or process argument can carry: remove it",
        )],
    );
}

#[test]
fn unreadable_budget_names_the_text_and_the_accepted_form() {
    let mut unit = Image::new().budget("500 parsecs");
    unit.stage(Stage::new("app", slim()));
    check(
        &unit,
        &[(
            ErrorKind::InvalidBudget,
            "invalid size budget \"500 parsecs\": unknown unit \"parsecs\" (use B, kB, MB, GB, KiB, MiB or GiB)",
        )],
    );
    let mut number = Image::new().budget("MB");
    number.stage(Stage::new("app", slim()));
    check(
        &number,
        &[(ErrorKind::InvalidBudget, "invalid size budget \"MB\": expected a number and a unit, like \"500 MB\"")],
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut image = Image::new().syntax("not a ref");
    image.stage(Stage::new("App", slim()).env("1X", "a").label("k", "v\n").user("").copy(["a", "b"], "/dest"));
    let errors = image.validate().unwrap_err();
    let kinds: Vec<ErrorKind> = errors.iter().map(|e| e.kind()).collect();
    assert_eq!(
        kinds,
        [
            ErrorKind::InvalidImageRef,
            ErrorKind::InvalidStageName,
            ErrorKind::InvalidVarName,
            ErrorKind::InvalidText,
            ErrorKind::InvalidUser,
        ],
        "{errors}"
    );
}

#[test]
fn model_shell_needs_an_executable_and_onbuild_cannot_nest() {
    let mut dockerfile = Dockerfile::default();
    let mut stage = model::Stage::new(FromInstruction {
        platform: None,
        base: BaseImage::Image(dockwright::ImageRef::parse("alpine:3.19").unwrap()),
        name: None,
    });
    stage.instructions.push(Instruction::Shell(model::Shell { argv: vec![] }));
    let inner = Instruction::Shell(model::Shell { argv: vec![Text::new("/bin/sh").unwrap()] });
    let nested = Instruction::OnBuild(model::OnBuild { trigger: Box::new(inner) });
    stage.instructions.push(Instruction::OnBuild(model::OnBuild { trigger: Box::new(nested) }));
    dockerfile.stages.push(stage);
    assert_eq!(
        dockerfile.validate().unwrap_err().to_string(),
        "2 problems:\n  - stage 1, instruction 1 (SHELL): SHELL needs at least the shell executable\n  - stage 1, instruction 2 (ONBUILD): ONBUILD cannot trigger ONBUILD"
    );
}

#[test]
fn symbolic_mode_on_a_mount() {
    let mount = model::Mount::Cache {
        target: dockwright::FlagValue::new("/cache").unwrap(),
        id: None,
        sharing: None,
        from: None,
        source: None,
        mode: Some(dockwright::Chmod::new("u+x").unwrap()),
        uid: None,
        gid: None,
        readonly: false,
    };
    check(
        &one(Stage::new("app", slim()).run(Run::sh("ls").mount(mount))),
        &[(
            ErrorKind::InvalidChmod,
            "stage 'app', instruction 1 (RUN): mount mode \"u+x\" must be octal (like '0755'): BuildKit does not take symbolic modes there",
        )],
    );
}

#[test]
fn inline_file_destination_with_whitespace() {
    check(
        &one(Stage::new("app", slim()).file("/etc/my app.conf", "x\n")),
        &[(
            ErrorKind::InvalidInstruction,
            "stage 'app', instruction 1 (COPY): inline file destination \"/etc/my app.conf\" cannot hold whitespace, quotes, '$', '\\', '`' or '<<': BuildKit reads heredoc lines as shell words",
        )],
    );
}

#[test]
fn inline_file_with_carriage_returns_is_written_exactly() {
    // BuildKit keeps a heredoc body's carriage returns; a line `EOF\r` would end a `<<EOF` heredoc,
    // so the delimiter avoids it (tests/engine_hostile.rs builds such files).
    let mut image = Image::new();
    image.stage(Stage::new("app", slim()).file("/etc/app.conf", "a\r\nEOF\r\nb\r\n"));
    assert_eq!(
        image.emit().unwrap(),
        "FROM debian:bookworm-slim AS app\nCOPY <<'EOF_1' /etc/app.conf\na\r\nEOF\r\nb\r\nEOF_1\n"
    );
}

#[test]
fn run_with_an_empty_argv() {
    let empty: [&str; 0] = [];
    check(
        &one(Stage::new("app", slim()).run(Run::exec(empty))),
        &[(ErrorKind::InvalidInstruction, "stage 'app', instruction 1 (RUN): the exec-form command is empty")],
    );
}

#[test]
fn zero_healthcheck_retries() {
    check(
        &one(Stage::new("app", slim()).healthcheck(dockwright::Health::new(["true"]).retries(0))),
        &[(
            ErrorKind::InvalidInstruction,
            "stage 'app', instruction 1 (HEALTHCHECK): --retries=0 means 'use the default (3)' to the engine: give 1 or more, or leave it unset",
        )],
    );
}

// ---------------------------------------------------------------------------------------------
// FROM lines with global ARGs.

fn debian_base(reference: &str) -> Base {
    Base::image(reference, dockwright::OsFamily::Debian)
}

#[test]
fn from_arg_that_is_not_declared() {
    check(
        &one(Stage::new("app", Base::python("${PY}").slim())),
        &[(
            ErrorKind::UndeclaredArg,
            "stage 'app': FROM python:${PY}-slim uses ARG PY, which is not declared before the first FROM (BuildKit \
             expands only global ARGs there): declare it with Image::arg(\"PY\", Some(default))",
        )],
    );
}

#[test]
fn from_arg_declared_only_inside_a_stage() {
    let mut image = Image::new();
    image.stage(Stage::new("build", slim()).arg_default("PY", "3.12"));
    image.stage(Stage::new("app", Base::python("${PY}").slim()));
    check(
        &image,
        &[(
            ErrorKind::UndeclaredArg,
            "stage 'app': FROM python:${PY}-slim uses ARG PY, which is declared only inside stage 'build': FROM \
             lines see only ARGs declared before the first FROM; declare it with Image::arg(\"PY\", Some(default))",
        )],
    );
}

#[test]
fn from_arg_without_a_default_that_breaks_the_reference() {
    let mut image = Image::new().arg("TAG", None);
    image.stage(Stage::new("app", debian_base("busybox:${TAG}")));
    check(
        &image,
        &[(
            ErrorKind::InvalidImageRef,
            "stage 'app': FROM busybox:${TAG} reads \"busybox:\" when the build passes no --build-arg, which is not \
             a valid image reference (a tag is up to 128 letters, digits, '_', '.' and '-'); ARG TAG is empty unless \
             --build-arg TAG=... is passed: give it a default with Image::arg(\"TAG\", Some(default))",
        )],
    );
}

#[test]
fn from_arg_without_a_default_is_fine_when_empty_still_reads() {
    // BuildKit's InvalidDefaultArgInFrom example: an empty VARIANT still names an image.
    let mut image = Image::new().arg("VARIANT", None);
    image.stage(Stage::new("app", debian_base("busybox:stable${VARIANT}")));
    assert_eq!(image.emit().unwrap(), "ARG VARIANT\n\nFROM busybox:stable${VARIANT} AS app\n");
}

#[test]
fn from_arg_whose_default_is_not_a_reference() {
    let mut image = Image::new().arg("PY", Some("3.12 rc"));
    image.stage(Stage::new("app", Base::python("${PY}").slim()));
    check(
        &image,
        &[(
            ErrorKind::InvalidImageRef,
            "stage 'app': FROM python:${PY}-slim reads \"python:3.12 rc-slim\" when the build passes no --build-arg, \
             which is not a valid image reference (a tag is up to 128 letters, digits, '_', '.' and '-')",
        )],
    );
}

#[test]
fn from_arg_default_form_is_refused() {
    let mut image = Image::new().arg("TAG", None);
    image.stage(Stage::new("app", debian_base("alpine:${TAG:-3.19}")));
    check(
        &image,
        &[(
            ErrorKind::InvalidImageRef,
            "stage 'app': image reference \"alpine:${TAG:-3.19}\" uses '${TAG:-...}': dockwright expands only plain \
             ${NAME} in FROM; give the default to the global ARG instead, with Image::arg(\"TAG\", Some(default))",
        )],
    );
}

#[test]
fn from_arg_that_names_an_earlier_stage() {
    let mut image = Image::new().arg("BASE", Some("build"));
    image.stage(Stage::new("build", slim()));
    image.stage(Stage::new("app", debian_base("${BASE}")));
    check(
        &image,
        &[(
            ErrorKind::InvalidImageRef,
            "stage 'app': FROM ${BASE} reads 'build' when the build passes no --build-arg, which names the earlier \
             stage 'build': BuildKit would start from that stage, not pull an image; start from the stage's handle \
             instead",
        )],
    );
}

#[test]
fn from_arg_set_by_buildkit_per_platform() {
    check(
        &one(Stage::new("app", debian_base("registry.corp/app-${TARGETARCH}:1"))),
        &[(
            ErrorKind::UndeclaredArg,
            "stage 'app': FROM registry.corp/app-${TARGETARCH}:1 uses ARG TARGETARCH, which BuildKit sets for each \
             build, so its value is not known here: an image reference may use only global ARGs with defaults; \
             declare one of your own with Image::arg(NAME, Some(default))",
        )],
    );
}

#[test]
fn platform_arg_that_is_not_declared() {
    check(
        &one(Stage::new("app", slim()).platform("$PLATFORM")),
        &[(
            ErrorKind::UndeclaredArg,
            "stage 'app': FROM --platform=$PLATFORM uses ARG PLATFORM, which is neither one of BuildKit's platform \
             ARGs (BUILDPLATFORM, BUILDOS, BUILDARCH, BUILDVARIANT, TARGETPLATFORM, TARGETOS, TARGETARCH, \
             TARGETVARIANT) nor declared before the first FROM: declare it with Image::arg(\"PLATFORM\", Some(default))",
        )],
    );
}

#[test]
fn platform_arg_without_a_usable_default() {
    let mut image = Image::new().arg("PLATFORM", None).arg("ARCH", Some("arm64"));
    image.stage(Stage::new("one", slim()).platform("$PLATFORM"));
    image.stage(Stage::new("two", slim()).platform("${ARCH}"));
    check(
        &image,
        &[
            (
                ErrorKind::InvalidPlatform,
                "stage 'one': FROM --platform=$PLATFORM: ARG PLATFORM is empty unless --build-arg PLATFORM=... is \
                 passed, and BuildKit refuses an empty platform: give it a default with Image::arg(\"PLATFORM\", \
                 Some(\"linux/amd64\"))",
            ),
            (
                ErrorKind::InvalidPlatform,
                "stage 'two': FROM --platform=$ARCH reads \"arm64\" when the build passes no --build-arg, which is \
                 not a platform: give ARG ARCH a default like 'linux/amd64'",
            ),
        ],
    );
    let mut fine = Image::new().arg("PLATFORM", Some("linux/arm64"));
    fine.stage(Stage::new("one", slim()).platform("$PLATFORM"));
    fine.stage(Stage::new("two", slim()).platform("$BUILDPLATFORM"));
    assert!(fine.validate().is_ok());
}

#[test]
fn model_from_template_is_checked_without_the_dsl() {
    let mut dockerfile = Dockerfile::default();
    dockerfile.stages.push(model::Stage::new(FromInstruction {
        platform: None,
        base: BaseImage::Template(dockwright::ImageTemplate::parse("${IMAGE}").unwrap()),
        name: None,
    }));
    let errors = dockerfile.validate().unwrap_err();
    assert_eq!(
        errors.to_string(),
        "stage 1: FROM ${IMAGE} uses ARG IMAGE, which is not declared before the first FROM (BuildKit expands only \
         global ARGs there): declare it with Image::arg(\"IMAGE\", Some(default))"
    );
}

#[test]
fn build_definition_over_buildkits_message_limit() {
    // Two 50 kB values in scope of 40 RUNs: BuildKit 0.13 refuses the definition (4,329,605 bytes measured; estimated 4,255 KiB).
    let big = "a".repeat(50_000);
    let runs = |stage: Stage| (0..40).fold(stage, |stage, i| stage.run(Run::exec(["true", &i.to_string()])));
    let before = runs(Stage::new("app", slim()).env("X1", big.as_str()).env("X2", big.as_str()));
    check(
        &one(before),
        &[(
            ErrorKind::InvalidInstruction,
            "the build definition BuildKit would make is about 4255 KiB (every RUN carries the environment in \
             scope, up to 97 KiB here), and BuildKit refuses one over 4 MiB: put large values in files copied \
             into the image, or set them after the last RUN",
        )],
    );
    // The same values after the last RUN are carried by none.
    let after = runs(Stage::new("app", slim())).env("X1", big.as_str()).env("X2", big.as_str());
    assert!(one(after).validate().is_ok());
}

#[test]
fn paths_the_build_creates_fit_linux_limits() {
    let name = "n".repeat(300);
    check(
        &one(Stage::new("app", slim()).workdir(format!("/srv/{name}").as_str()).copy(["a"], &format!("/x/{name}"))),
        &[
            (
                ErrorKind::InvalidInstruction,
                "stage 'app', instruction 1 (WORKDIR): WORKDIR has a name \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\"... \
                 of 300 bytes; Linux file names are at most 255 bytes",
            ),
            (
                ErrorKind::InvalidInstruction,
                "stage 'app', instruction 2 (COPY): COPY destination has a name \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\"... \
                 of 300 bytes; Linux file names are at most 255 bytes",
            ),
        ],
    );
    let deep = "/d".repeat(2_100);
    check(
        &one(Stage::new("app", slim()).workdir(deep.as_str())),
        &[(
            ErrorKind::InvalidInstruction,
            "stage 'app', instruction 1 (WORKDIR): WORKDIR \"/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d\"... is 4200 bytes long; \
             Linux paths are at most 4096 bytes",
        )],
    );
}

#[test]
fn raw_instruction_with_an_unknown_keyword_suggests_the_closest() {
    check(
        &one(Stage::new("app", slim()).raw("RUNN", "make").raw("ENTRYPIONT", "app").raw("XYZZY", "x")),
        &[
            (
                ErrorKind::InvalidRaw,
                "stage 'app', raw instruction: unknown instruction keyword 'RUNN': BuildKit has no such instruction; did you mean RUN?",
            ),
            (
                ErrorKind::InvalidRaw,
                "stage 'app', raw instruction: unknown instruction keyword 'ENTRYPIONT': BuildKit has no such instruction; did you mean ENTRYPOINT?",
            ),
            (
                ErrorKind::InvalidRaw,
                "stage 'app', raw instruction: unknown instruction keyword 'XYZZY': BuildKit has no such instruction; use one of \
                 ADD, ARG, CMD, COPY, ENTRYPOINT, ENV, EXPOSE, FROM, HEALTHCHECK, LABEL, MAINTAINER, ONBUILD, RUN, SHELL, \
                 STOPSIGNAL, USER, VOLUME, WORKDIR",
            ),
        ],
    );
}

#[test]
fn raw_instruction_takes_every_keyword_buildkit_knows_in_any_case() {
    for keyword in dockwright::import::INSTRUCTIONS.iter().filter(|k| !matches!(**k, "FROM" | "ONBUILD")) {
        for written in [keyword.to_string(), keyword.to_ascii_lowercase()] {
            let image = one(Stage::new("app", slim()).raw(&written, "x"));
            // Other checks may refuse the arguments ("x" is no HEALTHCHECK), never the keyword.
            if let Err(errors) = image.validate() {
                assert!(!errors.to_string().contains("unknown instruction keyword"), "{written}: {errors}");
            }
        }
    }
    assert!(one(Stage::new("app", slim()).raw("maintainer", "ops@example.com")).validate().is_ok());
}

#[test]
fn supplementary_groups_need_a_shell_and_valid_names() {
    use dockwright::NonRootUser;
    check(
        &one(Stage::new("app", Base::distroless_static())
            .non_root_user_with(NonRootUser::new("app", 10001).groups(["audio"]))),
        &[(
            ErrorKind::Unsupported,
            "stage 'app', non_root_user: cannot add user \"app\" to groups audio: gcr.io/distroless/static-debian12 \
             (distroless) has no shell to edit /etc/group with; add the groups in a builder stage and copy /etc/passwd \
             and /etc/group, or use a base with a shell",
        )],
    );
    check(
        &one(Stage::new("app", slim()).non_root_user_with(NonRootUser::new("app", 10001).groups(["audio;id"]))),
        &[(
            ErrorKind::InvalidUser,
            "stage 'app', non_root_user: invalid group name \"audio;id\": use lowercase letters, digits, '_' and '-', starting with a letter",
        )],
    );
}

#[test]
fn healthcheck_calling_a_tool_the_stage_lacks_names_tool_stage_and_fix() {
    use dockwright::Health;
    let python = Base::python("3.11").slim();
    let mut image = Image::new();
    image.stage(Stage::new("api", python).healthcheck(Health::new("curl -fsS http://127.0.0.1:8000/health || exit 1")));
    image.stage(Stage::new("static", Base::distroless_static()).healthcheck(Health::new([
        "/usr/bin/wget",
        "-q",
        "http://x/",
    ])));
    image.stage(Stage::new("both", slim()).healthcheck(Health::new([
        "sh",
        "-c",
        "curl -f http://127.0.0.1/ && wget -q -O- http://127.0.0.1/",
    ])));
    check(
        &image,
        &[
            (
                ErrorKind::MissingProbe,
                "stage 'api', HEALTHCHECK: the probe runs curl, which python:3.11-slim (debian) does not have: install it \
                 with .install([\"curl\"]), or use Stage::healthcheck_http, which picks a probe the stage has (python3)",
            ),
            (
                ErrorKind::MissingProbe,
                "stage 'static', HEALTHCHECK: the probe runs wget, which gcr.io/distroless/static-debian12 (distroless) \
                 does not have: copy it into the stage and declare it with Stage::provides(Tool::Wget)",
            ),
            (
                ErrorKind::MissingProbe,
                "stage 'both', HEALTHCHECK: the probe runs curl, which debian:bookworm-slim (debian) does not have: \
                 install it with .install([\"curl\"])",
            ),
            (
                ErrorKind::MissingProbe,
                "stage 'both', HEALTHCHECK: the probe runs wget, which debian:bookworm-slim (debian) does not have: \
                 install it with .install([\"wget\"])",
            ),
        ],
    );
}

#[test]
fn healthchecks_the_stage_can_run_or_that_cannot_be_read_are_accepted() {
    use dockwright::{Health, OsFamily, Tool};
    let python = || Stage::new("app", Base::python("3.11").slim());
    let distroless = || Stage::new("app", Base::distroless_static());
    let cases: Vec<(&str, Stage, Health)> = vec![
        ("python3 is there", python(), Health::new("python3 -c \"import urllib.request; print(1)\" || exit 1")),
        ("python too", python(), Health::new(["python", "-c", "pass"])),
        ("test and [ are not probe tools", python(), Health::new("test -f /tmp/ok && [ -s /tmp/ok ]")),
        ("builtins", python(), Health::new("kill -0 1 || exit 1")),
        ("installed", python().install(["curl"]), Health::new(["curl", "-f", "http://x/"])),
        ("declared", python().provides(Tool::Curl), Health::new(["curl", "-f", "http://x/"])),
        (
            "installed by a RUN",
            python().run("apt-get update && apt-get install -y --no-install-recommends curl"),
            Health::new("curl -f http://x/"),
        ),
        ("installed later in the stage", python(), Health::new("wget -q http://x/")),
        (
            "copied to the path the probe runs",
            distroless().copy(["probe/"], "/usr/local/bin/"),
            Health::new(["/usr/local/bin/curl", "-f", "http://x/"]),
        ),
        (
            "copied under its own name",
            distroless().copy(["vendor/static-curl/curl"], "/bin/"),
            Health::new(["curl", "-f", "http://x/"]),
        ),
        ("hidden behind a wrapper", python(), Health::new("exec curl -f http://x/")),
        ("command substitution", python(), Health::new("$(command -v curl) -f http://x/")),
        ("a compound command", python(), Health::new("if curl -f http://x/; then exit 0; fi; exit 1")),
        ("a variable as the program", python(), Health::new("$PROBE http://x/")),
        (
            "an image whose tools are a guess",
            Stage::new("app", Base::image("registry.corp/debian-tools:12", OsFamily::Debian)),
            Health::new(["curl", "-f", "http://x/"]),
        ),
        ("not a probe tool", distroless(), Health::new(["/app", "--health"])),
    ];
    for (what, stage, health) in cases {
        let stage = stage.healthcheck(health);
        // "installed later in the stage": the tool arrives after the HEALTHCHECK line.
        let stage = if what == "installed later in the stage" { stage.install(["wget"]) } else { stage };
        let image = one(stage);
        assert!(image.validate().is_ok(), "{what}: {}", image.validate().unwrap_err());
    }
}
