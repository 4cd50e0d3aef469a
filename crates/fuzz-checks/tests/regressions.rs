//! Replays every saved fuzz finding, `fuzz/regressions/<target>/*`, through the very check
//! the fuzz target runs, on stable, as part of the ordinary `cargo test`.
//!
//! One `#[test]` on purpose: the heap counters of `fuzz_checks::heap` are process-wide, so
//! the inputs run one at a time. They run on a thread with a fuzzer-sized stack (libFuzzer
//! runs on the 8 MiB main thread; a test thread gets 2 MiB, and this is a debug build).

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

fn replay_all() -> (usize, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (target, check) in fuzz_checks::TARGETS {
        let Ok(entries) = fs::read_dir(root.join(target)) else {
            continue;
        };
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for file in files.into_iter().filter(|p| p.is_file()) {
            let data = fs::read(&file).expect("readable regression input");
            replayed += 1;
            if catch_unwind(AssertUnwindSafe(|| check(&data))).is_err() {
                failures.push(format!("{target}: {}", file.display()));
            }
        }
    }
    // A folder that names no target would be skipped silently: refuse it.
    for entry in fs::read_dir(&root).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            name.starts_with('.') || fuzz_checks::check(&name).is_some(),
            "fuzz/regressions/{name} names no fuzz target"
        );
    }
    (replayed, failures)
}

#[test]
fn every_saved_finding_passes_its_check() {
    let (replayed, failures) = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(replay_all)
        .expect("a thread")
        .join()
        .expect("the replay itself does not panic");
    eprintln!("replayed {replayed} saved fuzz inputs");
    assert!(
        failures.is_empty(),
        "failing regression inputs (replay one with `cargo +nightly fuzz run TARGET FILE`):\n{}",
        failures.join("\n")
    );
}
