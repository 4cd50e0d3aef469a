//! Tampering of every kind: every flipped bit of a native token gives the reason its place
//! in docs/FORMAT.md's layout predicts; chunks swapped, dropped, mixed from another write
//! or renamed never load; random values in our cookies never load.

use std::collections::BTreeSet;

use chunked_cookie_session::{Compression, LoadReason, Session, SessionConfig, SessionEngine};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use serde_json::{Value, json};
use test_support::{join_pairs, noise};

use super::fixture::{Fixture, HEADER_LEN, Wire};
use super::forge::{FLAG_ENCRYPTED, decode, encode, try_decode};
use super::support::*;

native_formats!(
    every_flipped_bit_fails_with_its_reason,
    swapped_missing_foreign_and_renamed_chunks_fail
);
every_format!(arbitrary_cookie_values_are_rejected);

type Pairs = Vec<(String, String)>;

fn config(name: &str) -> SessionConfig {
    SessionConfig::builder()
        .name(name)
        .max_size(40 * 1024)
        .compression(Compression::Off)
        .build()
        .expect("valid")
}

fn load(engine: &SessionEngine, pairs: &[(String, String)], now: u64) -> Session {
    let session = engine.load_at([join_pairs(pairs).as_str()], now);
    // Decoding is lazy: touching the session makes the reason final.
    let _ = session.len();
    session
}

/// A four-cookie session and its entries, for the tampering tests.
fn four_chunks(f: &Fixture, engine: &SessionEngine) -> (Pairs, Value) {
    let value = json!({ "t": noise(10_500, 11) });
    let pairs = write_pairs(f, engine, &value);
    assert_eq!(pairs.len(), 4);
    (pairs, value)
}

/// The reason a flipped bit must produce, from the documented layout.
fn expected_reason(
    f: &Fixture,
    pairs: &[(String, String)],
    raw: &[u8],
    byte: usize,
    bit: u8,
) -> LoadReason {
    let flipped = raw[byte] ^ (1 << bit);
    match byte {
        0 => LoadReason::Malformed,
        1 => match 1u8 << bit {
            // Compressed and persistent are bound by the tag; the encrypted flag names
            // the other format; other bits are unknown flags.
            1 | 4 => LoadReason::BadSignature,
            FLAG_ENCRYPTED => LoadReason::Malformed,
            _ => LoadReason::Malformed,
        },
        2 => {
            let count = usize::from(flipped);
            if count == 0 {
                LoadReason::Malformed
            } else if count > 16 {
                LoadReason::TooManyChunks
            } else if count > pairs.len() {
                LoadReason::MissingChunk
            } else {
                // Fewer chunks announced: the join stops early, and the shorter token is
                // either not valid base64 or fails the tag.
                let mut raw = raw.to_vec();
                raw[2] = flipped;
                let forged = f.resplit(pairs, &encode(&raw));
                let shorter = f.token_of_pairs(&forged[..count]);
                if try_decode(&shorter).is_some() {
                    LoadReason::BadSignature
                } else {
                    LoadReason::Malformed
                }
            }
        }
        3..12 => LoadReason::StaleChunk,
        12..16 => LoadReason::UnknownKey,
        32 => LoadReason::Malformed,
        _ => LoadReason::BadSignature,
    }
}

fn every_flipped_bit_fails_with_its_reason(f: &Fixture) {
    let Wire::Envelope {
        nonce_len, tag_len, ..
    } = f.wire
    else {
        unreachable!("a native format")
    };
    let engine = f.engine(config("session"));
    let (pairs, _) = four_chunks(f, &engine);
    let raw = decode(&f.token_of_pairs(&pairs));

    // Every bit of the header (and nonce); every bit of the tag; every bit around each
    // chunk boundary; and every bit of a spread of bytes through the body.
    let mut bytes: Vec<usize> = (0..HEADER_LEN + nonce_len).collect();
    bytes.extend(raw.len() - tag_len..raw.len());
    let mut boundary = 0;
    for (index, (_, value)) in pairs.iter().enumerate() {
        boundary += f.piece(index, value).len();
        let byte = boundary * 3 / 4;
        bytes.extend(byte.saturating_sub(3)..(byte + 3).min(raw.len()));
    }
    bytes.extend((HEADER_LEN + nonce_len..raw.len()).step_by(97));
    bytes.sort_unstable();
    bytes.dedup();

    let mut chunks_hit = BTreeSet::new();
    let mut checked = 0;
    for &byte in &bytes {
        for bit in 0..8u8 {
            let mut tampered = raw.clone();
            tampered[byte] ^= 1 << bit;
            let forged = f.resplit(&pairs, &encode(&tampered));
            chunks_hit.extend((0..pairs.len()).filter(|&i| forged[i].1 != pairs[i].1));
            let session = load(&engine, &forged, NOW + 1);
            assert_eq!(
                session.load_reason(),
                expected_reason(f, &pairs, &raw, byte, bit),
                "byte {byte} bit {bit}"
            );
            assert!(session.is_empty());
            checked += 1;
        }
    }
    assert_eq!(
        chunks_hit.len(),
        pairs.len(),
        "every chunk was tampered with"
    );
    assert!(checked > 1000, "{checked}");

    // The generation prefix of every later chunk, character by character.
    for index in 1..pairs.len() {
        for at in 0..f.prefix_len() {
            let mut forged = pairs.clone();
            let value = &mut forged[index].1;
            let replaced = if value.as_bytes()[at] == b'A' {
                "B"
            } else {
                "A"
            };
            value.replace_range(at..=at, replaced);
            let session = load(&engine, &forged, NOW + 1);
            assert_eq!(
                session.load_reason(),
                LoadReason::StaleChunk,
                "{index}/{at}"
            );
        }
    }
}

