// The commit step: assembles the write pass's chunks into kept/ removed/ errors/ parts and
// writes stats.json. Idempotent: it clears the three output folders and rebuilds them from the
// immutable chunks, so a crash in the middle is repaired by running it again.
//
// Part names depend only on the input (shard order and chunk sizes), never on -j. A part takes
// consecutive chunks until it holds at least output.part_size_bytes of uncompressed records;
// zstd frames concatenate into a valid multi-frame file, so assembly is a byte copy (a part of
// one chunk is a hard link).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "fmt/format.h"
#include "internal/fault.h"
#include "internal/fs.h"
#include "pipeline/passes.h"

namespace chalni {
namespace {

Status CopyInto(int out_fd, const std::string& out_path, const std::string& in_path) {
  int in = ::open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return ErrnoStatus("cannot open", in_path, errno);
  std::string buf(1 << 20, '\0');
  while (true) {
    ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(in);
      return ErrnoStatus("cannot read", in_path, err);
    }
    if (n == 0) break;
    ssize_t done = 0;
    while (done < n) {
      ssize_t w = ::write(out_fd, buf.data() + done, n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(in);
        return ErrnoStatus("cannot write", out_path, err);
      }
      done += w;
    }
  }
  ::close(in);
  return Status::Ok();
}

Status AssembleParts(const RunContext& ctx, const std::string& kind,
                     const std::vector<Json>& shard_done) {
  const std::string dir = ctx.outdir + "/" + kind;
  CHALNI_RETURN_IF_ERROR(RemoveAll(dir));
  CHALNI_RETURN_IF_ERROR(MakeDirs(dir));
  std::vector<std::string> part;  // chunk paths of the part being built
  int64_t part_bytes = 0;
  int part_index = 0;
  auto emit = [&]() -> Status {
    if (part.empty()) return Status::Ok();
    const std::string path = fmt::format("{}/part-{:05d}.jsonl.zst", dir, part_index++);
    if (part.size() == 1) {
      if (::link(part[0].c_str(), path.c_str()) != 0)
        return ErrnoStatus("cannot link", path, errno);
    } else {
      const std::string tmp = path + ".tmp";
      int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0) return ErrnoStatus("cannot create", tmp, errno);
      for (const std::string& chunk : part) {
        Status s = CopyInto(fd, tmp, chunk);
        if (!s.ok()) {
          ::close(fd);
          return s;
        }
        FaultPoint("commit.mid");
      }
      if (SyncFile(fd) != 0 || ::close(fd) != 0) return ErrnoStatus("cannot write", tmp, errno);
      if (::rename(tmp.c_str(), path.c_str()) != 0) return ErrnoStatus("cannot rename", tmp, errno);
    }
    part.clear();
    part_bytes = 0;
    return Status::Ok();
  };
  for (const Json& done : shard_done) {
    for (const Json& chunk : done[kind + "_chunks"]) {
      part.push_back(ctx.WriteDir() + "/" + chunk["file"].get<std::string>());
      part_bytes += chunk["bytes"].get<int64_t>();
      if (part_bytes >= ctx.config.part_size_bytes) CHALNI_RETURN_IF_ERROR(emit());
    }
  }
  return emit();
}

// Adds every number in `from` into `into`, recursively (objects merge by key).
void AddCounts(Json& into, const Json& from) {
  if (!from.is_object()) return;
  if (!into.is_object()) into = Json::object();
  for (auto it = from.begin(); it != from.end(); ++it) {
    if (it->is_object()) {
      AddCounts(into[it.key()], *it);
    } else if (it->is_number_integer()) {
      into[it.key()] = into.value(it.key(), int64_t{0}) + it->get<int64_t>();
    }
  }
}

}  // namespace

