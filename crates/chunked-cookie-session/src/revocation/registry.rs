//! The optional device registry: the sessions a subject has, as the application lists them
//! ("your devices") and revokes one of them by id.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use super::identity::{Identity, SessionId};

/// The per-subject cap when the registry is on and no other is given.
///
/// # Example
///
/// A subject with one session more than the cap keeps the most recently seen:
///
/// ```
/// use chunked_cookie_session::revocation::{
///     DEFAULT_REGISTRY_CAP, Identity, MemoryRevocation, Revocation, SessionId, now_micros,
/// };
///
/// let store = MemoryRevocation::builder().registry(DEFAULT_REGISTRY_CAP).build()?;
/// let now = now_micros() / 1_000_000;
/// for seen in 0..=DEFAULT_REGISTRY_CAP as u64 {
///     let session = Identity::new(SessionId::generate()?, now_micros(), now + 3600)
///         .with_subject("ada")?;
///     store.record(&session, now + seen, "Firefox");
/// }
/// assert_eq!(store.devices("ada").wait()?.len(), DEFAULT_REGISTRY_CAP);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const DEFAULT_REGISTRY_CAP: usize = 20;

/// The largest per-subject cap accepted.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{MAX_REGISTRY_CAP, MemoryRevocation, OptionsError};
///
/// assert!(MemoryRevocation::builder().registry(MAX_REGISTRY_CAP).build().is_ok());
/// let refused = MemoryRevocation::builder().registry(MAX_REGISTRY_CAP + 1).build();
/// assert!(matches!(refused, Err(OptionsError::RegistryCap(1001))));
/// ```
pub const MAX_REGISTRY_CAP: usize = 1000;

/// The longest user-agent string kept, in bytes (a longer one is cut at a character
/// boundary).
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{
///     Identity, MAX_USER_AGENT_LEN, MemoryRevocation, Revocation, SessionId, now_micros,
/// };
///
/// let store = MemoryRevocation::builder().registry(5).build()?;
/// let created = now_micros();
/// let session = Identity::new(SessionId::generate()?, created, created / 1_000_000 + 60)
///     .with_subject("ada")?;
/// store.record(&session, created / 1_000_000, &"x".repeat(2 * MAX_USER_AGENT_LEN));
/// assert_eq!(store.devices("ada").wait()?[0].user_agent.len(), MAX_USER_AGENT_LEN);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_USER_AGENT_LEN: usize = 512;

/// One session of a subject, as the registry last saw it.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{Identity, MemoryRevocation, Revocation, SessionId, now_micros};
///
/// let store = MemoryRevocation::builder().registry(5).build()?;
/// let created = now_micros();
/// let identity = Identity::new(SessionId::generate()?, created, created / 1_000_000 + 3600)
///     .with_subject("ada")?;
/// store.record(&identity, created / 1_000_000, "Firefox");
/// let devices = store.devices("ada").wait()?;
/// assert_eq!(devices[0].session_id, identity.session_id());
/// assert_eq!(devices[0].user_agent, "Firefox");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The session's id.
    pub session_id: SessionId,
    /// When the session id was created, in microseconds since the Unix epoch.
    pub created: u64,
    /// When the session was last written, in Unix seconds.
    pub last_seen: u64,
    /// The user agent the adapter saw at that write (at most [`MAX_USER_AGENT_LEN`] bytes).
    pub user_agent: String,
    /// The session's absolute deadline, in Unix seconds: the record goes then.
    pub expires_at: u64,
}

impl Device {
    /// The record of a write of this session.
    pub(crate) fn seen(identity: &Identity, last_seen: u64, user_agent: &str) -> Device {
        Device {
            session_id: identity.session_id(),
            created: identity.created(),
            last_seen,
            user_agent: cut_user_agent(user_agent).to_owned(),
            expires_at: identity.expires_at(),
        }
    }

    /// The identity this record describes, to ask the mirror whether it is revoked.
    pub(crate) fn identity(&self, subject: &str) -> Option<Identity> {
        Identity::new(self.session_id, self.created, self.expires_at)
            .with_subject(subject)
            .ok()
    }
}

/// A user-agent string cut to [`MAX_USER_AGENT_LEN`] bytes at a character boundary.
pub(crate) fn cut_user_agent(user_agent: &str) -> &str {
    if user_agent.len() <= MAX_USER_AGENT_LEN {
        return user_agent;
    }
    let mut end = MAX_USER_AGENT_LEN;
    while !user_agent.is_char_boundary(end) {
        end -= 1;
    }
    &user_agent[..end]
}

/// Orders a subject's devices most recently seen first, and keeps the `cap` newest.
pub(crate) fn newest_first(devices: &mut Vec<Device>, cap: usize) {
    devices.sort_by(|a, b| {
        b.last_seen
            .cmp(&a.last_seen)
            .then(b.created.cmp(&a.created))
    });
    devices.truncate(cap);
}

/// The registry in this process's memory (the memory store's).
#[derive(Debug)]
pub(crate) struct MemoryRegistry {
    cap: usize,
    subjects: Mutex<HashMap<Box<str>, Vec<Device>>>,
}

