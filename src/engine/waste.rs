//! Layer waste and image efficiency as dive 0.13.1 reports them, computed from a saved image.
//!
//! [`layer_waste`] is the computation alone: the entries of each layer tar in, the waste and the score
//! out; no engine, no IO. [`read_image_archive`] reads the layers of a `docker save` tar (both the
//! Docker 25+ OCI layout and the older one, through `manifest.json`), and [`Engine::waste`] saves an
//! image and does both.
//!
//! The definition, dive's own, is in [`layer_waste`]'s documentation.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Read;
use std::path::Path;

use super::{Engine, EngineError, EngineErrorKind};

/// The prefix of a whiteout entry: `dir/.wh.name` deletes `dir/name` from the layers below.
const WHITEOUT: &str = ".wh.";
/// The prefix of an opaque-directory marker (`.wh..wh..opq`), which dive never adds to a tree.
const OPAQUE: &str = ".wh..wh..";

/// One entry of a layer tar, as dive keeps it: its path (`etc/nginx/nginx.conf`, a whiteout
/// `etc/.wh.nginx`), the size its tar header gives, and whether it is a directory.
///
/// ```
/// use dockwright::engine::FileEntry;
///
/// let file = FileEntry::file("/etc/app.conf", 120);
/// assert_eq!((file.path.as_str(), file.size, file.is_dir), ("/etc/app.conf", 120, false));
/// assert!(FileEntry::dir("etc/").is_dir);
/// assert_eq!(FileEntry::whiteout("/tmp/big").path, "/tmp/.wh.big");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// The path as the tar names it (leading `/`, `./` and a trailing `/` do not matter).
    pub path: String,
    /// The tar header's size: the bytes of a regular file, 0 for anything else.
    pub size: u64,
    /// Whether the entry is a directory.
    pub is_dir: bool,
}

impl FileEntry {
    /// A file (or symlink, size 0) of `size` bytes.
    ///
    /// ```
    /// assert_eq!(dockwright::engine::FileEntry::file("a", 3).size, 3);
    /// ```
    #[must_use]
    pub fn file(path: impl Into<String>, size: u64) -> Self {
        FileEntry { path: path.into(), size, is_dir: false }
    }

    /// A directory.
    ///
    /// ```
    /// let dir = dockwright::engine::FileEntry::dir("var/lib");
    /// assert_eq!((dir.size, dir.is_dir), (0, true));
    /// ```
    #[must_use]
    pub fn dir(path: impl Into<String>) -> Self {
        FileEntry { path: path.into(), size: 0, is_dir: true }
    }

    /// The whiteout that deletes `path`: `dir/.wh.name`, size 0.
    ///
    /// ```
    /// assert_eq!(dockwright::engine::FileEntry::whiteout("big").path, ".wh.big");
    /// ```
    #[must_use]
    pub fn whiteout(path: &str) -> Self {
        let path = path.trim_end_matches('/');
        let (dir, name) = match path.rsplit_once('/') {
            Some((dir, name)) => (format!("{dir}/"), name),
            None => (String::new(), path),
        };
        FileEntry::file(format!("{dir}{WHITEOUT}{name}"), 0)
    }
}

/// A path found in more than one layer: dive's "inefficient file".
///
/// ```
/// use dockwright::engine::{layer_waste, FileEntry};
///
/// let waste = layer_waste(&[vec![FileEntry::file("big", 3000)], vec![FileEntry::whiteout("big")]]);
/// let big = &waste.inefficiencies[0];
/// assert_eq!((big.path.as_str(), big.count, big.bytes), ("/big", 2, 3000));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inefficiency {
    /// The path, from the root (`/var/cache/apt/pkgcache.bin`).
    pub path: String,
    /// How many layers have it (a whiteout counts).
    pub count: usize,
    /// The bytes of all its copies, the final one included (dive's `sizeBytes`).
    pub bytes: u64,
}

