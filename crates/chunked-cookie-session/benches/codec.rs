//! Encode and decode cost of the native signed format at 1, 4, 16 and 40 KiB of session,
//! compressible and random, beside a floor measured in the same run: serde_json, one
//! HMAC-SHA256 and base64url over the same JSON, with no chunking, no compression and no
//! cookie formatting. docs/BENCHMARKS.md quotes the ratio of the two.
//!
//! Run: `cargo bench -p chunked-cookie-session --bench codec`; with `--features private,flask`
//! the private and Flask formats are measured too (note that `flask` switches flate2 to C
//! zlib for every format, so quote the native rows from a run without it).

use std::hint::black_box;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chunked_cookie_session::{
    BROWSER_NAME_VALUE_LIMIT, Key, KeyRing, LoadReason, SessionConfig, SessionEngine,
};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;

const NOW: u64 = 1_700_000_000;
const SIZES: [usize; 4] = [1024, 4 * 1024, 16 * 1024, 40 * 1024];

/// A session that deflate shrinks several-fold: a shopping cart of similar records.
fn compressible(size: usize) -> Map<String, Value> {
    let mut items = Vec::new();
    let mut map = Map::new();
    map.insert(
        "user".to_owned(),
        json!({"id": 48213, "name": "Ada Lovelace"}),
    );
    let mut i = 0u32;
    loop {
        items.push(json!({
            "sku": format!("SKU-{:06}", i * 7919 % 1_000_000),
            "name": format!("Widget model {}", i % 37),
            "qty": i % 5 + 1,
            "price_cents": 995 + i % 13 * 100,
            "gift": i.is_multiple_of(3),
        }));
        map.insert("cart".to_owned(), Value::Array(items.clone()));
        if json_len(&map) >= size {
            items.pop();
            map.insert("cart".to_owned(), Value::Array(items));
            return pad(map, size);
        }
        i += 1;
    }
}

/// A session of random base64url text, as a session full of tokens would be: deflate can
/// only gain what Huffman coding of 64 symbols gives.
fn random_text(size: usize) -> Map<String, Value> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ size as u64;
    let mut map = Map::new();
    map.insert("data".to_owned(), Value::String(String::new()));
    let room = size - json_len(&map);
    let text: String = (0..room)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(alphabet[(state >> 58) as usize])
        })
        .collect();
    map.insert("data".to_owned(), Value::String(text));
    map
}

/// Tops the session up to exactly `size` bytes of JSON with a short padding entry.
fn pad(mut map: Map<String, Value>, size: usize) -> Map<String, Value> {
    map.insert("note".to_owned(), Value::String(String::new()));
    let missing = size - json_len(&map);
    map.insert("note".to_owned(), Value::String("n".repeat(missing)));
    map
}

fn json_len(map: &Map<String, Value>) -> usize {
    serde_json::to_vec(map).map_or(0, |json| json.len())
}

fn engine() -> SessionEngine {
    let config = SessionConfig::builder()
        .max_chunks(16)
        .max_size(16 * (BROWSER_NAME_VALUE_LIMIT + 2))
        .build()
        .expect("valid configuration");
    SessionEngine::signed(
        config,
        KeyRing::new(Key::from_secret(&[7; 32]).expect("key")),
    )
}

fn fresh(engine: &SessionEngine, map: &Map<String, Value>) -> chunked_cookie_session::Session {
    let session = engine.load_at(std::iter::empty(), NOW);
    for (key, value) in map {
        session.insert_value(key, value.clone());
    }
    session
}

fn cases() -> Vec<(&'static str, usize, Map<String, Value>)> {
    let mut cases = Vec::new();
    for size in SIZES {
        cases.push(("compressible", size, compressible(size)));
        cases.push(("random", size, random_text(size)));
    }
    cases
}

fn label(kind: &str, size: usize) -> BenchmarkId {
    BenchmarkId::new(kind, format!("{}KiB", size / 1024))
}

