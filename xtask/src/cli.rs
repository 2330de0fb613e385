//! The command line: `cargo xtask <command> [flags]`, parsed by hand.

use std::fmt;

use codegen::changelog::render::Format;

use crate::date;
use crate::spec_source::{CACHE_PATH, SPEC_ENV};

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `regen [--spec PATH|URL] [--date YYYY-MM-DD]`
    Regen {
        /// The `--spec` value.
        spec: Option<String>,
        /// The `--date` value.
        date: Option<String>,
    },
    /// `check [--spec PATH|URL]`
    Check {
        /// The `--spec` value.
        spec: Option<String>,
    },
    /// `diff OLD NEW [--format text|markdown|json]`
    Diff {
        /// The older spec: a path or URL.
        old: String,
        /// The newer spec: a path or URL.
        new: String,
        /// The output format.
        format: Format,
    },
    /// `check-specs DIR`
    CheckSpecs {
        /// The directory whose `*.json` specs are checked.
        dir: String,
    },
    /// `msrv`
    Msrv,
    /// `help`, `--help`, `-h` or nothing.
    Help,
}

/// A command line that does not parse; shown after the usage text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Parse the arguments after `cargo xtask`.
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Command::Help);
    };
    if rest.iter().any(|arg| arg == "--help" || arg == "-h") {
        return Ok(Command::Help);
    }
    match command.as_str() {
        "regen" => {
            let mut flags = Flags::parse(rest, &["--spec", "--date"])?;
            let date = flags.take("--date");
            if let Some(date) = date.as_deref().filter(|date| !date::is_valid(date)) {
                return Err(UsageError(format!(
                    "--date must be a date like 2026-04-16, found `{date}`"
                )));
            }
            Ok(Command::Regen {
                spec: flags.take("--spec"),
                date,
            })
        }
        "check" => {
            let mut flags = Flags::parse(rest, &["--spec"])?;
            Ok(Command::Check {
                spec: flags.take("--spec"),
            })
        }
        "diff" => {
            let (positional, flags) = split_positional(rest);
            let mut flags = Flags::parse(&flags, &["--format"])?;
            let format = match flags.take("--format") {
                None => Format::Text,
                Some(name) => Format::parse(&name).ok_or_else(|| {
                    UsageError(format!(
                        "--format must be text, markdown or json, found `{name}`"
                    ))
                })?,
            };
            match <[String; 2]>::try_from(positional) {
                Ok([old, new]) => Ok(Command::Diff { old, new, format }),
                Err(found) => Err(UsageError(format!(
                    "diff takes two specs (OLD NEW), found {}",
                    found.len()
                ))),
            }
        }
        "check-specs" => {
            let (positional, flags) = split_positional(rest);
            Flags::parse(&flags, &[])?;
            match <[String; 1]>::try_from(positional) {
                Ok([dir]) => Ok(Command::CheckSpecs { dir }),
                Err(found) => Err(UsageError(format!(
                    "check-specs takes one directory, found {} arguments",
                    found.len()
                ))),
            }
        }
        "msrv" => {
            Flags::parse(rest, &[])?;
            Ok(Command::Msrv)
        }
        "help" | "--help" | "-h" => Ok(Command::Help),
        other => Err(UsageError(format!("unknown command `{other}`"))),
    }
}

/// The help text.
pub fn usage() -> String {
    let generated = codegen::GENERATED_DIRS.join(", ");
    let env = format!("${SPEC_ENV}");
    format!(
        "\
Workspace tasks for the Polar SDK.

Usage:
  cargo xtask regen [--spec PATH|URL] [--date YYYY-MM-DD]
      Regenerate the SDK's generated code from the OpenAPI spec, and delete
      the files the generator no longer produces from the generated
      directories ({generated}).
      If the spec's SHA-256 differs from spec/pin.toml, move the pin to it;
      --date sets the pinned date (default: the date in a
      polar-openapi-YYYY-MM-DD.json file name, else today in UTC).
  cargo xtask check [--spec PATH|URL]
      Fail unless the spec is the pinned one and the committed generated code
      is exactly what the generator makes of it; show a diff of what differs.
  cargo xtask diff OLD NEW [--format text|markdown|json]
      Say what changes for users of the generated crates between two specs
      (paths or URLs): operations, schemas, fields, enum values, union
      variants and webhook events added, removed or changed, each breaking or
      additive (rules: README, \"Reviewing a spec refresh\").
  cargo xtask check-specs DIR
      For every *.json spec in DIR: generate the crates from it in a scratch
      copy of the workspace, build polar-models and polar-api, and run the
      round-trip test; print a table of results and times. Fails if any spec
      fails. Scratch builds share target/check-specs/.
  cargo xtask msrv
      Fail if a dependency of polar-models or polar-api (as locked) declares
      a rust-version newer than the workspace's.
  cargo xtask help
      Show this text.

Where the spec comes from (the first that is given wins):
  1. {:<25} relative paths start at the current directory
  2. {env:<25} a path or URL; relative paths start at the workspace root
  3. {CACHE_PATH:<25} the git-ignored cache
  4. source_url in spec/pin.toml, downloaded and saved to {CACHE_PATH}
",
        "--spec PATH|URL"
    )
}

/// The arguments that are not flags (and not a flag's value), and the flags.
/// Every flag these commands take has a value.
fn split_positional(args: &[String]) -> (Vec<String>, Vec<String>) {
    let mut positional = Vec::new();
    let mut flags = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg.starts_with("--") {
            flags.push(arg.clone());
            if !arg.contains('=') {
                flags.extend(args.next().cloned());
            }
        } else {
            positional.push(arg.clone());
        }
    }
    (positional, flags)
}

