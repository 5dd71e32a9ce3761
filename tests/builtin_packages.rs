//! The built-in Debian bookworm package table (`src/estimate/debian-bookworm-amd64.tsv`, written by
//! `scripts/package-table`): it parses fully, covers what the examples and recipes install with apt,
//! agrees with the `Packages` sample, and makes apt installs on a bookworm-slim base estimable with no
//! index passed in, one install of several packages counting their shared dependencies once. A real
//! index still wins when the caller passes one.

#[path = "support/seeds.rs"]
mod seeds;

use std::collections::{BTreeMap, BTreeSet};

use dockwright::estimate::{
    BuiltinPackages, CatalogOracle, Composite, DebianIndex, PackageTableError, SizeOracle, estimate,
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

/// The rows of the table file (between the column header and the closure members header).
fn rows(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .skip(1)
        .take_while(|line| !line.starts_with("member\t"))
        .collect()
}

/// The closure members section of the table file, read here without the crate: name -> (own KiB,
/// the packages its Depends pull in, the packages its Recommends add).
fn members(text: &str) -> BTreeMap<String, (u64, Vec<String>, Vec<String>)> {
    let list = |cell: &str| if cell == "-" { Vec::new() } else { cell.split(' ').map(str::to_string).collect() };
    text.lines()
        .skip_while(|line| !line.starts_with("member\t"))
        .skip(1)
        .filter(|line| !line.starts_with('#'))
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            (cells[0].to_string(), (cells[1].parse().unwrap_or(0), list(cells[2]), list(cells[3])))
        })
        .collect()
}

/// The packages `roots` install from the members (Recommends followed when `recommends`), each once.
fn closure(
    members: &BTreeMap<String, (u64, Vec<String>, Vec<String>)>,
    roots: &[&str],
    recommends: bool,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.iter().map(|r| r.to_string()).collect();
    while let Some(name) = todo.pop() {
        let Some((_, depends, recommended)) = members.get(&name) else { continue };
        if seen.insert(name) {
            todo.extend(depends.iter().cloned());
            if recommends {
                todo.extend(recommended.iter().cloned());
            }
        }
    }
    seen
}

fn kib(members: &BTreeMap<String, (u64, Vec<String>, Vec<String>)>, packages: &BTreeSet<String>) -> u64 {
    packages.iter().map(|p| members[p].0).sum()
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
    let rows = rows(&text);
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
    // The closure members: every package of the rows' closures once, sorted, none from the base,
    // pulling in members only.
    let members = members(&text);
    let lines = text.lines().skip_while(|line| !line.starts_with("member\t")).skip(1).count();
    assert_eq!(members.len(), lines, "one line per member");
    assert!(members.keys().all(|name| table.get(name).is_none_or(|row| !row.in_base)));
    for (name, (_, depends, recommends)) in &members {
        for pulled in depends.iter().chain(recommends) {
            assert!(members.contains_key(pulled), "{name} pulls in {pulled}, not a member");
        }
    }
    let reached: BTreeSet<String> =
        table.iter().filter(|row| !row.in_base).flat_map(|row| closure(&members, &[row.name.as_str()], true)).collect();
    assert_eq!(reached, members.keys().cloned().collect::<BTreeSet<_>>(), "the members are the closures, no more");
}

#[test]
fn a_one_package_set_is_the_row() {
    let table = BuiltinPackages::debian_bookworm();
    for row in table.iter() {
        let name = row.name.as_str();
        let alone = table.package(PackageManager::Apt, name).unwrap();
        let without = table.packages(PackageManager::Apt, &[name], false).unwrap();
        let with = table.packages(PackageManager::Apt, &[name], true).unwrap();
        assert_eq!((without.low, without.high), (row.depends_kib * 1024, row.depends_kib * 1024), "{name}");
        assert_eq!((with.low, with.high), (row.depends_kib * 1024, row.recommends_kib * 1024), "{name}");
        assert_eq!((with.low, with.high), (alone.low, alone.high), "{name}");
        if !row.unresolved.is_empty() {
            assert!(with.source.ends_with(&format!(", skipped: {}", row.unresolved.join(", "))), "{}", with.source);
        }
    }
}

