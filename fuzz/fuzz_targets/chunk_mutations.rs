//! Fuzz target `chunk_mutations`: the check is `fuzz_checks::mutations::check`, replayed on stable by
//! crates/fuzz-checks/tests/regressions.rs.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::mutations::check(data));
