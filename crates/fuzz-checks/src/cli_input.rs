//! `cli_input`: the CLI's input parsing, `cookie_session_cli::input::{cookie_fields,
//! cookie_jar}`, on the fuzzer's text or on lines built from parts.
//!
//! Properties: nothing panics, and what comes out is well-formed `Cookie` header fields
//! that carry exactly the input's cookies. Each output field is parsed back with the
//! `cookie` crate and compared with a model written apart from the parser:
//!
//! - `cookie_fields`, from its documentation: a `Cookie` line (`Cookie:` dropped) is a
//!   field of its own, as it came; the `Set-Cookie` lines (by their prefix, or an
//!   attribute only `Set-Cookie` has) are applied in order to a browser's store, one
//!   cookie per name (a later one replaces an earlier one, an empty value or `Max-Age` of
//!   zero or below deletes), and what the store holds is one field, first;
//! - `cookie_jar`, from curl's documentation of the file `curl -c` writes (see
//!   `jar_entry`), plus what the CLI documents on top of it: blank lines are skipped,
//!   any other line that is not a cookie is an error naming its number, a host keeps the
//!   cookies of that domain, and a cookie a `Cookie` header cannot carry as one pair is
//!   left out.
//!
//! A `Cookie` line is the user's own header, passed on as it came (the engine reads it as
//! a server would); the fields the functions make, from `Set-Cookie` lines and jars, are
//! the ones whose form is checked.

use std::collections::BTreeMap;

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

/// What one line of `cookie_fields` input is, by the documented rules.
enum Kind<'a> {
    /// A `Set-Cookie` value, its header name dropped.
    SetCookie(&'a str),
    /// A `Cookie` field, its header name dropped.
    Cookie(&'a str),
}

/// The documented classification: a `Set-Cookie:` or `Cookie:` prefix in any case, else a
/// `Set-Cookie` value when an attribute (a `;`-separated part after the first) is named
/// as only `Set-Cookie` attributes are: `Path`, `Domain`, `Expires`, `Max-Age`, `Secure`,
/// `HttpOnly`, `SameSite`, `Partitioned` (RFC 6265bis, in any case).
fn kind(line: &str) -> Kind<'_> {
    const SET_ONLY: &str = "Path Domain Expires Max-Age Secure HttpOnly SameSite Partitioned";
    let lower = line.to_ascii_lowercase();
    if lower.starts_with("set-cookie:") {
        return Kind::SetCookie(line["set-cookie:".len()..].trim());
    }
    if lower.starts_with("cookie:") {
        return Kind::Cookie(line["cookie:".len()..].trim());
    }
    let set_only = |name: &str| {
        SET_ONLY
            .split(' ')
            .any(|attribute| attribute.eq_ignore_ascii_case(name))
    };
    let mut parts = line.split(';').skip(1);
    if parts.any(|part| set_only(part.split('=').next().unwrap_or_default().trim())) {
        Kind::SetCookie(line)
    } else {
        Kind::Cookie(line)
    }
}

/// The model of `cookie_fields`: the cookies a browser's store holds after the
/// `Set-Cookie` lines, by name, and the `Cookie` fields as they came.
fn model_fields(text: &str) -> (BTreeMap<String, String>, Vec<String>) {
    let mut store = BTreeMap::new();
    let mut fields = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let set = match kind(line) {
            Kind::Cookie(field) => {
                fields.push(field.to_owned());
                continue;
            }
            Kind::SetCookie(set) => set,
        };
        // A line the `cookie` crate cannot read sets nothing.
        if let Ok(cookie) = Cookie::parse(set) {
            let expired = cookie
                .max_age()
                .is_some_and(|age| age <= cookie::time::Duration::ZERO);
            if cookie.value().is_empty() || expired {
                store.remove(cookie.name());
            } else {
                store.insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
    }
    (store, fields)
}

fn check_fields(text: &str) {
    let got = cookie_fields(text);
    let (store, fields) = model_fields(text);
    let rest = if store.is_empty() {
        &got[..]
    } else {
        assert!(!got.is_empty(), "the Set-Cookie lines left no field");
        let pairs = pairs_of(&got[0]);
        let held: BTreeMap<String, String> = pairs.iter().cloned().collect();
        assert_eq!(held.len(), pairs.len(), "a name twice in {:?}", got[0]);
        assert_eq!(held, store, "the Set-Cookie lines' field");
        &got[1..]
    };
    assert_eq!(rest, &fields[..], "the Cookie lines' fields");
}

/// One line of a cookie file, as curl documents the format `curl -c` writes (the Netscape
/// cookie file: curl's docs/HTTP-COOKIES.md, "Cookie file format",
/// <https://curl.se/docs/http-cookies.html>, and Everything curl's "Cookie file format",
/// <https://everything.curl.dev/http/cookies/fileformat>):
///
/// - "Lines that start with `#` are treated as comments";
/// - "Each line that specifies a single cookie consists of seven text fields separated
///   with TAB characters": domain, include subdomains (`TRUE`/`FALSE`), path, HTTPS only
///   (`TRUE`/`FALSE`), expires (Unix seconds, 0 for a session cookie), name, value.
///
/// Two conventions of curl's own reader and writer (lib/cookie.c) come on top: an
/// HttpOnly cookie is written with `#HttpOnly_` before its domain, which the reader
/// strips before anything else, so such a line is a cookie, not a comment; and a domain
/// cookie's domain carries a leading `.`, which the reader drops (one dot, no more).
///
/// Blank lines (nothing but spaces and tabs) hold nothing, as in the CLI's documentation;
/// curl documents none.
fn jar_entry(line: &str) -> JarEntry<'_> {
    let line = line.strip_prefix("#HttpOnly_").unwrap_or(line);
    if line.starts_with('#') || line.chars().all(|c| c == ' ' || c == '\t') {
        return JarEntry::Nothing;
    }
    let fields: Vec<&str> = line.split('\t').collect();
    if fields.len() != 7 {
        return JarEntry::NotACookie;
    }
    let domain = fields[0];
    JarEntry::Cookie {
        domain: domain.strip_prefix('.').unwrap_or(domain),
        name: fields[5],
        value: fields[6],
    }
}

/// What one line of a cookie file holds.
enum JarEntry<'a> {
    /// A comment, or a blank line.
    Nothing,
    /// A cookie's domain (without the domain cookie's dot), name and value.
    Cookie {
        domain: &'a str,
        name: &'a str,
        value: &'a str,
    },
    /// Neither: the CLI refuses the file.
    NotACookie,
}

/// The physical lines of a file: a line ends at LF, and a CR just before it belongs to
/// the line end (a file written with CRLF); the last line may lack its LF.
fn physical_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    lines
        .into_iter()
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect()
}

/// The model of `cookie_jar`: the pairs for `host` (a domain is a host name, so in any
/// case), or the number of the first line that is not a cookie.
fn model_jar(text: &str, host: Option<&str>) -> Result<Vec<(String, String)>, usize> {
    let mut pairs = Vec::new();
    for (index, line) in physical_lines(text).into_iter().enumerate() {
        match jar_entry(line) {
            JarEntry::Nothing => {}
            JarEntry::NotACookie => return Err(index + 1),
            JarEntry::Cookie {
                domain,
                name,
                value,
            } => {
                let for_host = host.is_none_or(|host| host.eq_ignore_ascii_case(domain));
                if for_host && travels(name, value) {
                    pairs.push((name.to_owned(), value.to_owned()));
                }
            }
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
