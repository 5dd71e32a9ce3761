//! `dockwright::import::decode` against the rules in `shared/research/reliability.md`
//! (§1.6–1.9: L11, L12, L18, L21–L29; §2: E4, E8, E11) and BuildKit's instruction-level
//! error cases (`shared/corpora/buildkit/instructions-error-cases.tsv`).
//!
//! Each test is named after the rule it pins down. Dockerfiles go through
//! `dockwright::import::parse` first, as they would in BuildKit.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use dockwright::import::{
    Command, CopyAdd, DecodeError, DecodeErrorKind, Healthcheck, Run, ShellOrExec, decode, parse,
};
use pretty_assertions::assert_eq;

// ---------------------------------------------------------------------------------------------
// Helpers

/// Parses `text` (which must parse cleanly) and decodes its instructions one after the other
/// like a single build stage: ENV and ARG values are added to the environment the next
/// instruction sees. `env` is the environment before the first instruction.
fn decode_all(text: &str, env: &[(&str, &str)]) -> Vec<Result<Command, DecodeError>> {
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{text:?} does not parse: {:?}", parsed.errors);
    let mut scope: HashMap<String, String> = env.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
    let mut out = Vec::new();
    for node in &parsed.ast.nodes {
        let snapshot = scope.clone();
        let lookup = |name: &str| snapshot.get(name).cloned();
        let decoded = decode(node, parsed.ast.directives.escape, &lookup);
        match &decoded {
            Ok(Command::Env(pairs)) => {
                for (k, v) in pairs {
                    scope.insert(k.clone(), v.clone());
                }
            }
            Ok(Command::Arg(pairs)) => {
                for (k, v) in pairs {
                    if let Some(v) = v {
                        scope.insert(k.clone(), v.clone());
                    }
                }
            }
            _ => {}
        }
        out.push(decoded);
    }
    out
}

/// The last instruction of `text`, decoded (earlier ones only set up the environment).
fn last(text: &str, env: &[(&str, &str)]) -> Result<Command, DecodeError> {
    match decode_all(text, env).pop() {
        Some(result) => result,
        None => panic!("{text:?} has no instructions"),
    }
}

fn ok(text: &str, env: &[(&str, &str)]) -> Command {
    match last(text, env) {
        Ok(command) => command,
        Err(err) => panic!("{text:?} failed: {err}"),
    }
}

