//! Raw deflate through each backend the comparison needs, behind one signature each:
//! zlib-rs (its safe `Deflate`/`Inflate` API, a stream per thread reused with `reset`),
//! miniz_oxide, and flate2 as this build configures it: C zlib, since the project's `flask`
//! feature (on in this build) turns on `flate2/zlib`, which wins over `flate2/zlib-rs`.

use std::cell::RefCell;

use zlib_rs::{Deflate, DeflateConfig, DeflateFlush, Inflate, InflateFlush, Status, Strategy};

thread_local! {
    static DEFLATE: RefCell<Option<(i32, Deflate)>> = const { RefCell::new(None) };
    static INFLATE: RefCell<Inflate> = RefCell::new(Inflate::new(false, 15));
}

/// Raw deflate with zlib-rs at `level`, on a reused stream.
pub fn deflate_raw(input: &[u8], level: i32) -> Vec<u8> {
    DEFLATE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let stream = match &mut *slot {
            Some((current, stream)) if *current == level => {
                stream.reset();
                stream
            }
            _ => &mut slot.insert((level, Deflate::new(level, false, 15))).1,
        };
        finish(stream, input)
    })
}

/// Raw deflate with zlib-rs, Huffman coding only (no match search), on a reused stream.
pub fn deflate_huffman(input: &[u8]) -> Vec<u8> {
    thread_local! {
        static STREAM: RefCell<Deflate> = RefCell::new(Deflate::new_with_config(DeflateConfig {
            strategy: Strategy::HuffmanOnly,
            window_bits: -15,
            ..DeflateConfig::new(6)
        }));
    }
    STREAM.with(|cell| {
        let mut stream = cell.borrow_mut();
        stream.reset();
        finish(&mut stream, input)
    })
}

/// Runs a reset stream over the whole input into a buffer large enough for any outcome.
fn finish(stream: &mut Deflate, input: &[u8]) -> Vec<u8> {
    let mut out = vec![0; input.len() + input.len() / 8 + 64];
    let status = stream
        .compress(input, &mut out, DeflateFlush::Finish)
        .expect("deflate");
    assert_eq!(status, Status::StreamEnd, "the bound is large enough");
    out.truncate(usize::try_from(stream.total_out()).expect("fits"));
    out
}

/// Raw inflate with zlib-rs, on a reused stream.
pub fn inflate_raw(input: &[u8]) -> Vec<u8> {
    INFLATE.with(|cell| {
        let mut stream = cell.borrow_mut();
        stream.reset(false);
        let mut out = vec![0; input.len() * 8 + 1024];
        loop {
            let done = usize::try_from(stream.total_out()).expect("fits");
            let read = usize::try_from(stream.total_in()).expect("fits");
            match stream
                .decompress(&input[read..], &mut out[done..], InflateFlush::Finish)
                .expect("inflate")
            {
                Status::StreamEnd => {
                    out.truncate(usize::try_from(stream.total_out()).expect("fits"));
                    return out;
                }
                _ => out.resize(out.len() * 2, 0),
            }
        }
    })
}

/// Raw deflate with miniz_oxide at `level` (a fresh state each call, as its API works).
pub fn deflate_miniz(input: &[u8], level: u8) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(input, level)
}

/// Raw inflate with miniz_oxide.
pub fn inflate_miniz(input: &[u8]) -> Vec<u8> {
    miniz_oxide::inflate::decompress_to_vec(input).expect("inflate")
}

/// Raw deflate with flate2 at `level`, on a reused stream.
pub fn deflate_flate2(input: &[u8], level: u32) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    thread_local! {
        static STREAM: RefCell<Option<(u32, Compress)>> = const { RefCell::new(None) };
    }
    STREAM.with(|cell| {
        let mut slot = cell.borrow_mut();
        let stream = match &mut *slot {
            Some((current, stream)) if *current == level => {
                stream.reset();
                stream
            }
            _ => {
                &mut slot
                    .insert((level, Compress::new(Compression::new(level), false)))
                    .1
            }
        };
        let mut out = Vec::with_capacity(input.len() + input.len() / 8 + 64);
        stream
            .compress_vec(input, &mut out, FlushCompress::Finish)
            .expect("deflate");
        out
    })
}

/// Raw inflate with flate2, on a reused stream.
pub fn inflate_flate2(input: &[u8], size: usize) -> Vec<u8> {
    use flate2::{Decompress, FlushDecompress};
    thread_local! {
        static STREAM: RefCell<Decompress> = RefCell::new(Decompress::new(false));
    }
    STREAM.with(|cell| {
        let mut stream = cell.borrow_mut();
        stream.reset(false);
        let mut out = Vec::with_capacity(size);
        stream
            .decompress_vec(input, &mut out, FlushDecompress::Finish)
            .expect("inflate");
        out
    })
}
