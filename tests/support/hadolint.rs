//! Finding hadolint at the version the tests pin, for `tests/hadolint.rs` and `tests/lint_hadolint.rs`
//! (how: `pinned.rs`).

#[path = "pinned.rs"]
mod pinned;

use std::path::PathBuf;

/// The hadolint version the tests pin.
pub const VERSION: &str = "2.15.1";

/// hadolint at the pinned version, or `None` (after saying why) outside CI.
pub fn hadolint() -> Option<PathBuf> {
    pinned::find(&pinned::Pinned {
        name: "hadolint",
        version: VERSION,
        variable: "HADOLINT",
        dir_variable: "DOCKWRIGHT_HADOLINT_DIR",
        script: "scripts/hadolint-up",
    })
}