/// Asserts that the last instruction of `text` fails with a message containing `wanted`.
fn fails(text: &str, wanted: &str) -> DecodeError {
    match last(text, &[]) {
        Ok(command) => panic!("{text:?} should fail with {wanted:?}, got {command:?}"),
        Err(err) => {
            assert!(err.to_string().contains(wanted), "{text:?}: {err:?} does not contain {wanted:?}");
            err
        }
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}

fn env_of(text: &str, env: &[(&str, &str)]) -> Vec<(String, String)> {
    match ok(text, env) {
        Command::Env(pairs) => pairs,
        other => panic!("{text:?} is not ENV: {other:?}"),
    }
}

fn copy_of(text: &str, env: &[(&str, &str)]) -> CopyAdd {
    match ok(text, env) {
        Command::Copy(copy) | Command::Add(copy) => copy,
        other => panic!("{text:?} is not COPY/ADD: {other:?}"),
    }
}

fn run_of(text: &str, env: &[(&str, &str)]) -> Run {
    match ok(text, env) {
        Command::Run(run) => run,
        other => panic!("{text:?} is not RUN: {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// L21 — which instructions the builder expands

#[test]
fn l21_expanded_instructions() {
    let env = [("V", "val"), ("P", "linux/amd64"), ("U", "app")];
    assert_eq!(ok("ENV $V=$V\n", &env), Command::Env(pairs(&[("val", "val")])));
    assert_eq!(ok("LABEL $V=$V\n", &env), Command::Label(pairs(&[("val", "val")])));
    assert_eq!(ok("WORKDIR /w/$V\n", &env), Command::Workdir("/w/val".into()));
    assert_eq!(ok("USER $U\n", &env), Command::User("app".into()));
    assert_eq!(ok("STOPSIGNAL SIG$V\n", &[("V", "TERM")]), Command::StopSignal("SIGTERM".into()));
    assert_eq!(ok("VOLUME /v/$V\n", &env), Command::Volume(strings(&["/v/val"])));
    assert_eq!(ok("VOLUME [\"/v/$V\"]\n", &env), Command::Volume(strings(&["/v/val"])));
    assert_eq!(
        ok("FROM --platform=$P img:$V AS Build\n", &env),
        Command::From { image: "img:val".into(), platform: Some("linux/amd64".into()), name: Some("build".into()) },
    );

    let copy = copy_of("COPY --chown=$U --chmod=$M $V [\"$V\"] /d/$V/\n", &[("V", "val"), ("U", "app"), ("M", "0755")]);
    // Shell form: a JSON-looking word is just a word, its quotes removed by the lexer.
    assert_eq!(copy.sources, strings(&["val", "[val]"]));
    assert_eq!(copy.dest, "/d/val/");
    assert_eq!(copy.chown.as_deref(), Some("app"));
    assert_eq!(copy.chmod.as_deref(), Some("0755"));

    let copy = copy_of("COPY [\"$V\", \"/d/$V\"]\n", &env);
    assert_eq!((copy.sources, copy.dest), (strings(&["val"]), "/d/val".to_string()));

    let add = copy_of("ADD --checksum=sha256:$V https://x/f /f\n", &env);
    assert_eq!(add.checksum.as_deref(), Some("sha256:val"));

    let run = run_of("RUN --mount=type=cache,id=$V,target=/c/$V echo $V\n", &env);
    assert_eq!(run.mounts[0].get("id"), Some("val"));
    assert_eq!(run.mounts[0].get("target"), Some("/c/val"));
    assert_eq!(run.form, ShellOrExec::Shell("echo $V".into()));
}

#[test]
fn l21_not_expanded_instructions() {
    let env = [("V", "val")];
    assert_eq!(ok("CMD echo $V\n", &env), Command::Cmd(ShellOrExec::Shell("echo $V".into())));
    assert_eq!(ok("ENTRYPOINT [\"$V\"]\n", &env), Command::Entrypoint(ShellOrExec::Exec(strings(&["$V"]))));
    let run = run_of("RUN [\"echo\", \"$V\"]\n", &env);
    assert_eq!(run.form, ShellOrExec::Exec(strings(&["echo", "$V"])));
    assert_eq!(ok("SHELL [\"/bin/$V\"]\n", &env), Command::Shell(strings(&["/bin/$V"])));
    assert_eq!(ok("MAINTAINER $V\n", &env), Command::Maintainer("$V".into()));
    let Command::Healthcheck(Healthcheck::Cmd { test, .. }) = ok("HEALTHCHECK CMD echo $V\n", &env) else {
        panic!("not a healthcheck")
    };
    assert_eq!(test, ShellOrExec::Shell("echo $V".into()));
    let copy = copy_of("COPY --exclude=*.$V --from=stage /a /b\n", &env);
    assert_eq!(copy.excludes, strings(&["*.$V"]));
    assert_eq!(copy.from.as_deref(), Some("stage"));
}

#[test]
fn l21_copy_from_refuses_variables() {
    let err = fails("COPY --from=$X /a /b\n", "variable expansion is not supported for --from");
    assert_eq!(err.kind(), DecodeErrorKind::Value);
    fails("COPY --from=img:${TAG} /a /b\n", "variable expansion is not supported for --from");
}

#[test]
fn l21_mount_from_refuses_variables() {
    fails("RUN --mount=from=$X,target=/x true\n", "'from' doesn't support variable expansion");
    // A `$` at the very end cannot start a variable and is allowed.
    let run = run_of("RUN --mount=from=stage$,target=/x true\n", &[]);
    assert_eq!(run.mounts[0].get("from"), Some("stage$"));
}

#[test]
fn l21_copy_heredoc_bodies_expand_only_with_unquoted_delimiter() {
    let copy = copy_of("COPY <<A <<\"B\" <<C'' /d/\n$V\nA\n$V\nB\n$V\nC\n", &[("V", "val")]);
    let data: Vec<(&str, &str, bool)> =
        copy.heredoc_sources.iter().map(|f| (f.path.as_str(), f.data.as_str(), f.expand)).collect();
    assert_eq!(data, [("A", "val\n", true), ("B", "$V\n", false), ("C", "$V\n", false)]);
}

// ---------------------------------------------------------------------------------------------
// L22 — lexer rules

#[test]
fn l22_env_line_example() {
    let got = env_of("ENV A=a$$b B=x$1y C=$ D=\\$HOME E='$HOME' F=\"$HOME\" G=\"a\\$b\" I=cost:$5\n", &[]);
    assert_eq!(
        got,
        pairs(&[
            ("A", "ab"),
            ("B", "xy"),
            ("C", "$"),
            ("D", "$HOME"),
            ("E", "$HOME"),
            ("F", ""),
            ("G", "a$b"),
            ("I", "cost:"),
        ]),
    );
    let got = env_of("ENV F=\"$HOME\"\n", &[("HOME", "/root")]);
    assert_eq!(got, pairs(&[("F", "/root")]));
}

#[test]
fn l22_quotes_and_escapes() {
    let got = env_of("ENV S='it'\\''s' D1=\"a\\b\" D2=\"\\n\" D3=\"`x`\" U=a\\ b T=trail\\\n", &[]);
    assert_eq!(
        got,
        pairs(&[("S", "it's"), ("D1", "a\\b"), ("D2", "\\n"), ("D3", "`x`"), ("U", "a b"), ("T", "trail")]),
    );
}

#[test]
fn l22_bad_substitutions_fail() {
    for word in ["${}", "${:x}", "${{x}", "${x:=y}", "${x"] {
        let err = fails(&format!("ENV A={word}\n"), "failed to process");
        assert_eq!(err.kind(), DecodeErrorKind::Expansion);
    }
    fails("ENV A=${}\n", "bad substitution");
    fails("ENV A=${x:=y}\n", "unsupported modifier (:=) in substitution");
}

#[test]
fn l22_modifiers() {
    let env = [("SET", "v"), ("EMPTY", "")];
    let got = env_of("ENV A=${UNSET:-d} B=${EMPTY:-d} C=${EMPTY-d} D=${SET:+alt} E=${UNSET+alt} F=${EMPTY?m}\n", &env);
    assert_eq!(got, pairs(&[("A", "d"), ("B", "d"), ("C", ""), ("D", "alt"), ("E", ""), ("F", "")]));
    fails("ENV A=\"${UNSET:?must be set}\"\n", "UNSET: must be set");
    let got =
        env_of("ENV A=${P#*/} B=${P##*/} C=${P%/*} D=${P%%/*} E=${P/o/0} F=${P//o/0}\n", &[("P", "/foo/bar/boo")]);
    assert_eq!(
        got,
        pairs(&[
            ("A", "foo/bar/boo"),
            ("B", "boo"),
            ("C", "/foo/bar"),
            ("D", ""),
            ("E", "/f0o/bar/boo"),
            ("F", "/f00/bar/b00")
        ]),
    );
}

#[test]
fn l22_same_env_instruction_sees_the_environment_before_it() {
    let all = decode_all("ENV abc=hello\nENV abc=bye def=$abc\n", &[]);
    assert_eq!(all[1].as_ref().ok(), Some(&Command::Env(pairs(&[("abc", "bye"), ("def", "hello")]))));
}

#[test]
fn l22_arg_pairs_are_sequential() {
    assert_eq!(
        ok("ARG A=1 B=$A C=${B}x\n", &[]),
        Command::Arg(vec![
            ("A".into(), Some("1".into())),
            ("B".into(), Some("1".into())),
            ("C".into(), Some("1x".into())),
        ]),
    );
}

#[test]
fn l22_unset_variables_expand_to_empty() {
    assert_eq!(ok("ENV DIRPATH=/path\nWORKDIR $DIRPATH/$DIRNAME\n", &[]), Command::Workdir("/path/".into()),);
    let err = fails("VOLUME $UNSET\n", "VOLUME specified can not be an empty string");
    assert_eq!(err.kind(), DecodeErrorKind::Value);
    fails("STOPSIGNAL $UNSET\n", "Invalid signal: ");
}

// ---------------------------------------------------------------------------------------------
// L23 — ENV/LABEL

#[test]
fn l23_env_label_pairs() {
    assert_eq!(env_of("ENV my-var=1 1A=2 é=3\n", &[]), pairs(&[("my-var", "1"), ("1A", "2"), ("é", "3")]));
    assert_eq!(env_of("ENV ONE TWO= THREE=world\n", &[]), pairs(&[("ONE", "TWO= THREE=world")]));
    assert_eq!(env_of("ENV A=\"x\u{a0}y\" B=\"c\td\"\n", &[]), pairs(&[("A", "x\u{a0}y"), ("B", "c\td")]));
    assert_eq!(ok("LABEL \"k 1\"=\"v 1\" k2=v=2\n", &[]), Command::Label(pairs(&[("k 1", "v 1"), ("k2", "v=2")])));
    // A label key cannot hold `=`: the word splits at its first `=`, leaving a stray quote.
    fails("LABEL \"a=b\"=c\n", "matching double-quote");
}

// ---------------------------------------------------------------------------------------------
// L24 — ARG

#[test]
fn l24_arg_words() {
    assert_eq!(ok("ARG A=a b\n", &[]), Command::Arg(vec![("A".into(), Some("a".into())), ("b".into(), None)]),);
    assert_eq!(ok("ARG C=\"x y\" D\n", &[]), Command::Arg(vec![("C".into(), Some("x y".into())), ("D".into(), None)]),);
    fails("ARG =x\n", "ARG names can not be blank");
}

// ---------------------------------------------------------------------------------------------
// L25 — COPY/ADD/VOLUME shell form splits before lexing

#[test]
fn l25_shell_form_splits_on_whitespace_first() {
    fails("COPY \"my file.txt\" /dst/\n", "unexpected end of statement while looking for matching double-quote");
    assert_eq!(copy_of("COPY my\\ file.txt /dst/\n", &[]).sources, strings(&["my", "file.txt"]));
    fails("VOLUME \"/e f\"\n", "matching double-quote");
    assert_eq!(copy_of("COPY [\"my file.txt\", \"/dst/\"]\n", &[]).sources, strings(&["my file.txt"]));
}

// ---------------------------------------------------------------------------------------------
// L26 — JSON-form elements are still lexed

#[test]
fn l26_json_copy_path_table() {
    let table: &[(&str, Result<&str, &str>)] = &[
        (r#""it's.txt""#, Err("matching single-quote")),
        (r#""price$5.txt""#, Ok("price.txt")),
        (r#""a\\b.txt""#, Ok("ab.txt")),
        (r#""q\"uote.txt""#, Err("matching double-quote")),
        (r#""it\\'s.txt""#, Ok("it's.txt")),
        (r#""price\\$5.txt""#, Ok("price$5.txt")),
    ];
    for (element, want) in table {
        let text = format!("COPY [{element}, \"/dst/\"]\n");
        match want {
            Ok(path) => assert_eq!(copy_of(&text, &[]).sources, strings(&[path]), "{text}"),
            Err(message) => {
                fails(&text, message);
            }
        }
    }
    assert_eq!(ok("VOLUME [\"/data$X\"]\n", &[]), Command::Volume(strings(&["/data"])));
}

// ---------------------------------------------------------------------------------------------
// L27 — rest-of-line instructions

#[test]
fn l27_rest_of_line_is_one_word() {
    assert_eq!(ok("USER app user\n", &[]), Command::User("app user".into()));
    assert_eq!(ok("WORKDIR /my dir\n", &[]), Command::Workdir("/my dir".into()));
    assert_eq!(ok("WORKDIR \"/quoted dir\"\n", &[]), Command::Workdir("/quoted dir".into()));
    assert_eq!(ok("MAINTAINER \"Jo\" <jo@x>\n", &[]), Command::Maintainer("\"Jo\" <jo@x>".into()));
}

// ---------------------------------------------------------------------------------------------
// L28 — FROM

#[test]
fn l28_from_shapes_and_stage_names() {
    assert_eq!(ok("FROM alpine\n", &[]), Command::From { image: "alpine".into(), platform: None, name: None },);
    assert_eq!(
        ok("FROM alpine As My.Stage-1_x\n", &[]),
        Command::From { image: "alpine".into(), platform: None, name: Some("my.stage-1_x".into()) },
    );
    fails("FROM alpine AS\n", "FROM requires either one or three arguments");
    fails("FROM alpine BS name\n", "FROM requires either one or three arguments");
    fails(
        "FROM alpine AS 1st\n",
        "invalid name for build stage: \"1st\", name can't start with a number or contain symbols",
    );
    fails("FROM alpine AS a$b\n", "invalid name for build stage");
    fails("FROM $UNSET\n", "base name ($UNSET) should not be blank");
    fails("FROM --platform=$UNSET alpine\n", "empty platform value from expression $UNSET");
    fails("FROM --platform=\\\"x alpine\n", "failed to process arguments for platform");
}

// ---------------------------------------------------------------------------------------------
// L29 — RUN --mount: flag word, CSV, lexer

#[test]
fn l29_mount_quoting() {
    // dofigen's style: layer 1 removes the single quotes, so CSV sees a bare `b`.
    fails("RUN --mount=type=bind,target='/a,b' true\n", "invalid field 'b' must be a key=value pair");
    for text in ["RUN --mount=type=bind,\\\"target=/a,b\\\" true\n", "RUN --mount='type=bind,\"target=/a,b\"' true\n"] {
        assert_eq!(run_of(text, &[]).mounts[0].get("target"), Some("/a,b"), "{text}");
    }
    assert_eq!(run_of("RUN --mount=type=cache,target=/a$b true\n", &[]).mounts[0].get("target"), Some("/a"));
    assert_eq!(run_of("RUN --mount=type=cache,target=/a\\\\\\$b true\n", &[]).mounts[0].get("target"), Some("/a$b"),);
}

#[test]
fn l29_mount_validation() {
    fails("RUN --mount=type=bind,mode=0700,target=/x true\n", "mode not allowed for \"bind\" type mounts");
    fails("RUN --mount=type=tmpfs,uid=1,target=/x true\n", "uid not allowed for \"tmpfs\" type mounts");
    fails("RUN --mount=type=nope true\n", "unsupported mount type \"nope\"");
    fails("RUN --mount=type=cache,sharing=all,target=/x true\n", "unsupported sharing value \"all\"");
    fails("RUN --mount=type=bind,sharing=shared,target=/x true\n", "invalid cache sharing set for bind mount");
    fails("RUN --mount=type=secret,from=x,id=a true\n", "secret mount should not have a from");
    fails("RUN --mount=type=secret true\n", "invalid secret mount. one of source, target required");
    fails("RUN --mount=type=secret,id=a,src=b true\n", "both source and id can't be set");
    fails("RUN --mount=required,type=secret,id=a true\n", "unexpected key 'required' for mount type 'bind'");
    fails("RUN --mount=type=bind,size=1m true\n", "unexpected key 'size' for mount type 'bind'");
    fails("RUN --mount=type=tmpfs,size=lots,target=/t true\n", "invalid value for size: lots");
    fails("RUN --mount=type=cache,mode=9,target=/x true\n", "invalid value 9 for mode");
    fails("RUN --mount=type=bind,ro=maybe true\n", "invalid value for ro: maybe");
    fails("RUN --mount=type=bind,colour=red true\n", "unexpected key 'colour' in 'colour=red'");
    fails("RUN --mount=type=bind,target=\\\"/x true\n", "failed to parse csv mounts");
    fails("RUN --mount= true\n", "failed to parse csv mounts: EOF");

    let run = run_of(
        "RUN --mount=type=secret,id=tok,env=TOKEN,required,mode=0400 --mount=type=tmpfs,target=/t,size=64m \
         --mount=type=ssh --mount=TYPE=Cache,Target=/c,sharing=LOCKED,uid=1,gid=2 true\n",
        &[],
    );
    assert_eq!(run.mounts.len(), 4);
    assert_eq!(run.mounts[0].get("env"), Some("TOKEN"));
    assert!(run.mounts[0].has("required"));
    assert_eq!(run.mounts[1].get("size"), Some("64m"));
    assert_eq!(run.mounts[3].get("type"), Some("Cache"));
    assert_eq!(run.mounts[3].get("target"), Some("/c"));
}

#[test]
fn l29_mount_values_are_lexed_per_field() {
    let run = run_of("RUN --mount=type=bind,source=$S,target=\"$T x\" true\n", &[("S", "/src"), ("T", "/t")]);
    assert_eq!(run.mounts[0].get("source"), Some("/src"));
    assert_eq!(run.mounts[0].get("target"), Some("/t x"));
    fails("RUN --mount=type=bind,target=${T:?no_target} true\n", "T: no_target");
}

// ---------------------------------------------------------------------------------------------
// L11 / E11 — flags

#[test]
fn e11_flags_need_name_equals_value() {
    let err = fails("COPY --from build /a /b\n", "missing a value on flag: --from");
    assert_eq!(err.kind(), DecodeErrorKind::Flag);
    fails("RUN --network true\n", "missing a value on flag: --network");
    fails("RUN --mount true\n", "missing a value on flag: --mount");
}

#[test]
fn e11_boolean_flags() {
    assert!(copy_of("COPY --link a /b\n", &[]).link);
    assert!(copy_of("COPY --link=TRUE a /b\n", &[]).link);
    assert!(!copy_of("COPY --link=False a /b\n", &[]).link);
    assert!(copy_of("COPY --parents a /b/\n", &[]).parents);
    fails("COPY --link= a /b\n", "missing a value on flag: --link");
    fails("COPY --link=maybe a /b\n", "expecting boolean value for flag --link, not: maybe");
    let add = copy_of("ADD --keep-git-dir=false --unpack https://x/a.tgz /b\n", &[]);
    assert_eq!((add.keep_git_dir, add.unpack), (Some(false), Some(true)));
    let add = copy_of("ADD a /b\n", &[]);
    assert_eq!((add.keep_git_dir, add.unpack), (None, None));
}

#[test]
fn e11_unknown_and_duplicate_flags() {
    fails("COPY --chmown=1 a /b\n", "unknown flag: --chmown");
    fails("COPY --checksum=sha256:x a /b\n", "unknown flag: --checksum");
    fails("ADD --from=x a /b\n", "unknown flag: --from");
    fails("ADD --parents a /b/\n", "unknown flag: --parents");
    fails("COPY --chown=a --chown=b a /b\n", "duplicate flag specified: --chown");
    fails("COPY --link --link a /b\n", "duplicate flag specified: --link");
    fails("CMD --help\n", "unknown flag: --help");
    fails("ENV --x=1\n", "unknown flag: --x");
    fails("LABEL --k=v\n", "unknown flag: --k");
    fails("MAINTAINER --boo joe@example.com\n", "unknown flag: --boo");
    fails("RUN --device=x true\n", "unknown flag: --device");
}

#[test]
fn e11_repeatable_flags() {
    let copy = copy_of("COPY --exclude=*.tmp --exclude=*.log . /app/\n", &[]);
    assert_eq!(copy.excludes, strings(&["*.tmp", "*.log"]));
    assert_eq!(run_of("RUN --mount=type=tmpfs,target=/a --mount=type=tmpfs,target=/b true\n", &[]).mounts.len(), 2);
}

#[test]
fn e11_round_trips_for_awkward_mount_values() {
    // target `/a,b` must be CSV-quoted, and the CSV quotes escaped for the flag layer.
    assert_eq!(run_of("RUN --mount=type=bind,\\\"target=/a,b\\\" true\n", &[]).mounts[0].get("target"), Some("/a,b"));
    // target `/a$b`: `\\\$` survives the flag layer as `\$`, which the lexer turns into `$`.
    assert_eq!(run_of("RUN --mount=type=bind,target=/a\\\\\\$b true\n", &[]).mounts[0].get("target"), Some("/a$b"));
}

#[test]
fn l11_double_dash_ends_flags_and_quoted_words_are_not_flags() {
    assert_eq!(run_of("RUN -- --version\n", &[]).form, ShellOrExec::Shell("--version".into()));
    let parsed = parse("COPY \"--chown=my user\" a /b\n");
    assert!(parsed.ast.nodes[0].flags.is_empty());
    // Not a flag: the split source words `"--chown=my` and `user"` are then unlexable.
    fails("COPY \"--chown=my user\" a /b\n", "matching double-quote");
}

#[test]
fn l19_network_and_security() {
    let run = run_of("RUN --network=host --security=insecure true\n", &[]);
    assert_eq!((run.network.as_str(), run.security.as_str()), ("host", "insecure"));
    let run = run_of("RUN true\n", &[]);
    assert_eq!((run.network.as_str(), run.security.as_str()), ("default", "sandbox"));
    fails("RUN --network=bridge true\n", "invalid network mode \"bridge\"");
    fails("RUN --network=$NET true\n", "invalid network mode \"$NET\"");
    fails("RUN --security=privileged true\n", "security \"privileged\" is not valid");
}

// ---------------------------------------------------------------------------------------------
// E4 — double-quoted value encoding round trip

#[test]
fn e4_double_quoted_values_backslash_escape() {
    let got = env_of(
        "ENV A=\"back\\\\slash\" B=\"quote\\\"d\" C=\"dollar\\$HOME\" D=\"C:\\\\\" E=\"it's `x` #1\"\n",
        &[("HOME", "/root")],
    );
    assert_eq!(
        got,
        pairs(&[("A", "back\\slash"), ("B", "quote\"d"), ("C", "dollar$HOME"), ("D", "C:\\"), ("E", "it's `x` #1")]),
    );
}

#[test]
fn e4_double_quoted_values_backtick_escape() {
    let got =
        env_of("# escape=`\nENV A=\"back\\slash\" B=\"quote`\"d\" C=\"`$HOME\" D=\"tick``\"\n", &[("HOME", "/root")]);
    assert_eq!(got, pairs(&[("A", "back\\slash"), ("B", "quote\"d"), ("C", "$HOME"), ("D", "tick`")]));
}

// ---------------------------------------------------------------------------------------------
// E8 — COPY/ADD JSON paths, lexer-escaped

#[test]
fn e8_escaped_json_paths_round_trip() {
    let text = r#"COPY ["it\\'s.txt", "price\\$5.txt", "a\\\\b.txt", "my file.txt", "q\\\"uote.txt", "/dst/"]
"#;
    assert_eq!(
        copy_of(text, &[]).sources,
        strings(&["it's.txt", "price$5.txt", "a\\b.txt", "my file.txt", "q\"uote.txt"]),
    );
    let text = "# escape=`\nCOPY [\"it`'s.txt\", \"C:\\\\src\\\\a.txt\", \"/dst/\"]\n";
    assert_eq!(copy_of(text, &[]).sources, strings(&["it's.txt", "C:\\src\\a.txt"]));
}

// ---------------------------------------------------------------------------------------------
// L12/L13 — exec form is literal; L15 — SHELL

#[test]
fn l13_exec_form_is_literal() {
    let cmd = ok(r#"CMD ["a\"b", "c\\d", "e\nf", "\u0024HOME", "$HOME"]"#, &[("HOME", "/root")]);
    assert_eq!(cmd, Command::Cmd(ShellOrExec::Exec(strings(&["a\"b", "c\\d", "e\nf", "$HOME", "$HOME"]))));
    assert_eq!(ok("CMD []\n", &[]), Command::Cmd(ShellOrExec::Exec(vec![])));
    assert_eq!(ok("ENTRYPOINT []\n", &[]), Command::Entrypoint(ShellOrExec::Exec(vec![])));
    assert_eq!(ok("CMD ['a', 'b']\n", &[]), Command::Cmd(ShellOrExec::Shell("['a', 'b']".into())));
}

#[test]
fn l15_shell_requires_json() {
    fails("SHELL /bin/bash -c\n", "SHELL requires the arguments to be in JSON form");
    fails("SHELL []\n", "SHELL requires at least one argument");
    assert_eq!(ok("SHELL [\"pwsh\", \"-c\"]\n", &[]), Command::Shell(strings(&["pwsh", "-c"])));
}

// ---------------------------------------------------------------------------------------------
// L18 — COPY heredoc bodies (verified 14, 15)

#[test]
fn l18_copy_heredoc_body_expansion() {
    let text = "ARG NAME=world\nCOPY <<EOF /entrypoint.sh\n#!/bin/sh\nprintf 'hello %s\\n' \"$NAME\"\nexec \"$@\"\necho \"a\\\\b\" `date`\nEOF\n";
    let copy = copy_of(text, &[]);
    assert_eq!(copy.heredoc_sources.len(), 1);
    assert_eq!(
        copy.heredoc_sources[0].data,
        "#!/bin/sh\nprintf 'hello %sn' \"world\"\nexec \"\"\necho \"a\\b\" `date`\n",
    );
    let quoted = text.replace("<<EOF", "<<'EOF'");
    let copy = copy_of(&quoted, &[]);
    assert_eq!(
        copy.heredoc_sources[0].data,
        "#!/bin/sh\nprintf 'hello %s\\n' \"$NAME\"\nexec \"$@\"\necho \"a\\\\b\" `date`\n",
    );
}

#[test]
fn l18_copy_heredoc_uses_backslash_even_with_backtick_escape() {
    let copy = copy_of("# escape=`\nCOPY <<EOF /f\na\\$b `$c\nEOF\n", &[]);
    assert_eq!(copy.heredoc_sources[0].data, "a$b `\n");
}

#[test]
fn l17_chomped_heredoc_sources() {
    let copy = copy_of("COPY <<-EOF /f\n\t\tindented $X\n\tEOF\n", &[("X", "x")]);
    assert_eq!(copy.heredoc_sources[0].data, "indented x\n");
    fails("COPY a <<EOF\nbody\nEOF\n", "COPY cannot accept a heredoc as a destination");
}

#[test]
fn l20_run_heredocs_are_kept_verbatim() {
    let run = run_of("RUN <<EOF\necho $HOME\nEOF\n", &[("HOME", "/root")]);
    assert_eq!(run.form, ShellOrExec::Shell("<<EOF".into()));
    assert_eq!(run.heredocs.len(), 1);
    assert_eq!(run.heredocs[0].content, "echo $HOME\n");
}

// ---------------------------------------------------------------------------------------------
// §1.9 — instruction checklist

#[test]
fn healthcheck_durations_and_retries() {
    let Command::Healthcheck(Healthcheck::Cmd {
        test, interval, timeout, start_period, start_interval, retries, ..
    }) = ok(
        "HEALTHCHECK --interval=5s --timeout=1m --start-period=0 --start-interval=1.5ms --retries=+3 CMD [\"/bin/check\"]\n",
        &[],
    )
    else {
        panic!("not a healthcheck")
    };
    assert_eq!(test, ShellOrExec::Exec(strings(&["/bin/check"])));
    assert_eq!(interval, Duration::from_secs(5));
    assert_eq!(timeout, Duration::from_secs(60));
    assert_eq!(start_period, Duration::ZERO);
    assert_eq!(start_interval, Duration::from_micros(1500));
    assert_eq!(retries, 3);

    assert_eq!(ok("HEALTHCHECK NONE\n", &[]), Command::Healthcheck(Healthcheck::None));
    assert_eq!(ok("HEALTHCHECK --bogus=1 none\n", &[]), Command::Healthcheck(Healthcheck::None));
    fails("HEALTHCHECK NONE x\n", "HEALTHCHECK NONE takes no arguments");
    fails("HEALTHCHECK --interval=30 CMD true\n", "time: missing unit in duration \"30\"");
    fails("HEALTHCHECK --interval=500us CMD true\n", "Interval \"interval\" cannot be less than 1ms");
    fails("HEALTHCHECK --timeout=-1s CMD true\n", "Interval \"timeout\" cannot be less than 1ms");
    fails("HEALTHCHECK --retries=-1 CMD true\n", "--retries cannot be negative (-1)");
    fails("HEALTHCHECK --retries=x CMD true\n", "strconv.ParseInt: parsing \"x\": invalid syntax");
    fails("HEALTHCHECK --retries=3000000000 CMD true\n", "value out of range");
    fails("HEALTHCHECK CMD\n", "Missing command after HEALTHCHECK CMD");
    fails("HEALTHCHECK RUN true\n", "Unknown type \"RUN\" in HEALTHCHECK (try CMD)");
    fails("HEALTHCHECK --interval 5s CMD true\n", "missing a value on flag: --interval");
}

#[test]
fn stopsignal_names_and_numbers() {
    for signal in ["SIGTERM", "sigkill", "HUP", "9", "SIGRTMIN+3"] {
        assert_eq!(ok(&format!("STOPSIGNAL {signal}\n"), &[]), Command::StopSignal(signal.into()));
    }
    fails("STOPSIGNAL 0\n", "Invalid signal: 0");
    fails("STOPSIGNAL SIGFOO\n", "Invalid signal: SIGFOO");
}

#[test]
fn expose_sorts_then_splits() {
    assert_eq!(
        ok("EXPOSE 8080 $PORTS 53/udp\n", &[("PORTS", "80 443/tcp")]),
        Command::Expose(strings(&["80", "443/tcp", "53/udp", "8080"])),
    );
}

#[test]
fn volume_paths() {
    assert_eq!(ok("VOLUME /a /b\n", &[]), Command::Volume(strings(&["/a", "/b"])));
    fails("VOLUME [\"/a\", \" \"]\n", "VOLUME specified can not be an empty string");
}

#[test]
fn onbuild_triggers() {
    assert_eq!(ok("ONBUILD ENV A=$B\n", &[("B", "b")]), Command::OnBuild(Box::new(Command::Env(pairs(&[("A", "b")])))),);
    let Command::OnBuild(inner) = ok("ONBUILD RUN <<EOF\necho hi\nEOF\n", &[]) else { panic!("not ONBUILD") };
    let Command::Run(run) = *inner else { panic!("not RUN") };
    assert_eq!(run.heredocs.len(), 1);
    let err = fails("ONBUILD ONBUILD RUN touch foobar\n", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    assert_eq!(err.kind(), DecodeErrorKind::OnBuild);
    fails("ONBUILD FROM scratch\n", "FROM isn't allowed as an ONBUILD trigger");
    fails("ONBUILD maintainer me\n", "MAINTAINER isn't allowed as an ONBUILD trigger");
    fails("ONBUILD COPY --bogus a b\n", "unknown flag: --bogus");
}

#[test]
fn copy_add_argument_counts() {
    fails(
        "COPY a\n",
        "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
    );
    fails("ADD a\n", "ADD requires at least two arguments");
}

// ---------------------------------------------------------------------------------------------
// instructions-error-cases.tsv

fn unescape_tsv(field: &str) -> String {
    let mut out = String::new();
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[test]
fn instructions_error_cases_tsv() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/buildkit/instructions-error-cases.tsv");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) => panic!("BuildKit instruction error cases missing: looked for {} ({err})", path.display()),
    };
    let mut failures = Vec::new();
    let mut run = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [name, dockerfile, expected] = fields[..] else {
            failures.push(format!("malformed row {line:?}"));
            continue;
        };
        run += 1;
        let dockerfile = unescape_tsv(dockerfile);
        let parsed = parse(&dockerfile);
        if !parsed.errors.is_empty() {
            failures.push(format!("{name}: parse errors {:?}", parsed.errors));
            continue;
        }
        // BuildKit's parse_test.go converts the first instruction.
        let Some(node) = parsed.ast.nodes.first() else {
            failures.push(format!("{name}: no instruction"));
            continue;
        };
        match decode(node, parsed.ast.directives.escape, &|_| None) {
            Ok(command) => failures.push(format!("{name}: expected {expected:?}, decoded {command:?}")),
            Err(err) if err.to_string().contains(expected) => {}
            Err(err) => failures.push(format!("{name}: expected {expected:?}, got {err:?}")),
        }
    }
    eprintln!("instructions-error-cases.tsv: {} of {run} cases pass", run - failures.len());
    assert_eq!(run, 18, "expected 18 rows");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

proptest::proptest! {
    /// Whatever the parser accepts, decoding answers or errs but never panics.
    #[test]
    fn decode_never_panics(
        keyword in proptest::sample::select(vec![
            "FROM", "ARG", "ENV", "LABEL", "RUN", "COPY", "ADD", "CMD", "ENTRYPOINT", "SHELL",
            "WORKDIR", "USER", "STOPSIGNAL", "VOLUME", "EXPOSE", "HEALTHCHECK", "ONBUILD",
            "MAINTAINER", "ONBUILD RUN", "ONBUILD COPY", "BOGUS",
        ]),
        flags in proptest::collection::vec(
            "--(mount|from|chown|chmod|link|network|security|interval|retries|platform|exclude)(=[a-z0-9=,$/\"'\\\\]{0,12})?",
            0..3,
        ),
        rest in "[a-zA-Z0-9 $'\"{}:=,/\\[\\]\\\\<\\-.]{0,30}",
    ) {
        let text = format!("{keyword} {} {rest}\n", flags.join(" "));
        let parsed = parse(&text);
        for node in &parsed.ast.nodes {
            let _ = decode(node, parsed.ast.directives.escape, &|name: &str| {
                (name == "A").then(|| "x y".to_string())
            });
        }
    }
}
