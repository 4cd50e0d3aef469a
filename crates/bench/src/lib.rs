//! The comparison harness of chunked-cookie-session, as a library: the binary `bench` runs
//! it (see `main.rs`), and `examples/profile.rs` runs single operations under a profiler.
//!
//! A harness stops loudly on any broken expectation (a contender that fails to round-trip
//! must not be timed), so its functions panic rather than return errors.
#![allow(
    clippy::missing_panics_doc,
    reason = "the harness panics on any broken expectation, by design"
)]

pub mod codec;
pub mod data;
pub mod floor;
pub mod jar;
pub mod machine;
pub mod measure;
pub mod primitives;
pub mod project;
pub mod python;
pub mod report;
pub mod request;
pub mod revocation;
pub mod shapes;
pub mod zlib;
