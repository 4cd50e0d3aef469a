//! `load_signed`, `load_private`, `load_flask`: hostile `Cookie` fields loaded under the
//! small and the large budget, the decode forced, then a save.
//!
//! Properties, for every input and both budgets:
//!
//! - nothing panics, in the load nor in the engine's
//!   [`Inspector`](chunked_cookie_session::Inspector) (what the CLI's `inspect` shows of
//!   the same cookies, unverified);
//! - a rejected session is empty;
//! - the peak heap of a load stays within [`heap_bound`], which follows from the budget;
//! - the save is bounded (see [`check_outcome`]): at most the maximum chunk count plus one
//!   `Set-Cookie`, every line within 4093 bytes;
//! - a rejected session, untouched, saves without error (only its cleanup is written);
//! - what a reader accepted, the writer accepts as well-formed: writing it back may only
//!   fail on size ([`SaveError::Overflow`], [`SaveError::TooLarge`]: Flask's canonical form
//!   can be longer than the text it was read from), never as too deep or an invalid Flask
//!   entry.
//!
//! The fuzzer's bytes reach the code after the MAC or the AEAD tag through [`forge`]: a
//! payload of its choosing sealed with the engines' own keys, in the engine's own format.

use std::sync::atomic::{AtomicUsize, Ordering};

use arbitrary::{Arbitrary, Unstructured};
use chunked_cookie_session::{SaveError, Session, SessionEngine};

use crate::engines::{Budget, Format, Limits, NOW, chunk_limit, engine};
use crate::generate::fields::{self, Utf8};
use crate::generate::json;
use crate::response::check_outcome;
use crate::{forge, heap};

/// The most heap one load may hold at once under a budget's limits, from what the reader
/// keeps and builds:
///
/// - the request's session cookies: at most three candidate sets of `max_size + 4096`
///   characters of values (the reader's cap, `Rules::byte_cap` times `TWIN_SETS` in the
///   library's state module), each value indexed by a 24-byte entry, and a value may be a
///   single character; the index and the text each in a buffer that may have doubled, then
///   one joined token and its decoded bytes: [`PER_KEPT_BYTE`] = 2 × 24 + 2 + 2 = 52 per
///   character kept;
/// - the JSON: at most `max_decoded_size` bytes inflated (an uncompressed payload is
///   smaller still: three quarters of its characters), parsed into values; the densest JSON
///   spends two bytes per value (`[0,0,…]`) and a `serde_json::Value` takes 32 bytes, so
///   16 heap bytes per byte of JSON, twice over for a buffer that doubled or for Flask's
///   Python values beside the tagged map they become: [`PER_JSON_BYTE`] = 2 × 16 = 32;
/// - [`FIXED`], what does not grow with the input: zlib's inflate state and window, the
///   key schedules, the first nodes of the maps.
///
/// tests/heap_bound.rs loads the densest sessions the writers accept, in every format and
/// budget, against this bound.
pub fn heap_bound(limits: Limits) -> usize {
    let kept = 3 * (limits.max_size + 4096);
    let json = limits.max_decoded_size.max(kept);
    PER_JSON_BYTE * json + PER_KEPT_BYTE * kept + FIXED
}

/// Heap bytes per byte of decoded JSON; see [`heap_bound`].
pub const PER_JSON_BYTE: usize = 2 * 16;
/// Heap bytes per character of cookie value kept; see [`heap_bound`].
pub const PER_KEPT_BYTE: usize = 2 * 24 + 2 + 2;
/// Heap bytes a load may take whatever its size; see [`heap_bound`].
pub const FIXED: usize = 64 * 1024;

/// The largest peak seen so far in this process, in per mille of its bound: printed when it
/// grows, so a fuzzing run reports how close the loads came.
static WORST: AtomicUsize = AtomicUsize::new(0);

/// What the fuzzer sends: raw fields, or a payload sealed behind a valid MAC or AEAD tag.
#[derive(Debug, Arbitrary)]
enum Input {
    Raw(Utf8),
    Forged(Forged),
}

/// What a forged session's header and payload say.
#[derive(Debug, Arbitrary)]
struct Forged {
    compress: bool,
    chunk_count: u8,
    issued_ago: u16,
    lifetime: u32,
    persistent: bool,
    /// A generated session (true) or the fuzzer's bytes as the payload (false).
    generated: bool,
}

/// `load_signed`.
pub fn signed(data: &[u8]) {
    run(Format::Signed, data);
}

/// `load_private`.
pub fn private(data: &[u8]) {
    run(Format::Private, data);
}

/// `load_flask`: stock or chunked layout, as the input chooses.
pub fn flask(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let format = if first & 1 == 0 {
        Format::FlaskStock
    } else {
        Format::FlaskChunked
    };
    run(format, rest);
}

