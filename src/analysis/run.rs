//! What a `RUN` does, read once from its shell text ([`Script`]): the package-manager commands
//! ([`Install`]) and the paths it writes ([`RunWrites`]). Passes, the estimator and the lints read
//! these from [`Step::run`](super::Step::run) instead of reading the shell themselves.

use super::{Location, glob, resolve_path, within};
use crate::import::shell::{Script, ShellCommand, Spare, Word};
use crate::model::{Command, Run};

/// The facts of one `RUN` step.
///
/// ```
/// use dockwright::analysis::{Activity, Manager, RunWrites, analyze};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).workdir("/app").run("mkdir -p data && chown 10001 data"));
/// let analysis = analyze(&image.to_model().unwrap());
/// let run = analysis.steps()[1].run.as_ref().unwrap();
/// assert_eq!(run.script.commands().len(), 2);
/// assert_eq!(run.activity, Some(Activity::Directories));
/// assert_eq!(run.writes, RunWrites::Paths { paths: vec!["/app/data".into()], inside: vec![] });
/// assert!(run.installs.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunFacts {
    /// The script as the shell reads it (an exec-form `RUN` is one command with its argv as words,
    /// unless it runs a shell with `-c`: then it is that shell's script).
    pub script: Script,
    /// Its package-manager commands, in order.
    pub installs: Vec<Install>,
    /// What it writes.
    pub writes: RunWrites,
    /// What kind of setup it only does, when every command is of one known kind.
    pub activity: Option<Activity>,
}

/// The paths a `RUN` writes.
///
/// ```
/// use dockwright::analysis::{RunWrites, analyze};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(
///     Stage::new("app", Base::debian("bookworm"))
///         .run("rm -rf /var/lib/apt/lists/* && echo ok > /tmp/ok")
///         .run("apt-get update"),
/// );
/// let analysis = analyze(&image.to_model().unwrap());
/// let writes = |step: usize| analysis.steps()[step].run.as_ref().unwrap().writes.clone();
/// assert_eq!(writes(0), RunWrites::Paths { paths: vec!["/var/lib/apt/lists".into(), "/tmp/ok".into()], inside: vec![] });
/// assert_eq!(writes(1), RunWrites::Anywhere);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunWrites {
    /// Only these absolute paths and what is under them; `inside` are directories whose contents
    /// (not the directory itself) may change, such as `/etc` for account tools.
    Paths {
        /// Paths written or created (and anything under them).
        paths: Vec<String>,
        /// Directories some of whose entries are written.
        inside: Vec<String>,
    },
    /// Paths that cannot be known: a command dockwright does not know, a package install (its
    /// scripts may write anywhere), or shell it does not follow.
    Anywhere,
}

impl RunWrites {
    /// Every path written, `inside` directories included; `None` for [`RunWrites::Anywhere`].
    ///
    /// ```
    /// use dockwright::analysis::RunWrites;
    ///
    /// let writes = RunWrites::Paths { paths: vec!["/home/app".into()], inside: vec!["/etc".into()] };
    /// assert_eq!(writes.all(), Some(vec!["/home/app".to_string(), "/etc".to_string()]));
    /// assert_eq!(RunWrites::Anywhere.all(), None);
    /// ```
    pub fn all(&self) -> Option<Vec<String>> {
        match self {
            RunWrites::Paths { paths, inside } => Some(paths.iter().chain(inside).cloned().collect()),
            RunWrites::Anywhere => None,
        }
    }
}

/// The one kind of setup a `RUN` does, when all its commands are of that kind (plain `&&`/`;` lists
/// of simple commands only; `true` and `set` with options only may appear in any).
///
/// ```
/// use dockwright::analysis::{Activity, analyze};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(
///     Stage::new("app", Base::python("3.12").slim())
///         .run("useradd --home-dir /home/app app")
///         .run("python -m venv /opt/venv && /opt/venv/bin/pip install flask")
///         .run("mkdir /data && echo hi"),
/// );
/// let analysis = analyze(&image.to_model().unwrap());
/// let kinds: Vec<Option<Activity>> = analysis.steps().iter().map(|s| s.run.as_ref().unwrap().activity).collect();
/// assert_eq!(kinds, [Some(Activity::Accounts), Some(Activity::VirtualEnv), None]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Activity {
    /// Only `mkdir`, `touch`, `ln`, `chown`, `chmod` on literal paths without wildcards (and `true`).
    Directories,
    /// Only `groupadd`, `useradd`, `addgroup`, `adduser`, with absolute paths where they name any.
    Accounts,
    /// Only `python -m venv <absolute dir>` and `<venv>/bin/pip install` into an absolute venv (no
    /// `--user`, `--target`, `--prefix`, `--root` or editable installs).
    VirtualEnv,
}

