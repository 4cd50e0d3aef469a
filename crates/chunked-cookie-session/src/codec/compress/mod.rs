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
//! Both look at no more than `SAMPLE` bytes (the whole input when it is that short, else
//! blocks spread evenly over it), so the decision costs about the same at 1 KiB and 40 KiB.
//! Deflate runs only when the estimate says the output will be at most
//! `PAYS_NUM`/`PAYS_DEN` of the input, and its output is kept only when it is at most
//! `KEEP_NUM`/`KEEP_DEN` of it. Without repeats the stream runs Huffman-only (no match
//! search); with them, level 6, as before.
//!
//! That look serves a session that fits one cookie uncompressed, where whatever it decides
//! costs no cookie. Past one cookie the writer is held to what deflate at level 6 would
//! send (docs/FORMAT.md section 5), which only deflating tells:
//! [`deflate_past_one_cookie`] compresses whatever the estimate says, with zlib's lazy
//! match search (zlib-rs's level 7: its level 6 is zlib-ng's faster medium strategy, up to
//! 9 % larger), or with Huffman coding alone where a probe of the whole input finds
//! (almost) no repeats; [`deflate_longest`] tries level 9 when that output lies at a
//! cookie's edge.
//!
//! The native formats use zlib-rs through its own safe API, whatever the crate's features,
//! so enabling `flask` (which switches flate2 to C zlib for Python's byte-exact output)
//! changes nothing here. Streams are kept per thread and `reset`, not rebuilt.
//!
//! `estimate` is the look, `deflate` the compressing, `inflate` the capped inflate (which
//! Flask's zlib payload goes through too).

mod deflate;
mod estimate;
mod inflate;
#[cfg(test)]
mod samples;

pub(crate) use deflate::{Packed, deflate_if_smaller, deflate_longest, deflate_past_one_cookie};
pub(crate) use inflate::inflate_capped;
#[cfg(feature = "flask")]
pub(crate) use inflate::inflate_prefix;
