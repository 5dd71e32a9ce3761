//! The size estimator: one test per rule on small models, the shared size data, a Debian `Packages`
//! sample, budget messages, and (features `engine` + `fs`) accuracy against real builds.

use dockwright::assert_size_budget;
use dockwright::estimate::{
    Budget, CatalogOracle, Composite, ContextQuery, DebianIndex, Figure, Missing, Options, SizeOracle, estimate,
    estimate_with,
};
use dockwright::{Base, Image, OsFamily, PackageManager, Stage};

const MB: u64 = 1_000_000;

/// `../shared/data/sizes/<name>` relative to the crate: the project's size data (never copied in).
fn shared(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/sizes").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("shared size data {} is missing: {err}", path.display()))
}

fn catalog() -> CatalogOracle {
    CatalogOracle::from_tsv(&shared("base-images.tsv"))
}

/// A fixed oracle for the rules: every context copy is 1 MB, wheels 40 MB, packages from the sample.
struct Fixed;

impl SizeOracle for Fixed {
    fn context(&self, query: &ContextQuery) -> Option<Figure> {
        Some(Figure::exact(MB * query.sources.len() as u64, "fixed context"))
    }
    fn wheels(&self, dir: &str, requirements: &[String], _installed: &[String]) -> Option<Figure> {
        Some(Figure::exact(40 * MB, format!("fixed wheels {dir} {}", requirements.join(","))))
    }
}

fn debian() -> DebianIndex {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/debian-bookworm-Packages-sample");
    DebianIndex::parse(&std::fs::read_to_string(path).expect("the Packages sample exists"))
}

#[test]
fn shared_catalogue_gives_base_sizes_with_sources() {
    let catalog = catalog();
    let slim = catalog.base_image("python:3.12-slim").unwrap();
    assert_eq!((slim.low, slim.high), (119_150_000, 119_250_000));
    assert!(slim.source.contains("~119.2 Mb"), "{}", slim.source);
    assert_eq!(catalog.base_image("debian:bookworm-slim").unwrap().mid(), 74_830_000);
    assert_eq!(catalog.base_image("scratch").unwrap().high, 0);
    let distroless = catalog.base_image("gcr.io/distroless/static-debian12").unwrap();
    assert!(distroless.contains(2 * 1024 * 1024) && distroless.low < distroless.high);
    // Compressed-only rows are not passed off as on-disk sizes.
    assert!(catalog.base_image("python:3.11-slim-bookworm").is_none());
}

#[test]
fn debian_sample_gives_installed_sizes_in_kib() {
    let index = debian();
    let curl = index.package(PackageManager::Apt, "curl").unwrap();
    assert_eq!(curl.low, 489 * 1024);
    assert!(curl.high >= curl.low + 840 * 1024, "libcurl4 is in the sample: {curl:?}");
    assert_eq!(index.package(PackageManager::Apt, "ca-certificates").unwrap().low, 388 * 1024);
}

#[test]
fn apt_install_with_list_cleanup_in_the_same_run_has_no_lists() {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::image("debian:bookworm-slim", OsFamily::Debian)).install(["curl", "ca-certificates"]),
    );
    let oracle = Composite::new().with(catalog()).with(debian());
    let report = estimate(&image.to_model().unwrap(), &oracle);
    assert!(report.is_complete(), "{report}");
    let layer = &report.stages[0].layers[0];
    assert_eq!(layer.size.low, (489 + 388) * 1024);
    assert_eq!(layer.waste.high, 0);
    assert!(!layer.size.source.contains("apt lists"), "{}", layer.size.source);
}

