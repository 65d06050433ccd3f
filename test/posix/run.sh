#!/usr/bin/env bash
# The POSIX programs of test/posix, each built natively with gcc and for
# wasm32-wasi with wasm/bin/nativesockets-cc, run both ways; the wasm run's
# output must equal the native one line by line (Linux is the oracle). The
# same with Emscripten (emcc, the add-on and library_nativesockets.js) when
# emcc is installed. Then the driver's own promises. Prints
# "N passed, N failed, N skipped".
#
#   test/posix/run.sh            (from the repository root; builds wasm/ if needed)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

OUT=build/posix
CC_NATIVE=${CC_NATIVE:-gcc}
DRIVER=wasm/bin/nativesockets-cc
PASSED=0 FAILED=0 SKIPPED=0

# name → extra driver flags. The poll server runs at wasm-ld's default
# 64 KiB stack on purpose: poll() must not put its arrays there.
declare -A WASM_FLAGS=(
  [poll_server]="-Wl,-z,stack-size=65536"
  [select_server]=""
  [resolve_client]=""
  [msg_user]=""
  [udp_program]=""
  [options_roundtrip]=""
  [linger_reset]=""
  [numeric_hosts]=""
)
PROGRAMS=(poll_server select_server resolve_client msg_user udp_program options_roundtrip linger_reset numeric_hosts)

