#!/usr/bin/env bash
# The one build entry of nativesockets.
#
#   ./build.sh native                 static + shared library, the C suite (build/native/test-c)
#   ./build.sh test [TARGET...] [-- FILTER]
#                                     the test suites (all, or those named), then
#                                     "N passed, N failed"; --list names the targets
#   ./build.sh demo                   the demo: the library at work on loopback
#   ./build.sh wasi                   wasm32-wasi: wasm/nativesockets.wasm, wasm/lib, wasm/include
#   ./build.sh emscripten             Emscripten: the core + JS library, the C suite for Node
#   ./build.sh windows                Windows (mingw-w64): DLL, import and static library, suite .exe
#   ./build.sh fuzz-c [SECONDS]       libFuzzer on the C parsers, SECONDS each (default 600)
#   ./build.sh bench                  the benchmarks: table in the terminal, JSON in build/bench
#   ./build.sh fuzz [FUZZ_SECONDS=600] the fuzzers, long (a short run is part of test)
#   ./build.sh load                   the load and fault tests, long (the short ones are part of test)
#   ./build.sh install PREFIX=/usr/local [DESTDIR=...]
#   ./build.sh clean
#
# Missing tools are installed with apt-get when run as root; otherwise the
# script says which packages to install.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
BUILD=$ROOT/build

for arg in "$@"; do
  [[ $arg == -- ]] && break # what follows is a test filter
  case $arg in *=*) export "${arg?}" ;; esac
done

header=csrc/include/nativesockets.h
version_part() { sed -n "s/^#define NS_VERSION_$1 \([0-9]*\)$/\1/p" "$header"; }
MAJOR=$(version_part MAJOR)
VERSION=$MAJOR.$(version_part MINOR).$(version_part PATCH)

CC=${CC:-gcc}
WARNINGS="-Wall -Wextra -Wpedantic -Werror"
CORE_CFLAGS="-std=c99 -D_GNU_SOURCE -O2 -g $WARNINGS -Icsrc/include"
SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CORE_SOURCES=(csrc/src/*.c csrc/src/unix/*.c)

# The C suite for one target: the shared files and support_TARGET.c.
suite_sources() {
  local f
  for f in test/c/*.c; do
    case $f in test/c/support_*) ;; *) echo "$f" ;; esac
  done
  echo "test/c/support_$1.c"
}
mapfile -t TEST_SOURCES < <(suite_sources posix)

say() { printf '%s\n' "$*" >&2; }

# The targets of `./build.sh test`, in the order they run, each run by the
# function test_NAME and described by TEST_ABOUT[NAME] in its script. A
# script under scripts/ may add its own: TEST_TARGETS+=(NAME).
TEST_TARGETS=(native asan install constants wasi posix js emscripten windows)
declare -A TEST_ABOUT=()

# Each target and step lives in its own file under scripts/.
for part in scripts/*.sh; do
  # shellcheck source=/dev/null
  . "$part"
done

usage() {
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

case ${1:-} in
  native) build_native ;;
  test) shift; cmd_test "$@" ;;
  demo) cmd_demo ;;
  wasi) build_wasi ;;
  emscripten) build_emscripten ;;
  windows) build_windows ;;
  bench) cmd_bench ;;
  fuzz-c) cmd_fuzz_c "${2:-600}" ;;
  load) cmd_load ;;
  fuzz) cmd_fuzz ;;
  install) cmd_install ;;
  clean) rm -rf "$BUILD" wasm/*.wasm wasm/lib wasm/include ;;
  *) usage ;;
esac
