// `chalni run`: the pass manager. A run is a fixed sequence of passes, each a list of
// independent tasks that read files and write files and share nothing else:
//   1. local   — one task per input shard: read → document stages → intermediate docs, exact
//                keys partitioned by hash, an id index;
//   2. exact   — one task per hash partition: merge the keys, group equal hashes, survivor =
//                lowest doc_key;
//   3. write   — one task per shard: apply global decisions, render records, write chunks;
//   4. commit  — assemble kept/ removed/ errors/ parts (names independent of -j), stats.json,
//                run.json, timings.json.
// Each task writes under OUTDIR/.chalni/<pass>/ (or --tmp-dir) and its done-marker last; each
// pass writes MANIFEST.json last. Resume redoes only what has no marker.
//
//   RunOptions options; options.inputs = {"data/sample"}; options.outdir = "out";
//   int exit_code = RunPipeline(options);   // 0, 1, 2 or 3 (DESIGN.md "Exit codes")
#ifndef CHALNI_PIPELINE_RUN_H_
#define CHALNI_PIPELINE_RUN_H_

#include <cstdint>
#include <string>
#include <vector>

namespace chalni {
namespace report {
class ProgressSink;
}

// --memory when not given.
inline constexpr int64_t kDefaultMemoryBytes = int64_t{4} << 30;

struct RunOptions {
  std::vector<std::string> inputs;
  std::string outdir;
  std::string config_path;   // empty: built-in default configuration
  int threads = 0;           // 0: the CPUs this process may use
  int64_t memory_bytes = 0;  // 0: kDefaultMemoryBytes
  std::string tmp_dir;       // empty: OUTDIR/.chalni
  bool overwrite = false;
  std::string cache_dir;     // models; default <source>/.cache/models or $CHALNI_CACHE
  std::string data_dir;      // bundled data; default <source>/data or $CHALNI_DATA
  // Progress lines and logs (stderr and OUTDIR/log.txt); null: plain messages on stderr.
  report::ProgressSink* progress = nullptr;
};

int RunPipeline(const RunOptions& options);

// The CPUs this process may use: sched affinity, capped by a cgroup v2 cpu.max quota.
int AvailableCpus();

// Default locations (overridable by environment: CHALNI_CACHE, CHALNI_DATA).
std::string DefaultCacheDir();
std::string DefaultDataDir();

}  // namespace chalni

#endif  // CHALNI_PIPELINE_RUN_H_
