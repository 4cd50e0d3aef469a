//! Round trips over random sessions whose token lengths land on, just before and just after
//! every chunk boundary, under long names, long Domain and Path, and `__Host-` names.

use chunked_cookie_session::{
    BROWSER_NAME_VALUE_LIMIT, Compression, LoadReason, SET_COOKIE_LINE_LIMIT, SameSite,
    SessionConfig,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

use super::jar::{Jar, join_pairs};
use super::support::*;

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        // Eighths are exact in binary, so the float survives the text round trip.
        (-80_000i32..80_000).prop_map(|n| Value::from(f64::from(n) / 8.0)),
        any::<String>().prop_map(Value::String),
        "[a-zA-Z0-9 ]{0,64}".prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn session_map() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(any::<String>(), json_value(), 0..8)
        .prop_map(|map| map.into_iter().collect())
}

/// The cookie shapes that change the budgets: plain, `__Host-`, long names, long Domain,
/// long Path, persistent cookies (a `Max-Age` on every line), `SameSite=None`, Partitioned.
#[derive(Debug, Clone)]
struct Shape {
    kind: u8,
    name_len: usize,
    domain_len: usize,
    path_len: usize,
    persistent: bool,
    none_partitioned: bool,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        0u8..4,
        1usize..=200,
        0usize..=200,
        1usize..=300,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(kind, name_len, domain_len, path_len, persistent, none_partitioned)| Shape {
                kind,
                name_len,
                domain_len,
                path_len,
                persistent,
                none_partitioned,
            },
        )
}

/// A syntactically plausible domain of exactly `len` bytes (labels of at most 63).
pub fn long_domain(len: usize) -> String {
    let mut domain = String::from("example.com");
    while domain.len() < len {
        let label = (len - domain.len()).saturating_sub(1).clamp(1, 63);
        domain = format!("{}.{domain}", "d".repeat(label));
    }
    domain
}

/// A path of exactly `len` bytes.
pub fn long_path(len: usize) -> String {
    let mut path = String::from("/");
    while path.len() < len {
        path.push(if path.len() % 8 == 0 { '/' } else { 'p' });
    }
    path
}

impl Shape {
    /// Chromium keeps about 10 KiB per partition, so a Partitioned session gets that budget.
    fn max_size(&self) -> usize {
        if self.none_partitioned {
            10 * 1024
        } else {
            16 * (BROWSER_NAME_VALUE_LIMIT + 2)
        }
    }

    fn config(&self, compression: Compression) -> SessionConfig {
        let mut builder = SessionConfig::builder()
            .max_chunks(16)
            .max_size(self.max_size())
            .compression(compression)
            .persistent(self.persistent);
        builder = match self.kind {
            0 => builder,
            1 => builder.name("__Host-session"),
            2 => builder.name(format!("__Host-{}", "h".repeat(self.name_len.min(193)))),
            _ => builder
                .name("n".repeat(self.name_len))
                .path(long_path(self.path_len)),
        };
        if self.kind != 1 && self.kind != 2 && self.domain_len >= 11 {
            builder = builder.domain(long_domain(self.domain_len));
        }
        if self.none_partitioned {
            builder = builder.same_site(Some(SameSite::None)).partitioned(true);
        }
        builder
            .build()
            .expect("every shape is a valid configuration")
    }
}

