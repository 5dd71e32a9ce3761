//! Budgets declared on the image (`Image::budget`) and checked with `ImageBudget::check_budget`: a budget that
//! fits, one that does not (the message says how far over and lists the largest layers), a budget that
//! cannot be read (reported by `validate` with the other DSL errors), an image without one, and an
//! estimate with unknown parts (which fails, naming each, unless the image opts in).

use dockwright::assert_size_budget;
use dockwright::estimate::{
    Budget, BudgetFailure, CatalogOracle, ContextQuery, Figure, Missing, Options, SizeOracle, estimate, estimate_with,
};
use dockwright::{Base, BudgetCheckError, ErrorKind, Image, ImageBudget, OsFamily, PackageManager, Stage};
use pretty_assertions::assert_eq;

const MB: u64 = 1_000_000;

/// The base from a one-row catalogue; each context copy is 10 MB per source, so layer sizes are known.
struct Oracle {
    catalog: CatalogOracle,
}

impl Oracle {
    fn new() -> Self {
        Oracle { catalog: CatalogOracle::from_tsv("image\tbytes\ndebian:bookworm-slim\t74830000\n") }
    }
}

impl SizeOracle for Oracle {
    fn base_image(&self, image: &str) -> Option<Figure> {
        self.catalog.base_image(image)
    }
    fn context(&self, query: &ContextQuery) -> Option<Figure> {
        Some(Figure::exact(10 * MB * query.sources.len() as u64, format!("fixed context {}", query.sources.join(","))))
    }
}

/// debian:bookworm-slim (74.83 MB) plus a 10 MB and a 30 MB copy: 114.83 MB.
fn image(budget: &str) -> Image {
    let mut image = Image::new().budget(budget).dockerignore([".git"]);
    image.stage(
        Stage::new("app", Base::debian("bookworm-slim"))
            .workdir("/app")
            .copy(["config.toml"], "/app/")
            .copy(["models/a.bin", "models/b.bin", "models/c.bin"], "/app/models/")
            .cmd(["/app/run"]),
    );
    image
}

#[test]
fn declared_budget_that_fits_passes_and_returns_the_report() {
    let image = image("150 MB");
    assert_eq!(image.declared_budget(), Some(Budget::mb(150)));
    assert!(image.validate().is_ok());
    let fit = image.check_budget(&Oracle::new()).expect("114.83 MB fits 150 MB");
    let report = fit.report();
    assert_eq!(report.target, "app");
    assert_eq!((report.total.low, report.total.high), (114_830_000, 114_830_000));
    assert!(report.is_complete(), "{report}");
    assert!(fit.left_out().is_empty());
    assert_eq!(fit.to_string(), "image 'app' fits its size budget of 150.0 MB: estimated 114.8 MB, 35.2 MB to spare");
    // Exactly at the budget still fits.
    assert!(self::image("114830000 B").check_budget(&Oracle::new()).is_ok());
}

#[test]
fn declared_budget_exceeded_says_how_far_over_and_lists_the_largest_layers() {
    let image = image("100 MB");
    let err = image.check_budget(&Oracle::new()).unwrap_err();
    let message = err.to_string();
    let BudgetCheckError::Exceeded(exceeded) = err else { panic!("expected Exceeded, got {message}") };
    assert_eq!(exceeded.budget(), Budget::mb(100));
    assert_eq!(exceeded.over(), 14_830_000);
    assert!(
        message
            .starts_with("image 'app' may exceed its size budget of 100.0 MB by up to 14.8 MB: estimated 114.8 MB\n"),
        "{message}"
    );
    let layers = message.split("largest layers:\n").nth(1).unwrap_or_else(|| panic!("no layer list in:\n{message}"));
    let lines: Vec<&str> = layers.lines().filter(|line| !line.starts_with("      ")).collect();
    assert!(lines[0].starts_with("  30.0 MB in stage 'app': COPY"), "largest first:\n{message}");
    assert!(lines[0].contains("models/a.bin"), "{message}");
    assert!(lines[1].starts_with("  10.0 MB in stage 'app': COPY"), "{message}");
    assert!(lines[1].contains("config.toml"), "{message}");
    assert!(message.contains("base debian:bookworm-slim: 74.8 MB"), "{message}");
}

