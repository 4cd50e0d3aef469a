//! Chunk mutations: what can happen to a session's cookies between a response and the
//! next request.

use arbitrary::Arbitrary;

/// A cookie name near the session's own: the reader must ignore every one that is not
/// exactly a chunk name.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum LookAlike {
    /// `sessionid`
    Suffix,
    /// `Session`
    Case,
    /// `session_01`
    LeadingZero(u8),
    /// `session_+1`
    Plus(u8),
    /// `session_`
    Underscore,
    /// `session_18446744073709551616`
    Huge,
    /// `session_64` and beyond the configured maximum
    Beyond(u8),
    /// `session:0` (Flask's chunked names)
    Colon(u8),
    /// `__Host-session`
    Prefixed,
    /// `session_1_1`
    Nested(u8),
    /// ` session_1` (leading space, which cookie parsing may trim)
    Space(u8),
}

impl LookAlike {
    /// The cookie name, for a session named `base`.
    pub fn name(self, base: &str) -> String {
        match self {
            LookAlike::Suffix => format!("{base}id"),
            LookAlike::Case => base.to_uppercase(),
            LookAlike::LeadingZero(i) => format!("{base}_0{i}"),
            LookAlike::Plus(i) => format!("{base}_+{i}"),
            LookAlike::Underscore => format!("{base}_"),
            LookAlike::Huge => format!("{base}_18446744073709551616"),
            LookAlike::Beyond(i) => format!("{base}_{}", 16 + usize::from(i)),
            LookAlike::Colon(i) => format!("{base}:{}", i % 12),
            LookAlike::Prefixed => format!("__Host-{base}"),
            LookAlike::Nested(i) => format!("{base}_{}_1", i % 4),
            LookAlike::Space(i) => format!(" {base}_{}", i % 4),
        }
    }
}

/// One mutation of the cookies a browser sends back. Indices wrap around the list.
#[derive(Debug, Clone, Arbitrary)]
pub enum Op {
    /// Remove a cookie (the browser evicted it).
    Drop(u8),
    /// Send a cookie twice (a host-only and a Domain twin).
    Duplicate(u8),
    /// Exchange the values of two cookies.
    Swap(u8, u8),
    /// Give a cookie the name of another chunk index.
    Rename(u8, u8),
    /// Flip one bit of a value (kept in cookie-octets).
    Flip {
        /// Which cookie.
        cookie: u8,
        /// Which byte of its value.
        at: u16,
        /// Which of the low six bits.
        bit: u8,
    },
    /// Cut a value short.
    Truncate(u8, u16),
    /// Replace a cookie's value by the value of the same name in the older write A (a lost
    /// `Set-Cookie`, two tabs racing).
    TakeFromOther(u8),
    /// Add a cookie whose name looks like a chunk's, with the value of another cookie.
    AddCrumb(LookAlike, u8),
    /// Start a new `Cookie` header field before this cookie.
    SplitField(u8),
}

/// Cookies as sent back: `(name, value)` in order, and where a new header field starts.
#[derive(Debug, Clone, Default)]
pub struct Jar {
    /// The cookies, in the order they are sent.
    pub cookies: Vec<(String, String)>,
    /// Indices in `cookies` before which a new `Cookie` field starts.
    pub breaks: Vec<usize>,
}

impl Jar {
    /// The cookies, all in one field.
    pub fn new(cookies: Vec<(String, String)>) -> Jar {
        Jar {
            cookies,
            breaks: Vec::new(),
        }
    }

    /// The `Cookie` header fields.
    pub fn fields(&self) -> Vec<String> {
        let mut fields = vec![String::new()];
        for (index, (name, value)) in self.cookies.iter().enumerate() {
            if self.breaks.contains(&index) && !fields.last().is_some_and(String::is_empty) {
                fields.push(String::new());
            }
            let field = fields
                .last_mut()
                .unwrap_or_else(|| unreachable!("never empty"));
            if !field.is_empty() {
                field.push_str("; ");
            }
            field.push_str(name);
            field.push('=');
            field.push_str(value);
        }
        fields
    }
}

fn pick(len: usize, index: u8) -> Option<usize> {
    (len > 0).then(|| usize::from(index) % len)
}

/// Applies `op` to `jar`, the cookies of write B; `other` are the cookies of write A and
/// `name` is the session's base name, and `chunk_name(i)` names chunk `i`.
pub fn apply(
    jar: &mut Jar,
    op: &Op,
    other: &[(String, String)],
    base: &str,
    chunk_name: impl Fn(usize) -> String,
) {
    let cookies = &mut jar.cookies;
    let len = cookies.len();
    match *op {
        Op::Drop(i) => {
            if let Some(i) = pick(len, i) {
                cookies.remove(i);
            }
        }
        Op::Duplicate(i) => {
            if let Some(i) = pick(len, i) {
                let copy = cookies[i].clone();
                cookies.insert(i, copy);
            }
        }
        Op::Swap(i, j) => {
            if let (Some(i), Some(j)) = (pick(len, i), pick(len, j)) {
                let value = cookies[i].1.clone();
                cookies[i].1 = std::mem::replace(&mut cookies[j].1, value);
            }
        }
        Op::Rename(i, to) => {
            if let Some(i) = pick(len, i) {
                cookies[i].0 = chunk_name(usize::from(to % 20));
            }
        }
        Op::Flip { cookie, at, bit } => {
            if let Some(i) = pick(len, cookie) {
                let value = &mut cookies[i].1;
                let at = usize::from(at) % value.len().max(1);
                if value.is_char_boundary(at) && value.is_char_boundary(at + 1) {
                    // base64url stays base64url: move to another character of the alphabet.
                    const ALPHABET: &[u8] =
                        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                    let old = value.as_bytes()[at];
                    let position = ALPHABET.iter().position(|&c| c == old).unwrap_or(0);
                    let new = ALPHABET[position ^ (1 << (bit % 6))];
                    value.replace_range(at..=at, &char::from(new).to_string());
                }
            }
        }
        Op::Truncate(i, keep) => {
            if let Some(i) = pick(len, i) {
                let value = &mut cookies[i].1;
                let keep = usize::from(keep) % (value.len() + 1);
                value.truncate(keep);
            }
        }
        Op::TakeFromOther(i) => {
            if let Some(i) = pick(len, i)
                && let Some((_, value)) = other.iter().find(|(name, _)| *name == cookies[i].0)
            {
                cookies[i].1.clone_from(value);
            }
        }
        Op::AddCrumb(look, i) => {
            let value = pick(len, i).map_or_else(|| "x".to_owned(), |i| cookies[i].1.clone());
            let at = pick(len + 1, i).unwrap_or(0);
            cookies.insert(at, (look.name(base), value));
        }
        Op::SplitField(i) => {
            if let Some(i) = pick(len, i) {
                jar.breaks.push(i);
            }
        }
    }
}
