#include "pipeline/run.h"

#include <sched.h>
#include <unistd.h>
#include <zstd.h>
#include <simdjson.h>
#include <unicode/uversion.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "fmt/format.h"
#include "internal/fs.h"
#include "dedup/stages.h"
#include "pipeline/passes.h"
#include "report/progress_sink.h"
#include "pipeline/version.h"

namespace chalni {
namespace {

// Messages go to the progress sink (stderr and OUTDIR/log.txt) once there is one.
report::ProgressSink* g_progress = nullptr;

void Log(const std::string& msg, report::LogLevel level = report::LogLevel::kInfo) {
  if (g_progress != nullptr) {
    g_progress->Log(level, msg);
  } else {
    std::fprintf(stderr, "chalni: %s\n", msg.c_str());
  }
}

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kFailedPrecondition:
      return 2;
    default:
      return 3;
  }
}

// Peak resident memory since the last reset (VmHWM), in bytes; resettable per pass by writing
// 5 to /proc/self/clear_refs (Linux), so each pass's peak is its own.
int64_t PeakRss() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}
void ResetPeakRss() {
  if (FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
    std::fputs("5", f);
    std::fclose(f);
  }
}

// Runs tasks 0..n-1 on `threads` threads; the first failure stops new tasks from starting.
Status RunTasks(size_t n, int threads, const std::function<Status(size_t)>& task) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;
  auto worker = [&] {
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error.ok()) return;
      }
      size_t i = next.fetch_add(1);
      if (i >= n) return;
      Status s = task(i);
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = s;
      }
    }
  };
  std::vector<std::thread> pool;
  int count = std::max(1, std::min<int>(threads, static_cast<int>(n)));
  for (int t = 1; t < count; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return first_error;
}

struct PassTiming {
  std::string name;
  double seconds = 0;
  int64_t peak_rss = 0;
  size_t tasks = 0;
  size_t tasks_run = 0;
};

// Runs one pass: the tasks without a done-marker, then the pass manifest. Returns the timing.
StatusOr<PassTiming> RunPass(const std::string& name, const std::string& dir, size_t num_tasks,
                             int threads, const std::function<std::string(size_t)>& done_path,
                             const std::function<Status(size_t)>& task,
                             const std::function<int64_t(size_t)>& task_bytes) {
  PassTiming timing;
  timing.name = name;
  timing.tasks = num_tasks;
  const std::string manifest = dir + "/MANIFEST.json";
  if (FileExists(manifest)) return timing;  // finished in an earlier run
  CHALNI_RETURN_IF_ERROR(MakeDirs(dir));
  ResetPeakRss();
  auto start = std::chrono::steady_clock::now();
  std::atomic<size_t> ran{0};
  int64_t total_bytes = 0;
  for (size_t i = 0; i < num_tasks; ++i) total_bytes += task_bytes(i);
  if (g_progress != nullptr) g_progress->StartPass(name, static_cast<int64_t>(num_tasks), total_bytes);
  Status s = RunTasks(num_tasks, threads, [&](size_t i) -> Status {
    if (!FileExists(done_path(i))) {
      ran.fetch_add(1);
      CHALNI_RETURN_IF_ERROR(task(i));
    }
    if (g_progress != nullptr) g_progress->TaskDone(task_bytes(i), 0);
    return Status::Ok();
  });
  if (g_progress != nullptr) g_progress->EndPass();
  if (!s.ok()) return s;
  timing.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  timing.peak_rss = PeakRss();
  timing.tasks_run = ran.load();
  Json m = {{"pass", name}, {"tasks", num_tasks}};
  CHALNI_RETURN_IF_ERROR(WriteFileAtomic(manifest, m.dump(1) + "\n"));
  return timing;
}

