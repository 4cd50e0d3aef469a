//! Command-line options and the session engine they describe. The format and its keys are
//! the same options as the `cookie-session` tool's.

use std::net::SocketAddr;

use chunked_cookie_session::SessionEngine;
use clap::Parser;
use cookie_session_cli::options::{FormatArgs, MissingKey};

/// Watch chunked cookie sessions grow, shrink and break, in a browser or with curl.
#[derive(Debug, Parser)]
#[command(name = "playground", version)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Budget for all session cookies together, in bytes of the Cookie header.
    #[arg(long = "max-size", default_value_t = 40 * 1024)]
    pub max_size: usize,
    #[command(flatten)]
    pub format: FormatArgs,
}

/// Builds the engine the options describe, printing what a newcomer must know about it
/// (a generated key, cookies without `Secure`).
///
/// # Errors
///
/// A message for a key that does not decode or a budget out of range.
pub fn build_engine(args: &Args) -> Result<SessionEngine, String> {
    let format = &args.format;
    let mut options = format.options(MissingKey::Generate {
        announce: announce_fresh_key,
    })?;
    // The playground speaks plain HTTP, and a browser never stores a `Secure` cookie that
    // arrives over it (except from localhost, which 127.0.0.1 is not to every browser).
    options.secure = false;
    options.max_size = args.max_size;
    let engine = options.build().map_err(|err| format.config_message(&err))?;
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
    Ok(engine)
}

fn announce_fresh_key() {
    eprintln!(
        "\n################################################################\n\
         WARNING: no --key and no SESSION_KEY: using a random key made now.\n\
         Every session dies when the playground stops. To keep them, run\n\
         `cargo run -p cookie-session-cli -- keygen` and pass the result\n\
         as SESSION_KEY=... or --key ...\n\
         ################################################################\n"
    );
}
