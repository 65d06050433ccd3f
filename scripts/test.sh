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

# ---- the targets ------------------------------------------------------
#
# `./build.sh test [TARGET...] [-- FILTER]` runs the targets named (all of
# TEST_TARGETS, in order, when none is: the table is in build.sh), each
# through its function test_TARGET. A script under scripts/ adds a target of
# its own with
#   TEST_TARGETS+=(NAME); TEST_ABOUT[NAME]="what it runs"; test_NAME() { ...; }
# FILTER (TEST_FILTER) narrows the C suites to the tests whose name contains
# it, and the JS suite to the tests whose name matches it (vitest -t).

TEST_ABOUT[native]="the C suite, native (build/native/test-c), one process per test"
TEST_ABOUT[asan]="the C suite with ASan+UBSan (build/native/test-c-sanitized)"
TEST_ABOUT[install]="install into a prefix, then build with pkg-config as a user"
TEST_ABOUT[constants]="the JS error codes, their types and package.json's version against the C table"
TEST_ABOUT[wasi]="the C suite for wasm32-wasi under the Node host (build/wasi/test-c.wasm)"
TEST_ABOUT[posix]="real-program-style C programs built with gcc and nativesockets-cc, outputs compared (native is the oracle)"
TEST_ABOUT[js]="the JS API, host and CLI suites (vitest, test/js)"

# link_test_runner OUTPUT OBJDIR "FLAGS" CORE_OBJECTS... — the C suite's
# objects in build/native/OBJDIR (only changed sources recompile), linked
# with the core's objects (built with the same FLAGS).
link_test_runner() {
  local out=$1 dir=$2 flags=$3
  shift 3
  # shellcheck disable=SC2086
  compile_objects "$BUILD/native/$dir" "$flags -Itest/c" $CC -- "${TEST_SOURCES[@]}"
  # shellcheck disable=SC2086
  $CC $flags "$@" "${OBJECTS[@]}" -lpthread -o "$out"
}

# A fresh /tmp and an /etc holding copies of the databases, for a guest
# that must not see (or write) the real ones.
wasi_run_dirs() {
  WASI_RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/nativesockets-wasi-XXXXXX")
  WASI_RUN_ETC="$WASI_RUN_TMP.etc"
  mkdir -p "$WASI_RUN_ETC"
  cp /etc/hosts /etc/services /etc/protocols "$WASI_RUN_ETC"/ 2>/dev/null || true
}

# The C runner's arguments for the filter given to `test`, if any.
c_filter_args() {
  [[ -n ${TEST_FILTER:-} ]] && printf '%s\n' "$TEST_FILTER"
  return 0
}

test_native() {
  build_native
  local args
  mapfile -t args < <(c_filter_args)
  run_suite "c native" "$BUILD/native/test-c" "${args[@]}"
  run_suite "runner self-test" runner_self_test "$BUILD/native/test-c"
}

