//! `cookie-session revoke`: ends sessions in a fleet's Redis revocation store, one by id,
//! every session of a subject, or every session created before a time. The store, its
//! rules and its bounds are the library's (`RedisRevocation`); this only translates
//! arguments into one call and the answer into a sentence.

use std::time::Duration;

use chunked_cookie_session::revocation::{
    DEFAULT_LIFETIME, DEFAULT_NAMESPACE, DEFAULT_WRITE_TIMEOUT, OptionsError, RedisRevocation,
    Revocation, RevocationError, SessionId, now_micros,
};
use clap::{ArgGroup, Args};
use cookie_session_cli::revocation::{Store, utc_micros, utc_secs};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::report::printable;

/// What `revoke` takes.
#[derive(Debug, Args)]
#[command(group(
    ArgGroup::new("what").required(true).args(["session_id", "subject", "before"])
))]
pub(crate) struct RevokeArgs {
    /// The fleet's revocation store: redis://[:PASSWORD@]HOST:PORT[/DB], the Redis every
    /// server of the fleet follows (`memory` is a store inside one server process, which
    /// another process cannot reach). Prefer the REVOCATION_STORE environment variable
    /// when the URL holds a password: a command line is visible in `ps`.
    #[arg(
        long,
        env = "REVOCATION_STORE",
        hide_env_values = true,
        value_name = "URL"
    )]
    store: Store,
    /// The key prefix and channel the servers use (their store's namespace).
    #[arg(long, default_value = DEFAULT_NAMESPACE)]
    namespace: String,
    /// The servers' session lifetime, in seconds (14 days by default; Flask's is 31
    /// days, 2678400): how long a revocation is kept, so give the servers' own.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_LIFETIME.as_secs())]
    lifetime: u64,
    /// How long to wait for Redis to confirm, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_WRITE_TIMEOUT.as_secs())]
    timeout: u64,
    /// Revoke one session, every copy of its cookies ("sign out that device"): its id,
    /// 22 characters of base64url, as `inspect` (with the key) or the device list show it.
    #[arg(long = "session-id", value_name = "ID")]
    session_id: Option<String>,
    /// Revoke every session of this subject created before now ("sign out everywhere", a
    /// password change): the subject the application bound its sessions to.
    #[arg(long, value_name = "NAME")]
    subject: Option<String>,
    /// Revoke every session created before TIME (break glass): an RFC 3339 time
    /// (2026-05-18T12:00:00Z, 2026-05-18T14:00:00.250+02:00), Unix seconds (1779105600,
    /// or 1779105600.25 to the microsecond) or `now`. Not in the future.
    #[arg(long, value_name = "TIME")]
    before: Option<String>,
}

/// Runs `revoke`: one line on success, a message (exit status 1) otherwise.
pub(crate) fn revoke(args: &RevokeArgs) -> Result<String, String> {
    let url = match &args.store {
        Store::Redis(url) => url,
        Store::Memory => {
            return Err(
                "--store memory: the memory store lives inside one server process, \
                 which this command cannot reach; revoke from that process, or give the \
                 fleet's Redis: --store redis://HOST:PORT"
                    .to_owned(),
            );
        }
    };
    // Checked before connecting: a wrong argument needs no Redis to be said.
    let target = Target::of(args)?;
    let store = RedisRevocation::builder(url.as_str())
        .namespace(args.namespace.as_str())
        .lifetime(Duration::from_secs(args.lifetime))
        .write_timeout(Duration::from_secs(args.timeout))
        // Nothing to read before writing: the call goes out at once.
        .startup_wait(Duration::ZERO)
        .connect()
        .map_err(|err| options_message(&err))?;
    let at = format!(
        "Redis at {}, namespace {}",
        store.address(),
        store.namespace()
    );
    let unconfirmed = |err: RevocationError| match err {
        RevocationError::Unconfirmed(bound) => format!(
            "not revoked: {at} did not confirm within {}s; check that it runs and that \
             --store names it, then run this again (revoking twice is harmless)",
            bound.as_secs_f64()
        ),
        RevocationError::FutureEpoch => {
            "--before: the time is in the future, which would refuse sessions not created \
             yet"
            .to_owned()
        }
        other => format!("not revoked: {other}"),
    };
    match target {
        Target::Session(id) => {
            store.revoke_session(id, None).wait().map_err(unconfirmed)?;
            let until = now_micros() / 1_000_000 + args.lifetime;
            Ok(format!(
                "revoked session {id}, every copy of its cookies, until {} (the sessions' \
                 lifetime, --lifetime); confirmed by {at}\n",
                utc_secs(until)
            ))
        }
        Target::Subject(subject) => {
            let epoch = store.revoke_subject(&subject).wait().map_err(unconfirmed)?;
            Ok(format!(
                "revoked every session of subject \"{}\" created before {} (epoch {epoch} µs); \
                 confirmed by {at}\n",
                printable(&subject),
                utc_micros(epoch)
            ))
        }
        Target::Before(before) => {
            store
                .revoke_everyone_before(before)
                .wait()
                .map_err(unconfirmed)?;
            Ok(format!(
                "revoked every session created before {} (epoch {before} µs); confirmed by \
                 {at}\n",
                utc_micros(before)
            ))
        }
    }
}

/// What to revoke, read from the arguments.
enum Target {
    Session(SessionId),
    Subject(String),
    Before(u64),
}

impl Target {
    fn of(args: &RevokeArgs) -> Result<Target, String> {
        if let Some(id) = &args.session_id {
            return id
                .parse()
                .map(Target::Session)
                .map_err(|err| format!("--session-id: {err}"));
        }
        if let Some(subject) = &args.subject {
            chunked_cookie_session::revocation::check_subject(subject)
                .map_err(|err| format!("--subject: {err}"))?;
            return Ok(Target::Subject(subject.clone()));
        }
        let text = args.before.as_deref().unwrap_or("now");
        parse_time(text).map(Target::Before).ok_or_else(|| {
            format!(
                "--before {}: not a time; give an RFC 3339 time (2026-05-18T12:00:00Z), \
                     Unix seconds (1779105600 or 1779105600.25) or `now`",
                printable(text)
            )
        })
    }
}

/// A time in microseconds since the Unix epoch: RFC 3339, Unix seconds with at most six
/// decimals, or `now`.
fn parse_time(text: &str) -> Option<u64> {
    if text == "now" {
        return Some(now_micros());
    }
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        let micros = at.unix_timestamp_nanos() / 1000;
        return u64::try_from(micros).ok();
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 6 {
        return None;
    }
    let seconds: u64 = whole.parse().ok()?;
    let micros: u64 = format!("{fraction:0<6}").parse().ok()?;
    seconds.checked_mul(1_000_000)?.checked_add(micros)
}

/// A store setting refused by the library, in this tool's words.
fn options_message(err: &OptionsError) -> String {
    let flag = match err {
        OptionsError::Url(_) => "--store",
        OptionsError::Namespace(_) => "--namespace",
        OptionsError::Duration { name, .. } if *name == "lifetime" => "--lifetime",
        OptionsError::Duration { .. } => "--timeout",
        _ => "revoke",
    };
    format!("{flag}: {err}")
}
