//! A private session's plaintext is wiped before the heap gets it back (issue 17, item 8):
//! no block freed while a private session is saved or loaded still holds its JSON, whether
//! the JSON outgrew its first buffer (which a buffer that grows leaves behind), was
//! compressed, or was inflated on the way back, and whether the entries are the Rust API's
//! map or the Python values a binding hands over.
//!
//! The check runs under a global allocator of its own, so it is a test binary of its own,
//! with one `#[test]`: `checkers` records every block freed on this thread while the save
//! or the load runs, over an allocator that never reuses memory (`bump_alloc2`), so each
//! freed block still holds what it held when it was freed; the block is then read through
//! `/proc/self/mem` and searched for a pattern every string of the session is made of. A
//! signed session, whose plaintext is not secret and not wiped, shows the search finds
//! what it looks for.
#![cfg(all(feature = "private", target_os = "linux"))]

use std::fs::File;
use std::os::unix::fs::FileExt;

use bump_alloc2::BumpAlloc;
use checkers::Event;
use chunked_cookie_session::{Compression, Key, KeyRing, Map, SessionConfig, SessionEngine, Value};

#[global_allocator]
static ALLOCATOR: checkers::Allocator<BumpAlloc> = checkers::Allocator::new(BumpAlloc::new());

/// What every string of the session is made of.
const NEEDLE: &[u8] = b"plaintext-7f3a91c";
const NOW: u64 = 1_700_000_000;

/// Entries of about `bytes` bytes of JSON, every string made of the pattern; with
/// `escaped`, strings that JSON writes with escapes too (`\"`, `\n`).
fn entries(bytes: usize, escaped: bool) -> Map<String, Value> {
    let needle = std::str::from_utf8(NEEDLE).expect("ASCII");
    let text = [needle; 8].join(if escaped { "\"\n" } else { "-" });
    let mut map = Map::new();
    let mut len = 2;
    while len < bytes {
        let key = format!("{needle}{}", map.len());
        let value = Value::from(vec![Value::from(text.clone()), Value::from(map.len())]);
        len += key.len() + 4 + value.to_string().len();
        map.insert(key, value);
    }
    map
}

/// The blocks freed while `f` ran, as (address, size).
fn freed_while(f: impl FnOnce()) -> Vec<(u64, usize)> {
    let snapshot = checkers::with(f);
    let address = |pointer: checkers::Pointer| {
        let text = pointer.to_string();
        u64::from_str_radix(text.trim_start_matches("0x"), 16).expect("an address")
    };
    snapshot
        .events
        .as_slice()
        .iter()
        .filter_map(|event| match event {
            Event::Free(request) => Some((address(request.region.ptr), request.region.size)),
            Event::Realloc(realloc) if realloc.free.ptr != realloc.alloc.ptr => {
                Some((address(realloc.free.ptr), realloc.free.size))
            }
            _ => None,
        })
        .collect()
}

/// How many of `blocks` still hold the pattern.
fn holding_plaintext(memory: &File, blocks: &[(u64, usize)]) -> usize {
    blocks
        .iter()
        .filter(|&&(address, size)| {
            let mut bytes = vec![0; size];
            memory.read_exact_at(&mut bytes, address).is_ok()
                && bytes.windows(NEEDLE.len()).any(|window| window == NEEDLE)
        })
        .count()
}

fn config(compression: Compression) -> SessionConfig {
    SessionConfig::builder()
        .max_size(40 * 1024)
        .compression(compression)
        .build()
        .expect("valid")
}

/// The freed blocks that still hold plaintext after a save and after a load of a session
/// of `bytes` bytes of JSON, held as the Rust API's map (`python` false) or as Python
/// values.
fn leaks(engine: &SessionEngine, memory: &File, bytes: usize, python: bool) -> (usize, usize) {
    let session = engine.load_at(std::iter::empty(), NOW);
    // serde_json, which parses the map, unescapes in a scratch buffer of its own: escapes
    // only where the Python values' reader parses (docs/SECURITY.md).
    let map = entries(bytes, python);
    if python {
        python_entries(&session, &map);
    } else {
        for (key, value) in &map {
            session.insert_value(key, value.clone());
        }
    }
    let mut outcome = None;
    let saved = freed_while(|| outcome = Some(engine.save_at(&session, NOW).expect("fits")));
    let header = outcome.expect("saved").cookie_header();
    let mut back = None;
    let loaded = freed_while(|| {
        // Decoded in the form asked for, nothing more: the entries are not copied.
        back = Some(if python {
            load_python(engine, &header)
        } else {
            let read = engine.load_at([header.as_str()], NOW);
            assert!(!read.is_empty());
            read
        });
    });
    assert_eq!(back.expect("loaded").entries(), map);
    (
        holding_plaintext(memory, &saved),
        holding_plaintext(memory, &loaded),
    )
}

#[cfg(feature = "flask")]
fn python_entries(session: &chunked_cookie_session::Session, map: &Map<String, Value>) {
    use chunked_cookie_session::flask::PyValue;
    let python = map
        .iter()
        .map(|(key, value)| {
            (
                key.clone(),
                PyValue::from_tagged(value).expect("plain JSON"),
            )
        })
        .collect();
    session.set_python_entries(python);
}

#[cfg(feature = "flask")]
fn load_python(engine: &SessionEngine, header: &str) -> chunked_cookie_session::Session {
    let session = engine.load_python_at([header], NOW);
    session.with_python_entries(|_| ()).expect("Python values");
    session
}

#[cfg(not(feature = "flask"))]
fn python_entries(_: &chunked_cookie_session::Session, _: &Map<String, Value>) {
    unreachable!("Python values need feature flask")
}

#[cfg(not(feature = "flask"))]
fn load_python(_: &SessionEngine, _: &str) -> chunked_cookie_session::Session {
    unreachable!("Python values need feature flask")
}

#[test]
fn private_plaintext_is_wiped_before_it_is_freed() {
    let memory = File::open("/proc/self/mem").expect("this process's memory is readable");
    let key = || KeyRing::new(Key::from_secret(&[7; 32]).expect("a key"));
    let forms: &[bool] = if cfg!(feature = "flask") {
        &[false, true]
    } else {
        &[false]
    };

    // The search finds plaintext where it is left: a signed session's JSON outgrows its
    // first buffer, and the buffer it leaves is freed as it stands.
    let signed = SessionEngine::signed(config(Compression::Auto), key());
    let (saved, _) = leaks(&signed, &memory, 9000, false);
    assert!(saved > 0, "the search found no plaintext in a signed save");

    let mut found = Vec::new();
    for compression in [Compression::Off, Compression::On] {
        let private = SessionEngine::private(config(compression), key());
        for &python in forms {
            for bytes in [100, 600, 2_000, 9_000, 30_000] {
                let (saved, loaded) = leaks(&private, &memory, bytes, python);
                if (saved, loaded) != (0, 0) {
                    found.push(format!(
                        "{compression:?}, {bytes} bytes, Python values {python}: \
                         {saved} after the save, {loaded} after the load"
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "freed blocks holding plaintext:\n{}",
        found.join("\n")
    );
}
