//! [`GoBinary`]: a Go program built in a `golang` stage from a vendored module and copied, alone, onto
//! a small runtime.
//!
//! The module's dependencies are vendored on the host (`go mod vendor`) and kept next to the code, so
//! the build runs with `-mod=vendor` under `RUN --network=none`. With cgo off (the default) the binary
//! is static and runs on `scratch` or distroless static; with cgo on it links the builder's C library
//! (musl on Alpine, glibc on Debian), and the runtime must have the same one.

use crate::base::{Base, OsFamily};
use crate::dsl::{Image, Run, Stage, StageHandle};
use crate::error::{Error, ErrorKind};

use super::{Libc, checked, create_user, healthcheck, join, with_problems};

/// Where the source is copied in the build stage.
const SRC_DIR: &str = "/src";
/// Go's build cache, kept across builds by a BuildKit cache mount.
const BUILD_CACHE: &str = "/root/.cache/go-build";

/// A Go binary: a build stage that writes `/out/<binary>`, and a runtime stage that runs it as a
/// non-root user.
///
/// The build stage copies the module files (`go.mod`, `go.sum`, `vendor/`) before the sources, then
/// builds with `go build -trimpath -ldflags="-w -s"` and a cache mount for Go's build cache. The
/// runtime (distroless static by default) gets `/usr/local/bin/<binary>`, a numeric non-root `USER`,
/// and the binary as its exec-form `ENTRYPOINT`.
///
/// ```
/// use dockwright::recipe::GoBinary;
/// use dockwright::{Base, Image};
///
/// let mut image = Image::new();
/// GoBinary::new(Base::golang("1.22").alpine())
///     .package("./cmd/server")
///     .binary("server")
///     .port(8080)
///     .cmd_args(["serve"])
///     .add_to(&mut image);
/// assert_eq!(
///     image.emit().unwrap(),
///     r#"FROM golang:1.22-alpine AS go-build
/// WORKDIR /src
/// ENV CGO_ENABLED=0
/// COPY ["go.mod", "go.sum*", "./"]
/// COPY ["vendor", "./vendor/"]
/// COPY [".", "./"]
/// RUN --mount=type=cache,target=/root/.cache/go-build --network=none go build -trimpath -ldflags="-w -s" -mod=vendor -o /out/server ./cmd/server
///
/// FROM gcr.io/distroless/static-debian12 AS go
/// COPY --from=go-build ["/out/server", "/usr/local/bin/server"]
/// EXPOSE 8080
/// USER 10001:10001
/// ENTRYPOINT ["/usr/local/bin/server"]
/// CMD ["serve"]
/// "#
/// );
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct GoBinary {
    base: Base,
    prefix: Option<String>,
    dir: String,
    package: String,
    binary: String,
    cgo: bool,
    vendored: bool,
    sources: Vec<String>,
    runtime_base: Option<Base>,
    port: Option<u16>,
    health_path: Option<String>,
    user: (String, u32),
    cmd_args: Vec<String>,
}

/// The stages a [`GoBinary`] added.
///
/// ```
/// use dockwright::recipe::GoBinary;
/// use dockwright::{Base, Image};
///
/// let mut image = Image::new();
/// let stages = GoBinary::new(Base::golang("1.22").alpine()).name("api").add_to(&mut image);
/// assert_eq!((stages.build.name(), stages.runtime.name()), ("api-build", "api"));
/// assert!(image.emit().unwrap().contains("COPY --from=api-build [\"/out/app\", \"/usr/local/bin/app\"]\n"));
/// ```
#[derive(Debug, Clone)]
pub struct GoStages {
    /// The build stage: the binary is at `/out/<binary>`.
    pub build: StageHandle,
    /// The runtime stage.
    pub runtime: StageHandle,
}

