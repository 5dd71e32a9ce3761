//! The image configuration a build target ends with: the settings its own `USER`, `EXPOSE`,
//! `VOLUME`, `HEALTHCHECK`, `STOPSIGNAL`, `ENV` and `WORKDIR` lines leave in the image, following the
//! target's `FROM <stage>` chain. What a base image sets itself is not in the Dockerfile, so it is not
//! known here (a field left `None` or empty means "inherited", not "unset").

use crate::model::{Dockerfile, Healthcheck, Instruction, Port, Signal, UserSpec};

use super::{Analysis, StageBase};

/// The configuration a stage leaves in the image it builds, from the Dockerfile's own instructions.
///
/// ```
/// use dockwright::analysis::{analyze, image_config};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// let base = image.stage(Stage::new("base", Base::alpine("3.19")).expose(80).volume("/data"));
/// image.stage(Stage::new("app", &base).user("10001:10001").expose(8080).stop_signal("SIGTERM"));
/// let model = image.to_model().unwrap();
/// let config = image_config(&model, &analyze(&model), 1);
/// assert_eq!(config.user.unwrap().as_str(), "10001:10001");
/// assert_eq!(config.exposed.iter().map(|p| p.number()).collect::<Vec<_>>(), [80, 8080]);
/// assert_eq!(config.volumes, ["/data"]);
/// assert_eq!(config.stop_signal.unwrap().as_str(), "SIGTERM");
/// assert!(config.healthcheck.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ImageConfig {
    /// The last `USER`: `None` when the Dockerfile sets none (the base image's user applies).
    pub user: Option<UserSpec>,
    /// Every `EXPOSE`d port, in order, without repeats.
    pub exposed: Vec<Port>,
    /// Every `VOLUME` path, in order, without repeats.
    pub volumes: Vec<String>,
    /// The last `HEALTHCHECK` (`Healthcheck::None` when it turns the base's off).
    pub healthcheck: Option<Healthcheck>,
    /// The last `STOPSIGNAL`.
    pub stop_signal: Option<Signal>,
    /// The names of the variables `ENV` sets, in order, without repeats.
    pub env: Vec<String>,
    /// The last `WORKDIR` as written (it may hold variable references).
    pub workdir: Option<String>,
}

impl ImageConfig {
    /// The numeric uid the image runs as, when its `USER` is numeric (`10001` or `10001:10001`); `Some(0)`
    /// for root by name or number; `None` for a user named otherwise or none set.
    ///
    /// ```
    /// use dockwright::analysis::ImageConfig;
    /// use dockwright::UserSpec;
    ///
    /// let mut config = ImageConfig::default();
    /// assert_eq!(config.uid(), None);
    /// config.user = Some(UserSpec::new("10001:10001").unwrap());
    /// assert_eq!(config.uid(), Some(10001));
    /// config.user = Some(UserSpec::new("root").unwrap());
    /// assert_eq!(config.uid(), Some(0));
    /// config.user = Some(UserSpec::new("app").unwrap());
    /// assert_eq!(config.uid(), None);
    /// ```
    pub fn uid(&self) -> Option<u32> {
        let user = self.user.as_ref()?;
        if user.is_root() {
            return Some(0);
        }
        user.user().parse().ok()
    }
}

/// The configuration stage `stage` of `dockerfile` leaves in its image, following its `FROM <stage>`
/// chain (`analysis` is `analyze(dockerfile)`). An index out of range gives the empty configuration.
///
/// ```
/// use dockwright::analysis::{analyze, image_config};
/// use dockwright::{Base, Health, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).env("A", "1").workdir("/app").healthcheck(Health::new(["true"])));
/// let model = image.to_model().unwrap();
/// let config = image_config(&model, &analyze(&model), 0);
/// assert_eq!(config.env, ["A"]);
/// assert_eq!(config.workdir.as_deref(), Some("/app"));
/// assert!(config.healthcheck.is_some());
/// ```
pub fn image_config(dockerfile: &Dockerfile, analysis: &Analysis, stage: usize) -> ImageConfig {
    let mut chain = Vec::new();
    let mut at = Some(stage);
    while let Some(index) = at {
        if index >= dockerfile.stages.len() || chain.contains(&index) {
            break;
        }
        chain.push(index);
        at = match analysis.stages().get(index).map(|info| &info.base) {
            Some(StageBase::Stage(parent)) => Some(*parent),
            _ => None,
        };
    }
    let mut config = ImageConfig::default();
    for index in chain.into_iter().rev() {
        for instruction in &dockerfile.stages[index].instructions {
            apply(&mut config, instruction);
        }
    }
    config
}

fn apply(config: &mut ImageConfig, instruction: &Instruction) {
    match instruction {
        Instruction::User(user) => config.user = Some(user.user.clone()),
        Instruction::Expose(expose) => {
            for port in &expose.ports {
                if !config.exposed.contains(port) {
                    config.exposed.push(*port);
                }
            }
        }
        Instruction::Volume(volume) => {
            for path in &volume.paths {
                if !config.volumes.iter().any(|known| known == path.as_str()) {
                    config.volumes.push(path.as_str().to_string());
                }
            }
        }
        Instruction::Healthcheck(health) => config.healthcheck = Some(health.clone()),
        Instruction::StopSignal(stop) => config.stop_signal = Some(stop.signal.clone()),
        Instruction::Env(env) => {
            for name in env.vars.keys() {
                if !config.env.iter().any(|known| known == name.as_str()) {
                    config.env.push(name.as_str().to_string());
                }
            }
        }
        Instruction::Workdir(workdir) => config.workdir = Some(workdir.path.to_string()),
        _ => {}
    }
}
