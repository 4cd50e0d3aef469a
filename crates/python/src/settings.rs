//! The settings an engine is built from, as the Python side hands them over, and the
//! framework's spelling of each setting for the errors.
//!
//! [`EngineSettings`] is extracted by attribute name from the package's framework-neutral
//! `Settings` value (`chunked_cookie_session/_settings.py`) and translated field by field
//! into the library's [`EngineOptions`]; every check is the library's
//! ([`EngineOptions::build`]). [`Spelling`] says each [`Setting`] the framework's way
//! (`CHUNKED_SESSION_MAX_SIZE`), so a [`ConfigError`] raises the package's
//! `ConfigurationError` in the user's words, and a `SaveError` reads the same.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chunked_cookie_session::flask::FlaskLayout;
use chunked_cookie_session::{
    ConfigError, EngineOptions, KeyMaterial, SameSite, SessionEngine, Setting, Vocabulary,
    WireFormat,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use zeroize::Zeroizing;

use crate::no_panic;
use crate::revocation::{self, Obtained, StoreSettings};

pyo3::import_exception!(chunked_cookie_session._errors, ConfigurationError);

/// The library's options for a previous format, read under a cookie name, from the options
/// of the engine that takes its sessions over (`None` when they lack what it needs).
type Takeover = fn(&EngineOptions, &str) -> Option<EngineOptions>;

/// The previous formats an engine can take sessions over from, by the names Python gives
/// them (`Settings.migrate_from`, `Handle.migrated_from`).
const TAKEOVERS: [(&str, Takeover); 4] = [
    ("flask", |options, name| {
        options.flask_takeover(FlaskLayout::Stock, name)
    }),
    ("flask-chunked", |options, name| {
        options.flask_takeover(FlaskLayout::Chunked, name)
    }),
    ("starlette", EngineOptions::starlette_takeover),
    ("django", EngineOptions::django_takeover),
];

/// A value parsed by the library's own rule for its setting; a refused value is kept as
/// the library's error, for the translation to raise in the framework's spelling.
#[derive(Debug)]
pub(crate) struct Parsed<T>(Result<T, ConfigError>);

/// The library's parser of a setting's text.
trait ParseSetting: Sized {
    fn parse_setting(text: &str) -> Result<Self, ConfigError>;
}

impl ParseSetting for WireFormat {
    fn parse_setting(text: &str) -> Result<WireFormat, ConfigError> {
        text.parse()
    }
}

impl ParseSetting for FlaskLayout {
    fn parse_setting(text: &str) -> Result<FlaskLayout, ConfigError> {
        text.parse()
    }
}

impl ParseSetting for SameSite {
    fn parse_setting(text: &str) -> Result<SameSite, ConfigError> {
        EngineOptions::parse_same_site(text)
    }
}

impl<'py, T: ParseSetting> FromPyObject<'_, 'py> for Parsed<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Parsed<T>> {
        let text: String = obj.extract()?;
        Ok(Parsed(T::parse_setting(&text)))
    }
}

/// A key as Python holds it: base64 text (`str`) or the raw secret (`bytes`). Wiped
/// from memory when dropped, as the library's `KeyMaterial` is.
pub(crate) struct PyKey(KeyMaterial);

impl<'py> FromPyObject<'_, 'py> for PyKey {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<PyKey> {
        if let Ok(text) = obj.extract::<String>() {
            return Ok(PyKey(KeyMaterial::from(text)));
        }
        match obj.extract::<Vec<u8>>() {
            Ok(bytes) => Ok(PyKey(KeyMaterial::from(bytes))),
            Err(_) => Err(PyTypeError::new_err(format!(
                "a key is a str (base64) or bytes, not {}",
                obj.get_type().name()?
            ))),
        }
    }
}

/// A secret's bytes (a Flask `SECRET_KEY`), wiped from memory when dropped.
pub(crate) struct Secret(Zeroizing<Vec<u8>>);

impl<'py> FromPyObject<'_, 'py> for Secret {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Secret> {
        Ok(Secret(Zeroizing::new(obj.extract()?)))
    }
}

