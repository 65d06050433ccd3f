#!/usr/bin/env bash
# The one build entry of nativesockets.
#
#   ./build.sh native                 static + shared library and .pc in build/native
#   ./build.sh test                   every test suite, then "N passed, N failed"
#   ./build.sh demo                   the demo: the library at work on loopback
#   ./build.sh wasi                   wasm32-wasi: wasm/nativesockets.wasm, wasm/lib, wasm/include
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

# ---- tools --------------------------------------------------------------

# ensure_packages CMD:PACKAGE ... — installs the packages whose command (or
# file, when it starts with /) is missing.
ensure_packages() {
  local missing=() pair what pkg
  for pair in "$@"; do
    what=${pair%%:*} pkg=${pair#*:}
    if [[ $what == /* ]]; then [[ -e $what ]] && continue
    else command -v "$what" >/dev/null 2>&1 && continue; fi
    missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $(id -u) -ne 0 ]]; then
    say "build.sh: missing packages: ${missing[*]}"
    say "          install them with: sudo apt-get install ${missing[*]}"
    exit 1
  fi
  say "build.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_native_tools() {
  # netbase provides /etc/services and /etc/protocols, which the resolver
  # tests read; libasan/libubsan come with gcc.
  ensure_packages gcc:gcc ar:binutils pkg-config:pkg-config \
    /usr/include/stdio.h:libc6-dev /etc/services:netbase /etc/protocols:netbase
}

# ---- native library -----------------------------------------------------

# The soname and development links beside libnativesockets.so.VERSION in DIR.
link_shared_names() {
  ln -sf "libnativesockets.so.$VERSION" "$1/libnativesockets.so.$MAJOR"
  ln -sf "libnativesockets.so.$MAJOR" "$1/libnativesockets.so"
}

build_native() {
  ensure_native_tools
  local out=$BUILD/native obj src o objects=()
  obj=$out/obj
  mkdir -p "$obj"
  for src in "${CORE_SOURCES[@]}"; do
    o=$obj/$(basename "${src%.c}").o
    # shellcheck disable=SC2086
    $CC $CORE_CFLAGS -fPIC -c "$src" -o "$o"
    objects+=("$o")
  done
  rm -f "$out/libnativesockets.a"
  ar rcs "$out/libnativesockets.a" "${objects[@]}"
  $CC -shared -o "$out/libnativesockets.so.$VERSION" "${objects[@]}" \
    -Wl,-soname,libnativesockets.so.$MAJOR \
    -Wl,--version-script=csrc/nativesockets.map
  link_shared_names "$out"
  say "build.sh: native library $VERSION in build/native"
}

write_pc() { # prefix file
  mkdir -p "$(dirname "$2")"
  sed -e "s|@PREFIX@|$1|" -e "s|@VERSION@|$VERSION|" csrc/nativesockets.pc.in > "$2"
}

cmd_install() {
  local prefix=${PREFIX:-/usr/local} dest=${DESTDIR:-}
  build_native
  local inc=$dest$prefix/include lib=$dest$prefix/lib
  mkdir -p "$inc/nativesockets" "$lib/pkgconfig"
  cp csrc/include/nativesockets.h "$inc/"
  cp csrc/include/nativesockets/*.h "$inc/nativesockets/"
  cp "$BUILD/native/libnativesockets.a" "$BUILD/native/libnativesockets.so.$VERSION" "$lib/"
  link_shared_names "$lib"
  write_pc "$prefix" "$lib/pkgconfig/nativesockets.pc"
  say "build.sh: installed into $dest$prefix"
}

# ---- wasm32-wasi --------------------------------------------------------

WASI_OUT=$BUILD/wasi
WASI_CORE_CFLAGS="-std=c99 -D_GNU_SOURCE -O2 $WARNINGS -Icsrc/include -Icsrc/wasi/include"
# The add-on uses C11 (_Static_assert on the ABI's record layout).
WASI_ADDON_CFLAGS="-std=c11 -D_GNU_SOURCE -O2 $WARNINGS -Icsrc/wasi/include"
# wasm-ld's default stack is 64 KiB, and an overflow silently corrupts data.
WASI_STACK="-Wl,-z,stack-size=1048576"

# Sets WASI_CC (an array: the compiler and its target) and WASI_AR: the WASI
# SDK at $WASI_SDK_PATH when set, else Debian's clang with its wasi-libc.
ensure_wasi_tools() {
  if [[ -n ${WASI_SDK_PATH:-} ]]; then
    if [[ ! -x $WASI_SDK_PATH/bin/clang ]]; then
      say "build.sh: WASI_SDK_PATH=$WASI_SDK_PATH has no bin/clang"
      exit 1
    fi
    WASI_CC=("$WASI_SDK_PATH/bin/clang" --target=wasm32-wasi
      "--sysroot=$WASI_SDK_PATH/share/wasi-sysroot")
    WASI_AR=$WASI_SDK_PATH/bin/llvm-ar
    return
  fi
  ensure_packages clang-16:clang-16 wasm-ld-16:lld-16 llvm-ar-16:llvm-16 \
    /usr/include/wasm32-wasi/stdio.h:wasi-libc \
    /usr/lib/llvm-16/lib/clang/16/lib/wasi/libclang_rt.builtins-wasm32.a:libclang-rt-16-dev-wasm32
  WASI_CC=(clang-16 --target=wasm32-wasi)
  WASI_AR=llvm-ar-16
}

# compile_wasi OUTDIR "FLAGS" SOURCES... — one object per source in OUTDIR;
# their paths go to WASI_OBJECTS.
compile_wasi() {
  local dir=$1 flags=$2 src o
  shift 2
  mkdir -p "$dir"
  WASI_OBJECTS=()
  for src in "$@"; do
    o=$dir/$(basename "${src%.c}").o
    # shellcheck disable=SC2086
    "${WASI_CC[@]}" $flags -c "$src" -o "$o"
    WASI_OBJECTS+=("$o")
  done
}

# The export list must name exactly the header's functions (and malloc/free).
check_wasi_exports() {
  local declared listed
  declared=$(grep -oE '\bns_[a-z0-9_]+\(' "$header" | tr -d '(' | sort -u)
  listed=$(grep -v '^#' wasm/exports.txt | grep '^ns_' | sort -u)
  if [[ $declared != "$listed" ]]; then
    say "build.sh: wasm/exports.txt differs from the header's functions:"
    diff <(echo "$declared") <(echo "$listed") >&2 || true
    exit 1
  fi
}

# The headers a user puts on the include path: the library's and the add-on's.
install_wasi_headers() {
  rm -rf wasm/include
  mkdir -p wasm/include/nativesockets
  cp csrc/include/nativesockets.h wasm/include/
  cp csrc/include/nativesockets/*.h wasm/include/nativesockets/
  cp -R csrc/wasi/include/. wasm/include/
}

# wasm/lib/libnativesockets.a (core + POSIX backend) and
# libnativesockets_wasi.a (the add-on); their objects go to WASI_CORE_OBJECTS
# and WASI_ADDON_OBJECTS for the reactor.
build_wasi_libraries() {
  compile_wasi "$WASI_OUT/obj/core" "$WASI_CORE_CFLAGS" "${CORE_SOURCES[@]}"
  WASI_CORE_OBJECTS=("${WASI_OBJECTS[@]}")
  compile_wasi "$WASI_OUT/obj/addon" "$WASI_ADDON_CFLAGS" csrc/wasi/src/*.c
  WASI_ADDON_OBJECTS=("${WASI_OBJECTS[@]}")
  mkdir -p wasm/lib
  rm -f wasm/lib/libnativesockets.a wasm/lib/libnativesockets_wasi.a
  $WASI_AR rcs wasm/lib/libnativesockets.a "${WASI_CORE_OBJECTS[@]}"
  $WASI_AR rcs wasm/lib/libnativesockets_wasi.a "${WASI_ADDON_OBJECTS[@]}"
}

# wasm/nativesockets.wasm: a reactor exporting wasm/exports.txt and nothing
# else, optimised and without debug information.
link_wasi_reactor() {
  local exports=() name
  while read -r name; do
    [[ -z $name || $name == \#* ]] || exports+=("-Wl,--export=$name")
  done < wasm/exports.txt
  "${WASI_CC[@]}" -O2 -mexec-model=reactor $WASI_STACK -Wl,--strip-all \
    "${exports[@]}" "${WASI_CORE_OBJECTS[@]}" "${WASI_ADDON_OBJECTS[@]}" \
    -o wasm/nativesockets.wasm
}

# The C suite and posix-echo, built as a user would: against wasm/include and
# wasm/lib. The add-on comes before wasi-libc (which the driver links last),
# so its accept, send, recv and getsockopt are the ones linked.
build_wasi_programs() {
  local user=(-Iwasm/include "$WASI_STACK") tests
  mapfile -t tests < <(suite_sources wasi)
  # shellcheck disable=SC2086
  "${WASI_CC[@]}" -std=c99 -D_GNU_SOURCE -O2 $WARNINGS "${user[@]}" -Itest/c \
    "${tests[@]}" -Lwasm/lib -lnativesockets -lnativesockets_wasi \
    -o "$WASI_OUT/test-c.wasm"
  # shellcheck disable=SC2086
  "${WASI_CC[@]}" -std=c99 -D_POSIX_C_SOURCE=200809L -O2 $WARNINGS "${user[@]}" \
    test/js/guests/posix_echo.c -Lwasm/lib -lnativesockets_wasi \
    -o "$WASI_OUT/posix-echo.wasm"
  # The hostile guest calls the imports itself: no add-on, no library.
  # shellcheck disable=SC2086
  "${WASI_CC[@]}" -std=c11 -O2 $WARNINGS -mexec-model=reactor \
    test/js/guests/hostile.c -o "$WASI_OUT/hostile.wasm"
  # The native demo's very source, for the host to run under Node.
  # shellcheck disable=SC2086
  "${WASI_CC[@]}" -std=c99 -D_GNU_SOURCE -O2 $WARNINGS "${user[@]}" \
    examples/demo.c -Lwasm/lib -lnativesockets -lnativesockets_wasi \
    -o "$WASI_OUT/demo.wasm"
}

build_wasi() {
  ensure_wasi_tools
  check_wasi_exports
  build_wasi_libraries
  install_wasi_headers
  link_wasi_reactor
  build_wasi_programs
  say "build.sh: wasm/nativesockets.wasm ($(wc -c < wasm/nativesockets.wasm) bytes), wasm/lib, wasm/include"
  say "build.sh: build/wasi/{test-c,posix-echo,hostile,demo}.wasm"
}

ensure_node() {
  ensure_packages node:nodejs npm:npm
  if [[ ! -d node_modules/vitest ]]; then
    say "build.sh: npm ci"
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
}

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
}

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

case ${1:-} in
  native) build_native ;;
  test) cmd_test ;;
  demo) cmd_demo ;;
  wasi) build_wasi ;;
  install) cmd_install ;;
  clean) rm -rf "$BUILD" wasm/*.wasm wasm/lib wasm/include ;;
  *) usage ;;
esac
