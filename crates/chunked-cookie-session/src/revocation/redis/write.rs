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

use redis::{Client, Connection, RedisError, RedisResult, pipe};

use super::super::clock::now_secs;
use super::super::mirror::PRUNE_EVERY_SECS;
use super::super::pending::RevocationError;
use super::commands::{add_record, add_write, list, revoke_device};
use super::job::Job;
use super::shared::{Backoff, Shared};

/// The most jobs written in one round trip.
const BATCH: usize = 256;

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
