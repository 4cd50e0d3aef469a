//! The `name=value` pairs of one `Cookie` header field, split in one pass.
//!
//! `cookie::Cookie::split_parse` reads a field exactly this way (a property test below holds
//! the two equal on arbitrary text), but it looks for each `;` twice, a byte at a time: once
//! to cut the field, once more inside the parse of each cookie, which also looks for the
//! attributes a `Cookie` field never has. A session's cookies are kilobytes long, and that
//! second scan was the largest cost of a request that reads its session after the MAC. Here
//! the `;` and `=` are found with `memchr`'s vectorised search, and nothing is allocated.

/// The cookies of `field` as `(name, value)`: segments between `;`, each trimmed, split at
/// its first `=`, name and value trimmed again; segments that are blank, have no `=` or an
/// empty name are skipped. The value keeps any double quotes around it.
pub(crate) fn pairs(field: &str) -> impl Iterator<Item = (&str, &str)> {
    let bytes = field.as_bytes();
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b';', bytes).chain(std::iter::once(bytes.len()));
    std::iter::from_fn(move || {
        loop {
            let end = ends.next()?;
            // `;` is ASCII, so both ends are on character boundaries.
            let segment = &field[start..end];
            start = end + 1;
            let segment = segment.trim();
            let Some(at) = memchr::memchr(b'=', segment.as_bytes()) else {
                continue;
            };
            let name = segment[..at].trim();
            if !name.is_empty() {
                return Some((name, segment[at + 1..].trim()));
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use cookie::Cookie;
    use proptest::prelude::*;

    use super::*;

    fn by_the_cookie_crate(field: &str) -> Vec<(String, String)> {
        Cookie::split_parse(field)
            .flatten()
            .map(|cookie| (cookie.name().to_owned(), cookie.value().to_owned()))
            .collect()
    }

    fn ours(field: &str) -> Vec<(String, String)> {
        pairs(field)
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect()
    }

    #[test]
    fn reads_what_browsers_send() {
        let field = "a=1; session=abc; ; b= \"q\" ;=nameless; noval; c=x=y;\u{a0}d=é ";
        assert_eq!(ours(field), by_the_cookie_crate(field));
        assert_eq!(
            ours(field),
            [
                ("a".into(), "1".into()),
                ("session".into(), "abc".into()),
                ("b".into(), "\"q\"".into()),
                ("c".into(), "x=y".into()),
                ("d".into(), "é".into()),
            ]
        );
        assert!(ours("").is_empty() && ours(";;; ").is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// On any text (the separators, blanks of every kind, quotes, non-ASCII letters),
        /// the pairs are the cookie crate's.
        #[test]
        fn agrees_with_the_cookie_crate(
            field in proptest::collection::vec(
                prop_oneof![
                    Just(";"), Just("="), Just(" "), Just("\t"), Just("\""), Just("\u{a0}"),
                    Just("\u{3000}"), Just("a"), Just("session"), Just("_1"), Just("é"),
                    Just("v"), Just("\r\n"), Just(","),
                ],
                0..40,
            ).prop_map(|parts| parts.concat())
        ) {
            prop_assert_eq!(ours(&field), by_the_cookie_crate(&field));
        }
    }
}
