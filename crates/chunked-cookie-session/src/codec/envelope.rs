//! What the two native formats share: the cookie layout, the framing of a token around its
//! 33-byte header, the JSON and its compression, the checks made before a tag is verified,
//! and the end of opening.
//!
//! ```text
//! token     = base64url( header[33] || body || tag )
//! plaintext = identity || payload   (version 2; version 1: the payload alone)
//! payload   = JSON, or its raw deflate when the compressed flag is set
//! ```
//!
//! The signed format's body is the plaintext and its tag an HMAC; the private format's body
//! is `nonce || ciphertext` and its tag Poly1305's. The identity (`identity.rs`) opens the
//! plaintext, so the tag covers it and the private format hides it; it is never deflated,
//! so the compression decision looks at the JSON alone.

use std::sync::LazyLock;

use base64::Engine as _;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
use base64::engine::Simd;
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
use base64::engine::general_purpose::GeneralPurpose;
use base64::engine::general_purpose::NO_PAD;
use serde_json::{Map, Value};
use zeroize::Zeroize;

use super::compress::{self, Packed, deflate_if_smaller, deflate_longest, deflate_past_one_cookie};
use super::entries::Entries;
use super::header::{
    self, FLAG_COMPRESSED, FLAG_ENCRYPTED, FLAG_PERSISTENT, HEADER_LEN, Header, VERSION_1,
};
use super::identity::{Ident, created_estimate};
use super::python_entries::{Form, read_native, write_native};
use super::shared::{Meta, OpenInput, Opened, SealInput, check_clock, check_nesting};
use super::wipe::Sink;
use crate::chunk::{self, Count, Deadline, Layout, Limits};
use crate::config::{MAX_CHUNKS_CEILING, SessionConfig};
use crate::error::SaveError;
use crate::keys::{Key, KeyRing};
use crate::reason::LoadReason;

/// The native layout: `name`, `name_1`, `name_2`, …: chunk 0 keeps the configured name, so
/// a small session is one ordinary cookie and a `__Host-` prefix stays at the start of
/// every name. Chunk 0 opens with the header (the manifest); every later chunk starts with
/// the generation id's 12 characters.
pub(crate) const LAYOUT: Layout = Layout {
    separator: '_',
    index_first: false,
    max_chunks: MAX_CHUNKS_CEILING,
    count: Count::Manifest {
        read: header::peek_manifest,
        len: header::HEADER_B64_LEN,
        prefix_len: header::GENERATION_B64_LEN,
    },
    try_twins: true,
    deadline: Deadline::MaxAge,
};

/// base64url without padding, on the `base64` crate's SIMD engine (AVX2 or NEON when the
/// CPU has it, detected once; its scalar engine otherwise). It decodes exactly what the
/// scalar `URL_SAFE_NO_PAD` does, as strict about padding and trailing bits, four to six
/// times faster. The crate offers it on x86_64 and aarch64 only; elsewhere the scalar engine
/// serves.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
static BASE64: LazyLock<Simd> = LazyLock::new(|| Simd::url_safe(NO_PAD));
/// base64url without padding (the scalar engine: no SIMD engine on this architecture).
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
static BASE64: LazyLock<GeneralPurpose> =
    LazyLock::new(|| GeneralPurpose::new(&base64::alphabet::URL_SAFE, NO_PAD));

