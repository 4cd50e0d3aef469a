#!/usr/bin/env bash
# Runs every test of the workspace, installing first what the tests need on a fresh
# Debian machine: Chromium and its WebDriver for the browser test, nginx for the proxy
# test, and real Flask from PyPI (in .venv) as the oracle for the Flask format.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! .venv/bin/python -c 'import flask, itsdangerous' >/dev/null 2>&1; then
  echo "installing Flask and itsdangerous from PyPI into .venv"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check 'flask>=3.1.1,<3.2' 'itsdangerous>=2.2,<2.3'
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
for features in "" axum actix private flask tower-sessions actix-flash; do
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