#[test]
fn gcc_and_gxx_in_one_install_count_their_shared_dependencies_once() {
    let table = BuiltinPackages::debian_bookworm();
    let members = members(&read(TABLE));
    let (gcc, gxx) = (table.get("gcc").unwrap(), table.get("g++").unwrap());
    for recommends in [false, true] {
        let single =
            |row: &dockwright::estimate::PackageSizes| if recommends { row.recommends_kib } else { row.depends_kib };
        let union = table.packages(PackageManager::Apt, &["gcc", "g++"], recommends).unwrap();
        let high = union.high / 1024;
        assert!(high <= single(gcc) + single(gxx) && high >= single(gcc).max(single(gxx)), "{union:?}");
        // What the members section gives, computed here from the file.
        assert_eq!(high, kib(&members, &closure(&members, &["gcc", "g++"], recommends)), "recommends {recommends}");
        assert_eq!(union.low / 1024, kib(&members, &closure(&members, &["gcc", "g++"], false)));
    }
    // g++ needs all that gcc needs: together they install what g++ alone does (267.0 MB, where the
    // sum of the two rows is 447.2 MB; the measured layer is 247.5 MB).
    let both = table.packages(PackageManager::Apt, &["gcc", "g++"], false).unwrap();
    assert_eq!((both.low, both.high), (gxx.depends_kib * 1024, gxx.depends_kib * 1024));
    assert_eq!(both.low, 267_009_024);
    assert!(both.source.contains("gcc 4:12.2.0-3 + g++ 4:12.2.0-3: 44 packages, 260751 KiB with their Depends"));
    // With Recommends, the union is more than either alone (gcc's and g++'s recommends differ).
    let recommended = table.packages(PackageManager::Apt, &["gcc", "g++"], true).unwrap();
    assert_eq!(recommended.high, kib(&members, &closure(&members, &["gcc", "g++"], true)) * 1024);
}

#[test]
fn curl_with_ca_certificates_or_libpq5_overlap_too() {
    let table = BuiltinPackages::debian_bookworm();
    let members = members(&read(TABLE));
    // Measured --no-install-recommends layers on dockwright/debian:bookworm-slim: 14.42 MB and 12.40 MB.
    for (other, union_kib) in [("ca-certificates", 14_392), ("libpq5", 12_561)] {
        let union = table.packages(PackageManager::Apt, &["curl", other], false).unwrap();
        assert_eq!((union.low, union.high), (union_kib * 1024, union_kib * 1024), "curl {other}");
        assert_eq!(union_kib, kib(&members, &closure(&members, &["curl", other], false)));
        let sum = table.get("curl").unwrap().depends_kib + table.get(other).unwrap().depends_kib;
        assert!(union_kib < sum, "curl {other}: {union_kib} KiB, {sum} KiB apart");
    }
}