/// `--name value` / `--name=value` flags.
struct Flags {
    values: Vec<(String, String)>,
}

impl Flags {
    fn parse(args: &[String], allowed: &[&str]) -> Result<Self, UsageError> {
        let mut values: Vec<(String, String)> = Vec::new();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) => (name, Some(value.to_owned())),
                None => (arg.as_str(), None),
            };
            if !allowed.contains(&name) {
                return Err(UsageError(format!("unexpected argument `{arg}`")));
            }
            if values.iter().any(|(seen, _)| seen == name) {
                return Err(UsageError(format!("{name} is given twice")));
            }
            let value = match inline {
                Some(value) => value,
                None => args
                    .next()
                    .cloned()
                    .ok_or_else(|| UsageError(format!("{name} needs a value")))?,
            };
            values.push((name.to_owned(), value));
        }
        Ok(Flags { values })
    }

    fn take(&mut self, name: &str) -> Option<String> {
        let index = self.values.iter().position(|(seen, _)| seen == name)?;
        Some(self.values.remove(index).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Command, UsageError> {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        parse(&args)
    }

    #[test]
    fn parses_commands_and_flags() {
        assert_eq!(parse_str(""), Ok(Command::Help));
        assert_eq!(parse_str("help"), Ok(Command::Help));
        assert_eq!(parse_str("check --help"), Ok(Command::Help));
        assert_eq!(parse_str("check"), Ok(Command::Check { spec: None }));
        assert_eq!(
            parse_str("regen --spec a.json --date=2026-04-16"),
            Ok(Command::Regen {
                spec: Some("a.json".into()),
                date: Some("2026-04-16".into())
            })
        );
        assert_eq!(
            parse_str("check --spec=https://x/openapi.json"),
            Ok(Command::Check {
                spec: Some("https://x/openapi.json".into())
            })
        );
    }

    #[test]
    fn rejects_bad_command_lines() {
        let error = |line: &str| parse_str(line).unwrap_err().0;
        assert_eq!(error("build"), "unknown command `build`");
        assert_eq!(
            error("check --date 2026-04-16"),
            "unexpected argument `--date`"
        );
        assert_eq!(error("check extra"), "unexpected argument `extra`");
        assert_eq!(error("regen --spec"), "--spec needs a value");
        assert_eq!(error("regen --spec a --spec b"), "--spec is given twice");
        assert!(error("regen --date 2026-02-30").contains("--date must be a date"));
    }

    #[test]
    fn parses_diff_and_check_specs() {
        assert_eq!(
            parse_str("diff a.json https://x/b.json"),
            Ok(Command::Diff {
                old: "a.json".into(),
                new: "https://x/b.json".into(),
                format: Format::Text
            })
        );
        assert_eq!(
            parse_str("diff --format markdown a.json b.json"),
            Ok(Command::Diff {
                old: "a.json".into(),
                new: "b.json".into(),
                format: Format::Markdown
            })
        );
        assert_eq!(
            parse_str("diff a.json b.json --format=json"),
            Ok(Command::Diff {
                old: "a.json".into(),
                new: "b.json".into(),
                format: Format::Json
            })
        );
        assert_eq!(
            parse_str("check-specs ../shared/spec"),
            Ok(Command::CheckSpecs {
                dir: "../shared/spec".into()
            })
        );
        let error = |line: &str| parse_str(line).unwrap_err().0;
        assert_eq!(
            error("diff a.json"),
            "diff takes two specs (OLD NEW), found 1"
        );
        assert!(error("diff a b --format yaml").contains("--format must be"));
        assert_eq!(error("diff a b --spec c"), "unexpected argument `--spec`");
        assert!(error("check-specs").contains("one directory"));
        assert!(error("check-specs a b").contains("one directory"));
    }

    #[test]
    fn usage_names_commands_and_spec_sources() {
        let text = usage();
        for needle in [
            "regen",
            "check",
            "diff",
            "check-specs",
            "--format",
            "--spec",
            "--date",
            SPEC_ENV,
            CACHE_PATH,
        ] {
            assert!(text.contains(needle), "usage lacks {needle}");
        }
    }
}
