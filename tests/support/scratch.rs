//! What the engine tests share: the engine (or SKIPPED outside CI), unique names, the local Debian
//! base, and [`Scratch`], which removes every image and container a test made, however it ends.
#![allow(dead_code)]

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use dockwright::base::BaseMapping;
use dockwright::engine::{BuildReport, BuildRequest, Container, Engine, Progress, RunOptions};
use dockwright::{Base, Image, Stage};

/// The local base image every test builds on.
pub const BASE: &str = "dockwright/debian:bookworm-slim";

/// The engine, or `None` (after saying why) when there is none and this is not CI.
pub fn engine() -> Option<Engine> {
    let skip = |why: String| {
        if std::env::var_os("CI").is_some() {
            panic!("{why}");
        }
        eprintln!("SKIPPED: {why}");
        None
    };
    match Engine::connect() {
        Err(err) => skip(format!("no Docker engine reachable: {err}")),
        Ok(engine) => match engine.inspect(BASE) {
            Err(err) => skip(format!("base image {BASE} is missing ({err}): run scripts/base-images")),
            Ok(_) => Some(engine),
        },
    }
}

/// A name no other test (or earlier run) uses: `<what>-<pid>-<time>-<n>`.
pub fn unique(what: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{what}-{}-{nanos}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A unique image tag.
pub fn unique_tag(what: &str) -> String {
    format!("dockwright-test/{}:t", unique(what))
}

/// Maps the DSL's `debian:bookworm-slim` onto the local base image.
pub fn local_bases() -> BaseMapping {
    BaseMapping::new().map("debian:bookworm-slim", BASE).unwrap()
}

/// A stage on the (mapped) Debian base.
pub fn debian(name: &str) -> Stage {
    Stage::new(name, Base::debian("bookworm-slim"))
}

/// What a test made; removed when the test ends, however it ends.
pub struct Scratch<'a> {
    pub engine: &'a Engine,
    pub containers: Vec<Container>,
    pub images: Vec<String>,
}

impl<'a> Scratch<'a> {
    pub fn new(engine: &'a Engine) -> Self {
        Scratch { engine, containers: Vec::new(), images: Vec::new() }
    }

    /// Builds `image` in `context` (plain progress, local bases) under a unique tag.
    pub fn build_in(&mut self, image: &Image, context: &Path) -> (String, BuildReport) {
        self.build_with(image, context, |request| request)
    }

    /// Builds `image` in `context` with the request changed by `edit` first (secrets, target...).
    pub fn build_with(
        &mut self,
        image: &Image,
        context: &Path,
        edit: impl FnOnce(BuildRequest) -> BuildRequest,
    ) -> (String, BuildReport) {
        let tag = unique_tag("image");
        let request = edit(
            BuildRequest::from_image(image, context, &tag)
                .unwrap()
                .mapped(&local_bases())
                .unwrap()
                .progress(Progress::Plain),
        );
        self.images.push(tag.clone());
        let report = self.engine.build(&request).unwrap_or_else(|err| panic!("{err}"));
        (tag, report)
    }

    /// Builds `image` with an empty context.
    pub fn build(&mut self, image: &Image) -> (String, BuildReport) {
        let context = tempfile::tempdir().unwrap();
        self.build_in(image, context.path())
    }

    pub fn run(&mut self, image: &str, options: &RunOptions) -> &Container {
        let container = self.engine.run(image, options).unwrap_or_else(|err| panic!("{err}"));
        self.containers.push(container);
        self.containers.last().unwrap()
    }
}

impl Drop for Scratch<'_> {
    fn drop(&mut self) {
        for container in self.containers.drain(..) {
            let _ = self.engine.remove(container);
        }
        for image in &self.images {
            let _ = self.engine.remove_image(image);
        }
    }
}

/// The names in a directory, sorted: what a test compares before and after a build or a save.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
