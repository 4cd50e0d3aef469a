//! The writer thread: every admin call and device record goes through its queue to Redis,
//! so no request waits on the network. Revocations are written before they are announced
//! (one pipeline: `ZADD` then `PUBLISH`), batched when many wait, and retried through
//! outages until Redis takes them or the sessions they name have expired. A caller whose
//! bound passes is answered with a timeout; its revocation stays queued.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use redis::{Client, Connection, Pipeline, RedisError, RedisResult, cmd, pipe};

use super::super::clock::now_secs;
use super::super::identity::SessionId;
use super::super::mirror::{PRUNE_EVERY_SECS, Revoke};
use super::super::pending::{Answer, RevocationError};
use super::super::registry::{Device, newest_first};
use super::super::stats::bump;
use super::shared::{Backoff, Shared};
use super::wire::{EVERYONE_MEMBER, StoredDevice, message};

/// The most jobs written in one round trip.
const BATCH: usize = 256;

/// Work for the writer.
#[derive(Debug)]
pub(crate) enum Job {
    /// A revocation, applied in this process already.
    Write {
        revoke: Revoke,
        /// The Unix second after which it protects nothing and can be dropped.
        keep_until: u64,
        reply: Option<Reply>,
        deadline: Instant,
    },
    /// A device record.
    Record { subject: Box<str>, device: Device },
    /// The subject's devices.
    List {
        subject: Box<str>,
        answer: Option<Answer<Vec<Device>>>,
        deadline: Instant,
    },
    /// Revoke one of the subject's sessions by id.
    RevokeDevice {
        subject: Box<str>,
        id: SessionId,
        answer: Option<Answer<bool>>,
        deadline: Instant,
    },
}

/// Who waits for a revocation, and what they get on success.
#[derive(Debug)]
pub(crate) enum Reply {
    Done(Answer<()>),
    Epoch(Answer<u64>, u64),
}

impl Reply {
    fn succeed(self) {
        match self {
            Reply::Done(answer) => answer.send(Ok(())),
            Reply::Epoch(answer, epoch) => answer.send(Ok(epoch)),
        }
    }

    fn fail(self, error: RevocationError) {
        match self {
            Reply::Done(answer) => answer.send(Err(error)),
            Reply::Epoch(answer, _) => answer.send(Err(error)),
        }
    }
}

impl Job {
    fn deadline(&self) -> Option<Instant> {
        match self {
            Job::Write {
                reply: Some(_),
                deadline,
                ..
            }
            | Job::List {
                answer: Some(_),
                deadline,
                ..
            }
            | Job::RevokeDevice {
                answer: Some(_),
                deadline,
                ..
            } => Some(*deadline),
            _ => None,
        }
    }

    /// Answers a caller whose bound has passed. A revocation stays queued; a registry call
    /// is left with no one to answer, and is skipped when its turn comes.
    fn time_out(&mut self, shared: &Shared) {
        let bound = shared.settings.write_timeout;
        match self {
            Job::Write { reply, .. } => {
                if let Some(reply) = reply.take() {
                    bump(&shared.counters.unconfirmed);
                    reply.fail(RevocationError::Unconfirmed(bound));
                }
            }
            Job::List { answer, .. } => {
                if let Some(answer) = answer.take() {
                    answer.send(Err(RevocationError::TimedOut(bound)));
                }
            }
            Job::RevokeDevice { answer, .. } => {
                if let Some(answer) = answer.take() {
                    answer.send(Err(RevocationError::TimedOut(bound)));
                }
            }
            Job::Record { .. } => {}
        }
    }

    fn batches(&self) -> bool {
        matches!(self, Job::Write { .. } | Job::Record { .. })
    }
}

/// The writer's state.
struct Writer {
    shared: Arc<Shared>,
    client: Client,
    queue: VecDeque<Job>,
    /// Jobs before this index have no caller waiting any more.
    answered: usize,
    connection: Option<Connection>,
    backoff: Backoff,
    retry_at: Option<Instant>,
    failing: bool,
    next_sweep: u64,
}

