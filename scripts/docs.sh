# shellcheck shell=bash
# The suite "docs code blocks": test/docs/run.sh checks every fenced code
# block of README.md and docs/*.md (the rules: docs/README.md). Sourced by
# build.sh.

test_docs() {
  # The JS blocks run on wasm/nativesockets.wasm; app.wasm is build/wasi's.
  build_wasi
  ensure_node
  run_suite "docs code blocks" bash test/docs/run.sh
}

# Where build.sh keeps a table of test targets, the docs are one of them.
if declare -p TEST_TARGETS &>/dev/null; then
  TEST_TARGETS+=(docs)
  # shellcheck disable=SC2034,SC2154 # build.sh's associative array
  TEST_ABOUT[docs]="every code block of README.md and docs/*.md compiled, run or checked"
fi
