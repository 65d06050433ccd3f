# shellcheck shell=bash
# ./build.sh test and ./build.sh demo. Sourced by build.sh.

# ---- tests --------------------------------------------------------------

# Totals over every suite run by `test`.
TOTAL_PASSED=0 TOTAL_FAILED=0 SUMMARY=()

# run_suite NAME COMMAND... — runs a suite whose last line is
# "N passed, N failed[, N skipped]" and adds it to the totals. A suite that
# dies before printing that line counts as one failure.
run_suite() {
  local name=$1 log last passed failed skipped
  shift
  log=$BUILD/logs/$name.log
  mkdir -p "$BUILD/logs"
  say ""
  say "==== $name"
  set +e
  "$@" 2>&1 | tee "$log"
  set -e
  last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
  if [[ -z $last ]]; then
    SUMMARY+=("$(printf '%-22s did not finish (see build/logs/%s.log)' "$name" "$name")")
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    return
  fi
  passed=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$last")
  failed=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$last")
  skipped=$(sed -nE 's/.*, ([0-9]+) skipped.*/\1/p' <<<"$last")
  SUMMARY+=("$(printf '%-22s %4d passed, %d failed, %d skipped' "$name" "$passed" "$failed" "${skipped:-0}")")
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
}

# report_not_run NAME REASON — a target that cannot run here is listed, with
# why, and fails the run: a missing target is never silently dropped.
report_not_run() {
  say ""
  say "==== $1: not run: $2"
  SUMMARY+=("$(printf '%-22s not run: %s' "$1" "$2")")
  TOTAL_FAILED=$((TOTAL_FAILED + 1))
}

build_test_runner() { # output extra-flags...
  local out=$1
  shift
  # shellcheck disable=SC2086
  $CC $CORE_CFLAGS "$@" -Itest/c "${CORE_SOURCES[@]}" "${TEST_SOURCES[@]}" \
    -lpthread -o "$out"
}

cmd_test() {
  build_native
  say "build.sh: building the C suite (plain and with ASan+UBSan)"
  build_test_runner "$BUILD/native/test-c"
  build_test_runner "$BUILD/native/test-c-sanitized" -O1 $SANITIZE
  run_suite "c native" "$BUILD/native/test-c"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_suite "c asan+ubsan" "$BUILD/native/test-c-sanitized"
  run_suite "install + pkg-config" env CC="$CC" bash test/install/run.sh
  build_wasi
  ensure_node
  # No signals in WASI, so the suite's own watchdog cannot fire: time it here.
  run_suite "c wasi (node host)" timeout 600 node js/host/run-wasi.js "$WASI_OUT/test-c.wasm"
  run_suite "js (vitest)" bash -c 'npx vitest run --reporter=default \
    --reporter=json --outputFile.json=build/logs/vitest.json test/js;
    node test/js/summary.mjs build/logs/vitest.json'
  test_docs
  for target in emscripten windows; do
    if declare -F "test_$target" >/dev/null; then
      "test_$target"
    else
      report_not_run "c $target" "scripts/$target.sh is missing"
    fi
  done
  say ""
  say "==== summary"
  printf '%s\n' "${SUMMARY[@]}"
  echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
  [[ $TOTAL_FAILED -eq 0 ]]
}

cmd_demo() {
  build_native
  # shellcheck disable=SC2086
  $CC -std=c99 -D_GNU_SOURCE $WARNINGS -Icsrc/include examples/demo.c \
    "$BUILD/native/libnativesockets.a" -o "$BUILD/native/demo"
  say "==== the demo, native"
  "$BUILD/native/demo"
  build_wasi
  ensure_node
  say ""
  say "==== the same demo.c built for wasm32-wasi, run by the Node host"
  node js/host/run-wasi.js "$WASI_OUT/demo.wasm"
  say ""
  say "==== the JS API (npm package) on wasm/nativesockets.wasm"
  node examples/demo.mjs
  say ""
  say "==== the same demo.c built with Emscripten, run by node"
  build_emscripten
  node "$EM_OUT/demo.js"
  say ""
  say "==== the same demo.c cross-built for Windows (static library), run under Wine"
  ensure_windows_tools
  ensure_wine
  build_windows
  start_wine || { say "build.sh: Wine did not start (see build/windows/wine-init.log)"; exit 1; }
  run_in_wine 120 "$WIN_OUT/demo.exe"
  stop_wine
}
