# shellcheck shell=bash
# wasm32-wasi: the reactor, the libraries for users, the test guests. Sourced by build.sh.

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
  compile_objects "$WASI_OUT/obj/core" "$WASI_CORE_CFLAGS" "${WASI_CC[@]}" -- "${CORE_SOURCES[@]}"
  WASI_CORE_OBJECTS=("${OBJECTS[@]}")
  # csrc/wasi/src/posix/ is WASI only (Emscripten's libc has its own).
  compile_objects "$WASI_OUT/obj/addon" "$WASI_ADDON_CFLAGS" "${WASI_CC[@]}" -- \
    csrc/wasi/src/*.c csrc/wasi/src/posix/*.c
  WASI_ADDON_OBJECTS=("${OBJECTS[@]}")
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
  # shellcheck disable=SC2086
  "${WASI_CC[@]}" -std=c99 -D_POSIX_C_SOURCE=200809L -O2 $WARNINGS "${user[@]}" \
    test/js/guests/netprobe.c -Lwasm/lib -lnativesockets_wasi -o "$WASI_OUT/netprobe.wasm"
  # The hostile guest calls the imports itself: no add-on, no library.
  # shellcheck disable=SC2086
  "${WASI_CC[@]}" -std=c11 -O2 $WARNINGS -mexec-model=reactor \
    test/js/guests/hostile.c -o "$WASI_OUT/hostile.wasm"
  build_fuzz_guest
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
  say "build.sh: build/wasi/{test-c,posix-echo,netprobe,hostile,fuzz,demo}.wasm"
}
