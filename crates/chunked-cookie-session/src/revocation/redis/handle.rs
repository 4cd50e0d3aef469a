//! `RedisRevocation`: the handle the engine and the application hold, and its builder.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Sender};
use std::time::{Duration, Instant};

use redis::{Client, ConnectionAddr};

use super::super::clock::{now_micros, now_secs};
use super::super::identity::{Identity, SessionId, check_subject};
use super::super::mirror::Revoke;
use super::super::options::{
    DEFAULT_LIFETIME, DEFAULT_NAMESPACE, DEFAULT_STALENESS_BOUND, DEFAULT_STARTUP_WAIT,
    DEFAULT_WRITE_TIMEOUT, OptionsError, check_cap, check_duration, check_lifetime,
    check_namespace,
};
use super::super::pending::{Pending, RevocationError};
use super::super::registry::{Device, cut_user_agent};
use super::super::stats::{RevocationStats, bump};
use super::super::store::Revocation;
use super::super::verdict::{Freshness, Policy, Verdict};
use super::shared::{MAX_PENDING_RECORDS, MAX_PENDING_WRITES, Settings, Shared};
use super::wire::Keys;
use super::{follow, job, write};

/// Revocation shared by a fleet through Redis 7 (or Valkey): each process answers
/// [`check`](Revocation::check) from its own in-memory mirror, never from the network.
///
/// Two threads per store: one follows Redis (subscribes to the namespace's channel, reads
/// everything at every connection, pings to know the mirror is current, reconnects with
/// a backoff of at most a second), one writes (every revocation goes to Redis first and is
/// then announced; device records are queued and never block a request). A revocation made
/// here applies in this process before the call returns.
///
/// When the mirror has not heard from Redis within the staleness bound, revocations it
/// knows keep applying and the [`Policy`] answers for the rest. docs/REVOCATION.md tells
/// the data model and the guarantees.
///
/// # Example
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
/// use chunked_cookie_session::revocation::{Policy, RedisRevocation, Revocation};
///
/// let store = RedisRevocation::builder("redis://127.0.0.1:6379/0")
///     .namespace("shop")
///     .staleness_bound(Duration::from_secs(10))
///     .policy(Policy::FailClosed)
///     .registry(20)
///     .connect()?;
/// let store: Arc<dyn Revocation> = Arc::new(store);
/// let epoch = store.revoke_subject("ada").wait()?;
/// # let _ = epoch;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RedisRevocation {
    shared: Arc<Shared>,
    jobs: Sender<job::Job>,
}

/// The settings of a [`RedisRevocation`], checked by [`connect`](RedisRevocationBuilder::connect).
///
/// # Example
///
/// Building one needs no server. Its `Debug` output shows the settings, never the URL
/// (which may hold a password), and a setting that cannot work is refused before any
/// connection is tried:
///
/// ```
/// use chunked_cookie_session::revocation::{OptionsError, Policy, RedisRevocation};
///
/// let builder = RedisRevocation::builder("redis://:secret@10.0.0.5:6379/0")
///     .namespace("shop")
///     .policy(Policy::FailOpen);
/// let shown = format!("{builder:?}");
/// assert!(shown.contains(r#"namespace: "shop""#) && shown.contains("policy: FailOpen"));
/// assert!(!shown.contains("secret"));
/// let refused = builder.namespace("two words").connect();
/// assert!(matches!(refused, Err(OptionsError::Namespace(_))));
/// ```
#[derive(Clone)]
pub struct RedisRevocationBuilder {
    url: String,
    namespace: String,
    staleness_bound: Duration,
    startup_wait: Duration,
    write_timeout: Duration,
    policy: Policy,
    registry: Option<usize>,
    lifetime: Duration,
}

impl fmt::Debug for RedisRevocationBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: never printed.
        f.debug_struct("RedisRevocationBuilder")
            .field("namespace", &self.namespace)
            .field("staleness_bound", &self.staleness_bound)
            .field("startup_wait", &self.startup_wait)
            .field("write_timeout", &self.write_timeout)
            .field("policy", &self.policy)
            .field("registry", &self.registry)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