impl MemoryRegistry {
    pub(crate) fn new(cap: usize) -> MemoryRegistry {
        MemoryRegistry {
            cap,
            subjects: Mutex::new(HashMap::new()),
        }
    }

    /// Records a write of a session bound to a subject (others have nothing to be listed
    /// under). `now` is the Unix second.
    pub(crate) fn record(&self, identity: &Identity, last_seen: u64, user_agent: &str, now: u64) {
        let Some(subject) = identity.subject() else {
            return;
        };
        if identity.expires_at() < now {
            return;
        }
        let mut subjects = self.subjects.lock().unwrap_or_else(PoisonError::into_inner);
        let devices = subjects.entry(subject.into()).or_default();
        devices.retain(|device| device.expires_at >= now);
        let seen = Device::seen(identity, last_seen, user_agent);
        match devices
            .iter_mut()
            .find(|device| device.session_id == seen.session_id)
        {
            Some(device) => *device = seen,
            None => devices.push(seen),
        }
        newest_first(devices, self.cap);
    }

    /// The subject's unexpired devices, most recently seen first.
    pub(crate) fn list(&self, subject: &str, now: u64) -> Vec<Device> {
        let subjects = self.subjects.lock().unwrap_or_else(PoisonError::into_inner);
        subjects
            .get(subject)
            .map(|devices| {
                devices
                    .iter()
                    .filter(|device| device.expires_at >= now)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Removes and returns the subject's device with this id, if the subject has it.
    pub(crate) fn take(&self, subject: &str, id: SessionId) -> Option<Device> {
        let mut subjects = self.subjects.lock().unwrap_or_else(PoisonError::into_inner);
        let devices = subjects.get_mut(subject)?;
        let at = devices.iter().position(|device| device.session_id == id)?;
        let device = devices.remove(at);
        if devices.is_empty() {
            subjects.remove(subject);
        }
        Some(device)
    }

    /// Drops expired devices and subjects left with none.
    pub(crate) fn prune(&self, now: u64) {
        let mut subjects = self.subjects.lock().unwrap_or_else(PoisonError::into_inner);
        subjects.retain(|_, devices| {
            devices.retain(|device| device.expires_at >= now);
            !devices.is_empty()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    fn identity(byte: u8, created: u64, expires_at: u64) -> Identity {
        Identity::new(SessionId::from_bytes([byte; 16]), created, expires_at)
            .with_subject("ada")
            .expect("a subject")
    }

    #[test]
    fn keeps_the_newest_up_to_the_cap() {
        let registry = MemoryRegistry::new(3);
        for byte in 1..=5 {
            registry.record(
                &identity(byte, u64::from(byte), NOW + 100),
                NOW + u64::from(byte),
                "ua",
                NOW,
            );
        }
        let listed: Vec<u8> = registry
            .list("ada", NOW)
            .iter()
            .map(|device| device.session_id.as_bytes()[0])
            .collect();
        assert_eq!(listed, [5, 4, 3]);
        // Seen again: it moves to the front and pushes the oldest out.
        registry.record(&identity(3, 3, NOW + 100), NOW + 10, "ua 2", NOW);
        registry.record(&identity(6, 6, NOW + 100), NOW + 9, "ua", NOW);
        let devices = registry.list("ada", NOW);
        let listed: Vec<u8> = devices
            .iter()
            .map(|device| device.session_id.as_bytes()[0])
            .collect();
        assert_eq!(listed, [3, 6, 5]);
        assert_eq!(devices[0].user_agent, "ua 2");
    }

    #[test]
    fn records_go_with_their_sessions() {
        let registry = MemoryRegistry::new(10);
        registry.record(&identity(1, 1, NOW + 10), NOW, "ua", NOW);
        registry.record(&identity(2, 2, NOW + 100), NOW, "ua", NOW);
        assert_eq!(registry.list("ada", NOW + 11).len(), 1);
        registry.prune(NOW + 101);
        assert!(registry.list("ada", NOW).is_empty());
        assert!(registry.subjects.lock().expect("the lock").is_empty());
    }

    #[test]
    fn take_finds_only_the_subjects_own() {
        let registry = MemoryRegistry::new(10);
        registry.record(&identity(1, 1, NOW + 10), NOW, "ua", NOW);
        assert_eq!(registry.take("bob", SessionId::from_bytes([1; 16])), None);
        assert!(
            registry
                .take("ada", SessionId::from_bytes([1; 16]))
                .is_some()
        );
        assert_eq!(registry.take("ada", SessionId::from_bytes([1; 16])), None);
    }

    #[test]
    fn user_agents_are_cut_at_a_character() {
        let long = "é".repeat(MAX_USER_AGENT_LEN);
        let cut = cut_user_agent(&long);
        assert!(cut.len() <= MAX_USER_AGENT_LEN && cut.len() >= MAX_USER_AGENT_LEN - 1);
        assert_eq!(cut_user_agent("short"), "short");
    }
}
