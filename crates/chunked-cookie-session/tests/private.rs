//! Private (encrypted) sessions, end to end through the engine: round trips at every size
//! up to a 40 KiB budget, confidentiality, tampering of every kind, key rotation, format
//! confusion, compression policy, and known-answer tests for the AEAD and the HKDF usage.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on any unexpected error"
)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use chunked_cookie_session::{
    BROWSER_NAME_VALUE_LIMIT, Compression, Key, KeyRing, LoadReason, SET_COOKIE_LINE_LIMIT,
    SaveError, Session, SessionConfig, SessionEngine,
};
use hkdf::Hkdf;
use serde_json::{Value, json};
use sha2::Sha256;

const NOW: u64 = 1_700_000_000;
const BUDGET: usize = 40 * 1024;
const GENERATION_PREFIX: usize = 12;
const HEADER_LEN: usize = 33;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const FLAG_COMPRESSED: u8 = 1;
const FLAG_ENCRYPTED: u8 = 2;

/// The secret, salt and info strings documented in docs/FORMAT.md, used to derive keys
/// independently of the library.
const SECRET: [u8; 32] = [0xAB; 32];
const SALT: &[u8] = b"chunked-cookie-session";
const INFO_ENCRYPTION: &[u8] = b"chunked-cookie-session v1 encryption";
const INFO_KEY_ID: &[u8] = b"chunked-cookie-session v1 key id";
const AAD_DOMAIN: &[u8] = b"chunked-cookie-session v1 private";

fn config(name: &str) -> SessionConfig {
    SessionConfig::builder()
        .name(name)
        .max_size(BUDGET)
        .build()
        .unwrap()
}

fn key() -> Key {
    Key::from_secret(&SECRET).unwrap()
}

fn private(keys: KeyRing) -> SessionEngine {
    SessionEngine::private(config("session"), keys)
}

/// Text that deflate cannot shrink much, so sizes on the wire follow the payload.
fn noise(len: usize, seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(ALPHABET[(state >> 32) as usize % ALPHABET.len()])
        })
        .collect()
}