/// Runs until the store is dropped and its queue is written (or Redis is out of reach).
pub(crate) fn run(shared: Arc<Shared>, client: Client, jobs: &Receiver<Job>) {
    let mut writer = Writer {
        shared,
        client,
        queue: VecDeque::new(),
        answered: 0,
        connection: None,
        backoff: Backoff::new(),
        retry_at: None,
        failing: false,
        next_sweep: now_secs() + PRUNE_EVERY_SECS,
    };
    loop {
        match jobs.recv_timeout(writer.wait()) {
            Ok(job) => {
                writer.queue.push_back(job);
                while let Ok(job) = jobs.try_recv() {
                    writer.queue.push_back(job);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                writer.finish();
                return;
            }
        }
        writer.expire();
        if !writer.queue.is_empty() && writer.retry_at.is_none_or(|at| at <= Instant::now()) {
            writer.attempt();
        }
    }
}

impl Writer {
    /// How long to wait for new work: not at all when there is work to do now.
    fn wait(&self) -> Duration {
        let now = Instant::now();
        if self.queue.is_empty() {
            return Duration::from_secs(1);
        }
        let mut until = self.retry_at.unwrap_or(now);
        if let Some(deadline) = self.queue.get(self.answered).and_then(Job::deadline) {
            until = until.min(deadline);
        }
        until.saturating_duration_since(now)
    }

    /// Answers the callers whose bound has passed, and drops revocations that protect
    /// nothing any more (once a minute). Jobs are queued in the order of their deadlines.
    fn expire(&mut self) {
        let now = Instant::now();
        while let Some(job) = self.queue.get_mut(self.answered) {
            match job.deadline() {
                Some(deadline) if deadline > now => break,
                Some(_) => {
                    job.time_out(&self.shared);
                }
                None => {}
            }
            self.answered += 1;
        }
        let second = now_secs();
        if second >= self.next_sweep {
            self.next_sweep = second + PRUNE_EVERY_SECS;
            let shared = Arc::clone(&self.shared);
            let before = self.queue.len();
            self.queue.retain(|job| match job {
                Job::Write {
                    keep_until,
                    reply: None,
                    ..
                } if *keep_until < second => {
                    shared
                        .counters
                        .pending_writes
                        .fetch_sub(1, Ordering::Relaxed);
                    false
                }
                _ => true,
            });
            if self.queue.len() != before {
                self.answered = 0;
            }
        }
    }

    fn attempt(&mut self) {
        let (mut connection, reused) = match self.connection.take() {
            Some(connection) => (connection, true),
            None => match self.connect() {
                Ok(connection) => (connection, false),
                Err(error) => return self.failed(&error),
            },
        };
        let result = if self.queue.front().is_some_and(Job::batches) {
            self.write_batch(&mut connection)
        } else {
            self.registry_call(&mut connection)
        };
        match result {
            Ok(()) => {
                self.connection = Some(connection);
                self.backoff.reset();
                self.retry_at = None;
                if self.failing {
                    tracing::info!("revocation: writing to Redis again");
                    self.failing = false;
                }
            }
            // A connection that sat idle may have been closed by the server (its `timeout`):
            // try a fresh one at once before backing off.
            Err(error) if reused && error.is_io_error() => {
                tracing::debug!(%error, "revocation: reconnecting the writer");
            }
            Err(error) => self.failed(&error),
        }
    }

    fn connect(&self) -> RedisResult<Connection> {
        let timeout = self.shared.settings.write_io_timeout();
        let connection = self.client.get_connection_with_timeout(timeout)?;
        connection.set_read_timeout(Some(timeout))?;
        connection.set_write_timeout(Some(timeout))?;
        Ok(connection)
    }

    fn failed(&mut self, error: &RedisError) {
        self.connection = None;
        self.retry_at = Some(Instant::now() + self.backoff.delay());
        if self.failing {
            tracing::debug!(%error, "revocation: Redis still out of reach for writes");
        } else {
            tracing::warn!(
                address = %self.shared.settings.address,
                %error,
                pending = self.shared.counters.pending_writes.load(Ordering::Relaxed),
                "revocation: cannot write to Redis; revocations stay queued"
            );
            self.failing = true;
        }
    }

    /// Removes `count` jobs from the front.
    fn pop(&mut self, count: usize) -> Vec<Job> {
        self.answered = self.answered.saturating_sub(count);
        self.queue.drain(..count).collect()
    }

    /// Writes the revocations and records at the front in one round trip.
    fn write_batch(&mut self, con: &mut Connection) -> RedisResult<()> {
        let count = self
            .queue
            .iter()
            .take(BATCH)
            .take_while(|job| job.batches())
            .count();
        let settings = &self.shared.settings;
        let mut pipeline = pipe();
        for job in self.queue.iter().take(count) {
            match job {
                Job::Write { revoke, .. } => add_write(&mut pipeline, &self.shared, revoke),
                Job::Record { subject, device } => {
                    add_record(
                        &mut pipeline,
                        &self.shared,
                        subject,
                        device,
                        settings.registry_cap,
                    );
                }
                Job::List { .. } | Job::RevokeDevice { .. } => {}
            }
        }
        if let Err(error) = pipeline.query::<()>(con) {
            if !error.is_io_error() {
                // Redis answered with an error: tell the callers now, keep the revocations
                // queued (they are retried after the backoff), drop the records.
                let why = error.to_string();
                for job in self.queue.iter_mut().take(count) {
                    if let Job::Write { reply, .. } = job
                        && let Some(reply) = reply.take()
                    {
                        reply.fail(RevocationError::Store(why.clone()));
                    }
                }
            }
            return Err(error);
        }
        for job in self.pop(count) {
            match job {
                Job::Write { reply, .. } => {
                    self.shared
                        .counters
                        .pending_writes
                        .fetch_sub(1, Ordering::Relaxed);
                    if let Some(reply) = reply {
                        reply.succeed();
                    }
                }
                Job::Record { .. } => {
                    self.shared.pending_records.fetch_sub(1, Ordering::Relaxed);
                }
                Job::List { .. } | Job::RevokeDevice { .. } => {}
            }
        }
        Ok(())
    }

    /// Runs the registry call at the front.
    fn registry_call(&mut self, con: &mut Connection) -> RedisResult<()> {
        let Some(job) = self.queue.front_mut() else {
            return Ok(());
        };
        let outcome = match job {
            Job::List { answer: None, .. } | Job::RevokeDevice { answer: None, .. } => Ok(()),
            Job::List {
                subject, answer, ..
            } => list(&self.shared, con, subject).map(|devices| {
                if let Some(answer) = answer.take() {
                    answer.send(Ok(devices));
                }
            }),
            Job::RevokeDevice {
                subject,
                id,
                answer,
                ..
            } => revoke_device(&self.shared, con, subject, *id).map(|found| {
                if let Some(answer) = answer.take() {
                    answer.send(Ok(found));
                }
            }),
            Job::Write { .. } | Job::Record { .. } => Ok(()),
        };
        if let Err(error) = &outcome {
            if error.is_io_error() {
                return outcome; // retried after the backoff
            }
            let why = RevocationError::Store(error.to_string());
            match job {
                Job::List { answer, .. } => {
                    if let Some(answer) = answer.take() {
                        answer.send(Err(why));
                    }
                }
                Job::RevokeDevice { answer, .. } => {
                    if let Some(answer) = answer.take() {
                        answer.send(Err(why));
                    }
                }
                Job::Write { .. } | Job::Record { .. } => {}
            }
        }
        self.pop(1);
        outcome
    }

    /// The store was dropped: write what can be written now, then stop.
    fn finish(&mut self) {
        while !self.queue.is_empty() {
            self.expire();
            let before = self.queue.len();
            self.attempt();
            if self.retry_at.is_some() || self.queue.len() == before {
                break;
            }
        }
        let lost = self
            .queue
            .iter()
            .filter(|job| matches!(job, Job::Write { .. }))
            .count();
        if lost > 0 {
            tracing::warn!(
                lost,
                "revocation: store dropped with revocations Redis never took"
            );
        }
        for job in self.queue.drain(..) {
            match job {
                Job::Write {
                    reply: Some(reply), ..
                } => reply.fail(RevocationError::Closed),
                Job::List {
                    answer: Some(answer),
                    ..
                } => answer.send(Err(RevocationError::Closed)),
                Job::RevokeDevice {
                    answer: Some(answer),
                    ..
                } => answer.send(Err(RevocationError::Closed)),
                _ => {}
            }
        }
    }
}

/// Adds a revocation to a pipeline: written first, then announced.
fn add_write(pipeline: &mut Pipeline, shared: &Shared, revoke: &Revoke) {
    let keys = &shared.settings.keys;
    match revoke {
        Revoke::Session { id, until } => {
            pipeline
                .cmd("ZADD")
                .arg(&keys.ids)
                .arg("GT")
                .arg(*until)
                .arg(id.to_string())
                .ignore();
        }
        Revoke::Subject { subject, epoch } => {
            let until = (epoch / 1_000_000).saturating_add(shared.settings.lifetime_secs);
            pipeline
                .cmd("ZADD")
                .arg(&keys.subjects)
                .arg("GT")
                .arg(*epoch)
                .arg(subject.as_ref())
                .ignore()
                .cmd("ZADD")
                .arg(&keys.subjects_until)
                .arg("GT")
                .arg(until)
                .arg(subject.as_ref())
                .ignore();
        }
        Revoke::Everyone { epoch } => {
            pipeline
                .cmd("ZADD")
                .arg(&keys.everyone)
                .arg("GT")
                .arg(*epoch)
                .arg(EVERYONE_MEMBER)
                .ignore();
        }
    }
    pipeline
        .cmd("PUBLISH")
        .arg(&keys.channel)
        .arg(message(revoke))
        .ignore();
}

/// Adds a device record to a pipeline: the record expires with its session, the subject's
/// set with its newest session, and the set keeps the `cap` most recently seen.
fn add_record(
    pipeline: &mut Pipeline,
    shared: &Shared,
    subject: &str,
    device: &Device,
    cap: Option<usize>,
) {
    let keys = &shared.settings.keys;
    let Ok(record) = serde_json::to_string(&StoredDevice::new(subject, device)) else {
        return;
    };
    let set = keys.devices(subject);
    let id = device.session_id.to_string();
    let keep = i64::try_from(cap.unwrap_or(1)).unwrap_or(i64::MAX);
    pipeline
        .cmd("SET")
        .arg(keys.device(device.session_id))
        .arg(record)
        .arg("EXAT")
        .arg(device.expires_at)
        .ignore()
        .cmd("ZADD")
        .arg(&set)
        .arg(device.last_seen)
        .arg(&id)
        .ignore()
        .cmd("EXPIREAT")
        .arg(&set)
        .arg(device.expires_at)
        .arg("NX")
        .ignore()
        .cmd("EXPIREAT")
        .arg(&set)
        .arg(device.expires_at)
        .arg("GT")
        .ignore()
        .cmd("ZREMRANGEBYRANK")
        .arg(&set)
        .arg(0)
        .arg(-keep - 1)
        .ignore();
}

/// The subject's devices from Redis, without the expired and revoked ones; records that
/// went (expired, or pushed out by the cap) leave the subject's set.
fn list(shared: &Shared, con: &mut Connection, subject: &str) -> RedisResult<Vec<Device>> {
    let keys = &shared.settings.keys;
    let set = keys.devices(subject);
    let members: Vec<Vec<u8>> = cmd("ZRANGE").arg(&set).arg(0).arg(-1).query(con)?;
    let mut gone = Vec::new();
    let mut listed = Vec::new();
    for member in members {
        match std::str::from_utf8(&member)
            .ok()
            .and_then(|text| text.parse().ok())
        {
            Some(id) => listed.push((member, id)),
            None => gone.push(member),
        }
    }
    let records: Vec<Option<Vec<u8>>> = if listed.is_empty() {
        Vec::new()
    } else {
        let mut mget = cmd("MGET");
        for (_, id) in &listed {
            mget.arg(keys.device(*id));
        }
        mget.query(con)?
    };
    let now = now_secs();
    let mut devices = Vec::new();
    for ((member, id), record) in listed.into_iter().zip(records) {
        let device = record.and_then(|record| {
            let stored: StoredDevice = serde_json::from_slice(&record).ok()?;
            (stored.subject == subject && stored.expires_at >= now).then(|| stored.into_device(id))
        });
        match device {
            Some(device) => {
                let revoked = device
                    .identity(subject)
                    .is_none_or(|identity| shared.mirror.revoked(&identity).is_some());
                if !revoked {
                    devices.push(device);
                }
            }
            None => gone.push(member),
        }
    }
    if !gone.is_empty() {
        let _: RedisResult<()> = cmd("ZREM").arg(&set).arg(gone).query(con);
    }
    newest_first(&mut devices, usize::MAX);
    Ok(devices)
}

/// Revokes one of the subject's sessions by id: `false` unless the subject's set lists it.
fn revoke_device(
    shared: &Shared,
    con: &mut Connection,
    subject: &str,
    id: SessionId,
) -> RedisResult<bool> {
    let keys = &shared.settings.keys;
    let set = keys.devices(subject);
    let member = id.to_string();
    let (score, record): (Option<String>, Option<Vec<u8>>) = pipe()
        .cmd("ZSCORE")
        .arg(&set)
        .arg(&member)
        .cmd("GET")
        .arg(keys.device(id))
        .query(con)?;
    let stored = record
        .filter(|_| score.is_some())
        .and_then(|record| serde_json::from_slice::<StoredDevice>(&record).ok())
        .filter(|stored| stored.subject == subject);
    let Some(stored) = stored else {
        return Ok(false);
    };
    let now = now_secs();
    let revoke = Revoke::Session {
        id,
        until: shared.mirror.keep_until(stored.expires_at, now),
    };
    let mut pipeline = pipe();
    add_write(&mut pipeline, shared, &revoke);
    pipeline
        .cmd("ZREM")
        .arg(&set)
        .arg(&member)
        .ignore()
        .cmd("DEL")
        .arg(keys.device(id))
        .ignore();
    pipeline.query::<()>(con)?;
    if shared.mirror.apply(&revoke, now) {
        bump(&shared.counters.applied);
    }
    Ok(true)
}
