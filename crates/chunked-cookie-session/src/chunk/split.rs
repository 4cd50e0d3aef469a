//! Splitting one token over as few cookies as the byte budgets allow.

use super::layout::Layout;
use crate::config::{BROWSER_NAME_VALUE_LIMIT, MAX_CHUNKS_CEILING, SET_COOKIE_LINE_LIMIT};
use crate::error::SaveError;
use crate::setting::Setting;

/// Stop counting chunks for the error message past this many.
const COUNT_CEILING: usize = 100_000;

/// The sizes of the pieces of one token, one per cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Token characters each cookie carries (after its generation prefix).
    pub(crate) pieces: Vec<usize>,
    /// Bytes the cookies take in the request's `Cookie` line, `; ` separators included.
    pub(crate) cookie_line: usize,
}

/// The limits one split must respect.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits<'a> {
    pub layout: &'a Layout,
    pub base: &'a str,
    /// Bytes of attributes on every `Set-Cookie` line (`; Path=/; Secure; …`).
    pub attributes_len: usize,
    /// The most chunks the configuration allows under this layout.
    pub max_chunks: usize,
    /// The budget for the session's part of the `Cookie` line.
    pub max_size: usize,
}

/// Plans the split of a token of `token_len` characters: each piece as large as both
/// browser limits allow for its own name (name + value <= 4096, whole line <= 4093), so the
/// count is the smallest possible and no piece is ever empty.
///
/// # Errors
///
/// [`SaveError::Overflow`] past the budget or the chunk count, with the sizes the session
/// would need; [`SaveError::AttributesTooLong`] when a line leaves no room for a value.
pub(crate) fn plan(token_len: usize, limits: &Limits<'_>) -> Result<Plan, SaveError> {
    let layout = limits.layout;
    let mut pieces = Vec::new();
    let mut remaining = token_len;
    let mut cookie_line = 0usize;
    let mut chunks = 0usize;
    while remaining > 0 && chunks < COUNT_CEILING {
        let name_len = layout.name_len(limits.base, chunks);
        let (prefix, needed) = if chunks == 0 {
            (0, layout.first_min())
        } else {
            (layout.prefix_len(), 1)
        };
        let line_room = SET_COOKIE_LINE_LIMIT.saturating_sub(name_len + 1 + limits.attributes_len);
        let pair_room = BROWSER_NAME_VALUE_LIMIT.saturating_sub(name_len);
        let room = line_room.min(pair_room).saturating_sub(prefix);
        if room < needed {
            return Err(SaveError::AttributesTooLong {
                name: layout.name(limits.base, chunks).into_owned(),
                bytes: name_len + 1 + limits.attributes_len + prefix,
            });
        }
        let piece = remaining.min(room);
        if chunks < limits.max_chunks {
            pieces.push(piece);
        }
        cookie_line += if chunks > 0 { 2 } else { 0 } + name_len + 1 + prefix + piece;
        remaining -= piece;
        chunks += 1;
    }
    if chunks > limits.max_chunks || cookie_line > limits.max_size {
        // The layout caps the count when it holds fewer cookies than the crate ever writes
        // and the configuration asks for at least as many.
        let layout_caps =
            layout.max_chunks < MAX_CHUNKS_CEILING && limits.max_chunks == layout.max_chunks;
        return Err(SaveError::Overflow {
            needed: cookie_line,
            limit: limits.max_size,
            chunks,
            max_chunks: limits.max_chunks,
            capped_by: if layout_caps {
                Setting::Layout
            } else {
                Setting::MaxChunks
            },
        });
    }
    Ok(Plan {
        pieces,
        cookie_line,
    })
}

/// Cuts `token` along `plan`; every piece after the first starts with `prefix`.
pub(crate) fn split(token: &str, plan: &Plan, prefix: &str) -> Vec<String> {
    let mut values = Vec::with_capacity(plan.pieces.len());
    let mut at = 0;
    for (index, &len) in plan.pieces.iter().enumerate() {
        let piece = &token[at..at + len];
        at += len;
        let mut value = String::with_capacity(prefix.len() + len);
        if index > 0 {
            value.push_str(prefix);
        }
        value.push_str(piece);
        values.push(value);
    }
    debug_assert_eq!(at, token.len());
    values
}

#[cfg(test)]
mod tests {
    use super::super::{Count, Deadline};
    use super::*;

    const LAYOUT: Layout = Layout {
        separator: '_',
        index_first: false,
        max_chunks: 64,
        count: Count::Manifest {
            read: |_| None,
            len: 44,
            prefix_len: 12,
        },
        try_twins: true,
        deadline: Deadline::MaxAge,
    };

    fn limits(max_chunks: usize, max_size: usize) -> Limits<'static> {
        Limits {
            layout: &LAYOUT,
            base: "session",
            attributes_len: 40,
            max_chunks,
            max_size,
        }
    }

    #[test]
    fn fills_each_cookie_to_the_line_limit() {
        let plan = plan(10_000, &limits(16, 40_000)).unwrap();
        let first = SET_COOKIE_LINE_LIMIT - "session=".len() - 40;
        let later = SET_COOKIE_LINE_LIMIT - "session_1=".len() - 40 - 12;
        assert_eq!(plan.pieces, vec![first, later, 10_000 - first - later]);
        assert_eq!(
            plan.cookie_line,
            "session=".len()
                + first
                + "; session_1=".len()
                + 12
                + later
                + "; session_2=".len()
                + 12
                + 10_000
                - first
                - later
        );
        let values = split(&"x".repeat(10_000), &plan, "GENERATIONID");
        assert!(values[1].starts_with("GENERATIONIDx") && !values[0].starts_with('G'));
    }

    #[test]
    fn exact_multiple_leaves_no_empty_piece() {
        let first = SET_COOKIE_LINE_LIMIT - "session=".len() - 40;
        let plan = plan(first, &limits(16, 40_000)).unwrap();
        assert_eq!(plan.pieces, vec![first]);
    }

    #[test]
    fn overflow_reports_sizes() {
        match plan(50_000, &limits(16, 7 * 1024)) {
            Err(SaveError::Overflow {
                needed,
                limit,
                chunks,
                ..
            }) => {
                assert!(needed > 50_000);
                assert_eq!(limit, 7 * 1024);
                assert_eq!(chunks, 13);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            plan(50_000, &limits(2, 400_000)),
            Err(SaveError::Overflow { chunks: 13, .. })
        ));
    }

    #[test]
    fn attributes_that_leave_no_room_are_an_error() {
        let mut l = limits(16, 40_000);
        l.attributes_len = 4060;
        assert!(matches!(
            plan(100, &l),
            Err(SaveError::AttributesTooLong { .. })
        ));
    }
}
