//! The crates users come with, unchanged, on chunked sessions, over real servers on
//! 127.0.0.1 driven by reqwest with a cookie store:
//!
//! - `login`: one login scenario (login, the protected page, flash messages read once,
//!   logout, session fixation, a tampered chunk, forged forms; with a revocation store, a
//!   cookie set copied before logout refused after it, and log out everywhere) run
//!   against both examples:
//! - `axum_login`: examples/axum_login.rs (axum-login 0.18 and axum-messages 0.8 on the
//!   tower-sessions layer);
//! - `tower`: the tower-sessions layer's own rules (budgets and the hook, mixed writes,
//!   `cycle_id`, misassembled layers refused loudly);
//! - `actix_login`: examples/actix_login.rs (actix-web-flash-messages 0.5 on the actix
//!   adapter), with its current-user extractor;
//! - `csrf`: a forged form post refused by the plain axum and actix-web adapters.
#![allow(
    clippy::duplicate_mod,
    reason = "both examples, included here as modules, declare the examples' shared module"
)]

mod browser;
mod login;

mod actix_login;
mod axum_login;
mod csrf;
mod tower;