/// Everything an engine depends on, read by attribute name from the Python `Settings`.
/// `None` leaves the library's default for the format.
/// Never `Debug`: it holds the keys.
#[derive(FromPyObject)]
pub(crate) struct EngineSettings {
    format: Parsed<WireFormat>,
    key: Option<PyKey>,
    old_keys: Vec<PyKey>,
    secret_key: Option<Secret>,
    fallback_secrets: Vec<Secret>,
    salt: Option<Vec<u8>>,
    layout: Option<Parsed<FlaskLayout>>,
    name: String,
    path: String,
    domain: Option<String>,
    secure: bool,
    http_only: bool,
    same_site: Option<Parsed<SameSite>>,
    partitioned: bool,
    max_size: Option<usize>,
    max_chunks: Option<usize>,
    /// Seconds.
    lifetime: Option<u64>,
    /// Seconds.
    idle_timeout: Option<u64>,
    refresh_each_request: Option<bool>,
    expires_date: bool,
    migrate_from: Vec<String>,
    migrate_name: Option<String>,
    /// The revocation store, if any (`StoreSettings`).
    revocation: Option<StoreSettings>,
}

/// A built engine and what Python asks of it besides.
pub(crate) struct Built {
    pub(crate) engine: SessionEngine,
    pub(crate) flask: bool,
    /// The name of each previous format, in the order of the engine's migrations.
    pub(crate) migrations: Vec<&'static str>,
    /// The revocation store the engine checks sessions against.
    pub(crate) store: Option<Obtained>,
}

/// The previous formats `names` asks to take sessions over from. The names are the
/// package's own, never a user's: an unknown one is a mistake of the code that made the
/// settings.
fn takeovers(names: &[String]) -> PyResult<Vec<(&'static str, Takeover)>> {
    names
        .iter()
        .map(|wanted| {
            TAKEOVERS
                .iter()
                .find(|(name, _)| name == wanted)
                .copied()
                .ok_or_else(|| {
                    PyValueError::new_err(format!(
                        "migrate_from names {wanted:?}: the previous formats are {:?}",
                        TAKEOVERS.map(|(name, _)| name)
                    ))
                })
        })
        .collect()
}

impl EngineSettings {
    /// Builds the engine, raising the package's `ConfigurationError` in `spelling`'s words.
    ///
    /// With store settings, the engine gets the process's store for them, built first if
    /// this process has none yet (a Redis store waits for its first sync, at most its
    /// start-up wait, with the GIL released).
    pub(crate) fn build(mut self, py: Python<'_>, spelling: &Spelling) -> PyResult<Built> {
        let takeovers = takeovers(&self.migrate_from)?;
        let revocation = self.revocation.take();
        let (mut options, migrations) = self
            .translate(&takeovers)
            .map_err(|err| spelling.config_error(py, &err))?;
        let store = match revocation {
            None => None,
            Some(settings) => {
                let lifetime = options.session_lifetime();
                let obtained = py
                    .detach(move || no_panic(|| Ok(revocation::obtain(&settings, lifetime))))?
                    .map_err(|err| err.raise(py, spelling))?;
                options.revocation = Some(Arc::clone(&obtained.store));
                Some(obtained)
            }
        };
        Ok(Built {
            engine: options
                .build()
                .map_err(|err| spelling.config_error(py, &err))?,
            flask: options.format == WireFormat::Flask,
            migrations,
            store,
        })
    }

    /// The library's options, field for field, with the take-overs asked for.
    fn translate(
        self,
        takeovers: &[(&'static str, Takeover)],
    ) -> Result<(EngineOptions, Vec<&'static str>), ConfigError> {
        let mut options = EngineOptions::new(self.format.0?);
        options.key = self.key.map(|key| key.0);
        options.old_keys = self.old_keys.into_iter().map(|key| key.0).collect();
        options.secret_key = self.secret_key.map(|secret| secret.0);
        options.fallback_secrets = self.fallback_secrets.into_iter().map(|s| s.0).collect();
        options.salt = self.salt;
        if let Some(layout) = self.layout {
            options.layout = layout.0?;
        }
        options.name = Some(self.name.clone());
        options.path = self.path;
        options.domain = self.domain;
        options.secure = self.secure;
        options.http_only = self.http_only;
        options.same_site = self.same_site.map(|parsed| parsed.0).transpose()?;
        options.partitioned = self.partitioned;
        if let Some(max_size) = self.max_size {
            options.max_size = max_size;
        }
        options.max_chunks = self.max_chunks;
        options.lifetime = self.lifetime.map(Duration::from_secs);
        options.idle_timeout = self.idle_timeout.map(Duration::from_secs);
        options.refresh_each_request = self.refresh_each_request;
        options.expires_date = self.expires_date;
        let old_name = self.migrate_name.unwrap_or(self.name);
        let mut names = Vec::new();
        for (name, takeover) in takeovers {
            if let Some(previous) = takeover(&options, &old_name) {
                options.migrations.push(previous);
                names.push(*name);
            }
        }
        Ok((options, names))
    }
}

/// The framework's name for each setting, and what to advise when a required one is
/// missing, as the Python `Spelling` holds them (dicts keyed by `Setting.code()`).
#[derive(Debug, FromPyObject)]
struct SpellingArg {
    names: HashMap<String, String>,
    advice: HashMap<String, String>,
    extra: HashMap<String, String>,
}

/// The framework's spelling of the settings.
#[derive(Debug)]
pub(crate) struct Spelling {
    names: HashMap<Setting, String>,
    advice: HashMap<Setting, String>,
    /// The binding's own settings, which the library has no [`Setting`] for (the
    /// revocation store's), by their codes.
    extra: HashMap<String, String>,
}

impl<'py> FromPyObject<'_, 'py> for Spelling {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Spelling> {
        let arg: SpellingArg = obj.extract()?;
        let by_setting = |table: HashMap<String, String>| {
            table
                .into_iter()
                .map(|(code, text)| match Setting::from_code(&code) {
                    Some(setting) => Ok((setting, text)),
                    None => Err(PyValueError::new_err(format!(
                        "the spelling names {code:?}, which is no setting's code"
                    ))),
                })
                .collect::<PyResult<HashMap<_, _>>>()
        };
        Ok(Spelling {
            names: by_setting(arg.names)?,
            advice: by_setting(arg.advice)?,
            extra: arg.extra,
        })
    }
}

