//! The engine's format: a codec behind one indirect call per operation, its policy beside
//! it as a value, and the one road from a session to its cookie values (prepare, plan,
//! seal, split).

#[cfg(any(feature = "starlette", feature = "django"))]
use std::time::Duration;

#[cfg(feature = "django")]
use super::django::DjangoCodec;
#[cfg(feature = "flask")]
use super::flask::{FlaskCodec, FlaskSettings};
use super::policy::Policy;
#[cfg(feature = "private")]
use super::private::PrivateCodec;
use super::shared::{OpenInput, Opened, SealInput};
use super::signed::SignedCodec;
#[cfg(feature = "starlette")]
use super::starlette::StarletteCodec;
use super::wire::{Codec, Sealable};
use crate::chunk::{self, Layout, Limits};
use crate::config::SessionConfig;
use crate::error::SaveError;
use crate::keys::KeyRing;
use crate::reason::LoadReason;

/// A session sealed and cut into cookie values.
#[derive(Debug)]
pub(crate) struct Encoded {
    /// The value of every chunk, chunk 0 first.
    pub(crate) values: Vec<String>,
    /// Bytes the chunks take in the client's `Cookie` header, `; ` separators included.
    pub(crate) cookie_line: usize,
}

/// One of the formats this build can read and write.
#[derive(Debug)]
pub(crate) struct Format {
    policy: Policy,
    codec: Box<dyn Operations>,
}

impl Format {
    /// The native signed format.
    pub(crate) fn signed(keys: KeyRing) -> Format {
        Format::of(SignedCodec::new(keys))
    }

    /// The native private format.
    #[cfg(feature = "private")]
    pub(crate) fn private(keys: KeyRing) -> Format {
        Format::of(PrivateCodec::new(keys))
    }

    /// A Flask application's format, under its settings.
    #[cfg(feature = "flask")]
    pub(crate) fn flask(settings: &FlaskSettings) -> Format {
        Format::of(FlaskCodec::new(settings))
    }

    /// Starlette's `SessionMiddleware` cookie, signed with `secret` (and `salt`,
    /// itsdangerous's default when `None`), living `max_age`: read only.
    #[cfg(feature = "starlette")]
    pub(crate) fn starlette(secret: &[u8], salt: Option<&[u8]>, max_age: Duration) -> Format {
        Format::of(StarletteCodec::new(secret, salt, max_age))
    }

    /// Django's `signed_cookies` session cookie, signed with any of `secrets` (`SECRET_KEY`
    /// first, then its fallbacks), living `max_age`: read only.
    #[cfg(feature = "django")]
    pub(crate) fn django<'a>(secrets: impl Iterator<Item = &'a [u8]>, max_age: Duration) -> Format {
        Format::of(DjangoCodec::new(secrets, max_age))
    }

    fn of(codec: impl Codec) -> Format {
        Format {
            policy: codec.policy(),
            codec: Box::new(codec),
        }
    }

    /// The format's properties.
    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    /// How this format lays its token out in cookies.
    pub(crate) fn layout(&self) -> &'static Layout {
        self.policy.layout
    }

    /// Seals a session and cuts it into cookie values within `limits` (whose layout is this
    /// format's and whose base is the cookie name).
    ///
    /// # Errors
    ///
    /// What preparing refuses (a session no reader would accept back), and
    /// [`SaveError::Overflow`] or [`SaveError::AttributesTooLong`] from the plan.
    pub(crate) fn encode(
        &self,
        input: &SealInput<'_>,
        config: &SessionConfig,
        limits: &Limits<'_>,
    ) -> Result<Encoded, SaveError> {
        self.codec.encode(input, config, limits)
    }

    /// Verifies and decodes one token, into entries of the form the input asks for.
    ///
    /// # Errors
    ///
    /// The [`LoadReason`] the token is refused for.
    pub(crate) fn open(&self, token: &str, input: &OpenInput<'_>) -> Result<Opened, LoadReason> {
        self.codec.open(token, input)
    }
}

/// A codec's operations behind one indirect call each: [`Codec`] itself is not object safe
/// (its prepared session is a type of its own), so the whole write is one call.
trait Operations: std::fmt::Debug + Send + Sync {
    fn encode(
        &self,
        input: &SealInput<'_>,
        config: &SessionConfig,
        limits: &Limits<'_>,
    ) -> Result<Encoded, SaveError>;

    fn open(&self, token: &str, input: &OpenInput<'_>) -> Result<Opened, LoadReason>;
}

impl<C: Codec> Operations for C {
    fn encode(
        &self,
        input: &SealInput<'_>,
        config: &SessionConfig,
        limits: &Limits<'_>,
    ) -> Result<Encoded, SaveError> {
        encode(self, input, config, limits)
    }

    fn open(&self, token: &str, input: &OpenInput<'_>) -> Result<Opened, LoadReason> {
        Codec::open(self, token, input)
    }
}

/// The one road from a session to its cookie values: the codec prepares (the token length
/// is then known), the chunk layer plans the split, the codec seals binding the chunk
/// count, and the chunk layer cuts the token along the plan.
fn encode<C: Codec>(
    codec: &C,
    input: &SealInput<'_>,
    config: &SessionConfig,
    limits: &Limits<'_>,
) -> Result<Encoded, SaveError> {
    let prepared = codec.prepare(input, config, limits)?;
    let plan = chunk::plan(prepared.token_len(), limits)?;
    let token = prepared.seal(plan.pieces.len(), limits.base);
    let values = chunk::split(&token, &plan, limits.layout.prefix(&token));
    Ok(Encoded {
        values,
        cookie_line: plan.cookie_line,
    })
}
