//! Revocation against real parts: the memory store, and Redis stores on a `redis-server`
//! each test starts on its own loopback port (test-support's `redis`), including a second
//! OS process, Redis killed and restarted from its append-only file, the device registry,
//! and two engines sharing one Redis as two servers of a fleet. Propagation is awaited by
//! polling, never by timed assertions.

mod support;

mod engine;
mod fleet;
mod memory;
mod outage;
mod process;
mod registry;
mod startup;
