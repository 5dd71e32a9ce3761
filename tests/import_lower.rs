//! `dockwright::import::lower`: Dockerfile text to the model, checked through what it emits and what
//! it says. Each case is `(input, the model emitted, the diagnostics)`.

use dockwright::emit;
use dockwright::import::{DiagnosticKind, Severity, lower, parse};
use dockwright::model::{BaseImage, Command, Instruction, Mount, Platform, ShellScript};
use pretty_assertions::assert_eq;

/// Lowers `input`, and checks the emitted model and the diagnostics (`line:col: severity: message`).
fn check(input: &str, emitted: &str, diagnostics: &[&str]) {
    let lowered = lower(&parse(input));
    let got: Vec<String> = lowered.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(got, diagnostics, "diagnostics for {input:?}");
    assert_eq!(emit(&lowered.dockerfile), emitted, "emitted for {input:?}");
}

fn instructions(input: &str) -> Vec<Instruction> {
    let lowered = lower(&parse(input));
    lowered.dockerfile.stages.last().map(|stage| stage.instructions.clone()).unwrap_or_default()
}

#[test]
fn scope_follows_buildkit() {
    // Platform ARGs in FROM, a global ARG for the image, an ENV read by VOLUME: no errors.
    check(
        "ARG BASE_IMAGE=alpine:3.19\nFROM --platform=$BUILDPLATFORM ${BASE_IMAGE} AS build\nENV X=/data\nVOLUME \"$X\"\n",
        "ARG BASE_IMAGE=alpine:3.19\n\nFROM --platform=$BUILDPLATFORM ${BASE_IMAGE} AS build\nENV X=/data\nVOLUME \"$X\"\n",
        &[
            "4:1: note: VOLUME is kept as written: VOLUME \"\\\"$X\\\"\" reads variable X, and the model holds a path literally",
        ],
    );
    let lowered = lower(&parse("ARG BASE_IMAGE=alpine\nFROM ${BASE_IMAGE}\n"));
    assert!(
        matches!(&lowered.dockerfile.stages[0].from.base, BaseImage::Template(t) if t.to_string() == "${BASE_IMAGE}")
    );
    assert_eq!(lowered.dockerfile.validate(), Ok(()));
    // Every FROM sees the global scope, not the stage before it.
    let lowered = lower(&parse("ARG B=busybox\nFROM alpine\nENV B=x\nFROM --platform=$BUILDPLATFORM ${B}\n"));
    assert_eq!(lowered.diagnostics, []);
    let lowered = lower(&parse("FROM --platform=${TARGETPLATFORM} alpine\n"));
    assert_eq!(lowered.dockerfile.stages[0].from.platform, Some(Platform::parse("$TARGETPLATFORM").unwrap()));

    // Without the ENV, BuildKit refuses the empty VOLUME: kept raw, said as an error.
    check(
        "FROM alpine\nVOLUME \"$X\"\n",
        "FROM alpine\nVOLUME \"$X\"\n",
        &["2:1: error: BuildKit rejects this VOLUME: VOLUME specified can not be an empty string"],
    );
    // A stage ARG without a default takes the global value; an ENV of a parent stage is inherited.
    check(
        "ARG D=/d\nFROM alpine AS one\nARG D\nENV E=$D\nFROM one\nVOLUME $E\n",
        "ARG D=/d\n\nFROM alpine AS one\nARG D\nENV E=${D}\n\nFROM one\nVOLUME $E\n",
        &["6:1: note: VOLUME is kept as written: VOLUME \"$E\" reads variable E, and the model holds a path literally"],
    );
    // A variable that is not a global ARG is kept in FROM, and said.
    check(
        "FROM alpine AS a\nARG V=1\nFROM busybox:$V\n",
        "FROM alpine AS a\nARG V=1\n\nFROM busybox:${V}\n",
        &[
            "3:6: warning: FROM busybox:$V reads V, which is not declared before the first FROM, so BuildKit expands it \
           to nothing: the model keeps the reference, and validation refuses it",
        ],
    );
}

