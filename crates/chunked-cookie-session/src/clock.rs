//! The crate's one clock.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current time in Unix seconds, as the engine reads it when no clock is given
/// (`load` and `save` rather than `load_at` and `save_at`). A clock set before 1970 reads
/// as 0.
///
/// # Example
///
/// ```
/// let now = chunked_cookie_session::unix_now();
/// assert!(now > 1_700_000_000);
/// ```
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}
