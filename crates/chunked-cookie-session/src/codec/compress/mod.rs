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
//! A session that would not fit its budget uncompressed is another matter: then any saving
//! is worth having, and [`deflate_any_saving`] compresses whatever the estimate says.
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

pub(crate) use deflate::{budget_is_tight, deflate_any_saving, deflate_if_smaller};
pub(crate) use inflate::inflate_capped;
#[cfg(feature = "flask")]
pub(crate) use inflate::inflate_prefix;
