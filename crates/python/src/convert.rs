//! Python objects to `flask::PyValue` and back, one for one. Nothing here decides how a
//! value travels: the tags, the `" di"` escape and the JSON are the library's.

use chunked_cookie_session::MAX_NESTING;
use chunked_cookie_session::flask::{BigInt, PyValue, UtcTime};
use pyo3::PyTypeInfo;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

static MARKUP: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UUID: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UTC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static PARSE_DATE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn utc(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    UTC.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py
            .import("datetime")?
            .getattr("timezone")?
            .getattr("utc")?
            .unbind())
    })
    .map(|utc| utc.bind(py))
}

/// The entries of a session dict, in its order, with its keys as `json` writes them.
/// `default` is the app's JSON provider's `default`: what it makes of a value no tag and
/// no JSON type covers is stored, as Flask's serializer stores it.
pub(crate) fn entries_from_dict<'py>(
    dict: &Bound<'py, PyDict>,
    default: Option<&Bound<'py, PyAny>>,
) -> PyResult<Vec<(String, PyValue)>> {
    dict_entries(dict, |key, value| {
        from_python(&value, 1, default).map_err(|err| in_entry(dict.py(), key, err))
    })
}

/// Each item of `dict` in its order, its key as `json` writes a key and its value made by
/// `value_of`.
///
/// A value's conversion runs Python code (`__html__`, `__str__`, `default`) that may change
/// the dict meanwhile: PyO3's iterator would panic, so the items are a snapshot, and a dict
/// whose size changed raises what Python raises (and Flask's serializer, which walks it
/// the same way): `RuntimeError`.
///
/// Keys that are not `str` are written as `json` writes them (`1` as `"1"`, `True` as
/// `"true"`, `None` as `"null"`), after the check Flask's `sort_keys` makes: keys that do
/// not sort together (`1` and `"a"`) raise its `TypeError`, and two keys that become the
/// same text raise `ValueError` (stock Flask would write the key twice).
fn dict_entries<'py>(
    dict: &Bound<'py, PyDict>,
    mut value_of: impl FnMut(&str, Bound<'py, PyAny>) -> PyResult<PyValue>,
) -> PyResult<Vec<(String, PyValue)>> {
    let items = dict.items();
    let size = items.len();
    let mut entries = Vec::with_capacity(size);
    let mut other_keys = false;
    for item in items.iter() {
        let (key, value) = item.extract::<(Bound<'py, PyAny>, Bound<'py, PyAny>)>()?;
        let key = match key.cast::<PyString>() {
            Ok(text) => text.to_cow()?.into_owned(),
            Err(_) => {
                other_keys = true;
                json_key(&key)?
            }
        };
        let value = value_of(&key, value)?;
        if dict.len() != size {
            return Err(PyRuntimeError::new_err(
                "dictionary changed size during iteration",
            ));
        }
        entries.push((key, value));
    }
    if other_keys {
        // `sorted(d.items())`, as `json.dumps(sort_keys=True)` does.
        items.sort()?;
        let mut seen = std::collections::HashSet::with_capacity(entries.len());
        if let Some((key, _)) = entries.iter().find(|(key, _)| !seen.insert(key.as_str())) {
            return Err(PyValueError::new_err(format!(
                "two keys of a dict are both {key:?} in JSON"
            )));
        }
    }
    Ok(entries)
}

/// A key that is not a `str`, as `json` writes it; `TypeError` for one it does not take.
fn json_key(key: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = key.py();
    if let Ok(flag) = key.cast::<PyBool>() {
        return Ok(if flag.is_true() { "true" } else { "false" }.to_owned());
    }
    if key.is_instance_of::<PyInt>() {
        return PyInt::type_object(py)
            .call_method1(pyo3::intern!(py, "__repr__"), (key,))?
            .extract();
    }
    if key.is_instance_of::<PyFloat>() {
        let number: f64 = key.extract()?;
        return Ok(if number.is_nan() {
            "NaN".to_owned()
        } else if number.is_infinite() {
            if number > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            }
            .to_owned()
        } else {
            PyFloat::type_object(py)
                .call_method1(pyo3::intern!(py, "__repr__"), (key,))?
                .extract()?
        });
    }
    if key.is_none() {
        return Ok("null".to_owned());
    }
    Err(PyTypeError::new_err(format!(
        "keys must be str, int, float, bool or None, not {}",
        key.get_type().name()?
    )))
}

