//! The formats the behaviour suite runs on, each described by what a test needs to know of
//! it from docs/FORMAT.md and docs/FLASK.md, never from the engine's code: how to build an
//! engine, how its chunks are named, and what its token looks like on the wire.

use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
use serde_json::{Map, Value};

/// One wire format under test.
#[derive(Debug, Clone, Copy)]
pub struct Fixture {
    /// For failure messages.
    pub name: &'static str,
    make: fn(SessionConfig, u8, &[u8]) -> SessionEngine,
    pub naming: Naming,
    pub wire: Wire,
}

/// How chunks are named.
#[derive(Debug, Clone, Copy)]
pub struct Naming {
    /// Between the base name and the index: `session_1`, `session:1`.
    pub separator: char,
    /// Chunk 0 carries its index too (`session:0`) instead of the bare base name.
    pub index_first: bool,
    /// The most chunks the layout ever uses, whatever the configuration allows.
    pub max_chunks: usize,
}

/// What a token looks like, and how a reader finds its chunks.
#[derive(Debug, Clone, Copy)]
pub enum Wire {
    /// The native envelope: `base64url(header[33] || nonce || body || tag)`, the body
    /// opening with the session's identity (version 2). Chunk 0 opens with the header,
    /// whose third byte is the chunk count; characters 4..16 are the generation id, which
    /// every later chunk repeats first.
    Envelope {
        encrypted: bool,
        nonce_len: usize,
        tag_len: usize,
    },
    /// Flask's itsdangerous token, `PAYLOAD "." TS "." SIG`, compressed whenever zlib saves
    /// two bytes; chunks are joined in index order up to the first gap, with no manifest.
    #[cfg_attr(
        not(feature = "flask"),
        expect(dead_code, reason = "only the Flask fixture has this wire")
    )]
    Itsdangerous,
}

pub use test_support::forge::HEADER_LEN;

/// Bytes of the identity that opens a native (version 2) plaintext, for a session bound to
/// no subject: the id (16), its creation time (8), the subject's length (2).
pub const IDENTITY_LEN: usize = 26;
use test_support::forge::{Header, PREFIX, PREFIX_LEN, entries};

/// The secret of the native key numbered `byte`.
pub fn native_secret(byte: u8) -> [u8; 32] {
    [byte; 32]
}

/// The native key numbered `byte`.
pub fn key(byte: u8) -> Key {
    Key::from_secret(&native_secret(byte)).expect("a 32-byte secret is accepted")
}

fn ring(current: u8, old: &[u8]) -> KeyRing {
    old.iter().fold(KeyRing::new(key(current)), |ring, &byte| {
        ring.with_old_key(key(byte))
    })
}

const NATIVE: Naming = Naming {
    separator: '_',
    index_first: false,
    max_chunks: 64,
};

/// The native signed format (HMAC-SHA256).
pub fn signed() -> Fixture {
    Fixture {
        name: "signed",
        make: |config, current, old| SessionEngine::signed(config, ring(current, old)),
        naming: NATIVE,
        wire: Wire::Envelope {
            encrypted: false,
            nonce_len: 0,
            tag_len: 32,
        },
    }
}

/// The native private format (XChaCha20-Poly1305).
#[cfg(feature = "private")]
pub fn private() -> Fixture {
    Fixture {
        name: "private",
        make: |config, current, old| SessionEngine::private(config, ring(current, old)),
        naming: NATIVE,
        wire: Wire::Envelope {
            encrypted: true,
            nonce_len: 24,
            tag_len: 16,
        },
    }
}

/// The Flask secret numbered `byte`.
#[cfg(feature = "flask")]
pub fn flask_secret(byte: u8) -> String {
    format!("flask-secret-{byte}")
}

