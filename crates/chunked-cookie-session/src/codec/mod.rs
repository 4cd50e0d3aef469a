//! Wire formats: one module per format, each turning a session map into one token and back,
//! and describing how that token is laid out in cookies.
//!
//! A codec knows nothing of how tokens are split: it seals a whole session into one ASCII
//! token (binding the chunk count it is told) and opens one token back into a map. Each
//! format hands the chunk layer its [`Layout`] as a value; the chunk layer splits and joins
//! by it; the engine drives both.

pub(crate) mod compress;
pub(crate) mod entries;
mod envelope;
#[cfg(feature = "flask")]
pub(crate) mod flask;
pub(crate) mod header;
#[cfg(feature = "private")]
mod private;
mod shared;
mod signed;

pub(crate) use entries::Entries;
pub(crate) use shared::{Form, Meta, Opened, SealInput};

use crate::chunk::Layout;
use crate::config::SessionConfig;
use crate::error::SaveError;
use crate::keys::KeyRing;
use crate::reason::LoadReason;

/// The native formats' layout, for tools that read cookies without a key.
pub(crate) fn native_layout() -> &'static Layout {
    &envelope::LAYOUT
}

/// A session ready to seal, in the shape its format needs. Either way the token length is
/// known before the chunk count, so the chunk layer plans first and the codec seals after.
#[derive(Debug)]
pub(crate) enum Sealable<'k> {
    Signed(envelope::Prepared<'k>),
    #[cfg(feature = "private")]
    Private(envelope::Prepared<'k>),
    /// A finished token whose bytes do not depend on the chunk count (Flask's format).
    #[cfg(feature = "flask")]
    Text(String),
}

impl Sealable<'_> {
    /// The length of the token [`seal`](Self::seal) will return.
    pub(crate) fn token_len(&self) -> usize {
        match self {
            Sealable::Signed(prepared) => prepared.token_len,
            #[cfg(feature = "private")]
            Sealable::Private(prepared) => prepared.token_len,
            #[cfg(feature = "flask")]
            Sealable::Text(token) => token.len(),
        }
    }

    /// The token, binding `chunk_count` and the cookie name `name` where the format does.
    pub(crate) fn seal(self, chunk_count: usize, name: &str) -> String {
        match self {
            Sealable::Signed(prepared) => signed::seal(prepared, chunk_count, name),
            #[cfg(feature = "private")]
            Sealable::Private(prepared) => private::seal(prepared, chunk_count, name),
            #[cfg(feature = "flask")]
            Sealable::Text(token) => token,
        }
    }
}

/// The formats this build can read and write.
#[derive(Debug)]
pub(crate) enum Format {
    Signed(signed::SignedCodec),
    #[cfg(feature = "private")]
    Private(private::PrivateCodec),
    #[cfg(feature = "flask")]
    Flask(flask::FlaskCodec),
}

impl Format {
    /// The native signed format.
    pub(crate) fn signed(keys: KeyRing) -> Format {
        Format::Signed(signed::SignedCodec::new(keys))
    }

    /// The native private format.
    #[cfg(feature = "private")]
    pub(crate) fn private(keys: KeyRing) -> Format {
        Format::Private(private::PrivateCodec::new(keys))
    }

    /// A Flask application's format, under its settings.
    #[cfg(feature = "flask")]
    pub(crate) fn flask(settings: &flask::FlaskSettings) -> Format {
        Format::Flask(flask::FlaskCodec::new(settings))
    }

    /// The session lifetime, for formats whose settings fix it.
    pub(crate) fn lifetime(&self) -> Option<std::time::Duration> {
        match self {
            Format::Signed(_) => None,
            #[cfg(feature = "private")]
            Format::Private(_) => None,
            #[cfg(feature = "flask")]
            Format::Flask(codec) => Some(codec.lifetime()),
        }
    }

