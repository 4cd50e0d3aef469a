//! Hostile input: huge indices, crumbs by the ten thousand, megabytes of header, broken
//! base64, and payloads that only a key holder could seal (a deflate bomb, absurd nesting).
//! Each yields an empty session and a reason, never a panic, and the cleanup it triggers
//! never exceeds the configured number of chunks.

use chunked_cookie_session::{Compression, LoadReason, Outcome, SessionConfig, SessionEngine};
use serde_json::{Map, Value, json};
use test_support::{Jar, join_pairs};

use super::fixture::Fixture;
use super::forge::{
    FLAG_COMPRESSED, FLAG_ENCRYPTED, Forger, HEADER_B64_LEN, decode, for_fixture, raw_deflate,
};
use super::support::*;

every_format!(
    huge_and_odd_indices_are_not_ours,
    ten_thousand_crumbs,
    megabytes_of_header,
);
native_formats!(
    the_forger_follows_the_format,
    broken_base64_and_headers,
    payloads_behind_a_valid_tag,
    hostile_chunk_sets,
    short_empty_and_misplaced_values,
);

/// Loads, then lets the next response clean up; returns the reason and the cleanup, after
/// checking the session is empty and the cleanup bounded.
fn judge(f: &Fixture, engine: &SessionEngine, fields: &[&str]) -> (LoadReason, Outcome) {
    let session = engine.load_at(fields.iter().copied(), NOW + 1);
    let reason = session.load_reason();
    if reason != LoadReason::Valid {
        assert!(session.is_empty());
    }
    let outcome = engine
        .save_at(&session, NOW + 1)
        .expect("cleanup never overflows");
    assert!(
        outcome.cookies.len() <= f.chunk_limit(engine.config()),
        "{} cleanup lines",
        outcome.cookies.len()
    );
    check_outcome(f, engine.config(), &outcome);
    (reason, outcome)
}

fn forger(f: &Fixture) -> Forger {
    for_fixture(f, 1, f.base())
}

fn big_engine(f: &Fixture) -> SessionEngine {
    f.engine(
        SessionConfig::builder()
            .max_size(40 * 1024)
            .build()
            .expect("valid"),
    )
}

/// A valid session of `chunks` chunks for `engine`, as one `Cookie` field. It is written
/// uncompressed (the reader does not care), so that its size is the padding's.
fn valid_field(f: &Fixture, engine: &SessionEngine, chunks: usize) -> String {
    let config = engine.config();
    let writer = f.engine(
        SessionConfig::builder()
            .name(config.name())
            .max_size(config.max_size())
            .compression(Compression::Off)
            .build()
            .expect("valid"),
    );
    let mut map = sized(f, &writer, chunks, 1);
    map.insert("user".to_owned(), json!("ada"));
    let jar = write(f, &writer, &map);
    assert_eq!(jar.len(), chunks);
    jar.header()
}

const BODY: &[u8] = br#"{"user":"ada"}"#;

fn the_forger_follows_the_format(f: &Fixture) {
    // The recipe in docs/FORMAT.md, rebuilt here, makes sessions the engine accepts, in
    // one chunk or several, compressed or not.
    let engine = big_engine(f);
    for count in [1u8, 2, 5] {
        let pairs = forger(f).seal(0, count, NOW, BODY);
        let header = join_pairs(&pairs);
        let session = engine.load_at([header.as_str()], NOW + 1);
        assert_eq!(session.load_reason(), LoadReason::Valid, "{count} chunks");
        assert_eq!(session.get_value("user"), Some(json!("ada")));
    }
    let pairs = forger(f).seal(FLAG_COMPRESSED, 1, NOW, &raw_deflate(BODY));
    let (reason, outcome) = judge(f, &engine, &[join_pairs(&pairs).as_str()]);
    assert_eq!(reason, LoadReason::Valid);
    assert!(outcome.cookies.is_empty());
}

