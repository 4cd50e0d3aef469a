//! The properties the fuzz targets check, compiled on stable so that the ordinary test
//! command replays every saved finding through exactly the code that found it.
//!
//! Every check takes the raw fuzzer bytes; the structure-aware ones build their input from
//! them with [`arbitrary::Unstructured`] themselves, so an input saved by libFuzzer means the
//! same thing to the replay test. A check panics when its property fails.
//!
//! | module | job |
//! |---|---|
//! | [`load`], [`mutations`], [`roundtrip`], [`flask_json`], [`cli_input`] | the checks, one per target |
//! | [`response`] | the rules every response keeps, shared by the checks |
//! | [`engines`] | the engines under test: formats, budgets, keys, the clock |
//! | [`generate`] | structure-aware inputs from fuzzer bytes |
//! | [`forge`] | payloads of the fuzzer's choosing sealed with the engines' keys |
//! | [`heap`] | the peak heap of one call |

// Panicking is how a check reports, and the generators' errors are arbitrary's "not
// enough data": sections saying so on every function would say nothing.
#![allow(clippy::missing_panics_doc, clippy::missing_errors_doc)]

pub mod cli_input;
pub mod engines;
pub mod flask_json;
pub mod forge;
pub mod generate;
pub mod heap;
pub mod load;
pub mod mutations;
pub mod response;
pub mod roundtrip;

/// A check: panics when its property fails for this input.
pub type Check = fn(&[u8]);

/// Every fuzz target by name: `fuzz/fuzz_targets/<name>.rs` calls the check,
/// `fuzz/corpus/<name>/` is its corpus and `fuzz/regressions/<name>/` its saved findings.
pub const TARGETS: &[(&str, Check)] = &[
    ("load_signed", load::signed),
    ("load_private", load::private),
    ("load_flask", load::flask),
    ("chunk_mutations", mutations::check),
    ("roundtrip", roundtrip::check),
    ("flask_json", flask_json::check),
    ("cli_input", cli_input::check),
];

/// The check of a target, by name.
pub fn check(target: &str) -> Option<Check> {
    TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, check)| *check)
}
