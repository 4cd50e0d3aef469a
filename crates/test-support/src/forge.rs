//! The native v1 formats rebuilt from primitives (hkdf, hmac, sha2, chacha20poly1305,
//! base64, flate2) by following docs/FORMAT.md, never through the library: tests and fuzz
//! checks seal tokens the engine never would (a deflate bomb or absurd nesting behind a
//! valid tag, a forged chunk count, a chosen generation, unknown flags), and open what the
//! engine wrote to compare it byte for byte.
//!
//! ```
//! use test_support::forge::{FLAG_COMPRESSED, Forger, raw_deflate};
//!
//! let forger = Forger::new(&[7; 32], "session", false);
//! let body = raw_deflate(br#"{"user":"alice"}"#);
//! let cookies = forger.seal(FLAG_COMPRESSED, 2, 1_700_000_000, &body);
//! assert_eq!(cookies[1].0, "session_1");
//! let token: String = [cookies[0].1.as_str(), &cookies[1].1[12..]].concat();
//! assert_eq!(forger.open_body(&token), br#"{"user":"alice"}"#);
//! ```

use std::io::{Read as _, Write as _};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::AeadInOut;
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// HKDF's salt.
pub const SALT: &[u8] = b"chunked-cookie-session";
/// HKDF's info for the signed format's HMAC key.
pub const INFO_SIGNING: &[u8] = b"chunked-cookie-session v1 signing hmac-sha256";
/// HKDF's info for the private format's AEAD key.
pub const INFO_ENCRYPTION: &[u8] = b"chunked-cookie-session v1 encryption";
/// HKDF's info for the key id in the header.
pub const INFO_KEY_ID: &[u8] = b"chunked-cookie-session v1 key id";
/// What the signed format's MAC covers first.
pub const MAC_DOMAIN: &[u8] = b"chunked-cookie-session v1";
/// What the private format's associated data opens with.
pub const AAD_DOMAIN: &[u8] = b"chunked-cookie-session v1 private";

/// Header flag: the body is raw deflate.
pub const FLAG_COMPRESSED: u8 = 1;
/// Header flag: the private format.
pub const FLAG_ENCRYPTED: u8 = 2;
/// Header flag: a persistent cookie.
pub const FLAG_PERSISTENT: u8 = 4;

/// Bytes of the native header.
pub const HEADER_LEN: usize = 33;
/// The generation every forged header claims.
pub const GENERATION: [u8; 9] = [0x5a; 9];
/// The nonce every forged private token uses: a forger needs no fresh one.
pub const FORGED_NONCE: [u8; 24] = [0x33; 24];

/// Everything HKDF derives from one secret.
#[derive(Debug, Clone)]
pub struct Derived {
    /// HKDF's pseudorandom key.
    pub prk: [u8; 32],
    /// The signed format's HMAC key.
    pub signing: [u8; 32],
    /// The private format's AEAD key.
    pub encryption: [u8; 32],
    /// The key id in the header.
    pub key_id: [u8; 4],
}

/// What `secret` derives.
pub fn derive(secret: &[u8]) -> Derived {
    let (prk, hkdf) = Hkdf::<Sha256>::extract(Some(SALT), secret);
    let mut out = Derived {
        prk: [0; 32],
        signing: [0; 32],
        encryption: [0; 32],
        key_id: [0; 4],
    };
    out.prk.copy_from_slice(&prk);
    hkdf.expand(INFO_SIGNING, &mut out.signing)
        .expect("32 bytes");
    hkdf.expand(INFO_ENCRYPTION, &mut out.encryption)
        .expect("32 bytes");
    hkdf.expand(INFO_KEY_ID, &mut out.key_id).expect("4 bytes");
    out
}

/// The 33-byte header (version 1, the reserved last byte zero).
#[derive(Debug, Clone, Copy)]
pub struct Header {
    /// `FLAG_*` bits.
    pub flags: u8,
    /// How many chunks the token says it spans.
    pub chunk_count: u8,
    /// The generation id.
    pub generation: [u8; 9],
    /// The sealing key's id.
    pub key_id: [u8; 4],
    /// Unix seconds.
    pub issued_at: u64,
    /// Unix seconds.
    pub expires_at: u64,
}

impl Header {
    /// The header's bytes.
    pub fn bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0] = 1;
        out[1] = self.flags;
        out[2] = self.chunk_count;
        out[3..12].copy_from_slice(&self.generation);
        out[12..16].copy_from_slice(&self.key_id);
        out[16..24].copy_from_slice(&self.issued_at.to_be_bytes());
        out[24..32].copy_from_slice(&self.expires_at.to_be_bytes());
        out
    }
}

/// `domain || u16be(len(name)) || name || header`: what both formats bind beside the body.
pub fn context(domain: &[u8], name: &str, header: &[u8]) -> Vec<u8> {
    let mut input = domain.to_vec();
    input.extend_from_slice(&u16::try_from(name.len()).expect("short name").to_be_bytes());
    input.extend_from_slice(name.as_bytes());
    input.extend_from_slice(header);
    input
}

/// The bytes the signed format's MAC covers.
pub fn mac_input(name: &str, header: &[u8], body: &[u8]) -> Vec<u8> {
    let mut input = context(MAC_DOMAIN, name, header);
    input.extend_from_slice(body);
    input
}

/// HMAC-SHA256 of `input` under `signing`.
pub fn tag(signing: &[u8; 32], input: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(signing).expect("any key length");
    mac.update(input);
    mac.finalize().into_bytes().into()
}