/// Names the entry in a conversion error, keeping its type: `TypeError` and `ValueError`
/// get the entry's name; any other error (a `RecursionError`, an exception a value's
/// `__html__` raised) passes as it is.
fn in_entry(py: Python<'_>, key: &str, err: PyErr) -> PyErr {
    let message = format!("session entry {key:?}: {}", err.value(py));
    if err.is_instance_of::<PyTypeError>(py) {
        PyTypeError::new_err(message)
    } else if err.is_instance_of::<PyValueError>(py) {
        PyValueError::new_err(message)
    } else {
        err
    }
}

/// Refuses nesting past what every reader accepts, before a cyclic structure (or a
/// `default` that returns its argument) could recurse for ever; the library refuses the
/// depth at write time too.
fn check_depth(depth: usize) -> PyResult<()> {
    if depth > MAX_NESTING {
        return Err(PyValueError::new_err(format!(
            "nested deeper than {MAX_NESTING} levels (or a circular reference)"
        )));
    }
    Ok(())
}

/// What the app's JSON provider's `default` makes of `obj`, as plain JSON: `json` calls
/// it for what it cannot write, and writes its result without Flask's tags. Without one,
/// `json`'s own error.
fn through_default<'py>(
    obj: &Bound<'py, PyAny>,
    depth: usize,
    default: Option<&Bound<'py, PyAny>>,
) -> PyResult<PyValue> {
    let Some(default) = default else {
        return Err(PyTypeError::new_err(format!(
            "Object of type {} is not JSON serializable",
            obj.get_type().name()?
        )));
    };
    check_depth(depth)?;
    plain(&default.call1((obj,))?, depth + 1, Some(default))
}

/// A value as `json` writes it, with no tags: what a provider's `default` returned.
fn plain<'py>(
    obj: &Bound<'py, PyAny>,
    depth: usize,
    default: Option<&Bound<'py, PyAny>>,
) -> PyResult<PyValue> {
    if let Some(value) = json_scalar(obj)? {
        return Ok(value);
    }
    check_depth(depth)?;
    if let Ok(dict) = obj.cast::<PyDict>() {
        return dict_entries(dict, |_, value| plain(&value, depth + 1, default)).map(PyValue::Dict);
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return obj
            .try_iter()?
            .map(|item| plain(&item?, depth + 1, default))
            .collect::<PyResult<_>>()
            .map(PyValue::List);
    }
    through_default(obj, depth, default)
}

/// A value of one of JSON's own types, as `json` writes it: a subclass too, by its value
/// (a `str` subclass is its text, not its `__str__`; an `IntEnum` its number). `None` for
/// any other object.
fn json_scalar(obj: &Bound<'_, PyAny>) -> PyResult<Option<PyValue>> {
    Ok(Some(if let Ok(text) = obj.cast::<PyString>() {
        PyValue::Str(text.to_cow()?.into_owned())
    } else if obj.is_none() {
        PyValue::None
    } else if let Ok(flag) = obj.cast::<PyBool>() {
        PyValue::Bool(flag.is_true())
    } else if obj.is_instance_of::<PyInt>() {
        int(obj)?
    } else if obj.is_instance_of::<PyFloat>() {
        PyValue::Float(obj.extract()?)
    } else {
        return Ok(None);
    }))
}

