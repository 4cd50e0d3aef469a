//! What the admin calls of a `Store` and of a session share: a session id read from its
//! text, the wait for the library's answer with the GIL released, and the device list as
//! the rows Python makes its `Device` of.

use chunked_cookie_session::revocation::{Device, Pending, RevocationError, SessionId};
use pyo3::prelude::*;

use crate::no_panic;

/// A session id from its text, or the error the package raises as `InvalidRevocation`.
pub(crate) fn session_id(text: &str) -> Result<SessionId, RevocationError> {
    text.parse::<SessionId>().map_err(RevocationError::from)
}

/// Waits for an admin call's answer (at most the store's bound), the GIL released.
pub(crate) fn wait<T: Send>(
    py: Python<'_>,
    pending: Pending<T>,
) -> PyResult<Result<T, RevocationError>> {
    py.detach(move || no_panic(|| Ok(pending.wait())))
}

/// A device the registry lists: `(session_id, created µs, last_seen s, user_agent,
/// expires_at s)`, what Python makes its `Device` of.
pub(crate) type DeviceRow = (String, u64, u64, String, u64);

/// The rows of a device list.
pub(crate) fn device_rows(devices: Vec<Device>) -> Vec<DeviceRow> {
    devices
        .into_iter()
        .map(|device| {
            (
                device.session_id.to_string(),
                device.created,
                device.last_seen,
                device.user_agent,
                device.expires_at,
            )
        })
        .collect()
}
