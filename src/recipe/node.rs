//! [`NodeBuild`]: a frontend built with npm in its own stage, its output at `/build/dist` for other
//! stages to copy.

use crate::base::Base;
use crate::dsl::{Image, Run, Stage, StageHandle};

use super::{checked, join, relative_path, with_problems};

/// Where the build runs, and where its output ends up (`/build/dist`).
const BUILD_DIR: &str = "/build";
/// npm's download cache, kept across builds by a BuildKit cache mount.
const NPM_CACHE: &str = "/root/.npm";

/// A Node build stage: `npm ci` from the lockfile, then `npm run <script>`; the output is always at
/// `/build/dist`, whatever the tool calls it, so other stages copy it from there.
///
/// `package.json` and `package-lock.json` are copied before the sources, so the install is reused
/// until they change. `<dir>/node_modules` is added to the image's `.dockerignore`, so a host's
/// `node_modules` (perhaps built for another platform) never overwrites the one `npm ci` made.
///
/// ```
/// use dockwright::recipe::NodeBuild;
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// let web = NodeBuild::new(Base::node("20").alpine()).dir("dashboard").add_to(&mut image);
/// image.stage(Stage::new("site", Base::alpine("3.19")).copy_from(&web, ["/build/dist"], "/srv/www/"));
/// assert_eq!(
///     image.emit().unwrap(),
///     r#"FROM node:20-alpine AS frontend
/// WORKDIR /build
/// COPY ["dashboard/package.json", "dashboard/package-lock.json", "./"]
/// RUN --mount=type=cache,target=/root/.npm npm ci
/// COPY ["dashboard", "./"]
/// RUN npm run build
///
/// FROM alpine:3.19 AS site
/// COPY --from=frontend ["/build/dist", "/srv/www/"]
/// "#
/// );
/// assert_eq!(image.dockerignore_text(), "dashboard/node_modules\n");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct NodeBuild {
    base: Base,
    name: String,
    dir: String,
    script: String,
    output: String,
    prebuilt: Option<String>,
}

impl NodeBuild {
    /// A Node build on `node_base`, e.g. `Base::node("20").alpine()` or `.slim()`.
    ///
    /// ```
    /// use dockwright::recipe::NodeBuild;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// NodeBuild::new(Base::node("20").slim()).add_to(&mut image);
    /// assert!(image.emit().unwrap().starts_with(
    ///     "FROM node:20-slim AS frontend\nWORKDIR /build\nCOPY [\"package.json\", \"package-lock.json\", \"./\"]\n"
    /// ));
    /// ```
    pub fn new(node_base: impl Into<Base>) -> Self {
        NodeBuild {
            base: node_base.into(),
            name: "frontend".to_string(),
            dir: ".".to_string(),
            script: "build".to_string(),
            output: "dist".to_string(),
            prebuilt: None,
        }
    }

    /// The stage's name (default `frontend`).
    ///
    /// ```
    /// use dockwright::recipe::NodeBuild;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// NodeBuild::new(Base::node("20").alpine()).name("dashboard").add_to(&mut image);
    /// assert!(image.emit().unwrap().starts_with("FROM node:20-alpine AS dashboard\n"));
    /// ```
    pub fn name(mut self, stage: &str) -> Self {
        self.name = stage.to_string();
        self
    }

    /// The directory in the build context holding `package.json` (default `.`).
    ///
    /// ```
    /// use dockwright::recipe::NodeBuild;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// NodeBuild::new(Base::node("20").alpine()).dir("frontend/").add_to(&mut image);
    /// let dockerfile = image.emit().unwrap();
    /// assert!(dockerfile.contains("COPY [\"frontend/package.json\", \"frontend/package-lock.json\", \"./\"]\n"));
    /// assert!(dockerfile.contains("COPY [\"frontend\", \"./\"]\n"));
    /// ```
    pub fn dir(mut self, path: &str) -> Self {
        let path = path.trim_start_matches("./").trim_end_matches('/');
        self.dir = if path.is_empty() { ".".to_string() } else { path.to_string() };
        self
    }

    /// The npm script that builds (default `build`).
    ///
    /// ```
    /// use dockwright::recipe::NodeBuild;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// NodeBuild::new(Base::node("20").alpine()).script("build:prod").add_to(&mut image);
    /// assert!(image.emit().unwrap().ends_with("RUN npm run build:prod\n"));
    /// ```
    pub fn script(mut self, name: &str) -> Self {
        self.script = name.to_string();
        self
    }

    /// Where the script writes its output, relative to [`NodeBuild::dir`] (default `dist`); it is moved
    /// to `/build/dist` in the same step.
    ///
    /// ```
    /// use dockwright::recipe::NodeBuild;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// NodeBuild::new(Base::node("20").alpine()).output("build").add_to(&mut image);
    /// assert!(image.emit().unwrap().ends_with(
    ///     "RUN npm run build \\\n \
    ///      && mv build /tmp/dist \\\n \
    ///      && rm -rf dist \\\n \
    ///      && mv /tmp/dist dist\n"
    /// ));
    /// ```
    pub fn output(mut self, path: &str) -> Self {
        self.output = path.to_string();
        self
    }

    /// Uses an output built beforehand, at `path` in the build context, instead of running npm: the
    /// stage is `FROM scratch` and only copies it to `/build/dist`, so nothing is pulled or downloaded.
    ///
    /// ```
    /// use dockwright::recipe::NodeBuild;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// NodeBuild::new(Base::node("20").alpine()).prebuilt("dashboard/dist").add_to(&mut image);
    /// assert_eq!(image.emit().unwrap(), "FROM scratch AS frontend\nCOPY [\"dashboard/dist\", \"/build/dist/\"]\n");
    /// ```
    pub fn prebuilt(mut self, path: &str) -> Self {
        self.prebuilt = Some(path.to_string());
        self
    }

