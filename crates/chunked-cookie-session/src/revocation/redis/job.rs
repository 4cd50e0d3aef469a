//! The writer's work: what an admin call or a device record puts on its queue, and who
//! waits for the answer. A caller whose bound passes is answered at once; its revocation
//! stays queued.

use std::time::Instant;

use super::super::identity::SessionId;
use super::super::mirror::Revoke;
use super::super::pending::{Answer, RevocationError};
use super::super::registry::Device;
use super::super::stats::bump;
use super::shared::Shared;

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
    pub(super) fn succeed(self) {
        match self {
            Reply::Done(answer) => answer.send(Ok(())),
            Reply::Epoch(answer, epoch) => answer.send(Ok(epoch)),
        }
    }

    pub(super) fn fail(self, error: RevocationError) {
        match self {
            Reply::Done(answer) => answer.send(Err(error)),
            Reply::Epoch(answer, _) => answer.send(Err(error)),
        }
    }
}

impl Job {
    pub(super) fn deadline(&self) -> Option<Instant> {
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
    pub(super) fn time_out(&mut self, shared: &Shared) {
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

    pub(super) fn batches(&self) -> bool {
        matches!(self, Job::Write { .. } | Job::Record { .. })
    }
}
