//! What a token shows from the outside, without a key: the native header (docs/FORMAT.md,
//! section 2) and Flask's timestamp. Nothing here is verified.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::header::{
    FLAG_COMPRESSED, FLAG_ENCRYPTED, FLAG_PERSISTENT, GENERATION_B64, HEADER_B64_LEN, HEADER_LEN,
    Header,
};
use crate::chunk::{Count, Layout};
use crate::keys::KeyId;

/// What chunk 0 announces about the token under `layout`: the native header at its start,
/// or, for a layout without a manifest, Flask's timestamp in the `joined` token.
pub(crate) fn token_info(
    layout: &Layout,
    chunk0: &str,
    joined: impl FnOnce() -> String,
) -> Option<TokenInfo> {
    match layout.count {
        Count::Manifest { .. } => native_header(chunk0).map(TokenInfo::Native),
        Count::UntilGap => flask_token(&joined()),
    }
}

/// What chunk 0 announces about the token, read without a key.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine, TokenInfo};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
/// session.insert("user", "ada")?;
/// let header = engine.save_at(&session, 1_700_000_000)?.cookie_header();
///
/// match engine.inspector().inspect([header.as_str()]).token {
///     Some(TokenInfo::Native(native)) => assert_eq!(native.issued_at, 1_700_000_000),
///     other => panic!("not a native token: {other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenInfo {
    /// The native header (signed and private formats).
    Native(NativeHeader),
    /// Flask's timestamp signature.
    #[cfg(feature = "flask")]
    Flask(FlaskToken),
}

/// The native format's 33-byte header, unverified (docs/FORMAT.md, section 2).
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Compression, Key, KeyRing, SessionConfig, SessionEngine};
/// use chunked_cookie_session::TokenInfo;
///
/// let key = Key::generate();
/// let config = SessionConfig::builder().compression(Compression::Off).build()?;
/// let engine = SessionEngine::signed(config, KeyRing::new(key.clone()));
/// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
/// session.insert("notes", "n".repeat(5000))?;
/// session.set_persistent(true);
/// let outcome = engine.save_at(&session, 1_700_000_000)?;
///
/// let inspection = engine.inspector().inspect([outcome.cookie_header().as_str()]);
/// let Some(TokenInfo::Native(header)) = inspection.token else { panic!("a native token") };
/// assert_eq!(header.version, 2);
/// assert_eq!((header.encrypted, header.compressed, header.persistent), (false, false, true));
/// assert_eq!((header.chunk_count, header.key_id), (2, key.id()));
/// assert_eq!((header.issued_at, header.expires_at), (1_700_000_000, 1_700_000_000 + 14 * 86_400));
/// assert!(outcome.cookies[1].value().starts_with(&header.generation));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NativeHeader {
    /// The format version.
    pub version: u8,
    /// Sealed by the private (encrypted) format rather than the signed one.
    pub encrypted: bool,
    /// The body is deflated.
    pub compressed: bool,
    /// The cookies are persistent (`Max-Age`) rather than browser-session cookies.
    pub persistent: bool,
    /// How many cookies the token says it spans.
    pub chunk_count: usize,
    /// The write's generation id, as the 12 characters every later chunk starts with.
    pub generation: String,
    /// The id of the key that sealed it.
    pub key_id: KeyId,
    /// When it was written, in Unix seconds.
    pub issued_at: u64,
    /// When its absolute lifetime ends, in Unix seconds.
    pub expires_at: u64,
}

/// A Flask token's outside, unverified.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::FlaskSettings;
/// use chunked_cookie_session::{SessionConfig, SessionEngine, TokenInfo};
///
/// let settings = FlaskSettings::new("change-me")?;
/// let engine = SessionEngine::flask(SessionConfig::flask_defaults().build()?, settings);
/// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
/// session.insert("notes", "n".repeat(2000))?;
/// let outcome = engine.save_at(&session, 1_700_000_000)?;
///
/// let inspection = engine.inspector().inspect([outcome.cookie_header().as_str()]);
/// let Some(TokenInfo::Flask(token)) = inspection.token else { panic!("a Flask token") };
/// assert_eq!(token.signed_at, Some(1_700_000_000));
/// assert!(token.compressed, "2000 times the same letter deflates well");
/// assert_eq!(token.bytes, outcome.cookies[0].value().len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "flask")]
#[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FlaskToken {
    /// When it was signed, in Unix seconds, if the timestamp reads.
    pub signed_at: Option<u64>,
    /// The payload is zlib-compressed (it starts with `.`).
    pub compressed: bool,
    /// Bytes of the whole token.
    pub bytes: usize,
}

fn native_header(chunk0: &str) -> Option<NativeHeader> {
    let mut bytes = [0u8; HEADER_LEN];
    let text = chunk0.get(..HEADER_B64_LEN)?;
    URL_SAFE_NO_PAD.decode_slice(text, &mut bytes).ok()?;
    let parsed = Header::parse(&bytes)?;
    Some(NativeHeader {
        version: parsed.version,
        encrypted: parsed.has(FLAG_ENCRYPTED),
        compressed: parsed.has(FLAG_COMPRESSED),
        persistent: parsed.has(FLAG_PERSISTENT),
        chunk_count: usize::from(parsed.chunk_count),
        generation: chunk0.get(GENERATION_B64)?.to_owned(),
        key_id: parsed.key_id,
        issued_at: parsed.issued_at,
        expires_at: parsed.expires_at,
    })
}

#[cfg(feature = "flask")]
fn flask_token(token: &str) -> Option<TokenInfo> {
    let (value, _signature) = token.rsplit_once('.')?;
    let (payload, timestamp) = value.rsplit_once('.')?;
    Some(TokenInfo::Flask(FlaskToken {
        signed_at: super::flask::timestamp_of(timestamp),
        compressed: payload.starts_with('.'),
        bytes: token.len(),
    }))
}

#[cfg(not(feature = "flask"))]
fn flask_token(_: &str) -> Option<TokenInfo> {
    None
}