    /// Adds the stage to `image` and returns its handle: copy `/build/dist` from it.
    ///
    /// ```
    /// use dockwright::recipe::NodeBuild;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// let web = NodeBuild::new(Base::node("20").alpine()).add_to(&mut image);
    /// assert_eq!(web.name(), "frontend");
    /// assert!(image.emit().unwrap().contains("RUN --mount=type=cache,target=/root/.npm npm ci\nCOPY [\".\", \"./\"]\n"));
    /// ```
    pub fn add_to(self, image: &mut Image) -> StageHandle {
        let dist = format!("{BUILD_DIR}/dist/");
        if let Some(prebuilt) = &self.prebuilt {
            return image.stage(Stage::new(&self.name, Base::scratch()).copy([prebuilt.as_str()], &dist));
        }
        let ignore = join(&self.dir, "node_modules");
        if !image.dockerignore_text().lines().any(|line| line == ignore || line == "**/node_modules") {
            *image = std::mem::take(image).dockerignore([ignore]);
        }
        let mut problems = Vec::new();
        let script = checked(&mut problems, "npm script", &self.script, "build");
        let output = relative_path("output", &self.output).unwrap_or_else(|err| {
            problems.push(err);
            "dist".to_string()
        });
        let build = if output == "dist" {
            Run::sh(format!("npm run {script}"))
        } else {
            Run::steps([
                format!("npm run {script}"),
                format!("mv {output} /tmp/dist"),
                "rm -rf dist".to_string(),
                "mv /tmp/dist dist".to_string(),
            ])
        };
        // As root (a Red Hat language image runs as uid 1001), switching back at the end.
        let stage = Stage::new(&self.name, self.base).as_root(|stage| {
            stage
                .workdir(BUILD_DIR)
                .copy([join(&self.dir, "package.json"), join(&self.dir, "package-lock.json")], "./")
                .run(Run::sh("npm ci").cache(NPM_CACHE))
                .copy([self.dir.as_str()], "./")
                .run(build)
        });
        image.stage(with_problems(stage, problems))
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn emit(node: NodeBuild) -> String {
        let mut image = Image::new();
        node.add_to(&mut image);
        image.emit().unwrap()
    }

    fn alpine() -> NodeBuild {
        NodeBuild::new(Base::node("20").alpine())
    }

    #[test]
    fn defaults() {
        assert_eq!(
            emit(alpine()),
            "FROM node:20-alpine AS frontend\n\
             WORKDIR /build\n\
             COPY [\"package.json\", \"package-lock.json\", \"./\"]\n\
             RUN --mount=type=cache,target=/root/.npm npm ci\n\
             COPY [\".\", \"./\"]\n\
             RUN npm run build\n"
        );
    }

    #[test]
    fn lockfile_comes_before_sources() {
        let text = emit(alpine().dir("web"));
        let at = |needle: &str| text.find(needle).unwrap();
        assert!(at("web/package-lock.json") < at("npm ci"));
        assert!(at("npm ci") < at("COPY [\"web\", \"./\"]"));
        assert!(at("COPY [\"web\", \"./\"]") < at("npm run build"));
    }

    #[test]
    fn options() {
        let text = emit(alpine().name("dashboard").dir("./ui/").script("build:prod").output("./out/web/"));
        assert!(text.starts_with("FROM node:20-alpine AS dashboard\n"));
        assert!(text.contains("COPY [\"ui/package.json\", \"ui/package-lock.json\", \"./\"]\n"), "{text}");
        assert!(text.ends_with(
            "RUN npm run build:prod \\\n && mv out/web /tmp/dist \\\n && rm -rf dist \\\n && mv /tmp/dist dist\n"
        ));
    }

    #[test]
    fn output_nested_in_dist_is_moved_out_first() {
        let text = emit(alpine().output("dist/app/browser"));
        assert!(text.contains("mv dist/app/browser /tmp/dist \\\n && rm -rf dist \\\n && mv /tmp/dist dist\n"));
    }

    #[test]
    fn prebuilt_uses_no_npm() {
        let text = emit(alpine().name("ui").dir("web").prebuilt("web/dist"));
        assert_eq!(text, "FROM scratch AS ui\nCOPY [\"web/dist\", \"/build/dist/\"]\n");
    }

    #[test]
    fn node_modules_is_ignored_once() {
        let mut image = Image::new().dockerignore([".git"]);
        alpine().dir("web").add_to(&mut image);
        alpine().dir("web").name("again").add_to(&mut image);
        alpine().name("root").add_to(&mut image);
        assert_eq!(image.dockerignore_text(), ".git\nweb/node_modules\nnode_modules\n");
        let mut image = Image::new().dockerignore(["**/node_modules"]);
        alpine().dir("web").add_to(&mut image);
        assert_eq!(image.dockerignore_text(), "**/node_modules\n");
    }

    #[test]
    fn bad_inputs_are_reported() {
        let mut image = Image::new();
        alpine().script("build && curl evil").output("../out").add_to(&mut image);
        let err = image.validate().unwrap_err().to_string();
        assert!(err.starts_with("2 problems:"), "{err}");
        assert!(
            err.contains("stage 'frontend': npm script \"build && curl evil\" cannot go into a shell command"),
            "{err}"
        );
        assert!(err.contains("stage 'frontend': output \"../out\" must be a relative path"), "{err}");
    }
}
