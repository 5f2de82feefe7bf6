// Internal interfaces between the pass manager (run.cc) and the passes. Not public API.
#ifndef CHALNI_PIPELINE_PASSES_H_
#define CHALNI_PIPELINE_PASSES_H_

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chalni/io/input.h"
#include "chalni/stage.h"
#include "boilerplate/frequent_lines.h"
#include "dedup/near_dedup.h"
#include "dedup/stages.h"
#include "internal/record_file.h"
#include "chalni/status.h"
#include "pipeline/config.h"

namespace chalni {
namespace report {
class ProgressSink;
}

using Json = nlohmann::json;

// One task of the document-local and write passes: consecutive input files.
struct Shard {
  uint32_t index = 0;
  uint32_t first_input = 0;  // index into the run's input list
  uint32_t num_inputs = 0;
};

// Exact-dedup key: XXH3-128 of the normalized text, then the doc_key. Sorting by the whole
// record makes the first of each hash group the lowest doc_key (the survivor).
struct ExactKey {
  uint64_t hi = 0;
  uint64_t lo = 0;
  uint32_t input_index = 0;
  uint32_t pad = 0;
  uint64_t byte_offset = 0;
  bool operator<(const ExactKey& o) const {
    if (hi != o.hi) return hi < o.hi;
    if (lo != o.lo) return lo < o.lo;
    if (input_index != o.input_index) return input_index < o.input_index;
    return byte_offset < o.byte_offset;
  }
  bool SameText(const ExactKey& o) const { return hi == o.hi && lo == o.lo; }
};

struct ExactKeyLess {
  bool operator()(const ExactKey& a, const ExactKey& b) const { return a < b; }
  // The most significant part of the order: lets the spill library radix-sort.
  static uint64_t RadixKey(const ExactKey& k) { return k.hi; }
};

// A line occurrence as the local pass writes it: the document is named by doc_key, because its
// dedup cluster is known only after the global dedup passes (the re-key pass maps it).
struct LocalLineRecord {
  uint64_t line_key = 0;
  uint32_t input_index = 0;
  uint32_t pad = 0;
  uint64_t byte_offset = 0;
  uint64_t site_key = 0;
};

// What the exact pass decided for one member of a cluster of two or more. The record is the
// dedup library's, so the near-dedup cluster task reads the exact pass's files as they are.
using ExactDecision = dedup::ExactDecisionRecord;

// Order of decisions in files and in memory: by doc_key.
struct ByDocKey {
  bool operator()(const ExactDecision& a, const ExactDecision& b) const {
    if (a.input_index != b.input_index) return a.input_index < b.input_index;
    return a.byte_offset < b.byte_offset;
  }
  // The most significant part of the order, for the spill library's radix sort.
  static uint64_t RadixKey(const ExactDecision& d) {
    return (static_cast<uint64_t>(d.input_index) << 40) | (d.byte_offset >> 24);
  }
};

std::string ShardName(uint32_t shard);      // "shard-00007"
std::string PartitionName(uint32_t part);  // "part-00003"

// Everything a pass task needs; built once by the pass manager, shared read-only by tasks.
struct RunContext {
  RunConfig config;
  std::vector<io::InputFile> inputs;
  std::vector<Shard> shards;
  std::vector<std::unique_ptr<Stage>> stages;  // aligned with config.stages; null for global
  std::string state_dir;                       // OUTDIR/.chalni or --tmp-dir
  std::string outdir;
  int64_t memory_bytes = 0;
  int threads = 1;
  report::ProgressSink* progress = nullptr;  // may be null
  // length_filter_v1's min_chars when configured (0 otherwise): the write pass removes a document
  // whose line cuts leave less, with the line reason that cut the most lines.
  int64_t min_kept_chars = 0;
  bool exact_dedup = false;
  uint32_t exact_stage_index = 0;
  // Near dedup runs when minhash_v1 is configured: its signatures feed the band and cluster
  // passes, whose decisions (exact and near merged) replace the exact pass's for the writer.
  bool near_dedup = false;
  uint32_t near_stage_index = 0;
  dedup::MinHashStageConfig near;
  // Frequent lines run when frequent_lines_v1 is configured: line records from the local pass,
  // re-keyed by dedup cluster, counted per partition into table files the write pass applies.
  bool frequent_lines = false;
  boilerplate::FrequentLineOptions frequent;
  std::string frequent_table;  // a given table file: applied instead of learning (no passes)