/// The `(name, value)` of every cookie a response sets, deletions left out.
fn set_pairs(lines: &[String]) -> Vec<(String, String)> {
    lines
        .iter()
        .filter(|line| !line.contains("Max-Age=0"))
        .map(|line| {
            let pair = line.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

fn cookie_header(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn load(engine: &SessionEngine, pairs: &[(String, String)], now: u64) -> Session {
    let header = cookie_header(pairs);
    let session = engine.load_at([header.as_str()], now);
    // Decoding is lazy: touching the session makes the reason final.
    let _ = session.len();
    session
}

fn write(engine: &SessionEngine, entries: &Value) -> Result<Vec<(String, String)>, SaveError> {
    let session = engine.load_at(std::iter::empty(), NOW);
    for (key, value) in entries.as_object().unwrap() {
        session.insert_value(key, value.clone());
    }
    engine.save_at(&session, NOW).map(|lines| set_pairs(&lines))
}

/// The joined token of a response's chunks, in index order.
fn joined_token(pairs: &[(String, String)]) -> String {
    let mut token = pairs[0].1.clone();
    for (_, value) in &pairs[1..] {
        token.push_str(&value[GENERATION_PREFIX..]);
    }
    token
}

fn header_bytes(pairs: &[(String, String)]) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(&pairs[0].1[..44]).unwrap()
}

fn hkdf(info: &[u8], out: &mut [u8]) {
    Hkdf::<Sha256>::new(Some(SALT), &SECRET)
        .expand(info, out)
        .unwrap();
}

/// Saves one payload of `len` characters and reads it back; returns the cookie count.
fn round_trip(engine: &SessionEngine, len: usize) -> usize {
    let text = noise(len, len as u64);
    let pairs = write(engine, &json!({ "t": text }))
        .unwrap_or_else(|err| panic!("payload of {len} bytes: {err}"));
    for (index, (name, value)) in pairs.iter().enumerate() {
        let expected = if index == 0 {
            "session".to_owned()
        } else {
            format!("session_{index}")
        };
        assert_eq!(name, &expected);
        assert!(!value.is_empty());
        assert!(name.len() + 1 + value.len() <= BROWSER_NAME_VALUE_LIMIT);
    }
    assert!(cookie_header(&pairs).len() <= BUDGET, "{len}");
    assert_eq!(header_bytes(&pairs)[1] & FLAG_ENCRYPTED, FLAG_ENCRYPTED);
    let session = load(engine, &pairs, NOW + 1);
    assert_eq!(session.load_reason(), LoadReason::Valid, "payload of {len}");
    assert_eq!(session.get::<String>("t").unwrap().unwrap(), text);
    pairs.len()
}

fn count_for(engine: &SessionEngine, len: usize) -> Option<usize> {
    write(engine, &json!({ "t": noise(len, 7) }))
        .ok()
        .map(|pairs| pairs.len())
}

#[test]
fn round_trips_at_every_size_up_to_the_budget() {
    let engine = private(KeyRing::new(key()));

    // The largest payload that fits, found by bisection; one more byte must overflow
    // with a typed error rather than be truncated.
    let (mut fits, mut over) = (0usize, BUDGET);
    while over - fits > 1 {
        let mid = (fits + over) / 2;
        if count_for(&engine, mid).is_some() {
            fits = mid;
        } else {
            over = mid;
        }
    }
    // base64 turns 3 bytes into 4 characters; names, prefixes, header, nonce and tag
    // take the rest.
    assert!(
        fits * 4 / 3 > BUDGET - 1024,
        "a 40 KiB budget holds only {fits} bytes"
    );
    let overflow = write(&engine, &json!({ "t": noise(over, 1) })).unwrap_err();
    assert!(matches!(overflow, SaveError::Overflow { .. }), "{overflow}");

    // Every place the cookie count steps up, found by bisection: both sides of each step.
    let max_count = count_for(&engine, fits).unwrap();
    assert!(
        max_count >= 10,
        "{max_count} cookies at the top of the budget"
    );
    let mut boundaries = Vec::new();
    for count in 2..=max_count {
        let (mut below, mut at) = (0usize, fits);
        while at - below > 1 {
            let mid = (below + at) / 2;
            if count_for(&engine, mid).unwrap() >= count {
                at = mid;
            } else {
                below = mid;
            }
        }
        boundaries.push(at);
        assert_eq!(round_trip(&engine, below), count - 1);
        assert_eq!(round_trip(&engine, at), count);
    }
    assert_eq!(boundaries.len(), max_count - 1);

    // And a sweep over the whole range, with a stride prime to the chunk sizes.
    let mut last = 0;
    for len in (0..=fits).step_by(211).chain([fits]) {
        let count = round_trip(&engine, len);
        assert!(
            count >= last,
            "the count never shrinks as the payload grows"
        );
        last = count;
    }
    assert_eq!(last, max_count);
}

#[test]
fn structured_values_round_trip() {
    let engine = private(KeyRing::new(key()));
    let value = json!({
        "user": { "id": 42, "roles": ["admin", "ops"], "name": "Zoë \"quoted\" \u{1F600}" },
        "flags": [true, false, null],
        "ratio": 0.125,
        "empty": {},
    });
    let pairs = write(&engine, &value).unwrap();
    let session = load(&engine, &pairs, NOW + 5);
    assert_eq!(session.load_reason(), LoadReason::Valid);
    assert_eq!(Value::Object(session.entries()), value);
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
    let leaks = |pairs: &[(String, String)]| {
        let mut leaked = contains(&URL_SAFE_NO_PAD.decode(joined_token(pairs)).unwrap());
        for (index, (_, value)) in pairs.iter().enumerate() {
            leaked |= contains(value.as_bytes());
            let piece = if index == 0 {
                value.as_str()
            } else {
                &value[GENERATION_PREFIX..]
            };
            // Every alignment, so a piece that starts mid-group is decoded too.
            for start in 0..4 {
                let text = &piece[start.min(piece.len())..];
                let whole = &text[..text.len() / 4 * 4];
                leaked |= contains(&URL_SAFE_NO_PAD.decode(whole).unwrap());
            }
        }
        leaked
    };

    for compression in [Compression::Auto, Compression::On, Compression::Off] {
        let config = SessionConfig::builder()
            .max_size(BUDGET)
            .compression(compression)
            .build()
            .unwrap();
        let engine = SessionEngine::private(config, KeyRing::new(key()));
        let pairs = write(&engine, &session_value).unwrap();
        assert!(pairs.len() >= 2 || compression == Compression::On);
        assert!(!leaks(&pairs), "{compression:?}");
        let session = load(&engine, &pairs, NOW);
        assert_eq!(
            session.get_value(MARKER),
            session_value.get(MARKER).cloned()
        );
    }

    // The same check finds the marker in a signed session: it is able to see a leak.
    let config = SessionConfig::builder()
        .max_size(BUDGET)
        .compression(Compression::Off)
        .build()
        .unwrap();
    let signed = SessionEngine::signed(config, KeyRing::new(key()));
    assert!(leaks(&write(&signed, &session_value).unwrap()));
}

/// A four-cookie session and its joined token, for the tampering tests.
fn four_chunks(engine: &SessionEngine) -> (Vec<(String, String)>, Value) {
    let value = json!({ "t": noise(10_500, 11) });
    let pairs = write(engine, &value).unwrap();
    assert_eq!(pairs.len(), 4);
    (pairs, value)
}

/// Re-splits `token` into the chunk lengths of `pairs`, keeping each later chunk's
/// original generation prefix, as a client that edits the bytes would.
fn resplit(pairs: &[(String, String)], token: &str) -> Vec<(String, String)> {
    let mut at = 0;
    pairs
        .iter()
        .enumerate()
        .map(|(index, (name, value))| {
            let (prefix, len) = if index == 0 {
                ("", value.len())
            } else {
                (&value[..GENERATION_PREFIX], value.len() - GENERATION_PREFIX)
            };
            let piece = format!("{prefix}{}", &token[at..at + len]);
            at += len;
            (name.clone(), piece)
        })
        .collect()
}

/// The reason a flipped bit must produce, from the documented layout.
fn expected_reason(pairs: &[(String, String)], raw: &[u8], byte: usize, bit: u8) -> LoadReason {
    let flipped = raw[byte] ^ (1 << bit);
    match byte {
        0 => LoadReason::Malformed,
        1 => match 1u8 << bit {
            FLAG_ENCRYPTED => LoadReason::Malformed,
            1 | 4 => LoadReason::BadSignature,
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
                let token = URL_SAFE_NO_PAD.encode(&raw);
                let shorter = resplit(pairs, &token)[..count]
                    .iter()
                    .enumerate()
                    .map(|(i, (_, v))| {
                        if i == 0 {
                            &v[..]
                        } else {
                            &v[GENERATION_PREFIX..]
                        }
                    })
                    .collect::<String>();
                if URL_SAFE_NO_PAD.decode(shorter).is_ok() {
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

#[test]
fn every_flipped_bit_fails_with_its_reason() {
    let engine = private(KeyRing::new(key()));
    let (pairs, _) = four_chunks(&engine);
    let raw = URL_SAFE_NO_PAD.decode(joined_token(&pairs)).unwrap();

    // Every bit of the header and nonce; every bit of the tag; every bit around each
    // chunk boundary; and every bit of a spread of bytes through the ciphertext.
    let mut bytes: Vec<usize> = (0..HEADER_LEN + NONCE_LEN).collect();
    bytes.extend(raw.len() - TAG_LEN..raw.len());
    let mut boundary = 0;
    for (index, (_, value)) in pairs.iter().enumerate() {
        boundary += value.len() - if index == 0 { 0 } else { GENERATION_PREFIX };
        let byte = boundary * 3 / 4;
        bytes.extend(byte.saturating_sub(3)..(byte + 3).min(raw.len()));
    }
    bytes.extend((HEADER_LEN + NONCE_LEN..raw.len()).step_by(97));
    bytes.sort_unstable();
    bytes.dedup();

    let mut chunks_hit = std::collections::BTreeSet::new();
    let mut checked = 0;
    for &byte in &bytes {
        for bit in 0..8u8 {
            let mut tampered = raw.clone();
            tampered[byte] ^= 1 << bit;
            let forged = resplit(&pairs, &URL_SAFE_NO_PAD.encode(&tampered));
            let changed: Vec<usize> = (0..pairs.len())
                .filter(|&i| forged[i].1 != pairs[i].1)
                .collect();
            chunks_hit.extend(changed.iter().copied());
            let session = load(&engine, &forged, NOW + 1);
            assert_eq!(
                session.load_reason(),
                expected_reason(&pairs, &raw, byte, bit),
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
        for at in 0..GENERATION_PREFIX {
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

#[test]
fn swapped_missing_foreign_and_renamed_chunks_fail() {
    let engine = private(KeyRing::new(key()));
    let (pairs, value) = four_chunks(&engine);
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
    let again = write(&engine, &value).unwrap();
    assert_eq!(again.len(), pairs.len());
    assert_ne!(
        again[1].1[..GENERATION_PREFIX],
        pairs[1].1[..GENERATION_PREFIX]
    );
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

    // Renamed to another cookie name, under an engine configured for that name.
    let other = SessionEngine::private(config("other"), KeyRing::new(key()));
    let renamed: Vec<(String, String)> = pairs
        .iter()
        .map(|(name, value)| (name.replacen("session", "other", 1), value.clone()))
        .collect();
    let session = load(&other, &renamed, NOW);
    assert_eq!(session.load_reason(), LoadReason::BadSignature);
    assert!(session.is_empty());
    // A one-cookie session renamed, too.
    let small = write(&engine, &json!({ "a": 1 })).unwrap();
    let renamed = vec![("other".to_owned(), small[0].1.clone())];
    assert_eq!(
        load(&other, &renamed, NOW).load_reason(),
        LoadReason::BadSignature
    );
}

#[test]
fn old_key_opens_and_is_resealed_under_the_current_key() {
    let old = Key::generate();
    let new = Key::generate();
    let before = private(KeyRing::new(old.clone()));
    let during = private(KeyRing::new(new.clone()).with_old_key(old.clone()));
    let after = private(KeyRing::new(new.clone()));

    for len in [10, 9000] {
        let text = noise(len, 5);
        let pairs = write(&before, &json!({ "t": text })).unwrap();
        assert_eq!(header_bytes(&pairs)[12..16], old.id().as_bytes());
        assert_eq!(
            load(&after, &pairs, NOW).load_reason(),
            LoadReason::UnknownKey
        );

        let session = load(&during, &pairs, NOW + 60);
        assert_eq!(session.load_reason(), LoadReason::Valid);
        assert_eq!(session.get::<String>("t").unwrap().unwrap(), text);
        assert!(!session.is_modified());
        // Read, not changed, yet written: sealed by a key that is no longer current.
        let resealed = set_pairs(&during.save_at(&session, NOW + 60).unwrap());
        assert_eq!(resealed.len(), pairs.len());
        assert_eq!(header_bytes(&resealed)[12..16], new.id().as_bytes());
        assert_ne!(resealed[0].1, pairs[0].1);

        let session = load(&after, &resealed, NOW + 120);
        assert_eq!(session.load_reason(), LoadReason::Valid);
        assert_eq!(session.get::<String>("t").unwrap().unwrap(), text);
        // Under the current key, the same read-only request writes nothing.
        assert!(after.save_at(&session, NOW + 120).unwrap().is_empty());
        // And the server that only knows the old key cannot read the new cookie.
        assert_eq!(
            load(&before, &resealed, NOW + 120).load_reason(),
            LoadReason::UnknownKey
        );
    }
}

#[test]
fn removed_key_gives_unknown_key_and_cleans_up() {
    let retired = Key::generate();
    let pairs = write(
        &private(KeyRing::new(retired)),
        &json!({ "t": noise(9000, 9) }),
    )
    .unwrap();
    let engine = private(KeyRing::new(Key::generate()).with_old_key(Key::generate()));
    let session = load(&engine, &pairs, NOW);
    assert_eq!(session.load_reason(), LoadReason::UnknownKey);
    assert!(session.is_empty());
    // The response deletes every cookie of the rejected session.
    let lines = engine.save_at(&session, NOW).unwrap();
    assert_eq!(lines.len(), pairs.len());
    assert!(lines.iter().all(|line| line.contains("Max-Age=0")));
}

#[test]
fn signed_and_private_never_read_each_other() {
    let keys = KeyRing::new(key());
    let signed = SessionEngine::signed(config("session"), keys.clone());
    let private = private(keys);
    for len in [10, 9000] {
        let value = json!({ "t": noise(len, 13) });
        let from_private = write(&private, &value).unwrap();
        let session = load(&signed, &from_private, NOW);
        assert_eq!(session.load_reason(), LoadReason::Malformed);
        assert!(session.is_empty());

        let from_signed = write(&signed, &value).unwrap();
        let session = load(&private, &from_signed, NOW);
        assert_eq!(session.load_reason(), LoadReason::Malformed);
        assert!(session.is_empty());

        // A signed token relabelled as encrypted (the flag set, nothing else changed) is
        // still refused: the private codec's tag does not verify.
        let mut raw = URL_SAFE_NO_PAD.decode(joined_token(&from_signed)).unwrap();
        raw[1] |= FLAG_ENCRYPTED;
        let forged = resplit(&from_signed, &URL_SAFE_NO_PAD.encode(&raw));
        assert_eq!(
            load(&private, &forged, NOW).load_reason(),
            LoadReason::BadSignature
        );
    }
}

#[test]
fn expiry_is_judged_after_decryption() {
    let engine = SessionEngine::private(
        SessionConfig::builder()
            .lifetime(std::time::Duration::from_secs(3600))
            .build()
            .unwrap(),
        KeyRing::new(key()),
    );
    let pairs = write(&engine, &json!({ "a": 1 })).unwrap();
    assert_eq!(
        load(&engine, &pairs, NOW + 3000).load_reason(),
        LoadReason::Valid
    );
    assert_eq!(
        load(&engine, &pairs, NOW + 3600 + 61).load_reason(),
        LoadReason::Expired
    );
}

#[test]
fn compression_is_off_unless_asked_for() {
    let compressible = json!({ "t": "abcdefgh".repeat(1500) });
    let with = |compression| {
        let config = SessionConfig::builder()
            .max_size(BUDGET)
            .compression(compression)
            .build()
            .unwrap();
        let private = SessionEngine::private(config.clone(), KeyRing::new(key()));
        let signed = SessionEngine::signed(config, KeyRing::new(key()));
        (
            write(&private, &compressible).unwrap(),
            write(&signed, &compressible).unwrap(),
        )
    };

    // The default, Auto: signed sessions compress, private ones do not.
    let (private_auto, signed_auto) = with(Compression::Auto);
    assert_eq!(header_bytes(&private_auto)[1] & FLAG_COMPRESSED, 0);
    assert_eq!(
        header_bytes(&signed_auto)[1] & FLAG_COMPRESSED,
        FLAG_COMPRESSED
    );
    assert!(cookie_header(&private_auto).len() > 12_000);
    let (private_off, _) = with(Compression::Off);
    assert_eq!(header_bytes(&private_off)[1] & FLAG_COMPRESSED, 0);

    // The explicit opt-in compresses, and the result still opens.
    let (private_on, _) = with(Compression::On);
    assert_eq!(
        header_bytes(&private_on)[1] & FLAG_COMPRESSED,
        FLAG_COMPRESSED
    );
    assert_eq!(private_on.len(), 1);
    assert!(cookie_header(&private_on).len() < 1000);
    let engine = SessionEngine::private(config("session"), KeyRing::new(key()));
    let session = load(&engine, &private_on, NOW);
    assert_eq!(session.load_reason(), LoadReason::Valid);
    assert_eq!(Value::Object(session.entries()), compressible);
}

#[test]
fn debug_output_holds_no_key_material() {
    let mut encryption = [0u8; 32];
    hkdf(INFO_ENCRYPTION, &mut encryption);
    let engine = private(KeyRing::new(key()).with_old_key(Key::generate()));
    let text = format!("{engine:?} {:?} {:?}", key(), KeyRing::new(key()));
    let hex: String = encryption.iter().map(|b| format!("{b:02x}")).collect();
    assert!(!text.contains(&hex[..8]), "{text}");
    assert!(!text.to_lowercase().contains("abab"), "{text}");
    assert!(
        !text.contains(&URL_SAFE_NO_PAD.encode(SECRET)[..8]),
        "{text}"
    );
    assert!(!text.contains(&format!("{:?}", &encryption[..4])), "{text}");
    // The key id is public and is what Debug shows.
    assert!(text.contains(&key().id().to_string()), "{text}");
}

/// Opens a cookie with nothing but the crates and the documented format: proves the key
/// derivation (HKDF-SHA256, salt and info strings), the key id, the token layout and the
/// associated data are what docs/FORMAT.md says.
#[test]
fn an_independent_reader_opens_the_documented_format() {
    let engine = private(KeyRing::new(key()));
    let value = json!({ "t": noise(9000, 17), "n": 1 });
    let pairs = write(&engine, &value).unwrap();
    let mut raw = URL_SAFE_NO_PAD.decode(joined_token(&pairs)).unwrap();

    let mut key_id = [0u8; 4];
    hkdf(INFO_KEY_ID, &mut key_id);
    assert_eq!(key_id, key().id().as_bytes());
    assert_eq!(raw[0], 1);
    assert_eq!(raw[1], FLAG_ENCRYPTED);
    assert_eq!(usize::from(raw[2]), pairs.len());
    assert_eq!(raw[12..16], key_id);
    assert_eq!(raw[16..24], NOW.to_be_bytes());
    assert_eq!(raw[32], 0);

    let mut encryption = [0u8; 32];
    hkdf(INFO_ENCRYPTION, &mut encryption);
    let name = b"session";
    let mut aad = AAD_DOMAIN.to_vec();
    aad.extend_from_slice(&u16::try_from(name.len()).unwrap().to_be_bytes());
    aad.extend_from_slice(name);
    aad.extend_from_slice(&raw[..HEADER_LEN]);

    let (_, rest) = raw.split_at_mut(HEADER_LEN);
    let (nonce, rest) = rest.split_at_mut(NONCE_LEN);
    let (message, tag) = rest.split_at_mut(rest.len() - TAG_LEN);
    let nonce: &[u8; NONCE_LEN] = (&*nonce).try_into().unwrap();
    let tag: &[u8; TAG_LEN] = (&*tag).try_into().unwrap();
    XChaCha20Poly1305::new((&encryption).into())
        .decrypt_inout_detached(nonce.into(), &aad, message.into(), tag.into())
        .unwrap();
    let decoded: Value = serde_json::from_slice(message).unwrap();
    assert_eq!(decoded, value);
}

/// draft-irtf-cfrg-xchacha-03, appendix A.3.1, through the crate calls the codec makes.
#[test]
fn xchacha20_poly1305_published_vector() {
    let key: [u8; 32] = std::array::from_fn(|i| 0x80 + i as u8);
    let nonce: [u8; 24] = std::array::from_fn(|i| 0x40 + i as u8);
    let aad = hex("50515253c0c1c2c3c4c5c6c7");
    let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one \
        tip for the future, sunscreen would be it.";
    let ciphertext = hex(
        "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb\
         731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452\
         2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9\
         21f9664c97637da9768812f615c68b13b52e",
    );
    let tag: [u8; 16] = hex("c0875924c1c7987947deafd8780acf49").try_into().unwrap();

    let cipher = XChaCha20Poly1305::new((&key).into());
    let mut buffer = plaintext.to_vec();
    let computed = cipher
        .encrypt_inout_detached((&nonce).into(), &aad, buffer.as_mut_slice().into())
        .unwrap();
    assert_eq!(buffer, ciphertext);
    assert_eq!(computed.as_slice(), tag.as_slice());
    cipher
        .decrypt_inout_detached(
            (&nonce).into(),
            &aad,
            buffer.as_mut_slice().into(),
            (&tag).into(),
        )
        .unwrap();
    assert_eq!(buffer, plaintext);
}

/// RFC 5869 test case 1 (HKDF-SHA256), through the calls keys.rs makes.
#[test]
fn hkdf_sha256_rfc5869_case_1() {
    let ikm = [0x0b; 22];
    let salt = hex("000102030405060708090a0b0c");
    let info = hex("f0f1f2f3f4f5f6f7f8f9");
    let (prk, _) = Hkdf::<Sha256>::extract(Some(&salt), &ikm);
    assert_eq!(
        prk.as_slice(),
        hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
    );
    let mut okm = [0u8; 42];
    Hkdf::<Sha256>::new(Some(&salt), &ikm)
        .expand(&info, &mut okm)
        .unwrap();
    assert_eq!(
        okm.as_slice(),
        hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    );
}

#[test]
fn set_cookie_lines_stay_within_browser_limits() {
    let engine = private(KeyRing::new(key()));
    let session = engine.load_at(std::iter::empty(), NOW);
    session.insert("t", noise(30_000, 19)).unwrap();
    let lines = engine.save_at(&session, NOW).unwrap();
    assert!(lines.len() >= 8);
    for line in &lines {
        assert!(line.len() <= SET_COOKIE_LINE_LIMIT, "{}", line.len());
        assert!(line.contains("Secure") && line.contains("HttpOnly"));
    }
}

fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text
        .bytes()
        .filter(u8::is_ascii_hexdigit)
        .map(|b| match b {
            b'0'..=b'9' => b - b'0',
            _ => (b | 0x20) - b'a' + 10,
        })
        .collect();
    digits
        .chunks(2)
        .map(|pair| pair[0] << 4 | pair[1])
        .collect()
}

#[test]
fn every_write_draws_a_fresh_nonce_and_generation() {
    let engine = private(KeyRing::new(key()));
    let mut nonces = std::collections::HashSet::new();
    let mut generations = std::collections::HashSet::new();
    let mut bodies = std::collections::HashSet::new();
    for _ in 0..300 {
        let pairs = write(&engine, &json!({ "same": "content every time" })).unwrap();
        let value = &pairs[0].1;
        assert!(nonces.insert(value[44..76].to_owned()), "a nonce repeated");
        assert!(generations.insert(value[4..16].to_owned()));
        assert!(
            bodies.insert(value[76..].to_owned()),
            "a ciphertext repeated"
        );
    }
}

#[test]
fn hostile_cookies_give_an_empty_session_and_a_reason() {
    let engine = private(KeyRing::new(key()));
    let good = write(&engine, &json!({ "a": 1 })).unwrap();
    let value = &good[0].1;
    // A genuine header and nonce and 3 more bytes: 60 bytes, too short to hold a tag.
    let cut = &value[..80];
    let cases = [
        (format!("session={}", &value[..44]), LoadReason::Malformed),
        (format!("session={cut}"), LoadReason::Malformed),
        (
            format!("session={}!", &value[..value.len() - 1]),
            LoadReason::Malformed,
        ),
        ("session=AQ".to_owned(), LoadReason::Malformed),
        ("session=".to_owned(), LoadReason::MissingChunk),
        (format!("session_1={value}"), LoadReason::MissingChunk),
        (
            format!("session={}", "A".repeat(50_000)),
            LoadReason::TooLarge,
        ),
    ];
    for (header, reason) in cases {
        let session = engine.load_at([header.as_str()], NOW);
        assert_eq!(session.load_reason(), reason, "{header:.60}");
        assert!(session.is_empty());
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Arbitrary values in our cookies never panic and never load.
    #[test]
    fn arbitrary_cookie_values_are_rejected(
        first in "[A-Za-z0-9_-]{0,200}",
        second in "[A-Za-z0-9_-]{0,200}",
        flip in 0usize..200,
    ) {
        let engine = private(KeyRing::new(key()));
        let header = format!("session={first}; session_1={second}");
        let session = engine.load_at([header.as_str()], NOW);
        proptest::prop_assert!(session.load_reason().is_rejection());
        proptest::prop_assert!(session.is_empty());

        // And a real cookie with one character replaced never loads either.
        let good = write(&engine, &json!({ "k": first })).unwrap();
        let mut value = good[0].1.clone().into_bytes();
        let at = flip % value.len();
        value[at] = if value[at] == b'A' { b'B' } else { b'A' };
        let forged = vec![("session".to_owned(), String::from_utf8(value).unwrap())];
        let session = load(&engine, &forged, NOW);
        proptest::prop_assert!(session.load_reason().is_rejection());
    }
}
