#!/bin/sh
# The near-dedup quality evaluation, end to end (docs/DEDUP.md "Quality"):
#   1. a virtualenv with datasketch and text-dedup from PyPI (.cache/eval_dedup_venv);
#   2. the evaluation set from ../shared lingua sentences and the UDHR texts;
#   3. chalni's tokens, exact Jaccard of every pair and chalni's clusters (chalni_dedup_eval);
#   4. the comparison table (with datatrove when bench/peers/setup.sh made .cache/peers/venv).
#   scripts/eval_dedup/run.sh [--skip-text-dedup]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV=$ROOT/.cache/eval_dedup_venv
OUT=$ROOT/.cache/eval_dedup
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q datasketch
  "$VENV/bin/pip" install -q text-dedup || echo "text-dedup did not install: compared without it"
fi
python3 "$ROOT/scripts/eval_dedup/build_eval_set.py" --out "$OUT/eval.jsonl"
"$ROOT/scripts/eval_dedup/build_tool.sh"
"$ROOT/build/chalni_dedup_eval" "$OUT/eval.jsonl" "$OUT/out"
"$VENV/bin/python" "$ROOT/scripts/eval_dedup/evaluate.py" "$OUT/eval.jsonl" "$OUT/out" "$@"
