//! Path helpers the passes share (the shell itself is read once, by analysis: `Step::run`).

pub(crate) use crate::analysis::glob::clean;
pub(crate) use crate::analysis::within;
pub(crate) use crate::analysis::{is_pip, is_python};

/// An absolute path, cleaned: `/a/b`, or `/` for the root.
pub(crate) fn absolute(path: &str) -> String {
    crate::analysis::resolve_path("/", path)
}

/// Whether `a` is `b`, or one is inside the other (both absolute and cleaned).
pub(crate) fn overlaps(a: &str, b: &str) -> bool {
    within(a, b) || within(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_tools() {
        assert!(overlaps("/app", "/app/data") && !overlaps("/app", "/apple") && within("/x", "/"));
        assert_eq!(absolute("a/../b/"), "/b");
        assert!(is_pip("pip3.12") && !is_pip("pipx") && is_python("python3"));
    }
}
