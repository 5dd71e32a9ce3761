//! The DSL's user handling on a real engine: steps that need root get it when another user is in force
//! (and the user comes back after them), and non-root users get their supplementary groups, with each
//! family's commands that can run here.
//!
//! Builds have no network. The installs below ask for `bash`, which the base image already has: apt
//! answers from its status file (its index download fails offline, which `apt-get update` only warns
//! about), but it still needs root for its lock files, so the install fails as any other user.
//!
//! Every test needs an engine and the local base image `dockwright/debian:bookworm-slim`; without them
//! a test prints `SKIPPED: ...` and passes, except under `CI`, where a missing engine is a failure.
#![cfg(feature = "engine")]

#[path = "support/scratch.rs"]
mod scratch;

use dockwright::engine::RunOptions;
use dockwright::{Base, Image, NonRootUser, OsFamily, Stage};
use pretty_assertions::assert_eq;

use scratch::{Scratch, debian, engine, unique};

/// An install after `non_root_user` used to run as that user and fail the build (apt's lock files
/// belong to root); now it runs between `USER 0` and a switch back.
#[test]
fn install_after_non_root_user_runs_as_root_and_the_user_stays() {
    let Some(engine) = engine() else { return };
    let mut scratch = Scratch::new(&engine);
    let mut image = Image::new();
    image.stage(
        debian("app")
            // A nonce first, so the install really runs (no cached layer from an earlier run).
            .env("NONCE", unique("install").as_str())
            .non_root_user("app", 10001)
            .install(["bash"])
            .run("id -u > /tmp/uid")
            .cmd(["sleep", "infinity"]),
    );
    let (tag, _) = scratch.build(&image);
    assert_eq!(engine.inspect(&tag).unwrap().user, "10001:10001");
    let container = scratch.run(&tag, &RunOptions::new());
    assert_eq!(engine.exec(container, &["cat", "/tmp/uid"]).unwrap().stdout, "10001\n");
}

/// A stage made from a stage that ends as a non-root user starts as that user: its install gets root
/// too, and the user is back for what follows.
#[test]
fn install_in_a_stage_made_from_a_non_root_stage() {
    let Some(engine) = engine() else { return };
    let mut scratch = Scratch::new(&engine);
    let mut image = Image::new();
    let base = image.stage(debian("base").env("NONCE", unique("child").as_str()).non_root_user("app", 10001));
    image.stage(Stage::new("child", &base).install(["bash"]).run("id -un > /tmp/user").cmd(["sleep", "infinity"]));
    let (tag, _) = scratch.build(&image);
    assert_eq!(engine.inspect(&tag).unwrap().user, "10001:10001");
    let container = scratch.run(&tag, &RunOptions::new());
    assert_eq!(engine.exec(container, &["cat", "/tmp/user"]).unwrap().stdout, "app\n");
}

/// `useradd --groups` (Debian) and the `/etc/group` edits written for UBI minimal (which has no
/// shadow-utils; the same commands run on Debian, so the local image stands in for it), including a
/// group that already has a member.
#[test]
fn supplementary_groups_with_useradd_and_with_the_group_file() {
    let Some(engine) = engine() else { return };
    let mut scratch = Scratch::new(&engine);
    let passwd_file = Base::image("debian:bookworm-slim", OsFamily::RhelMinimal);
    for (what, base) in [("useradd", Base::debian("bookworm-slim")), ("group file", passwd_file)] {
        let mut image = Image::new();
        image.stage(
            Stage::new("app", base)
                .env("NONCE", unique("groups").as_str())
                .non_root_user_with(NonRootUser::new("other", 10002).groups(["audio"]))
                .non_root_user_with(NonRootUser::new("app", 10001).groups(["audio", "video"]))
                .cmd(["sleep", "infinity"]),
        );
        let (tag, _) = scratch.build(&image);
        let container = scratch.run(&tag, &RunOptions::new());
        let id = engine.exec(container, &["id"]).unwrap().stdout;
        assert_eq!(id, "uid=10001(app) gid=10001(app) groups=10001(app),29(audio),44(video)\n", "{what}");
        let audio = engine.exec(container, &["getent", "group", "audio"]).unwrap().stdout;
        assert_eq!(audio, "audio:x:29:other,app\n", "{what}");
    }
}

/// A supplementary group the image does not have fails the build (the commands check it), rather than
/// giving a user without it.
#[test]
fn a_missing_supplementary_group_fails_the_build() {
    let Some(engine) = engine() else { return };
    let passwd_file = Base::image("debian:bookworm-slim", OsFamily::RhelMinimal);
    for base in [Base::debian("bookworm-slim"), passwd_file] {
        let mut image = Image::new();
        image.stage(
            Stage::new("app", base)
                .env("NONCE", unique("nogroup").as_str())
                .non_root_user_with(NonRootUser::new("app", 10001).groups(["nosuchgroup"])),
        );
        let context = tempfile::tempdir().unwrap();
        let tag = scratch::unique_tag("nogroup");
        let request = dockwright::engine::BuildRequest::from_image(&image, context.path(), &tag)
            .unwrap()
            .mapped(&scratch::local_bases())
            .unwrap()
            .progress(dockwright::engine::Progress::Plain);
        let err = engine.build(&request).expect_err("a missing group must fail the build");
        let _ = engine.remove_image(&tag);
        assert!(err.to_string().contains("nosuchgroup"), "{err}");
    }
}