/// Layer waste and image efficiency as dive reports them (its `--json` export's `image` object).
///
/// ```
/// use dockwright::engine::{layer_waste, FileEntry};
///
/// // dive's own test (dive/filetree/efficiency_test.go): nginx.conf written twice, then /etc/nginx
/// // deleted by a whiteout (its directory had no entry of its own, so it sizes 0, as in dive).
/// let waste = layer_waste(&[
///     vec![FileEntry::file("/etc/nginx/nginx.conf", 2000), FileEntry::file("/etc/nginx/public", 3000)],
///     vec![FileEntry::file("/etc/nginx/nginx.conf", 5000), FileEntry::file("/etc/athing", 10000)],
///     vec![FileEntry::whiteout("/etc/nginx")],
/// ]);
/// assert_eq!(waste.efficiency, 0.75);
/// assert_eq!(waste.wasted_bytes, 7000);
/// assert_eq!(waste.layer_bytes, [5000, 15000, 0]);
/// assert_eq!((waste.size_bytes(), waste.user_size_bytes()), (20000, 15000));
/// assert_eq!(waste.to_string(), "efficiency 75.00 %, wasted 7.0 kB (1 path in more than one layer)");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LayerWaste {
    /// dive's efficiency score, 0 to 1 (1: no path is written twice or deleted).
    pub efficiency: f64,
    /// dive's wasted bytes (`inefficientBytes`): the sum of [`Inefficiency::bytes`].
    pub wasted_bytes: u64,
    /// Every path in more than one layer, largest first (then by path).
    pub inefficiencies: Vec<Inefficiency>,
    /// Each layer's file bytes (the sum of its tar entries' sizes), oldest first: dive's layer sizes.
    pub layer_bytes: Vec<u64>,
}

impl LayerWaste {
    /// The file bytes of all layers (dive's `sizeBytes`).
    ///
    /// ```
    /// use dockwright::engine::{layer_waste, FileEntry};
    ///
    /// assert_eq!(layer_waste(&[vec![FileEntry::file("a", 2)], vec![FileEntry::file("b", 3)]]).size_bytes(), 5);
    /// ```
    #[must_use]
    pub fn size_bytes(&self) -> u64 {
        self.layer_bytes.iter().sum()
    }

    /// The file bytes of every layer but the first (dive's "user size": what the image adds to its
    /// base's first layer).
    ///
    /// ```
    /// use dockwright::engine::{layer_waste, FileEntry};
    ///
    /// assert_eq!(layer_waste(&[vec![FileEntry::file("a", 2)], vec![FileEntry::file("b", 3)]]).user_size_bytes(), 3);
    /// ```
    #[must_use]
    pub fn user_size_bytes(&self) -> u64 {
        self.layer_bytes.iter().skip(1).sum()
    }

    /// Wasted bytes as a share of the user size (dive's `userWastedPercent`, as a ratio); `None` when
    /// the image has one layer.
    ///
    /// ```
    /// use dockwright::engine::{layer_waste, FileEntry};
    ///
    /// let waste = layer_waste(&[vec![FileEntry::file("a", 2)], vec![FileEntry::file("a", 6)]]);
    /// assert_eq!(waste.user_wasted_ratio(), Some(8.0 / 6.0));
    /// assert_eq!(layer_waste(&[vec![FileEntry::file("a", 2)]]).user_wasted_ratio(), None);
    /// ```
    #[must_use]
    pub fn user_wasted_ratio(&self) -> Option<f64> {
        let user = self.user_size_bytes();
        (self.layer_bytes.len() > 1 && user > 0).then(|| self.wasted_bytes as f64 / user as f64)
    }
}

impl fmt::Display for LayerWaste {
    /// `efficiency 96.14 %, wasted 3.0 MB (3 paths in more than one layer)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let paths = match self.inefficiencies.len() {
            1 => "1 path".to_string(),
            n => format!("{n} paths"),
        };
        write!(
            f,
            "efficiency {:.2} %, wasted {} ({paths} in more than one layer)",
            self.efficiency * 100.0,
            crate::model::bytes_text(self.wasted_bytes)
        )
    }
}

/// What dive keeps of an entry: its size and whether it is a directory.
#[derive(Debug, Clone, Copy, Default)]
struct Info {
    size: u64,
    is_dir: bool,
}

/// A node of a layer's file tree (dive's `FileNode`): children by name, in byte order.
#[derive(Debug, Clone, Default)]
struct Node {
    info: Info,
    children: BTreeMap<String, Node>,
}

impl Node {
    /// dive's `AddPath`: walks `path` from this root, creating missing nodes with an empty payload
    /// (not a directory, size 0), and gives the last one `info`. A name starting `.wh..wh..` that is
    /// not there yet stops the walk: it is never added.
    fn add_path(&mut self, path: &str, info: Info) {
        let names: Vec<&str> = path.split('/').filter(|name| !name.is_empty()).collect();
        let mut node = self;
        for (index, name) in names.iter().enumerate() {
            if !node.children.contains_key(*name) {
                if name.starts_with(OPAQUE) {
                    return;
                }
                node.children.insert((*name).to_string(), Node::default());
            }
            node = node.children.get_mut(*name).expect("inserted above");
            if index == names.len() - 1 {
                node.info = info;
            }
        }
    }

