//! Fuzz target `roundtrip`: the check is `fuzz_checks::roundtrip::check`, replayed on stable by
//! crates/fuzz-checks/tests/regressions.rs.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::roundtrip::check(data));
