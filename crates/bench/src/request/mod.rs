//! Per-request cost, in process: each framework's service is called directly (actix-web's
//! `test::call_service`, axum's `tower::ServiceExt::oneshot`), no network. Every request
//! carries the same 3.5 KiB session, sealed beforehand by the contender itself, and a
//! browser's `User-Agent`, and its handler reads one key, writes one key, or never touches
//! the session. `revocation` adds the project's rows with a revocation store.

pub mod actix;
pub mod axum;
pub mod revocation;

use std::sync::atomic::{AtomicU64, Ordering};

use crate::measure::{Contender, Slot};
use crate::report::{Results, layout, micros};

/// What the handler does with the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Reads one string entry.
    Read,
    /// Writes one number entry (a new value each time), so the session is sealed again.
    Write,
    /// Never extracts the session.
    Untouched,
}

impl Scenario {
    /// Every scenario.
    pub const ALL: [Scenario; 3] = [Scenario::Read, Scenario::Write, Scenario::Untouched];

    /// The route serving it.
    pub fn path(self) -> &'static str {
        match self {
            Scenario::Read => "/read",
            Scenario::Write => "/write",
            Scenario::Untouched => "/untouched",
        }
    }

    /// The table title.
    pub fn table(self) -> &'static str {
        match self {
            Scenario::Read => "per request, 3.5 KiB session: read one key",
            Scenario::Write => "per request, 3.5 KiB session: write one key",
            Scenario::Untouched => "per request, 3.5 KiB session: handler never touches it",
        }
    }
}

/// The route that stores the whole session, used once to make each contender's cookies.
pub const SEED_PATH: &str = "/seed";
/// The entry the read handler returns.
pub const READ_KEY: &str = "user";
/// Its value in the seeded session, checked before measuring.
pub const READ_VALUE: &str = "ada";
/// The entry the write handler sets.
pub const WRITE_KEY: &str = "visits";

/// The `User-Agent` every request carries, as a browser sends one.
pub const USER_AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

/// A fresh value for every write, so every write changes the session.
pub fn next_write() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// The `Cookie` header of the requests to a service without sessions: one cookie as large
/// as a signed 3.5 KiB session, so every contender parses a header of about the same size.
pub fn baseline_cookie() -> String {
    format!("session={}", crate::data::random_base64url(4900, 1))
}

/// The session security a contender offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Signed (HMAC).
    Signed,
    /// Encrypted (AEAD).
    Private,
}

impl Security {
    /// Both.
    pub const ALL: [Security; 2] = [Security::Signed, Security::Private];

    /// `signed` or `private`.
    pub fn label(self) -> &'static str {
        match self {
            Security::Signed => "signed",
            Security::Private => "private",
        }
    }
}

/// The cookies a contender sent for the seeded session: `(name, bytes of name + value)`.
#[derive(Debug, Clone)]
pub struct Wire {
    /// The row label.
    pub label: String,
    /// Whether this is the project (whose cookies are never over the limit by design).
    pub peer: bool,
    /// Each cookie's name and the length of `name=value` less the `=`.
    pub cookies: Vec<(String, usize)>,
}

/// Records a contender's cookies once (the same adapter on two frameworks writes the same).
pub fn record(wires: &mut Vec<Wire>, wire: Wire) {
    if !wires.iter().any(|seen| seen.label == wire.label) {
        wires.push(wire);
    }
}

/// The `Cookie` header for `Set-Cookie` values, and the wire record of them.
pub fn cookie_header(label: &str, peer: bool, set_cookie: &[String]) -> (String, Wire) {
    // Peers' lines too are read with the `cookie` crate, never split by hand.
    let parsed: Vec<cookie::Cookie<'_>> = set_cookie
        .iter()
        .filter_map(|line| cookie::Cookie::parse(line.as_str()).ok())
        .collect();
    let pairs: Vec<String> = parsed
        .iter()
        .map(|cookie| format!("{}={}", cookie.name(), cookie.value()))
        .collect();
    let cookies = parsed
        .iter()
        .map(|cookie| {
            let bytes = cookie.name().len() + cookie.value().len();
            (cookie.name().to_owned(), bytes)
        })
        .collect();
    (
        pairs.join("; "),
        Wire {
            label: label.to_owned(),
            peer,
            cookies,
        },
    )
}

