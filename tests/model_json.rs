//! The model's JSON form is stable: a snapshot of a small image that uses every kind of value is
//! checked in, and reading it back gives the same model and the same Dockerfile.

use dockwright::model::Dockerfile;
use dockwright::{Base, Copy, Health, Image, Run, Stage, Value};

fn image() -> Image {
    let mut image = Image::new().arg("PY", Some("3.12"));
    let builder = image.stage(
        Stage::new("builder", Base::python("3.12").slim())
            .run(Run::sh("pip wheel -w /wheels -r requirements.txt").cache("/root/.cache/pip"))
            .file("/etc/pip.conf", "[global]\nno-cache-dir = true\n"),
    );
    image.stage(
        Stage::new("runtime", Base::python("3.12").slim())
            .copy_with(Copy::new(["/wheels"], "/wheels").from(&builder).link())
            .env("PATH", Value::template("/opt/venv/bin:${PATH}").unwrap())
            .label("org.opencontainers.image.title", "demo $1")
            .expose_ports(&["8000", "9000/udp"])
            .healthcheck(Health::new(["python3", "-c", "print(1)"]).interval("30s").retries(3))
            .user("10001:10001")
            .cmd(["python3", "-m", "demo"]),
    );
    image
}

#[test]
fn json_form_is_stable_and_round_trips() {
    let model = image().to_model().unwrap();
    let json = serde_json::to_string_pretty(&model).unwrap() + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/model.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &json).unwrap();
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}; run with UPDATE_GOLDEN=1 to create it"));
    pretty_assertions::assert_eq!(json, expected);
    let back: Dockerfile = serde_json::from_str(&expected).unwrap();
    assert_eq!(back, model);
    assert_eq!(dockwright::emit(&back), image().emit().unwrap());
}

#[test]
fn invalid_json_values_are_refused_with_the_reason() {
    let json = r#"{"stages":[{"from":{"base":{"image":"alpine:3.19"}},"instructions":[{"instruction":"user","user":"app user"}]}]}"#;
    let err = serde_json::from_str::<Dockerfile>(json).unwrap_err().to_string();
    assert!(err.starts_with("invalid user \"app user\""), "{err}");
}