fn swapped_missing_foreign_and_renamed_chunks_fail(f: &Fixture) {
    let engine = f.engine(config("session"));
    let (pairs, value) = four_chunks(f, &engine);
    assert_eq!(load(&engine, &pairs, NOW).load_reason(), LoadReason::Valid);

    // Two full chunks of the same write swapped: the join succeeds, the tag does not.
    assert_eq!(pairs[1].1.len(), pairs[2].1.len());
    let mut swapped = pairs.clone();
    let (one, two) = (swapped[1].1.clone(), swapped[2].1.clone());
    swapped[1].1 = two;
    swapped[2].1 = one;
    assert_eq!(
        load(&engine, &swapped, NOW).load_reason(),
        LoadReason::BadSignature
    );

    for dropped in 1..pairs.len() {
        let mut missing = pairs.clone();
        missing.remove(dropped);
        assert_eq!(
            load(&engine, &missing, NOW).load_reason(),
            LoadReason::MissingChunk
        );
    }

    // The same session written again: a new generation, so chunks do not mix.
    let again = write_pairs(f, &engine, &value);
    assert_eq!(again.len(), pairs.len());
    assert_ne!(again[1].1[..f.prefix_len()], pairs[1].1[..f.prefix_len()]);
    for index in 1..pairs.len() {
        let mut mixed = pairs.clone();
        mixed[index] = again[index].clone();
        assert_eq!(
            load(&engine, &mixed, NOW).load_reason(),
            LoadReason::StaleChunk
        );
    }
    let mut mixed = again.clone();
    mixed[0] = pairs[0].clone();
    assert_eq!(
        load(&engine, &mixed, NOW).load_reason(),
        LoadReason::StaleChunk
    );

    // Renamed to another cookie name, under an engine configured for that name: the name
    // is bound by the tag.
    let other = f.engine(config("other"));
    let renamed: Pairs = pairs
        .iter()
        .map(|(name, value)| (name.replacen("session", "other", 1), value.clone()))
        .collect();
    let session = load(&other, &renamed, NOW);
    assert_eq!(session.load_reason(), LoadReason::BadSignature);
    assert!(session.is_empty());
    // A one-cookie session renamed, too.
    let small = write_pairs(f, &engine, &json!({ "a": 1 }));
    let renamed = vec![("other".to_owned(), small[0].1.clone())];
    assert_eq!(
        load(&other, &renamed, NOW).load_reason(),
        LoadReason::BadSignature
    );
}

/// Arbitrary values in our cookies never panic and never load; nor does a real cookie
/// with one character replaced.
fn arbitrary_cookie_values_are_rejected(f: &Fixture) {
    let engine = f.engine(SessionConfig::default());
    let (zero, one) = (f.chunk_name(f.base(), 0), f.chunk_name(f.base(), 1));
    let strategy = ("[A-Za-z0-9_-]{0,200}", "[A-Za-z0-9_-]{0,200}", 0usize..200);
    let mut runner = TestRunner::new(ProptestConfig::with_cases(256));
    let result = runner.run(&strategy, |(first, second, flip)| {
        let header = format!("{zero}={first}; {one}={second}");
        let session = engine.load_at([header.as_str()], NOW);
        prop_assert!(session.load_reason().is_rejection());
        prop_assert!(session.is_empty());

        let good = write_pairs(f, &engine, &json!({ "k": first }));
        let mut value = good[0].1.clone().into_bytes();
        // Python's lenient base64 ignores the unused low bits of a Flask signature's last
        // character, so a change there may verify (as it does in Flask); every other
        // character counts.
        let room = value.len() - usize::from(!f.strict_spelling());
        let at = flip % room;
        value[at] = if value[at] == b'A' { b'B' } else { b'A' };
        let forged = vec![(zero.clone(), String::from_utf8(value).expect("ascii"))];
        let session = load(&engine, &forged, NOW);
        prop_assert!(session.load_reason().is_rejection());
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{}: {failure}", f.name);
    }
}
