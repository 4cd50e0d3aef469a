//! Command-line options and the session engine they describe.
//!
//! Every wire format the playground can serve gets its arm in [`build_engine`], so adding
//! one touches [`Format`] and that match, nothing else.

use std::net::SocketAddr;

use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings};
use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
use clap::{Parser, ValueEnum};

/// Watch chunked cookie sessions grow, shrink and break, in a browser or with curl.
#[derive(Debug, Parser)]
#[command(name = "playground", version)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Session key (base64url, 32 bytes or more), as printed by `cookie-session keygen`.
    /// Without one, a key is made at start and sessions die with the process.
    #[arg(
        long,
        env = "SESSION_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub key: Option<String>,
    /// Budget for all session cookies together, in bytes of the Cookie header.
    #[arg(long = "max-size", default_value_t = 40 * 1024)]
    pub max_size: usize,
    /// Wire format of the session cookies.
    #[arg(long, value_enum, default_value_t = Format::Signed)]
    pub format: Format,
    /// With `--format flask`: the Flask app's SECRET_KEY.
    #[arg(
        long,
        env = "FLASK_SECRET_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub secret: Option<String>,
    /// With `--format flask`: one cookie as Flask writes it, or the chunked recipe's
    /// `session:0`, `session:1`, ….
    #[arg(long, value_enum, default_value_t = Layout::Stock)]
    pub layout: Layout,
}

/// Flask cookie layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Layout {
    /// One `session` cookie.
    Stock,
    /// `session:0`, `session:1`, ….
    Chunked,
}

/// The wire formats the playground serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The native v1 format, signed with HMAC-SHA256.
    Signed,
    /// The native v1 format, encrypted with XChaCha20-Poly1305.
    Private,
    /// Flask's session cookie, so a Flask app on the same host shares its sessions.
    Flask,
}

/// Builds the engine the options describe, printing what a newcomer must know about it
/// (a generated key, cookies without `Secure`).
///
/// # Errors
///
/// A message for a key that does not decode or a budget out of range.
pub fn build_engine(args: &Args) -> Result<SessionEngine, String> {
    // A budget past the default 16 chunks needs more of them; 4000 bytes is a little under
    // what one chunk carries, so the count never limits before the budget does.
    let max_chunks =
        (args.max_size / 4000 + 1).clamp(16, chunked_cookie_session::MAX_CHUNKS_CEILING);
    // The playground speaks plain HTTP, and a browser never stores a `Secure` cookie that
    // arrives over it (except from localhost, which 127.0.0.1 is not to every browser).
    let config = SessionConfig::builder()
        .secure(false)
        .max_size(args.max_size)
        .max_chunks(max_chunks)
        .build()
        .map_err(|err| format!("--max-size: {err}"))?;
    eprintln!(
        "note: plain HTTP, so session cookies are sent without the Secure attribute; \
         production sessions keep it"
    );
    if !args.addr.ip().is_loopback() {
        eprintln!(
            "WARNING: listening on {}, beyond loopback: session cookies cross the network \
             unencrypted",
            args.addr
        );
    }
    match args.format {
        Format::Signed => Ok(SessionEngine::signed(
            config,
            KeyRing::new(current_key(args)?),
        )),
        Format::Private => Ok(SessionEngine::private(
            config,
            KeyRing::new(current_key(args)?),
        )),
        Format::Flask => Ok(SessionEngine::flask(config, flask_settings(args)?)),
    }
}

/// Flask's settings from `--secret` / `FLASK_SECRET_KEY` and `--layout`.
fn flask_settings(args: &Args) -> Result<FlaskSettings, String> {
    let secret = args.secret.as_deref().ok_or_else(|| {
        "--format flask needs --secret (or FLASK_SECRET_KEY): the Flask app's SECRET_KEY".to_owned()
    })?;
    let settings = FlaskSettings::new(secret).map_err(|err| format!("--secret: {err}"))?;
    Ok(settings.layout(match args.layout {
        Layout::Stock => FlaskLayout::Stock,
        Layout::Chunked => FlaskLayout::Chunked,
    }))
}

/// The key from `--key` / `SESSION_KEY`, or a fresh one announced loudly.
fn current_key(args: &Args) -> Result<Key, String> {
    if let Some(text) = &args.key {
        return Key::from_base64url(text).map_err(|err| format!("--key / SESSION_KEY: {err}"));
    }
    eprintln!(
        "\n################################################################\n\
         WARNING: no --key and no SESSION_KEY: using a random key made now.\n\
         Every session dies when the playground stops. To keep them, run\n\
         `cargo run -p cookie-session-cli -- keygen` and pass the result\n\
         as SESSION_KEY=... or --key ...\n\
         ################################################################\n"
    );
    Key::try_generate().map_err(|err| format!("generating a key: {err}"))
}
