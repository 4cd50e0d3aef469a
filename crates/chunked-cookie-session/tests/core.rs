//! Integration tests of the core engine and the native v1 signed format: round trips at
//! every chunk boundary, the chunk transition matrix under lost `Set-Cookie` lines, every
//! load reason, hostile input, key rotation, refresh, overflow, and the worked example of
//! docs/FORMAT.md.

#[path = "core/forge.rs"]
mod forge;
#[path = "core/format.rs"]
mod format;
#[path = "core/hostile.rs"]
mod hostile;
#[path = "core/jar.rs"]
mod jar;
#[path = "core/reasons.rs"]
mod reasons;
#[path = "core/roundtrip.rs"]
mod roundtrip;
#[path = "core/support.rs"]
mod support;
#[path = "core/transitions.rs"]
mod transitions;
