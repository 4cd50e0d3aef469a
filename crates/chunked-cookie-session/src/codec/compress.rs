//! Raw deflate for the native formats, run only where it pays, and a capped inflate.
//!
//! Deflate can cost ten times everything else on the write path (and inflate is paid again
//! on every read), so a cheap look at the data decides first whether it can pay:
//!
//! - an order-0 entropy estimate from a byte histogram says what Huffman coding alone
//!   gains (random base64url text: 6 bits of 8, a quarter; hex: half; JSON prose: more);
//! - a repeat probe (a small hash table of 4-byte strings) says how much of the data
//!   repeats earlier data, which deflate's matches turn into a few bits.
//!
//! Both look at no more than [`SAMPLE`] bytes (the whole input when it is that short, else
//! blocks spread evenly over it), so the decision costs about the same at 1 KiB and 40 KiB.
//! Deflate runs only when the estimate says the output will be at most
//! [`PAYS_NUM`]/[`PAYS_DEN`] of the input, and its output is kept only when it is at most
//! [`KEEP_NUM`]/[`KEEP_DEN`] of it. Without repeats the stream runs Huffman-only (no match
//! search); with them, level 6, as before.
//!
//! A session that would not fit its budget uncompressed is another matter: then any saving
//! is worth having, and [`deflate_any_saving`] compresses whatever the estimate says.
//!
//! The native formats use zlib-rs through its own safe API, whatever the crate's features,
//! so enabling `flask` (which switches flate2 to C zlib for Python's byte-exact output)
//! changes nothing here. Streams are kept per thread and `reset`, not rebuilt.

use std::cell::RefCell;

use zlib_rs::{Deflate, DeflateConfig, DeflateFlush, Inflate, InflateFlush, Status, Strategy};

use crate::config::SessionConfig;
use crate::reason::LoadReason;

/// Payloads shorter than this are never compressed: there is too little to save.
const MIN_INPUT: usize = 256;
/// The most bytes the decision looks at.
const SAMPLE: usize = 256;
/// The bytes probed for repeats when Huffman coding alone would not pay.
const PROBE: usize = 128;
/// Above this many bits per byte of collision entropy, Huffman coding cannot pay (a saving
/// of a third needs at most 5.33), so the exact entropy is not computed and the estimate
/// says this much. Random tokens (64 letters) measure about 5.7 on a 256-byte sample.
const H2_CUTOFF: f32 = 5.5;
/// Bytes per block when a longer input is sampled in blocks.
const BLOCK: usize = 64;
/// Deflate runs when the estimate is at most this fraction of the input...
const PAYS_NUM: usize = 2;
/// ...of this denominator: a saving of a third at least.
const PAYS_DEN: usize = 3;
/// Its output is kept when at most this fraction of the input...
const KEEP_NUM: usize = 3;
/// ...of this denominator.
const KEEP_DEN: usize = 4;
/// Below this share of repeated 4-byte strings (in 1/1024), matches cannot pay for their
/// search and the stream runs Huffman-only.
const FEW_REPEATS: u32 = 64;
/// zlib's default window, 32 KiB.
const WINDOW_BITS: u8 = 15;

/// What the decision saw in the sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Estimate {
    /// Bits per byte Huffman coding alone would need (order-0 entropy of the sample).
    pub(crate) bits_per_byte: f32,
    /// Share of the sample's positions (in 1/1024) whose next 4 bytes occurred before.
    pub(crate) repeats: u32,
}

impl Estimate {
    /// The expected deflate output, as a share of the input (1.0: no gain). A repeated
    /// position costs about an eighth of a literal (a match of a few bytes takes two or
    /// three bytes of codes); the rest is coded at the entropy.
    pub(crate) fn ratio(&self) -> f32 {
        let repeated = self.repeats as f32 / 1024.0;
        (1.0 - repeated * 7.0 / 8.0) * self.bits_per_byte / 8.0
    }

    /// True when deflate is expected to save enough to be worth its cost, now and on every
    /// read that inflates.
    pub(crate) fn pays(&self) -> bool {
        self.ratio() * PAYS_DEN as f32 <= PAYS_NUM as f32
    }

    /// The stream for this data: level 6 when there are repeats to find, else Huffman-only.
    fn mode(&self) -> Mode {
        if self.repeats < FEW_REPEATS {
            Mode::Huffman
        } else {
            Mode::Matches
        }
    }
}