#[test]
fn invalid_budget_is_reported_by_validate_with_the_other_problems() {
    let mut image = Image::new().budget("lots").budget("12 parsecs");
    image.stage(Stage::new("App", Base::alpine("3.19")));
    assert_eq!(image.declared_budget(), None);
    let errors = image.validate().unwrap_err();
    let kinds: Vec<ErrorKind> = errors.iter().map(|err| err.kind()).collect();
    assert_eq!(kinds, [ErrorKind::InvalidBudget, ErrorKind::InvalidBudget, ErrorKind::InvalidStageName]);
    let text = errors.to_string();
    assert!(text.contains("invalid size budget \"lots\": expected a number and a unit, like \"500 MB\""), "{text}");
    assert!(text.contains("invalid size budget \"12 parsecs\": unknown unit \"parsecs\""), "{text}");
    // Emitting reports it too (it validates), and check_budget stops there without estimating.
    assert!(image.emit().unwrap_err().to_string().contains("\"12 parsecs\""));
    let err = image.check_budget(&Oracle::new()).unwrap_err();
    assert!(matches!(&err, BudgetCheckError::Invalid(errors) if errors.iter().count() == 3), "{err}");
}

#[test]
fn a_later_valid_budget_replaces_an_earlier_one_but_a_bad_one_stays_reported() {
    assert_eq!(Image::new().budget("1 GB").budget("200 MB").declared_budget(), Some(Budget::mb(200)));
    let mut image = Image::new().budget("1 parsec").budget("200 MB");
    image.stage(Stage::new("app", Base::alpine("3.19")));
    assert_eq!(image.declared_budget(), Some(Budget::mb(200)));
    assert!(image.validate().is_err());
}

#[test]
fn check_without_a_declared_budget_is_an_error_not_a_pass() {
    let mut image = Image::new();
    image.stage(Stage::new("app", Base::debian("bookworm-slim")));
    let err = image.check_budget(&Oracle::new()).unwrap_err();
    assert_eq!(err, BudgetCheckError::NoBudget);
    assert_eq!(err.to_string(), "the image declares no size budget: add one with Image::budget");
}

#[test]
fn emitting_ignores_the_budget() {
    let over = image("1 kB");
    let without = {
        let mut image = Image::new().dockerignore([".git"]);
        image.stage(
            Stage::new("app", Base::debian("bookworm-slim"))
                .workdir("/app")
                .copy(["config.toml"], "/app/")
                .copy(["models/a.bin", "models/b.bin", "models/c.bin"], "/app/models/")
                .cmd(["/app/run"]),
        );
        image
    };
    assert_eq!(over.emit().unwrap(), without.emit().unwrap());
    assert!(over.check_budget(&Oracle::new()).is_err());
}

/// One stage on a base no oracle knows, and nothing else.
fn on_unknown_base(budget: &str) -> Image {
    let mut image = Image::new().budget(budget);
    image.stage(Stage::new("app", Base::image("example/unknown:1", OsFamily::Debian)));
    image
}

const UNKNOWN_BASE_HELP: &str = "give its size: a row for example/unknown:1 in the table CatalogOracle::from_tsv \
    reads, EngineOracle (feature `engine`) with the image on the engine, or an answer to SizeOracle::base_image";