#[test]
fn apt_lists_removed_in_a_later_run_still_count_as_waste() {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::image("debian:bookworm-slim", OsFamily::Debian))
            .run("apt-get update")
            .run("apt-get install -y curl")
            .run("rm -rf /var/lib/apt/lists/*"),
    );
    let oracle = Composite::new().with(catalog()).with(debian());
    let report = estimate(&image.to_model().unwrap(), &oracle);
    let layers = &report.stages[0].layers;
    assert_eq!((layers[0].size.low, layers[0].size.high), (15 * MB, 45 * MB));
    assert_eq!(layers[2].waste.low, 15 * MB);
    assert_eq!(report.waste.high, 45 * MB);
    assert!(report.total.low >= 74_780_000 + 15 * MB + 489 * 1024);
}

#[test]
fn unknown_packages_and_commands_are_named() {
    let mut image = Image::new();
    image.stage(Stage::new("app", Base::alpine("3.19")).install(["nosuchpkg"]).run("make install"));
    let report = estimate(&image.to_model().unwrap(), &catalog());
    let unknowns = report.unknowns();
    assert_eq!(
        unknowns.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "stage 'app', FROM alpine:3.19: base image size unknown",
            "stage 'app', RUN apk add --no-cache nosuchpkg: apk package nosuchpkg: installed size unknown",
            "stage 'app', RUN make install: command not recognised: make install",
        ]
    );
    assert_eq!(
        unknowns.iter().map(|u| u.missing.clone()).collect::<Vec<_>>(),
        [
            Missing::BaseImage { image: "alpine:3.19".into() },
            Missing::Package { manager: PackageManager::Apk, name: "nosuchpkg".into() },
            Missing::Command { command: "make install".into() },
        ]
    );
    assert!(unknowns[1].help().starts_with("pass the APKINDEX of the image's Alpine release with AlpineIndex::parse"));
}

/// Commands come from the one shell reader: a subshell is one unknown named whole, quoted words and
/// escaped newlines are read as the shell reads them, and `||`, `|` and comments split as they should.
#[test]
fn commands_are_read_as_the_shell_reads_them() {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::alpine("3.19"))
            .run("(cd /src && make) && echo 'a && b' | tee /tmp/x || true  # make again")
            .run("apk add --no-cache \"nosuch\"pkg"),
    );
    let report = estimate(&image.to_model().unwrap(), &catalog());
    let missing: Vec<Missing> = report.unknowns().iter().skip(1).map(|u| u.missing.clone()).collect();
    assert_eq!(
        missing,
        [
            Missing::Command { command: "(cd /src && make)".into() },
            Missing::Command { command: "tee /tmp/x".into() },
            Missing::Package { manager: PackageManager::Apk, name: "nosuchpkg".into() },
        ]
    );
}

/// A handmade index: g++ needs gcc and cpp as gcc does; gcc recommends manpages-dev; libc6 is not
/// in it (a base package: it counts nothing).
const COMPILERS: &str = "Package: gcc\nInstalled-Size: 100\nDepends: cpp (>= 12), libc6\nRecommends: manpages-dev\n\n\
    Package: g++\nInstalled-Size: 40\nDepends: gcc (= 4:12.2.0-3), cpp, libstdc++-dev | libc++-dev\n\n\
    Package: cpp\nInstalled-Size: 2000\n\n\
    Package: libstdc++-dev\nInstalled-Size: 5000\nDepends: libc6\n\n\
    Package: manpages-dev\nInstalled-Size: 3000\n";

/// The layer of a one-RUN image on debian:bookworm-slim.
fn run_layer(command: &str, oracle: &dyn SizeOracle) -> dockwright::estimate::LayerReport {
    let mut image = Image::new();
    image.stage(Stage::new("app", Base::image("debian:bookworm-slim", OsFamily::Debian)).run(command));
    estimate(&image.to_model().unwrap(), oracle).stages[0].layers[0].clone()
}