/// Looks at up to [`SAMPLE`] bytes of `input`: the whole of a short input, else blocks of
/// [`BLOCK`] bytes spread evenly from its start to its end. Data that Huffman coding alone
/// shrinks enough is probed for repeats over the whole sample (to pick the stream); other
/// data only over its first [`PROBE`] bytes, enough to notice a token that repeats, so
/// the common "no" (random tokens) costs little more than the histogram.
pub(crate) fn estimate(input: &[u8]) -> Estimate {
    let mut buffer = [0u8; SAMPLE];
    let sample: &[u8] = if input.len() <= SAMPLE {
        input
    } else {
        let blocks = SAMPLE / BLOCK;
        let stride = (input.len() - BLOCK) / (blocks - 1);
        for (index, block) in buffer.chunks_exact_mut(BLOCK).enumerate() {
            let start = index * stride;
            block.copy_from_slice(&input[start..start + BLOCK]);
        }
        &buffer
    };
    let mut estimate = Estimate {
        bits_per_byte: entropy(sample),
        repeats: 0,
    };
    let probed = if estimate.pays() {
        sample
    } else {
        &sample[..sample.len().min(PROBE)]
    };
    estimate.repeats = repeats(probed);
    estimate
}

/// The order-0 entropy of `sample` in bits per byte.
fn entropy(sample: &[u8]) -> f32 {
    // Two histograms filled in turn, so runs of one byte do not wait on their own counts.
    let mut counts = [[0u16; 256]; 2];
    let mut pairs = sample.chunks_exact(2);
    for pair in &mut pairs {
        counts[0][usize::from(pair[0])] += 1;
        counts[1][usize::from(pair[1])] += 1;
    }
    for &byte in pairs.remainder() {
        counts[0][usize::from(byte)] += 1;
    }
    let n = sample.len();
    if n == 0 {
        return 0.0;
    }
    // Collision entropy H2 = -log2(sum(c^2) / n^2) is at most the Shannon entropy H, and a
    // sum of squares costs far less than the table look-ups below: when H2 is already above
    // what could pay, so is H, and the exact figure is not needed.
    let squares: u64 = counts[0]
        .iter()
        .zip(&counts[1])
        .map(|(a, b)| {
            let c = u64::from(a + b);
            c * c
        })
        .sum();
    let n = n as u64;
    // H2 > 5.5 when sum(c^2) / n^2 < 2^-5.5, in integers (2^5.5 * 4 = 181.02).
    if squares * 181 < n * n * 4 {
        return H2_CUTOFF;
    }
    // H = log2(n) - sum(c log2 c) / n, from a table of c log2 c in fixed point.
    let sum: u64 = counts[0]
        .iter()
        .zip(&counts[1])
        .map(|(a, b)| C_LOG2_C[usize::from(a + b)])
        .sum();
    let n_log2_n = C_LOG2_C[usize::try_from(n).unwrap_or(SAMPLE)] as f32;
    ((n_log2_n - sum as f32) / (n as f32 * FIXED_ONE as f32)).max(0.0)
}

/// The share of positions of `sample` (in 1/1024) whose next 4 bytes equal the last
/// earlier 4 bytes with the same hash: a lower bound on what deflate's match search finds,
/// and cheap (no positions kept, the words themselves are compared).
fn repeats(sample: &[u8]) -> u32 {
    const HASH_BITS: u32 = 9;
    if sample.len() < 8 {
        return 0;
    }
    // The last word seen with each hash. JSON never holds four NUL bytes, so 0 is "none".
    let mut seen = [0u32; 1 << HASH_BITS];
    let mut found = 0u32;
    let mut probe = |word: u32| {
        let hash = (word.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize;
        found += u32::from(seen[hash] == word);
        seen[hash] = word;
    };
    // Eight bytes loaded at a time give the four 4-byte words starting in their first half.
    let mut start = 0;
    while let Some(bytes) = sample.get(start..start + 8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(bytes);
        let eight = u64::from_le_bytes(eight);
        for shift in [0, 8, 16, 24] {
            probe((eight >> shift) as u32);
        }
        start += 4;
    }
    for window in sample[start..].windows(4) {
        probe(u32::from_le_bytes([
            window[0], window[1], window[2], window[3],
        ]));
    }
    let positions = u32::try_from(sample.len() - 3).unwrap_or(u32::MAX);
    found * 1024 / positions
}

/// Fixed-point scale of [`C_LOG2_C`]: 1.0 is `1 << 16`.
const FIXED_ONE: u64 = 1 << 16;

/// `c * log2(c)` for every count a sample can hold, in 16.16 fixed point.
static C_LOG2_C: [u64; SAMPLE + 1] = {
    let mut table = [0u64; SAMPLE + 1];
    let mut c = 1;
    while c <= SAMPLE {
        table[c] = c as u64 * log2_fixed(c as u64);
        c += 1;
    }
    table
};

/// `log2(x)` in 16.16 fixed point for `x >= 1`, by repeated squaring of the mantissa.
const fn log2_fixed(x: u64) -> u64 {
    let int = 63 - x.leading_zeros() as u64;
    // The mantissa in [1, 2) as 2.62 fixed point... kept as 1.31 in a u128 to square safely.
    let mut mantissa = ((x as u128) << 31) >> int;
    let mut fraction = 0u64;
    let mut bit = FIXED_ONE >> 1;
    while bit > 0 {
        mantissa = (mantissa * mantissa) >> 31;
        if mantissa >= 2 << 31 {
            mantissa >>= 1;
            fraction |= bit;
        }
        bit >>= 1;
    }
    int * FIXED_ONE + fraction
}

/// Which per-thread stream compresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Level 6 with its match search: the output the native formats always wrote.
    Matches,
    /// Huffman coding of literals only: no match search, for data without repeats.
    Huffman,
}

