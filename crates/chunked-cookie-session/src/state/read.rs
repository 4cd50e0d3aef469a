//! The rules of reading: the request's cookies, gathered by exact name, become a session
//! and a load reason.

use super::session_state::{Rules, State};
use crate::chunk::{self, ChunkSet, Incoming, Joined};
use crate::codec::{self, Entries, Form, Ident, Meta, OpenInput, Opened, TokenInfo};
use crate::reason::LoadReason;

/// What decoding the request's cookies produced.
#[derive(Debug)]
pub(super) struct Decoded {
    pub(super) entries: Entries,
    pub(super) reason: LoadReason,
    pub(super) meta: Option<Meta>,
    /// What a response that writes nothing deletes: the chunks past the loaded session's
    /// count, or the cookies of a refusal that proves them dead; never a cookie of another
    /// set that this server cannot verify, nor one of a set that verifies.
    pub(super) debris: ChunkSet,
    /// The cookies of sessions that verified but were not loaded (`ambiguous`): no
    /// response deletes them, whatever it writes.
    pub(super) kept: ChunkSet,
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
            kept: ChunkSet::EMPTY,
            migrated: None,
            identity: None,
        }
    }

    fn valid(opened: Opened, debris: ChunkSet) -> Decoded {
        Decoded {
            entries: opened.entries,
            reason: LoadReason::Valid,
            meta: Some(opened.meta),
            debris,
            kept: ChunkSet::EMPTY,
            migrated: None,
            identity: opened.identity,
        }
    }
}

impl State {
    /// The reading rules: gather, join, verify, judge the clock, parse. Any inconsistency
    /// is an empty session with its reason. When the session has no valid cookies of its
    /// own, the previous formats' cookies are read, in order, and the first valid one is
    /// taken; when none is, a Flask session one of them refused for its signature is named
    /// as such (`foreign-key`).
    pub(super) fn decode(&self) -> Decoded {
        let own = decode_with(&self.rules, &self.incoming, self.now, self.form);
        if own.reason == LoadReason::Valid {
            return own;
        }
        let mut signed_elsewhere = false;
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
                    kept: ChunkSet::EMPTY,
                    migrated: Some((index, meta.persistent)),
                    identity: old.identity,
                };
            }
            signed_elsewhere |= old.reason == LoadReason::BadSignature
                && looks_like_flask(&previous.rules, &previous.incoming);
        }
        match own.reason {
            // Nothing of this engine's own explains the refusal better.
            LoadReason::NoSession | LoadReason::Malformed if signed_elsewhere => Decoded {
                reason: LoadReason::ForeignKey,
                ..own
            },
            _ => own,
        }
    }
}

fn decode_with(rules: &Rules, incoming: &Incoming, now: u64, form: Form) -> Decoded {
    if incoming.is_empty() {
        return Decoded::empty(LoadReason::NoSession, ChunkSet::EMPTY);
    }
    if incoming.over_cap() {
        // Nothing was kept to tell whose cookies these are: none is deleted.
        return Decoded::empty(LoadReason::TooLarge, ChunkSet::EMPTY);
    }
    let input = OpenInput {
        name: &rules.config.name,
        now,
        config: &rules.config,
        form,
        identity_entries: rules.carries_identity(),
    };
    let layout = rules.layout();
    let limit = rules.chunk_limit();
    let open = |chunk0| {
        chunk::join(layout, incoming, chunk0, limit, rules.byte_cap()).and_then(
            |Joined { token, debris }| {
                let opened = rules.format.open(&token, &input)?;
                Ok((opened, debris))
            },
        )
    };
    let present = incoming.present();
    // The cookies of a refused set are left in place unless the refusal proves them dead.
    let spared = |reason: LoadReason, chunk0| match reason.proves_dead() {
        true => ChunkSet::EMPTY,
        false => chunk::span(layout, chunk0, limit),
    };
    let firsts = chunk::firsts(layout, incoming);
    if let [chunk0] = firsts[..] {
        // The common case, one candidate: one join, one verification.
        return match open(chunk0) {
            Ok((opened, debris)) => Decoded::valid(opened, debris),
            Err(reason) => Decoded::empty(reason, present.minus(spared(reason, chunk0))),
        };
    }
    // Twins of chunk 0: every generation is verified, since two that verify are two
    // sessions and the first is no more the user's than the second (a sibling subdomain
    // can put its own genuine session first). One decoded session is held at a time: a
    // winner found before the last candidate is opened again at the end.
    let mut first_failure = None;
    let mut unverified = ChunkSet::EMPTY;
    let mut verified = ChunkSet::EMPTY;
    let mut winner = None;
    let mut held = None;
    let mut ambiguous = false;
    for chunk0 in firsts {
        held = None;
        match open(chunk0) {
            Ok(found) => {
                verified = verified.union(chunk::span(layout, chunk0, limit));
                if winner.is_some() {
                    ambiguous = true;
                } else {
                    winner = Some(chunk0);
                    held = Some(found);
                }
            }
            Err(reason) => {
                first_failure.get_or_insert(reason);
                unverified = unverified.union(spared(reason, chunk0));
            }
        }
    }
    if ambiguous {
        return Decoded {
            kept: verified,
            ..Decoded::empty(
                LoadReason::Ambiguous,
                present.minus(verified).minus(unverified),
            )
        };
    }
    if let Some(chunk0) = winner {
        return match held.map_or_else(|| open(chunk0), Ok) {
            Ok((opened, debris)) => Decoded::valid(opened, debris.minus(unverified)),
            Err(reason) => Decoded::empty(reason, ChunkSet::EMPTY),
        };
    }
    let reason = first_failure.unwrap_or(LoadReason::MissingChunk);
    Decoded::empty(reason, present.minus(unverified))
}

/// True when the cookies `rules` read hold a token shaped as a Flask session is (a
/// payload, a timestamp that reads, a signature), looked at without a key.
fn looks_like_flask(rules: &Rules, incoming: &Incoming) -> bool {
    let layout = rules.layout();
    chunk::firsts(layout, incoming).into_iter().any(|chunk0| {
        let joined = || {
            chunk::join(
                layout,
                incoming,
                chunk0,
                rules.chunk_limit(),
                rules.byte_cap(),
            )
            .map(|joined| joined.token.into_owned())
            .unwrap_or_default()
        };
        codec::token_info(layout, chunk0, joined).is_some_and(|info| flask_shaped(&info))
    })
}

/// True for a Flask token whose timestamp reads.
#[cfg(feature = "flask")]
fn flask_shaped(info: &TokenInfo) -> bool {
    matches!(info, TokenInfo::Flask(token) if token.signed_at.is_some())
}

/// A build without Flask's format reads no Flask token.
#[cfg(not(feature = "flask"))]
fn flask_shaped(_: &TokenInfo) -> bool {
    false
}