fn huge_and_odd_indices_are_not_ours(f: &Fixture) {
    let engine = big_engine(f);
    let s = f.naming.separator;
    let limit = f.chunk_limit(engine.config());
    // Chunk 0 spelled the other layout's way.
    let b = f.base();
    let zero = if f.naming.index_first {
        b.to_owned()
    } else {
        format!("{b}{s}0")
    };
    let upper = b.to_ascii_uppercase();
    let odd = [
        format!("{b}{s}4294967295=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        format!("{b}{s}18446744073709551616=x"),
        format!("{b}{s}-1=x; {b}{s}+1=x; {b}{s}01=x; {b}{s}1e3=x; {b}{s}0x1=x; {b}{s}=x"),
        format!(
            "{zero}=x; {b}{s}{limit}=x; {b}{s}999=x; {b}{s}1000=x; {upper}=x; {b}id=x; \
             session=x"
        ),
    ];
    for field in &odd {
        let (reason, outcome) = judge(f, &engine, &[field.as_str()]);
        assert_eq!(reason, LoadReason::NoSession, "{field}");
        assert!(outcome.cookies.is_empty(), "{field}: {outcome:?}");
    }
    // Beside a valid session they change nothing.
    let mut fields = odd.to_vec();
    fields.push(valid_field(f, &engine, 2));
    let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
    let (reason, outcome) = judge(f, &engine, &refs);
    assert_eq!(reason, LoadReason::Valid);
    assert!(outcome.cookies.is_empty());
}

fn ten_thousand_crumbs(f: &Fixture) {
    let engine = big_engine(f);
    let s = f.naming.separator;
    let zero = f.chunk_name(f.base(), 0);
    let limit = f.chunk_limit(engine.config());
    let crumbs: Vec<String> = (0..10_000)
        .map(|i| match i % 4 {
            0 => format!("{zero}=x"),
            1 => format!("{}{s}{}=AAAA{i}", f.base(), i % 997),
            2 => format!("{}{s}{i}=y", f.base()),
            _ => format!("{}x{i}=z", f.base()),
        })
        .collect();
    let one_field = crumbs.join("; ");
    // A chunk 0 in no format this server reads (another version's, say) may be a session
    // of another server, and nothing tells where its set ends: nothing is deleted.
    let (reason, outcome) = judge(f, &engine, &[one_field.as_str()]);
    assert!(reason.is_rejection(), "{reason}");
    assert!(!proves_dead(reason), "{reason}");
    assert!(outcome.cookies.is_empty(), "{outcome:?}");
    // As ten thousand separate fields (HTTP/2), the same.
    let refs: Vec<&str> = crumbs.iter().map(String::as_str).collect();
    let (reason, outcome) = judge(f, &engine, &refs);
    assert!(reason.is_rejection());
    assert!(outcome.cookies.is_empty(), "{outcome:?}");
    // Without any chunk 0, the later crumbs can never make a session: every chunk name is
    // deleted once, where the format cleans what it refuses.
    let later: Vec<&str> = refs
        .iter()
        .copied()
        .filter(|crumb| !crumb.starts_with(&format!("{zero}=")))
        .collect();
    let (reason, outcome) = judge(f, &engine, &later);
    assert_eq!(reason, LoadReason::MissingChunk);
    let cleanup = |all: usize| if f.cleans_rejected() { all } else { 0 };
    assert_eq!(outcome.cookies.len(), cleanup(limit - 1));
    // A valid chunk 0 sent ten thousand times adds up past the byte cap: refused before
    // anything is read, so nothing is known to be debris and nothing is deleted.
    let single = valid_field(f, &engine, 1);
    let copies = vec![single; 10_000];
    let refs: Vec<&str> = copies.iter().map(String::as_str).collect();
    let (reason, outcome) = judge(f, &engine, &refs);
    assert_eq!(reason, LoadReason::TooLarge);
    assert!(outcome.cookies.is_empty(), "{outcome:?}");
    // A few duplicates are fine.
    let (reason, outcome) = judge(f, &engine, &refs[..50]);
    assert_eq!(reason, LoadReason::Valid);
    assert!(outcome.cookies.is_empty());
    // A purge after such a request is bounded too.
    let session = engine.load_at([one_field.as_str()], NOW);
    session.purge();
    assert!(engine.save_at(&session, NOW).expect("save").cookies.len() <= limit);
}

fn megabytes_of_header(f: &Fixture) {
    let engine = big_engine(f);
    let valid = valid_field(f, &engine, 3);
    // Four megabytes of other cookies around a valid session: it still loads.
    let noise = (0..80_000)
        .map(|i| format!("tracker{i}={}", "v".repeat(40)))
        .collect::<Vec<_>>()
        .join("; ");
    assert!(noise.len() > 4 << 20);
    let (reason, outcome) = judge(
        f,
        &engine,
        &[noise.as_str(), valid.as_str(), noise.as_str()],
    );
    assert_eq!(reason, LoadReason::Valid);
    assert!(outcome.cookies.is_empty());
    // A four-megabyte chunk: too large, refused before anything is read, and nothing is
    // deleted (the valid session beside it is no debris).
    let fat = format!(
        "{valid}; {}={}",
        f.chunk_name(f.base(), 1),
        "A".repeat(4 << 20)
    );
    let (reason, outcome) = judge(f, &engine, &[fat.as_str()]);
    assert_eq!(reason, LoadReason::TooLarge);
    assert!(outcome.cookies.is_empty(), "{outcome:?}");
    // Megabytes of separators and half-cookies: none of them is a session cookie.
    let junk = ";=; ;;==;session; =session;".repeat(200_000);
    let (reason, outcome) = judge(f, &engine, &[junk.as_str()]);
    assert_eq!(reason, LoadReason::NoSession);
    assert!(outcome.cookies.is_empty());
    // The same around a valid session leaves it valid.
    let (reason, _) = judge(f, &engine, &[junk.as_str(), valid.as_str()]);
    assert_eq!(reason, LoadReason::Valid);
}

fn broken_base64_and_headers(f: &Fixture) {
    let engine = big_engine(f);
    let forger = forger(f);
    // A one-chunk token of 4n+2 characters, so that its last character carries 2 bits.
    let (body, good) = (3..6)
        .map(|len| {
            let body = format!(r#"{{"user":"{}"}}"#, "a".repeat(len)).into_bytes();
            let good = forger.seal(0, 1, NOW, &body)[0].1.clone();
            (body, good)
        })
        .find(|(_, good)| good.len() % 4 == 2)
        .expect("one of three lengths in a row is 4n+2");
    let cases = [
        "!".repeat(95),
        // Standard base64 alphabet, padding, whitespace: all refused.
        good.replace('-', "+").replace('_', "/") + "+/",
        format!("{good}=="),
        format!("{} {}", &good[..50], &good[50..]),
        // 4n+1 characters can never be base64.
        good[..good.len() - (good.len() % 4) + 1].to_owned(),
        // Too short to hold a header and tag.
        good[..HEADER_B64_LEN].to_owned(),
        good[..43].to_owned(),
        "AQ".to_owned(),
        // Characters beyond ASCII.
        format!("{}é", &good[..60]),
    ];
    for value in cases {
        let field = format!("{}={value}", f.base());
        let (reason, outcome) = judge(f, &engine, &[field.as_str()]);
        assert_eq!(reason, LoadReason::Malformed, "for {value:.80}");
        // Not in this server's format: perhaps another's, so it stays.
        assert!(outcome.cookies.is_empty(), "for {value:.80}");
    }
    // Non-zero trailing bits: the same bytes spelled differently are refused, so a token
    // has one spelling.
    let last = good.as_bytes()[good.len() - 1];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let sextet = alphabet.iter().position(|&c| c == last).expect("base64url");
    assert_eq!(sextet & 0x0f, 0);
    let respelled = format!(
        "{}{}",
        &good[..good.len() - 1],
        char::from(alphabet[sextet | 1])
    );
    let (reason, _) = judge(f, &engine, &[format!("{}={respelled}", f.base()).as_str()]);
    assert_eq!(reason, LoadReason::Malformed);

    // Unknown flags, a reserved byte set, the other native format's flag: the tag would
    // verify, yet the reader refuses what it does not understand.
    for (flags, reserved, toggle) in [
        (0x08u8, 0u8, 0u8),
        (0x80, 0, 0),
        (0, 1, 0),
        (0, 0, FLAG_ENCRYPTED),
    ] {
        let mut header = forger.header(flags, 1, NOW).bytes();
        header[32] = reserved;
        header[1] ^= toggle;
        let token = forger.token(&header, &body);
        let (reason, _) = judge(f, &engine, &[format!("{}={token}", f.base()).as_str()]);
        assert_eq!(
            reason,
            LoadReason::Malformed,
            "flags {:#x}, reserved {reserved}",
            header[1]
        );
    }
    // A chunk count of zero.
    let zero = forger.token(&forger.header(0, 0, NOW).bytes(), &body);
    let field = format!("{}={zero}", f.base());
    assert_eq!(
        judge(f, &engine, &[field.as_str()]).0,
        LoadReason::Malformed
    );
}

fn payloads_behind_a_valid_tag(f: &Fixture) {
    let engine = big_engine(f);
    let forger = forger(f);
    let check = |flags: u8, body: &[u8], want: LoadReason| {
        let count = u8::try_from(body.len() / 3_000 + 1).expect("small");
        let pairs = forger.seal(flags, count, NOW, body);
        let field = join_pairs(&pairs);
        assert!(field.len() < 40 * 1024, "{} bytes", field.len());
        let (reason, outcome) = judge(f, &engine, &[field.as_str()]);
        assert_eq!(reason, want, "body of {} bytes", body.len());
        // Verified, but refused by this server's limits: a server configured otherwise may
        // read it, so it stays.
        if want != LoadReason::Valid {
            assert!(!proves_dead(want));
            assert!(outcome.cookies.is_empty(), "{outcome:?}");
        }
    };

    // A deflate bomb: 16 MiB of zeros in about 16 KB, refused at the 1 MiB cap.
    let zeros = vec![0u8; 16 << 20];
    let bomb = raw_deflate(&zeros);
    drop(zeros);
    assert!(bomb.len() < 20 * 1024, "{}", bomb.len());
    check(FLAG_COMPRESSED, &bomb, LoadReason::TooLarge);
    // The same for JSON that would be valid: a string of 2 MiB.
    let mut json = b"{\"a\":\"".to_vec();
    json.extend(std::iter::repeat_n(b'a', 2 << 20));
    json.extend_from_slice(b"\"}");
    check(FLAG_COMPRESSED, &raw_deflate(&json), LoadReason::TooLarge);
    // Just under the cap it loads: the cap, not the ratio, decides.
    let mut fits = b"{\"a\":\"".to_vec();
    fits.extend(std::iter::repeat_n(b'a', (1 << 20) - 16));
    fits.extend_from_slice(b"\"}");
    check(FLAG_COMPRESSED, &raw_deflate(&fits), LoadReason::Valid);

    // Broken deflate streams: garbage, truncated, trailing bytes.
    check(
        FLAG_COMPRESSED,
        b"\xff\xfe\xfd\xfc not deflate",
        LoadReason::Malformed,
    );
    let packed = raw_deflate(br#"{"user":"ada","pad":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#);
    check(
        FLAG_COMPRESSED,
        &packed[..packed.len() - 3],
        LoadReason::Malformed,
    );
    check(
        FLAG_COMPRESSED,
        &[packed.as_slice(), b"tail"].concat(),
        LoadReason::Malformed,
    );
    check(FLAG_COMPRESSED, &packed, LoadReason::Valid);

    // Nesting: 100 levels load; 100,000 levels (compressed) and 200 levels are refused
    // without exhausting the stack.
    let nest = |depth: usize| {
        let mut text = String::from("{\"a\":");
        text.push_str(&"[".repeat(depth));
        text.push_str(&"]".repeat(depth));
        text.push('}');
        text.into_bytes()
    };
    check(0, &nest(100), LoadReason::Valid);
    // The object plus 126 arrays is 127 levels, the deepest docs/FORMAT.md allows.
    check(0, &nest(126), LoadReason::Valid);
    check(0, &nest(127), LoadReason::Malformed);
    check(0, &nest(200), LoadReason::Malformed);
    check(
        FLAG_COMPRESSED,
        &raw_deflate(&nest(100_000)),
        LoadReason::Malformed,
    );
    let objects = format!("{}1{}", "{\"k\":".repeat(5_000), "}".repeat(5_000));
    check(
        FLAG_COMPRESSED,
        &raw_deflate(objects.as_bytes()),
        LoadReason::Malformed,
    );

    // Not a JSON object, or not UTF-8.
    for body in [
        &b"[1,2,3]"[..],
        b"\"text\"",
        b"null",
        b"{\"a\":1",
        b"{\"a\":\xff}",
        b"",
    ] {
        check(0, body, LoadReason::Malformed);
    }
}

fn hostile_chunk_sets(f: &Fixture) {
    let engine = big_engine(f);
    let pairs = forger(f).seal(
        0,
        4,
        NOW,
        br#"{"user":"ada","pad":"0123456789012345678901234567890123456789"}"#,
    );
    let mut jar = Jar::new();
    for (name, value) in &pairs {
        jar.put(name, value);
    }
    assert_eq!(
        judge(f, &engine, &[jar.header().as_str()]).0,
        LoadReason::Valid
    );
    // Later chunks carrying only the prefix, or nothing.
    let mut bare = jar.clone();
    bare.put(&f.chunk_name(f.base(), 2), &pairs[2].1[..f.prefix_len()]);
    assert_eq!(
        judge(f, &engine, &[bare.header().as_str()]).0,
        LoadReason::StaleChunk
    );
    let mut empty = jar.clone();
    empty.put(&f.chunk_name(f.base(), 3), "\"\"");
    assert_eq!(
        judge(f, &engine, &[empty.header().as_str()]).0,
        LoadReason::MissingChunk
    );
    // A twin of chunk 2 from nowhere, ahead of the real one: the right one is picked.
    let twin = format!(
        "{}=AAAAAAAAAAAAAAAA; {}",
        f.chunk_name(f.base(), 2),
        jar.header()
    );
    assert_eq!(judge(f, &engine, &[twin.as_str()]).0, LoadReason::Valid);
    // Cookie values in quotes are read without them.
    let quoted = join_pairs(
        &pairs
            .iter()
            .map(|(name, value)| (name.clone(), format!("\"{value}\"")))
            .collect::<Vec<_>>(),
    );
    assert_eq!(judge(f, &engine, &[quoted.as_str()]).0, LoadReason::Valid);
    // Compression off or on, the reader does not care how the writer cut the token.
    let plain = f.engine(uncompressed().build().expect("valid"));
    assert_eq!(
        judge(f, &plain, &[jar.header().as_str()]).0,
        LoadReason::Valid
    );
}

/// A value cut to its header, cut inside its frame, ending in a character outside the
/// alphabet, an empty value, a chunk under the wrong name, and too many bytes.
fn short_empty_and_misplaced_values(f: &Fixture) {
    let engine = f.engine(SessionConfig::default());
    let mut map = Map::new();
    map.insert("a".to_owned(), Value::from(1));
    let jar = write(f, &engine, &map);
    let value = jar.get(f.base()).expect("chunk 0");
    let decoded = decode(value);
    assert!(decoded.len() > 60);
    let cases = [
        // A genuine header only.
        (
            format!("{}={}", f.base(), &value[..HEADER_B64_LEN]),
            LoadReason::Malformed,
        ),
        // A genuine header and 27 more bytes: too short to hold the rest of the frame.
        (
            format!("{}={}", f.base(), &value[..80]),
            LoadReason::Malformed,
        ),
        (
            format!("{}={}!", f.base(), &value[..value.len() - 1]),
            LoadReason::Malformed,
        ),
        (format!("{}=AQ", f.base()), LoadReason::Malformed),
        (format!("{}=", f.base()), LoadReason::MissingChunk),
        (
            format!("{}={value}", f.chunk_name(f.base(), 1)),
            LoadReason::MissingChunk,
        ),
        (
            format!("{}={}", f.base(), "A".repeat(50_000)),
            LoadReason::TooLarge,
        ),
    ];
    for (header, reason) in cases {
        let session = engine.load_at([header.as_str()], NOW);
        assert_eq!(session.load_reason(), reason, "{header:.60}");
        assert!(session.is_empty());
    }
}
