//! Python's values as a session holds them: the model that Flask's tagged JSON, and the
//! Python values a native session is handed, stand for.
//!
//! A binding to Python (the `chunked-cookie-session` Python package) maps Python objects
//! onto [`PyValue`] one for one, structurally: a `tuple` is a [`PyValue::Tuple`], a `bytes`
//! a [`PyValue::Bytes`]. Every rule of how those values travel (the tags, the `" di"`
//! escape, the JSON Python writes) lives in this folder, on this side of the boundary.

use time::{Date, Month, OffsetDateTime, Time};

/// Python refuses to convert ints longer than this (`sys.int_info.default_max_str_digits`).
pub(crate) const MAX_INT_DIGITS: usize = 4300;

/// A Python value that a Flask session can hold.
///
/// [`Session::python_entries`](crate::Session::python_entries) hands a Flask (or native)
/// session's entries over in this form, and
/// [`Session::set_python_entries`](crate::Session::set_python_entries) takes them back;
/// [`PyValue::from_tagged`] and [`PyValue::to_tagged`] convert to and from the tagged JSON
/// entries the rest of the crate holds.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{PyValue, python_to_json};
///
/// let entries = vec![
///     ("pair".to_owned(), PyValue::Tuple(vec![PyValue::Int(1), PyValue::Str("two".into())])),
///     ("raw".to_owned(), PyValue::Bytes(vec![0, 255])),
///     (" t".to_owned(), PyValue::None),
/// ];
/// // Flask's tagged JSON, keys sorted, as Python's json writes it.
/// assert_eq!(
///     python_to_json(&entries)?,
///     r#"{" t":null,"pair":{" t":[1,"two"]},"raw":{" b":"AP8="}}"#
/// );
/// let tagged = entries[0].1.to_tagged();
/// assert_eq!(tagged, serde_json::json!({" t": [1, "two"]}));
/// assert_eq!(PyValue::from_tagged(&tagged)?, entries[0].1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum PyValue {
    /// `None`.
    None,
    /// `True` or `False`.
    Bool(bool),
    /// An `int` within 64 bits.
    Int(i64),
    /// An `int` beyond 64 bits (one within them is an [`Int`](Self::Int)).
    BigInt(BigInt),
    /// A `float`, `nan` and `±inf` included.
    Float(f64),
    /// A `str`.
    Str(String),
    /// A `list`.
    List(Vec<PyValue>),
    /// A `dict` with `str` keys, in insertion order, each key once.
    Dict(Vec<(String, PyValue)>),
    /// A `tuple`.
    Tuple(Vec<PyValue>),
    /// A `bytes`.
    Bytes(Vec<u8>),
    /// A `markupsafe.Markup` (or any object with `__html__`: its HTML text).
    Markup(String),
    /// A `uuid.UUID`, as its 16 bytes.
    Uuid([u8; 16]),
    /// A `datetime.datetime`, as Unix seconds in UTC: Flask keeps neither microseconds
    /// nor the time zone. [`UtcTime`] converts from and to the calendar.
    DateTime(i64),
    /// A datetime that arrived spelled otherwise than Flask writes it (another time zone, a
    /// two-digit or pre-100 year): kept as that text, so it is written back as it came.
    /// Flask reads it with werkzeug's `parse_date`.
    DateText(String),
}

impl PyValue {
    /// Python's truth value (`bool(value)`).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::PyValue;
    /// assert!(!PyValue::Tuple(vec![]).is_truthy());
    /// assert!(PyValue::Str("x".into()).is_truthy());
    /// assert!(!PyValue::Float(0.0).is_truthy());
    /// ```
    pub fn is_truthy(&self) -> bool {
        match self {
            PyValue::None => false,
            PyValue::Bool(b) => *b,
            PyValue::Int(n) => *n != 0,
            // A BigInt lies beyond 64 bits, never zero.
            PyValue::BigInt(_) | PyValue::Uuid(_) | PyValue::DateTime(_) | PyValue::DateText(_) => {
                true
            }
            PyValue::Float(f) => *f != 0.0,
            PyValue::Str(text) | PyValue::Markup(text) => !text.is_empty(),
            PyValue::List(items) | PyValue::Tuple(items) => !items.is_empty(),
            PyValue::Dict(entries) => !entries.is_empty(),
            PyValue::Bytes(raw) => !raw.is_empty(),
        }
    }
}

