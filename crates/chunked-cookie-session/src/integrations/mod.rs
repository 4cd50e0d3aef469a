//! Framework adapters. Each one only translates: it hands every `Cookie` field of the
//! request to [`SessionEngine::load`](crate::SessionEngine::load), and after the handler
//! turns [`SessionEngine::finish`](crate::SessionEngine::finish) into response headers
//! through [`Outcome`], which holds the header rules both adapters share.

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "axum")]
pub mod axum;

use std::borrow::Cow;

use crate::engine::{ResponseCookies, SessionEngine};
use crate::session::Session;

/// The `Cache-Control` value added to responses that set session cookies: a shared cache
/// must never store one client's session and replay it to another.
pub(crate) const CACHE_CONTROL_PRIVATE: &str = "private, no-store";

/// What an adapter does to the handler's response, in framework-free terms.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// Replace the response with a 500 carrying this plain-text body: the session did not
    /// fit and the handler believed it had succeeded.
    pub(crate) error_body: Option<String>,
    /// `Set-Cookie` values, each to be sent as its own header field: folding them into one
    /// line would break their `Expires` dates and most clients.
    pub(crate) set_cookie: Vec<String>,
    /// Append `Vary: Cookie`.
    pub(crate) vary_cookie: bool,
    /// Add `Cache-Control: private, no-store`.
    pub(crate) cache_control: bool,
}

impl Outcome {
    /// Decides the headers from the engine's verdict, the handler's status, whether the
    /// handler already chose its own caching policy and whether its `Vary` covers `Cookie`.
    pub(crate) fn new(
        cookies: ResponseCookies,
        status: u16,
        has_cache_control: bool,
        already_varies: bool,
    ) -> Outcome {
        let ResponseCookies {
            set_cookie,
            vary_cookie,
            error,
            ..
        } = cookies;
        // A handler that already answered with an error keeps its own response; the engine
        // has logged the overflow either way.
        let error_body = error
            .filter(|_| status < 400)
            .map(|error| format!("the session could not be saved: {error}\n"));
        let cache_control = !set_cookie.is_empty() && !has_cache_control;
        Outcome {
            error_body,
            set_cookie,
            vary_cookie: vary_cookie && !already_varies,
            cache_control,
        }
    }
}

impl Outcome {
    /// The headers to append to the response, by lowercase name: every `Set-Cookie` on its
    /// own field, then `Vary` and `Cache-Control` when they are due.
    pub(crate) fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let cookies = self
            .set_cookie
            .iter()
            .map(|line| ("set-cookie", line.as_str()));
        let vary = self.vary_cookie.then_some(("vary", "Cookie"));
        let cache = self
            .cache_control
            .then_some(("cache-control", CACHE_CONTROL_PRIVATE));
        cookies.chain(vary).chain(cache)
    }
}

/// Loads the request's session from the raw bytes of every `Cookie` field.
pub(crate) fn load_session<'a>(
    engine: &SessionEngine,
    fields: impl IntoIterator<Item = &'a [u8]>,
) -> Session {
    // A field that is not UTF-8 cannot hold our (ASCII) cookies, but the cookies beside
    // ours in it are no reason to drop the whole field. `from_utf8` checks ASCII a word at a
    // time; `from_utf8_lossy` walks every byte, several microseconds for a 5 KB field, so it
    // only runs on a field that is not UTF-8.
    let fields: Vec<Cow<'_, str>> = fields
        .into_iter()
        .map(|field| match std::str::from_utf8(field) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(field),
        })
        .collect();
    engine.load(fields.iter().map(|field| &**field))
}

/// True when the handler's `Vary` fields already cover `Cookie` (or everything).
pub(crate) fn varies_on_cookie<'a>(vary_fields: impl IntoIterator<Item = &'a [u8]>) -> bool {
    vary_fields.into_iter().any(|field| {
        field.split(|&byte| byte == b',').any(|item| {
            let item = item.trim_ascii();
            item == b"*" || item.eq_ignore_ascii_case(b"cookie")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SaveError;

    fn overflow() -> SaveError {
        SaveError::Overflow {
            needed: 9000,
            limit: 7168,
            chunks: 3,
            max_chunks: 16,
        }
    }

    #[test]
    fn overflow_turns_success_into_error_but_keeps_error_statuses() {
        let make = || ResponseCookies {
            set_cookie: Vec::new(),
            vary_cookie: true,
            error: Some(overflow()),
        };
        let body = Outcome::new(make(), 200, false, false)
            .error_body
            .expect("a success becomes an error");
        assert!(body.contains("9000") && body.contains("7168"), "{body}");
        assert!(Outcome::new(make(), 404, false, false).error_body.is_none());
    }

    #[test]
    fn cache_control_only_with_cookies_and_never_over_the_handler() {
        let with_cookie = || ResponseCookies {
            set_cookie: vec!["session=x; Path=/".to_owned()],
            vary_cookie: true,
            error: None,
        };
        assert!(Outcome::new(with_cookie(), 200, false, false).cache_control);
        assert!(!Outcome::new(with_cookie(), 200, true, false).cache_control);
        let none = ResponseCookies {
            vary_cookie: true,
            ..ResponseCookies::default()
        };
        assert!(!Outcome::new(none, 200, false, false).cache_control);
    }

    #[test]
    fn vary_detection() {
        assert!(varies_on_cookie([&b"Accept-Encoding, cookie"[..]]));
        assert!(varies_on_cookie([&b"*"[..]]));
        assert!(!varies_on_cookie([
            &b"Accept-Encoding"[..],
            &b"Cookies"[..]
        ]));
    }
}