impl RedisRevocation {
    /// The settings for a store on the Redis at `url` (`redis://[:PASSWORD@]HOST:PORT[/DB]`),
    /// with the defaults: namespace `chunked-session`, a 10 s staleness bound, fail-closed,
    /// a 5 s start-up wait, a 2 s bound on admin calls, sessions of at most 14 days, no
    /// device registry.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::{OptionsError, RedisRevocation};
    ///
    /// let shown = format!("{:?}", RedisRevocation::builder("redis://10.0.0.5:6379/0"));
    /// assert!(shown.contains(r#"namespace: "chunked-session""#));
    /// assert!(shown.contains("policy: FailClosed") && shown.contains("registry: None"));
    /// // The URL is read at `connect`: only redis:// is supported.
    /// let refused = RedisRevocation::builder("http://10.0.0.5:6379").connect();
    /// assert!(matches!(refused, Err(OptionsError::Url(_))));
    /// ```
    pub fn builder(url: impl Into<String>) -> RedisRevocationBuilder {
        RedisRevocationBuilder {
            url: url.into(),
            namespace: DEFAULT_NAMESPACE.to_owned(),
            staleness_bound: DEFAULT_STALENESS_BOUND,
            startup_wait: DEFAULT_STARTUP_WAIT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            policy: Policy::default(),
            registry: None,
            lifetime: DEFAULT_LIFETIME,
        }
    }

    /// Where the store connects, without the password.
    ///
    /// # Example
    ///
    /// An unreachable Redis is no error (nothing listens on port 1): the store starts and
    /// keeps trying, so this runs without a server.
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::RedisRevocation;
    ///
    /// let store = RedisRevocation::builder("redis://:secret@127.0.0.1:1")
    ///     .startup_wait(Duration::ZERO)
    ///     .connect()?;
    /// assert_eq!(store.address(), "redis://127.0.0.1:1/0");
    /// # Ok::<(), chunked_cookie_session::revocation::OptionsError>(())
    /// ```
    pub fn address(&self) -> &str {
        &self.shared.settings.address
    }

    /// The key prefix and channel namespace.
    ///
    /// # Example
    ///
    /// Runs without a server (nothing listens on port 1; an unreachable Redis is no error).
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::RedisRevocation;
    ///
    /// let store = RedisRevocation::builder("redis://127.0.0.1:1/0")
    ///     .namespace("shop")
    ///     .startup_wait(Duration::ZERO)
    ///     .connect()?;
    /// assert_eq!(store.namespace(), "shop");
    /// # Ok::<(), chunked_cookie_session::revocation::OptionsError>(())
    /// ```
    pub fn namespace(&self) -> &str {
        self.shared.settings.keys.namespace()
    }

    /// The staleness policy.
    ///
    /// # Example
    ///
    /// Runs without a server (nothing listens on port 1; an unreachable Redis is no error).
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::{Policy, RedisRevocation};
    ///
    /// let store = RedisRevocation::builder("redis://127.0.0.1:1/0")
    ///     .startup_wait(Duration::ZERO)
    ///     .connect()?;
    /// assert_eq!(store.policy(), Policy::FailClosed);
    /// # Ok::<(), chunked_cookie_session::revocation::OptionsError>(())
    /// ```
    pub fn policy(&self) -> Policy {
        self.shared.settings.policy
    }

