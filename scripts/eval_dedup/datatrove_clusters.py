#!/usr/bin/env python3
"""datatrove's MinHash clusters on the evaluation set, per language, as FineWeb-2 runs it.

Runs in the peers' virtualenv (bench/peers/setup.sh: .cache/peers/venv, datatrove 0.10.1):

    .cache/peers/venv/bin/python scripts/eval_dedup/datatrove_clusters.py EVAL.jsonl OUT.tsv

For each language of the set, the documents of that language go through datatrove's first three
MinHash executors (MinhashDedupSignature with the language's word tokenizer, MinhashDedupBuckets,
MinhashDedupCluster with save_cluster_id) under FineWeb-2's MinhashConfig: 14 buckets x 8 hashes,
word 5-grams, 64-bit xxhash (the same as bench/peers/datatrove_run.py). Candidates are not
verified, as in datatrove. OUT.tsv: one line per document of EVAL.jsonl, in its order:
`index<TAB>label`, label = the lowest index of the document's cluster (itself when alone).
"""
import argparse
import collections
import json
import os
import struct
import tempfile

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupSignature
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.pipeline.readers import JsonlReader
from datatrove.utils.hashing import HashConfig

# The evaluation set's language codes -> datatrove's (FineWeb-2) language names.
LANGUAGES = {"bn": "ben_Beng", "hi": "hin_Deva", "mr": "mar_Deva", "ta": "tam_Taml",
             "ur": "urd_Arab", "ar": "arb_Arab", "en": "eng_Latn", "ru": "rus_Cyrl",
             "es": "spa_Latn"}


def config(bands, rows, ngram):
    return MinhashConfig(hash_config=HashConfig(hash_fc="xxhash", precision=64),
                         num_buckets=bands, hashes_per_bucket=rows, n_grams=ngram)


def clusters_of(docs, language, cfg, work):
    """Cluster id per position in `docs` (None: in no cluster) for one language."""
    data = os.path.join(work, "input")
    os.makedirs(data)
    with open(os.path.join(data, "docs.jsonl"), "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"text": d["text"], "id": d["id"]}, ensure_ascii=False) + "\n")
    sigs, buckets, out = (os.path.join(work, name) for name in ("sigs", "buckets", "clusters"))
    steps = [
        [JsonlReader(data), MinhashDedupSignature(output_folder=sigs, config=cfg, language=language)],
        [MinhashDedupBuckets(input_folder=sigs, output_folder=buckets, config=cfg)],
        [MinhashDedupCluster(input_folder=buckets, output_folder=out, config=cfg,
                             save_cluster_id=True)],
    ]
    for i, pipeline in enumerate(steps):
        LocalPipelineExecutor(pipeline=pipeline, tasks=1 if i != 1 else cfg.num_buckets,
                              workers=1, logging_dir=os.path.join(work, f"logs{i}"),
                              skip_completed=False).run()
    ids = [None] * len(docs)
    path = os.path.join(out, "000000.clusters")
    if os.path.exists(path):
        with open(path, "rb") as f:
            raw = f.read()
        for doc, cluster in struct.iter_unpack("<II", raw):
            ids[doc] = cluster
    return ids


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eval")
    ap.add_argument("out")
    ap.add_argument("--bands", type=int, default=14)
    ap.add_argument("--rows", type=int, default=8)
    ap.add_argument("--ngram", type=int, default=5)
    args = ap.parse_args()
    docs = [json.loads(line) for line in open(args.eval, encoding="utf-8") if line.strip()]
    by_lang = collections.defaultdict(list)
    for i, d in enumerate(docs):
        by_lang[d["lang"]].append(i)
    labels = list(range(len(docs)))
    cfg = config(args.bands, args.rows, args.ngram)
    for lang, members in sorted(by_lang.items()):
        if lang not in LANGUAGES:
            raise SystemExit(f"datatrove_clusters: no datatrove language for {lang!r}")
        with tempfile.TemporaryDirectory() as work:
            ids = clusters_of([docs[i] for i in members], LANGUAGES[lang], cfg, work)
        lowest = {}
        for pos, cluster in enumerate(ids):
            if cluster is not None:
                lowest[cluster] = min(lowest.get(cluster, members[pos]), members[pos])
        for pos, cluster in enumerate(ids):
            if cluster is not None:
                labels[members[pos]] = lowest[cluster]
    with open(args.out, "w", encoding="utf-8") as f:
        for i, label in enumerate(labels):
            f.write(f"{i}\t{label}\n")


if __name__ == "__main__":
    main()