#[test]
fn one_apt_install_counts_shared_dependencies_once() {
    let index = DebianIndex::parse(COMPILERS);
    // Alone: gcc is 100 KiB .. + cpp; g++ is 40 KiB .. + gcc, cpp and libstdc++-dev.
    let (gcc, gxx) =
        (index.package(PackageManager::Apt, "gcc").unwrap(), index.package(PackageManager::Apt, "g++").unwrap());
    assert_eq!((gcc.low, gcc.high, gxx.low, gxx.high), (100 * 1024, 2100 * 1024, 40 * 1024, 7140 * 1024));
    // Together: each package once (the sum of the two would be 9240 KiB).
    let both = index.packages(PackageManager::Apt, &["gcc", "g++"], false).unwrap();
    assert_eq!((both.low, both.high), (140 * 1024, 7140 * 1024));
    assert_eq!(
        both.source,
        "Debian Packages: gcc + g++ Installed-Size 140 KiB, 7140 KiB with the union of their Depends closures in \
         the index (4 packages, each counted once)"
    );
    // One name alone is the single-package figure.
    let alone = index.packages(PackageManager::Apt, &["g++"], false).unwrap();
    assert_eq!((alone.low, alone.high), (gxx.low, gxx.high));

    // The estimator asks once per install command, with whether recommends are installed.
    let oracle = Composite::new().with(catalog()).with(DebianIndex::parse(COMPILERS));
    let layer = run_layer(
        "apt-get update && apt-get install -y --no-install-recommends gcc g++ && rm -rf /var/lib/apt/lists/*",
        &oracle,
    );
    assert!(layer.unknowns.is_empty(), "{:?}", layer.unknowns);
    assert_eq!(layer.parts, std::slice::from_ref(&both));
    assert_eq!((layer.size.low, layer.size.high), (140 * 1024, 7140 * 1024));
    let plain = run_layer("apt-get install -y gcc g++", &oracle);
    assert_eq!((plain.size.low, plain.size.high), (140 * 1024, 10_140 * 1024), "manpages-dev is recommended");
    assert!(plain.size.source.contains("Depends and Recommends closures"), "{}", plain.size.source);
    let option = run_layer("apt-get -o APT::Install-Recommends=false install -y gcc g++", &oracle);
    assert_eq!(option.size.high, 7140 * 1024);
}

#[test]
fn a_partly_unknown_install_counts_the_known_names_together_and_names_the_others() {
    let oracle = DebianIndex::parse(COMPILERS);
    let layer = run_layer("apt-get install -y --no-install-recommends gcc nosuchpkg g++ nosuchpkg", &oracle);
    assert_eq!(layer.unknowns, [Missing::Package { manager: PackageManager::Apt, name: "nosuchpkg".into() }]);
    assert_eq!((layer.size.low, layer.size.high), (140 * 1024, 7140 * 1024));
    assert!(layer.size.source.starts_with("Debian Packages: gcc + g++ "), "{}", layer.size.source);
}

/// Records what the rules ask: one `(manager, names, recommends)` per question.
#[derive(Default)]
struct Recorder(std::cell::RefCell<Vec<(PackageManager, Vec<String>, bool)>>);

impl SizeOracle for Recorder {
    fn packages(&self, manager: PackageManager, names: &[&str], recommends: bool) -> Option<Figure> {
        self.0.borrow_mut().push((manager, names.iter().map(|n| n.to_string()).collect(), recommends));
        Some(Figure::exact(1, "recorded"))
    }
}

