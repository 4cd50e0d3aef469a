//! JSON read and written the way Python's `json` module does it, as Flask calls it.
//!
//! Reading follows `json.loads`: bare `NaN`, `Infinity` and `-Infinity` are accepted, ints
//! are unbounded (up to Python's 4300-digit conversion limit), duplicate keys keep the last
//! value at the first key's position. Writing follows
//! `json.dumps(sort_keys=True, ensure_ascii=True, separators=(",", ":"))`: keys sorted by
//! code point, every character outside printable ASCII escaped as `\uXXXX` (lowercase,
//! astral characters as surrogate pairs, 0x7F included) and floats in Python's `repr`.
//!
//! Two departures, both refusals rather than silent changes: a lone surrogate escape
//! (`"\ud800"`), which Python keeps but a Rust `String` cannot hold, and nesting deeper
//! than [`MAX_NESTING`] levels.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::python::{BigInt, PyValue};
use crate::config::MAX_NESTING;

/// Python refuses to convert ints longer than this (`sys.int_info.default_max_str_digits`).
pub(crate) const MAX_INT_DIGITS: usize = 4300;
/// Objects longer than this find duplicate keys through an index rather than a scan.
const SCAN_LIMIT: usize = 16;

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
/// `object_hook`. The Flask codec hands in its untagging (a dict of one tag-like key
/// becomes the object the tag stands for), which keeps this reader free of tags.
pub(crate) type ObjectHook = fn(Vec<(String, PyValue)>) -> Result<PyValue, SyntaxError>;

/// The hook that keeps every dict a dict.
#[cfg(test)]
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
        while let Some(&b) = self.bytes.get(self.at) {
            if b == b'"' {
                // No escape: one copy of the run.
                self.at += 1;
                return Ok(self.text[start..self.at - 1].to_owned());
            }
            if b == b'\\' || b < 0x20 {
                break;
            }
            self.at += 1;
        }
        let mut out = String::with_capacity(self.at - start + 16);
        out.push_str(&self.text[start..self.at]);
        loop {
            let run_start = self.at;
            while let Some(&b) = self.bytes.get(self.at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
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
        let mut entries = Entries::default();
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

/// A dict's entries as they are read, with Python's rule for a repeated key: the last value
/// wins, at the first key's position.
#[derive(Default)]
struct Entries {
    list: Vec<(String, PyValue)>,
    /// True while every key came after the one before it in code-point order, as in every
    /// document Python writes with `sort_keys`: then a new key cannot repeat an old one.
    ascending: bool,
    index: HashMap<String, usize>,
}

impl Entries {
    fn insert(&mut self, key: String, value: PyValue) {
        let found = match self.list.last() {
            None => {
                self.ascending = true;
                None
            }
            Some((last, _)) if self.ascending && key.as_str() > last.as_str() => None,
            Some(_) => {
                self.ascending = false;
                self.position(&key)
            }
        };
        match found {
            Some(at) => self.list[at].1 = value,
            None => {
                if !self.index.is_empty() {
                    self.index.insert(key.clone(), self.list.len());
                }
                self.list.push((key, value));
            }
        }
    }

    fn position(&mut self, key: &str) -> Option<usize> {
        if self.list.len() <= SCAN_LIMIT {
            return self.list.iter().position(|(k, _)| k == key);
        }
        if self.index.is_empty() {
            let entries = self.list.iter().enumerate();
            self.index = entries.map(|(i, (k, _))| (k.clone(), i)).collect();
        }
        self.index.get(key).copied()
    }
}

/// The key of the markers the session map holds for the Python numbers a
/// `serde_json::Value` cannot hold: `{" di": "NaN"}` (or `"Infinity"`, `"-Infinity"`) for a
/// non-finite float, `{" di": "<digits>"}` for an int beyond 64 bits. Flask's tagged JSON
/// never puts a string under `" di"` (that tag always wraps an object), so a marker cannot
/// be mistaken for anything Flask wrote, and none ever reaches the wire.
pub(crate) const MARKER_KEY: &str = " di";

/// A number held as a marker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Marker<'a> {
    Float(f64),
    /// Canonical decimal text of an int outside the 64-bit range.
    Int(&'a str),
}

/// The number a marker stands for, if `value` is one.
pub(crate) fn marker(value: &Value) -> Option<Marker<'_>> {
    let Value::Object(map) = value else {
        return None;
    };
    if map.len() != 1 {
        return None;
    }
    match map.get(MARKER_KEY)?.as_str()? {
        "NaN" => Some(Marker::Float(f64::NAN)),
        "Infinity" => Some(Marker::Float(f64::INFINITY)),
        "-Infinity" => Some(Marker::Float(f64::NEG_INFINITY)),
        digits if is_big_int(digits) => Some(Marker::Int(digits)),
        _ => None,
    }
}

/// The number a marker's text stands for, as a Python value.
fn marked_number(text: &str) -> Option<PyValue> {
    Some(match text {
        "NaN" => PyValue::Float(f64::NAN),
        "Infinity" => PyValue::Float(f64::INFINITY),
        "-Infinity" => PyValue::Float(f64::NEG_INFINITY),
        digits if is_big_int(digits) => PyValue::BigInt(BigInt::parse(digits).ok()?),
        _ => return None,
    })
}

/// The marker for a non-finite float.
pub(crate) fn non_finite_marker(value: f64) -> Value {
    let word = if value.is_nan() {
        "NaN"
    } else if value > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    };
    marker_of(word.to_owned())
}