    /// dive's `GetNode`.
    fn get(&self, path: &str) -> Option<&Node> {
        path.split('/').filter(|name| !name.is_empty()).try_fold(self, |node, name| node.children.get(name))
    }

    /// dive's `RemovePath`: nothing happens when the path is not there.
    fn remove(&mut self, path: &str) {
        let names: Vec<&str> = path.split('/').filter(|name| !name.is_empty()).collect();
        let Some((last, parents)) = names.split_last() else { return };
        let mut node = self;
        for name in parents {
            match node.children.get_mut(*name) {
                Some(child) => node = child,
                None => return,
            }
        }
        node.children.remove(*last);
    }

    /// dive's `Stack`: `upper`'s nodes, children first, onto this tree; a whiteout removes what it
    /// names, anything else is added (replacing the payload, keeping the children).
    fn stack(&mut self, upper: &Node) {
        fn graft(tree: &mut Node, node: &Node, path: &str, name: &str) {
            for (child_name, child) in &node.children {
                graft(tree, child, &format!("{path}/{child_name}"), child_name);
            }
            if name.starts_with(WHITEOUT) {
                tree.remove(&whiteout_target(path));
            } else if !path.is_empty() {
                tree.add_path(path, node.info);
            }
        }
        graft(self, upper, "", "");
    }

    /// The sizes of this node and everything under it.
    fn total(&self) -> u64 {
        self.info.size + self.children.values().map(Node::total).sum::<u64>()
    }
}

/// The path a whiteout node at `path` stands for (dive's `Path()`: the prefix dropped from the last
/// name only).
fn whiteout_target(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/{}", name.strip_prefix(WHITEOUT).unwrap_or(name)),
        None => path.strip_prefix(WHITEOUT).unwrap_or(path).to_string(),
    }
}

/// A layer's tree, built from its entries as dive's `processLayerTar` does, and its file bytes.
fn layer_tree(entries: &[FileEntry]) -> (Node, u64) {
    let mut root = Node::default();
    let mut bytes = 0u64;
    for entry in entries {
        let path = clean(&entry.path);
        if path == "." {
            continue;
        }
        bytes = bytes.saturating_add(entry.size);
        root.add_path(&path, Info { size: entry.size, is_dir: entry.is_dir });
    }
    (root, bytes)
}

/// Go's `path.Clean`, as dive applies it to tar names.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            part => parts.push(part),
        }
    }
    match (rooted, parts.is_empty()) {
        (true, _) => format!("/{}", parts.join("/")),
        (false, true) => ".".to_string(),
        (false, false) => parts.join("/"),
    }
}

/// Per path: how many layers have it, the sum of its sizes, its smallest size (-1 until one is found).
struct PathData {
    count: usize,
    cumulative: i128,
    minimum: i128,
}

