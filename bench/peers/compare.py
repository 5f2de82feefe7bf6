#!/usr/bin/env python3
"""chalni beside datatrove and datasketch: the same stages on the same corpus, back to back.

Python 3 standard library only (it drives the peers' virtual environment made by
bench/peers/setup.sh, and reuses bench/e2e/harness.py for measuring and machine details).

    bench/peers/compare.py                          # bn-25mb (ben_Beng) and en-25mb (eng_Latn), -j 1
    bench/peers/compare.py --repeat 3 --threads "1 2"
    bench/peers/compare.py --corpora bn-25mb --only langid pipeline

For each corpus, each repeat and each comparison below, chalni runs and then the peer runs (the
order flips on every other repeat), each under /usr/bin/time -v, so that every ratio is measured
back to back under the same machine load. The load average is recorded before every run.

  comparison   chalni (-c generated config)                   datatrove (datatrove_run.py)
  floor        stages: [] (read, parse, write)                JsonlReader -> JsonlWriter
  normalize    normalize_v1, segment_v1                       (none: datatrove does not normalize)
  langid       langid_v1                                      LanguageFilter(label_only), lid.176.ftz
  quality      normalize, segment, langid + the recipe's      the recipe's quality filters
               signal/filter stages (when registered)
  exact_dedup  exact_dedup_v1                                 ExactDedup (3 executors)
  minhash      normalize, segment, minhash_v1 (when           MinHash (4 executors); and datasketch
               registered)
  minhash_raw  segment, minhash_v1: no normalize_v1, so the    MinHash (4 executors), as above
               output text is the input text, as datatrove's
  pipeline     normalize, segment, langid, language_filter    the whole recipe (FineWeb-2 for
               (keep the recipe's language), quality stages,  ben_Beng, FineWeb for eng_Latn)
               exact_dedup, minhash: those registered
  default      the built-in default configuration (no -c)     (none)

A chalni comparison whose stages `chalni stages` does not list is skipped and the summary says so;
the pipeline comparison then names what chalni left out, and its kept/removed counts are compared
document by document with datatrove's (why each difference happens: the summary's tables, with
the generator's truth per document: original, exact copy or near copy).

Writes DIR = bench/runs/<YYYY-MM-DD>/peers/ (or --out): command.txt, machine.txt (with the peers'
versions), results.csv (one row per run), SUMMARY.md, configs/ (the chalni configurations used).
Exit status: 0 done, 1 a run failed, 2 setup problem.
"""

import argparse
import csv
import datetime
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
REPO = os.path.dirname(BENCH)
sys.path.insert(0, os.path.join(BENCH, "e2e"))
import harness  # noqa: E402  (bench/e2e/harness.py: run_measured, machine_text, ensure_corpus)

CORPUS_LANG = {"bn-25mb": "ben_Beng", "bn-250mb": "ben_Beng", "en-25mb": "eng_Latn"}
LID_LABEL = {"ben_Beng": "bn", "eng_Latn": "en"}
# Signal and filter stages in each recipe's order (docs/FILTERS.md): FineWeb-2 runs no C4.
QUALITY = {
    "ben_Beng": ["gopher_repetition", "fineweb", "gopher_quality"],
    "eng_Latn": ["gopher_repetition", "gopher_quality", "c4", "fineweb"],
}
COMPARISONS = ["floor", "normalize", "langid", "quality", "exact_dedup", "minhash", "minhash_raw",
               "pipeline", "default"]
PEER_STAGE = {"floor": "read", "langid": "langid", "quality": "quality", "exact_dedup": "exact",
              "minhash": "minhash", "minhash_raw": "minhash", "pipeline": "pipeline"}
# Comparisons whose kept/removed documents are compared one by one.
DIFFED = ["quality", "exact_dedup", "minhash", "minhash_raw", "pipeline"]
PEER_VERSIONS = ["datatrove", "datasketch", "indic-nlp-library", "spacy", "fasttext-numpy2-wheel",
                 "numpy", "regex", "orjson", "zstandard", "xxhash"]


def log(message):
    print(f"peers: {message}", flush=True)


def load1():
    try:
        with open("/proc/loadavg", encoding="utf-8") as f:
            return float(f.read().split()[0])
    except OSError:
        return float("nan")


# ---------------------------------------------------------------------------------------------
# chalni configurations
# ---------------------------------------------------------------------------------------------

def quality_stages(lang):
    names = [f"{rule}_signals_v1" for rule in QUALITY[lang]]
    return names + [f"{rule}_filter_v1" for rule in QUALITY[lang]]


