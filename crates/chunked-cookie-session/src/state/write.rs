//! The rules of writing: what a response sets and deletes for a session, sized to the byte.

use super::session_state::State;
use crate::chunk::{ChunkSet, Deadline, Limits};
use crate::codec::SealInput;
use crate::config::OverflowPolicy;
use crate::cookies::{CookieWriter, Persistence, SetCookie};
use crate::error::SaveError;

/// What a response writes for a session.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// Deletions first, then every chunk of the new write.
    pub(crate) cookies: Vec<SetCookie>,
    /// Bytes the session's cookies take in the client's next `Cookie` header when this
    /// response writes the session (0 when it deletes it); `None` when it leaves them be.
    pub(crate) cookie_line: Option<usize>,
}

/// How much of the client's `Cookie` header a session takes, against the budget.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// session.insert("user", "ada")?;
/// let sizes = session.check()?;
/// assert_eq!(sizes.chunks, 1);
/// assert!(sizes.cookie_line < sizes.max_size);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Sizes {
    /// Bytes of the session's `name=value` pairs in the `Cookie` header, `; ` included.
    pub cookie_line: usize,
    /// How many cookies carry it.
    pub chunks: usize,
    /// The budget: the configured `max_size`.
    pub max_size: usize,
    /// The most cookies the session may take.
    pub max_chunks: usize,
}

impl State {
    /// What the response writes: nothing for a session the handler never touched, nor for
    /// one read and left unchanged (unless its refresh is due, an old key sealed it, or the
    /// request carried debris to clean); deletions for a purged or emptied session; else
    /// every chunk of a new write, after the deletion of the chunks it no longer uses. A
    /// session purged and then written to is such a new write: a fresh session replaces
    /// the old cookies in the same response.
    ///
    /// Only a purge deletes the cookies of a session that verified without being loaded
    /// (`ambiguous`); a response that writes nothing deletes only what reading proved to be
    /// debris (see `LoadReason::proves_dead`).
    pub(crate) fn write(&mut self, now: u64) -> Result<Written, SaveError> {
        if !self.loaded() {
            return Ok(Written::default());
        }
        let overflow = self.rules.config.overflow;
        let present = self.incoming.present();
        // Another session's cookies: only the application's purge ends them.
        let kept = if self.is_purged() {
            ChunkSet::EMPTY
        } else {
            self.kept
        };
        let purge_all = || present.union(ChunkSet::single(0)).minus(kept);
        if self.is_modified() && self.holds_nothing() {
            let doomed = if self.is_purged() {
                purge_all()
            } else {
                present.minus(kept)
            };
            let mut written = self.removals(doomed, Some(0));
            let previous = self.previous_removals(&written.cookies);
            written.cookies.extend(previous);
            return Ok(written);
        }
        if !self.is_modified() && !self.rewrite_due(now) {
            // Nothing to write; only debris to clean: the chunks past the joined count after
            // a success, and after a rejection the cookies reading proved dead, when the
            // cookies are this format's own (see `Policy::clears_rejected`) or revoked
            // (`revoke.rs`).
            let debris = match (self.reason().is_rejection(), self.clears_refused()) {
                (true, false) => ChunkSet::EMPTY,
                _ => self.debris(),
            };
            return Ok(self.removals(debris, None));
        }
        match self.encode(now) {
            Ok((sets, cookie_line)) => {
                let stale = present.at_or_past(sets.len()).minus(kept);
                let mut written = self.removals(stale, Some(cookie_line));
                let previous = self.previous_removals(&sets);
                written.cookies.extend(previous);
                written.cookies.extend(sets);
                Ok(written)
            }
            Err(err @ SaveError::Overflow { .. }) if overflow == OverflowPolicy::Clear => {
                tracing::warn!(error = %err, "session over budget; deleting it (OverflowPolicy::Clear)");
                Ok(self.removals(purge_all(), Some(0)))
            }
            Err(err) => Err(err),
        }
    }

