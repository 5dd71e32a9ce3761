//! `dockwright::build_script` from a real downstream `build.rs`: a copy of `tests/fixtures/downstream` is built
//! with cargo from clean, then rebuilt untouched, with a comment-only edit, and with a changed image, checking
//! what was written each time. The repository is never written: everything happens in a temporary directory.
#![cfg(feature = "build-script")]

#[path = "fixtures/downstream/src/image.rs"]
mod image;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use pretty_assertions::assert_eq;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// A copy of the fixture crate with its own target directory.
struct Downstream {
    _temp: tempfile::TempDir,
    dir: PathBuf,
    target: PathBuf,
}

impl Downstream {
    fn new() -> Self {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("downstream");
        let fixture = Path::new(REPO).join("tests/fixtures/downstream");
        fs::create_dir_all(dir.join("src")).unwrap();
        for file in ["build.rs", "base-sizes.tsv", "src/main.rs", "src/image.rs"] {
            fs::copy(fixture.join(file), dir.join(file)).unwrap();
        }
        // The copy is elsewhere, so the relative path to dockwright becomes absolute.
        let manifest = fs::read_to_string(fixture.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("path = \"../../..\""));
        let manifest = manifest.replace("path = \"../../..\"", &format!("path = {:?}", REPO));
        fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        // dockwright's own lock pins versions already in the local registry, so `--offline` resolves.
        let lock = Path::new(REPO).join("Cargo.lock");
        if lock.is_file() {
            fs::copy(lock, dir.join("Cargo.lock")).unwrap();
        }
        let target = temp.path().join("target");
        Downstream { _temp: temp, dir, target }
    }