  std::string LocalDir() const { return state_dir + "/local"; }
  std::string ExactDir() const { return state_dir + "/exact"; }
  std::string WriteDir() const { return state_dir + "/write"; }
  std::string SpillDir() const { return state_dir + "/spill"; }
  std::string NearDir() const { return state_dir + "/near"; }
  std::string LinesDir() const { return state_dir + "/lines"; }
  std::string LineTablePath(uint32_t partition) const {
    return LinesDir() + "/" + PartitionName(partition) + ".flt";
  }
  // Where the write pass finds a shard's final near+exact decisions.
  std::string NearDecisionsPath(uint32_t shard) const {
    return NearDir() + "/" + ShardName(shard) + ".decisions";
  }
  // Memory for one task's sort buffers: half the budget shared by the concurrent tasks (the rest
  // covers documents, I/O buffers and the model).
  size_t TaskSortBudget() const {
    return std::max<size_t>(size_t{256} << 10, memory_bytes / 2 / std::max(1, threads));
  }
  // The shard holding input `input_index`.
  uint32_t ShardOfInput(uint32_t input_index) const;
};

// A shard's dedup decisions, streamed: the near-dedup cluster task's file when near dedup ran
// (kind then says exact or near), else the exact pass's partition files restricted to the
// shard's input range. Every file is sorted by doc_key and a shard's documents are read in
// doc_key order, so each file is one forward cursor and lookups are a merge join: memory is one
// read block per file, whatever the number of duplicates.
//
//   ShardDecisions decisions;
//   CHALNI_RETURN_IF_ERROR(decisions.Open(ctx, shard));
//   for (each document in doc_key order) {
//     auto found = decisions.Find(doc.input_index, doc.byte_offset);
//     if (!found.ok()) return found.status();
//     if (*found != nullptr) Use((*found)->decision, (*found)->kind);
//   }
class ShardDecisions {
 public:
  struct Found {
    ExactDecision decision;
    dedup::DecisionKind kind;  // kExact for every duplicate when only exact dedup ran
  };
  // No decisions at all when no dedup ran.
  Status Open(const RunContext& ctx, const Shard& shard);
  // The decision for doc_key (input_index, byte_offset), or nullptr when the document has none.
  // Calls must come in nondecreasing doc_key order (FailedPrecondition otherwise); the result
  // is valid until the next call.
  StatusOr<const Found*> Find(uint32_t input_index, uint64_t byte_offset);

 private:
  template <typename Record>
  struct Cursor {
    // A constructor instead of default member initializers: clang 14 (the fuzz build) does not
    // see a nested struct with those as default-constructible inside the enclosing class, and
    // rejects near_.emplace().
    Cursor() : current(nullptr) {}
    std::optional<RecordReader<Record>> reader;
    const Record* current;  // null: exhausted
  };
  std::optional<Cursor<dedup::NearDecision>> near_;
  std::vector<Cursor<ExactDecision>> exact_;
  uint32_t end_input_ = 0;  // exact files: the first input after the shard
  bool have_last_ = false;
  uint32_t last_input_ = 0;
  uint64_t last_offset_ = 0;
  Found found_{};
};

Status RunLocalTask(const RunContext& ctx, const Shard& shard);
Status RunExactTask(const RunContext& ctx, uint32_t partition);
Status RunNearBandTask(const RunContext& ctx, uint32_t partition);
Status RunLineRekeyTask(const RunContext& ctx, const Shard& shard);
std::string LocalLinesPath(const RunContext& ctx, uint32_t shard);
Status RunFrequentLineTask(const RunContext& ctx, uint32_t partition);
Status RunNearClusterTask(const RunContext& ctx);
Status RunWriteTask(const RunContext& ctx, const Shard& shard);
// Assembles outputs, stats.json (deterministic) and returns the merged stats; figures that
// depend on threads or memory go to *volatile_stats (timings.json).
StatusOr<Json> RunCommit(const RunContext& ctx, Json* volatile_stats);

}  // namespace chalni

#endif  // CHALNI_PIPELINE_PASSES_H_
