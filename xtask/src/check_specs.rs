//! `cargo xtask check-specs DIR`: does the SDK still generate and
//! type-check for every document in a directory (the unversioned snapshots
//! Polar published before dated versions, `polar-openapi-YYYY-MM-DD.json`)?
//!
//! First the workspace's hand-written files (`Cargo.toml`, `Cargo.lock`,
//! `.cargo/`, the crates, `tests/`, `docs/`, `spec/`; no `target/`, no
//! generated directories, no spec cache, no pins) are copied once to a
//! scratch workspace, `target/check-specs/workspace/`, so every document is
//! checked against the same code even if the real workspace changes
//! meanwhile. Then, for each `*.json` in `DIR`, in name order:
//!
//! 1. pin the document in the scratch workspace as its only version, named
//!    after the date in its file name (`2026-04-16`) and current, and run the
//!    generator (rewriting every generated file, deleting the ones the
//!    previous document produced, and writing the manifests' feature blocks,
//!    whose `default` now names this version);
//! 2. `cargo check -p polar-models -p polar-api`, with the version's feature
//!    (`v2026-04-16`) where the generated manifests declare it. A type check,
//!    not a build: CI time matters.
//!
//! A document with a sibling `NAME.expected` is a generator test fixture
//! (`codegen/tests/fixtures/generator_inputs/`): the file says `generates`
//! or `fails: TEXT`. One that must generate is linted with warnings denied
//! (`cargo clippy ... -- -D warnings`) instead of type-checked; one that
//! must fail passes when generation fails with `TEXT` in the error. A
//! fixture's version, when its file name has no date, is its `info.version`.
//!
//! The round-trip test no longer runs here: it needs a full build of
//! `polar-tests`, whose other tests name the pinned versions' types.
//!
//! Every scratch build uses one target directory, `target/check-specs/target/`,
//! so dependencies compile once. The committed crates are never touched.
//! Cargo's output for each document is saved under `target/check-specs/logs/`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use codegen::GENERATED_DIRS;

use crate::date;
use crate::pin::{Lifecycle, Pin};
use crate::pins::{Pins, PINS_DIR};
use crate::regen::{table as columns, write_all};
use crate::spec_source::{self, CACHE_DIR};
use crate::versions::VersionDoc;

/// What is copied to the scratch workspace (relative to the root).
pub const COPIED: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    ".cargo",
    "codegen",
    "xtask",
    "polar-models",
    "polar-api",
    "polar-mock",
    "tests",
    "benches",
    "docs",
    "spec",
];

/// Never copied: build output (wherever it is) and insta's pending
/// snapshots.
const SKIPPED_NAMES: &[&str] = &["target"];
const SKIPPED_SUFFIXES: &[&str] = &[".snap.new", ".pending-snap"];

/// Where the scratch workspace, the shared target directory and the logs
/// live, under the real workspace's `target/`.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The real workspace.
    pub root: PathBuf,
    /// The scratch workspace, copied once per run.
    pub scratch: PathBuf,
    /// `CARGO_TARGET_DIR` of every scratch build.
    pub target_dir: PathBuf,
    /// Cargo's output, one file per spec and step.
    pub logs: PathBuf,
}

impl Layout {
    pub fn new(root: &Path) -> Self {
        let base = root.join("target/check-specs");
        Layout {
            root: root.to_owned(),
            scratch: base.join("workspace"),
            target_dir: base.join("target"),
            logs: base.join("logs"),
        }
    }
}

/// How one step went.
#[derive(Debug, Clone)]
pub struct Step {
    pub ok: bool,
    pub time: Duration,
    /// Why it failed: the error, or cargo's first error lines.
    pub error: Option<String>,
}

/// What a document must do: generate and type-check (every document
/// without an `.expected` file), or fail to generate with an error
/// containing the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    Generates,
    Fails(String),
}

/// The result for one spec; the type check does not run after a failed
/// generation.
#[derive(Debug, Clone)]
pub struct SpecReport {
    /// The file name.
    pub name: String,
    /// The version it is generated as.
    pub version: String,
    pub expect: Expect,
    /// For [`Expect::Fails`], `ok` means it failed with the expected error.
    pub generated: Step,
    pub checked: Option<Step>,
}

