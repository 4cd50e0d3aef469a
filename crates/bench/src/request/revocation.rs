//! The revocation rows of the per-request part: the project's signed format with a
//! revocation store, the memory store and the Redis store's mirror (a `redis-server` of its
//! own on a free loopback port), beside the same format without one. Each store holds
//! [`REVOKED`] revoked sessions and [`SIGNED_OUT`] signed-out subjects, and the measured
//! session is bound to a subject, so every check looks at all three scopes. The check reads
//! the process's memory only: no request goes to Redis.

use std::hint::black_box;
use std::process::Command;
use std::sync::Arc;

use chunked_cookie_session::revocation::{
    MemoryRevocation, RedisRevocation, Revocation, SessionId, now_micros,
};
use test_support::redis::RedisServer;

use super::{READ_KEY, READ_VALUE, Scenario, USER_AGENT};
use crate::data::request_session;
use crate::measure::{Contender, Slot};
use crate::project::{self, Format};
use crate::report::{Results, layout, micros};

/// The table of the engine's own rows: the request path without a framework, whose
/// smaller spread shows the small difference revocation makes.
pub const ENGINE_TABLE: &str =
    "revocation, engine only: load, read one key, finish (3.5 KiB signed session, a subject)";

/// Revoked sessions in each store.
pub const REVOKED: usize = 1_000;
/// Signed-out subjects in each store.
pub const SIGNED_OUT: usize = 100;
/// The subject the measured session is bound to.
pub const SUBJECT: &str = "user-42";

/// The stores measured, each with its row label, and the Redis server behind one of them
/// (kept until the measurement is over).
#[derive(Debug)]
pub struct Stores {
    /// `(row label, store)`.
    pub rows: Vec<(String, Arc<dyn Revocation>)>,
    /// The Redis store's server, `None` when `redis-server` is not installed.
    pub redis: Option<RedisServer>,
}

/// The memory store, and the Redis store when `redis-server` is installed (its rows are
/// left out otherwise, and the report says so).
pub fn stores() -> Stores {
    let memory: Arc<dyn Revocation> = Arc::new(MemoryRevocation::new());
    fill(&*memory);
    let mut rows = vec![("project signed, revocation memory".to_owned(), memory)];
    let installed = Command::new("redis-server")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    let redis = if installed {
        let server = RedisServer::start();
        let store = RedisRevocation::builder(server.url())
            .namespace("bench-request")
            .connect()
            .expect("valid settings");
        assert!(
            store.freshness().is_fresh(),
            "synced with the bench's Redis"
        );
        let store: Arc<dyn Revocation> = Arc::new(store);
        fill(&*store);
        rows.push(("project signed, revocation redis".to_owned(), store));
        Some(server)
    } else {
        println!(
            "request: redis-server not installed, the Redis store's rows are left out \
             (Debian package redis-server)"
        );
        None
    };
    Stores { rows, redis }
}

/// Revokes [`REVOKED`] sessions and signs out [`SIGNED_OUT`] subjects, none of them the
/// measured session's.
fn fill(store: &dyn Revocation) {
    let until = now_micros() / 1_000_000 + 3600;
    for _ in 0..REVOKED {
        let id = SessionId::generate().expect("randomness");
        store
            .revoke_session(id, Some(until))
            .wait()
            .expect("the store confirms");
    }
    for n in 0..SIGNED_OUT {
        store
            .revoke_subject(&format!("signed-out-{n}"))
            .wait()
            .expect("the store confirms");
    }
}

/// The engine's own request path (load with the user agent, read one key, finish), for
/// the signed format without a store and with each store.
pub fn engine_contenders(stores: &Stores) -> Vec<Contender> {
    let map = request_session();
    let mut engines = vec![(
        "project signed".to_owned(),
        project::engine(Format::Signed, true),
    )];
    for (label, store) in &stores.rows {
        engines.push((
            label.clone(),
            project::revocable(Format::Signed, Arc::clone(store)),
        ));
    }
    engines
        .into_iter()
        .map(|(label, engine)| {
            let cookie = project::seeded_cookie(&engine, &map, SUBJECT);
            let (value, decided) = project::read_cycle(&engine, &cookie, USER_AGENT, READ_KEY);
            assert_eq!((value.as_str(), decided), (READ_VALUE, 0), "{label}");
            Contender::timed(Slot::new(ENGINE_TABLE, label, "µs"), move || {
                black_box(project::read_cycle(
                    &engine,
                    black_box(&cookie),
                    USER_AGENT,
                    READ_KEY,
                ));
            })
        })
        .collect()
}

/// What revocation adds per request (read one key): each framework's project signed row,
/// and each store's row with what it adds.
pub fn table(results: &Results, stores: &Stores) -> String {
    let table = Scenario::Read.table();
    let mut lines = vec![vec![
        String::new(),
        "µs/request".to_owned(),
        "added by revocation, µs".to_owned(),
    ]];
    for framework in ["actix-web", "axum", "engine only"] {
        let engine_only = framework == "engine only";
        let table = if engine_only { ENGINE_TABLE } else { table };
        let row_of = |label: &str| {
            if engine_only {
                label.to_owned()
            } else {
                super::row(framework, label)
            }
        };
        let base_row = row_of("project signed");
        let base = results.get(table, &base_row, "µs");
        lines.push(vec![
            format!("{framework}: project signed"),
            base.map(micros).unwrap_or_default(),
            String::new(),
        ]);
        for (label, _) in &stores.rows {
            let row = row_of(label);
            let value = results.get(table, &row, "µs");
            let added = value.zip(base).map(|(value, base)| micros(value - base));
            lines.push(vec![
                format!("{framework}: {label}"),
                value.map(micros).unwrap_or_default(),
                added.unwrap_or_default(),
            ]);
        }
    }
    format!(
        "revocation, per request, 3.5 KiB session bound to a subject, read one key \
         ({REVOKED} revoked sessions and {SIGNED_OUT} signed-out subjects in each store; 0 \
         round trips to Redis: the check reads the process's mirror)\n{}",
        layout(&lines)
    )
}
