//! Inflate with a cap: a raw deflate stream for the native formats, a zlib one for Flask's,
//! on a per-thread stream that is reset rather than rebuilt.

use std::cell::RefCell;

use zeroize::Zeroize;
use zlib_rs::{Inflate, InflateFlush, Status};

use super::deflate::WINDOW_BITS;
use crate::codec::wipe;
use crate::reason::LoadReason;

thread_local! {
    static INFLATE: RefCell<Option<Inflate>> = const { RefCell::new(None) };
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
/// produce more than `cap` bytes. With `wipe` set (a private session), every buffer the
/// output outgrows, and the output of a stream refused, is zeroed before it is freed.
pub(crate) fn inflate_capped(
    input: &[u8],
    cap: usize,
    wipe: bool,
) -> Result<Vec<u8>, InflateError> {
    let (mut out, consumed) = inflate(input, cap, false, wipe)?;
    if consumed != input.len() {
        if wipe {
            out.zeroize();
        }
        return Err(InflateError::Malformed);
    }
    Ok(out)
}

/// Inflates the stream at the start of `input` (zlib-framed when `zlib` is set), refusing
/// to produce more than `cap` bytes; returns the output and how many input bytes the
/// stream took.
#[cfg(feature = "flask")]
pub(crate) fn inflate_prefix(
    input: &[u8],
    cap: usize,
    zlib: bool,
) -> Result<(Vec<u8>, usize), InflateError> {
    inflate(input, cap, zlib, false)
}

fn inflate(
    input: &[u8],
    cap: usize,
    zlib: bool,
    wipe: bool,
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
            inflate_once(stream, input, cap, wipe)
        }
        Err(_) => inflate_once(&mut Inflate::new(zlib, WINDOW_BITS), input, cap, wipe),
    })
}

/// Runs a fresh or reset inflate stream over `input`, growing the output up to one byte
/// past `cap` (so an output of exactly `cap` bytes is told apart from a larger one).
fn inflate_once(
    stream: &mut Inflate,
    input: &[u8],
    cap: usize,
    wipe: bool,
) -> Result<(Vec<u8>, usize), InflateError> {
    let mut out = vec![
        0;
        input
            .len()
            .saturating_mul(4)
            .clamp(64, cap.saturating_add(1))
    ];
    match run(stream, input, cap, &mut out, wipe) {
        Ok(read) => Ok((out, read)),
        Err(err) => {
            if wipe {
                out.zeroize();
            }
            Err(err)
        }
    }
}

/// The loop of [`inflate_once`] into `out`; how many input bytes the stream took.
fn run(
    stream: &mut Inflate,
    input: &[u8],
    cap: usize,
    out: &mut Vec<u8>,
    wipe: bool,
) -> Result<usize, InflateError> {
    let limit = cap.saturating_add(1);
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
                return usize::try_from(stream.total_in()).map_err(|_| InflateError::Malformed);
            }
            // The output is full: grow it, up to one byte past the cap.
            _ if written == out.len() => {
                let grown = out.len().saturating_mul(2).min(limit);
                wipe::reserve(out, grown - out.len(), wipe);
                out.resize(grown, 0);
            }
            // Room to spare and not done: the input ended mid-stream.
            Status::Ok | Status::BufError => return Err(InflateError::Malformed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::deflate::deflate_if_smaller;
    use super::*;

    #[test]
    fn caps_bombs_and_rejects_garbage() {
        let bomb = deflate_if_smaller(&vec![0u8; 4 << 20], false).unwrap();
        assert!(bomb.len() < 8 << 10);
        for wipe in [false, true] {
            assert_eq!(
                inflate_capped(&bomb, 1 << 20, wipe),
                Err(InflateError::TooLarge)
            );
            let exact = vec![b'x'; 1000];
            let good = deflate_if_smaller(&exact, false).unwrap();
            assert_eq!(inflate_capped(&good, 1000, wipe).unwrap(), exact);
            assert_eq!(
                inflate_capped(&good, 999, wipe),
                Err(InflateError::TooLarge)
            );
            assert_eq!(
                inflate_capped(b"\xff\xff\xff", 1 << 20, wipe),
                Err(InflateError::Malformed)
            );
            assert_eq!(
                inflate_capped(&good[..good.len() - 2], 1 << 20, wipe),
                Err(InflateError::Malformed)
            );
            let mut trailing = good.clone();
            trailing.push(0);
            assert_eq!(
                inflate_capped(&trailing, 1 << 20, wipe),
                Err(InflateError::Malformed)
            );
        }
    }
}