/// Saves `map` fresh, checks the response, and reads it back in three arrangements of the
/// `Cookie` header. Returns the chunks.
fn round_trip(config: &SessionConfig, map: &Map<String, Value>) -> Vec<Line> {
    let engine = engine(config.clone());
    let session = session_with(&engine, map);
    let lines = engine.save_at(&session, NOW).expect("fits the budget");
    let mut jar = Jar::new();
    let sets = respond(config, &mut jar, &lines);
    let pairs = jar.pairs();
    let mut reversed = pairs.clone();
    reversed.reverse();
    let one_field = join_pairs(&pairs);
    let reversed_field = join_pairs(&reversed);
    let per_cookie: Vec<String> = reversed
        .iter()
        .map(|pair| join_pairs(std::slice::from_ref(pair)))
        .collect();
    let arrangements: [Vec<&str>; 3] = [
        vec![one_field.as_str()],
        vec![reversed_field.as_str()],
        per_cookie.iter().map(String::as_str).collect(),
    ];
    for fields in arrangements {
        let back = engine.load_at(fields, NOW + 1);
        assert_eq!(back.load_reason(), LoadReason::Valid);
        assert_eq!(&back.entries(), map);
        // Reading a valid session leaves nothing to write.
        assert!(engine.save_at(&back, NOW + 1).expect("save").is_empty());
    }
    sets
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Token lengths at every boundary k (chunk k-1 exactly full) and a few characters
    /// either side: the count is the fewest the two browser limits allow, an exact fill
    /// never spills an empty chunk, and every line respects both limits.
    #[test]
    fn sizes_on_and_around_every_chunk_boundary(
        shape in shape(),
        mut map in session_map(),
        k in 1usize..=15,
        delta in -3i64..=3,
    ) {
        let config = shape.config(Compression::Off);
        // Within a partition's 10 KiB only boundaries 1 and 2 have room on both sides.
        let k = if shape.none_partitioned { 1 + k % 2 } else { k };
        let attributes = attributes_len(&engine(config.clone()));
        let edge = boundary(config.name(), k, attributes);
        let target = usize::try_from(i64::try_from(edge).unwrap_or(0) + delta).unwrap_or(0);
        let token_len = pad_to(&mut map, target);
        let sets = round_trip(&config, &map);
        prop_assert_eq!(token_of(&sets).len(), token_len);
        prop_assert_eq!(sets.len(), chunks_for(config.name(), token_len, attributes));
        if token_len == edge {
            prop_assert_eq!(sets.len(), k);
        }
        for (index, line) in sets.iter().enumerate() {
            let full = line.value.len() == capacity(config.name(), index, attributes)
                + if index == 0 { 0 } else { PREFIX_LEN };
            // Greedy fill: every chunk but the last is as large as the limits allow.
            prop_assert!(full || index + 1 == sets.len());
        }
    }

    /// Compressed round trips of random sessions with a compressible tail of random
    /// length, from one chunk to many.
    #[test]
    fn compressed_round_trips(
        shape in shape(),
        map in session_map(),
        tail in 0usize..60_000,
        seed in any::<u64>(),
    ) {
        let config = shape.config(Compression::Auto);
        let tail = if shape.none_partitioned { tail / 8 } else { tail };
        let mut map = map;
        let mut state = seed | 1;
        let words = ["alpha", "beta", "gamma", "δέλτα", "ε", "\u{1F600}"];
        let mut text = String::new();
        while text.len() < tail {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(words[usize::try_from(state % 6).unwrap_or(0)]);
            text.push(' ');
        }
        map.insert("tail".to_owned(), Value::String(text));
        round_trip(&config, &map);
    }
}

/// Exact multiples, deterministically: for chunk counts 1 to 12 and four path lengths
/// (each shifts every boundary), the token is made exactly as long as the boundary, one
/// shorter and one longer. At the boundary every line is exactly 4093 bytes and the count
/// is k; one character more opens chunk k+1.
#[test]
fn exact_multiples_of_the_chunk_size() {
    let mut exact = [false; 13];
    for path in ["/", "/a", "/ab", "/abc"] {
        let config = SessionConfig::builder()
            .path(path)
            .max_chunks(16)
            .max_size(16 * (BROWSER_NAME_VALUE_LIMIT + 2))
            .compression(Compression::Off)
            .build()
            .expect("valid");
        let attributes = attributes_len(&engine(config.clone()));
        for (k, hit) in exact.iter_mut().enumerate().skip(1) {
            let edge = boundary(config.name(), k, attributes);
            for target in [edge - 1, edge, edge + 1] {
                let mut map = Map::new();
                map.insert("user".to_owned(), Value::from("ada"));
                let token_len = pad_to(&mut map, target);
                if token_len != target {
                    // Unpadded base64 never has a length of 4n+1; the neighbours are tried.
                    assert_eq!(target % 4, 1);
                    continue;
                }
                let sets = round_trip(&config, &map);
                let lines = sets.len();
                if target <= edge {
                    assert_eq!(lines, k, "path {path}, k {k}, target {target}");
                } else {
                    assert_eq!(lines, k + 1, "path {path}, k {k}, target {target}");
                    assert_eq!(sets[k].value.len(), PREFIX_LEN + 1);
                }
                if target == edge {
                    *hit = true;
                    for line in &sets {
                        assert_eq!(
                            line.name.len() + 1 + line.value.len() + line.attributes_len,
                            SET_COOKIE_LINE_LIMIT
                        );
                    }
                }
            }
        }
    }
    assert!(
        exact[1..].iter().all(|&hit| hit),
        "boundaries never hit exactly: {exact:?}"
    );
}

