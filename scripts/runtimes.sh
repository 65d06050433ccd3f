# shellcheck shell=bash
# Deno and Bun: the JS API, nativesockets/promises and runWasi under each
# runtime (test/runtimes/smoke.mjs), with the binaries that the npm packages
# `deno` and `bun` (devDependencies, installed by npm ci) bring. Called by
# `./build.sh test`; sourced by build.sh.

# runtime_version BINARY — "2.9.6" from `deno --version` / `bun --version`.
runtime_version() {
  "$1" --version 2>/dev/null | head -n 1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1
}

test_runtimes() {
  ensure_node
  local deno=node_modules/.bin/deno bun=node_modules/.bin/bun version
  if version=$(runtime_version "$deno") && [[ -n $version ]]; then
    run_suite "js deno $version" timeout 300 "$deno" run -A test/runtimes/smoke.mjs
  else
    report_not_run "js deno" "node_modules/.bin/deno does not run (npm ci installs the deno package)"
  fi
  if version=$(runtime_version "$bun") && [[ -n $version ]]; then
    run_suite "js bun $version" timeout 300 "$bun" test/runtimes/smoke.mjs
  else
    report_not_run "js bun" "node_modules/.bin/bun does not run (npm ci installs the bun package)"
  fi
}
