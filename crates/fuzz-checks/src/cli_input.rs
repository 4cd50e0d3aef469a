//! `cli_input`: the CLI's input parsing, `cookie_session_cli::input::{cookie_fields,
//! cookie_jar}`, on the fuzzer's text or on lines built from parts.
//!
//! Properties: nothing panics, and what comes out is well-formed `Cookie` header fields
//! that carry exactly the input's cookies. Each output field is parsed back with the
//! `cookie` crate and compared with a model of the documented rules, written here from
//! the functions' documentation:
//!
//! - `cookie_fields`: a `Cookie` line (`Cookie:` dropped) is a field of its own, as it came;
//!   the `Set-Cookie` lines (by their prefix, or an attribute only `Set-Cookie` has) are
//!   applied in order as a browser applies them (a later one replaces an earlier one of
//!   its name, an empty value or `Max-Age` of zero or below deletes), and what remains
//!   is one field, first, whose pairs are exactly those;
//! - `cookie_jar`: the `name=value` pairs of the jar's cookie lines (seven tab-separated
//!   fields; comments and blank lines skipped; `#HttpOnly_` is not a comment) whose domain,
//!   without a leading dot, is the host (any case), in order, except those a `Cookie`
//!   header cannot carry as one cookie; any other line is an error.
//!
//! A `Cookie` line is the user's own header, passed on as it came (the engine reads it as
//! a server would); the fields the functions make, from `Set-Cookie` lines and jars, are
//! the ones whose form is checked.

use arbitrary::{Arbitrary, Unstructured};
use cookie::Cookie;
use cookie_session_cli::input::{cookie_fields, cookie_jar};

use crate::generate::lines::{self, DOMAINS, JarLine, Line};

#[derive(Debug, Arbitrary)]
enum Input {
    /// The fuzzer's text, as `cookie_fields` input.
    FieldsText(String),
    /// The fuzzer's text as a cookie jar, read for a host (an index into the domains) or
    /// for all.
    JarText(Option<u8>, String),
    /// Lines built from parts, as `cookie_fields` input.
    Fields { lines: Vec<Line>, crlf: bool },
    /// A jar built from parts.
    Jar {
        host: Option<u8>,
        lines: Vec<JarLine>,
        crlf: bool,
    },
}

/// The check.
///
/// # Panics
///
/// When a property fails.
pub fn check(data: &[u8]) {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let host = |index: Option<u8>| index.map(|i| DOMAINS[usize::from(i) % DOMAINS.len()]);
    match input {
        Input::FieldsText(text) => check_fields(&text),
        Input::JarText(index, text) => check_jar(&text, host(index)),
        Input::Fields { lines, crlf } => check_fields(&lines::join(&lines, Line::text, crlf)),
        Input::Jar {
            host: index,
            lines,
            crlf,
        } => {
            check_jar(&lines::join(&lines, JarLine::text, crlf), host(index));
        }
    }
}

/// `name=value` pairs as the `cookie` crate reads them from one `Cookie` field; panics
/// when a piece does not parse.
fn pairs_of(field: &str) -> Vec<(String, String)> {
    Cookie::split_parse(field)
        .map(|cookie| {
            let cookie =
                cookie.unwrap_or_else(|err| panic!("{field:?} is not a Cookie field: {err}"));
            (cookie.name().to_owned(), cookie.value().to_owned())
        })
        .collect()
}

fn strip_prefix_ignore_case<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let head = line.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &line[prefix.len()..])
}

/// The model of `cookie_fields`: the cookies the `Set-Cookie` lines leave, and the `Cookie`
/// fields as they came.
fn model_fields(text: &str) -> (Vec<(String, String)>, Vec<String>) {
    const SET_ONLY: [&str; 8] = [
        "path",
        "domain",
        "expires",
        "max-age",
        "secure",
        "httponly",
        "samesite",
        "partitioned",
    ];
    let mut set: Vec<(String, String)> = Vec::new();
    let mut fields = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let set_line = if let Some(rest) = strip_prefix_ignore_case(line, "set-cookie:") {
            Some(rest.trim())
        } else if let Some(rest) = strip_prefix_ignore_case(line, "cookie:") {
            fields.push(rest.trim().to_owned());
            None
        } else if line.split(';').skip(1).any(|part| {
            let name = part.split('=').next().unwrap_or_default().trim();
            SET_ONLY.iter().any(|a| name.eq_ignore_ascii_case(a))
        }) {
            Some(line)
        } else {
            fields.push(line.to_owned());
            None
        };
        let Some(cookie) = set_line.and_then(|line| Cookie::parse(line).ok()) else {
            continue;
        };
        set.retain(|(name, _)| name != cookie.name());
        let deletes = cookie.value().is_empty()
            || cookie
                .max_age()
                .is_some_and(|age| age <= cookie::time::Duration::ZERO);
        if !deletes {
            set.push((cookie.name().to_owned(), cookie.value().to_owned()));
        }
    }
    (set, fields)
}

fn check_fields(text: &str) {
    let got = cookie_fields(text);
    let (mut set, fields) = model_fields(text);
    let rest = if set.is_empty() {
        &got[..]
    } else {
        assert!(!got.is_empty(), "the Set-Cookie lines left no field");
        let mut pairs = pairs_of(&got[0]);
        pairs.sort();
        set.sort();
        assert_eq!(pairs, set, "the Set-Cookie lines' field");
        &got[1..]
    };
    assert_eq!(rest, &fields[..], "the Cookie lines' fields");
}

/// The model of `cookie_jar`: the pairs for `host`, or the number of the first line that is
/// not a cookie.
fn model_jar(text: &str, host: Option<&str>) -> Result<Vec<(String, String)>, usize> {
    let mut pairs = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let line = line.strip_prefix("#HttpOnly_").unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [domain, _, _, _, _, name, value] = fields[..] else {
            return Err(number + 1);
        };
        let for_host =
            host.is_none_or(|host| host.eq_ignore_ascii_case(domain.trim_start_matches('.')));
        if for_host && travels(name, value) {
            pairs.push((name.to_owned(), value.to_owned()));
        }
    }
    Ok(pairs)
}

/// True when a `Cookie` header carries `name=value` as exactly this one cookie: the
/// `cookie` crate reads it back so, and it holds no control character (which no header
/// field may).
fn travels(name: &str, value: &str) -> bool {
    let pair = format!("{name}={value}");
    let read: Vec<_> = Cookie::split_parse(pair.as_str()).collect();
    let one = matches!(&read[..], [Ok(cookie)] if (cookie.name(), cookie.value()) == (name, value));
    one && !pair.contains(char::is_control)
}

fn check_jar(text: &str, host: Option<&str>) {
    match (cookie_jar(text, host), model_jar(text, host)) {
        (Ok(field), Ok(expected)) => assert_eq!(pairs_of(&field), expected, "{field:?}"),
        (Err(message), Err(line)) => assert!(
            message.contains(&format!("line {line} ")),
            "the error names another line than {line}: {message}"
        ),
        (got, expected) => panic!("cookie_jar gave {got:?} where {expected:?} was due"),
    }
}
