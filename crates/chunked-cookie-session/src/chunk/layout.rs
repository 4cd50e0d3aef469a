//! How a format lays one token out over cookies, described as a value.
//!
//! Each wire format hands the chunk layer a [`Layout`]: how chunks are named, how many there
//! may be, how a reader learns the count, whether twins are tried and how a persistent
//! cookie states its deadline. The chunk layer consumes it and knows nothing else about the
//! format, so it imports nothing from the codecs.

use std::borrow::Cow;

/// What the start of chunk 0 announces, read before anything is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Manifest<'a> {
    /// How many chunks carry the token.
    pub count: usize,
    /// The text every later chunk starts with: the write's generation id.
    pub generation: &'a str,
}

/// How a reader learns how many chunks to join.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Count {
    /// Chunk 0 opens with a manifest of `len` characters that `read` parses; every later
    /// chunk starts with the manifest's generation id (`prefix_len` characters), so a chunk
    /// of another write is told apart from tampering.
    Manifest {
        read: fn(&str) -> Option<Manifest<'_>>,
        len: usize,
        prefix_len: usize,
    },
    /// No manifest: chunks are joined in index order up to the first gap, and whatever
    /// lies past the gap is debris. A lost piece then shows as a bad signature.
    #[cfg_attr(
        all(not(feature = "flask"), not(test)),
        expect(dead_code, reason = "only the Flask layouts go without a manifest")
    )]
    UntilGap,
}

/// How a persistent cookie states when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deadline {
    /// `Max-Age`, the seconds left until the signed deadline.
    MaxAge,
    /// `Expires`, the deadline as a date (Flask's way).
    #[cfg_attr(
        all(not(feature = "flask"), not(test)),
        expect(dead_code, reason = "only the Flask layouts state a date")
    )]
    Expires,
}

/// A format's cookie layout.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// Between the base name and the index: `session_1`, `session:1`.
    pub separator: char,
    /// Chunk 0 is named with its index too (`session:0`) rather than by the bare base name.
    pub index_first: bool,
    /// The most chunks this layout ever uses, whatever the configuration allows.
    pub max_chunks: usize,
    pub count: Count,
    /// Whether every same-name twin of chunk 0 (a host-only and a Domain cookie, say) is
    /// tried, or only the first, as werkzeug reads cookies.
    pub try_twins: bool,
    pub deadline: Deadline,
}

impl Layout {
    /// How many chunks are read and written under a configured maximum.
    pub(crate) fn limit(&self, configured: usize) -> usize {
        self.max_chunks.min(configured)
    }

    /// The cookie name of chunk `index`.
    pub(crate) fn name<'b>(&self, base: &'b str, index: usize) -> Cow<'b, str> {
        if index == 0 && !self.index_first {
            Cow::Borrowed(base)
        } else {
            Cow::Owned(format!("{base}{}{index}", self.separator))
        }
    }

    /// The length of [`name`](Self::name), without building it.
    pub(crate) fn name_len(&self, base: &str, index: usize) -> usize {
        if index == 0 && !self.index_first {
            base.len()
        } else {
            base.len() + self.separator.len_utf8() + decimal_digits(index)
        }
    }

    /// The chunk index a cookie name stands for, if it is one of ours below `limit`.
    ///
    /// Names are matched exactly, never by prefix: `sessionid`, `session_01` and
    /// `session_x` are not ours.
    pub(crate) fn index_of(&self, base: &str, cookie: &str, limit: usize) -> Option<usize> {
        let rest = cookie.strip_prefix(base)?;
        let index = if rest.is_empty() {
            if self.index_first {
                return None;
            }
            0
        } else {
            let index = parse_index(rest.strip_prefix(self.separator)?)?;
            if index == 0 && !self.index_first {
                return None;
            }
            index
        };
        (index < limit).then_some(index)
    }

    /// Characters every chunk after the first repeats from chunk 0.
    pub(crate) fn prefix_len(&self) -> usize {
        match self.count {
            Count::Manifest { prefix_len, .. } => prefix_len,
            Count::UntilGap => 0,
        }
    }

    /// The text every chunk after the first repeats, read from the sealed token's manifest.
    pub(crate) fn prefix<'t>(&self, token: &'t str) -> &'t str {
        match self.count {
            Count::Manifest { read, .. } => read(token).map_or("", |manifest| manifest.generation),
            Count::UntilGap => "",
        }
    }

    /// Characters chunk 0 must hold at least.
    pub(crate) fn first_min(&self) -> usize {
        match self.count {
            Count::Manifest { len, .. } => len.max(1),
            Count::UntilGap => 1,
        }
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

fn decimal_digits(mut n: usize) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(_: &str) -> Option<Manifest<'_>> {
        None
    }

    const NATIVE: Layout = Layout {
        separator: '_',
        index_first: false,
        max_chunks: 64,
        count: Count::Manifest {
            read: manifest,
            len: 44,
            prefix_len: 12,
        },
        try_twins: true,
        deadline: Deadline::MaxAge,
    };

    const RECIPE: Layout = Layout {
        separator: ':',
        index_first: true,
        max_chunks: 10,
        count: Count::UntilGap,
        try_twins: false,
        deadline: Deadline::Expires,
    };

    const ONE: Layout = Layout {
        max_chunks: 1,
        ..RECIPE
    };

    #[test]
    fn native_names() {
        let n = NATIVE;
        assert_eq!(n.name("__Host-s", 0), "__Host-s");
        assert_eq!(n.name("__Host-s", 12), "__Host-s_12");
        for index in [0, 1, 9, 10, 99, 100, 63] {
            assert_eq!(n.name_len("s", index), n.name("s", index).len());
        }
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
            "s:1",
        ] {
            assert_eq!(n.index_of("s", other, 16), None, "{other}");
        }
        assert_eq!(n.limit(16), 16);
        assert_eq!((n.prefix_len(), n.first_min()), (12, 44));
    }

    #[test]
    fn recipe_and_single_cookie_names() {
        let n = RECIPE;
        assert_eq!(n.name("session", 0), "session:0");
        assert_eq!(n.name_len("session", 9), "session:9".len());
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
        assert_eq!(n.limit(16), 10);
        let one = Layout {
            index_first: false,
            ..ONE
        };
        assert_eq!(one.name("session", 0), "session");
        assert_eq!(one.index_of("session", "session", one.limit(16)), Some(0));
        assert_eq!(one.index_of("session", "session:0", one.limit(16)), None);
        assert_eq!(one.index_of("session", "session:1", one.limit(16)), None);
        assert_eq!((one.prefix_len(), one.first_min()), (0, 1));
    }
}
