//! The revocation store behind the engines, as Python reaches it.
//!
//! A store is process-wide state: the library's `MemoryRevocation` or `RedisRevocation`
//! (with its two threads and its Redis connections), built once per set of store settings
//! and shared by every engine that names them, whatever else their settings say. The
//! engines of a process are kept per settings value in Python, and tests change settings
//! often; the stores are kept here, so a new engine never means a new Redis connection.
//! [`close_stores`] (registered with `atexit` by the package) gives the queued revocations
//! their chance to reach Redis before the process ends; a process forked from one that had
//! stores builds its own (a fork copies no thread).
//!
//! Every rule is the library's: this module translates the settings, the calls and their
//! errors. Admin calls wait for their answer (at most the store's bound) with the GIL
//! released.
//!
//! Bottom up: `store_settings` (`StoreSettings`, the store they build, why a build fails),
//! `cache` (the stores this process built, one per settings; `obtain`, `close_stores`),
//! `advice` (the library's errors as the package's exceptions, in the framework's words),
//! `admin` (what every admin call shares: a session id read, the wait with the GIL
//! released, the device rows), `store` (`Store`, the pyclass).

mod admin;
mod advice;
mod cache;
mod store;
mod store_settings;

pub(crate) use admin::{DeviceRow, device_rows, session_id, wait};
pub(crate) use advice::Advice;
pub(crate) use cache::{Obtained, close_stores, obtain};
pub(crate) use store::Store;
pub(crate) use store_settings::StoreSettings;