fn run(format: Format, data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(insert), Ok(input)) = (bool::arbitrary(&mut u), Input::arbitrary(&mut u)) else {
        return;
    };
    // Both budgets share the cookie name, so the same fields serve both.
    let Some(fields) = fields_for(format, input, u) else {
        return;
    };
    for budget in Budget::ALL {
        load_and_save(engine(format, budget), budget.limits(), &fields, insert);
    }
}

/// Loads `fields` at [`NOW`] and decodes them, asserting that the load's peak heap stays
/// within [`heap_bound`] of `limits`; returns the session and the peak in per mille of the
/// bound.
pub fn measured_load(
    engine: &SessionEngine,
    limits: Limits,
    fields: &[String],
) -> (Session, usize) {
    let (session, peak) = heap::peak(|| {
        let session = engine.load_at(fields.iter().map(String::as_str), NOW);
        let _ = session.load_reason();
        session
    });
    let bound = heap_bound(limits);
    assert!(
        peak <= bound,
        "a load of {} bytes peaked at {peak} heap bytes, over {bound}",
        fields.iter().map(String::len).sum::<usize>()
    );
    let per_mille = peak * 1000 / bound;
    if WORST.fetch_max(per_mille, Ordering::Relaxed) < per_mille {
        eprintln!("heap: new worst load peak {peak} bytes = {per_mille}‰ of the bound {bound}");
    }
    (session, per_mille)
}

fn load_and_save(engine: &SessionEngine, limits: Limits, fields: &[String], insert: bool) {
    // What the CLI's `inspect` shows of the same cookies, unverified: it reads them too.
    let inspection = engine
        .inspector()
        .inspect(fields.iter().map(String::as_str));
    assert!(inspection.chunks.len() <= chunk_limit(engine));
    let (session, _) = measured_load(engine, limits, fields);

    let reason = session.load_reason();
    if reason.is_rejection() {
        assert!(
            session.is_empty(),
            "a session rejected as {reason} still holds entries"
        );
    }
    if insert {
        let _ = session.insert("fuzz", "x");
    }
    match engine.save_at(&session, NOW) {
        Ok(outcome) => check_outcome(engine, &outcome),
        // A rejected session is empty, or holds the one small entry inserted: nothing may
        // stop its save. A valid one may only be too big once written back.
        Err(err) => assert!(
            !reason.is_rejection()
                && matches!(err, SaveError::Overflow { .. } | SaveError::TooLarge { .. }),
            "a session loaded as {reason} could not be saved: {err}"
        ),
    }
}

/// The `Cookie` fields of an input: the fuzzer's bytes, or a forged session.
fn fields_for(format: Format, input: Input, mut u: Unstructured<'_>) -> Option<Vec<String>> {
    let name = engine(format, Budget::Small).config().name().to_owned();
    let Forged {
        compress,
        chunk_count,
        issued_ago,
        lifetime,
        persistent,
        generated,
    } = match input {
        Input::Raw(mode) => return fields::fields(u, mode),
        Input::Forged(forged) => forged,
    };
    let json = if generated {
        let map = json::session_map(&mut u).ok()?;
        serde_json::to_vec(&map).ok()?
    } else {
        u.take_rest().to_vec()
    };
    let issued_at = NOW - u64::from(issued_ago);
    let cookies = match format {
        Format::FlaskStock => vec![(name, forge::flask(&json, compress, issued_at))],
        Format::FlaskChunked => {
            // The recipe's layout: the value cut into `chunk_count % 10 + 1` pieces.
            let value = forge::flask(&json, compress, issued_at);
            let pieces = usize::from(chunk_count % 10) + 1;
            let size = value.len().div_ceil(pieces).max(1);
            value
                .as_bytes()
                .chunks(size)
                .enumerate()
                .map(|(i, piece)| (format!("{name}:{i}"), String::from_utf8_lossy(piece).into()))
                .collect()
        }
        Format::Signed | Format::Private => {
            let forger = forge::Forger::new(&forge::SECRETS[0], &name, format == Format::Private);
            let body = if compress {
                forge::raw_deflate(&json)
            } else {
                json
            };
            let flags = (u8::from(compress) * forge::FLAG_COMPRESSED)
                | (u8::from(persistent) * forge::FLAG_PERSISTENT);
            let mut header = forger.header(flags, chunk_count % 20, issued_at);
            header.expires_at = issued_at + u64::from(lifetime);
            let token = forger.token(&header.bytes(), &body);
            forge::chunks(&token, &name, usize::from(header.chunk_count.max(1)))
        }
    };
    let line: Vec<String> = cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
    Some(vec![line.join("; ")])
}
