//! Every load reason produced and asserted, plus key rotation, refresh, the write
//! conditions and overflow.

use std::collections::HashSet;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chunked_cookie_session::{
    Compression, KeyRing, LoadReason, OverflowPolicy, SaveError, SessionConfig, SessionEngine,
};
use serde_json::{Map, Value, json};

use super::jar::Jar;
use super::support::*;

/// Writes `map` with `engine` at `now` and returns the jar holding it.
fn write(engine: &SessionEngine, map: &Map<String, Value>, now: u64) -> Jar {
    let session = engine.load_at(std::iter::empty(), now);
    for (key, value) in map {
        session.insert_value(key, value.clone());
    }
    let mut jar = Jar::new();
    respond(
        engine.config(),
        &mut jar,
        &engine.save_at(&session, now).expect("fits"),
    );
    jar
}

fn small() -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("user".to_owned(), json!("ada"));
    map.insert("roles".to_owned(), json!(["admin", "dev"]));
    map
}

/// A session of `chunks` chunks (incompressible enough with compression off).
fn big(chunks: usize) -> Map<String, Value> {
    let mut map = small();
    pad_to(&mut map, 4_000 * chunks - 2_000);
    map
}

fn reason_of(engine: &SessionEngine, header: &str, now: u64) -> (LoadReason, bool) {
    let session = engine.load_at([header], now);
    (session.load_reason(), session.is_empty())
}

/// Decodes chunk 0's header bytes.
fn header_bytes(chunk0: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(&chunk0[..44])
        .expect("base64 header")
}

