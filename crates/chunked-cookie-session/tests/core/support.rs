//! What the behaviour suite shares: the response checker, the chunk-budget model and the
//! session sizing, written from the rules in docs/FORMAT.md rather than from the engine's
//! code, for any [`Fixture`].

use chunked_cookie_session::{
    BROWSER_NAME_VALUE_LIMIT, LoadReason, Outcome, SET_COOKIE_LINE_LIMIT, Session, SessionConfig,
    SessionEngine, SetCookie,
};
use serde_json::{Map, Value};
use test_support::{Jar, WireCookie, noise};

use super::fixture::Fixture;

/// A fixed clock (2023-11-14), so expiry is under the tests' control.
pub const NOW: u64 = 1_700_000_000;

/// The key of the padding entry that drives sizes.
pub const PAD: &str = "~pad~";

/// True for the refusals after which a response that writes nothing deletes the refused
/// cookies (in a format that cleans what it refuses): those docs/SECURITY.md says prove the
/// cookies dead whatever key or configuration a server holds. Every other refusal leaves
/// them for a server that may read them.
pub fn proves_dead(reason: LoadReason) -> bool {
    matches!(
        reason,
        LoadReason::Expired
            | LoadReason::IdleExpired
            | LoadReason::MissingChunk
            | LoadReason::StaleChunk
    )
}

/// Checks one response's cookies against every rule of the format and the configuration,
/// and returns the chunks it sets, in index order.
///
/// The structured values are what the engine says it wrote; each line is also parsed as a
/// client parses it, and the two must agree.
pub fn check_outcome(f: &Fixture, config: &SessionConfig, outcome: &Outcome) -> Vec<SetCookie> {
    let base = config.name();
    let mut names = std::collections::HashSet::new();
    let mut sets: Vec<SetCookie> = Vec::new();
    for cookie in &outcome.cookies {
        let line = cookie.line();
        assert!(
            line.len() <= SET_COOKIE_LINE_LIMIT,
            "{}: Set-Cookie of {} bytes: {line:.120}",
            f.name,
            line.len()
        );
        assert!(cookie.pair().len() <= BROWSER_NAME_VALUE_LIMIT);
        assert!(line.starts_with(cookie.pair()) && cookie.pair().starts_with(cookie.name()));
        let wire = WireCookie::parse(line);
        let attributes = wire.cookie();
        // A deletion is `Max-Age=0`; judged by the line, not by the clock, since the tests'
        // clock is years behind the real one that a Flask `Expires` date would meet.
        let deletes = attributes
            .max_age()
            .is_some_and(|age| age <= time::Duration::ZERO);
        assert_eq!(
            (wire.name(), wire.value(), deletes),
            (cookie.name(), cookie.value(), cookie.is_removal()),
            "the line says otherwise than the structured value: {line:.120}"
        );
        assert!(
            names.insert(cookie.name().to_owned()),
            "two lines for {}",
            cookie.name()
        );
        let index = f
            .index_of(base, cookie.name())
            .unwrap_or_else(|| panic!("a cookie that is not ours: {}", cookie.name()));
        assert_eq!(index, cookie.index(), "{}", cookie.name());
        assert!(
            index < f.chunk_limit(config),
            "index {index} past the chunk limit"
        );
        // Deletions must match the cookies they remove, so every attribute is mirrored.
        assert_eq!(attributes.path(), Some(config.path()), "{line}");
        assert_eq!(attributes.domain(), config.domain(), "{line}");
        assert_eq!(
            attributes.secure().unwrap_or(false),
            config.secure(),
            "{line}"
        );
        assert_eq!(
            attributes.http_only().unwrap_or(false),
            config.http_only(),
            "{line}"
        );
        assert_eq!(attributes.same_site(), config.same_site(), "{line}");
        assert_eq!(
            attributes.partitioned().unwrap_or(false),
            config.partitioned(),
            "{line}"
        );
        if cookie.is_removal() {
            assert!(sets.is_empty(), "a deletion after a set: {line}");
            assert!(cookie.value().is_empty());
            assert_eq!(attributes.max_age(), Some(time::Duration::ZERO), "{line}");
            assert!(attributes.expires().is_none(), "{line}");
        } else {
            assert!(!cookie.value().is_empty(), "an empty chunk");
            assert!(
                cookie.value().bytes().all(|b| f.value_byte(b)),
                "not a {} value: {}",
                f.name,
                cookie.value()
            );
            if f.states_expires() {
                assert!(attributes.max_age().is_none(), "{line}");
            } else if attributes.expires().is_some() {
                // `expires_date`: the same deadline twice.
                assert!(config.expires_date(), "{line}");
                let expires = attributes.expires_datetime().expect("a date");
                let max_age = attributes.max_age().expect("Max-Age beside Expires");
                assert!(expires.unix_timestamp() > max_age.whole_seconds(), "{line}");
            }
            sets.push(cookie.clone());
        }
    }
    for (index, set) in sets.iter().enumerate() {
        assert_eq!(
            set.name(),
            f.chunk_name(base, index),
            "chunks not contiguous"
        );
        if index > 0
            && let Some(generation) = f.generation(sets[0].value())
        {
            assert!(
                set.value().starts_with(generation),
                "chunk {index} lacks the generation prefix"
            );
            assert!(
                set.value().len() > f.prefix_len(),
                "chunk {index} holds only its prefix"
            );
        }
    }
    let pairs: Vec<&str> = sets.iter().map(SetCookie::pair).collect();
    let cookie_line = pairs.join("; ");
    assert_eq!(outcome.cookie_header(), cookie_line);
    if sets.is_empty() {
        assert!(matches!(outcome.cookie_line, None | Some(0)), "{outcome:?}");
    } else {
        assert_eq!(outcome.cookie_line, Some(cookie_line.len()));
        assert!(
            cookie_line.len() <= config.max_size(),
            "Cookie line of {} bytes over max_size {}",
            cookie_line.len(),
            config.max_size()
        );
    }
    assert_eq!(
        outcome.cache_control.is_some(),
        !outcome.cookies.is_empty(),
        "a shared cache must never keep a response that sets a session"
    );
    sets
}

