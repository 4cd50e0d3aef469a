//! Chunking: naming schemes, splitting a token to exact byte budgets, and joining the
//! cookies of a request back into one token or a typed reason.
//!
//! This layer knows nothing of keys: it reads only the manifest (chunk count and
//! generation id) at the start of chunk 0.

mod incoming;
mod join;
mod names;
mod split;

pub(crate) use incoming::Incoming;
pub(crate) use join::{Joined, join};
pub(crate) use names::Naming;
pub(crate) use split::{Limits, plan, split};
