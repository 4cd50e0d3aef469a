//! Python values written as JSON text straight from the values, never through a map: as
//! Python's json writes their tagged form (Flask's dialect), or as serde_json writes the
//! session map's form of them, markers and all (the native dialect).

use base64::display::Base64Display;
use base64::engine::general_purpose::STANDARD;

use super::model::{EntryError, PyValue};
use super::read::Dialect;
use super::tags::{BYTES, DATETIME, DICT, MARKUP, TUPLE, UUID, escaped_key};
use super::text::{http_date, uuid_hex};
use super::write::{Out, Stack, write_float, write_string, write_string_utf8};
use crate::config::MAX_NESTING;

/// Appends the session object, keys sorted; the key of the first entry nested past
/// [`MAX_NESTING`] when one is.
pub(crate) fn dump_object(
    out: &mut impl Out,
    mut entries: Vec<(&str, &PyValue)>,
    dialect: Dialect,
) -> Result<(), String> {
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.push('{');
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_text(out, key, dialect);
        out.push(':');
        write_python(out, value, 1, dialect).map_err(|_| (*key).to_owned())?;
    }
    out.push('}');
    Ok(())
}

fn write_text(out: &mut impl Out, text: &str, dialect: Dialect) {
    match dialect {
        Dialect::Flask => write_string(out, text),
        Dialect::Native => write_string_utf8(out, text),
    }
}

/// Appends the JSON of `tag(value)` for a value inside `depth` containers: as Python's
/// json writes it ([`Dialect::Flask`]), or as serde_json writes the session map's form of
/// it, with markers for the numbers a `serde_json::Value` cannot hold
/// ([`Dialect::Native`]). Refuses a container that would open at [`MAX_NESTING`] or
/// deeper, where every reader refuses it.
pub(crate) fn write_python<O: Out>(
    out: &mut O,
    value: &PyValue,
    depth: usize,
    dialect: Dialect,
) -> Result<(), EntryError> {
    /// Opens `{"<key>":` at `depth`.
    fn open_tag(out: &mut impl Out, key: &str, depth: usize) -> Result<(), EntryError> {
        if depth >= MAX_NESTING {
            return Err(EntryError::TooDeep);
        }
        out.push_str("{\"");
        out.push_str(key);
        out.push_str("\":");
        Ok(())
    }
    /// A marker: `{" di":"<text>"}`.
    fn marker(out: &mut impl Out, text: &str, depth: usize) -> Result<(), EntryError> {
        open_tag(out, DICT, depth)?;
        out.push('"');
        out.push_str(text);
        out.push_str("\"}");
        Ok(())
    }
    fn items(
        out: &mut impl Out,
        items: &[PyValue],
        depth: usize,
        dialect: Dialect,
    ) -> Result<(), EntryError> {
        if depth >= MAX_NESTING {
            return Err(EntryError::TooDeep);
        }
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_python(out, item, depth + 1, dialect)?;
        }
        out.push(']');
        Ok(())
    }
    let native = dialect == Dialect::Native;
    match value {
        PyValue::None => out.push_str("null"),
        PyValue::Bool(true) => out.push_str("true"),
        PyValue::Bool(false) => out.push_str("false"),
        PyValue::Int(n) => {
            let _ = write!(out, "{n}");
        }
        PyValue::BigInt(n) if native && n.as_str().parse::<u64>().is_err() => {
            marker(out, n.as_str(), depth)?;
        }
        PyValue::BigInt(n) => out.push_str(n.as_str()),
        PyValue::Float(f) if native && !f.is_finite() => {
            let mut word = Stack::<16>::new();
            write_float(&mut word, *f);
            marker(out, word.as_str(), depth)?;
        }
        PyValue::Float(f) => write_float(out, *f),
        PyValue::Str(text) => write_text(out, text, dialect),
        PyValue::List(list) => items(out, list, depth, dialect)?,
        PyValue::Dict(entries) => match entries.as_slice() {
            [(key, inner)] if let Some(escaped) = escaped_key(key) => {
                open_tag(out, DICT, depth)?;
                if depth + 1 >= MAX_NESTING {
                    return Err(EntryError::TooDeep);
                }
                out.push('{');
                write_text(out, &escaped, dialect);
                out.push(':');
                write_python(out, inner, depth + 2, dialect)?;
                out.push_str("}}");
            }
            _ => {
                if depth >= MAX_NESTING {
                    return Err(EntryError::TooDeep);
                }
                let mut sorted: Vec<&(String, PyValue)> = entries.iter().collect();
                sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                out.push('{');
                for (i, (key, inner)) in sorted.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_text(out, key, dialect);
                    out.push(':');
                    write_python(out, inner, depth + 1, dialect)?;
                }
                out.push('}');
            }
        },
        PyValue::Tuple(list) => {
            open_tag(out, TUPLE, depth)?;
            items(out, list, depth + 1, dialect)?;
            out.push('}');
        }
        PyValue::Bytes(raw) => {
            open_tag(out, BYTES, depth)?;
            let _ = write!(out, "\"{}\"}}", Base64Display::new(raw, &STANDARD));
        }
        PyValue::Markup(text) => {
            open_tag(out, MARKUP, depth)?;
            write_text(out, text, dialect);
            out.push('}');
        }
        PyValue::Uuid(raw) => {
            open_tag(out, UUID, depth)?;
            let hex = uuid_hex(raw);
            out.push('"');
            out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
            out.push_str("\"}");
        }
        PyValue::DateTime(seconds) => match http_date(*seconds) {
            Some(text) => {
                open_tag(out, DATETIME, depth)?;
                out.push('"');
                out.push_str(text.as_str());
                out.push_str("\"}");
            }
            None => out.push_str("null"),
        },
        PyValue::DateText(text) => {
            open_tag(out, DATETIME, depth)?;
            write_text(out, text, dialect);
            out.push('}');
        }
    }
    Ok(())
}