    /// Queues a revocation (applied here already) for Redis.
    fn submit<T>(
        &self,
        revoke: Revoke,
        keep_until: u64,
        reply: impl FnOnce(super::super::pending::Answer<T>) -> job::Reply,
    ) -> Pending<T> {
        let counters = &self.shared.counters;
        let pending = counters.pending_writes.fetch_add(1, Ordering::Relaxed);
        if pending >= MAX_PENDING_WRITES {
            counters.pending_writes.fetch_sub(1, Ordering::Relaxed);
            return Pending::ready(Err(RevocationError::QueueFull(
                usize::try_from(pending).unwrap_or(usize::MAX),
            )));
        }
        let deadline = Instant::now() + self.shared.settings.write_timeout;
        let (answer, waiting) = Pending::waiting(
            deadline,
            RevocationError::Unconfirmed(self.shared.settings.write_timeout),
        );
        let job = job::Job::Write {
            revoke,
            keep_until,
            reply: Some(reply(answer)),
            deadline,
        };
        if self.jobs.send(job).is_err() {
            counters.pending_writes.fetch_sub(1, Ordering::Relaxed);
            return Pending::ready(Err(RevocationError::Closed));
        }
        waiting
    }

    fn apply_here(&self, revoke: &Revoke, now: u64) {
        if self.shared.mirror.apply(revoke, now) {
            bump(&self.shared.counters.applied);
        }
    }

    fn registry_on(&self) -> bool {
        self.shared.settings.registry_cap.is_some()
    }
}

impl RedisRevocationBuilder {
    /// The prefix of every key and of the channel, so several applications share one
    /// Redis (default `chunked-session`; letters, digits and `_ . : -`, at most 64).
    ///
    /// # Example
    ///
    /// Runs without a server (nothing listens on port 1; an unreachable Redis is no error).
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::{OptionsError, RedisRevocation};
    ///
    /// let builder = RedisRevocation::builder("redis://127.0.0.1:1/0");
    /// let store = builder.clone().namespace("billing").startup_wait(Duration::ZERO).connect()?;
    /// assert_eq!(store.namespace(), "billing");
    /// let refused = builder.namespace("").connect();
    /// assert!(matches!(refused, Err(OptionsError::Namespace(_))));
    /// # Ok::<(), OptionsError>(())
    /// ```
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// How long the mirror may go without hearing from Redis before the policy applies
    /// (default 10 s; 100 ms to 1 hour).
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::{OptionsError, RedisRevocation};
    ///
    /// let builder = RedisRevocation::builder("redis://127.0.0.1:6379/0");
    /// let quick = builder.clone().staleness_bound(Duration::from_millis(250));
    /// assert!(format!("{quick:?}").contains("staleness_bound: 250ms"));
    /// let refused = builder.staleness_bound(Duration::from_millis(10)).connect();
    /// assert!(matches!(refused, Err(OptionsError::Duration { name: "staleness_bound", .. })));
    /// ```
    pub fn staleness_bound(mut self, bound: Duration) -> Self {
        self.staleness_bound = bound;
        self
    }

    /// How long [`connect`](Self::connect) waits for the first full sync before it returns
    /// anyway, the policy answering until the sync completes (default 5 s; at most 5 min).
    ///
    /// # Example
    ///
    /// Without waiting, `connect` returns at once even though nothing listens on port 1;
    /// the store has not synced yet:
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::{Freshness, RedisRevocation, Revocation};
    ///
    /// let store = RedisRevocation::builder("redis://127.0.0.1:1/0")
    ///     .startup_wait(Duration::ZERO)
    ///     .connect()?;
    /// assert_eq!(store.freshness(), Freshness::NeverSynced);
    /// # Ok::<(), chunked_cookie_session::revocation::OptionsError>(())
    /// ```
    pub fn startup_wait(mut self, wait: Duration) -> Self {
        self.startup_wait = wait;
        self
    }

