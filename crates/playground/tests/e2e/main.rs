//! The playground end to end, all in one test binary so the dependency tree links once:
//!
//! - `api`: the JSON API over HTTP, against the real binary on a free loopback port;
//! - `browser`: the page in a real headless Chromium, driven over WebDriver by chromedriver
//!   (it also takes the screenshot `docs/playground.png`);
//! - `flask`: the playground in Flask mode, sharing one cookie jar with a real Flask app;
//! - `nginx`: a real nginx in front, with the header limits `docs/DEPLOYMENT.md` describes.
//!
//! Every program these tests drive runs for real; a missing one fails its test with the
//! command that installs it.

mod common;

mod api;
mod browser;
mod flask;
mod nginx;
