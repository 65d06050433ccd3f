#!/usr/bin/env bash
# The suite "docs code blocks": every fenced code block of README.md and
# docs/*.md (or of the files named) is compiled, run or checked by its info
# string; the rules are in docs/README.md. The C blocks build against a copy
# of the library installed into a scratch prefix, as a user's program would.
#   bash test/docs/run.sh [FILE.md...]
# Prints "ok/FAIL/skip FILE:LINE INFO" lines, then "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! ./build.sh install PREFIX="$work/prefix" >"$work/install.log" 2>&1; then
  echo "test/docs: ./build.sh install failed, so the C blocks will too:"
  sed 's/^/    /' "$work/install.log"
fi
node test/docs/blocks.mjs --work "$work" --prefix "$work/prefix" \
  --must-fail test/docs/must-fail.md "$@"
