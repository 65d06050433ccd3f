# shellcheck shell=bash
# Windows (x86_64, mingw-w64): the DLL, its import library, the static
# library, the C suite and the demo; the suite runs under Wine. Sourced by
# build.sh.
#
# ---- Windows ------------------------------------------------------------
#
#   ./build.sh windows     build/windows/: nativesockets.dll,
#                          libnativesockets.dll.a (import library),
#                          libnativesockets.a (static), nativesockets.def,
#                          test-c.exe (the C suite, linked to the DLL),
#                          demo.exe (examples/demo.c, linked statically)
#   ./build.sh test        ... and runs test-c.exe under Wine
#
# Tools: Debian's gcc-mingw-w64-x86-64 and wine64, installed by apt-get when
# run as root. Wine runs in its own prefix, build/windows/wine-prefix, made on
# first use (a few seconds; bounded by a timeout).
#
# Linking a program with mingw-w64 (headers from csrc/include):
#   against the DLL:    x86_64-w64-mingw32-gcc app.c -Icsrc/include \
#                         -Lbuild/windows -lnativesockets.dll -lws2_32
#                       (ship nativesockets.dll beside app.exe)
#   static library:     x86_64-w64-mingw32-gcc app.c -Icsrc/include \
#                         build/windows/libnativesockets.a -lws2_32
# MSVC can link the DLL through nativesockets.def (lib /def:nativesockets.def
# /machine:x64). The DLL exports the ns_* functions and nothing else.
#
# What differs on Windows (the API and the error codes stay the same):
#   - ns_socket is SOCKET (an unsigned handle), NS_INVALID_SOCKET is
#     INVALID_SOCKET; compare with it, never with < 0.
#   - ns_init() calls WSAStartup (every function that needs it calls it);
#     ns_cleanup() calls WSACleanup.
#   - Sockets are made with WSA_FLAG_NO_HANDLE_INHERIT; ns_set_inheritable
#     switches HANDLE_FLAG_INHERIT. Accepted sockets get the flag right after
#     accept (Windows has no accept4).
#   - ns_set_blocking and NS_FIONBIO use ioctlsocket; ns_select_* use select
#     with sets allocated to size: no 64-socket (FD_SETSIZE) limit.
#   - WSA error codes are translated to the same NS_E* codes as errno is; a
#     closed handle is NS_EBADF and a handle that is not a socket NS_ENOTSOCK,
#     as on POSIX. A send to a peer that is gone (WSAECONNRESET,
#     WSAECONNABORTED, WSAESHUTDOWN) is NS_EPIPE; a datagram cut to fit the
#     buffer is returned cut (Winsock's WSAEMSGSIZE), as on POSIX; an
#     unbound socket's name is the zero address and port 0.
#   - NS_SO_REUSEPORT is NS_OPTION_MISSING (NS_ENOPROTOOPT); NS_SHUT_* are
#     SD_RECEIVE/SD_SEND/SD_BOTH.
#   - Services and protocols come from %SystemRoot%\System32\drivers\etc\
#     services and \protocol, read by the library itself (reentrant, no lock;
#     and right under Wine, whose getservbyport misses entries).
#   - AF_UNIX: ns_make_unix_addr works; creating the socket needs Windows 10
#     1803 or later and is NS_EAFNOSUPPORT elsewhere, and under Wine.
#   - No descriptor limit to lower: the two EMFILE tests are skipped. Under
#     Wine a reset connection reads as end of stream: the two reset tests
#     are skipped there (Windows itself reports WSAECONNRESET).

WIN_OUT=$BUILD/windows
WIN_CC=x86_64-w64-mingw32-gcc
WIN_AR=x86_64-w64-mingw32-ar
WIN_CFLAGS="-std=c99 -O2 -g $WARNINGS -Icsrc/include"
WIN_LIBS="-lws2_32"
WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver64
WINE_PREFIX=$WIN_OUT/wine-prefix

ensure_windows_tools() {
  ensure_packages "$WIN_CC:gcc-mingw-w64-x86-64" "$WIN_AR:binutils-mingw-w64-x86-64"
}

ensure_wine() {
  ensure_packages "$WINE:wine64"
}

# The export list: exactly the functions the header declares.
write_windows_def() {
  {
    echo "LIBRARY nativesockets.dll"
    echo "EXPORTS"
    grep -oE '\bns_[a-z0-9_]+\(' "$header" | tr -d '(' | sort -u | sed 's/^/  /'
  } > "$WIN_OUT/nativesockets.def"
}

# The exports of the DLL must be the def file's, no more.
check_windows_exports() {
  local exported listed
  exported=$(x86_64-w64-mingw32-objdump -p "$WIN_OUT/nativesockets.dll" |
    sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' |
    grep -oE '^\s*\[ *[0-9]+\] [A-Za-z_][A-Za-z0-9_]*$' | sed 's/.*\] //' | sort -u)
  listed=$(sed -n 's/^  //p' "$WIN_OUT/nativesockets.def" | sort -u)
  if [[ $exported != "$listed" ]]; then
    say "build.sh: nativesockets.dll exports differ from nativesockets.def:"
    diff <(echo "$listed") <(echo "$exported") >&2 || true
    exit 1
  fi
}

# Which DLLs an executable imports.
windows_imports() {
  x86_64-w64-mingw32-objdump -p "$1" | sed -n 's/^\tDLL Name: //p'
}

