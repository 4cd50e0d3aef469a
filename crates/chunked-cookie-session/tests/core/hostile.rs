//! Hostile input: huge indices, crumbs by the ten thousand, megabytes of header, broken
//! base64, and payloads that only a key holder could sign (a deflate bomb, absurd nesting).
//! Each yields an empty session and a reason, never a panic, and the cleanup it triggers
//! never exceeds the configured number of chunks.

use chunked_cookie_session::{Compression, LoadReason, SessionConfig, SessionEngine};
use serde_json::json;

use super::forge::{FLAG_COMPRESSED, Forger, raw_deflate};
use super::jar::{Jar, join_pairs};
use super::support::*;

/// Loads, then lets the next response clean up; returns the reason and the cleanup lines,
/// after checking the session is empty and the cleanup bounded.
fn judge(engine: &SessionEngine, fields: &[&str]) -> (LoadReason, Vec<String>) {
    let session = engine.load_at(fields.iter().copied(), NOW + 1);
    let reason = session.load_reason();
    if reason != LoadReason::Valid {
        assert!(session.is_empty());
    }
    let lines = engine
        .save_at(&session, NOW + 1)
        .expect("cleanup never overflows");
    assert!(
        lines.len() <= engine.config().max_chunks(),
        "{} cleanup lines",
        lines.len()
    );
    check_response(engine.config(), &lines);
    (reason, lines)
}

fn forger() -> Forger {
    Forger::new(&[1u8; 32], "session")
}

fn big_engine() -> SessionEngine {
    engine(
        SessionConfig::builder()
            .max_size(40 * 1024)
            .build()
            .expect("valid"),
    )
}

#[test]
fn the_forger_follows_the_format() {
    // The recipe in docs/FORMAT.md, rebuilt here, makes sessions the engine accepts, in
    // one chunk or several, compressed or not.
    let engine = big_engine();
    let body = br#"{"user":"ada"}"#;
    for count in [1u8, 2, 5] {
        let pairs = forger().seal(0, count, NOW, body);
        let header = join_pairs(&pairs);
        let session = engine.load_at([header.as_str()], NOW + 1);
        assert_eq!(session.load_reason(), LoadReason::Valid, "{count} chunks");
        assert_eq!(session.get_value("user"), Some(json!("ada")));
    }
    let pairs = forger().seal(FLAG_COMPRESSED, 1, NOW, &raw_deflate(body));
    let (reason, lines) = judge(&engine, &[join_pairs(&pairs).as_str()]);
    assert_eq!(reason, LoadReason::Valid);
    assert!(lines.is_empty());
}