fn bench_engine(c: &mut Criterion) {
    let engine = engine();
    let cases = cases();

    let mut group = c.benchmark_group("encode");
    for (kind, size, map) in &cases {
        assert_eq!(json_len(map), *size);
        group.bench_function(label(kind, *size), |b| {
            b.iter_batched(
                || fresh(&engine, map),
                |session| black_box(engine.save_at(&session, NOW).expect("fits")),
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();

    let mut group = c.benchmark_group("decode");
    for (kind, size, map) in &cases {
        let outcome = engine.save_at(&fresh(&engine, map), NOW).expect("fits");
        let header = outcome.cookie_header();
        // The sizes docs/BENCHMARKS.md reports next to the timings.
        eprintln!(
            "size {kind}/{}KiB: {} bytes of JSON -> {} cookies, {} bytes of Cookie header",
            size / 1024,
            size,
            outcome.cookies.len(),
            header.len()
        );
        let check = engine.load_at([header.as_str()], NOW + 1);
        assert_eq!(check.load_reason(), LoadReason::Valid);
        group.bench_function(label(kind, *size), |b| {
            b.iter(|| {
                let session = engine.load_at([black_box(header.as_str())], NOW + 1);
                black_box(session.load_reason())
            });
        });
    }
    group.finish();
}

/// The other wire formats over the same sessions (with `--all-features`): the private
/// format (XChaCha20-Poly1305, compression off as by default) and Flask's chunked layout.
/// A session a format cannot hold (Flask's layout stops at ten cookies) is skipped.
#[cfg(any(feature = "private", feature = "flask"))]
fn bench_formats(c: &mut Criterion) {
    let config = || {
        SessionConfig::builder()
            .max_chunks(16)
            .max_size(16 * (BROWSER_NAME_VALUE_LIMIT + 2))
            .build()
            .expect("valid configuration")
    };
    let mut engines: Vec<(&str, SessionEngine)> = Vec::new();
    #[cfg(feature = "private")]
    engines.push((
        "private",
        SessionEngine::private(
            config(),
            KeyRing::new(Key::from_secret(&[7; 32]).expect("key")),
        ),
    ));
    #[cfg(feature = "flask")]
    {
        use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings};
        let settings = FlaskSettings::new("bench-secret")
            .expect("a secret")
            .layout(FlaskLayout::Chunked);
        engines.push(("flask", SessionEngine::flask(config(), settings)));
    }
    let cases = cases();
    for (format, engine) in &engines {
        let mut group = c.benchmark_group(format!("{format}-encode"));
        for (kind, size, map) in &cases {
            if engine.save_at(&fresh(engine, map), NOW).is_err() {
                eprintln!("{format} {kind}/{}KiB: does not fit, skipped", size / 1024);
                continue;
            }
            group.bench_function(label(kind, *size), |b| {
                b.iter_batched(
                    || fresh(engine, map),
                    |session| black_box(engine.save_at(&session, NOW).expect("fits")),
                    BatchSize::SmallInput,
                );
            });
        }
        group.finish();
        let mut group = c.benchmark_group(format!("{format}-decode"));
        for (kind, size, map) in &cases {
            let Ok(outcome) = engine.save_at(&fresh(engine, map), NOW) else {
                continue;
            };
            let header = outcome.cookie_header();
            let check = engine.load_at([header.as_str()], NOW + 1);
            assert_eq!(check.load_reason(), LoadReason::Valid);
            group.bench_function(label(kind, *size), |b| {
                b.iter(|| {
                    let session = engine.load_at([black_box(header.as_str())], NOW + 1);
                    black_box(session.load_reason())
                });
            });
        }
        group.finish();
    }
}

#[cfg(not(any(feature = "private", feature = "flask")))]
fn bench_formats(_: &mut Criterion) {}

/// The floor: what any signed JSON cookie costs, with nothing this library adds.
fn bench_floor(c: &mut Criterion) {
    let key = [7u8; 32];
    let mac = || <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("any key length");
    let cases = cases();

    let mut group = c.benchmark_group("floor-encode");
    for (kind, size, map) in &cases {
        let value = Value::Object(map.clone());
        group.bench_function(label(kind, *size), |b| {
            b.iter(|| {
                let json = serde_json::to_vec(black_box(&value)).expect("serializable");
                let mut m = mac();
                m.update(&json);
                let tag = m.finalize().into_bytes();
                let mut raw = json;
                raw.extend_from_slice(&tag);
                black_box(URL_SAFE_NO_PAD.encode(raw))
            });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("floor-decode");
    for (kind, size, map) in &cases {
        let json = serde_json::to_vec(map).expect("serializable");
        let mut m = mac();
        m.update(&json);
        let mut raw = json;
        raw.extend_from_slice(&m.finalize().into_bytes());
        let token = URL_SAFE_NO_PAD.encode(raw);
        group.bench_function(label(kind, *size), |b| {
            b.iter(|| {
                let raw = URL_SAFE_NO_PAD
                    .decode(black_box(token.as_bytes()))
                    .expect("base64");
                let (json, tag) = raw.split_at(raw.len() - 32);
                let mut m = mac();
                m.update(json);
                m.verify_slice(tag).expect("valid tag");
                black_box(serde_json::from_slice::<Value>(json).expect("json"))
            });
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_engine, bench_floor, bench_formats
}
criterion_main!(benches);
