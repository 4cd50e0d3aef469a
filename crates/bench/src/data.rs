//! The sessions every contender is measured on, the one home of the data generators.
//!
//! Two kinds of session at each size: random base64url text (a session full of tokens,
//! which deflate can shrink only by Huffman-coding a 64-letter alphabet) and a shopping
//! cart of similar records (which deflate shrinks several-fold). Each is exactly `size`
//! bytes of JSON.

use serde_json::{Map, Value, json};

/// The session sizes measured, in bytes of JSON.
pub const SIZES: [usize; 4] = [1024, 4 * 1024, 16 * 1024, 40 * 1024];

/// The size of the session the per-request benchmarks carry: 3.5 KiB of JSON.
pub const REQUEST_SESSION: usize = 3584;

/// What a session holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Random base64url text.
    Random,
    /// A shopping cart of similar records.
    Cart,
}

impl Kind {
    /// Both kinds, random first.
    pub const ALL: [Kind; 2] = [Kind::Random, Kind::Cart];

    /// A short name for tables.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Random => "random text",
            Kind::Cart => "compressible cart",
        }
    }

    /// A session of this kind, `size` bytes of JSON.
    pub fn session(self, size: usize) -> Map<String, Value> {
        match self {
            Kind::Random => random_text(size),
            Kind::Cart => compressible(size),
        }
    }
}

/// A session that deflate shrinks several-fold: a shopping cart of similar records.
pub fn compressible(size: usize) -> Map<String, Value> {
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

/// A session of random base64url text under one key, as a session full of tokens would be.
pub fn random_text(size: usize) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("data".to_owned(), Value::String(String::new()));
    let room = size - json_len(&map);
    map.insert(
        "data".to_owned(),
        Value::String(random_base64url(room, size as u64)),
    );
    map
}

/// The session of the per-request benchmarks: a user name to read and random text, 3.5 KiB
/// of JSON in all.
pub fn request_session() -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("user".to_owned(), Value::String("ada".to_owned()));
    map.insert("data".to_owned(), Value::String(String::new()));
    let room = REQUEST_SESSION - json_len(&map);
    map.insert(
        "data".to_owned(),
        Value::String(random_base64url(room, 0x5EED)),
    );
    map
}

/// `len` characters of base64url from a xorshift generator seeded with `seed`.
pub fn random_base64url(len: usize, seed: u64) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ seed;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(alphabet[(state >> 58) as usize])
        })
        .collect()
}

/// Tops the session up to exactly `size` bytes of JSON with a short padding entry.
fn pad(mut map: Map<String, Value>, size: usize) -> Map<String, Value> {
    map.insert("note".to_owned(), Value::String(String::new()));
    let missing = size - json_len(&map);
    map.insert("note".to_owned(), Value::String("n".repeat(missing)));
    map
}

/// The length of the session's compact JSON.
pub fn json_len(map: &Map<String, Value>) -> usize {
    serde_json::to_vec(map).map_or(0, |json| json.len())
}

/// A size in KiB for labels: `1 KiB`, `40 KiB`.
pub fn kib(size: usize) -> String {
    format!("{} KiB", size / 1024)
}