    /// True when a session read and left unchanged is written again all the same: an old
    /// key sealed it, its refresh threshold has passed, or it is persistent and every
    /// request refreshes persistent sessions (Flask's `SESSION_REFRESH_EACH_REQUEST`).
    pub(crate) fn rewrite_due(&self, now: u64) -> bool {
        let rules = &*self.rules;
        let config = &rules.config;
        self.meta().is_some_and(|meta| {
            rules.policy().rewrite.due(&meta)
                || (config.refresh_each_request && meta.persistent)
                || config
                    .refresh_threshold()
                    .is_some_and(|after| now.saturating_sub(meta.issued_at) >= after.as_secs())
        })
    }

    /// How big the session would be if written now, whatever the overflow policy.
    pub(crate) fn measure(&mut self) -> Result<Sizes, SaveError> {
        let (cookie_line, chunks) = if self.holds_nothing() {
            (0, 0)
        } else {
            let (sets, cookie_line) = self.encode(self.now())?;
            (cookie_line, sets.len())
        };
        Ok(Sizes {
            cookie_line,
            chunks,
            max_size: self.rules.config.max_size,
            max_chunks: self.rules.chunk_limit(),
        })
    }

    /// The deletions of the chunks in `doomed`, with the same attributes as the sets.
    fn removals(&self, doomed: ChunkSet, cookie_line: Option<usize>) -> Written {
        let rules = &*self.rules;
        let config = &rules.config;
        let writer = CookieWriter::new(config, Persistence::BrowserSession);
        let cookies = doomed
            .iter()
            .filter(|&index| index < rules.chunk_limit())
            .map(|index| writer.remove(&rules.layout().name(&config.name, index), index))
            .collect();
        Written {
            cookies,
            cookie_line,
        }
    }

    /// The deletions of the previous formats' cookies the request carried, for a response
    /// that writes the session: every one whose name this response does not already set or
    /// delete, with its own format's attributes and chunk index.
    fn previous_removals(&self, own: &[SetCookie]) -> Vec<SetCookie> {
        let mut removals = Vec::new();
        for previous in self.previous() {
            let rules = &*previous.rules;
            let writer = CookieWriter::new(&rules.config, Persistence::BrowserSession);
            for index in previous.incoming.present().iter() {
                let name = rules.layout().name(&rules.config.name, index);
                let taken = own
                    .iter()
                    .chain(&removals)
                    .any(|cookie: &SetCookie| cookie.name() == name);
                if !taken {
                    removals.push(writer.remove(&name, index));
                }
            }
        }
        removals
    }

    /// Seals the session and splits it (through the format: prepare, plan, seal, split):
    /// the `Set-Cookie` value of every chunk, and the bytes they take in the client's
    /// `Cookie` header.
    fn encode(&mut self, now: u64) -> Result<(Vec<SetCookie>, usize), SaveError> {
        let identity = self.identity_for_write()?;
        let rules = &*self.rules;
        let config = &rules.config;
        let layout = rules.layout();
        let persistent = self.persistent_now();
        let expires_at = self.expires_at_for_write(now);
        let persistence = match (persistent, layout.deadline) {
            (false, _) => Persistence::BrowserSession,
            (true, Deadline::MaxAge) if config.expires_date => {
                Persistence::MaxAgeAndExpires(expires_at.saturating_sub(now), expires_at)
            }
            (true, Deadline::MaxAge) => Persistence::MaxAge(expires_at.saturating_sub(now)),
            (true, Deadline::Expires) => Persistence::Expires(expires_at),
        };
        let writer = CookieWriter::new(config, persistence);
        let encoded = rules.format.encode(
            &SealInput {
                entries: self.held_entries(),
                persistent,
                issued_at: now,
                expires_at,
                identity: identity.as_ref(),
            },
            config,
            &Limits {
                layout,
                base: &config.name,
                attributes_len: writer.attributes_len(),
                max_chunks: rules.chunk_limit(),
                max_size: config.max_size,
            },
        )?;
        let sets = encoded
            .values
            .iter()
            .enumerate()
            .map(|(index, value)| writer.set(&layout.name(&config.name, index), index, value))
            .collect();
        Ok((sets, encoded.cookie_line))
    }
}