/// Appends the session's plaintext to `out`: its identity, then its JSON, refused when a
/// reader would refuse it: nested past [`MAX_NESTING`](crate::MAX_NESTING), or JSON larger
/// than a reader inflates. Entries held as Python values are written straight from them, as
/// serde_json would write their map. With `wipe` set (a private session), every buffer the
/// JSON outgrows is zeroed before it is freed.
pub(crate) fn serialize_into(
    out: &mut Vec<u8>,
    input: &SealInput<'_>,
    config: &SessionConfig,
    wipe: bool,
) -> Result<(), SaveError> {
    if let Some(identity) = input.identity {
        identity.write_into(out);
    }
    let start = out.len();
    let mut sink = Sink::new(out, wipe);
    match input.entries.held_python() {
        Some(python) => write_native(&mut sink, python)?,
        None => {
            let map = input.map();
            check_nesting(map)?;
            serde_json::to_writer(&mut sink, map).map_err(SaveError::Serialize)?;
        }
    }
    let bytes = out.len() - start;
    if bytes > config.max_decoded_size {
        return Err(SaveError::TooLarge {
            bytes,
            limit: config.max_decoded_size,
        });
    }
    Ok(())
}

/// Deflates the JSON of a plaintext (after its identity, which is never deflated) when the
/// writer's rule says so (docs/FORMAT.md section 5), for a token that frames the plaintext
/// with `overhead` bytes besides the header, cut into cookies within `limits`; the new
/// plaintext is the identity as it was, then the deflate stream:
///
/// - a session that fits one cookie uncompressed costs no cookie whatever is decided: it
///   is deflated only when the cheap look expects that to pay, and the output kept only
///   when it saves a quarter;
/// - past one cookie (or over the budget) the writer is held to level 6, which only
///   deflating tells: the output is kept when it saves a cookie, or more than 5 % of the
///   bytes of `Cookie` header (or when the session fits only compressed). An output of
///   the match search that spills into a cookie by less than 2 % of its length is
///   deflated again with the longest search, which may save that cookie.
///
/// With `wipe` set (a private session), an output not kept is zeroed before it is freed.
pub(crate) fn compress(
    plain: &[u8],
    overhead: usize,
    limits: &Limits<'_>,
    wipe: bool,
) -> Option<Vec<u8>> {
    let (identity, json) = plain.split_at(Ident::len_at(plain));
    let mut packed = compress_json(json, overhead + identity.len(), limits, wipe)?;
    let mut out = Vec::with_capacity(identity.len() + packed.len() + overhead);
    out.extend_from_slice(identity);
    out.extend_from_slice(&packed);
    if wipe {
        packed.zeroize();
    }
    Some(out)
}

/// [`compress`]'s decision on the JSON alone, framed with `overhead` bytes.
fn compress_json(json: &[u8], overhead: usize, limits: &Limits<'_>, wipe: bool) -> Option<Vec<u8>> {
    // The cookies and the bytes of `Cookie` header a body of `len` bytes takes.
    let wire = |len: usize| {
        chunk::plan(header::base64_len(HEADER_LEN + overhead + len), limits)
            .ok()
            .map(|plan| (plan.pieces.len(), plan.cookie_line))
    };
    let plain = wire(json.len());
    if plain.is_some_and(|(cookies, _)| cookies <= 1) {
        return deflate_if_smaller(json, wipe);
    }
    let Packed {
        bytes: mut packed,
        searched,
    } = deflate_past_one_cookie(json, wipe)?;
    let cookies = |len: usize| wire(len).map_or(usize::MAX, |(cookies, _)| cookies);
    if searched
        && cookies(packed.len() * 49 / 50) < cookies(packed.len())
        && let Some(longest) = deflate_longest(json, packed.len(), wipe)
    {
        if wipe {
            packed.zeroize();
        }
        packed = longest;
    }
    let keep = match (plain, wire(packed.len())) {
        (None, _) => true,
        (Some((cookies, bytes)), Some((fewer, less))) => fewer < cookies || less * 20 < bytes * 19,
        (Some(_), None) => false,
    };
    if keep {
        return Some(packed);
    }
    if wipe {
        packed.zeroize();
    }
    None
}

/// The token: `base64url(header || body)`, the body sealed (its tag appended in place).
/// The header is 33 bytes, a multiple of 3, so its base64 text followed by that of the rest
/// is the text of the whole: the body is never copied.
pub(crate) fn assemble(header: &[u8; HEADER_LEN], body: &[u8]) -> String {
    let mut token = String::with_capacity(header::base64_len(HEADER_LEN + body.len()));
    BASE64.encode_string(header, &mut token);
    BASE64.encode_string(body, &mut token);
    token
}

