# shellcheck shell=bash
# libFuzzer targets for the C parsers (test/fuzz-c): build_fuzz_c builds them,
# run_fuzz_c SECONDS runs each for that long. Sourced by build.sh.
#
#   ./build.sh fuzz-c [SECONDS]    each target for SECONDS (default 600)
#   ./build.sh test fuzz-c         each target for 10 s, as a suite
#
# The targets (clang-16, -fsanitize=fuzzer,address,undefined):
#   fuzz_address     the core's address text: ns_get_host_by_addr's literal
#                    parser, ns_get_host_by_name/ns_get_addr_info on numeric
#                    names, ns_make_unix_addr, ns_get_addr_string on raw
#                    socket addresses, ns_port_to_string
#   fuzz_win_netdb   the Windows backend's drivers\etc\services and protocol
#                    parser (csrc/src/win/netdb.c, built natively with
#                    test/fuzz-c/win_shim.h)
#   fuzz_wasi_netdb  the WASI add-on's reading of the host's database answers
#                    (csrc/wasi/src/netdb.c, built natively)
# The corpus grows in build/fuzz-c/corpus/TARGET, seeded from
# test/fuzz-c/seeds/TARGET; a crashing input is kept as
# build/fuzz-c/crashes/TARGET-crash-*, and can be replayed with
# `build/fuzz-c/TARGET FILE`. Add an input that found a bug to the seeds, so
# every later run replays it first.

# ---- libFuzzer ------------------------------------------------------------

FUZZ_C_OUT=$BUILD/fuzz-c
FUZZ_C_TARGETS=(fuzz_address fuzz_win_netdb fuzz_wasi_netdb)
FUZZ_C_CC=clang-16
FUZZ_C_SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
FUZZ_C_CFLAGS="-std=c99 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror -Icsrc/include -fsanitize=fuzzer-no-link $FUZZ_C_SANITIZE"
# The core's resolver calls, answered by fuzz_address.c: nothing reaches the
# network, whatever the input.
FUZZ_C_NO_NETWORK="-Dgetaddrinfo=nsf_getaddrinfo -Dgetnameinfo=nsf_getnameinfo"
# The add-on's libc functions, renamed so the fuzzer keeps the C library's.
FUZZ_C_WASI_RENAMES="-Dgetservbyname=nsf_getservbyname -Dgetservbyport=nsf_getservbyport \
-Dgetprotobyname=nsf_getprotobyname -Dgetprotobynumber=nsf_getprotobynumber -Dgethostname=nsf_gethostname"

TEST_TARGETS+=(fuzz-c)
TEST_ABOUT[fuzz-c]="libFuzzer on the C parsers (address text, the Windows and WASI databases), 10 s each"

ensure_fuzz_c_tools() {
  ensure_packages clang-16:clang-16 \
    /usr/lib/llvm-16/lib/clang/16/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-16-dev
}