    /// The bound on an admin call: how long it waits for Redis to confirm (default 2 s;
    /// 10 ms to 60 s).
    ///
    /// # Example
    ///
    /// Nothing listens on port 1, so the revocation is not confirmed within the bound (it
    /// applies in this process, and stays queued for Redis):
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::{RedisRevocation, Revocation, RevocationError};
    ///
    /// let store = RedisRevocation::builder("redis://127.0.0.1:1/0")
    ///     .write_timeout(Duration::from_millis(50))
    ///     .startup_wait(Duration::ZERO)
    ///     .connect()?;
    /// let answer = store.revoke_subject("ada").wait();
    /// assert_eq!(answer, Err(RevocationError::Unconfirmed(Duration::from_millis(50))));
    /// # Ok::<(), chunked_cookie_session::revocation::OptionsError>(())
    /// ```
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// What a check answers while the mirror is stale (default [`Policy::FailClosed`]).
    ///
    /// # Example
    ///
    /// Nothing listens on port 1, so the store never syncs and the policy answers:
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::{
    ///     Identity, Policy, RedisRevocation, Revocation, SessionId, Verdict, now_micros,
    /// };
    ///
    /// let store = RedisRevocation::builder("redis://127.0.0.1:1/0")
    ///     .policy(Policy::FailOpen)
    ///     .startup_wait(Duration::ZERO)
    ///     .connect()?;
    /// assert_eq!(store.policy(), Policy::FailOpen);
    /// let created = now_micros();
    /// let session = Identity::new(SessionId::generate()?, created, created / 1_000_000 + 60);
    /// assert_eq!(store.check(&session), Verdict::ValidButStale);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Turns the device registry on, keeping at most `cap` sessions per subject in Redis
    /// (the most recently seen). Off by default.
    ///
    /// # Example
    ///
    /// Runs without a server (nothing listens on port 1; an unreachable Redis is no error).
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::{RedisRevocation, Revocation};
    ///
    /// let store = RedisRevocation::builder("redis://127.0.0.1:1/0")
    ///     .registry(20)
    ///     .startup_wait(Duration::ZERO)
    ///     .connect()?;
    /// assert!(store.registry_enabled());
    /// # Ok::<(), chunked_cookie_session::revocation::OptionsError>(())
    /// ```
    pub fn registry(mut self, cap: usize) -> Self {
        self.registry = Some(cap);
        self
    }

    /// The longest a session can live (the engine's lifetime; default 14 days, at most
    /// 400 days): no revocation is kept longer. Every process of a namespace should agree.
    ///
    /// # Example
    ///
    /// Runs without a server (nothing listens on port 1; an unreachable Redis is no error).
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::{RedisRevocation, Revocation};
    ///
    /// let store = RedisRevocation::builder("redis://127.0.0.1:1/0")
    ///     .lifetime(Duration::from_secs(31 * 24 * 3600))
    ///     .startup_wait(Duration::ZERO)
    ///     .connect()?;
    /// assert_eq!(store.max_lifetime(), Duration::from_secs(31 * 24 * 3600));
    /// # Ok::<(), chunked_cookie_session::revocation::OptionsError>(())
    /// ```
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// Checks the settings, starts the store's threads, and waits (at most the start-up
    /// wait) for the first full sync with Redis. An unreachable Redis is no error: the
    /// store keeps trying, and until it has synced, its checks answer by the policy.
    ///
    /// # Errors
    ///
    /// [`OptionsError`] for a setting that cannot work (a bad URL, namespace, duration or
    /// cap), or when a thread cannot be started.
    ///
    /// # Example
    ///
    /// Not run here: it needs a Redis server on 127.0.0.1:6379, with which the store has
    /// synced by the time `connect` returns.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::{RedisRevocation, Revocation};
    ///
    /// let store = RedisRevocation::builder("redis://127.0.0.1:6379/0")
    ///     .startup_wait(Duration::from_secs(5))
    ///     .connect()?;
    /// assert!(store.freshness().is_fresh());
    /// # Ok::<(), chunked_cookie_session::revocation::OptionsError>(())
    /// ```
    pub fn connect(self) -> Result<RedisRevocation, OptionsError> {
        let (client, address) = open(&self.url)?;
        check_namespace(&self.namespace)?;
        let settings = Settings {
            keys: Keys::new(&self.namespace),
            staleness_bound: check_duration(
                "staleness_bound",
                self.staleness_bound,
                Duration::from_millis(100),
                Duration::from_secs(3600),
            )?,
            startup_wait: check_duration(
                "startup_wait",
                self.startup_wait,
                Duration::ZERO,
                Duration::from_secs(300),
            )?,
            write_timeout: check_duration(
                "write_timeout",
                self.write_timeout,
                Duration::from_millis(10),
                Duration::from_secs(60),
            )?,
            policy: self.policy,
            registry_cap: check_cap(self.registry)?,
            lifetime_secs: check_lifetime(self.lifetime)?,
            address,
        };
        let startup_wait = settings.startup_wait;
        let shared = Arc::new(Shared::new(settings));

        let (ready, synced) = mpsc::sync_channel(1);
        let follower = Arc::clone(&shared);
        let follower_client = client.clone();
        std::thread::Builder::new()
            .name("revocation-follow".to_owned())
            .spawn(move || follow::run(&follower, &follower_client, ready))
            .map_err(|error| OptionsError::Thread(error.to_string()))?;
        let (jobs, queue) = mpsc::channel();
        let writer = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("revocation-write".to_owned())
            .spawn(move || write::run(writer, client, &queue));
        if let Err(error) = spawned {
            shared.shutdown.store(true, Ordering::Release);
            return Err(OptionsError::Thread(error.to_string()));
        }
        let store = RedisRevocation { shared, jobs };
        if synced.recv_timeout(startup_wait).is_err() {
            tracing::warn!(
                address = %store.shared.settings.address,
                wait = ?startup_wait,
                policy = %store.shared.settings.policy,
                "revocation: no sync with Redis yet; checks answer by the policy until it comes"
            );
        }
        Ok(store)
    }
}

/// Reads the URL into a client and the address to log.
fn open(url: &str) -> Result<(Client, String), OptionsError> {
    let scheme_ok = url
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("redis://"));
    if !scheme_ok {
        return Err(OptionsError::Url(
            "only redis:// URLs are supported (no TLS, no unix sockets in this build)".to_owned(),
        ));
    }
    let client =
        Client::open(url).map_err(|_| OptionsError::Url("the URL does not parse".to_owned()))?;
    let info = client.get_connection_info();
    let ConnectionAddr::Tcp(host, port) = info.addr() else {
        return Err(OptionsError::Url("not a TCP address".to_owned()));
    };
    if host.is_empty() {
        return Err(OptionsError::Url("no host".to_owned()));
    }
    let db = info.redis_settings().db();
    if db < 0 {
        return Err(OptionsError::Url("a negative database number".to_owned()));
    }
    Ok((client.clone(), format!("redis://{host}:{port}/{db}")))
}

