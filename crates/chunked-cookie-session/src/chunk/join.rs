//! Reassembling one token from the cookies of a request.

use std::borrow::Cow;

use super::incoming::Incoming;
use super::layout::{Count, Layout};
use super::set::ChunkSet;
use crate::reason::LoadReason;

/// A token reassembled from its chunks: borrowed from the request's cookie when one chunk
/// carries it all (the common case), joined into one buffer otherwise.
#[derive(Debug)]
pub(crate) struct Joined<'a> {
    pub token: Cow<'a, str>,
    /// The chunk indices the request carried past the joined count: debris that the
    /// response deletes.
    pub debris: ChunkSet,
}

/// The values of chunk 0 worth trying, in arrival order.
///
/// Layouts with a manifest try every twin, but each generation once: a later chunk belongs
/// to one generation, so the work of trying them all stays proportional to the bytes the
/// request carried, however many junk twins come first. Layouts without a manifest read
/// the first cookie of a name, as werkzeug does.
pub(crate) fn firsts<'a>(layout: &Layout, incoming: &'a Incoming) -> Vec<&'a str> {
    let mut candidates = incoming.candidates(0);
    let read = match layout.count {
        Count::Manifest { read, .. } if layout.try_twins => read,
        _ => return candidates.next().into_iter().collect(),
    };
    let mut seen: Vec<&str> = Vec::new();
    candidates
        .filter(|chunk0| match read(chunk0) {
            Some(manifest) if seen.contains(&manifest.generation) => false,
            Some(manifest) => {
                seen.push(manifest.generation);
                true
            }
            None => true,
        })
        .collect()
}

/// The chunk indices `chunk0` claims for its write, read before anything is verified: the
/// manifest's `0..count` (at least chunk 0, at most `limit`); every index below `limit`
/// when there is no manifest to read (a layout without one, or a chunk 0 this layout cannot
/// parse, such as another version's), since nothing then says where its set ends.
pub(crate) fn span(layout: &Layout, chunk0: &str, limit: usize) -> ChunkSet {
    let count = match layout.count {
        Count::Manifest { read, .. } => read(chunk0).map(|manifest| manifest.count.max(1)),
        Count::UntilGap => None,
    };
    ChunkSet::below(count.unwrap_or(limit).min(limit))
}

