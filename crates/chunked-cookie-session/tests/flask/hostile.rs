//! Mutated payloads under a valid signature (a signature only a key holder could make),
//! judged by the Rust engine as Flask judges them: what Flask loads loads the same, what
//! Flask cannot load is an empty session here, and nothing panics.

use chunked_cookie_session::LoadReason;
use chunked_cookie_session::flask::{FlaskLayout, to_json};
use serde_json::json;
use test_support::oracle::Oracle;

use super::{SALT, SECRET, TS, engine, tagged};

#[test]
fn hostile_payloads_under_a_valid_signature_never_panic_and_match_flask() {
    let mut oracle = Oracle::start();
    let engine = engine(FlaskLayout::Stock);
    let (mut accepted, mut refused, mut respelled) = (0, 0, 0);
    for seed in 0..3 {
        let answer = oracle.call(&json!({
            "op": "hostile", "seed": seed, "count": 1000, "secret": SECRET, "salt": SALT,
            "ts": TS,
        }));
        for case in answer["cases"].as_array().expect("cases") {
            let cookie = case["cookie"].as_str().expect("cookie");
            let session = engine.load_at([format!("session={cookie}").as_str()], TS);
            let reason = session.load_reason();
            if case["ok"] == json!(true) && case["surrogate"] != json!(true) {
                // Whatever Flask loads, Rust loads as the same session: the same JSON, or
                // (for a spelling Flask reads leniently, such as an odd date, which Rust
                // keeps as it came) JSON that Flask reads back as that session.
                assert_eq!(reason, LoadReason::Valid, "{case}");
                let rust = to_json(&tagged(&session));
                if Some(rust.as_str()) != case["json"].as_str() {
                    let canon = oracle.call(&json!({"op": "canon", "json": rust}));
                    assert_eq!(canon["json"], case["json"], "{case}");
                    assert!(
                        rust.contains(r#"{" d":"#),
                        "only dates are kept as spelled: {case}"
                    );
                    respelled += 1;
                }
                accepted += 1;
            } else {
                // What Flask cannot load (a server error there) is an empty session here.
                assert!(
                    matches!(reason, LoadReason::Malformed | LoadReason::TooLarge),
                    "{reason} for {case}"
                );
                assert!(session.is_empty());
                refused += 1;
            }
        }
    }
    assert!(
        accepted > 100 && refused > 100 && respelled < accepted / 4,
        "{accepted} {refused} {respelled}"
    );
}