/// Flask's format in the chunked recipe's layout (`session:0`, `session:1`, …). Its
/// lifetime (`PERMANENT_SESSION_LIFETIME`) is the configuration's, so one configuration
/// means the same to every format.
#[cfg(feature = "flask")]
pub fn flask_chunked() -> Fixture {
    use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings, MAX_CHUNKS};
    Fixture {
        name: "flask-chunked",
        make: |config, current, old| {
            let settings = old.iter().fold(
                FlaskSettings::new(flask_secret(current))
                    .expect("a non-empty secret")
                    .layout(FlaskLayout::Chunked)
                    .max_age(config.lifetime()),
                |settings, &byte| settings.fallback(flask_secret(byte)),
            );
            SessionEngine::flask(config, settings)
        },
        naming: Naming {
            separator: ':',
            index_first: true,
            max_chunks: MAX_CHUNKS,
        },
        wire: Wire::Itsdangerous,
    }
}

impl Fixture {
    /// An engine of this format under `config`, with key 1.
    pub fn engine(&self, config: SessionConfig) -> SessionEngine {
        (self.make)(config, 1, &[])
    }

    /// An engine that seals with key `current` and also reads what the `old` keys sealed.
    pub fn engine_with_keys(
        &self,
        config: SessionConfig,
        current: u8,
        old: &[u8],
    ) -> SessionEngine {
        (self.make)(config, current, old)
    }

