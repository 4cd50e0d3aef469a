//! The wire format and its keys, as command-line options.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chunked_cookie_session::flask::FlaskLayout;
use chunked_cookie_session::{ConfigError, EngineOptions, KeyMaterial, Setting, WireFormat};
use clap::{Args, ValueEnum};
use zeroize::Zeroizing;

/// The wire formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The native format, signed with HMAC-SHA256.
    Signed,
    /// The native format, encrypted with XChaCha20-Poly1305.
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

impl From<Format> for WireFormat {
    fn from(format: Format) -> WireFormat {
        match format {
            Format::Signed => WireFormat::Signed,
            Format::Private => WireFormat::Private,
            Format::Flask => WireFormat::Flask,
        }
    }
}

impl FormatArgs {
    /// The engine options these flags describe, from the chosen format's defaults (the
    /// library's secure cookie, or Flask's own cookie for the Flask format); the caller
    /// adds its own flags (name, budget, lifetimes) and builds.
    ///
    /// # Errors
    ///
    /// A message naming the flag at fault: a key or secret file that cannot be read.
    pub fn options(&self, missing: MissingKey) -> Result<EngineOptions, String> {
        let mut options = EngineOptions::new(self.format.into());
        match self.format {
            Format::Signed | Format::Private => {
                options.key = self.key(missing)?;
                options.old_keys = self
                    .old_keys
                    .iter()
                    .map(|old| old.as_str().into())
                    .collect();
            }
            Format::Flask => {
                let from_file = self.secret_file.as_deref().map(read_secret).transpose()?;
                let secret = from_file
                    .as_deref()
                    .map(|text| text.strip_suffix('\n').unwrap_or(text))
                    .or(self.secret.as_deref());
                options.secret_key = secret.map(|text| Zeroizing::new(text.as_bytes().to_vec()));
                options.fallback_secrets = self
                    .fallback_secrets
                    .iter()
                    .map(|text| Zeroizing::new(text.as_bytes().to_vec()))
                    .collect();
                options.salt = Some(self.salt.as_bytes().to_vec());
                options.layout = self.layout.into();
                options.lifetime = self.max_age.map(Duration::from_secs);
            }
        }
        Ok(options)
    }

    /// True when a key (or, for Flask, a secret) was given.
    pub fn has_key(&self) -> bool {
        match self.format {
            Format::Flask => self.secret.is_some() || self.secret_file.is_some(),
            Format::Signed | Format::Private => self.key.is_some() || self.key_file.is_some(),
        }
    }

    /// The current key from `--key` (or `SESSION_KEY`, or `--key-file`), or a fresh one.
    fn key(&self, missing: MissingKey) -> Result<Option<KeyMaterial>, String> {
        let from_file = self.key_file.as_deref().map(read_secret).transpose()?;
        let text = from_file.as_deref().or(self.key.as_ref());
        Ok(match (text, missing) {
            (Some(text), _) => Some(text.as_str().into()),
            (None, MissingKey::Generate { announce }) => {
                announce();
                Some(chunked_cookie_session::generate_secret().into())
            }
            (None, MissingKey::Refuse) => None,
        })
    }

    /// How this tool spells a setting in a message: the flag (and the environment
    /// variable) that sets it, or what it is when no flag does.
    pub fn flag(&self, setting: Setting) -> String {
        match setting {
            Setting::Format => "--format",
            Setting::Key => "--key (or SESSION_KEY, --key-file)",
            Setting::OldKeys => "--old-key",
            Setting::SecretKey => "--secret (or FLASK_SECRET_KEY, --secret-file)",
            Setting::FallbackSecrets => "--fallback-secret",
            Setting::Salt => "--salt",
            Setting::Layout => "--layout",
            Setting::Name => "--name",
            Setting::MaxSize => "--max-size",
            Setting::MaxChunks => "--max-chunks",
            Setting::Lifetime if self.format == Format::Flask => "--max-age",
            Setting::Lifetime => "--lifetime",
            Setting::IdleTimeout => "--idle-timeout",
            other => return format!("the cookie's {} (not a flag of this tool)", other.code()),
        }
        .to_owned()
    }

    /// A configuration error, in this tool's words: a key refused or missing says once how
    /// to make one (the library's message says what a key must be, not how to make it).
    pub fn config_message(&self, err: &ConfigError) -> String {
        match err {
            ConfigError::Missing(Setting::Key) => format!(
                "a key is required: set SESSION_KEY, or give --key-file (or --key); {MAKE_A_KEY}"
            ),
            ConfigError::Missing(Setting::SecretKey) => "--format flask needs the Flask app's \
                SECRET_KEY: set FLASK_SECRET_KEY, or give --secret-file (or --secret)"
                .to_owned(),
            ConfigError::InvalidKey {
                setting: Setting::Key | Setting::OldKeys,
                ..
            } => format!(
                "{}; {MAKE_A_KEY}",
                err.message(|setting| self.flag(setting))
            ),
            _ => err.message(|setting| self.flag(setting)),
        }
    }
}

/// How to make a key, for every message about a missing or bad one.
const MAKE_A_KEY: &str = "make one with `cookie-session keygen` or `openssl rand -base64 32`";

/// A secret from a file, wiped from memory when dropped.
fn read_secret(path: &Path) -> Result<Zeroizing<String>, String> {
    std::fs::read_to_string(path)
        .map(Zeroizing::new)
        .map_err(|err| format!("cannot read {}: {err}", path.display()))
}
