#!/usr/bin/env bash
# Runs every test of the workspace, installing first what the tests need on a fresh
# Debian machine: Chromium and its WebDriver for the browser test, nginx for the proxy
# test, redis-server for the revocation tests (each test run starts its own on a free
# loopback port; the package's own service is not used), and real Flask from PyPI (in
# .venv) as the oracle for the Flask format.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Flask and itsdangerous are the oracle of the Flask format; pytest (below 9, which Flask
# 3.1's own tests/conftest.py does not run on), greenlet and mypy test the Python package,
# which maturin builds; Flask-Login checks the documented logout order.
if ! .venv/bin/python -c 'import flask, itsdangerous, pytest, greenlet, maturin, mypy, flask_login' >/dev/null 2>&1; then
  echo "installing Flask, itsdangerous, pytest, greenlet, maturin, mypy and Flask-Login from PyPI into .venv"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check 'flask>=3.1.1,<3.2' \
    'itsdangerous>=2.2,<2.3' 'pytest>=8.2,<9' 'greenlet>=3,<4' 'maturin>=1.9.4,<2' 'mypy>=1.10,<2' \
    'flask-login>=0.6.3,<0.7'
fi
export FLASK_PYTHON="$PWD/.venv/bin/python"

step() { echo; echo "== $*"; }

step "formatting"
cargo fmt --all -- --check
# fuzz/ is a workspace of its own, built only by scripts/fuzz.sh (nightly); its format is
# checked here, and its findings are replayed by the fuzz-checks tests below.
cargo fmt --manifest-path fuzz/Cargo.toml -- --check

step "clippy, every feature"
cargo clippy --workspace --all-targets --all-features -- -D warnings

# The library is full of feature gates: each feature alone, and none, must build clean.
for features in "" axum actix private flask tower-sessions actix-flash redis; do
  step "clippy, chunked-cookie-session with features [${features}]"
  cargo clippy -p chunked-cookie-session --no-default-features ${features:+--features "$features"} \
    --lib --tests -- -D warnings
done

step "tests, chunked-cookie-session with no features"
cargo test -p chunked-cookie-session --no-default-features

step "tests, every feature"
# The comparison harness (crates/bench) has no tests; clippy checks it above, and it runs
# on its own: `cargo run --release -p bench`.
cargo test --workspace --all-features --exclude bench

# The Python package (crates/python): built into .venv with the dev profile, which reuses
# what the steps above compiled (`pip install ./crates/python` builds the same in release,
# as users install it), type-checked, then its pytest suite: the Flask extension against
# Flask's test client, live servers, the playground and the CLI, and Flask's own session
# tests from Flask's sdist (fetched into .venv/cache on the first run).
step "python package: build into .venv (maturin develop)"
VIRTUAL_ENV="$PWD/.venv" .venv/bin/maturin develop --quiet --profile dev -m crates/python/Cargo.toml

step "python package: mypy --strict"
(cd crates/python/python && ../../../.venv/bin/python -m mypy --strict chunked_cookie_session)

step "python package: pytest"
(cd crates/python && ../../.venv/bin/python -m pytest -q)
