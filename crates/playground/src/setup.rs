//! Command-line options and the session engine they describe. The format and its keys are
//! the same options as the `cookie-session` tool's; the revocation store is the library's,
//! in memory or on Redis.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chunked_cookie_session::revocation::{
    DEFAULT_REGISTRY_CAP, DEFAULT_STALENESS_BOUND, DEFAULT_WRITE_TIMEOUT, MemoryRevocation,
    OptionsError, Policy, RedisRevocation, Revocation,
};
use chunked_cookie_session::{EngineOptions, SessionEngine};
use clap::Parser;
use cookie_session_cli::options::{FormatArgs, MissingKey};
use cookie_session_cli::revocation::Store;

/// Watch chunked cookie sessions grow, shrink and break, in a browser or with curl; log in,
/// log out and watch copied cookies refused.
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
    /// Where revocations are kept: `memory` (this process only, gone when it stops) or
    /// redis://HOST:PORT (shared by every playground on that Redis, which hears of a
    /// logout on any of them within moments).
    #[arg(long, default_value = "memory", value_name = "memory|URL")]
    pub revocation: Store,
    /// Keep a device registry: each signed-in user's sessions (id, created, last seen,
    /// user agent), for GET /api/sessions and DELETE /api/sessions/{id}.
    #[arg(long)]
    pub registry: bool,
    /// With Redis: what a session the store cannot vouch for gets once Redis has been
    /// silent past --staleness: refused as `revocation-unavailable` (fail-closed) or
    /// accepted with a warning (fail-open). Revocations already known apply either way.
    #[arg(long = "revocation-policy", default_value_t = Policy::FailClosed, value_name = "fail-closed|fail-open")]
    pub policy: Policy,
    /// With Redis: how long, in seconds (decimals allowed, 0.1 to 3600), the store may go
    /// without hearing from Redis before --revocation-policy applies. Calls that wait on
    /// Redis (logout, the device list) wait at most half of it (and at most 2 s), so no
    /// request takes longer than this.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_STALENESS_BOUND.as_secs_f64())]
    pub staleness: f64,
}

/// What the page and the API say about the revocation store.
#[derive(Debug, Clone, Copy)]
pub struct Revocations {
    /// `memory` or `redis`.
    pub store: &'static str,
    /// Whether the device registry is on.
    pub registry: bool,
}

/// Builds the engine the options describe, printing what a newcomer must know about it
/// (a generated key, cookies without `Secure`, the revocation store).
///
/// # Errors
///
/// A message for a key that does not decode, a budget out of range, or a revocation
/// setting that cannot work.
pub fn build_engine(args: &Args) -> Result<(SessionEngine, Revocations), String> {
    let format = &args.format;
    let mut options = format.options(MissingKey::Generate {
        announce: announce_fresh_key,
    })?;
    // The playground speaks plain HTTP, and a browser never stores a `Secure` cookie that
    // arrives over it (except from localhost, which 127.0.0.1 is not to every browser).
    options.secure = false;
    options.max_size = args.max_size;
    let (store, revocations) = revocation_store(args, &options)?;
    options.revocation = Some(store);
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
    Ok((engine, revocations))
}

/// The revocation store the options name, kept as long as the engine's sessions live.
fn revocation_store(
    args: &Args,
    options: &EngineOptions,
) -> Result<(Arc<dyn Revocation>, Revocations), String> {
    let lifetime = options.session_lifetime();
    let registry = args.registry.then_some(DEFAULT_REGISTRY_CAP);
    let staleness = Duration::try_from_secs_f64(args.staleness)
        .map_err(|_| format!("--staleness {}: a number of seconds", args.staleness))?;
    let message = |err: OptionsError| match err {
        OptionsError::Url(_) => format!("--revocation: {err}"),
        OptionsError::Duration { .. } => format!("--staleness: {err}"),
        other => format!("revocation store: {other}"),
    };
    match &args.revocation {
        Store::Memory => {
            if args.policy != Policy::FailClosed || staleness != DEFAULT_STALENESS_BOUND {
                eprintln!(
                    "note: --revocation-policy and --staleness apply to a Redis store; the \
                     memory store is always current"
                );
            }
            let mut builder = MemoryRevocation::builder().lifetime(lifetime);
            if let Some(cap) = registry {
                builder = builder.registry(cap);
            }
            let store = builder.build().map_err(message)?;
            eprintln!(
                "revocation: in this process's memory{}; a restart forgets it",
                if args.registry {
                    ", device registry on"
                } else {
                    ""
                }
            );
            Ok((
                Arc::new(store),
                Revocations {
                    store: "memory",
                    registry: args.registry,
                },
            ))
        }
        Store::Redis(url) => {
            let mut builder = RedisRevocation::builder(url.as_str())
                .lifetime(lifetime)
                .staleness_bound(staleness)
                .policy(args.policy)
                // A call that waits on Redis (and the writer's one I/O timeout after it)
                // ends within the staleness bound.
                .write_timeout(DEFAULT_WRITE_TIMEOUT.min(staleness / 2));
            if let Some(cap) = registry {
                builder = builder.registry(cap);
            }
            // Waits (a few seconds at most) for the first sync: a playground started after
            // a revocation knows it before it serves anyone.
            let store = builder.connect().map_err(message)?;
            eprintln!(
                "revocation: Redis at {}, namespace {}, {} past {:?} without news{}; {}",
                store.address(),
                store.namespace(),
                store.policy(),
                staleness,
                if args.registry {
                    ", device registry on"
                } else {
                    ""
                },
                if store.freshness().is_fresh() {
                    "synced"
                } else {
                    "not synced yet (the policy answers until it is)"
                }
            );
            Ok((
                Arc::new(store),
                Revocations {
                    store: "redis",
                    registry: args.registry,
                },
            ))
        }
    }
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
