//! The native private format (v1): XChaCha20-Poly1305 over the whole session and its context.
//!
//! ```text
//! token     = base64url( header[33] || nonce[24] || ciphertext || tag[16] )
//! aad       = "chunked-cookie-session v1 private" || u16be(len(name)) || name || header[33]
//! key       = encryption subkey (HKDF-SHA256, see keys.rs) of the ring entry header.key_id
//! nonce     = 24 fresh random bytes from the operating system at every write
//! plaintext = JSON object, raw-deflated first only when the compressed flag is set
//! ```
//!
//! The header is the native one with the encrypted flag set, so the chunk layer reads the
//! manifest exactly as for signed sessions. Header and nonce take 57 bytes, a multiple of 3,
//! so the nonce is base64 characters 44..76 of the token.
//!
//! The associated data repeats the whole header, which binds the version, flags, chunk
//! count, generation id, key id and timestamps, and the cookie name: no chunk can be
//! dropped, added, swapped, renamed or taken from another write without the tag failing.

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use zeroize::{Zeroize, Zeroizing};

use super::header::{FLAG_COMPRESSED, FLAG_ENCRYPTED, GENERATION_LEN, HEADER_LEN};
use super::native::{Body, Native, Sealer};
use super::shared::SealInput;
use super::{envelope, wipe};
use crate::chunk::Limits;
use crate::config::{Compression, SessionConfig};
use crate::error::SaveError;
use crate::keys::Key;
use crate::reason::LoadReason;

/// XChaCha20 nonce length in bytes.
pub(crate) const NONCE_LEN: usize = 24;
/// Poly1305 tag length in bytes.
pub(crate) const TAG_LEN: usize = 16;
/// Separates this format's associated data from every other use of the same subkey.
const DOMAIN: &[u8] = b"chunked-cookie-session v1 private";

const _: () = assert!((HEADER_LEN + NONCE_LEN).is_multiple_of(3));

/// The native private format's codec.
pub(crate) type PrivateCodec = Native<Private>;

/// The private format's sealer: the body is `nonce || plaintext`, encrypted in place, with
/// Poly1305's tag after it.
#[derive(Debug)]
pub(crate) enum Private {}

impl Sealer for Private {
    const ENCRYPTED: bool = true;
    const OVERHEAD: usize = NONCE_LEN + TAG_LEN;
    const TAG_LEN: usize = TAG_LEN;
    const WIPES: bool = true;

    /// Serializes the session and draws the nonce; the body is `nonce || plaintext` until
    /// [`seal`](Sealer::seal) encrypts the plaintext in place.
    fn body(
        input: &SealInput<'_>,
        config: &SessionConfig,
        limits: &Limits<'_>,
    ) -> Result<Body, SaveError> {
        let mut flags = FLAG_ENCRYPTED;
        // The nonce, then the JSON serialized right after it: the one buffer that `seal`
        // encrypts in place, appends the tag to and encodes; every buffer it outgrows on
        // the way is wiped, and so is the whole when it is not sealed after all.
        // One call to the operating system draws the write's generation id and its nonce.
        let mut random = [0u8; GENERATION_LEN + NONCE_LEN];
        getrandom::fill(&mut random).map_err(|_| SaveError::Random)?;
        let (generation, nonce) = random.split_at(GENERATION_LEN);
        let mut body = Vec::with_capacity(NONCE_LEN + 512 + TAG_LEN);
        body.extend_from_slice(nonce);
        if let Err(err) = envelope::serialize_into(&mut body, input, config, Self::WIPES) {
            body.zeroize();
            return Err(err);
        }
        // `Auto` means "compress signed sessions": a private session is compressed only when
        // the application opted in, because the ciphertext length would otherwise reveal how
        // well secrets compress against attacker-chosen data.
        if config.compression == Compression::On
            && let Some(packed) =
                envelope::compress(&body[NONCE_LEN..], NONCE_LEN + TAG_LEN, limits, Self::WIPES)
                    .map(Zeroizing::new)
        {
            body[NONCE_LEN..].zeroize();
            body.truncate(NONCE_LEN);
            body.extend_from_slice(&packed);
            flags |= FLAG_COMPRESSED;
        }
        wipe::reserve(&mut body, TAG_LEN, Self::WIPES);
        let mut id = [0u8; GENERATION_LEN];
        id.copy_from_slice(generation);
        Ok(Body {
            flags,
            bytes: body,
            generation: id,
        })
    }

    /// Encrypts in the prepared buffer itself, which leaves no copy of the plaintext behind.
    /// `body` left room for the tag: appending it never reallocates (which would leave a
    /// copy of the ciphertext behind, harmless, but a copy).
    fn seal(key: &Key, name: &str, header: &[u8; HEADER_LEN], body: &mut Vec<u8>) {
        let Some((nonce, message)) = body.split_first_chunk_mut::<NONCE_LEN>() else {
            unreachable!("the body always starts with the nonce")
        };
        let tag = encrypt(
            key.encryption(),
            nonce,
            &associated_data(name, header),
            message,
        );
        body.extend_from_slice(&tag);
    }

