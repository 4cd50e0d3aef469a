//! The answer of an admin call: ready at once from the memory store, or later from the
//! Redis store's worker; waited on with a bound, or awaited.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
#[cfg(feature = "redis")]
use std::time::Instant;

use super::identity::IdentityError;

/// Why an admin call (a revocation, the device list) did not succeed.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{
///     IdentityError, MemoryRevocation, Revocation, RevocationError, now_micros,
/// };
///
/// let store = MemoryRevocation::new(); // no device registry
/// assert_eq!(store.devices("ada").wait(), Err(RevocationError::RegistryDisabled));
/// assert_eq!(
///     store.revoke_subject("").wait(),
///     Err(RevocationError::Identity(IdentityError::EmptySubject))
/// );
/// let tomorrow = now_micros() + 24 * 3600 * 1_000_000;
/// let refused = store.revoke_everyone_before(tomorrow).wait();
/// assert_eq!(refused, Err(RevocationError::FutureEpoch));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevocationError {
    /// The shared store did not confirm the revocation within the bound. It applies in
    /// this process already; the store's worker keeps it queued and writes it (then
    /// announces it to the fleet) as soon as Redis answers, until the sessions it names
    /// have expired. It is lost if this process exits first: repeat it then (revoking
    /// twice is harmless).
    #[error(
        "Redis did not confirm the revocation within {0:?}: it applies in this process already \
         and stays queued here until Redis takes it (repeat it if this process stops first)"
    )]
    Unconfirmed(Duration),
    /// The shared store did not answer a registry call within the bound. A listing read
    /// nothing; a revoke-by-id may or may not have happened (repeating it is harmless).
    #[error("Redis did not answer within {0:?}")]
    TimedOut(Duration),
    /// Too many revocations are already waiting for Redis: this one applies in this process
    /// only and is not queued.
    #[error("{0} revocations are already waiting for Redis: this one applies in this process only")]
    QueueFull(usize),
    /// The device registry is turned off for this store.
    #[error("the device registry is off for this revocation store")]
    RegistryDisabled,
    /// The subject or id given is not one.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// A "revoke every session created before" time lies in the future, which would refuse
    /// sessions not created yet.
    #[error("a time to revoke sessions before must not be in the future")]
    FutureEpoch,
    /// The engine has no revocation store (`EngineOptions::revocation`, or
    /// `SessionEngine::with_revocation`).
    #[error("no revocation store is configured for this engine")]
    NotConfigured,
    /// The session is bound to no subject, so there is no subject to sign out.
    #[error("the session is bound to no subject")]
    NoSubject,
    /// The store's worker has stopped (the store was dropped).
    #[error("the revocation store has shut down")]
    Closed,
    /// Redis answered with an error.
    #[error("Redis refused the call: {0}")]
    Store(String),
}

/// The result of an admin call, as soon as it is known: [`wait`](Pending::wait) blocks
/// the thread at most for the store's bound (for synchronous callers: the CLI, the Python
/// package), `.await` suspends the task instead (for axum and actix-web handlers). A store
/// that does not answer in time gives [`RevocationError::Unconfirmed`] or
/// [`RevocationError::TimedOut`], never a hang.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{MemoryRevocation, Revocation, SessionId};
///
/// let store = MemoryRevocation::new();
/// store.revoke_session(SessionId::generate()?, None).wait()?;
/// let epoch = store.revoke_subject("ada").wait()?;
/// assert!(epoch > 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use = "an admin call's outcome says whether the fleet knows of it"]
pub struct Pending<T> {
    state: State<T>,
}

enum State<T> {
    Ready(Result<T, RevocationError>),
    #[cfg(feature = "redis")]
    Waiting {
        receiver: oneshot::Receiver<Result<T, RevocationError>>,
        deadline: Instant,
        on_timeout: RevocationError,
    },
}

impl<T> Pending<T> {
    /// An answer known already (what a store without a worker returns).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::{Pending, RevocationError};
    ///
    /// assert_eq!(Pending::ready(Ok(7)).wait(), Ok(7));
    /// let closed: Pending<()> = Pending::ready(Err(RevocationError::Closed));
    /// assert_eq!(closed.wait(), Err(RevocationError::Closed));
    /// ```
    pub const fn ready(result: Result<T, RevocationError>) -> Pending<T> {
        Pending {
            state: State::Ready(result),
        }
    }