/// A signed token: base64url(header || body || tag).
pub fn signed_token(
    signing: &[u8; 32],
    name: &str,
    header: &[u8; HEADER_LEN],
    body: &[u8],
) -> String {
    let tag = tag(signing, &mac_input(name, header, body));
    URL_SAFE_NO_PAD.encode([header.as_slice(), body, &tag].concat())
}

/// A private token: base64url(header || nonce || ciphertext || tag), the header and the
/// cookie name bound as associated data.
pub fn private_token(
    encryption: &[u8; 32],
    name: &str,
    header: &[u8; HEADER_LEN],
    nonce: &[u8; 24],
    plaintext: &[u8],
) -> String {
    let aad = context(AAD_DOMAIN, name, header);
    let mut message = plaintext.to_vec();
    let tag = XChaCha20Poly1305::new(encryption.into())
        .encrypt_inout_detached(nonce.into(), &aad, message.as_mut_slice().into())
        .expect("a message of any test size encrypts");
    URL_SAFE_NO_PAD.encode([header.as_slice(), nonce, &message, tag.as_slice()].concat())
}

/// Splits a token into `count` cookie pairs by the naming rule: chunk 0 plain, chunk i
/// named `<name>_i` and opened by characters 4..16 of the token. The reader does not care
/// where the cuts fall, so they are spread evenly.
pub fn chunks(token: &str, name: &str, count: usize) -> Vec<(String, String)> {
    assert!(count >= 1, "a token spans at least one cookie");
    let prefix = &token[4..16];
    let first = token.len().div_ceil(count).max(44).min(token.len());
    let mut out = vec![(name.to_owned(), token[..first].to_owned())];
    let (rest, later) = (token.len() - first, count - 1);
    let mut at = first;
    for index in 1..count {
        let len = rest / later + usize::from(index <= rest % later);
        out.push((
            format!("{name}_{index}"),
            format!("{prefix}{}", &token[at..at + len]),
        ));
        at += len;
    }
    assert_eq!(at, token.len());
    out
}

/// Raw deflate, for a body flagged as compressed.
pub fn raw_deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("in memory");
    encoder.finish().expect("in memory")
}

/// A sealer for one native format, secret and cookie name.
#[derive(Debug, Clone)]
pub struct Forger {
    /// What the secret derives.
    pub derived: Derived,
    /// The cookie name the tokens are bound to.
    pub name: String,
    /// The private format (else the signed one).
    pub encrypted: bool,
}

impl Forger {
    /// A forger for the private format when `encrypted`, else the signed one.
    pub fn new(secret: &[u8], name: &str, encrypted: bool) -> Forger {
        Forger {
            derived: derive(secret),
            name: name.to_owned(),
            encrypted,
        }
    }

    /// The format's own flag: encrypted for the private format.
    pub fn own_flags(&self) -> u8 {
        if self.encrypted { FLAG_ENCRYPTED } else { 0 }
    }

    /// A header with `flags` beside the format's own, the fixed [`GENERATION`] and a
    /// 14-day lifetime.
    pub fn header(&self, flags: u8, count: u8, issued_at: u64) -> Header {
        Header {
            flags: flags | self.own_flags(),
            chunk_count: count,
            generation: GENERATION,
            key_id: self.derived.key_id,
            issued_at,
            expires_at: issued_at + 14 * 24 * 3600,
        }
    }

    /// Seals `body` under exactly these header bytes, whatever they say.
    pub fn token(&self, header: &[u8; HEADER_LEN], body: &[u8]) -> String {
        if self.encrypted {
            private_token(
                &self.derived.encryption,
                &self.name,
                header,
                &FORGED_NONCE,
                body,
            )
        } else {
            signed_token(&self.derived.signing, &self.name, header, body)
        }
    }

    /// The JSON a one-token session sealed with this forger's key holds (inflated if the
    /// header says it is compressed): for reading what the engine wrote, byte for byte.
    pub fn open_body(&self, token: &str) -> Vec<u8> {
        let raw = URL_SAFE_NO_PAD.decode(token).expect("base64url");
        let header: [u8; HEADER_LEN] = raw[..HEADER_LEN].try_into().expect("a header");
        let body = if self.encrypted {
            let nonce: [u8; 24] = raw[HEADER_LEN..HEADER_LEN + 24].try_into().expect("nonce");
            let (message, tag) = raw[HEADER_LEN + 24..].split_at(raw.len() - HEADER_LEN - 24 - 16);
            let tag: [u8; 16] = tag.try_into().expect("a tag");
            let mut plain = message.to_vec();
            XChaCha20Poly1305::new((&self.derived.encryption).into())
                .decrypt_inout_detached(
                    (&nonce).into(),
                    &context(AAD_DOMAIN, &self.name, &header),
                    plain.as_mut_slice().into(),
                    (&tag).into(),
                )
                .expect("sealed with this key");
            plain
        } else {
            let (body, tag) = raw[HEADER_LEN..].split_at(raw.len() - HEADER_LEN - 32);
            let want = self::tag(&self.derived.signing, &mac_input(&self.name, &header, body));
            assert_eq!(tag, want, "signed with this key");
            body.to_vec()
        };
        if header[1] & FLAG_COMPRESSED == 0 {
            return body;
        }
        let mut json = Vec::new();
        flate2::read::DeflateDecoder::new(body.as_slice())
            .read_to_end(&mut json)
            .expect("a deflate stream");
        json
    }

    /// A session of `count` chunks, as `Cookie` pairs.
    pub fn seal(&self, flags: u8, count: u8, issued_at: u64, body: &[u8]) -> Vec<(String, String)> {
        let header = self.header(flags, count, issued_at).bytes();
        chunks(&self.token(&header, body), &self.name, usize::from(count))
    }
}