#[test]
fn every_load_reason() {
    let mut seen = HashSet::new();
    let mut expect = |got: (LoadReason, bool), want: LoadReason| {
        assert_eq!(got.0, want);
        if want != LoadReason::Valid {
            assert!(got.1, "a {want} session must be empty");
        }
        seen.insert(want);
    };
    let config = SessionConfig::builder()
        .max_size(40 * 1024)
        .compression(Compression::Off)
        .lifetime(Duration::from_secs(3600))
        .idle_timeout(Duration::from_secs(600))
        .build()
        .expect("valid");
    let engine = engine(config.clone());
    let jar = write(&engine, &big(3), NOW);
    let header = jar.header();

    expect(reason_of(&engine, "other=1", NOW), LoadReason::NoSession);
    expect(reason_of(&engine, "", NOW), LoadReason::NoSession);
    expect(reason_of(&engine, &header, NOW + 1), LoadReason::Valid);

    // Missing: chunk 2 gone, or chunk 0 gone.
    let mut missing = jar.clone();
    missing.apply_one("session_2=; Max-Age=0");
    expect(
        reason_of(&engine, &missing.header(), NOW),
        LoadReason::MissingChunk,
    );
    let mut headless = jar.clone();
    headless.apply_one("session=; Max-Age=0");
    expect(
        reason_of(&engine, &headless.header(), NOW),
        LoadReason::MissingChunk,
    );

    // Stale: chunk 1 from another write (of a slightly different session).
    let mut changed = big(3);
    let pad_len = changed[PAD].as_str().map_or(0, str::len);
    changed.insert(PAD.to_owned(), json!("y".repeat(pad_len)));
    let other = write(&engine, &changed, NOW);
    let mut stale = jar.clone();
    stale.put("session_1", other.get("session_1").expect("chunk 1"));
    expect(
        reason_of(&engine, &stale.header(), NOW),
        LoadReason::StaleChunk,
    );
    // A later chunk whose prefix is right but whose body was swapped fails the MAC instead.
    let mut spliced = jar.clone();
    let mine = jar.get("session_1").expect("chunk 1");
    let theirs = other.get("session_1").expect("chunk 1");
    spliced.put(
        "session_1",
        &format!("{}{}", &mine[..PREFIX_LEN], &theirs[PREFIX_LEN..]),
    );
    expect(
        reason_of(&engine, &spliced.header(), NOW),
        LoadReason::BadSignature,
    );

    // Too many: a reader allowing 2 chunks sees a 3-chunk session.
    let strict = SessionEngine::signed(
        SessionConfig::builder()
            .max_chunks(2)
            .max_size(8000)
            .build()
            .expect("valid"),
        ring(1),
    );
    expect(reason_of(&strict, &header, NOW), LoadReason::TooManyChunks);
    // A forged count of 255 is refused before anything is verified.
    let chunk0 = jar.get("session").expect("chunk 0");
    let mut forged = header_bytes(chunk0);
    forged[2] = 255;
    let forged0 = format!("{}{}", URL_SAFE_NO_PAD.encode(&forged), &chunk0[44..]);
    expect(
        reason_of(&engine, &format!("session={forged0}"), NOW),
        LoadReason::TooManyChunks,
    );

    // Bad signature: one body character changed, the cookie name changed, or the header's
    // count changed to another legal value.
    let mut tampered = chunk0.to_owned().into_bytes();
    tampered[100] = if tampered[100] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).expect("ascii");
    let mut bad = jar.clone();
    bad.put("session", &tampered);
    expect(
        reason_of(&engine, &bad.header(), NOW),
        LoadReason::BadSignature,
    );
    let renamed = SessionEngine::signed(
        SessionConfig::builder()
            .name("other")
            .max_size(40 * 1024)
            .build()
            .expect("valid"),
        ring(1),
    );
    let renamed_header = jar.header().replace("session", "other");
    expect(
        reason_of(&renamed, &renamed_header, NOW),
        LoadReason::BadSignature,
    );
    let mut recount = header_bytes(chunk0);
    recount[2] = 2;
    let mut dropped_tail = jar.clone();
    dropped_tail.put(
        "session",
        &format!("{}{}", URL_SAFE_NO_PAD.encode(&recount), &chunk0[44..]),
    );
    dropped_tail.apply_one("session_2=; Max-Age=0");
    expect(
        reason_of(&engine, &dropped_tail.header(), NOW),
        LoadReason::BadSignature,
    );

    // Unknown key.
    let stranger = SessionEngine::signed(config.clone(), ring(2));
    expect(reason_of(&stranger, &header, NOW), LoadReason::UnknownKey);

    // Expired: at the deadline itself (it gets no clock-skew allowance, or a session read
    // just past it would be written back already dead); from more than 60 s in the future,
    // likewise. (With the idle timeout, just inside the lifetime the session is idle-expired
    // instead.)
    expect(
        reason_of(&engine, &header, NOW + 3600 - 1),
        LoadReason::IdleExpired,
    );
    let lax = SessionEngine::signed(
        SessionConfig::builder()
            .max_size(40 * 1024)
            .lifetime(Duration::from_secs(3600))
            .build()
            .expect("valid"),
        ring(1),
    );
    expect(reason_of(&lax, &header, NOW + 3600 - 1), LoadReason::Valid);
    expect(reason_of(&lax, &header, NOW + 3600), LoadReason::Expired);
    expect(reason_of(&lax, &header, NOW - 60), LoadReason::Valid);
    expect(reason_of(&lax, &header, NOW - 61), LoadReason::Expired);
    // Absolute expiry is judged before idleness.
    expect(reason_of(&engine, &header, NOW + 3600), LoadReason::Expired);

    // Idle: 600 s plus the allowance.
    expect(reason_of(&engine, &header, NOW + 660), LoadReason::Valid);
    expect(
        reason_of(&engine, &header, NOW + 661),
        LoadReason::IdleExpired,
    );

    // Malformed: not base64, a header of another version, too short.
    expect(
        reason_of(&engine, "session=!!!!notbase64!!!!", NOW),
        LoadReason::Malformed,
    );
    let mut v2 = header_bytes(chunk0);
    v2[0] = 2;
    expect(
        reason_of(
            &engine,
            &format!("session={}{}", URL_SAFE_NO_PAD.encode(&v2), &chunk0[44..]),
            NOW,
        ),
        LoadReason::Malformed,
    );
    let single = write(&engine, &small(), NOW);
    let single0 = single.get("session").expect("chunk 0");
    expect(
        reason_of(&engine, &format!("session={}", &single0[..60]), NOW),
        LoadReason::Malformed,
    );
    // Cut short inside a multi-chunk session, the later chunks are what is missing.
    expect(
        reason_of(&engine, &format!("session={}", &chunk0[..60]), NOW),
        LoadReason::MissingChunk,
    );

    // Too large: more cookie bytes than the budget (plus slack) allows.
    let huge = format!("session={}", "A".repeat(60 * 1024));
    expect(reason_of(&engine, &huge, NOW), LoadReason::TooLarge);

    let all: HashSet<LoadReason> = LoadReason::ALL.into_iter().collect();
    assert_eq!(seen, all);
}

