//! Integration tests of the core engine and the native v1 signed format: round trips at
//! every chunk boundary, the chunk transition matrix under lost `Set-Cookie` lines, every
//! load reason, hostile input, key rotation, refresh, overflow, and the worked example of
//! docs/FORMAT.md.

mod forge;
mod format;
mod hostile;
mod jar;
mod reasons;
mod roundtrip;
mod support;
mod transitions;
