//! Where the cookies to read come from: a `Cookie` header, `Set-Cookie` lines, or a
//! cookie-jar file as curl writes it. Every form becomes the `Cookie` header fields a
//! request would carry, for the engine to read.

use std::collections::HashMap;

use cookie::Cookie;

/// The `Cookie` header fields that `text` stands for, one per line of input.
///
/// Each line is one of:
/// - a `Cookie` header value, `a=1; session=…` (a leading `Cookie:` is dropped);
/// - a `Set-Cookie` value, `session=…; Path=/; HttpOnly` (a leading `Set-Cookie:` is
///   dropped): only its `name=value` is kept, as a browser would send it back, and a line
///   that deletes the cookie (`Max-Age=0` or an empty value) removes any earlier one of the
///   same name.
///
/// A line is taken for a `Set-Cookie` value when it starts so, or when it carries an
/// attribute a `Cookie` header never does (`Path`, `Domain`, `Expires`, `Max-Age`,
/// `Secure`, `HttpOnly`, `SameSite`, `Partitioned`).
///
/// # Example
///
/// ```
/// use cookie_session_cli::input::cookie_fields;
///
/// let text = "session=abc; Path=/; HttpOnly\nSet-Cookie: session_1=def; Secure\ntheme=dark; a=1";
/// assert_eq!(cookie_fields(text), ["session=abc; session_1=def", "theme=dark; a=1"]);
/// let deleted = "session=abc; Path=/\nsession=; Max-Age=0; Path=/";
/// assert!(cookie_fields(deleted).is_empty());
/// ```
pub fn cookie_fields(text: &str) -> Vec<String> {
    let mut set = Held::default();
    let mut fields = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if let Some(rest) = strip_prefix_ignore_case(line, "set-cookie:") {
            set.apply(rest.trim());
        } else if let Some(rest) = strip_prefix_ignore_case(line, "cookie:") {
            fields.push(rest.trim().to_owned());
        } else if is_set_cookie(line) {
            set.apply(line);
        } else {
            fields.push(line.to_owned());
        }
    }
    let pairs = set.pairs();
    if !pairs.is_empty() {
        fields.insert(0, pairs.join("; "));
    }
    fields
}

/// The `Cookie` header field that the cookies of a cookie-jar file make, as curl writes
/// the file (`curl -c FILE`, the Netscape format): one cookie per line,
/// `domain TAB include-subdomains TAB path TAB secure TAB expires TAB name TAB value`;
/// `#` starts a comment, except `#HttpOnly_` before a domain, which marks an HttpOnly
/// cookie; a line of nothing but spaces and tabs is skipped. Only cookies whose domain is `host` (in any case, after the one leading `.`
/// that marks a domain cookie) are kept when a host is given; `None` keeps them all. A
/// cookie that cannot travel as one `name=value` pair of a `Cookie` header (an empty
/// name, a `;` or a control character, an `=` in the name, blanks around either) is
/// skipped: no session cookie looks like that, and kept it would turn into other cookies.
///
/// # Errors
///
/// A line that is neither a comment nor seven tab-separated fields, with its number.
///
/// # Example
///
/// ```
/// use cookie_session_cli::input::cookie_jar;
///
/// let jar = "# Netscape HTTP Cookie File\n\
///            #HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc\n\
///            example.com\tFALSE\t/\tFALSE\t0\ttheme\tdark\n";
/// assert_eq!(cookie_jar(jar, None)?, "session=abc; theme=dark");
/// assert_eq!(cookie_jar(jar, Some("127.0.0.1"))?, "session=abc");
/// let dotted = ".example.com\tTRUE\t/\tFALSE\t0\ta\t1\n..example.com\tTRUE\t/\tFALSE\t0\tb\t2\n";
/// assert_eq!(cookie_jar(dotted, Some("example.com"))?, "a=1");
/// assert!(cookie_jar("no tabs here", None).is_err());
/// let odd = "example.com\tFALSE\t/\tFALSE\t0\t\tnameless\nexample.com\tFALSE\t/\tFALSE\t0\ta\tb;c\n";
/// assert_eq!(cookie_jar(odd, None)?, "");
/// # Ok::<(), String>(())
/// ```
pub fn cookie_jar(text: &str, host: Option<&str>) -> Result<String, String> {
    let mut pairs = Vec::new();
    // A line ends at LF; a CR before it belongs to the line end (a file saved with CRLF).
    for (number, line) in text.split_terminator('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = line.strip_prefix("#HttpOnly_").unwrap_or(line);
        if line.trim_matches([' ', '\t']).is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [domain, _, _, _, _, name, value] = fields[..] else {
            return Err(format!(
                "line {} of the cookie jar is not a cookie (7 tab-separated fields, as \
                 `curl -c` writes them)",
                number + 1
            ));
        };
        let domain = domain.strip_prefix('.').unwrap_or(domain);
        if host.is_none_or(|host| host.eq_ignore_ascii_case(domain)) && is_one_pair(name, value) {
            pairs.push(format!("{name}={value}"));
        }
    }
    Ok(pairs.join("; "))
}

/// True when `name=value` reads back, from a `Cookie` header, as exactly this one cookie.
fn is_one_pair(name: &str, value: &str) -> bool {
    let clean =
        |text: &str| text.trim() == text && !text.contains(|c: char| c == ';' || c.is_control());
    !name.is_empty() && !name.contains('=') && clean(name) && clean(value)
}

fn strip_prefix_ignore_case<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let head = line.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &line[prefix.len()..])
}

/// True when a line carries an attribute only `Set-Cookie` has.
fn is_set_cookie(line: &str) -> bool {
    const ATTRIBUTES: [&str; 8] = [
        "path",
        "domain",
        "expires",
        "max-age",
        "secure",
        "httponly",
        "samesite",
        "partitioned",
    ];
    line.split(';').skip(1).any(|part| {
        let name = part.split('=').next().unwrap_or_default().trim();
        ATTRIBUTES
            .iter()
            .any(|attribute| name.eq_ignore_ascii_case(attribute))
    })
}

/// The cookies a browser holds after the `Set-Cookie` lines so far, in the order they
/// were last set. A line costs the same however many cookies came before it: a replaced
/// or deleted cookie leaves an empty slot behind, and its name points at the new slot.
#[derive(Debug, Default)]
struct Held {
    slots: Vec<Option<String>>,
    by_name: HashMap<String, usize>,
}

impl Held {
    /// Applies one `Set-Cookie` value: it replaces the cookie of its name, and an empty
    /// value or a `Max-Age` of zero or below deletes it.
    fn apply(&mut self, line: &str) {
        let Ok(cookie) = Cookie::parse(line) else {
            return;
        };
        if let Some(slot) = self.by_name.remove(cookie.name()) {
            self.slots[slot] = None;
        }
        let deletes = cookie.value().is_empty()
            || cookie
                .max_age()
                .is_some_and(|age| age <= time::Duration::ZERO);
        if !deletes {
            self.by_name
                .insert(cookie.name().to_owned(), self.slots.len());
            self.slots
                .push(Some(format!("{}={}", cookie.name(), cookie.value())));
        }
    }

    /// The `name=value` pairs held.
    fn pairs(self) -> Vec<String> {
        self.slots.into_iter().flatten().collect()
    }
}