    /// Runs `cargo build --offline -v`: whether it succeeded, and what it printed on standard error.
    fn try_build(&self, step: &str) -> (bool, String) {
        let start = Instant::now();
        let output = Command::new(env!("CARGO"))
            .args(["build", "--offline", "-v"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .output()
            .unwrap();
        eprintln!("{step}: cargo build took {:.1?}", start.elapsed());
        (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
    }

    /// Runs `cargo build --offline -v`, which must succeed; returns whether the build script ran.
    fn build(&self, step: &str) -> bool {
        let (success, stderr) = self.try_build(step);
        assert!(success, "{step}: cargo build failed:\n{stderr}");
        stderr.lines().any(|line| line.trim_start().starts_with("Running `") && line.ends_with("/build-script-build`"))
    }

    fn read(&self, name: &str) -> String {
        fs::read_to_string(self.dir.join(name)).unwrap_or_else(|err| panic!("{name}: {err}"))
    }

    /// What would show a rewrite: the modification time and the inode (a rename gives a new one).
    fn stamp(&self, name: &str) -> (SystemTime, u64) {
        let meta = fs::metadata(self.dir.join(name)).unwrap();
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&meta);
        #[cfg(not(unix))]
        let inode = 0;
        (meta.modified().unwrap(), inode)
    }

    fn stamps(&self) -> [(SystemTime, u64); 2] {
        [self.stamp("Dockerfile"), self.stamp(".dockerignore")]
    }

    fn edit_image(&self, edit: impl FnOnce(String) -> String) {
        let path = self.dir.join("src/image.rs");
        let text = fs::read_to_string(&path).unwrap();
        let edited = edit(text.clone());
        assert_ne!(edited, text, "the edit changed nothing");
        // Cargo compares modification times; make sure the edit is seen as newer than the last build.
        std::thread::sleep(Duration::from_millis(20));
        fs::write(path, edited).unwrap();
    }

    /// The `cargo:` lines the build script printed on its last run.
    fn script_output(&self) -> String {
        let build = self.target.join("debug/build");
        let mut outputs: Vec<_> = fs::read_dir(&build)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.file_name().unwrap().to_string_lossy().starts_with("downstream-"))
            .map(|path| path.join("output"))
            .filter(|path| path.is_file())
            .collect();
        assert_eq!(outputs.len(), 1, "{outputs:?}");
        fs::read_to_string(outputs.remove(0)).unwrap()
    }
}

#[test]
fn build_rs_writes_dockerfile_and_dockerignore_only_when_they_change() {
    let expected_dockerfile = image::image().emit().unwrap();
    let expected_ignore = image::image().dockerignore_text();
    let crate_ = Downstream::new();

    // From clean: both files appear, exactly as the DSL emits them.
    assert!(crate_.build("clean build"));
    assert_eq!(crate_.read("Dockerfile"), expected_dockerfile);
    assert_eq!(crate_.read(".dockerignore"), expected_ignore);
    let dir = &crate_.dir;
    // The budget allows unknown parts: the one it left out (the binary cargo builds) is a cargo warning.
    assert_eq!(
        crate_.script_output(),
        format!(
            "cargo:rerun-if-changed={}\ncargo:rerun-if-changed={}\n\
             cargo:warning=size budget checked on known parts only, left out: stage 'runtime', COPY --from=build \
             /src/target/release/downstream /usr/local/bin/downstream: /src/target/release/downstream from stage \
             'build': no layer of that stage is known to write it (a RUN there whose outputs are not modelled may \
             have, or it comes from the stage's base)\n",
            dir.join("Dockerfile").display(),
            dir.join(".dockerignore").display()
        )
    );
    let first = crate_.stamps();

    // Nothing touched: the files just written are newer than that run of the build script, so cargo may run
    // it once more; it finds nothing to write.
    crate_.build("untouched rebuild");
    assert_eq!(crate_.stamps(), first, "an untouched rebuild rewrote a file");
    // And after that the build is fresh: the script does not run.
    assert!(!crate_.build("fresh rebuild"), "the build script ran on a fresh build");
    assert_eq!(crate_.stamps(), first);

    // A comment in the image module: the build script is recompiled and rerun, the content is the same.
    crate_.edit_image(|text| text + "// A comment changes nothing in the image.\n");
    assert!(crate_.build("comment-only edit"), "cargo did not rerun the build script after its module changed");
    assert_eq!(crate_.stamps(), first, "a comment-only edit rewrote a file");

    // A changed image: the Dockerfile is rewritten; the ignore file, whose text is the same, is not.
    crate_.edit_image(|text| text.replace("Base::debian(\"bookworm-slim\")", "Base::debian(\"trixie-slim\")"));
    assert!(crate_.build("image edit"));
    assert_eq!(crate_.read("Dockerfile"), expected_dockerfile.replace("debian:bookworm-slim", "debian:trixie-slim"));
    assert_ne!(crate_.stamp("Dockerfile"), first[0], "the changed Dockerfile was not rewritten");
    assert_eq!(crate_.read(".dockerignore"), expected_ignore);
    assert_eq!(crate_.stamp(".dockerignore"), first[1], "the unchanged .dockerignore was rewritten");

    // Without the opt-in, the part nothing sizes fails the build, named with how to supply it, and nothing
    // is written.
    let before = crate_.read("Dockerfile");
    let stamp = crate_.stamp("Dockerfile");
    crate_.edit_image(|text| text.replace(".allow_unknown_sizes()", ""));
    let (success, stderr) = crate_.try_build("unknown parts, no opt-in");
    assert!(!success, "a build whose estimate has unknown parts passed its budget");
    assert!(
        stderr.contains(
            "image 'runtime' cannot be checked against its size budget of 150.0 MB: 1 part of the estimate is unknown"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("help: no oracle sizes it: stage 'build' must write it"), "{stderr}");
    assert_eq!((crate_.read("Dockerfile"), crate_.stamp("Dockerfile")), (before.clone(), stamp));

    // A budget the image cannot fit: the build fails naming the budget and the overrun, and nothing is
    // written (over on the known parts fails whether or not unknown parts are allowed).
    crate_.edit_image(|text| text.replace(".budget(\"150 MB\")", ".budget(\"50 MB\")"));
    let (success, stderr) = crate_.try_build("over budget");
    assert!(!success, "a build over its size budget succeeded");
    assert!(stderr.contains("image 'runtime' may exceed its size budget of 50.0 MB by up to 30.6 MB"), "{stderr}");
    assert_eq!((crate_.read("Dockerfile"), crate_.stamp("Dockerfile")), (before, stamp));
}