/// A Python object as Flask's tagged JSON serializer sees it: its tags in Flask's order
/// (dict, tuple, list, bytes, `__html__`, UUID, datetime), then what `json` writes.
fn from_python<'py>(
    obj: &Bound<'py, PyAny>,
    depth: usize,
    default: Option<&Bound<'py, PyAny>>,
) -> PyResult<PyValue> {
    // Objects of the exact built-in types first: the common case, and none of them has a
    // tag that would come before it (a `str` subclass may be `Markup`).
    if (obj.is_exact_instance_of::<PyString>()
        || obj.is_exact_instance_of::<PyInt>()
        || obj.is_none()
        || obj.is_exact_instance_of::<PyBool>()
        || obj.is_exact_instance_of::<PyFloat>())
        && let Some(value) = json_scalar(obj)?
    {
        return Ok(value);
    }
    check_depth(depth)?;
    if let Ok(dict) = obj.cast::<PyDict>() {
        return dict_entries(dict, |_, value| from_python(&value, depth + 1, default))
            .map(PyValue::Dict);
    }
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        return items(tuple.iter(), depth, default).map(PyValue::Tuple);
    }
    if let Ok(list) = obj.cast::<PyList>() {
        return items(list.iter(), depth, default).map(PyValue::List);
    }
    if let Ok(raw) = obj.cast::<PyBytes>() {
        return Ok(PyValue::Bytes(raw.as_bytes().to_vec()));
    }
    let py = obj.py();
    let kind = obj.get_type();
    // Exact UUIDs, datetimes and Markup have no tag before theirs: no `__html__` probe.
    let uuid = UUID.import(py, "uuid", "UUID")?;
    let datetime = DATETIME.import(py, "datetime", "datetime")?;
    let markup = MARKUP.import(py, "markupsafe", "Markup")?;
    if kind.is(markup) {
        // `str(value.__html__())` of a Markup is its text.
        return Ok(PyValue::Markup(
            obj.cast::<PyString>()?.to_cow()?.into_owned(),
        ));
    }
    if !kind.is(uuid)
        && !kind.is(datetime)
        && let Ok(html) = obj.getattr(pyo3::intern!(py, "__html__"))
        && html.is_callable()
    {
        return Ok(PyValue::Markup(html.call0()?.str()?.to_cow()?.into_owned()));
    }
    if obj.is_instance(uuid)? {
        let number: u128 = obj.getattr(pyo3::intern!(py, "int"))?.extract()?;
        return Ok(PyValue::Uuid(number.to_be_bytes()));
    }
    if obj.is_instance(datetime)? {
        return datetime_seconds(obj).map(PyValue::DateTime);
    }
    if let Some(value) = json_scalar(obj)? {
        return Ok(value);
    }
    // What no tag covers and `json` cannot write: the provider's `default` (a `date`, a
    // `Decimal`, a dataclass), as Flask's serializer hands it to `json`.
    through_default(obj, depth, default)
}

/// werkzeug's reading of a datetime: a naive one is UTC, an aware one is converted to UTC;
/// microseconds go (as `utctimetuple` drops them).
fn datetime_seconds(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    let py = obj.py();
    let field = |name: &Bound<'_, PyString>| -> PyResult<u8> { obj.getattr(name)?.extract() };
    let at = UtcTime {
        year: obj.getattr(pyo3::intern!(py, "year"))?.extract()?,
        month: field(pyo3::intern!(py, "month"))?,
        day: field(pyo3::intern!(py, "day"))?,
        hour: field(pyo3::intern!(py, "hour"))?,
        minute: field(pyo3::intern!(py, "minute"))?,
        second: field(pyo3::intern!(py, "second"))?,
    };
    let local = at
        .to_unix()
        .ok_or_else(|| PyValueError::new_err("a datetime outside years 1 to 9999"))?;
    let offset = obj.call_method0(pyo3::intern!(py, "utcoffset"))?;
    let seconds = if offset.is_none() {
        local
    } else {
        let days: i64 = offset.getattr(pyo3::intern!(py, "days"))?.extract()?;
        let secs: i64 = offset.getattr(pyo3::intern!(py, "seconds"))?.extract()?;
        local - (days * 86_400 + secs)
    };
    // In range after the conversion to UTC too, as `utctimetuple` requires.
    UtcTime::from_unix(seconds)
        .map(|_| seconds)
        .ok_or_else(|| PyValueError::new_err("a datetime outside years 1 to 9999 in UTC"))
}

