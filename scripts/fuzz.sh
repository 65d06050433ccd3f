# shellcheck shell=bash
# ./build.sh fuzz: the long fuzz runs. Sourced by build.sh.
#
#   ./build.sh fuzz [FUZZ_SECONDS=600] [FUZZ_SEED=N]
#
# The same fuzzers run briefly inside ./build.sh test (test/js/fuzz.test.js,
# the fuzz-c target).

# The guest fuzzer, a reactor that calls the host's imports itself (no
# add-on, no library). Called by build_wasi_programs.
build_fuzz_guest() {
  # shellcheck disable=SC2086
  "${WASI_CC[@]}" -std=c11 -O2 $WARNINGS -mexec-model=reactor \
    test/js/guests/fuzz.c test/js/guests/fuzz_echo.c -o "$WASI_OUT/fuzz.wasm"
}

# The wasm guest boundary of the Node host, for FUZZ_SECONDS (default 600).
fuzz_guest() {
  build_wasi
  ensure_node
  local seconds=${FUZZ_SECONDS:-600}
  run_suite "guest fuzz (long)" timeout $((seconds + 180)) \
    node test/fuzz/guest-fuzz.mjs --seconds "$seconds"
}

cmd_fuzz() {
  fuzz_guest
  build_fuzz_c
  run_suite "c parsers (libFuzzer, long)" run_fuzz_c "${FUZZ_SECONDS:-600}"
  say ""
  say "==== summary"
  printf '%s\n' "${SUMMARY[@]}"
  echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
  [[ $TOTAL_FAILED -eq 0 ]]
}
