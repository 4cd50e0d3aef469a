//! What the workspace's tests share, kept once instead of copied between test crates:
//!
//! - [`jar`]: a browser-like cookie jar that applies a response's cookies (the engine's
//!   structured [`SetCookie`](chunked_cookie_session::SetCookie) values, or raw
//!   `Set-Cookie` header values read off the wire) and renders the next request's `Cookie`
//!   header: the one place tests turn a response into the next request;
//! - [`forge`]: the session formats rebuilt from their documents with the primitives
//!   (docs/FORMAT.md's native formats, and Flask's cookie as itsdangerous signs it), to
//!   seal tokens the engine never would and to read what it wrote: the one forger and
//!   reader the core suite, the CLI's tests and the fuzz checks share;
//! - [`noise`](mod@noise): reproducible pseudo-random text that deflate barely shrinks, so a
//!   session's size on the wire follows its length;
//! - `serve`: an axum router or an actix-web app served on a free loopback port
//!   (features `axum`, `actix`);
//! - [`process`] and [`net`]: child processes that die with the test, the line a child
//!   announces its port on, free loopback ports;
//! - [`python`], [`oracle`] and [`flask_app`]: real Flask from PyPI, as a serializer oracle
//!   (`flask/oracle.py`) and as a live app (`flask/apps.py`), for every crate whose tests
//!   check the Flask format.
//!
//! Every helper fails the calling test by panicking, with a message that says what went
//! wrong and, for a missing program, how to install it.
#![allow(
    clippy::missing_panics_doc,
    reason = "every helper fails the calling test by panicking: that is its job"
)]

pub mod flask_app;
pub mod forge;
pub mod jar;
pub mod net;
pub mod noise;
pub mod oracle;
pub mod process;
pub mod python;
pub mod redis;
#[cfg(any(feature = "axum", feature = "actix"))]
pub mod serve;
pub mod shapes;

pub use jar::{Jar, WireCookie, join_pairs};
pub use net::free_port;
pub use noise::{Xorshift, noise};
pub use process::{ChildGuard, PATIENCE, announced};
