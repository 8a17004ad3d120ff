#!/usr/bin/env bash
# `deploy/setup.sh run` builds only what it serves: the `guidechat` target,
# not every test and benchmark. Runs a copy of the script in a scratch tree
# with stand-ins for cmake, dpkg-query, node and npm and the server binary,
# each recording how it was called.
set -euo pipefail
source_dir=${1:?usage: setup_run_test.sh SOURCE_DIR}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/deploy" "$scratch/bin" "$scratch/build/src/cli"
cp "$source_dir/deploy/setup.sh" "$scratch/deploy/"
log="$scratch/calls.log"
stub() {  # stub NAME BODY
  printf '#!/bin/sh\necho "%s $*" >>"%s"\n%s\n' "$1" "$log" "$2" >"$scratch/bin/$1"
  chmod +x "$scratch/bin/$1"
}
stub cmake ''
stub dpkg-query "echo 'install ok installed'"
stub node ''
stub npm ''
stub apt-get ''
printf '#!/bin/sh\necho "guidechat $*" >>"%s"\n' "$log" >"$scratch/build/src/cli/guidechat"
chmod +x "$scratch/build/src/cli/guidechat"

PATH="$scratch/bin:$PATH" bash "$scratch/deploy/setup.sh" run >/dev/null
cat "$log"
grep -q '^cmake --build build -j [0-9]* --target guidechat$' "$log" ||
  { echo "FAIL: setup.sh run did not build only the guidechat target"; exit 1; }
grep -q '^guidechat serve ' "$log" || { echo "FAIL: setup.sh run did not start the server"; exit 1; }
grep -q 'apt-get' "$log" && { echo "FAIL: installed packages although all were present"; exit 1; }

: >"$log"
PATH="$scratch/bin:$PATH" bash "$scratch/deploy/setup.sh" build >/dev/null
grep -q '^cmake --build build -j [0-9]*$' "$log" ||
  { echo "FAIL: setup.sh build should build every target"; exit 1; }
echo "setup_run_test: ok"
