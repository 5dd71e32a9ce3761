//! `dockwright build` (features `cli` and `engine`): builds the Dockerfile on the engine, then reports
//! the image's real size per layer beside the estimate for the same file, target and context, and its
//! layer waste and efficiency as dive computes them.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::{Value as Json, json};

use super::estimate::{Prepared, estimate_in_context, figure, prepare, to_json};
use super::input::{ArgValues, BuildArgs};
use super::output::{ADDED, DIM, Failure, HEADING, REMOVED, Session};
use super::{Console, Exit};
use crate::engine::{BuildReport, BuildRequest, Engine, EngineOracle, ImageInfo, LayerWaste, Progress};
use crate::estimate::{Budget, Composite, Figure, SizeReport};
use crate::model::bytes_text;

/// The tag an image gets without `--tag`.
const DEFAULT_TAG: &str = "dockwright-build:latest";

/// How many of the paths in more than one layer the text output lists.
const LISTED_PATHS: usize = 10;

const EXAMPLES: &str = "\
Examples:
  dockwright build Dockerfile                            build with the current directory as context
  dockwright build --context app --tag app:dev app/Dockerfile
  dockwright build --target runtime --build-arg PY=3.12 Dockerfile
  dockwright build --budget 500MB Dockerfile             exit 1 when the image is over 500 MB
  dockwright build --format json Dockerfile > build.json

The engine is the one DOCKER_HOST names, or the default socket; builds run with no network (RUN steps
cannot fetch) and need the docker CLI with its buildx plugin. After the build, the image is saved and
read to compute layer waste and efficiency exactly as dive 0.13.1 does. Progress goes to standard
error: BuildKit's live display on a terminal, else its plain log, line by line as the build runs.";

/// Build the image on a Docker engine, then compare its real size with the estimate and report its
/// layer waste and efficiency (as dive computes them).
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct ImageBuildArgs {
    /// The Dockerfile; `-` reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The build context directory (as the last argument of `docker build`). Default: the current
    /// directory.
    #[arg(long, value_name = "DIR")]
    context: Option<PathBuf>,
    /// The stage to build (as `docker build --target`); the last stage when not given.
    #[arg(long, value_name = "STAGE")]
    target: Option<String>,
    /// The ignore file to use. Default: `<Dockerfile>.dockerignore` next to the Dockerfile if it exists
    /// (BuildKit's rule), else `.dockerignore` in the context.
    #[arg(long, value_name = "FILE")]
    ignorefile: Option<PathBuf>,
    #[command(flatten)]
    values: ArgValues,
    /// The tag to give the image.
    #[arg(long, value_name = "NAME:TAG", default_value = DEFAULT_TAG)]
    tag: String,
    /// Exit 1 when the built image is larger than this (`500MB`, `1.5 GiB`, `64MiB`, bytes).
    #[arg(long, value_name = "SIZE")]
    budget: Option<Budget>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// How to print the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Tables for people.
    Text,
    /// One JSON object (the schema is in the book's CLI chapter); progress stays on standard error.
    Json,
}

