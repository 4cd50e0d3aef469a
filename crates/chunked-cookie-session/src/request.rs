//! What a request carried, as the engine read it.

/// The footprint of a request's cookies: the session's, by chunk index, and the others'.
///
/// The engine reads every `Cookie` field of the request (the adapters turn bytes that are
/// not UTF-8 into replacement characters rather than dropping the field), so tools that
/// show a session's size agree with what the engine saw.
///
/// # Example
///
/// ```
/// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
/// let request = engine.load(["__Host-session_2=x; a=1; b=22"]).request_cookies();
/// assert_eq!(request.session_pairs(), [(2, 18)]);
/// assert_eq!(request.other_pairs(), (2, 7));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestCookies {
    session: Vec<(usize, usize)>,
    others: (usize, usize),
}

impl RequestCookies {
    /// The footprint of `session`, `(chunk index, bytes of name=value)` in index order, and
    /// `others`, the count and bytes of the request's other cookies.
    pub(crate) fn new(session: Vec<(usize, usize)>, others: (usize, usize)) -> RequestCookies {
        RequestCookies { session, others }
    }

    /// `(chunk index, bytes of name=value)` for each chunk the request carried (the first
    /// cookie of each name), in index order.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let keys = KeyRing::new(Key::generate());
    /// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
    /// // Of two cookies of one name, the first counts.
    /// let fields = ["__Host-session=abc; __Host-session_1=de; __Host-session=wxyz"];
    /// let pairs = engine.load(fields).request_cookies().session_pairs().to_vec();
    /// assert_eq!(pairs, [(0, "__Host-session=abc".len()), (1, "__Host-session_1=de".len())]);
    /// ```
    pub fn session_pairs(&self) -> &[(usize, usize)] {
        &self.session
    }

    /// How many of the request's cookies were not the session's, and the bytes of their
    /// `name=value` pairs.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let keys = KeyRing::new(Key::generate());
    /// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
    /// let session = engine.load(["theme=dark; lang=en", "__Host-session=abc"]);
    /// let request = session.request_cookies();
    /// assert_eq!(request.other_pairs(), (2, "theme=dark".len() + "lang=en".len()));
    /// ```
    pub fn other_pairs(&self) -> (usize, usize) {
        self.others
    }
}