#[test]
fn variable_references_stay_references() {
    check(
        "FROM alpine\nENV PATH=/opt/bin:$PATH HOME=\"/home/${USER}\" PRICE='$5' ESC=\\$X\nLABEL \"a b\"=\"$V c\"\n\
         ARG A=${B}x C\nWORKDIR $HOME/app\n",
        "FROM alpine\nENV PATH=/opt/bin:${PATH} \\\n    HOME=/home/${USER} \\\n    PRICE=\"\\$5\" \\\n    ESC=\"\\$X\"\n\
         LABEL \"a b\"=\"${V} c\"\nARG A=${B}x\nARG C\nWORKDIR ${HOME}/app\n",
        &["4:1: note: ARG with 2 names is kept as 2 ARG instructions"],
    );
    // Modifier forms the model cannot hold are kept raw.
    check(
        "FROM alpine\nENV A=${B:-fallback}\nWORKDIR ${DIR%/}\n",
        "FROM alpine\nENV A=${B:-fallback}\nWORKDIR ${DIR%/}\n",
        &[
            "2:1: note: ENV is kept as written: ENV value \"${B:-fallback}\" uses a ${NAME:...}-style form, and the \
             model keeps only plain ${NAME} references",
            "3:1: note: WORKDIR is kept as written: WORKDIR path \"${DIR%/}\" uses a ${NAME:...}-style form, and the \
             model keeps only plain ${NAME} references",
        ],
    );
    // FROM with a modifier: the image a build without --build-arg pulls, said.
    check(
        "ARG TAG=3.19\nFROM alpine:${TAG:-latest}\n",
        "ARG TAG=3.19\n\nFROM alpine:3.19\n",
        &["2:6: warning: FROM alpine:${TAG:-latest} cannot be kept as written (alpine:${TAG:-latest} uses a \
           ${NAME:...} form, and the model keeps only plain ${NAME} references): it is lowered as alpine:3.19, what a \
           build without --build-arg uses"],
    );
}

#[test]
fn comments_are_kept() {
    check(
        "# file notes\n# more\n\nARG V=1\n# about V\n\n# the builder\nFROM alpine:${V} AS build\n# install\nRUN make \\\n\
         # dropped by BuildKit\n    install\n\n# trailing\n\n# runtime\nFROM scratch\nCOPY --from=build /a /a\n# end\n",
        "# file notes\n# more\n# about V\n\nARG V=1\n\n# the builder\nFROM alpine:${V} AS build\n# install\n\
         # dropped by BuildKit\nRUN make     install\n# trailing\n\n# runtime\nFROM scratch\n\
         COPY --from=build [\"/a\", \"/a\"]\n# end\n",
        &[
            "5:1: note: a comment between global ARGs is kept at the top of the file, with the file's comment (the \
             model keeps no comments among global ARGs)",
            "11:1: note: a comment inside the continued RUN instruction is kept before it (BuildKit drops comment lines \
             inside an instruction)",
        ],
    );
    // A comment before an instruction and one inside its continuation lines are one comment.
    check(
        "FROM a\n# one\nENV A=1 \\\n# two\n  B=2\n",
        "FROM a\n# one\n# two\nENV A=1 \\\n    B=2\n",
        &["4:1: note: a comment inside the continued ENV instruction is kept before it (BuildKit drops comment lines \
         inside an instruction)"],
    );
    let lowered = lower(&parse("#\n#   indented\n#x\nFROM a\n"));
    assert_eq!(lowered.dockerfile.stages[0].comment.as_ref().map(|c| c.as_str()), Some("\n  indented\nx"));
    // The emitter's guard line before a directive-shaped comment is not part of the comment.
    let lowered = lower(&parse("#\n# syntax=evil/frontend\nFROM a\n"));
    assert_eq!(lowered.dockerfile.stages[0].comment.as_ref().map(|c| c.as_str()), Some("syntax=evil/frontend"));
    assert_eq!(lowered.dockerfile.directives.syntax, None);
    assert_eq!(emit(&lowered.dockerfile), "#\n# syntax=evil/frontend\nFROM a\n");
}