/// Joins the chunks announced by `chunk0` (one of the [`firsts`]), refusing a token of
/// more than `byte_cap` characters.
///
/// Chunks are found by index, never by position in the header. With a manifest each later
/// chunk must carry chunk 0's generation id: a missing chunk and a chunk from another write
/// are told apart, and neither ever yields a partial join.
pub(crate) fn join<'a>(
    layout: &Layout,
    incoming: &'a Incoming,
    chunk0: &'a str,
    limit: usize,
    byte_cap: usize,
) -> Result<Joined<'a>, LoadReason> {
    // A chunk 0 over the cap is refused before anything of it is read.
    if chunk0.len() > byte_cap {
        return Err(LoadReason::TooLarge);
    }
    let mut pieces = vec![chunk0];
    match layout.count {
        Count::Manifest {
            read, prefix_len, ..
        } => {
            let manifest = read(chunk0).ok_or(LoadReason::Malformed)?;
            if manifest.count == 0 {
                return Err(LoadReason::Malformed);
            }
            if manifest.count > limit {
                return Err(LoadReason::TooManyChunks);
            }
            for index in 1..manifest.count {
                let mut candidates = incoming.candidates(index).peekable();
                if candidates.peek().is_none() {
                    return Err(LoadReason::MissingChunk);
                }
                // Among same-name twins, the one of this generation is ours.
                let piece = candidates
                    .find(|value| {
                        value.len() > prefix_len && value.starts_with(manifest.generation)
                    })
                    .ok_or(LoadReason::StaleChunk)?;
                pieces.push(&piece[prefix_len..]);
            }
        }
        Count::UntilGap => {
            while pieces.len() < limit {
                match incoming.candidates(pieces.len()).next() {
                    Some(piece) => pieces.push(piece),
                    None => break,
                }
            }
        }
    }
    let len: usize = pieces.iter().map(|piece| piece.len()).sum();
    if len > byte_cap {
        return Err(LoadReason::TooLarge);
    }
    let token = match pieces[..] {
        [whole] => Cow::Borrowed(whole),
        _ => Cow::Owned(pieces.concat()),
    };
    Ok(Joined {
        token,
        debris: incoming.present().at_or_past(pieces.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Deadline, Manifest};
    use super::*;

    /// A toy manifest: `<count><generation of 3 chars>`.
    fn read(chunk0: &str) -> Option<Manifest<'_>> {
        Some(Manifest {
            count: chunk0.get(..1)?.parse().ok()?,
            generation: chunk0.get(1..4)?,
        })
    }

    const LAYOUT: Layout = Layout {
        separator: '_',
        index_first: false,
        max_chunks: 64,
        count: Count::Manifest {
            read,
            len: 4,
            prefix_len: 3,
        },
        try_twins: true,
        deadline: Deadline::MaxAge,
    };

    fn incoming(header: &str, layout: &Layout) -> Incoming {
        Incoming::collect([header], layout, "s", 16, 1 << 16)
    }

    fn joined(header: &str) -> Result<String, LoadReason> {
        let got = incoming(header, &LAYOUT);
        let first = firsts(&LAYOUT, &got);
        join(&LAYOUT, &got, first[0], 16, 1 << 16).map(|joined| joined.token.into_owned())
    }

    #[test]
    fn joins_by_index_and_generation() {
        assert_eq!(
            joined("s_2=abcWORLD; s=3abcHELLO; s_1=abc_"),
            Ok("3abcHELLO_WORLD".into())
        );
        assert_eq!(joined("s=3abcX; s_1=abcY"), Err(LoadReason::MissingChunk));
        assert_eq!(joined("s=2abcX; s_1=xyzY"), Err(LoadReason::StaleChunk));
        assert_eq!(joined("s=2abcX; s_1=xyzY; s_1=abcZ"), Ok("2abcXZ".into()));
        assert_eq!(joined("s=0abc"), Err(LoadReason::Malformed));
        assert_eq!(joined("s=?"), Err(LoadReason::Malformed));
        let got = incoming("s=2abcX; s_1=abcY; s_5=old", &LAYOUT);
        let debris = join(&LAYOUT, &got, "2abcX", 16, 100).unwrap().debris;
        assert_eq!(debris.iter().collect::<Vec<_>>(), [5]);
        assert_eq!(
            join(&LAYOUT, &got, "2abcX", 16, 5).unwrap_err(),
            LoadReason::TooLarge
        );
        assert_eq!(
            join(&LAYOUT, &got, "9abcX", 4, 100).unwrap_err(),
            LoadReason::TooManyChunks
        );
    }

    #[test]
    fn a_span_is_what_the_manifest_claims_within_the_limit() {
        let members = |chunk0, limit| span(&LAYOUT, chunk0, limit).iter().collect::<Vec<_>>();
        assert_eq!(members("3abcX", 16), [0, 1, 2]);
        assert_eq!(members("9abcX", 4), [0, 1, 2, 3]);
        assert_eq!(members("0abc", 16), [0]);
        assert_eq!(members("?", 4), [0, 1, 2, 3]);
        let layout = Layout {
            count: Count::UntilGap,
            ..LAYOUT
        };
        assert_eq!(span(&layout, "a", 3).iter().collect::<Vec<_>>(), [0, 1, 2]);
    }

    #[test]
    fn tries_each_generation_once() {
        let got = incoming("s=1aaaX; s=1aaaY; s=junk; s=1bbbZ", &LAYOUT);
        assert_eq!(firsts(&LAYOUT, &got), ["1aaaX", "junk", "1bbbZ"]);
    }

    #[test]
    fn without_manifest_reads_up_to_the_first_gap() {
        let layout = Layout {
            count: Count::UntilGap,
            try_twins: false,
            ..LAYOUT
        };
        let got = incoming("s_1=b; s=a; s=z; s_2=c; s_4=e", &layout);
        assert_eq!(firsts(&layout, &got), ["a"]);
        let joined = join(&layout, &got, "a", 16, 100).unwrap();
        assert_eq!(joined.token, "abc");
        assert_eq!(joined.debris.iter().collect::<Vec<_>>(), [4]);
    }
}