build_windows_libraries() {
  compile_objects "$WIN_OUT/obj" "$WIN_CFLAGS" "$WIN_CC" -- csrc/src/*.c csrc/src/win/*.c
  rm -f "$WIN_OUT/libnativesockets.a"
  $WIN_AR rcs "$WIN_OUT/libnativesockets.a" "${OBJECTS[@]}"
  write_windows_def
  # shellcheck disable=SC2086
  $WIN_CC -shared -static-libgcc -o "$WIN_OUT/nativesockets.dll" "${OBJECTS[@]}" \
    "$WIN_OUT/nativesockets.def" \
    -Wl,--out-implib,"$WIN_OUT/libnativesockets.dll.a" $WIN_LIBS
  check_windows_exports
}

# The suite against the DLL (so the DLL is what is tested), the demo against
# the static library (so that one links too).
build_windows_programs() {
  local tests
  mapfile -t tests < <(suite_sources win)
  # shellcheck disable=SC2086
  $WIN_CC $WIN_CFLAGS -Itest/c "${tests[@]}" -static-libgcc \
    -L"$WIN_OUT" -lnativesockets.dll $WIN_LIBS -lntdll -o "$WIN_OUT/test-c.exe"
  if ! windows_imports "$WIN_OUT/test-c.exe" | grep -qx 'nativesockets.dll'; then
    say "build.sh: test-c.exe does not import nativesockets.dll"
    exit 1
  fi
  # shellcheck disable=SC2086
  $WIN_CC $WIN_CFLAGS -static-libgcc examples/demo.c "$WIN_OUT/libnativesockets.a" \
    $WIN_LIBS -o "$WIN_OUT/demo.exe"
  if windows_imports "$WIN_OUT/demo.exe" | grep -qx 'nativesockets.dll'; then
    say "build.sh: demo.exe should not need nativesockets.dll"
    exit 1
  fi
}

build_windows() {
  ensure_windows_tools
  mkdir -p "$WIN_OUT"
  build_windows_libraries
  build_windows_programs
  say "build.sh: build/windows/{nativesockets.dll,libnativesockets.dll.a,libnativesockets.a,test-c.exe,demo.exe}"
}

# ---- Wine -----------------------------------------------------------------

# Wine's environment for this project's prefix. mscoree/mshtml are off so
# that no Mono or Gecko installer is looked for.
wine_env() {
  env WINEPREFIX="$WINE_PREFIX" WINEDEBUG=-all WINEARCH=win64 \
    WINEDLLOVERRIDES="mscoree,mshtml=" "$@"
}

# Whether Wine runs a program in the prefix, within the time given.
wine_works() {
  wine_env timeout 120 "$WINE" cmd /c exit 0 </dev/null >>"$WIN_OUT/wine-init.log" 2>&1
}

# Makes the prefix (a few seconds, bounded).
make_wine_prefix() {
  rm -rf "$WINE_PREFIX"
  say "build.sh: making the Wine prefix build/windows/wine-prefix"
  wine_env timeout 300 "$WINE" wineboot --init </dev/null >>"$WIN_OUT/wine-init.log" 2>&1 || return 1
  # The registry reaches the disk when the wineserver exits.
  wine_env timeout 60 "$WINESERVER" -w </dev/null >/dev/null 2>&1 || true
  [[ -f $WINE_PREFIX/system.reg ]]
}

# Makes the prefix on first use (again if it no longer works) and starts its
# wineserver, kept alive until stop_wine. Every output goes to a log: a
# wineserver left holding the suite's pipe would keep it open.
start_wine() {
  mkdir -p "$WIN_OUT"
  : >"$WIN_OUT/wine-init.log"
  stop_wine # a server left from an earlier run may serve a removed prefix
  if [[ ! -f $WINE_PREFIX/system.reg ]] || ! wine_works; then
    stop_wine
    make_wine_prefix || return 1
  fi
  wine_env "$WINESERVER" -p </dev/null >>"$WIN_OUT/wine-init.log" 2>&1 || true
  wine_works
}

stop_wine() {
  wine_env "$WINESERVER" -k </dev/null >/dev/null 2>&1 || true
  wine_env timeout 30 "$WINESERVER" -w </dev/null >/dev/null 2>&1 || true
}

# run_in_wine SECONDS PROGRAM ARGS... — the Windows program's output with
# Unix line ends.
run_in_wine() {
  local seconds=$1
  shift
  wine_env timeout "$seconds" "$WINE" "$@" </dev/null 2>&1 | tr -d '\r'
}

TEST_ABOUT[windows]="the C suite and the demo cross-built with mingw-w64, run under Wine"

test_windows() {
  local started=$SECONDS
  if ! (ensure_windows_tools && ensure_wine); then
    report_not_run "c windows (wine)" "mingw-w64 or wine64 could not be installed"
    return
  fi
  build_windows
  if ! start_wine; then
    report_not_run "c windows (wine)" "Wine did not start (see build/windows/wine-init.log)"
    return
  fi
  say "build.sh: Wine ready after $((SECONDS - started)) s"
  local suite=(env WINEPREFIX="$WINE_PREFIX" WINEDEBUG=-all WINEARCH=win64
    WINEDLLOVERRIDES="mscoree,mshtml=" "$WINE" "$WIN_OUT/test-c.exe")
  run_suite "c windows (wine)" run_c_suite_resumable 120 "${suite[@]}"
  run_suite "runner self-test wine" runner_self_test --resumed "${suite[@]}"
  say ""
  say "==== demo.exe (static library) under Wine"
  # The demo exits non-zero when any step fails: counted as one failure.
  if run_in_wine 120 "$WIN_OUT/demo.exe" >"$BUILD/logs/windows-demo.log"; then
    SUMMARY+=("$(printf '%-22s ok' "demo.exe (wine)")")
  else
    say "demo.exe failed:"
    cat "$BUILD/logs/windows-demo.log" >&2
    SUMMARY+=("$(printf '%-22s FAILED (see build/logs/windows-demo.log)' "demo.exe (wine)")")
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
  fi
  stop_wine
  say "build.sh: the Windows step took $((SECONDS - started)) s"
}