/// The extreme shapes, spelled out: a 200-byte Domain, a 1000-byte Path, a 200-byte name,
/// a `__Host-` name, at the largest budget.
#[test]
fn long_attributes_and_names() {
    let big = |builder: chunked_cookie_session::SessionConfigBuilder| {
        builder
            .max_chunks(16)
            .max_size(16 * (BROWSER_NAME_VALUE_LIMIT + 2))
            .compression(Compression::Off)
            .build()
            .expect("valid")
    };
    let configs = [
        big(SessionConfig::builder().domain(long_domain(200))),
        big(SessionConfig::builder().path(long_path(1000))),
        big(SessionConfig::builder()
            .name("x".repeat(200))
            .domain(long_domain(200))
            .path(long_path(1000))),
        big(SessionConfig::builder().name("__Host-session")),
    ];
    let partitioned = SessionConfig::builder()
        .name("__Host-session")
        .partitioned(true)
        .max_size(10 * 1024)
        .compression(Compression::Off)
        .build()
        .expect("valid");
    let cases = configs
        .into_iter()
        .map(|config| (config, [10, 4_000, 20_000, 30_000]))
        .chain([(partitioned, [10, 2_000, 4_000, 7_000])]);
    for (config, sizes) in cases {
        for size in sizes {
            let mut map = Map::new();
            map.insert("data".to_owned(), Value::String("z".repeat(size)));
            map.insert(
                "ключ".to_owned(),
                serde_json::json!({"nested": [1, {"deep": "ü"}]}),
            );
            let sets = round_trip(&config, &map);
            assert!(sets.len() <= config.max_chunks());
        }
    }
}

/// The ceiling of 64 chunks: a session filling all of them round-trips, and shrinking it
/// to one cookie deletes the other 63 (the index bit 63 and a count of 64 are the edges of
/// the engine's bookkeeping).
#[test]
fn sixty_four_chunks_and_back() {
    let config = SessionConfig::builder()
        .max_chunks(64)
        .max_size(64 * (BROWSER_NAME_VALUE_LIMIT + 2))
        .compression(Compression::Off)
        .build()
        .expect("valid");
    let engine = engine(config.clone());
    let attributes = attributes_len(&engine);
    let mut map = Map::new();
    map.insert("user".to_owned(), Value::from("ada"));
    pad_to(&mut map, boundary(config.name(), 64, attributes) - 2);
    let sets = round_trip(&config, &map);
    assert_eq!(sets.len(), 64);
    assert_eq!(sets[63].name, "session_63");
    let mut over = map.clone();
    pad_to(&mut over, boundary(config.name(), 64, attributes) + 2);
    let session = session_with(&engine, &over);
    assert!(matches!(
        engine.save_at(&session, NOW),
        Err(chunked_cookie_session::SaveError::Overflow {
            chunks: 65,
            max_chunks: 64,
            ..
        })
    ));

    let mut jar = Jar::new();
    let full = engine
        .save_at(&session_with(&engine, &map), NOW)
        .expect("fits");
    respond(&config, &mut jar, &full);
    let session = load_jar(&engine, &jar, NOW + 1);
    session.clear();
    session.insert("user", "grace").expect("insert");
    let lines = engine.save_at(&session, NOW + 1).expect("fits");
    assert_eq!(lines.len(), 64);
    respond(&config, &mut jar, &lines);
    assert_eq!(jar.names(), ["session"]);
    assert_eq!(
        load_jar(&engine, &jar, NOW + 2).get_value("user"),
        Some(Value::from("grace"))
    );
}
