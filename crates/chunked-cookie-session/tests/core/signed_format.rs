//! The worked examples of docs/FORMAT.md (version 1, and version 2 with its identity),
//! recomputed through the test kit's forger (the primitives, never the library) and
//! compared with the text, read back by the kit's reader, then fed to the engine.

use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
use serde_json::json;

use super::fixture::signed;
use super::forge::{
    Forger, Header, PREFIX, SessionIdentity, VERSION_1, VERSION_2, decode, derive, encode,
    mac_input, signed_token, tag,
};

const FORMAT: &str = include_str!("../../../../docs/FORMAT.md");

const ISSUED_AT: u64 = 1_700_000_000;
const EXPIRES_AT: u64 = ISSUED_AT + 14 * 24 * 3600;
const GENERATION: [u8; 9] = [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x42];
const BODY: &[u8] = br#"{"user":"ada"}"#;
/// The version 2 example's session id, creation time (µs) and subject.
const ID: [u8; 16] = [
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
];
const CREATED: u64 = 1_700_000_000_123_456;
const SUBJECT: &str = "ada";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn secret() -> Vec<u8> {
    (0u8..32).collect()
}

/// Every value of the example, labelled as in FORMAT.md.
fn example() -> Vec<(&'static str, String)> {
    let secret = secret();
    let derived = derive(&secret);
    let header = Header {
        version: VERSION_1,
        flags: 0,
        chunk_count: 1,
        generation: GENERATION,
        key_id: derived.key_id,
        issued_at: ISSUED_AT,
        expires_at: EXPIRES_AT,
    };
    let input = mac_input("session", &header.bytes(), BODY);
    let token = signed_token(&derived.signing, "session", &header.bytes(), BODY);
    vec![
        ("secret", hex(&secret)),
        ("PRK", hex(&derived.prk)),
        ("signing key", hex(&derived.signing)),
        ("encryption key", hex(&derived.encryption)),
        ("key id", hex(&derived.key_id)),
        ("generation", hex(&GENERATION)),
        ("header", hex(&header.bytes())),
        ("body", hex(BODY)),
        ("MAC input", hex(&input)),
        ("tag", hex(&tag(&derived.signing, &input))),
        ("token", token.clone()),
        ("generation prefix", token[PREFIX].to_owned()),
    ]
}

fn identity() -> SessionIdentity {
    SessionIdentity {
        id: ID,
        created: CREATED,
        subject: Some(SUBJECT.to_owned()),
    }
}

/// Every value of the version 2 example (same secret, name, generation, times and
/// session, plus an identity), labelled as in FORMAT.md.
fn example_v2() -> Vec<(&'static str, String)> {
    let derived = derive(&secret());
    let header = Header {
        version: VERSION_2,
        flags: 0,
        chunk_count: 1,
        generation: GENERATION,
        key_id: derived.key_id,
        issued_at: ISSUED_AT,
        expires_at: EXPIRES_AT,
    };
    let mut plaintext = identity().bytes();
    plaintext.extend_from_slice(BODY);
    let input = mac_input("session", &header.bytes(), &plaintext);
    let token = signed_token(&derived.signing, "session", &header.bytes(), &plaintext);
    vec![
        ("identity", hex(&identity().bytes())),
        ("session id", identity().id_text()),
        ("v2 header", hex(&header.bytes())),
        ("v2 plaintext", hex(&plaintext)),
        ("v2 MAC input", hex(&input)),
        ("v2 tag", hex(&tag(&derived.signing, &input))),
        ("v2 token", token),
    ]
}

