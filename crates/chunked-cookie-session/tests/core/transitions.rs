//! The transition matrix: a session moves between chunk counts while the network drops any
//! subset of a response's `Set-Cookie` lines, and the browser sends what it kept in any
//! order, duplicated, split over HTTP/2 fields, or beside look-alike names.
//!
//! The expected outcome comes from the reader rules of docs/FORMAT.md. Natively, chunk 0
//! names its write (generation and count); chunks 1..count are looked up by exact name in
//! index order; the first absent one is `missing-chunk`, the first from another write is
//! `stale-chunk`. Without a manifest (Flask's chunked layout), chunks are joined in index
//! order up to the first gap, and anything but one write's whole token fails its
//! signature. Either way: the whole old session, the whole new one, or empty; never
//! anything in between.

use std::collections::BTreeSet;

use chunked_cookie_session::{LoadReason, SessionConfig, SessionEngine, SetCookie};
use serde_json::{Map, Value};
use test_support::{Jar, join_pairs};

use super::fixture::{Fixture, Wire};
use super::support::*;

every_format!(zero_one_many_fewer_one_zero, every_pair_of_counts);
native_formats!(two_generations_side_by_side);

type Pair = (String, String);

/// One write's complete cookies and the session they carry.
#[derive(Debug, Clone)]
struct Written {
    map: Map<String, Value>,
    sets: Vec<SetCookie>,
}

struct Matrix<'f> {
    f: &'f Fixture,
    config: SessionConfig,
    engine: SessionEngine,
    step: u64,
    checked: usize,
    reasons: BTreeSet<&'static str>,
}