/// A moment in UTC on Python's calendar (years 1 to 9999), to the second: what a
/// [`PyValue::DateTime`] stands for.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::UtcTime;
///
/// let at = UtcTime { year: 2024, month: 1, day: 2, hour: 3, minute: 4, second: 5 };
/// assert_eq!(at.to_unix(), Some(1_704_164_645));
/// assert_eq!(UtcTime::from_unix(1_704_164_645), Some(at));
/// assert_eq!(UtcTime { month: 13, ..at }.to_unix(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub struct UtcTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl UtcTime {
    /// The calendar fields of `seconds` since the Unix epoch; `None` outside years 1 to
    /// 9999.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::UtcTime;
    ///
    /// let epoch = UtcTime::from_unix(0).expect("within years 1 to 9999");
    /// assert_eq!((epoch.year, epoch.month, epoch.day, epoch.hour), (1970, 1, 1, 0));
    /// // 0001-01-01 00:00:00 is the first second Python's calendar holds.
    /// assert_eq!(UtcTime::from_unix(-62_135_596_800).map(|at| at.year), Some(1));
    /// assert_eq!(UtcTime::from_unix(-62_135_596_801), None);
    /// ```
    pub fn from_unix(seconds: i64) -> Option<UtcTime> {
        let at = OffsetDateTime::from_unix_timestamp(seconds).ok()?;
        (1..=9999).contains(&at.year()).then(|| UtcTime {
            year: at.year(),
            month: u8::from(at.month()),
            day: at.day(),
            hour: at.hour(),
            minute: at.minute(),
            second: at.second(),
        })
    }

    /// Seconds since the Unix epoch; `None` for a date that does not exist or lies outside
    /// years 1 to 9999.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::UtcTime;
    ///
    /// let epoch = UtcTime { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    /// assert_eq!(epoch.to_unix(), Some(0));
    /// assert_eq!(UtcTime { month: 2, day: 30, ..epoch }.to_unix(), None);
    /// assert_eq!(UtcTime { year: 10_000, ..epoch }.to_unix(), None);
    /// ```
    pub fn to_unix(&self) -> Option<i64> {
        if !(1..=9999).contains(&self.year) {
            return None;
        }
        let date = Date::from_calendar_date(self.year, Month::try_from(self.month).ok()?, self.day)
            .ok()?;
        let time = Time::from_hms(self.hour, self.minute, self.second).ok()?;
        Some(date.with_time(time).assume_utc().unix_timestamp())
    }
}

/// Why an entry cannot be written in, or read from, Flask's tagged JSON.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{EntryError, PyValue};
/// use serde_json::json;
///
/// // Bytes are base64 text, never a number.
/// assert_eq!(PyValue::from_tagged(&json!({" b": 5})), Err(EntryError::Tag(" b")));
/// let deep = (0..200).fold(json!(0), |inner, _| json!([inner]));
/// assert_eq!(PyValue::from_tagged(&deep), Err(EntryError::TooDeep));
/// let message = EntryError::Tag(" t").to_string();
/// assert_eq!(message, r#"a " t" tag whose value Flask cannot read back"#);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// Nested deeper than [`MAX_NESTING`](crate::MAX_NESTING) levels, which no reader
    /// accepts.
    #[error("nested deeper than {} levels", crate::config::MAX_NESTING)]
    TooDeep,
    /// A tag around a value Flask cannot turn back into a Python object (`{" t": 5}`).
    #[error("a {0:?} tag whose value Flask cannot read back")]
    Tag(&'static str),
}

