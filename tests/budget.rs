//! Budgets declared on the image (`Image::budget`) and checked with `Image::check_budget`: a budget that
//! fits, one that does not (the message says how far over and lists the largest layers), a budget that
//! cannot be read (reported by `validate` with the other DSL errors), and an image without one.

use dockwright::estimate::{Budget, CatalogOracle, ContextQuery, Figure, SizeOracle};
use dockwright::{Base, BudgetCheckError, ErrorKind, Image, Stage};

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
    let report = image.check_budget(&Oracle::new()).expect("114.83 MB fits 150 MB");
    assert_eq!(report.target, "app");
    assert_eq!((report.total.low, report.total.high), (114_830_000, 114_830_000));
    assert!(report.is_complete(), "{:?}", report.unknowns());
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