impl Drop for RedisRevocation {
    fn drop(&mut self) {
        // The follower stops within a ping interval; the writer, seeing its queue closed,
        // writes what it can and stops.
        self.shared.shutdown.store(true, Ordering::Release);
    }
}

impl fmt::Debug for RedisRevocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRevocation")
            .field("address", &self.shared.settings.address)
            .field("namespace", &self.shared.settings.keys.namespace())
            .field("policy", &self.shared.settings.policy)
            .field("freshness", &self.shared.freshness())
            .finish_non_exhaustive()
    }
}

impl Revocation for RedisRevocation {
    fn check(&self, identity: &Identity) -> Verdict {
        if let Some(scope) = self.shared.mirror.revoked(identity) {
            return Verdict::Revoked(scope);
        }
        if self.shared.is_fresh() {
            return Verdict::Valid;
        }
        match self.shared.settings.policy {
            Policy::FailClosed => {
                bump(&self.shared.counters.stale_refusals);
                Verdict::Unavailable
            }
            Policy::FailOpen => {
                bump(&self.shared.counters.stale_accepts);
                Verdict::ValidButStale
            }
        }
    }

    fn revoke_session(&self, id: SessionId, expires_at: Option<u64>) -> Pending<()> {
        let now = now_secs();
        let until = self
            .shared
            .mirror
            .keep_until(expires_at.unwrap_or(u64::MAX), now);
        if until < now {
            return Pending::ready(Ok(())); // expired already: nothing to end
        }
        let revoke = Revoke::Session { id, until };
        self.apply_here(&revoke, now);
        self.submit(revoke, until, job::Reply::Done)
    }

