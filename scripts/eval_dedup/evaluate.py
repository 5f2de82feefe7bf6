#!/usr/bin/env python3
"""Compares chalni's near-dedup clusters with datasketch's MinHashLSH and text-dedup on the
evaluation set, against the exact Jaccard similarity of every pair.

Inputs: the evaluation set (build_eval_set.py) and the output directory of chalni_dedup_eval
(tokens.jsonl, truth.tsv, chalni.tsv). Truth: two documents are near duplicates when the exact
Jaccard similarity of their word 5-gram sets (chalni's tokens) reaches the threshold; true
clusters are the connected components of that graph.

Methods (all with 112 permutations and threshold 0.75):
  chalni                    14 bands x 8 rows, candidates verified star-wise by estimated J
  datasketch (b,r auto)     MinHashLSH(threshold) with its own optimal bands/rows, unverified
  datasketch 14x8           MinHashLSH(params=(14, 8)), unverified
  datasketch 14x8 verified  the same, every candidate pair verified by estimated J >= threshold
  text-dedup 14x8           text_dedup.minhash CLI on the raw text (its own \\W tokenizer)
  datatrove 14x8            datatrove's MinHash executors per language, FineWeb-2's settings
                            (datatrove_clusters.py, in the peers' virtualenv), unverified
datasketch hashes the same shingles as chalni (5-grams of chalni's tokens), so differences come
from the algorithm; text-dedup tokenizes by itself, as its users run it.

Metrics: pair precision/recall (a predicted pair = two documents in one predicted cluster),
B-cubed precision/recall of clusters (per document: overlap of its predicted and true cluster,
averaged over documents that are in a cluster of two or more in either), documents removed.

  .cache/eval_dedup_venv/bin/python scripts/eval_dedup/evaluate.py EVAL.jsonl OUTDIR
"""
import argparse
import collections
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def components(n, pairs):
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in range(n)]


def cluster_pairs(labels, subset=None):
    groups = collections.defaultdict(list)
    for i, c in enumerate(labels):
        if subset is None or i in subset:
            groups[c].append(i)
    out = set()
    for members in groups.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                out.add((members[x], members[y]))
    return out


def metrics(pred_labels, truth_labels, truth_pairs, jaccard, subset=None):
    docs = range(len(pred_labels)) if subset is None else sorted(subset)
    pred_pairs = cluster_pairs(pred_labels, subset)
    tp = len(pred_pairs & truth_pairs)
    fps = [jaccard.get(p, 0.0) for p in pred_pairs - truth_pairs]
    pc = collections.defaultdict(set)
    tc = collections.defaultdict(set)
    for i in docs:
        pc[pred_labels[i]].add(i)
        tc[truth_labels[i]].add(i)
    bp = br = 0.0
    counted = 0
    for i in docs:
        p, t = pc[pred_labels[i]], tc[truth_labels[i]]
        if len(p) == 1 and len(t) == 1:
            continue
        both = len(p & t)
        bp += both / len(p)
        br += both / len(t)
        counted += 1
    removed = sum(len(m) - 1 for m in pc.values())
    truth_removed = sum(len(m) - 1 for m in tc.values())
    return {
        "pairs_predicted": len(pred_pairs),
        "pairs_true": len(truth_pairs),
        "pair_precision": tp / len(pred_pairs) if pred_pairs else 1.0,
        "pair_recall": tp / len(truth_pairs) if truth_pairs else 1.0,
        "false_pairs_mean_j": sum(fps) / len(fps) if fps else None,
        "bcubed_precision": bp / counted if counted else 1.0,
        "bcubed_recall": br / counted if counted else 1.0,
        "removed": removed,
        "removed_true": truth_removed,
    }


def shingles(tokens, n):
    return {" ".join(tokens[i:i + n]).encode("utf-8") for i in range(len(tokens) - n + 1)}