/// Decodes a token's base64url text.
pub(crate) fn decode(token: &str) -> Result<Vec<u8>, LoadReason> {
    BASE64.decode(token).map_err(|_| LoadReason::Malformed)
}

/// The checks both native formats make before their tag is verified: a decoded token long
/// enough for its framing, a header this version reads, the format's own encrypted flag (a
/// signed token is never opened as a private one, nor the reverse), and a key the ring
/// holds.
pub(crate) fn envelope_key<'k>(
    raw: &[u8],
    min_len: usize,
    encrypted: bool,
    keys: &'k KeyRing,
) -> Result<(Header, &'k Key), LoadReason> {
    if raw.len() < min_len {
        return Err(LoadReason::Malformed);
    }
    let header = Header::parse(raw).ok_or(LoadReason::Malformed)?;
    if header.has(FLAG_ENCRYPTED) != encrypted {
        return Err(LoadReason::Malformed);
    }
    let key = keys.find(header.key_id).ok_or(LoadReason::UnknownKey)?;
    Ok((header, key))
}

/// The common end of opening a native envelope whose tag has verified: judge the
/// timestamps, inflate the body if it is compressed, read the identity, parse the JSON.
pub(crate) fn open_verified(
    header: &Header,
    body: &[u8],
    input: &OpenInput<'_>,
) -> Result<Opened, LoadReason> {
    let meta = Meta {
        issued_at: header.issued_at,
        expires_at: header.expires_at,
        persistent: header.has(FLAG_PERSISTENT),
        key_id: header.key_id,
    };
    check_clock(&meta, input)?;
    let (identity, payload) = identity_of(header, body, input)?;
    let entries = if header.has(FLAG_COMPRESSED) {
        // A private session's plaintext is secret: every buffer inflating outgrows is
        // wiped, and the JSON once parsed. A signed session's is not (the client holds it
        // in the clear), so it costs no wiping.
        let secret = header.has(FLAG_ENCRYPTED);
        let json = compress::inflate_capped(payload, input.config.max_decoded_size, secret)?;
        if secret {
            parse_entries(&zeroize::Zeroizing::new(json), input.form)?
        } else {
            parse_entries(&json, input.form)?
        }
    } else {
        parse_entries(payload, input.form)?
    };
    Ok(Opened {
        entries,
        meta,
        identity: Some(identity),
    })
}

/// A verified plaintext's identity and the payload after it. Version 1 has no identity:
/// its id is derived from the write's generation id, its creation time from its deadline.
fn identity_of<'p>(
    header: &Header,
    plain: &'p [u8],
    input: &OpenInput<'_>,
) -> Result<(Ident, &'p [u8]), LoadReason> {
    if header.version == VERSION_1 {
        let lifetime = input.config.lifetime.as_secs();
        let created = created_estimate(header.issued_at, header.expires_at, lifetime);
        return Ok((Ident::derived(&header.generation, created), plain));
    }
    Ident::read(plain).ok_or(LoadReason::Malformed)
}

/// The session's entries in the form asked for. Python values are read straight from the
/// JSON; an entry Python could not read sends the whole back to the map, which keeps it.
fn parse_entries(json: &[u8], form: Form) -> Result<Entries, LoadReason> {
    match read_native(json, form) {
        Some(python) => Ok(Entries::from_python(python)),
        None => parse_map(json).map(Entries::from_map),
    }
}

/// Parses the JSON object of a session. serde_json refuses nesting deeper than 128 levels
/// with an error rather than a stack overflow, which bounds hostile input.
fn parse_map(json: &[u8]) -> Result<Map<String, Value>, LoadReason> {
    serde_json::from_slice(json).map_err(|_| LoadReason::Malformed)
}