impl SpecReport {
    /// Whether every step ran and passed.
    pub fn passed(&self) -> bool {
        match self.expect {
            Expect::Generates => self.generated.ok && self.checked.as_ref().is_some_and(|s| s.ok),
            Expect::Fails(_) => self.generated.ok,
        }
    }

    /// The time of every step that ran.
    pub fn total(&self) -> Duration {
        self.generated.time + self.checked.as_ref().map_or(Duration::ZERO, |s| s.time)
    }
}

/// Check every spec in `dir`, print a table, and fail if any spec failed.
pub fn run(root: &Path, dir: &Path) -> Result<()> {
    let specs = list_specs(dir)?;
    if specs.is_empty() {
        bail!("no *.json spec in {}", dir.display());
    }
    // Every name must make a version before anything is built.
    for spec in &specs {
        version_for(spec)?;
    }
    let layout = Layout::new(root);
    println!(
        "checking {} specs from {}; scratch workspace {}, target dir {}",
        specs.len(),
        dir.display(),
        layout.scratch.display(),
        layout.target_dir.display()
    );
    let started = Instant::now();
    prepare_scratch(&layout.root, &layout.scratch)?;
    fs::create_dir_all(&layout.logs)
        .with_context(|| format!("cannot create {}", layout.logs.display()))?;
    let mut reports = Vec::new();
    for spec in &specs {
        reports.push(check_one(&layout, spec)?);
    }
    print!("{}", table(&reports));
    println!("check-specs finished in {}", human(started.elapsed()));
    let failed = reports.iter().filter(|r| !r.passed()).count();
    if failed > 0 {
        bail!("{failed} of {} specs failed", reports.len());
    }
    Ok(())
}

/// The `*.json` files in `dir`, sorted by name, as absolute paths.
pub fn list_specs(dir: &Path) -> Result<Vec<PathBuf>> {
    let dir = dir
        .canonicalize()
        .with_context(|| format!("cannot read the spec directory {}", dir.display()))?;
    let mut specs = Vec::new();
    for entry in fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|ext| ext == "json") {
            specs.push(path);
        }
    }
    specs.sort();
    Ok(specs)
}

/// The version a document is generated as: the date in its file name
/// (`polar-openapi-2026-04-16.json` → `2026-04-16`), else its file stem if
/// that is a version name, else (for a fixture, which has an `.expected`
/// file) its `info.version` if that is one.
pub fn version_for(spec_path: &Path) -> Result<String> {
    let name = spec_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.trim_end_matches(".json");
    let info_version = || {
        expectation(spec_path).ok()??;
        let text = fs::read_to_string(spec_path).ok()?;
        let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
        let version = doc["info"]["version"].as_str()?;
        date::is_version(version).then(|| version.to_owned())
    };
    date::from_file_name(&name)
        .or_else(|| date::is_version(stem).then(|| stem.to_owned()))
        .or_else(info_version)
        .with_context(|| {
            format!(
                "cannot name a version after {name}: check-specs names each document's version \
                 after the date in its file name (polar-openapi-YYYY-MM-DD.json), or a \
                 fixture's (one with an `.expected` file) after its `info.version`"
            )
        })
}

/// What the `NAME.expected` beside `NAME.json` says (`None` without one).
pub fn expectation(spec_path: &Path) -> Result<Option<Expect>> {
    let path = spec_path.with_extension("expected");
    if !path.exists() {
        return Ok(None);
    }
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = text.trim();
    if text == "generates" {
        return Ok(Some(Expect::Generates));
    }
    match text.strip_prefix("fails:").map(str::trim) {
        Some(needle) if !needle.is_empty() => Ok(Some(Expect::Fails(needle.to_owned()))),
        _ => bail!(
            "{} says `{text}`; expected `generates` or `fails: TEXT` (TEXT in the error)",
            path.display()
        ),
    }
}

