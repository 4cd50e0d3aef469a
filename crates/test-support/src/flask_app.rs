//! A live Flask app: `flask/apps.py`, served by werkzeug on a free loopback port. Its
//! header lists the layouts and routes.

use std::process::{Command, Stdio};

use crate::process::{ChildGuard, announced};
use crate::python::{flask_script, python};

/// `apps.py` running in a child process, killed when dropped.
#[derive(Debug)]
pub struct FlaskApp {
    base: String,
    _process: ChildGuard,
}

impl FlaskApp {
    /// Starts `apps.py` with `layout` (`stock`, `recipe` or `fixed`), the app's
    /// `SECRET_KEY` and the signing salt, and returns once it listens.
    pub fn start(layout: &str, secret: &str, salt: &str) -> FlaskApp {
        let mut child = Command::new(python())
            .arg(flask_script("apps.py"))
            .args([layout, secret, salt])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start apps.py");
        let port = announced(&mut child, "PORT ");
        FlaskApp {
            base: format!("http://127.0.0.1:{port}"),
            _process: ChildGuard(child),
        }
    }

    /// The app's base URL, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The URL of `path` (which starts with `/`) on the app.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}
