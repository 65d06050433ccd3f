# shellcheck shell=bash
# The native library: build and install. Sourced by build.sh.

# ---- native library -----------------------------------------------------

# The soname and development links beside libnativesockets.so.VERSION in DIR.
link_shared_names() {
  ln -sf "libnativesockets.so.$VERSION" "$1/libnativesockets.so.$MAJOR"
  ln -sf "libnativesockets.so.$MAJOR" "$1/libnativesockets.so"
}

build_native() {
  ensure_native_tools
  local out=$BUILD/native
  # shellcheck disable=SC2086 # CC may carry words ("ccache gcc")
  compile_objects "$out/obj" "$CORE_CFLAGS -fPIC" $CC -- "${CORE_SOURCES[@]}"
  rm -f "$out/libnativesockets.a"
  ar rcs "$out/libnativesockets.a" "${OBJECTS[@]}"
  $CC -shared -o "$out/libnativesockets.so.$VERSION" "${OBJECTS[@]}" \
    -Wl,-soname,libnativesockets.so.$MAJOR \
    -Wl,--version-script=csrc/nativesockets.map
  link_shared_names "$out"
  link_test_runner "$out/test-c" obj-test "$CORE_CFLAGS -fPIC" "${OBJECTS[@]}"
  say "build.sh: native library $VERSION and the C suite (test-c) in build/native"
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