/// A package manager.
///
/// ```
/// assert_ne!(dockwright::analysis::Manager::Apt, dockwright::analysis::Manager::Apk);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Manager {
    /// `apt-get` or `apt`.
    Apt,
    /// `apk`.
    Apk,
    /// `dnf`.
    Dnf,
    /// `microdnf`.
    Microdnf,
    /// `yum`.
    Yum,
    /// `pip` (also `python -m pip`).
    Pip,
    /// `npm`: its `install` (`i`, `add`), `ci`, `uninstall`, `update` and `cache` commands.
    Npm,
}

/// What a package-manager command does.
///
/// ```
/// assert_ne!(dockwright::analysis::PackageAction::Install, dockwright::analysis::PackageAction::Update);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PackageAction {
    /// Installs packages (`apt-get install`, `apk add`, `dnf install`, `pip install`).
    Install,
    /// Refreshes the package index (`apt-get update`, `apk update`).
    Update,
    /// Upgrades installed packages.
    Upgrade,
    /// Removes packages.
    Remove,
    /// Removes caches (`apt-get clean`/`autoclean`/`autoremove`/`dist-clean`, `dnf clean`).
    Clean,
    /// Anything else (the subcommand says what).
    Other,
}

/// A package-manager command of a `RUN`, with what the linter and the estimator need to know.
///
/// ```
/// use dockwright::analysis::{Install, Location, Manager, Package, PackageAction, analyze};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(
///     Stage::new("app", Base::debian("bookworm"))
///         .run("apt-get update && apt-get install -y curl=7.88.1-10 git && rm -rf /var/lib/apt/lists/*"),
/// );
/// let analysis = analyze(&image.to_model().unwrap());
/// let installs: Vec<&Install> = analysis.installs().collect();
/// assert_eq!(installs.len(), 2);
/// assert_eq!((installs[0].manager, installs[0].action), (Manager::Apt, PackageAction::Update));
/// let install = installs[1];
/// assert_eq!(install.location, Location { stage: 0, instruction: 0 });
/// assert_eq!((install.command, install.action), (1, PackageAction::Install));
/// assert_eq!(install.packages, [Package::new("curl", Some("=7.88.1-10")), Package::new("git", None)]);
/// assert_eq!(install.options, ["-y"]);
/// assert!(install.recommends && install.cleaned && !install.no_cache);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Install {
    /// The `RUN` step it is in.
    pub location: Location,
    /// Which command of the step's [`RunFacts::script`] it is.
    pub command: usize,
    /// The package manager.
    pub manager: Manager,
    /// What it does.
    pub action: PackageAction,
    /// The subcommand as written (`install`, `add`, `dist-clean`), if any.
    pub subcommand: Option<String>,
    /// The program as written (`/opt/venv/bin/pip`; `python3` for `python3 -m pip`).
    pub program: String,
    /// The packages an install, upgrade or removal names, pins as written.
    pub packages: Vec<Package>,
    /// Its options as written (the words starting with `-`), in order.
    pub options: Vec<String>,
    /// Whether it installs recommended (apt) or weak (dnf, yum, microdnf) dependencies: unless
    /// `--no-install-recommends` / `-o APT::Install-Recommends=false` or
    /// `--setopt=install_weak_deps=False` says otherwise (the last setting wins). Always `false`
    /// for other actions, and for apk and pip, which have none.
    pub recommends: bool,
    /// apk `--no-cache`; pip `--no-cache-dir`.
    pub no_cache: bool,
    /// Whether the same `RUN` leaves no cache or index behind it: apt removes `/var/lib/apt/lists`
    /// (or runs `dist-clean`) in a later command, dnf/yum/microdnf run `clean` later, apk uses
    /// `--no-cache` or removes `/var/cache/apk` later, pip uses `--no-cache-dir`, npm runs `cache`
    /// (`npm cache clean --force`) or removes `/root/.npm` later.
    pub cleaned: bool,
    /// pip: requirements files (`-r`); `npm ci`: `package.json` and `package-lock.json`.
    pub requirements: Vec<String>,
    /// pip: the `--find-links` location.
    pub find_links: Option<String>,
    /// pip: `--no-index`.
    pub no_index: bool,
}