StatusOr<Json> RunCommit(const RunContext& ctx, Json* volatile_stats) {
  std::vector<Json> local_done, write_done;
  for (const Shard& shard : ctx.shards) {
    for (auto [dir, vec] : {std::pair{ctx.LocalDir(), &local_done},
                            std::pair{ctx.WriteDir(), &write_done}}) {
      StatusOr<std::string> text = ReadFile(dir + "/" + ShardName(shard.index) + ".done.json");
      if (!text.ok()) return text.status();
      Json j = Json::parse(*text, nullptr, false);
      if (j.is_discarded()) return DataLossError("corrupt task manifest in " + dir);
      vec->push_back(std::move(j));
    }
  }
  for (const char* kind : {"kept", "removed", "errors"}) {
    CHALNI_RETURN_IF_ERROR(AssembleParts(ctx, kind, write_done));
  }

  // stats.json: deterministic (no timings); std::map ordering makes key order stable.
  Json stats = Json::object();
  Json local = Json::object();
  Json counters = Json::object();
  Json unreadable = Json::array();
  Json spill = Json::object();
  Json stage_seconds = Json::object();
  int64_t records = 0;
  for (const Json& d : local_done) {
    records += d.value("records", int64_t{0});
    for (const char* k : {"records", "documents", "errors", "blank_lines", "input_bytes",
                          "utf8_repaired_records"}) {
      local[k] = local.value(k, int64_t{0}) + d.value(k, int64_t{0});
    }
    AddCounts(counters, d["counters"]);
    AddCounts(spill, d["spill"]);
    if (d.contains("stage_seconds")) {
      for (auto it = d["stage_seconds"].begin(); it != d["stage_seconds"].end(); ++it) {
        stage_seconds[it.key()] = stage_seconds.value(it.key(), 0.0) + it->get<double>();
      }
    }
    for (const Json& u : d["unreadable_inputs"]) unreadable.push_back(u);
  }
  Json written = Json::object();
  for (const Json& d : write_done) AddCounts(written, d["stats"]);
  const int64_t kept = written.value("kept", int64_t{0});
  const int64_t removed = written.value("removed", int64_t{0});
  const int64_t errors = written.value("errors", int64_t{0});
  stats["input_records"] = records;
  stats["kept"] = kept;
  stats["removed"] = removed;
  stats["errors"] = errors;
  stats["accounting_identity_holds"] = records == kept + removed + errors;
  stats["blank_lines"] = local["blank_lines"];
  stats["input_bytes"] = local["input_bytes"];
  stats["utf8_repaired_records"] = local["utf8_repaired_records"];
  Json files = Json::object();
  Json other = Json::array();
  int64_t read_files = 0;
  for (const io::InputFile& f : ctx.inputs) {
    if (f.format == io::InputFormat::kOther) {
      other.push_back(f.display);
    } else {
      ++read_files;
    }
  }
  stats["input_files"] = read_files;
  stats["other_files"] = other;
  stats["unreadable_inputs"] = unreadable;
  stats["reasons"] = written.value("reasons", Json::object());
  stats["reasons_all"] = written.value("reasons_all", Json::object());
  stats["errors_by_cause"] = written.value("errors_by_cause", Json::object());
  stats["removed_lines"] = written.value("removed_lines", Json::object());
  stats["languages"] = written.value("languages", Json::object());
  Json passes = Json::object();
  passes["local"] = {{"tasks", ctx.shards.size()}, {"counters", counters}};
  if (ctx.exact_dedup) {
    int64_t groups = 0, members = 0;
    for (uint32_t p = 0; p < ctx.config.partitions; ++p) {
      StatusOr<std::string> text = ReadFile(ctx.ExactDir() + "/" + PartitionName(p) + ".done");
      if (!text.ok()) return text.status();
      Json j = Json::parse(*text, nullptr, false);
      groups += j.value("groups", int64_t{0});
      members += j.value("members", int64_t{0});
    }
    passes["exact_dedup"] = {{"tasks", ctx.config.partitions},
                             {"clusters", groups},
                             {"duplicates_removed", members - groups}};
  }
  // Figures the global passes recorded in their task markers (deterministic counts). A marker's
  // "memory" object holds figures that depend on --memory and -j: summed into *memory (for
  // timings.json) when given, never into stats.json.
  auto sum_markers = [&](const std::vector<std::string>& paths,
                         Json* memory = nullptr) -> StatusOr<Json> {
    Json sum = Json::object();
    for (const std::string& path : paths) {
      StatusOr<std::string> text = ReadFile(path);
      if (!text.ok()) return text.status();
      Json j = Json::parse(*text, nullptr, false);
      if (!j.is_object()) return DataLossError("corrupt task marker " + path);
      if (memory != nullptr && j.contains("memory")) AddCounts(*memory, j["memory"]);
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!it->is_number_integer()) continue;
        // Maxima stay maxima; everything else adds up.
        if (it.key().rfind("largest", 0) == 0) {
          sum[it.key()] = std::max(sum.value(it.key(), int64_t{0}), it->get<int64_t>());
        } else {
          sum[it.key()] = sum.value(it.key(), int64_t{0}) + it->get<int64_t>();
        }
      }
    }
    return sum;
  };
  if (ctx.near_dedup) {
    std::vector<std::string> bands;
    for (uint32_t p = 0; p < ctx.config.partitions; ++p)
      bands.push_back(ctx.NearDir() + "/" + PartitionName(p) + ".done");
    Json band_memory = Json::object(), cluster_memory = Json::object();
    StatusOr<Json> b = sum_markers(bands, &band_memory);
    if (!b.ok()) return b.status();
    StatusOr<Json> c = sum_markers({ctx.NearDir() + "/clusters.done"}, &cluster_memory);
    if (!c.ok()) return c.status();
    passes["near_dedup"] = {{"bands", *b}, {"clusters", *c}};
    (*volatile_stats)["near_dedup"] = {{"bands", band_memory}, {"clusters", cluster_memory}};
  }
  if (ctx.frequent_lines && ctx.frequent_table.empty()) {
    std::vector<std::string> parts;
    for (uint32_t p = 0; p < ctx.config.partitions; ++p)
      parts.push_back(ctx.LinesDir() + "/" + PartitionName(p) + ".count.done");
    StatusOr<Json> f = sum_markers(parts);
    if (!f.ok()) return f.status();
    passes["frequent_lines"] = *f;
  }
  passes["write"] = {{"tasks", ctx.shards.size()}};
  stats["passes"] = passes;
  // Spill figures depend on --memory and -j: they go to timings.json, not stats.json.
  (*volatile_stats)["spill"] = spill;
  (*volatile_stats)["stage_seconds"] = stage_seconds;
  CHALNI_RETURN_IF_ERROR(WriteFileAtomic(ctx.outdir + "/stats.json", stats.dump(1) + "\n"));
  if (records != kept + removed + errors) {
    return InternalError(fmt::format("accounting identity broken: {} records != {} kept + {} "
                                     "removed + {} errors",
                                     records, kept, removed, errors));
  }
  return stats;
}

}  // namespace chalni
