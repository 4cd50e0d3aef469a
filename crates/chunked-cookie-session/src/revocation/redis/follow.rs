//! The follower thread: keeps the mirror current. It subscribes to the namespace's
//! channel first and then reads everything Redis holds (so nothing published in between
//! is missed), applies each announcement as it comes, pings the subscription to know the
//! mirror is current, prunes, and on any failure reconnects with a bounded backoff and
//! resyncs in full.

use std::sync::Arc;
use std::sync::mpsc::SyncSender;
use std::time::{Duration, Instant};

use redis::{Client, Connection, RedisResult, cmd};

use super::super::clock::now_secs;
use super::super::identity::{SessionId, check_subject};
use super::super::mirror::{PRUNE_EVERY_SECS, Revoke};
use super::super::stats::bump;
use super::shared::{Backoff, Shared};
use super::wire::{EVERYONE_MEMBER, PRUNE_SCRIPT, parse_message, parse_score};

/// How many sorted-set entries one `ZSCAN` call asks for.
const SCAN_COUNT: usize = 10_000;

/// Where the follower stands between connections.
#[derive(Debug, Default)]
struct Progress {
    synced_before: bool,
    warned_stale: bool,
    failing: bool,
}

/// Runs until the store is dropped. `ready` hears once, after the first full sync.
pub(crate) fn run(shared: &Arc<Shared>, client: &Client, ready: SyncSender<()>) {
    let mut ready = Some(ready);
    let mut progress = Progress::default();
    let mut backoff = Backoff::new();
    while !shared.stopping() {
        match follow(shared, client, &mut ready, &mut progress, &mut backoff) {
            Ok(()) => return,
            Err(error) => {
                if progress.failing {
                    tracing::debug!(%error, "revocation: Redis still out of reach");
                } else {
                    tracing::warn!(
                        address = %shared.settings.address,
                        %error,
                        "revocation: lost Redis; reconnecting (known revocations keep applying)"
                    );
                    progress.failing = true;
                }
            }
        }
        if !progress.warned_stale && !shared.freshness().is_fresh() {
            tracing::warn!(
                bound = ?shared.settings.staleness_bound,
                policy = %shared.settings.policy,
                "revocation: the mirror is past its staleness bound; the policy applies"
            );
            progress.warned_stale = true;
        }
        sleep_unless_stopping(shared, backoff.delay());
    }
}

fn sleep_unless_stopping(shared: &Shared, delay: Duration) {
    let until = Instant::now() + delay;
    while !shared.stopping() {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(Duration::from_millis(50)));
    }
}

/// One connection's life: subscribe, resync, follow. `Ok` only when the store stops.
fn follow(
    shared: &Shared,
    client: &Client,
    ready: &mut Option<SyncSender<()>>,
    progress: &mut Progress,
    backoff: &mut Backoff,
) -> RedisResult<()> {
    let settings = &shared.settings;
    let timeout = settings.follow_timeout();
    let mut subscription = client.get_connection_with_timeout(timeout)?;
    subscription.set_write_timeout(Some(timeout))?;
    let mut commands = command_connection(client, timeout)?;

    let mut pubsub = subscription.as_pubsub();
    pubsub.set_read_timeout(Some(timeout))?;
    pubsub.subscribe(&settings.keys.channel)?;
    // Subscribed first: whatever is revoked from here on is announced to us, and whatever
    // was revoked before is in what the resync reads.
    let synced_at = shared.instant();
    resync(shared, &mut commands)?;
    shared.heard(synced_at);
    bump(&shared.counters.resyncs);
    if progress.synced_before {
        bump(&shared.counters.reconnects);
    }
    if progress.failing || !progress.synced_before {
        let (sessions, subjects) = shared.mirror.sizes();
        tracing::info!(
            address = %settings.address,
            namespace = settings.keys.namespace(),
            sessions,
            subjects,
            "revocation: in sync with Redis"
        );
    }
    progress.synced_before = true;
    progress.failing = false;
    progress.warned_stale = false;
    backoff.reset();
    if let Some(ready) = ready.take() {
        let _ = ready.try_send(());
    }

    let interval = settings.ping_interval();
    let prune_every = Duration::from_secs(PRUNE_EVERY_SECS);
    prune(shared, &mut commands)?;
    let mut next_prune = Instant::now() + prune_every;
    let mut next_ping = Instant::now() + interval;
    pubsub.set_read_timeout(Some(interval))?;
    loop {
        if shared.stopping() {
            return Ok(());
        }
        let now = Instant::now();
        if now >= next_ping {
            // Every announcement published before Redis answers this ping has reached us.
            let sent = shared.instant();
            pubsub.set_read_timeout(Some(timeout))?;
            pubsub.ping::<redis::Value>()?;
            pubsub.set_read_timeout(Some(interval))?;
            shared.heard(sent);
            next_ping = now + interval;
        }
        if now >= next_prune {
            // This connection idles between prunes: a server `timeout` may have closed it.
            if prune(shared, &mut commands).is_err() {
                commands = command_connection(client, timeout)?;
                prune(shared, &mut commands)?;
            }
            next_prune = now + prune_every;
        }
        match pubsub.get_message() {
            Ok(message) => match parse_message(message.get_payload_bytes()) {
                Some(revoke) => apply(shared, &revoke),
                None => {
                    bump(&shared.counters.bad_messages);
                    tracing::warn!("revocation: ignored an unreadable announcement");
                }
            },
            Err(error) if error.is_timeout() => {}
            Err(error) => return Err(error),
        }
    }
}

