//! DW3013: a `HEALTHCHECK` runs a probe tool (curl, wget, python3, node) that its stage does not have:
//! the base image (one dockwright has a preset for) lacks it and no `RUN` or `COPY` of the stage, or
//! of the stages it is built on, brings it. The check always fails, so the container is marked
//! unhealthy. It is the same check the DSL makes on a stage it builds (one place: `dsl`).

use super::{Rule, info};
use crate::base::Base;
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};
use crate::model::{BaseImage, Healthcheck, Instruction};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3013",
        "healthcheck-tool",
        Severity::Error,
        true,
        &[],
        None,
        "a HEALTHCHECK runs a tool its stage does not have",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let model = &cx.lowered.dockerfile;
    for (index, stage) in model.stages.iter().enumerate() {
        let mut chain = cx.chain(index);
        chain.reverse();
        let Some(root) = chain.first().and_then(|&root| model.stages.get(root)) else { continue };
        let image = match &root.from.base {
            BaseImage::Stage(_) => continue,
            base => match model.base_image(base) {
                Some(Ok(image)) => image,
                _ => continue,
            },
        };
        let Some(base) = Base::recognize(&image) else { continue };
        let instructions: Vec<&Instruction> =
            chain.iter().filter_map(|&at| model.stages.get(at)).flat_map(|stage| stage.instructions.iter()).collect();
        for (at, instruction) in stage.instructions.iter().enumerate() {
            let Instruction::Healthcheck(Healthcheck::Check { command, .. }) = instruction else { continue };
            let missing = crate::dsl::missing_probe_tools(&base, instructions.iter().copied(), command);
            if missing.is_empty() {
                continue;
            }
            let Some(origin) = cx.lowered.source_map.instruction(index, at) else { continue };
            let span = origin.args.get(1).copied().unwrap_or(origin.span);
            let has: Vec<&str> = base.tools().iter().map(|tool| tool.command()).collect();
            for tool in missing {
                let alternative = if has.is_empty() {
                    String::new()
                } else {
                    format!(", or probe with a tool the image has ({})", has.join(", "))
                };
                out.push(Finding::new(
                    span,
                    format!(
                        "HEALTHCHECK runs {}, which {} does not have and no step of the stage brings",
                        tool.command(),
                        base.describe()
                    ),
                    format!("install {} in the stage{alternative}", tool.package()),
                ));
            }
        }
    }
}