    /// How this format lays its token out in cookies.
    pub(crate) fn layout(&self) -> &Layout {
        match self {
            Format::Signed(_) => &envelope::LAYOUT,
            #[cfg(feature = "private")]
            Format::Private(_) => &envelope::LAYOUT,
            #[cfg(feature = "flask")]
            Format::Flask(codec) => codec.layout(),
        }
    }

    /// True when a session that verified with this meta must be written again even if the
    /// handler left it unchanged: the native formats re-seal what an old key sealed; Flask
    /// re-signs a permanent session on every request, as its `should_set_cookie` decides.
    pub(crate) fn needs_rewrite(&self, meta: &Meta) -> bool {
        match self {
            Format::Signed(codec) => codec.current_key_id() != meta.key_id,
            #[cfg(feature = "private")]
            Format::Private(codec) => codec.current_key_id() != meta.key_id,
            #[cfg(feature = "flask")]
            Format::Flask(codec) => codec.refreshes(meta),
        }
    }

    /// True for formats whose every write starts the lifetime again (Flask signs the write's
    /// time, and the lifetime runs from it); false for the native formats, whose absolute
    /// deadline is signed once, at the session's first write.
    pub(crate) fn restarts_lifetime(&self) -> bool {
        match self {
            Format::Signed(_) => false,
            #[cfg(feature = "private")]
            Format::Private(_) => false,
            #[cfg(feature = "flask")]
            Format::Flask(_) => true,
        }
    }

    /// Whether a response that does not write the session deletes the cookies this format
    /// refused. The native formats' cookies are this engine's own, so debris is cleaned;
    /// Flask's are shared with a Flask application, where a cookie this side refuses (a
    /// different secret, a clock ahead) may be a user's live session, and deleting it would
    /// log that user out of the Flask app too.
    pub(crate) fn clears_rejected(&self) -> bool {
        match self {
            Format::Signed(_) => true,
            #[cfg(feature = "private")]
            Format::Private(_) => true,
            #[cfg(feature = "flask")]
            Format::Flask(_) => false,
        }
    }

    /// For formats that keep the session's persistence as an entry of the session itself
    /// (Flask's `_permanent`), that entry's key.
    pub(crate) fn persistence_entry(&self) -> Option<&'static str> {
        match self {
            Format::Signed(_) => None,
            #[cfg(feature = "private")]
            Format::Private(_) => None,
            #[cfg(feature = "flask")]
            Format::Flask(_) => Some(flask::PERMANENT_KEY),
        }
    }

    /// What the session's entries say about its persistence, for formats that keep it there.
    #[cfg_attr(not(feature = "flask"), allow(unused_variables))]
    pub(crate) fn persistent_in(&self, entries: &Entries) -> Option<bool> {
        match self {
            Format::Signed(_) => None,
            #[cfg(feature = "private")]
            Format::Private(_) => None,
            #[cfg(feature = "flask")]
            Format::Flask(_) => flask::persistent_in(entries),
        }
    }

    /// Serializes a session for sealing.
    pub(crate) fn prepare(
        &self,
        input: &SealInput<'_>,
        config: &SessionConfig,
    ) -> Result<Sealable<'_>, SaveError> {
        match self {
            Format::Signed(codec) => codec.prepare(input, config).map(Sealable::Signed),
            #[cfg(feature = "private")]
            Format::Private(codec) => codec.prepare(input, config).map(Sealable::Private),
            #[cfg(feature = "flask")]
            Format::Flask(codec) => codec.prepare(input, config).map(Sealable::Text),
        }
    }

    /// Verifies and decodes one token that cookies named `name` carried, into entries of
    /// the `form` asked for.
    pub(crate) fn open(
        &self,
        token: &str,
        name: &str,
        now: u64,
        config: &SessionConfig,
        form: Form,
    ) -> Result<Opened, LoadReason> {
        match self {
            Format::Signed(codec) => codec.open(token, name, now, config, form),
            #[cfg(feature = "private")]
            Format::Private(codec) => codec.open(token, name, now, config, form),
            // Flask's signature does not cover the cookie name.
            #[cfg(feature = "flask")]
            Format::Flask(codec) => codec.open(token, now, config),
        }
    }
}
