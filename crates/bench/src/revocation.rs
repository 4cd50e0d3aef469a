//! Revocation, measured: the cost of a check on a mirror of 0, 10^3 and 10^6 revoked
//! sessions (memory store and Redis store), the time from a revoke on one Redis store to
//! its refusal by another store's mirror (p50, p99 over 1,000 revokes on loopback),
//! revokes per second (one at a time, and queued), the time a store started later takes
//! to sync 10^6 revocations, and memory per million revoked sessions: in the mirror,
//! counted by the allocator (build with `--features heap`), and in Redis (`used_memory`).
//!
//! It starts its own `redis-server` (Debian package `redis-server`) on a free loopback
//! port.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chunked_cookie_session::revocation::{
    Identity, MemoryRevocation, Policy, RedisRevocation, Revocation, Scope, SessionId, Verdict,
    now_micros,
};
#[cfg(feature = "heap")]
use peakmem_alloc::{INSTRUMENTED_SYSTEM, PeakMemAlloc, PeakMemAllocTrait};
use test_support::redis::RedisServer;

use crate::measure::{self, Contender, Plan, Slot};
use crate::report::layout;

/// With `--features heap` the whole bench binary counts its allocations (a few
/// nanoseconds per allocation: leave it off for the other sections' figures).
#[cfg(feature = "heap")]
#[global_allocator]
static GLOBAL: &PeakMemAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// The sizes measured.
const SIZES: [usize; 3] = [0, 1_000, 1_000_000];

/// The revokes timed from one store to the other.
const PROPAGATIONS: usize = 1_000;

/// A pool of sessions the checks cycle through (none revoked), with subjects.
fn pool() -> Vec<Identity> {
    let created = now_micros();
    (0..4096)
        .map(|n| {
            Identity::new(id(), created, created / 1_000_000 + 3600)
                .with_subject(format!("user-{}", n % 1000))
                .expect("a subject")
        })
        .collect()
}

fn id() -> SessionId {
    SessionId::generate().expect("randomness")
}

/// A check contender cycling through the pool.
fn checker(slot: Slot, store: std::sync::Arc<dyn Revocation>) -> Contender {
    let pool = pool();
    let mut next = 0usize;
    Contender::timed(slot, move || {
        next = (next + 1) & (pool.len() - 1);
        black_box(store.check(black_box(&pool[next])));
    })
}

/// A memory store holding `count` revoked sessions.
fn memory_store(count: usize) -> MemoryRevocation {
    let store = MemoryRevocation::new();
    let until = now_micros() / 1_000_000 + 3600;
    for _ in 0..count {
        store
            .revoke_session(id(), Some(until))
            .wait()
            .expect("memory");
    }
    store
}

/// Runs the check contenders and returns `(label, median ns, spread)` rows; the spread is
/// the interquartile range of the rounds over the median (other work on the machine).
fn time_checks(contenders: Vec<Contender>, plan: Plan) -> Vec<(String, f64, f64)> {
    let mut contenders = contenders;
    measure::run(&mut contenders, plan);
    contenders
        .iter()
        .map(|contender| {
            (
                contender.slot.row.clone(),
                contender.median_ns().unwrap_or(f64::NAN),
                contender.spread().unwrap_or(f64::NAN),
            )
        })
        .collect()
}

fn percentile(sorted: &[Duration], share: f64) -> Duration {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an index into a short list"
    )]
    let at = ((sorted.len() - 1) as f64 * share).round() as usize;
    sorted[at]
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

/// Redis's `used_memory`, in bytes.
fn used_memory(server: &RedisServer) -> u64 {
    let mut con = redis::Client::open(server.url())
        .expect("the URL")
        .get_connection()
        .expect("the bench's Redis");
    let info: String = redis::cmd("INFO")
        .arg("memory")
        .query(&mut con)
        .expect("INFO");
    info.lines()
        .find_map(|line| line.strip_prefix("used_memory:"))
        .and_then(|value| value.trim().parse().ok())
        .expect("INFO memory has used_memory")
}

