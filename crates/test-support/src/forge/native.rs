//! The native formats (docs/FORMAT.md), versions 1 and 2, signed and private, rebuilt from
//! primitives (hkdf, hmac, sha2, chacha20poly1305, base64, flate2) by following the
//! document, never through the library. Sealing makes tokens the engine never would (a
//! deflate bomb or absurd nesting behind a valid tag, a forged chunk count, a chosen
//! generation, unknown flags, a version 1 session without an identity, a chosen
//! identity); reading joins a session's cookies by the naming rule, checks the header, the
//! key id and the tag, decrypts and inflates, and splits a version 2 plaintext into its
//! identity and its JSON, so a test can hold what the engine wrote to the document byte
//! for byte.
//!
//! ```
//! use test_support::forge::{FLAG_COMPRESSED, Forger, raw_deflate};
//!
//! let forger = Forger::new(&[7; 32], "session", false);
//! let body = raw_deflate(br#"{"user":"alice"}"#);
//! let cookies = forger.seal(FLAG_COMPRESSED, 2, 1_700_000_000, &body);
//! assert_eq!(cookies[1].0, "session_1");
//! let opened = forger.read(&cookies);
//! assert_eq!(opened.json, br#"{"user":"alice"}"#);
//! assert_eq!(opened.header.chunk_count, 2);
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

/// The first version: the plaintext is the JSON alone.
pub const VERSION_1: u8 = 1;
/// The version the engine writes: the plaintext opens with the session's identity.
pub const VERSION_2: u8 = 2;

/// Header flag: the body is raw deflate.
pub const FLAG_COMPRESSED: u8 = 1;
/// Header flag: the private format.
pub const FLAG_ENCRYPTED: u8 = 2;
/// Header flag: a persistent cookie.
pub const FLAG_PERSISTENT: u8 = 4;

/// Bytes of the native header.
pub const HEADER_LEN: usize = 33;
/// Characters of the header at the start of every token: 33 bytes are 44 base64 characters.
pub const HEADER_B64_LEN: usize = 44;
/// Where the generation id sits in a token's text (and chunk 0's): characters 4 to 15,
/// the prefix every later chunk repeats.
pub const PREFIX: std::ops::Range<usize> = 4..16;
/// Characters of the generation prefix.
pub const PREFIX_LEN: usize = 12;
/// Bytes of the private format's nonce.
pub const NONCE_LEN: usize = 24;
/// Bytes of the private format's Poly1305 tag.
pub const AEAD_TAG_LEN: usize = 16;
/// Bytes of the signed format's HMAC-SHA256 tag.
pub const MAC_LEN: usize = 32;
/// The generation every forged header claims.
pub const GENERATION: [u8; 9] = [0x5a; 9];
/// The nonce every forged private token uses: a forger needs no fresh one.
pub const FORGED_NONCE: [u8; NONCE_LEN] = [0x33; NONCE_LEN];

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

/// The 33-byte header (the reserved last byte zero).
#[derive(Debug, Clone, Copy)]
pub struct Header {
    /// [`VERSION_1`] or [`VERSION_2`] (or any byte, to forge what a reader refuses).
    pub version: u8,
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
    /// Reads the fields of the first 33 bytes (the version and the reserved byte are
    /// [`Forger::open`]'s to check).
    pub fn parse(bytes: &[u8]) -> Header {
        assert!(bytes.len() >= HEADER_LEN, "a header is 33 bytes");
        let u64_at = |at: usize| u64::from_be_bytes(bytes[at..at + 8].try_into().expect("8"));
        Header {
            version: bytes[0],
            flags: bytes[1],
            chunk_count: bytes[2],
            generation: bytes[3..12].try_into().expect("9 bytes"),
            key_id: bytes[12..16].try_into().expect("4 bytes"),
            issued_at: u64_at(16),
            expires_at: u64_at(24),
        }
    }

    /// The header a token (or chunk 0's value) opens with.
    pub fn of_token(token: &str) -> Header {
        Header::parse(&header_bytes(token))
    }

    /// The header's bytes.
    pub fn bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0] = self.version;
        out[1] = self.flags;
        out[2] = self.chunk_count;
        out[3..12].copy_from_slice(&self.generation);
        out[12..16].copy_from_slice(&self.key_id);
        out[16..24].copy_from_slice(&self.issued_at.to_be_bytes());
        out[24..32].copy_from_slice(&self.expires_at.to_be_bytes());
        out
    }
}

/// What a version 2 session carries for revocation (FORMAT.md, section 11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionIdentity {
    /// The session id's 16 bytes.
    pub id: [u8; 16],
    /// When the id was created, in microseconds since the Unix epoch.
    pub created: u64,
    /// The subject, if the session is bound to one.
    pub subject: Option<String>,
}

