//! The transition matrix: a session moves between chunk counts while the network drops any
//! subset of a response's `Set-Cookie` lines, and the browser sends what it kept in any
//! order, duplicated, split over HTTP/2 fields, or beside twins from another write.
//!
//! The expected outcome comes from the reader rules of docs/FORMAT.md: chunk 0 names its
//! write (generation and count); chunks 1..count are looked up by exact name in index
//! order; the first absent one is `missing-chunk`, the first from another write is
//! `stale-chunk`; otherwise the whole write loads. Never anything in between.

use chunked_cookie_session::{Compression, LoadReason, SessionConfig, SessionEngine};
use serde_json::{Map, Value};

use super::jar::{Jar, join_pairs};
use super::support::*;

type Pair = (String, String);

/// One write's complete cookies and the session they carry.
#[derive(Debug, Clone)]
struct Written {
    map: Map<String, Value>,
    sets: Vec<Line>,
}

struct Matrix {
    config: SessionConfig,
    engine: SessionEngine,
    attributes: usize,
    step: u64,
    checked: usize,
    reasons: std::collections::BTreeSet<&'static str>,
}

impl Matrix {
    fn new() -> Matrix {
        let config = SessionConfig::builder()
            .max_size(40 * 1024)
            .compression(Compression::Off)
            .build()
            .expect("valid");
        let engine = engine(config.clone());
        let attributes = attributes_len(&engine);
        Matrix {
            config,
            engine,
            attributes,
            step: 0,
            checked: 0,
            reasons: std::collections::BTreeSet::new(),
        }
    }

    /// A session needing exactly `chunks` cookies, distinct from every other one made.
    fn sized(&mut self, chunks: usize) -> Map<String, Value> {
        self.step += 1;
        let mut map = Map::new();
        if chunks == 0 {
            return map;
        }
        map.insert("step".to_owned(), Value::from(self.step));
        let name = self.config.name();
        let low = boundary(name, chunks - 1, self.attributes);
        let high = boundary(name, chunks, self.attributes);
        pad_to(&mut map, (low + high) / 2);
        map
    }

    /// Writes `map` from scratch into an empty jar.
    fn establish(&self, map: &Map<String, Value>) -> (Jar, Written) {
        let mut jar = Jar::new();
        let session = session_with(&self.engine, map);
        let lines = self.engine.save_at(&session, NOW).expect("fits");
        let sets = respond(&self.config, &mut jar, &lines);
        (
            jar,
            Written {
                map: map.clone(),
                sets,
            },
        )
    }

    /// What the reader must conclude from `jar`, and the names left once the next
    /// response has cleaned up.
    fn expected(
        &self,
        jar: &Jar,
        writes: [&Written; 2],
    ) -> (LoadReason, Map<String, Value>, Vec<String>) {
        let base = self.config.name();
        if our_names(jar, base).is_empty() {
            return (LoadReason::NoSession, Map::new(), Vec::new());
        }
        let Some(chunk0) = jar.get(base) else {
            return (LoadReason::MissingChunk, Map::new(), Vec::new());
        };
        let write = writes
            .into_iter()
            .find(|write| {
                write
                    .sets
                    .first()
                    .is_some_and(|first| first.value == chunk0)
            })
            .expect("chunk 0 comes from one of the two writes");
        let generation = &chunk0[4..16];
        for index in 1..write.sets.len() {
            match jar.get(&chunk_name(base, index)) {
                None => return (LoadReason::MissingChunk, Map::new(), Vec::new()),
                Some(value) if !value.starts_with(generation) => {
                    return (LoadReason::StaleChunk, Map::new(), Vec::new());
                }
                Some(_) => {}
            }
        }
        let mut names: Vec<String> = (0..write.sets.len()).map(|i| chunk_name(base, i)).collect();
        names.sort();
        (LoadReason::Valid, write.map.clone(), names)
    }

