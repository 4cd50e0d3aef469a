//! What every wire format does, as a small trait: seal a session into one token in two
//! steps (prepare, then seal once the chunk count is known) and open one token back. Its
//! properties are a [`Policy`] value beside it.

use std::fmt::Debug;

use super::policy::Policy;
use super::shared::{OpenInput, Opened, SealInput};
use crate::chunk::Limits;
use crate::config::SessionConfig;
use crate::error::SaveError;
use crate::reason::LoadReason;

/// A wire format: the native signed and private formats, Flask's.
pub(crate) trait Codec: Debug + Send + Sync + 'static {
    /// A session serialized and ready to seal.
    type Prepared<'a>: Sealable
    where
        Self: 'a;

    /// The format's properties, read once when the format is built.
    fn policy(&self) -> Policy;

    /// Serializes a session for sealing; every limit a reader enforces is checked here.
    /// `limits` are those the token will be cut within, for a decision that depends on the
    /// cookies a token takes (the native formats' compression).
    ///
    /// # Errors
    ///
    /// A [`SaveError`] for a session no reader would accept back.
    fn prepare(
        &self,
        input: &SealInput<'_>,
        config: &SessionConfig,
        limits: &Limits<'_>,
    ) -> Result<Self::Prepared<'_>, SaveError>;

    /// Verifies and decodes one token, into entries of the form the input asks for.
    ///
    /// # Errors
    ///
    /// The [`LoadReason`] the token is refused for.
    fn open(&self, token: &str, input: &OpenInput<'_>) -> Result<Opened, LoadReason>;
}

/// A prepared session. Its token length is known before the chunk count, so the chunk layer
/// plans first and the codec seals after.
pub(crate) trait Sealable {
    /// The length of the token [`seal`](Self::seal) will return.
    fn token_len(&self) -> usize;

    /// The token, binding `chunk_count` and the cookie name `name` where the format does.
    fn seal(self, chunk_count: usize, name: &str) -> String;
}

/// A token whose bytes do not depend on the chunk count (Flask's format) is sealed already.
impl Sealable for String {
    fn token_len(&self) -> usize {
        self.len()
    }

    fn seal(self, _: usize, _: &str) -> String {
        self
    }
}