impl Mode {
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
    static INFLATE: RefCell<Option<Inflate>> = const { RefCell::new(None) };
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
    deflate_raw(input, input.len() * KEEP_NUM / KEEP_DEN, estimate.mode())
}

/// Compresses `input` with raw deflate whenever the output is smaller at all: for a session
/// that fits its budget only compressed.
pub(crate) fn deflate_any_saving(input: &[u8]) -> Option<Vec<u8>> {
    if input.len() < 2 {
        return None;
    }
    deflate_raw(input, input.len() - 1, estimate(input).mode())
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

/// Why inflating failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum InflateError {
    /// The output would exceed the cap (a deflate bomb, or a cap set too low).
    TooLarge,
    /// The input is not a complete raw deflate stream.
    Malformed,
}

impl From<InflateError> for LoadReason {
    fn from(err: InflateError) -> LoadReason {
        match err {
            InflateError::TooLarge => LoadReason::TooLarge,
            InflateError::Malformed => LoadReason::Malformed,
        }
    }
}

/// Inflates a raw deflate stream that must end exactly where `input` ends, refusing to
/// produce more than `cap` bytes.
pub(crate) fn inflate_capped(input: &[u8], cap: usize) -> Result<Vec<u8>, InflateError> {
    let (out, consumed) = inflate_prefix(input, cap, false)?;
    if consumed != input.len() {
        return Err(InflateError::Malformed);
    }
    Ok(out)
}

/// Inflates the stream at the start of `input` (zlib-framed when `zlib` is set), refusing
/// to produce more than `cap` bytes; returns the output and how many input bytes the
/// stream took.
pub(crate) fn inflate_prefix(
    input: &[u8],
    cap: usize,
    zlib: bool,
) -> Result<(Vec<u8>, usize), InflateError> {
    INFLATE.with(|stream| match stream.try_borrow_mut() {
        Ok(mut slot) => {
            let stream = match &mut *slot {
                Some(stream) => {
                    stream.reset(zlib);
                    stream
                }
                slot @ None => slot.insert(Inflate::new(zlib, WINDOW_BITS)),
            };
            inflate_once(stream, input, cap)
        }
        Err(_) => inflate_once(&mut Inflate::new(zlib, WINDOW_BITS), input, cap),
    })
}