/// The token the chunks carry: chunk 0 whole, every later chunk without its prefix.
pub fn token_of(f: &Fixture, sets: &[SetCookie]) -> String {
    f.token(sets.iter().map(SetCookie::value))
}

/// How many token characters chunk `index` holds at most, from the two browser limits:
/// name + value <= 4096 and the whole `Set-Cookie` value <= 4093.
pub fn capacity(f: &Fixture, base: &str, index: usize, attributes_len: usize) -> usize {
    let name = f.chunk_name(base, index).len();
    let line_room = SET_COOKIE_LINE_LIMIT - (name + 1 + attributes_len);
    let pair_room = BROWSER_NAME_VALUE_LIMIT - name;
    line_room.min(pair_room) - if index == 0 { 0 } else { f.prefix_len() }
}

/// The token length at which chunk `k - 1` is exactly full.
pub fn boundary(f: &Fixture, base: &str, k: usize, attributes_len: usize) -> usize {
    (0..k).map(|i| capacity(f, base, i, attributes_len)).sum()
}

/// The fewest chunks a token of `len` characters fits in.
pub fn chunks_for(f: &Fixture, base: &str, len: usize, attributes_len: usize) -> usize {
    (1..)
        .find(|&k| boundary(f, base, k, attributes_len) >= len)
        .expect("some count fits")
}

/// The bytes a token of `len` characters takes in the `Cookie` line, split greedily.
pub fn cookie_line_for(f: &Fixture, base: &str, len: usize, attributes_len: usize) -> usize {
    let chunks = chunks_for(f, base, len, attributes_len);
    let names: usize = (0..chunks).map(|i| f.chunk_name(base, i).len() + 1).sum();
    names + len + (chunks - 1) * (f.prefix_len() + 2)
}

/// The attribute bytes `engine` puts on every line (learned from a real response).
pub fn attributes_len(engine: &SessionEngine) -> usize {
    let session = engine.load_at(std::iter::empty(), NOW);
    session.insert("probe", 1).expect("insert");
    let outcome = engine.save_at(&session, NOW).expect("a tiny session fits");
    let set = outcome.cookies.last().expect("a set");
    set.line().len() - set.pair().len()
}

/// A fresh session holding `map`, as a request at `NOW` would start it.
pub fn session_with(engine: &SessionEngine, map: &Map<String, Value>) -> Session {
    let session = engine.load_at(std::iter::empty(), NOW);
    for (key, value) in map {
        session.insert_value(key, value.clone());
    }
    session
}

/// The token length `engine` writes for `map` at `NOW`, or `None` when it does not fit.
pub fn measured_token_len(
    f: &Fixture,
    engine: &SessionEngine,
    map: &Map<String, Value>,
) -> Option<usize> {
    let outcome = engine.save_at(&session_with(engine, map), NOW).ok()?;
    let sets: Vec<SetCookie> = outcome
        .cookies
        .into_iter()
        .filter(|c| !c.is_removal())
        .collect();
    Some(token_of(f, &sets).len())
}