/// A connection for ordinary commands, each bounded by `timeout`.
fn command_connection(client: &Client, timeout: Duration) -> RedisResult<Connection> {
    let connection = client.get_connection_with_timeout(timeout)?;
    connection.set_read_timeout(Some(timeout))?;
    connection.set_write_timeout(Some(timeout))?;
    Ok(connection)
}

fn apply(shared: &Shared, revoke: &Revoke) {
    if shared.mirror.apply(revoke, now_secs()) {
        bump(&shared.counters.applied);
    }
}

/// Reads everything Redis holds into the mirror (which keeps what it knew: revocations
/// only accumulate until they expire).
fn resync(shared: &Shared, con: &mut Connection) -> RedisResult<()> {
    let keys = &shared.settings.keys;
    scan(
        con,
        &keys.ids,
        |member, score| {
            let id = std::str::from_utf8(member)
                .ok()?
                .parse::<SessionId>()
                .ok()?;
            Some(Revoke::Session {
                id,
                until: parse_score(score)?,
            })
        },
        shared,
    )?;
    scan(
        con,
        &keys.subjects,
        |member, score| {
            let subject = std::str::from_utf8(member).ok()?;
            check_subject(subject).ok()?;
            Some(Revoke::Subject {
                subject: subject.into(),
                epoch: parse_score(score)?,
            })
        },
        shared,
    )?;
    let everyone: Option<String> = cmd("ZSCORE")
        .arg(&keys.everyone)
        .arg(EVERYONE_MEMBER)
        .query(con)?;
    if let Some(score) = everyone {
        match parse_score(&score) {
            Some(epoch) => apply(shared, &Revoke::Everyone { epoch }),
            None => bump(&shared.counters.bad_messages),
        }
    }
    Ok(())
}

/// Walks a sorted set with `ZSCAN` (which returns every member present throughout, maybe
/// twice) and applies each entry `read` understands.
fn scan(
    con: &mut Connection,
    key: &str,
    read: impl Fn(&[u8], &str) -> Option<Revoke>,
    shared: &Shared,
) -> RedisResult<()> {
    let mut cursor: u64 = 0;
    loop {
        let (next, items): (u64, Vec<Vec<u8>>) = cmd("ZSCAN")
            .arg(key)
            .arg(cursor)
            .arg("COUNT")
            .arg(SCAN_COUNT)
            .query(con)?;
        for pair in items.chunks_exact(2) {
            let entry = std::str::from_utf8(&pair[1])
                .ok()
                .and_then(|score| read(&pair[0], score));
            match entry {
                Some(revoke) => apply(shared, &revoke),
                None => bump(&shared.counters.bad_messages),
            }
        }
        if next == 0 {
            return Ok(());
        }
        cursor = next;
    }
}

/// Drops what has expired, from the mirror and from Redis.
fn prune(shared: &Shared, con: &mut Connection) -> RedisResult<()> {
    let now = now_secs();
    shared.mirror.prune(now);
    let keys = &shared.settings.keys;
    let _gone: u64 = cmd("EVAL")
        .arg(PRUNE_SCRIPT)
        .arg(3)
        .arg(&keys.subjects)
        .arg(&keys.subjects_until)
        .arg(&keys.ids)
        .arg(now)
        .query(con)?;
    Ok(())
}