fn redis_store(server: &RedisServer) -> RedisRevocation {
    let store = RedisRevocation::builder(server.url())
        .namespace("bench")
        .startup_wait(Duration::from_secs(60))
        .write_timeout(Duration::from_secs(10))
        .policy(Policy::FailClosed)
        .connect()
        .expect("a store on the bench's Redis");
    assert!(store.freshness().is_fresh(), "synced at start-up");
    store
}

/// Waits until `done` holds (the bench stops after a minute without it).
fn until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "never: {what}"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Measures everything and returns the report.
pub fn report(plan: Plan) -> String {
    let mut out = String::new();

    // Memory per million, counted by the allocator.
    out.push_str(&mirror_memory());

    // check() on memory stores.
    let mut contenders = Vec::new();
    for size in SIZES {
        let store: std::sync::Arc<dyn Revocation> = std::sync::Arc::new(memory_store(size));
        contenders.push(checker(
            Slot::new("check", format!("memory store, {size} revoked"), "ns"),
            store,
        ));
    }
    let mut checks = time_checks(contenders, plan);

    // The Redis part.
    let server = RedisServer::start();
    let sender = redis_store(&server);
    let receiver = std::sync::Arc::new(redis_store(&server));
    let redis_before = used_memory(&server);
    checks.extend(time_checks(
        vec![checker(
            Slot::new("check", "Redis store's mirror, 0 revoked", "ns"),
            receiver.clone(),
        )],
        plan,
    ));

    // Propagation: one revoke at a time, from the call on one store to the refusal by
    // the other's mirror (its pub/sub follower applies it).
    let expires = now_micros() / 1_000_000 + 3600;
    let mut seen = Vec::with_capacity(PROPAGATIONS);
    for _ in 0..PROPAGATIONS {
        let session = Identity::new(id(), now_micros(), expires);
        let start = Instant::now();
        let pending = sender.revoke(&session);
        while receiver.check(&session) != Verdict::Revoked(Scope::Session) {
            std::thread::yield_now();
        }
        seen.push(start.elapsed());
        pending.wait().expect("Redis confirms");
    }
    seen.sort();
    checks.extend(time_checks(
        vec![checker(
            Slot::new("check", "Redis store's mirror, 1000 revoked", "ns"),
            receiver.clone(),
        )],
        plan,
    ));

    // One at a time: each call waits for Redis to confirm before the next.
    let mut confirmed = Vec::with_capacity(PROPAGATIONS);
    for _ in 0..PROPAGATIONS {
        let start = Instant::now();
        sender
            .revoke_session(id(), Some(expires))
            .wait()
            .expect("Redis confirms");
        confirmed.push(start.elapsed());
    }
    confirmed.sort();
    let one_at_a_time: Duration = confirmed.iter().sum();

    // Queued revokes: the writer batches what waits (256 per round trip).
    let queued = SIZES[2] - 2 * PROPAGATIONS;
    let start = Instant::now();
    for sent in 0..queued {
        // Stay under the writer's queue limit.
        if sent % 10_000 == 0 {
            until("the writer's queue drains", || {
                sender.stats().pending_writes < 50_000
            });
        }
        let _unawaited = sender.revoke_session(id(), Some(expires));
    }
    until("Redis confirms every revoke", || {
        sender.stats().pending_writes == 0
    });
    let written = start.elapsed();
    until("the other store heard every revoke", || {
        receiver.stats().revoked_sessions >= SIZES[2] as u64
    });
    let heard = start.elapsed();
    let redis_after = used_memory(&server);

    checks.extend(time_checks(
        vec![checker(
            Slot::new("check", "Redis store's mirror, 1000000 revoked", "ns"),
            receiver.clone(),
        )],
        plan,
    ));

    // A process started now syncs everything.
    let start = Instant::now();
    let later = redis_store(&server);
    let sync = start.elapsed();
    let synced = later.stats().revoked_sessions;

    let mut lines = vec![vec![
        "check(), a session not revoked".to_owned(),
        "ns/op".to_owned(),
        "middle half of the rounds".to_owned(),
    ]];
    for (row, ns, spread) in &checks {
        lines.push(vec![
            row.clone(),
            format!("{ns:.0}"),
            format!("±{:.0}%", spread * 50.0),
        ]);
    }
    out.push_str(&format!(
        "revocation: check (median over the rounds)\n{}\n",
        layout(&lines)
    ));

    // Bytes per session are megabytes per million.
    #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let per_second = |count: usize, took: Duration| count as f64 / took.as_secs_f64();
    let lines = vec![
        vec![
            format!(
                "revoke on one store -> refused by another's mirror ({PROPAGATIONS} revokes, loopback)"
            ),
            format!(
                "p50 {}  p99 {}  max {}",
                ms(percentile(&seen, 0.5)),
                ms(percentile(&seen, 0.99)),
                ms(seen[seen.len() - 1])
            ),
        ],
        vec![
            "revoke confirmed by Redis, one at a time".to_owned(),
            format!(
                "p50 {}  p99 {}  = {:.0} revokes/s",
                ms(percentile(&confirmed, 0.5)),
                ms(percentile(&confirmed, 0.99)),
                per_second(PROPAGATIONS, one_at_a_time)
            ),
        ],
        vec![
            format!("{queued} revokes queued at once, confirmed by Redis"),
            format!(
                "{:.2} s = {:.0} revokes/s",
                written.as_secs_f64(),
                per_second(queued, written)
            ),
        ],
        vec![
            "  ... and applied by the other store's mirror".to_owned(),
            format!(
                "{:.2} s = {:.0} revokes/s",
                heard.as_secs_f64(),
                per_second(queued, heard)
            ),
        ],
        vec![
            format!("a store started later: connect + full sync of {synced} revocations"),
            format!("{:.2} s", sync.as_secs_f64()),
        ],
        vec![
            "Redis used_memory per million revoked sessions".to_owned(),
            format!(
                "{:.1} MB",
                redis_after.saturating_sub(redis_before) as f64 / SIZES[2] as f64
            ),
        ],
    ];
    out.push_str(&format!(
        "revocation: Redis on loopback\n{}",
        layout(&lines)
    ));
    out
}