/// An entry of a session that cannot be handed to Python: it is not valid tagged JSON.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{EntryError, Tuple};
/// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// session.insert("pair", Tuple(5))?; // a tuple around what no tuple holds
/// let err = session.python_entries().unwrap_err();
/// assert_eq!((err.key.as_str(), err.error), ("pair", EntryError::Tag(" t")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the session entry {key:?} cannot be read as Flask would read it: {error}")]
#[non_exhaustive]
pub struct InvalidEntry {
    /// The entry's key.
    pub key: String,
    /// What is wrong with it.
    pub error: EntryError,
}

/// A Python `int` of any size. Ints within 64 bits are plain JSON numbers, and a plain
/// `i64` or `u64` reads and writes them; an int beyond is held in the session as
/// `{" di": "<digits>"}` (a shape Flask's tagged JSON never produces, as for
/// [`Float`](crate::flask::Float)) and written as its bare digits, so Flask reads back the
/// very same int. `BigInt` reads and writes both forms; it converts to and from `i128` and
/// `u128`.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{BigInt, from_json, to_json};
///
/// let entries = from_json(r#"{"big": 123456789012345678901234567890, "small": 7}"#).unwrap();
/// let big: BigInt = serde_json::from_value(entries["big"].clone()).unwrap();
/// assert_eq!(big.as_str(), "123456789012345678901234567890");
/// assert_eq!(i128::try_from(&big).unwrap(), 123456789012345678901234567890);
/// let small: BigInt = serde_json::from_value(entries["small"].clone()).unwrap();
/// assert_eq!(small, BigInt::from(7_i64));
/// let mut entries = entries;
/// entries.insert("neg".into(), serde_json::to_value(BigInt::from(-(1i128 << 100))).unwrap());
/// assert_eq!(
///     to_json(&entries),
///     r#"{"big":123456789012345678901234567890,"neg":-1267650600228229401496703205376,"small":7}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BigInt(String);

impl BigInt {
    /// Reads decimal digits (an optional `-`, no leading zeros, at most 4300 digits, as
    /// Python converts).
    ///
    /// # Errors
    ///
    /// When `text` is not such a number.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::BigInt;
    /// assert!(BigInt::parse("-98765432109876543210").is_ok());
    /// assert!(BigInt::parse("007").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<BigInt, BigIntError> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let canonical = !digits.is_empty()
            && digits.len() <= MAX_INT_DIGITS
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
            && text != "-0";
        if canonical {
            Ok(BigInt(text.to_owned()))
        } else {
            Err(BigIntError)
        }
    }

    /// The decimal digits.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::BigInt;
    ///
    /// let big = BigInt::from(u128::MAX);
    /// assert_eq!(big.as_str(), "340282366920938463463374607431768211455");
    /// assert_eq!(BigInt::from(-7_i64).as_str(), "-7");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Text that is not a canonical decimal int, or an int out of a Rust type's range.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{BigInt, BigIntError};
///
/// assert_eq!(BigInt::parse("1e9"), Err(BigIntError));
/// let big = BigInt::from(u128::MAX);
/// assert_eq!(u128::try_from(&big), Ok(u128::MAX));
/// assert_eq!(i128::try_from(&big), Err(BigIntError));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a canonical decimal int, or out of range")]
pub struct BigIntError;

impl From<i128> for BigInt {
    fn from(n: i128) -> BigInt {
        BigInt(n.to_string())
    }
}

impl From<u128> for BigInt {
    fn from(n: u128) -> BigInt {
        BigInt(n.to_string())
    }
}

impl From<i64> for BigInt {
    fn from(n: i64) -> BigInt {
        BigInt(n.to_string())
    }
}

impl TryFrom<&BigInt> for i128 {
    type Error = BigIntError;
    fn try_from(n: &BigInt) -> Result<i128, BigIntError> {
        n.0.parse().map_err(|_| BigIntError)
    }
}

impl TryFrom<&BigInt> for u128 {
    type Error = BigIntError;
    fn try_from(n: &BigInt) -> Result<u128, BigIntError> {
        n.0.parse().map_err(|_| BigIntError)
    }
}
