//! Flask's format (feature `flask`), bottom up: `settings` (what a Flask app configures),
//! `signer` (itsdangerous's timestamp signature), `payload` (zlib and base64url), `json`
//! (the session's JSON in Flask's dialect), `values` (Rust types whose serde form is a
//! tag), `identity` (the reserved entries that carry a session's identity), and `codec`
//! (the format itself). The Python values underneath are `crate::pyvalue`.

mod codec;
mod identity;
mod json;
mod payload;
mod settings;
mod signer;
mod values;

pub(crate) use codec::{FlaskCodec, layout_of, timestamp_of};
pub use json::{from_json, python_from_json, python_to_json, to_json, value_from_json};
pub use settings::{DEFAULT_MAX_AGE, FlaskLayout, FlaskSettings, MAX_CHUNKS};
#[cfg(feature = "starlette")]
pub(crate) use signer::Signer;
pub use values::{Bytes, DateTime, Dict, Float, Markup, Tuple, Uuid};
