//! Raw deflate for the native formats, run only where the estimate says it pays, on
//! per-thread zlib-rs streams that are reset rather than rebuilt.

use std::cell::RefCell;

use zeroize::Zeroize;
use zlib_rs::{Deflate, DeflateConfig, DeflateFlush, Status, Strategy};

use super::estimate::{Estimate, estimate, repeats_throughout};

/// Payloads shorter than this are never compressed: there is too little to save.
const MIN_INPUT: usize = 256;
/// Its output is kept when at most this fraction of the input...
const KEEP_NUM: usize = 3;
/// ...of this denominator.
const KEEP_DEN: usize = 4;
/// Below this share of repeated 4-byte strings (in 1/1024), matches cannot pay for their
/// search and the stream runs Huffman-only.
const FEW_REPEATS: u32 = 64;
/// Below this share of positions of the whole input that start a repeated 4-byte string
/// (in 1/1024), level 6's matches could cover no more than about 2 % of it: Huffman coding
/// alone comes within that of level 6, for a session past one cookie.
const RARE_REPEATS: u32 = 16;
/// zlib's default window, 32 KiB.
pub(super) const WINDOW_BITS: u8 = 15;

/// Which per-thread stream compresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// zlib-rs's level 6 with its match search (zlib-ng's medium strategy, fast): the
    /// output the native formats always wrote.
    Matches,
    /// Huffman coding of literals only: no match search, for data without repeats.
    Huffman,
    /// zlib's lazy match search, which C zlib runs at level 6 and zlib-rs from level 7
    /// (zlib-rs's level 6 is zlib-ng's faster medium strategy, which sends up to 9 % more
    /// than C zlib's level 6 on sessions of many short repeats, such as a profile's
    /// permissions): past one cookie, where those bytes can cost a cookie.
    Lazy,
    /// The same search at level 9, its longest, for a session whose output at level 7
    /// lies at a cookie's edge: each of the two comes within a fraction of a percent of C
    /// zlib's level 6 where the other can be one percent over.
    Longest,
}

impl Mode {
    /// The stream for this data: level 6 when there are repeats to find, else Huffman-only.
    fn of(estimate: &Estimate) -> Mode {
        if estimate.repeats < FEW_REPEATS {
            Mode::Huffman
        } else {
            Mode::Matches
        }
    }

    fn stream(self) -> Deflate {
        let (level, strategy) = match self {
            Mode::Matches => (6, Strategy::Default),
            Mode::Huffman => (6, Strategy::HuffmanOnly),
            Mode::Lazy => (7, Strategy::Default),
            Mode::Longest => (9, Strategy::Default),
        };
        Deflate::new_with_config(DeflateConfig {
            level,
            window_bits: -i32::from(WINDOW_BITS),
            strategy,
            ..DeflateConfig::default()
        })
    }

    /// Its slot among the per-thread streams.
    fn index(self) -> usize {
        match self {
            Mode::Matches => 0,
            Mode::Huffman => 1,
            Mode::Lazy => 2,
            Mode::Longest => 3,
        }
    }
}

thread_local! {
    /// The streams of each mode, built once per thread when first used and reset per use:
    /// building one allocates and clears about 270 KB.
    static DEFLATE: RefCell<[Option<Deflate>; 4]> =
        const { RefCell::new([None, None, None, None]) };
}

/// Compresses `input` with raw deflate when that pays for itself (see the module docs):
/// `None` when the estimate says it will not save a third, or the output does not save a
/// quarter. With `wipe` set (a private session), an output not kept is zeroed before it is
/// freed; the caller wipes the one it gets.
pub(crate) fn deflate_if_smaller(input: &[u8], wipe: bool) -> Option<Vec<u8>> {
    if input.len() < MIN_INPUT {
        return None;
    }
    let estimate = estimate(input);
    if !estimate.pays() {
        return None;
    }
    deflate_raw(
        input,
        input.len() * KEEP_NUM / KEEP_DEN,
        Mode::of(&estimate),
        wipe,
    )
}