/// An int as the session map holds it: a JSON number within 64 bits, a marker beyond.
/// `digits` is canonical decimal text (no `+`, no leading zero, no `-0`).
pub(crate) fn int_value(digits: String) -> Value {
    match (digits.parse::<u64>(), digits.parse::<i64>()) {
        (Ok(n), _) => Value::from(n),
        (_, Ok(n)) => Value::from(n),
        _ => marker_of(digits),
    }
}

fn marker_of(text: String) -> Value {
    let mut map = Map::new();
    map.insert(MARKER_KEY.to_owned(), Value::String(text));
    Value::Object(map)
}

/// Canonical decimal text of an int outside the 64-bit range, of at most Python's digit
/// limit: what an int marker may hold.
fn is_big_int(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.len() <= MAX_INT_DIGITS
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
        && text.parse::<i64>().is_err()
        && text.parse::<u64>().is_err()
}

/// Appends `value` as Python's `json.dumps` would write it.
pub(crate) fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(out, &number.to_string()),
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            match marker(value) {
                Some(Marker::Float(float)) => return write_float(out, float),
                Some(Marker::Int(digits)) => return out.push_str(digits),
                None => {}
            }
            let mut entries: Vec<(&str, &Value)> =
                map.iter().map(|(k, v)| (k.as_str(), v)).collect();
            write_object(out, &mut entries);
        }
    }
}

/// Writes an object with its keys sorted by code point (UTF-8 byte order is the same).
pub(crate) fn write_object(out: &mut String, entries: &mut [(&str, &Value)]) {
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.push('{');
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, key);
        out.push(':');
        write_value(out, value);
    }
    out.push('}');
}

/// Ints as they are; floats re-rendered in Python's `repr`, whoever produced them.
fn write_number(out: &mut String, text: &str) {
    if text.contains(['.', 'e', 'E']) {
        match text.parse::<f64>() {
            Ok(value) => write_float(out, value),
            Err(_) => out.push_str(text),
        }
    } else if text == "-0" {
        out.push('0');
    } else {
        out.push_str(text);
    }
}

