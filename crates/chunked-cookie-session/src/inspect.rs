//! What a request's session cookies show from the outside, without a key: the tool to reach
//! for when a session disappears in production.

use cookie::Cookie;

use crate::chunk::{Incoming, Layout};
#[cfg(feature = "flask")]
pub use crate::codec::FlaskToken;
use crate::codec::{Format, NATIVE_LAYOUT, token_info};
pub use crate::codec::{NativeHeader, TokenInfo};
use crate::config::SessionConfig;

/// Reads the session cookies of requests for one configuration, verifying nothing.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Inspector, Key, KeyRing, SessionConfig, SessionEngine, TokenInfo};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
/// session.insert("user", "ada")?;
/// let header = engine.save_at(&session, 1_700_000_000)?.cookie_header();
///
/// // No key needed to look.
/// let inspection = Inspector::native(&SessionConfig::default()).inspect([header.as_str()]);
/// assert_eq!(inspection.chunks[0].name, "__Host-session");
/// let Some(TokenInfo::Native(token)) = inspection.token else { panic!("a native token") };
/// assert_eq!((token.chunk_count, token.encrypted, token.issued_at), (1, false, 1_700_000_000));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Inspector {
    name: String,
    layout: Layout,
    limit: usize,
}

impl Inspector {
    /// Reads the native layout (signed and private alike) under the cookie name a native
    /// engine gives `config` (`__Host-session` for a cookie it does not name, where the
    /// attributes allow the prefix).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Inspector, SessionConfig};
    ///
    /// let fields = ["__Host-session=abc; session=def"];
    /// let inspection = Inspector::native(&SessionConfig::default()).inspect(fields);
    /// assert_eq!(inspection.chunks[0].name, "__Host-session");
    /// assert_eq!(inspection.others, ["session"]);
    ///
    /// // Without `Secure` the prefix is not allowed, and the cookie is plain `session`.
    /// let plain = SessionConfig::builder().secure(false).build()?;
    /// let inspection = Inspector::native(&plain).inspect(fields);
    /// assert_eq!(inspection.chunks[0].name, "session");
    /// assert_eq!(inspection.others, ["__Host-session"]);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn native(config: &SessionConfig) -> Inspector {
        Inspector::of(config.native_name(), config, &NATIVE_LAYOUT)
    }

    /// Reads a Flask application's layout under `config`'s cookie name.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::FlaskLayout;
    /// use chunked_cookie_session::{Inspector, SessionConfig, TokenInfo};
    ///
    /// let cookie = "session=eyJ1c2VyIjoiYWxpY2UifQ.ZVPxAA.64FjGVGKqiQC_LBQ0Ln1-5m8au0";
    /// let config = SessionConfig::flask_defaults().build()?;
    /// let inspection = Inspector::flask(&config, FlaskLayout::Stock).inspect([cookie]);
    /// let Some(TokenInfo::Flask(token)) = inspection.token else { panic!("a Flask token") };
    /// assert_eq!((token.signed_at, token.compressed), (Some(1_700_000_000), false));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "flask")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
    pub fn flask(config: &SessionConfig, layout: crate::flask::FlaskLayout) -> Inspector {
        Inspector::of(&config.name, config, crate::codec::flask::layout_of(layout))
    }

    /// The inspector for an engine's own configuration and format.
    pub(crate) fn for_format(config: &SessionConfig, format: &Format) -> Inspector {
        Inspector::of(&config.name, config, format.layout())
    }

    fn of(name: &str, config: &SessionConfig, layout: &Layout) -> Inspector {
        Inspector {
            name: name.to_owned(),
            layout: *layout,
            limit: layout.limit(config.max_chunks),
        }
    }

    /// Reads the values of a request's `Cookie` header fields.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Inspector, SessionConfig};
    ///
    /// let inspector = Inspector::native(&SessionConfig::default());
    /// // HTTP/2 sends each cookie in a field of its own.
    /// let fields = ["__Host-session=abc", "__Host-session_1=de", "theme=dark"];
    /// let inspection = inspector.inspect(fields);
    /// let chunks: Vec<_> = inspection.chunks.iter().map(|c| (c.index, c.bytes)).collect();
    /// assert_eq!(chunks, [(0, fields[0].len()), (1, fields[1].len())]);
    /// assert_eq!(inspection.others, ["theme"]);
    /// assert_eq!(inspection.cookie_header_len, fields.join("; ").len());
    /// assert!(inspection.token.is_none(), "`abc` holds no native header");
    /// ```
    pub fn inspect<'a>(
        &self,
        cookie_fields: impl IntoIterator<Item = &'a str> + Clone,
    ) -> Inspection {
        let incoming = Incoming::collect(
            cookie_fields.clone(),
            &self.layout,
            &self.name,
            self.limit,
            usize::MAX,
        );
        let others: Vec<String> = cookie_fields
            .into_iter()
            .flat_map(|field| Cookie::split_parse(field).flatten())
            .filter(|cookie| {
                self.layout
                    .index_of(&self.name, cookie.name(), self.limit)
                    .is_none()
            })
            .map(|cookie| cookie.name().to_owned())
            .collect();
        let first = incoming.candidates(0).next();
        let token = first.and_then(|chunk0| self.token_info(chunk0, &incoming));
        let generation = match &token {
            Some(TokenInfo::Native(native)) => Some(native.generation.clone()),
            _ => None,
        };
        let chunks = incoming
            .first_pairs()
            .iter()
            .map(|&(index, bytes)| InspectedChunk {
                index,
                name: self.layout.name(&self.name, index).into_owned(),
                bytes,
                copies: incoming.candidates(index).count(),
                same_write: generation.as_deref().map(|generation| {
                    index == 0
                        || incoming
                            .candidates(index)
                            .next()
                            .is_some_and(|value| value.starts_with(generation))
                }),
            })
            .collect::<Vec<_>>();
        let (other_count, other_bytes) = incoming.others();
        let pairs = chunks.len() + other_count;
        let bytes = chunks.iter().map(|chunk| chunk.bytes).sum::<usize>() + other_bytes;
        Inspection {
            chunks,
            others,
            cookie_header_len: bytes + 2 * pairs.saturating_sub(1),
            token,
        }
    }

    /// What chunk 0 announces: the native header, or Flask's timestamp in the token the
    /// chunks make up to the first gap.
    fn token_info(&self, chunk0: &str, incoming: &Incoming) -> Option<TokenInfo> {
        token_info(&self.layout, chunk0, || {
            (0..self.limit)
                .map_while(|index| incoming.candidates(index).next())
                .collect()
        })
    }
}