#[test]
fn an_apt_install_of_gcc_and_gxx_on_bookworm_slim_reports_the_union() {
    let mut image = Image::new();
    image.stage(
        Stage::new("app", Base::debian("bookworm-slim"))
            .run("apt-get update && apt-get install -y --no-install-recommends gcc g++"),
    );
    let table = BuiltinPackages::debian_bookworm();
    let report = estimate(&image.to_model().unwrap(), &Composite::new().with(catalog()).with(table.clone()));
    assert!(report.is_complete(), "{report}");
    let layer = &report.stages[0].layers[0];
    let union = table.packages(PackageManager::Apt, &["gcc", "g++"], false).unwrap();
    assert_eq!(layer.parts.iter().filter(|part| part.source.starts_with("built-in table: ")).count(), 1);
    assert!(layer.parts.contains(&union), "{:?}", layer.parts);
    // The apt lists (no cleanup in this RUN) and the packages, each dependency once.
    let lists = layer.parts.iter().find(|part| part.source.starts_with("rule: apt lists")).unwrap();
    assert_eq!((layer.size.low, layer.size.high), (lists.low + 267_009_024, lists.high + 267_009_024));
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
fn malformed_closure_members_are_rejected_naming_the_line() {
    let head = "# label: test\npackage\tversion\tin_base\tinstalled_kib\tdepends_kib\trecommends_kib\tunresolved\n\
                jq\t1.6\tno\t111\t1143\t1143\t-\ntzdata\t2026b\tyes\t2573\t0\t0\t-\n\
                member\tinstalled_kib\tdepends\trecommends\tunresolved\n";
    let parse = |members: &str| BuiltinPackages::parse(&format!("{head}{members}"));
    let table = parse("jq\t111\tlibjq1\t-\t-\nlibjq1\t1032\t-\t-\t-\n").unwrap();
    assert_eq!(table.packages(PackageManager::Apt, &["jq", "tzdata"], true).unwrap().high, 1143 * 1024);
    let error = |members: &str| parse(members).unwrap_err().to_string();
    assert_eq!(
        error("jq\t111\tlibjq1\t-\n"),
        "package table, line 6: expected 5 tab-separated cells in a member line, found 4: \"jq\\t111\\tlibjq1\\t-\""
    );
    assert_eq!(
        error("jq\t111\tlibjq1\t-\t-\n"),
        "package table, line 6: member jq: pulls in libjq1, which is not a closure member"
    );
    assert_eq!(
        error("jq\t111\tlibjq1\t-\t-\nlibjq1\t1 MB\t-\t-\t-\n"),
        "package table, line 7: member libjq1: installed_kib \"1 MB\" is neither a whole number of KiB nor -"
    );
    assert_eq!(
        error("jq\t111\tlibjq1\t-\t-\nlibjq1\t1032\t-\t-\t-\njq\t111\t-\t-\t-\n"),
        "package table, line 8: member jq is listed twice (first on line 6)"
    );
    assert_eq!(
        error("jq\t111\tlibjq1\t-\t-\nlibjq1\t1032\t-\toniguruma\t-\noniguruma\t500\t-\t-\t-\n"),
        "package table, line 3: package jq: recommends_kib 1143 is not 1643, the size of its Recommends closure in \
         the closure members section"
    );
    assert_eq!(
        error("jq\t111\tlibjq1\t-\t-\nlibjq1\t1032\t-\t-\trecommends x-terminal-emulator\n"),
        "package table, line 3: package jq: unresolved [] is not [\"recommends x-terminal-emulator\"], what its \
         closures in the closure members section skip"
    );
    assert_eq!(
        error("jq\t111\tlibjq1\t-\t-\nlibjq1\t1032\t-\t-\t-\ntzdata\t2573\t-\t-\t-\n"),
        "package table, line 4: package tzdata: in the base, yet a closure member (line 8)"
    );
    assert_eq!(
        error("libjq1\t1032\t-\t-\t-\n"),
        "package table, line 3: package jq: not in the closure members section"
    );
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
        texts(&before),
        [
            "stage 'app', RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl && rm -rf /var/lib…: apt package curl: installed size unknown"
        ]
    );

    // The table alone answers the package (the base image is the only unknown left).
    // `install` gives --no-install-recommends: the Depends closure (measured layer: 12.03 MB).
    let alone = estimate(&model, &BuiltinPackages::debian_bookworm());
    assert_eq!(texts(&alone), ["stage 'app', FROM debian:bookworm-slim: base image size unknown"]);
    let layer = &alone.stages[0].layers[0];
    assert_eq!((layer.size.low, layer.size.high), (11_695 * 1024, 11_695 * 1024));
    assert!(layer.size.source.starts_with("built-in table: Debian 12.15 bookworm amd64 main (2026-07-11): curl "));

    // With the base catalogue, the estimate is complete.
    let base = catalog().base_image("debian:bookworm-slim").unwrap();
    let report = estimate(&model, &Composite::new().with(catalog()).with(BuiltinPackages::debian_bookworm()));
    assert!(report.is_complete(), "{report}");
    assert_eq!((report.total.low, report.total.high), (base.low + 11_695 * 1024, base.high + 11_695 * 1024));

    // A plain `apt-get install` installs Recommends too: up to the Recommends closure.
    let mut plain = Image::new();
    plain.stage(Stage::new("app", Base::debian("bookworm-slim")).run("apt-get install -y curl"));
    let layer = estimate(&plain.to_model().unwrap(), &BuiltinPackages::debian_bookworm()).stages[0].layers[0].clone();
    assert_eq!((layer.size.low, layer.size.high), (11_695 * 1024, 15_380 * 1024));
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
    // A set the index does not hold whole (it has no gcc) is answered whole by the table.
    let set = oracle.packages(PackageManager::Apt, &["curl", "gcc"], false).unwrap();
    assert_eq!(set, BuiltinPackages::debian_bookworm().packages(PackageManager::Apt, &["curl", "gcc"], false).unwrap());
    assert!(oracle.packages(PackageManager::Apt, &["curl", "nosuchpkg"], false).is_none());
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
    let unknowns = texts(&report);
    assert!(
        unknowns
            .iter()
            .any(|u| u == "stage 'app', RUN apk add --no-cache curl: apk package curl: installed size unknown"),
        "{unknowns:?}"
    );
}

/// The report's unknowns as the report lists them.
fn texts(report: &dockwright::estimate::SizeReport) -> Vec<String> {
    report.unknowns().iter().map(ToString::to_string).collect()
}

#[test]
fn unresolved_groups_are_named_in_the_source() {
    let table = BuiltinPackages::debian_bookworm();
    let npm = table.get("npm").unwrap();
    assert_eq!(npm.unresolved, ["recommends x-terminal-emulator"]);
    let figure = table.package(PackageManager::Apt, "npm").unwrap();
    assert!(figure.source.ends_with(", skipped: recommends x-terminal-emulator"), "{}", figure.source);
}
