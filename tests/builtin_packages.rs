//! The built-in Debian bookworm package table (`src/estimate/debian-bookworm-amd64.tsv`, written by
//! `scripts/package-table`): it parses fully, covers what the examples and recipes install with apt,
//! agrees with the `Packages` sample, and makes apt installs on a bookworm-slim base estimable with no
//! index passed in. A real index still wins when the caller passes one.

#[path = "support/seeds.rs"]
mod seeds;

use dockwright::estimate::{
    estimate, BuiltinPackages, CatalogOracle, Composite, DebianIndex, PackageTableError, SizeOracle,
};
use dockwright::model::{Command, Dockerfile, Instruction};
use dockwright::recipe::{GoBinary, PythonApp};
use dockwright::{Base, Image, PackageManager, Stage};

const TABLE: &str = "src/estimate/debian-bookworm-amd64.tsv";

fn read(path: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{} is missing: {err}", path.display()))
}

fn sample() -> DebianIndex {
    DebianIndex::parse(&read("tests/data/debian-bookworm-Packages-sample"))
}

fn catalog() -> CatalogOracle {
    CatalogOracle::from_tsv(&read("../shared/data/sizes/base-images.tsv"))
}

/// `(Package, Version, Installed-Size)` of every stanza of a `Packages` text.
fn stanzas(text: &str) -> Vec<(String, String, u64)> {
    text.split("\n\n")
        .filter_map(|stanza| {
            let field =
                |name: &str| stanza.lines().find_map(|line| line.strip_prefix(name).map(|v| v.trim().to_string()));
            Some((field("Package:")?, field("Version:")?, field("Installed-Size:")?.parse().ok()?))
        })
        .collect()
}

/// The packages every `apt-get install` of a model names (flags and `name=version` pins dropped).
fn apt_installs(dockerfile: &Dockerfile) -> Vec<String> {
    let mut names = Vec::new();
    for instruction in dockerfile.stages.iter().flat_map(|stage| &stage.instructions) {
        let Instruction::Run(run) = instruction else { continue };
        let text = match &run.command {
            Command::Shell(script) => script.shell_text(),
            Command::Exec(argv) => argv.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(" "),
            other => panic!("a RUN command form this test does not read: {other:?}"),
        };
        let text = text.replace("\\\n", " ");
        for step in text.split(['&', ';', '|', '\n']) {
            let words: Vec<&str> = step.split_whitespace().collect();
            let Some(at) = words.iter().position(|w| *w == "apt-get" || *w == "apt") else { continue };
            let operands: Vec<&str> = words[at + 1..].iter().copied().filter(|w| !w.starts_with('-')).collect();
            if operands.first() == Some(&"install") {
                names.extend(operands[1..].iter().map(|name| name.split('=').next().unwrap_or(name).to_string()));
            }
        }
    }
    names
}

#[test]
fn the_table_parses_fully_with_one_well_formed_row_per_package() {
    let text = read(TABLE);
    // `parse` rejects a malformed row or a repeated name, naming the line.
    let table = BuiltinPackages::parse(&text).unwrap_or_else(|err| panic!("{TABLE}: {err}"));
    let rows: Vec<&str> = text.lines().filter(|line| !line.starts_with('#')).skip(1).collect();
    assert_eq!(table.len(), rows.len(), "every row is a package");
    assert!(table.len() >= 100, "{} packages", table.len());
    // The script writes rows sorted by name: the table is reproducible line for line.
    let names: Vec<&str> = rows.iter().map(|row| row.split('\t').next().unwrap()).collect();
    assert!(names.windows(2).all(|pair| pair[0] < pair[1]), "rows are sorted and unique");
    assert_eq!(table, BuiltinPackages::debian_bookworm(), "the crate embeds this file");
    // Provenance: the mirror's index, its checksum and the release's date are in the header.
    let header: Vec<&str> = text.lines().take_while(|line| line.starts_with('#')).collect();
    let has = |prefix: &str| header.iter().any(|line| line.starts_with(prefix));
    assert!(has("# index: http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages.xz"), "{header:#?}");
    assert!(has("# index sha256: ") && has("# release: Debian 12.") && has("# regenerate: scripts/package-table"));
    assert!(table.label().starts_with("Debian 12.") && table.label().contains("bookworm amd64 main (20"));
    // The base (debian:bookworm-slim) holds tzdata and zlib1g; a rule-abiding row never counts them.
    assert!(table.get("tzdata").unwrap().in_base && !table.get("curl").unwrap().in_base);
    for row in table.iter().filter(|row| !row.in_base) {
        assert!(row.installed_kib <= row.depends_kib && row.depends_kib <= row.recommends_kib, "{row:?}");
    }
}

