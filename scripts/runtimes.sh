# shellcheck shell=bash
# Deno and Bun: the Vitest suites (test/js) and the runtime smoke suite
# (test/runtimes/smoke.mjs: the JS API, nativesockets/promises, runWasi and,
# under Deno, the type check) under each runtime, one summary line per
# runtime. The binaries come from the npm packages `deno` and `bun`
# (devDependencies, installed by npm ci). Called by `./build.sh test`;
# sourced by build.sh.

# runtime_version BINARY — "2.9.6" from `deno --version` / `bun --version`.
runtime_version() {
  "$1" --version 2>/dev/null | head -n 1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1
}

# run_runtime NAME COMMAND... — Vitest and the smoke suite under COMMAND
# (the runtime with its flags), summed by test/runtimes/summary.mjs.
run_runtime() {
  local name=$1 logs=$BUILD/logs
  shift
  mkdir -p "$logs"
  rm -f "$logs/vitest-$name.json" "$logs/smoke-$name.log"
  timeout 900 "$@" node_modules/vitest/vitest.mjs run --reporter=default \
    --reporter=json --outputFile.json="$logs/vitest-$name.json" test/js || true
  timeout 600 "$@" test/runtimes/smoke.mjs 2>&1 | tee "$logs/smoke-$name.log" || true
  node test/runtimes/summary.mjs "$logs/vitest-$name.json" "$logs/smoke-$name.log"
}

TEST_TARGETS+=(runtimes)
TEST_ABOUT[runtimes]="the Vitest suites and the runtime smoke suite under Deno and Bun"

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
