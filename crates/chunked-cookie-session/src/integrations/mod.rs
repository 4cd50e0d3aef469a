//! Framework adapters. Each one only translates: it hands every `Cookie` field of the
//! request to [`SessionEngine::load`](crate::SessionEngine::load), and after the handler
//! copies the headers of [`SessionEngine::finish`](crate::SessionEngine::finish)'s
//! [`Outcome`](crate::Outcome) onto the response. Every decision is the engine's.
//!
//! What the adapters share, whatever the framework, is in `shared.rs`: `Adapter` (the
//! engine and the answer to a session that could not be saved), where their CSRF guards
//! find a token (`Submitted`, `form_token`), the bodies of the answers they make, and the
//! logging.

#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
pub mod actix;
#[cfg(feature = "actix-flash")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix-flash")))]
pub mod actix_flash;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
#[cfg(feature = "tower-sessions")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower-sessions")))]
pub mod tower_sessions;

mod shared;

#[cfg(feature = "axum")]
pub(crate) use shared::take_ready;
pub(crate) use shared::{
    Adapter, READ_FAILED, SAVE_FAILED, Submitted, UPDATE_FAILED, copy_headers, csrf_refused,
    form_token, log_entry_error, log_revocation_answer, log_save_error, revocation_answer,
};
#[cfg(feature = "tower-sessions")]
pub(crate) use shared::{header_refused, log_revocation};
