//! The native formats forged from primitives ([`test_support::forge`]), bound to this
//! suite's fixtures and keys.

pub use test_support::forge::*;

use super::fixture::{Fixture, Wire, native_secret};

/// A forger for the native format of `fixture`, with the secret of the fixture's key
/// `byte`.
pub fn for_fixture(fixture: &Fixture, byte: u8, name: &str) -> Forger {
    let Wire::Envelope { encrypted, .. } = fixture.wire else {
        panic!("{} is not a native format", fixture.name);
    };
    Forger::new(&native_secret(byte), name, encrypted)
}
