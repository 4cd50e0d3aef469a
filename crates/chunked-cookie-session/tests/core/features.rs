//! The native formats read and write the same bytes whatever features the build has on.
//!
//! Before issue 9 the `flask` feature turned on `serde_json/arbitrary_precision` for the
//! whole build, so a signed session holding `1e400` or an integer above `u64` was `valid`
//! in a build with `flask` and `malformed` in one without: fleets with mixed builds could
//! not share sessions.

use chunked_cookie_session::{Compression, LoadReason, SessionConfig};

use super::fixture::Fixture;
use super::forge::for_fixture;
use super::support::NOW;

native_formats!(native_verdicts_and_bytes_are_the_same_in_every_build);

/// Session bodies at the edges of JSON numbers (and of JSON), sealed behind a valid tag,
/// with what the reader must make of each: its verdict and, for the valid ones, the exact
/// JSON the engine writes when it writes the session again.
const CASES: &[(&str, Option<&str>)] = &[
    // Out of a double's range: refused, never turned into infinity or kept as digits.
    (r#"{"n":1e400}"#, None),
    (r#"{"n":-1e400}"#, None),
    (r#"{"n":1.7976931348623159e308}"#, None),
    (r#"{"n":NaN}"#, None),
    (r#"{"n":Infinity}"#, None),
    // Integers within 64 bits stay integers; beyond, they are doubles.
    (
        r#"{"n":18446744073709551615}"#,
        Some(r#"{"n":18446744073709551615}"#),
    ),
    (
        r#"{"n":-9223372036854775808}"#,
        Some(r#"{"n":-9223372036854775808}"#),
    ),
    (
        r#"{"n":18446744073709551616}"#,
        Some(r#"{"n":1.8446744073709552e+19}"#),
    ),
    (
        r#"{"n":-9223372036854775809}"#,
        Some(r#"{"n":-9.223372036854776e+18}"#),
    ),
    (
        r#"{"n":123456789012345678901234567890}"#,
        Some(r#"{"n":1.2345678901234568e+29}"#),
    ),
    // Zeros, exponents, and doubles read exactly (correctly rounded) and written shortest.
    (r#"{"n":-0}"#, Some(r#"{"n":-0.0}"#)),
    (r#"{"n":-0.0}"#, Some(r#"{"n":-0.0}"#)),
    (r#"{"n":1E2}"#, Some(r#"{"n":100.0}"#)),
    (r#"{"n":1e-400}"#, Some(r#"{"n":0.0}"#)),
    (r#"{"n":5e-324}"#, Some(r#"{"n":5e-324}"#)),
    (
        r#"{"n":1.0000000000000002}"#,
        Some(r#"{"n":1.0000000000000002}"#),
    ),
    (
        r#"{"n":1.00000000000000011102230246251565404236316680908203125}"#,
        Some(r#"{"n":1.0}"#),
    ),
    (
        r#"{"n":0.30000000000000004}"#,
        Some(r#"{"n":0.30000000000000004}"#),
    ),
    // Keys sorted, whatever order they came in; a repeated key keeps its last value.
    (
        r#"{"b":1,"a":[1.5,2,{"z":null,"y":true}]}"#,
        Some(r#"{"a":[1.5,2,{"y":true,"z":null}],"b":1}"#),
    ),
    (r#"{"k":1,"k":2}"#, Some(r#"{"k":2}"#)),
    // Text: escapes read, and written the way serde_json writes them.
    (
        r#"{"s":"\u00e9\u2028\ud83d\ude00\/"}"#,
        Some("{\"s\":\"\u{e9}\u{2028}\u{1f600}/\"}"),
    ),
    (r#"{"s":"\ud800"}"#, None),
];

/// Every case above sealed in the format with a valid tag, read, and (when valid) written
/// again: the verdicts and the bytes are these constants.
///
/// This test runs in `cargo test -p chunked-cookie-session --no-default-features` and in
/// `cargo test --workspace --all-features` (scripts/test-all.sh runs both). The expected
/// verdicts and bytes are the same constants in both builds, so a feature that changed how
/// the native formats read or write JSON (as `arbitrary_precision` or `preserve_order`
/// would) fails one of the two runs: the two builds agree exactly when both pass.
fn native_verdicts_and_bytes_are_the_same_in_every_build(f: &Fixture) {
    let engine = f.engine(
        SessionConfig::builder()
            .compression(Compression::Off)
            .build()
            .expect("valid"),
    );
    let forger = for_fixture(f, 1, f.base());
    let mut failures = Vec::new();
    for &(body, rewritten) in CASES {
        let pairs = forger.seal(0, 1, NOW, body.as_bytes());
        let header = format!("{}={}", f.base(), pairs[0].1);
        let session = engine.load_at([header.as_str()], NOW + 1);
        let reason = session.load_reason();
        let got = if reason == LoadReason::Valid {
            // Written again as it stands: a renewal writes the same entries.
            session.renew();
            let outcome = engine.save_at(&session, NOW + 1).expect("fits");
            assert_eq!(outcome.cookies.len(), 1);
            let json = forger.open_body(outcome.cookies[0].value());
            Some(String::from_utf8(json).expect("UTF-8"))
        } else {
            assert_eq!(reason, LoadReason::Malformed, "{}: {body}", f.name);
            None
        };
        if got.as_deref() != rewritten {
            failures.push(format!("{body}: want {rewritten:?}, got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{}: the native formats read differently in this build:\n{}",
        f.name,
        failures.join("\n")
    );
}