    /// Only the header was read before the tag verifies, and only to pick the key; the
    /// header is part of the associated data, so that choice is checked too. The buffer
    /// holds the plaintext once decrypted in place: it is wiped when `then` is done.
    fn open<R>(
        key: &Key,
        name: &str,
        raw: Vec<u8>,
        then: impl FnOnce(&[u8]) -> Result<R, LoadReason>,
    ) -> Result<R, LoadReason> {
        let mut raw = Zeroizing::new(raw);
        let (head, rest) = raw.split_at_mut(HEADER_LEN);
        let (nonce, rest) = rest.split_at_mut(NONCE_LEN);
        let (message, tag) = rest.split_at_mut(rest.len() - TAG_LEN);
        let nonce: &[u8; NONCE_LEN] = (&*nonce).try_into().map_err(|_| LoadReason::Malformed)?;
        let tag: &[u8; TAG_LEN] = (&*tag).try_into().map_err(|_| LoadReason::Malformed)?;
        decrypt(
            key.encryption(),
            nonce,
            &associated_data(name, head),
            message,
            tag,
        )
        .map_err(|()| LoadReason::BadSignature)?;
        then(message)
    }
}

/// The associated data: the domain, the length-prefixed cookie name and the whole header.
fn associated_data(name: &str, header: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(DOMAIN.len() + 2 + name.len() + header.len());
    aad.extend_from_slice(DOMAIN);
    // Names are at most 200 bytes (checked by the configuration), so two bytes suffice.
    aad.extend_from_slice(&u16::try_from(name.len()).unwrap_or(u16::MAX).to_be_bytes());
    aad.extend_from_slice(name.as_bytes());
    aad.extend_from_slice(header);
    aad
}

/// Encrypts `message` in place and returns the tag.
fn encrypt(
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    message: &mut [u8],
) -> [u8; TAG_LEN] {
    // The cipher keeps a copy of the key and zeroizes it on drop (crate feature `zeroize`).
    let cipher = XChaCha20Poly1305::new(key.into());
    let tag = cipher
        .encrypt_inout_detached(nonce.into(), aad, message.into())
        // The only failure is a message over 256 GiB; sessions are capped far below that
        // before they are sealed.
        .unwrap_or_else(|_| unreachable!("a session is far below the XChaCha20 length limit"));
    tag.into()
}

/// Verifies the tag (in constant time, inside the crate) and decrypts `message` in place;
/// on failure `message` is left as it was.
fn decrypt(
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    message: &mut [u8],
    tag: &[u8; TAG_LEN],
) -> Result<(), ()> {
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher
        .decrypt_inout_detached(nonce.into(), aad, message.into(), tag.into())
        .map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AEAD_XChaCha20_Poly1305 example of draft-irtf-cfrg-xchacha-03, appendix A.3.1, run
    /// through the very functions the codec seals and opens with.
    #[test]
    fn xchacha20_poly1305_known_answer() {
        let key: [u8; 32] = std::array::from_fn(|i| 0x80 + i as u8);
        let nonce: [u8; 24] = std::array::from_fn(|i| 0x40 + i as u8);
        let aad = [
            0x50, 0x51, 0x52, 0x53, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
        ];
        let plaintext: &[u8] = b"Ladies and Gentlemen of the class of '99: If I could offer \
            you only one tip for the future, sunscreen would be it.";
        let ciphertext = hex(
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb\
             731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452\
             2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9\
             21f9664c97637da9768812f615c68b13b52e",
        );
        let tag = hex("c0875924c1c7987947deafd8780acf49");

        let mut buffer = plaintext.to_vec();
        let computed = encrypt(&key, &nonce, &aad, &mut buffer);
        assert_eq!(buffer, ciphertext);
        assert_eq!(computed.as_slice(), tag.as_slice());

        let tag: [u8; 16] = tag.try_into().unwrap();
        decrypt(&key, &nonce, &aad, &mut buffer, &tag).unwrap();
        assert_eq!(buffer, plaintext);

        let mut tampered = ciphertext.clone();
        tampered[0] ^= 1;
        assert_eq!(decrypt(&key, &nonce, &aad, &mut tampered, &tag), Err(()));
        let mut intact = ciphertext;
        assert_eq!(decrypt(&key, &nonce, &aad[1..], &mut intact, &tag), Err(()));
    }

    #[test]
    fn associated_data_is_length_prefixed() {
        // "ab" + header starting with "c" must differ from "a" + header starting with "bc".
        let one = associated_data("ab", b"c");
        let two = associated_data("a", b"bc");
        assert_ne!(one, two);
        assert!(one.starts_with(DOMAIN));
        assert_eq!(&one[DOMAIN.len()..DOMAIN.len() + 2], &[0, 2]);
    }

    fn hex(text: &str) -> Vec<u8> {
        let digits: Vec<u8> = text
            .bytes()
            .filter(u8::is_ascii_hexdigit)
            .map(|b| match b {
                b'0'..=b'9' => b - b'0',
                _ => (b | 0x20) - b'a' + 10,
            })
            .collect();
        digits
            .chunks(2)
            .map(|pair| pair[0] << 4 | pair[1])
            .collect()
    }
}
