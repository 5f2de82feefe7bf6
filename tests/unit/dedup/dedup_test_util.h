// Test helpers for the near-dedup tasks: a temporary directory and a driver that runs
// local (emitter) -> band -> cluster over in-memory documents, as the pass manager would.
#ifndef CHALNI_TESTS_UNIT_DEDUP_DEDUP_TEST_UTIL_H_
#define CHALNI_TESTS_UNIT_DEDUP_DEDUP_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "dedup/minhash.h"
#include "dedup/near_dedup.h"
#include "fmt/format.h"
#include "internal/record_file.h"

namespace chalni::dedup::testing_util {

class TempDir {
 public:
  TempDir() {
    const char* tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp ? tmp : "/tmp") +
                          "/chalni-dedup-test-XXXXXX";
    char* made = mkdtemp(pattern.data());
    CHALNI_CHECK(made != nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct TestDoc {
  uint32_t input = 0;
  uint64_t offset = 0;
  std::vector<uint64_t> sig;  // empty: not emitted (too short, or left out on purpose)
  uint32_t length = 0;
  uint64_t language_hash = 0;
};

struct RunResult {
  std::vector<NearDecision> decisions;  // every shard's file, concatenated in shard order
  std::vector<NearEdge> edges;          // every partition's edge file, in partition order
  BandTaskStats band;                   // summed over partitions
  ClusterTaskStats cluster;
};

// Runs the three tasks. shard_first_input[s] is the first input of shard s (increasing).
inline RunResult RunNearDedup(const std::string& dir, const NearDedupParams& params,
                              std::vector<TestDoc> docs,
                              const std::vector<uint32_t>& shard_first_input,
                              uint32_t partitions,
                              const std::vector<ExactDecisionRecord>& exact = {},
                              size_t memory_budget = size_t{1} << 20) {
  RunResult result;
  SpillOptions spill;
  spill.memory_budget_bytes = memory_budget;
  spill.tmp_dir = dir;
  const uint32_t num_shards = static_cast<uint32_t>(shard_first_input.size());
  auto shard_of_input = [&](uint32_t input) {
    uint32_t s = 0;
    while (s + 1 < num_shards && shard_first_input[s + 1] <= input) ++s;
    return s;
  };
  auto prefix = [&](uint32_t s) { return fmt::format("{}/shard-{:05d}", dir, s); };
  std::sort(docs.begin(), docs.end(), [](const TestDoc& a, const TestDoc& b) {
    return a.input != b.input ? a.input < b.input : a.offset < b.offset;
  });
  for (uint32_t s = 0; s < num_shards; ++s) {
    auto emitter = NearDedupEmitter::Open(prefix(s), s, params, partitions, spill);
    EXPECT_TRUE(emitter.ok()) << emitter.status().message();
    if (!emitter.ok()) return result;
    for (const TestDoc& d : docs) {
      if (shard_of_input(d.input) != s) continue;
      Status st = (*emitter)->Add(d.input, d.offset, d.length, d.language_hash, d.sig);
      EXPECT_TRUE(st.ok()) << st.message();
    }
    Status st = (*emitter)->Close();
    EXPECT_TRUE(st.ok()) << st.message();
  }
  std::vector<std::string> edge_files;
  for (uint32_t p = 0; p < partitions; ++p) {
    std::vector<std::string> band_files;
    for (uint32_t s = 0; s < num_shards; ++s) band_files.push_back(BandFilePath(prefix(s), p));
    const std::string edges = fmt::format("{}/part-{:05d}.edges", dir, p);
    auto stats = RunNearDedupBandTask(
        params, band_files, [&](uint32_t s) { return SignatureFilePath(prefix(s)); }, edges,
        spill);
    EXPECT_TRUE(stats.ok()) << stats.status().message();
    if (!stats.ok()) return result;
    result.band.band_records += stats->band_records;
    result.band.buckets += stats->buckets;
    result.band.multi_buckets += stats->multi_buckets;
    result.band.largest_bucket = std::max(result.band.largest_bucket, stats->largest_bucket);
    result.band.checks += stats->checks;
    result.band.edges += stats->edges;
    result.band.signature_reads += stats->signature_reads;
    result.band.blocks_verified += stats->blocks_verified;
    result.band.files_mapped += stats->files_mapped;
    result.band.files_read += stats->files_read;
    result.band.mapped_bytes = std::max(result.band.mapped_bytes, stats->mapped_bytes);
    edge_files.push_back(edges);
    auto edge_reader = RecordReader<NearEdge>::Open(edges);
    EXPECT_TRUE(edge_reader.ok());
    if (!edge_reader.ok()) return result;
    while (const NearEdge* e = edge_reader->Next()) result.edges.push_back(*e);
  }
  std::vector<std::string> exact_files;
  if (!exact.empty()) {
    auto w = RecordWriter<ExactDecisionRecord>::Create(dir + "/exact.decisions");
    EXPECT_TRUE(w.ok());
    for (const ExactDecisionRecord& r : exact) EXPECT_TRUE(w->Append(r).ok());
    EXPECT_TRUE(w->Close().ok());
    exact_files.push_back(dir + "/exact.decisions");
  }
  auto decisions_path = [&](uint32_t s) { return fmt::format("{}/near-{:05d}.decisions", dir, s); };
  auto cluster = RunNearDedupClusterTask(params, edge_files, exact_files, num_shards,
                                         shard_of_input, decisions_path, spill);
  EXPECT_TRUE(cluster.ok()) << cluster.status().message();
  if (!cluster.ok()) return result;
  result.cluster = *cluster;
  for (uint32_t s = 0; s < num_shards; ++s) {
    RecordReaderOptions ro;
    ro.expect_schema_tag = kDecisionSchemaTag;
    auto r = RecordReader<NearDecision>::Open(decisions_path(s), ro);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return result;
    while (const NearDecision* d = r->Next()) {
      EXPECT_EQ(shard_of_input(d->input_index), s) << "decision in the wrong shard file";
      result.decisions.push_back(*d);
    }
    EXPECT_TRUE(r->status().ok());
  }
  return result;
}

}  // namespace chalni::dedup::testing_util

#endif  // CHALNI_TESTS_UNIT_DEDUP_DEDUP_TEST_UTIL_H_
