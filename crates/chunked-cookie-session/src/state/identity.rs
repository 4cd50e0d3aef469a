//! A session's identity in its state: the id and creation time read with the session or
//! drawn when first needed (so a handler can read the id right after `renew`, and a new
//! session gets one at its first write), the subject the application sets, and the user
//! agent an adapter hands over for the device registry.

use super::session_state::State;
use crate::codec::Ident;
use crate::error::SaveError;
use crate::revocation::{Identity, IdentityError, MAX_USER_AGENT_LEN, SessionId, check_subject};

impl State {
    /// The session's id and creation time (µs), drawn now when it has none yet (a new
    /// session, or one renewed in this request). Drawing does not count as a change: an id
    /// nobody writes is simply never seen again.
    ///
    /// # Errors
    ///
    /// [`IdentityError::Random`] when the operating system has no randomness to give.
    pub(crate) fn session_id(&mut self) -> Result<(SessionId, u64), IdentityError> {
        if let Some(id) = self.id {
            return Ok(id);
        }
        let fresh = Ident::generate()?;
        let id = (fresh.id, fresh.created);
        self.id = Some(id);
        Ok(id)
    }

    /// The subject the session is bound to.
    pub(crate) fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// Binds the session to `subject` (checked), or to none; a change counts as one.
    ///
    /// # Errors
    ///
    /// The [`IdentityError`] that says what is wrong with the subject.
    pub(crate) fn set_subject(&mut self, subject: Option<String>) -> Result<(), IdentityError> {
        self.ensure_loaded();
        if let Some(subject) = &subject {
            check_subject(subject)?;
        }
        if self.subject.as_deref() != subject.as_deref() {
            self.subject = subject.map(String::into_boxed_str);
            self.marks.modified = true;
        }
        Ok(())
    }

    /// The session as revocation knows it: its id (drawn if need be), creation time,
    /// subject, and the deadline its next write signs.
    ///
    /// # Errors
    ///
    /// As [`session_id`](Self::session_id).
    pub(crate) fn identity(&mut self) -> Result<Identity, IdentityError> {
        let (id, created) = self.session_id()?;
        let expires_at = self.expires_at_for_write(self.now);
        Ok(Identity::from_parts(
            id,
            created,
            self.subject.clone(),
            expires_at,
        ))
    }

    /// The identity a write seals, for formats that carry one (drawn if need be).
    ///
    /// # Errors
    ///
    /// [`SaveError::Random`] when no id can be drawn.
    pub(super) fn identity_for_write(&mut self) -> Result<Option<Ident>, SaveError> {
        if !self.rules.carries_identity() {
            return Ok(None);
        }
        let (id, created) = self.session_id().map_err(|_| SaveError::Random)?;
        Ok(Some(Ident {
            id,
            created,
            subject: self.subject.clone(),
        }))
    }

    /// True when nothing of the session is left to keep: no entry, and no subject the
    /// format would carry. Its cookies are then deleted rather than written.
    pub(crate) fn holds_nothing(&self) -> bool {
        self.held_entries().is_empty() && !(self.subject.is_some() && self.rules.carries_identity())
    }

    /// Keeps the user agent of the request (cut to [`MAX_USER_AGENT_LEN`] bytes at a
    /// character boundary) for the device registry; nothing without a store whose registry
    /// is on.
    pub(crate) fn set_user_agent(&mut self, user_agent: &str) {
        if !self
            .rules
            .revocation
            .as_ref()
            .is_some_and(|store| store.registry_enabled())
        {
            return;
        }
        let mut end = user_agent.len().min(MAX_USER_AGENT_LEN);
        while !user_agent.is_char_boundary(end) {
            end -= 1;
        }
        self.user_agent = Some(user_agent[..end].into());
    }
}