/// The mirror's heap per million revoked sessions, as the allocator counts it.
#[cfg(feature = "heap")]
fn mirror_memory() -> String {
    // What the store keeps after the inserts: the peak counted from the start, taken by a
    // large (untouched) allocation made afterwards, less that allocation.
    const PROBE: usize = 512 << 20;
    GLOBAL.reset_peak_memory();
    let store = memory_store(SIZES[2]);
    let probe: Vec<u8> = Vec::with_capacity(PROBE);
    black_box(&probe);
    let kept = GLOBAL.get_peak_memory().saturating_sub(PROBE);
    drop(probe);
    black_box(&store);
    drop(store);
    GLOBAL.reset_peak_memory();
    let store = memory_store(SIZES[2]);
    let peak = GLOBAL.get_peak_memory();
    drop(store);
    #[allow(clippy::cast_precision_loss, reason = "byte counts far below 2^52")]
    let lines = vec![
        vec![
            "mirror heap per million revoked sessions (kept)".to_owned(),
            format!("{:.1} MB", kept as f64 / 1e6),
        ],
        vec![
            "  peak while filling (a shard's table doubling)".to_owned(),
            format!("{:.1} MB", peak as f64 / 1e6),
        ],
    ];
    format!(
        "revocation: memory, counted by the allocator\n{}\n",
        layout(&lines)
    )
}

#[cfg(not(feature = "heap"))]
fn mirror_memory() -> String {
    "revocation: memory per million: build with `--features heap` to count it with the allocator\n\n"
        .to_owned()
}