#[test]
fn install_commands_say_whether_recommends_are_installed() {
    let cases: [(&str, PackageManager, &[&str], bool); 12] = [
        ("apt-get install -y curl git", PackageManager::Apt, &["curl", "git"], true),
        (
            "apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u15 curl",
            PackageManager::Apt,
            &["curl"],
            false,
        ),
        ("apt-get -o APT::Install-Recommends=false install -y curl", PackageManager::Apt, &["curl"], false),
        (
            "apt-get install -y -oAPT::Install-Recommends=0 -t bookworm-backports curl",
            PackageManager::Apt,
            &["curl"],
            false,
        ),
        ("apt install -y --option=apt::install-recommends=no curl", PackageManager::Apt, &["curl"], false),
        (
            "apt-get install --no-install-recommends -o APT::Install-Recommends=true curl",
            PackageManager::Apt,
            &["curl"],
            true,
        ),
        ("apk add --no-cache curl git", PackageManager::Apk, &["curl", "git"], false),
        (
            "dnf install -y --nodocs --setopt=install_weak_deps=False curl && dnf clean all",
            PackageManager::Dnf,
            &["curl"],
            false,
        ),
        ("dnf install -y curl && dnf clean all", PackageManager::Dnf, &["curl"], true),
        (
            "yum --setopt install_weak_deps=false install -y curl && dnf clean all",
            PackageManager::Dnf,
            &["curl"],
            false,
        ),
        (
            "microdnf install -y --nodocs --setopt=install_weak_deps=0 curl && microdnf clean all",
            PackageManager::Microdnf,
            &["curl"],
            false,
        ),
        (
            "microdnf --enablerepo ubi-9-appstream install -y curl && microdnf clean all",
            PackageManager::Microdnf,
            &["curl"],
            true,
        ),
    ];
    for (command, manager, names, recommends) in cases {
        let recorder = Recorder::default();
        let layer = run_layer(command, &recorder);
        assert!(layer.unknowns.is_empty(), "{command}: {:?}", layer.unknowns);
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        assert_eq!(recorder.0.into_inner(), [(manager, names, recommends)], "{command}");
    }
    // The crate's own install commands install no recommends on any family.
    let bases = [
        Base::debian("bookworm-slim"),
        Base::alpine("3.19"),
        Base::image("registry.access.redhat.com/ubi9/ubi:9.4", OsFamily::Rhel),
        Base::image("registry.access.redhat.com/ubi9/ubi-minimal:9.4", OsFamily::RhelMinimal),
    ];
    for base in bases {
        let mut image = Image::new();
        image.stage(Stage::new("app", base).install(["curl"]));
        let recorder = Recorder::default();
        estimate(&image.to_model().unwrap(), &recorder);
        let asked = recorder.0.into_inner();
        assert_eq!(asked.len(), 1, "{asked:?}");
        assert!(!asked[0].2, "{asked:?}");
    }
}

#[test]
fn vendored_wheels_and_venv_propagate_through_copy_from() {
    let mut image = Image::new();
    dockwright::recipe::PythonApp::new(Base::python("3.12").slim()).copy(["app.py"], "./").add_to(&mut image);
    let report = estimate(&image.to_model().unwrap(), &Composite::new().with(catalog()).with(Fixed));
    let builder = report.stage("builder").unwrap();
    assert!(!builder.counted);
    let install = builder.layers.iter().find(|l| l.instruction.contains("pip install")).unwrap();
    assert_eq!(install.size.low, 40 * MB);
    assert!(install.size.source.contains("fixed wheels vendor/wheels requirements.txt"), "{}", install.size.source);
    let runtime = report.stage("runtime").unwrap();
    let venv = runtime.layers.iter().find(|l| l.instruction.starts_with("COPY --from=builder")).unwrap();
    // venv rule for python 3.12 (pip only: 13-18 MB) + the wheels' 40 MB.
    assert_eq!((venv.size.low, venv.size.high), (53 * MB, 58 * MB));
    assert!(venv.size.source.contains("python 3.12 venv bundles pip only"), "{}", venv.size.source);
    assert!(report.is_complete(), "{report}");
}

#[test]
fn go_binary_uses_the_stated_rule_and_only_the_final_stage_counts() {
    let mut image = Image::new();
    dockwright::recipe::GoBinary::new(Base::golang("1.22").alpine()).binary("server").add_to(&mut image);
    let report = estimate(&image.to_model().unwrap(), &Composite::new().with(catalog()).with(Fixed));
    let runtime = report.stages.last().unwrap();
    let copy = &runtime.layers[0];
    assert_eq!((copy.size.low, copy.size.high), (1_200_000, 25 * MB));
    assert!(copy.size.source.contains("rule: stripped static Go binary"));
    // The golang builder (and its 3 MB of context copies) is not in the image.
    assert!(report.total.high < 30 * MB, "{report}");
    assert!(!report.stages[0].counted);
}

