//! The command line: `cargo xtask <command> [flags]`, parsed by hand.

use std::fmt;

use codegen::changelog::render::Format;

use crate::date;
use crate::pin::{self, Lifecycle};
use crate::pins::PINS_DIR;
use crate::regen::{Action, Add, Update};
use crate::spec_source::{cache_path, SHARED_DIR, SPEC_DIR_ENV};

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `regen [--version V ... | --add V ... | --remove V]`
    Regen(Action),
    /// `check`
    Check,
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

fn usage_error<T>(message: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError(message.into()))
}

/// Parse the arguments after `cargo xtask`.
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Command::Help);
    };
    if rest.iter().any(|arg| arg == "--help" || arg == "-h") {
        return Ok(Command::Help);
    }
    match command.as_str() {
        "regen" => parse_regen(rest).map(Command::Regen),
        "check" => {
            Flags::parse(rest, &[])?;
            Ok(Command::Check)
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
                Err(found) => usage_error(format!(
                    "diff takes two specs (OLD NEW), found {}",
                    found.len()
                )),
            }
        }
        "check-specs" => {
            let (positional, flags) = split_positional(rest);
            Flags::parse(&flags, &[])?;
            match <[String; 1]>::try_from(positional) {
                Ok([dir]) => Ok(Command::CheckSpecs { dir }),
                Err(found) => usage_error(format!(
                    "check-specs takes one directory, found {} arguments",
                    found.len()
                )),
            }
        }
        "msrv" => {
            Flags::parse(rest, &[])?;
            Ok(Command::Msrv)
        }
        "help" | "--help" | "-h" => Ok(Command::Help),
        other => usage_error(format!("unknown command `{other}`")),
    }
}

/// The flags of `regen`: at most one of `--version`, `--add`, `--remove`,
/// and what goes with it.
fn parse_regen(args: &[String]) -> Result<Action, UsageError> {
    let mut flags = Flags::parse(
        args,
        &[
            "--version",
            "--add",
            "--remove",
            "--spec",
            "--date",
            "--copy",
            "--lifecycle",
            "--old-current",
        ],
    )?;
    let version = flags.take_version("--version")?;
    let add = flags.take_version("--add")?;
    let remove = flags.take_version("--remove")?;
    let spec = flags.take("--spec");
    let date = flags.take("--date");
    if let Some(date) = date.as_deref().filter(|date| !date::is_valid(date)) {
        return usage_error(format!(
            "--date must be a date like 2026-08-20, found `{date}`"
        ));
    }
    let copy = flags.take("--copy");
    if let Some(problem) = copy.as_deref().and_then(pin::value_problem) {
        return usage_error(format!("--copy {problem}"));
    }
    let lifecycle = flags.take_lifecycle("--lifecycle")?;
    let old_current = flags.take_lifecycle("--old-current")?;
    if old_current.is_some() && lifecycle != Some(Lifecycle::Current) {
        return usage_error("--old-current goes only with --lifecycle current");
    }
    if old_current == Some(Lifecycle::Current) {
        return usage_error("--old-current must be deprecated or next");
    }
    let edits = [
        ("--spec", spec.is_some()),
        ("--date", date.is_some()),
        ("--copy", copy.is_some()),
        ("--lifecycle", lifecycle.is_some()),
    ];
    let first_edit = edits
        .iter()
        .find(|(_, given)| *given)
        .map(|(name, _)| *name);
    match (version, add, remove) {
        (None, None, None) => match first_edit {
            Some(name) => usage_error(format!(
                "{name} is about one version: add --version V (a pinned version) or --add V \
                 (a new one)"
            )),
            None => Ok(Action::All),
        },
        (Some(version), None, None) => {
            if first_edit.is_none() {
                return usage_error(format!(
                    "--version {version} needs --spec, --lifecycle, --date or --copy \
                     (`cargo xtask regen` alone regenerates every version)"
                ));
            }
            Ok(Action::Update(Update {
                version,
                spec,
                date,
                copy,
                lifecycle,
                old_current,
            }))
        }
        (None, Some(version), None) => Ok(Action::Add(Add {
            version,
            spec,
            lifecycle: lifecycle.unwrap_or(Lifecycle::Next),
            date,
            copy,
            old_current,
        })),
        (None, None, Some(version)) => match first_edit {
            Some(name) => usage_error(format!("--remove takes no {name}")),
            None => Ok(Action::Remove { version }),
        },
        _ => usage_error("--version, --add and --remove change one version each: give one"),
    }
}