# The core's files besides netdb.c, which each target takes as it needs it.
fuzz_c_core_sources() {
  local f
  for f in csrc/src/*.c csrc/src/unix/error.c csrc/src/unix/socket.c; do
    [[ $f == csrc/src/netdb.c ]] || echo "$f"
  done
}

build_fuzz_c() {
  ensure_fuzz_c_tools
  local core netdb_offline netdb unix_netdb win_netdb wasi_netdb link
  mapfile -t core < <(fuzz_c_core_sources)
  compile_objects "$FUZZ_C_OUT/obj/core" "$FUZZ_C_CFLAGS" $FUZZ_C_CC -- "${core[@]}"
  core=("${OBJECTS[@]}")
  compile_objects "$FUZZ_C_OUT/obj/netdb-offline" "$FUZZ_C_CFLAGS $FUZZ_C_NO_NETWORK" \
    $FUZZ_C_CC -- csrc/src/netdb.c csrc/src/unix/netdb.c
  netdb_offline=("${OBJECTS[@]}")
  compile_objects "$FUZZ_C_OUT/obj/netdb" "$FUZZ_C_CFLAGS" $FUZZ_C_CC -- csrc/src/netdb.c
  netdb=("${OBJECTS[@]}")
  compile_objects "$FUZZ_C_OUT/obj/win" "$FUZZ_C_CFLAGS -include test/fuzz-c/win_shim.h" \
    $FUZZ_C_CC -- csrc/src/win/netdb.c
  win_netdb=("${OBJECTS[@]}")
  # The add-on is C11 and carries wasm import attributes, unknown natively;
  # glibc declares gethostname nonnull, which its NULL check is not for.
  compile_objects "$FUZZ_C_OUT/obj/wasi" \
    "${FUZZ_C_CFLAGS/-std=c99/-std=c11} -Wno-unknown-attributes -Wno-tautological-pointer-compare $FUZZ_C_WASI_RENAMES" \
    $FUZZ_C_CC -- csrc/wasi/src/netdb.c
  wasi_netdb=("${OBJECTS[@]}")
  compile_objects "$FUZZ_C_OUT/obj/targets" "$FUZZ_C_CFLAGS" $FUZZ_C_CC -- \
    test/fuzz-c/fuzz_address.c test/fuzz-c/fuzz_win_netdb.c test/fuzz-c/fuzz_wasi_netdb.c
  local targets=("${OBJECTS[@]}")
  link="-fsanitize=fuzzer $FUZZ_C_SANITIZE"
  # shellcheck disable=SC2086
  $FUZZ_C_CC $link "${targets[0]}" "${core[@]}" "${netdb_offline[@]}" -o "$FUZZ_C_OUT/fuzz_address"
  # shellcheck disable=SC2086
  $FUZZ_C_CC $link "${targets[1]}" "${core[@]}" "${netdb[@]}" "${win_netdb[@]}" -o "$FUZZ_C_OUT/fuzz_win_netdb"
  # shellcheck disable=SC2086
  $FUZZ_C_CC $link "${targets[2]}" "${wasi_netdb[@]}" -o "$FUZZ_C_OUT/fuzz_wasi_netdb"
  say "build.sh: the libFuzzer targets in build/fuzz-c: ${FUZZ_C_TARGETS[*]}"
}

# run_fuzz_c SECONDS — each target for SECONDS; prints "ok   TARGET: N runs"
# or "FAIL TARGET" with libFuzzer's report, then "N passed, N failed".
run_fuzz_c() {
  local seconds=${1:-600} target log passed=0 failed=0 runs
  mkdir -p "$FUZZ_C_OUT/crashes" "$FUZZ_C_OUT/logs"
  for target in "${FUZZ_C_TARGETS[@]}"; do
    log=$FUZZ_C_OUT/logs/$target.log
    mkdir -p "$FUZZ_C_OUT/corpus/$target"
    if "$FUZZ_C_OUT/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$FUZZ_C_OUT/crashes/$target-" \
      "$FUZZ_C_OUT/corpus/$target" "test/fuzz-c/seeds/$target" >"$log" 2>&1; then
      runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
      passed=$((passed + 1))
      echo "ok   $target: ${runs:-?} inputs in $seconds s, corpus $(find "$FUZZ_C_OUT/corpus/$target" -type f | wc -l) files"
    else
      failed=$((failed + 1))
      echo "FAIL $target (build/fuzz-c/logs/$target.log):"
      grep -E 'ERROR|SUMMARY|expected|runtime error|Test unit written' "$log" | head -n 20 | sed 's/^/    /'
    fi
  done
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}

cmd_fuzz_c() {
  build_fuzz_c
  run_fuzz_c "${1:-600}"
}

test_fuzz-c() {
  if ! (ensure_fuzz_c_tools) >/dev/null 2>&1; then
    report_not_run "c parsers (libFuzzer)" "clang-16 and libclang-rt-16-dev cannot be installed"
    return
  fi
  build_fuzz_c
  run_suite "c parsers (libFuzzer)" run_fuzz_c 10
}