// What makes two runs "the same": version, configuration, inputs, and every file a stage option
// names (models, data files), by content hash.
StatusOr<Json> Fingerprint(const RunContext& ctx, const RunOptions& opts) {
  Json fp;
  fp["version"] = kChalniVersion;
  // run.fsync changes no output: a run may be resumed with it switched.
  RunConfig same_output = ctx.config;
  same_output.fsync = true;
  fp["config"] = same_output.ToYaml();
  Json inputs = Json::array();
  for (const io::InputFile& f : ctx.inputs) {
    inputs.push_back({{"path", f.path}, {"size", f.size}, {"mtime_ns", f.mtime_ns}});
  }
  fp["inputs"] = inputs;
  Json files = Json::object();
  for (const StageConfig& sc : ctx.config.stages) {
    for (const auto& [key, value] : sc.options.values()) {
      const auto* s = std::get_if<std::string>(&value);
      if (s == nullptr || s->empty()) continue;
      for (const std::string& candidate :
           {*s, opts.cache_dir + "/" + *s, opts.data_dir + "/" + *s}) {
        if (FileExists(candidate) && !std::filesystem::is_directory(candidate)) {
          StatusOr<std::string> h = HashFileHex(candidate);
          if (h.ok()) files[sc.spec->name + "." + key] = *h;
          break;
        }
      }
    }
  }
  // Bundled data the stages load (phrase banks, lexicons): everything under the data folder but
  // the sample corpus.
  std::error_code ec;
  std::vector<std::string> data_files;
  for (auto it = std::filesystem::recursive_directory_iterator(opts.data_dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string rel = std::filesystem::relative(it->path(), opts.data_dir).string();
    if (rel.rfind("sample", 0) == 0 || !it->is_regular_file()) continue;
    data_files.push_back(rel);
  }
  std::sort(data_files.begin(), data_files.end());
  for (const std::string& rel : data_files) {
    StatusOr<std::string> h = HashFileHex(opts.data_dir + "/" + rel);
    if (h.ok()) files["data/" + rel] = *h;
  }
  fp["files"] = files;
  return fp;
}

std::string DescribeDifference(const Json& old_fp, const Json& new_fp) {
  std::vector<std::string> diffs;
  if (old_fp.value("version", "") != new_fp.value("version", ""))
    diffs.push_back(fmt::format("program version {} -> {}", old_fp.value("version", "?"),
                                new_fp.value("version", "?")));
  if (old_fp.value("config", "") != new_fp.value("config", ""))
    diffs.push_back("the configuration");
  if (old_fp["inputs"] != new_fp["inputs"]) diffs.push_back("the input files (paths, sizes or times)");
  if (old_fp["files"] != new_fp["files"]) diffs.push_back("a model or data file");
  if (diffs.empty()) diffs.push_back("unknown");
  std::string out;
  for (size_t i = 0; i < diffs.size(); ++i) out += (i ? ", " : "") + diffs[i];
  return out;
}

}  // namespace

int AvailableCpus() {
  cpu_set_t set;
  int n = 1;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) n = CPU_COUNT(&set);
  // cgroup v2 quota: "max 100000" or "<quota> <period>".
  std::ifstream in("/sys/fs/cgroup/cpu.max");
  std::string quota, period;
  if (in >> quota >> period && quota != "max") {
    double q = std::stod(quota), p = std::stod(period);
    if (p > 0) n = std::max(1, std::min(n, static_cast<int>((q + p - 1) / p)));
  }
  return std::max(1, n);
}

std::string DefaultCacheDir() {
  if (const char* e = std::getenv("CHALNI_CACHE")) return e;
  return std::string(CHALNI_SOURCE_DIR) + "/.cache/models";
}

std::string DefaultDataDir() {
  if (const char* e = std::getenv("CHALNI_DATA")) return e;
  return std::string(CHALNI_SOURCE_DIR) + "/data";
}

