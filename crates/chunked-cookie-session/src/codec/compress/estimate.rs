//! The cheap look that decides whether deflate can pay: an order-0 entropy estimate from a
//! byte histogram, and a probe for repeated 4-byte strings, over a bounded sample.

/// The most bytes the decision looks at.
pub(super) const SAMPLE: usize = 256;
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
    repeats_in(sample, &mut [0u32; 1 << 9])
}

/// [`repeats`] over every position of `input`, with a table large enough that a string
/// repeated several KiB later is still seen: what decides, past one cookie, whether level
/// 6's matches have anything to find (a JWT's body, a token stored twice, that the sample
/// of the cheap look passes over).
pub(crate) fn repeats_throughout(input: &[u8]) -> u32 {
    repeats_in(input, &mut [0u32; 1 << 12])
}

/// The count behind [`repeats`], with `seen` (zeroed, of a power of two entries) as its
/// table.
fn repeats_in(sample: &[u8], seen: &mut [u32]) -> u32 {
    let hash_bits = seen.len().trailing_zeros();
    if sample.len() < 8 {
        return 0;
    }
    // The last word seen with each hash. JSON never holds four NUL bytes, so 0 is "none".
    let mut found = 0u32;
    let mut probe = |word: u32| {
        let hash = (word.wrapping_mul(0x9E37_79B1) >> (32 - hash_bits)) as usize;
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
    let share = u64::from(found) * 1024 / (sample.len() as u64 - 3);
    u32::try_from(share).unwrap_or(1024)
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

#[cfg(test)]
mod tests {
    use super::super::samples::{cart, token_session};
    use super::*;

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
}
