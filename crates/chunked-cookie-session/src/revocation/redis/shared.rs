//! What the Redis store's handle and its two threads share: the mirror, its freshness, the
//! settings and the counters.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::super::mirror::Mirror;
use super::super::stats::Counters;
use super::super::verdict::{Freshness, Policy};
use super::wire::Keys;

/// The checked settings.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) keys: Keys,
    pub(crate) staleness_bound: Duration,
    pub(crate) startup_wait: Duration,
    pub(crate) write_timeout: Duration,
    pub(crate) policy: Policy,
    pub(crate) registry_cap: Option<usize>,
    pub(crate) lifetime_secs: u64,
    /// Where the store connects, without the password (for logs).
    pub(crate) address: String,
}

/// How many revocations may wait for Redis at once.
pub(crate) const MAX_PENDING_WRITES: u64 = 100_000;

/// How many device records may wait for Redis at once (more are dropped and counted).
pub(crate) const MAX_PENDING_RECORDS: u64 = 10_000;

impl Settings {
    /// How often the subscription connection is pinged: well inside the staleness bound.
    pub(crate) fn ping_interval(&self) -> Duration {
        (self.staleness_bound / 4).clamp(Duration::from_millis(25), Duration::from_secs(1))
    }

    /// The time allowed to the follower's connect and each of its Redis calls.
    pub(crate) fn follow_timeout(&self) -> Duration {
        (self.staleness_bound / 2).clamp(Duration::from_millis(100), Duration::from_secs(5))
    }

    /// The time allowed to the writer's connect and each of its Redis calls, so that it
    /// answers an overdue caller at most this late.
    pub(crate) fn write_io_timeout(&self) -> Duration {
        (self.write_timeout / 2).clamp(Duration::from_millis(5), Duration::from_secs(1))
    }
}

/// The state shared by the handle and the threads.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) settings: Settings,
    pub(crate) mirror: Mirror,
    pub(crate) counters: Counters,
    pub(crate) pending_records: AtomicU64,
    /// The origin of `contact`.
    base: Instant,
    /// Microseconds after `base` (plus one) at which the mirror was last known to hold
    /// everything Redis had; 0 before the first sync.
    contact: AtomicU64,
    pub(crate) shutdown: AtomicBool,
}

impl Shared {
    pub(crate) fn new(settings: Settings) -> Shared {
        let lifetime = settings.lifetime_secs;
        Shared {
            settings,
            mirror: Mirror::new(lifetime),
            counters: Counters::default(),
            pending_records: AtomicU64::new(0),
            base: Instant::now(),
            contact: AtomicU64::new(0),
            shutdown: AtomicBool::new(false),
        }
    }

    /// A point in time as the freshness clock counts it.
    pub(crate) fn instant(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_micros())
            .unwrap_or(u64::MAX - 1)
            .saturating_add(1)
    }

    /// Records that at `at` (from [`Shared::instant`]) the mirror held everything Redis had.
    pub(crate) fn heard(&self, at: u64) {
        self.contact.fetch_max(at, Ordering::AcqRel);
    }

    /// How current the mirror is.
    pub(crate) fn freshness(&self) -> Freshness {
        let contact = self.contact.load(Ordering::Acquire);
        if contact == 0 {
            return Freshness::NeverSynced;
        }
        let age = Duration::from_micros(self.instant().saturating_sub(contact));
        if age <= self.settings.staleness_bound {
            Freshness::Fresh(age)
        } else {
            Freshness::Stale(age)
        }
    }

    /// Whether the mirror is within its bound: the request path's one clock read.
    pub(crate) fn is_fresh(&self) -> bool {
        let contact = self.contact.load(Ordering::Acquire);
        contact != 0
            && self.instant().saturating_sub(contact)
                <= u64::try_from(self.settings.staleness_bound.as_micros()).unwrap_or(u64::MAX)
    }

    pub(crate) fn stopping(&self) -> bool {
        self.shutdown.load(Ordering::Acquire)
    }
}

/// The wait before the next attempt to reach Redis: from 50 ms, doubling to 1 s, with a
/// quarter of jitter so a fleet does not knock in step.
#[derive(Debug)]
pub(crate) struct Backoff {
    next: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(50);
    const MOST: Duration = Duration::from_secs(1);

    pub(crate) const fn new() -> Backoff {
        Backoff {
            next: Backoff::FIRST,
        }
    }

    /// Back to the shortest wait, after a success.
    pub(crate) fn reset(&mut self) {
        self.next = Backoff::FIRST;
    }

    /// The wait before the next attempt.
    pub(crate) fn delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (delay * 2).min(Backoff::MOST);
        // 75% to 125% of the delay, from the clock's low digits.
        let spread = super::super::clock::now_micros() % 501;
        delay * 3 / 4 + delay.mul_f64(f64::from(u32::try_from(spread).unwrap_or(0)) / 1000.0)
    }
}
