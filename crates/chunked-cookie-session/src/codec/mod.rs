//! Wire formats: one module per format, each turning a session map into one token and back,
//! and describing how that token is laid out in cookies.
//!
//! A codec knows nothing of how tokens are split: it seals a whole session into one ASCII
//! token (binding the chunk count it is told) and opens one token back into a map. Each
//! format is a [`wire::Codec`] (prepare, seal, open) with a [`Policy`] value beside it (its
//! layout, lifetime and rules); [`Format`] holds one behind one indirect call and owns the
//! road from a session to its cookie values (prepare, plan, seal, split).
//!
//! Bottom up: `header`, `identity` (what a session carries for revocation), `wipe` (buffers
//! that wipe what they outgrow), `compress`, `shared` (what sealing takes and opening gives,
//! the clock and nesting checks); `python_entries` (entries held as Python values, or nothing
//! in a build without them) and `entries`; `policy` and `wire` (what a format is);
//! `envelope` and `native` (the native formats, with the sealers of `signed` and
//! `private`); `flask`; `previous`, `starlette` and `django` (other frameworks' cookies,
//! read to take their sessions over, never written); `peek` (what a token shows without a
//! key); and `format` on top.

mod compress;
#[cfg(feature = "django")]
mod django;
mod entries;
mod envelope;
#[cfg(feature = "flask")]
pub(crate) mod flask;
mod format;
mod header;
mod identity;
mod native;
mod peek;
mod policy;
#[cfg(any(feature = "starlette", feature = "django"))]
mod previous;
#[cfg(feature = "private")]
mod private;
#[cfg(feature = "flask")]
mod python_entries;
#[cfg(not(feature = "flask"))]
#[path = "no_python_entries.rs"]
mod python_entries;
mod shared;
mod signed;
#[cfg(feature = "starlette")]
mod starlette;
mod wipe;
mod wire;

pub(crate) use entries::Entries;
pub(crate) use envelope::LAYOUT as NATIVE_LAYOUT;
pub(crate) use format::Format;
pub(crate) use identity::Ident;
#[cfg(feature = "flask")]
#[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
pub use peek::FlaskToken;
pub(crate) use peek::token_info;
pub use peek::{NativeHeader, TokenInfo};
pub(crate) use policy::Policy;
pub(crate) use python_entries::Form;
#[cfg(feature = "flask")]
pub(crate) use python_entries::PythonEntries;
pub(crate) use shared::{Meta, OpenInput, Opened, SealInput};
