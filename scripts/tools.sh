# shellcheck shell=bash
# Installing what a step needs: Debian packages, npm packages. Sourced by build.sh.

# ---- tools --------------------------------------------------------------

# ensure_packages CMD:PACKAGE ... — installs the packages whose command (or
# file, when it starts with /) is missing.
ensure_packages() {
  local missing=() pair what pkg
  for pair in "$@"; do
    what=${pair%%:*} pkg=${pair#*:}
    if [[ $what == /* ]]; then [[ -e $what ]] && continue
    else command -v "$what" >/dev/null 2>&1 && continue; fi
    missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $(id -u) -ne 0 ]]; then
    say "build.sh: missing packages: ${missing[*]}"
    say "          install them with: sudo apt-get install ${missing[*]}"
    exit 1
  fi
  say "build.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_native_tools() {
  # netbase provides /etc/services and /etc/protocols, which the resolver
  # tests read; libasan/libubsan come with gcc.
  ensure_packages gcc:gcc ar:binutils pkg-config:pkg-config \
    /usr/include/stdio.h:libc6-dev /etc/services:netbase /etc/protocols:netbase
}

ensure_node() {
  ensure_packages node:nodejs npm:npm
  if [[ ! -d node_modules/vitest ]]; then
    say "build.sh: npm ci"
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
}

# ---- compiling ----------------------------------------------------------

# compile_objects OUTDIR "FLAGS" COMPILER... -- SOURCES... — one object per
# source in OUTDIR; their paths go to OBJECTS. Every target's build uses it:
# only the compiler and its flags differ.
compile_objects() {
  local dir=$1 flags=$2 compiler=() src o
  shift 2
  while [[ $1 != -- ]]; do
    compiler+=("$1")
    shift
  done
  shift
  mkdir -p "$dir"
  OBJECTS=()
  for src in "$@"; do
    o=$dir/$(basename "${src%.c}").o
    # shellcheck disable=SC2086
    "${compiler[@]}" $flags -c "$src" -o "$o"
    OBJECTS+=("$o")
  done
}
