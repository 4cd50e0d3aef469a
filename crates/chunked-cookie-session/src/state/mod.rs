//! A session's state and the rules of reading it: the request's cookies, decoded on first
//! touch into entries and a load reason, and what the entries say about persistence and
//! deadlines.
//!
//! The [`Session`](crate::Session) handle changes the state through the methods here; the
//! rules of reading (`read.rs`) and of writing (`write.rs`) work on it from beside it, so the
//! engine above only shapes their results into an [`Outcome`](crate::Outcome). Beside
//! them, `identity.rs` keeps the session's identity (id, creation time, subject) and
//! `revoke.rs` the revocation check at load and the device registry at write.

mod identity;
mod read;
mod revoke;
mod session_state;
mod write;

pub(crate) use session_state::{CSRF_KEY, Previous, Rules, State};
pub use write::Sizes;
pub(crate) use write::Written;
