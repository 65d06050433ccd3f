#!/usr/bin/env bash
# The npm package used the way docs/emscripten.md tells an Emscripten user:
# installed into a fresh folder, a program built with exactly its
# emcc command line and run with node, the host found as
# `nativesockets/emscripten`. Needs emcc, ./build.sh emscripten and
# ./build.sh wasi done. Prints "ok/FAIL <check>" lines, then
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
# shellcheck source=test/lib.sh
. test/lib.sh

install_package() {
  npm pack --silent --pack-destination "$work" >/dev/null &&
    mkdir -p "$work/app" &&
    echo '{ "name": "app", "private": true }' > "$work/app/package.json" &&
    (cd "$work/app" && npm install --offline --no-package-lock --silent "$work"/nativesockets-*.tgz)
}
check "npm pack, then npm install into a fresh folder" install_package

P=node_modules/nativesockets/emscripten
ships_emscripten_files() {
  local f
  for f in library_nativesockets.js README.md include/nativesockets.h \
    include/nativesockets/unix.h lib/libnativesockets.a lib/libnativesockets_emscripten.a; do
    [[ -e $work/app/$P/$f ]] || { echo "missing $P/$f"; return 1; }
  done
}
check "the package ships the libraries, headers and JS library" ships_emscripten_files

# The README's command line, word for word but the source file.
readme_build() { # source output [more libraries first]
  local src=$1 out=$2
  shift 2
  (cd "$work/app" && emcc -O2 -I$P/include "$src" \
    -L$P/lib "$@" -lnativesockets_emscripten \
    --js-library $P/library_nativesockets.js \
    -sALLOW_MEMORY_GROWTH=1 \
    -o "$out")
}

check "emcc demo.c with the README's command line" \
  readme_build "$root/examples/demo.c" demo.js -lnativesockets
runs_demo() {
  (cd "$work/app" && timeout 60 node demo.js) | tee /dev/stderr | grep -q '^demo: all steps succeeded$'
}
check "node demo.js: the host found as nativesockets/emscripten, sockets on loopback" runs_demo

check "emcc posix_echo.c (plain POSIX sockets, the add-on alone)" \
  readme_build "$root/test/js/guests/posix_echo.c" echo.cjs
runs_echo() {
  (cd "$work/app" && timeout 60 node echo.cjs) | grep -Eq '^posix-echo ok [0-9]+$'
}
check "node echo.cjs: getaddrinfo, a non-blocking connect in poll, accept, echo" runs_echo

checks_summary
