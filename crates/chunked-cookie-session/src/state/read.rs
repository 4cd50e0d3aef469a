//! The rules of reading: the request's cookies, gathered by exact name, become a session
//! and a load reason.

use super::session_state::{Rules, State};
use crate::chunk::{self, ChunkSet, Incoming, Joined};
use crate::codec::{Entries, Form, Ident, Meta, OpenInput};
use crate::reason::LoadReason;

/// What decoding the request's cookies produced.
#[derive(Debug)]
pub(super) struct Decoded {
    pub(super) entries: Entries,
    pub(super) reason: LoadReason,
    pub(super) meta: Option<Meta>,
    pub(super) debris: ChunkSet,
    /// Read from the previous engine of this index, whose session was persistent or not.
    pub(super) migrated: Option<(usize, bool)>,
    /// The verified session's identity, where the format carries one.
    pub(super) identity: Option<Ident>,
}

impl Decoded {
    pub(super) fn empty(reason: LoadReason, debris: ChunkSet) -> Decoded {
        Decoded {
            entries: Entries::default(),
            reason,
            meta: None,
            debris,
            migrated: None,
            identity: None,
        }
    }
}

impl State {
    /// The reading rules: gather, join, verify, judge the clock, parse. Any inconsistency
    /// is an empty session with its reason, and every cookie the request carried is debris.
    /// When the session has no valid cookies of its own, the previous formats' cookies are
    /// read, in order, and the first valid one is taken.
    pub(super) fn decode(&self) -> Decoded {
        let own = decode_with(&self.rules, &self.incoming, self.now, self.form);
        if own.reason == LoadReason::Valid {
            return own;
        }
        for (index, previous) in self.previous().iter().enumerate() {
            if previous.incoming.is_empty() {
                continue;
            }
            let old = decode_with(&previous.rules, &previous.incoming, self.now, self.form);
            if let (LoadReason::Valid, Some(meta)) = (old.reason, old.meta) {
                return Decoded {
                    entries: old.entries,
                    reason: LoadReason::Valid,
                    meta: None,
                    debris: self.incoming.present(),
                    migrated: Some((index, meta.persistent)),
                    identity: old.identity,
                };
            }
        }
        own
    }
}

fn decode_with(rules: &Rules, incoming: &Incoming, now: u64, form: Form) -> Decoded {
    if incoming.is_empty() {
        return Decoded::empty(LoadReason::NoSession, ChunkSet::EMPTY);
    }
    let rejected = |reason| Decoded::empty(reason, incoming.present());
    if incoming.over_cap() {
        return rejected(LoadReason::TooLarge);
    }
    let input = OpenInput {
        name: &rules.config.name,
        now,
        config: &rules.config,
        form,
        identity_entries: rules.carries_identity(),
    };
    let firsts = chunk::firsts(rules.layout(), incoming);
    let mut first_failure = None;
    for chunk0 in firsts {
        let opened = chunk::join(
            rules.layout(),
            incoming,
            chunk0,
            rules.chunk_limit(),
            rules.byte_cap(),
        )
        .and_then(|Joined { token, debris }| {
            let opened = rules.format.open(&token, &input)?;
            Ok((opened, debris))
        });
        match opened {
            Ok((opened, debris)) => {
                return Decoded {
                    entries: opened.entries,
                    reason: LoadReason::Valid,
                    meta: Some(opened.meta),
                    debris,
                    migrated: None,
                    identity: opened.identity,
                };
            }
            Err(reason) => {
                first_failure.get_or_insert(reason);
            }
        }
    }
    rejected(first_failure.unwrap_or(LoadReason::MissingChunk))
}
