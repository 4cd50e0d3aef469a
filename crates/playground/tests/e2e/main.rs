//! The playground end to end, all in one test binary so the dependency tree links once:
//!
//! - `api`: the JSON API over HTTP, against the real binary on a free loopback port;
//! - `browser`: the page in a real headless Chromium, driven over WebDriver by chromedriver
//!   (it also takes the screenshot `docs/playground.png`);
//! - `flask`: the playground in Flask mode, sharing one cookie jar with a real Flask app;
//! - `nginx`: a real nginx in front, with the header limits `docs/DEPLOYMENT.md` describes;
//! - `revocation`: log in, log out, sign out everywhere and the device list with the
//!   memory store (the default);
//! - `fleet`: two and three playgrounds on one real redis-server (each test starts its
//!   own on a free loopback port): logout on one refused on the others, sign out
//!   everywhere, the device list, a playground started later; Redis killed (each policy,
//!   every request timed against the staleness bound, never a 5xx on the session) and
//!   restarted from its append-only file.
//!
//! Every program these tests drive runs for real; a missing one fails its test with the
//! command that installs it.

mod common;

mod api;
mod browser;
mod flask;
mod fleet;
mod nginx;
mod revocation;