    /// The name an engine of this format gives a cookie the configuration does not name,
    /// under the default attributes (`Secure`, `Path=/`, no `Domain`): the native formats
    /// take the `__Host-` prefix, Flask's keeps Flask's name.
    pub fn base(&self) -> &'static str {
        match self.wire {
            Wire::Envelope { .. } => "__Host-session",
            Wire::Itsdangerous => "session",
        }
    }

    /// True for the native envelope formats.
    pub fn is_native(&self) -> bool {
        matches!(self.wire, Wire::Envelope { .. })
    }

    /// The name of chunk `index` of a session named `base`.
    pub fn chunk_name(&self, base: &str, index: usize) -> String {
        if index == 0 && !self.naming.index_first {
            base.to_owned()
        } else {
            format!("{base}{}{index}", self.naming.separator)
        }
    }

    /// The chunk index a cookie name stands for, by the exact-name rule: the base name,
    /// the separator, then a canonical decimal index (no sign, no leading zero, at most
    /// three digits). The configured limit is checked apart.
    pub fn index_of(&self, base: &str, name: &str) -> Option<usize> {
        let rest = name.strip_prefix(base)?;
        if rest.is_empty() {
            return (!self.naming.index_first).then_some(0);
        }
        let digits = rest.strip_prefix(self.naming.separator)?;
        let canonical = !digits.is_empty()
            && digits.len() <= 3
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        let index: usize = canonical.then(|| digits.parse().ok()).flatten()?;
        (index > 0 || self.naming.index_first).then_some(index)
    }

    /// How many chunks a session may use under `config`.
    pub fn chunk_limit(&self, config: &SessionConfig) -> usize {
        config.max_chunks().min(self.naming.max_chunks)
    }

    /// Characters every chunk after the first repeats from chunk 0.
    pub fn prefix_len(&self) -> usize {
        match self.wire {
            Wire::Envelope { .. } => PREFIX_LEN,
            Wire::Itsdangerous => 0,
        }
    }

    /// What the value of chunk `index` adds to the token: chunk 0 whole, a later chunk
    /// without its prefix.
    pub fn piece<'a>(&self, index: usize, value: &'a str) -> &'a str {
        if index == 0 {
            value
        } else {
            &value[self.prefix_len()..]
        }
    }

    /// The token that chunk values carry, given in index order.
    pub fn token<'a>(&self, values: impl IntoIterator<Item = &'a str>) -> String {
        values
            .into_iter()
            .enumerate()
            .map(|(index, value)| self.piece(index, value))
            .collect()
    }

    /// The token of `(name, value)` chunk pairs in index order.
    pub fn token_of_pairs(&self, pairs: &[(String, String)]) -> String {
        self.token(pairs.iter().map(|(_, value)| value.as_str()))
    }

    /// Cuts `token` (as long as the one `pairs` carry) where `pairs` were cut, every later
    /// chunk keeping its original prefix, as a client that edits the bytes would.
    pub fn resplit(&self, pairs: &[(String, String)], token: &str) -> Vec<(String, String)> {
        let mut at = 0;
        pairs
            .iter()
            .enumerate()
            .map(|(index, (name, value))| {
                let piece = self.piece(index, value);
                let prefix = &value[..value.len() - piece.len()];
                let cut = format!("{prefix}{}", &token[at..at + piece.len()]);
                at += piece.len();
                (name.clone(), cut)
            })
            .collect()
    }

    /// The generation id that chunk 0 announces, for formats that have one.
    pub fn generation<'a>(&self, chunk0: &'a str) -> Option<&'a str> {
        match self.wire {
            Wire::Envelope { .. } => Some(&chunk0[PREFIX]),
            Wire::Itsdangerous => None,
        }
    }

    /// True when a chunk value may hold `byte`: base64url, and Flask's `.` separators.
    pub fn value_byte(&self, byte: u8) -> bool {
        let base64url = byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_';
        base64url || (matches!(self.wire, Wire::Itsdangerous) && byte == b'.')
    }

    /// True when the format compresses what pays whatever the configuration says (Flask
    /// has no setting for it).
    pub fn always_compresses(&self) -> bool {
        matches!(self.wire, Wire::Itsdangerous)
    }

    /// True when every token has one spelling. Python's lenient base64 ignores the unused
    /// low bits of a final character, so two spellings of a Flask signature verify alike.
    pub fn strict_spelling(&self) -> bool {
        self.is_native()
    }

    /// The JSON the format serializes `map` to, in bytes.
    pub fn json_len(&self, map: &Map<String, Value>) -> usize {
        match self.wire {
            Wire::Envelope { .. } => serde_json::to_vec(&entries::store(map))
                .expect("serializable")
                .len(),
            #[cfg(feature = "flask")]
            Wire::Itsdangerous => {
                chunked_cookie_session::flask::to_json(&entries::store(map)).len()
            }
            #[cfg(not(feature = "flask"))]
            Wire::Itsdangerous => unreachable!("no Flask fixture without the flask feature"),
        }
    }

    /// What a reader makes of the JSON this format writes for the plain entries `map`, as
    /// the Rust API reads it back, computed apart from the engine; `None` when a reader
    /// refuses it. Every format stores `map` escaped (docs/FORMAT.md section 5: an object
    /// of one tag-like key is `{" di": {"<key>__": …}}`, one level deeper), and the Rust API
    /// reads the escape undone. The native formats write serde_json of that and read it
    /// back with serde_json's own limits (nesting among them). Flask's format reads it as
    /// Flask would (`from_json(to_json(stored))`, the library's documented
    /// canonicalization) and writes the form Flask itself writes for that, which must read
    /// back as itself.
    pub fn reread(&self, map: &Map<String, Value>) -> Option<Map<String, Value>> {
        let stored = entries::store(map);
        match self.wire {
            Wire::Envelope { .. } => {
                let text = serde_json::to_vec(&stored).expect("serializable");
                serde_json::from_slice(&text)
                    .ok()
                    .map(|read| entries::plain(&read))
            }
            #[cfg(feature = "flask")]
            Wire::Itsdangerous => {
                use chunked_cookie_session::flask::{from_json, to_json};
                let canonical = from_json(&to_json(&stored)).ok()?;
                let again = from_json(&to_json(&canonical)).ok()?;
                assert_eq!(again, canonical, "Flask's form is a fixed point");
                Some(entries::plain(&canonical))
            }
            #[cfg(not(feature = "flask"))]
            Wire::Itsdangerous => unreachable!("no Flask fixture without the flask feature"),
        }
    }

    /// The token length of a session whose JSON is `json_len` bytes, written uncompressed
    /// (bound to no subject; at a timestamp of four bytes, for Flask).
    pub fn plain_token_len(&self, json_len: usize) -> usize {
        match self.wire {
            Wire::Envelope {
                nonce_len, tag_len, ..
            } => b64_len(HEADER_LEN + nonce_len + IDENTITY_LEN + json_len + tag_len),
            Wire::Itsdangerous => b64_len(json_len) + 1 + b64_len(4) + 1 + b64_len(20),
        }
    }

    /// Whether a token was written compressed.
    pub fn is_compressed(&self, token: &str) -> bool {
        match self.wire {
            Wire::Envelope { .. } => Header::of_token(token).flags & 1 == 1,
            Wire::Itsdangerous => token.starts_with('.'),
        }
    }

    /// When the writer says the token was issued, in Unix seconds.
    pub fn issued_at(&self, token: &str) -> u64 {
        match self.wire {
            Wire::Envelope { .. } => Header::of_token(token).issued_at,
            Wire::Itsdangerous => test_support::forge::flask::timestamp(token),
        }
    }

    /// The last second at which the token still loads, under a configured `lifetime`: the
    /// native header signs its absolute deadline (`expires-at`, refused from that second
    /// on); Flask refuses a timestamp older than the lifetime, so its last second is the
    /// timestamp plus the lifetime.
    pub fn last_valid_second(&self, token: &str, lifetime: u64) -> u64 {
        match self.wire {
            Wire::Envelope { .. } => Header::of_token(token).expires_at - 1,
            Wire::Itsdangerous => test_support::forge::flask::timestamp(token) + lifetime,
        }
    }

    /// True when every write starts the lifetime again (Flask), false when the absolute
    /// deadline is signed once at a session's first write (native).
    pub fn restarts_lifetime(&self) -> bool {
        matches!(self.wire, Wire::Itsdangerous)
    }

    /// The entries a session holding `map` reads back with after a write: Flask keeps a
    /// permanent session's permanence as its `_permanent` entry.
    pub fn entries_after_write(
        &self,
        map: &Map<String, Value>,
        persistent: bool,
    ) -> Map<String, Value> {
        let mut entries = map.clone();
        if persistent && matches!(self.wire, Wire::Itsdangerous) {
            entries.insert("_permanent".to_owned(), Value::Bool(true));
        }
        entries
    }

    /// True when reading a persistent session writes it again, unchanged: Flask signs a
    /// permanent session afresh on every request (`SESSION_REFRESH_EACH_REQUEST`).
    pub fn refreshes_persistent_on_read(&self) -> bool {
        matches!(self.wire, Wire::Itsdangerous)
    }

    /// How a persistent cookie states its end: `Max-Age` (native) or `Expires` (Flask).
    pub fn states_expires(&self) -> bool {
        matches!(self.wire, Wire::Itsdangerous)
    }

    /// Whether a response that only reads a refused session deletes its cookies. The
    /// native formats' cookies are the engine's own and are cleaned (FORMAT.md); a Flask
    /// cookie the Rust side refuses is left in the browser, where it may be the Flask app's
    /// live session (FLASK.md, "Rejected cookies").
    pub fn cleans_rejected(&self) -> bool {
        matches!(self.wire, Wire::Envelope { .. })
    }

    /// The reason for a session whose later chunk is absent: the native manifest names
    /// it missing; without a manifest the join stops at the gap and the signature fails.
    pub fn missing_later_chunk(&self) -> LoadReason {
        match self.wire {
            Wire::Envelope { .. } => LoadReason::MissingChunk,
            Wire::Itsdangerous => LoadReason::BadSignature,
        }
    }
}

/// Unpadded base64 length of `bytes` bytes.
pub fn b64_len(bytes: usize) -> usize {
    (bytes * 4).div_ceil(3)
}
