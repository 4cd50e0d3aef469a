//! The wire format and its keys, as command-line options.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings};
use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionConfigBuilder, SessionEngine};
use clap::{Args, ValueEnum};
use zeroize::Zeroizing;

/// The wire formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The native v1 format, signed with HMAC-SHA256.
    Signed,
    /// The native v1 format, encrypted with XChaCha20-Poly1305.
    Private,
    /// Flask's session cookie (itsdangerous, tagged JSON), stock or chunked, so a Flask app
    /// on the same host shares its sessions.
    Flask,
}

/// Flask cookie layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Layout {
    /// One cookie, as Flask writes it.
    Stock,
    /// `session:0`, `session:1`, …, as the chunked recipe writes it.
    Chunked,
}

impl From<Layout> for FlaskLayout {
    fn from(layout: Layout) -> FlaskLayout {
        match layout {
            Layout::Stock => FlaskLayout::Stock,
            Layout::Chunked => FlaskLayout::Chunked,
        }
    }
}

/// Which format, and the keys it needs.
#[derive(Debug, Clone, Args)]
pub struct FormatArgs {
    /// Wire format.
    #[arg(long, value_enum, default_value_t = Format::Signed)]
    pub format: Format,
    /// The current key: 32 or more random bytes in base64 or base64url, as
    /// `cookie-session keygen` or `openssl rand -base64 32` print them. Prefer the
    /// SESSION_KEY environment variable or --key-file: a key on the command line is visible
    /// to every user of the machine (in `ps`) and stays in the shell's history.
    #[arg(
        long,
        env = "SESSION_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub key: Option<String>,
    /// A file holding the current key (surrounding whitespace is ignored).
    #[arg(long = "key-file", value_name = "PATH", conflicts_with = "key")]
    pub key_file: Option<PathBuf>,
    /// An older key still accepted for reading; repeat for several.
    #[arg(long = "old-key", allow_hyphen_values = true)]
    pub old_keys: Vec<String>,
    /// Flask: the app's SECRET_KEY. Prefer the FLASK_SECRET_KEY environment variable or
    /// --secret-file, for the reasons given under --key.
    #[arg(
        long,
        env = "FLASK_SECRET_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub secret: Option<String>,
    /// Flask: a file holding the app's SECRET_KEY (one trailing newline is ignored).
    #[arg(long = "secret-file", value_name = "PATH", conflicts_with = "secret")]
    pub secret_file: Option<PathBuf>,
    /// Flask: an entry of SECRET_KEY_FALLBACKS, accepted for reading; repeat for several.
    #[arg(long = "fallback-secret", allow_hyphen_values = true)]
    pub fallback_secrets: Vec<String>,
    /// Flask: the signing salt.
    #[arg(long, default_value = "cookie-session")]
    pub salt: String,
    /// Flask: PERMANENT_SESSION_LIFETIME in seconds, the oldest signature accepted
    /// (default 31 days).
    #[arg(long = "max-age")]
    pub max_age: Option<u64>,
    /// Flask: the cookie layout.
    #[arg(long, value_enum, default_value_t = Layout::Stock)]
    pub layout: Layout,
}

/// What to do when the native formats are asked for and no key was given.
#[derive(Debug, Clone, Copy)]
pub enum MissingKey {
    /// Refuse: the sessions to read were sealed with a key the user must name.
    Refuse,
    /// Make a fresh key (sessions then die with the process).
    Generate {
        /// Called first, to tell the user so.
        announce: fn(),
    },
}

impl FormatArgs {
    /// The configuration builder this format starts from: the library's secure defaults,
    /// or Flask's own cookie defaults for the Flask format.
    pub fn config_builder(&self) -> SessionConfigBuilder {
        match self.format {
            Format::Flask => SessionConfig::flask_defaults(),
            Format::Signed | Format::Private => SessionConfig::builder(),
        }
    }

    /// The engine these options describe under `config`.
    ///
    /// # Errors
    ///
    /// A message naming the option at fault: a key that does not decode, a missing key
    /// or secret.
    pub fn engine(
        &self,
        config: SessionConfig,
        missing: MissingKey,
    ) -> Result<SessionEngine, String> {
        Ok(match self.format {
            Format::Signed => SessionEngine::signed(config, self.key_ring(missing)?),
            Format::Private => SessionEngine::private(config, self.key_ring(missing)?),
            Format::Flask => SessionEngine::flask(config, self.flask_settings()?),
        })
    }

    /// True when a key (or, for Flask, a secret) was given.
    pub fn has_key(&self) -> bool {
        match self.format {
            Format::Flask => self.secret.is_some() || self.secret_file.is_some(),
            Format::Signed | Format::Private => self.key.is_some() || self.key_file.is_some(),
        }
    }

    /// The key ring from `--key` (or `SESSION_KEY`, or `--key-file`) and every `--old-key`.
    fn key_ring(&self, missing: MissingKey) -> Result<KeyRing, String> {
        let from_file = self.key_file.as_deref().map(read_secret).transpose()?;
        let text = from_file
            .as_deref()
            .map(String::as_str)
            .or(self.key.as_deref());
        let current = match (text, missing) {
            (Some(text), _) => parse_key(text, "--key (or SESSION_KEY, --key-file)")?,
            (None, MissingKey::Generate { announce }) => {
                announce();
                Key::try_generate().map_err(|err| format!("generating a key: {err}"))?
            }
            (None, MissingKey::Refuse) => {
                return Err(
                    "a key is required: set SESSION_KEY, or give --key-file (or \
                            --key); make one with `cookie-session keygen`"
                        .to_owned(),
                );
            }
        };
        let mut ring = KeyRing::new(current);
        for old in &self.old_keys {
            ring = ring.with_old_key(parse_key(old, "--old-key")?);
        }
        Ok(ring)
    }

    /// Flask's settings from `--secret` (or `FLASK_SECRET_KEY`) and its companions.
    fn flask_settings(&self) -> Result<FlaskSettings, String> {
        let from_file = self.secret_file.as_deref().map(read_secret).transpose()?;
        let secret = from_file
            .as_deref()
            .map(|text| text.strip_suffix('\n').unwrap_or(text))
            .or(self.secret.as_deref())
            .ok_or_else(|| {
                "--format flask needs the Flask app's SECRET_KEY: set FLASK_SECRET_KEY, or \
                 give --secret-file (or --secret)"
                    .to_owned()
            })?;
        let mut settings = FlaskSettings::new(secret)
            .map_err(|err| format!("--secret: {err}"))?
            .salt(&self.salt)
            .layout(self.layout.into());
        for fallback in &self.fallback_secrets {
            settings = settings.fallback(fallback);
        }
        if let Some(seconds) = self.max_age {
            settings = settings.max_age(Duration::from_secs(seconds));
        }
        Ok(settings)
    }
}

fn parse_key(text: &str, option: &str) -> Result<Key, String> {
    Key::from_base64(text).map_err(|err| format!("{option}: {err}"))
}

/// A secret from a file, wiped from memory when dropped.
fn read_secret(path: &Path) -> Result<Zeroizing<String>, String> {
    std::fs::read_to_string(path)
        .map(Zeroizing::new)
        .map_err(|err| format!("cannot read {}: {err}", path.display()))
}
