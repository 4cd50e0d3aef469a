//! What the `cookie-session` tool and the playground share: the choice of wire format and
//! the keys it needs, and of a revocation store, as command-line options, and the engine
//! they describe.
//!
//! Both binaries only translate options into engine calls; every rule is the library's.

pub mod input;
pub mod options;
pub mod revocation;