/// A package named on a command line: `curl=7.88.1-10` is `curl` pinned to `=7.88.1-10`.
///
/// ```
/// use dockwright::analysis::Package;
///
/// let package = Package::new("flask", Some("==3.0.0"));
/// assert_eq!((package.name.as_str(), package.pin.as_deref()), ("flask", Some("==3.0.0")));
/// assert_eq!(package.to_string(), "flask==3.0.0");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Package {
    /// The name (with pip extras: `uvicorn[standard]`).
    pub name: String,
    /// The version constraint as written, operator included (`=1.2`, `==3.0`, `>=2,<3`, `=~8.5`).
    pub pin: Option<String>,
}

impl Package {
    /// A package with an optional pin.
    ///
    /// ```
    /// assert_eq!(dockwright::analysis::Package::new("git", None).pin, None);
    /// ```
    pub fn new(name: impl Into<String>, pin: Option<&str>) -> Self {
        Package { name: name.into(), pin: pin.map(str::to_string) }
    }

    /// Splits a word at the first `=`, `<`, `>`, `!` or `~` (pip's `;` markers stay in the pin).
    fn parse(word: &str) -> Self {
        match word.find(['=', '<', '>', '!', '~']) {
            Some(at) if at > 0 => Package::new(&word[..at], Some(&word[at..])),
            _ => Package::new(word, None),
        }
    }
}

impl std::fmt::Display for Package {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.name, self.pin.as_deref().unwrap_or_default())
    }
}

