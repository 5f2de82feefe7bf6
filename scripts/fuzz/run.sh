#!/usr/bin/env bash
# Runs the libFuzzer targets built by `make fuzz-build` (build-fuzz/<target>_fuzz).
#
#   scripts/fuzz/run.sh smoke [SECONDS]          # every target SECONDS (25) over its corpus
#   scripts/fuzz/run.sh campaign TARGET SECONDS  # one long run, log + corpus under build-fuzz/campaign/
#   scripts/fuzz/run.sh table [TARGET...]         # a campaign's log -> a row of docs/FUZZING.md
#
# Inputs found are written to a scratch corpus (never into fuzz/corpus/, which stays the small
# committed seed set); crashes land in the run's artifact folder and fail the command. A crash
# becomes fuzz/regressions/<target>/<name> once fixed (docs/FUZZING.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

TARGETS=(jsonl_reader decompress normalize segment_tokenize config phrase_bank document_pipeline)
BUILD=${FUZZ_BUILD:-build-fuzz}
# A single input slower than this is a finding too (libFuzzer writes it as timeout-*).
FLAGS=(-timeout=20 -rss_limit_mb=2560 -print_final_stats=1)

target_flags() {  # target_flags <target>: the target's dictionary, when it has one
  [ -f "fuzz/$1.dict" ] && echo "-dict=fuzz/$1.dict"
  return 0
}

binary() {
  local bin="$BUILD/$1_fuzz"
  [ -x "$bin" ] || { echo "fuzz: $bin is missing: run make fuzz-build" >&2; exit 2; }
  echo "$bin"
}

smoke() {
  local seconds=${1:-25} failed=() t
  local scratch
  scratch=$(mktemp -d)
  trap "rm -rf '$scratch'" EXIT
  for t in "${TARGETS[@]}"; do
    local bin
    bin=$(binary "$t")
    mkdir -p "$scratch/$t/corpus" "$scratch/$t/artifacts"
    echo "fuzz smoke: $t (${seconds}s)"
    # shellcheck disable=SC2046
    # A fixed seed (FUZZ_SEED) makes a CI smoke reproducible; campaigns explore with random ones.
    if ! "$bin" "${FLAGS[@]}" $(target_flags "$t") -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" \
         -artifact_prefix="$scratch/$t/artifacts/" "$scratch/$t/corpus" \
         "fuzz/corpus/$t" "fuzz/regressions/$t" > "$scratch/$t.log" 2>&1; then
      tail -n 60 "$scratch/$t.log"
      mkdir -p "$BUILD/smoke-failures/$t"
      cp -r "$scratch/$t/artifacts/." "$scratch/$t.log" "$BUILD/smoke-failures/$t/" || true
      failed+=("$t")
    fi
    grep -E '^#[0-9]+.*DONE' "$scratch/$t.log" | tail -n 1 || true
  done
  if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz smoke: FAILED: ${failed[*]} (inputs and logs in $BUILD/smoke-failures/)" >&2
    exit 1
  fi
  echo "fuzz smoke: ${#TARGETS[@]} targets, no crash"
}

campaign() {
  local t=$1 seconds=$2
  local bin dir
  bin=$(binary "$t")
  dir="$BUILD/campaign/$t"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  echo "fuzz campaign: $t for ${seconds}s; log $dir.log"
  local start rc=0
  start=$(date +%s)
  # -fork=1 with -ignore_*: a finding is saved and counted, and the campaign goes on for its
  # whole time instead of stopping at the first crash.
  # shellcheck disable=SC2046
  "$bin" "${FLAGS[@]}" $(target_flags "$t") -max_total_time="$seconds" -fork=1 \
    -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -artifact_prefix="$dir/artifacts/" "$dir/corpus" "fuzz/corpus/$t" "fuzz/regressions/$t" \
    > "$dir.log" 2>&1 || rc=$?
  echo "wall_seconds: $(( $(date +%s) - start ))" >> "$dir.log"
  table "$t"
  return $rc
}

# One markdown row per campaign log: target, wall seconds, executions, exec/s (average), cov,
# ft, corpus entries (files in the corpus folder), libFuzzer's oom/timeout/crash counts (saved
# inputs).
table() {
  local t
  [ $# -gt 0 ] || set -- "${TARGETS[@]}"
  for t in "$@"; do
    local log="$BUILD/campaign/$t.log"
    [ -f "$log" ] || continue
    # The last status line of fork mode:
    # #97784: cov: 1078 ft: 951 corp: 74 exec/s 9628 oom/timeout/crash: 0/0/0 time: 15s job: 4
    local last wall execs rate cov ft corp found files saved
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    wall=$(sed -n 's/^wall_seconds: //p' "$log" | tail -n 1)
    execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<< "$last")
    # exec/s on that line is the last job's; the campaign's average is executions / time.
    local secs
    secs=$(sed -n 's/.* time: \([0-9]*\)s.*/\1/p' <<< "$last")
    [ -n "$execs" ] && [ -n "$secs" ] && [ "$secs" -gt 0 ] && rate=$(( execs / secs ))
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<< "$last")
    found=$(sed -n 's/.* oom\/timeout\/crash: \([0-9\/]*\).*/\1/p' <<< "$last")
    files=$(find "$BUILD/campaign/$t/corpus" -type f 2>/dev/null | wc -l)
    saved=$(find "$BUILD/campaign/$t/artifacts" -type f 2>/dev/null | wc -l)
    echo "| $t | ${wall:-running} | ${execs:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} ($files files) | ${found:-?} ($saved inputs saved) |"
  done
}

case "${1:-}" in
  smoke) shift; smoke "$@" ;;
  campaign) shift; [ $# -eq 2 ] || { echo "usage: $0 campaign TARGET SECONDS" >&2; exit 2; }; campaign "$@" ;;
  table) shift; table "$@" ;;
  *) echo "usage: $0 smoke [SECONDS] | campaign TARGET SECONDS | table [TARGET...]" >&2; exit 2 ;;
esac
