//! The Python that runs real Flask (and real Starlette and Django) for the tests, and the
//! scripts kept beside this crate.

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
    script("flask", name)
}

/// A script of the folder `dir` beside this crate.
fn script(dir: &str, name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join(name);
    assert!(path.is_file(), "no script {}", path.display());
    path
}

/// The Python interpreter that has Flask, itsdangerous and markupsafe: `FLASK_PYTHON`, or
/// `<workspace>/.venv/bin/python`. A test that needs it and cannot have it fails, saying
/// how to install it; it never skips.
pub fn python() -> PathBuf {
    static CHECKED: OnceLock<PathBuf> = OnceLock::new();
    let path = || {
        std::env::var_os("FLASK_PYTHON")
            .map_or_else(|| workspace_root().join(".venv/bin/python"), PathBuf::from)
    };
    checked(
        &CHECKED,
        path,
        "flask, itsdangerous, markupsafe",
        "Flask",
        INSTALL,
    )
}

/// The interpreter `path` gives, once it imports `modules`: a test that needs them and
/// cannot have them fails, saying what to install.
fn checked(
    cell: &OnceLock<PathBuf>,
    path: impl FnOnce() -> PathBuf,
    modules: &str,
    what: &str,
    install: &str,
) -> PathBuf {
    cell.get_or_init(|| {
        let path = path();
        let works = Command::new(&path)
            .args(["-c", &format!("import {modules}")])
            .output()
            .is_ok_and(|out| out.status.success());
        assert!(
            works,
            "this test runs real {what}, and {} cannot import it: {install}",
            path.display()
        );
        path
    })
    .clone()
}

/// How to get what the take-over tests need, for the message of a failed check.
const INSTALL_FRAMEWORKS: &str = "run ./scripts/test-all.sh from the workspace root (it \
     installs Starlette and Django into .venv), or `.venv/bin/pip install \
     'starlette>=1.10,<1.11' 'django>=5.2,<5.3'` beside Flask, or point FLASK_PYTHON at a \
     Python that has Flask, Starlette and Django installed";

/// A script of `frameworks/` beside this crate: `oracle.py`.
pub fn frameworks_script(name: &str) -> PathBuf {
    script("frameworks", name)
}

/// [`python()`], checked to import Starlette and Django too. A test that needs them and
/// cannot have them fails, saying how to install them; it never skips.
pub fn frameworks_python() -> PathBuf {
    static CHECKED: OnceLock<PathBuf> = OnceLock::new();
    checked(
        &CHECKED,
        python,
        "starlette.middleware.sessions, django.core.signing",
        "Starlette and Django",
        INSTALL_FRAMEWORKS,
    )
}
