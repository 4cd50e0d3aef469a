//! Reproducible pseudo-random test data.

/// A xorshift64 generator: fast, reproducible by seed, and good enough to make text that
/// deflate cannot find patterns in. Not for anything that needs real randomness.
#[derive(Debug, Clone)]
pub struct Xorshift(u64);

impl Xorshift {
    /// A generator for `seed`. Small seeds are spread over the state, which must never be
    /// zero.
    pub fn new(seed: u64) -> Xorshift {
        Xorshift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (`n` must not be zero).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// An index below `len`, for picking from a slice.
    pub fn index(&mut self, len: usize) -> usize {
        let len = u64::try_from(len).expect("a slice length fits u64");
        usize::try_from(self.below(len)).expect("below a usize")
    }
}

/// `len` characters of pseudo-random base64url text, the same for the same `seed`.
///
/// Each character carries six random bits, so deflate keeps about three quarters of it:
/// a session's size on the wire follows the text's length whatever the compression, and
/// the text is safe as it is in JSON strings and in cookie values.
pub fn noise(len: usize, seed: u64) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = Xorshift::new(seed);
    (0..len)
        .map(|_| {
            // The top six bits: xorshift's low bits are its weakest.
            let index = usize::try_from(rng.next_u64() >> 58).expect("six bits fit usize");
            char::from(ALPHABET[index])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_reproducible_and_varied() {
        let text = noise(4096, 9);
        assert_eq!(text, noise(4096, 9));
        assert_ne!(text, noise(4096, 10));
        let distinct: std::collections::BTreeSet<char> = text.chars().collect();
        assert_eq!(distinct.len(), 64);
    }
}
