//! The crates users come with, unchanged, on chunked sessions, over real servers on
//! 127.0.0.1 driven by reqwest with a cookie store:
//!
//! - `axum_login`: examples/axum_login.rs (axum-login 0.18 and axum-messages 0.8 on the
//!   tower-sessions layer): login, the protected page, logout, session fixation, flash
//!   messages read once, a tampered chunk, forged forms;
//! - `tower`: the tower-sessions layer's own rules (budgets and the hook, mixed writes,
//!   `cycle_id`, misassembled layers refused loudly);
//! - `actix_login`: examples/actix_login.rs (actix-web-flash-messages 0.5 on the actix
//!   adapter): the current-user extractor, login with `renew`, logout with `purge` and a
//!   flash message after it, forged forms;
//! - `csrf`: a forged form post refused by the plain axum and actix-web adapters.

mod browser;

mod actix_login;
mod axum_login;
mod csrf;
mod tower;
