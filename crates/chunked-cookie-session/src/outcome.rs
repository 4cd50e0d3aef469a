//! What a response must carry for its session, decided once by the engine.

use crate::cookies::SetCookie;
use crate::error::SaveError;
use crate::request::RequestCookies;
use crate::state::Written;

/// The `Cache-Control` value added to responses that set session cookies: a shared cache
/// must never store one client's session and replay it to another.
///
/// # Example
///
/// ```
/// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
/// use chunked_cookie_session::CACHE_CONTROL_PRIVATE;
/// # let keys = KeyRing::new(Key::generate());
/// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
/// # let session = engine.load(std::iter::empty());
/// # session.insert("user", "ada")?;
/// let outcome = engine.save(&session)?; // the response sets the session's cookie
/// assert_eq!(outcome.cache_control, Some(CACHE_CONTROL_PRIVATE));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const CACHE_CONTROL_PRIVATE: &str = "private, no-store";

/// What the handler's response already says, for [`SessionEngine::finish`]: its status
/// and whether it chose its own caching and `Vary` policies.
///
/// [`SessionEngine::finish`]: crate::SessionEngine::finish
///
/// # Example
///
/// ```
/// use chunked_cookie_session::ResponseInfo;
///
/// let info = ResponseInfo::new(200)
///     .cache_control(false)
///     .vary([b"Accept-Encoding".as_slice(), b"cookie".as_slice()]);
/// assert!(info.varies_on_cookie());
/// assert!(!ResponseInfo::new(200).vary([b"Cookies".as_slice()]).varies_on_cookie());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseInfo {
    status: u16,
    has_cache_control: bool,
    varies_on_cookie: bool,
}

impl ResponseInfo {
    /// A response of `status` with no `Cache-Control` and no `Vary` of its own.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::ResponseInfo;
    /// let info = ResponseInfo::new(404);
    /// assert_eq!((info.status(), info.varies_on_cookie()), (404, false));
    /// ```
    pub fn new(status: u16) -> ResponseInfo {
        ResponseInfo {
            status,
            has_cache_control: false,
            varies_on_cookie: false,
        }
    }

    /// Whether the response already carries a `Cache-Control` header, which the session
    /// never overrides.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, ResponseInfo, SessionConfig};
    /// # use chunked_cookie_session::SessionEngine;
    /// # let keys = KeyRing::new(Key::generate());
    /// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
    /// let session = engine.load(std::iter::empty());
    /// session.insert("user", "ada")?;
    /// let outcome = engine.finish(&session, ResponseInfo::new(200).cache_control(true));
    /// assert_eq!((outcome.cookies.len(), outcome.cache_control), (1, None));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn cache_control(self, present: bool) -> ResponseInfo {
        ResponseInfo {
            has_cache_control: present,
            ..self
        }
    }

    /// The values of the response's `Vary` fields, raw: when one of them names `Cookie`
    /// (or `*`), `Vary: Cookie` is not added again.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, ResponseInfo, SessionConfig};
    /// # use chunked_cookie_session::SessionEngine;
    /// # let keys = KeyRing::new(Key::generate());
    /// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
    /// let session = engine.load(std::iter::empty());
    /// session.insert("user", "ada")?;
    /// let info = ResponseInfo::new(200).vary([b"Accept-Language, Cookie".as_slice()]);
    /// assert!(!engine.finish(&session, info).vary_cookie);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn vary<'a>(self, fields: impl IntoIterator<Item = &'a [u8]>) -> ResponseInfo {
        let covered = fields.into_iter().any(|field| {
            field.split(|&byte| byte == b',').any(|item| {
                let item = item.trim_ascii();
                item == b"*" || item.eq_ignore_ascii_case(b"cookie")
            })
        });
        ResponseInfo {
            varies_on_cookie: covered,
            ..self
        }
    }

    /// The response's status.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::ResponseInfo;
    /// assert_eq!(ResponseInfo::new(201).status(), 201);
    /// ```
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether the response's own `Vary` already covers `Cookie`.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::ResponseInfo;
    /// assert!(ResponseInfo::new(200).vary([b"*".as_slice()]).varies_on_cookie());
    /// assert!(!ResponseInfo::new(200).vary([b"Accept".as_slice()]).varies_on_cookie());
    /// ```
    pub fn varies_on_cookie(&self) -> bool {
        self.varies_on_cookie
    }
}