def chalni_stages(comparison, lang, registered):
    """(stage entries for the config, stages wanted but not registered); None entries: default."""
    lid = LID_LABEL[lang]
    if comparison == "floor":
        wanted = []
    elif comparison == "normalize":
        wanted = ["normalize_v1", "segment_v1"]
    elif comparison == "langid":
        wanted = ["langid_v1"]
    elif comparison == "quality":
        wanted = ["normalize_v1", "segment_v1", "langid_v1"] + quality_stages(lang)
    elif comparison == "exact_dedup":
        wanted = ["exact_dedup_v1"]
    elif comparison == "minhash":
        wanted = ["normalize_v1", "segment_v1", "minhash_v1"]
    elif comparison == "minhash_raw":
        wanted = ["segment_v1", "minhash_v1"]
    elif comparison == "pipeline":
        wanted = (["normalize_v1", "segment_v1", "langid_v1",
                   {"language_filter_v1": {"keep": [lid]}}] + quality_stages(lang) +
                  ["exact_dedup_v1", "minhash_v1"])
        present = [s for s in wanted if stage_name(s) in registered]
        missing = [stage_name(s) for s in wanted if stage_name(s) not in registered]
        return present, missing
    else:
        return None, []
    missing = [s for s in wanted if stage_name(s) not in registered]
    return (None if missing else wanted), missing


def stage_name(entry):
    return entry if isinstance(entry, str) else next(iter(entry))


def config_text(stages, comparison, lang, missing):
    lines = [f"# bench/peers/compare.py: chalni's side of `{comparison}` for {lang}.",
             "# Generated per run from the stages `chalni stages` lists" +
             (f"; not registered, so left out: {', '.join(missing)}." if missing else "."),
             "config_version: 1"]
    if not stages:
        lines.append("stages: []")
        return "\n".join(lines) + "\n"
    lines.append("stages:")
    for entry in stages:
        if isinstance(entry, str):
            lines.append(f"  - {entry}")
        else:
            name, options = next(iter(entry.items()))
            opts = ", ".join(f"{k}: {json.dumps(v)}" for k, v in options.items())
            lines.append(f"  - {name}: {{{opts}}}")
    return "\n".join(lines) + "\n"


def registered_stages(chalni):
    out = subprocess.run([chalni, "stages"], capture_output=True, text=True, check=True).stdout
    return {line.split()[0] for line in out.splitlines() if line and not line[0].isspace()}


# ---------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------

def measured(cmd, logs, label):
    os.makedirs(logs, exist_ok=True)
    load = load1()
    code, wall, user, sys_s, rss, how = harness.run_measured(
        cmd, os.path.join(logs, f"{label}.time.txt"), os.path.join(logs, f"{label}.log"))
    return {"exit_code": code, "wall_s": wall, "user_s": user, "sys_s": sys_s,
            "peak_rss_bytes": rss, "rss_source": how, "load1": load}


def read_zst_jsonl(folder):
    if not os.path.isdir(folder):
        return
    for part in sorted(p for p in os.listdir(folder) if p.endswith(".zst")):
        data = subprocess.run(["zstd", "-dc", "-q", os.path.join(folder, part)],
                              capture_output=True, check=True).stdout
        for line in data.splitlines():
            if line.strip():
                yield json.loads(line)


def chalni_decisions(outdir):
    decisions = {}
    for record in read_zst_jsonl(os.path.join(outdir, "kept")):
        decisions[record["id"]] = "kept"
    for record in read_zst_jsonl(os.path.join(outdir, "removed")):
        decisions[record["id"]] = (record.get("metadata") or {}).get("filter_reason", "removed")
    return decisions


def run_chalni(args, shards, config, threads, work, logs, label):
    outdir = os.path.join(work, label)
    shutil.rmtree(outdir, ignore_errors=True)
    cmd = [args.chalni, "run", "-i"] + shards + ["-o", outdir, "-j", str(threads)]
    if config:
        cmd += ["-c", config]
    result = measured(cmd, logs, label)
    result["command"] = cmd
    stats = harness.read_json(os.path.join(outdir, "stats.json")) or {}
    timings = harness.read_json(os.path.join(outdir, "timings.json")) or {}
    result.update(kept=stats.get("kept"), removed=stats.get("removed"),
                  removed_by=stats.get("reasons") or {}, input_records=stats.get("input_records"),
                  inner_s=result["wall_s"],
                  steps={name: p.get("seconds", 0) for name, p in
                         (timings.get("passes") or {}).items()},
                  step_rss={name: p.get("peak_rss_bytes", 0) for name, p in
                            (timings.get("passes") or {}).items()})
    result["decisions"] = chalni_decisions(outdir) if result["exit_code"] == 0 else {}
    if not args.keep_output:
        shutil.rmtree(outdir, ignore_errors=True)
    return result


