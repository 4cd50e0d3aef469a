//! The rules of reading: the request's cookies, gathered by exact name, become a session
//! and a load reason.

use super::State;
use crate::chunk::{self, ChunkSet, Joined};
use crate::codec::{Entries, Meta};
use crate::reason::LoadReason;

/// What decoding the request's cookies produced.
#[derive(Debug)]
pub(super) struct Decoded {
    pub(super) entries: Entries,
    pub(super) reason: LoadReason,
    pub(super) meta: Option<Meta>,
    pub(super) debris: ChunkSet,
}

impl Decoded {
    fn empty(reason: LoadReason, debris: ChunkSet) -> Decoded {
        Decoded {
            entries: Entries::default(),
            reason,
            meta: None,
            debris,
        }
    }
}

impl State {
    /// The reading rules: gather, join, verify, judge the clock, parse. Any inconsistency
    /// is an empty session with its reason, and every cookie the request carried is debris.
    pub(super) fn decode(&self) -> Decoded {
        let rules = &*self.rules;
        let incoming = &self.incoming;
        if incoming.is_empty() {
            return Decoded::empty(LoadReason::NoSession, ChunkSet::EMPTY);
        }
        let rejected = |reason| Decoded::empty(reason, incoming.present());
        if incoming.over_cap() {
            return rejected(LoadReason::TooLarge);
        }
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
                let config = &rules.config;
                let opened = rules.format.open(&token, &config.name, self.now, config)?;
                Ok((opened, debris))
            });
            match opened {
                Ok((opened, debris)) => {
                    return Decoded {
                        entries: opened.entries,
                        reason: LoadReason::Valid,
                        meta: Some(opened.meta),
                        debris,
                    };
                }
                Err(reason) => {
                    first_failure.get_or_insert(reason);
                }
            }
        }
        rejected(first_failure.unwrap_or(LoadReason::MissingChunk))
    }
}