#[test]
fn target_counts_its_from_chain() {
    let mut image = Image::new();
    let base = image.stage(Stage::new("base", Base::scratch()).copy(["a"], "/a"));
    image.stage(Stage::new("dev", &base).copy(["b", "c"], "/b/"));
    image.stage(Stage::new("prod", &base).copy(["d"], "/d"));
    let options = Options { target: Some("dev".into()), ..Options::default() };
    let report = estimate_with(&image.to_model().unwrap(), &Fixed, &options);
    assert_eq!(report.total.low, 3 * MB);
    assert!(!report.stage("prod").unwrap().counted);
}

/// A chain of stages, each copying what the one before copied: sizes add up along the chain, while a
/// copy's source names its stage one level deep, so the report grows linearly with the chain (it grew
/// quadratically when every copy repeated the whole chain's sources).
#[test]
fn copy_from_chains_add_sizes_and_keep_sources_one_stage_deep() {
    let mut image = Image::new();
    let mut previous = image.stage(Stage::new("s0", Base::scratch()).copy(["app"], "/app/"));
    for i in 1..4 {
        let stage =
            Stage::new(&format!("s{i}"), Base::scratch()).copy(["app"], "/app/").copy_from(&previous, ["/app"], "/app");
        previous = image.stage(stage);
    }
    let report = estimate(&image.to_model().unwrap(), &Fixed);
    let copies: Vec<(u64, &str)> = report
        .stages
        .iter()
        .flat_map(|stage| stage.layers.iter().filter(|l| l.instruction.starts_with("COPY --from")))
        .map(|layer| (layer.size.high, layer.parts[0].source.as_str()))
        .collect();
    assert_eq!(
        copies,
        [
            (MB, "stage 's0' /app: fixed context"),
            (2 * MB, "stage 's1' /app: fixed context; stage 's0' /app"),
            (3 * MB, "stage 's2' /app: fixed context; stage 's1' /app"),
        ]
    );
    assert_eq!(report.total.high, 4 * MB);
}

/// A chain of stages each built `FROM` the one before and copying its `/app` again: every stage holds
/// the one before it twice, so sizes double along the chain. Sources stay one stage deep (they doubled
/// in length with every stage: 870 MB of text at 24 stages) and name at most three writes of a path,
/// and sizes past `u64::MAX` bytes stay at `u64::MAX` instead of overflowing.
#[test]
fn from_chains_keep_sources_short_and_saturate_sizes() {
    let mut image = Image::new();
    let mut previous = image.stage(Stage::new("s0", Base::scratch()).copy(["app"], "/app/"));
    for i in 1..70 {
        let stage =
            Stage::new(&format!("s{i}"), &previous).copy(["app"], "/app/").copy_from(&previous, ["/app"], "/app");
        previous = image.stage(stage);
    }
    let report = estimate(&image.to_model().unwrap(), &Fixed);
    let sources = |stage: &str| {
        let layer = report.stage(stage).unwrap().layers.last().unwrap();
        (layer.size.high, layer.parts[0].source.clone())
    };
    assert_eq!(sources("s1"), (MB, "stage 's0' /app: fixed context".to_string()));
    assert_eq!(sources("s2"), (3 * MB, "stage 's1' /app: fixed context; fixed context; stage 's0' /app".to_string()));
    // A path names the sources of its first three writes and counts the rest.
    assert_eq!(
        sources("s3"),
        (7 * MB, "stage 's2' /app: fixed context; fixed context; stage 's0' /app; and 2 more writes".to_string())
    );
    assert_eq!(
        sources("s69"),
        (u64::MAX, "stage 's68' /app: fixed context; fixed context; stage 's0' /app; and 134 more writes".to_string())
    );
    assert_eq!(report.total.high, u64::MAX);
    assert!(report.stages.iter().flat_map(|s| &s.layers).all(|l| l.parts.iter().all(|p| p.source.len() < 120)));
}

