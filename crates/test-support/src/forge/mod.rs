//! The session formats rebuilt from their documents with the primitives, never through the
//! library, for tests and fuzz checks to seal what the engine never would and to read what
//! it wrote: the native formats of docs/FORMAT.md, versions 1 and 2 (re-exported here), the
//! entries as they are stored ([`entries`]: plain JSON escaped where Flask's tags would read
//! it), and Flask's cookie as itsdangerous signs it ([`flask`]).

pub mod entries;
pub mod flask;
mod native;

pub use native::*;