# The runner's own checks: what --self-test's misbehaving tests must print,
# with a process per test (runner_self_test RUNNER: native) and resumed after
# each crash or hang (runner_self_test --resumed COMMAND...: how the WASI,
# Emscripten and Windows runs go).
runner_self_test() {
  local forked="" resumed where expect text passed=0 failed=0
  if [[ $1 == --resumed ]]; then
    shift
  else
    forked=$("$1" --self-test --timeout 3 2>&1)
  fi
  resumed=$(TEST_FILTER="" run_c_suite_resumable 5 "$@" --self-test --no-fork --timeout 100 2>&1)
  # A program that prints nothing (here: one that is not a runner at all).
  resumed+=$'\n'$(TEST_FILTER="" run_c_suite_resumable 3 true 2>&1)
  while IFS='|' read -r where expect; do
    [[ $where == forked && -z $forked ]] && continue
    text=$resumed
    [[ $where == forked ]] && text=$forked
    if grep -qF -- "$expect" <<<"$text"; then
      passed=$((passed + 1)); echo "ok   $where: $expect"
    else
      failed=$((failed + 1)); echo "FAIL $where: $expect"; sed 's/^/    /' <<<"$text"
    fi
  done <<'EXPECTED'
forked|2 == 2, expected 3
forked|NS_ECONNREFUSED == -9 (ECONNREFUSED), expected 0
forked|FAIL self_test_crashes (crashed: signal
forked|FAIL self_test_hangs (hung: still running after 3 s)
forked|ok   self_test_passes_after_them
forked|2 passed, 3 failed, 0 skipped
resumed|2 == 2, expected 3
resumed|FAIL self_test_crashes (the run ended inside it
resumed|FAIL self_test_hangs (hung: no output for 5 s
resumed|ok   self_test_passes_after_them
resumed|2 passed, 3 failed, 0 skipped
resumed|FAIL (the run ended before its totals line)
EXPECTED
  echo "$passed passed, $failed failed"
}

test_asan() {
  ensure_native_tools
  say "build.sh: building the C suite with ASan+UBSan"
  local flags="$CORE_CFLAGS -O1 $SANITIZE"
  # shellcheck disable=SC2086
  compile_objects "$BUILD/native/obj-sanitized/core" "$flags" $CC -- "${CORE_SOURCES[@]}"
  link_test_runner "$BUILD/native/test-c-sanitized" obj-sanitized/test "$flags" "${OBJECTS[@]}"
  local args
  mapfile -t args < <(c_filter_args)
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_suite "c asan+ubsan" "$BUILD/native/test-c-sanitized" "${args[@]}"
}

test_install() {
  run_suite "install + pkg-config" env CC="$CC" bash test/install/run.sh
}

# The JS copies of the error table and the version against the C library.
test_constants() {
  build_native
  ensure_node
  # shellcheck disable=SC2086
  $CC -std=c99 -D_GNU_SOURCE $WARNINGS -Icsrc/include test/constants/error_table.c \
    "$BUILD/native/libnativesockets.a" -o "$BUILD/native/error-table"
  run_suite "constants (C vs JS)" bash -c \
    '"$1" | node test/constants/check.mjs' constants "$BUILD/native/error-table"
}

test_wasi() {
  build_wasi
  ensure_node
  # The suite needs the network, name lookups, a writable /tmp and, as the
  # oracle of its resolver tests, copies of the system databases as /etc.
  wasi_run_dirs
  local run=(node js/host/run-wasi.js --allow-net --allow-lookup
    --dir "$WASI_RUN_TMP::/tmp" --dir "$WASI_RUN_ETC::/etc" "$WASI_OUT/test-c.wasm")
  run_suite "c wasi (node host)" run_c_suite_resumable 120 "${run[@]}"
  run_suite "runner self-test wasi" runner_self_test --resumed "${run[@]}"
  rm -rf "$WASI_RUN_TMP" "$WASI_RUN_ETC"
}

test_posix() {
  build_wasi
  ensure_node
  run_suite "posix programs (wasi vs native)" env CC_NATIVE="$CC" timeout 900 bash test/posix/run.sh
}

test_js() {
  ensure_node
  # build_wasi: the JS API loads wasm/nativesockets.wasm and the host tests
  # run build/wasi's guests.
  build_wasi
  local filter=()
  [[ -n ${TEST_FILTER:-} ]] && filter=(-t "$TEST_FILTER")
  run_suite "js (vitest)" bash -c 'npx vitest run --reporter=default \
    --reporter=json --outputFile.json=build/logs/vitest.json "$@" test/js;
    node test/js/summary.mjs build/logs/vitest.json' vitest "${filter[@]}"
}

# run_c_suite_resumable SECONDS COMMAND... — runs the C runner COMMAND on a
# target where a test cannot run in a process of its own (WASI, Emscripten,
# Windows): with --announce, the runner says "start NAME" before each test;
# if the run ends (a crash) or prints nothing for SECONDS (a hang) inside a
# test, that test is reported by name as failed and the suite goes on from
# the next one (--after NAME). Prints the runs' lines, then the totals.
run_c_suite_resumable() {
  local seconds=$1 after="" passed=0 failed=0 skipped=0 current line args hung finished
  shift
  while :; do
    hung=0 finished=0
    args=(--announce)
    [[ -n $after ]] && args+=(--after "$after")
    [[ -n ${TEST_FILTER:-} ]] && args+=("$TEST_FILTER")
    current=""
    # setsid: the run is a process group of its own, ended whole on a hang.
    # (A coproc would not do: bash closes its pipe as soon as it exits.)
    local fd pid
    exec {fd}< <(exec setsid "$@" "${args[@]}" </dev/null 2>&1)
    pid=$!
    while :; do
      if IFS= read -r -t "$seconds" line <&"$fd"; then
        line=${line%$'\r'}
        case $line in
          "start "*) current=${line#start } ;;
          "ok   "*) passed=$((passed + 1)) current="" && echo "$line" ;;
          "FAIL "*) failed=$((failed + 1)) current="" && echo "$line" ;;
          "skip "*) skipped=$((skipped + 1)) current="" && echo "$line" ;;
          [0-9]*" passed, "*" failed"*) finished=1 ;; # this run's; ours follow
          *) echo "$line" ;;
        esac
      elif [[ $? -gt 128 ]]; then
        echo "FAIL ${current:-?} (hung: no output for $seconds s; run ended)"
        kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
        failed=$((failed + 1)) hung=1
        break
      else
        break
      fi
    done
    exec {fd}<&-
    wait "$pid" 2>/dev/null || true
    if [[ -z $current ]]; then
      # A run that ends outside any test must have printed its totals (a
      # program that did not start, or died between tests, has not).
      if [[ $finished -eq 0 && $hung -eq 0 ]]; then
        echo "FAIL (the run ended before its totals line)"
        failed=$((failed + 1))
      fi
      break
    fi
    if [[ $hung -eq 0 ]]; then
      echo "FAIL $current (the run ended inside it: a crash or an abort)"
      failed=$((failed + 1))
    fi
    after=$current
  done
  echo "$passed passed, $failed failed, $skipped skipped"
  [[ $failed -eq 0 ]]
}

