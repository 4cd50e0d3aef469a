//! The Redis store (feature `redis`): a per-process mirror kept current from Redis.
//!
//! Bottom up: `wire` names the keys and messages, `shared` holds what the handle and the
//! threads share, `job` is the writer's work and who waits for it, `commands` what the
//! writer sends Redis; `follow` and `write` are the two threads, `handle` the public type.

mod wire;

mod shared;

mod commands;
mod job;

mod follow;
mod write;

mod handle;

pub use handle::{RedisRevocation, RedisRevocationBuilder};