/// What a request's session cookies show from the outside.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine, TokenInfo};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// session.insert("user", "ada")?;
/// let header = engine.save(&session)?.cookie_header();
///
/// let inspection = engine.inspector().inspect([header.as_str(), "theme=dark"]);
/// assert_eq!(inspection.chunks.len(), 1);
/// assert_eq!(inspection.others, ["theme"]);
/// assert_eq!(inspection.cookie_header_len, header.len() + "; theme=dark".len());
/// assert!(matches!(inspection.token, Some(TokenInfo::Native(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Inspection {
    /// The session's cookies the request carried, in index order.
    pub chunks: Vec<InspectedChunk>,
    /// The names of the request's other cookies (for a session looked for under the wrong
    /// name).
    pub others: Vec<String>,
    /// The length of the whole `Cookie` header value, every cookie included: what a proxy's
    /// header limit is held against (add `"Cookie: ".len()` for the line).
    pub cookie_header_len: usize,
    /// What chunk 0 announces about the token, when it can be read.
    pub token: Option<TokenInfo>,
}

/// One of the session's cookies, as the request carried it.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Compression, Key, KeyRing, SessionConfig, SessionEngine};
///
/// let config = SessionConfig::builder().compression(Compression::Off).build()?;
/// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
/// let write = |text: String| -> Result<Vec<String>, Box<dyn std::error::Error>> {
///     let session = engine.load(std::iter::empty());
///     session.insert("notes", text)?;
///     Ok(engine.save(&session)?.cookies.iter().map(|c| c.pair().to_owned()).collect())
/// };
/// let (a, b) = (write("a".repeat(5000))?, write("b".repeat(5000))?);
///
/// // Chunk 1 of another write, and a twin of chunk 0 (of another Path, say).
/// let inspection = engine.inspector().inspect([a[0].as_str(), b[1].as_str(), b[0].as_str()]);
/// let zero = &inspection.chunks[0];
/// assert_eq!((zero.bytes, zero.copies, zero.same_write), (a[0].len(), 2, Some(true)));
/// let one = &inspection.chunks[1];
/// assert_eq!((one.index, one.name.as_str()), (1, "__Host-session_1"));
/// assert_eq!(one.same_write, Some(false));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InspectedChunk {
    /// The chunk index.
    pub index: usize,
    /// The cookie's name.
    pub name: String,
    /// Bytes of `name=value` (of the first cookie of this name): browsers drop a cookie
    /// whose name and value pass 4096 bytes.
    pub bytes: usize,
    /// How many cookies of this name the request carried (more than one: twins of another
    /// Domain or Path).
    pub copies: usize,
    /// For the native layout, whether the chunk carries chunk 0's generation id (a chunk of
    /// another write does not); `None` where the layout carries no generation id.
    pub same_write: Option<bool>,
}