def run_peer(args, script, extra, work, logs, label):
    outdir = os.path.join(work, label)
    out_json = os.path.join(work, label + ".json")
    if os.path.exists(out_json):
        os.remove(out_json)
    cmd = [args.python, os.path.join(HERE, script), "--work", outdir, "--out", out_json] + extra
    result = measured(cmd, logs, label)
    result["command"] = cmd
    peer = harness.read_json(out_json) or {}
    if "executors" in peer:   # datatrove
        steps = {}
        for executor in peer["executors"]:
            steps.update(executor["steps"])
        inner = peer.get("executors_wall_s")
    else:                     # datasketch
        steps = peer.get("steps", {})
        inner = peer.get("wall_s")
    decisions = {}
    if peer.get("decisions") and os.path.isfile(peer["decisions"]):
        with open(peer["decisions"], encoding="utf-8") as f:
            decisions = json.load(f)
    result.update(kept=peer.get("kept"), removed=peer.get("removed"),
                  removed_by=peer.get("removed_by") or {}, inner_s=inner, steps=steps,
                  step_rss={}, decisions=decisions,
                  input_records=len(decisions) if decisions else None)
    if not args.keep_output:
        shutil.rmtree(outdir, ignore_errors=True)
    return result


# ---------------------------------------------------------------------------------------------
# Ground truth and differences
# ---------------------------------------------------------------------------------------------

def corpus_truth(shards):
    """id -> 'original' | 'exact copy' | 'near copy', from the generator's URLs (copy/SS-IIIIIII/)."""
    texts, sources = {}, {}
    for shard in shards:
        data = subprocess.run(["zstd", "-dc", "-q", shard], capture_output=True,
                              check=True).stdout
        for line in data.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                continue
            doc_id = str(record.get("id"))
            texts[doc_id] = record["text"]
            url = record.get("url", "")
            if "/copy/" in url:
                src = url.split("/copy/", 1)[1].split("/", 1)[0]
                sources[doc_id] = f"{doc_id.split('-', 1)[0]}-{src}"
    truth = {}
    for doc_id in texts:
        src = sources.get(doc_id)
        if src is None:
            truth[doc_id] = "original"
        else:
            truth[doc_id] = "exact copy" if texts.get(src) == texts[doc_id] else "near copy"
    return truth


def counts(result):
    return (result["kept"], result["removed"],
            ", ".join(f"{k} {v}" for k, v in sorted(result["removed_by"].items())))


def difference_table(chalni, peer, truth):
    """Rows (chalni fate, peer fate, count, by truth) for every pair, agreements included."""
    pairs = {}
    for doc_id in sorted(set(chalni) | set(peer)):
        key = (chalni.get(doc_id, "absent"), peer.get(doc_id, "absent"))
        entry = pairs.setdefault(key, {"count": 0, "truth": {}, "example": doc_id})
        entry["count"] += 1
        kind = truth.get(doc_id, "?")
        entry["truth"][kind] = entry["truth"].get(kind, 0) + 1
    return sorted(pairs.items(), key=lambda kv: (-kv[1]["count"], kv[0]))


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

CSV_COLUMNS = ["corpus", "lang", "comparison", "tool", "threads", "repeat", "order", "load1",
               "exit_code", "wall_s", "inner_s", "user_s", "sys_s", "cpu_s", "input_bytes",
               "input_records", "mb_per_s_per_core", "mb_per_cpu_s", "docs_per_s_per_core",
               "peak_rss_mb", "kept", "removed", "removed_by", "step_seconds", "step_peak_rss_mb",
               "note"]


