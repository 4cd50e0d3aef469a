//! JSON read the way Python's `json.loads` does it, as Flask calls it: bare `NaN`,
//! `Infinity` and `-Infinity` are accepted, ints are unbounded (up to Python's 4300-digit
//! conversion limit), duplicate keys keep the last value at the first key's position.
//!
//! Two departures, both refusals rather than silent changes: a lone surrogate escape
//! (`"\ud800"`), which Python keeps but a Rust `String` cannot hold, and nesting deeper
//! than [`MAX_NESTING`] levels.
//!
//! The native dialect reads what serde_json reads instead, with the session map's markers
//! (`marker.rs`) for the numbers a `serde_json::Value` cannot hold.

use super::dict::DictEntries;
use super::marker::{MARKER_KEY, marked_number};
use super::model::{BigInt, MAX_INT_DIGITS, PyValue};
use crate::config::MAX_NESTING;

/// Why a document was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SyntaxError;

/// Whose JSON a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// Flask's: Python's `json` (bare `NaN` and `Infinity`, unbounded ints), the whole
    /// document tagged.
    Flask,
    /// The native formats': JSON as serde_json reads it (no bare `NaN`, an int beyond 64
    /// bits read as a float), the session object's entries tagged but not the object, and
    /// the numbers a `serde_json::Value` cannot hold in their markers.
    Native,
}

/// What becomes of every dict as soon as its entries are read, children first: Python's
/// `object_hook`. Callers hand in the untagging (`untag.rs`: a dict of one tag-like key
/// becomes the object the tag stands for), which keeps this reader free of tags.
pub(crate) type ObjectHook = fn(Vec<(String, PyValue)>) -> Result<PyValue, SyntaxError>;

/// The hook that keeps every dict a dict: `json.loads` without an `object_hook`, as
/// the JSON of sessions that are not Flask's is read.
#[cfg(any(test, feature = "starlette", feature = "django"))]
pub(crate) fn plain_dict(entries: Vec<(String, PyValue)>) -> Result<PyValue, SyntaxError> {
    Ok(PyValue::Dict(entries))
}

/// Parses one JSON document the way `json.loads(text, object_hook=hook)` does.
pub(crate) fn parse(text: &str, hook: ObjectHook) -> Result<PyValue, SyntaxError> {
    parse_as(text, Dialect::Flask, hook)
}