    fn revoke_subject(&self, subject: &str) -> Pending<u64> {
        if let Err(error) = check_subject(subject) {
            return Pending::ready(Err(error.into()));
        }
        let epoch = now_micros();
        let now = now_secs();
        let revoke = Revoke::Subject {
            subject: subject.into(),
            epoch,
        };
        self.apply_here(&revoke, now);
        let keep_until = (epoch / 1_000_000).saturating_add(self.shared.settings.lifetime_secs);
        self.submit(revoke, keep_until, |answer| {
            job::Reply::Epoch(answer, epoch)
        })
    }

    fn revoke_everyone_before(&self, before: u64) -> Pending<()> {
        if before > now_micros() {
            return Pending::ready(Err(RevocationError::FutureEpoch));
        }
        let now = now_secs();
        let revoke = Revoke::Everyone { epoch: before };
        self.apply_here(&revoke, now);
        let keep_until = (before / 1_000_000).saturating_add(self.shared.settings.lifetime_secs);
        self.submit(revoke, keep_until, job::Reply::Done)
    }

    fn record(&self, identity: &Identity, last_seen: u64, user_agent: &str) {
        let Some(subject) = identity.subject() else {
            return;
        };
        if !self.registry_on() || identity.expires_at() < now_secs() {
            return;
        }
        let counters = &self.shared.counters;
        let queued = self.shared.pending_records.fetch_add(1, Ordering::Relaxed);
        if queued >= MAX_PENDING_RECORDS {
            self.shared.pending_records.fetch_sub(1, Ordering::Relaxed);
            bump(&counters.registry_drops);
            return;
        }
        let job = job::Job::Record {
            subject: subject.into(),
            device: Device::seen(identity, last_seen, cut_user_agent(user_agent)),
        };
        if self.jobs.send(job).is_err() {
            self.shared.pending_records.fetch_sub(1, Ordering::Relaxed);
            bump(&counters.registry_drops);
            return;
        }
        bump(&counters.registry_records);
    }

    fn registry_enabled(&self) -> bool {
        self.registry_on()
    }

    fn devices(&self, subject: &str) -> Pending<Vec<Device>> {
        if !self.registry_on() {
            return Pending::ready(Err(RevocationError::RegistryDisabled));
        }
        if let Err(error) = check_subject(subject) {
            return Pending::ready(Err(error.into()));
        }
        let bound = self.shared.settings.write_timeout;
        let deadline = Instant::now() + bound;
        let (answer, waiting) = Pending::waiting(deadline, RevocationError::TimedOut(bound));
        let job = job::Job::List {
            subject: subject.into(),
            answer: Some(answer),
            deadline,
        };
        if self.jobs.send(job).is_err() {
            return Pending::ready(Err(RevocationError::Closed));
        }
        waiting
    }

    fn revoke_device(&self, subject: &str, id: SessionId) -> Pending<bool> {
        if !self.registry_on() {
            return Pending::ready(Err(RevocationError::RegistryDisabled));
        }
        if let Err(error) = check_subject(subject) {
            return Pending::ready(Err(error.into()));
        }
        let bound = self.shared.settings.write_timeout;
        let deadline = Instant::now() + bound;
        let (answer, waiting) = Pending::waiting(deadline, RevocationError::TimedOut(bound));
        let job = job::Job::RevokeDevice {
            subject: subject.into(),
            id,
            answer: Some(answer),
            deadline,
        };
        if self.jobs.send(job).is_err() {
            return Pending::ready(Err(RevocationError::Closed));
        }
        waiting
    }

    fn freshness(&self) -> Freshness {
        self.shared.freshness()
    }

    fn max_lifetime(&self) -> Duration {
        Duration::from_secs(self.shared.settings.lifetime_secs)
    }

    fn stats(&self) -> RevocationStats {
        self.shared.counters.snapshot(self.shared.mirror.sizes())
    }
}