/// Whether the tool is pip (`pip`, `pip3`, `pip3.12`).
pub(crate) fn is_pip(tool: &str) -> bool {
    tool.strip_prefix("pip").is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Whether the tool is a Python interpreter (`python`, `python3`, `python3.12`).
pub(crate) fn is_python(tool: &str) -> bool {
    tool.strip_prefix("python").is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The script an exec-form `RUN` hands a POSIX shell to run with `-c` (`["/bin/sh", "-c", "text"]`,
/// `["bash", "-euo", "pipefail", "-c", "text"]`): such a `RUN` is read as the shell reads its script,
/// like a shell-form one.
pub(crate) fn shell_c(argv: &[String]) -> Option<&str> {
    shell_c_split(argv).map(|(_, script)| script)
}

/// [`shell_c`]'s shell and script: the shell's argv up to its `-c` word (`["bash", "-euo",
/// "pipefail", "-c"]`: the shell that runs the step, with its options), and the script.
pub(crate) fn shell_c_split(argv: &[String]) -> Option<(&[String], &str)> {
    let program = argv.first()?;
    let name = program.rsplit('/').next().unwrap_or(program);
    if !matches!(name, "sh" | "bash" | "dash" | "ash") {
        return None;
    }
    let mut at = 1;
    loop {
        let flags = argv.get(at)?.strip_prefix(['-', '+'])?;
        if flags.is_empty() || !flags.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        if flags.contains('c') {
            return argv.get(at + 1).map(|script| (&argv[..=at], script.as_str()));
        }
        // `-o pipefail`: the option's name is the next word.
        at += if flags.ends_with('o') { 2 } else { 1 };
    }
}

/// The facts of a `RUN` at `location`, whose working directory is `workdir` (`None`: the base image's,
/// taken as `/` like every other relative path analysis resolves): what [`Step::run`](super::Step::run)
/// holds, for the estimator, which walks a file without analysing all of it.
pub(crate) fn facts(run: &Run, location: Location, workdir: Option<&str>) -> RunFacts {
    let workdir = workdir.unwrap_or("/");
    let (script, installs) = script_and_installs(run, location, workdir, &mut Spare::default());
    let writes = writes(&script, workdir);
    // An activity needs its paths known (no wildcards, no relative account paths, a venv's pip).
    let activity = if writes == RunWrites::Anywhere { None } else { activity(&script) };
    RunFacts { script, installs, writes, activity }
}

/// The part of [`facts`] the size estimator reads: the script and its installs (the same facts, not
/// a second reading), without the write set and activity it has no use for. The script is made from
/// `spare`'s buffers where it has them (the estimator reads every RUN in turn and gives each script
/// back).
pub(crate) fn script_and_installs(
    run: &Run,
    location: Location,
    workdir: &str,
    spare: &mut Spare,
) -> (Script, Vec<Install>) {
    let script = match &run.command {
        Command::Shell(script) => Script::read_with(&script.text(), spare),
        Command::Exec(argv) => {
            let argv: Vec<String> = argv.iter().map(|arg| arg.as_str().to_string()).collect();
            match shell_c(&argv) {
                Some(text) => Script::read_with(text, spare),
                None => Script::from_argv(argv),
            }
        }
        #[allow(unreachable_patterns)]
        _ => Script::default(),
    };
    let mut installs: Vec<Install> = Vec::new();
    for (index, command) in script.commands().iter().enumerate() {
        if let Some(install) = install(location, index, command) {
            installs.push(install);
        }
    }
    mark_cleaned(&script, workdir, &mut installs);
    (script, installs)
}

// ---------------------------------------------------------------------------------------------------
// Installs.

fn install(location: Location, index: usize, command: &ShellCommand) -> Option<Install> {
    if !command.opaque.iter().all(|o| *o == crate::import::shell::Opaque::Expansion) {
        return None;
    }
    let words = command.invoked();
    let program = words.first()?.text.as_str();
    let tool = program.rsplit('/').next().unwrap_or(program);
    // Which manager, and where its arguments start, decided before anything is built: most commands
    // are not one.
    let is_pip_module = || words.get(1..3).is_some_and(|w| w[0].text == "-m" && w[1].text == "pip");
    let (manager, skip) = match tool {
        "apt-get" | "apt" => (Manager::Apt, 1),
        "apk" => (Manager::Apk, 1),
        "dnf" => (Manager::Dnf, 1),
        "microdnf" => (Manager::Microdnf, 1),
        "yum" => (Manager::Yum, 1),
        "npm" => (Manager::Npm, 1),
        tool if is_pip(tool) => (Manager::Pip, 1),
        tool if is_python(tool) && is_pip_module() => (Manager::Pip, 3),
        _ => return None,
    };
    let args: Vec<&str> = words[skip..].iter().map(|w| w.text.as_str()).collect();
    let args = args.as_slice();
    let mut install = Install {
        location,
        command: index,
        manager,
        action: PackageAction::Other,
        subcommand: None,
        program: program.to_string(),
        packages: Vec::new(),
        options: args.iter().filter(|a| a.starts_with('-')).map(|a| a.to_string()).collect(),
        recommends: false,
        no_cache: false,
        cleaned: false,
        requirements: Vec::new(),
        find_links: None,
        no_index: false,
    };
    match manager {
        Manager::Apt => apt(&mut install, args),
        Manager::Apk => apk(&mut install, args),
        Manager::Dnf | Manager::Microdnf | Manager::Yum => dnf(&mut install, args),
        Manager::Pip => pip(&mut install, args),
        Manager::Npm => {
            npm(&mut install, args);
            // `npm run build`, `npm test`: scripts of the project, not the package manager's work.
            if install.action == PackageAction::Other {
                return None;
            }
        }
    }
    Some(install)
}

fn action(subcommand: Option<&str>, table: &[(&str, PackageAction)]) -> PackageAction {
    subcommand.and_then(|sub| table.iter().find(|(name, _)| *name == sub)).map_or(PackageAction::Other, |(_, a)| *a)
}

fn apt(install: &mut Install, args: &[&str]) {
    let mut operands: Vec<&str> = Vec::new();
    let mut recommends = true;
    let mut iter = args.iter();
    while let Some(&arg) = iter.next() {
        let option = match arg {
            "--no-install-recommends" => {
                recommends = false;
                continue;
            }
            "--install-recommends" => {
                recommends = true;
                continue;
            }
            "-o" | "--option" => iter.next().copied(),
            "-c" | "--config-file" | "-t" | "--target-release" | "--default-release" | "-a" | "--host-architecture" => {
                iter.next();
                continue;
            }
            other if other.starts_with("--option=") => other.strip_prefix("--option="),
            other if other.starts_with("-o") && !other.starts_with("--") => other.strip_prefix("-o"),
            other if other.starts_with('-') => continue,
            _ => {
                operands.push(arg);
                continue;
            }
        };
        if let Some(value) = option.and_then(|o| setting(o, "APT::Install-Recommends")) {
            recommends = value;
        }
    }
    install.recommends = recommends;
    let sub = operands.first().copied();
    install.subcommand = sub.map(str::to_string);
    install.action = action(
        sub,
        &[
            ("install", PackageAction::Install),
            ("update", PackageAction::Update),
            ("upgrade", PackageAction::Upgrade),
            ("dist-upgrade", PackageAction::Upgrade),
            ("full-upgrade", PackageAction::Upgrade),
            ("remove", PackageAction::Remove),
            ("purge", PackageAction::Remove),
            ("clean", PackageAction::Clean),
            ("autoclean", PackageAction::Clean),
            ("autoremove", PackageAction::Clean),
            ("dist-clean", PackageAction::Clean),
        ],
    );
    install.packages = packages(install.action, &operands);
    install.recommends &= install.action == PackageAction::Install;
}

fn apk(install: &mut Install, args: &[&str]) {
    let mut operands = Vec::new();
    let mut skip = false;
    for &arg in args {
        if skip {
            skip = false;
        } else if matches!(arg, "--virtual" | "-t" | "--repository" | "-X") {
            skip = true;
        } else if !arg.starts_with('-') {
            operands.push(arg);
        }
    }
    install.no_cache = args.contains(&"--no-cache");
    let sub = operands.first().copied();
    install.subcommand = sub.map(str::to_string);
    install.action = action(
        sub,
        &[
            ("add", PackageAction::Install),
            ("update", PackageAction::Update),
            ("upgrade", PackageAction::Upgrade),
            ("del", PackageAction::Remove),
            ("cache", PackageAction::Clean),
        ],
    );
    install.packages = packages(install.action, &operands);
}

fn dnf(install: &mut Install, args: &[&str]) {
    let mut operands: Vec<&str> = Vec::new();
    let mut weak = true;
    let mut iter = args.iter();
    while let Some(&arg) = iter.next() {
        let option = match arg {
            "--setopt" => iter.next().copied(),
            "--enablerepo" | "--disablerepo" | "--repo" | "--repoid" | "--releasever" | "--installroot" | "-c"
            | "--config" | "-x" | "--exclude" => {
                iter.next();
                continue;
            }
            other if other.starts_with("--setopt=") => other.strip_prefix("--setopt="),
            other if other.starts_with('-') => continue,
            _ => {
                operands.push(arg);
                continue;
            }
        };
        if let Some(value) = option.and_then(|o| setting(o, "install_weak_deps")) {
            weak = value;
        }
    }
    install.recommends = weak;
    let sub = operands.first().copied();
    install.subcommand = sub.map(str::to_string);
    install.action = action(
        sub,
        &[
            ("install", PackageAction::Install),
            ("makecache", PackageAction::Update),
            ("upgrade", PackageAction::Upgrade),
            ("update", PackageAction::Upgrade),
            ("remove", PackageAction::Remove),
            ("erase", PackageAction::Remove),
            ("clean", PackageAction::Clean),
        ],
    );
    install.packages = packages(install.action, &operands);
    install.recommends &= install.action == PackageAction::Install;
}

/// The packages an install, upgrade or removal names (the operands after the subcommand).
fn packages(action: PackageAction, operands: &[&str]) -> Vec<Package> {
    match action {
        PackageAction::Install | PackageAction::Upgrade | PackageAction::Remove => {
            operands.iter().skip(1).map(|p| Package::parse(p)).collect()
        }
        _ => Vec::new(),
    }
}

/// pip options that take a value in the next word.
const PIP_VALUED: &[&str] = &[
    "-c",
    "--constraint",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "-i",
    "--index-url",
    "--extra-index-url",
    "--trusted-host",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--src",
    "--upgrade-strategy",
    "--progress-bar",
    "--cache-dir",
    "--log",
    "--proxy",
    "--timeout",
    "--retries",
    "--exists-action",
    "--cert",
    "--client-cert",
    "--only-binary",
    "--no-binary",
    "--report",
];

fn pip(install: &mut Install, args: &[&str]) {
    let sub = args.first().copied().filter(|a| !a.starts_with('-'));
    install.subcommand = sub.map(str::to_string);
    install.action = action(
        sub,
        &[
            ("install", PackageAction::Install),
            ("uninstall", PackageAction::Remove),
            ("download", PackageAction::Other),
        ],
    );
    install.no_cache = args.contains(&"--no-cache-dir");
    if install.action != PackageAction::Install {
        return;
    }
    let mut iter = args[1..].iter();
    while let Some(&arg) = iter.next() {
        if let Some(value) = arg.strip_prefix("--find-links=") {
            install.find_links = Some(value.to_string());
        } else if let Some(value) = arg.strip_prefix("--requirement=") {
            install.requirements.push(value.to_string());
        } else if arg == "--find-links" || arg == "-f" {
            install.find_links = iter.next().map(|s| s.to_string());
        } else if arg == "-r" || arg == "--requirement" {
            install.requirements.extend(iter.next().map(|s| s.to_string()));
        } else if arg == "-e" || arg == "--editable" {
            install.packages.extend(iter.next().map(|s| Package::new(*s, None)));
        } else if arg == "--no-index" {
            install.no_index = true;
        } else if PIP_VALUED.contains(&arg) {
            iter.next();
        } else if !arg.starts_with('-') {
            install.packages.push(Package::parse(arg));
        }
    }
}

/// npm options that take a value in the next word.
const NPM_VALUED: &[&str] =
    &["--prefix", "-w", "--workspace", "--registry", "--cache", "--omit", "--include", "--tag", "--loglevel"];

fn npm(install: &mut Install, args: &[&str]) {
    install.manager = Manager::Npm;
    let mut operands: Vec<&str> = Vec::new();
    let mut iter = args.iter();
    while let Some(&arg) = iter.next() {
        if NPM_VALUED.contains(&arg) {
            iter.next();
        } else if !arg.starts_with('-') {
            operands.push(arg);
        }
    }
    let sub = operands.first().copied();
    install.subcommand = sub.map(str::to_string);
    install.action = action(
        sub,
        &[
            ("install", PackageAction::Install),
            ("i", PackageAction::Install),
            ("add", PackageAction::Install),
            ("ci", PackageAction::Install),
            ("uninstall", PackageAction::Remove),
            ("remove", PackageAction::Remove),
            ("rm", PackageAction::Remove),
            ("update", PackageAction::Upgrade),
            ("upgrade", PackageAction::Upgrade),
            ("cache", PackageAction::Clean),
        ],
    );
    if sub == Some("ci") {
        // The packages are the lockfile's.
        install.requirements = vec!["package.json".into(), "package-lock.json".into()];
    } else if matches!(install.action, PackageAction::Install | PackageAction::Upgrade | PackageAction::Remove) {
        install.packages = operands.iter().skip(1).map(|word| npm_package(word)).collect();
    }
}

/// An npm package word: `left-pad@1.3.0` is `left-pad` pinned `@1.3.0`; a scoped name keeps its `@`
/// (`@types/node@20` is `@types/node` pinned `@20`); other specs (`github:user/repo`, `./dir`,
/// tarballs) are kept whole as names.
fn npm_package(word: &str) -> Package {
    let (scope, rest) = match word.strip_prefix('@') {
        Some(rest) => ("@", rest),
        None => ("", word),
    };
    match rest.split_once('@') {
        Some((name, version)) if !name.contains(':') => {
            Package::new(format!("{scope}{name}"), Some(&format!("@{version}")))
        }
        _ => Package::new(word, None),
    }
}

/// The boolean value of `key=value` when the key is `key` (ASCII case ignored, as apt and dnf do):
/// `APT::Install-Recommends=false` gives `Some(false)`; another key or an unreadable value gives `None`.
fn setting(option: &str, key: &str) -> Option<bool> {
    let (name, value) = option.split_once('=')?;
    if !name.trim().eq_ignore_ascii_case(key) {
        return None;
    }
    let value = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    match value.as_str() {
        "1" | "yes" | "true" | "on" | "with" | "enable" => Some(true),
        "0" | "no" | "false" | "off" | "without" | "disable" => Some(false),
        _ => None,
    }
}

/// Sets [`Install::cleaned`] from the commands after each install.
fn mark_cleaned(script: &Script, workdir: &str, installs: &mut [Install]) {
    if installs.is_empty() {
        return;
    }
    // What each `rm` removes, resolved once: (command index, path).
    let removed: Vec<(usize, String)> = script
        .commands()
        .iter()
        .enumerate()
        .filter_map(|(index, command)| {
            let words = command.invoked();
            words.first().is_some_and(|w| w.text == "rm").then(|| (index, &words[1..]))
        })
        .flat_map(|(index, args)| {
            args.iter().filter(|w| !w.text.starts_with('-')).map(move |w| {
                let path = w.text.trim_end_matches('*').trim_end_matches('/');
                (index, resolve_path(workdir, if path.is_empty() { "/" } else { path }))
            })
        })
        .collect();
    let removes = |after: usize, dir: &str| {
        removed.iter().any(|(index, path)| *index > after && (within(path, dir) || within(dir, path)))
    };
    // Whether each install is cleaned, worked out from all of them (the cleaning commands after it).
    for at in 0..installs.len() {
        let cleaned = {
            let install = &installs[at];
            let after = |managers: &[Manager], subcommands: &[&str]| {
                installs.iter().any(|later| {
                    later.command > install.command
                        && managers.contains(&later.manager)
                        && later.subcommand.as_deref().is_some_and(|sub| subcommands.contains(&sub))
                })
            };
            match install.manager {
                Manager::Apt => {
                    removes(install.command, "/var/lib/apt/lists") || after(&[Manager::Apt], &["dist-clean"])
                }
                Manager::Apk => install.no_cache || removes(install.command, "/var/cache/apk"),
                Manager::Dnf | Manager::Microdnf | Manager::Yum => {
                    after(&[Manager::Dnf, Manager::Microdnf, Manager::Yum], &["clean"])
                }
                Manager::Pip => install.no_cache,
                Manager::Npm => after(&[Manager::Npm], &["cache"]) || removes(install.command, "/root/.npm"),
            }
        };
        installs[at].cleaned = cleaned;
    }
}

// ---------------------------------------------------------------------------------------------------
// Write sets.

/// The footprint of account tools: the user database and mail spools, whose entries they add.
const ACCOUNT_DIRS: &[&str] = &["/etc", "/home", "/var/mail", "/var/spool/mail"];

/// Devices a redirection may write without changing the filesystem.
const DEVICES: &[&str] = &["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"];

fn writes(script: &Script, workdir: &str) -> RunWrites {
    if !script.opaque().is_empty() || script.commands().iter().any(|c| !c.opaque.is_empty()) {
        return RunWrites::Anywhere;
    }
    let mut paths: Vec<String> = Vec::new();
    let mut inside: Vec<String> = Vec::new();
    let add = |list: &mut Vec<String>, path: String| {
        if !list.contains(&path) {
            list.push(path);
        }
    };
    for command in script.commands() {
        for redirection in command.redirections.iter().filter(|r| r.writes_file()) {
            let Some(path) = literal_path(workdir, &redirection.target) else { return RunWrites::Anywhere };
            if !DEVICES.contains(&path.as_str()) {
                add(&mut paths, path);
            }
        }
        let Some(written) = command_writes(command, workdir) else { return RunWrites::Anywhere };
        for path in written.paths {
            add(&mut paths, path);
        }
        for path in written.inside {
            add(&mut inside, path);
        }
    }
    RunWrites::Paths { paths, inside }
}

#[derive(Default)]
struct Written {
    paths: Vec<String>,
    inside: Vec<String>,
}

/// A literal word as an absolute path; `None` when it expands or is a pattern.
fn literal_path(workdir: &str, word: &Word) -> Option<String> {
    if !word.is_literal() || (workdir.contains('$') && !word.text.starts_with('/')) {
        return None;
    }
    Some(resolve_path(workdir, &word.text))
}

/// What one command writes, or `None` when that cannot be known.
fn command_writes(command: &ShellCommand, workdir: &str) -> Option<Written> {
    let words = command.words.as_slice();
    let tool = command.tool()?;
    let args = &words[1..];
    let operands = || args.iter().filter(|w| !w.text.starts_with('-'));
    let mut written = Written::default();
    match tool {
        "true" | ":" | "echo" | "printf" => {}
        "set" if args.iter().all(|w| w.text.starts_with(['-', '+'])) => {}
        "mkdir" | "touch" | "ln" | "chown" | "chmod" => {
            let skip = usize::from(matches!(tool, "chown" | "chmod"));
            for operand in operands().skip(skip) {
                if operand.text.contains(['*', '?', '[']) {
                    return None;
                }
                written.paths.push(literal_path(workdir, operand)?);
            }
        }
        "rm" => {
            for operand in operands() {
                // `dir/*` removes what is inside `dir`: the pattern may only be the last component.
                let text = operand.text.as_str();
                let path = match text.rsplit_once('/') {
                    Some((dir, _)) if operand.pattern && !dir.contains(['*', '?', '[']) && !operand.expands => {
                        resolve_path(workdir, if dir.is_empty() { "/" } else { dir })
                    }
                    _ => literal_path(workdir, operand)?,
                };
                written.paths.push(path);
            }
        }
        "groupadd" | "useradd" | "addgroup" | "adduser" => {
            written.inside = ACCOUNT_DIRS.iter().map(|d| d.to_string()).collect();
            for arg in args {
                let value = arg.text.split_once('=').map_or(arg.text.as_str(), |(_, v)| v);
                if value.contains('/') {
                    if !value.starts_with('/') || value.contains(['*', '?', '[']) || !arg.is_literal() {
                        return None;
                    }
                    written.paths.push(glob_clean_absolute(value));
                }
            }
        }
        tool if is_python(tool) => match args {
            [m, venv, rest @ ..] if m.text == "-m" && venv.text == "venv" => {
                let dir = rest.iter().rev().find(|w| !w.text.starts_with('-'))?;
                written.paths.push(literal_path(workdir, dir)?);
            }
            _ => return None,
        },
        tool if is_pip(tool) => written.paths = venv_pip_writes(command, workdir)?,
        _ => return None,
    }
    Some(written)
}

fn glob_clean_absolute(path: &str) -> String {
    format!("/{}", glob::clean(path))
}

/// `<venv>/bin/pip install ...` into an absolute venv: pip's cache, the venv, and every path it names.
fn venv_pip_writes(command: &ShellCommand, workdir: &str) -> Option<Vec<String>> {
    let args: Vec<&Word> = command.words[1..].iter().collect();
    let (first, rest) = args.split_first()?;
    if first.text != "install" {
        return None;
    }
    if rest.iter().any(|a| {
        ["--user", "--target", "-t", "--prefix", "--root", "-e", "--editable"]
            .iter()
            .any(|f| a.text == *f || a.text.starts_with(&format!("{f}=")))
    }) {
        return None;
    }
    // The tool must be named by its absolute path inside a venv: `<venv>/bin/pip`.
    let program = command.program()?;
    let tool = command.tool()?;
    let venv = program.strip_suffix(&format!("/bin/{tool}")).filter(|v| v.starts_with('/'))?;
    let mut paths = vec!["/root/.cache/pip".to_string(), glob_clean_absolute(venv)];
    for arg in rest {
        if !arg.is_literal() {
            return None;
        }
        let value = arg.text.split_once('=').map_or(arg.text.as_str(), |(_, v)| v);
        if value.contains(['*', '?', '[']) {
            return None;
        }
        if value.starts_with('/') {
            paths.push(glob_clean_absolute(value));
        } else if !arg.text.starts_with('-') || arg.text.contains('=') {
            if workdir.contains('$') {
                return None;
            }
            paths.push(resolve_path(workdir, value));
        }
    }
    Some(paths)
}

/// The one kind of setup every command of a plain list does.
fn activity(script: &Script) -> Option<Activity> {
    let commands = script.simple_list()?;
    let mut found: Option<Activity> = None;
    let mut any = false;
    for command in commands {
        let tool = command.tool()?;
        let args: Vec<&str> = command.args().collect();
        let kind = match tool {
            "true" => None,
            "set" if args.iter().all(|a| a.starts_with(['-', '+'])) => None,
            "mkdir" | "touch" | "ln" | "chown" | "chmod" => {
                if args.iter().any(|a| a.starts_with('-') && a.contains('=')) {
                    return None;
                }
                Some(Activity::Directories)
            }
            "groupadd" | "useradd" | "addgroup" | "adduser" => Some(Activity::Accounts),
            tool if is_python(tool) => match args.as_slice() {
                ["-m", "venv", dir] if dir.starts_with('/') => Some(Activity::VirtualEnv),
                _ => return None,
            },
            tool if is_pip(tool) => Some(Activity::VirtualEnv),
            _ => return None,
        };
        any = true;
        match (found, kind) {
            (_, None) => {}
            (None, Some(kind)) => found = Some(kind),
            (Some(seen), Some(kind)) if seen == kind => {}
            _ => return None,
        }
    }
    match found {
        // `true` alone (or nothing) creates nothing: count it as directory setup with no paths.
        None if any => Some(Activity::Directories),
        other => other,
    }
}
