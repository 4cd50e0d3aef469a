//! Fuzz target `cli_input`: the check is `fuzz_checks::cli_input::check`, replayed on stable by
//! crates/fuzz-checks/tests/regressions.rs.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::cli_input::check(data));
