//! Exact base image sizes from a Docker engine: the estimator's oracle that does IO lives here, at the
//! edge, and implements the estimator's [`SizeOracle`].

use super::Engine;
use crate::estimate::{Figure, SizeOracle};

/// Base image sizes from `Engine::inspect` (the on-disk size the engine reports): exact, for images
/// present on the engine; `None` for the rest. Map the Dockerfile's bases first
/// (`BaseMapping::apply`) when the engine holds local stand-ins.
///
/// A digest-pinned reference (`name:tag@sha256:...`) is found when the engine has that digest (it was
/// pulled by it). An image built or imported locally has no registry digest: the estimator then asks
/// again with the tag alone (`name:tag`), which finds the local image, and says so in the figure's source.
///
/// ```no_run
/// use dockwright::engine::{Engine, EngineOracle};
/// use dockwright::estimate::SizeOracle;
///
/// let engine = Engine::connect()?;
/// let oracle = EngineOracle::new(&engine);
/// assert!(oracle.base_image("dockwright/debian:bookworm-slim").unwrap().low > 0);
/// assert!(oracle.base_image("dockwright/nonexistent:1").is_none());
/// # Ok::<(), dockwright::engine::EngineError>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct EngineOracle<'a> {
    engine: &'a Engine,
}

impl<'a> EngineOracle<'a> {
    /// An oracle asking `engine`.
    ///
    /// ```no_run
    /// use dockwright::engine::{Engine, EngineOracle};
    ///
    /// let engine = Engine::connect()?;
    /// let _oracle = EngineOracle::new(&engine);
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn new(engine: &'a Engine) -> Self {
        EngineOracle { engine }
    }
}

impl SizeOracle for EngineOracle<'_> {
    fn base_image(&self, image: &str) -> Option<Figure> {
        let info = self.engine.inspect(image).ok()?;
        Some(Figure::exact(info.size, format!("engine: inspect {image} ({})", self.engine.address())))
    }
}