fn items<'py>(
    iter: impl Iterator<Item = Bound<'py, PyAny>>,
    depth: usize,
    default: Option<&Bound<'py, PyAny>>,
) -> PyResult<Vec<PyValue>> {
    iter.map(|item| from_python(&item, depth + 1, default))
        .collect()
}

fn int(obj: &Bound<'_, PyAny>) -> PyResult<PyValue> {
    if let Ok(n) = obj.extract::<i64>() {
        return Ok(PyValue::Int(n));
    }
    // `int.__repr__`, as `json` writes an int (an IntEnum member too).
    let digits = PyInt::type_object(obj.py())
        .call_method1(pyo3::intern!(obj.py(), "__repr__"), (obj,))?
        .extract::<String>()?;
    BigInt::parse(&digits)
        .map(PyValue::BigInt)
        .map_err(|_| PyValueError::new_err("an int beyond Python's 4300-digit conversion limit"))
}

/// The session dict's items, as Python objects.
pub(crate) fn dict_from_entries<'py>(
    py: Python<'py>,
    entries: &[(String, PyValue)],
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, value) in entries {
        dict.set_item(key, to_python(py, value)?)?;
    }
    Ok(dict)
}

/// A `PyValue` as the Python object Flask's serializer gives for it.
fn to_python<'py>(py: Python<'py>, value: &PyValue) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        PyValue::Str(text) => PyString::new(py, text).into_any(),
        PyValue::Int(n) => n.into_pyobject(py)?.into_any(),
        PyValue::None => py.None().into_bound(py),
        PyValue::Bool(flag) => PyBool::new(py, *flag).to_owned().into_any(),
        PyValue::Float(f) => PyFloat::new(py, *f).into_any(),
        PyValue::BigInt(n) => PyInt::type_object(py).call1((n.as_str(),))?,
        PyValue::List(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        PyValue::Dict(entries) => dict_from_entries(py, entries)?.into_any(),
        PyValue::Tuple(items) => {
            let items = items
                .iter()
                .map(|item| to_python(py, item))
                .collect::<PyResult<Vec<_>>>()?;
            PyTuple::new(py, items)?.into_any()
        }
        PyValue::Bytes(raw) => PyBytes::new(py, raw).into_any(),
        PyValue::Markup(text) => MARKUP.import(py, "markupsafe", "Markup")?.call1((text,))?,
        PyValue::Uuid(raw) => {
            let kwargs = PyDict::new(py);
            kwargs.set_item("bytes", PyBytes::new(py, raw))?;
            UUID.import(py, "uuid", "UUID")?.call((), Some(&kwargs))?
        }
        PyValue::DateTime(seconds) => match UtcTime::from_unix(*seconds) {
            Some(at) => DATETIME.import(py, "datetime", "datetime")?.call1((
                at.year,
                at.month,
                at.day,
                at.hour,
                at.minute,
                at.second,
                0,
                utc(py)?,
            ))?,
            None => py.None().into_bound(py),
        },
        // Spelled otherwise than Flask writes it: read as Flask reads it, by werkzeug.
        PyValue::DateText(text) => PARSE_DATE
            .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
                Ok(py.import("werkzeug.http")?.getattr("parse_date")?.unbind())
            })?
            .bind(py)
            .call1((text,))?,
        // A variant this binding does not know yet: refuse rather than guess.
        _ => return Err(PyTypeError::new_err("a session value of an unknown kind")),
    })
}
