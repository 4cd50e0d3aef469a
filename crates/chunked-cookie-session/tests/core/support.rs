//! Helpers shared by the core tests: engines, response checks and the chunk-budget oracle,
//! written from the rules in docs/FORMAT.md rather than from the engine's code.

use chunked_cookie_session::{
    BROWSER_NAME_VALUE_LIMIT, Key, KeyRing, SET_COOKIE_LINE_LIMIT, Session, SessionConfig,
    SessionEngine,
};
use cookie::Cookie;
use serde_json::{Map, Value};

use super::jar::Jar;

/// A fixed clock (2023-11-14), so expiry is under the tests' control.
pub const NOW: u64 = 1_700_000_000;

/// Characters of the generation id that open every chunk after the first.
pub const PREFIX_LEN: usize = 12;

/// Bytes of header and tag around the body of a signed token.
pub const FRAME_LEN: usize = 33 + 32;

pub fn key(byte: u8) -> Key {
    Key::from_secret(&[byte; 32]).expect("a 32-byte secret is accepted")
}

pub fn ring(byte: u8) -> KeyRing {
    KeyRing::new(key(byte))
}

pub fn engine(config: SessionConfig) -> SessionEngine {
    SessionEngine::signed(config, ring(1))
}

/// Unpadded base64 length of `bytes` bytes.
pub fn b64_len(bytes: usize) -> usize {
    (bytes * 4).div_ceil(3)
}

/// The name of chunk `index`.
pub fn chunk_name(base: &str, index: usize) -> String {
    if index == 0 {
        base.to_owned()
    } else {
        format!("{base}_{index}")
    }
}

/// One parsed `Set-Cookie` value.
#[derive(Debug, Clone)]
pub struct Line {
    pub name: String,
    pub value: String,
    pub deletes: bool,
    /// Bytes after `name=value`.
    pub attributes_len: usize,
}

pub fn parse_line(line: &str) -> Line {
    let cookie = Cookie::parse(line).unwrap_or_else(|err| panic!("unparsable {line:?}: {err}"));
    let deletes = cookie
        .max_age()
        .is_some_and(|age| age <= time::Duration::ZERO);
    Line {
        name: cookie.name().to_owned(),
        value: cookie.value().to_owned(),
        deletes,
        attributes_len: line.len() - cookie.name().len() - 1 - cookie.value().len(),
    }
}

/// Checks one response's `Set-Cookie` values against every rule of the format and the
/// configuration, and returns the chunks it sets, in index order.
pub fn check_response(config: &SessionConfig, lines: &[String]) -> Vec<Line> {
    let mut names = std::collections::HashSet::new();
    let mut sets: Vec<Line> = Vec::new();
    let mut seen_set = false;
    for raw in lines {
        assert!(
            raw.len() <= SET_COOKIE_LINE_LIMIT,
            "Set-Cookie of {} bytes: {raw:.120}",
            raw.len()
        );
        let cookie = Cookie::parse(raw.as_str()).expect("the engine writes parsable lines");
        let line = parse_line(raw);
        assert!(line.name.len() + line.value.len() <= BROWSER_NAME_VALUE_LIMIT);
        assert!(
            names.insert(line.name.clone()),
            "two lines for {}",
            line.name
        );
        let index = index_of(config.name(), &line.name)
            .unwrap_or_else(|| panic!("a cookie that is not ours: {}", line.name));
        assert!(index < config.max_chunks(), "index {index} past max_chunks");
        // Deletions must match the cookies they remove, so every attribute is mirrored.
        assert_eq!(cookie.path(), Some(config.path()), "{raw}");
        assert_eq!(cookie.domain(), config.domain(), "{raw}");
        assert_eq!(cookie.secure().unwrap_or(false), config.secure(), "{raw}");
        assert_eq!(
            cookie.http_only().unwrap_or(false),
            config.http_only(),
            "{raw}"
        );
        assert_eq!(cookie.same_site(), config.same_site(), "{raw}");
        assert_eq!(
            cookie.partitioned().unwrap_or(false),
            config.partitioned(),
            "{raw}"
        );
        assert!(!raw.contains("Expires"), "{raw}");
        if line.deletes {
            assert!(!seen_set, "a deletion after a set: {lines:?}");
            assert!(line.value.is_empty());
        } else {
            seen_set = true;
            assert!(!line.value.is_empty(), "an empty chunk");
            assert!(
                line.value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "not base64url: {}",
                line.value
            );
            sets.push(line);
        }
    }
    for (index, line) in sets.iter().enumerate() {
        assert_eq!(
            line.name,
            chunk_name(config.name(), index),
            "chunks not contiguous"
        );
        if index > 0 {
            assert_eq!(
                &line.value[..PREFIX_LEN],
                &sets[0].value[4..16],
                "chunk {index} lacks the generation prefix"
            );
            assert!(
                line.value.len() > PREFIX_LEN,
                "chunk {index} holds only its prefix"
            );
        }
    }
    if !sets.is_empty() {
        let cookie_line = sets
            .iter()
            .map(|line| line.name.len() + 1 + line.value.len())
            .sum::<usize>()
            + 2 * (sets.len() - 1);
        assert!(
            cookie_line <= config.max_size(),
            "Cookie line of {cookie_line} bytes over max_size {}",
            config.max_size()
        );
    }
    sets
}