#[test]
fn directives_as_the_frontend_reads_them() {
    check(
        "  # syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN echo `\n  hi\n",
        "# escape=`\n\nFROM a\nRUN echo   hi\n",
        &["1:1: note: the syntax directive \"docker/dockerfile:1\" is read by the parser but does not select the \
           frontend (BuildKit looks for it only at the very start of a line): the built-in frontend builds this file, \
           and the model keeps no syntax"],
    );
    let lowered = lower(&parse("#!/usr/bin/env buildctl\n# syntax=docker/dockerfile:1.7\nFROM a\n"));
    assert_eq!(lowered.dockerfile.directives.syntax.map(|s| s.to_string()).as_deref(), Some("docker/dockerfile:1.7"));
    // The lines stay comments to the parser: the stage's comment here.
    let comment = lowered.dockerfile.stages[0].comment.as_ref().map(|c| c.as_str());
    assert_eq!(comment, Some("!/usr/bin/env buildctl\nsyntax=docker/dockerfile:1.7"));
    check("# check=skip=all\nFROM a\n", "# check=skip=all\n\nFROM a\n", &[]);
}

#[test]
fn what_the_model_cannot_type_is_kept_raw() {
    check(
        "FROM a\nMAINTAINER me\nUSER $U\nCMD\nSTOPSIGNAL sigterm\nEXPOSE 80/TcP\nCOPY --chown=$U a b\nfoo bar\n",
        "FROM a\nMAINTAINER me\nUSER $U\nCMD \nSTOPSIGNAL sigterm\nEXPOSE 80/TcP\nCOPY --chown=$U a b\nfoo bar\n",
        &[
            "2:1: note: MAINTAINER is kept as written: MAINTAINER is deprecated and has no typed form",
            "3:1: note: USER is kept as written: USER \"$U\" reads variable U, and the model holds a user literally",
            "4:1: note: CMD is kept as written: a CMD without arguments runs the shell without a command, which the \
             model cannot write",
            "5:1: note: STOPSIGNAL is kept as written: invalid stop signal \"sigterm\": use an uppercase Linux signal \
             name like 'SIGTERM' or 'SIGRTMIN+3', or a positive number",
            "6:1: note: EXPOSE is kept as written: invalid port \"80/TcP\": use 1-65535, optionally a range 'a-b', and \
             '/tcp', '/udp' or '/sctp'",
            "7:1: note: COPY is kept as written: --chown=$U reads a variable, and the model holds it literally",
            "8:1: error: BuildKit rejects this foo: unknown instruction: foo",
        ],
    );
    // EXPOSE words that read no port (an escaped space) are not an empty EXPOSE: BuildKit's own text
    // stays, here as a comment because a raw instruction cannot end with the escape character.
    let lowered = lower(&parse("FROM a\nEXPOSE \\ \\\n# c\n "));
    assert!(!lowered.rejected());
    let exposes = lowered.dockerfile.stages[0].instructions.iter().filter(|i| matches!(i, Instruction::Expose(_)));
    assert_eq!(exposes.count(), 0);
    let lowered = lower(&parse("FROM a\nfoo bar\n"));
    assert!(lowered.rejected());
    assert_eq!(lowered.diagnostics[0].kind, DiagnosticKind::Rejected);
    // An instruction before the first FROM is kept as a comment, as an error.
    check(
        "ENV A=1\nFROM a\n",
        "# ENV A=1\n\nFROM a\n",
        &[
            "1:1: error: ENV before the first FROM: BuildKit allows only ARG there; the line is kept as a comment at the \
           top of the file",
        ],
    );
}

