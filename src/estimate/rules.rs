//! The rules for `RUN`: which commands the estimator recognises and what each adds or deletes.
//!
//! Recognised: the crate's own install scripts (`apt-get update/install` + list cleanup, `apk add`,
//! `dnf`/`microdnf install` + `clean all`), `python -m venv`, `pip install --no-index --find-links`
//! from vendored wheels, `go build -o`, `rm`, and metadata-only commands (user creation, `mkdir`,
//! `chown`, ...). Anything else is an unknown naming the command.
//!
//! One install command is one [`SizeOracle::packages`] question with all its package names (shared
//! dependencies count once) and whether it installs recommended (weak) dependencies: apt does unless
//! `--no-install-recommends` or `-o APT::Install-Recommends=false` is given; dnf, yum and microdnf
//! do unless `--setopt=install_weak_deps=False` (or `0`) is; apk has none. The last setting on the
//! command line wins; configuration files the `RUN` does not show are not read. The commands, and
//! what each package-manager command installs with which settings, are analysis's facts
//! ([`RunFacts`](crate::analysis::RunFacts)): the rules only size them.

use super::{Figure, LayerReport, Missing, SizeOracle, StageState, Written, resolve};
use crate::analysis::{Install, Manager, PackageAction, is_python};
use crate::base::PackageManager;
use crate::import::shell::{Opaque, Script, ShellCommand};

const KB: u64 = 1000;
const MB: u64 = 1000 * 1000;

/// `apt-get update` without list cleanup in the same RUN.
fn apt_lists() -> Figure {
    Figure::range(
        15 * MB,
        45 * MB,
        "rule: apt lists from `apt-get update` (Debian bookworm main+updates+security: 26.8 MB lz4-compressed on \
         the dockwright host, up to ~45 MB uncompressed)",
    )
}

/// `apk add` / `apk update` without `--no-cache`.
fn apk_index() -> Figure {
    Figure::range(
        KB * 1000,
        3 * MB,
        "rule: APKINDEX.tar.gz for main+community (~1-3 MB) kept in /var/cache/apk without --no-cache",
    )
}

/// `python -m venv DIR` (pip bundled) on an image whose tag names the Python version.
fn venv(image: &str) -> Figure {
    let minor = python_minor(image);
    match minor {
        Some(minor) if minor <= 11 => Figure::range(
            21 * MB,
            24 * MB,
            format!(
                "rule: python 3.{minor} venv bundles pip + setuptools: 22.4 MB measured (pip 23.0.1 + setuptools \
                 66.1.1, Debian bookworm python 3.11)"
            ),
        ),
        Some(minor) => Figure::range(
            13 * MB,
            18 * MB,
            format!(
                "rule: python 3.{minor} venv bundles pip only (3.12 dropped setuptools): pip 23.0.1 alone measured \
                 13.8 MB, newer pips are larger"
            ),
        ),
        None => Figure::range(
            13 * MB,
            24 * MB,
            "rule: python venv with bundled pip: 13.8 MB (pip only, 3.12+) to 22.4 MB (pip + setuptools, 3.11) \
             measured; the image's tag does not name the Python version",
        ),
    }
}