/// Adds a padding entry to `map` so that its token under `engine` is as close above
/// `target` characters as the format allows (exactly `target` where reachable), and
/// returns that length.
///
/// The native formats under `Compression::Off` follow the documented frame, so the pad is
/// computed; Flask compresses whatever it can, so its pad is random text whose length is
/// searched for by writing.
pub fn pad_to(
    f: &Fixture,
    engine: &SessionEngine,
    map: &mut Map<String, Value>,
    target: usize,
) -> usize {
    if !f.always_compresses() {
        map.insert(PAD.to_owned(), Value::String(String::new()));
        let base = f.json_len(map);
        let body = (base..)
            .find(|&body| f.plain_token_len(body) >= target)
            .expect("a body length exists");
        map.insert(PAD.to_owned(), Value::String("x".repeat(body - base)));
        return f.plain_token_len(body);
    }
    let mut len_with = |n: usize| {
        map.insert(PAD.to_owned(), Value::String(noise(n, 17)));
        measured_token_len(f, engine, map).unwrap_or(usize::MAX)
    };
    // The token grows about as fast as the text: bisect for where it crosses the target,
    // then look nearby for a text length that lands on it exactly.
    let (mut short, mut long) = (0, target + 64);
    while long - short > 1 {
        let middle = short.midpoint(long);
        if len_with(middle) >= target {
            long = middle;
        } else {
            short = middle;
        }
    }
    let best = (long.saturating_sub(6)..=long + 6)
        .map(|n| (n, len_with(n)))
        .filter(|&(_, len)| len >= target && len != usize::MAX)
        .min_by_key(|&(n, len)| (len, n))
        .map_or(long, |(n, _)| n);
    len_with(best)
}

/// A session of about `chunks` chunks under `engine` (the middle of that count's range of
/// token lengths), distinct from every other one made with another `step`.
pub fn sized(f: &Fixture, engine: &SessionEngine, chunks: usize, step: u64) -> Map<String, Value> {
    let mut map = Map::new();
    if chunks == 0 {
        return map;
    }
    map.insert("step".to_owned(), Value::from(step));
    let base = engine.config().name();
    let attributes = attributes_len(engine);
    let low = boundary(f, base, chunks - 1, attributes);
    let high = boundary(f, base, chunks, attributes);
    pad_to(f, engine, &mut map, low.midpoint(high));
    map
}

/// Loads a session from a jar, as one `Cookie` field.
pub fn load_jar(engine: &SessionEngine, jar: &Jar, now: u64) -> Session {
    engine.load_at([jar.header().as_str()], now)
}

/// Checks a response and applies it to a jar; returns the chunks it sets.
pub fn respond(
    f: &Fixture,
    config: &SessionConfig,
    jar: &mut Jar,
    outcome: &Outcome,
) -> Vec<SetCookie> {
    let sets = check_outcome(f, config, outcome);
    jar.apply_outcome(outcome);
    sets
}

/// Writes `map` as a new session at `NOW` and returns the jar holding it.
pub fn write(f: &Fixture, engine: &SessionEngine, map: &Map<String, Value>) -> Jar {
    let outcome = engine
        .save_at(&session_with(engine, map), NOW)
        .expect("the session fits");
    let mut jar = Jar::new();
    respond(f, engine.config(), &mut jar, &outcome);
    jar
}

/// The `(name, value)` of every chunk a new session holding `value` (a JSON object) is
/// written as at `NOW`, in index order.
pub fn write_pairs(f: &Fixture, engine: &SessionEngine, value: &Value) -> Vec<(String, String)> {
    let map: Map<String, Value> = value.as_object().expect("an object").clone();
    let outcome = engine
        .save_at(&session_with(engine, &map), NOW)
        .expect("fits");
    check_outcome(f, engine.config(), &outcome)
        .iter()
        .map(|set| (set.name().to_owned(), set.value().to_owned()))
        .collect()
}

/// The cookies of ours a jar holds, by name.
pub fn our_names(f: &Fixture, jar: &Jar, base: &str) -> Vec<String> {
    jar.names()
        .into_iter()
        .filter(|name| f.index_of(base, name).is_some())
        .collect()
}

/// A configuration with a 40 KiB budget and compression off, so a session's size on the
/// wire follows its length.
pub fn uncompressed() -> chunked_cookie_session::SessionConfigBuilder {
    SessionConfig::builder()
        .max_size(40 * 1024)
        .compression(chunked_cookie_session::Compression::Off)
}

/// A configuration with room for the largest sessions: 16 full chunks.
pub fn roomy() -> chunked_cookie_session::SessionConfigBuilder {
    SessionConfig::builder()
        .max_chunks(16)
        .max_size(16 * (BROWSER_NAME_VALUE_LIMIT + 2))
}
