#![doc = include_str!("../../../README.md")]
#![forbid(unsafe_code)]

mod chunk;
mod codec;
mod config;
mod cookies;
mod engine;
mod error;
mod keys;
mod reason;
mod session;

pub use config::{
    BROWSER_NAME_VALUE_LIMIT, Compression, ConfigError, DEFAULT_MAX_SIZE, MAX_CHUNKS_CEILING,
    OverflowPolicy, SET_COOKIE_LINE_LIMIT, SameSite, SessionConfig, SessionConfigBuilder,
};
pub use engine::{ResponseCookies, SessionEngine};
pub use error::SaveError;
pub use keys::{Key, KeyError, KeyId, KeyRing, MAX_SECRET_LEN, MIN_SECRET_LEN, generate_secret};
pub use reason::LoadReason;
pub use session::Session;