    /// Every way the jar's cookies can reach the server.
    fn arrangements(jar: &Jar) -> Vec<Vec<String>> {
        let pairs = jar.pairs();
        let mut reversed = pairs.clone();
        reversed.reverse();
        let mut rotated = pairs.clone();
        if !rotated.is_empty() {
            rotated.rotate_left(1);
        }
        let mut doubled = pairs.clone();
        doubled.extend(reversed.iter().cloned());
        let mut foreign = vec![
            ("sessionid".to_owned(), "x".to_owned()),
            ("session_01".to_owned(), "AAAA".to_owned()),
            ("session_".to_owned(), "AAAA".to_owned()),
            ("Session".to_owned(), "AAAA".to_owned()),
        ];
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
        let lines = engine.save_at(&session, NOW).expect("fits");
        let sets = check_response(&self.config, &lines);
        assert_eq!(sets.len(), new_chunks, "{lines:?}");
        let new = Written {
            map: new_map.clone(),
            sets,
        };
        assert!(lines.len() <= 16, "subsets of {} lines", lines.len());
        for dropped in 0u32..(1 << lines.len()) {
            let mut kept = jar.clone();
            for (index, line) in lines.iter().enumerate() {
                if dropped & (1 << index) == 0 {
                    kept.apply_one(line);
                }
            }
            let (reason, map, clean) = self.expected(&kept, [old, &new]);
            self.reasons.insert(reason.as_str());
            for fields in Matrix::arrangements(&kept) {
                let loaded = engine.load_at(fields.iter().map(String::as_str), NOW + 1);
                assert_eq!(
                    loaded.load_reason(),
                    reason,
                    "{} -> {} chunks, dropped {dropped:b}, fields {:.200?}",
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
            assert!(cleanup.len() <= self.config.max_chunks());
            let cleanup_sets = respond(&self.config, &mut kept, &cleanup);
            assert!(
                cleanup_sets.is_empty(),
                "cleanup re-wrote an unmodified session"
            );
            assert_eq!(
                our_names(&kept, self.config.name()),
                clean,
                "debris left after dropping {dropped:b}"
            );
            // …so the request after that is clean and writes nothing.
            let after = load_jar(&engine, &kept, NOW + 3);
            let settled = if clean.is_empty() {
                LoadReason::NoSession
            } else {
                LoadReason::Valid
            };
            assert_eq!(after.load_reason(), settled);
            assert_eq!(after.entries(), map);
            assert!(engine.save_at(&after, NOW + 3).expect("save").is_empty());
        }
        jar.apply(&lines);
        new
    }
}

/// 0 → 1 → 4 → 2 → 1 → 0 chunks, every subset of every response dropped.
#[test]
fn zero_one_many_fewer_one_zero() {
    let mut matrix = Matrix::new();
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
        assert_eq!(our_names(&jar, "session").len(), chunks);
    }
    assert!(jar.is_empty());
    for reason in ["no-session", "valid", "missing-chunk", "stale-chunk"] {
        assert!(matrix.reasons.contains(reason), "never produced {reason}");
    }
}

/// Every pair of counts from 0 to 4, including same-count rewrites, where a lost line
/// leaves chunks of two generations side by side.
#[test]
fn every_pair_of_counts() {
    let mut matrix = Matrix::new();
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
/// sent together, interleaved: the first chunk 0 that joins completely and verifies wins,
/// and its own chunks are picked out by generation.
#[test]
fn two_generations_side_by_side() {
    let matrix = {
        let mut m = Matrix::new();
        let a = m.sized(3);
        let b = m.sized(3);
        let c = m.sized(2);
        (m, a, b, c)
    };
    let (m, a, b, c) = matrix;
    let (jar_a, _) = m.establish(&a);
    let (jar_b, _) = m.establish(&b);
    let (jar_c, _) = m.establish(&c);
    let (pa, pb, pc) = (jar_a.pairs(), jar_b.pairs(), jar_c.pairs());
    let cases: [(Vec<Pair>, &Map<String, Value>); 4] = [
        ([pa.clone(), pb.clone()].concat(), &a),
        ([pb.clone(), pa.clone()].concat(), &b),
        // Interleaved by index: a0 b0 a1 b1 a2 b2.
        (
            pa.iter()
                .zip(&pb)
                .flat_map(|(x, y)| [x.clone(), y.clone()])
                .collect(),
            &a,
        ),
        ([pc.clone(), pa.clone()].concat(), &c),
    ];
    for (pairs, expected) in cases {
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
    assert_eq!(cleanup.len(), 3);
    assert!(cleanup.iter().all(|line| parse_line(line).deletes));
}
