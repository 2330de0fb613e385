//! `cargo xtask check-specs DIR`: does the SDK still build, and do its
//! round trips still pass, for every spec in a directory?
//!
//! First the workspace's hand-written files (`Cargo.toml`, `Cargo.lock`,
//! `.cargo/`, the crates, `tests/`, `spec/`; no `target/`, no generated
//! directories, no spec cache) are copied once to a scratch workspace,
//! `target/check-specs/workspace/`, so every spec is checked against the
//! same code even if the real workspace changes meanwhile. Then, for each
//! `*.json` in `DIR`, in name order:
//!
//! 1. run the generator in the scratch workspace on the spec (moving the
//!    scratch pin to it; regen rewrites every generated file and deletes the
//!    ones the spec no longer produces);
//! 2. `cargo build -p polar-models -p polar-api`;
//! 3. `cargo test -p polar-tests --test roundtrip` with `POLAR_OPENAPI_SPEC`
//!    set to the spec's absolute path. Only the round-trip test runs: it is
//!    generated from the spec, while the other workspace tests name types of
//!    the pinned spec and do not compile against others.
//!
//! Every scratch build uses one target directory, `target/check-specs/target/`,
//! so dependencies compile once. The committed crates are never touched.
//! Cargo's output for each step is saved under `target/check-specs/logs/`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use codegen::GENERATED_DIRS;

use crate::regen::regen;
use crate::spec_source::{self, CACHE_PATH};

/// What is copied to the scratch workspace (relative to the root).
pub const COPIED: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    ".cargo",
    "codegen",
    "xtask",
    "polar-models",
    "polar-api",
    "tests",
    "benches",
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

/// The result for one spec; a step after a failed one does not run.
#[derive(Debug, Clone)]
pub struct SpecReport {
    /// The file name.
    pub name: String,
    pub generated: Step,
    pub compiled: Option<Step>,
    pub tested: Option<Step>,
}

impl SpecReport {
    /// Whether every step ran and passed.
    pub fn passed(&self) -> bool {
        self.generated.ok
            && self.compiled.as_ref().is_some_and(|s| s.ok)
            && self.tested.as_ref().is_some_and(|s| s.ok)
    }

    /// The time of every step that ran.
    pub fn total(&self) -> Duration {
        self.generated.time
            + self.compiled.as_ref().map_or(Duration::ZERO, |s| s.time)
            + self.tested.as_ref().map_or(Duration::ZERO, |s| s.time)
    }
}

/// Check every spec in `dir`, print a table, and fail if any spec failed.
pub fn run(root: &Path, dir: &Path) -> Result<()> {
    let specs = list_specs(dir)?;
    if specs.is_empty() {
        bail!("no *.json spec in {}", dir.display());
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

/// Generate, build and test one spec in the scratch workspace (made by
/// [`prepare_scratch`]). Errors are for the harness itself (a log cannot be
/// written, cargo cannot start); a spec that fails is a report.
pub fn check_one(layout: &Layout, spec_path: &Path) -> Result<SpecReport> {
    let name = spec_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.trim_end_matches(".json").to_owned();
    println!("\n==> {name}");

    let started = Instant::now();
    let generated = spec_source::load_named(&spec_path.to_string_lossy())
        .and_then(|spec| regen(&layout.scratch, &spec, spec.date_from_name().as_deref()));
    let generated = Step {
        ok: generated.is_ok(),
        time: started.elapsed(),
        error: generated.err().map(|e| format!("{e:#}")),
    };
    print_step("generate", &generated);
    let mut report = SpecReport {
        name,
        generated,
        compiled: None,
        tested: None,
    };
    if !report.generated.ok {
        return Ok(report);
    }

    let build = cargo(
        layout,
        spec_path,
        &["build", "-p", "polar-models", "-p", "polar-api"],
        &layout.logs.join(format!("{stem}.build.log")),
    )?;
    print_step("build polar-models, polar-api", &build);
    let built = build.ok;
    report.compiled = Some(build);
    if !built {
        return Ok(report);
    }

    let test = cargo(
        layout,
        spec_path,
        &["test", "-p", "polar-tests", "--test", "roundtrip"],
        &layout.logs.join(format!("{stem}.roundtrip.log")),
    )?;
    print_step("test roundtrip", &test);
    report.tested = Some(test);
    Ok(report)
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
/// snapshots, the spec cache and the generated directories (regen writes
/// those).
fn copy(root: &Path, from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        let relative = from.strip_prefix(root).unwrap_or(from);
        let relative = relative.to_string_lossy().replace('\\', "/");
        let cache_dir = CACHE_PATH.rsplit_once('/').map_or("", |(dir, _)| dir);
        if GENERATED_DIRS.contains(&relative.as_str()) || relative == cache_dir {
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
fn cargo(layout: &Layout, spec: &Path, args: &[&str], log: &Path) -> Result<Step> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = fs::File::create(log).with_context(|| format!("cannot write {}", log.display()))?;
    let err = out.try_clone()?;
    let started = Instant::now();
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(&layout.scratch)
        .env("CARGO_TARGET_DIR", &layout.target_dir)
        .env(spec_source::SPEC_ENV, spec)
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
    let rows: Vec<[String; 5]> = reports
        .iter()
        .map(|r| {
            [
                r.name.clone(),
                cell(Some(&r.generated)),
                cell(r.compiled.as_ref()),
                cell(r.tested.as_ref()),
                human(r.total()),
            ]
        })
        .collect();
    let header = ["spec", "generated", "compiled", "roundtrip passed", "total"].map(String::from);
    let mut widths = [0; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, text) in widths.iter_mut().zip(row) {
            *width = (*width).max(text.chars().count());
        }
    }
    let mut out = String::from("\n");
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(text, width)| format!("{text:<width$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    for report in reports.iter().filter(|r| !r.passed()) {
        let steps = [
            ("generate", Some(&report.generated)),
            ("build", report.compiled.as_ref()),
            ("roundtrip", report.tested.as_ref()),
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
        let root = crate::workspace_root();
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let members = manifest
            .lines()
            .find_map(|line| line.strip_prefix("members = "))
            .expect("the root manifest lists its members on one line");
        for member in members.trim_matches(['[', ']']).split(',') {
            let member = member.trim().trim_matches('"');
            assert!(
                COPIED.contains(&member),
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
                generated: step(true, 1),
                compiled: Some(step(true, 100)),
                tested: Some(step(true, 30)),
            },
            SpecReport {
                name: "b.json".into(),
                generated: step(false, 2),
                compiled: None,
                tested: None,
            },
        ];
        assert!(reports[0].passed());
        assert!(!reports[1].passed());
        let text = table(&reports);
        assert_eq!(
            text,
            "\n\
             spec    generated   compiled      roundtrip passed  total\n\
             a.json  yes (1.0s)  yes (1m 40s)  yes (30.0s)       2m 11s\n\
             b.json  NO (2.0s)   -             -                 2.0s\n\
             b.json: generate failed: boom\n"
        );
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
            "spec/pin.toml",
            "spec/cache/openapi.json",
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