# ./build.sh test --list
list_test_targets() {
  local t
  for t in "${TEST_TARGETS[@]}"; do
    printf '  %-12s %s\n' "$t" "${TEST_ABOUT[$t]:-}"
  done
}

# cmd_test [TARGET...] [-- FILTER] [--list]
# run_test_target NAME — test_NAME in a subshell, so that a build or setup
# step that fails (set -e) ends that target alone: it is listed as stopped,
# counts as a failure, and the next target still runs. The suites' lines and
# totals come back through a file.
run_test_target() {
  local t=$1 state=$BUILD/logs/target-$1.state rc
  mkdir -p "$BUILD/logs"
  rm -f "$state"
  set +e
  (
    set -e
    SUMMARY=() TOTAL_PASSED=0 TOTAL_FAILED=0
    "test_$t"
    {
      printf 'TOTAL_PASSED=%d TOTAL_FAILED=%d\n' "$TOTAL_PASSED" "$TOTAL_FAILED"
      for line in "${SUMMARY[@]}"; do printf 'SUMMARY+=(%q)\n' "$line"; done
    } >"$state"
  )
  rc=$?
  set -e
  if [[ $rc -ne 0 || ! -f $state ]]; then
    say ""
    say "==== $t: stopped (exit $rc): a build or setup step failed, see above"
    SUMMARY+=("$(printf '%-22s stopped: a build or setup step failed (exit %d)' "$t" "$rc")")
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    return
  fi
  local passed=$TOTAL_PASSED failed=$TOTAL_FAILED
  # shellcheck source=/dev/null
  . "$state" # appends to SUMMARY, sets the target's totals
  TOTAL_PASSED=$((passed + TOTAL_PASSED))
  TOTAL_FAILED=$((failed + TOTAL_FAILED))
}

cmd_test() {
  local targets=() t
  while [[ $# -gt 0 ]]; do
    case $1 in
      --list) echo "targets of ./build.sh test [TARGET...] [-- FILTER]:"
        list_test_targets; return 0 ;;
      --) shift; TEST_FILTER=${1:-}; break ;;
      *=*) ;;
      *) targets+=("$1") ;;
    esac
    shift
  done
  [[ ${#targets[@]} -eq 0 ]] && targets=("${TEST_TARGETS[@]}")
  for t in "${targets[@]}"; do
    if ! declare -F "test_$t" >/dev/null; then
      say "build.sh: no test target '$t'; the targets are:"
      list_test_targets >&2
      exit 2
    fi
  done
  export TEST_FILTER=${TEST_FILTER:-}
  for t in "${targets[@]}"; do
    run_test_target "$t"
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
  node js/host/run-wasi.js --allow-net --allow-lookup "$WASI_OUT/demo.wasm"
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
