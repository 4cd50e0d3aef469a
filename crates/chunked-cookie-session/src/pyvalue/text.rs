//! The text forms Python values take inside their tags: bytes as standard base64, a UUID
//! as 32 hex digits, a datetime as an HTTP date (werkzeug's `http_date`, and the dates
//! `email.utils` reads back).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

use super::read::SyntaxError;
use super::write::{Out as _, Stack};

/// Python `bytes` as Flask tags them: standard base64 with padding.
pub(crate) fn bytes_text(raw: &[u8]) -> String {
    STANDARD.encode(raw)
}

/// A `uuid.UUID` as Flask tags it: its 32 lowercase hex digits.
pub(crate) fn uuid_text(raw: &[u8; 16]) -> String {
    String::from_utf8_lossy(&uuid_hex(raw)).into_owned()
}

/// The 32 lowercase hex digits of a UUID, on the stack.
pub(crate) fn uuid_hex(raw: &[u8; 16]) -> [u8; 32] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0; 32];
    for (pair, &byte) in out.chunks_exact_mut(2).zip(raw) {
        pair[0] = HEX[usize::from(byte >> 4)];
        pair[1] = HEX[usize::from(byte & 0xf)];
    }
    out
}

/// `uuid.UUID(text)`: braces, `urn:uuid:` and dashes are ignored, 32 hex digits remain.
pub(crate) fn parse_uuid(text: &str) -> Result<[u8; 16], SyntaxError> {
    let hex = |digits: &str| {
        u128::from_str_radix(digits, 16)
            .map(u128::to_be_bytes)
            .map_err(|_| SyntaxError)
    };
    // What Flask writes: 32 hex digits and nothing else.
    if text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return hex(text);
    }
    let text = text.replace("urn:", "").replace("uuid:", "");
    let digits: String = text.trim_matches(['{', '}']).replace('-', "");
    if digits.len() != 32 {
        return Err(SyntaxError);
    }
    hex(&digits)
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// werkzeug's `http_date`: `Tue, 02 Jan 2024 03:04:05 GMT`. Python's datetime holds years
/// 1 to 9999 only.
pub(crate) fn format_http_date(seconds: i64) -> Option<String> {
    http_date(seconds).map(|text| text.as_str().to_owned())
}

/// [`format_http_date`] on the stack.
pub(crate) fn http_date(seconds: i64) -> Option<Stack<32>> {
    fn two(out: &mut Stack<32>, n: u8) {
        out.push(char::from(b'0' + n / 10));
        out.push(char::from(b'0' + n % 10));
    }
    let at = OffsetDateTime::from_unix_timestamp(seconds).ok()?;
    let year = u16::try_from(at.year())
        .ok()
        .filter(|y| (1..=9999).contains(y))?;
    let mut out = Stack::new();
    out.push_str(WEEKDAYS[usize::from(at.weekday().number_days_from_monday())]);
    out.push_str(", ");
    two(&mut out, at.day());
    out.push(' ');
    out.push_str(MONTHS[usize::from(u8::from(at.month())) - 1]);
    out.push(' ');
    two(&mut out, u8::try_from(year / 100).ok()?);
    two(&mut out, u8::try_from(year % 100).ok()?);
    out.push(' ');
    two(&mut out, at.hour());
    out.push(':');
    two(&mut out, at.minute());
    out.push(':');
    two(&mut out, at.second());
    out.push_str(" GMT");
    Some(out)
}

/// The dates `email.utils.parsedate_to_datetime` reads in the shape HTTP uses:
/// `[Www,] DD Mon YYYY HH:MM[:SS] [GMT|UTC|UT|Z|+hhmm|-hhmm]`. Other shapes are kept as
/// text rather than guessed at.
pub(crate) fn parse_http_date(text: &str) -> Option<i64> {
    let mut words = text.split_whitespace().peekable();
    if words.peek()?.ends_with(',') {
        words.next();
    }
    let day: u8 = number(words.next()?, 1, 2)?.try_into().ok()?;
    let month_name = words.next()?;
    let month = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(month_name))?;
    let mut year = i32::try_from(number(words.next()?, 2, 4)?).ok()?;
    // `email.utils` reads a year below 100 as two-digit: 69-99 are 19xx, the rest 20xx.
    if year < 100 {
        year += if year > 68 { 1900 } else { 2000 };
    }
    let mut clock = words.next()?.split(':');
    let hour = u8::try_from(number(clock.next()?, 1, 2)?).ok()?;
    let minute = u8::try_from(number(clock.next()?, 1, 2)?).ok()?;
    let second = match clock.next() {
        Some(s) => u8::try_from(number(s, 1, 2)?).ok()?,
        None => 0,
    };
    if clock.next().is_some() {
        return None;
    }
    let offset = match words.next() {
        None | Some("GMT" | "UTC" | "UT" | "Z") => 0,
        Some(zone) => {
            let (sign, digits) = match zone.as_bytes().first()? {
                b'+' => (1, &zone[1..]),
                b'-' => (-1, &zone[1..]),
                _ => return None,
            };
            let hhmm = i32::try_from(number(digits, 4, 4)?).ok()?;
            sign * ((hhmm / 100) * 3600 + (hhmm % 100) * 60)
        }
    };
    if words.next().is_some() {
        return None;
    }
    let month = Month::try_from(u8::try_from(month + 1).ok()?).ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms(hour, minute, second).ok()?;
    let offset = UtcOffset::from_whole_seconds(offset).ok()?;
    Some(date.with_time(time).assume_offset(offset).unix_timestamp())
}

fn number(text: &str, min: usize, max: usize) -> Option<u32> {
    let ok = (min..=max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    if ok { text.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(
            format_http_date(1_704_164_645).as_deref(),
            Some("Tue, 02 Jan 2024 03:04:05 GMT")
        );
        assert_eq!(
            parse_http_date("Tue, 02 Jan 2024 03:04:05 GMT"),
            Some(1_704_164_645)
        );
        assert_eq!(parse_http_date("2 jan 2024 03:04 UTC"), Some(1_704_164_640));
        assert_eq!(parse_http_date("yesterday"), None);
        assert_eq!(
            parse_http_date("Sat, 21 Jul 0091 13:51:22 GMT"),
            parse_http_date("Sun, 21 Jul 1991 13:51:22 GMT")
        );
        assert_eq!(format_http_date(-62_135_596_800 - 1), None);
    }
}
