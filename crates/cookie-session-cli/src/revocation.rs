//! The revocation store as a command-line option, shared by `cookie-session revoke` and the
//! playground: `memory` (a store inside one server process) or a `redis://` URL (a
//! fleet's store), and times as both print them. The stores and every rule about them are
//! the library's (`chunked_cookie_session::revocation`).

use std::fmt;
use std::str::FromStr;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Which revocation store: `memory`, or the Redis a fleet shares.
#[derive(Clone, PartialEq, Eq)]
pub enum Store {
    /// The store kept in the server process's own memory.
    Memory,
    /// A Redis store at this `redis://` URL (which may hold a password: never printed).
    Redis(String),
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Store::Memory => f.write_str("Memory"),
            // The URL may carry a password.
            Store::Redis(_) => f.write_str("Redis(..)"),
        }
    }
}

impl FromStr for Store {
    type Err = String;

    /// `memory`, or a URL that starts with `redis://` (in any case); the library checks the
    /// rest of the URL when it connects.
    fn from_str(text: &str) -> Result<Store, String> {
        let scheme = text.split_once("://").map(|(scheme, _)| scheme);
        match scheme {
            None if text == "memory" => Ok(Store::Memory),
            Some(scheme) if scheme.eq_ignore_ascii_case("redis") => {
                Ok(Store::Redis(text.to_owned()))
            }
            Some(scheme) => Err(format!(
                "a {scheme}:// store is not supported: give `memory` or redis://HOST:PORT (no \
                 TLS, no unix sockets in this build)"
            )),
            None => {
                Err("give `memory` or a Redis URL, redis://[:PASSWORD@]HOST:PORT[/DB]".to_owned())
            }
        }
    }
}

/// Microseconds since the Unix epoch as an RFC 3339 UTC time, to the microsecond
/// (`2026-05-18T12:00:00.123456Z`), or the number itself when out of range.
pub fn utc_micros(micros: u64) -> String {
    i128::from(micros)
        .checked_mul(1000)
        .and_then(|nanos| OffsetDateTime::from_unix_timestamp_nanos(nanos).ok())
        .and_then(|at| at.format(&Rfc3339).ok())
        .unwrap_or_else(|| format!("{micros} µs (out of range)"))
}

/// Unix seconds as an RFC 3339 UTC time.
pub fn utc_secs(secs: u64) -> String {
    utc_micros(secs.saturating_mul(1_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_and_times() {
        assert_eq!("memory".parse::<Store>(), Ok(Store::Memory));
        assert_eq!(
            "REDIS://127.0.0.1:6379/0".parse::<Store>(),
            Ok(Store::Redis("REDIS://127.0.0.1:6379/0".to_owned()))
        );
        assert!("rediss://h:1".parse::<Store>().is_err());
        assert!("127.0.0.1:6379".parse::<Store>().is_err());
        assert_eq!(
            format!("{:?}", Store::Redis("redis://:secret@h:1".to_owned())),
            "Redis(..)"
        );
        assert_eq!(
            utc_micros(1_700_000_000_123_456),
            "2023-11-14T22:13:20.123456Z"
        );
        assert_eq!(utc_secs(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}
