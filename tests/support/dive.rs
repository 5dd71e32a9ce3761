//! Finding dive at the version `dockwright build` follows, for `tests/engine_cli_build.rs` (how:
//! `pinned.rs`).
#![allow(dead_code)]

#[path = "pinned.rs"]
mod pinned;

use std::path::PathBuf;

/// The dive version whose computation `dockwright build` follows.
pub const VERSION: &str = "0.13.1";

/// dive at the pinned version, or `None` (after saying why) outside CI.
pub fn dive() -> Option<PathBuf> {
    pinned::find(&pinned::Pinned {
        name: "dive",
        version: VERSION,
        variable: "DIVE",
        dir_variable: "DOCKWRIGHT_DIVE_DIR",
        script: "scripts/dive-up",
    })
}