#[test]
fn huge_and_odd_indices_are_not_ours() {
    let engine = big_engine();
    let odd = [
        "session_4294967295=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "session_18446744073709551616=x",
        "session_-1=x; session_+1=x; session_01=x; session_1e3=x; session_0x1=x; session_=x",
        "session_0=x; session_16=x; session_999=x; session_1000=x; SESSION=x; sessionid=x",
    ];
    for field in odd {
        let (reason, lines) = judge(&engine, &[field]);
        assert_eq!(reason, LoadReason::NoSession, "{field}");
        assert!(lines.is_empty(), "{field}: {lines:?}");
    }
    // Beside a valid session they change nothing.
    let pairs = forger().seal(0, 2, NOW, br#"{"user":"ada"}"#);
    let mut fields: Vec<String> = odd.iter().map(|s| (*s).to_owned()).collect();
    fields.push(join_pairs(&pairs));
    let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
    let (reason, lines) = judge(&engine, &refs);
    assert_eq!(reason, LoadReason::Valid);
    assert!(lines.is_empty());
}

#[test]
fn ten_thousand_crumbs() {
    let engine = big_engine();
    let mut crumbs: Vec<String> = (0..10_000)
        .map(|i| match i % 4 {
            0 => "session=x".to_owned(),
            1 => format!("session_{}=AAAA{i}", i % 997),
            2 => format!("session_{i}=y"),
            _ => format!("sessionx{i}=z"),
        })
        .collect();
    let one_field = crumbs.join("; ");
    let (reason, lines) = judge(&engine, &[one_field.as_str()]);
    assert!(reason.is_rejection(), "{reason}");
    assert_eq!(lines.len(), engine.config().max_chunks());
    // As ten thousand separate fields (HTTP/2), the same.
    let refs: Vec<&str> = crumbs.iter().map(String::as_str).collect();
    let (reason, lines) = judge(&engine, &refs);
    assert!(reason.is_rejection());
    assert_eq!(lines.len(), engine.config().max_chunks());
    // A valid chunk 0 sent ten thousand times adds up past the byte cap: refused, and one
    // deletion cleans it.
    let pairs = forger().seal(0, 1, NOW, br#"{"user":"ada"}"#);
    crumbs = vec![join_pairs(&pairs); 10_000];
    let refs: Vec<&str> = crumbs.iter().map(String::as_str).collect();
    let (reason, lines) = judge(&engine, &refs);
    assert_eq!(reason, LoadReason::TooLarge);
    assert_eq!(lines.len(), 1);
    // A few duplicates are fine.
    let (reason, lines) = judge(&engine, &refs[..50]);
    assert_eq!(reason, LoadReason::Valid);
    assert!(lines.is_empty());
    // A purge after such a request is bounded too.
    let session = engine.load_at([one_field.as_str()], NOW);
    session.purge();
    assert!(engine.save_at(&session, NOW).expect("save").len() <= engine.config().max_chunks());
}

#[test]
fn megabytes_of_header() {
    let engine = big_engine();
    let pairs = forger().seal(0, 3, NOW, br#"{"user":"ada"}"#);
    let valid = join_pairs(&pairs);
    // Four megabytes of other cookies around a valid session: it still loads.
    let noise = (0..80_000)
        .map(|i| format!("tracker{i}={}", "v".repeat(40)))
        .collect::<Vec<_>>()
        .join("; ");
    assert!(noise.len() > 4 << 20);
    let (reason, lines) = judge(&engine, &[noise.as_str(), valid.as_str(), noise.as_str()]);
    assert_eq!(reason, LoadReason::Valid);
    assert!(lines.is_empty());
    // A four-megabyte chunk: too large, and deleted with the rest.
    let fat = format!("{valid}; session_1={}", "A".repeat(4 << 20));
    let (reason, lines) = judge(&engine, &[fat.as_str()]);
    assert_eq!(reason, LoadReason::TooLarge);
    assert_eq!(lines.len(), 3);
    // Megabytes of separators and half-cookies: none of them is a cookie named `session`.
    let junk = ";=; ;;==;session; =session;".repeat(200_000);
    let (reason, lines) = judge(&engine, &[junk.as_str()]);
    assert_eq!(reason, LoadReason::NoSession);
    assert!(lines.is_empty());
    // The same around a valid session leaves it valid.
    let (reason, _) = judge(&engine, &[junk.as_str(), valid.as_str()]);
    assert_eq!(reason, LoadReason::Valid);
}

#[test]
fn broken_base64_and_headers() {
    let engine = big_engine();
    let good = forger().seal(0, 1, NOW, br#"{"user":"ada"}"#)[0].1.clone();
    let cases = [
        "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!".to_owned(),
        // Standard base64 alphabet, padding, whitespace: all refused.
        good.replace('-', "+").replace('_', "/") + "+/",
        format!("{good}=="),
        format!("{} {}", &good[..50], &good[50..]),
        // 4n+1 characters can never be base64.
        good[..good.len() - (good.len() % 4) + 1].to_owned(),
        // Too short to hold a header and tag.
        good[..44].to_owned(),
        good[..43].to_owned(),
        "AQ".to_owned(),
        // Characters beyond ASCII.
        format!("{}é", &good[..60]),
    ];
    for value in cases {
        let field = format!("session={value}");
        let (reason, lines) = judge(&engine, &[field.as_str()]);
        assert_eq!(reason, LoadReason::Malformed, "for {value:.80}");
        assert_eq!(lines.len(), 1);
    }
    // Non-zero trailing bits: the same bytes spelled differently are refused, so a token
    // has one spelling. `good` is 106 characters (4n+2): its last character carries 2 bits.
    assert_eq!(good.len() % 4, 2);
    let last = good.as_bytes()[good.len() - 1];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let sextet = alphabet.iter().position(|&c| c == last).expect("base64url");
    assert_eq!(sextet & 0x0f, 0);
    let respelled = format!(
        "{}{}",
        &good[..good.len() - 1],
        char::from(alphabet[sextet | 1])
    );
    let (reason, _) = judge(&engine, &[format!("session={respelled}").as_str()]);
    assert_eq!(reason, LoadReason::Malformed);

    // Unknown flags, a reserved byte set, the encrypted flag in a signed session: the MAC
    // would match, yet the reader refuses what it does not understand.
    let forger = forger();
    for (flags, reserved) in [(0x08u8, 0u8), (0x80, 0), (0, 1), (2, 0)] {
        let mut header = forger.header(flags, 1, NOW).bytes();
        header[32] = reserved;
        let body = br#"{"user":"ada"}"#;
        let tag = super::forge::tag(
            &forger.derived.signing,
            &super::forge::mac_input("session", &header, body),
        );
        let raw = [header.as_slice(), body, &tag].concat();
        use base64::Engine as _;
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
        let (reason, _) = judge(&engine, &[format!("session={token}").as_str()]);
        assert_eq!(
            reason,
            LoadReason::Malformed,
            "flags {flags:#x}, reserved {reserved}"
        );
    }
    // A chunk count of zero.
    let zero = super::forge::token(
        &forger.derived.signing,
        "session",
        &forger.header(0, 0, NOW),
        br#"{"user":"ada"}"#,
    );
    let field = format!("session={zero}");
    assert_eq!(judge(&engine, &[field.as_str()]).0, LoadReason::Malformed);
}

#[test]
fn payloads_behind_a_valid_mac() {
    let engine = big_engine();
    let forger = forger();
    let check = |flags: u8, body: &[u8], want: LoadReason| {
        let count = u8::try_from(body.len() / 3_000 + 1).expect("small");
        let pairs = forger.seal(flags, count, NOW, body);
        let field = join_pairs(&pairs);
        assert!(field.len() < 40 * 1024, "{} bytes", field.len());
        let (reason, lines) = judge(&engine, &[field.as_str()]);
        assert_eq!(reason, want, "body of {} bytes", body.len());
        if want != LoadReason::Valid {
            assert_eq!(lines.len(), usize::from(count));
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

#[test]
fn hostile_chunk_sets() {
    let engine = big_engine();
    let forger = forger();
    let pairs = forger.seal(
        0,
        4,
        NOW,
        br#"{"user":"ada","pad":"0123456789012345678901234567890123456789"}"#,
    );
    // Later chunks carrying only the prefix, or nothing.
    let mut jar = Jar::new();
    for (name, value) in &pairs {
        jar.put(name, value);
    }
    let mut bare = jar.clone();
    bare.put("session_2", &pairs[2].1[..PREFIX_LEN]);
    assert_eq!(
        judge(&engine, &[bare.header().as_str()]).0,
        LoadReason::StaleChunk
    );
    let mut empty = jar.clone();
    empty.put("session_3", "\"\"");
    assert_eq!(
        judge(&engine, &[empty.header().as_str()]).0,
        LoadReason::MissingChunk
    );
    // A twin of chunk 2 from nowhere, ahead of the real one: the right one is picked.
    let twin = format!("session_2=AAAAAAAAAAAAAAAA; {}", jar.header());
    assert_eq!(judge(&engine, &[twin.as_str()]).0, LoadReason::Valid);
    // Cookie values in quotes are read without them.
    let quoted = join_pairs(
        &pairs
            .iter()
            .map(|(name, value)| (name.clone(), format!("\"{value}\"")))
            .collect::<Vec<_>>(),
    );
    assert_eq!(judge(&engine, &[quoted.as_str()]).0, LoadReason::Valid);
    // Compression off or on, the reader does not care how the writer cut the token.
    let plain = SessionEngine::signed(
        SessionConfig::builder()
            .max_size(40 * 1024)
            .compression(Compression::Off)
            .build()
            .expect("valid"),
        ring(1),
    );
    assert_eq!(judge(&plain, &[jar.header().as_str()]).0, LoadReason::Valid);
}
