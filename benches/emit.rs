//! Emitting and validating: a generated image of many stages, each with the usual mix of instructions
//! and values that need quoting. Run with `cargo bench --bench emit`.

#[path = "support/mod.rs"]
mod support;

fn main() {
    divan::main();
}

#[divan::bench(args = [10, 1000])]
fn validate_and_emit(bencher: divan::Bencher, n: usize) {
    let image = support::generated(n);
    bencher.bench(|| image.emit().unwrap().len());
}

#[divan::bench(args = [1000])]
fn emit_model_only(bencher: divan::Bencher, n: usize) {
    let model = support::generated(n).to_model().unwrap();
    bencher.bench(|| dockwright::emit(&model).len());
}
