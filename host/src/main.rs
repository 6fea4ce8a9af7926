//! The `azlin` binary: everything lives in the library; see `azlin::cli`.

fn main() -> std::process::ExitCode {
    azlin::cli::main()
}
