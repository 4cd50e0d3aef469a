//! Raw deflate for the native formats, run only where the estimate says it pays, on
//! per-thread zlib-rs streams that are reset rather than rebuilt.

use std::cell::RefCell;

use zlib_rs::{Deflate, DeflateConfig, DeflateFlush, Status, Strategy};

use super::estimate::{Estimate, estimate};
use crate::config::SessionConfig;

/// Payloads shorter than this are never compressed: there is too little to save.
const MIN_INPUT: usize = 256;
/// Its output is kept when at most this fraction of the input...
const KEEP_NUM: usize = 3;
/// ...of this denominator.
const KEEP_DEN: usize = 4;
/// Below this share of repeated 4-byte strings (in 1/1024), matches cannot pay for their
/// search and the stream runs Huffman-only.
const FEW_REPEATS: u32 = 64;
/// zlib's default window, 32 KiB.
pub(super) const WINDOW_BITS: u8 = 15;

/// Which per-thread stream compresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Level 6 with its match search: the output the native formats always wrote.
    Matches,
    /// Huffman coding of literals only: no match search, for data without repeats.
    Huffman,
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
        let strategy = match self {
            Mode::Matches => Strategy::Default,
            Mode::Huffman => Strategy::HuffmanOnly,
        };
        Deflate::new_with_config(DeflateConfig {
            level: 6,
            window_bits: -i32::from(WINDOW_BITS),
            strategy,
            ..DeflateConfig::default()
        })
    }
}

thread_local! {
    /// A level-6 stream and a Huffman-only one, built once per thread and reset per use:
    /// building one allocates and clears about 270 KB.
    static DEFLATE: RefCell<[Option<Deflate>; 2]> = const { RefCell::new([None, None]) };
}

/// Compresses `input` with raw deflate when that pays for itself (see the module docs):
/// `None` when the estimate says it will not save a third, or the output does not save a
/// quarter.
pub(crate) fn deflate_if_smaller(input: &[u8]) -> Option<Vec<u8>> {
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
    )
}

/// Compresses `input` with raw deflate whenever the output is smaller at all: for a session
/// that fits its budget only compressed.
pub(crate) fn deflate_any_saving(input: &[u8]) -> Option<Vec<u8>> {
    if input.len() < 2 {
        return None;
    }
    deflate_raw(input, input.len() - 1, Mode::of(&estimate(input)))
}

/// True when a session whose uncompressed token takes `token_len` bytes might not fit the
/// budget of `config` (its bytes or its cookie count): then any saving counts, and the
/// caller compresses with [`deflate_any_saving`]. Cautious on purpose: it assumes every
/// cookie holds only 3,500 bytes of token (names and attributes take the rest) and spends
/// 24 bytes of name and separators, so a session that might need compression gets it.
pub(crate) fn budget_is_tight(token_len: usize, config: &SessionConfig) -> bool {
    const ROOM: usize = 3500;
    const PER_COOKIE: usize = 24;
    let cookies = token_len.div_ceil(ROOM);
    cookies > config.max_chunks
        || token_len + cookies * (config.name.len() + PER_COOKIE) > config.max_size
}

/// Deflates `input` on this thread's stream for `mode` into at most `limit` bytes; `None`
/// when the output does not fit.
fn deflate_raw(input: &[u8], limit: usize, mode: Mode) -> Option<Vec<u8>> {
    let index = match mode {
        Mode::Matches => 0,
        Mode::Huffman => 1,
    };
    DEFLATE.with(|streams| match streams.try_borrow_mut() {
        Ok(mut streams) => {
            let stream = match &mut streams[index] {
                Some(stream) => {
                    stream.reset();
                    stream
                }
                slot @ None => slot.insert(mode.stream()),
            };
            deflate_once(stream, input, limit)
        }
        // Only reentrancy could hold the borrow; a fresh stream serves that call.
        Err(_) => deflate_once(&mut mode.stream(), input, limit),
    })
}

/// Runs a fresh or reset stream over `input` into at most `limit` bytes.
fn deflate_once(stream: &mut Deflate, input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = vec![0; limit];
    match stream.compress(input, &mut out, DeflateFlush::Finish) {
        Ok(Status::StreamEnd) => {
            out.truncate(usize::try_from(stream.total_out()).ok()?);
            Some(out)
        }
        // The output filled up before the stream ended: it does not fit.
        Ok(Status::Ok | Status::BufError) | Err(_) => None,
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
            assert_eq!(deflate_if_smaller(&token_session(len)), None, "{len} bytes");
        }
    }

    #[test]
    fn a_cart_is_compressed_and_round_trips() {
        for len in [300, 1024, 4096, 16 * 1024, 40 * 1024] {
            let json = cart(len);
            let packed = deflate_if_smaller(&json).unwrap_or_else(|| panic!("{len} bytes"));
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
        assert_eq!(deflate_if_smaller(b"{\"a\":1}"), None);
        assert_eq!(deflate_if_smaller(&[b'x'; MIN_INPUT - 1]), None);
        assert!(deflate_if_smaller(&[b'x'; MIN_INPUT]).is_some());
    }

    #[test]
    fn hex_text_is_huffman_coded() {
        let mut next = xorshift(7);
        let hex: Vec<u8> = (0..4096)
            .map(|_| b"0123456789abcdef"[(next() >> 60) as usize])
            .collect();
        let estimate = estimate(&hex);
        assert_eq!(Mode::of(&estimate), Mode::Huffman);
        let packed = deflate_if_smaller(&hex).unwrap();
        assert!(packed.len() < hex.len() * 55 / 100, "{}", packed.len());
        assert_eq!(inflate_capped(&packed, 1 << 20, false).unwrap(), hex);
    }

    #[test]
    fn a_repeated_token_is_compressed() {
        let token = tokens(100);
        let json: Vec<u8> = token.iter().cycle().take(8000).copied().collect();
        let packed = deflate_if_smaller(&json).unwrap();
        assert!(packed.len() < 1000, "{}", packed.len());
    }

    #[test]
    fn any_saving_compresses_random_text_of_a_small_alphabet() {
        // Random base64 carries six bits per byte: deflate saves about a quarter, which a
        // session that fits its budget only compressed needs.
        let text = tokens(30_000);
        let packed = deflate_any_saving(&text).unwrap();
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
        assert!(deflate_if_smaller(&noise).is_none());
        assert!(deflate_any_saving(&noise).is_none());
    }

    #[test]
    fn reused_streams_give_the_same_bytes() {
        let json = cart(4096);
        let first = deflate_if_smaller(&json).unwrap();
        let _ = deflate_if_smaller(&cart(1000));
        assert_eq!(deflate_if_smaller(&json).unwrap(), first);
    }
}