/// Layer waste and efficiency of an image whose layers (oldest first) hold `layers`: dive 0.13.1's
/// computation. No IO: the entries come from [`read_image_archive`] or anywhere else.
///
/// # dive's definition, followed exactly
///
/// dive (`dive/filetree/efficiency.go` and `dive/image/image.go` at v0.13.1) builds one file tree per
/// layer from the tar's entries, then visits every **leaf** of every layer tree, oldest layer first,
/// children in byte order of their names, and keys each by its path (a whiteout `.wh.name` counts as
/// `name`):
///
/// - a file, symlink, or empty directory adds its tar size (0 for all but regular files);
/// - a whiteout adds 0 when what it deletes was a file, and the sizes of the whole deleted subtree when
///   it was a directory (looked up in the layers below, stacked); a whiteout of a path the lower layers
///   do not have ends dive's visit of that layer (its later leaves are skipped) and leaves the path
///   with a minimum of -1, which is what dive's score then sums;
/// - an opaque-directory marker (`.wh..wh..opq`) is never added to a tree: the files it hides are not
///   counted as removed.
///
/// So a directory deleted whole (`rm -rf /cache` in a later layer) wastes nothing in dive's eyes: its
/// files are each in one layer, and its own path is a leaf only of the whiteout's layer (unless it was
/// an empty directory in an earlier one). dockwright reports what dive reports, not what the layers
/// really still store.
///
/// Every path seen in two or more layers is an *inefficiency*; its size is the sum over all its copies
/// (the one in the final image included), and the image's **wasted bytes** are the sum of those. The
/// **efficiency score** is the sum over every path of its smallest copy divided by the sum over every
/// path of all its copies (1 when nothing has any size). A directory entry that appears in two layers
/// is an inefficiency of 0 bytes, as in dive.
///
/// ```
/// use dockwright::engine::{layer_waste, FileEntry};
///
/// // A file written by one RUN and deleted by the next: all its bytes are wasted.
/// let waste = layer_waste(&[
///     vec![FileEntry::file("bin/sh", 1000)],
///     vec![FileEntry::dir("tmp/"), FileEntry::file("tmp/big", 3000)],
///     vec![FileEntry::dir("tmp/"), FileEntry::whiteout("tmp/big")],
/// ]);
/// assert_eq!(waste.wasted_bytes, 3000);
/// assert_eq!(waste.efficiency, 1000.0 / 4000.0);
/// assert_eq!(waste.inefficiencies.len(), 1);
/// ```
#[must_use]
pub fn layer_waste(layers: &[Vec<FileEntry>]) -> LayerWaste {
    let built: Vec<(Node, u64)> = layers.iter().map(|entries| layer_tree(entries)).collect();
    let trees: Vec<&Node> = built.iter().map(|(tree, _)| tree).collect();
    let mut paths: HashMap<String, PathData> = HashMap::new();
    let mut inefficient: Vec<String> = Vec::new();
    // The view below layer i (dive's `StackTreeRange(trees, 0, i-1)`), built once per layer.
    let mut below: HashMap<usize, Node> = HashMap::new();
    for (index, tree) in trees.iter().enumerate() {
        let mut leaves = Vec::new();
        collect_leaves(tree, "", "", &mut leaves);
        for (path, name, node) in leaves {
            let key = if name.starts_with(WHITEOUT) { whiteout_target(&path) } else { path.clone() };
            let data = paths.entry(key.clone()).or_insert(PathData { count: 0, cumulative: 0, minimum: -1 });
            let size = if name.starts_with(WHITEOUT) {
                let view = below.entry(index).or_insert_with(|| {
                    let mut view = trees[0].clone();
                    for lower in trees.iter().take(index) {
                        view.stack(lower);
                    }
                    view
                });
                match view.get(&key) {
                    // dive's visitor fails here, which ends its visit of this layer.
                    None => break,
                    Some(previous) if previous.info.is_dir => previous.total(),
                    Some(_) => 0,
                }
            } else {
                node.info.size
            };
            let size = i128::from(size);
            data.cumulative += size;
            if data.minimum < 0 || size < data.minimum {
                data.minimum = size;
            }
            data.count += 1;
            if data.count == 2 {
                inefficient.push(key);
            }
        }
    }
    let minimum: i128 = paths.values().map(|data| data.minimum).sum();
    let discovered: i128 = paths.values().map(|data| data.cumulative).sum();
    let efficiency = if discovered == 0 { 1.0 } else { minimum as f64 / discovered as f64 };
    let to_u64 = |value: i128| u64::try_from(value.max(0)).unwrap_or(u64::MAX);
    let mut inefficiencies: Vec<Inefficiency> = inefficient
        .into_iter()
        .map(|path| {
            let data = &paths[&path];
            Inefficiency { count: data.count, bytes: to_u64(data.cumulative), path }
        })
        .collect();
    inefficiencies.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
    let wasted_bytes = inefficiencies.iter().map(|inefficiency| inefficiency.bytes).sum();
    LayerWaste {
        efficiency,
        wasted_bytes,
        inefficiencies,
        layer_bytes: built.iter().map(|(_, bytes)| *bytes).collect(),
    }
}

/// The leaves of `node` in dive's visiting order (depth first, children before parents, names in
/// byte order), with their paths and names.
fn collect_leaves<'a>(node: &'a Node, path: &str, name: &'a str, out: &mut Vec<(String, &'a str, &'a Node)>) {
    for (child_name, child) in &node.children {
        collect_leaves(child, &format!("{path}/{child_name}"), child_name, out);
    }
    if !path.is_empty() && node.children.is_empty() {
        out.push((path.to_string(), name, node));
    }
}