#[test]
fn an_unknown_base_fails_the_check_instead_of_counting_as_zero_bytes() {
    // The bug: the unknown base counted as 0 B, so 1 kB "fit".
    let err = on_unknown_base("1 kB").check_budget(&Oracle::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "image 'app' cannot be checked against its size budget of 1.0 kB: 1 part of the estimate is unknown (the \
             known parts come to 0 B)\n  \
             stage 'app', FROM example/unknown:1: base image size unknown\n    \
             help: {UNKNOWN_BASE_HELP}\n\
             to check the known parts only, opt in with Budget::allow_unknown (Image::allow_unknown_sizes for the \
             budget an image declares)"
        )
    );
    let BudgetCheckError::Incomplete(incomplete) = err else { panic!("expected Incomplete") };
    assert_eq!(incomplete.budget(), Budget::bytes_exact(1_000));
    let unknowns = incomplete.unknowns();
    assert_eq!(unknowns.len(), 1);
    assert_eq!((unknowns[0].stage.as_str(), unknowns[0].instruction.as_str()), ("app", "FROM example/unknown:1"));
    assert_eq!(unknowns[0].missing, Missing::BaseImage { image: "example/unknown:1".into() });
    assert_eq!(unknowns[0].help(), UNKNOWN_BASE_HELP);
}

#[test]
fn opting_in_checks_the_known_parts_and_says_what_was_left_out() {
    let image = on_unknown_base("1 kB").allow_unknown_sizes();
    assert_eq!(image.declared_budget(), Some(Budget::bytes_exact(1_000).allow_unknown()));
    let fit = image.check_budget(&Oracle::new()).expect("the known parts (none) fit");
    assert_eq!(
        fit.to_string(),
        "image 'app' fits its size budget of 1.0 kB on its known parts: estimated 0 B, 1.0 kB to spare; 1 unknown \
         part left out:\n  stage 'app', FROM example/unknown:1: base image size unknown"
    );
    assert_eq!(fit.left_out().len(), 1);
    assert_eq!(fit.left_out()[0].missing, Missing::BaseImage { image: "example/unknown:1".into() });
    // The opt-in is declared anywhere in the chain, and only leaves unknowns out: known parts still count.
    let mut over = Image::new().allow_unknown_sizes().budget("1 kB");
    over.stage(Stage::new("app", Base::image("example/unknown:1", OsFamily::Debian)).copy(["config.toml"], "/app/"));
    let err = over.check_budget(&Oracle::new()).unwrap_err();
    assert!(matches!(&err, BudgetCheckError::Exceeded(e) if e.over() == 9_999_000), "{err}");
}

#[test]
fn every_entry_point_follows_the_same_rule() {
    let oracle = Oracle::new();
    let strict = on_unknown_base("1 GB");
    let lenient = on_unknown_base("1 GB").allow_unknown_sizes();
    assert!(matches!(strict.emit_within_budget(&oracle), Err(BudgetCheckError::Incomplete(_))));
    assert_eq!(lenient.emit_within_budget(&oracle).unwrap(), "FROM example/unknown:1 AS app\n");

    let report = estimate(&strict.to_model().unwrap(), &oracle);
    assert!(matches!(report.check(Budget::mb(1000)), Err(BudgetFailure::Incomplete(_))));
    assert_eq!(report.check(Budget::mb(1000).allow_unknown()).unwrap().left_out().len(), 1);
    let panic = std::panic::catch_unwind(|| assert_size_budget!(report, "1 GB")).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.starts_with("image 'app' cannot be checked against its size budget of 1.0 GB"), "{message}");
    assert_size_budget!(report, Budget::mb(1000).allow_unknown());

    #[cfg(feature = "build-script")]
    {
        use dockwright::build_script::{Error, Writer};
        let dir = tempfile::tempdir().unwrap();
        let writer = Writer::new().dir(dir.path()).print_cargo_lines(false);
        let err = writer.write_within_budget(&strict, &oracle).unwrap_err();
        assert!(matches!(&err, Error::Budget(BudgetCheckError::Incomplete(_))), "{err}");
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing is written");
        let written = writer.write_within_budget(&lenient, &oracle).unwrap();
        assert_eq!(written.written().count(), 2);
        assert_eq!(
            written.warnings(),
            ["size budget checked on known parts only, left out: stage 'app', FROM example/unknown:1: base image \
                 size unknown"]
        );
        assert_eq!(
            written.cargo_lines().last().unwrap(),
            "cargo:warning=size budget checked on known parts only, left out: stage 'app', FROM example/unknown:1: \
             base image size unknown"
        );
    }
}

