#!/usr/bin/env bash
# guidechat set-up on Debian 12, as root. Idempotent: installs only what is
# missing, then builds.
#
#   deploy/setup.sh run    install, build the server only, start it on http://127.0.0.1:8080
#   deploy/setup.sh test   install, build and run every test (what CI runs)
#   deploy/setup.sh build  install and build only
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mode=${1:-run}
jobs=$(nproc)

# Packages to build and run guidechat; pandoc and poppler-utils (pdftotext)
# are what `guidechat import` reads documents with, at the clinic;
# wordnet-base is what lang/lay-synonyms.txt is made from
# (tool/make-wordnet-synonyms.py).
build_pkgs=(build-essential cmake pkg-config libboost-dev libsqlite3-dev nlohmann-json3-dev
            catch2 libcli11-dev libspdlog-dev libssl-dev libjemalloc-dev libstemmer-dev
            pandoc poppler-utils wordnet-base)
# Extra packages for the tests: browser, reverse proxy, fuzzing, graphs, the
# word lists lang/english-*.txt are made from (tool/make-english-words.py),
# the import tests' converters (pandoc, pdftotext; chromium prints the PDF).
test_pkgs=(chromium nginx clang-14 libclang-rt-14-dev graphviz openssl curl procps scowl
           pandoc poppler-utils)

need_install() {
  local missing=()
  for p in $(printf '%s\n' "$@" | sort -u); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
  if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

npm_deps() {
  # Browser tests and the Node.js reference server; never downloads a browser.
  if [ ! -d tests/browser/node_modules ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules ]; then
    echo "setup: npm ci in tests/browser"
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# build [TARGET...]: every target (tests and benchmarks too) when none is named.
build() {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  if (($#)); then
    cmake --build build -j "$jobs" --target "$@"
  else
    cmake --build build -j "$jobs"
  fi
}

case "$mode" in
  run)
    need_install "${build_pkgs[@]}"
    build guidechat  # only what it serves: no tests, no benchmarks
    echo "setup: starting guidechat on http://127.0.0.1:8080 (Ctrl-C stops it)"
    exec build/src/cli/guidechat serve --host 127.0.0.1 --port 8080
    ;;
  build)
    need_install "${build_pkgs[@]}"
    build
    ;;
  test)
    need_install "${build_pkgs[@]}" "${test_pkgs[@]}"
    [ -f tests/browser/package.json ] && npm_deps
    build
    ctest --test-dir build --output-on-failure -j "$jobs"
    if [ -x tests/extra.sh ]; then tests/extra.sh; fi
    ;;
  *)
    echo "usage: deploy/setup.sh run|test|build" >&2
    exit 2
    ;;
esac
