//! How chunks are named.

use std::borrow::Cow;

/// A naming scheme for the cookies of one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Naming {
    /// `name`, `name_1`, `name_2`, …: chunk 0 keeps the configured name, so a small session
    /// is one ordinary cookie, and a `__Host-` prefix stays at the start of every name.
    Native,
}

impl Naming {
    /// The cookie name of chunk `index`.
    pub(crate) fn name(self, base: &str, index: usize) -> Cow<'_, str> {
        match self {
            Naming::Native if index == 0 => Cow::Borrowed(base),
            Naming::Native => Cow::Owned(format!("{base}_{index}")),
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
