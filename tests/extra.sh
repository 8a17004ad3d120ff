#!/usr/bin/env bash
# Hardening checks, run by `deploy/setup.sh test` after the Release ctest run
# (so by CI too). Three stages, each timed:
#
#   1. ASan + UBSan: the `fuzz` preset (clang-14; every library built with
#      -fsanitize=fuzzer-no-link,address,undefined) builds everything, then
#      the unit and integration tests run there. Browser and deploy tests are
#      left to the Release run: they test the page and nginx, not our memory.
#   2. libFuzzer: each target in tests/fuzz fuzzes for GUIDECHAT_FUZZ_SECONDS
#      (default 60) on top of its committed seed corpus, two at a time. A
#      crash fails the run; the input is kept in build-fuzz/fuzz-artifacts/.
#   3. TSan: the `tsan` preset builds and runs the concurrency tests: those
#      labelled `concurrency`, plus the server's and the index's multi-thread
#      tests by name.
#
# Environment: GUIDECHAT_FUZZ_SECONDS (60), GUIDECHAT_EXTRA_STAGES
# ("asan fuzz tsan"), GUIDECHAT_TIME_SCALE (80): how many times slower than
# Release the sanitized trees are taken to be. Their tests read it
# (tests/support/time_scale.hpp) and stretch every deadline by it, the 100 ms
# bound for a normal client's answer during the hostile-client tests
# included. Measured on 2 cores, -O0: the server's busiest paths (a turn,
# 5,000 connections closing at once) run 40-80 times slower than Release,
# and about a quarter slower again with a second core busy; 80 leaves the
# same 2x margin the Release bound has. Tests wait for events, not for the
# deadline, so a generous factor costs no time.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=$(nproc)
fuzz_seconds=${GUIDECHAT_FUZZ_SECONDS:-60}
stages=${GUIDECHAT_EXTRA_STAGES:-asan fuzz tsan}
asan_dir=build-fuzz
tsan_dir=build-tsan

time_scale=${GUIDECHAT_TIME_SCALE:-80}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

started=$SECONDS
stage_started=$SECONDS
log() { echo "extra: $*"; }
stage_done() {
  log "$1 done in $((SECONDS - stage_started)) s (total $((SECONDS - started)) s)"
  stage_started=$SECONDS
}
has_stage() { [[ " $stages " == *" $1 "* ]]; }

# Test names that ctest would run for these arguments, one per line.
test_names() {
  local dir=$1
  shift
  ctest --test-dir "$dir" -N "$@" | sed -n 's/^ *Test *#[0-9]*: *//p'
}

if has_stage asan || has_stage fuzz; then
  log "configuring $asan_dir (ASan + UBSan + libFuzzer, clang-14)"
  cmake --preset fuzz >/dev/null
  cmake --build "$asan_dir" -j "$jobs"
  stage_done "ASan build"
fi

if has_stage asan; then
  log "unit and integration tests under ASan + UBSan (time scale $time_scale)"
  GUIDECHAT_TIME_SCALE=$time_scale \
    ctest --test-dir "$asan_dir" --output-on-failure -j "$jobs" -E '^(browser|deploy)_'
  stage_done "ASan tests"
fi

if has_stage fuzz; then
  artifacts="$root/$asan_dir/fuzz-artifacts"
  work="$root/$asan_dir/fuzz-work"
  mkdir -p "$artifacts"
  rm -rf "$work"
  fuzz_one() {
    local target=$1 bin="$asan_dir/tests/fuzz/$1"
    local dict=() name=${1%_fuzz}
    [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
    mkdir -p "$work/$target"
    # New inputs go to the scratch corpus; the committed seeds stay as they are.
    if "$bin" "${dict[@]}" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
      "$work/$target" "tests/fuzz/corpus/$target" >"$work/$target.log" 2>&1; then
      echo "extra: fuzz $target: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$work/$target.log"), no crash"
    else
      echo "extra: fuzz $target FAILED; last lines of its log:"
      tail -40 "$work/$target.log"
      return 1
    fi
  }
  export -f fuzz_one
  export asan_dir fuzz_seconds artifacts work
  targets=$(ls "$asan_dir/tests/fuzz" | grep '_fuzz$')
  log "fuzzing $(echo $targets | wc -w) targets for ${fuzz_seconds} s each, $jobs at a time"
  # shellcheck disable=SC2086
  printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'fuzz_one {}'
  stage_done "fuzzing"
fi

if has_stage tsan; then
  log "configuring $tsan_dir (TSan, clang-14)"
  cmake --preset tsan >/dev/null
  pattern='(^server_concurrency_test$|^knowledge_test$)'
  mapfile -t names < <({ test_names "$tsan_dir" -L concurrency; test_names "$tsan_dir" -R "$pattern"; } | sort -u)
  if ((${#names[@]} == 0)); then
    log "no concurrency tests found"
  else
    # Each of these tests is an executable of the same name, plus the server.
    cmake --build "$tsan_dir" -j "$jobs" --target guidechat "${names[@]}"
    stage_done "TSan build"
    regex="^($(IFS='|'; echo "${names[*]}"))\$"
    log "concurrency tests under TSan (time scale $time_scale): ${names[*]}"
    GUIDECHAT_TIME_SCALE=$time_scale \
      ctest --test-dir "$tsan_dir" --output-on-failure -j "$jobs" -R "$regex"
  fi
  stage_done "TSan tests"
fi

log "all hardening stages passed in $((SECONDS - started)) s"