pass() { echo "ok   $1"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $1"; FAILED=$((FAILED + 1)); }
skip() { echo "skip $1"; SKIPPED=$((SKIPPED + 1)); }

# The host's flags: network access must be granted where run-wasi.js
# denies it by default.
# poll_server holds 4,001 descriptors: every target gets room for 8,192, as
# a native process does after `ulimit -n 8192` (the hosts' default guest
# limit is 1,024, like Linux's default soft limit).
DESCRIPTORS=8192
ulimit -n "$DESCRIPTORS" 2>/dev/null || true
HOST=(node js/host/run-wasi.js --allow-net --allow-lookup --max-sockets "$DESCRIPTORS")

# Whether LIBRARY is missing or older than the add-on's sources.
stale() {
  [[ ! -f $1 ]] || [[ -n $(find csrc/wasi -newer "$1" -type f | head -n 1) ]]
}

if stale wasm/lib/libnativesockets_wasi.a; then ./build.sh wasi >/dev/null || exit 1; fi
mkdir -p "$OUT/native" "$OUT/wasi"
# The poll server opens 2 * 2,000 + 1 descriptors in one process.
ulimit -n 8192 2>/dev/null || true

# Compares one build's run with the native output: NAME LABEL COMMAND...
compare_run() {
  local name=$1 label=$2 native=$3 out rc
  shift 3
  out=$(timeout 120 "$@" 2>&1)
  rc=$?
  if [[ $rc -ne 0 ]]; then
    fail "$name ($label): the run failed ($rc): $(tail -n 3 <<<"$out")"
  elif [[ $native != "$out" ]]; then
    fail "$name ($label): output differs from native (< native, > $label)"
    diff <(echo "$native") <(echo "$out") | head -n 20
  else
    pass "$name ($label): $(wc -l <<<"$native") lines identical to native"
  fi
}

# Emscripten, when there is an emcc: its libraries are built by
# ./build.sh emscripten; Debian's emcc needs acorn on NODE_PATH.
EMSCRIPTEN=no
if command -v emcc >/dev/null; then
  [[ -d /usr/share/nodejs/acorn ]] && export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
  if ! stale emscripten/lib/libnativesockets_emscripten.a || ./build.sh emscripten >/dev/null 2>&1; then
    EMSCRIPTEN=yes
    mkdir -p "$OUT/emscripten"
    echo '{ "type": "commonjs" }' > "$OUT/emscripten/package.json"
    { echo "Module['nativesocketsHost'] = require('url').pathToFileURL('$PWD/js/host/emscripten.js').href;"
      echo "Module['nativesocketsOptions'] = { maxSockets: $DESCRIPTORS };"
    } > "$OUT/emscripten/host-path.js"
  fi
fi

emscripten_program() {
  local name=$1 native=$2
  if [[ $EMSCRIPTEN != yes ]]; then
    skip "$name (emscripten): emcc or its libraries are not available"
    return
  fi
  if ! emcc -O2 -Wall -Werror -DBACKLOG=4096 "test/posix/$name.c" -Lemscripten/lib -lnativesockets \
    -lnativesockets_emscripten --js-library emscripten/library_nativesockets.js \
    -sALLOW_MEMORY_GROWTH=1 -sEXIT_RUNTIME=1 --pre-js "$OUT/emscripten/host-path.js" \
    -o "$OUT/emscripten/$name.js" >"$OUT/$name.emscripten-build.log" 2>&1; then
    fail "$name (emscripten): build (see $OUT/$name.emscripten-build.log)"
    return
  fi
  compare_run "$name" emscripten "$native" node "$OUT/emscripten/$name.js"
}

compare_program() {
  local name=$1 native
  # shellcheck disable=SC2086
  if ! $CC_NATIVE -O2 -Wall -Werror test/posix/$name.c -o "$OUT/native/$name" 2>"$OUT/$name.native-build.log"; then
    fail "$name: native build (see $OUT/$name.native-build.log)"
    return
  fi
  # shellcheck disable=SC2086
  if ! "$DRIVER" -O2 -Wall -Werror ${WASM_FLAGS[$name]} test/posix/$name.c -o "$OUT/wasi/$name.wasm" 2>"$OUT/$name.wasi-build.log"; then
    fail "$name: build with nativesockets-cc (see $OUT/$name.wasi-build.log)"
    return
  fi
  native=$(timeout 120 "$OUT/native/$name" 2>&1)
  local native_rc=$?
  if [[ $native_rc -ne 0 ]]; then
    fail "$name: the native run failed ($native_rc): $(tail -n 1 <<<"$native")"
    return
  fi
  compare_run "$name" wasi "$native" "${HOST[@]}" "$OUT/wasi/$name.wasm"
  emscripten_program "$name" "$native"
}

check_driver() {
  local d=test/posix/driver log
  log=$("$DRIVER" "$d/missing_header.c" -o "$OUT/wasi/missing.wasm" 2>&1)
  if [[ $? -ne 0 && $log == *"'sys/epoll.h' file not found"* ]]; then
    pass "driver: a header WASI lacks stops the build (host /usr/include not searched)"
  else
    fail "driver: missing header: $log"
  fi
  log=$("$DRIVER" -shared "$d/part_b.c" -o "$OUT/wasi/lib.so" 2>&1)
  if [[ $? -ne 0 && $log == *"no shared libraries"* ]]; then pass "driver: -shared refused clearly"
  else fail "driver: -shared: $log"; fi
  log=$("$DRIVER" -Wl,--shared "$d/part_b.c" -o "$OUT/wasi/lib.so" 2>&1)
  if [[ $? -ne 0 && $log == *"no shared libraries"* ]]; then pass "driver: -Wl,--shared refused clearly"
  else fail "driver: -Wl,--shared: $log"; fi
  log=$("$DRIVER" -pthread "$d/part_b.c" -o "$OUT/wasi/threads.wasm" 2>&1)
  if [[ $? -ne 0 && $log == *"no threads"* ]]; then pass "driver: -pthread refused clearly"
  else fail "driver: -pthread: $log"; fi
  if "$DRIVER" --version | grep -q 'nativesockets-cc'; then pass "driver: --version"
  else fail "driver: --version"; fi
  log=$("$DRIVER" -v -c "$d/part_b.c" -o "$OUT/wasi/part_b.o" 2>&1)
  if [[ $log == *"--target=wasm32-wasi"*"-nostdinc"* ]]; then pass "driver: -v prints the clang command"
  else fail "driver: -v: $log"; fi
  # clang's own -v output too: CMake reads the include search list from it,
  # and it shows that no host directory is searched.
  local search
  search=$(sed -n '/<\.\.\.> search starts here/,/End of search list/p' <<<"$log")
  if [[ $search == *"wasm/include"*"wasm32-wasi"* ]] && ! grep -Eq '^ /usr(/local)?/include$' <<<"$search"; then
    pass "driver: -v shows clang's search list: the add-on, clang, wasi-libc, no host /usr/include"
  else
    fail "driver: -v search list: $search"
  fi
  if "$DRIVER" -c "$d/part_a.c" -o "$OUT/wasi/part_a.o" &&
    "$DRIVER" "$OUT/wasi/part_a.o" "$OUT/wasi/part_b.o" -o "$OUT/wasi/parts.wasm" &&
    [[ $("${HOST[@]}" "$OUT/wasi/parts.wasm") == "linked: 42" ]]; then
    pass "driver: -c, then several objects linked"
  else
    fail "driver: separate compile and link"
  fi
  if "$DRIVER" -Wall -Werror "$d/config_macros.c" -o "$OUT/wasi/config.wasm" &&
    log=$("${HOST[@]}" "$OUT/wasi/config.wasm") &&
    [[ $log == *"__unix__: yes"*"__nativesockets_wasi__: yes"*"getpid positive: yes"*"clock works: yes"* ]]; then
    pass "driver: __unix__, __nativesockets_wasi__, signal(SIGPIPE), getpid, clock"
  else
    fail "driver: configuration macros and emulations: $log"
  fi
  "$DRIVER" -O0 "$d/stack_overflow.c" -o "$OUT/wasi/overflow.wasm" 2>/dev/null
  log=$(timeout 60 "${HOST[@]}" "$OUT/wasi/overflow.wasm" 2>&1)
  if [[ $? -ne 0 && $log != *survived* ]]; then pass "driver: a stack overflow traps"
  else fail "driver: a stack overflow did not trap: $(tail -n 2 <<<"$log")"; fi
}

for program in "${PROGRAMS[@]}"; do compare_program "$program"; done
check_driver
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[[ $FAILED -eq 0 ]]