def csv_row(corpus, lang, comparison, tool, threads, repeat, order, result, manifest, note=""):
    input_bytes = manifest["totals"]["bytes"]
    records = manifest["totals"]["records"]
    ok = result["exit_code"] == 0
    wall = result["wall_s"]
    cpu = (result["user_s"] or 0) + (result["sys_s"] or 0)
    return {
        "corpus": corpus, "lang": lang, "comparison": comparison, "tool": tool,
        "threads": threads, "repeat": repeat, "order": order, "load1": f"{result['load1']:.2f}",
        "exit_code": result["exit_code"], "wall_s": f"{wall:.3f}",
        "inner_s": "" if result.get("inner_s") is None else f"{result['inner_s']:.3f}",
        "user_s": "" if result["user_s"] is None else f"{result['user_s']:.2f}",
        "sys_s": "" if result["sys_s"] is None else f"{result['sys_s']:.2f}",
        "cpu_s": f"{cpu:.2f}", "input_bytes": input_bytes, "input_records": records,
        "mb_per_s_per_core": f"{input_bytes / 1e6 / wall / threads:.2f}" if ok else "",
        "mb_per_cpu_s": f"{input_bytes / 1e6 / cpu:.2f}" if ok and cpu else "",
        "docs_per_s_per_core": f"{records / wall / threads:.0f}" if ok else "",
        "peak_rss_mb": "" if result["peak_rss_bytes"] is None else
                       f"{result['peak_rss_bytes'] / 2**20:.1f}",
        "kept": "" if result.get("kept") is None else result["kept"],
        "removed": "" if result.get("removed") is None else result["removed"],
        "removed_by": ";".join(f"{k}={v}" for k, v in sorted(result["removed_by"].items())),
        "step_seconds": ";".join(f"{k}={v:.3f}" for k, v in result["steps"].items()),
        "step_peak_rss_mb": ";".join(f"{k}={v / 2**20:.1f}"
                                     for k, v in result["step_rss"].items()),
        "note": note,
    }


def median(rows, key):
    values = [float(r[key]) for r in rows if r[key] not in ("", None)]
    return statistics.median(values) if values else None


def fmt(value, spec):
    return "–" if value is None else format(value, spec)


def ratio(a, b):
    return None if not a or not b else a / b


