//! A base-image mapping changes where images are pulled from and nothing else: on random models, the
//! mapped Dockerfile differs from the original only in the image references of `FROM` lines (the
//! generated models pull images only there; `COPY --from=<image>` is checked by a unit example). A `FROM`
//! that takes its image from a global ARG is mapped by the image the ARG's default gives.

#[path = "support/strategies.rs"]
mod strategies;

use dockwright::base::BaseMapping;
use dockwright::model::{BaseImage, Dockerfile};
use proptest::prelude::*;

fn mapping() -> BaseMapping {
    BaseMapping::new().map("debian:bookworm-slim", "dockwright/debian:bookworm-slim").unwrap().registry("registry.corp")
}

fn check(dockerfile: &Dockerfile) -> Result<(), String> {
    let original = dockwright::emit(dockerfile);
    let mapped = dockwright::emit(&mapping().apply(dockerfile).map_err(|e| e.to_string())?);
    let (a, b): (Vec<&str>, Vec<&str>) = (original.lines().collect(), mapped.lines().collect());
    if a.len() != b.len() {
        return Err(format!("line count changed:\n{original}\n---\n{mapped}"));
    }
    let images = dockerfile
        .stages
        .iter()
        .filter(|s| matches!(s.from.base, BaseImage::Image(_) | BaseImage::Template(_)))
        .count();
    let mut changed = 0;
    for (before, after) in a.iter().zip(&b) {
        if before == after {
            continue;
        }
        // Every generated image (and every templated one, by its default) is debian:bookworm-slim.
        let mut expected = before.replace(" debian:bookworm-slim", " dockwright/debian:bookworm-slim");
        for (_, _, template) in strategies::TEMPLATED_BASES {
            expected = expected.replace(&format!(" {template} "), " dockwright/debian:bookworm-slim ");
        }
        if !before.starts_with("FROM ") || *after != expected {
            return Err(format!("unexpected change {before:?} -> {after:?}"));
        }
        changed += 1;
    }
    if changed != images {
        return Err(format!("{changed} FROM lines changed, {images} pull an image"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mapping_changes_only_pulled_images(dockerfile in strategies::dockerfile()) {
        if let Err(message) = check(&dockerfile) {
            prop_assert!(false, "{}", message);
        }
    }
}

#[test]
fn copy_from_an_image_and_mounts_are_mapped_stage_references_are_not() {
    use dockwright::model::{FromSource, Mount};
    use dockwright::{Base, Copy, FlagValue, Image, ImageRef, Run, Stage};

    let mut image = Image::new();
    let build = image.stage(Stage::new("build", Base::debian("bookworm-slim")));
    let tools = Mount::Bind {
        target: FlagValue::new("/tools").unwrap(),
        source: None,
        from: Some(FromSource::Image(ImageRef::parse("busybox:1.36").unwrap())),
        rw: false,
    };
    image.stage(
        Stage::new("app", &build)
            .copy_with(Copy::new(["/usr/bin/tini"], "/tini").from_image("krallin/tini:0.19"))
            .run(Run::sh("/tools/bin/true").mount(tools)),
    );
    assert_eq!(
        image.emit_mapped(&mapping()).unwrap(),
        "FROM dockwright/debian:bookworm-slim AS build\n\
         \n\
         FROM build AS app\n\
         COPY --from=registry.corp/krallin/tini:0.19 [\"/usr/bin/tini\", \"/tini\"]\n\
         RUN --mount=type=bind,target=/tools,from=registry.corp/busybox:1.36 /tools/bin/true\n"
    );
}

#[test]
fn a_templated_from_is_mapped_by_its_default_or_left_alone() {
    use dockwright::{Base, Image, OsFamily, Stage};

    let mut image = Image::new().arg("TAG", Some("bookworm-slim")).arg("TOOLS", Some("busybox:1.36"));
    image.stage(Stage::new("app", Base::debian("${TAG}")));
    image.stage(Stage::new("tools", Base::image("${TOOLS}", OsFamily::Debian)));
    let exact = BaseMapping::new().map("debian:bookworm-slim", "dockwright/debian:bookworm-slim").unwrap();
    assert_eq!(
        image.emit_mapped(&exact).unwrap(),
        "ARG TAG=bookworm-slim\nARG TOOLS=busybox:1.36\n\n\
         FROM dockwright/debian:bookworm-slim AS app\n\nFROM ${TOOLS} AS tools\n"
    );
    assert_eq!(
        image.emit_mapped(&mapping()).unwrap(),
        "ARG TAG=bookworm-slim\nARG TOOLS=busybox:1.36\n\n\
         FROM dockwright/debian:bookworm-slim AS app\n\nFROM registry.corp/busybox:1.36 AS tools\n"
    );

    // A model whose template has no valid default cannot be mapped: the error names the stage.
    let mut model = image.to_model().unwrap();
    model.args[0].default = None;
    assert_eq!(
        mapping().apply(&model).unwrap_err().to_string(),
        "stage 'app': FROM debian:${TAG} reads \"debian:\" when the build passes no --build-arg, which is not a \
         valid image reference (a tag is up to 128 letters, digits, '_', '.' and '-'); ARG TAG is empty unless \
         --build-arg TAG=... is passed: give it a default with Image::arg(\"TAG\", Some(default))"
    );
}

/// A digest pin is a deliberate choice: a mapping for the tag keeps it (the pinned base is left as
/// written, or pulled through the registry with its digest) unless the mapping opts in with
/// `map_pinned_by_tag`; a mapping for the pinned reference itself always applies, and wins.
#[test]
fn a_digest_pinned_base_is_mapped_by_its_tag_only_when_the_mapping_says_so() {
    use dockwright::{Base, Copy, Image, OsFamily, Stage};

    let digest = format!("sha256:{}", "0123456789abcdef".repeat(4));
    let pinned = format!("alpine:3.19@{digest}");
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::image(&pinned, OsFamily::Alpine))
            .copy_with(Copy::new(["/bin/busybox"], "/busybox").from_image(&pinned)),
    );
    let by_tag = || BaseMapping::new().map("alpine:3.19", "dockwright/alpine:3.19").unwrap();
    let cases: [(&str, BaseMapping, String); 5] = [
        ("tag mapping: the pin is kept", by_tag(), pinned.clone()),
        (
            "tag mapping and a registry: pulled through it, pinned",
            by_tag().registry("registry.corp"),
            format!("registry.corp/{pinned}"),
        ),
        ("opted in: mapped by the tag", by_tag().map_pinned_by_tag(), "dockwright/alpine:3.19".into()),
        (
            "a mapping for the pinned reference wins",
            by_tag().map(&pinned, "dockwright/alpine:pinned").unwrap().map_pinned_by_tag(),
            "dockwright/alpine:pinned".into(),
        ),
        (
            "no mapping for it: unchanged",
            BaseMapping::new().map("alpine:3.20", "x/alpine:3.20").unwrap().map_pinned_by_tag(),
            pinned.clone(),
        ),
    ];
    for (case, mapping, expected) in cases {
        assert_eq!(
            image.emit_mapped(&mapping).unwrap(),
            format!("FROM {expected} AS app\nCOPY --from={expected} [\"/bin/busybox\", \"/busybox\"]\n"),
            "{case}"
        );
    }
    // The opt-in survives the mapping's JSON form, and is left out of it when off.
    let json = serde_json::to_string(&by_tag().map_pinned_by_tag()).unwrap();
    assert_eq!(json, r#"{"images":{"alpine:3.19":"dockwright/alpine:3.19"},"pinned_by_tag":true}"#);
    assert_eq!(serde_json::from_str::<BaseMapping>(&json).unwrap(), by_tag().map_pinned_by_tag());
    assert!(!serde_json::to_string(&by_tag()).unwrap().contains("pinned_by_tag"));
}
