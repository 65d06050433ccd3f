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
#
# Incremental, as make would be: a source is compiled again only when its
# object is older than the source or than a header it included (the
# compiler's own list, -MMD), or when the compiler or flags changed (all
# objects of OUTDIR are then rebuilt). An object is named after the source's
# path (src-unix-socket.o), so that core and backend files of one name
# (socket.c, unix/socket.c) do not overwrite each other, here or in an
# archive.
compile_objects() {
  local dir=$1 flags=$2 compiler=() src o command
  shift 2
  while [[ $1 != -- ]]; do
    compiler+=("$1")
    shift
  done
  shift
  mkdir -p "$dir"
  command="${compiler[*]} $flags"
  if [[ ! -f $dir/.command || $(<"$dir/.command") != "$command" ]]; then
    rm -f "$dir"/*.o "$dir"/*.d
    printf '%s' "$command" > "$dir/.command"
  fi
  OBJECTS=()
  for src in "$@"; do
    o=$dir/$(object_name "$src")
    if object_is_stale "$o"; then
      # shellcheck disable=SC2086
      "${compiler[@]}" $flags -MMD -MF "${o%.o}.d" -c "$src" -o "$o"
    fi
    OBJECTS+=("$o")
  done
}

# object_name SOURCE — csrc/src/unix/socket.c → src-unix-socket.o.
object_name() {
  local name=${1%.c}
  name=${name#csrc/}
  echo "${name//\//-}.o"
}

# Whether OBJECT must be compiled: missing, or older than any file its
# dependency list (OBJECT minus .o plus .d) names.
object_is_stale() {
  local o=$1 d=${1%.o}.d dep
  [[ -f $o && -f $d ]] || return 0
  for dep in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$d"); do
    [[ $dep -nt $o ]] && return 0
  done
  return 1
}