#[test]
fn run_scripts() {
    let run = |input: &str| match instructions(input).pop() {
        Some(Instruction::Run(run)) => run.command,
        other => panic!("not a RUN: {other:?}"),
    };
    let text = |s: &str| Command::Shell(ShellScript::Text(dockwright::Text::new(s).unwrap()));
    let steps =
        |s: &[&str]| Command::Shell(ShellScript::Steps(s.iter().map(|s| dockwright::Text::new(*s).unwrap()).collect()));
    let script = |s: &[&str]| {
        Command::Shell(ShellScript::Script(s.iter().map(|s| dockwright::Text::new(*s).unwrap()).collect()))
    };
    // Lines continued with ` && ` as the emitter writes steps.
    assert_eq!(
        run("FROM a\nRUN apt-get update \\\n && apt-get install -y x \\\n && rm -rf /l\n"),
        steps(&["apt-get update", "apt-get install -y x", "rm -rf /l"])
    );
    // Other layouts keep the text.
    assert_eq!(run("FROM a\nRUN a \\\n    && b\n"), text("a     && b"));
    assert_eq!(run("FROM a\nRUN a && \\\n b\n"), text("a &&  b"));
    // Heredocs: the body is the script; `set -e` first makes a script of lines.
    assert_eq!(run("FROM a\nRUN <<EOF\necho a\necho b\nEOF\n"), text("echo a\necho b"));
    assert_eq!(run("FROM a\nRUN <<-EOF\n\tset -e\n\tmake\nEOF\n"), script(&["make"]));
    assert_eq!(run("FROM a\nRUN cat <<EOF > /f\nhi\nEOF\n"), text("cat <<EOF > /f\nhi\nEOF"));
    // Shell text no shell form can carry: the exec form of the stage's shell.
    check(
        "FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nCMD [ -f x ] && y\n",
        "FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nCMD [\"/bin/bash\", \"-c\", \"[ -f x ] && y\"]\n",
        &[
            "3:1: note: the shell-form CMD \"[ -f x ] && y\" cannot be written back in shell form: it is kept as the exec \
           form [\"/bin/bash\", \"-c\", <text>] of the stage's shell (/bin/bash -c)",
        ],
    );
    // A heredoc run as an executable file: the closest the model has, said.
    let lowered = lower(&parse("FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n"));
    let kinds: Vec<(Severity, DiagnosticKind)> = lowered.diagnostics.iter().map(|d| (d.severity, d.kind)).collect();
    assert_eq!(kinds, [(Severity::Warning, DiagnosticKind::Changed), (Severity::Note, DiagnosticKind::Changed)]);
    assert_eq!(emit(&lowered.dockerfile), "FROM a\nRUN [\"/bin/sh\", \"-c\", \"#!/usr/bin/env python3\\nprint(1)\"]\n");
}

#[test]
fn run_flags_and_mounts() {
    let Some(Instruction::Run(run)) = instructions(
        "FROM b AS b\nFROM a\nRUN --mount=type=cache,target=/c,sharing=locked,ro --mount=type=bind,from=b,source=/s,target=/t,rw \
         --mount=type=secret,id=tok,required --mount=type=tmpfs,dst=/tmp,size=1k --network=none --security=insecure make\n",
    )
    .pop() else {
        panic!("not a RUN")
    };
    assert_eq!(run.mounts.len(), 4);
    assert!(matches!(&run.mounts[0], Mount::Cache { readonly: true, sharing: Some(_), .. }));
    assert!(matches!(&run.mounts[1], Mount::Bind { rw: true, from: Some(_), source: Some(_), .. }));
    assert!(matches!(&run.mounts[2], Mount::Secret { required: true, .. }));
    assert!(matches!(&run.mounts[3], Mount::Tmpfs { size: Some(1024), .. }));
    check(
        "FROM a\nRUN --network=default --mount=target=/x make\n",
        "FROM a\nRUN --mount=type=bind,target=/x --network=default make\n",
        &[],
    );
    check(
        "FROM a\nRUN --mount=type=secret,source=f make\n",
        "FROM a\nRUN --mount=type=secret,source=f make\n",
        &["2:1: note: RUN is kept as written: a secret mount with source has no place in the model"],
    );
}

