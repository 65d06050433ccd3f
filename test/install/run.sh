#!/usr/bin/env bash
# Installs the library into a scratch prefix and uses it the way a C user
# would: pkg-config, the shared library, the static library, the header.
# Prints "ok/FAIL <check>" lines, then "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
CC=${CC:-gcc}
# No `grep -q` after a pipe: it stops reading at the first match, and the
# writer's SIGPIPE then fails the pipeline under pipefail, now and then.
# shellcheck source=test/lib.sh
. test/lib.sh
prefix=$work/prefix

version=$(sed -n 's/^#define NS_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
  csrc/include/nativesockets.h | paste -sd.)
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig

check "install into a prefix" ./build.sh install PREFIX="$prefix"
check "pkg-config knows the version" \
  test "$(pkg-config --modversion nativesockets)" = "$version"

build_shared() {
  # Exactly what the README tells a user to type.
  $CC examples/demo.c $(pkg-config --cflags --libs nativesockets) -o "$work/demo-shared"
}
check "cc app.c \$(pkg-config --cflags --libs nativesockets)" build_shared
check "the shared build runs" env LD_LIBRARY_PATH="$prefix/lib" "$work/demo-shared"
links_installed_so() {
  LD_LIBRARY_PATH="$prefix/lib" ldd "$work/demo-shared" |
    grep "libnativesockets.so.${version%%.*} => $prefix/lib/" >/dev/null
}
check "it links the installed libnativesockets.so.${version%%.*}" links_installed_so

build_static() {
  $CC examples/demo.c $(pkg-config --cflags nativesockets) \
    "$(pkg-config --variable=libdir nativesockets)/libnativesockets.a" -o "$work/demo-static" &&
    ! ldd "$work/demo-static" | grep libnativesockets >/dev/null
}
check "the static library links on its own" build_static
check "the static build runs" "$work/demo-static"

so=$prefix/lib/libnativesockets.so.$version
soname_is_major() { objdump -p "$so" | grep "SONAME *libnativesockets.so.${version%%.*}$" >/dev/null; }
check "soname is libnativesockets.so.${version%%.*}" soname_is_major

only_ns_exported() {
  local others
  others=$(nm -D --defined-only "$so" | awk '{print $3}' | sed 's/@.*//' | grep -v '^ns_' | grep -v '^NATIVESOCKETS_' || true)
  [[ -z $others ]] || { echo "exported besides ns_*: $others"; return 1; }
}
check "only ns_* symbols are exported" only_ns_exported

every_declared_function_exported() {
  local missing=0 fn
  for fn in $(grep -oE '\bns_[a-z0-9_]+\(' csrc/include/nativesockets.h | tr -d '(' | sort -u); do
    nm -D --defined-only "$so" | awk '{print $3}' | sed 's/@.*//' | grep -x "${fn}" >/dev/null || { echo "missing: $fn"; missing=1; }
  done
  return $missing
}
check "every function in the header is exported" every_declared_function_exported

header_is_strict_c99() {
  echo '#include <nativesockets.h>
int main(void) { return ns_version() == 0; }' > "$work/strict.c"
  $CC -std=c99 -D_POSIX_C_SOURCE=200809L -pedantic-errors -Wall -Wextra -Werror \
    $(pkg-config --cflags nativesockets) -c "$work/strict.c" -o "$work/strict.o"
}
check "the header is strict C99" header_is_strict_c99

header_is_cplusplus() {
  if ! command -v g++ >/dev/null; then echo "g++ not installed"; return 1; fi
  echo '#include <nativesockets.h>
int main() { ns_socket s; return ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s) == NS_OK ? ns_close(s) : 1; }' > "$work/app.cc"
  g++ -Wall -Werror $(pkg-config --cflags nativesockets) "$work/app.cc" \
    $(pkg-config --libs nativesockets) -o "$work/app-cc" &&
    LD_LIBRARY_PATH="$prefix/lib" "$work/app-cc"
}
check "the header works from C++" header_is_cplusplus

readme_example_runs() {
  # The first C block of the README, compiled and run as a user would.
  awk '/^```c$/{on=1; next} /^```$/{if (on) exit} on' README.md > "$work/readme.c"
  $CC -Wall -Werror "$work/readme.c" $(pkg-config --cflags --libs nativesockets) \
    -o "$work/readme" && LD_LIBRARY_PATH="$prefix/lib" "$work/readme"
}
check "the README's C example compiles and runs" readme_example_runs

checks_summary