/// Generate and type-check one spec in the scratch workspace (made by
/// [`prepare_scratch`]). Errors are for the harness itself (a log cannot be
/// written, cargo cannot start); a spec that fails is a report.
pub fn check_one(layout: &Layout, spec_path: &Path) -> Result<SpecReport> {
    let name = spec_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let version = version_for(spec_path)?;
    let fixture = expectation(spec_path)?;
    let expect = fixture.clone().unwrap_or(Expect::Generates);
    println!("\n==> {name} (version {version})");

    let started = Instant::now();
    let generated = generate_only_version(&layout.scratch, spec_path, &version);
    let time = started.elapsed();
    let generated = match (&expect, generated) {
        (Expect::Generates, result) => Step {
            ok: result.is_ok(),
            time,
            error: result.err().map(|e| format!("{e:#}")),
        },
        (Expect::Fails(needle), Err(e)) => {
            let error = format!("{e:#}");
            let ok = error.contains(needle.as_str());
            Step {
                ok,
                time,
                error: (!ok).then(|| format!("failed, but not with `{needle}`: {error}")),
            }
        }
        (Expect::Fails(needle), Ok(())) => Step {
            ok: false,
            time,
            error: Some(format!("generated, but must fail with `{needle}`")),
        },
    };
    print_step("generate", &generated);
    let mut report = SpecReport {
        name,
        version: version.clone(),
        expect,
        generated,
        checked: None,
    };
    if !report.generated.ok || report.expect != Expect::Generates {
        return Ok(report);
    }

    // A fixture is linted with warnings denied; other documents (older
    // snapshots) are type-checked.
    let command = if fixture.is_some() { "clippy" } else { "check" };
    let mut args = vec![
        command.to_owned(),
        "-p".to_owned(),
        "polar-models".to_owned(),
        "-p".to_owned(),
        "polar-api".to_owned(),
    ];
    let features = version_features(&layout.scratch, &version);
    if !features.is_empty() {
        args.push("--features".to_owned());
        args.push(features.join(","));
    }
    if fixture.is_some() {
        // `unexpected_cfgs` aside: the hand-written crates name the pinned
        // versions' features (`cfg(feature = "v2026-10")`), which the
        // scratch workspace, with the fixture as its only version, lacks.
        args.extend(
            ["--", "-D", "warnings", "-A", "unexpected_cfgs"]
                .into_iter()
                .map(str::to_owned),
        );
    }
    let stem = report.name.trim_end_matches(".json").to_owned();
    let check = cargo(
        layout,
        &args,
        &layout.logs.join(format!("{stem}.check.log")),
    )?;
    print_step(&format!("cargo {}", args.join(" ")), &check);
    report.checked = Some(check);
    Ok(report)
}

/// Make the scratch workspace pin `spec_path` as its only version, current,
/// and generate from it.
fn generate_only_version(scratch: &Path, spec_path: &Path, version: &str) -> Result<()> {
    let spec = spec_source::load_named(&spec_path.to_string_lossy())?;
    let pins_dir = scratch.join(PINS_DIR);
    if pins_dir.exists() {
        fs::remove_dir_all(&pins_dir)
            .with_context(|| format!("cannot clear {}", pins_dir.display()))?;
    }
    let pin = Pin {
        version: version.to_owned(),
        lifecycle: Lifecycle::Current,
        source_url: "https://api.polar.sh/openapi.json".to_owned(),
        sha256: spec.sha256.clone(),
        date: spec.date_from_name().unwrap_or_else(date::today_utc),
        copy: format!("check-specs: {}", spec.file_name()),
    };
    let doc = VersionDoc::new(pin, spec)?;
    write_all(scratch, &Pins::load(scratch)?, &[doc])?;
    Ok(())
}

/// `polar-models/v{version}`, `polar-api/v{version}` for each generated
/// manifest that declares the version's feature (`v2026-04-16 = [...]`).
fn version_features(scratch: &Path, version: &str) -> Vec<String> {
    let Some(feature) = codegen::ApiVersion::new(version, Lifecycle::Current).map(|v| v.feature())
    else {
        return Vec::new();
    };
    ["polar-models/Cargo.toml", "polar-api/Cargo.toml"]
        .iter()
        .filter_map(|manifest| {
            let text = fs::read_to_string(scratch.join(manifest)).ok()?;
            let declared = text.lines().any(|line| {
                line.split_once('=')
                    .is_some_and(|(key, _)| key.trim().trim_matches('"') == feature)
            });
            let package = manifest.split('/').next()?;
            declared.then(|| format!("{package}/{feature}"))
        })
        .collect()
}