/// Knows debian:bookworm-slim and nothing else: no context, no packages.
struct BaseOnly(CatalogOracle);

impl SizeOracle for BaseOnly {
    fn base_image(&self, image: &str) -> Option<Figure> {
        self.0.base_image(image)
    }
}

#[test]
fn each_unknown_is_named_with_its_stage_instruction_and_how_to_supply_it() {
    let mut image = Image::new().budget("1 GB");
    let build = image.stage(Stage::new("build", Base::image("example/builder:1", OsFamily::Debian)).run("make"));
    image.stage(
        Stage::new("app", Base::debian("bookworm-slim"))
            .run("apt-get install -y --no-install-recommends nosuchpkg")
            .copy(["app/"], "/app/")
            .copy_from(&build, ["/out/bin"], "/usr/local/bin/"),
    );
    let err = image.check_budget(&BaseOnly(Oracle::new().catalog)).unwrap_err();
    let BudgetCheckError::Incomplete(incomplete) = &err else { panic!("expected Incomplete, got {err}") };
    let found: Vec<(String, String, Missing)> =
        incomplete.unknowns().iter().map(|u| (u.stage.clone(), u.instruction.clone(), u.missing.clone())).collect();
    let expected = [
        (
            "app",
            "RUN apt-get install -y --no-install-recommends nosuchpkg",
            Missing::Package { manager: PackageManager::Apt, name: "nosuchpkg".into() },
        ),
        ("app", "COPY app/ /app/", Missing::Context { sources: vec!["app/".into()] }),
        (
            "app",
            "COPY --from=build /out/bin /usr/local/bin/",
            Missing::StageFiles { stage: "build".into(), path: "/out/bin".into() },
        ),
    ];
    let expected: Vec<(String, String, Missing)> =
        expected.into_iter().map(|(s, i, m)| (s.to_string(), i.to_string(), m)).collect();
    // The build stage is not in the image: its base and `make` do not count.
    assert_eq!(found, expected);
    let message = err.to_string();
    assert!(
        message.starts_with(
            "image 'app' cannot be checked against its size budget of 1.0 GB: 3 parts of the estimate are unknown \
             (the known parts come to 74.8 MB)\n"
        ),
        "{message}"
    );
    assert!(message.ends_with("\nto check the known parts only, opt in with Budget::allow_unknown (Image::allow_unknown_sizes for the budget an image declares)"), "{message}");
    for unknown in incomplete.unknowns() {
        assert!(message.contains(&format!("  {unknown}\n    help: {}", unknown.help())), "{message}");
    }
    assert!(message.contains("help: size the build context with ContextOracle::new(<context dir>) (feature `fs`)"));
    assert!(message.contains("help: pass the Debian Packages index of the image's release with DebianIndex::parse"));
    assert!(message.contains("help: no oracle sizes it: stage 'build' must write it in a layer the estimator sizes"));
}

#[test]
fn a_target_that_names_no_stage_is_not_a_pass() {
    let mut image = Image::new();
    image.stage(Stage::new("app", Base::debian("bookworm-slim")));
    let options = Options { target: Some("prod".into()), ..Options::default() };
    let report = estimate_with(&image.to_model().unwrap(), &Oracle::new(), &options);
    let BudgetFailure::Incomplete(err) = report.check(Budget::mb(1)).unwrap_err() else {
        panic!("expected Incomplete")
    };
    assert_eq!(err.unknowns()[0].to_string(), "stage 'prod', target: no stage is named 'prod': nothing was estimated");
    assert_eq!(
        err.unknowns()[0].help(),
        "name a stage of the Dockerfile in Options::target (None estimates the last stage)"
    );
}
