//! Python's lenient base64, as itsdangerous and Flask's tagged JSON read it (itsdangerous
//! keeps the same in `encoding.py`).

use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::{Engine as _, alphabet};

/// Python's lenient base64 decoding. With `url_safe`, itsdangerous's `base64_decode`:
/// non-ASCII dropped, padded to a multiple of four, `-_` read as `+/`. Then, in both
/// cases, `binascii.a2b_base64` without strict mode: other characters are skipped, left-over
/// bits ignored, and a complete padding sequence ends the data.
///
/// Only that filtering is Python's; the `base64` crate decodes what is left. Canonical
/// unpadded base64url, all Flask ever writes, takes the fast path.
pub(crate) fn python_b64decode(text: &[u8], url_safe: bool) -> Option<Vec<u8>> {
    if url_safe && let Ok(raw) = URL_SAFE_NO_PAD.decode(text) {
        return Some(raw);
    }
    let padded: Vec<u8>;
    let text = if url_safe {
        let mut kept: Vec<u8> = text.iter().copied().filter(u8::is_ascii).collect();
        kept.resize(kept.len().next_multiple_of(4), b'=');
        padded = kept;
        &padded[..]
    } else {
        text
    };
    let mut digits = Vec::with_capacity(text.len());
    let mut pads = 0;
    let mut ended = false;
    for &ch in text {
        if ch == b'=' {
            // Padding counts only after two digits of a group, and ends the data once it
            // completes the group; a stray `=` elsewhere is skipped.
            if digits.len() % 4 >= 2 {
                pads += 1;
                if digits.len() % 4 + pads >= 4 {
                    ended = true;
                    break;
                }
            }
            continue;
        }
        let digit = match ch {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => ch,
            b'-' if url_safe => b'+',
            b'_' if url_safe => b'/',
            _ => continue,
        };
        pads = 0;
        digits.push(digit);
    }
    // Without a closing pad, a partial group is an error, as in Python.
    if !ended && digits.len() % 4 != 0 {
        return None;
    }
    PYTHON_LENIENT.decode(&digits).ok()
}

/// Standard base64 that ignores the bits a short final group leaves over, as Python does.
const PYTHON_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_base64_like_binascii() {
        assert_eq!(python_b64decode(b"QQ==", false), Some(b"A".to_vec()));
        assert_eq!(python_b64decode(b"QQ", false), None);
        assert_eq!(python_b64decode(b"Q!Q==rest", false), Some(b"A".to_vec()));
        assert_eq!(python_b64decode(b"Q", true), None);
        assert_eq!(python_b64decode(b"_-8", true), Some(vec![0xff, 0xef]));
    }
}