pub(crate) fn run(session: &mut Session<'_>, args: &ImageBuildArgs, console: &Console) {
    let build = BuildArgs {
        target: args.target.clone(),
        context: Some(args.context.clone().unwrap_or_else(|| PathBuf::from("."))),
        ignorefile: args.ignorefile.clone(),
    };
    let Some(Prepared { source, dockerfile }) = prepare(session, &args.file, &build, &args.values, "build") else {
        return;
    };
    let cannot = || format!("cannot build '{}'", source.name);
    let context = match build.context_dir() {
        Ok(Some(context)) => context.to_path_buf(),
        Ok(None) => PathBuf::from("."),
        Err(failure) => return session.fail(&failure),
    };
    let engine = match Engine::connect() {
        Ok(engine) => engine,
        Err(error) => return session.fail(&Failure::because(cannot(), error)),
    };
    // The engine sizes base images exactly; the rest is what `estimate` knows.
    let (estimate, ignore) =
        match estimate_in_context(&source, &dockerfile, &build, Composite::new().with(EngineOracle::new(&engine))) {
            Ok(estimated) => estimated,
            Err(failure) => return session.fail(&failure),
        };
    // The file as written, unless --build-arg values replaced ARG defaults: then the file as lowered
    // with them (what `docker build --build-arg` would see).
    let text = if args.values.build_args.is_empty() { source.text.clone() } else { crate::emit::emit(&dockerfile) };
    let tty = console.stderr_is_terminal;
    let mut request =
        BuildRequest::new(text, &context, &args.tag).progress(if tty { Progress::Tty } else { Progress::Plain });
    request.dockerignore = ignore;
    if let Some(target) = &args.target {
        request = request.target(target.as_str());
    }
    if !tty {
        session.err.line(&format!("building '{}' as {} on {}", source.name, args.tag, engine.address()));
    }
    // Off a terminal, BuildKit's plain log goes to standard error line by line as the build runs.
    let built = match engine.build_streaming(&request, &mut |line| session.err.line(line)) {
        Ok(built) => built,
        Err(error) => return session.fail(&Failure::because(cannot(), error)),
    };
    let measured = match engine.inspect(&built.image_id) {
        Ok(info) => info,
        Err(error) => {
            return session.fail(&Failure::because(format!("cannot inspect the image of '{}'", source.name), error));
        }
    };
    let waste = match engine.waste(&built.image_id) {
        Ok(waste) => waste,
        Err(error) => {
            return session
                .fail(&Failure::because(format!("cannot read the layers of the image of '{}'", source.name), error));
        }
    };
    let comparison = compare(&estimate, &measured);
    let check = args.budget.map(|budget| check_budget(budget, measured.size));
    match args.format {
        Format::Text => text_report(session, args, &built, &estimate, &comparison, &waste),
        Format::Json => {
            let mut out = json!({
                "file": source.name,
                "tag": args.tag,
                "image_id": built.image_id,
                "engine": engine.address(),
                "duration_seconds": built.duration.as_secs_f64(),
                "steps": built.steps.iter().map(|step| json!({
                    "name": step.name,
                    "cached": step.cached,
                    "duration_seconds": step.duration.map(|d| d.as_secs_f64()),
                })).collect::<Vec<_>>(),
                "size": measured.size,
                "history": measured.layers.iter().map(|layer| json!({
                    "created_by": layer.created_by,
                    "size": layer.size,
                })).collect::<Vec<_>>(),
                "aligned": comparison.aligned,
                "layers": comparison.rows.iter().map(row_json).collect::<Vec<_>>(),
                "total": row_json(&comparison.total),
                "waste": waste_json(&waste),
                "estimate": to_json(&source.name, &estimate),
            });
            if let (Some(budget), Some((fits, message))) = (args.budget, &check) {
                out["budget"] = json!({ "bytes": budget.bytes(), "fits": fits, "message": message });
            }
            session.out.line(&serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    if let Some((fits, message)) = &check {
        if args.format == Format::Text {
            session.out.styled_line(if *fits { ADDED } else { REMOVED }, message);
        }
        if !fits {
            session.exit(Exit::Findings);
        }
    }
}

/// Whether `size` fits `budget`, and a line saying so.
fn check_budget(budget: Budget, size: u64) -> (bool, String) {
    if size > budget.bytes() {
        let over = bytes_text(size - budget.bytes());
        (false, format!("measured {}: over the budget of {budget} by {over}", bytes_text(size)))
    } else {
        let spare = bytes_text(budget.bytes() - size);
        (true, format!("measured {}: within the budget of {budget} ({spare} to spare)", bytes_text(size)))
    }
}

/// One line of the comparison: an instruction, its estimate (and whether part of it is unknown), and
/// what the engine measured.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    what: String,
    estimate: Figure,
    unknown: bool,
    measured: Option<u64>,
    /// The history entry the measurement comes from, as the engine records it.
    created_by: Option<String>,
}

impl Row {
    /// Measured minus the estimate's nearest bound (0 inside the range); `None` when the estimate has
    /// unknown parts or there is no measurement.
    fn difference(&self) -> Option<i128> {
        let measured = i128::from(self.measured?);
        if self.unknown {
            return None;
        }
        let (low, high) = (i128::from(self.estimate.low), i128::from(self.estimate.high));
        Some(if measured < low {
            measured - low
        } else if measured > high {
            measured - high
        } else {
            0
        })
    }

    fn difference_text(&self) -> String {
        match self.difference() {
            None => "?".to_string(),
            Some(0) if self.estimate.low != self.estimate.high => "in range".to_string(),
            Some(0) => "0 B".to_string(),
            Some(difference) => {
                let sign = if difference < 0 { '-' } else { '+' };
                format!("{sign}{}", bytes_text(u64::try_from(difference.unsigned_abs()).unwrap_or(u64::MAX)))
            }
        }
    }
}

/// The estimate beside the measurement: one row for the root base image and one per layer of the
/// built stages, and the totals.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Comparison {
    rows: Vec<Row>,
    total: Row,
    /// Whether the image's history had an entry for every estimated layer (else per-layer
    /// measurements are left out and only the totals compare).
    aligned: bool,
}

/// Whether a history entry is one of the instructions that make a layer (BuildKit records them as
/// `RUN ...`, `COPY ...`, `ADD ...`).
fn makes_layer(created_by: &str) -> bool {
    let created_by = created_by.trim_start();
    ["RUN ", "COPY ", "ADD "].iter().any(|keyword| created_by.starts_with(keyword))
}

/// Lines up the estimate's layers with the image's history: the counted stages' layers, in order, are
/// the last history entries that make layers; everything before them is the base image.
fn compare(report: &SizeReport, info: &ImageInfo) -> Comparison {
    let counted: Vec<_> = report.stages.iter().filter(|stage| stage.counted).collect();
    let layers: Vec<_> = counted.iter().flat_map(|stage| stage.layers.iter()).collect();
    let making: Vec<usize> =
        info.layers.iter().enumerate().filter(|(_, layer)| makes_layer(&layer.created_by)).map(|(i, _)| i).collect();
    let aligned = making.len() >= layers.len();
    let matched = if aligned { &making[making.len() - layers.len()..] } else { &[][..] };
    let first = matched.first().copied().unwrap_or(info.layers.len());
    let mut rows = Vec::new();
    if let Some(root) = counted.first() {
        let (estimate, unknown) = match &root.base {
            Ok(base) => (base.clone(), false),
            Err(_) => (Figure::exact(0, ""), true),
        };
        let base: u64 = info.layers[..first].iter().map(|layer| layer.size).sum();
        rows.push(Row {
            what: format!("FROM {}", root.from),
            estimate,
            unknown,
            measured: aligned.then_some(base),
            created_by: None,
        });
    }
    for (index, layer) in layers.iter().enumerate() {
        let history = matched.get(index).map(|&i| &info.layers[i]);
        rows.push(Row {
            what: layer.instruction.clone(),
            estimate: layer.size.clone(),
            unknown: !layer.unknowns.is_empty(),
            measured: history.map(|history| history.size),
            created_by: history.map(|history| history.created_by.clone()),
        });
    }
    let total = Row {
        what: format!("image '{}'", report.target),
        estimate: report.total.clone(),
        unknown: !report.is_complete(),
        measured: Some(info.size),
        created_by: None,
    };
    Comparison { rows, total, aligned }
}

fn row_json(row: &Row) -> Json {
    let mut estimate = figure(&row.estimate);
    estimate["unknown"] = json!(row.unknown);
    json!({
        "instruction": row.what,
        "created_by": row.created_by,
        "estimate": estimate,
        "measured": row.measured,
        "difference": row.difference().map(|d| i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })),
    })
}

