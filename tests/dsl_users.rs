//! The user a stage's steps run as: steps that need root (`install`, creating a user, `as_root`) get it
//! when another user is in force, and the user in force comes back after them; switches back to back
//! merge. One `check` helper: the stages given, emitted, must be exactly the text expected.

use dockwright::model::{Instruction, User};
use dockwright::{Base, Image, NonRootUser, OsFamily, Stage, UserSpec};
use pretty_assertions::assert_eq;

/// Emits an image of `stages` (each made by a function of the handles so far) and compares the text.
#[track_caller]
fn check(stages: Vec<Stage>, expected: &str) {
    let mut image = Image::new();
    for stage in stages {
        image.stage(stage);
    }
    assert_eq!(image.emit().unwrap(), expected);
}

fn debian(name: &str) -> Stage {
    Stage::new(name, Base::debian("bookworm-slim"))
}

const USERADD: &str = "RUN groupadd --system --gid 10001 app \\\n \
    && useradd --system --no-log-init --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app\n";

fn apt(packages: &str) -> String {
    format!(
        "RUN apt-get update \\\n \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {packages} \\\n \
         && rm -rf /var/lib/apt/lists/*\n"
    )
}

#[test]
fn install_as_root_needs_no_switch() {
    check(vec![debian("app").install(["curl"])], &format!("FROM debian:bookworm-slim AS app\n{}", apt("curl")));
}

#[test]
fn install_after_non_root_user_switches_to_root_and_back() {
    check(
        vec![debian("app").non_root_user("app", 10001).install(["curl"]).cmd(["app"])],
        &format!(
            "FROM debian:bookworm-slim AS app\n{USERADD}USER 10001:10001\nUSER 0\n{}USER 10001:10001\nCMD [\"app\"]\n",
            apt("curl")
        ),
    );
}

#[test]
fn a_stage_made_from_a_non_root_stage_starts_as_its_user() {
    let mut image = Image::new();
    let base = image.stage(debian("base").non_root_user("app", 10001));
    image.stage(Stage::new("child", &base).install(["curl"]));
    assert_eq!(
        image.emit().unwrap(),
        format!(
            "FROM debian:bookworm-slim AS base\n{USERADD}USER 10001:10001\n\n\
             FROM base AS child\nUSER 0\n{}USER 10001:10001\n",
            apt("curl")
        )
    );
}

#[test]
fn root_steps_back_to_back_share_one_switch() {
    check(
        vec![
            debian("app")
                .user("10001")
                .install(["curl"])
                .as_root(|stage| stage.run("mkdir -p /srv"))
                .install(["jq"])
                .run("id"),
        ],
        &format!(
            "FROM debian:bookworm-slim AS app\nUSER 10001\nUSER 0\n{}RUN mkdir -p /srv\n{}USER 10001\nRUN id\n",
            apt("curl"),
            apt("jq")
        ),
    );
}

#[test]
fn a_user_right_after_root_steps_replaces_the_switch_back() {
    check(
        vec![debian("app").user("10001").install(["curl"]).user("10002").install(["jq"])],
        &format!(
            "FROM debian:bookworm-slim AS app\nUSER 10001\nUSER 0\n{}USER 10002\nUSER 0\n{}USER 10002\n",
            apt("curl"),
            apt("jq")
        ),
    );
}

#[test]
fn root_steps_that_choose_a_user_are_not_switched_back() {
    check(
        vec![debian("app").user("10001").as_root(|stage| stage.run("make").user("10002")).run("id")],
        "FROM debian:bookworm-slim AS app\nUSER 10001\nUSER 0\nRUN make\nUSER 10002\nRUN id\n",
    );
}

#[test]
fn root_by_name_or_number_needs_no_switch() {
    for root in ["root", "0", "0:0", "root:root"] {
        check(
            vec![debian("app").user("10001").user(root).install(["curl"])],
            &format!("FROM debian:bookworm-slim AS app\nUSER 10001\nUSER {root}\n{}", apt("curl")),
        );
    }
}

