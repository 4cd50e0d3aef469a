//! The Redis store (feature `redis`): a per-process mirror kept current from Redis.
//!
//! `wire` names the keys and messages, `shared` holds what the handle and the threads
//! share, `follow` and `write` are the two threads, `handle` the public type.

mod wire;

mod shared;

mod follow;
mod write;

mod handle;

pub use handle::{RedisRevocation, RedisRevocationBuilder};