/// A deflated session past one cookie, and whether a longer search might shorten it.
pub(crate) struct Packed {
    pub(crate) bytes: Vec<u8>,
    /// Matches were searched for (zlib's lazy search at level 7), so level 9 may find a
    /// few more; Huffman coding alone leaves nothing for a search to find.
    pub(crate) searched: bool,
}

/// Compresses `input` with raw deflate whatever the estimate says, for a session that
/// takes more than one cookie uncompressed (or does not fit at all): there the writer is
/// held to zlib's level 6 (docs/FORMAT.md section 5), so deflate runs zlib's lazy match
/// search, or Huffman coding alone where the whole input holds (almost) no repeated
/// strings for matches to find. `None` when the output is not smaller at all.
pub(crate) fn deflate_past_one_cookie(input: &[u8], wipe: bool) -> Option<Packed> {
    if input.len() < 2 {
        return None;
    }
    // Repeats the sample sees are there; where it sees none, the whole input is probed (the
    // sample of a sign-in can fall on a JWT's random signature and miss its body).
    let repeats =
        estimate(input).repeats >= FEW_REPEATS || repeats_throughout(input) >= RARE_REPEATS;
    let mode = if repeats { Mode::Lazy } else { Mode::Huffman };
    let bytes = deflate_raw(input, input.len() - 1, mode, wipe)?;
    Some(Packed {
        bytes,
        searched: mode == Mode::Lazy,
    })
}

/// Compresses `input` with zlib's lazy match search at level 9, its longest, kept when
/// shorter than `limit` bytes: for a session whose output from [`deflate_past_one_cookie`]
/// lies at a cookie's edge.
pub(crate) fn deflate_longest(input: &[u8], limit: usize, wipe: bool) -> Option<Vec<u8>> {
    deflate_raw(input, limit.checked_sub(1)?, Mode::Longest, wipe)
}

/// Deflates `input` on this thread's stream for `mode` into at most `limit` bytes; `None`
/// when the output does not fit.
fn deflate_raw(input: &[u8], limit: usize, mode: Mode, wipe: bool) -> Option<Vec<u8>> {
    DEFLATE.with(|streams| match streams.try_borrow_mut() {
        Ok(mut streams) => {
            let stream = match &mut streams[mode.index()] {
                Some(stream) => {
                    stream.reset();
                    stream
                }
                slot @ None => slot.insert(mode.stream()),
            };
            deflate_once(stream, input, limit, wipe)
        }
        // Only reentrancy could hold the borrow; a fresh stream serves that call.
        Err(_) => deflate_once(&mut mode.stream(), input, limit, wipe),
    })
}