#[test]
fn rejected_sessions_are_cleaned_and_replaced() {
    let config = SessionConfig::builder()
        .max_size(40 * 1024)
        .compression(Compression::Off)
        .build()
        .expect("valid");
    let engine = engine(config.clone());
    let mut jar = write(&engine, &big(4), NOW);
    jar.apply_one("session_1=; Max-Age=0");
    // Read and left alone: every chunk the request carried is deleted.
    let session = load_jar(&engine, &jar, NOW);
    assert_eq!(session.load_reason(), LoadReason::MissingChunk);
    let mut cleaned = jar.clone();
    let lines = engine.save_at(&session, NOW).expect("save");
    assert_eq!(lines.len(), 3);
    respond(&config, &mut cleaned, &lines);
    assert!(cleaned.is_empty());
    // Replaced with a smaller session: chunks above its count are deleted, the rest set.
    let session = load_jar(&engine, &jar, NOW);
    session.insert("fresh", true).expect("insert");
    let lines = engine.save_at(&session, NOW).expect("save");
    respond(&config, &mut jar, &lines);
    assert_eq!(jar.names(), ["session"]);
    let back = load_jar(&engine, &jar, NOW);
    assert_eq!(back.load_reason(), LoadReason::Valid);
    assert_eq!(back.get::<bool>("fresh").expect("bool"), Some(true));
    assert_eq!(back.len(), 1);
}

#[test]
fn key_rotation() {
    let config = SessionConfig::builder()
        .max_size(40 * 1024)
        .build()
        .expect("valid");
    let old_engine = SessionEngine::signed(config.clone(), ring(7));
    let jar = write(&old_engine, &big(2), NOW);
    let rotated = SessionEngine::signed(config.clone(), KeyRing::new(key(8)).with_old_key(key(7)));

    // Accepted through the old key, and re-sealed with the current one though unchanged.
    let session = load_jar(&rotated, &jar, NOW + 10);
    assert_eq!(session.load_reason(), LoadReason::Valid);
    assert!(!session.is_modified());
    let mut resealed = jar.clone();
    let lines = rotated.save_at(&session, NOW + 10).expect("save");
    assert!(
        !lines.is_empty(),
        "a session sealed by an old key must be re-sealed"
    );
    respond(&config, &mut resealed, &lines);
    let chunk0 = resealed.get("session").expect("chunk 0");
    assert_eq!(header_bytes(chunk0)[12..16], key(8).id().as_bytes());
    assert_eq!(
        header_bytes(jar.get("session").expect("old"))[12..16],
        key(7).id().as_bytes()
    );

    // Once re-sealed, nothing more is written, and the old key can go.
    let again = load_jar(&rotated, &resealed, NOW + 20);
    assert_eq!(again.entries(), big(2));
    assert!(rotated.save_at(&again, NOW + 20).expect("save").is_empty());
    let retired = SessionEngine::signed(config.clone(), ring(8));
    assert_eq!(
        load_jar(&retired, &resealed, NOW + 30).load_reason(),
        LoadReason::Valid
    );
    assert_eq!(
        load_jar(&retired, &jar, NOW + 30).load_reason(),
        LoadReason::UnknownKey
    );
}