impl SessionIdentity {
    /// `id || u64be(created) || u16be(len(subject)) || subject`.
    pub fn bytes(&self) -> Vec<u8> {
        let subject = self.subject.as_deref().unwrap_or_default();
        let mut out = self.id.to_vec();
        out.extend_from_slice(&self.created.to_be_bytes());
        out.extend_from_slice(
            &u16::try_from(subject.len())
                .expect("a short subject")
                .to_be_bytes(),
        );
        out.extend_from_slice(subject.as_bytes());
        out
    }

    /// The identity at the start of a version 2 plaintext, and the JSON after it.
    pub fn split(plaintext: &[u8]) -> (SessionIdentity, &[u8]) {
        assert!(plaintext.len() >= 26, "an identity is at least 26 bytes");
        let len = usize::from(u16::from_be_bytes([plaintext[24], plaintext[25]]));
        let subject = &plaintext[26..26 + len];
        let identity = SessionIdentity {
            id: plaintext[..16].try_into().expect("16 bytes"),
            created: u64::from_be_bytes(plaintext[16..24].try_into().expect("8 bytes")),
            subject: (len > 0)
                .then(|| String::from_utf8(subject.to_vec()).expect("a UTF-8 subject")),
        };
        (identity, &plaintext[26 + len..])
    }

    /// The id as the library writes it: 22 characters of base64url.
    pub fn id_text(&self) -> String {
        encode(&self.id)
    }
}

/// Token text: base64url without padding, as FORMAT.md section 4 spells every token.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The bytes of token text; `None` where strict base64url refuses it (padding, another
/// alphabet, non-zero trailing bits).
pub fn try_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// The bytes of token text, which must be strict base64url.
pub fn decode(text: &str) -> Vec<u8> {
    try_decode(text).unwrap_or_else(|| panic!("not strict base64url: {text:.60}"))
}

/// The 33 header bytes the first 44 characters of a token (or of chunk 0) encode.
pub fn header_bytes(token: &str) -> [u8; HEADER_LEN] {
    decode(&token[..HEADER_B64_LEN])
        .try_into()
        .expect("44 characters are 33 bytes")
}

/// Chunk 0's value with its header replaced by `header`, the rest untouched: what a client
/// that edits the header without the key sends.
pub fn with_header(chunk0: &str, header: &[u8; HEADER_LEN]) -> String {
    format!("{}{}", encode(header), &chunk0[HEADER_B64_LEN..])
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
    encode(&[header.as_slice(), body, &tag].concat())
}

/// A private token: base64url(header || nonce || ciphertext || tag), the header and the
/// cookie name bound as associated data.
pub fn private_token(
    encryption: &[u8; 32],
    name: &str,
    header: &[u8; HEADER_LEN],
    nonce: &[u8; NONCE_LEN],
    plaintext: &[u8],
) -> String {
    let aad = context(AAD_DOMAIN, name, header);
    let mut message = plaintext.to_vec();
    let tag = XChaCha20Poly1305::new(encryption.into())
        .encrypt_inout_detached(nonce.into(), &aad, message.as_mut_slice().into())
        .expect("a message of any test size encrypts");
    encode(&[header.as_slice(), nonce, &message, tag.as_slice()].concat())
}

/// Splits a token into `count` cookie pairs by the naming rule: chunk 0 plain, chunk i
/// named `<name>_i` and opened by characters 4..16 of the token. The reader does not care
/// where the cuts fall, so they are spread evenly.
pub fn chunks(token: &str, name: &str, count: usize) -> Vec<(String, String)> {
    assert!(count >= 1, "a token spans at least one cookie");
    let prefix = &token[PREFIX];
    let first = token
        .len()
        .div_ceil(count)
        .max(HEADER_B64_LEN)
        .min(token.len());
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

/// The token a native session's cookies carry, joined by FORMAT.md's naming rule: chunk 0
/// is the cookie named `name`, whose header says how many chunks there are; chunk `i` is
/// `<name>_i` and opens with chunk 0's generation prefix, which is not part of the token.
/// Panics when a chunk is missing or belongs to another write.
pub fn join(name: &str, pairs: &[(String, String)]) -> String {
    let value = |wanted: &str| {
        pairs
            .iter()
            .find(|(cookie, _)| cookie == wanted)
            .map(|(_, value)| value.as_str())
            .unwrap_or_else(|| panic!("no cookie {wanted} among {} cookies", pairs.len()))
    };
    let chunk0 = value(name);
    let prefix = &chunk0[PREFIX];
    let mut token = chunk0.to_owned();
    for index in 1..Header::of_token(chunk0).chunk_count {
        let chunk = value(&format!("{name}_{index}"));
        let piece = chunk
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("{name}_{index} belongs to another write"));
        token.push_str(piece);
    }
    token
}

