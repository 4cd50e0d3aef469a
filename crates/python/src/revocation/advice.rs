//! The library's revocation errors as the package's exceptions, in the framework's words:
//! a store that could not be built as `ConfigurationError` naming the setting at fault, a
//! failed admin call as `RevocationError`, `RevocationUnconfirmed` or `InvalidRevocation`
//! with its `code`.

use chunked_cookie_session::Setting;
use chunked_cookie_session::revocation::{IdentityError, OptionsError, RevocationError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::store_settings::{
    NAMESPACE, POLICY, REGISTRY, STALENESS_BOUND, STARTUP_WAIT, StoreError, TIMEOUT,
};
use crate::settings::Spelling;

/// The package's exceptions for revocation (`chunked_cookie_session._errors`).
mod raised {
    pyo3::import_exception!(chunked_cookie_session._errors, RevocationError);
    pyo3::import_exception!(chunked_cookie_session._errors, RevocationUnconfirmed);
    pyo3::import_exception!(chunked_cookie_session._errors, InvalidRevocation);
}

impl StoreError {
    /// The package's `ConfigurationError`, naming the setting at fault as the framework
    /// does. A URL is never quoted: it may hold a password.
    pub(crate) fn raise(self, py: Python<'_>, spelling: &Spelling) -> PyErr {
        let revocation = Setting::Revocation.code();
        let (code, setting, message) = match self {
            StoreError::NotAStore => {
                let name = spelling.spell(Setting::Revocation);
                let message = format!(
                    "{name} must be \"memory\" or a Redis URL (redis://[:PASSWORD@]HOST:PORT[/DB])"
                );
                ("unknown-value", revocation, message)
            }
            StoreError::Policy(policy) => {
                let name = spelling.extra(POLICY);
                let message =
                    format!("{name} is {policy:?}: it must be \"fail-closed\" or \"fail-open\"");
                ("unknown-value", POLICY, message)
            }
            StoreError::Options(error) => options_error(&error, spelling),
        };
        let name = match setting {
            code if code == revocation => spelling.spell(Setting::Revocation),
            code if code == Setting::Lifetime.code() => spelling.spell(Setting::Lifetime),
            code => spelling.extra(code),
        };
        spelling.configuration_error(py, &message, code, (setting, name))
    }
}

/// An `OptionsError` in the framework's words: the error's code, the code of the setting at
/// fault, the message.
fn options_error(
    error: &OptionsError,
    spelling: &Spelling,
) -> (&'static str, &'static str, String) {
    let revocation = Setting::Revocation.code();
    match error {
        OptionsError::Duration {
            name,
            given,
            min,
            max,
        } => {
            let (setting, spelled) = match *name {
                "staleness_bound" => (STALENESS_BOUND, spelling.extra(STALENESS_BOUND)),
                "startup_wait" => (STARTUP_WAIT, spelling.extra(STARTUP_WAIT)),
                "write_timeout" => (TIMEOUT, spelling.extra(TIMEOUT)),
                _ => (Setting::Lifetime.code(), spelling.spell(Setting::Lifetime)),
            };
            let message = format!("{spelled} is {given:?}: it must be between {min:?} and {max:?}");
            ("out-of-range", setting, message)
        }
        OptionsError::Namespace(_) => (
            "invalid-namespace",
            NAMESPACE,
            format!("{}: {error}", spelling.extra(NAMESPACE)),
        ),
        OptionsError::RegistryCap(_) => (
            "out-of-range",
            REGISTRY,
            format!("{}: {error}", spelling.extra(REGISTRY)),
        ),
        OptionsError::Url(_) => (
            "invalid-url",
            revocation,
            format!("{}: {error}", spelling.spell(Setting::Revocation)),
        ),
        _ => (
            "store",
            revocation,
            format!("{}: {error}", spelling.spell(Setting::Revocation)),
        ),
    }
}

/// What an error says to do, in the framework's words.
#[derive(Debug, Clone)]
pub(crate) struct Advice {
    /// The framework's name of the revocation setting.
    revocation: String,
    /// The framework's name of the registry setting.
    registry: String,
}

impl Advice {
    pub(crate) fn new(spelling: &Spelling) -> Advice {
        Advice {
            revocation: spelling.spell(Setting::Revocation),
            registry: spelling.extra(REGISTRY),
        }
    }

    /// The package's exception for a failed admin call: `RevocationUnconfirmed` when the
    /// revocation applies in this process but Redis has not taken it (yet),
    /// `InvalidRevocation` (a `ValueError` too) for a subject, an id or a time that is not
    /// one, `RevocationError` otherwise; each with its `code`.
    pub(crate) fn error(&self, py: Python<'_>, error: &RevocationError) -> PyErr {
        let (code, message) = match error {
            RevocationError::Unconfirmed(_) => ("unconfirmed", error.to_string()),
            RevocationError::QueueFull(_) => ("queue-full", error.to_string()),
            RevocationError::TimedOut(_) => ("timed-out", error.to_string()),
            RevocationError::RegistryDisabled => (
                "registry-disabled",
                format!(
                    "the device registry is off: turn it on with {} (beside {})",
                    self.registry, self.revocation
                ),
            ),
            RevocationError::NotConfigured => (
                "not-configured",
                format!(
                    "no revocation store is configured: set {} to \"memory\" or a Redis URL",
                    self.revocation
                ),
            ),
            RevocationError::NoSubject => (
                "no-subject",
                "the session is bound to no subject: bind one at login (session.subject = \
                 the user's id)"
                    .to_owned(),
            ),
            RevocationError::Identity(identity) => (identity_code(identity), error.to_string()),
            RevocationError::FutureEpoch => ("future-epoch", error.to_string()),
            RevocationError::Closed => ("closed", error.to_string()),
            RevocationError::Store(_) => ("store", error.to_string()),
            _ => ("revocation", error.to_string()),
        };
        let raised = || -> PyResult<PyErr> {
            let class = match code {
                "unconfirmed" | "queue-full" => py.get_type::<raised::RevocationUnconfirmed>(),
                "bad-session-id" | "empty-subject" | "subject-too-long" | "subject-control"
                | "future-epoch" => py.get_type::<raised::InvalidRevocation>(),
                _ => py.get_type::<raised::RevocationError>(),
            };
            let kwargs = PyDict::new(py);
            kwargs.set_item("code", code)?;
            Ok(PyErr::from_value(
                class.call((message.as_str(),), Some(&kwargs))?,
            ))
        };
        raised().unwrap_or_else(|failed| failed)
    }
}

/// The code of an identity error.
fn identity_code(error: &IdentityError) -> &'static str {
    match error {
        IdentityError::BadSessionId => "bad-session-id",
        IdentityError::EmptySubject => "empty-subject",
        IdentityError::SubjectTooLong(_) => "subject-too-long",
        IdentityError::SubjectControl => "subject-control",
        _ => "random",
    }
}
