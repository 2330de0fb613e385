//! `cargo xtask`: parse the command line, run the command, and report errors
//! as `error: ...` lines with exit status 1.

use std::process::ExitCode;

fn main() -> ExitCode {
    let command = match args().and_then(|args| xtask::cli::parse(&args)) {
        Ok(command) => command,
        Err(error) => {
            eprint!("{}", xtask::cli::usage());
            eprintln!("\nerror: {error}");
            return ExitCode::FAILURE;
        }
    };
    match xtask::run(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The arguments after `cargo xtask`, which must be UTF-8.
fn args() -> Result<Vec<String>, xtask::cli::UsageError> {
    std::env::args_os()
        .skip(1)
        .map(|arg| {
            arg.into_string().map_err(|arg| {
                xtask::cli::UsageError(format!("argument {arg:?} is not valid UTF-8"))
            })
        })
        .collect()
}
