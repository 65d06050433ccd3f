# shellcheck shell=bash
# Deno and Bun: the runtime smoke suite (test/runtimes/smoke.mjs: the JS
# API, nativesockets/promises, runWasi and, under Deno, the type check) under
# each runtime, one summary line per runtime. The binaries come from the npm packages `deno` and `bun`
# (devDependencies, installed by npm ci). Called by `./build.sh test`;
# sourced by build.sh.

# runtime_version BINARY — "2.9.6" from `deno --version` / `bun --version`.
runtime_version() {
  "$1" --version 2>/dev/null | head -n 1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1
}

# run_runtime NAME COMMAND... — the runtime smoke suite (test/runtimes/smoke.mjs:
# the blocking JS API, nativesockets/promises, runWasi and, under Deno, the
# type check) under COMMAND, the runtime with its flags. Vitest itself is not
# used there: under Deno 2.9 its run passes and then never exits.
run_runtime() {
  local name=$1
  shift
  say "build.sh: the smoke suite under $name"
  timeout 600 "$@" test/runtimes/smoke.mjs
}

TEST_TARGETS+=(runtimes)
TEST_ABOUT[runtimes]="the runtime smoke suite (JS API, promises, runWasi, types) under Deno and Bun"

test_runtimes() {
  ensure_node
  local deno=node_modules/.bin/deno bun=node_modules/.bin/bun version
  if version=$(runtime_version "$deno") && [[ -n $version ]]; then
    run_suite "js deno $version" run_runtime deno "$deno" run -A
  else
    report_not_run "js deno" "node_modules/.bin/deno does not run (npm ci installs the deno package)"
  fi
  if version=$(runtime_version "$bun") && [[ -n $version ]]; then
    run_suite "js bun $version" run_runtime bun "$bun" --bun
  else
    report_not_run "js bun" "node_modules/.bin/bun does not run (npm ci installs the bun package)"
  fi
}
