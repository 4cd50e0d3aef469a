//! The store: tower-sessions' `SessionStore`, answered from the request's [`Session`].
//!
//! The relay puts the request's session in a task-local [`Slot`] for the time the inner
//! stack runs; [`RelayStore`] finds it there. `load` hands tower-sessions the entries,
//! `save` applies what it changed, `delete` is [`Session::revoke`] (a purge, and with a
//! revocation store the end of every copy of the session), and the `create` that follows
//! a delete writes the record as a fresh session under an id drawn afresh.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use ::tower_sessions::session::{Id, Record};
use ::tower_sessions::session_store::{self, SessionStore};
use serde_json::Value;
use time::OffsetDateTime;

use crate::csrf::SESSION_KEY as CSRF_KEY;
use crate::integrations::log_revocation;
use crate::revocation::Pending;
use crate::session::Session;

/// The session entry that keeps tower-sessions' id between requests (22 characters), so
/// `tower_sessions::Session::id` is stable until `cycle_id` or `flush`. Written only with
/// the session's other data.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::tower_sessions::ID_KEY;
/// // The entry an application sees on this crate's `Session`, beside its own.
/// assert_eq!(ID_KEY, "tower-sessions.id");
/// ```
pub const ID_KEY: &str = "tower-sessions.id";

/// The default lifetime tower-sessions 0.14 gives a record without an `Expiry`.
const TOWER_DEFAULT_LIFETIME: time::Duration = time::Duration::weeks(2);

const OUTSIDE: &str = "chunked-cookie-session: RelayStore was called outside a request served \
by TowerSessions::layer(): install TowerSessions::layer() outside the SessionManagerLayer (or \
AuthManagerLayer), and touch tower_sessions::Session first in the request's own task, not in a \
spawned one";

const RECONFIGURED: &str = "chunked-cookie-session: tower-sessions did not receive the relay's \
id: the SessionManagerLayer from TowerSessions::session_manager_layer() must keep its cookie \
name and plain cookies (no with_name, with_signed or with_private)";

tokio::task_local! {
    static SLOT: Arc<Slot>;
}

/// The id tower-sessions knows `session` by: the one kept in the session, or a fresh one.
pub(super) fn id_of(session: &Session) -> Id {
    match session.get_value(ID_KEY) {
        Some(Value::String(id)) => id.parse().ok(),
        _ => None,
    }
    .unwrap_or_default()
}

/// Runs `future` (the inner stack) with `session`, known to tower-sessions as `id`, at
/// hand for [`RelayStore`].
pub(super) fn serve<F: Future>(
    session: Session,
    id: Id,
    future: F,
) -> impl Future<Output = F::Output> {
    SLOT.scope(Arc::new(Slot::new(session, id)), future)
}

/// Runs `f` on the session of the request being served.
///
/// # Errors
///
/// The store error of a call outside a request served by the relay (logged).
pub(super) fn with_session<T>(f: impl FnOnce(&Session) -> T) -> session_store::Result<T> {
    with_slot(|slot| Ok(f(&slot.session)))
}

/// One request's session, as [`RelayStore`] sees it.
struct Slot {
    session: Session,
    state: Mutex<SlotState>,
}

struct SlotState {
    /// The id tower-sessions knows the session by now: `None` after a `delete`, until the
    /// `create` that may follow.
    id: Option<Id>,
    /// The entries tower-sessions holds as of its last `load`, `save` or `create`: a save
    /// applies only what differs from them, so entries written directly on the
    /// [`Session`] in the same request survive.
    base: HashMap<String, Value>,
}

