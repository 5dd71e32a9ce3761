//! The `dockwright` command: everything is in [`dockwright::cli`]; this only runs it and exits with
//! its code.

fn main() -> std::process::ExitCode {
    dockwright::cli::main()
}