/// Python's `float.__repr__`, and the words `json.dumps` writes for non-finite floats.
pub(crate) fn write_float(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("NaN");
        return;
    }
    if value.is_infinite() {
        out.push_str(if value > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    if value.is_sign_negative() {
        out.push('-');
    }
    if value == 0.0 {
        out.push_str("0.0");
        return;
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, as Python's repr does; only
    // the layout differs.
    let sci = format!("{:e}", value.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if digits.len() >= 16
        && let Some(even) = half_even_tie(value.abs(), &digits, exponent)
    {
        digits = even;
    }
    // Python's `decpt`: the value is 0.DIGITS times ten to it.
    let decpt = exponent + 1;
    let len = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if decpt <= -4 || decpt > 16 {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if exponent < 0 { '-' } else { '+' },
            exponent.unsigned_abs()
        );
    } else if decpt <= 0 {
        out.push_str("0.");
        (0..-decpt).for_each(|_| out.push('0'));
        out.push_str(&digits);
    } else if decpt >= len {
        out.push_str(&digits);
        (0..decpt - len).for_each(|_| out.push('0'));
        out.push_str(".0");
    } else {
        let split = usize::try_from(decpt).unwrap_or(0);
        out.push_str(&digits[..split]);
        out.push('.');
        out.push_str(&digits[split..]);
    }
}

/// Where two shortest spellings lie exactly as far from the value (`…136.25` between
/// `…136.2` and `…136.3`), Python's `repr` takes the one ending in an even digit; Rust's
/// formatter rounds the tie up. Only 16 or 17 digits can tie: shorter decimals are spaced
/// wider than a double's precision, so at most one of them round-trips.
fn half_even_tie(value: f64, digits: &str, exponent: i32) -> Option<String> {
    // The exact decimal expansion of a double has at most 767 significant digits.
    let exact = format!("{value:.780e}");
    let (mantissa, exact_exponent) = exact.split_once('e')?;
    if exact_exponent.parse::<i32>().ok()? != exponent {
        return None;
    }
    let exact_digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let n = digits.len();
    let tie =
        exact_digits.get(n) == Some(&b'5') && exact_digits[n + 1..].iter().all(|&d| d == b'0');
    if !tie {
        return None;
    }
    let mut low = exact_digits[..n].to_vec();
    let even = if low[n - 1].is_multiple_of(2) {
        low
    } else {
        // low + 1 in the last place; the carry cannot run off the front, or the shorter
        // spelling would have round-tripped first.
        let mut at = n;
        while at > 0 {
            at -= 1;
            if low[at] == b'9' {
                low[at] = b'0';
            } else {
                low[at] += 1;
                break;
            }
        }
        low
    };
    let candidate = String::from_utf8(even).ok()?;
    let check = format!("{}.{}e{exponent}", &candidate[..1], &candidate[1..]);
    (check.parse::<f64>().ok()? == value).then(|| candidate.trim_end_matches('0').to_owned())
}

/// A string as serde_json writes it: UTF-8, with `"`, `\\` and the control characters
/// escaped.
pub(crate) fn write_string_utf8(out: &mut String, text: &str) {
    out.push('"');
    let mut run = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..0x20 => "",
            _ => continue,
        };
        out.push_str(&text[run..at]);
        run = at + 1;
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(&text[run..]);
    out.push('"');
}

/// A string as `ensure_ascii` writes it.
pub(crate) fn write_string(out: &mut String, text: &str) {
    out.push('"');
    let mut run = 0;
    for (at, ch) in text.char_indices() {
        let plain = (' '..='~').contains(&ch) && ch != '"' && ch != '\\';
        if plain {
            continue;
        }
        out.push_str(&text[run..at]);
        run = at + ch.len_utf8();
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    out.push_str("\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(char::from(HEX[usize::from((*unit >> shift) & 0xf)]));
                    }
                }
            }
        }
    }
    out.push_str(&text[run..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_plain(text: &str) -> Result<PyValue, SyntaxError> {
        parse(text, plain_dict)
    }

    fn repr(value: f64) -> String {
        let mut out = String::new();
        write_float(&mut out, value);
        out
    }

    #[test]
    fn floats_read_like_python_repr() {
        let cases = [
            (0.1, "0.1"),
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123_456_789.125, "123456789.125"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (2.5e-7, "2.5e-07"),
            (f64::NAN, "NaN"),
            (1_812_095_528_352_136.2, "1812095528352136.2"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (value, text) in cases {
            assert_eq!(repr(value), text);
        }
    }

    #[test]
    fn strings_are_escaped_like_ensure_ascii() {
        let mut out = String::new();
        write_string(
            &mut out,
            "q\"b\\s\n\t\u{7f}</x>h\u{e9}llo \u{2603} \u{1f600}\u{1}",
        );
        assert_eq!(
            out,
            r#""q\"b\\s\n\t\u007f</x>h\u00e9llo \u2603 \ud83d\ude00\u0001""#
        );
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