#[test]
fn budget_failure_lists_how_far_over_and_the_largest_layers() {
    let mut image = Image::new();
    image.stage(Stage::new("app", Base::python("3.12").slim()).copy(["data"], "/data").run("mkdir /x"));
    let report = estimate(&image.to_model().unwrap(), &Composite::new().with(catalog()).with(Fixed));
    assert!(report.check(Budget::mb(500)).is_ok());
    assert_size_budget!(report, "500 MB");
    let err = report.check("100 MiB".parse().unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "image 'app' may exceed its size budget of 104.9 MB by up to 15.5 MB: estimated 120.2–120.3 MB\n\
         base python:3.12-slim: 119.2–119.2 MB (catalogue: python:3.12-slim = ~119.2 Mb)\n\
         largest layers:\n  \
         1.0 MB in stage 'app': COPY data /data\n      1.0 MB (fixed context)\n  \
         0.0–65.5 kB in stage 'app': RUN mkdir /x\n      0.0–65.5 kB (rule: metadata-only commands (useradd, mkdir, chown, ...) write at most 64 KiB)\n"
    );
    let panic = std::panic::catch_unwind(|| assert_size_budget!(report, "100 MB")).unwrap_err();
    assert!(panic.downcast_ref::<String>().unwrap().contains("largest layers:"));
}

/// A digest in `FROM` (64 hex digits, not in any table here).
fn digest() -> String {
    format!("sha256:{}", "0123456789abcdef".repeat(4))
}

/// The estimate of one empty stage on `reference`.
fn on_base(reference: &str, oracle: &dyn SizeOracle) -> dockwright::estimate::SizeReport {
    let mut image = Image::new();
    image.stage(Stage::new("app", Base::image(reference, OsFamily::Debian)));
    estimate(&image.to_model().unwrap(), oracle)
}

#[test]
fn a_digest_pinned_base_is_found_by_its_tag_when_the_digest_is_not_known() {
    let catalog = catalog();
    let by_tag = catalog.base_image("debian:bookworm-slim").unwrap();
    for reference in
        [format!("debian:bookworm-slim@{}", digest()), format!("docker.io/library/debian:bookworm-slim@{}", digest())]
    {
        let report = on_base(&reference, &catalog);
        assert!(report.is_complete(), "{reference}: {report}");
        let base = report.stages[0].base.clone().unwrap();
        assert_eq!((base.low, base.high), (by_tag.low, by_tag.high), "{reference}");
        let tag = reference.split('@').next().unwrap();
        assert_eq!(
            base.source,
            format!("{}; by its tag {tag}: no figure for digest {}", by_tag.source, digest()),
            "{reference}"
        );
        assert_eq!(report.check(Budget::mb(100)).unwrap().left_out(), []);
    }
    // A digest without a tag has nothing to fall back on: it stays unknown, by its full reference.
    let bare = on_base(&format!("debian@{}", digest()), &catalog);
    assert_eq!(bare.unknowns()[0].missing, Missing::BaseImage { image: format!("debian@{}", digest()) });
}

#[test]
fn a_digest_the_catalogue_knows_wins_over_the_tag_in_any_oracle() {
    let pinned = || CatalogOracle::from_tsv(&format!("image\tbytes\ndebian:bookworm-slim@{}\t70000000\n", digest()));
    let reference = format!("debian:bookworm-slim@{}", digest());
    // Whichever oracle comes first, the one that knows the digest answers, not the one that knows the tag.
    for oracle in [Composite::new().with(catalog()).with(pinned()), Composite::new().with(pinned()).with(catalog())] {
        let base = on_base(&reference, &oracle).stages[0].base.clone().unwrap();
        assert_eq!(base, Figure::exact(70_000_000, format!("catalogue: debian:bookworm-slim@{} = 70000000", digest())));
    }
    // The digest names the image whatever the tag says.
    let other_tag = on_base(&format!("debian:trixie-slim@{}", digest()), &pinned());
    assert_eq!(other_tag.total.low, 70_000_000);
    // Without the digest the pinned row says nothing about the tag.
    assert!(pinned().base_image("debian:bookworm-slim").is_none());
}

