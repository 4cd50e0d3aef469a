//! Sample sessions for the compression tests: random tokens, and a cart of similar records.

pub(super) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// Random base64url text, as a session of tokens holds.
pub(super) fn tokens(len: usize) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut next = xorshift(0x2545_F491_4F6C_DD1D ^ len as u64);
    (0..len)
        .map(|_| alphabet[(next() >> 58) as usize])
        .collect()
}

/// JSON of `{"data":"<tokens>"}`, `len` bytes in all.
pub(super) fn token_session(len: usize) -> Vec<u8> {
    let mut json = b"{\"data\":\"".to_vec();
    json.extend(tokens(len - 11));
    json.extend_from_slice(b"\"}");
    json
}

/// A shopping cart of similar records, about `len` bytes of JSON.
pub(super) fn cart(len: usize) -> Vec<u8> {
    let mut json = String::from("{\"cart\":[");
    let mut i = 0u32;
    while json.len() < len {
        json.push_str(&format!(
            "{{\"sku\":\"SKU-{:06}\",\"name\":\"Widget model {}\",\"qty\":{},\"price_cents\":{},\"gift\":{}}},",
            i * 7919 % 1_000_000,
            i % 37,
            i % 5 + 1,
            995 + i % 13 * 100,
            i.is_multiple_of(3)
        ));
        i += 1;
    }
    json.push_str("{}]}");
    json.into_bytes()
}
