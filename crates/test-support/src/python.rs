//! The Python that runs real Flask for the tests, and the Flask scripts kept beside this
//! crate.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// How to get what the Flask tests need, for the message of a failed check.
const INSTALL: &str = "run ./scripts/test-all.sh from the workspace root (it installs Flask \
     into .venv), or `python3 -m venv .venv && .venv/bin/pip install 'flask>=3.1.1,<3.2' \
     'itsdangerous>=2.2,<2.3'`, or point FLASK_PYTHON at a Python that has Flask installed";

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// A script of `flask/` beside this crate: `oracle.py` or `apps.py`.
pub fn flask_script(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("flask")
        .join(name);
    assert!(path.is_file(), "no Flask script {}", path.display());
    path
}

/// The Python interpreter that has Flask, itsdangerous and markupsafe: `FLASK_PYTHON`, or
/// `<workspace>/.venv/bin/python`. A test that needs it and cannot have it fails, saying
/// how to install it; it never skips.
pub fn python() -> PathBuf {
    static CHECKED: OnceLock<PathBuf> = OnceLock::new();
    if let Some(path) = CHECKED.get() {
        return path.clone();
    }
    let path = std::env::var_os("FLASK_PYTHON")
        .map_or_else(|| workspace_root().join(".venv/bin/python"), PathBuf::from);
    let works = Command::new(&path)
        .args(["-c", "import flask, itsdangerous, markupsafe"])
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        works,
        "this test runs real Flask, and {} cannot import it: {INSTALL}",
        path.display()
    );
    CHECKED.get_or_init(|| path).clone()
}