/// An image that exists on the engine only by its tag (built or imported locally, so without a registry
/// digest) is found for a digest-pinned reference by that tag, with the engine's exact size.
#[cfg(feature = "engine")]
#[test]
fn the_engine_oracle_finds_a_digest_pinned_base_by_its_local_tag() {
    use dockwright::engine::{Engine, EngineOracle};

    let engine = match Engine::connect() {
        Ok(engine) => engine,
        Err(err) if std::env::var_os("CI").is_none() => return eprintln!("SKIPPED: no Docker engine reachable: {err}"),
        Err(err) => panic!("CI needs a Docker engine for these tests (scripts/engine-up): {err}"),
    };
    let tag = "dockwright/debian:bookworm-slim";
    let local = match engine.inspect(tag) {
        Ok(info) => info,
        Err(err) if std::env::var_os("CI").is_none() => return eprintln!("SKIPPED: {tag} is not on the engine: {err}"),
        Err(err) => panic!("CI needs {tag} (scripts/base-images): {err}"),
    };
    let oracle = EngineOracle::new(&engine);
    let reference = format!("{tag}@{}", digest());
    assert!(oracle.base_image(&reference).is_none(), "the engine has no image with that digest");
    let report = on_base(&reference, &oracle);
    assert!(report.is_complete(), "{report}");
    let base = report.stages[0].base.clone().unwrap();
    assert_eq!((base.low, base.high), (local.size, local.size));
    assert!(base.source.starts_with(&format!("engine: inspect {tag} (")), "{}", base.source);
    assert!(
        base.source.ends_with(&format!("; by its tag {tag}: no figure for digest {}", digest())),
        "{}",
        base.source
    );
}

#[cfg(all(feature = "engine", feature = "fs"))]
#[path = "../dsl-examples/emorobcare.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod emorobcare;
#[cfg(all(feature = "engine", feature = "fs"))]
#[path = "support/engine_cases.rs"]
mod engine_cases;
#[cfg(all(feature = "engine", feature = "fs"))]
#[path = "../dsl-examples/personal_assistant.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod personal_assistant;
#[cfg(all(feature = "engine", feature = "fs"))]
#[path = "../dsl-examples/spec_editor.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod spec_editor;
#[cfg(all(feature = "engine", feature = "fs"))]
#[path = "../dsl-examples/whoseonfirst.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod whoseonfirst;