#[test]
fn refresh_and_write_conditions() {
    let config = SessionConfig::builder()
        .refresh_after(Duration::from_secs(300))
        .build()
        .expect("valid");
    let engine = engine(config.clone());
    let jar = write(&engine, &small(), NOW);
    let written_expiry = header_bytes(jar.get("session").expect("chunk 0"))[24..32].to_vec();

    // Untouched: nothing is even decoded, nothing written.
    let untouched = load_jar(&engine, &jar, NOW + 1000);
    assert!(
        engine
            .save_at(&untouched, NOW + 1000)
            .expect("save")
            .is_empty()
    );
    assert!(!engine.finish(&untouched, 200).vary_cookie);

    // Read before the threshold: nothing written.
    let early = load_jar(&engine, &jar, NOW + 299);
    assert_eq!(
        early.get::<String>("user").expect("string").as_deref(),
        Some("ada")
    );
    assert!(engine.save_at(&early, NOW + 299).expect("save").is_empty());

    // Read at the threshold: re-issued with a new issued-at, the same absolute deadline.
    let due = load_jar(&engine, &jar, NOW + 300);
    assert!(due.contains("user"));
    let lines = engine.save_at(&due, NOW + 300).expect("save");
    let mut refreshed = jar.clone();
    let sets = respond(&config, &mut refreshed, &lines);
    assert_eq!(sets.len(), 1);
    let header = header_bytes(&sets[0].value);
    assert_eq!(
        u64::from_be_bytes(header[16..24].try_into().expect("8")),
        NOW + 300
    );
    assert_eq!(header[24..32], written_expiry[..]);
    assert_eq!(load_jar(&engine, &refreshed, NOW + 301).entries(), small());

    // The idle timeout alone implies a refresh at a quarter of it.
    let idle = SessionEngine::signed(
        SessionConfig::builder()
            .idle_timeout(Duration::from_secs(400))
            .build()
            .expect("valid"),
        ring(1),
    );
    let s = load_jar(&idle, &jar, NOW + 99);
    assert!(s.contains("user"));
    assert!(idle.save_at(&s, NOW + 99).expect("save").is_empty());
    let s = load_jar(&idle, &jar, NOW + 100);
    assert!(s.contains("user"));
    assert_eq!(idle.save_at(&s, NOW + 100).expect("save").len(), 1);

    // A 5xx writes nothing, even for a modified session; a 2xx writes it.
    let live = engine.load(std::iter::empty());
    live.insert("cart", vec![1, 2, 3]).expect("insert");
    let failed = engine.finish(&live, 500);
    assert!(failed.set_cookie.is_empty() && failed.error.is_none());
    assert!(failed.vary_cookie);
    assert!(engine.finish(&live, 503).set_cookie.is_empty());
    let ok = engine.finish(&live, 200);
    assert_eq!(ok.set_cookie.len(), 1);
    check_response(&config, &ok.set_cookie);

    // Storing an equal value is not a change.
    let same = load_jar(&engine, &jar, NOW + 1);
    same.insert("user", "ada").expect("insert");
    assert!(!same.is_modified());
    assert!(engine.save_at(&same, NOW + 1).expect("save").is_empty());
}

#[test]
fn overflow() {
    let config = SessionConfig::builder()
        .compression(Compression::Off)
        .build()
        .expect("valid");
    let engine = engine(config.clone());
    let jar = write(&engine, &small(), NOW);
    let session = load_jar(&engine, &jar, NOW);
    session.insert("blob", "q".repeat(20_000)).expect("insert");
    match engine.save_at(&session, NOW) {
        Err(SaveError::Overflow {
            needed,
            limit,
            chunks,
            max_chunks,
        }) => {
            assert!(needed > 20_000 * 4 / 3, "needed {needed}");
            assert_eq!(limit, 7 * 1024);
            assert_eq!(chunks, 7);
            assert_eq!(max_chunks, 16);
            let message = SaveError::Overflow {
                needed,
                limit,
                chunks,
                max_chunks,
            }
            .to_string();
            assert!(message.contains(&needed.to_string()) && message.contains("max_size"));
        }
        other => panic!("expected an overflow, got {other:?}"),
    }
    // Through `finish`: the error is reported and nothing is written, so the client keeps
    // its previous session.
    let finished = engine.finish(&session, 200);
    assert!(finished.set_cookie.is_empty());
    assert!(matches!(finished.error, Some(SaveError::Overflow { .. })));
    assert_eq!(load_jar(&engine, &jar, NOW).entries(), small());

    // Too many chunks is an overflow as well, even within the byte budget.
    let narrow = SessionEngine::signed(
        SessionConfig::builder()
            .max_chunks(2)
            .max_size(8192)
            .compression(Compression::Off)
            .build()
            .expect("valid"),
        ring(1),
    );
    let s = narrow.load_at(std::iter::empty(), NOW);
    s.insert("blob", "q".repeat(7_000)).expect("insert");
    assert!(matches!(
        narrow.save_at(&s, NOW),
        Err(SaveError::Overflow {
            chunks: 3,
            max_chunks: 2,
            ..
        })
    ));

    // OverflowPolicy::Clear deletes the session instead.
    let clearing = SessionEngine::signed(
        SessionConfig::builder()
            .compression(Compression::Off)
            .overflow(OverflowPolicy::Clear)
            .build()
            .expect("valid"),
        ring(1),
    );
    let mut two = write(&clearing, &big(2), NOW);
    assert_eq!(two.names(), ["session", "session_1"]);
    let s = load_jar(&clearing, &two, NOW);
    s.insert("blob", "q".repeat(20_000)).expect("insert");
    let lines = clearing
        .save_at(&s, NOW)
        .expect("Clear never fails on size");
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|line| parse_line(line).deletes));
    respond(clearing.config(), &mut two, &lines);
    assert!(two.is_empty());
}

