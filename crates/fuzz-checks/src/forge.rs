//! Fuzzer-chosen bytes sealed behind a valid MAC or AEAD tag with the engines' own keys,
//! through the test kit's forger ([`test_support::forge`]: docs/FORMAT.md for the native
//! formats, itsdangerous for Flask's), so the fuzzer reaches the code after verification:
//! decompression, JSON, tagged JSON. Random bytes never get past the tag.

pub use test_support::forge::{FLAG_COMPRESSED, FLAG_PERSISTENT, Forger, chunks, raw_deflate};

/// The secret of every native key the checks use (index 0 is the current key).
pub const SECRETS: [[u8; 32]; 2] = [[1; 32], [2; 32]];
/// The Flask `SECRET_KEY` of the checks.
pub const FLASK_SECRET: &[u8] = b"fuzz-secret";

/// A Flask session cookie value over `json` (zlib'd behind a `.` when `compress`), signed
/// with [`FLASK_SECRET`] at `timestamp`.
pub fn flask(json: &[u8], compress: bool, timestamp: u64) -> String {
    test_support::forge::flask::token(FLASK_SECRET, json, compress, timestamp)
}
