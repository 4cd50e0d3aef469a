//! The building blocks on their own, to weigh the engine's choices: base64url with the
//! `base64` crate's scalar engine, its own SIMD engine and `base64-simd`, and raw deflate / inflate with zlib-rs (the native
//! formats' backend), C zlib (flate2 in this build, as the `flask` feature makes it) and
//! miniz_oxide (flate2's default backend), on the JSON of each session.

use std::hint::black_box;
use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::data::{Kind, SIZES, kib};
use crate::measure::{Contender, Slot};
use crate::zlib;

/// The `base64` crate's own SIMD engine (feature `simd-unsafe`, on by default), URL-safe
/// without padding, detected once.
static SIMD: LazyLock<base64::engine::Simd> =
    LazyLock::new(|| base64::engine::Simd::url_safe(base64::engine::general_purpose::NO_PAD));

/// The base64 table's title.
pub const BASE64: &str = "base64url of the session's bytes";
/// The deflate table's title for a kind.
pub fn deflate_table(kind: Kind) -> String {
    format!("raw deflate level 6 / inflate, {}", kind.label())
}

/// Rows of the deflate table each row is divided by.
pub fn reference(table: &str, row: &str) -> Option<String> {
    if table == BASE64 {
        let op = row.split(',').next().unwrap_or_default();
        return Some(format!("{op}, base64 crate"));
    }
    let op = row.split(' ').next().unwrap_or_default();
    Some(format!("{op} zlib-rs"))
}

/// Every primitive contender.
pub fn contenders() -> Vec<Contender> {
    let mut out = Vec::new();
    for size in SIZES {
        let column = kib(size);
        let bytes = serde_json::to_vec(&Kind::Random.session(size)).expect("JSON");
        let token = URL_SAFE_NO_PAD.encode(&bytes);
        let slot = |row: &str| Slot::new(BASE64, row, &column);
        let b = bytes.clone();
        out.push(Contender::timed(slot("encode, base64 crate"), move || {
            black_box(URL_SAFE_NO_PAD.encode(black_box(&b)));
        }));
        let b = bytes.clone();
        out.push(Contender::timed(slot("encode, base64-simd"), move || {
            black_box(base64_simd::URL_SAFE_NO_PAD.encode_to_string(black_box(&b)));
        }));
        let b = bytes.clone();
        out.push(Contender::timed(
            slot("encode, base64 crate Simd"),
            move || {
                black_box(SIMD.encode(black_box(&b)));
            },
        ));
        let t = token.clone();
        out.push(Contender::timed(
            slot("decode, base64 crate Simd"),
            move || {
                black_box(SIMD.decode(black_box(&t)).expect("base64"));
            },
        ));
        let t = token.clone();
        out.push(Contender::timed(slot("decode, base64 crate"), move || {
            black_box(URL_SAFE_NO_PAD.decode(black_box(&t)).expect("base64"));
        }));
        out.push(Contender::timed(slot("decode, base64-simd"), move || {
            black_box(
                base64_simd::URL_SAFE_NO_PAD
                    .decode_to_vec(black_box(&token))
                    .expect("base64"),
            );
        }));
    }
    for kind in Kind::ALL {
        for size in SIZES {
            let column = kib(size);
            let json = serde_json::to_vec(&kind.session(size)).expect("JSON");
            let table = deflate_table(kind);
            let slot = |row: &str| Slot::new(&table, row, &column);
            let packed = zlib::deflate_raw(&json, 6);
            type Op = fn(&[u8]) -> Vec<u8>;
            let deflates: [(&str, Op); 4] = [
                ("deflate zlib-rs", |input| zlib::deflate_raw(input, 6)),
                ("deflate zlib-rs huffman-only", zlib::deflate_huffman),
                ("deflate C zlib (flate2)", |input| {
                    zlib::deflate_flate2(input, 6)
                }),
                ("deflate miniz_oxide", |input| zlib::deflate_miniz(input, 6)),
            ];
            for (row, op) in deflates {
                let input = json.clone();
                out.push(Contender::timed(slot(row), move || {
                    black_box(op(black_box(&input)));
                }));
            }
            let inflates: [(&str, Op); 3] = [
                ("inflate zlib-rs", zlib::inflate_raw),
                ("inflate C zlib (flate2)", |input| {
                    zlib::inflate_flate2(input, 64 << 10)
                }),
                ("inflate miniz_oxide", zlib::inflate_miniz),
            ];
            for (row, op) in inflates {
                let input = packed.clone();
                assert_eq!(op(&input), json, "{row} round trip");
                out.push(Contender::timed(slot(row), move || {
                    black_box(op(black_box(&input)));
                }));
            }
        }
    }
    out
}
