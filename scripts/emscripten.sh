# shellcheck shell=bash
# Emscripten: the core and the add-on as libraries, the JS library, the C
# suite and the demo for Node. Sourced by build.sh.

# ---- emscripten ---------------------------------------------------------

EM_OUT=$BUILD/emscripten
# What a user links (shipped in the npm package): emscripten/include,
# emscripten/lib and emscripten/library_nativesockets.js.
EM_INCLUDE=emscripten/include
EM_LIB=emscripten/lib
EM_JS_LIBRARY=emscripten/library_nativesockets.js
EM_CORE_CFLAGS="-std=c99 -D_GNU_SOURCE -O2 $WARNINGS -Icsrc/include"
# The add-on uses C11 (_Static_assert on the ABI's record layout).
EM_ADDON_CFLAGS="-std=c11 -D_GNU_SOURCE -O2 $WARNINGS -Icsrc/wasi/src"
# What every program linked with the library needs: the JS library, and
# memory that may grow (the host's views are taken per call, so growth is
# safe). NODERAWFS is the suite's choice, not the library's: it makes files
# and unix-socket paths the machine's, as the host's are.
EM_LINK_FLAGS=(--js-library "$EM_JS_LIBRARY" -sALLOW_MEMORY_GROWTH=1 -sEXIT_RUNTIME=1)

# Debian's emscripten runs its compiler driver with Node and needs acorn
# from Debian's node-acorn on the module path.
ensure_emscripten_tools() {
  ensure_packages emcc:emscripten /usr/share/nodejs/acorn/package.json:node-acorn
  export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
}

# emscripten/lib/libnativesockets.a (the core and the POSIX backend) and
# libnativesockets_emscripten.a (the add-on and the calls Emscripten's libc
# would answer with its emulation), emscripten/include.
build_emscripten_libraries() {
  compile_objects "$EM_OUT/obj/core" "$EM_CORE_CFLAGS" emcc -- "${CORE_SOURCES[@]}"
  local core=("${OBJECTS[@]}")
  compile_objects "$EM_OUT/obj/addon" "$EM_ADDON_CFLAGS" emcc -- \
    csrc/wasi/src/*.c emscripten/src/*.c
  local addon=("${OBJECTS[@]}")
  mkdir -p "$EM_LIB"
  rm -f "$EM_LIB/libnativesockets.a" "$EM_LIB/libnativesockets_emscripten.a"
  emar rcs "$EM_LIB/libnativesockets.a" "${core[@]}"
  emar rcs "$EM_LIB/libnativesockets_emscripten.a" "${addon[@]}"
  rm -rf "$EM_INCLUDE"
  mkdir -p "$EM_INCLUDE/nativesockets"
  cp csrc/include/nativesockets.h "$EM_INCLUDE/"
  cp csrc/include/nativesockets/*.h "$EM_INCLUDE/nativesockets/"
}

# build_emscripten_program OUT.js SOURCES... [extra emcc flags] — links a C
# program against the core, the add-on and the JS library, as a user would
# (building the libraries first if they are not there). Run it with
# `node OUT.js`; OUT may end in .cjs too.
# The program finds the host as `nativesockets/emscripten` when it sits under
# a node_modules that has the package; inside this repository it is told the
# path (build/emscripten/host-path.js).
build_emscripten_program() {
  local out=$1
  shift
  ensure_emscripten_tools
  [[ -e $EM_LIB/libnativesockets_emscripten.a ]] || build_emscripten_libraries
  mkdir -p "$(dirname "$out")"
  # Emscripten's output is a CommonJS script, and the repository's
  # package.json says "type": "module": a .js output needs its folder marked
  # (a .cjs output does not).
  if [[ $out == *.js && ! -e $(dirname "$out")/package.json ]]; then
    echo '{ "type": "commonjs" }' > "$(dirname "$out")/package.json"
  fi
  write_emscripten_host_path "$(dirname "$out")/host-path.js"
  # shellcheck disable=SC2086
  emcc -std=c99 -D_GNU_SOURCE -O2 $WARNINGS -I"$EM_INCLUDE" "$@" \
    -L"$EM_LIB" -lnativesockets -lnativesockets_emscripten \
    "${EM_LINK_FLAGS[@]}" --pre-js "$(dirname "$out")/host-path.js" -o "$out"
}

# A --pre-js that points the program at this checkout's js/host/emscripten.js.
write_emscripten_host_path() {
  cat > "$1" <<EOF
// Written by build.sh: the host of this checkout, not an installed package.
Module['nativesocketsHost'] = require('url').pathToFileURL('$ROOT/js/host/emscripten.js').href;
EOF
}

build_emscripten() {
  ensure_emscripten_tools
  build_emscripten_libraries
  local tests
  mapfile -t tests < <(suite_sources emscripten)
  build_emscripten_program "$EM_OUT/test-c.js" -Itest/c "${tests[@]}" -sNODERAWFS=1
  build_emscripten_program "$EM_OUT/demo.js" examples/demo.c -sNODERAWFS=1
  say "build.sh: emscripten/lib, emscripten/include, $EM_JS_LIBRARY"
  say "build.sh: build/emscripten/{test-c,demo}.js (+ .wasm), run with node"
}

TEST_ABOUT[emscripten]="the C suite built with Emscripten, run by node; the packed package"

test_emscripten() {
  if ! (ensure_emscripten_tools) >/dev/null 2>&1; then
    report_not_run "c emscripten (node)" "the emscripten and node-acorn packages cannot be installed"
    return
  fi
  ensure_emscripten_tools
  build_emscripten
  ensure_node
  run_suite "c emscripten (node)" run_c_suite_resumable 120 node "$EM_OUT/test-c.js"
  run_suite "runner self-test emcc" runner_self_test --resumed node "$EM_OUT/test-c.js"
  # The packed package as an Emscripten user gets it (npm pack wants
  # wasm/nativesockets.wasm: built here when this target runs alone).
  build_wasi
  run_suite "emscripten package" timeout 600 bash test/emscripten/package.sh
}