/// The layers of an image saved with `docker save` (the tar at `archive`), oldest first: each layer
/// tar's entries, in the order `manifest.json` lists the layers (a layer listed twice is read once
/// and given twice, as dive does). Reads plain layer tars, which is what Docker's own image store
/// saves; a compressed layer is refused with a message saying so.
///
/// ```
/// use dockwright::engine::{read_image_archive, EngineErrorKind};
///
/// let err = read_image_archive("/nonexistent/image.tar".as_ref()).unwrap_err();
/// assert_eq!(err.kind(), EngineErrorKind::Io);
/// assert!(err.to_string().starts_with("cannot read image archive /nonexistent/image.tar: "));
/// ```
pub fn read_image_archive(archive: &Path) -> Result<Vec<Vec<FileEntry>>, EngineError> {
    let shown = archive.display();
    let io = |error: std::io::Error| {
        EngineError::new(EngineErrorKind::Io, format!("cannot read image archive {shown}: {error}"))
    };
    let bad = |why: String| EngineError::new(EngineErrorKind::Io, format!("image archive {shown} {why}"));
    // manifest.json comes last in what `docker save` writes: find it first, then read the layers it names.
    let mut manifest = None;
    let mut outer = tar::Archive::new(std::fs::File::open(archive).map_err(io)?);
    for entry in outer.entries().map_err(io)? {
        let mut entry = entry.map_err(io)?;
        if entry.path().map_err(io)?.as_os_str() == "manifest.json" {
            let mut text = String::new();
            entry.read_to_string(&mut text).map_err(io)?;
            manifest = Some(text);
            break;
        }
    }
    let manifest = manifest.ok_or_else(|| bad("has no manifest.json: give a tar written by `docker save`".into()))?;
    let layers = manifest_layers(&manifest).map_err(|why| bad(format!("has a manifest.json that {why}")))?;
    let mut read: HashMap<String, Vec<FileEntry>> = HashMap::new();
    let mut outer = tar::Archive::new(std::fs::File::open(archive).map_err(io)?);
    for entry in outer.entries().map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.path().map_err(io)?.to_string_lossy().into_owned();
        if layers.contains(&name) && !read.contains_key(&name) {
            let entries = layer_entries(entry).map_err(|why| bad(format!("has a layer {name} that {why}")))?;
            read.insert(name, entries);
        }
    }
    layers
        .iter()
        .map(|name| read.get(name).cloned().ok_or_else(|| bad(format!("lacks the layer {name} its manifest names"))))
        .collect()
}

/// The layer paths of the first image in a `manifest.json`.
fn manifest_layers(text: &str) -> Result<Vec<String>, String> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|error| format!("is not JSON: {error}"))?;
    let layers = json
        .get(0)
        .and_then(|image| image.get("Layers"))
        .and_then(|layers| layers.as_array())
        .ok_or("has no Layers list")?;
    layers
        .iter()
        .map(|layer| layer.as_str().map(str::to_string).ok_or_else(|| "lists a layer that is not a path".into()))
        .collect()
}

/// The entries of one layer tar.
fn layer_entries(mut reader: impl Read) -> Result<Vec<FileEntry>, String> {
    let mut head = [0u8; 4];
    let mut filled = 0;
    while filled < head.len() {
        match reader.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) => return Err(format!("cannot be read: {error}")),
        }
    }
    if head[..filled].starts_with(&[0x1f, 0x8b]) {
        return Err("is gzip-compressed: save the image from Docker's own image store (plain layer tars)".into());
    }
    if head[..filled].starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Err("is zstd-compressed: save the image from Docker's own image store (plain layer tars)".into());
    }
    let mut layer = tar::Archive::new(std::io::Cursor::new(head[..filled].to_vec()).chain(reader));
    let mut out = Vec::new();
    for entry in layer.entries().map_err(|error| format!("is not a tar: {error}"))? {
        let entry = entry.map_err(|error| format!("is not a tar: {error}"))?;
        let path = entry.path().map_err(|error| format!("has an unreadable path: {error}"))?;
        let header = entry.header();
        let kind = header.entry_type();
        if kind.is_pax_global_extensions()
            || kind.is_pax_local_extensions()
            || kind.is_gnu_longname()
            || kind.is_gnu_longlink()
        {
            continue;
        }
        let mode = header.mode().unwrap_or(0);
        let is_dir = kind.is_dir() || mode & 0o170_000 == 0o040_000;
        out.push(FileEntry { path: path.to_string_lossy().into_owned(), size: entry.size(), is_dir });
    }
    Ok(out)
}

