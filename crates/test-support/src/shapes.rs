//! Sessions shaped like the ones applications keep, for judging the wire size of each
//! format: shopping carts, form drafts, lists of tokens, user profiles, sign-in tokens and
//! flash messages, each at several sizes, reproducible by seed.
//!
//! The benchmark harness prints each format's cookies for them, and the tests hold the
//! writer's compression decision to them, so both judge the same sessions.

use serde_json::{Map, Value, json};

use crate::noise::{Xorshift, noise};

/// A kind of session an application keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A shopping cart: a list of item records with options.
    Cart,
    /// A multi-step form saved between steps: prose, an address, tags.
    FormDraft,
    /// Random tokens: API keys, one-time codes, CSRF tokens of several forms.
    Tokens,
    /// A user's profile, roles, permissions and recently visited pages.
    Profile,
    /// An OpenID Connect sign-in: an ID token (a JWT), access and refresh tokens, claims.
    SignIn,
    /// Flash messages waiting to be shown.
    Flashes,
}

impl Shape {
    /// Every shape.
    pub const ALL: [Shape; 6] = [
        Shape::Cart,
        Shape::FormDraft,
        Shape::Tokens,
        Shape::Profile,
        Shape::SignIn,
        Shape::Flashes,
    ];

    /// A short name for tables and messages.
    pub fn label(self) -> &'static str {
        match self {
            Shape::Cart => "cart",
            Shape::FormDraft => "form draft",
            Shape::Tokens => "tokens",
            Shape::Profile => "profile",
            Shape::SignIn => "sign-in",
            Shape::Flashes => "flashes",
        }
    }

    /// The session of this shape with `n` items (cart lines, paragraphs, tokens,
    /// permissions, claims, messages), from the generator seeded with `seed`.
    pub fn session(self, n: usize, seed: u64) -> Map<String, Value> {
        let mut rng = Xorshift::new(seed);
        let value = match self {
            Shape::Cart => cart(n, &mut rng),
            Shape::FormDraft => form_draft(n, &mut rng),
            Shape::Tokens => tokens(n, &mut rng),
            Shape::Profile => profile(n, &mut rng),
            Shape::SignIn => sign_in(n, &mut rng),
            Shape::Flashes => flashes(n, &mut rng),
        };
        match value {
            Value::Object(map) => map,
            _ => unreachable!("every shape is an object"),
        }
    }

    /// Sessions of this shape from about 1 KiB of JSON up to about `max_json` bytes, each
    /// with its item count: the corpus a table or a test walks.
    pub fn corpus(self, max_json: usize) -> Vec<(usize, Map<String, Value>)> {
        let mut sessions = Vec::new();
        let mut n = 1;
        loop {
            let session = self.session(n, n as u64);
            if json_len(&session) > max_json {
                return sessions;
            }
            if json_len(&session) >= 512 {
                sessions.push((n, session));
            }
            n += (n / 4).max(1);
        }
    }
}

/// The length of a session's compact JSON.
pub fn json_len(map: &Map<String, Value>) -> usize {
    serde_json::to_vec(map).map_or(0, |json| json.len())
}

const WORDS: &[&str] = &[
    "the",
    "order",
    "delivery",
    "please",
    "leave",
    "parcel",
    "with",
    "neighbour",
    "at",
    "number",
    "door",
    "code",
    "is",
    "ring",
    "twice",
    "gift",
    "wrap",
    "blue",
    "paper",
    "card",
    "says",
    "happy",
    "birthday",
    "from",
    "all",
    "of",
    "us",
    "thank",
    "you",
    "for",
    "your",
    "patience",
    "we",
    "would",
    "like",
    "to",
    "change",
    "address",
    "before",
    "shipping",
    "and",
    "invoice",
    "company",
    "name",
    "department",
    "reference",
    "project",
    "budget",
    "approved",
    "by",
];

fn words(rng: &mut Xorshift, count: usize) -> String {
    let mut text = String::new();
    for i in 0..count {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(WORDS[rng.index(WORDS.len())]);
    }
    text
}

fn digits(rng: &mut Xorshift, count: usize) -> String {
    (0..count)
        .map(|_| char::from(b'0' + u8::try_from(rng.below(10)).expect("a digit")))
        .collect()
}

fn cart(n: usize, rng: &mut Xorshift) -> Value {
    const COLOURS: &[&str] = &["black", "white", "navy", "red", "olive", "grey"];
    const SIZES: &[&str] = &["XS", "S", "M", "L", "XL"];
    let items: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "sku": format!("SKU-{}-{}", digits(rng, 5), i),
                "name": format!("{} {}", words(rng, 2), ["shirt", "mug", "lamp", "chair"][i % 4]),
                "qty": rng.below(4) + 1,
                "price": format!("{}.{}", rng.below(200) + 1, digits(rng, 2)),
                "options": {
                    "colour": COLOURS[rng.index(COLOURS.len())],
                    "size": SIZES[rng.index(SIZES.len())],
                },
                "added_at": 1_700_000_000 + rng.below(1_000_000),
            })
        })
        .collect();
    json!({
        "_user_id": digits(rng, 6),
        "currency": "EUR",
        "cart": items,
        "coupon": null,
    })
}

fn form_draft(n: usize, rng: &mut Xorshift) -> Value {
    let paragraphs: Vec<Value> = (0..n)
        .map(|_| {
            let count = 20 + rng.index(30);
            Value::String(words(rng, count))
        })
        .collect();
    json!({
        "draft": {
            "step": 3,
            "title": words(rng, 6),
            "body": paragraphs,
            "address": {
                "street": format!("{} {}", digits(rng, 2), words(rng, 2)),
                "city": "Lyon",
                "postcode": digits(rng, 5),
                "country": "FR",
            },
            "tags": (0..n.min(12)).map(|_| words(rng, 1)).collect::<Vec<_>>(),
            "saved_at": 1_700_000_000 + rng.below(1_000_000),
        },
        "csrf_token": noise(43, rng.next_u64()),
    })
}