fn waste_json(waste: &LayerWaste) -> Json {
    json!({
        "efficiency": waste.efficiency,
        "wasted_bytes": waste.wasted_bytes,
        "size_bytes": waste.size_bytes(),
        "user_size_bytes": waste.user_size_bytes(),
        "user_wasted_ratio": waste.user_wasted_ratio(),
        "layer_bytes": waste.layer_bytes,
        "inefficiencies": waste.inefficiencies.iter().map(|i| json!({
            "path": i.path,
            "count": i.count,
            "bytes": i.bytes,
        })).collect::<Vec<_>>(),
    })
}

fn text_report(
    session: &mut Session<'_>,
    args: &ImageBuildArgs,
    built: &BuildReport,
    estimate: &SizeReport,
    comparison: &Comparison,
    waste: &LayerWaste,
) {
    let id = built.image_id.strip_prefix("sha256:").unwrap_or(&built.image_id);
    session.out.styled_line(
        HEADING,
        &format!("built {} ({}) in {:.1}s", args.tag, &id[..id.len().min(12)], built.duration.as_secs_f64()),
    );
    let cells: Vec<[String; 3]> = comparison
        .rows
        .iter()
        .chain(std::iter::once(&comparison.total))
        .map(|row| {
            let measured = row.measured.map_or_else(|| "?".to_string(), bytes_text);
            [crate::estimate::figure_text(&row.estimate, row.unknown), measured, row.difference_text()]
        })
        .collect();
    let width = |column: usize, title: &str| {
        cells.iter().map(|cell| cell[column].chars().count()).chain([title.len()]).max().unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0, "estimate"), width(1, "measured"), width(2, "difference"));
    session.out.styled_line(DIM, &format!("  {:>w0$}  {:>w1$}  {:>w2$}  layer", "estimate", "measured", "difference"));
    let rows = comparison.rows.iter().chain(std::iter::once(&comparison.total));
    for (row, cell) in rows.zip(&cells) {
        session.out.line(&format!("  {:>w0$}  {:>w1$}  {:>w2$}  {}", cell[0], cell[1], cell[2], row.what));
    }
    if !comparison.aligned {
        session.out.line(
            "the image's history has fewer layer entries than the Dockerfile has layers: only the totals are compared",
        );
    }
    let unknowns = estimate.unknowns();
    if !unknowns.is_empty() {
        session.out.line("unknown to the estimate, not counted (the estimate is a lower bound):");
        for unknown in &unknowns {
            session.out.line(&format!("  {unknown}"));
        }
    }
    session.out.line(&format!("layer waste (as dive computes it): {waste}"));
    if let Some(ratio) = waste.user_wasted_ratio() {
        session.out.line(&format!(
            "  wasted bytes are {:.2} % of the {} the layers after the first add",
            ratio * 100.0,
            bytes_text(waste.user_size_bytes())
        ));
    }
    let listed: Vec<_> = waste.inefficiencies.iter().filter(|i| i.bytes > 0).collect();
    let width = listed.iter().take(LISTED_PATHS).map(|i| bytes_text(i.bytes).len()).max().unwrap_or(0);
    for inefficiency in listed.iter().take(LISTED_PATHS) {
        session.out.line(&format!(
            "  {:>width$}  {} (in {} layers)",
            bytes_text(inefficiency.bytes),
            inefficiency.path,
            inefficiency.count
        ));
    }
    if listed.len() > LISTED_PATHS {
        session.out.line(&format!("  and {} more paths (--format json lists them all)", listed.len() - LISTED_PATHS));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Layer;
    use crate::estimate::{CatalogOracle, estimate};
    use pretty_assertions::assert_eq;

    fn history(entries: &[(&str, u64)]) -> ImageInfo {
        ImageInfo {
            size: entries.iter().map(|(_, size)| size).sum(),
            layers: entries.iter().map(|(by, size)| Layer { size: *size, created_by: (*by).to_string() }).collect(),
            ..ImageInfo::default()
        }
    }

    fn report(dockerfile: &str, catalog: &str) -> SizeReport {
        let lowered = crate::import::lower(&crate::import::parse(dockerfile));
        estimate(&lowered.dockerfile, &CatalogOracle::from_tsv(catalog))
    }

    #[test]
    fn the_last_layer_entries_are_the_dockerfiles_layers() {
        let report =
            report("FROM base:1\nENV A=1\nRUN mkdir /data\nCOPY a.txt /a.txt\n", "image\tbytes\nbase:1\t1000\n");
        // The base image's own history has a RUN too: it is part of the base.
        let info = history(&[
            ("/bin/sh -c #(nop) ADD file:abc in /", 900),
            ("RUN /bin/sh -c apt-get update # buildkit", 100),
            ("ENV A=1", 0),
            ("RUN /bin/sh -c mkdir /data # buildkit", 40),
            ("COPY a.txt /a.txt # buildkit", 7),
        ]);
        let comparison = compare(&report, &info);
        assert!(comparison.aligned);
        let rows: Vec<(&str, Option<u64>, Option<i128>)> =
            comparison.rows.iter().map(|row| (row.what.as_str(), row.measured, row.difference())).collect();
        assert_eq!(
            rows,
            [
                ("FROM base:1", Some(1000), Some(0)),
                ("RUN mkdir /data", Some(40), Some(0)),
                ("COPY a.txt /a.txt", Some(7), None),
            ]
        );
        assert_eq!(comparison.rows[1].created_by.as_deref(), Some("RUN /bin/sh -c mkdir /data # buildkit"));
        assert_eq!(comparison.rows[1].difference_text(), "in range");
        assert_eq!(comparison.rows[2].difference_text(), "?");
        assert_eq!((comparison.total.measured, comparison.total.unknown), (Some(1047), true));
        assert_eq!(comparison.total.what, "image 'stage-0'");
    }

    #[test]
    fn a_short_history_compares_the_totals_only() {
        let report = report("FROM base:1\nRUN mkdir /a\nRUN mkdir /b\n", "image\tbytes\nbase:1\t1000\n");
        let comparison = compare(&report, &history(&[("", 900), ("RUN /bin/sh -c mkdir /a # buildkit", 0)]));
        assert!(!comparison.aligned);
        assert!(comparison.rows.iter().all(|row| row.measured.is_none()));
        assert_eq!(comparison.total.measured, Some(900));
    }

    #[test]
    fn differences_are_signed_and_from_the_nearest_bound() {
        let row = |low, high, measured| Row {
            what: String::new(),
            estimate: Figure::range(low, high, ""),
            unknown: false,
            measured: Some(measured),
            created_by: None,
        };
        assert_eq!(row(100, 100, 100).difference_text(), "0 B");
        assert_eq!(row(100, 100, 1_600).difference_text(), "+1.5 kB");
        assert_eq!(row(2_000_000, 3_000_000, 500_000).difference_text(), "-1.5 MB");
        assert_eq!(row(2_000_000, 3_000_000, 2_500_000).difference_text(), "in range");
        assert_eq!(
            check_budget(Budget::mb(1), 1_500_000),
            (false, "measured 1.5 MB: over the budget of 1.0 MB by 500.0 kB".into())
        );
        assert_eq!(
            check_budget(Budget::mb(2), 1_500_000),
            (true, "measured 1.5 MB: within the budget of 2.0 MB (500.0 kB to spare)".into())
        );
    }
}
