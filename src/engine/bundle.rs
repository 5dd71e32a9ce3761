//! Bundles: images saved as one tar each plus a `SHA256SUMS` manifest, for carrying to an air-gapped host.
//!
//! A bundle is complete exactly when its manifest exists: [`Engine::save`] removes an old manifest first,
//! writes every tar through a temporary file renamed into place, and writes the manifest last, the same
//! way. [`Engine::load`] checks every file against the manifest before it loads anything.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use bollard::query_parameters::{ImportImageOptionsBuilder, RemoveImageOptions, TagImageOptionsBuilder};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use super::{Engine, EngineError, EngineErrorKind, EngineKind};
use crate::model::ImageRef;

/// The manifest's file name; its lines are `sha256sum`'s: `<hex digest>  <file name>`.
pub const SUMS_FILE: &str = "SHA256SUMS";

/// A directory of saved images, as [`Engine::save`] wrote it.
///
/// ```no_run
/// use dockwright::engine::Engine;
///
/// let engine = Engine::connect()?;
/// let bundle = engine.save(&["dockwright/debian:bookworm-slim"], "bundle".as_ref())?;
/// assert_eq!(bundle.manifest, bundle.dir.join("SHA256SUMS"));
/// assert_eq!(bundle.files[0].file, "dockwright_debian_bookworm-slim.tar");
/// # Ok::<(), dockwright::engine::EngineError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The directory.
    pub dir: PathBuf,
    /// The manifest, `<dir>/SHA256SUMS`.
    pub manifest: PathBuf,
    /// One tar per image, in the order asked for.
    pub files: Vec<BundleFile>,
}

/// One image's tar in a [`Bundle`].
///
/// ```no_run
/// use dockwright::engine::Engine;
///
/// let engine = Engine::connect()?;
/// let bundle = engine.save(&["dockwright/debian:bookworm-slim"], "bundle".as_ref())?;
/// let file = &bundle.files[0];
/// assert_eq!(file.image, "dockwright/debian:bookworm-slim");
/// assert_eq!(file.sha256.len(), 64);
/// assert_eq!(std::fs::metadata(bundle.dir.join(&file.file))?.len(), file.size);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    /// The image as it was named to [`Engine::save`].
    pub image: String,
    /// The tar's file name in the bundle directory.
    pub file: String,
    /// The tar's SHA-256, lowercase hex.
    pub sha256: String,
    /// The tar's size in bytes.
    pub size: u64,
}

