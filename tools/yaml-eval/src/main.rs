//! Writes one compose file per YAML writer, each with the same service whose environment holds
//! strings YAML or compose could read as something else, runs `docker compose config --format json`
//! on it, and counts the values compose reads back exactly. Needs Docker Compose v2.
//!
//! cargo run --manifest-path tools/yaml-eval/Cargo.toml

use std::io::Write;
use std::process::{Command, Stdio};

use dockwright::deploy::{Project, Service};
use indexmap::IndexMap;
use yaml_rust2::yaml::Hash;
use yaml_rust2::{Yaml, YamlEmitter};

/// The same list as tests/deploy.rs's HOSTILE.
const HOSTILE: &[&str] = &[
    "yes", "no", "on", "off", "y", "n", "true", "NULL", "~", "", " lead", "trail ", "0x1F", "0o17", "017", "1e3",
    ".inf", "-.nan", "1_000", "12:30", "a: b", "a #b", "#x", "- x", "? x", "*ref", "&anc", "!tag", "%dir", "@at",
    "`bt", "'q'", "\"dq\"", "multi\nline", "tab\there", "back\\slash", "uni\u{e9}", "bell\u{7}", "nel\u{85}",
    "bom\u{feff}", "line\u{2028}sep", "{x}", "[x]", "x,y", "---", "...", "=", "<<", "cost $5", "${HOME}", "$$", "$",
    "emoji 😀", "del\u{7f}", "ends in a backslash\\", "'quoted' ends\\",
];

const IMAGE: &str = "dockwright/debian:bookworm-slim";

#[derive(serde::Serialize)]
struct File {
    services: IndexMap<String, ServiceDef>,
}

#[derive(serde::Serialize)]
struct ServiceDef {
    image: String,
    environment: IndexMap<String, String>,
}

fn env() -> IndexMap<String, String> {
    HOSTILE.iter().enumerate().map(|(i, v)| (format!("V{i:02}"), v.to_string())).collect()
}

fn serde_file() -> File {
    let mut services = IndexMap::new();
    services.insert("app".to_string(), ServiceDef { image: IMAGE.into(), environment: env() });
    File { services }
}

fn yaml_rust2() -> String {
    let mut environment = Hash::new();
    for (k, v) in env() {
        environment.insert(Yaml::String(k), Yaml::String(v));
    }
    let mut app = Hash::new();
    app.insert(Yaml::String("image".into()), Yaml::String(IMAGE.into()));
    app.insert(Yaml::String("environment".into()), Yaml::Hash(environment));
    let mut services = Hash::new();
    services.insert(Yaml::String("app".into()), Yaml::Hash(app));
    let mut top = Hash::new();
    top.insert(Yaml::String("services".into()), Yaml::Hash(services));
    let mut out = String::new();
    YamlEmitter::new(&mut out).dump(&Yaml::Hash(top)).expect("emits");
    out.push('\n');
    out
}

fn dockwright() -> String {
    let service = HOSTILE.iter().enumerate().fold(Service::image("app", IMAGE), |s, (i, v)| s.env(&format!("V{i:02}"), v));
    Project::new("yaml-eval").service(service).to_compose().expect("valid")
}

fn main() {
    let writers: Vec<(&str, String)> = vec![
        ("serde_norway 0.9.42", serde_norway::to_string(&serde_file()).expect("serializes")),
        ("serde_yaml_ng 0.10.0", serde_yaml_ng::to_string(&serde_file()).expect("serializes")),
        ("yaml-rust2 0.10.4 (YamlEmitter)", yaml_rust2()),
        ("dockwright::deploy (quote.rs)", dockwright()),
    ];
    println!("| writer | compose accepts it | values read back exactly | values changed |");
    println!("|---|---|---|---|");
    for (name, yaml) in writers {
        let mut child = Command::new("docker")
            .args(["compose", "-p", "yaml-eval", "-f", "-", "config", "--format", "json"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("docker compose runs");
        child.stdin.take().expect("stdin").write_all(yaml.as_bytes()).expect("writes");
        let output = child.wait_with_output().expect("compose ends");
        if !output.status.success() {
            let err = String::from_utf8_lossy(&output.stderr);
            println!("| {name} | no: `{}` | 0/{} | |", err.trim().lines().last().unwrap_or(""), HOSTILE.len());
            continue;
        }
        let config: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        let mut changed = Vec::new();
        for (i, value) in HOSTILE.iter().enumerate() {
            // `config` doubles literal dollars again in its own output.
            let got = config["services"]["app"]["environment"][format!("V{i:02}")].as_str().map(|v| v.replace("$$", "$"));
            if got.as_deref() != Some(*value) {
                changed.push(format!("`{value:?}` → `{:?}`", got.unwrap_or_default()));
            }
        }
        println!("| {name} | yes | {}/{} | {} |", HOSTILE.len() - changed.len(), HOSTILE.len(), changed.join(", "));
    }
}