/// `3.11` in `python:3.11-slim` or `dockwright/python:3.11-slim` gives `Some(11)`.
fn python_minor(image: &str) -> Option<u32> {
    let (repository, tag) = image.rsplit_once(':')?;
    if !repository.rsplit('/').next()?.contains("python") {
        return None;
    }
    let rest = tag.strip_prefix("3.")?;
    let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// `go build -o OUT` when the oracle does not know the binary.
fn go_binary() -> Figure {
    Figure::range(
        1200 * KB,
        25 * MB,
        "rule: stripped static Go binary (-trimpath -ldflags=\"-w -s\"): ~1.2 MB for hello world up to ~25 MB \
         for large services",
    )
}

/// Commands that write only a few small files (or none).
fn small() -> Figure {
    Figure::range(0, 64 * 1024, "rule: metadata-only commands (useradd, mkdir, chown, ...) write at most 64 KiB")
}

const SMALL_COMMANDS: &[&str] = &[
    "groupadd", "useradd", "adduser", "addgroup", "usermod", "groupmod", "mkdir", "chown", "chmod", "ln", "echo",
    "true", "set", "cd", "export", "touch", "test", "[", ":", "printf", "umask", "id", "whoami", "ls", "cat",
];

/// Applies one RUN's commands (as analysis read them: its script and installs, [`RunFacts`](crate::analysis::RunFacts)) to `state`
/// and `layer`.
pub(super) fn run(
    oracle: &dyn SizeOracle,
    state: &mut StageState,
    (script, installs): (&Script, &[Install]),
    layer: &mut LayerReport,
) {
    let mut run = RunState { oracle, state, layer, pending: Vec::new(), dnf_cache: false, small: false };
    for (index, command) in script.commands().iter().enumerate() {
        let install = installs.iter().find(|install| install.command == index);
        run.command(command, install);
    }
    if run.dnf_cache {
        run.layer.unknowns.push(Missing::DnfCache);
    }
    if run.small {
        run.layer.parts.push(small());
    }
    for written in std::mem::take(&mut run.pending) {
        run.layer.parts.push(written.size.clone());
        run.state.written.add(written);
    }
}

struct RunState<'a, 'b> {
    oracle: &'a dyn SizeOracle,
    state: &'b mut StageState,
    layer: &'b mut LayerReport,
    pending: Vec<Written>,
    dnf_cache: bool,
    small: bool,
}

/// A command's text for a report: line continuations joined.
fn shown(command: &ShellCommand) -> String {
    if command.text.contains("\\\n") {
        command.text.replace("\\\n", " ").trim().to_string()
    } else {
        command.text.trim().to_string()
    }
}

impl RunState<'_, '_> {
    fn write(&mut self, path: &str, size: Figure) {
        self.pending.push(Written { path: resolve(&self.state.workdir, path), size });
    }

    fn unknown(&mut self, what: Missing) {
        self.layer.unknowns.push(what);
    }

    fn unrecognised(&mut self, command: &ShellCommand) {
        self.unknown(Missing::Command { command: shown(command) });
    }

    /// Deletes `path` (a trailing `/*` deletes the contents): files of this RUN vanish, files of
    /// earlier layers are hidden but still stored (waste).
    fn delete(&mut self, path: &str) {
        let dir = path.trim_end_matches('*').trim_end_matches('/');
        let dir = resolve(&self.state.workdir, if dir.is_empty() { "/" } else { dir });
        self.pending.retain(|w| !super::within(&w.path, &dir));
        for (path, mut waste) in self.state.written.remove_under(&dir) {
            waste.source = [&path, " deleted here, still stored in an earlier layer: ", &waste.source].concat();
            self.layer.waste.plus(&waste);
        }
    }

    fn command(&mut self, command: &ShellCommand, install: Option<&Install>) {
        // Subshells, groups and compound commands are not one program with arguments.
        if command.opaque.iter().any(|o| *o != Opaque::Expansion) {
            return self.unrecognised(command);
        }
        if let Some(install) = install {
            return self.install(install, command);
        }
        let Some((program, rest)) = command.invoked().split_first() else { return };
        let program = program.text.as_str();
        let name = program.rsplit('/').next().unwrap_or(program);
        if name == "rm" {
            for path in rest.iter().map(|w| w.text.as_str()).filter(|a| !a.starts_with('-')) {
                self.delete(path);
            }
            return;
        }
        if SMALL_COMMANDS.contains(&name) && !matches!(name, "chown" | "chmod") {
            self.small = true;
            return;
        }
        let args: Vec<&str> = rest.iter().map(|w| w.text.as_str()).collect();
        let args = args.as_slice();
        match name {
            _ if is_python(name) => self.python(args, command),
            "go" if args.first() == Some(&"build") => self.go_build(&args[1..]),
            "chown" | "chmod" if args.iter().any(|a| *a == "-R" || *a == "--recursive") => {
                self.small = true;
                for path in args.iter().skip(1).filter(|a| !a.starts_with('-')) {
                    let resolved = resolve(&self.state.workdir, path);
                    let earlier: Vec<Figure> = self.state.written.under(&resolved).map(|(_, size)| size).collect();
                    for mut size in earlier {
                        size.source = [name, " -R copies ", &resolved, " into this layer: ", &size.source].concat();
                        self.layer.parts.push(size);
                    }
                }
            }
            _ if SMALL_COMMANDS.contains(&name) => self.small = true,
            _ => self.unrecognised(command),
        }
    }

    /// A package-manager command, as analysis read it.
    fn install(&mut self, install: &Install, command: &ShellCommand) {
        let names = || install.packages.iter().map(|p| p.name.as_str()).collect::<Vec<_>>();
        let sub = install.subcommand.as_deref();
        match install.manager {
            Manager::Apt => match sub {
                Some("update") => self.write("/var/lib/apt/lists", apt_lists()),
                Some("install") => self.packages(PackageManager::Apt, &names(), install.recommends),
                Some("clean" | "autoclean" | "autoremove") => self.delete("/var/cache/apt/archives"),
                Some("dist-clean") => {
                    self.delete("/var/cache/apt/archives");
                    self.delete("/var/lib/apt/lists");
                }
                _ => self.unrecognised(command),
            },
            Manager::Apk => match sub {
                Some("add") => {
                    self.packages(PackageManager::Apk, &names(), false);
                    if !install.no_cache {
                        self.write("/var/cache/apk", apk_index());
                    }
                }
                Some("update") => self.write("/var/cache/apk", apk_index()),
                _ => self.unrecognised(command),
            },
            Manager::Dnf | Manager::Microdnf | Manager::Yum => {
                let manager =
                    if install.manager == Manager::Microdnf { PackageManager::Microdnf } else { PackageManager::Dnf };
                match sub {
                    Some("install") => {
                        self.packages(manager, &names(), install.recommends);
                        self.dnf_cache = true;
                    }
                    Some("clean") => {
                        self.dnf_cache = false;
                        self.delete("/var/cache/dnf");
                        self.delete("/var/cache/yum");
                    }
                    _ => self.unrecognised(command),
                }
            }
            Manager::Pip => self.pip(install, command),
            // npm's packages have no size table: what it installs is unknown, as any command's.
            _ => self.unrecognised(command),
        }
    }

    /// One install: the whole set in one question; when the oracle cannot answer for all of it, the
    /// names it knows alone are asked together again and the others are unknowns, one per name.
    fn packages(&mut self, manager: PackageManager, names: &[&str], recommends: bool) {
        let mut wanted: Vec<&str> = Vec::new();
        for &name in names {
            if !name.is_empty() && !wanted.contains(&name) {
                wanted.push(name);
            }
        }
        if wanted.is_empty() {
            return;
        }
        if let Some(size) = self.oracle.packages(manager, &wanted, recommends) {
            return self.write("/usr", size);
        }
        let mut known: Vec<(&str, Figure)> = Vec::new();
        for name in wanted {
            match self.oracle.packages(manager, &[name], recommends) {
                Some(size) => known.push((name, size)),
                None => self.unknown(Missing::Package { manager, name: name.to_string() }),
            }
        }
        let names: Vec<&str> = known.iter().map(|(name, _)| *name).collect();
        let together = if names.len() > 1 { self.oracle.packages(manager, &names, recommends) } else { None };
        match together {
            Some(size) => self.write("/usr", size),
            // One name, or an oracle that knows each name alone but not these together: one figure each.
            None => {
                for (_, size) in known {
                    self.write("/usr", size);
                }
            }
        }
    }

    fn python(&mut self, args: &[&str], command: &ShellCommand) {
        match args {
            ["-m", "venv", rest @ ..] => match rest.iter().rev().find(|a| !a.starts_with('-')) {
                Some(dir) if rest.contains(&"--without-pip") => {
                    self.write(dir, Figure::range(0, 100 * KB, "rule: a venv without pip is ~43 kB (measured)"))
                }
                Some(dir) => {
                    let size = venv(&self.state.image);
                    self.write(dir, size)
                }
                None => self.unrecognised(command),
            },
            _ => self.unrecognised(command),
        }
    }

    /// `pip install`: the target is the venv holding the program (`/opt/venv/bin/pip` installs into
    /// `/opt/venv`), else the system site-packages.
    fn pip(&mut self, install: &Install, command: &ShellCommand) {
        if install.action != PackageAction::Install {
            return self.unrecognised(command);
        }
        let program = install.program.as_str();
        let target = match program.strip_suffix(program.rsplit('/').next().unwrap_or("")) {
            Some(bin) if bin.ends_with("/bin/") && bin.len() > "/bin/".len() => bin[..bin.len() - 5].to_string(),
            _ => "/usr/local/lib/python3/site-packages".to_string(),
        };
        let from_wheels = install.no_index && install.packages.is_empty() && !install.requirements.is_empty();
        let Some(links) = install.find_links.clone().filter(|_| from_wheels) else {
            return self.unknown(Missing::PipFromIndex { command: shown(command) });
        };
        let workdir = self.state.workdir.clone();
        let Some(wheels) = self.state.origin_of(&resolve(&workdir, &links)).map(str::to_string) else {
            return self.unknown(Missing::WheelsNotCopied { dir: links });
        };
        let mut files = Vec::new();
        for requirement in &install.requirements {
            match self.state.origin_of(&resolve(&workdir, requirement)) {
                Some(origin) => files.push(origin.to_string()),
                None => {
                    return self.unknown(Missing::RequirementsNotCopied { file: requirement.clone() });
                }
            }
        }
        let target = resolve(&workdir, &target);
        let before =
            self.state.installed.iter().find(|(t, _)| *t == target).map(|(_, f)| f.clone()).unwrap_or_default();
        match self.oracle.wheels(&wheels, &files, &before) {
            Some(size) => {
                self.write(&target, size);
                match self.state.installed.iter_mut().find(|(t, _)| *t == target) {
                    Some((_, done)) => {
                        for file in files {
                            if !done.contains(&file) {
                                done.push(file);
                            }
                        }
                    }
                    None => self.state.installed.push((target, files)),
                }
            }
            None => self.unknown(Missing::Wheels { dir: wheels }),
        }
    }

    fn go_build(&mut self, args: &[&str]) {
        let mut out = None;
        let mut package = ".".to_string();
        let mut iter = args.iter();
        while let Some(&arg) = iter.next() {
            if let Some(value) = arg.strip_prefix("-o=") {
                out = Some(value.to_string());
            } else if arg == "-o" {
                out = iter.next().map(|s| s.to_string());
            } else if matches!(arg, "-ldflags" | "-tags" | "-gcflags" | "-mod" | "-p" | "-buildmode") {
                iter.next();
            } else if !arg.starts_with('-') {
                package = arg.to_string();
            }
        }
        let name = package.trim_end_matches('/').rsplit('/').next().unwrap_or("main").to_string();
        let out = match out {
            Some(out) if out.ends_with('/') => format!("{out}{name}"),
            Some(out) => out,
            None => name,
        };
        let size = self.oracle.go_binary(&package).unwrap_or_else(go_binary);
        self.write(&out, size);
    }
}
