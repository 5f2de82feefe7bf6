#!/usr/bin/env python3
"""The default pipeline over the UDHR in every language of .cache/udhr: what it removes, per
script, and what the normalizer rewrites. A quick check for rules that misfire on one script or
one writing convention (the sweep that found the Thai/Tibetan/Khmer terminal-punctuation and the
Sami mojibake problems).

    python3 scripts/eval_languages/udhr_sweep.py [--chalni build/chalni] [--out /tmp/udhr-sweep]

Documents: per language, three documents of ten paragraphs (the first holds the preamble, whose
paragraphs end in commas in most translations, so FineWeb's terminal-punctuation rule removes it
as it would any such text). Prints removal reasons per script, scripts where more than half the
documents are removed outside the preamble, documents whose text the mojibake repair touched, and
the language-ID labels of low score. Exit status 0 (a report, not a test).
"""
import argparse
import collections
import glob
import html
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def build_documents(udhr_dir, path):
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        for file in sorted(glob.glob(os.path.join(udhr_dir, "*.html"))):
            code = os.path.basename(file)[:-5]
            with open(file, encoding="utf-8") as f:
                page = f.read()
            paras = [html.unescape(re.sub(r"<[^>]+>", "", p)).strip()
                     for p in re.findall(r"<p>(.*?)</p>", page, re.S)]
            paras = [p for p in paras if p]
            for k in range(3):
                chunk = paras[k * 10:(k + 1) * 10]
                if len(chunk) < 5:
                    break
                doc = {"id": f"{code}-{k}", "text": "\n\n".join(chunk)}
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")
                n += 1
    return n


def read_outputs(outdir):
    for kind in ("kept", "removed"):
        for part in sorted(glob.glob(os.path.join(outdir, kind, "*"))):
            data = subprocess.run(["zstd", "-dc", part], capture_output=True, check=True).stdout
            for line in data.decode().splitlines():
                if line:
                    yield kind, json.loads(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chalni", default=os.path.join(ROOT, "build", "chalni"))
    ap.add_argument("--udhr", default=os.path.join(ROOT, ".cache", "udhr", "declaration"))
    ap.add_argument("--out", default="/tmp/chalni-udhr-sweep")
    ap.add_argument("--config", help="a chalni configuration (default: the built-in one)")
    args = ap.parse_args()
    if not os.path.isdir(args.udhr):
        sys.exit(f"udhr_sweep: {args.udhr} is missing (scripts/setup.sh fetches it)")
    os.makedirs(args.out, exist_ok=True)
    inp = os.path.join(args.out, "udhr.jsonl")
    n = build_documents(args.udhr, inp)
    outdir = os.path.join(args.out, "run")
    cmd = [args.chalni, "run", "-i", inp, "-o", outdir, "--overwrite"]
    if args.config:
        cmd += ["-c", args.config]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    by_script = collections.defaultdict(collections.Counter)
    outside_preamble = collections.defaultdict(collections.Counter)
    encoding, low_scores = [], collections.Counter()
    for kind, rec in read_outputs(outdir):
        md = rec["metadata"]
        reason = md.get("filter_reason") or "kept"
        script = md.get("language_script") or "?"
        by_script[script][reason] += 1
        if not rec["id"].endswith("-0"):
            outside_preamble[script][reason] += 1
        norm = md["chalni"].get("normalize", {})
        if "encoding" in norm:
            encoding.append((rec["id"], norm["encoding"]))
        if md.get("language_score", 1) < 0.3:
            low_scores[md.get("language")] += 1
    print(f"{n} documents from {args.udhr}; output {outdir}\n")
    print("| script | documents | kept | removed, by reason |")
    print("|---|---|---|---|")
    for script, c in sorted(by_script.items(), key=lambda kv: -sum(kv[1].values())):
        removed = ", ".join(f"{r} {k}" for r, k in c.most_common() if r != "kept")
        print(f"| {script} | {sum(c.values())} | {c['kept']} | {removed} |")
    print("\nscripts with more than half their documents removed outside the preamble:")
    for script, c in sorted(outside_preamble.items()):
        total = sum(c.values())
        if total and c["kept"] * 2 < total:
            print(f"  {script}: {dict(c)}")
    print(f"\ndocuments whose encoding the normalizer flagged or repaired: {encoding or 'none'}")
    print(f"labels given with a score below 0.3 (judged by the generic profile): "
          f"{dict(low_scores.most_common(10))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
