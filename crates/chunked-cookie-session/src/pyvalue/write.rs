//! JSON written the way Python's `json.dumps(sort_keys=True, ensure_ascii=True,
//! separators=(",", ":"))` does it, as Flask calls it: keys sorted by code point, every
//! character outside printable ASCII escaped as `\uXXXX` (lowercase, astral characters as
//! surrogate pairs, 0x7F included) and floats in Python's `repr`; and strings as serde_json
//! writes them, for the native dialect.

use std::fmt::{self, Write as _};

use serde_json::Value;

use super::marker::{Marker, marker};

/// Where JSON text is written: a `String`, or (a native session's plaintext, in the codec)
/// a buffer that wipes what it outgrows. Writing never fails.
pub(crate) trait Out: fmt::Write {
    fn push_str(&mut self, text: &str) {
        let _ = self.write_str(text);
    }

    fn push(&mut self, ch: char) {
        let _ = self.write_char(ch);
    }
}

impl Out for String {}

/// Text formatted on the stack, up to `N` bytes: a number's digits never pass through a
/// heap block of their own, so none is left behind in freed memory.
pub(crate) struct Stack<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Stack<N> {
    pub(crate) fn new() -> Stack<N> {
        Stack {
            bytes: [0; N],
            len: 0,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl<const N: usize> Out for Stack<N> {}

impl<const N: usize> fmt::Write for Stack<N> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len + text.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
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
pub(crate) fn write_float(out: &mut impl Out, value: f64) {
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
    // the layout differs. At most 17 digits and a three-digit exponent.
    let mut sci = Stack::<32>::new();
    let _ = write!(sci, "{:e}", value.abs());
    let (mantissa, exponent) = sci.as_str().split_once('e').unwrap_or((sci.as_str(), "0"));
    let mut digits = Stack::<32>::new();
    mantissa.split('.').for_each(|part| digits.push_str(part));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if digits.len >= 16
        && let Some(even) = half_even_tie(value.abs(), digits.as_str(), exponent)
    {
        digits = even;
    }
    let digits = digits.as_str();
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
        out.push_str(digits);
    } else if decpt >= len {
        out.push_str(digits);
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
fn half_even_tie(value: f64, digits: &str, exponent: i32) -> Option<Stack<32>> {
    // The exact decimal expansion of a double has at most 767 significant digits.
    let mut exact = Stack::<800>::new();
    write!(exact, "{value:.780e}").ok()?;
    let (mantissa, exact_exponent) = exact.as_str().split_once('e')?;
    if exact_exponent.parse::<i32>().ok()? != exponent {
        return None;
    }
    let mut exact_digits = mantissa.bytes().filter(u8::is_ascii_digit);
    let n = digits.len();
    let mut low = [0u8; 32];
    for slot in low.get_mut(..n)? {
        *slot = exact_digits.next()?;
    }
    let tie = exact_digits.next() == Some(b'5') && exact_digits.all(|d| d == b'0');
    if !tie {
        return None;
    }
    let low = &mut low[..n];
    if !low[n - 1].is_multiple_of(2) {
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
    }
    let candidate = std::str::from_utf8(low).ok()?;
    let mut check = Stack::<48>::new();
    write!(check, "{}.{}e{exponent}", &candidate[..1], &candidate[1..]).ok()?;
    if check.as_str().parse::<f64>().ok()? != value {
        return None;
    }
    let mut even = Stack::<32>::new();
    even.push_str(candidate.trim_end_matches('0'));
    Some(even)
}

/// A string as serde_json writes it: UTF-8, with `"`, `\\` and the control characters
/// escaped.
pub(crate) fn write_string_utf8(out: &mut impl Out, text: &str) {
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
pub(crate) fn write_string(out: &mut impl Out, text: &str) {
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
}
