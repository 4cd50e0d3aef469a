//! Cookie attributes, lifetimes, size budgets and policies: the configuration, its builder
//! and its checks, and why a configuration was refused.

mod builder;
mod error;
mod limits;
mod policy;
mod session_config;

pub use builder::SessionConfigBuilder;
pub use cookie::SameSite;
pub use error::{ConfigError, Unit};
pub use limits::{
    BROWSER_NAME_VALUE_LIMIT, DEFAULT_MAX_SIZE, MAX_CHUNKS_CEILING, MAX_NESTING, PARTITIONED_LIMIT,
    SET_COOKIE_LINE_LIMIT,
};
pub use policy::{Compression, OverflowPolicy};
pub use session_config::SessionConfig;