/// Estimated vs measured bytes of the layers dockwright added, for every example the engine builds
/// here (base sizes exact from the engine). The table is printed for `book/src/estimate.md`:
/// `cargo test --test estimate --features engine,fs -- --nocapture accuracy`.
#[cfg(all(feature = "engine", feature = "fs"))]
#[test]
fn accuracy_against_real_builds() {
    use dockwright::engine::{BuildRequest, Engine, EngineOracle};
    use dockwright::estimate::{ContextOracle, WheelsOracle};

    let engine = match Engine::connect() {
        Ok(engine) => engine,
        Err(err) if std::env::var_os("CI").is_none() => return eprintln!("SKIPPED: no Docker engine reachable: {err}"),
        Err(err) => panic!("CI needs a Docker engine for these tests (scripts/engine-up): {err}"),
    };
    let examples = engine_cases::Examples {
        spec_editor: spec_editor::images(),
        whoseonfirst: whoseonfirst::images(),
        emorobcare: emorobcare::images(),
        personal_assistant: personal_assistant::images(),
    };
    let mapping = engine_cases::mapping();
    let mut rows = Vec::new();
    for case in engine_cases::cases(&examples) {
        if !engine_cases::vendored(&case.context) {
            continue;
        }
        let model = mapping.apply(&case.image.to_model().unwrap()).unwrap();
        let ignore = case.image.dockerignore_text();
        let oracle = Composite::new()
            .with(EngineOracle::new(&engine))
            .with(ContextOracle::new(&case.context).with_ignore(&ignore))
            .with(WheelsOracle::new(&case.context));
        let options = Options { target: case.target.map(str::to_string), ..Options::default() };
        let report = estimate_with(&model, &oracle, &options);
        assert!(report.is_complete(), "{}: {report}", case.name);
        let tag = format!("dockwright-test/estimate-{}", case.name.replace([':', '/'], "-"));
        let mut request = BuildRequest::from_image(&case.image, &case.context, &tag).unwrap().mapped(&mapping).unwrap();
        if let Some(target) = case.target {
            request = request.target(target);
        }
        engine.build(&request).unwrap_or_else(|err| panic!("{}: the build failed: {err}", case.name));
        let root = report.stages.iter().find(|s| s.counted).unwrap();
        let base = engine.inspect(&root.from).unwrap().size;
        let measured = engine.inspect(&tag).unwrap().size - base;
        engine.remove_image(&tag).unwrap();
        let added = report.added();
        let error = (added.mid() as f64 - measured as f64) / measured as f64 * 100.0;
        rows.push((case.name.clone(), base, added, measured, error));
    }
    println!("| image | base (engine) | estimated added | estimate mid | measured added | error |");
    println!("|---|---|---|---|---|---|");
    for (name, base, added, measured, error) in &rows {
        println!("| {name} | {base} | {}–{} | {} | {measured} | {error:+.1}% |", added.low, added.high, added.mid());
    }
    for (name, _, added, measured, error) in &rows {
        assert!(error.abs() <= 10.0, "{name}: estimated {added:?}, measured {measured} bytes ({error:+.1}%)");
    }
}

/// The context measured on disk is what the cache analysis reads: the same matcher
/// (`ContextRead::covers`) decides which files a COPY takes, so `.dockerignore` and `--exclude` lines are
/// read as BuildKit's patternmatcher reads them (cleaned, `..` resolved, surrounding spaces dropped).
#[cfg(feature = "fs")]
#[test]
fn the_context_oracle_selects_files_as_the_cache_analysis_does() {
    use dockwright::analysis::ContextRead;
    use dockwright::estimate::ContextOracle;

    let dir = std::env::temp_dir().join(format!("dockwright-context-matcher-{}", std::process::id()));
    let files =
        [("app/main.py", 100), ("app/debug.log", 20), ("app/sub/x.log", 3), ("docs/readme.md", 7), ("top.log", 1)];
    for (path, size) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, vec![b'x'; size]).unwrap();
    }
    let oracle = ContextOracle::new(&dir);
    // (sources, excludes, ignore lines, bytes)
    type Case<'a> = (&'a [&'a str], &'a [&'a str], &'a [&'a str], u64);
    let cases: [Case; 6] = [
        (&["."], &[], &[], 131),
        (&["."], &[], &["app/../top.log"], 130),
        (&["app"], &[], &[" app/**/*.log "], 100),
        (&["."], &["docs"], &["*.log", "!top.log"], 124),
        (&["./app/"], &["app/sub"], &[], 120),
        (&["app/*.py", "docs"], &[], &["# a comment"], 107),
    ];
    for (sources, excludes, ignore, bytes) in cases {
        let query = ContextQuery {
            sources: sources.iter().map(|s| s.to_string()).collect(),
            excludes: excludes.iter().map(|s| s.to_string()).collect(),
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
        };
        let figure = oracle.context(&query).unwrap();
        let ignore: Vec<String> = query.ignore.clone();
        let covered: u64 = files
            .iter()
            .filter(|(path, _)| {
                sources.iter().any(|source| {
                    let read = ContextRead { pattern: source.to_string(), excludes: query.excludes.clone() };
                    read.covers(path, &ignore)
                })
            })
            .map(|(_, size)| *size as u64)
            .sum();
        assert_eq!((figure.low, covered), (bytes, bytes), "{query:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
