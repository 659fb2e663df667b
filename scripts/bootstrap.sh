#!/usr/bin/env bash
# Install everything brinkwatch needs into .venv (idempotent). With --browser, also Debian's
# Chromium and ChromeDriver for the browser tests (needs root or sudo; apt is the only source:
# browser downloads by test tools do not work on our machines).
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

need() { command -v "$1" >/dev/null 2>&1 || { echo "missing prerequisite: $1 ($2)" >&2; exit 1; }; }
# rustup's cargo, also when ~/.cargo/bin is not on PATH (as in some CI jobs)
export PATH="$HOME/.cargo/bin:$PATH"
need python3 "Python >= 3.11"
need cargo "Rust's cargo (rustup), to build the engine in native/"
need java "Java 17+, for the local Kafka broker"
need mvn "Maven, to fetch Kafka's jars from Maven Central"

# Checkouts from before the one engine may hold mypyc builds of app/domain: Python would load
# them before the sources, so they go (the engine itself is app/_native*.so, not under domain).
find app/domain -name '*.so' -delete 2>/dev/null || true

stamp=.venv/.brinkwatch-installed
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Reinstall only when the pins changed: keeps `make test` fast on a warm machine. The install
# builds the engine (native/, Rust) with maturin, the build backend in pyproject.toml; after
# that `make engine` rebuilds it when native/ changes.
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  echo "installing brinkwatch and building its engine (cargo, about two minutes the first time)..."
  .venv/bin/python -m pip install --quiet -c requirements.lock -e '.[dev]'
  touch "$stamp" .venv/.brinkwatch-engine
fi

if [ "$want_browser" = 1 ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  echo "installing Debian's chromium and chromium-driver for the browser tests..."
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver >/dev/null
fi