impl Engine {
    /// Saves `image` (to a scratch directory, removed afterwards: it needs free space for the image's
    /// uncompressed layers) and computes its layer waste and efficiency as dive does ([`layer_waste`]
    /// over [`read_image_archive`]).
    ///
    /// ```no_run
    /// use dockwright::engine::Engine;
    ///
    /// let engine = Engine::connect()?;
    /// let waste = engine.waste("dockwright/debian:bookworm-slim")?;
    /// assert!(waste.efficiency > 0.0 && waste.efficiency <= 1.0);
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn waste(&self, image: &str) -> Result<LayerWaste, EngineError> {
        let scratch = tempfile::Builder::new()
            .prefix("dockwright-save-")
            .tempdir()
            .map_err(|err| EngineError::io("create a scratch directory in", &std::env::temp_dir(), err))?;
        let bundle = self.save(&[image], scratch.path())?;
        let file = bundle
            .files
            .first()
            .ok_or_else(|| EngineError::new(EngineErrorKind::Io, format!("saving image '{image}' wrote no tar")))?;
        let layers = read_image_archive(&bundle.dir.join(&file.file))?;
        Ok(layer_waste(&layers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn paths(waste: &LayerWaste) -> Vec<(&str, usize, u64)> {
        waste.inefficiencies.iter().map(|i| (i.path.as_str(), i.count, i.bytes)).collect()
    }

    #[test]
    fn a_file_overwritten_counts_every_copy() {
        let waste = layer_waste(&[
            vec![FileEntry::dir("etc/"), FileEntry::file("etc/app.conf", 100), FileEntry::file("etc/os", 50)],
            vec![FileEntry::dir("etc/"), FileEntry::file("etc/app.conf", 300)],
        ]);
        // /etc is a leaf of neither layer (both give it children): only app.conf is in both.
        assert_eq!(paths(&waste), [("/etc/app.conf", 2, 400)]);
        assert_eq!(waste.wasted_bytes, 400);
        // Smallest copies: app.conf 100, os 50; all copies: 400 + 50.
        assert_eq!(waste.efficiency, 150.0 / 450.0);
        assert_eq!(waste.layer_bytes, [150, 300]);
    }

    #[test]
    fn a_file_deleted_by_a_whiteout_is_wasted_whole() {
        let waste = layer_waste(&[
            vec![FileEntry::file("bin/sh", 1000)],
            vec![FileEntry::dir("tmp/"), FileEntry::file("tmp/big", 3000)],
            vec![FileEntry::dir("tmp/"), FileEntry::file("tmp/.wh.big", 0)],
        ]);
        assert_eq!(paths(&waste), [("/tmp/big", 2, 3000)]);
        // The whiteout of a file adds 0, so the path's smallest copy is 0.
        assert_eq!(waste.efficiency, 1000.0 / 4000.0);
        assert_eq!(waste.user_size_bytes(), 3000);
    }

    #[test]
    fn a_whiteout_of_a_directory_adds_the_whole_subtree() {
        let waste = layer_waste(&[
            vec![FileEntry::file("bin/sh", 1000)],
            vec![FileEntry::dir("cache/"), FileEntry::file("cache/a", 200), FileEntry::file("cache/b/c", 300)],
            vec![FileEntry::whiteout("cache")],
        ]);
        // The whiteout /cache sizes what the stacked layers below hold there (a and b/c: 500). But
        // /cache itself is a leaf of no earlier layer, and /cache/a, /cache/b/c are each in one
        // layer: dive finds no path twice, so nothing is wasted and the score stays 1.
        assert_eq!(paths(&waste), []);
        assert_eq!(waste.wasted_bytes, 0);
        assert_eq!(waste.efficiency, 1.0);
        let waste = layer_waste(&[
            vec![FileEntry::file("bin/sh", 1000)],
            vec![FileEntry::dir("cache/")],
            vec![FileEntry::dir("cache/"), FileEntry::file("cache/a", 200)],
            vec![FileEntry::whiteout("cache")],
        ]);
        // /cache is a leaf of layer 1 (empty directory, 0 bytes) and a whiteout in layer 3 (200 bytes).
        assert_eq!(paths(&waste), [("/cache", 2, 200)]);
        assert_eq!(waste.efficiency, 1200.0 / 1400.0);
    }

    #[test]
    fn an_opaque_directory_whiteout_is_not_counted() {
        let waste = layer_waste(&[
            vec![FileEntry::dir("data/"), FileEntry::file("data/old", 700)],
            vec![FileEntry::dir("data/"), FileEntry::file("data/.wh..wh..opq", 0), FileEntry::file("data/new", 50)],
        ]);
        // dive never adds `.wh..wh..opq` to a tree: data/old, hidden by it, is not counted as removed.
        assert_eq!(paths(&waste), []);
        assert_eq!(waste.efficiency, 1.0);
        assert_eq!(waste.layer_bytes, [700, 50]);
    }

    #[test]
    fn a_whiteout_of_nothing_ends_the_layer_as_dive_does() {
        let waste = layer_waste(&[
            vec![FileEntry::file("a", 10)],
            // Visited in name order: `.wh.ghost` (nothing below it) comes before `a` and `z`.
            vec![FileEntry::whiteout("ghost"), FileEntry::file("a", 20), FileEntry::file("z", 5)],
        ]);
        // `a` and `z` of layer 1 are skipped; the ghost path keeps dive's -1 minimum.
        assert_eq!(paths(&waste), []);
        assert_eq!(waste.efficiency, 9.0 / 10.0);
        assert_eq!(waste.layer_bytes, [10, 25]);
    }

    #[test]
    fn paths_are_cleaned_as_go_does() {
        for (path, clean_path) in [
            ("./etc/", "etc"),
            ("/a//b/./c/../d", "/a/b/d"),
            (".", "."),
            ("./", "."),
            ("a/..", "."),
            ("../x", "../x"),
            ("/..", "/"),
        ] {
            assert_eq!(clean(path), clean_path, "{path}");
        }
        // `./etc/app` and `etc/app` are the same path.
        let waste = layer_waste(&[vec![FileEntry::file("./etc/app", 4)], vec![FileEntry::file("etc/app", 4)]]);
        assert_eq!(paths(&waste), [("/etc/app", 2, 8)]);
    }

    #[test]
    fn an_empty_image_is_efficient() {
        let waste = layer_waste(&[]);
        assert_eq!((waste.efficiency, waste.wasted_bytes, waste.user_wasted_ratio()), (1.0, 0, None));
    }

    #[test]
    fn reads_a_saved_image_in_manifest_order() {
        let dir = tempfile::tempdir().unwrap();
        let layer = |entries: &[(&str, &[u8])]| {
            let mut builder = tar::Builder::new(Vec::new());
            for (path, data) in entries {
                let mut header = tar::Header::new_gnu();
                if path.ends_with('/') {
                    header.set_entry_type(tar::EntryType::Directory);
                    header.set_mode(0o755);
                } else {
                    header.set_mode(0o644);
                }
                header.set_size(data.len() as u64);
                builder.append_data(&mut header, path, *data).unwrap();
            }
            builder.into_inner().unwrap()
        };
        let first = layer(&[("tmp/", b""), ("tmp/big", &[7; 300])]);
        let second = layer(&[("tmp/", b""), ("tmp/.wh.big", b"")]);
        let manifest =
            br#"[{"Config":"blobs/sha256/c","Layers":["blobs/sha256/one","blobs/sha256/two","blobs/sha256/one"]}]"#;
        let mut outer = tar::Builder::new(Vec::new());
        for (path, data) in [
            ("blobs/sha256/two", &second[..]),
            ("blobs/sha256/c", &b"{}"[..]),
            ("blobs/sha256/one", &first[..]),
            ("manifest.json", &manifest[..]),
        ] {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            outer.append_data(&mut header, path, data).unwrap();
        }
        let path = dir.path().join("image.tar");
        std::fs::write(&path, outer.into_inner().unwrap()).unwrap();
        let layers = read_image_archive(&path).unwrap();
        let big = vec![FileEntry::dir("tmp/"), FileEntry::file("tmp/big", 300)];
        assert_eq!(layers, [big.clone(), vec![FileEntry::dir("tmp/"), FileEntry::file("tmp/.wh.big", 0)], big]);

        let mut outer = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(2);
        outer.append_data(&mut header, "index.json", &b"{}"[..]).unwrap();
        std::fs::write(&path, outer.into_inner().unwrap()).unwrap();
        let message = read_image_archive(&path).unwrap_err().to_string();
        assert!(message.ends_with("has no manifest.json: give a tar written by `docker save`"), "{message}");
    }
}