#[test]
fn a_base_that_runs_as_another_user_gets_root_for_installs() {
    let base = Base::image("nginxinc/nginx-unprivileged:1.27-alpine", OsFamily::Alpine).with_user(101);
    check(
        vec![Stage::new("web", base).install(["tzdata"]).non_root_user("web", 10001)],
        "FROM nginxinc/nginx-unprivileged:1.27-alpine AS web\n\
         USER 0\n\
         RUN apk add --no-cache tzdata\n\
         RUN addgroup -S -g 10001 web \\\n \
         && adduser -S -D -u 10001 -G web -h /home/web -s /sbin/nologin web\n\
         USER 10001:10001\n",
    );
}

#[test]
fn users_set_through_the_escape_hatches_count() {
    let user = Instruction::User(User { user: UserSpec::new("10001").unwrap() });
    check(
        vec![debian("raw").raw("USER", "app").install(["curl"]), debian("model").instruction(user).install(["curl"])],
        &format!(
            "FROM debian:bookworm-slim AS raw\nUSER app\nUSER 0\n{curl}USER app\n\n\
             FROM debian:bookworm-slim AS model\nUSER 10001\nUSER 0\n{curl}USER 10001\n",
            curl = apt("curl")
        ),
    );
}

#[test]
fn a_user_the_dsl_cannot_read_is_switched_back_to_as_written() {
    check(
        vec![debian("app").raw("USER", "${APP_UID}").install(["curl"]).raw("USER", "app").install(["jq"])],
        &format!(
            "FROM debian:bookworm-slim AS app\nUSER ${{APP_UID}}\nUSER 0\n{}USER app\nUSER 0\n{}USER app\n",
            apt("curl"),
            apt("jq")
        ),
    );
}

#[test]
fn supplementary_groups_per_family() {
    let user = || NonRootUser::new("app", 10001).groups(["audio"]);
    check(
        vec![
            debian("debian").non_root_user_with(user()),
            Stage::new("ubi", Base::ubi9()).non_root_user_with(user()),
            Stage::new("minimal", Base::ubi9_minimal()).non_root_user_with(user()),
            Stage::new("alpine", Base::alpine("3.20")).non_root_user_with(user()),
        ],
        "FROM debian:bookworm-slim AS debian\n\
         RUN groupadd --system --gid 10001 app \\\n \
         && useradd --system --no-log-init --uid 10001 --gid app --groups audio --create-home --home-dir /home/app --shell /usr/sbin/nologin app\n\
         USER 10001\n\
         \n\
         FROM registry.access.redhat.com/ubi9/ubi:latest AS ubi\n\
         RUN groupadd -r -g 10001 app \\\n \
         && useradd -r -l -u 10001 -g app -G audio -m -d /home/app -s /sbin/nologin app\n\
         USER 10001\n\
         \n\
         FROM registry.access.redhat.com/ubi9/ubi-minimal:latest AS minimal\n\
         RUN echo 'app:x:10001:10001::/home/app:/sbin/nologin' >> /etc/passwd \\\n \
         && echo 'app:x:10001:' >> /etc/group \\\n \
         && mkdir -p /home/app \\\n \
         && chown 10001:10001 /home/app \\\n \
         && grep -q '^audio:' /etc/group \\\n \
         && sed -i -e '/^audio:/s/$/,app/' -e '/^audio:/s/:,/:/' /etc/group\n\
         USER 10001\n\
         \n\
         FROM alpine:3.20 AS alpine\n\
         RUN addgroup -S -g 10001 app \\\n \
         && adduser -S -D -u 10001 -G app -h /home/app -s /sbin/nologin app \\\n \
         && addgroup app audio\n\
         USER 10001\n",
    );
}

#[test]
fn no_groups_keep_the_numeric_user_and_group() {
    check(
        vec![Stage::new("app", Base::distroless_static()).non_root_user_with(NonRootUser::new("app", 10001))],
        "FROM gcr.io/distroless/static-debian12 AS app\nUSER 10001:10001\n",
    );
}