#[test]
fn copy_and_add() {
    check(
        "FROM a\nFROM b\nCOPY --from=0 --chmod=755 --link [\"my file\", \"/d/\"]\nADD --checksum=sha256:0123456789012345678901234567890123456789012345678901234567890123 --keep-git-dir=false https://x/y /y\n",
        "FROM a AS stage-0\n\nFROM b\nCOPY --from=stage-0 --chmod=755 --link [\"my file\", \"/d/\"]\n\
         ADD --checksum=sha256:0123456789012345678901234567890123456789012345678901234567890123 [\"https://x/y\", \"/y\"]\n",
        &[
            "1:1: note: stage 1 has no name and a later instruction refers to it by number: it is named 'stage-0' so the \
           model can refer to it",
        ],
    );
    check(
        "FROM a\nENV N=you\nCOPY <<EOF /etc/\nhi $N\nEOF\nCOPY <<-'A' <<B /d/\n\tx $N\nA\ny\nB\n",
        "FROM a\nENV N=you\nCOPY <<'EOF' /etc/EOF\nhi you\nEOF\nCOPY <<'EOF' /d/A\nx $N\nEOF\nCOPY <<'EOF' /d/B\ny\nEOF\n",
        &[
            "3:1: warning: the body of COPY <<EOF reads variables, and the model holds file contents literally: it is \
             kept expanded with the values a build without --build-arg uses",
            "3:1: note: COPY <<EOF /etc/ is kept as COPY <<EOF /etc/EOF: the file it writes",
            "6:1: note: COPY with heredoc sources is kept as 2 COPY instructions, one per inline file",
        ],
    );
    // A trigger's heredoc is the trigger's file (the parser attaches it to the ONBUILD node).
    check("FROM a\nONBUILD COPY <<'EOF' /f\nhi\nEOF\n", "FROM a\nONBUILD COPY <<'EOF' /f\nhi\nEOF\n", &[]);
    let lowered = lower(&parse("FROM a\nCOPY <<EOF /etc/\nhi $N\nEOF\n"));
    assert_eq!(
        lowered.diagnostics[0].help.as_deref(),
        Some("quote the delimiter (<<'EOF') to keep the body as written")
    );
}

#[test]
fn healthcheck_onbuild_and_the_rest() {
    check(
        "FROM a\nHEALTHCHECK --interval=1m30s --retries=0 --timeout=0s CMD curl -f http://x/\nHEALTHCHECK NONE\n\
         ONBUILD RUN make\nONBUILD COPY --from=0 a b\nONBUILD ONBUILD RUN x\nSTOPSIGNAL 9\nEXPOSE 80 53/udp\n\
         USER app:app\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n",
        "FROM a\nHEALTHCHECK --interval=90s CMD curl -f http://x/\nHEALTHCHECK NONE\nONBUILD RUN make\n\
         ONBUILD COPY --from=0 a b\n# ONBUILD ONBUILD RUN x\nSTOPSIGNAL 9\nEXPOSE 80 53/udp\nUSER app:app\n\
         SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n",
        &[
            "5:1: note: the ONBUILD trigger COPY is kept as written: --from=0 names a stage by number, which a trigger \
             resolves in the child image's build",
            "6:1: error: BuildKit rejects this ONBUILD: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
            "6:1: error: ONBUILD cannot be kept: raw ONBUILD arguments \"ONBUILD RUN x\" use a keyword that starts a \
             stage or a trigger: use the typed API instead; the line is kept as a comment",
        ],
    );
}

