#!/usr/bin/env python3
"""Writes the near_dedup_seed golden's input: the seed (DESIGN.md's reference article) and
copies edited the way syndicated news differs, plus hard negatives from the bundled sample.
Usage: make_input.py REPO_ROOT OUT.jsonl  (exit 77 when the seed is absent: the case is skipped)
Deterministic: no randomness, fixed edits."""
import json
import os
import sys

root, out = sys.argv[1], sys.argv[2]
seed_path = os.path.join(root, "../shared/seed/000_fa613332d0f1a9d0.txt")
if not os.path.exists(seed_path):
    sys.exit(77)
seed = open(seed_path, encoding="utf-8").read()
paras = [p for p in seed.split("\n") if p.strip()]
article = paras[:2]  # the two article paragraphs; the rest is byline and comment-form chrome
chrome = paras[2:]


def sentences(p):
    parts = [s.strip() for s in p.split("।")]
    return [s + "।" for s in parts if s]


body = [sentences(p) for p in article]
join = lambda paragraphs: "\n\n".join(" ".join(s) for s in paragraphs)

docs = [("seed-original", seed)]
# Chrome of another site instead of the comment form.
docs.append(("copy-chrome-changed", join(body) + "\n\nশেয়ার করুন\nফেসবুকে শেয়ার করুন\n"
             "সর্বশেষ খবর পেতে আমাদের সাথে থাকুন"))
# One sentence dropped, three spelling variants ("typos").
b = [list(s) for s in body]
del b[1][3]
typo = join(b).replace("প্রেসিডেন্ট", "প্রেসিডেণ্ট", 1).replace("বৈঠক", "বৈঠাক", 1) \
    .replace("বিশ্লেষকরা", "বিশ্লেষকেরা", 1)
docs.append(("copy-sentence-dropped-typos", typo + "\n\n" + "\n".join(chrome)))
# Paragraphs reordered and a sentence added.
docs.append(("copy-reordered-added", join([body[1], body[0] + ["বিস্তারিত আসছে।"]])))
# Truncated: the first 80 % of the sentences.
flat = [s for p in body for s in p]
docs.append(("copy-truncated", " ".join(flat[: len(flat) * 4 // 5])))
# The same text again: an exact duplicate (after normalization).
docs.append(("copy-exact", seed))

# Hard negatives from the bundled sample's Bengali news.
sample = []
for line in open(os.path.join(root, "data/sample/news/bn-news.jsonl"), encoding="utf-8"):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    if isinstance(r, dict) and isinstance(r.get("text"), str) and len(r["text"]) > 1500:
        sample.append(r["text"])
docs.append(("negative-other-article", sample[0]))
# "Part 2" of a series: the same headline sentence, then a different body.
docs.append(("negative-same-headline", body[0][0] + "\n\n" + sample[1]))

with open(out, "w", encoding="utf-8") as f:
    for i, (doc_id, text) in enumerate(docs):
        f.write(json.dumps({"id": doc_id, "text": text, "url": f"https://site{i}.example/a"},
                           ensure_ascii=False) + "\n")
