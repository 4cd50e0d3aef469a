//! What only the private format promises: the test kit's reader, built from the crates and
//! docs/FORMAT.md, opens its cookies; the cookies reveal nothing of the session; it
//! compresses only when told to; it and the signed format never read each other's
//! cookies; every write draws a fresh nonce.

use chunked_cookie_session::{Compression, LoadReason, SessionConfig, SessionEngine};
use serde_json::{Value, json};
use test_support::{join_pairs, noise};

use super::fixture::{key, private, signed};
use super::forge::{FLAG_COMPRESSED, FLAG_ENCRYPTED, Header, PREFIX, decode, encode, for_fixture};
use super::support::*;

const BUDGET: usize = 40 * 1024;

fn config(compression: Compression) -> SessionConfig {
    SessionConfig::builder()
        .max_size(BUDGET)
        .compression(compression)
        .build()
        .expect("valid")
}

fn load(engine: &SessionEngine, pairs: &[(String, String)]) -> chunked_cookie_session::Session {
    engine.load_at([join_pairs(pairs).as_str()], NOW + 1)
}

#[test]
fn ciphertext_reveals_no_plaintext() {
    const MARKER: &str = "Qz7-PRIVATE-MARKER-x9Kw";
    let session_value = json!({
        MARKER: format!("{MARKER} {} {MARKER}", noise(9000, 3)),
        "repeat": MARKER.repeat(200),
    });
    let contains = |haystack: &[u8]| {
        haystack
            .windows(MARKER.len())
            .any(|w| w == MARKER.as_bytes())
    };
    // Both native formats lay their chunks out alike, so the private fixture joins either.
    let leaks = |pairs: &[(String, String)]| {
        let raw = decode(&private().token_of_pairs(pairs));
        let mut leaked = contains(&raw);
        for (index, (_, value)) in pairs.iter().enumerate() {
            leaked |= contains(value.as_bytes());
            let piece = private().piece(index, value);
            // Every alignment, so a piece that starts mid-group is decoded too.
            for start in 0..4 {
                let text = &piece[start.min(piece.len())..];
                let whole = &text[..text.len() / 4 * 4];
                leaked |= contains(&decode(whole));
            }
        }
        leaked
    };

    for compression in [Compression::Auto, Compression::On, Compression::Off] {
        let engine = private().engine(config(compression));
        let pairs = write_pairs(&private(), &engine, &session_value);
        assert!(pairs.len() >= 2 || compression == Compression::On);
        assert!(!leaks(&pairs), "{compression:?}");
        let session = load(&engine, &pairs);
        assert_eq!(
            session.get_value(MARKER),
            session_value.get(MARKER).cloned()
        );
    }

    // The same check finds the marker in a signed session: it is able to see a leak.
    let signed_engine = signed().engine(config(Compression::Off));
    assert!(leaks(&write_pairs(
        &signed(),
        &signed_engine,
        &session_value
    )));
}

#[test]
fn compression_is_off_unless_asked_for() {
    let compressible = json!({ "t": "abcdefgh".repeat(1500) });
    let with = |compression| {
        let private_engine = private().engine(config(compression));
        let signed_engine = signed().engine(config(compression));
        (
            write_pairs(&private(), &private_engine, &compressible),
            write_pairs(&signed(), &signed_engine, &compressible),
        )
    };

    // The default, Auto: signed sessions compress, private ones do not.
    let (private_auto, signed_auto) = with(Compression::Auto);
    assert_eq!(
        Header::of_token(&private_auto[0].1).flags & FLAG_COMPRESSED,
        0
    );
    assert_eq!(
        Header::of_token(&signed_auto[0].1).flags & FLAG_COMPRESSED,
        FLAG_COMPRESSED
    );
    assert!(join_pairs(&private_auto).len() > 12_000);
    let (private_off, _) = with(Compression::Off);
    assert_eq!(
        Header::of_token(&private_off[0].1).flags & FLAG_COMPRESSED,
        0
    );

    // The explicit opt-in compresses, and the result still opens.
    let (private_on, _) = with(Compression::On);
    assert_eq!(
        Header::of_token(&private_on[0].1).flags & FLAG_COMPRESSED,
        FLAG_COMPRESSED
    );
    assert_eq!(private_on.len(), 1);
    assert!(join_pairs(&private_on).len() < 1000);
    let engine = private().engine(config(Compression::Auto));
    let session = load(&engine, &private_on);
    assert_eq!(session.load_reason(), LoadReason::Valid);
    assert_eq!(Value::Object(session.entries()), compressible);
}

#[test]
fn signed_and_private_never_read_each_other() {
    let signed_engine = signed().engine(config(Compression::Auto));
    let private_engine = private().engine(config(Compression::Auto));
    for len in [10, 9000] {
        let value = json!({ "t": noise(len, 13) });
        let from_private = write_pairs(&private(), &private_engine, &value);
        let session = load(&signed_engine, &from_private);
        assert_eq!(session.load_reason(), LoadReason::Malformed);
        assert!(session.is_empty());

        let from_signed = write_pairs(&signed(), &signed_engine, &value);
        let session = load(&private_engine, &from_signed);
        assert_eq!(session.load_reason(), LoadReason::Malformed);
        assert!(session.is_empty());

        // A signed token relabelled as encrypted (the flag set, nothing else changed) is
        // still refused: the private codec's tag does not verify.
        let mut raw = decode(&signed().token_of_pairs(&from_signed));
        raw[1] |= FLAG_ENCRYPTED;
        let forged = signed().resplit(&from_signed, &encode(&raw));
        assert_eq!(
            load(&private_engine, &forged).load_reason(),
            LoadReason::BadSignature
        );
    }
}

/// Opens a cookie with the test kit's reader, which knows nothing but the crates and the
/// documented format: proves the key derivation (HKDF-SHA256, salt and info strings), the
/// key id, the token layout, the chunk naming and the associated data are what
/// docs/FORMAT.md says.
#[test]
fn an_independent_reader_opens_the_documented_format() {
    let engine = private().engine(config(Compression::Auto));
    let value = json!({ "t": noise(9000, 17), "n": 1 });
    let pairs = write_pairs(&private(), &engine, &value);
    assert!(pairs.len() >= 2, "the session spans several cookies");

    let opened = for_fixture(&private(), 1, "__Host-session").read(&pairs);
    assert_eq!(opened.header.key_id, key(1).id().as_bytes());
    assert_eq!(opened.header.flags, FLAG_ENCRYPTED);
    assert_eq!(usize::from(opened.header.chunk_count), pairs.len());
    assert_eq!(opened.header.issued_at, NOW);
    assert!(opened.nonce.is_some());
    let decoded: Value = serde_json::from_slice(&opened.json).expect("JSON");
    assert_eq!(decoded, value);
}

#[test]
fn every_write_draws_a_fresh_nonce_and_generation() {
    let engine = private().engine(config(Compression::Auto));
    let mut nonces = std::collections::HashSet::new();
    let mut generations = std::collections::HashSet::new();
    let mut bodies = std::collections::HashSet::new();
    for _ in 0..300 {
        let pairs = write_pairs(
            &private(),
            &engine,
            &json!({ "same": "content every time" }),
        );
        let value = &pairs[0].1;
        assert!(nonces.insert(value[44..76].to_owned()), "a nonce repeated");
        assert!(generations.insert(value[PREFIX].to_owned()));
        assert!(
            bodies.insert(value[76..].to_owned()),
            "a ciphertext repeated"
        );
    }
}
