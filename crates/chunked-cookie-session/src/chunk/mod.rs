//! Chunking: a format's cookie layout, splitting a token to exact byte budgets, and joining
//! the cookies of a request back into one token or a typed reason.
//!
//! This layer knows nothing of keys or formats: each format describes its cookies as a
//! [`Layout`] value, and the chunk layer reads only what that value says (the names, and
//! the manifest at the start of chunk 0 when there is one).

mod incoming;
mod join;
mod layout;
mod pairs;
mod set;
mod split;

pub(crate) use incoming::Incoming;
pub(crate) use join::{Joined, firsts, join, span};
pub(crate) use layout::{Count, Deadline, Layout, Manifest};
pub(crate) use set::ChunkSet;
pub(crate) use split::{Limits, plan, split};
