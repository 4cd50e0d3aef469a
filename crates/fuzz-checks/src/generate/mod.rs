//! Structure-aware inputs built from fuzzer bytes with `arbitrary`:
//!
//! - [`fields`]: bytes split into one or more `Cookie` header fields, read as strict or
//!   lossy UTF-8;
//! - [`json`]: nested JSON with odd keys, big numbers, deep nesting and Flask's tag-like
//!   keys;
//! - [`ops`]: chunk mutations applied to the cookies a browser sends back;
//! - [`lines`]: `Set-Cookie`, `Cookie` and cookie-jar lines for the CLI's input parsing.
//!
//! What a generator draws from the bytes, and in which order, is what a saved input
//! means: change it and the saved regressions replay as other inputs (they still run, but
//! no longer test what they were kept for).

pub mod fields;
pub mod json;
pub mod lines;
pub mod ops;