impl Slot {
    fn new(session: Session, id: Id) -> Slot {
        Slot {
            session,
            state: Mutex::new(SlotState {
                id: Some(id),
                base: HashMap::new(),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn load(&self, id: Id) -> session_store::Result<Option<Record>> {
        let mut state = self.state();
        if state.id != Some(id) {
            return Err(refuse(RECONFIGURED));
        }
        let mut data: HashMap<String, Value> = self.session.entries().into_iter().collect();
        data.remove(ID_KEY);
        state.base.clone_from(&data);
        // Always a record, if an empty one: an absent or rejected session is an empty
        // session under the same id, never a "record not found".
        Ok(Some(Record {
            id,
            data,
            expiry_date: to_datetime(self.session.expires_at()),
        }))
    }

    fn save(&self, record: &Record) -> session_store::Result<()> {
        let mut state = self.state();
        if state.id != Some(record.id) {
            return Err(refuse(RECONFIGURED));
        }
        self.apply(&mut state, record);
        Ok(())
    }

    fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let mut state = self.state();
        if state.id.is_some() {
            // A create follows a delete (cycle_id, flush); without one, tower-sessions found
            // no id in the request: not the relay's.
            return Err(refuse(RECONFIGURED));
        }
        // After cycle_id (a login): the token seen before must not serve after.
        record.data.remove(CSRF_KEY);
        // A new record, a new id, drawn here as a store draws one: after `flush`
        // tower-sessions hands back the record it cleared, with the old id still on it.
        record.id = Id::default();
        state.id = Some(record.id);
        self.apply(&mut state, record);
        Ok(())
    }

    /// Ends the session: [`Session::revoke`] (a purge, and with a revocation store every
    /// copy of its cookies refused from now on); the answer of the store, to await.
    fn delete(&self, id: Id) -> Option<Pending<()>> {
        let mut state = self.state();
        if state.id != Some(id) {
            return None;
        }
        let revoked = self.session.revoke();
        state.base.clear();
        state.id = None;
        Some(revoked)
    }

    /// Applies what tower-sessions changed since it last synchronized, and keeps its id
    /// with the data.
    fn apply(&self, state: &mut SlotState, record: &Record) {
        warn_on_foreign_expiry(record.expiry_date);
        let session = &self.session;
        for (key, value) in &record.data {
            if key != ID_KEY && state.base.get(key) != Some(value) {
                session.insert_value(key, value.clone());
            }
        }
        for key in state.base.keys() {
            if !record.data.contains_key(key) {
                session.remove(key);
            }
        }
        state.base.clone_from(&record.data);
        state.base.remove(ID_KEY);
        let holds_data = session.len() > usize::from(session.contains(ID_KEY));
        if holds_data {
            session.insert_value(ID_KEY, Value::String(record.id.to_string()));
        } else {
            session.remove(ID_KEY);
        }
    }
}

fn refuse(message: &'static str) -> session_store::Error {
    tracing::error!("{message}");
    session_store::Error::Backend(message.to_owned())
}

fn to_datetime(unix: u64) -> OffsetDateTime {
    i64::try_from(unix)
        .ok()
        .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// tower-sessions computes a record's expiry date from its own `Expiry` (two weeks without
/// one); any other date means `with_expiry` or `set_expiry` was used, which has no effect
/// here. Said once per process.
fn warn_on_foreign_expiry(expiry_date: OffsetDateTime) {
    static WARNED: AtomicBool = AtomicBool::new(false);
    let default = OffsetDateTime::now_utc().saturating_add(TOWER_DEFAULT_LIFETIME);
    if (expiry_date - default).abs() > time::Duration::minutes(1)
        && !WARNED.swap(true, Ordering::Relaxed)
    {
        tracing::warn!(
            "tower-sessions' expiry (with_expiry, set_expiry) has no effect on chunked cookie \
             sessions: set the lifetime, idle timeout and persistence in SessionConfig"
        );
    }
}

/// The `SessionStore` behind
/// [`TowerSessions::session_manager_layer`](super::TowerSessions::session_manager_layer):
/// it holds nothing; every call is answered from the session of the request that
/// [`TowerSessions::layer`](super::TowerSessions::layer) is serving.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::tower_sessions::RelayStore;
/// use tower_sessions::SessionStore;
/// use tower_sessions::session::Id;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// // Outside a request served by `TowerSessions::layer()` it refuses, loudly.
/// assert!(RelayStore.load(&Id::default()).await.is_err());
/// # });
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RelayStore;

fn with_slot<T>(f: impl FnOnce(&Slot) -> session_store::Result<T>) -> session_store::Result<T> {
    SLOT.try_with(|slot| f(slot))
        .unwrap_or_else(|_| Err(refuse(OUTSIDE)))
}

#[async_trait::async_trait]
impl SessionStore for RelayStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        with_slot(|slot| slot.create(record))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        with_slot(|slot| slot.save(record))
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        with_slot(|slot| slot.load(*session_id))
    }

    /// `flush` (axum-login's `logout`) and `cycle_id` (its `login`) delete the session
    /// they know: it is revoked, so a copy of its cookies taken before is refused. The
    /// revocation holds on this server before the store answers; should Redis not confirm
    /// it in time, that is logged and the call still succeeds (the logout happened here,
    /// and the store keeps the revocation queued for the fleet).
    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        if let Some(revoked) = with_slot(|slot| Ok(slot.delete(*session_id)))? {
            log_revocation(revoked.await);
        }
        Ok(())
    }
}