    /// An answer a worker sends on `Answer`; waiting for it ends at `deadline` with
    /// `on_timeout`.
    #[cfg(feature = "redis")]
    pub(crate) fn waiting(
        deadline: Instant,
        on_timeout: RevocationError,
    ) -> (Answer<T>, Pending<T>) {
        let (sender, receiver) = oneshot::channel();
        (
            Answer(sender),
            Pending {
                state: State::Waiting {
                    receiver,
                    deadline,
                    on_timeout,
                },
            },
        )
    }

    /// Blocks until the answer comes, at most until the store's bound has passed since
    /// the call. Do not call it on an async executor's thread: `.await` the `Pending`
    /// there.
    ///
    /// # Errors
    ///
    /// The call's [`RevocationError`], including the timeout ones.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::{MemoryRevocation, Revocation, now_micros};
    ///
    /// let store = MemoryRevocation::new();
    /// let before = now_micros();
    /// let epoch = store.revoke_subject("ada").wait()?;
    /// assert!(epoch > before);
    /// # Ok::<(), chunked_cookie_session::revocation::RevocationError>(())
    /// ```
    pub fn wait(self) -> Result<T, RevocationError> {
        match self.state {
            State::Ready(result) => result,
            #[cfg(feature = "redis")]
            State::Waiting {
                receiver,
                deadline,
                on_timeout,
            } => match receiver.recv_deadline(deadline) {
                Ok(result) => result,
                Err(oneshot::RecvTimeoutError::Timeout) => Err(on_timeout),
                Err(oneshot::RecvTimeoutError::Disconnected) => Err(RevocationError::Closed),
            },
        }
    }
}

impl<T> fmt::Debug for Pending<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.state {
            State::Ready(result) => f
                .debug_tuple("Pending::Ready")
                .field(&result.as_ref().map(|_| ()))
                .finish(),
            #[cfg(feature = "redis")]
            State::Waiting { deadline, .. } => f
                .debug_struct("Pending::Waiting")
                .field("deadline", deadline)
                .finish(),
        }
    }
}

/// The sending half of a [`Pending`], held by a store's worker.
#[cfg(feature = "redis")]
pub(crate) struct Answer<T>(oneshot::Sender<Result<T, RevocationError>>);

#[cfg(feature = "redis")]
impl<T> Answer<T> {
    /// Delivers the answer; a caller that stopped waiting is no error.
    pub(crate) fn send(self, result: Result<T, RevocationError>) {
        let _ = self.0.send(result);
    }
}

#[cfg(feature = "redis")]
impl<T> fmt::Debug for Answer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Answer")
    }
}

/// The future of an awaited [`Pending`]. The store's worker answers it by the bound (at
/// worst one Redis I/O timeout later), so it never waits forever.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{MemoryRevocation, Revocation, SessionId};
///
/// let store = MemoryRevocation::new();
/// let runtime = tokio::runtime::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     // In an async handler: `.await` the `Pending` instead of blocking on `wait`.
///     store.revoke_session(SessionId::generate()?, None).await?;
///     let epoch = store.revoke_subject("ada").await?;
///     assert!(epoch > 0);
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PendingFuture<T> {
    state: FutureState<T>,
}

enum FutureState<T> {
    Ready(Option<Result<T, RevocationError>>),
    #[cfg(feature = "redis")]
    Waiting(oneshot::AsyncReceiver<Result<T, RevocationError>>),
}

// The answer is only ever moved out, never pinned in place.
impl<T> Unpin for PendingFuture<T> {}

impl<T> fmt::Debug for PendingFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PendingFuture")
    }
}

impl<T> IntoFuture for Pending<T> {
    type Output = Result<T, RevocationError>;
    type IntoFuture = PendingFuture<T>;

    fn into_future(self) -> PendingFuture<T> {
        PendingFuture {
            state: match self.state {
                State::Ready(result) => FutureState::Ready(Some(result)),
                #[cfg(feature = "redis")]
                State::Waiting { receiver, .. } => FutureState::Waiting(receiver.into_future()),
            },
        }
    }
}

impl<T> Future for PendingFuture<T> {
    type Output = Result<T, RevocationError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let _ = &cx; // read only when a worker answers (feature `redis`)
        let this = self.get_mut();
        match &mut this.state {
            FutureState::Ready(result) => {
                Poll::Ready(result.take().unwrap_or(Err(RevocationError::Closed)))
            }
            #[cfg(feature = "redis")]
            FutureState::Waiting(receiver) => match Pin::new(receiver).poll(cx) {
                Poll::Ready(Ok(result)) => Poll::Ready(result),
                Poll::Ready(Err(_)) => Poll::Ready(Err(RevocationError::Closed)),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}
