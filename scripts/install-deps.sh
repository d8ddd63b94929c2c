#!/usr/bin/env bash
# Installs the Debian 12 packages Ordo needs to build and test. Idempotent and quick: it asks
# dpkg first and calls apt-get only for what is missing. Runs as root, or through sudo.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config ccache
  libasio-dev libssl-dev libfmt-dev libspdlog-dev nlohmann-json3-dev
  libsoci-dev libsqlite3-dev libpq-dev libsodium-dev libpugixml-dev libcli11-dev
  libtomlplusplus-dev libcurl4-openssl-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 python3-pytest python3-requests python3-jwt
  chromium fonts-dejavu-core openssl postgresql nginx-light wrk hyperfine clang-format clang-tidy-16
  sqlite3
  # make bench: the peers (Caddy; Node comes from npm), bcrypt for Caddy's hash, the chart,
  # perf for --profile
  caddy python3-bcrypt gnuplot-nox linux-perf
)
# Node.js and npm only when the machine has none (a newer one may already be installed).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
