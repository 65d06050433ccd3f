# shellcheck shell=bash
# The load and fault tests (test/load/README.md): `./build.sh load` runs the
# long variants; test_load runs the short ones as a suite of ./build.sh test.
# Sourced by build.sh.

# ---- load and fault tests ------------------------------------------------

LOAD_OUT=$BUILD/load

# test/load/guests/load_guest.c for wasm32-wasi (what the tests run under the
# host) and natively (to try a test's expectations against a kernel), on
# the WASI build of build_wasi (run first).
build_load_guests() {
  mkdir -p "$LOAD_OUT"
  # shellcheck disable=SC2086
  "${WASI_CC[@]}" -std=c99 -D_POSIX_C_SOURCE=200809L -O2 $WARNINGS -Iwasm/include "$WASI_STACK" \
    test/load/guests/load_guest.c -Lwasm/lib -lnativesockets_wasi -o "$LOAD_OUT/load_guest.wasm"
  # shellcheck disable=SC2086
  $CC -std=c99 -D_POSIX_C_SOURCE=200809L -O2 $WARNINGS test/load/guests/load_guest.c \
    -o "$LOAD_OUT/load_guest"
}

# run_load_suite NAME — the Vitest files of test/load, with LOAD_LONG set or
# not by the caller; ends with "N passed, N failed, N skipped".
run_load_suite() {
  run_suite "$1" bash -c 'npx vitest run --config test/load/vitest.config.js \
    --reporter=default --reporter=json --outputFile.json=build/logs/load.json;
    node test/js/summary.mjs build/logs/load.json'
}

# The short variants (under 2 minutes), for ./build.sh test.
TEST_TARGETS+=(load)
TEST_ABOUT[load]="load and fault tests, short: 1,000 echo connections, churn, an unread peer, exit mid-transfer, worker death"

test_load() {
  build_wasi
  build_load_guests
  ensure_node
  LOAD_LONG=0 run_load_suite "load (short)"
}

# ./build.sh load: the long variants (1 GiB, 100,000 cycles), on their own.
cmd_load() {
  build_wasi
  build_load_guests
  ensure_node
  LOAD_LONG=1 run_load_suite "load (long)"
  say ""
  printf '%s\n' "${SUMMARY[@]}"
  echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
  [[ $TOTAL_FAILED -eq 0 ]]
}
