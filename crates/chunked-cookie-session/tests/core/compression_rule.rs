//! The writer's compression decision held to its yardstick (issue 19, item 14): whatever the
//! cheap look at the data decides, a session never takes more cookies than its JSON
//! deflated at level 6 would, nor, once it spans more than one cookie, more than 10 % more
//! bytes of `Cookie` header. Every shape of session applications keep (carts, form drafts,
//! tokens, profiles, sign-ins, flashes: `test_support::shapes`) is walked up to the budget,
//! in every format that compresses: signed (`Compression::Auto`) and private (only under
//! `Compression::On`). Flask's format compresses as Flask does, not by this rule.

use chunked_cookie_session::{Compression, SaveError, SessionConfig};
use serde_json::Value;
use test_support::forge::entries;
use test_support::shapes::{Shape, level6_wire_framed};

use crate::fixture::{Fixture, Wire};
use crate::support::{NOW, attributes_len, session_with};

/// The budget, and the largest JSON walked: past it even deflate seldom fits.
const BUDGET: usize = 40 * 1024;
const LARGEST_JSON: usize = 64 * 1024;

fn never_worse_than_level_6(f: &Fixture) {
    let Wire::Envelope {
        encrypted,
        nonce_len,
        tag_len,
    } = f.wire
    else {
        unreachable!("a native format")
    };
    // `Auto` compresses signed sessions only; a private one only when asked.
    let compression = if encrypted {
        Compression::On
    } else {
        Compression::Auto
    };
    let config = SessionConfig::builder()
        .max_size(BUDGET)
        .compression(compression)
        .build()
        .expect("valid");
    let engine = f.engine(config);
    let name = engine.config().name().to_owned();
    let attributes = attributes_len(&engine);
    let mut walked = 0;
    let mut broken = Vec::new();
    for shape in Shape::ALL {
        for (items, session) in shape.corpus(LARGEST_JSON) {
            let stored = Value::Object(entries::store(&session));
            let json = serde_json::to_vec(&stored).expect("JSON");
            let (cookies, bytes) =
                level6_wire_framed(&json, &name, attributes, nonce_len + tag_len);
            let what = format!(
                "{} of {items} items ({} bytes of JSON)",
                shape.label(),
                json.len()
            );
            match engine.save_at(&session_with(&engine, &session), NOW) {
                Ok(outcome) => {
                    let sets: Vec<_> = outcome.cookies.iter().filter(|c| !c.is_removal()).collect();
                    let line =
                        sets.iter().map(|c| c.pair().len()).sum::<usize>() + 2 * (sets.len() - 1);
                    if sets.len() > cookies || (sets.len() > 1 && line * 10 > bytes * 11) {
                        broken.push(format!(
                            "{what}: {line} bytes in {} cookies, level 6 {bytes} in {cookies}",
                            sets.len()
                        ));
                    }
                    walked += 1;
                }
                Err(SaveError::Overflow { .. }) => {
                    // Refused only where deflate at level 6 does not fit either.
                    if bytes <= BUDGET {
                        broken.push(format!("{what}: refused, level 6 {bytes} in {cookies}"));
                    }
                }
                Err(other) => panic!("{}: {what}: {other}", f.name),
            }
        }
    }
    assert!(walked > 60, "{}: {walked} sessions written", f.name);
    assert!(
        broken.is_empty(),
        "{}: sessions the writer sends worse than level 6 would:\n{}",
        f.name,
        broken.join("\n")
    );
}

native_formats!(never_worse_than_level_6);
