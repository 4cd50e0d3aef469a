//! Reassembling one token from the cookies of a request.

use crate::codec::header::{GENERATION_B64_LEN, peek_manifest};

use super::{Incoming, Naming};
use crate::reason::LoadReason;

/// A token reassembled from its chunks.
#[derive(Debug)]
pub(crate) struct Joined {
    pub token: String,
    /// A bit per chunk index the request carried beyond the announced count: debris that
    /// the response deletes.
    pub debris: u64,
}

/// Joins the chunks announced by `chunk0` (one of the candidates for chunk 0).
///
/// Chunks are found by index, never by position in the header, and each must carry the
/// generation id of chunk 0: a missing chunk and a chunk from another write are told
/// apart, and neither ever yields a partial join.
pub(crate) fn join(
    naming: Naming,
    incoming: &Incoming,
    chunk0: &str,
    max_chunks: usize,
) -> Result<Joined, LoadReason> {
    match naming {
        Naming::Native => join_native(incoming, chunk0, max_chunks),
        #[cfg(feature = "flask")]
        Naming::FlaskStock => Ok(Joined {
            token: chunk0.to_owned(),
            debris: 0,
        }),
        #[cfg(feature = "flask")]
        Naming::FlaskChunked => Ok(join_flask(incoming, chunk0, max_chunks)),
    }
}

/// The chunked Flask layout carries no manifest: `:0`, `:1`, … are read in numeric order
/// up to the first gap, as the ported recipe reads them, and whatever lies beyond the gap
/// is debris. A piece lost in transit therefore shows up as a bad signature, never as a
/// partial join.
#[cfg(feature = "flask")]
fn join_flask(incoming: &Incoming, chunk0: &str, max_chunks: usize) -> Joined {
    let mut token = chunk0.to_owned();
    let mut count = 1;
    while count < max_chunks {
        // Werkzeug keeps the first of same-name cookies.
        let Some(piece) = incoming.candidates(count).first() else {
            break;
        };
        token.push_str(piece);
        count += 1;
    }
    let beyond = u64::MAX
        .checked_shl(u32::try_from(count).unwrap_or(u32::MAX))
        .unwrap_or(0);
    Joined {
        token,
        debris: incoming.present() & beyond,
    }
}

fn join_native(incoming: &Incoming, chunk0: &str, max_chunks: usize) -> Result<Joined, LoadReason> {
    let manifest = peek_manifest(chunk0).ok_or(LoadReason::Malformed)?;
    let count = manifest.chunk_count;
    if count == 0 {
        return Err(LoadReason::Malformed);
    }
    if count > max_chunks {
        return Err(LoadReason::TooManyChunks);
    }
    let mut later = Vec::with_capacity(count - 1);
    for index in 1..count {
        let candidates = incoming.candidates(index);
        if candidates.is_empty() {
            return Err(LoadReason::MissingChunk);
        }
        // Among same-name twins (host-only and Domain cookies, Path variants), the one of
        // this generation is ours.
        let piece = candidates
            .iter()
            .find(|value| {
                value.len() > GENERATION_B64_LEN && value.starts_with(manifest.generation)
            })
            .ok_or(LoadReason::StaleChunk)?;
        later.push(&piece[GENERATION_B64_LEN..]);
    }
    let mut token =
        String::with_capacity(chunk0.len() + later.iter().map(|p| p.len()).sum::<usize>());
    token.push_str(chunk0);
    later.iter().for_each(|piece| token.push_str(piece));
    // Bits at or above `count`; `count` is at most 64.
    let beyond = u64::MAX
        .checked_shl(u32::try_from(count).unwrap_or(u32::MAX))
        .unwrap_or(0);
    let debris = incoming.present() & beyond;
    Ok(Joined { token, debris })
}