/// What a token holds, verified with its forger's key.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The header.
    pub header: Header,
    /// The private format's nonce.
    pub nonce: Option<[u8; NONCE_LEN]>,
    /// The body as sealed: the plaintext (the identity, in version 2, then the JSON or its
    /// raw deflate stream when the header says so).
    pub body: Vec<u8>,
    /// The identity a version 2 plaintext opens with.
    pub identity: Option<SessionIdentity>,
    /// The session's JSON.
    pub json: Vec<u8>,
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

    /// A version 1 header with `flags` beside the format's own, the fixed [`GENERATION`]
    /// and a 14-day lifetime.
    pub fn header(&self, flags: u8, count: u8, issued_at: u64) -> Header {
        Header {
            version: VERSION_1,
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

    /// Opens a token as the document says a reader does, and panics where the reader
    /// would refuse it: version 1 or 2, no unknown flag, the reserved byte zero, this
    /// format's encrypted flag, this key's id; then the tag (or the AEAD) verifies, a
    /// version 2 plaintext gives up its identity, and a payload flagged compressed inflates.
    pub fn open(&self, token: &str) -> Opened {
        let raw = decode(token);
        let (head, sealed) = raw.split_at(HEADER_LEN);
        let header = Header::parse(head);
        assert!(
            matches!(head[0], VERSION_1 | VERSION_2),
            "version 1 or 2, not {}",
            head[0]
        );
        assert_eq!(head[32], 0, "reserved byte zero");
        assert_eq!(header.flags & !7, 0, "no unknown flag");
        assert_eq!(
            header.flags & FLAG_ENCRYPTED,
            self.own_flags(),
            "this format"
        );
        assert_eq!(header.key_id, self.derived.key_id, "sealed with this key");
        let head: &[u8; HEADER_LEN] = head.try_into().expect("33 bytes");
        let (nonce, body) = if self.encrypted {
            let (nonce, rest) = sealed.split_at(NONCE_LEN);
            let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("a nonce");
            let (message, aead_tag) = rest.split_at(rest.len() - AEAD_TAG_LEN);
            let aead_tag: [u8; AEAD_TAG_LEN] = aead_tag.try_into().expect("a tag");
            let mut plain = message.to_vec();
            XChaCha20Poly1305::new((&self.derived.encryption).into())
                .decrypt_inout_detached(
                    (&nonce).into(),
                    &context(AAD_DOMAIN, &self.name, head),
                    plain.as_mut_slice().into(),
                    (&aead_tag).into(),
                )
                .expect("the key, the nonce and the associated data open the token");
            (Some(nonce), plain)
        } else {
            let (body, mac) = sealed.split_at(sealed.len() - MAC_LEN);
            let want = tag(&self.derived.signing, &mac_input(&self.name, head, body));
            assert_eq!(mac, want, "the tag verifies");
            (None, body.to_vec())
        };
        let (identity, payload) = if header.version == VERSION_2 {
            let (identity, payload) = SessionIdentity::split(&body);
            (Some(identity), payload)
        } else {
            (None, body.as_slice())
        };
        let mut json = Vec::new();
        if header.flags & FLAG_COMPRESSED == 0 {
            json.extend_from_slice(payload);
        } else {
            flate2::read::DeflateDecoder::new(payload)
                .read_to_end(&mut json)
                .expect("a raw deflate stream");
        }
        Opened {
            header,
            nonce,
            body,
            identity,
            json,
        }
    }

    /// Opens the session that `pairs` (a request's cookies) carry under this forger's name.
    pub fn read(&self, pairs: &[(String, String)]) -> Opened {
        self.open(&join(&self.name, pairs))
    }

    /// The JSON of a one-cookie session: for reading what the engine wrote, byte for byte.
    pub fn open_body(&self, token: &str) -> Vec<u8> {
        self.open(token).json
    }

    /// A version 1 session of `count` chunks, as `Cookie` pairs: `body` is the JSON, or
    /// its raw deflate when `flags` say so.
    pub fn seal(&self, flags: u8, count: u8, issued_at: u64, body: &[u8]) -> Vec<(String, String)> {
        let header = self.header(flags, count, issued_at).bytes();
        chunks(&self.token(&header, body), &self.name, usize::from(count))
    }

    /// A version 2 session of `count` chunks holding `identity` and `json`, as `Cookie`
    /// pairs; the JSON (never the identity) deflated when `flags` say so.
    pub fn seal_v2(
        &self,
        flags: u8,
        count: u8,
        issued_at: u64,
        identity: &SessionIdentity,
        json: &[u8],
    ) -> Vec<(String, String)> {
        let header = Header {
            version: VERSION_2,
            ..self.header(flags, count, issued_at)
        };
        let mut plaintext = identity.bytes();
        if flags & FLAG_COMPRESSED == 0 {
            plaintext.extend_from_slice(json);
        } else {
            plaintext.extend_from_slice(&raw_deflate(json));
        }
        chunks(
            &self.token(&header.bytes(), &plaintext),
            &self.name,
            usize::from(count),
        )
    }
}