def run_datasketch(token_lists, threshold, num_perm, params, verify, ngram):
    from datasketch import MinHash, MinHashLSH
    kwargs = {"threshold": threshold, "num_perm": num_perm}
    if params:
        kwargs["params"] = params
    lsh = MinHashLSH(**kwargs)
    hashes = []
    for i, toks in enumerate(token_lists):
        sh = shingles(toks, ngram)
        if not sh:
            hashes.append(None)
            continue
        m = MinHash(num_perm=num_perm, seed=1)
        m.update_batch(list(sh))
        hashes.append(m)
        lsh.insert(i, m)
    pairs = set()
    for i, m in enumerate(hashes):
        if m is None:
            continue
        for j in lsh.query(m):
            if j != i and (not verify or m.jaccard(hashes[j]) >= threshold):
                pairs.add((min(i, j), max(i, j)))
    return components(len(token_lists), pairs), (lsh.b, lsh.r), pairs


def run_text_dedup(eval_path, ids, threshold, num_perm, bands, rows, ngram, python):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        cmd = [python, "-m", "text_dedup.minhash", "--path", "json", "--data_files", eval_path,
               "--split", "train", "--cache_dir", os.path.join(tmp, "cache"), "--output", out,
               "--column", "text", "--idx_column", "id", "--num_perm", str(num_perm),
               "--threshold", str(threshold), "--b", str(bands), "--r", str(rows), "--ngram",
               str(ngram), "--debug"]
        env = dict(os.environ, HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1",
                   TOKENIZERS_PARALLELISM="false")
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if r.returncode != 0:
            return None, r.stderr[-2000:]
        with open(os.path.join(out, "uf.pkl"), "rb") as f:
            uf = pickle.load(f)
    index = {d: i for i, d in enumerate(ids)}
    labels = []
    for d in ids:
        root = uf.find(d)
        labels.append(index[root])
    return labels, None


