//! The `routebook` binary: everything happens in [`routebook::cli`].

fn main() -> std::process::ExitCode {
    routebook::cli::main()
}