#[test]
fn purge_clear_and_persistence() {
    let config = SessionConfig::builder()
        .max_size(40 * 1024)
        .compression(Compression::Off)
        .build()
        .expect("valid");
    let engine = engine(config.clone());
    let jar = write(&engine, &big(3), NOW);

    // Purge deletes every chunk without decoding anything.
    let purged = load_jar(&engine, &jar, NOW);
    purged.purge();
    let mut j = jar.clone();
    respond(
        &config,
        &mut j,
        &engine.save_at(&purged, NOW).expect("save"),
    );
    assert!(j.is_empty());
    // Purge of a request without cookies still deletes chunk 0, bounded.
    let bare = engine.load_at(std::iter::empty(), NOW);
    bare.purge();
    assert_eq!(engine.save_at(&bare, NOW).expect("save").len(), 1);

    // Clearing the last entry deletes the cookies too.
    let cleared = load_jar(&engine, &jar, NOW);
    cleared.clear();
    let mut j = jar.clone();
    respond(
        &config,
        &mut j,
        &engine.save_at(&cleared, NOW).expect("save"),
    );
    assert!(j.is_empty());

    // A persistent session carries Max-Age up to its deadline on every chunk.
    let s = engine.load_at(std::iter::empty(), NOW);
    for (key, value) in big(2) {
        s.insert_value(&key, value);
    }
    s.set_persistent(true);
    let lines = engine.save_at(&s, NOW + 100).expect("save");
    assert_eq!(lines.len(), 2);
    let lifetime = 14 * 24 * 3600;
    for line in &lines {
        assert!(
            line.contains(&format!("Max-Age={}", lifetime - 100)),
            "{line}"
        );
    }
    let mut j = Jar::new();
    respond(&config, &mut j, &lines);
    let back = load_jar(&engine, &j, NOW + 200);
    assert!(back.is_persistent());
    assert_eq!(header_bytes(j.get("session").expect("chunk 0"))[1] & 4, 4);
}

/// Random tokens (base64url text) shrink by only about a quarter under deflate (64 symbols
/// need 6 bits, not 8), which does not pay for deflating on every write and inflating on
/// every read: a session of them that fits uncompressed is written uncompressed. One that
/// fits the budget only compressed must still be written compressed, rather than refused as
/// an overflow.
#[test]
fn random_tokens_are_compressed_only_to_fit() {
    let engine = engine(SessionConfig::default());
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for len in [1_000, 3_000, 4_500, 6_000, 6_600] {
        let text: String = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(alphabet[usize::try_from(state >> 58).unwrap_or(0)])
            })
            .collect();
        let session = engine.load_at(std::iter::empty(), NOW);
        session.insert("tokens", &text).expect("insert");
        let lines = engine
            .save_at(&session, NOW)
            .unwrap_or_else(|err| panic!("{len} characters of tokens: {err}"));
        let mut jar = Jar::new();
        let sets = respond(engine.config(), &mut jar, &lines);
        let flags = header_bytes(&sets[0].value)[1];
        let plain =
            b64_len(FRAME_LEN + serde_json::to_vec(&session.entries()).expect("json").len());
        let token_len = token_of(&sets).len();
        // 6,000 characters and more make a token over the default 7 KiB budget.
        if len >= 6_000 {
            assert_eq!(
                flags & 1,
                1,
                "{len} characters of tokens were not compressed"
            );
            assert!(
                token_len * 5 < plain * 4,
                "{len} characters: {token_len} vs {plain} plain"
            );
        } else {
            assert_eq!(flags & 1, 0, "{len} characters of tokens were compressed");
            assert_eq!(token_len, plain, "{len} characters");
        }
        let back = load_jar(&engine, &jar, NOW + 1);
        assert_eq!(back.get::<String>("tokens").expect("string"), Some(text));
    }
}