impl GoBinary {
    /// A Go binary built on `go_base`, e.g. `Base::golang("1.22").alpine()` or `.bookworm()`.
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").bookworm()).add_to(&mut image);
    /// assert!(image.emit().unwrap().starts_with("FROM golang:1.22-bookworm AS go-build\nWORKDIR /src\n"));
    /// ```
    pub fn new(go_base: impl Into<Base>) -> Self {
        GoBinary {
            base: go_base.into(),
            prefix: None,
            dir: ".".to_string(),
            package: ".".to_string(),
            binary: "app".to_string(),
            cgo: false,
            vendored: true,
            sources: vec![".".to_string()],
            runtime_base: None,
            port: None,
            health_path: None,
            user: ("app".to_string(), 10001),
            cmd_args: Vec::new(),
        }
    }

    /// Names the stages `{prefix}-build` and `{prefix}` (default `go-build` and `go`).
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine()).name("backend").add_to(&mut image);
    /// let dockerfile = image.emit().unwrap();
    /// assert!(dockerfile.starts_with("FROM golang:1.22-alpine AS backend-build\n"));
    /// assert!(dockerfile.contains("\nFROM gcr.io/distroless/static-debian12 AS backend\n"));
    /// ```
    pub fn name(mut self, prefix: &str) -> Self {
        self.prefix = Some(prefix.to_string());
        self
    }

    /// The module's directory in the build context, holding `go.mod` (default `.`): the module files,
    /// `vendor/` and the [`GoBinary::sources`] are taken from there.
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine()).dir("backend").add_to(&mut image);
    /// assert!(image.emit().unwrap().contains(
    ///     "COPY [\"backend/go.mod\", \"backend/go.sum*\", \"./\"]\n\
    ///      COPY [\"backend/vendor\", \"./vendor/\"]\n\
    ///      COPY [\"backend\", \"./\"]\n"
    /// ));
    /// ```
    pub fn dir(mut self, path: &str) -> Self {
        let path = path.trim_start_matches("./").trim_end_matches('/');
        self.dir = if path.is_empty() { ".".to_string() } else { path.to_string() };
        self
    }

    /// The main package to build, relative to the module root (default `.`).
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine()).package("./cmd/api").add_to(&mut image);
    /// assert!(image.emit().unwrap().contains(" -o /out/app ./cmd/api\n"));
    /// ```
    pub fn package(mut self, path: &str) -> Self {
        self.package = path.to_string();
        self
    }

    /// The binary's name (default `app`): built to `/out/<name>`, installed as
    /// `/usr/local/bin/<name>`.
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine()).binary("appos").add_to(&mut image);
    /// let dockerfile = image.emit().unwrap();
    /// assert!(dockerfile.contains("COPY --from=go-build [\"/out/appos\", \"/usr/local/bin/appos\"]\n"));
    /// assert!(dockerfile.ends_with("ENTRYPOINT [\"/usr/local/bin/appos\"]\n"));
    /// ```
    pub fn binary(mut self, name: &str) -> Self {
        self.binary = name.to_string();
        self
    }

    /// Builds with cgo (`CGO_ENABLED=1`; default off). The builder gets a C toolchain (`build-base` on
    /// Alpine, `gcc` and `libc6-dev` on Debian), and the runtime must have the builder's C library:
    /// on `scratch` or distroless static, [`Image::validate`] reports it. Without a
    /// [`GoBinary::runtime_base`], the runtime is `alpine:3.20` for an Alpine builder and distroless
    /// cc for a Debian one.
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine())
    ///     .cgo(true)
    ///     .runtime_base(Base::alpine("3.19"))
    ///     .add_to(&mut image);
    /// let dockerfile = image.emit().unwrap();
    /// assert!(dockerfile.starts_with(
    ///     "FROM golang:1.22-alpine AS go-build\nRUN apk add --no-cache build-base\nWORKDIR /src\nENV CGO_ENABLED=1\n"
    /// ));
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine()).cgo(true).runtime_base(Base::scratch()).add_to(&mut image);
    /// assert_eq!(
    ///     image.validate().unwrap_err().to_string(),
    ///     "stage 'go': cgo is on, so /out/app needs musl from golang:1.22-alpine (alpine), but scratch (scratch) \
    ///      has no C library: use .cgo(false) for a static binary, or a runtime base with musl, e.g. Base::alpine(..)"
    /// );
    /// ```
    pub fn cgo(mut self, on: bool) -> Self {
        self.cgo = on;
        self
    }

    /// Whether the module's dependencies are vendored (default true): `go.mod`, `go.sum` and `vendor/`
    /// are copied first and the build uses `-mod=vendor` with no network. With `false`, `go mod
    /// download` runs after `go.mod` and `go.sum` are copied (its layer is reused while they do not
    /// change), and the build has network access.
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine()).vendored(false).add_to(&mut image);
    /// assert!(image.emit().unwrap().contains(
    ///     "COPY [\"go.mod\", \"go.sum*\", \"./\"]\n\
    ///      RUN go mod download\n\
    ///      COPY [\".\", \"./\"]\n\
    ///      RUN --mount=type=cache,target=/root/.cache/go-build go build -trimpath -ldflags=\"-w -s\" -o /out/app .\n"
    /// ));
    /// ```
    pub fn vendored(mut self, vendored: bool) -> Self {
        self.vendored = vendored;
        self
    }

    /// What to copy after the module files, relative to [`GoBinary::dir`] (default `["."]`), each to
    /// its own place under `/src` (`cmd` to `./cmd/`, `main.go` to `./`): e.g. `["cmd", "internal"]`
    /// keeps a change to anything else (docs, deploy files) from rerunning the build.
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine()).sources(["cmd", "internal"]).add_to(&mut image);
    /// assert!(image.emit().unwrap().contains("COPY [\"cmd\", \"./cmd/\"]\nCOPY [\"internal\", \"./internal/\"]\n"));
    /// ```
    pub fn sources<I, S>(mut self, sources: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.sources = sources.into_iter().map(Into::into).collect();
        self
    }

    /// The runtime's base (default distroless static): `Base::scratch()`, `Base::distroless_static()`,
    /// `Base::alpine(..)` or `Base::debian(..)`. A user is created on bases that have a shell; on the
    /// others only the numeric `USER` is written.
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine()).runtime_base(Base::alpine("3.19")).add_to(&mut image);
    /// assert!(image.emit().unwrap().ends_with(
    ///     "FROM alpine:3.19 AS go\n\
    ///      RUN addgroup -S -g 10001 app \\\n \
    ///      && adduser -S -D -u 10001 -G app -h /home/app -s /sbin/nologin app\n\
    ///      COPY --from=go-build [\"/out/app\", \"/usr/local/bin/app\"]\n\
    ///      USER 10001:10001\n\
    ///      ENTRYPOINT [\"/usr/local/bin/app\"]\n"
    /// ));
    /// ```
    pub fn runtime_base(mut self, base: impl Into<Base>) -> Self {
        self.runtime_base = Some(base.into());
        self
    }

    /// The port the binary listens on: `EXPOSE`, and the healthcheck's port.
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine()).port(8080).add_to(&mut image);
    /// assert!(image.emit().unwrap().contains("EXPOSE 8080\nUSER 10001:10001\n"));
    /// ```
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// A `HEALTHCHECK` that GETs `http://127.0.0.1:<port><path>` with a probe the runtime has (busybox
    /// `wget` on Alpine). Needs [`GoBinary::port`]. Scratch and distroless have no probe:
    /// [`Image::validate`] reports it.
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine())
    ///     .runtime_base(Base::alpine("3.19"))
    ///     .port(8080)
    ///     .health_path("/api/health")
    ///     .add_to(&mut image);
    /// assert!(image.emit().unwrap().contains(
    ///     "CMD [\"wget\", \"-q\", \"-O\", \"/dev/null\", \"http://127.0.0.1:8080/api/health\"]\nUSER 10001:10001\n"
    /// ));
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine()).port(8080).health_path("/health").add_to(&mut image);
    /// assert!(image.validate().unwrap_err().to_string().starts_with(
    ///     "stage 'go': cannot probe http://127.0.0.1:8080/health: gcr.io/distroless/static-debian12 (distroless) has no curl"
    /// ));
    /// ```
    pub fn health_path(mut self, path: &str) -> Self {
        self.health_path = Some(path.to_string());
        self
    }

    /// The non-root user the binary runs as (default `app`, uid and gid 10001).
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine()).user("nonroot", 65532).add_to(&mut image);
    /// assert!(image.emit().unwrap().ends_with("USER 65532:65532\nENTRYPOINT [\"/usr/local/bin/app\"]\n"));
    /// ```
    pub fn user(mut self, name: &str, uid: u32) -> Self {
        self.user = (name.to_string(), uid);
        self
    }

    /// Default arguments for the binary: the runtime's `CMD`, after the `ENTRYPOINT`, so `docker run
    /// <image> <args>` replaces them.
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// GoBinary::new(Base::golang("1.22").alpine()).cmd_args(["--addr", ":8080"]).add_to(&mut image);
    /// assert!(image.emit().unwrap().ends_with(
    ///     "ENTRYPOINT [\"/usr/local/bin/app\"]\nCMD [\"--addr\", \":8080\"]\n"
    /// ));
    /// ```
    pub fn cmd_args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.cmd_args = args.into_iter().map(Into::into).collect();
        self
    }

    /// Adds only the build stage (`{prefix}-build`, binary at `/out/<binary>`), for images that
    /// assemble their own runtime. The runtime settings (base, port, health, user, args) are not used.
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let build = GoBinary::new(Base::golang("1.22").alpine()).binary("api").build_stage(&mut image);
    /// image.stage(
    ///     Stage::new("runtime", Base::alpine("3.19"))
    ///         .copy_from(&build, ["/out/api"], "/usr/local/bin/api")
    ///         .cmd(["api"]),
    /// );
    /// assert_eq!(image.targets(), ["go-build", "runtime"]);
    /// assert!(image.emit().unwrap().contains("-o /out/api .\n\nFROM alpine:3.19 AS runtime\n"));
    /// ```
    pub fn build_stage(self, image: &mut Image) -> StageHandle {
        let name = format!("{}-build", self.prefix.as_deref().unwrap_or("go"));
        image.stage(self.build(&name))
    }

    /// Adds the build stage and the runtime stage to `image`, in that order.
    ///
    /// ```
    /// use dockwright::recipe::GoBinary;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// let stages = GoBinary::new(Base::golang("1.22").alpine()).add_to(&mut image);
    /// assert_eq!(stages.runtime.name(), "go");
    /// assert!(image.emit().unwrap().ends_with(
    ///     "FROM gcr.io/distroless/static-debian12 AS go\n\
    ///      COPY --from=go-build [\"/out/app\", \"/usr/local/bin/app\"]\n\
    ///      USER 10001:10001\n\
    ///      ENTRYPOINT [\"/usr/local/bin/app\"]\n"
    /// ));
    /// ```
    pub fn add_to(self, image: &mut Image) -> GoStages {
        let prefix = self.prefix.clone().unwrap_or_else(|| "go".to_string());
        let build = image.stage(self.build(&format!("{prefix}-build")));

        let runtime_base = self.runtime_base.clone().unwrap_or_else(|| self.default_runtime());
        let binary = self.binary_name(&mut Vec::new());
        let installed = format!("/usr/local/bin/{binary}");
        let (user, uid) = (&self.user.0, self.user.1);
        let mut runtime = Stage::new(&prefix, runtime_base.clone());
        if self.cgo {
            if let Some(err) = self.libc_problem(&runtime_base) {
                runtime = runtime.problem(err);
            }
        }
        runtime = runtime.as_root(|runtime| {
            let mut runtime = create_user(runtime, user, uid).copy_from(&build, [format!("/out/{binary}")], &installed);
            if let Some(port) = self.port {
                runtime = runtime.expose(port);
            }
            if let Some(path) = &self.health_path {
                runtime = healthcheck(runtime, self.port, path);
            }
            runtime
        });
        runtime = runtime.user(&format!("{uid}:{uid}")).entrypoint(vec![installed]);
        if !self.cmd_args.is_empty() {
            runtime = runtime.cmd(self.cmd_args.clone());
        }
        let runtime = image.stage(runtime);
        GoStages { build, runtime }
    }

    fn build(&self, name: &str) -> Stage {
        let mut problems = Vec::new();
        let binary = self.binary_name(&mut problems);
        let package = checked(&mut problems, "package", &self.package, ".");
        let stage = Stage::new(name, self.base.clone());
        // As root (a Red Hat language image runs as uid 1001), switching back at the end.
        let stage = stage.as_root(|stage| self.build_steps(stage, &binary, &package));
        with_problems(stage, problems)
    }

    fn build_steps(&self, mut stage: Stage, binary: &str, package: &str) -> Stage {
        if self.cgo {
            let toolchain: &[&str] = match self.base.family() {
                OsFamily::Alpine => &["build-base"],
                OsFamily::Rhel | OsFamily::RhelMinimal => &["gcc", "glibc-devel"],
                _ => &["gcc", "libc6-dev"],
            };
            stage = stage.install(toolchain);
        }
        stage = stage
            .workdir(SRC_DIR)
            .env("CGO_ENABLED", if self.cgo { "1" } else { "0" })
            .copy([join(&self.dir, "go.mod"), join(&self.dir, "go.sum*")], "./");
        stage = if self.vendored {
            stage.copy([join(&self.dir, "vendor")], "./vendor/")
        } else {
            stage.run("go mod download")
        };
        for source in &self.sources {
            let from = match source.trim_start_matches("./") {
                "" | "." => self.dir.clone(),
                path => join(&self.dir, path),
            };
            stage = stage.copy([from], &source_dest(source));
        }
        let vendor = if self.vendored { " -mod=vendor" } else { "" };
        let mut run = Run::sh(format!("go build -trimpath -ldflags=\"-w -s\"{vendor} -o /out/{binary} {package}"))
            .cache(BUILD_CACHE);
        if self.vendored {
            run = run.network_none();
        }
        stage.run(run)
    }

    /// The binary's name, checked: one plain path segment.
    fn binary_name(&self, problems: &mut Vec<Error>) -> String {
        if self.binary.contains('/') {
            problems.push(Error::new(
                ErrorKind::InvalidText,
                format!("binary name {:?} must be a file name, without '/'", self.binary),
            ));
            return "app".to_string();
        }
        checked(problems, "binary name", &self.binary, "app")
    }

    /// The runtime used when none is given: distroless static for a static binary; with cgo, a base
    /// with the builder's C library.
    fn default_runtime(&self) -> Base {
        match (self.cgo, Libc::of(&self.base)) {
            (true, Some(Libc::Musl)) => Base::alpine("3.20"),
            (true, _) => Base::distroless_cc(),
            (false, _) => Base::distroless_static(),
        }
    }

    /// Why a cgo binary from the builder cannot run on `runtime`, if it cannot.
    fn libc_problem(&self, runtime: &Base) -> Option<Error> {
        let built = Libc::of(&self.base)?;
        let why = match Libc::of(runtime) {
            None => "has no C library".to_string(),
            Some(libc) if libc != built => format!("has {} instead", libc.name()),
            Some(_) => return None,
        };
        Some(Error::new(
            ErrorKind::Unsupported,
            format!(
                "cgo is on, so /out/{} needs {} from {}, but {} {why}: use .cgo(false) for a static binary, or a \
                 runtime base with {}, e.g. {}",
                self.binary,
                built.name(),
                self.base.describe(),
                runtime.describe(),
                built.name(),
                built.bases()
            ),
        ))
    }
}