impl Engine {
    /// Saves each image to its own tar in `dir` (created if missing) and writes the `SHA256SUMS` manifest.
    ///
    /// The tar names the image as Docker does, whichever engine saves it: Podman files an image built
    /// as `app:1` under `localhost/app:1` and saves it by that name, which Docker would load as
    /// `localhost/app:1`, not the `app:1` a compose file runs; so on Podman an image named without a
    /// registry is saved as `docker.io/library/app:1` (Docker's full form of `app:1`, which both
    /// engines load as a name `app:1` finds), tagged for the save and untagged after. When Podman holds
    /// a different image under that full name already, the save is refused.
    ///
    /// ```no_run
    /// use dockwright::engine::Engine;
    ///
    /// let engine = Engine::connect()?;
    /// let bundle = engine.save(&["dockwright/debian:bookworm-slim", "dockwright/python:3.11-slim"], "bundle".as_ref())?;
    /// let manifest = std::fs::read_to_string(&bundle.manifest)?;
    /// assert_eq!(manifest.lines().count(), 2);
    /// assert!(manifest.lines().all(|line| line.len() > 66 && &line[64..66] == "  "));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save(&self, images: &[&str], dir: &Path) -> Result<Bundle, EngineError> {
        std::fs::create_dir_all(dir).map_err(|err| EngineError::io("create the bundle directory", dir, err))?;
        let manifest = dir.join(SUMS_FILE);
        match std::fs::remove_file(&manifest) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                return Err(EngineError::io("remove the old manifest", &manifest, err));
            }
            _ => {}
        }
        let docker = self.patient();
        let mut used = HashSet::new();
        let mut files = Vec::new();
        for &image in images {
            // Asking first turns a missing image into a clear NotFound, before any bytes are written.
            let found = self
                .block_on(docker.inspect_image(image))
                .map_err(|err| EngineError::api(&format!("cannot save image '{image}'"), err))?;
            // An image asked for by (a prefix of) its id is saved as it is.
            let by_id = found
                .id
                .as_deref()
                .is_some_and(|id| id.trim_start_matches("sha256:").starts_with(image.trim_start_matches("sha256:")));
            let (export, untag) = match (self.kind, docker_full_name(image)) {
                (EngineKind::Podman, Some(full)) if !by_id => {
                    self.podman_full_name(image, found.id.as_deref(), full)?
                }
                _ => (image.to_string(), None),
            };
            let saved = self.export(image, &export, dir);
            if let Some(tag) = untag {
                // Only the name added for the save: the image keeps its own.
                self.block_on(docker.remove_image(&tag, None::<RemoveImageOptions>, None)).map_err(|err| {
                    EngineError::api(&format!("cannot remove the name '{tag}' added to save '{image}'"), err)
                })?;
            }
            let (sha256, size, temp) = saved?;
            let file = unique_file_name(image, &mut used);
            let path = dir.join(&file);
            temp.persist(&path).map_err(|err| EngineError::io("write", &path, err.error))?;
            files.push(BundleFile { image: image.to_string(), file, sha256, size });
        }
        let sums: String = files.iter().map(|file| format!("{}  {}\n", file.sha256, file.file)).collect();
        let mut temp = tempfile::Builder::new()
            .prefix(".dockwright-save-")
            .tempfile_in(dir)
            .map_err(|err| EngineError::io("create a temporary file in", dir, err))?;
        temp.write_all(sums.as_bytes())
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|err| EngineError::io("write", &manifest, err))?;
        temp.persist(&manifest).map_err(|err| EngineError::io("write", &manifest, err.error))?;
        Ok(Bundle { dir: dir.to_path_buf(), manifest, files })
    }

    /// Streams the engine's tar of `export` (the image `image`) into a synced temporary file in `dir`:
    /// its SHA-256, size and the file.
    fn export(
        &self,
        image: &str,
        export: &str,
        dir: &Path,
    ) -> Result<(String, u64, tempfile::NamedTempFile), EngineError> {
        let docker = self.patient();
        let mut temp = tempfile::Builder::new()
            .prefix(".dockwright-save-")
            .tempfile_in(dir)
            .map_err(|err| EngineError::io("create a temporary file in", dir, err))?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        self.block_on(async {
            let mut stream = docker.export_image(export);
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|err| EngineError::api(&format!("cannot save image '{image}'"), err))?;
                hasher.update(&chunk);
                size += chunk.len() as u64;
                temp.write_all(&chunk).map_err(|err| EngineError::io("write", temp.path(), err))?;
            }
            Ok::<(), EngineError>(())
        })?;
        temp.as_file().sync_all().map_err(|err| EngineError::io("write", temp.path(), err))?;
        Ok((format!("{:x}", hasher.finalize()), size, temp))
    }

    /// On Podman, the name to save `image` (whose id is `id`) under so the tar names it as Docker
    /// does (`full`), and the name to remove afterwards when it was added for the save.
    fn podman_full_name(
        &self,
        image: &str,
        id: Option<&str>,
        full: String,
    ) -> Result<(String, Option<String>), EngineError> {
        let docker = self.patient();
        match self.block_on(docker.inspect_image(&full)) {
            Ok(existing) if existing.id.as_deref() == id => Ok((full, None)),
            Ok(_) => Err(EngineError::new(
                EngineErrorKind::InvalidRequest,
                format!(
                    "cannot save image '{image}' from Podman: Podman also holds another image named '{full}', the name \
                     Docker would load it as; remove or rename one of them, or name the image with its registry"
                ),
            )),
            Err(_) => {
                let (repo, tag) = full.rsplit_once(':').unwrap_or((full.as_str(), "latest"));
                let options = TagImageOptionsBuilder::new().repo(repo).tag(tag).build();
                self.block_on(docker.tag_image(image, Some(options))).map_err(|err| {
                    EngineError::api(&format!("cannot name image '{image}' '{full}' to save it"), err)
                })?;
                Ok((full.clone(), Some(full)))
            }
        }
    }

    /// Loads a bundle written by [`Engine::save`] or [`Engine::bundle`]: checks every file against
    /// `SHA256SUMS` first (nothing is loaded if one differs or is missing), loads each `*.tar` (a
    /// project bundle's compose file, Quadlet units and scripts are checked, not loaded), then checks
    /// that every image it named exists. Returns the loaded images' names.
    ///
    /// ```no_run
    /// use dockwright::engine::Engine;
    ///
    /// let engine = Engine::connect()?;
    /// let loaded = engine.load("bundle".as_ref())?;
    /// assert!(loaded.contains(&"dockwright/debian:bookworm-slim".to_string()));
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn load(&self, dir: &Path) -> Result<Vec<String>, EngineError> {
        let manifest = dir.join(SUMS_FILE);
        let sums = std::fs::read_to_string(&manifest).map_err(|err| {
            EngineError::io("read the manifest (a bundle is complete only once Engine::save wrote it)", &manifest, err)
        })?;
        let entries = parse_sums(&sums).map_err(|message| {
            EngineError::new(EngineErrorKind::Checksum, format!("{}: {message}", manifest.display()))
        })?;
        for (expected, file) in &entries {
            let path = dir.join(file);
            let actual = sha256_file(&path)?;
            if !actual.eq_ignore_ascii_case(expected) {
                return Err(EngineError::new(
                    EngineErrorKind::Checksum,
                    format!(
                        "checksum mismatch for {}: {SUMS_FILE} says {expected}, the file hashes to {actual}: \
                         the file is corrupt or was changed; copy the bundle again",
                        path.display()
                    ),
                ));
            }
        }
        let docker = self.patient();
        let mut loaded: Vec<String> = Vec::new();
        let tars: Vec<&String> = entries.iter().map(|(_, file)| file).filter(|file| file.ends_with(".tar")).collect();
        // A bundle that lists files but no image is missing its images; one that lists nothing (an
        // empty save) loads nothing.
        if tars.is_empty() && !entries.is_empty() {
            return Err(EngineError::new(
                EngineErrorKind::Checksum,
                format!("{} lists no image tar: the bundle is incomplete; copy it again", manifest.display()),
            ));
        }
        for file in tars {
            let path = dir.join(file);
            let what = format!("cannot load {}", path.display());
            let mut reader = std::fs::File::open(&path).map_err(|err| EngineError::io("open", &path, err))?;
            let chunks = std::iter::from_fn(move || {
                let mut buf = vec![0; 1 << 20];
                match reader.read(&mut buf) {
                    Ok(0) => None,
                    Ok(n) => {
                        buf.truncate(n);
                        Some(Ok(buf.into()))
                    }
                    Err(err) => Some(Err(err)),
                }
            });
            let names = self.block_on(async {
                let options = ImportImageOptionsBuilder::new().quiet(true).build();
                let mut stream = docker.import_image_stream(options, futures_util::stream::iter(chunks), None);
                let mut names = Vec::new();
                while let Some(info) = stream.next().await {
                    let info = info.map_err(|err| EngineError::api(&what, err))?;
                    for line in info.stream.as_deref().unwrap_or_default().lines() {
                        if let Some(name) =
                            line.strip_prefix("Loaded image: ").or_else(|| line.strip_prefix("Loaded image ID: "))
                        {
                            names.push(name.trim().to_string());
                        }
                    }
                }
                Ok::<_, EngineError>(names)
            })?;
            if names.is_empty() {
                return Err(EngineError::new(EngineErrorKind::Api, format!("{what}: the engine named no image in it")));
            }
            for name in names {
                if !loaded.contains(&name) {
                    loaded.push(name);
                }
            }
        }
        for name in &loaded {
            self.block_on(docker.inspect_image(name)).map_err(|err| {
                EngineError::api(&format!("image '{name}' was loaded from {} but is not there", dir.display()), err)
            })?;
        }
        Ok(loaded)
    }
}