#[test]
fn malformed_tables_are_rejected_naming_the_line() {
    let head = "# label: test\npackage\tversion\tin_base\tinstalled_kib\tdepends_kib\trecommends_kib\tunresolved\n";
    let error = |rows: &str| -> PackageTableError { BuiltinPackages::parse(&format!("{head}{rows}")).unwrap_err() };
    assert_eq!(
        error("jq\t1.6\tno\t111\t1143\n").to_string(),
        "package table, line 3: expected 7 tab-separated cells, found 5: \"jq\\t1.6\\tno\\t111\\t1143\""
    );
    assert_eq!(
        error("jq\t1.6\tno\t111\t1.1 MB\t1143\t-\n").to_string(),
        "package table, line 3: package jq: depends_kib \"1.1 MB\" is not a whole number of KiB"
    );
    assert_eq!(
        error("jq\t1.6\tmaybe\t111\t1143\t1143\t-\n").to_string(),
        "package table, line 3: package jq: in_base \"maybe\" is neither yes nor no"
    );
    assert_eq!(
        error("tzdata\t2026b\tyes\t2573\t2573\t2573\t-\n").to_string(),
        "package table, line 3: package tzdata: in the base, yet its closures are not 0"
    );
    assert_eq!(
        error("jq\t1.6\tno\t1143\t111\t1143\t-\n").to_string(),
        "package table, line 3: package jq: depends_kib 111 is less than installed_kib 1143"
    );
    assert_eq!(error("jq\t1.6\tno\t111\t1143\t1143\t\n").line(), 3);
    let twice = error("jq\t1.6\tno\t111\t1143\t1143\t-\ncurl\t7\tno\t1\t1\t1\t-\njq\t1.6\tno\t111\t1143\t1143\t-\n");
    assert_eq!(twice.to_string(), "package table, line 5: package jq is listed twice (first on line 3)");
    let no_header = BuiltinPackages::parse("# label: test\n").unwrap_err();
    assert_eq!(no_header.line(), 1);
    assert!(no_header.to_string().contains("no header"), "{no_header}");
}

#[test]
fn every_package_the_examples_and_recipes_install_with_apt_is_in_the_table() {
    let mut models: Vec<(String, Dockerfile)> = seeds::images()
        .into_iter()
        .map(|(example, service, image)| (format!("{example}/{service}"), image.to_model().unwrap()))
        .collect();
    // The recipes' apt installs on Debian bases (the examples install with apk only today).
    let mut python = Image::new();
    PythonApp::new(Base::python("3.12").slim())
        .build_packages(["gcc", "g++"])
        .runtime_packages(["libpq5", "curl"])
        .copy(["app.py"], "./")
        .add_to(&mut python);
    let mut go = Image::new();
    GoBinary::new(Base::golang("1.22")).binary("server").cgo(true).add_to(&mut go);
    let mut debian = Image::new();
    debian.stage(Stage::new("app", Base::debian("bookworm-slim")).install(["curl", "ca-certificates", "git"]));
    for (name, image) in [("recipe PythonApp", python), ("recipe GoBinary cgo", go), ("Stage::install", debian)] {
        models.push((name.to_string(), image.to_model().unwrap()));
    }
    let table = BuiltinPackages::debian_bookworm();
    let mut checked = Vec::new();
    for (name, model) in &models {
        for package in apt_installs(model) {
            assert!(
                table.get(&package).is_some(),
                "{name} installs {package} with apt; add it to scripts/package-table"
            );
            checked.push(package);
        }
    }
    checked.sort();
    checked.dedup();
    assert_eq!(checked, ["ca-certificates", "curl", "g++", "gcc", "git", "libc6-dev", "libpq5"]);
}

