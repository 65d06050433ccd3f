# shellcheck shell=bash
# What the scripted suites (test/install/run.sh, test/emscripten/package.sh)
# share: a scratch directory $work, removed at exit, and checks counted the
# way build.sh's run_suite reads them. Sourced, after `set -uo pipefail`.

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

# check NAME COMMAND... — runs the command; prints "ok   NAME", or
# "FAIL NAME" and the command's output indented.
check() {
  local name=$1
  shift
  if "$@" >"$work/out" 2>&1; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/    /' "$work/out"
  fi
}

# Prints "N passed, N failed"; fails if any check did, so that a suite which
# ends with it exits with its verdict.
checks_summary() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