/// Messages name settings the framework's way, and give one a value as Python code does
/// (`CHUNKED_SESSION_FLASK_LAYOUT = "chunked"`).
impl Vocabulary for Spelling {
    fn name(&self, setting: Setting) -> String {
        self.spell(setting)
    }

    fn assign(&self, setting: Setting, value: &str) -> String {
        format!("{} = {value:?}", self.spell(setting))
    }
}

impl Spelling {
    /// The framework's name of `setting`, or its code when the framework has none.
    pub(crate) fn spell(&self, setting: Setting) -> String {
        self.names
            .get(&setting)
            .cloned()
            .unwrap_or_else(|| setting.code().to_owned())
    }

    /// The framework's name of one of the binding's own settings, or its code.
    pub(crate) fn extra(&self, code: &str) -> String {
        self.extra
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    /// Each setting spelled.
    pub(crate) fn spell_all(&self, settings: Vec<Setting>) -> Vec<String> {
        settings.into_iter().map(|s| self.spell(s)).collect()
    }

    /// The package's `ConfigurationError` for `err`: the library's message in the
    /// framework's words, with the framework's advice for the setting at fault, once, when
    /// it is missing or holds a key that cannot be used (the library says what a key must
    /// be, not how to make one), the error's `code`, and the settings it names.
    pub(crate) fn config_error(&self, py: Python<'_>, err: &ConfigError) -> PyErr {
        let settings = err.settings();
        let mut message = err.message(|setting| self.spell(setting));
        let advice = settings.first().and_then(|first| self.advice.get(first));
        match (advice, err.code()) {
            (Some(advice), "missing") => message = format!("{message}: {advice}"),
            (Some(advice), "invalid-key") => message = format!("{message}; {advice}"),
            _ => {}
        }
        let codes = settings.iter().map(|s| s.code().to_owned()).collect();
        self.raise_configuration(py, &message, err.code(), self.spell_all(settings), codes)
    }

    /// The package's `ConfigurationError` for a setting of the binding's own (the
    /// revocation store's), which the library's `ConfigError` does not name.
    pub(crate) fn configuration_error(
        &self,
        py: Python<'_>,
        message: &str,
        code: &str,
        setting: (&str, String),
    ) -> PyErr {
        let (setting_code, name) = setting;
        self.raise_configuration(py, message, code, vec![name], vec![setting_code.to_owned()])
    }

    fn raise_configuration(
        &self,
        py: Python<'_>,
        message: &str,
        code: &str,
        settings: Vec<String>,
        codes: Vec<String>,
    ) -> PyErr {
        let raised = || -> PyResult<PyErr> {
            let kwargs = PyDict::new(py);
            kwargs.set_item("code", code)?;
            kwargs.set_item("settings", settings)?;
            kwargs.set_item("setting_codes", codes)?;
            let error = py
                .get_type::<ConfigurationError>()
                .call((message,), Some(&kwargs))?;
            Ok(PyErr::from_value(error))
        };
        raised().unwrap_or_else(|failed| failed)
    }
}
