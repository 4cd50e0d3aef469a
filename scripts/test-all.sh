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

# Flask and itsdangerous are the oracle of the Flask format, Starlette and Django of the
# take-overs of theirs; pytest (below 9, which Flask 3.1's own tests/conftest.py does not
# run on), greenlet and mypy test the Python package, which maturin builds, with the
# frameworks, their servers and an HTTP client (the test extra of crates/python);
# Flask-Login checks the documented logout order.
if ! .venv/bin/python -c 'import flask, itsdangerous, pytest, greenlet, maturin, mypy, flask_login, starlette, fastapi, uvicorn, httpx, httpx2, django, gunicorn' >/dev/null 2>&1; then
  echo "installing Flask, Flask-Login, Starlette, FastAPI, Django, their servers, pytest, maturin and mypy from PyPI into .venv"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check 'flask>=3.1.1,<3.2' \
    'itsdangerous>=2.2,<2.3' 'pytest>=8.2,<9' 'greenlet>=3,<4' 'maturin>=1.9.4,<2' 'mypy>=1.10,<2' \
    'flask-login>=0.6.3,<0.7' \
    'starlette>=1.10,<1.11' 'fastapi>=0.165,<0.166' 'uvicorn>=0.55,<0.56' 'httpx>=0.28,<0.30' \
    'httpx2>=2.17,<2.18' 'django>=5.2,<5.3' 'gunicorn>=27,<28'
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
for features in "" axum actix private flask starlette django tower-sessions actix-flash redis; do
  step "clippy, chunked-cookie-session with features [${features}]"
  cargo clippy -p chunked-cookie-session --no-default-features ${features:+--features "$features"} \
    --lib --tests -- -D warnings
done

# Every public item's documentation builds without a warning (a broken link among them),
# with no feature, each feature alone and all of them, as docs.rs builds it.
for features in "" axum actix private flask tower-sessions actix-flash redis starlette django; do
  step "rustdoc, chunked-cookie-session with features [${features}]"
  RUSTDOCFLAGS="-D warnings" cargo doc -p chunked-cookie-session --no-deps --no-default-features \
    ${features:+--features "$features"}
done
step "rustdoc, chunked-cookie-session with every feature"
RUSTDOCFLAGS="-D warnings" cargo doc -p chunked-cookie-session --no-deps --all-features

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

# The wheel users install, where there is no Rust: built with the dev profile from what
# `maturin develop` compiled just above (seconds; `maturin build --release` is what users
# run, and compiles everything again with optimizations: minutes), with the sdist beside
# it, installed into a fresh virtual environment on a PATH without cargo or rustc, and
# tried there (crates/python/tests/wheel/smoke.py).
step "python package: the wheel, installed without Rust"
rm -rf target/wheels-test target/wheel-venv
.venv/bin/maturin build --quiet --profile dev -m crates/python/Cargo.toml --out target/wheels-test
.venv/bin/maturin sdist -m crates/python/Cargo.toml --out target/wheels-test >/dev/null
wheel=$(echo target/wheels-test/chunked_cookie_session-*-abi3-*.whl)
sdist=$(echo target/wheels-test/chunked_cookie_session-*.tar.gz)
python3 -m venv target/wheel-venv
clean_path="$PWD/target/wheel-venv/bin:/usr/local/bin:/usr/bin:/bin"
if env PATH="$clean_path" sh -c 'command -v cargo || command -v rustc'; then
  echo "cargo or rustc is still on the PATH the wheel is tried with"
  exit 1
fi
env PATH="$clean_path" target/wheel-venv/bin/pip install --quiet --disable-pip-version-check \
  "$wheel[flask,starlette,django]" 'httpx2>=2.17,<2.18'
(cd target && env -i HOME="$HOME" PATH="$clean_path" wheel-venv/bin/python \
  ../crates/python/tests/wheel/smoke.py "../$wheel" "../$sdist")
