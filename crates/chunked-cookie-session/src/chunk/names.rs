//! How chunks are named.

use std::borrow::Cow;

use crate::codec::header::{GENERATION_B64, GENERATION_B64_LEN, HEADER_B64_LEN};

/// A naming scheme for the cookies of one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Naming {
    /// `name`, `name_1`, `name_2`, …: chunk 0 keeps the configured name, so a small session
    /// is one ordinary cookie, and a `__Host-` prefix stays at the start of every name.
    Native,
    /// Flask's stock layout: the one cookie named as configured (`session`).
    #[cfg(feature = "flask")]
    FlaskStock,
    /// The chunked Flask recipe's layout: `session:0`, `session:1`, … (at most ten).
    #[cfg(feature = "flask")]
    FlaskChunked,
}

impl Naming {
    /// The cookie name of chunk `index`.
    pub(crate) fn name(self, base: &str, index: usize) -> Cow<'_, str> {
        match self {
            Naming::Native if index == 0 => Cow::Borrowed(base),
            Naming::Native => Cow::Owned(format!("{base}_{index}")),
            #[cfg(feature = "flask")]
            Naming::FlaskStock => Cow::Borrowed(base),
            #[cfg(feature = "flask")]
            Naming::FlaskChunked => Cow::Owned(format!("{base}:{index}")),
        }
    }

    /// How many chunks this scheme reads and writes, given the configured maximum.
    pub(crate) fn limit(self, configured: usize) -> usize {
        match self {
            Naming::Native => configured,
            #[cfg(feature = "flask")]
            Naming::FlaskStock => 1,
            #[cfg(feature = "flask")]
            Naming::FlaskChunked => configured.min(crate::flask::MAX_CHUNKS),
        }
    }

    /// Bytes every chunk after the first repeats from the token (native chunks carry the
    /// generation id, so a chunk from another write is told apart from tampering).
    pub(crate) fn prefix_len(self) -> usize {
        match self {
            Naming::Native => GENERATION_B64_LEN,
            #[cfg(feature = "flask")]
            Naming::FlaskStock | Naming::FlaskChunked => 0,
        }
    }

    /// The prefix of every chunk after the first, taken from the sealed token.
    pub(crate) fn piece_prefix(self, token: &str) -> &str {
        match self {
            Naming::Native => &token[GENERATION_B64],
            #[cfg(feature = "flask")]
            Naming::FlaskStock | Naming::FlaskChunked => "",
        }
    }

    /// Bytes chunk 0 must hold at least (the native manifest).
    pub(crate) fn first_min(self) -> usize {
        match self {
            Naming::Native => HEADER_B64_LEN,
            #[cfg(feature = "flask")]
            Naming::FlaskStock | Naming::FlaskChunked => 1,
        }
    }

    /// Whether every same-name twin of chunk 0 is tried. Flask (werkzeug) reads only the
    /// first cookie of a name, so its layouts do too.
    pub(crate) fn tries_twins(self) -> bool {
        match self {
            Naming::Native => true,
            #[cfg(feature = "flask")]
            Naming::FlaskStock | Naming::FlaskChunked => false,
        }
    }

    /// The chunk index a cookie name stands for, if it is one of ours below `limit`.
    ///
    /// This is exact-name matching: `sessionid`, `session_01` or `session_x` are not ours.
    pub(crate) fn index_of(self, base: &str, cookie: &str, limit: usize) -> Option<usize> {
        let rest = cookie.strip_prefix(base)?;
        let index = match self {
            Naming::Native if rest.is_empty() => 0,
            Naming::Native => match parse_index(rest.strip_prefix('_')?)? {
                0 => return None,
                index => index,
            },
            #[cfg(feature = "flask")]
            Naming::FlaskStock if rest.is_empty() => 0,
            #[cfg(feature = "flask")]
            Naming::FlaskStock => return None,
            #[cfg(feature = "flask")]
            Naming::FlaskChunked => parse_index(rest.strip_prefix(':')?)?,
        };
        (index < limit).then_some(index)
    }
}

/// A canonical decimal index: digits only, no sign, no leading zero, at most 3 digits.
fn parse_index(text: &str) -> Option<usize> {
    let canonical = !text.is_empty()
        && text.len() <= 3
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if canonical { text.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "flask")]
    #[test]
    fn flask_names() {
        let n = Naming::FlaskChunked;
        assert_eq!(n.name("session", 0), "session:0");
        assert_eq!(n.name("session", 9), "session:9");
        assert_eq!(n.index_of("session", "session:0", 10), Some(0));
        assert_eq!(n.index_of("session", "session:9", 10), Some(9));
        for other in [
            "session",
            "session:10",
            "session:01",
            "session_1",
            "sessionid",
            "session:",
        ] {
            assert_eq!(n.index_of("session", other, 10), None, "{other}");
        }
        let s = Naming::FlaskStock;
        assert_eq!(s.name("session", 0), "session");
        assert_eq!(s.index_of("session", "session", 1), Some(0));
        assert_eq!(s.index_of("session", "session:0", 1), None);
        assert_eq!(n.limit(16), 10);
        assert_eq!(s.limit(16), 1);
    }

    #[test]
    fn native_names() {
        let n = Naming::Native;
        assert_eq!(n.name("__Host-s", 0), "__Host-s");
        assert_eq!(n.name("__Host-s", 12), "__Host-s_12");
        assert_eq!(n.index_of("s", "s", 16), Some(0));
        assert_eq!(n.index_of("s", "s_1", 16), Some(1));
        assert_eq!(n.index_of("s", "s_15", 16), Some(15));
        for other in [
            "s_16",
            "s_0",
            "s_01",
            "sid",
            "s_",
            "s_-1",
            "s_+1",
            "s_4294967295",
            "S",
            "s_1x",
        ] {
            assert_eq!(n.index_of("s", other, 16), None, "{other}");
        }
    }
}