/// The lines of `example` that docs/FORMAT.md lacks.
fn missing_lines(example: Vec<(&'static str, String)>) -> Vec<String> {
    example
        .into_iter()
        .map(|(label, value)| format!("{label}: {value}"))
        .filter(|line| !FORMAT.lines().any(|text| text.trim() == line))
        .collect()
}

#[test]
fn worked_example_v2_matches_the_document() {
    let missing = missing_lines(example_v2());
    assert!(
        missing.is_empty(),
        "docs/FORMAT.md lacks these lines of the version 2 example:\n{}",
        missing.join("\n")
    );
    // The kit's reader opens it into its header, identity and JSON.
    let values: std::collections::HashMap<_, _> = example_v2().into_iter().collect();
    let opened = Forger::new(&secret(), "session", false).open(&values["v2 token"]);
    assert_eq!(hex(&opened.header.bytes()), values["v2 header"]);
    assert_eq!(opened.identity, Some(identity()));
    assert_eq!(opened.json, BODY);
}

#[test]
fn engine_accepts_the_worked_example_v2_and_writes_its_like() {
    let values: std::collections::HashMap<_, _> = example_v2().into_iter().collect();
    let key = Key::from_secret(&secret()).expect("32 bytes");
    let config = SessionConfig::builder()
        .name("session")
        .build()
        .expect("valid");
    let engine = SessionEngine::signed(config, KeyRing::new(key));
    let cookie = format!("session={}", values["v2 token"]);
    let session = engine.load_at([cookie.as_str()], ISSUED_AT + 60);
    assert_eq!(session.load_reason(), LoadReason::Valid);
    assert_eq!(
        serde_json::Value::Object(session.entries()),
        json!({"user": "ada"})
    );
    assert_eq!(
        session.id().expect("an id").to_string(),
        values["session id"]
    );
    assert_eq!(session.created().expect("a time"), CREATED);
    assert_eq!(session.subject().as_deref(), Some(SUBJECT));

    // The engine's own write of the same session differs only in the generation id, the
    // session id and its creation time, and the tag.
    let fresh = engine.load_at(std::iter::empty(), ISSUED_AT);
    fresh.insert("user", "ada").expect("insert");
    fresh.set_subject(SUBJECT).expect("a subject");
    let written = engine.save_at(&fresh, ISSUED_AT).expect("save");
    let own = decode(written.cookies[0].value());
    let ours = decode(&values["v2 token"]);
    assert_eq!(own.len(), ours.len());
    assert_eq!(own[..3], ours[..3], "version, flags, count");
    assert_eq!(own[12..33], ours[12..33], "key id, times, reserved byte");
    let identity_end = 33 + identity().bytes().len();
    assert_eq!(own[33 + 24..identity_end], ours[33 + 24..identity_end]);
    assert_eq!(
        own[identity_end..identity_end + BODY.len()],
        ours[identity_end..identity_end + BODY.len()]
    );
    let written_identity = Forger::new(&secret(), "session", false)
        .open(written.cookies[0].value())
        .identity
        .expect("version 2");
    assert_eq!(
        written_identity.id_text(),
        fresh.id().expect("an id").to_string()
    );
}

#[test]
fn worked_example_matches_the_document() {
    let mut missing = Vec::new();
    for (label, value) in example() {
        let line = format!("{label}: {value}");
        if !FORMAT.lines().any(|text| text.trim() == line) {
            missing.push(line);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/FORMAT.md lacks these lines of the worked example:\n{}",
        missing.join("\n")
    );
    // The prefix later chunks carry is the generation id's own base64 text.
    let values: std::collections::HashMap<_, _> = example().into_iter().collect();
    assert_eq!(values["generation prefix"], encode(&GENERATION));

    // The kit's reader opens the example's token back into its header and body.
    let opened = Forger::new(&secret(), "session", false).open(&values["token"]);
    assert_eq!(hex(&opened.header.bytes()), values["header"]);
    assert_eq!(opened.json, BODY);
    assert_eq!(
        (opened.header.issued_at, opened.header.expires_at),
        (ISSUED_AT, EXPIRES_AT)
    );
}

#[test]
fn engine_accepts_the_worked_example() {
    let values: std::collections::HashMap<_, _> = example().into_iter().collect();
    let key = Key::from_secret(&secret()).expect("32 bytes");
    assert_eq!(hex(&key.id().as_bytes()), values["key id"]);
    // The example names its cookie `session` (unnamed, it would be `__Host-session`).
    let config = SessionConfig::builder()
        .name("session")
        .build()
        .expect("valid");
    let engine = SessionEngine::signed(config, KeyRing::new(key));
    let token = &values["token"];
    let cookie = format!("session={token}");
    let session = engine.load_at([cookie.as_str()], ISSUED_AT + 60);
    assert_eq!(session.load_reason(), LoadReason::Valid);
    assert_eq!(
        serde_json::Value::Object(session.entries()),
        json!({"user": "ada"})
    );
    assert_eq!(
        engine
            .load_at([cookie.as_str()], EXPIRES_AT + 61)
            .load_reason(),
        LoadReason::Expired
    );

    // The Set-Cookie line in the document carries the default attributes, exactly as the
    // engine writes them.
    let fresh = engine.load_at(std::iter::empty(), ISSUED_AT);
    fresh.insert("user", "ada").expect("insert");
    let written = engine.save_at(&fresh, ISSUED_AT).expect("save");
    let set = &written.cookies[0];
    let attributes = &set.line()[set.pair().len()..];
    let line = format!("Set-Cookie: session={token}{attributes}");
    assert!(
        FORMAT.lines().any(|text| text.trim() == line),
        "docs/FORMAT.md lacks the line:\n{line}"
    );
    // The engine writes version 2 (the example above): the same header but for its first
    // byte and the generation id.
    let own = decode(set.value());
    let ours = decode(token);
    assert_eq!((own[0], ours[0]), (VERSION_2, VERSION_1));
    assert_eq!(own[1..3], ours[1..3]);
    assert_eq!(own[12..33], ours[12..33]);
}

/// The chunking example of docs/FORMAT.md: a 10,000-character token in the cookie
/// `session`, under the default attributes.
#[test]
fn chunking_example_matches_the_document() {
    use chunked_cookie_session::Compression;

    use super::support::{NOW, check_outcome, pad_to, session_with};

    let config = SessionConfig::builder()
        .name("session")
        .max_size(16 * 1024)
        .compression(Compression::Off)
        .build()
        .expect("valid");
    let f = signed();
    let engine = f.engine(config.clone());
    let config = engine.config().clone();
    let mut map = serde_json::Map::new();
    assert_eq!(pad_to(&f, &engine, &mut map, 10_000), 10_000);
    let outcome = engine
        .save_at(&session_with(&engine, &map), NOW)
        .expect("fits");
    let sets = check_outcome(&f, &config, &outcome);
    assert_eq!(sets[0].line().len() - sets[0].pair().len(), 40);
    let pieces: Vec<String> = sets
        .iter()
        .enumerate()
        .map(|(i, set)| (set.value().len() - if i == 0 { 0 } else { 12 }).to_string())
        .collect();
    let lengths: Vec<String> = sets
        .iter()
        .map(|set| set.line().len().to_string())
        .collect();
    let cookie_line = outcome.cookie_line.expect("a write");
    for expected in [
        format!("chunk split: {}", pieces.join(" + ")),
        format!("set-cookie lengths: {}", lengths.join(", ")),
        format!("cookie line: {cookie_line}"),
    ] {
        assert!(
            FORMAT.lines().any(|text| text.trim() == expected),
            "docs/FORMAT.md lacks the line:\n{expected}"
        );
    }
}