int RunPipeline(const RunOptions& opts_in) {
  RunOptions opts = opts_in;
  if (opts.cache_dir.empty()) opts.cache_dir = DefaultCacheDir();
  if (opts.data_dir.empty()) opts.data_dir = DefaultDataDir();
  RunContext ctx;
  ctx.outdir = opts.outdir;
  ctx.threads = opts.threads > 0 ? opts.threads : AvailableCpus();
  ctx.memory_bytes = opts.memory_bytes > 0 ? opts.memory_bytes : kDefaultMemoryBytes;

  // --- configuration (exit 2 on any problem, nothing written) ---
  std::string user_yaml;
  if (!opts.config_path.empty()) {
    StatusOr<std::string> text = ReadFile(opts.config_path);
    if (!text.ok()) {
      Log("cannot read the configuration: " + text.status().message());
      return 2;
    }
    user_yaml = *text;
  }
  StatusOr<RunConfig> config =
      LoadRunConfig(opts.config_path.empty() ? nullptr : &user_yaml, BuiltinStages());
  if (!config.ok()) {
    Log("configuration error: " + config.status().message());
    return 2;
  }
  ctx.config = std::move(*config);
  SetFsyncEnabled(ctx.config.fsync);
  StageEnv env{opts.data_dir, opts.cache_dir};
  for (size_t i = 0; i < ctx.config.stages.size(); ++i) {
    const StageConfig& sc = ctx.config.stages[i];
    if (sc.spec->kind == StageKind::kGlobal) {
      ctx.stages.push_back(nullptr);
      if (sc.spec->name == "exact_dedup_v1") {
        ctx.exact_dedup = true;
        ctx.exact_stage_index = static_cast<uint32_t>(i);
      } else if (sc.spec->name == "frequent_lines_v1") {
        ctx.frequent_lines = true;
        ctx.frequent = boilerplate::FrequentLineOptionsFromValues(sc.options);
        ctx.frequent_table = sc.options.GetString("table");
        if (!ctx.frequent_table.empty() && !FileExists(ctx.frequent_table)) {
          Log("configuration error: stages.frequent_lines_v1.table: no such file " +
              ctx.frequent_table);
          return 2;
        }
      } else {
        Log(fmt::format("stage {}: this global pass is not wired into the pass manager yet; "
                        "remove it from the configuration",
                        sc.spec->name));
        return 2;
      }
      continue;
    }
    if (sc.spec->name == "minhash_v1") {
      StatusOr<dedup::MinHashStageConfig> near = dedup::MinHashConfigFromOptions(sc.options);
      if (!near.ok()) {
        Log("configuration error: " + near.status().message());
        return 2;
      }
      ctx.near = *near;
      ctx.near_dedup = true;
      ctx.near_stage_index = static_cast<uint32_t>(i);
    }
    if (sc.spec->name == "length_filter_v1") ctx.min_kept_chars = sc.options.GetInt("min_chars");
    StatusOr<std::unique_ptr<Stage>> stage = sc.spec->create(sc.options, env);
    if (!stage.ok()) {
      Log(fmt::format("stage {}: {}", sc.spec->name, stage.status().message()));
      return 2;
    }
    ctx.stages.push_back(std::move(*stage));
  }

  // --- inputs (a missing one is exit 2, nothing written) ---
  StatusOr<std::vector<io::InputFile>> inputs = io::WalkInputs(opts.inputs);
  if (!inputs.ok()) {
    Log(inputs.status().message());
    return 2;
  }
  ctx.inputs = std::move(*inputs);
  bool from_stdin = false;
  for (const auto& f : ctx.inputs) from_stdin |= f.path == "-";
  // Partitions of the global passes: from the input size, never from -j, so that a resumed run
  // finds the same partition files whatever its thread count. Outputs do not depend on it.
  if (ctx.config.partitions == 0) {
    uint64_t bytes = 0;
    for (const auto& f : ctx.inputs) bytes += f.size;
    ctx.config.partitions =
        std::clamp<int64_t>(static_cast<int64_t>((bytes + (256ull << 20) - 1) >> 28), 2, 256);
  }
  // Shards: every JSONL input is one task; consecutive .txt files are grouped.
  for (uint32_t i = 0; i < ctx.inputs.size();) {
    if (ctx.inputs[i].format == io::InputFormat::kOther) {  // listed in stats.json, not read
      ++i;
      continue;
    }
    Shard shard;
    shard.index = static_cast<uint32_t>(ctx.shards.size());
    shard.first_input = i;
    if (ctx.inputs[i].format == io::InputFormat::kText) {
      uint32_t j = i;
      while (j < ctx.inputs.size() && ctx.inputs[j].format == io::InputFormat::kText &&
             j - i < ctx.config.txt_files_per_shard) {
        ++j;
      }
      shard.num_inputs = j - i;
    } else {
      shard.num_inputs = 1;
    }
    i += shard.num_inputs;
    ctx.shards.push_back(shard);
  }

  // --- output directory state: resume, refuse, or start ---
  ctx.state_dir = opts.tmp_dir.empty() ? opts.outdir + "/.chalni" : opts.tmp_dir;
  StatusOr<Json> fp = Fingerprint(ctx, opts);
  if (!fp.ok()) {
    Log(fp.status().message());
    return 3;
  }
  const std::string fp_path = opts.outdir + "/.chalni-run.json";
  if (FileExists(fp_path)) {
    StatusOr<std::string> old_text = ReadFile(fp_path);
    Json old_fp = old_text.ok() ? Json::parse(*old_text, nullptr, false) : Json();
    bool same = !from_stdin && old_fp == *fp;
    if (!same && !opts.overwrite) {
      Log(fmt::format("{} holds a different run (differs in: {}); use --overwrite to replace it",
                      opts.outdir, from_stdin ? std::string("standard input cannot resume")
                                              : DescribeDifference(old_fp, *fp)));
      return 2;
    }
    if (!same) {
      for (const char* sub : {"kept", "removed", "errors"}) RemoveAll(opts.outdir + "/" + sub);
      RemoveAll(ctx.state_dir);
      ::unlink(fp_path.c_str());
      for (const char* f : {"stats.json", "run.json", "timings.json", "report.html", "log.txt"})
        ::unlink((opts.outdir + "/" + f).c_str());
    } else if (FileExists(ctx.state_dir + "/DONE")) {
      Log("run already complete: " + opts.outdir + " (nothing to do)");
      // The same exit code as the run that completed: 1 when it had unreadable inputs.
      StatusOr<std::string> done_stats = ReadFile(opts.outdir + "/stats.json");
      if (done_stats.ok()) {
        Json st = Json::parse(*done_stats, nullptr, /*allow_exceptions=*/false);
        if (st.is_object() && st.contains("unreadable_inputs") &&
            !st["unreadable_inputs"].empty()) {
          return 1;
        }
      }
      return 0;
    }
  } else if (FileExists(opts.outdir) && !ListFiles(opts.outdir).empty() && !opts.overwrite) {
    Log(opts.outdir + " exists and is not a chalni run; use --overwrite to replace it");
    return 2;
  }
  // Spill files of a killed process are never reused: start each invocation with none.
  Status s = RemoveAll(ctx.SpillDir());
  if (s.ok()) s = MakeDirs(ctx.SpillDir());
  if (s.ok() && opts.progress != nullptr) {
    g_progress = opts.progress;
    ctx.progress = opts.progress;
    Status log_status = g_progress->OpenLogFile(opts.outdir + "/log.txt");
    if (!log_status.ok()) Log(log_status.message(), report::LogLevel::kWarning);
  }
  if (s.ok()) s = WriteFileAtomic(fp_path, fp->dump(1) + "\n");
  if (!s.ok()) {
    Log(s.message());
    return ExitCodeFor(s);
  }

  // --- passes ---
  std::vector<PassTiming> timings;
  // Input bytes of a shard, for progress (MB/s, ETA) of the passes that run per shard.
  auto shard_bytes = [&](size_t i) {
    int64_t bytes = 0;
    const Shard& sh = ctx.shards[i];
    for (uint32_t k = 0; k < sh.num_inputs; ++k) bytes += ctx.inputs[sh.first_input + k].size;
    return bytes;
  };
  auto run_pass = [&](const std::string& name, const std::string& dir, size_t n,
                      const std::function<std::string(size_t)>& done,
                      const std::function<Status(size_t)>& task) -> Status {
    const bool per_shard = n == ctx.shards.size() && (name == "local" || name == "write" ||
                                                      name == "lines_rekey");
    StatusOr<PassTiming> t =
        RunPass(name, dir, n, ctx.threads, done, task,
                [&](size_t i) -> int64_t { return per_shard ? shard_bytes(i) : 0; });
    if (!t.ok()) return t.status();
    timings.push_back(*t);
    return Status::Ok();
  };
  s = run_pass("local", ctx.LocalDir(), ctx.shards.size(),
               [&](size_t i) { return ctx.LocalDir() + "/" + ShardName(i) + ".done.json"; },
               [&](size_t i) { return RunLocalTask(ctx, ctx.shards[i]); });
  if (s.ok() && ctx.exact_dedup) {
    s = run_pass("exact_dedup", ctx.ExactDir(), ctx.config.partitions,
                 [&](size_t p) { return ctx.ExactDir() + "/" + PartitionName(p) + ".done"; },
                 [&](size_t p) { return RunExactTask(ctx, static_cast<uint32_t>(p)); });
  }
  if (s.ok() && ctx.near_dedup) {
    s = run_pass("near_bands", ctx.NearDir(), ctx.config.partitions,
                 [&](size_t p) { return ctx.NearDir() + "/" + PartitionName(p) + ".done"; },
                 [&](size_t p) { return RunNearBandTask(ctx, static_cast<uint32_t>(p)); });
    // One task: union-find over every edge and exact decision. Its own folder so that its
    // manifest is separate from the band pass's.
    if (s.ok()) {
      s = run_pass("near_clusters", ctx.NearDir() + "/clusters", 1,
                   [&](size_t) { return ctx.NearDir() + "/clusters.done"; },
                   [&](size_t) { return RunNearClusterTask(ctx); });
    }
  }
  if (s.ok() && ctx.frequent_lines && ctx.frequent_table.empty()) {
    s = run_pass("lines_rekey", ctx.LinesDir(), ctx.shards.size(),
                 [&](size_t i) { return ctx.LinesDir() + "/" + ShardName(i) + ".rekey.done"; },
                 [&](size_t i) { return RunLineRekeyTask(ctx, ctx.shards[i]); });
    if (s.ok()) {
      s = run_pass("frequent_lines", ctx.LinesDir() + "/count", ctx.config.partitions,
                   [&](size_t p) {
                     return ctx.LinesDir() + "/" + PartitionName(p) + ".count.done";
                   },
                   [&](size_t p) { return RunFrequentLineTask(ctx, static_cast<uint32_t>(p)); });
    }
  }
  if (s.ok()) {
    s = run_pass("write", ctx.WriteDir(), ctx.shards.size(),
                 [&](size_t i) { return ctx.WriteDir() + "/" + ShardName(i) + ".done.json"; },
                 [&](size_t i) { return RunWriteTask(ctx, ctx.shards[i]); });
  }
  if (!s.ok()) {
    Log("fatal: " + s.message() + " (the run can be resumed with the same command)");
    return ExitCodeFor(s) == 2 ? 3 : ExitCodeFor(s);
  }
  ResetPeakRss();
  auto commit_start = std::chrono::steady_clock::now();
  Json volatile_stats = Json::object();
  StatusOr<Json> stats = RunCommit(ctx, &volatile_stats);
  if (!stats.ok()) {
    Log("fatal: " + stats.status().message() + " (the run can be resumed with the same command)");
    return 3;
  }
  PassTiming commit{"commit",
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - commit_start)
                        .count(),
                    PeakRss(), 1, 1};
  timings.push_back(commit);

  // timings.json and run.json (not part of the deterministic outputs).
  Json tj;
  for (const PassTiming& t : timings) {
    tj["passes"][t.name] = {{"seconds", t.seconds},
                            {"peak_rss_bytes", t.peak_rss},
                            {"tasks", t.tasks},
                            {"tasks_run", t.tasks_run}};
  }
  tj["threads"] = ctx.threads;
  tj["spill"] = volatile_stats["spill"];
  if (volatile_stats.contains("near_dedup")) tj["near_dedup"] = volatile_stats["near_dedup"];
  tj["local_stage_seconds"] = volatile_stats["stage_seconds"];  // summed over tasks (CPU-ish)
  Json run;
  run["version"] = kChalniVersion;
  run["git"] = kChalniGitHash;
  run["config"] = ctx.config.ToYaml();
  run["threads"] = ctx.threads;
  run["memory_bytes"] = ctx.memory_bytes;
  run["libraries"] = {{"zstd", ZSTD_versionString()},
                      {"simdjson", std::to_string(simdjson::SIMDJSON_VERSION_MAJOR) + "." + std::to_string(simdjson::SIMDJSON_VERSION_MINOR) + "." + std::to_string(simdjson::SIMDJSON_VERSION_REVISION)},
                      {"icu", U_ICU_VERSION},
                      {"unicode", U_UNICODE_VERSION}};
  run["simd"] = {{"simdjson", simdjson::get_active_implementation()->name()}};
  run["files"] = (*fp)["files"];
  run["inputs"] = (*fp)["inputs"];
  for (const PassTiming& t : timings) run["peak_rss_bytes"][t.name] = t.peak_rss;
  s = WriteFileAtomic(opts.outdir + "/timings.json", tj.dump(1) + "\n");
  if (s.ok()) s = WriteFileAtomic(opts.outdir + "/run.json", run.dump(1) + "\n");
  if (s.ok()) s = WriteFileAtomic(ctx.state_dir + "/DONE", "done\n");
  if (!s.ok()) {
    Log("fatal: " + s.message());
    return 3;
  }

  const Json& st = *stats;
  Log(fmt::format("done: {} input records -> {} kept, {} removed, {} errors ({})",
                  st.value("input_records", 0), st.value("kept", 0), st.value("removed", 0),
                  st.value("errors", 0), opts.outdir));
  bool input_problem = st.contains("unreadable_inputs") && !st["unreadable_inputs"].empty();
  return input_problem ? 1 : 0;
}

}  // namespace chalni