/// [`parse`], in either dialect.
pub(crate) fn parse_as(
    text: &str,
    dialect: Dialect,
    hook: ObjectHook,
) -> Result<PyValue, SyntaxError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        native: dialect == Dialect::Native,
        hook,
    };
    parser.skip_ws();
    let value = parser.value(0)?;
    parser.skip_ws();
    if parser.at == parser.bytes.len() {
        Ok(value)
    } else {
        Err(SyntaxError)
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    /// [`Dialect::Native`].
    native: bool,
    hook: ObjectHook,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            true
        } else {
            false
        }
    }

    fn eat_byte(&mut self, byte: u8) -> bool {
        if self.bytes.get(self.at) == Some(&byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// One value inside `depth` containers.
    fn value(&mut self, depth: usize) -> Result<PyValue, SyntaxError> {
        match self.bytes.get(self.at).copied().ok_or(SyntaxError)? {
            // The same nesting limit as the native formats', so a session is refused (or
            // written) alike in every format.
            b'{' | b'[' if depth >= MAX_NESTING => Err(SyntaxError),
            b'"' => self.string().map(PyValue::Str),
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'-' | b'0'..=b'9' => {
                if !self.native && self.eat("-Infinity") {
                    Ok(PyValue::Float(f64::NEG_INFINITY))
                } else {
                    self.number()
                }
            }
            _ if self.eat("null") => Ok(PyValue::None),
            _ if self.eat("true") => Ok(PyValue::Bool(true)),
            _ if self.eat("false") => Ok(PyValue::Bool(false)),
            _ if self.native => Err(SyntaxError),
            _ if self.eat("NaN") => Ok(PyValue::Float(f64::NAN)),
            _ if self.eat("Infinity") => Ok(PyValue::Float(f64::INFINITY)),
            _ => Err(SyntaxError),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        self.at - start
    }

    /// `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`, an int unless a fraction or exponent follows.
    fn number(&mut self) -> Result<PyValue, SyntaxError> {
        let start = self.at;
        let negative = self.eat_byte(b'-');
        let int_start = self.at;
        let int_digits = self.digits();
        // A leading zero followed by digits: Python matches the `0` and then fails on the
        // extra data, so the document is refused either way.
        if int_digits == 0 || (int_digits > 1 && self.bytes[int_start] == b'0') {
            return Err(SyntaxError);
        }
        let mut float = false;
        if self.bytes.get(self.at) == Some(&b'.')
            && self.bytes.get(self.at + 1).is_some_and(u8::is_ascii_digit)
        {
            self.at += 1;
            self.digits();
            float = true;
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            let mark = self.at;
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            if self.digits() == 0 {
                // Not an exponent after all: the text stops before it (and then fails).
                self.at = mark;
            } else {
                float = true;
            }
        }
        let literal = &self.text[start..self.at];
        if float {
            let value: f64 = literal.parse().map_err(|_| SyntaxError)?;
            return Ok(PyValue::Float(value));
        }
        if int_digits <= 18 {
            // At most 18 digits always fit: no overflow check needed.
            let magnitude = self.bytes[int_start..self.at]
                .iter()
                .fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
            return Ok(PyValue::Int(if negative { -magnitude } else { magnitude }));
        }
        if let Ok(n) = literal.parse::<i64>() {
            return Ok(PyValue::Int(n));
        }
        if self.native {
            // serde_json: an unsigned int within 64 bits, anything longer a float.
            return Ok(match literal.parse::<u64>() {
                Ok(n) => PyValue::BigInt(BigInt::from(u128::from(n))),
                Err(_) => match literal.parse::<f64>() {
                    Ok(f) if f.is_finite() => PyValue::Float(f),
                    _ => return Err(SyntaxError),
                },
            });
        }
        if int_digits > MAX_INT_DIGITS {
            return Err(SyntaxError);
        }
        Ok(PyValue::BigInt(
            BigInt::parse(literal).map_err(|_| SyntaxError)?,
        ))
    }
    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let text = self.text.get(self.at..self.at + 4).ok_or(SyntaxError)?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SyntaxError);
        }
        self.at += 4;
        u32::from_str_radix(text, 16).map_err(|_| SyntaxError)
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.at += 1;
        let start = self.at;
        self.skip_plain_run();
        if self.bytes.get(self.at) == Some(&b'"') {
            // No escape: one copy of the run.
            self.at += 1;
            return Ok(self.text[start..self.at - 1].to_owned());
        }
        // Room for the whole string at once: unescaped it is never longer than as written,
        // and a buffer that grew would leave a copy of it in freed memory (a private
        // session's plaintext).
        let mut out = String::with_capacity(self.escaped_end() - start);
        out.push_str(&self.text[start..self.at]);
        loop {
            let run_start = self.at;
            self.skip_plain_run();
            out.push_str(&self.text[run_start..self.at]);
            match self.bytes.get(self.at).copied().ok_or(SyntaxError)? {
                b'"' => {
                    self.at += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.at += 1;
                    let escape = *self.bytes.get(self.at).ok_or(SyntaxError)?;
                    self.at += 1;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&unit) {
                                if !self.eat("\\u") {
                                    return Err(SyntaxError);
                                }
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return Err(SyntaxError);
                                }
                                0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                unit
                            };
                            out.push(char::from_u32(code).ok_or(SyntaxError)?);
                        }
                        _ => return Err(SyntaxError),
                    }
                }
                // A raw control character: Python's strict mode refuses it.
                _ => return Err(SyntaxError),
            }
        }
    }

    /// Where the string being read ends as written (its closing quote, or the end of the
    /// text), escapes skipped over.
    /// Moves past the run of string bytes that need no attention: up to the next quote,
    /// backslash or control character (or the end). The quote and backslash are found
    /// with `memchr`'s vectorised search; only the run before them is looked at for a
    /// control character.
    fn skip_plain_run(&mut self) {
        let rest = &self.bytes[self.at..];
        let stop = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
        self.at += rest[..stop].iter().position(|&b| b < 0x20).unwrap_or(stop);
    }

    fn escaped_end(&self) -> usize {
        let mut at = self.at;
        while let Some(&b) = self.bytes.get(at) {
            match b {
                b'"' => return at,
                b'\\' => at += 2,
                _ => at += 1,
            }
        }
        self.bytes.len()
    }

    fn array(&mut self, depth: usize) -> Result<PyValue, SyntaxError> {
        self.at += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.eat_byte(b']') {
            return Ok(PyValue::List(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            if self.eat_byte(b']') {
                return Ok(PyValue::List(items));
            }
            if !self.eat_byte(b',') {
                return Err(SyntaxError);
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<PyValue, SyntaxError> {
        self.at += 1;
        let mut entries = DictEntries::default();
        self.skip_ws();
        if !self.eat_byte(b'}') {
            loop {
                self.skip_ws();
                if self.bytes.get(self.at) != Some(&b'"') {
                    return Err(SyntaxError);
                }
                let key = self.string()?;
                self.skip_ws();
                if !self.eat_byte(b':') {
                    return Err(SyntaxError);
                }
                self.skip_ws();
                let value = self.value(depth + 1)?;
                entries.insert(key, value);
                self.skip_ws();
                if self.eat_byte(b'}') {
                    break;
                }
                if !self.eat_byte(b',') {
                    return Err(SyntaxError);
                }
            }
        }
        if self.native {
            if depth == 0 {
                // The session object itself: its entries are tagged, it is not.
                return Ok(PyValue::Dict(entries.list));
            }
            if let [(key, PyValue::Str(text))] = entries.list.as_slice()
                && key == MARKER_KEY
                && let Some(number) = marked_number(text)
            {
                return Ok(number);
            }
        }
        (self.hook)(entries.list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_plain(text: &str) -> Result<PyValue, SyntaxError> {
        parse(text, plain_dict)
    }

    #[test]
    fn parses_python_json() {
        let doc = parse_plain(
            r#" {"a": [1, -0, 2.50, 1E2, NaN, -Infinity, "\ud83d\ude00"], "a": 3, "b": null} "#,
        )
        .expect("accepted");
        let PyValue::Dict(entries) = doc else {
            panic!("not a dict")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0], ("a".to_owned(), PyValue::Int(3)));
        for bad in [
            "01",
            "[1,]",
            "{\"a\":1,}",
            "\"\\ud800\"",
            "\"\u{1}\"",
            "1.",
            "-",
            "{1:2}",
            "[1] x",
            "nan",
            "\"\\x\"",
        ] {
            assert_eq!(parse_plain(bad), Err(SyntaxError), "{bad}");
        }
        let Ok(PyValue::List(items)) = parse_plain(
            "[1e999, -0, 123456789012345678901234567890, -9223372036854775808, \
             9223372036854775808, 999999999999999999, -1000000000000000000]",
        ) else {
            panic!("not a list")
        };
        assert_eq!(items[0], PyValue::Float(f64::INFINITY));
        assert_eq!(items[1], PyValue::Int(0));
        let big = |digits| PyValue::BigInt(BigInt::parse(digits).expect("digits"));
        assert_eq!(items[2], big("123456789012345678901234567890"));
        assert_eq!(items[3], PyValue::Int(i64::MIN));
        assert_eq!(items[4], big("9223372036854775808"));
        assert_eq!(items[5], PyValue::Int(999_999_999_999_999_999));
        assert_eq!(items[6], PyValue::Int(-1_000_000_000_000_000_000));
        // Keys out of order, repeated, and past the scan limit: Python's dict rules.
        let keys: Vec<String> = (0..40)
            .map(|i| format!("\"k{:02}\":{i}", (i * 7) % 40))
            .collect();
        let doc = format!("{{{},\"k05\":true}}", keys.join(","));
        let Ok(PyValue::Dict(entries)) = parse_plain(&doc) else {
            panic!("not a dict")
        };
        assert_eq!(entries.len(), 40);
        assert_eq!(entries[0].0, "k00");
        let k05 = entries.iter().find(|(k, _)| k == "k05").expect("k05");
        assert_eq!(k05.1, PyValue::Bool(true));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(parse_plain(&deep), Err(SyntaxError));
        assert!(parse_plain(&"9".repeat(4301)).is_err());
        assert!(parse_plain(&"9".repeat(4300)).is_ok());
    }
}