/// The row label of a contender on a framework.
pub fn row(framework: &str, contender: &str) -> String {
    format!("{framework}: {contender}")
}

/// Everything the per-request part measures, with the wire sizes seen while seeding; the
/// revocation rows check against `stores`.
pub fn contenders(wires: &mut Vec<Wire>, stores: &revocation::Stores) -> Vec<Contender> {
    let mut all = actix::contenders(wires, stores);
    all.extend(axum::contenders(wires, stores));
    all.extend(revocation::engine_contenders(stores));
    all
}

/// One scenario's table: time per request, overhead over the same framework without
/// middleware, and that overhead as a ratio to actix-session's and tower-sessions' of the
/// same security.
pub fn table(results: &Results, scenario: Scenario) -> String {
    let table = scenario.table();
    let value = |row: &str| results.get(table, row, "µs");
    let overhead = |row: &str| {
        let framework = row.split(':').next().unwrap_or_default();
        Some(value(row)? - value(&self::row(framework, "no middleware"))?)
    };
    let mut lines = vec![vec![
        String::new(),
        "µs/request".to_owned(),
        "overhead µs".to_owned(),
        "÷ actix-session".to_owned(),
        "÷ tower-sessions".to_owned(),
    ]];
    for row in results.rows(table) {
        let security = Security::ALL
            .into_iter()
            .find(|security| row.ends_with(security.label()));
        let ratio = |peer: String| {
            let (own, base) = (overhead(&row)?, overhead(&peer)?);
            (peer != row).then(|| format!("{:.2}×", own / base))
        };
        let versus = |framework: &str, peer: &str| {
            security
                .and_then(|security| {
                    ratio(self::row(
                        framework,
                        &format!("{peer} {}", security.label()),
                    ))
                })
                .unwrap_or_default()
        };
        lines.push(vec![
            row.clone(),
            value(&row).map(micros).unwrap_or_default(),
            overhead(&row).map(micros).unwrap_or_default(),
            versus("actix-web", "actix-session"),
            versus("axum", "tower-sessions"),
        ]);
    }
    format!("{table}\n{}", layout(&lines))
}

/// The wire sizes table: every cookie of the seeded session, peers over the browser limit
/// marked.
pub fn wire_table(wires: &[Wire]) -> String {
    const BROWSER_LIMIT: usize = 4096;
    let mut lines = vec![vec![
        String::new(),
        "cookies".to_owned(),
        "bytes (name + value) each".to_owned(),
        "total".to_owned(),
        String::new(),
    ]];
    for wire in wires {
        let over = wire.cookies.iter().any(|(_, len)| *len > BROWSER_LIMIT);
        lines.push(vec![
            wire.label.clone(),
            wire.cookies.len().to_string(),
            wire.cookies
                .iter()
                .map(|(name, len)| format!("{name} {len}"))
                .collect::<Vec<_>>()
                .join(", "),
            wire.cookies
                .iter()
                .map(|(_, len)| len)
                .sum::<usize>()
                .to_string(),
            if over && wire.peer {
                "over 4096: a browser drops this".to_owned()
            } else if over {
                "OVER 4096 (a bug)".to_owned()
            } else {
                String::new()
            },
        ]);
    }
    format!(
        "wire size of the 3.5 KiB session (each Set-Cookie's name=value)\n{}",
        layout(&lines)
    )
}

/// A slot of the per-request tables.
pub fn slot(scenario: Scenario, framework: &str, contender: &str) -> Slot {
    Slot::new(scenario.table(), row(framework, contender), "µs")
}
