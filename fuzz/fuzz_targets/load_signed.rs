//! Fuzz target `load_signed`: the check is `fuzz_checks::load::signed`, replayed on stable by
//! crates/fuzz-checks/tests/regressions.rs.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::load::signed(data));