#[test]
fn own_sizes_agree_with_the_packages_sample() {
    // The sample is another snapshot of bookworm (ca-certificates and openssl are newer there):
    // equal versions must have equal sizes, other versions may differ by a few percent.
    let table = BuiltinPackages::debian_bookworm();
    let mut same_version = 0;
    for (name, version, kib) in stanzas(&read("tests/data/debian-bookworm-Packages-sample")) {
        let Some(row) = table.get(&name) else { continue };
        if row.version == version {
            assert_eq!(row.installed_kib, kib, "{name} {version}");
            same_version += 1;
        } else {
            let drift = row.installed_kib.abs_diff(kib) as f64 / kib as f64;
            assert!(
                drift <= 0.05,
                "{name}: {} KiB in the table ({}), {kib} KiB in the sample ({version})",
                row.installed_kib,
                row.version
            );
        }
    }
    assert!(same_version >= 2, "curl and libcurl4 have the same version in both");
    // Closures compose: curl's Depends in the sample are libc6 and zlib1g (in the base) and libcurl4.
    let (curl, libcurl4) = (table.get("curl").unwrap(), table.get("libcurl4").unwrap());
    assert!(table.get("zlib1g").unwrap().in_base);
    assert_eq!(curl.depends_kib, curl.installed_kib + libcurl4.depends_kib);
    // The sample's index and the table give curl the same own size.
    assert_eq!(sample().package(PackageManager::Apt, "curl").unwrap().low, curl.installed_kib * 1024);
}

#[test]
fn apt_install_curl_on_bookworm_slim_is_complete_with_the_builtin_table() {
    let mut image = Image::new();
    image.stage(Stage::new("app", Base::debian("bookworm-slim")).install(["curl"]));
    let model = image.to_model().unwrap();

    // Without it, the package is an unknown.
    let before = estimate(&model, &catalog());
    assert_eq!(
        before.unknowns(),
        ["stage 'app', RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl && rm -rf /var/lib…: apt package curl: installed size unknown"]
    );

    // The table alone answers the package (the base image is the only unknown left).
    let alone = estimate(&model, &BuiltinPackages::debian_bookworm());
    assert_eq!(alone.unknowns(), ["stage 'app', FROM debian:bookworm-slim: base image size unknown"]);
    let layer = &alone.stages[0].layers[0];
    assert_eq!((layer.size.low, layer.size.high), (11_695 * 1024, 15_380 * 1024));
    assert!(layer.size.source.starts_with("built-in table: Debian 12.15 bookworm amd64 main (2026-07-11): curl "));

    // With the base catalogue, the estimate is complete.
    let base = catalog().base_image("debian:bookworm-slim").unwrap();
    let report = estimate(&model, &Composite::new().with(catalog()).with(BuiltinPackages::debian_bookworm()));
    assert!(report.is_complete(), "{report}");
    assert_eq!((report.total.low, report.total.high), (base.low + 11_695 * 1024, base.high + 15_380 * 1024));
}

#[test]
fn a_real_index_passed_first_wins_over_the_builtin_table() {
    let oracle = Composite::new().with(sample()).with(BuiltinPackages::debian_bookworm());
    let curl = oracle.package(PackageManager::Apt, "curl").unwrap();
    assert!(curl.source.starts_with("Debian Packages: curl"), "{}", curl.source);
    // What the index does not have comes from the table.
    let git = oracle.package(PackageManager::Apt, "git").unwrap();
    assert_eq!((git.low, git.high), (106_202 * 1024, 120_881 * 1024));
    assert!(git.source.starts_with("built-in table: "), "{}", git.source);
    // Unknown to both: still unknown, never a guess.
    assert!(oracle.package(PackageManager::Apt, "nosuchpkg").is_none());
}

#[test]
fn only_apt_is_answered() {
    let table = BuiltinPackages::debian_bookworm();
    for manager in [PackageManager::Apk, PackageManager::Dnf, PackageManager::Microdnf] {
        assert!(table.package(manager, "curl").is_none(), "{manager:?}");
    }
    let mut image = Image::new();
    image.stage(Stage::new("app", Base::alpine("3.19")).install(["curl"]));
    let report = estimate(&image.to_model().unwrap(), &table);
    assert!(
        report
            .unknowns()
            .contains(&"stage 'app', RUN apk add --no-cache curl: apk package curl: installed size unknown".into()),
        "{:?}",
        report.unknowns()
    );
}

#[test]
fn unresolved_groups_are_named_in_the_source() {
    let table = BuiltinPackages::debian_bookworm();
    let npm = table.get("npm").unwrap();
    assert_eq!(npm.unresolved, ["recommends x-terminal-emulator"]);
    let figure = table.package(PackageManager::Apt, "npm").unwrap();
    assert!(figure.source.ends_with(", skipped: recommends x-terminal-emulator"), "{}", figure.source);
}
