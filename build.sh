#!/usr/bin/env bash
# The one build entry of nativesockets.
#
#   ./build.sh native                 static + shared library and .pc in build/native
#   ./build.sh test                   every test suite, then "N passed, N failed"
#   ./build.sh demo                   the demo: the library at work on loopback
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
TEST_SOURCES=(test/c/*.c)

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
  "$BUILD/native/demo"
}

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

case ${1:-} in
  native) build_native ;;
  test) cmd_test ;;
  demo) cmd_demo ;;
  install) cmd_install ;;
  clean) rm -rf "$BUILD" ;;
  *) usage ;;
esac