#[test]
fn source_map_points_at_words() {
    let text = "FROM alpine\nRUN --mount=type=cache,target=/c \\\n    make \\\n  all\nONBUILD COPY [\"a\", \"b\"]\n\
                HEALTHCHECK --retries=2 CMD true\nCOPY <<EOF /f\nhi\nEOF\n";
    let lowered = lower(&parse(text));
    let map = &lowered.source_map.stages[0];
    let at = |span: dockwright::import::Span| &text[span.range()];
    let run = &map.instructions[0];
    assert_eq!(at(run.span), "RUN --mount=type=cache,target=/c \\\n    make \\\n  all");
    assert_eq!(at(run.keyword), "RUN");
    assert_eq!(at(run.flags[0]), "--mount=type=cache,target=/c");
    assert_eq!(at(run.args[0]), "make \\\n  all");
    assert_eq!(
        (run.args[0].from.line, run.args[0].from.column, run.args[0].to.line, run.args[0].to.column),
        (3, 5, 4, 6)
    );
    let onbuild = &map.instructions[1];
    assert_eq!(at(onbuild.keyword), "ONBUILD");
    assert_eq!(onbuild.args.iter().map(|s| at(*s)).collect::<Vec<_>>(), ["\"a\"", "\"b\""]);
    let health = &map.instructions[2];
    assert_eq!(at(health.flags[0]), "--retries=2");
    assert_eq!(health.args.iter().map(|s| at(*s)).collect::<Vec<_>>(), ["CMD", "true"]);
    let copy = &map.instructions[3];
    assert_eq!(at(copy.span), "COPY <<EOF /f\nhi\nEOF");
    assert_eq!(at(copy.heredocs[0]), "hi\nEOF");
    // A comment's keyword is its first `#`, its arguments its lines.
    let text = "FROM a\n  # one\n# two\nRUN x\n";
    let lowered = lower(&parse(text));
    let comment = &lowered.source_map.stages[0].instructions[0];
    assert_eq!((comment.keyword.start, &text[comment.keyword.range()]), (9, "#"));
    assert_eq!(&text[comment.span.range()], "  # one\n# two");
    assert_eq!(comment.args.iter().map(|s| &text[s.range()]).collect::<Vec<_>>(), ["  # one", "# two"]);
    // Diagnostics point at the word.
    let lowered = lower(&parse("ARG V\nFROM python:${PY}\n"));
    let span = lowered.diagnostics[0].span.unwrap();
    assert_eq!(&"ARG V\nFROM python:${PY}\n"[span.range()], "python:${PY}");
}

#[test]
fn what_validation_refuses_is_said_where_it_is() {
    // BuildKit refuses these when it builds; the model keeps them as read and lowering says so, at the
    // line the problem is on.
    check(
        "FROM alpine AS b\nFROM busybox AS b\n",
        "FROM alpine AS b\n\nFROM busybox AS b\n",
        &["2:1: warning: two stages are named 'b': stage names must be unique"],
    );
    check(
        "FROM alpine AS target\nWORKDIR /\nCOPY --from=build /out /out\nFROM alpine AS build\n",
        "FROM alpine AS target\nWORKDIR /\nCOPY --from=build [\"/out\", \"/out\"]\n\nFROM alpine AS build\n",
        &["3:1: warning: --from=build names a stage that is not defined before this one"],
    );
    let lowered = lower(&parse("FROM alpine AS a\nFROM alpine AS a\n"));
    assert_eq!(lowered.diagnostics[0].kind, DiagnosticKind::Invalid);
    assert_eq!(lowered.diagnostics[0].severity, Severity::Warning);
    assert!(!lowered.has_errors());
    // A problem lowering already warned about on that line is said once.
    let lowered = lower(&parse("FROM alpine AS a\nARG V=1\nFROM busybox:$V\n"));
    assert_eq!(lowered.diagnostics.len(), 1);
    assert_ne!(lowered.diagnostics[0].kind, DiagnosticKind::Invalid);
}
