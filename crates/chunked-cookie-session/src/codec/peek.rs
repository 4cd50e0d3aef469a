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