/// Replace `scratch` with a copy of the hand-written files of `root`.
pub fn prepare_scratch(root: &Path, scratch: &Path) -> Result<()> {
    if scratch.exists() {
        fs::remove_dir_all(scratch)
            .with_context(|| format!("cannot clear the scratch workspace {}", scratch.display()))?;
    }
    fs::create_dir_all(scratch)
        .with_context(|| format!("cannot create the scratch workspace {}", scratch.display()))?;
    for entry in COPIED {
        let from = root.join(entry);
        if !from.exists() {
            continue;
        }
        copy(root, &from, &scratch.join(entry))?;
    }
    Ok(())
}

/// Copy a file or directory tree, leaving out build output, pending
/// snapshots, the spec cache, the pins and the generated directories (each
/// document gets its own pin, and regen writes the rest).
fn copy(root: &Path, from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        let relative = from.strip_prefix(root).unwrap_or(from);
        let relative = relative.to_string_lossy().replace('\\', "/");
        let skipped = [CACHE_DIR, PINS_DIR];
        if GENERATED_DIRS.contains(&relative.as_str()) || skipped.contains(&relative.as_str()) {
            return Ok(());
        }
        fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
        let mut entries: Vec<_> = fs::read_dir(from)
            .with_context(|| format!("cannot list {}", from.display()))?
            .collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            if SKIPPED_NAMES.contains(&name.as_str())
                || SKIPPED_SUFFIXES.iter().any(|s| name.ends_with(s))
            {
                continue;
            }
            copy(root, &entry.path(), &to.join(&name))?;
        }
        Ok(())
    } else {
        fs::copy(from, to)
            .map(|_| ())
            .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))
    }
}

/// Run cargo in the scratch workspace with the shared target directory,
/// its output going to `log`.
fn cargo(layout: &Layout, args: &[String], log: &Path) -> Result<Step> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = fs::File::create(log).with_context(|| format!("cannot write {}", log.display()))?;
    let err = out.try_clone()?;
    let started = Instant::now();
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(&layout.scratch)
        .env("CARGO_TARGET_DIR", &layout.target_dir)
        // Every scratch build compiles different generated code once.
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .with_context(|| format!("cannot run {}", cargo.to_string_lossy()))?;
    let time = started.elapsed();
    let error = (!status.success()).then(|| {
        let text = fs::read_to_string(log).unwrap_or_default();
        format!(
            "{}\n`cargo {}` failed ({status}); log: {}\n{}",
            headline(&text),
            args.join(" "),
            log.display(),
            first_errors(&text)
        )
    });
    Ok(Step {
        ok: status.success(),
        time,
        error,
    })
}

/// One line saying what failed: `` polar-api (lib): error[E0432]: unresolved
/// import `x` ``, or the first failing test.
pub fn headline(log: &str) -> String {
    let first = |prefix: &str| log.lines().find(|line| line.starts_with(prefix));
    let crate_name = first("error: could not compile `").and_then(|line| {
        let rest = line.strip_prefix("error: could not compile `")?;
        let (name, rest) = rest.split_once('`')?;
        let target = rest
            .trim_start()
            .strip_prefix('(')
            .and_then(|r| r.split_once(')'))
            .map(|(target, _)| format!(" ({target})"))
            .unwrap_or_default();
        Some(format!("{name}{target}"))
    });
    let error = log.lines().find(|line| {
        line.starts_with("error[")
            || line.starts_with("error: ") && !line.starts_with("error: could not compile")
    });
    match (crate_name, error, first("---- ")) {
        (Some(name), Some(error), _) => format!("{name}: {error}"),
        (None, _, Some(test)) => format!(
            "test failed: {}",
            test.trim_matches(|c| c == '-' || c == ' ')
        ),
        (_, Some(error), _) => error.to_owned(),
        _ => "cargo failed".to_owned(),
    }
}

