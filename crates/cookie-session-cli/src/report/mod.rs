//! What the tool says about a request's session cookies: the hints after a refusal, and
//! the `inspect` table and JSON. Everything said comes from the library's inspection.
//!
//! Cookie names and values are the client's: whatever of them reaches the terminal goes
//! through `printable` (text) or `json_text` (JSON), so a cookie named
//! `\x1b[2J` prints as `\u{1b}[2J` instead of clearing the screen.
//!
//! Bottom up: `shared` (escaping, names, dates, a format's look), `hint` (after a
//! refusal), `inspect` (the table and its JSON).

mod hint;
mod inspect;
mod shared;

pub(crate) use hint::hint;
pub(crate) use inspect::{json, table};
pub(crate) use shared::{json_text, keyless_inspector, printable};
