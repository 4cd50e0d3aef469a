//! What the compression decision does with several kinds of session: the bytes of cookies
//! the signed format sends with compression off and with its default (`Auto`), beside what
//! deflate level 6 alone would make of the JSON (as a share of it).
//!
//! ```text
//! cargo run --release -p bench --example decision_table
//! ```
use bench::project::{self, Format};
use serde_json::{Map, Value, json};

fn main() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("readme");
    let mut state = 7u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let hex: String = (0..4000)
        .map(|_| char::from(b"0123456789abcdef"[(next() >> 60) as usize]))
        .collect();
    let token = bench::data::random_base64url(43, 9);
    let tokens: Vec<Value> = (0..60).map(|_| Value::String(token.clone())).collect();
    let distinct: Vec<Value> = (0..60)
        .map(|i| json!({"id": i, "csrf": bench::data::random_base64url(43, i)}))
        .collect();
    let uuids: Vec<Value> = (0..100)
        .map(|i| {
            json!(format!(
                "{:032x}",
                u128::from(next()) << 64 | u128::from(next()) ^ i
            ))
        })
        .collect();
    let cases: Vec<(&str, Map<String, Value>)> = vec![
        ("random base64url 4 KiB", bench::data::random_text(4096)),
        ("cart 4 KiB", bench::data::compressible(4096)),
        (
            "hex digits 4000",
            Map::from_iter([("h".to_owned(), Value::String(hex))]),
        ),
        (
            "prose (README) 4 KiB",
            Map::from_iter([("p".to_owned(), Value::String(readme[..4000].to_owned()))]),
        ),
        (
            "one token 60 times",
            Map::from_iter([("t".to_owned(), Value::Array(tokens))]),
        ),
        (
            "60 records of a distinct token",
            Map::from_iter([("r".to_owned(), Value::Array(distinct))]),
        ),
        (
            "100 hex UUIDs",
            Map::from_iter([("u".to_owned(), Value::Array(uuids))]),
        ),
        ("tiny", Map::from_iter([("user".to_owned(), json!("ada"))])),
    ];
    let auto = project::engine(Format::Signed, false);
    let off = project::engine_without_compression(Format::Signed);
    println!(
        "{:34} {:>6} {:>8} {:>8} {:>9}",
        "session", "JSON", "off", "auto", "deflate6"
    );
    for (name, map) in cases {
        let json = serde_json::to_vec(&map).expect("json");
        let size = |e| {
            let l = project::encode(e, &project::fresh(e, &map)).expect("fits");
            project::cookie_header(&l).len()
        };
        let deflated = bench::zlib::deflate_raw(&json, 6).len();
        println!(
            "{:34} {:>6} {:>8} {:>8} {:>8}%",
            name,
            json.len(),
            size(&off),
            size(&auto),
            deflated * 100 / json.len()
        );
    }
}