/// A session cookie the client holds once it has applied a response.
///
/// # Example
///
/// ```
/// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
/// # let keys = KeyRing::new(Key::generate());
/// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
/// let session = engine.load(std::iter::empty());
/// session.insert("user", "ada")?;
/// let outcome = engine.save(&session)?;
/// let held = outcome.held(&session.request_cookies());
/// assert_eq!(held.len(), 1);
/// assert_eq!((held[0].index, held[0].bytes), (0, outcome.cookie_header().len()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct HeldCookie {
    /// The chunk index ([`SessionEngine::chunk_name`](crate::SessionEngine::chunk_name)
    /// gives its name).
    pub index: usize,
    /// Bytes of `name=value` in the client's `Cookie` header.
    pub bytes: usize,
}

/// What a response carries for its session: the `Set-Cookie` values, `Vary` and
/// `Cache-Control`, sizes, and the error when the session could not be written.
///
/// The engine decides every one of these; an adapter only copies [`headers`](Self::headers)
/// to the response (and answers [`error_response`](Self::error_response) when there is
/// one).
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Key, KeyRing, ResponseInfo, SessionConfig, SessionEngine};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// session.insert("notes", "x".repeat(6000))?;
/// let outcome = engine.finish(&session, ResponseInfo::new(200));
/// assert!(outcome.error.is_none());
/// assert!(outcome.cookies.iter().all(|cookie| !cookie.is_removal()));
/// assert_eq!(outcome.cookie_line, Some(outcome.cookie_header().len()));
/// let headers: Vec<_> = outcome.headers().map(|(name, _)| name).collect();
/// assert_eq!(headers.last(), Some(&"cache-control"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
#[non_exhaustive]
#[must_use = "an `Outcome` holds the headers the response must carry"]
pub struct Outcome {
    /// `Set-Cookie` values, deletions first, one per cookie name. Send each as its own
    /// header field: folding them into one line would break most clients.
    pub cookies: Vec<SetCookie>,
    /// Bytes the session's cookies take in the client's next `Cookie` header, `; `
    /// separators included, when this response writes the session (0 when it deletes it);
    /// `None` when the response leaves the session's cookies as they were.
    pub cookie_line: Option<usize>,
    /// Add `Vary: Cookie`: the response depended on the session.
    pub vary_cookie: bool,
    /// Add this `Cache-Control` value.
    pub cache_control: Option<&'static str>,
    /// The session could not be written: nothing was, and the client keeps its previous
    /// cookies.
    pub error: Option<SaveError>,
    /// The handler's response was a success that must not stand, since its session was lost.
    replace: bool,
}

impl Outcome {
    pub(crate) fn written(written: Written) -> Outcome {
        Outcome {
            cookies: written.cookies,
            cookie_line: written.cookie_line,
            ..Outcome::default()
        }
    }

    pub(crate) fn failed(error: SaveError, replace: bool) -> Outcome {
        Outcome {
            error: Some(error),
            replace,
            ..Outcome::default()
        }
    }

    /// Fills in the header decisions for a response described by `response`: `Vary:
    /// Cookie` when the handler touched the session or the response sets its cookies.
    pub(crate) fn for_response(mut self, accessed: bool, response: &ResponseInfo) -> Outcome {
        self.vary_cookie = (accessed || !self.cookies.is_empty()) && !response.varies_on_cookie;
        self.cache_control = (!self.cookies.is_empty() && !response.has_cache_control)
            .then_some(CACHE_CONTROL_PRIVATE);
        self
    }