/// Runs a fresh or reset stream over `input`; its output when at most `limit` bytes. An
/// output not kept is zeroed before it is freed when `wipe` is set: a stored block holds
/// the input as it is.
///
/// The stream always gets room for any output and always runs to its end: zlib-rs 0.6
/// (reset, not rebuilt, between uses) was seen to panic on a later stream after streams
/// stopped by a full output buffer, so no stream here is ever stopped that way.
fn deflate_once(stream: &mut Deflate, input: &[u8], limit: usize, wipe: bool) -> Option<Vec<u8>> {
    // Stored blocks take 5 bytes per 64 KiB; the stream's own framing a few more.
    let room = input.len() + input.len() / 1000 + 64;
    let mut out = vec![0; room];
    let written = match stream.compress(input, &mut out, DeflateFlush::Finish) {
        Ok(Status::StreamEnd) => usize::try_from(stream.total_out()).ok(),
        Ok(Status::Ok | Status::BufError) | Err(_) => None,
    };
    match written.filter(|&written| written <= limit) {
        Some(written) => {
            out.truncate(written);
            Some(out)
        }
        None => {
            if wipe {
                out.zeroize();
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::inflate::inflate_capped;
    use super::super::samples::{cart, token_session, tokens, xorshift};
    use super::*;

    #[test]
    fn random_text_is_not_worth_compressing() {
        for len in [300, 1024, 4096, 16 * 1024, 40 * 1024] {
            assert_eq!(
                deflate_if_smaller(&token_session(len), false),
                None,
                "{len} bytes"
            );
        }
    }

    #[test]
    fn a_cart_is_compressed_and_round_trips() {
        for len in [300, 1024, 4096, 16 * 1024, 40 * 1024] {
            let json = cart(len);
            let packed = deflate_if_smaller(&json, false).unwrap_or_else(|| panic!("{len} bytes"));
            let most = if len < 1024 {
                json.len() / 2
            } else {
                json.len() / 3
            };
            assert!(packed.len() < most, "{len}: {}", packed.len());
            assert_eq!(inflate_capped(&packed, 1 << 20, false).unwrap(), json);
        }
    }

    #[test]
    fn tiny_sessions_are_not_compressed() {
        assert_eq!(deflate_if_smaller(b"{\"a\":1}", false), None);
        assert_eq!(deflate_if_smaller(&[b'x'; MIN_INPUT - 1], false), None);
        assert!(deflate_if_smaller(&[b'x'; MIN_INPUT], false).is_some());
    }

    #[test]
    fn hex_text_is_huffman_coded() {
        let mut next = xorshift(7);
        let hex: Vec<u8> = (0..4096)
            .map(|_| b"0123456789abcdef"[(next() >> 60) as usize])
            .collect();
        let estimate = estimate(&hex);
        assert_eq!(Mode::of(&estimate), Mode::Huffman);
        let packed = deflate_if_smaller(&hex, false).unwrap();
        assert!(packed.len() < hex.len() * 55 / 100, "{}", packed.len());
        assert_eq!(inflate_capped(&packed, 1 << 20, false).unwrap(), hex);
    }

    #[test]
    fn a_repeated_token_is_compressed() {
        let token = tokens(100);
        let json: Vec<u8> = token.iter().cycle().take(8000).copied().collect();
        let packed = deflate_if_smaller(&json, false).unwrap();
        assert!(packed.len() < 1000, "{}", packed.len());
    }

    #[test]
    fn past_one_cookie_random_text_of_a_small_alphabet_is_compressed() {
        // Random base64 carries six bits per byte: deflate saves about a quarter, which a
        // session past one cookie must not go without.
        let text = tokens(30_000);
        let packed = deflate_past_one_cookie(&text, false).unwrap().bytes;
        assert!(
            packed.len() < text.len() * 8 / 10,
            "{} of {}",
            packed.len(),
            text.len()
        );
        assert_eq!(inflate_capped(&packed, 1 << 20, false).unwrap(), text);
    }

    #[test]
    fn gives_up_on_random_bytes() {
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        let noise: Vec<u8> = (0..20_000).map(|_| (next() >> 24) as u8).collect();
        assert!(deflate_if_smaller(&noise, false).is_none());
        assert!(deflate_past_one_cookie(&noise, false).is_none());
    }

    /// Outputs just over or under their limit, one after another on this thread's reused
    /// streams: zlib-rs 0.6 panicked ("buf.len() must fit in remaining()") after streams
    /// stopped by a full buffer. Every stream now runs to its end, and gives the bytes a
    /// fresh stream gives.
    #[test]
    fn limits_near_the_output_never_break_a_stream() {
        for len in (1000..9000).step_by(700) {
            let json = cart(len);
            for mode in [Mode::Matches, Mode::Huffman, Mode::Lazy, Mode::Longest] {
                let mut fresh = mode.stream();
                let full = deflate_once(&mut fresh, &json, usize::MAX, false).unwrap();
                for limit in (full.len() - 40..full.len() + 2).chain([1, 10, full.len() / 2]) {
                    let got = deflate_raw(&json, limit, mode, false);
                    assert_eq!(
                        got.as_ref(),
                        (limit >= full.len()).then_some(&full),
                        "{mode:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn reused_streams_give_the_same_bytes() {
        let json = cart(4096);
        let first = deflate_if_smaller(&json, false).unwrap();
        let _ = deflate_if_smaller(&cart(1000), false);
        assert_eq!(deflate_if_smaller(&json, false).unwrap(), first);
    }
}
