#!/usr/bin/env python3
"""Golden runs: tests/golden/<case>/ holds config.yaml, an input (input.jsonl, input.txt, an
input/ folder, input.ref naming a path relative to the repository root, e.g. the seed in
../shared, or make_input.py REPO_ROOT OUT.jsonl writing it; exit 77 skips the case), and the
expected outputs:
  expected.jsonl  every output record in order, tagged {"out": "kept"|"removed"|"errors"}, with
                  volatile fields stripped (none today but floats rounded to 4 digits), texts in
                  full when the case has a file `full_text`, else {"sha256", "head"}
  stats.json      the run's stats.json (deterministic by contract)
Set CHALNI_GOLDEN_UPDATE=1 to rewrite them (`make golden-update`), then review `git diff`.
Usage: run_golden.py BUILD/chalni REPO_ROOT [case]
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

CHALNI, ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ONLY = sys.argv[3] if len(sys.argv) > 3 else None
UPDATE = os.environ.get("CHALNI_GOLDEN_UPDATE") == "1"
HERE = os.path.dirname(os.path.abspath(__file__))


def rounded(x):
    if isinstance(x, float):
        return round(x, 4)
    if isinstance(x, dict):
        return {k: rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [rounded(v) for v in x]
    return x


def collect(outdir, full_text):
    lines = []
    for kind in ("kept", "removed", "errors"):
        d = os.path.join(outdir, kind)
        for name in sorted(os.listdir(d)):
            data = subprocess.run(["zstd", "-dc", os.path.join(d, name)], check=True,
                                  capture_output=True).stdout.decode()
            for line in data.splitlines():
                rec = json.loads(line)
                if not full_text and isinstance(rec.get("text"), str):
                    t = rec["text"]
                    rec["text"] = {"sha256": hashlib.sha256(t.encode()).hexdigest()[:16],
                                   "head": t[:100]}
                lines.append(json.dumps({"out": kind, **rounded(rec)}, ensure_ascii=False,
                                        sort_keys=False))
    return "\n".join(lines) + "\n"


def run_case(case):
    cdir = os.path.join(HERE, case)
    gen_dir = None  # a folder this function made for a generated input, removed at the end
    if os.path.exists(os.path.join(cdir, "input.ref")):
        ref = open(os.path.join(cdir, "input.ref")).read().strip()
        inp = os.path.normpath(os.path.join(ROOT, ref))
        if not os.path.exists(inp):
            print(f"SKIPPED {case}: {inp} is absent")
            return None
    elif os.path.exists(os.path.join(cdir, "make_input.py")):
        gen_dir = tempfile.mkdtemp(prefix=f"chalni-golden-in-{case}-")
        inp = os.path.join(gen_dir, "input.jsonl")
        p = subprocess.run([sys.executable, os.path.join(cdir, "make_input.py"), ROOT, inp])
        if p.returncode != 0:
            shutil.rmtree(gen_dir, ignore_errors=True)
        if p.returncode == 77:
            print(f"SKIPPED {case}: make_input.py found no input")
            return None
        if p.returncode != 0:
            print(f"FAIL {case}: make_input.py exited {p.returncode}")
            return False
    else:
        cands = [n for n in os.listdir(cdir) if n.startswith("input")]
        assert len(cands) == 1, f"{case}: expected one input*, found {cands}"
        inp = os.path.join(cdir, cands[0])
    tmp = tempfile.mkdtemp(prefix=f"chalni-golden-{case}-")
    try:
        out = os.path.join(tmp, "out")
        p = subprocess.run([CHALNI, "run", "-i", inp, "-o", out, "-c",
                            os.path.join(cdir, "config.yaml"), "-j", "2"], capture_output=True)
        if p.returncode not in (0, 1):
            print(f"FAIL {case}: exit {p.returncode}\n{p.stderr.decode()}")
            return False
        got = collect(out, os.path.exists(os.path.join(cdir, "full_text")))
        stats = json.dumps(json.load(open(os.path.join(out, "stats.json"))), indent=1,
                           ensure_ascii=False) + "\n"
        ok = True
        for name, content in (("expected.jsonl", got), ("stats.json", stats)):
            path = os.path.join(cdir, name)
            if UPDATE:
                with open(path, "w") as f:
                    f.write(content)
                continue
            if not os.path.exists(path):
                print(f"FAIL {case}: {name} missing (run make golden-update)")
                ok = False
                continue
            want = open(path).read()
            if want != content:
                with open(path + ".actual", "w") as f:
                    f.write(content)
                print(f"FAIL {case}: {name} differs; see {path}.actual "
                      f"(diff it; make golden-update accepts)")
                ok = False
        if ok:
            print(f"PASS {case}" + (" (updated)" if UPDATE else ""))
        return ok
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if gen_dir is not None:
            shutil.rmtree(gen_dir, ignore_errors=True)


def main():
    cases = sorted(d for d in os.listdir(HERE) if os.path.isdir(os.path.join(HERE, d)))
    if ONLY:
        cases = [c for c in cases if c == ONLY]
    passed = failed = skipped = 0
    for case in cases:
        r = run_case(case)
        if r is None:
            skipped += 1
        elif r:
            passed += 1
        else:
            failed += 1
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