/// The lines that say what went wrong in cargo's output: compiler errors
/// with a little context, failed tests, else the last lines.
pub fn first_errors(log: &str) -> String {
    const MAX_LINES: usize = 24;
    let lines: Vec<&str> = log.lines().collect();
    let mut picked: Vec<&str> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let failing_test = line.starts_with("---- ") || line.starts_with("test result: FAILED");
        if line.starts_with("error") || failing_test {
            picked.extend(lines[index..].iter().take(6));
        }
        if picked.len() >= MAX_LINES {
            break;
        }
    }
    if picked.is_empty() {
        let start = lines.len().saturating_sub(MAX_LINES / 2);
        picked.extend(&lines[start..]);
    }
    picked.truncate(MAX_LINES);
    picked.iter().map(|line| format!("    {line}\n")).collect()
}

fn print_step(what: &str, step: &Step) {
    let outcome = if step.ok { "ok" } else { "FAILED" };
    println!("    {what}: {outcome} in {}", human(step.time));
    if let Some(error) = &step.error {
        for line in error.lines() {
            println!("      {line}");
        }
    }
}

/// The final table: one row per spec, then what failed.
pub fn table(reports: &[SpecReport]) -> String {
    let cell = |step: Option<&Step>| match step {
        None => "-".to_owned(),
        Some(step) if step.ok => format!("yes ({})", human(step.time)),
        Some(step) => format!("NO ({})", human(step.time)),
    };
    let generated = |report: &SpecReport| match (&report.expect, report.generated.ok) {
        (Expect::Fails(_), true) => {
            format!("failed as expected ({})", human(report.generated.time))
        }
        _ => cell(Some(&report.generated)),
    };
    let rows: Vec<[String; 5]> = reports
        .iter()
        .map(|r| {
            [
                r.name.clone(),
                r.version.clone(),
                generated(r),
                cell(r.checked.as_ref()),
                human(r.total()),
            ]
        })
        .collect();
    let header = ["spec", "version", "generated", "type-checked", "total"].map(String::from);
    let mut out = String::from("\n");
    out.push_str(&columns(&header, &rows));
    for report in reports.iter().filter(|r| !r.passed()) {
        let steps = [
            ("generate", Some(&report.generated)),
            ("cargo check", report.checked.as_ref()),
        ];
        for (what, step) in steps {
            if let Some(error) = step.and_then(|s| s.error.as_ref()) {
                let first = error.lines().next().unwrap_or_default();
                let _ = writeln!(out, "{}: {what} failed: {first}", report.name);
            }
        }
    }
    out
}