    /// The headers to append to the response, by lowercase name: every `Set-Cookie` on its
    /// own field, then `Vary` and `Cache-Control` when they are due.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let keys = KeyRing::new(Key::generate());
    /// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
    /// let session = engine.load(std::iter::empty());
    /// session.insert("user", "ada")?;
    /// let outcome = engine.save(&session)?;
    /// let names: Vec<_> = outcome.headers().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["set-cookie", "vary", "cache-control"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let cookies = self
            .cookies
            .iter()
            .map(|cookie| ("set-cookie", cookie.line()));
        let vary = self.vary_cookie.then_some(("vary", "Cookie"));
        let cache = self.cache_control.map(|value| ("cache-control", value));
        cookies.chain(vary).chain(cache)
    }

    /// The `Cookie` header value a client sends back after this response when it writes the
    /// session (a write sets every chunk): the `name=value` of each chunk set, joined with
    /// `; `. Empty when the response sets nothing.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let keys = KeyRing::new(Key::generate());
    /// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
    /// let session = engine.load(std::iter::empty());
    /// session.insert("user", "ada")?;
    /// let next = engine.save(&session)?.cookie_header();
    /// let user: Option<String> = engine.load([next.as_str()]).get("user")?;
    /// assert_eq!(user.as_deref(), Some("ada"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cookie_header(&self) -> String {
        let pairs: Vec<&str> = self
            .cookies
            .iter()
            .filter(|cookie| !cookie.is_removal())
            .map(SetCookie::pair)
            .collect();
        pairs.join("; ")
    }

    /// The session cookies the client holds once it applies this response to what it
    /// sent in `request` (see [`Session::request_cookies`](crate::Session::request_cookies)),
    /// in index order.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Compression, Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let config = SessionConfig::builder().compression(Compression::Off).build()?;
    /// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("notes", "x".repeat(4500))?;
    /// let two_chunks = engine.save(&session)?.cookie_header();
    ///
    /// // The session shrinks to one chunk: the response deletes the second.
    /// let session = engine.load([two_chunks.as_str()]);
    /// assert_eq!(session.request_cookies().session_pairs().len(), 2);
    /// session.insert("notes", "short")?;
    /// let outcome = engine.save(&session)?;
    /// let held = outcome.held(&session.request_cookies());
    /// let indexes: Vec<_> = held.iter().map(|cookie| cookie.index).collect();
    /// assert_eq!(indexes, [0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn held(&self, request: &RequestCookies) -> Vec<HeldCookie> {
        let mut held: Vec<HeldCookie> = request
            .session_pairs()
            .iter()
            .filter(|(index, _)| !self.cookies.iter().any(|c| c.index() == *index))
            .map(|&(index, bytes)| HeldCookie { index, bytes })
            .collect();
        held.extend(
            self.cookies
                .iter()
                .filter(|cookie| !cookie.is_removal())
                .map(|cookie| HeldCookie {
                    index: cookie.index(),
                    bytes: cookie.pair().len(),
                }),
        );
        held.sort_unstable_by_key(|cookie| cookie.index);
        held
    }

    /// The length of the whole `Cookie` header value the client sends next, its other
    /// cookies included: what a proxy's header-line limit is held against (add
    /// `"Cookie: ".len()` for the line).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let keys = KeyRing::new(Key::generate());
    /// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
    /// let session = engine.load(["theme=dark"]);
    /// session.insert("user", "ada")?;
    /// let outcome = engine.save(&session)?;
    /// let next = format!("theme=dark; {}", outcome.cookie_header());
    /// assert_eq!(outcome.next_cookie_header_len(&session.request_cookies()), next.len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn next_cookie_header_len(&self, request: &RequestCookies) -> usize {
        let (others, other_bytes) = request.other_pairs();
        let held = self.held(request);
        let count = held.len() + others;
        let bytes: usize = held.iter().map(|cookie| cookie.bytes).sum::<usize>() + other_bytes;
        bytes + 2 * count.saturating_sub(1)
    }

    /// The error to answer with instead of the handler's response: set when the session
    /// could not be written and the handler's response was a success (a handler that
    /// already answered with an error keeps its response; the engine logged the failure).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Compression, Key, KeyRing, ResponseInfo, SaveError};
    /// use chunked_cookie_session::{SessionConfig, SessionEngine};
    ///
    /// let config = SessionConfig::builder().compression(Compression::Off).build()?;
    /// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
    /// let finish = |status| -> Result<_, Box<dyn std::error::Error>> {
    ///     let session = engine.load(std::iter::empty());
    ///     session.insert("notes", "x".repeat(10_000))?; // past the 7 KiB budget
    ///     Ok(engine.finish(&session, ResponseInfo::new(status)))
    /// };
    /// let ok = finish(200)?;
    /// assert!(matches!(ok.error_response(), Some(SaveError::Overflow { .. })));
    /// // A handler that already answered with an error keeps its response.
    /// let not_found = finish(404)?;
    /// assert!(not_found.error.is_some() && not_found.error_response().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn error_response(&self) -> Option<&SaveError> {
        self.error.as_ref().filter(|_| self.replace)
    }
}