/// Where a source lands under the source directory, keeping the context's layout (COPY copies a
/// directory's contents, so a directory needs its own name as destination): `.` is the directory
/// itself, `internal` goes to `./internal/`, a file (a name with a dot, like `main.go`, unless it ends in
/// `/`) or a pattern goes into its parent, `cmd/*.go` to `./cmd/`.
fn source_dest(source: &str) -> String {
    let path = source.trim_start_matches("./").trim_end_matches('/');
    if path.is_empty() || path == "." {
        return "./".to_string();
    }
    let (parent, last) = match path.rsplit_once('/') {
        Some((parent, last)) => (Some(parent), last),
        None => (None, path),
    };
    let is_dir = !last.contains(['*', '?', '[']) && (source.ends_with('/') || !last.contains('.'));
    match parent {
        _ if is_dir => format!("./{path}/"),
        Some(parent) if !parent.contains(['*', '?', '[']) => format!("./{parent}/"),
        _ => "./".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn emit(go: GoBinary) -> String {
        let mut image = Image::new();
        go.add_to(&mut image);
        image.emit().unwrap()
    }

    fn errors(go: GoBinary) -> String {
        let mut image = Image::new();
        go.add_to(&mut image);
        image.validate().unwrap_err().to_string()
    }

    fn alpine() -> GoBinary {
        GoBinary::new(Base::golang("1.22").alpine())
    }

    #[test]
    fn defaults() {
        assert_eq!(
            emit(alpine()),
            "FROM golang:1.22-alpine AS go-build\n\
             WORKDIR /src\n\
             ENV CGO_ENABLED=0\n\
             COPY [\"go.mod\", \"go.sum*\", \"./\"]\n\
             COPY [\"vendor\", \"./vendor/\"]\n\
             COPY [\".\", \"./\"]\n\
             RUN --mount=type=cache,target=/root/.cache/go-build --network=none go build -trimpath -ldflags=\"-w -s\" -mod=vendor -o /out/app .\n\
             \n\
             FROM gcr.io/distroless/static-debian12 AS go\n\
             COPY --from=go-build [\"/out/app\", \"/usr/local/bin/app\"]\n\
             USER 10001:10001\n\
             ENTRYPOINT [\"/usr/local/bin/app\"]\n"
        );
    }

    #[test]
    fn module_files_come_before_sources() {
        for vendored in [true, false] {
            let text = emit(alpine().vendored(vendored).sources(["cmd", "internal"]));
            let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle:?} missing in\n{text}"));
            let deps = if vendored { "COPY [\"vendor\"" } else { "RUN go mod download" };
            assert!(at("COPY [\"go.mod\"") < at(deps));
            assert!(at(deps) < at("COPY [\"cmd\""));
            assert!(at("COPY [\"internal\"") < at("go build"));
        }
    }

    #[test]
    fn not_vendored_downloads_and_has_network() {
        let text = emit(alpine().vendored(false));
        assert!(text.contains("RUN go mod download\n"));
        assert!(!text.contains("vendor"));
        assert!(!text.contains("--network=none"));
    }

    #[test]
    fn cgo_installs_a_toolchain_per_family() {
        let text = emit(alpine().cgo(true).runtime_base(Base::alpine("3.19")));
        assert!(text.contains("RUN apk add --no-cache build-base\n"));
        assert!(text.contains("ENV CGO_ENABLED=1\n"));
        let text = emit(GoBinary::new(Base::golang("1.22").bookworm()).cgo(true));
        assert!(text.contains("apt-get install -y --no-install-recommends gcc libc6-dev"));
        assert!(text.contains("FROM gcr.io/distroless/cc-debian12 AS go\n"), "{text}");
    }

    #[test]
    fn cgo_default_runtime_has_the_builders_libc() {
        assert!(emit(alpine().cgo(true)).contains("\nFROM alpine:3.20 AS go\n"));
    }

    #[test]
    fn cgo_on_scratch_names_the_stage() {
        let err = errors(alpine().name("backend").cgo(true).runtime_base(Base::scratch()));
        assert_eq!(
            err,
            "stage 'backend': cgo is on, so /out/app needs musl from golang:1.22-alpine (alpine), but scratch \
             (scratch) has no C library: use .cgo(false) for a static binary, or a runtime base with musl, e.g. \
             Base::alpine(..)"
        );
        let err =
            errors(GoBinary::new(Base::golang("1.22").bookworm()).cgo(true).runtime_base(Base::distroless_static()));
        assert!(err.starts_with("stage 'go': cgo is on, so /out/app needs glibc"), "{err}");
        assert!(err.ends_with("e.g. Base::distroless_cc() or Base::debian(..)"), "{err}");
    }

    #[test]
    fn cgo_with_another_libc_is_reported() {
        let err = errors(alpine().cgo(true).runtime_base(Base::debian("bookworm-slim")));
        assert!(err.contains("but debian:bookworm-slim (debian) has glibc instead"), "{err}");
    }

    #[test]
    fn static_binary_on_scratch_is_fine() {
        let text = emit(alpine().runtime_base(Base::scratch()).cmd_args(["serve"]));
        assert!(text.ends_with(
            "FROM scratch AS go\n\
             COPY --from=go-build [\"/out/app\", \"/usr/local/bin/app\"]\n\
             USER 10001:10001\n\
             ENTRYPOINT [\"/usr/local/bin/app\"]\n\
             CMD [\"serve\"]\n"
        ));
    }

    #[test]
    fn options() {
        let text = emit(
            alpine()
                .name("api")
                .package("./cmd/api")
                .binary("api")
                .runtime_base(Base::alpine("3.19"))
                .port(8080)
                .health_path("/health")
                .user("svc", 2000),
        );
        assert!(text.contains("AS api-build\n"));
        assert!(text.contains("-o /out/api ./cmd/api\n"));
        assert!(text.contains("FROM alpine:3.19 AS api\n"));
        assert!(text.contains("adduser -S -D -u 2000 -G svc"));
        assert!(text.contains("COPY --from=api-build [\"/out/api\", \"/usr/local/bin/api\"]\n"));
        assert!(text.contains("EXPOSE 8080\nHEALTHCHECK"));
        assert!(text.ends_with("USER 2000:2000\nENTRYPOINT [\"/usr/local/bin/api\"]\n"));
    }

    #[test]
    fn bad_inputs_are_reported() {
        let err = errors(alpine().package("./x; curl evil").binary("bin/app"));
        assert!(err.starts_with("2 problems:"), "{err}");
        assert!(err.contains("stage 'go-build': binary name \"bin/app\" must be a file name"), "{err}");
        assert!(err.contains("stage 'go-build': package \"./x; curl evil\" cannot go into a shell command"), "{err}");
        let err = errors(alpine().health_path("/health"));
        assert_eq!(err, "stage 'go': health_path \"/health\" needs the port the app listens on: add .port(..)");
    }

    #[test]
    fn module_in_a_subdirectory() {
        let mut image = Image::new();
        alpine().dir("./backend/").sources(["./", "cmd/", "main.go"]).cgo(true).binary("main").build_stage(&mut image);
        assert_eq!(
            image.emit().unwrap(),
            "FROM golang:1.22-alpine AS go-build\n\
             RUN apk add --no-cache build-base\n\
             WORKDIR /src\n\
             ENV CGO_ENABLED=1\n\
             COPY [\"backend/go.mod\", \"backend/go.sum*\", \"./\"]\n\
             COPY [\"backend/vendor\", \"./vendor/\"]\n\
             COPY [\"backend\", \"./\"]\n\
             COPY [\"backend/cmd/\", \"./cmd/\"]\n\
             COPY [\"backend/main.go\", \"./\"]\n\
             RUN --mount=type=cache,target=/root/.cache/go-build --network=none go build -trimpath -ldflags=\"-w -s\" -mod=vendor -o /out/main .\n"
        );
    }

    #[test]
    fn build_stage_alone() {
        let mut image = Image::new();
        let build = alpine().name("svc").build_stage(&mut image);
        assert_eq!(build.name(), "svc-build");
        assert_eq!(image.targets(), ["svc-build"]);
    }

    #[test]
    fn source_destinations() {
        assert_eq!(source_dest("."), "./");
        assert_eq!(source_dest("./"), "./");
        assert_eq!(source_dest("cmd"), "./cmd/");
        assert_eq!(source_dest("internal/"), "./internal/");
        assert_eq!(source_dest("pkg/api"), "./pkg/api/");
        assert_eq!(source_dest("main.go"), "./");
        assert_eq!(source_dest("cmd/main.go"), "./cmd/");
        assert_eq!(source_dest("*.go"), "./");
        assert_eq!(source_dest("cmd/*.go"), "./cmd/");
        assert_eq!(source_dest("v1.2/"), "./v1.2/");
    }
}