/// `850ms`, `12.3s`, `3m 07s`.
pub fn human(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 1.0 {
        format!("{}ms", duration.as_millis())
    } else if seconds < 60.0 {
        format!("{seconds:.1}s")
    } else {
        let whole = duration.as_secs();
        format!("{}m {:02}s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(ok: bool, secs: u64) -> Step {
        Step {
            ok,
            time: Duration::from_secs(secs),
            error: (!ok).then(|| "boom\nmore".to_owned()),
        }
    }

    #[test]
    fn every_workspace_member_is_copied() {
        // A member missing from the scratch workspace makes cargo refuse to
        // load it, and every spec would fail to build.
        let root = crate::workspace_root().unwrap();
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let (_, members) = manifest
            .split_once("\nmembers = [")
            .expect("the root manifest lists its members");
        let (members, _) = members.split_once(']').expect("a closed list");
        let members: Vec<&str> = members
            .split(',')
            .map(|member| member.trim().trim_matches('"'))
            .filter(|member| !member.is_empty())
            .collect();
        assert!(members.len() > 3, "{members:?}");
        for member in members {
            // `polar-models/core` is copied with `polar-models`; the
            // generated crates under it are written by regen.
            let top = member.split('/').next().expect("a path");
            assert!(
                COPIED.contains(&top),
                "workspace member {member} is not copied"
            );
        }
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human(Duration::from_millis(850)), "850ms");
        assert_eq!(human(Duration::from_millis(12_340)), "12.3s");
        assert_eq!(human(Duration::from_secs(187)), "3m 07s");
    }

    #[test]
    fn the_table_has_a_row_per_spec_and_names_failures() {
        let reports = [
            SpecReport {
                name: "a.json".into(),
                version: "2026-04-16".into(),
                expect: Expect::Generates,
                generated: step(true, 1),
                checked: Some(step(true, 100)),
            },
            SpecReport {
                name: "b.json".into(),
                version: "2026-03-03".into(),
                expect: Expect::Generates,
                generated: step(false, 2),
                checked: None,
            },
        ];
        assert!(reports[0].passed());
        assert!(!reports[1].passed());
        let text = table(&reports);
        assert_eq!(
            text,
            "\n\
             spec    version     generated   type-checked  total\n\
             a.json  2026-04-16  yes (1.0s)  yes (1m 40s)  1m 41s\n\
             b.json  2026-03-03  NO (2.0s)   -             2.0s\n\
             b.json: generate failed: boom\n"
        );
    }

    #[test]
    fn versions_are_named_after_the_file_date() {
        let version = |name: &str| version_for(Path::new(name));
        assert_eq!(
            version("/x/polar-openapi-2026-04-16.json").unwrap(),
            "2026-04-16"
        );
        assert_eq!(version("2026-10.json").unwrap(), "2026-10");
        let error = version("openapi.json").unwrap_err().to_string();
        assert!(error.contains("polar-openapi-YYYY-MM-DD.json"), "{error}");
    }

    #[test]
    fn the_version_feature_is_passed_where_a_manifest_declares_it() {
        let base = std::env::temp_dir().join(format!("xtask-features-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(base.join("polar-models")).unwrap();
        fs::create_dir_all(base.join("polar-api")).unwrap();
        fs::write(
            base.join("polar-models/Cargo.toml"),
            "[features]\nv2026-04-16 = []\n",
        )
        .unwrap();
        fs::write(base.join("polar-api/Cargo.toml"), "[features]\nfull = []\n").unwrap();
        assert_eq!(
            version_features(&base, "2026-04-16"),
            ["polar-models/v2026-04-16"]
        );
        assert!(version_features(&base, "2026-03-03").is_empty());
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn the_scratch_workspace_has_the_hand_written_files_only() {
        let base = std::env::temp_dir().join(format!("xtask-check-specs-{}", std::process::id()));
        let (root, scratch) = (base.join("root"), base.join("scratch"));
        let files = [
            "Cargo.toml",
            ".cargo/config.toml",
            "codegen/src/lib.rs",
            "polar-models/src/lib.rs",
            "polar-models/src/generated/mod.rs",
            "polar-models/core/src/lib.rs",
            "polar-models/generated/v2026_10/Cargo.toml",
            "docs/guide.md",
            "spec/pin.toml",
            "spec/versions/2026-10.toml",
            "spec/cache/2026-10.json",
            "tests/tests/snapshots/a.snap",
            "tests/tests/snapshots/a.snap.new",
            "target/debug/x",
            "README.md",
        ];
        for file in files {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, file).unwrap();
        }
        fs::create_dir_all(scratch.join("stale")).unwrap();
        prepare_scratch(&root, &scratch).unwrap();
        let copied: Vec<&str> = files
            .into_iter()
            .filter(|file| scratch.join(file).exists())
            .collect();
        assert_eq!(
            copied,
            [
                "Cargo.toml",
                ".cargo/config.toml",
                "codegen/src/lib.rs",
                "polar-models/src/lib.rs",
                "polar-models/core/src/lib.rs",
                "docs/guide.md",
                "spec/pin.toml",
                "tests/tests/snapshots/a.snap",
            ]
        );
        assert!(!scratch.join("stale").exists());
        assert_eq!(
            fs::read_to_string(scratch.join("spec/pin.toml")).unwrap(),
            "spec/pin.toml"
        );
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn cargo_errors_are_picked_from_the_log() {
        let log =
            "   Compiling x\nerror[E0412]: cannot find type `Foo`\n  --> a.rs:1:1\nwarning: x\n";
        assert!(first_errors(log).contains("cannot find type `Foo`"));
        assert_eq!(
            headline(
                "error[E0432]: unresolved import `polar_models::X`\n\
                 error: could not compile `polar-api` (lib) due to 1 previous error\n"
            ),
            "polar-api (lib): error[E0432]: unresolved import `polar_models::X`"
        );
        assert_eq!(
            headline("---- every_component_schema_round_trips stdout ----\nboom\n"),
            "test failed: every_component_schema_round_trips stdout"
        );
        let quiet = "line 1\nline 2\n";
        assert_eq!(first_errors(quiet), "    line 1\n    line 2\n");
    }
}