/// The tar's file name for `image`: its reference with `/`, `:` and `@` made `_`, unique in the bundle.
/// Docker's full form of an image named without a registry (`app:1` is `docker.io/library/app:1`,
/// `team/app` is `docker.io/team/app:latest`); `None` for a name with a registry or a digest, or
/// that is no image reference (an id).
fn docker_full_name(image: &str) -> Option<String> {
    if image.len() == 64 && image.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let reference = ImageRef::parse(image).ok()?;
    if reference.registry().is_some() || reference.digest().is_some() {
        return None;
    }
    let repository = reference.repository();
    let library = if repository.contains('/') { "" } else { "library/" };
    Some(format!("docker.io/{library}{repository}:{}", reference.tag().unwrap_or("latest")))
}

fn unique_file_name(image: &str, used: &mut HashSet<String>) -> String {
    let stem: String = image
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    let stem = stem.trim_start_matches('.');
    let mut name = format!("{stem}.tar");
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{stem}-{n}.tar");
        n += 1;
    }
    name
}

/// The entries of a `sha256sum` manifest: (hex digest, file name). File names must be plain names in the
/// bundle directory.
fn parse_sums(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut entries = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        let (digest, rest) =
            line.split_at_checked(64).ok_or_else(|| format!("line {number} is not `<sha256>  <file>`"))?;
        let file = rest
            .strip_prefix("  ")
            .or_else(|| rest.strip_prefix(" *"))
            .filter(|_| digest.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| format!("line {number} is not `<sha256>  <file>`"))?;
        // A file in the directory or below it (a project bundle's `quadlet/` units): never above it.
        let inside = !file.starts_with('/')
            && !file.contains('\\')
            && file.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
        if !inside {
            return Err(format!("line {number} names {file:?}, which is not a file in the bundle directory"));
        }
        entries.push((digest.to_ascii_lowercase(), file.to_string()));
    }
    Ok(entries)
}

