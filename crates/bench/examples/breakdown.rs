//! Where the time of the signed format goes at one size of random text: the engine's
//! encode and decode beside each step they are made of, done on its own with the same
//! crates, in one interleaved run (the harness's runner), so the steps can be compared with
//! the whole.
//!
//! ```text
//! cargo run --release -p bench --example breakdown            # 1 KiB
//! cargo run --release -p bench --example breakdown -- 4096    # another size of JSON
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::{NO_PAD, URL_SAFE_NO_PAD};
use bench::data::Kind;
use bench::measure::{self, Contender, Plan, Slot};
use bench::project::{self, Format};
use bench::report::Results;
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::AeadInOut;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const ENCODE: &str = "encode steps";
const DECODE: &str = "decode steps";

fn mac() -> Hmac<Sha256> {
    <Hmac<Sha256> as KeyInit>::new_from_slice(&[7; 32]).expect("any key length")
}

fn main() {
    let size: usize = std::env::args()
        .nth(1)
        .map_or(1024, |arg| arg.parse().expect("a size in bytes"));
    let map = Kind::Random.session(size);
    let value = bench::floor::value(&map);
    let engine = project::engine(Format::Signed, false);
    let plain = project::engine_without_compression(Format::Signed);
    let private = project::engine(Format::Private, false);
    let private_lines =
        project::encode(&private, &project::fresh(&private, &map)).expect("it fits");
    let private_header = project::cookie_header(&private_lines);
    let lines = project::encode(&engine, &project::fresh(&engine, &map)).expect("it fits");
    let header = project::cookie_header(&lines);
    let json = serde_json::to_vec(&map).expect("JSON");
    let token = URL_SAFE_NO_PAD.encode(&json);
    let simd = base64::engine::Simd::url_safe(NO_PAD);
    let column = format!("{size} B");
    let mut all: Vec<Contender> = Vec::new();
    let saves = |engine: &chunked_cookie_session::SessionEngine| -> measure::Runner {
        let (engine, map) = (engine.clone(), map.clone());
        Box::new(move |iterations| -> Duration {
            let sessions: Vec<_> = (0..iterations)
                .map(|_| project::fresh(&engine, &map))
                .collect();
            let start = Instant::now();
            for session in &sessions {
                black_box(project::encode(&engine, session));
            }
            start.elapsed()
        })
    };
    all.push(Contender::self_timed(
        Slot::new(ENCODE, "engine encode (compression Auto)", &column),
        saves(&engine),
    ));
    all.push(Contender::self_timed(
        Slot::new(ENCODE, "engine encode (compression Off)", &column),
        saves(&plain),
    ));
    all.push(Contender::self_timed(
        Slot::new(ENCODE, "engine encode, private format", &column),
        saves(&private),
    ));
    let mut step = |table: &str, row: &str, op: Box<dyn FnMut()>| {
        all.push(Contender::timed(Slot::new(table, row, &column), op));
    };
    let v = value.clone();
    step(
        ENCODE,
        "floor encode",
        Box::new(move || {
            black_box(bench::floor::encode(&v, false));
        }),
    );
    let m = map.clone();
    step(
        ENCODE,
        "serde_json::to_vec",
        Box::new(move || {
            black_box(serde_json::to_vec(&m).expect("JSON"));
        }),
    );
    let j = json.clone();
    step(
        ENCODE,
        "HMAC-SHA256 (key setup, body, tag)",
        Box::new(move || {
            let mut m = mac();
            m.update(&j);
            black_box(m.finalize());
        }),
    );
    let (j, s) = (json.clone(), simd.clone());
    step(
        ENCODE,
        "base64url encode, SIMD engine",
        Box::new(move || {
            black_box(s.encode(&j));
        }),
    );
    let j = json.clone();
    step(
        ENCODE,
        "base64url encode, scalar engine",
        Box::new(move || {
            black_box(URL_SAFE_NO_PAD.encode(&j));
        }),
    );
    step(
        ENCODE,
        "getrandom 16 bytes (generation id)",
        Box::new(|| {
            let mut id = [0u8; 16];
            getrandom::fill(&mut id).expect("random");
            black_box(id);
        }),
    );
    let mut buffer = json.clone();
    step(
        ENCODE,
        "XChaCha20-Poly1305 (key setup, encrypt, tag)",
        Box::new(move || {
            let cipher = XChaCha20Poly1305::new(&[7; 32].into());
            let tag = cipher
                .encrypt_inout_detached(&[1; 24].into(), b"aad", buffer.as_mut_slice().into())
                .expect("encrypt");
            black_box(tag);
        }),
    );
    let t = token.clone();
    step(
        ENCODE,
        "Set-Cookie line (cookie crate Display)",
        Box::new(move || {
            let cookie = cookie::Cookie::build(("session", t.as_str()))
                .path("/")
                .http_only(true)
                .secure(true)
                .same_site(cookie::SameSite::Lax);
            black_box(cookie.to_string());
        }),
    );

    let (e, h) = (engine.clone(), header.clone());
    step(
        DECODE,
        "engine decode",
        Box::new(move || {
            black_box(project::decode(&e, &h));
        }),
    );
    let (e, h) = (engine.clone(), header.clone());
    step(
        DECODE,
        "engine load + finish, untouched",
        Box::new(move || {
            black_box(project::untouched(&e, &h));
        }),
    );
    let (e, h) = (private.clone(), private_header.clone());
    step(
        DECODE,
        "engine decode, private format",
        Box::new(move || {
            black_box(project::decode(&e, &h));
        }),
    );
    let t = token.clone();
    step(
        DECODE,
        "floor decode",
        Box::new(move || {
            let json = URL_SAFE_NO_PAD.decode(&t).expect("base64");
            let mut m = mac();
            m.update(&json);
            black_box(m.finalize());
            black_box(serde_json::from_slice::<serde_json::Value>(&json).expect("JSON"));
        }),
    );
    let h = header.clone();
    step(
        DECODE,
        "Cookie header split (cookie crate) + copy",
        Box::new(move || {
            for cookie in cookie::Cookie::split_parse(h.as_str()).flatten() {
                black_box(cookie.value_trimmed().to_owned());
            }
        }),
    );
    let (t, s) = (token.clone(), simd.clone());
    step(
        DECODE,
        "base64url decode, SIMD engine",
        Box::new(move || {
            black_box(s.decode(&t).expect("base64"));
        }),
    );
    let t = token.clone();
    step(
        DECODE,
        "base64url decode, scalar engine",
        Box::new(move || {
            black_box(URL_SAFE_NO_PAD.decode(&t).expect("base64"));
        }),
    );
    let j = json.clone();
    step(
        DECODE,
        "HMAC-SHA256 verify (key setup, body, tag)",
        Box::new(move || {
            let mut m = mac();
            m.update(&j);
            black_box(m.finalize());
        }),
    );
    let j = json.clone();
    step(
        DECODE,
        "serde_json::from_slice to a Map",
        Box::new(move || {
            black_box(
                serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&j)
                    .expect("JSON"),
            );
        }),
    );

    measure::run(
        &mut all,
        Plan {
            batch: Duration::from_millis(2),
            rounds: 31,
        },
    );
    let results = Results::collect(&all);
    for table in [ENCODE, DECODE] {
        println!("{}", results.grid(table, |_| None));
    }
}