/// Runs a fresh or reset inflate stream over `input`, growing the output up to one byte
/// past `cap` (so an output of exactly `cap` bytes is told apart from a larger one).
fn inflate_once(
    stream: &mut Inflate,
    input: &[u8],
    cap: usize,
) -> Result<(Vec<u8>, usize), InflateError> {
    let limit = cap.saturating_add(1);
    let mut out = vec![0; input.len().saturating_mul(4).clamp(64, limit)];
    loop {
        let read = usize::try_from(stream.total_in()).map_err(|_| InflateError::Malformed)?;
        let written = usize::try_from(stream.total_out()).map_err(|_| InflateError::Malformed)?;
        let status = stream
            .decompress(&input[read..], &mut out[written..], InflateFlush::Finish)
            .map_err(|_| InflateError::Malformed)?;
        let written = usize::try_from(stream.total_out()).map_err(|_| InflateError::Malformed)?;
        if written > cap {
            return Err(InflateError::TooLarge);
        }
        match status {
            Status::StreamEnd => {
                out.truncate(written);
                let read =
                    usize::try_from(stream.total_in()).map_err(|_| InflateError::Malformed)?;
                return Ok((out, read));
            }
            // The output is full: grow it, up to one byte past the cap.
            _ if written == out.len() => {
                let grown = out.len().saturating_mul(2).min(limit);
                out.resize(grown, 0);
            }
            // Room to spare and not done: the input ended mid-stream.
            Status::Ok | Status::BufError => return Err(InflateError::Malformed),
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on any unexpected error"
)]
mod tests {
    use super::*;

    fn xorshift(seed: u64) -> impl FnMut() -> u64 {
        let mut state = seed;
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// Random base64url text, as a session of tokens holds.
    fn tokens(len: usize) -> Vec<u8> {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut next = xorshift(0x2545_F491_4F6C_DD1D ^ len as u64);
        (0..len)
            .map(|_| alphabet[(next() >> 58) as usize])
            .collect()
    }

    /// JSON of `{"data":"<tokens>"}`, `len` bytes in all.
    fn token_session(len: usize) -> Vec<u8> {
        let mut json = b"{\"data\":\"".to_vec();
        json.extend(tokens(len - 11));
        json.extend_from_slice(b"\"}");
        json
    }

    /// A shopping cart of similar records, about `len` bytes of JSON.
    fn cart(len: usize) -> Vec<u8> {
        let mut json = String::from("{\"cart\":[");
        let mut i = 0u32;
        while json.len() < len {
            json.push_str(&format!(
                "{{\"sku\":\"SKU-{:06}\",\"name\":\"Widget model {}\",\"qty\":{},\"price_cents\":{},\"gift\":{}}},",
                i * 7919 % 1_000_000,
                i % 37,
                i % 5 + 1,
                995 + i % 13 * 100,
                i.is_multiple_of(3)
            ));
            i += 1;
        }
        json.push_str("{}]}");
        json.into_bytes()
    }

    #[test]
    fn fixed_point_logarithm() {
        assert_eq!(log2_fixed(1), 0);
        assert_eq!(log2_fixed(2), FIXED_ONE);
        assert_eq!(log2_fixed(1024), 10 * FIXED_ONE);
        let three = log2_fixed(3) as f64 / FIXED_ONE as f64;
        assert!((three - 3f64.log2()).abs() < 1e-4, "{three}");
    }

    #[test]
    fn the_estimate_sees_entropy_and_repeats() {
        let random = estimate(&token_session(4096));
        assert!((5.5..6.1).contains(&random.bits_per_byte), "{random:?}");
        assert!(random.repeats < 16, "{random:?}");
        let cart = estimate(&cart(4096));
        assert!(cart.repeats > 256, "{cart:?}");
        assert_eq!(estimate(&[b'n'; 3000]).bits_per_byte, 0.0);
    }

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
            assert_eq!(inflate_capped(&packed, 1 << 20).unwrap(), json);
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
        assert_eq!(estimate.mode(), Mode::Huffman);
        let packed = deflate_if_smaller(&hex).unwrap();
        assert!(packed.len() < hex.len() * 55 / 100, "{}", packed.len());
        assert_eq!(inflate_capped(&packed, 1 << 20).unwrap(), hex);
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
        assert_eq!(inflate_capped(&packed, 1 << 20).unwrap(), text);
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

    #[test]
    fn caps_bombs_and_rejects_garbage() {
        let bomb = deflate_if_smaller(&vec![0u8; 4 << 20]).unwrap();
        assert!(bomb.len() < 8 << 10);
        assert_eq!(inflate_capped(&bomb, 1 << 20), Err(InflateError::TooLarge));
        let exact = vec![b'x'; 1000];
        let good = deflate_if_smaller(&exact).unwrap();
        assert_eq!(inflate_capped(&good, 1000).unwrap(), exact);
        assert_eq!(inflate_capped(&good, 999), Err(InflateError::TooLarge));
        assert_eq!(
            inflate_capped(b"\xff\xff\xff", 1 << 20),
            Err(InflateError::Malformed)
        );
        assert_eq!(
            inflate_capped(&good[..good.len() - 2], 1 << 20),
            Err(InflateError::Malformed)
        );
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(
            inflate_capped(&trailing, 1 << 20),
            Err(InflateError::Malformed)
        );
    }
}