impl<'f> Matrix<'f> {
    fn new(f: &'f Fixture) -> Matrix<'f> {
        let config = uncompressed().build().expect("valid");
        let engine = f.engine(config.clone());
        let config = engine.config().clone();
        Matrix {
            f,
            config,
            engine,
            step: 0,
            checked: 0,
            reasons: BTreeSet::new(),
        }
    }

    /// A session needing exactly `chunks` cookies, distinct from every other one made.
    fn sized(&mut self, chunks: usize) -> Map<String, Value> {
        self.step += 1;
        sized(self.f, &self.engine, chunks, self.step)
    }

    /// Writes `map` from scratch into an empty jar.
    fn establish(&self, map: &Map<String, Value>) -> (Jar, Written) {
        let mut jar = Jar::new();
        let outcome = self
            .engine
            .save_at(&session_with(&self.engine, map), NOW)
            .expect("fits");
        let sets = respond(self.f, &self.config, &mut jar, &outcome);
        let written = Written {
            map: map.clone(),
            sets,
        };
        (jar, written)
    }

    /// What the reader must conclude from `jar`, and the names left once the next
    /// response has cleaned up.
    fn expected(
        &self,
        jar: &Jar,
        writes: [&Written; 2],
    ) -> (LoadReason, Map<String, Value>, Vec<String>) {
        let f = self.f;
        let base = self.config.name();
        // After a refusal, the cookies a format cleans are gone; the others stay.
        let left_after_refusal = if f.cleans_rejected() {
            Vec::new()
        } else {
            our_names(f, jar, base)
        };
        let rejected = |reason| (reason, Map::new(), left_after_refusal.clone());
        if our_names(f, jar, base).is_empty() {
            return rejected(LoadReason::NoSession);
        }
        let Some(chunk0) = jar.get(&f.chunk_name(base, 0)) else {
            return rejected(LoadReason::MissingChunk);
        };
        let names_of = |write: &Written| {
            let mut names: Vec<String> = (0..write.sets.len())
                .map(|i| f.chunk_name(base, i))
                .collect();
            names.sort();
            names
        };
        match f.wire {
            Wire::Envelope { .. } => {
                let write = writes
                    .into_iter()
                    .find(|write| {
                        write
                            .sets
                            .first()
                            .is_some_and(|first| first.value() == chunk0)
                    })
                    .expect("chunk 0 comes from one of the two writes");
                let generation = f.generation(chunk0).expect("a native chunk 0");
                for index in 1..write.sets.len() {
                    match jar.get(&f.chunk_name(base, index)) {
                        None => return rejected(LoadReason::MissingChunk),
                        Some(value) if !value.starts_with(generation) => {
                            return rejected(LoadReason::StaleChunk);
                        }
                        Some(_) => {}
                    }
                }
                (LoadReason::Valid, write.map.clone(), names_of(write))
            }
            Wire::Itsdangerous => {
                let token: String = (0..f.chunk_limit(&self.config))
                    .map_while(|index| jar.get(&f.chunk_name(base, index)))
                    .collect();
                match writes
                    .into_iter()
                    .find(|write| token_of(f, &write.sets) == token)
                {
                    Some(write) => (LoadReason::Valid, write.map.clone(), names_of(write)),
                    None => rejected(LoadReason::BadSignature),
                }
            }
        }
    }

    /// Every way the jar's cookies can reach the server.
    fn arrangements(&self, jar: &Jar) -> Vec<Vec<String>> {
        let pairs = jar.pairs();
        let mut reversed = pairs.clone();
        reversed.reverse();
        let mut rotated = pairs.clone();
        if !rotated.is_empty() {
            rotated.rotate_left(1);
        }
        let mut doubled = pairs.clone();
        doubled.extend(reversed.iter().cloned());
        let mut foreign: Vec<Pair> = lookalikes(self.f, self.config.name())
            .into_iter()
            .map(|name| (name, "AAAA".to_owned()))
            .collect();
        foreign.extend(rotated.iter().cloned());
        vec![
            vec![join_pairs(&pairs)],
            vec![join_pairs(&reversed)],
            vec![join_pairs(&rotated)],
            // HTTP/2: one field per cookie.
            reversed
                .iter()
                .map(|pair| join_pairs(std::slice::from_ref(pair)))
                .collect(),
            vec![join_pairs(&doubled)],
            vec![join_pairs(&foreign)],
        ]
    }

    /// Moves the session held by `jar` (written as `old`) to `new_map`, then replays the
    /// response with every subset of its lines dropped.
    fn transition(
        &mut self,
        jar: &mut Jar,
        old: &Written,
        new_map: &Map<String, Value>,
        new_chunks: usize,
    ) -> Written {
        let engine = self.engine.clone();
        let session = load_jar(&engine, jar, NOW);
        let reason = if old.sets.is_empty() {
            LoadReason::NoSession
        } else {
            LoadReason::Valid
        };
        assert_eq!(session.load_reason(), reason);
        assert_eq!(session.entries(), old.map);
        session.clear();
        for (key, value) in new_map {
            session.insert_value(key, value.clone());
        }
        let outcome = engine.save_at(&session, NOW).expect("fits");
        let sets = check_outcome(self.f, &self.config, &outcome);
        assert_eq!(sets.len(), new_chunks, "{outcome:?}");
        let new = Written {
            map: new_map.clone(),
            sets,
        };
        let lines = &outcome.cookies;
        assert!(lines.len() <= 16, "subsets of {} lines", lines.len());
        for dropped in 0u32..(1 << lines.len()) {
            let mut kept = jar.clone();
            for (index, line) in lines.iter().enumerate() {
                if dropped & (1 << index) == 0 {
                    kept.apply(std::slice::from_ref(line));
                }
            }
            let (reason, map, clean) = self.expected(&kept, [old, &new]);
            self.reasons.insert(reason.as_str());
            for fields in self.arrangements(&kept) {
                let loaded = engine.load_at(fields.iter().map(String::as_str), NOW + 1);
                assert_eq!(
                    loaded.load_reason(),
                    reason,
                    "{}: {} -> {} chunks, dropped {dropped:b}, fields {:.200?}",
                    self.f.name,
                    old.sets.len(),
                    new_chunks,
                    fields
                );
                // Never a partial join: the whole old session, the whole new one, or empty.
                assert!(
                    loaded.entries() == map,
                    "wrong entries after dropping {dropped:b}"
                );
                self.checked += 1;
            }
            // The next response, which only reads the session, removes the debris.
            let next = load_jar(&engine, &kept, NOW + 2);
            assert_eq!(next.load_reason(), reason);
            let cleanup = engine
                .save_at(&next, NOW + 2)
                .expect("cleanup never overflows");
            assert!(cleanup.cookies.len() <= self.config.max_chunks());
            let cleanup_sets = respond(self.f, &self.config, &mut kept, &cleanup);
            assert!(
                cleanup_sets.is_empty(),
                "cleanup re-wrote an unmodified session"
            );
            assert_eq!(
                our_names(self.f, &kept, self.config.name()),
                clean,
                "debris left after dropping {dropped:b}"
            );
            // …so the request after that is clean and writes nothing.
            let after = load_jar(&engine, &kept, NOW + 3);
            // (A refused Flask session is left in place, and refused again.)
            let settled = match (clean.is_empty(), reason.is_rejection()) {
                (true, _) => LoadReason::NoSession,
                (false, true) => reason,
                (false, false) => LoadReason::Valid,
            };
            assert_eq!(after.load_reason(), settled);
            assert_eq!(after.entries(), map);
            assert!(
                engine
                    .save_at(&after, NOW + 3)
                    .expect("save")
                    .cookies
                    .is_empty()
            );
        }
        jar.apply_outcome(&outcome);
        new
    }
}

/// Names that look like the session's chunks and are not: a longer name, a leading zero,
/// an empty index, another case, chunk 0 spelled the other way, the other layout's
/// separator.
fn lookalikes(f: &Fixture, base: &str) -> Vec<String> {
    let separator = f.naming.separator;
    let other = if separator == '_' { ':' } else { '_' };
    let capitalized = base.to_ascii_uppercase();
    let zero = if f.naming.index_first {
        base.to_owned()
    } else {
        format!("{base}{separator}0")
    };
    vec![
        format!("{base}id"),
        format!("{base}{separator}01"),
        format!("{base}{separator}"),
        capitalized,
        zero,
        format!("{base}{other}1"),
    ]
}

/// 0 → 1 → 4 → 2 → 1 → 0 chunks, every subset of every response dropped.
fn zero_one_many_fewer_one_zero(f: &Fixture) {
    let mut matrix = Matrix::new(f);
    let mut jar = Jar::new();
    let mut current = Written {
        map: Map::new(),
        sets: Vec::new(),
    };
    for chunks in [1, 4, 2, 1, 0] {
        let map = matrix.sized(chunks);
        current = matrix.transition(&mut jar, &current, &map, chunks);
        let settled = load_jar(&matrix.engine, &jar, NOW + 5);
        assert_eq!(settled.entries(), map);
        assert_eq!(our_names(f, &jar, f.base()).len(), chunks);
    }
    assert!(jar.is_empty());
    // Natively a missing chunk and a chunk of another write are told apart; without a
    // manifest both fail the signature.
    let mixed = if f.is_native() {
        LoadReason::StaleChunk
    } else {
        LoadReason::BadSignature
    };
    let reasons = [
        LoadReason::NoSession,
        LoadReason::Valid,
        f.missing_later_chunk(),
        mixed,
    ];
    for reason in reasons {
        assert!(
            matrix.reasons.contains(reason.as_str()),
            "never produced {reason}"
        );
    }
}

/// Every pair of counts from 0 to 4, including same-count rewrites, where a lost line
/// leaves chunks of two writes side by side.
fn every_pair_of_counts(f: &Fixture) {
    let mut matrix = Matrix::new(f);
    for from in 0..=4 {
        for to in 0..=4 {
            let old_map = matrix.sized(from);
            let (mut jar, old) = matrix.establish(&old_map);
            let new_map = matrix.sized(to);
            matrix.transition(&mut jar, &old, &new_map, to);
        }
    }
    assert!(
        matrix.checked > 1000,
        "only {} loads checked",
        matrix.checked
    );
}

/// Twins from two writes (as a host-only and a Domain cookie of the same name would be)
/// sent together, in either order or interleaved: both verify, and neither is the user's
/// more than the other (one may have been tossed in from a sibling subdomain), so the
/// session is `ambiguous`, empty, and no response deletes a cookie of either, whatever it
/// writes. Where only one of the writes is whole, it is the session, its own chunks picked
/// out by generation.
fn two_generations_side_by_side(f: &Fixture) {
    let mut m = Matrix::new(f);
    let a = m.sized(3);
    let b = m.sized(3);
    let c = m.sized(2);
    let (jar_a, _) = m.establish(&a);
    let (jar_b, _) = m.establish(&b);
    let (jar_c, _) = m.establish(&c);
    let (pa, pb, pc) = (jar_a.pairs(), jar_b.pairs(), jar_c.pairs());
    let interleave = |x: &[Pair], y: &[Pair]| -> Vec<Pair> {
        x.iter()
            .zip(y)
            .flat_map(|(x, y)| [x.clone(), y.clone()])
            .collect()
    };
    let both: [Vec<Pair>; 4] = [
        [pa.clone(), pb.clone()].concat(),
        [pb.clone(), pa.clone()].concat(),
        // Interleaved by index: a0 b0 a1 b1 a2 b2.
        interleave(&pa, &pb),
        [pc.clone(), pa.clone()].concat(),
    ];
    for pairs in both {
        let header = join_pairs(&pairs);
        let session = m.engine.load_at([header.as_str()], NOW + 1);
        assert_eq!(session.load_reason(), LoadReason::Ambiguous, "{}", f.name);
        assert!(session.is_empty());
        let read_only = m.engine.save_at(&session, NOW + 1).expect("save");
        assert!(read_only.cookies.is_empty(), "{read_only:?}");
        // A write (a login, say) sets the new session and deletes nothing of theirs.
        session.insert("fresh", true).expect("insert");
        let written = m.engine.save_at(&session, NOW + 1).expect("save");
        let sets = check_outcome(f, &m.config, &written);
        assert_eq!(sets.len(), written.cookies.len(), "{written:?}");
    }
    // One write whole, the other cut short (chunk 2 of b lost, chunk 0 of b alone): the
    // whole one is the session.
    let cut: [(Vec<Pair>, &Map<String, Value>); 3] = [
        (
            [interleave(&pa, &pb[..2]), vec![pa[2].clone()]].concat(),
            &a,
        ),
        ([vec![pb[0].clone()], pa.clone()].concat(), &a),
        ([pa[..1].to_vec(), pc.clone()].concat(), &c),
    ];
    for (pairs, expected) in cut {
        let header = join_pairs(&pairs);
        let session = m.engine.load_at([header.as_str()], NOW + 1);
        assert_eq!(session.load_reason(), LoadReason::Valid);
        assert_eq!(&session.entries(), expected);
    }
    // Chunk 0 of one write with the later chunks of another is never joined.
    let mixed = join_pairs(&[pa[0].clone(), pb[1].clone(), pb[2].clone()]);
    let session = m.engine.load_at([mixed.as_str()], NOW + 1);
    assert_eq!(session.load_reason(), LoadReason::StaleChunk);
    assert!(session.is_empty());
    let cleanup = m.engine.save_at(&session, NOW + 1).expect("save");
    assert_eq!(cleanup.cookies.len(), 3);
    assert!(cleanup.cookies.iter().all(SetCookie::is_removal));
}