def write_summary(path, args, rows, notes, skipped, diffs, loads):
    lines = ["# chalni beside datatrove and datasketch", "",
             f"Command: `{args.invocation}` (every exact command in `command.txt`; machine and "
             "versions in `machine.txt`; every run in `results.csv`; chalni's configurations in "
             "`configs/`).", "",
             "Per core: MB/s = 10^6 bytes of uncompressed input JSONL per wall second, divided by "
             "the thread (worker) count. MB per CPU-s divides by user + system CPU seconds "
             "instead, which a loaded machine inflates less than wall time. **Ratio** = peer "
             "time / chalni time for the same work (how many times faster chalni is), over the "
             "median wall and the median CPU seconds of back-to-back runs. datatrove's wall "
             "includes Python's start and imports (about 1 s); `inner_s` in the CSV excludes "
             "them.", ""]
    lo = min(loads) if loads else float("nan")
    hi = max(loads) if loads else float("nan")
    lines += [f"Load average (1 min) before the runs: {lo:.2f} to {hi:.2f} on {os.cpu_count()} "
              "CPUs. Above the CPU count, other work shared the machine and every speed is a "
              "lower bound; ratios of back-to-back runs hold better than speeds.", ""]
    groups = {}
    for row in rows:
        groups.setdefault((row["corpus"], row["comparison"], row["threads"], row["tool"]),
                          []).append(row)
    for corpus in args.corpora:
        lang = CORPUS_LANG[corpus]
        for threads in args.thread_list:
            lines += [f"## {corpus} ({lang}), -j {threads}", "",
                      "| comparison | chalni MB/s per core | chalni MB per CPU-s | datatrove MB/s "
                      "per core | datatrove MB per CPU-s | ratio (wall) | ratio (CPU) | chalni "
                      "peak RSS MB | datatrove peak RSS MB |",
                      "|---|---|---|---|---|---|---|---|---|"]
            for comparison in COMPARISONS + ["minhash (datasketch)"]:
                mine = groups.get((corpus, comparison, threads, "chalni"), [])
                peer_tool = "datasketch" if comparison.endswith("(datasketch)") else "datatrove"
                peer = groups.get((corpus, comparison.split(" ")[0], threads, peer_tool), [])
                if comparison.endswith("(datasketch)"):
                    mine = groups.get((corpus, "minhash", threads, "chalni"), [])
                if not mine and not peer:
                    continue
                lines.append(
                    f"| {comparison} | {fmt(median(mine, 'mb_per_s_per_core'), '.1f')} | "
                    f"{fmt(median(mine, 'mb_per_cpu_s'), '.1f')} | "
                    f"{fmt(median(peer, 'mb_per_s_per_core'), '.2f')} | "
                    f"{fmt(median(peer, 'mb_per_cpu_s'), '.2f')} | "
                    f"{fmt(ratio(median(peer, 'wall_s'), median(mine, 'wall_s')), '.1f')} | "
                    f"{fmt(ratio(median(peer, 'cpu_s'), median(mine, 'cpu_s')), '.1f')} | "
                    f"{fmt(median(mine, 'peak_rss_mb'), '.0f')} | "
                    f"{fmt(median(peer, 'peak_rss_mb'), '.0f')} |")
            lines.append("")
            floor = median(groups.get((corpus, "floor", threads, "chalni"), []), "wall_s")
            lid = median(groups.get((corpus, "langid", threads, "chalni"), []), "wall_s")
            for name in ("pipeline", "default"):
                e2e = median(groups.get((corpus, name, threads, "chalni"), []), "wall_s")
                if e2e and floor:
                    lines.append(f"- chalni `{name}`: {e2e / floor:.2f}× the pass-through floor's "
                                 f"wall time" + (f", {e2e / lid:.2f}× language ID alone"
                                                 if lid else "") + ".")
            lines.append("")
    if skipped:
        lines += ["## Not compared", ""] + [f"- {s}" for s in sorted(set(skipped))] + [""]
    for (corpus, comparison, peer_name), (table, chalni_counts, peer_counts,
                                          missing) in diffs.items():
        lines += [f"## Kept and removed, document by document: {corpus} `{comparison}`, chalni "
                  f"vs {peer_name}", "",
                  f"chalni: kept {chalni_counts[0]}, removed {chalni_counts[1]} "
                  f"({chalni_counts[2]}). {peer_name}: kept {peer_counts[0]}, removed "
                  f"{peer_counts[1]} ({peer_counts[2]})." +
                  (f" chalni's pipeline lacked (not registered): {', '.join(missing)}."
                   if missing else ""), "",
                  "| chalni | " + peer_name + " | documents | generator's truth | example id |",
                  "|---|---|---|---|---|"]
        for (mine, theirs), entry in table:
            truth = ", ".join(f"{k} {v}" for k, v in sorted(entry["truth"].items()))
            lines.append(f"| {mine} | {theirs} | {entry['count']} | {truth} | "
                         f"`{entry['example']}` |")
        lines.append("")
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def peer_versions(python):
    code = ("import importlib.metadata as m\n"
            f"for n in {PEER_VERSIONS!r}:\n"
            "    try: print(n, m.version(n))\n"
            "    except Exception: print(n, 'not installed')\n")
    return harness.capture([python, "-c", code])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chalni", default=os.path.join(REPO, "build", "chalni"))
    parser.add_argument("--python", default=os.path.join(REPO, ".cache", "peers", "venv", "bin",
                                                         "python"),
                        help="the peers' Python (bench/peers/setup.sh)")
    parser.add_argument("--corpora", nargs="+", default=["bn-25mb", "en-25mb"],
                        choices=sorted(CORPUS_LANG))
    parser.add_argument("--only", nargs="+", choices=COMPARISONS, help="these comparisons only")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--threads", default="1", help="thread counts, e.g. '1 2'")
    parser.add_argument("--out", help="report folder (default bench/runs/<today>/peers)")
    parser.add_argument("--work-dir", default=os.path.join(BENCH, "work", "peers"))
    parser.add_argument("--corpus-dir", default=os.path.join(BENCH, "corpus"))
    parser.add_argument("--note", action="append", default=[])
    parser.add_argument("--keep-output", action="store_true")
    args = parser.parse_args()
    args.thread_list = [int(t) for t in args.threads.split()]
    args.invocation = " ".join(["bench/peers/compare.py"] + [shlex.quote(a) for a in sys.argv[1:]])

    for path, what in ((args.chalni, "chalni binary (make build)"),
                       (args.python, "peers' Python (bench/peers/setup.sh)")):
        if not os.access(path, os.X_OK):
            print(f"peers: no {what} at {path}", file=sys.stderr)
            return 2
    registered = registered_stages(args.chalni)
    comparisons = args.only or COMPARISONS
    run_dir = args.out or os.path.join(BENCH, "runs", datetime.date.today().isoformat(), "peers")
    config_dir = os.path.join(run_dir, "configs")
    os.makedirs(config_dir, exist_ok=True)
    os.makedirs(args.work_dir, exist_ok=True)
    logs = os.path.join(args.work_dir, "logs")
    with open(os.path.join(run_dir, "machine.txt"), "w", encoding="utf-8") as f:
        f.write(harness.machine_text(args.chalni))
        f.write(f"\n## chalni stages registered\n{' '.join(sorted(registered))}\n")
        f.write(f"\n## peers ({args.python})\n{peer_versions(args.python)}\n")

    rows, notes, skipped, diffs, loads, commands = [], list(args.note), [], {}, [], [
        args.invocation, ""]
    failed = False
    for corpus in args.corpora:
        lang = CORPUS_LANG[corpus]
        shards, manifest = harness.ensure_corpus(corpus, args.corpus_dir, log)
        harness.warm_page_cache(shards)
        corpus_folder = os.path.dirname(shards[0])
        truth = corpus_truth(shards)
        firsts = {}   # (comparison, tool) -> first run's result, for the document-level diffs
        plans = []
        for comparison in comparisons:
            stages, missing = chalni_stages(comparison, lang, registered)
            config = None
            if comparison != "default":
                if stages is None:
                    skipped.append(f"{corpus} {comparison}: chalni does not register "
                                   f"{', '.join(missing)} (`chalni stages`); peer run alone")
                else:
                    config = os.path.join(config_dir, f"{comparison}-{lang}.yaml")
                    with open(config, "w", encoding="utf-8") as f:
                        f.write(config_text(stages, comparison, lang, missing))
                    if missing:
                        notes.append(f"{corpus} {comparison}: chalni's configuration leaves out "
                                     f"{', '.join(missing)} (not registered in this binary): "
                                     "the two sides do not do the same work")
            plans.append((comparison, stages, config))
        for threads in args.thread_list:
            for repeat in range(1, args.repeat + 1):
                for comparison, stages, config in plans:
                    runs = []
                    if comparison == "default" or stages is not None:
                        runs.append(("chalni", None))
                    if comparison in PEER_STAGE:
                        runs.append(("datatrove", ["datatrove_run.py", [
                            "--corpus", corpus_folder, "--lang", lang,
                            "--stage", PEER_STAGE[comparison], "--workers", str(threads)]]))
                    if comparison == "minhash":
                        runs.append(("datasketch", ["datasketch_minhash.py",
                                                    ["--corpus", corpus_folder]]))
                    if repeat % 2 == 0:
                        runs.reverse()
                    for order, (tool, peer) in enumerate(runs, start=1):
                        label = f"{corpus}-{comparison}-{tool}-j{threads}-r{repeat}"
                        log(f"[{label}] load {load1():.2f}")
                        if tool == "chalni":
                            result = run_chalni(args, shards, config, threads, args.work_dir,
                                                logs, label)
                        else:
                            if tool == "datasketch" and threads != 1:
                                continue   # single-threaded library
                            result = run_peer(args, peer[0], peer[1], args.work_dir, logs, label)
                        loads.append(result["load1"])
                        commands.append(" ".join(shlex.quote(harness.rel(a)
                                                             if a.startswith(REPO) else a)
                                                 for a in result["command"]))
                        if result["exit_code"] != 0:
                            failed = True
                            notes.append(f"{label}: exit code {result['exit_code']} (log: "
                                         f"{harness.rel(os.path.join(logs, label + '.log'))})")
                        rows.append(csv_row(corpus, lang, comparison, tool, threads, repeat,
                                            order, result, manifest))
                        log(f"[{label}] {rows[-1]['wall_s']} s wall, {rows[-1]['cpu_s']} s CPU, "
                            f"kept {rows[-1]['kept']}, removed {rows[-1]['removed']}")
                        if comparison in DIFFED and repeat == 1 and \
                                threads == args.thread_list[0] and result["decisions"]:
                            firsts[(comparison, tool)] = result
        for comparison in DIFFED:
            mine = firsts.get((comparison, "chalni"))
            for peer in ("datatrove", "datasketch"):
                theirs = firsts.get((comparison, peer))
                if mine is None or theirs is None:
                    continue
                _, missing = chalni_stages(comparison, lang, registered)
                diffs[(corpus, comparison, peer)] = (
                    difference_table(mine["decisions"], theirs["decisions"], truth),
                    counts(mine), counts(theirs), missing)

    with open(os.path.join(run_dir, "command.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(commands) + "\n")
    with open(os.path.join(run_dir, "results.csv"), "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    write_summary(os.path.join(run_dir, "SUMMARY.md"), args, rows, notes, skipped, diffs, loads)
    log(f"report: {harness.rel(run_dir)}/SUMMARY.md")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
