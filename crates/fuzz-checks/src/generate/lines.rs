//! The text a user hands the CLI: `Set-Cookie` and `Cookie` lines, and cookie-jar files as
//! curl writes them, built from parts so that names, values and attributes vary where
//! they matter.

use arbitrary::{Arbitrary, Result, Unstructured};

/// Cookie names: ours, look-alikes, and others.
const NAMES: &[&str] = &[
    "session",
    "session_1",
    "session:0",
    "__Host-session",
    "theme",
    "a",
    "Session",
];

/// `Set-Cookie` attributes, each in one spelling or another.
#[derive(Debug, Clone, Arbitrary)]
pub enum Attribute {
    /// `Path=/`
    Path,
    /// `Domain=example.com`
    Domain,
    /// `Max-Age=<n>`: zero or below deletes the cookie.
    MaxAge(i16),
    /// `Expires=…`
    Expires,
    /// `Secure`
    Secure,
    /// `HttpOnly`
    HttpOnly,
    /// `SameSite=Lax`
    SameSite,
    /// `Partitioned`
    Partitioned,
}

impl Attribute {
    fn text(&self, upper: bool) -> String {
        let text = match self {
            Attribute::Path => "Path=/".to_owned(),
            Attribute::Domain => "Domain=example.com".to_owned(),
            Attribute::MaxAge(seconds) => format!("Max-Age={seconds}"),
            Attribute::Expires => "Expires=Tue, 14 Nov 2023 22:13:20 GMT".to_owned(),
            Attribute::Secure => "Secure".to_owned(),
            Attribute::HttpOnly => "HttpOnly".to_owned(),
            Attribute::SameSite => "SameSite=Lax".to_owned(),
            Attribute::Partitioned => "Partitioned".to_owned(),
        };
        if upper { text.to_uppercase() } else { text }
    }
}

/// One line of `cookie_fields` input.
#[derive(Debug, Clone, Arbitrary)]
pub enum Line {
    /// A `Set-Cookie` value, with or without its header name.
    SetCookie {
        /// Starts with `Set-Cookie:` (in some case).
        prefixed: Option<bool>,
        /// Index into the names.
        name: u8,
        /// The value: cookie-octets only, possibly empty.
        value: Value,
        /// Attributes, in some case.
        attributes: Vec<Attribute>,
        /// Spell the attributes in upper case.
        upper: bool,
    },
    /// A `Cookie` value, with or without its header name.
    Cookie {
        /// Starts with `Cookie:`.
        prefixed: bool,
        /// `(name index, value)` pairs.
        pairs: Vec<(u8, Value)>,
    },
    /// Whatever the fuzzer says.
    Raw(String),
    /// Nothing but blanks.
    Blank,
}

/// A cookie value: cookie-octets (RFC 6265) from the fuzzer, so it travels unchanged.
#[derive(Debug, Clone)]
pub struct Value(pub String);

impl<'a> Arbitrary<'a> for Value {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Value> {
        let text = String::arbitrary(u)?;
        Ok(Value(
            text.chars()
                .filter(|&c| c.is_ascii_graphic() && !matches!(c, '"' | ',' | ';' | '\\'))
                .collect(),
        ))
    }
}

fn name(index: u8) -> &'static str {
    NAMES[usize::from(index) % NAMES.len()]
}

impl Line {
    /// The line's text.
    pub fn text(&self) -> String {
        match self {
            Line::SetCookie {
                prefixed,
                name: index,
                value,
                attributes,
                upper,
            } => {
                let mut text = match prefixed {
                    Some(true) => "Set-Cookie: ".to_owned(),
                    Some(false) => "set-cookie:".to_owned(),
                    None => String::new(),
                };
                text.push_str(name(*index));
                text.push('=');
                text.push_str(&value.0);
                for attribute in attributes {
                    text.push_str("; ");
                    text.push_str(&attribute.text(*upper));
                }
                text
            }
            Line::Cookie { prefixed, pairs } => {
                let pairs: Vec<String> = pairs
                    .iter()
                    .map(|(index, value)| format!("{}={}", name(*index), value.0))
                    .collect();
                let prefix = if *prefixed { "Cookie: " } else { "" };
                format!("{prefix}{}", pairs.join("; "))
            }
            Line::Raw(text) => text.clone(),
            Line::Blank => "  \t".to_owned(),
        }
    }
}

/// One line of a cookie-jar file, in the Netscape format curl documents: seven
/// TAB-separated fields, every one of them varied.
#[derive(Debug, Clone, Arbitrary)]
pub enum JarLine {
    /// A cookie: seven tab-separated fields.
    Cookie {
        /// Index into [`DOMAINS`].
        domain: u8,
        /// Leading dots on the domain (`dots % 3` of them): one marks a domain cookie.
        dots: u8,
        /// Marked `#HttpOnly_`.
        http_only: bool,
        /// The include-subdomains field: `TRUE`, `FALSE`, or (for `None`) `maybe`.
        subdomains: Option<bool>,
        /// The path field: `/`, `/a/b/` or empty.
        path: u8,
        /// The secure field.
        secure: bool,
        /// The expires field: 0 (a session cookie) or these seconds.
        expires: u32,
        /// Index into the names.
        name: u8,
        /// The value.
        value: Value,
    },
    /// A comment.
    Comment(String),
    /// Tab-separated fields, as many as the fuzzer says.
    Fields(Vec<String>),
    /// An empty line.
    Blank,
}

/// The domains of jar lines and the hosts they are filtered by.
pub const DOMAINS: &[&str] = &["127.0.0.1", "example.com", "EXAMPLE.com", "sub.example.com"];

/// Path fields of jar lines.
const PATHS: &[&str] = &["/", "/a/b/", ""];

fn flag(on: bool) -> &'static str {
    if on { "TRUE" } else { "FALSE" }
}

impl JarLine {
    /// The line's text.
    pub fn text(&self) -> String {
        match self {
            JarLine::Cookie {
                domain,
                dots,
                http_only,
                subdomains,
                path,
                secure,
                expires,
                name: index,
                value,
            } => {
                let fields = [
                    format!(
                        "{}{}",
                        ".".repeat(usize::from(dots % 3)),
                        DOMAINS[usize::from(*domain) % DOMAINS.len()]
                    ),
                    subdomains.map_or("maybe", flag).to_owned(),
                    PATHS[usize::from(*path) % PATHS.len()].to_owned(),
                    flag(*secure).to_owned(),
                    expires.to_string(),
                    name(*index).to_owned(),
                    value.0.clone(),
                ];
                let marker = if *http_only { "#HttpOnly_" } else { "" };
                format!("{marker}{}", fields.join("\t"))
            }
            JarLine::Comment(text) => format!("# {}", text.replace(['\n', '\r'], " ")),
            JarLine::Fields(fields) => fields.join("\t"),
            JarLine::Blank => String::new(),
        }
    }
}

/// Lines joined into a file, with `\n` or `\r\n` endings.
pub fn join<T>(lines: &[T], text: impl Fn(&T) -> String, crlf: bool) -> String {
    let ending = if crlf { "\r\n" } else { "\n" };
    lines.iter().map(|line| text(line) + ending).collect()
}
