//! DW3000: text BuildKit refuses: its parser stops there, or the instruction fails BuildKit's own
//! checks (an unknown instruction, a bad flag, an instruction before the first `FROM`), as `import`
//! finds them. The build fails at this line.

use super::{Rule, info};
use crate::import::{DiagnosticKind, Severity as ImportSeverity};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info("DW3000", "buildkit-refuses", Severity::Error, true, &[], None, "BuildKit refuses the text"),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for diagnostic in &cx.lowered.diagnostics {
        let refused = diagnostic.severity == ImportSeverity::Error
            && matches!(diagnostic.kind, DiagnosticKind::Syntax | DiagnosticKind::Rejected);
        if !refused {
            continue;
        }
        let span = diagnostic.span.unwrap_or_else(|| cx.span(0..0));
        // What lowering did with the text is not the linter's business: keep what BuildKit says.
        let message = ["; the line is kept", "; it is kept"]
            .iter()
            .fold(diagnostic.message.as_str(), |message, cut| message.split(cut).next().unwrap_or(message));
        let help = diagnostic.help.clone().unwrap_or_else(|| "the build stops here: fix the instruction".to_string());
        out.push(Finding::new(span, message, help));
    }
}
