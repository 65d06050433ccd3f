# shellcheck shell=bash
# ./build.sh bench: the benchmarks (bench/README.md). Sourced by build.sh.

# ---- benchmarks ---------------------------------------------------------

BENCH_OUT=$BUILD/bench

# The peer and the native clients: raw POSIX calls, and bench/client.c on
# the static library, as a user would link it.
build_bench_native() {
  mkdir -p "$BENCH_OUT"
  # shellcheck disable=SC2086
  $CC -std=c99 -O2 $WARNINGS bench/peer.c -lpthread -o "$BENCH_OUT/peer"
  # shellcheck disable=SC2086
  $CC -std=c99 -O2 $WARNINGS bench/client_raw.c -o "$BENCH_OUT/client-raw"
  # shellcheck disable=SC2086
  $CC -std=c99 -D_GNU_SOURCE -O2 $WARNINGS -Icsrc/include bench/client.c \
    "$BUILD/native/libnativesockets.a" -o "$BENCH_OUT/client-native"
}

# The same bench/client.c for wasm32-wasi, against wasm/include and wasm/lib.
build_bench_wasi() {
  # shellcheck disable=SC2086
  "${WASI_CC[@]}" -std=c99 -D_GNU_SOURCE -O2 $WARNINGS -Iwasm/include "$WASI_STACK" \
    bench/client.c -Lwasm/lib -lnativesockets -lnativesockets_wasi \
    -o "$BENCH_OUT/client.wasm"
}

# The same bench/client.c with Emscripten, when scripts/emscripten.sh can
# build it. Exports BENCH_EMSCRIPTEN (the program) or BENCH_EMSCRIPTEN_MISSING
# (why not), so the table shows the column either way.
build_bench_emscripten() {
  local out=$BENCH_OUT/emscripten/client.js log=$BENCH_OUT/emscripten.log why
  unset BENCH_EMSCRIPTEN BENCH_EMSCRIPTEN_MISSING
  if ! declare -F build_emscripten_program >/dev/null; then
    export BENCH_EMSCRIPTEN_MISSING="scripts/emscripten.sh has no build_emscripten_program"
    say "build.sh: Emscripten client: not built: $BENCH_EMSCRIPTEN_MISSING"
    return
  fi
  mkdir -p "$BENCH_OUT"
  # The libraries are rebuilt first, when that step exists on its own, so
  # the client never links a core older than the one measured natively.
  if (if declare -F ensure_emscripten_tools >/dev/null; then ensure_emscripten_tools; fi &&
    if declare -F build_emscripten_libraries >/dev/null; then build_emscripten_libraries; fi &&
    build_emscripten_program "$out" bench/client.c -sNODERAWFS=1) >"$log" 2>&1; then
    export BENCH_EMSCRIPTEN=$out
  else
    why=$(grep -m1 -i 'error' "$log" || tail -n 1 "$log")
    export BENCH_EMSCRIPTEN_MISSING="the build failed (build/bench/emscripten.log): ${why:0:150}"
  fi
  say "build.sh: Emscripten client: ${BENCH_EMSCRIPTEN:-not built: $BENCH_EMSCRIPTEN_MISSING}"
}

cmd_bench() {
  build_native
  build_bench_native
  build_wasi
  build_bench_wasi
  build_bench_emscripten
  ensure_node
  say "build.sh: benchmarks (BENCH_QUICK=1 for a quick look, BENCH_REPS=N repetitions)"
  node bench/run.mjs --out "$BENCH_OUT/results.json"
}