def run_datatrove(eval_path, n, args, python):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "labels.tsv")
        cmd = [python, os.path.join(HERE, "datatrove_clusters.py"), eval_path, out,
               "--bands", str(args.bands), "--rows", str(args.rows), "--ngram", str(args.ngram)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            return None, r.stderr[-2000:]
        labels = [0] * n
        for line in open(out, encoding="utf-8"):
            i, label = map(int, line.split("\t"))
            labels[i] = label
    return labels, None


def fmt(x):
    return "—" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eval")
    ap.add_argument("outdir")
    ap.add_argument("--threshold", type=float, default=0.75)
    ap.add_argument("--num-perm", type=int, default=112)
    ap.add_argument("--bands", type=int, default=14)
    ap.add_argument("--rows", type=int, default=8)
    ap.add_argument("--ngram", type=int, default=5)
    ap.add_argument("--skip-text-dedup", action="store_true")
    ap.add_argument("--datatrove-python",
                    default=os.path.join(ROOT, ".cache", "peers", "venv", "bin", "python"),
                    help="a Python with datatrove (bench/peers/setup.sh); skipped when missing")
    args = ap.parse_args()

    docs = [json.loads(l) for l in open(args.eval, encoding="utf-8") if l.strip()]
    ids = [d["id"] for d in docs]
    langs = [d["lang"] for d in docs]
    tokens = [json.loads(l)["tokens"] for l in open(os.path.join(args.outdir, "tokens.jsonl"),
                                                     encoding="utf-8")]
    assert len(tokens) == len(docs)
    jaccard = {}
    for line in open(os.path.join(args.outdir, "truth.tsv")):
        a, b, j = line.split("\t")
        jaccard[(int(a), int(b))] = float(j)
    truth_pairs = {p for p, j in jaccard.items() if j >= args.threshold}
    truth_labels = components(len(docs), truth_pairs)

    results = collections.OrderedDict()
    timings = {}
    chalni = list(range(len(docs)))
    for line in open(os.path.join(args.outdir, "chalni.tsv")):
        i, s, _, _ = line.rstrip("\n").split("\t")
        chalni[int(i)] = int(s)
    results[f"chalni {args.bands}x{args.rows} verified"] = chalni
    direct = collections.OrderedDict()
    edges = set()
    for line in open(os.path.join(args.outdir, "edges.tsv")):
        a, b = map(int, line.split("\t"))
        edges.add((min(a, b), max(a, b)))
    direct[f"chalni {args.bands}x{args.rows} verified"] = edges

    for name, params, verify in [("datasketch (b,r auto)", None, False),
                                 (f"datasketch {args.bands}x{args.rows}", (args.bands, args.rows), False),
                                 (f"datasketch {args.bands}x{args.rows} verified", (args.bands, args.rows), True)]:
        t = time.time()
        labels, br, pairs = run_datasketch(tokens, args.threshold, args.num_perm, params, verify,
                                           args.ngram)
        timings[name] = time.time() - t
        if params is None:
            name = f"datasketch auto ({br[0]}x{br[1]})"
        results[name] = labels
        direct[name] = pairs

    notes = []
    if not args.skip_text_dedup:
        t = time.time()
        labels, err = run_text_dedup(os.path.abspath(args.eval), ids, args.threshold, args.num_perm,
                                     args.bands, args.rows, args.ngram, sys.executable)
        if labels is None:
            notes.append("text-dedup failed: " + err.strip().splitlines()[-1] if err else "")
        else:
            results[f"text-dedup {args.bands}x{args.rows} (own tokenizer)"] = labels
            timings["text-dedup"] = time.time() - t

    if os.path.exists(args.datatrove_python):
        t = time.time()
        labels, err = run_datatrove(os.path.abspath(args.eval), len(docs), args, args.datatrove_python)
        if labels is None:
            notes.append("datatrove failed: " + (err.strip().splitlines()[-1] if err else ""))
        else:
            results[f"datatrove {args.bands}x{args.rows} (own tokenizers, per language)"] = labels
            timings["datatrove"] = time.time() - t
    else:
        notes.append(f"datatrove not compared: no {args.datatrove_python} (bench/peers/setup.sh)")

    bn = {i for i, l in enumerate(langs) if l == "bn"}
    truth_bn = {p for p in truth_pairs if p[0] in bn and p[1] in bn}
    n_pairs = len(docs) * (len(docs) - 1) // 2
    hist = collections.Counter(min(9, int(j * 10)) for j in jaccard.values())
    print(f"evaluation set: {len(docs)} documents ({len(bn)} Bengali), {n_pairs} pairs; "
          f"{len(truth_pairs)} pairs with exact J >= {args.threshold} ({len(truth_bn)} Bengali); "
          f"true clusters of 2+: {sum(1 for c in collections.Counter(truth_labels).values() if c > 1)}")
    print("pairs by exact J: " + ", ".join(f"[{b / 10:.1f},{(b + 1) / 10:.1f}): {hist[b]}"
                                           for b in range(2, 10)))
    for scope, subset, tp in [("all languages", None, truth_pairs), ("Bengali only", bn, truth_bn)]:
        print(f"\n{scope}\n")
        print("| method | pair precision | pair recall | B-cubed precision | B-cubed recall | "
              "mean J of false pairs | removed (true) |")
        print("|---|---|---|---|---|---|---|")
        for name, labels in results.items():
            m = metrics(labels, truth_labels, tp, jaccard, subset)
            print(f"| {name} | {fmt(m['pair_precision'])} | {fmt(m['pair_recall'])} | "
                  f"{fmt(m['bcubed_precision'])} | {fmt(m['bcubed_recall'])} | "
                  f"{fmt(m['false_pairs_mean_j'])} | {m['removed']} ({m['removed_true']}) |")
    print("\ndirect pairs (LSH candidates, or verified edges, before union-find; chalni's are "
          "star-wise, one per bucket member)\n")
    print(f"| method | pairs | exact J >= {args.threshold} | exact J >= {args.threshold - 0.1:.2f} | "
          "true pairs found directly |")
    print("|---|---|---|---|---|")
    for name, pairs in direct.items():
        good = sum(1 for p in pairs if jaccard.get(p, 0) >= args.threshold)
        near = sum(1 for p in pairs if jaccard.get(p, 0) >= args.threshold - 0.1)
        print(f"| {name} | {len(pairs)} | {fmt(good / len(pairs) if pairs else None)} | "
              f"{fmt(near / len(pairs) if pairs else None)} | "
              f"{fmt(good / len(truth_pairs) if truth_pairs else None)} |")
    for n in notes:
        print("\n" + n)
    print("\ntimings (s): " + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()))


if __name__ == "__main__":
    main()