fn tokens(n: usize, rng: &mut Xorshift) -> Value {
    let keys: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "id": format!("key_{i}"),
                "secret": noise(43, rng.next_u64()),
                "otp": digits(rng, 6),
            })
        })
        .collect();
    json!({"api_keys": keys, "csrf_token": noise(43, rng.next_u64())})
}

fn profile(n: usize, rng: &mut Xorshift) -> Value {
    const RESOURCES: &[&str] = &[
        "orders", "invoices", "users", "reports", "products", "teams",
    ];
    const ACTIONS: &[&str] = &["read", "write", "delete", "export"];
    let permissions: Vec<Value> = (0..n)
        .map(|i| {
            Value::String(format!(
                "{}:{}:{}",
                RESOURCES[rng.index(RESOURCES.len())],
                ACTIONS[rng.index(ACTIONS.len())],
                i
            ))
        })
        .collect();
    let recent: Vec<Value> = (0..n.min(20))
        .map(|_| Value::String(format!("/{}/{}", words(rng, 1), digits(rng, 6))))
        .collect();
    json!({
        "user": {
            "id": digits(rng, 8),
            "email": format!("{}@example.org", words(rng, 1)),
            "name": "Ada Lovelace",
            "locale": "en-GB",
            "roles": ["member", "editor"],
            "permissions": permissions,
            "preferences": {"theme": "dark", "newsletter": false, "page_size": 50},
        },
        "recent": recent,
    })
}

fn sign_in(n: usize, rng: &mut Xorshift) -> Value {
    // A JWT's parts are base64url of JSON: the header and the claims compress a little, the
    // signature not at all.
    let claims: Map<String, Value> = (0..n)
        .map(|i| {
            let count = 1 + rng.index(4);
            (format!("claim_{i}"), Value::String(words(rng, count)))
        })
        .collect();
    let payload = serde_json::to_string(&claims).unwrap_or_default();
    let id_token = format!(
        "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.{}.{}",
        base64_url(payload.as_bytes()),
        noise(342, rng.next_u64())
    );
    json!({
        "oidc": {
            "id_token": id_token,
            "access_token": noise(64, rng.next_u64()),
            "refresh_token": noise(128, rng.next_u64()),
            "expires_at": 1_700_003_600,
            "claims": claims,
        }
    })
}

fn flashes(n: usize, rng: &mut Xorshift) -> Value {
    const CATEGORIES: &[&str] = &["info", "success", "warning", "error"];
    let messages: Vec<Value> = (0..n)
        .map(|_| {
            let count = 5 + rng.index(15);
            json!([CATEGORIES[rng.index(CATEGORIES.len())], words(rng, count)])
        })
        .collect();
    json!({"_flashes": messages, "_fresh": true})
}

/// What a session's cookies would take if its JSON were always deflated at level 6 (raw
/// deflate, as docs/FORMAT.md section 5 allows), in the native signed format under the
/// cookie `name` whose `Set-Cookie` attributes take `attributes_len` bytes: the cookie
/// count and the bytes of `Cookie` header (docs/FORMAT.md section 6). The yardstick the
/// writer's own compression decision is held to.
pub fn level6_wire(json: &[u8], name: &str, attributes_len: usize) -> (usize, usize) {
    level6_wire_framed(json, name, attributes_len, 32)
}

/// [`level6_wire`] for a native format whose token holds `overhead` bytes besides the
/// header and the body: 32 for the signed format's tag, 40 for the private format's nonce
/// and tag (docs/FORMAT.md section 10).
pub fn level6_wire_framed(
    json: &[u8],
    name: &str,
    attributes_len: usize,
    overhead: usize,
) -> (usize, usize) {
    use std::io::Write as _;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder.write_all(json).expect("deflate into memory");
    let body = encoder.finish().expect("deflate into memory").len();
    // header (33) || body || overhead, unpadded base64url
    let token = (4 * (33 + body + overhead)).div_ceil(3);
    fit(token, name, attributes_len)
}

/// How docs/FORMAT.md section 6 cuts a token of `token` characters: the cookie count and
/// the bytes of `Cookie` header, filling each chunk greedily to the browser's limits.
pub fn fit(token: usize, name: &str, attributes_len: usize) -> (usize, usize) {
    let (mut left, mut count, mut line) = (token, 0, 0);
    while left > 0 {
        let chunk_name = if count == 0 {
            name.to_owned()
        } else {
            format!("{name}_{count}")
        };
        let prefix = if count == 0 { 0 } else { 12 };
        let room =
            (4093 - (chunk_name.len() + 1 + attributes_len)).min(4096 - chunk_name.len()) - prefix;
        let piece = left.min(room);
        line += chunk_name.len() + 1 + prefix + piece + if count == 0 { 0 } else { 2 };
        left -= piece;
        count += 1;
    }
    (count, line)
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_grows_through_the_sizes_and_is_reproducible() {
        for shape in Shape::ALL {
            let corpus = shape.corpus(24 * 1024);
            assert!(
                corpus.len() >= 4,
                "{}: {} sessions",
                shape.label(),
                corpus.len()
            );
            let sizes: Vec<usize> = corpus.iter().map(|(_, s)| json_len(s)).collect();
            assert!(
                sizes[0] < 2048 && sizes[sizes.len() - 1] > 16 * 1024,
                "{sizes:?}"
            );
            assert_eq!(shape.session(7, 7), shape.session(7, 7));
        }
    }
}