/// The SHA-256 of a file, lowercase hex.
fn sha256_file(path: &Path) -> Result<String, EngineError> {
    let mut file = std::fs::File::open(path).map_err(|err| EngineError::io("open", path, err))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|err| EngineError::io("read", path, err))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(format!("{:x}", hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain_and_unique() {
        let mut used = HashSet::new();
        assert_eq!(
            unique_file_name("dockwright/debian:bookworm-slim", &mut used),
            "dockwright_debian_bookworm-slim.tar"
        );
        assert_eq!(
            unique_file_name("dockwright_debian:bookworm-slim", &mut used),
            "dockwright_debian_bookworm-slim-2.tar"
        );
        assert_eq!(unique_file_name("reg:5000/a@sha256:ab", &mut used), "reg_5000_a_sha256_ab.tar");
    }

    #[test]
    fn names_without_a_registry_in_docker_s_full_form() {
        for (image, full) in [
            ("app:1", Some("docker.io/library/app:1")),
            ("app", Some("docker.io/library/app:latest")),
            ("dockwright-test/podman-bundle:1", Some("docker.io/dockwright-test/podman-bundle:1")),
            ("localhost/app:1", None),
            ("localhost:5000/app:1", None),
            ("docker.io/library/app:1", None),
            ("ghcr.io/org/app:1", None),
        ] {
            assert_eq!(docker_full_name(image).as_deref(), full, "{image}");
        }
        assert_eq!(docker_full_name(&format!("app@sha256:{}", "a".repeat(64))), None);
        // An image id, never a name (Docker refuses 64 hex digits as a repository).
        assert_eq!(docker_full_name(&"a".repeat(64)), None);
    }

    #[test]
    fn sums_in_both_sha256sum_modes() {
        let digest = "a".repeat(64);
        let text = format!("{digest}  one.tar\n{} *two.tar\n", "B".repeat(64));
        assert_eq!(
            parse_sums(&text).unwrap(),
            [(digest, "one.tar".to_string()), ("b".repeat(64), "two.tar".to_string())]
        );
    }

    #[test]
    fn sums_reject_paths_and_garbage() {
        let digest = "a".repeat(64);
        assert_eq!(
            parse_sums(&format!("{digest}  ../etc/passwd\n")).unwrap_err(),
            "line 1 names \"../etc/passwd\", which is not a file in the bundle directory"
        );
        for outside in ["/etc/passwd", "a/../../x", "quadlet//a", "./a", "a\\b", "quadlet/"] {
            assert_eq!(
                parse_sums(&format!("{digest}  {outside}\n")).unwrap_err(),
                format!("line 1 names {outside:?}, which is not a file in the bundle directory")
            );
        }
        // A project bundle's Quadlet units are below the directory.
        assert_eq!(
            parse_sums(&format!("{digest}  quadlet/p-app.container\n")).unwrap(),
            [(digest.clone(), "quadlet/p-app.container".to_string())]
        );
        assert_eq!(parse_sums("not a line\n").unwrap_err(), "line 1 is not `<sha256>  <file>`");
        assert_eq!(
            parse_sums(&format!("{}  x.tar\n", "g".repeat(64))).unwrap_err(),
            "line 1 is not `<sha256>  <file>`"
        );
        assert_eq!(parse_sums("\n").unwrap(), []);
    }
}