/// The chunk index a cookie name stands for, by the exact-name rule.
pub fn index_of(base: &str, name: &str) -> Option<usize> {
    let rest = name.strip_prefix(base)?;
    if rest.is_empty() {
        return Some(0);
    }
    let digits = rest.strip_prefix('_')?;
    let canonical = !digits.is_empty()
        && digits.len() <= 3
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    canonical.then(|| digits.parse().ok()).flatten()
}

/// The token the chunks carry: chunk 0 whole, every later chunk without its prefix.
pub fn token_of(sets: &[Line]) -> String {
    let mut token = String::new();
    for (index, line) in sets.iter().enumerate() {
        token.push_str(if index == 0 {
            &line.value
        } else {
            &line.value[PREFIX_LEN..]
        });
    }
    token
}

/// How many token characters chunk `index` holds at most, from the two browser limits:
/// name + value <= 4096 and the whole `Set-Cookie` value <= 4093.
pub fn capacity(base: &str, index: usize, attributes_len: usize) -> usize {
    let name = chunk_name(base, index).len();
    let line_room = SET_COOKIE_LINE_LIMIT - (name + 1 + attributes_len);
    let pair_room = BROWSER_NAME_VALUE_LIMIT - name;
    line_room.min(pair_room) - if index == 0 { 0 } else { PREFIX_LEN }
}

/// The token length at which chunk `k - 1` is exactly full.
pub fn boundary(base: &str, k: usize, attributes_len: usize) -> usize {
    (0..k).map(|i| capacity(base, i, attributes_len)).sum()
}

/// The fewest chunks a token of `len` characters fits in.
pub fn chunks_for(base: &str, len: usize, attributes_len: usize) -> usize {
    (1..=64)
        .find(|&k| boundary(base, k, attributes_len) >= len)
        .expect("fits in 64 chunks")
}

/// The attribute bytes this engine puts on every line (learned from a real response).
pub fn attributes_len(engine: &SessionEngine) -> usize {
    let session = engine.load_at(std::iter::empty(), NOW);
    session.insert("probe", 1).expect("insert");
    let lines = engine.save_at(&session, NOW).expect("a tiny session fits");
    parse_line(&lines[0]).attributes_len
}

/// The key of the padding entry that drives sizes.
pub const PAD: &str = "~pad~";

/// Adds a padding entry to `map` so that, uncompressed, its token is exactly the smallest
/// reachable length >= `target`. Returns that length.
pub fn pad_to(map: &mut Map<String, Value>, target: usize) -> usize {
    map.insert(PAD.to_owned(), Value::String(String::new()));
    let base = serde_json::to_vec(map).expect("serializable").len();
    let body = (base..)
        .find(|&body| b64_len(FRAME_LEN + body) >= target)
        .expect("a body length exists");
    map.insert(PAD.to_owned(), Value::String("x".repeat(body - base)));
    b64_len(FRAME_LEN + body)
}

/// A fresh session holding `map`.
pub fn session_with(engine: &SessionEngine, map: &Map<String, Value>) -> Session {
    let session = engine.load_at(std::iter::empty(), NOW);
    for (key, value) in map {
        session.insert_value(key, value.clone());
    }
    session
}

/// Loads a session from a jar, as one `Cookie` field.
pub fn load_jar(engine: &SessionEngine, jar: &Jar, now: u64) -> Session {
    let header = jar.header();
    engine.load_at([header.as_str()], now)
}

/// Applies a response to a jar after checking it.
pub fn respond(config: &SessionConfig, jar: &mut Jar, lines: &[String]) -> Vec<Line> {
    let sets = check_response(config, lines);
    jar.apply(lines);
    sets
}

/// The cookies of ours a jar holds, by name.
pub fn our_names(jar: &Jar, base: &str) -> Vec<String> {
    jar.names()
        .into_iter()
        .filter(|name| index_of(base, name).is_some())
        .collect()
}