/// The help text.
pub fn usage() -> String {
    let generated = codegen::GENERATED_DIRS.join("\n  ");
    let env = format!("${SPEC_DIR_ENV}/V/*.json");
    let shared = format!("{SHARED_DIR}/V/*.json");
    let cache = cache_path("V");
    format!(
        "\
Workspace tasks for the Polar SDK.

Every API version the SDK generates is pinned in {PINS_DIR}/V.toml: its
lifecycle (deprecated, current or next; exactly one is current), its
source_url, the SHA-256 and date of the document's copy, and which copy it
is. The generated code of every pinned version lives side by side in the
generated directories (regen deletes any file in them it did not produce):
  {generated}

Usage:
  cargo xtask regen
      Regenerate every pinned version from its pinned document (no pin
      moves), delete the generated files no version produces any more, and
      print, per version, the operations, schemas, unreachable schemas
      skipped and webhooks, then the files written, unchanged and removed.
  cargo xtask regen --version V --spec PATH|URL [--date YYYY-MM-DD] [--copy TEXT]
      Move V's pin to another document (https://api.polar.sh/V/openapi.json
      is what Polar serves now), regenerate every version, and print V's
      changelog from the previously pinned document. --date is the day the
      copy was taken (default: the date in a file name like
      2026-08-20.docs.json, else today in UTC); --copy says which copy it is
      (default: where it came from).
  cargo xtask regen --version V --lifecycle deprecated|current|next
                    [--old-current deprecated|next]
      Change V's lifecycle and regenerate. Making V current while another
      version is current needs --old-current: what that version becomes.
      Deprecated versions must be older, next versions newer than the
      current one. --spec, --date, --copy and --lifecycle combine.
  cargo xtask regen --add V [--spec PATH|URL] [--lifecycle L] [--old-current L]
                    [--date YYYY-MM-DD] [--copy TEXT]
      Pin a new version (lifecycle next unless --lifecycle says otherwise)
      from --spec, else from a download of https://api.polar.sh/V/openapi.json,
      and regenerate.
  cargo xtask regen --remove V
      Delete V's pin and regenerate, which deletes V's generated code. The
      current version cannot be removed.
  cargo xtask check
      Fail unless every pinned version's document has its pinned SHA-256 and
      the committed generated code (migration guides included) is exactly
      what the generator makes of them; show a diff of what differs.
  cargo xtask diff OLD NEW [--format text|markdown|json]
      Say what changes for users of the generated crates between two specs
      (paths or URLs): operations, schemas, fields, enum values, union
      variants and webhook events added, removed or changed, each breaking or
      additive (rules: README, \"Reviewing a spec refresh\").
  cargo xtask check-specs DIR
      For every *.json document in DIR (e.g. the unversioned snapshots
      polar-openapi-YYYY-MM-DD.json): generate the crates in a scratch copy
      of the workspace with that document as the only version (named after
      its date, current) and type-check polar-models and polar-api
      (`cargo check`); print a table of results and times. Fails if any
      document fails. Scratch builds share target/check-specs/.
      A document with a sibling NAME.expected is a generator fixture
      (codegen/tests/fixtures/generator_inputs/): `generates` (then linted
      with clippy -D warnings) or `fails: TEXT` (TEXT in the error).
  cargo xtask msrv
      Fail if a dependency of polar-models or polar-api (as locked) declares
      a rust-version newer than the workspace's.
  cargo xtask help
      Show this text.

Where version V's document comes from (the first that has it wins):
  1. --spec PATH|URL, with --version V or --add V (any document: this is how
     a pin moves); a relative path starts at the current directory
  2. {env}: the file with the pinned SHA-256; a relative
     {SPEC_DIR_ENV} starts at the workspace root
  3. {cache}: the git-ignored cache, if it has the pinned SHA-256
  4. {shared}: the shared copy with the pinned SHA-256
  5. source_url in {PINS_DIR}/V.toml (https://api.polar.sh/V/openapi.json),
     downloaded and saved to {cache}
"
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

    /// A version name: `2026-10` (or a date).
    fn take_version(&mut self, name: &str) -> Result<Option<String>, UsageError> {
        match self.take(name) {
            Some(version) if !date::is_version(&version) => usage_error(format!(
                "{name} must be an API version like 2026-10, found `{version}`"
            )),
            version => Ok(version),
        }
    }

    fn take_lifecycle(&mut self, name: &str) -> Result<Option<Lifecycle>, UsageError> {
        self.take(name)
            .map(|value| {
                Lifecycle::parse(&value).ok_or_else(|| {
                    UsageError(format!(
                        "{name} must be deprecated, current or next, found `{value}`"
                    ))
                })
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Command, UsageError> {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        parse(&args)
    }

    fn regen(line: &str) -> Action {
        match parse_str(&format!("regen {line}")) {
            Ok(Command::Regen(action)) => action,
            other => panic!("{line}: {other:?}"),
        }
    }

    fn error(line: &str) -> String {
        parse_str(line).unwrap_err().0
    }

    #[test]
    fn parses_commands() {
        assert_eq!(parse_str(""), Ok(Command::Help));
        assert_eq!(parse_str("help"), Ok(Command::Help));
        assert_eq!(parse_str("check --help"), Ok(Command::Help));
        assert_eq!(parse_str("check"), Ok(Command::Check));
        assert_eq!(parse_str("regen"), Ok(Command::Regen(Action::All)));
        assert_eq!(parse_str("msrv"), Ok(Command::Msrv));
    }

    #[test]
    fn parses_regen_actions() {
        assert_eq!(
            regen("--version 2026-10 --spec a.json --date=2026-08-20"),
            Action::Update(Update {
                version: "2026-10".into(),
                spec: Some("a.json".into()),
                date: Some("2026-08-20".into()),
                ..Update::default()
            })
        );
        assert_eq!(
            regen("--version 2027-01 --lifecycle current --old-current deprecated"),
            Action::Update(Update {
                version: "2027-01".into(),
                lifecycle: Some(Lifecycle::Current),
                old_current: Some(Lifecycle::Deprecated),
                ..Update::default()
            })
        );
        assert_eq!(
            regen("--add 2027-01"),
            Action::Add(Add {
                version: "2027-01".into(),
                spec: None,
                lifecycle: Lifecycle::Next,
                date: None,
                copy: None,
                old_current: None,
            })
        );
        assert_eq!(
            regen("--add=2027-01 --spec https://x/openapi.json --lifecycle=next --copy=docs"),
            Action::Add(Add {
                version: "2027-01".into(),
                spec: Some("https://x/openapi.json".into()),
                lifecycle: Lifecycle::Next,
                date: None,
                copy: Some("docs".into()),
                old_current: None,
            })
        );
        assert_eq!(
            regen("--remove 2026-04"),
            Action::Remove {
                version: "2026-04".into()
            }
        );
    }

    #[test]
    fn rejects_bad_regen_lines() {
        assert_eq!(error("regen --spec"), "--spec needs a value");
        assert_eq!(
            error("regen --spec a.json"),
            "--spec is about one version: add --version V (a pinned version) or --add V (a new one)"
        );
        assert!(error("regen --version 2026-10").contains("needs --spec, --lifecycle"));
        assert!(error("regen --version 2026-10 --add 2027-01").contains("give one"));
        assert_eq!(
            error("regen --remove 2026-04 --spec a.json"),
            "--remove takes no --spec"
        );
        assert!(error("regen --version v10 --spec a").contains("like 2026-10"));
        assert!(error("regen --version 2026-10 --lifecycle live").contains("deprecated, current"));
        assert_eq!(
            error("regen --version 2026-10 --lifecycle next --old-current deprecated"),
            "--old-current goes only with --lifecycle current"
        );
        assert!(error("regen --version 2026-10 --date 2026-02-30").contains("--date must be"));
        assert!(error("regen --add 2027-01 --spec a --spec b").contains("given twice"));
        assert_eq!(error("regen extra"), "unexpected argument `extra`");
    }

    #[test]
    fn check_takes_no_flags() {
        assert_eq!(error("check --spec a.json"), "unexpected argument `--spec`");
        assert_eq!(error("build"), "unknown command `build`");
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
    fn usage_names_commands_flags_and_sources() {
        let text = usage();
        for needle in [
            "regen",
            "check",
            "diff",
            "check-specs",
            "--format",
            "--version V --spec",
            "--add V",
            "--remove V",
            "--lifecycle",
            "--old-current",
            "--date",
            "--copy",
            "$POLAR_SPEC_DIR/V/*.json",
            "spec/cache/V.json",
            "../shared/spec/versions/V/*.json",
            "https://api.polar.sh/V/openapi.json",
            "spec/versions/V.toml",
        ] {
            assert!(text.contains(needle), "usage lacks {needle}");
        }
        for line in text.lines() {
            assert!(line.chars().count() <= 100, "too long: {line}");
        }
    }
}
