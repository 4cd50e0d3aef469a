//! Raw deflate that gives up early on data that will not shrink, and a capped inflate.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::reason::LoadReason;

/// Payloads shorter than this are never worth compressing.
const MIN_INPUT: usize = 128;
/// Size of the sample compressed first to decide whether the whole is worth it.
const SAMPLE: usize = 2048;

/// Compresses `input` with raw deflate, returning `None` when that would not save bytes.
///
/// Compression can cost ten times everything else on the write path, so large inputs are
/// first judged on a sample: if its first 2 KiB barely shrink, the rest is not tried.
pub(crate) fn deflate_if_smaller(input: &[u8]) -> Option<Vec<u8>> {
    if input.len() < MIN_INPUT {
        return None;
    }
    let mut level = Compression::default();
    if input.len() > SAMPLE * 2 {
        // The sample runs at the level the whole will run at: a faster level can miss
        // savings the real one finds (zlib-rs's level 1 does not shrink base64 text at all).
        let sample = deflate_within(&input[..SAMPLE], SAMPLE * 15 / 16, Compression::default())?;
        // A sample that shrinks no further than Huffman coding of a small alphabet takes it
        // (random tokens: about 3/4) holds no repeats for level 6's long match search to
        // find; level 2, which still builds its codes from the data, reaches the same size
        // in three quarters of the time.
        if sample.len() > SAMPLE * 3 / 4 {
            level = Compression::new(2);
        }
    }
    deflate_within(input, input.len() - 1, level)
}

/// Deflates into at most `limit` bytes; `None` if the output does not fit.
fn deflate_within(input: &[u8], limit: usize, level: Compression) -> Option<Vec<u8>> {
    deflate_into(&mut Compress::new(level, false), input, limit)
}

/// Runs `deflate` (raw or zlib-framed, fresh or reset) over `input` into at most `limit`
/// bytes; `None` as soon as the output overflows, so data that will not shrink stops early.
pub(crate) fn deflate_into(deflate: &mut Compress, input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(limit);
    loop {
        let consumed = usize::try_from(deflate.total_in()).ok()?;
        let status = deflate
            .compress_vec(&input[consumed..], &mut out, FlushCompress::Finish)
            .ok()?;
        match status {
            Status::StreamEnd => return Some(out),
            // The buffer is full and the stream is not done: it does not fit.
            _ if out.len() == out.capacity() => return None,
            Status::Ok | Status::BufError => continue,
        }
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
    let mut out = Vec::with_capacity(input.len().saturating_mul(4).min(cap).max(64));
    let mut inflate = Decompress::new(zlib);
    loop {
        let consumed = usize::try_from(inflate.total_in()).map_err(|_| InflateError::Malformed)?;
        if out.len() == out.capacity() {
            if out.len() >= cap {
                return Err(InflateError::TooLarge);
            }
            out.reserve((out.len()).min(cap - out.len()).max(64));
        }
        let before = (inflate.total_in(), inflate.total_out());
        let status = inflate
            .decompress_vec(&input[consumed..], &mut out, FlushDecompress::Finish)
            .map_err(|_| InflateError::Malformed)?;
        if out.len() > cap {
            return Err(InflateError::TooLarge);
        }
        match status {
            Status::StreamEnd => {
                let consumed =
                    usize::try_from(inflate.total_in()).map_err(|_| InflateError::Malformed)?;
                return Ok((out, consumed));
            }
            _ if before == (inflate.total_in(), inflate.total_out())
                && out.len() < out.capacity() =>
            {
                // No progress with room to spare: the input ended mid-stream.
                return Err(InflateError::Malformed);
            }
            _ => continue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compresses_redundant_data_and_round_trips() {
        let input = "abcdefgh".repeat(1000);
        let packed = deflate_if_smaller(input.as_bytes()).unwrap();
        assert!(packed.len() < 200);
        assert_eq!(inflate_capped(&packed, 1 << 20).unwrap(), input.as_bytes());
    }

    #[test]
    fn gives_up_on_random_and_small_data() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let noise: Vec<u8> = (0..20_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        assert!(deflate_if_smaller(&noise).is_none());
        assert!(deflate_if_smaller(b"{\"a\":1}").is_none());
    }

    #[test]
    fn compresses_text_of_a_small_alphabet() {
        // Random base64 carries six bits per byte: deflate saves about a quarter.
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let text: Vec<u8> = (0..30_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                alphabet[(state >> 58) as usize]
            })
            .collect();
        let packed = deflate_if_smaller(&text).unwrap();
        assert!(
            packed.len() < text.len() * 8 / 10,
            "{} of {}",
            packed.len(),
            text.len()
        );
    }

    #[test]
    fn caps_bombs_and_rejects_garbage() {
        let bomb = deflate_if_smaller(&vec![0u8; 4 << 20]).unwrap();
        assert!(bomb.len() < 8 << 10);
        assert_eq!(inflate_capped(&bomb, 1 << 20), Err(InflateError::TooLarge));
        assert_eq!(
            inflate_capped(b"\xff\xff\xff", 1 << 20),
            Err(InflateError::Malformed)
        );
        let good = deflate_if_smaller(&vec![b'x'; 1000]).unwrap();
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
