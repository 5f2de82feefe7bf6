// The near-dedup tasks end to end (emitter -> band -> cluster) on generated documents: clusters,
// survivors, kinds, a chain of exact and near duplicates, a 1000-document template bucket that
// costs 999 checks per band, determinism across shardings and partitions, and the messages for
// bad input and damaged files.
#include "dedup/near_dedup.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "dedup/minhash.h"
#include "dedup_test_util.h"

namespace chalni::dedup {
namespace {

using testing_util::RunNearDedup;
using testing_util::RunResult;
using testing_util::TempDir;
using testing_util::TestDoc;

std::vector<uint64_t> RandomWords(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> v(n);
  for (auto& x : v) x = rng();
  return v;
}

// `words` with `edits` words replaced by fresh ones, spread over the text.
std::vector<uint64_t> Edit(std::vector<uint64_t> words, int edits, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (int e = 0; e < edits; ++e) words[(e + 1) * words.size() / (edits + 1)] = rng();
  return words;
}

std::vector<uint64_t> Signature(const std::vector<uint64_t>& words) {
  std::vector<text::Token> tokens;
  for (uint64_t h : words) {
    text::Token t;
    t.hash = h;
    tokens.push_back(t);
  }
  std::vector<uint64_t> sig;
  MinHasher(MinHashParams{}).Compute(tokens, &sig);
  return sig;
}

TestDoc Doc(uint32_t input, uint64_t offset, const std::vector<uint64_t>& words,
            uint32_t length = 1000, uint64_t lang = 0) {
  return TestDoc{input, offset, Signature(words), length, lang};
}

// (input, offset) -> (survivor input, survivor offset, size, kind)
using Summary = std::map<std::pair<uint32_t, uint64_t>,
                         std::tuple<uint32_t, uint64_t, uint32_t, DecisionKind>>;
Summary Summarize(const std::vector<NearDecision>& decisions) {
  Summary out;
  for (const NearDecision& d : decisions) {
    out[{d.input_index, d.byte_offset}] = {d.survivor_input, d.survivor_offset, d.cluster_size,
                                           d.kind};
  }
  return out;
}

// ---- building blocks ------------------------------------------------------------------------------

TEST(UnionFindTest, JoinsAndCounts) {
  UnionFind uf(6);
  EXPECT_TRUE(uf.Union(0, 1));
  EXPECT_TRUE(uf.Union(2, 3));
  EXPECT_TRUE(uf.Union(1, 3));
  EXPECT_FALSE(uf.Union(0, 2));  // already one set
  EXPECT_EQ(uf.Find(0), uf.Find(3));
  EXPECT_NE(uf.Find(0), uf.Find(4));
  EXPECT_EQ(uf.SizeOf(2), 4u);
  EXPECT_EQ(uf.SizeOf(4), 1u);
  EXPECT_EQ(uf.SizeOf(5), 1u);
}

TEST(ParamsTest, RequiredMatchesIsTheCeilingOfThresholdTimesHashes) {
  struct Case {
    double threshold;
    int num_hashes;
    int expected;
  };
  const Case cases[] = {{0.75, 112, 84}, {0.8, 100, 80}, {0.7, 10, 7},
                        {0.71, 10, 8},   {0.0, 112, 0},  {1.0, 112, 112}};
  for (const Case& c : cases) {
    NearDedupParams p;
    p.threshold = c.threshold;
    p.num_hashes = c.num_hashes;
    p.bands = 1;
    p.rows = 1;
    EXPECT_EQ(RequiredMatches(p), c.expected) << c.threshold << " x " << c.num_hashes;
  }
}

TEST(ParamsTest, BadParametersHaveClearMessages) {
  struct Case {
    NearDedupParams params;
    std::string message;
  };
  const Case cases[] = {
      {{112, 15, 8, 0.75, Survivor::kLowestKey}, "bands x rows = 15 x 8 = 120 exceeds num_hashes 112"},
      {{112, 14, 8, 1.5, Survivor::kLowestKey}, "threshold must be in [0, 1], got 1.5"},
      {{0, 1, 1, 0.75, Survivor::kLowestKey}, "num_hashes must be between 1 and 1024, got 0"},
      {{112, 1, 65, 0.75, Survivor::kLowestKey},
       "bands must be at least 1 and rows between 1 and 64, got bands 1 rows 65"},
  };
  for (const Case& c : cases) {
    Status s = ValidateNearDedupParams(c.params);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(), c.message);
  }
  EXPECT_TRUE(ValidateNearDedupParams(NearDedupParams{}).ok());
}

TEST(EmitterTest, RefusesOutOfOrderDocumentsAndWrongSignatureLengths) {
  TempDir dir;
  SpillOptions spill;
  spill.tmp_dir = dir.path();
  auto e = NearDedupEmitter::Open(dir.path() + "/s", 0, NearDedupParams{}, 2, spill);
  ASSERT_TRUE(e.ok()) << e.status().message();
  const auto sig = Signature(RandomWords(20, 1));
  ASSERT_TRUE((*e)->Add(1, 5, 10, 0, sig).ok());
  EXPECT_TRUE((*e)->Add(1, 3, 10, 0, {}).ok());  // empty signature: skipped, no order check
  Status s = (*e)->Add(1, 5, 10, 0, sig);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "NearDedupEmitter: documents must be added in increasing doc_key order; 1:5 after "
            "1:5");
  s = (*e)->Add(2, 0, 10, 0, {1, 2, 3});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "NearDedupEmitter: signature of 3 values for 2:0, expected num_hashes = 112");
  ASSERT_TRUE((*e)->Close().ok());
  EXPECT_EQ((*e)->stats().documents, 1u);
  EXPECT_EQ((*e)->stats().band_records, 14u);
  // One band file per partition, and the signature file.
  for (const std::string& p : {dir.path() + "/s.part-00000.bands",
                               dir.path() + "/s.part-00001.bands", dir.path() + "/s.minhash.sig"}) {
    EXPECT_TRUE(std::filesystem::exists(p)) << p;
  }
}

// ---- end to end -------------------------------------------------------------------------------------

struct Corpus {
  std::vector<TestDoc> docs;
  std::vector<ExactDecisionRecord> exact;
};

// The documents of the end-to-end tests (inputs 0, 1, 2):
//   A (0,100) ~ A' (1,200) ~ A'' (2,300): near variants (2 of 400 words edited each);
//   chain: Z (0,10) ~near~ X (2,10) ==exact== Y (1,10); Y has no signature (only the exact edge
//          links it), so Y reaches Z through X;
//   exact-only pair E1 (0,500) == E2 (2,600), both too short to have signatures;
//   L1 (0,700, language bn) and L2 (1,700, language hi): same words, different languages;
//   U1..U3: unrelated singletons.
Corpus MakeCorpus() {
  Corpus c;
  const auto a = RandomWords(400, 100);
  c.docs.push_back(Doc(0, 100, a, 400));
  c.docs.push_back(Doc(1, 200, Edit(a, 2, 101), 900));
  c.docs.push_back(Doc(2, 300, Edit(a, 2, 102), 900));
  const auto z = RandomWords(300, 200);
  c.docs.push_back(Doc(0, 10, z, 300));
  c.docs.push_back(Doc(2, 10, Edit(z, 1, 201), 300));
  c.docs.push_back(TestDoc{1, 10, {}, 300, 0});  // Y: exact copy of X, no signature
  c.exact.push_back(ExactDecisionRecord{1, 1, 10, 10, 2});  // Y survivor of the exact pair
  c.exact.push_back(ExactDecisionRecord{2, 1, 10, 10, 2});  // X -> Y
  c.docs.push_back(TestDoc{0, 500, {}, 3, 0});
  c.docs.push_back(TestDoc{2, 600, {}, 3, 0});
  c.exact.push_back(ExactDecisionRecord{0, 0, 500, 500, 2});
  c.exact.push_back(ExactDecisionRecord{2, 0, 600, 500, 2});
  const auto l = RandomWords(200, 300);
  c.docs.push_back(Doc(0, 700, l, 200, LanguageHash("bn", true)));
  c.docs.push_back(Doc(1, 700, l, 200, LanguageHash("hi", true)));
  for (uint32_t u = 0; u < 3; ++u) c.docs.push_back(Doc(u, 900, RandomWords(250, 400 + u)));
  return c;
}

TEST(NearDedupEndToEndTest, ClustersSurvivorsAndChainOfExactAndNear) {
  TempDir dir;
  const Corpus c = MakeCorpus();
  RunResult r = RunNearDedup(dir.path(), NearDedupParams{}, c.docs, {0, 1, 2}, 3, c.exact);
  const Summary got = Summarize(r.decisions);
  const Summary expected = {
      {{0, 10}, {0, 10, 3, DecisionKind::kSurvivor}},  // Z
      {{1, 10}, {0, 10, 3, DecisionKind::kNear}},      // Y: exact survivor, merged into Z's
      {{2, 10}, {0, 10, 3, DecisionKind::kExact}},     // X: removed by the exact pass anyway
      {{0, 100}, {0, 100, 3, DecisionKind::kSurvivor}},
      {{1, 200}, {0, 100, 3, DecisionKind::kNear}},
      {{2, 300}, {0, 100, 3, DecisionKind::kNear}},
      {{0, 500}, {0, 500, 2, DecisionKind::kSurvivor}},
      {{2, 600}, {0, 500, 2, DecisionKind::kExact}},
  };
  EXPECT_EQ(got, expected);
  // Sorted by doc_key across the shard files.
  EXPECT_TRUE(std::is_sorted(r.decisions.begin(), r.decisions.end()));
  EXPECT_EQ(r.cluster.clusters, 3u);
  EXPECT_EQ(r.cluster.members, 8u);
  EXPECT_EQ(r.cluster.removed_exact, 2u);
  EXPECT_EQ(r.cluster.removed_near, 3u);
  EXPECT_EQ(r.cluster.largest_cluster, 3u);
  EXPECT_EQ(r.cluster.nodes, 8u);
  // 10 signed documents x 14 bands.
  EXPECT_EQ(r.band.band_records, 140u);
}

TEST(NearDedupEndToEndTest, LongestSurvivorTakesTheLongestTextThenTheLowestKey) {
  TempDir dir;
  const Corpus c = MakeCorpus();
  NearDedupParams params;
  params.survivor = Survivor::kLongest;
  RunResult r = RunNearDedup(dir.path(), params, c.docs, {0, 1, 2}, 2, c.exact);
  const Summary got = Summarize(r.decisions);
  // A' and A'' are both 900 long: A' has the lower key.
  EXPECT_EQ(got.at({1, 200}), std::make_tuple(1u, uint64_t{200}, 3u, DecisionKind::kSurvivor));
  EXPECT_EQ(got.at({0, 100}), std::make_tuple(1u, uint64_t{200}, 3u, DecisionKind::kNear));
  EXPECT_EQ(got.at({2, 300}), std::make_tuple(1u, uint64_t{200}, 3u, DecisionKind::kNear));
  // Z and X are equally long (Y's length is unknown: no signature): the lowest key, Z, stays.
  EXPECT_EQ(got.at({2, 10}), std::make_tuple(0u, uint64_t{10}, 3u, DecisionKind::kExact));
}

TEST(NearDedupEndToEndTest, SameClustersForAnyShardingPartitionsAndMemory) {
  const Corpus c = MakeCorpus();
  TempDir d1, d2, d3;
  RunResult a = RunNearDedup(d1.path(), NearDedupParams{}, c.docs, {0, 1, 2}, 3, c.exact);
  RunResult b = RunNearDedup(d2.path(), NearDedupParams{}, c.docs, {0}, 1, c.exact);
  // A tiny budget makes the band sorters and the node sorter spill.
  RunResult m = RunNearDedup(d3.path(), NearDedupParams{}, c.docs, {0, 2}, 7, c.exact, 4096);
  ASSERT_EQ(a.decisions.size(), 8u);
  EXPECT_EQ(Summarize(a.decisions), Summarize(b.decisions));
  EXPECT_EQ(Summarize(a.decisions), Summarize(m.decisions));
  EXPECT_EQ(a.band.edges, b.band.edges);
  EXPECT_EQ(a.band.checks, m.band.checks);
}

TEST(NearDedupEndToEndTest, TemplateBucketOfAThousandCostsNineHundredNinetyNineChecksPerBand) {
  TempDir dir;
  const auto words = RandomWords(120, 7);
  const auto sig = Signature(words);
  std::vector<TestDoc> docs;
  for (uint32_t i = 0; i < 1000; ++i) docs.push_back(TestDoc{i % 2, 1000 + i, sig, 500, 0});
  NearDedupParams params;
  RunResult r = RunNearDedup(dir.path(), params, docs, {0, 1}, 4);
  EXPECT_EQ(r.band.largest_bucket, 1000u);
  EXPECT_EQ(r.band.multi_buckets, 14u);     // one bucket per band
  EXPECT_EQ(r.band.checks, 14u * 999u);     // star-wise: k - 1 per bucket, not k(k-1)/2
  EXPECT_EQ(r.band.edges, 14u * 999u);
  EXPECT_EQ(r.band.signature_reads, 14u * 1000u);
  ASSERT_EQ(r.decisions.size(), 1000u);
  EXPECT_EQ(r.cluster.clusters, 1u);
  for (const NearDecision& d : r.decisions) {
    EXPECT_EQ(d.survivor_input, 0u);
    EXPECT_EQ(d.survivor_offset, 1000u);
    EXPECT_EQ(d.cluster_size, 1000u);
  }
  EXPECT_EQ(r.decisions.front().kind, DecisionKind::kSurvivor);
  EXPECT_EQ(r.cluster.removed_near, 999u);
}

bool SameEdges(const std::vector<NearEdge>& a, const std::vector<NearEdge>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(NearEdge)) == 0);
}

TEST(NearDedupEndToEndTest, BandTaskReadsSignaturesWithPreadBeyondItsBudgetWithTheSameEdges) {
  // 600 documents in 3 shards: 200 variants of each of 3 texts, so buckets span the shards.
  std::vector<TestDoc> docs;
  const std::vector<std::vector<uint64_t>> texts = {RandomWords(300, 11), RandomWords(300, 12),
                                                    RandomWords(300, 13)};
  for (uint32_t i = 0; i < 600; ++i) {
    docs.push_back(Doc(i / 200, 10 * i, Edit(texts[i % 3], static_cast<int>(i % 4), i), 100 + i));
  }
  TempDir d1, d2, d3;
  // 1 MiB: the three signature files (600 x 464 bytes) are mapped.
  RunResult mapped = RunNearDedup(d1.path(), NearDedupParams{}, docs, {0, 1, 2}, 2);
  // 100 KiB: the first file each task opens (~93 KB) is mapped, the others are read with pread.
  RunResult mixed =
      RunNearDedup(d2.path(), NearDedupParams{}, docs, {0, 1, 2}, 2, {}, size_t{100} << 10);
  // 16 KiB: every file is read with pread.
  RunResult pread =
      RunNearDedup(d3.path(), NearDedupParams{}, docs, {0, 1, 2}, 2, {}, size_t{16} << 10);
  EXPECT_EQ(mapped.band.files_mapped, 6u);  // 3 shards x 2 partitions
  EXPECT_EQ(mapped.band.files_read, 0u);
  EXPECT_EQ(mixed.band.files_mapped, 2u);   // one per partition task
  EXPECT_EQ(mixed.band.files_read, 4u);
  EXPECT_LE(mixed.band.mapped_bytes, size_t{100} << 10);
  EXPECT_EQ(pread.band.files_mapped, 0u);
  EXPECT_EQ(pread.band.files_read, 6u);
  EXPECT_GT(mapped.edges.size(), 1000u);
  EXPECT_TRUE(SameEdges(mapped.edges, mixed.edges));
  EXPECT_TRUE(SameEdges(mapped.edges, pread.edges));
  EXPECT_EQ(mapped.band.checks, pread.band.checks);
  EXPECT_EQ(mapped.band.signature_reads, pread.band.signature_reads);
  EXPECT_EQ(mapped.band.blocks_verified, pread.band.blocks_verified);
  EXPECT_EQ(Summarize(mapped.decisions), Summarize(pread.decisions));
}

TEST(NearDedupEndToEndTest, PairBelowThresholdIsNotMerged) {
  TempDir dir;
  // 1-gram shingles over the same 112 hashes: B shares 150 of A's 200 words plus 50 own words:
  // J = 150 / 250 = 0.6, so with rows = 1 they share buckets but fail verification at 0.75.
  const auto pool = RandomWords(250, 9);
  MinHashParams mp;
  mp.ngram = 1;
  MinHasher hasher(mp);
  auto sig_of = [&](size_t begin, size_t end) {
    std::vector<text::Token> tokens;
    for (size_t i = begin; i < end; ++i) {
      text::Token t;
      t.hash = pool[i];
      tokens.push_back(t);
    }
    std::vector<uint64_t> sig;
    hasher.Compute(tokens, &sig);
    return sig;
  };
  NearDedupParams params;
  params.bands = 112;
  params.rows = 1;
  std::vector<TestDoc> docs = {TestDoc{0, 0, sig_of(0, 200), 1, 0},
                               TestDoc{0, 1, sig_of(50, 250), 1, 0}};
  RunResult r = RunNearDedup(dir.path(), params, docs, {0}, 2);
  EXPECT_GT(r.band.checks, 40u);  // ~0.6 x 112 shared buckets
  EXPECT_EQ(r.band.edges, 0u);
  EXPECT_TRUE(r.decisions.empty());
  // The same pair at threshold 0.5 is merged.
  TempDir dir2;
  params.threshold = 0.5;
  RunResult r2 = RunNearDedup(dir2.path(), params, docs, {0}, 2);
  EXPECT_EQ(r2.decisions.size(), 2u);
}


// ---- cluster task: the in-memory union-find and the out-of-core star rounds agree ------------

// A graph over nodes 0..n-1; node i is document (i / 40, 16 * (i % 40) + 5) of length
// lengths[i]. Near edges name the lower doc_key first (a bucket's centre); exact groups list
// their members (the survivor, the lowest key, is added by ToFiles).
struct Graph {
  uint32_t n = 0;
  std::vector<uint32_t> lengths;
  std::vector<std::pair<uint32_t, uint32_t>> near;
  std::vector<std::vector<uint32_t>> exact_groups;
};

uint32_t NodeInput(uint32_t i) { return i / 40; }
uint64_t NodeOffset(uint32_t i) { return 16 * (i % 40) + 5; }

Graph NewGraph(uint32_t n, uint64_t seed, uint32_t max_length = 4) {
  Graph g;
  g.n = n;
  std::mt19937_64 rng(seed);
  for (uint32_t i = 0; i < n; ++i) g.lengths.push_back(1 + rng() % max_length);  // many ties
  return g;
}
std::vector<uint32_t> Shuffled(uint32_t n, uint64_t seed) {
  std::vector<uint32_t> v(n);
  for (uint32_t i = 0; i < n; ++i) v[i] = i;
  std::shuffle(v.begin(), v.end(), std::mt19937_64(seed));
  return v;
}
void AddNear(Graph& g, uint32_t x, uint32_t y) {
  if (x != y) g.near.emplace_back(std::min(x, y), std::max(x, y));
}

struct ClusterRun {
  std::vector<std::string> files;  // each shard's decision file, bytes
  ClusterTaskStats stats;
};

ClusterRun RunCluster(const Graph& g, Survivor survivor, size_t budget) {
  TempDir dir;
  const std::string edges0 = dir.path() + "/p0.edges", edges1 = dir.path() + "/p1.edges";
  {
    RecordWriterOptions wo;
    wo.schema_tag = kEdgeSchemaTag;
    auto w0 = RecordWriter<NearEdge>::Create(edges0, wo);
    auto w1 = RecordWriter<NearEdge>::Create(edges1, wo);
    EXPECT_TRUE(w0.ok() && w1.ok());
    for (size_t e = 0; e < g.near.size(); ++e) {
      const auto [a, b] = g.near[e];
      const NearEdge edge{NodeInput(a), g.lengths[a], NodeOffset(a),
                          NodeInput(b), g.lengths[b], NodeOffset(b)};
      EXPECT_TRUE((e % 2 == 0 ? w0 : w1)->Append(edge).ok());
    }
    EXPECT_TRUE(w0->Close().ok());
    EXPECT_TRUE(w1->Close().ok());
  }
  std::vector<std::string> exact_files;
  if (!g.exact_groups.empty()) {
    exact_files.push_back(dir.path() + "/p0.decisions");
    auto w = RecordWriter<ExactDecisionRecord>::Create(exact_files[0]);
    EXPECT_TRUE(w.ok());
    for (const auto& group : g.exact_groups) {
      const uint32_t s = *std::min_element(group.begin(), group.end());
      for (uint32_t m : group) {
        EXPECT_TRUE(w->Append(ExactDecisionRecord{NodeInput(m), NodeInput(s), NodeOffset(m),
                                                  NodeOffset(s), group.size()})
                        .ok());
      }
    }
    EXPECT_TRUE(w->Close().ok());
  }
  NearDedupParams params;
  params.survivor = survivor;
  SpillOptions spill;
  spill.memory_budget_bytes = budget;
  spill.tmp_dir = dir.path();
  const uint32_t inputs = (g.n + 39) / 40;
  const uint32_t shards = 3;
  auto shard_of_input = [&](uint32_t input) { return input * shards / std::max(inputs, 1u); };
  auto path = [&](uint32_t s) { return fmt::format("{}/shard-{}.decisions", dir.path(), s); };
  auto stats = RunNearDedupClusterTask(params, {edges0, edges1}, exact_files, shards,
                                       shard_of_input, path, spill);
  EXPECT_TRUE(stats.ok()) << stats.status().message();
  ClusterRun run;
  if (!stats.ok()) return run;
  run.stats = *stats;
  for (uint32_t s = 0; s < shards; ++s) {
    std::ifstream in(path(s), std::ios::binary);
    run.files.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // Nothing is left in the spill directory but the inputs and outputs.
  size_t left = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++left;
  }
  EXPECT_EQ(left, 2 + exact_files.size() + shards);
  return run;
}

// Runs `g` with a budget that fits the in-memory tables and with one that forces the
// out-of-core path, for both survivor rules, and expects byte-identical decision files.
void ExpectBothPathsAgree(const Graph& g, const std::string& name) {
  for (Survivor survivor : {Survivor::kLowestKey, Survivor::kLongest}) {
    SCOPED_TRACE(name + (survivor == Survivor::kLongest ? " longest" : " lowest_key"));
    const ClusterRun in_memory = RunCluster(g, survivor, size_t{64} << 20);
    const ClusterRun out_of_core = RunCluster(g, survivor, 256);
    EXPECT_FALSE(in_memory.stats.out_of_core);
    EXPECT_TRUE(out_of_core.stats.out_of_core);
    EXPECT_GE(out_of_core.stats.rounds, 1u);
    EXPECT_GT(in_memory.stats.members, 0u);
    ASSERT_EQ(in_memory.files.size(), out_of_core.files.size());
    for (size_t s = 0; s < in_memory.files.size(); ++s) {
      EXPECT_TRUE(in_memory.files[s] == out_of_core.files[s]) << "shard " << s;
    }
    EXPECT_EQ(in_memory.stats.nodes, out_of_core.stats.nodes);
    EXPECT_EQ(in_memory.stats.clusters, out_of_core.stats.clusters);
    EXPECT_EQ(in_memory.stats.members, out_of_core.stats.members);
    EXPECT_EQ(in_memory.stats.removed_exact, out_of_core.stats.removed_exact);
    EXPECT_EQ(in_memory.stats.removed_near, out_of_core.stats.removed_near);
    EXPECT_EQ(in_memory.stats.largest_cluster, out_of_core.stats.largest_cluster);
  }
}

TEST(ClusterPathsTest, ChainsPathsStarsCliquesAndExactGroupsGiveIdenticalDecisions) {
  {
    Graph g = NewGraph(300, 1);  // a chain in key order
    for (uint32_t i = 0; i + 1 < g.n; ++i) AddNear(g, i, i + 1);
    ExpectBothPathsAgree(g, "chain");
  }
  {
    Graph g = NewGraph(500, 2);  // one long path through keys in random order
    const auto order = Shuffled(g.n, 20);
    for (uint32_t i = 0; i + 1 < g.n; ++i) AddNear(g, order[i], order[i + 1]);
    ExpectBothPathsAgree(g, "random path");
  }
  {
    Graph g = NewGraph(400, 3);  // stars: centre the highest key, and one centred in the middle
    for (uint32_t i = 0; i < 199; ++i) AddNear(g, 199, i);
    for (uint32_t i = 200; i < 400; ++i) AddNear(g, 300, i);
    ExpectBothPathsAgree(g, "stars");
  }
  {
    Graph g = NewGraph(120, 4);  // cliques of 30, two of them joined by one edge
    for (uint32_t c = 0; c < 4; ++c)
      for (uint32_t i = 0; i < 30; ++i)
        for (uint32_t j = i + 1; j < 30; ++j) AddNear(g, 30 * c + i, 30 * c + j);
    AddNear(g, 29, 95);
    ExpectBothPathsAgree(g, "cliques");
  }
  {
    Graph g = NewGraph(200, 5);  // exact groups only (no near edge), some of size 2
    const auto order = Shuffled(g.n, 50);
    for (uint32_t i = 0; i < g.n;) {
      const uint32_t size = 2 + i % 5;
      std::vector<uint32_t> group;
      for (uint32_t k = 0; k < size && i < g.n; ++k) group.push_back(order[i++]);
      if (group.size() >= 2) g.exact_groups.push_back(group);
    }
    ExpectBothPathsAgree(g, "exact only");
  }
  for (uint64_t seed = 10; seed < 16; ++seed) {
    // Random sparse graphs over near and exact edges: components of every shape, and chains of
    // exact and near links (an exact survivor merged into a near cluster becomes near).
    Graph g = NewGraph(600, seed, seed % 2 == 0 ? 3 : 1000);
    std::mt19937_64 rng(seed);
    for (int e = 0; e < 450; ++e) AddNear(g, rng() % g.n, rng() % g.n);
    const auto order = Shuffled(g.n, seed * 7);
    for (uint32_t i = 0; i + 3 < 240; i += 3) {
      g.exact_groups.push_back({order[i], order[i + 1], order[i + 2]});
    }
    ExpectBothPathsAgree(g, fmt::format("random {}", seed));
  }
}

TEST(ClusterPathsTest, OutOfCorePathTakesSeveralRoundsOnALongPath) {
  Graph g = NewGraph(4000, 7);
  const auto order = Shuffled(g.n, 70);
  for (uint32_t i = 0; i + 1 < g.n; ++i) AddNear(g, order[i], order[i + 1]);
  const ClusterRun run = RunCluster(g, Survivor::kLowestKey, size_t{64} << 10);
  EXPECT_TRUE(run.stats.out_of_core);
  EXPECT_GT(run.stats.rounds, 2u);
  EXPECT_LT(run.stats.rounds, 40u);  // O(log^2 n)
  EXPECT_EQ(run.stats.clusters, 1u);
  EXPECT_EQ(run.stats.largest_cluster, 4000u);
  EXPECT_EQ(run.stats.removed_near, 3999u);
  // The in-memory path needs 28 bytes per node: 4000 nodes fit 112 000 bytes.
  const ClusterRun fits = RunCluster(g, Survivor::kLowestKey, 4000 * 28);
  EXPECT_FALSE(fits.stats.out_of_core);
  EXPECT_EQ(fits.stats.rounds, 0u);
  EXPECT_TRUE(fits.files == run.files);
  const ClusterRun just_over = RunCluster(g, Survivor::kLowestKey, 4000 * 28 - 1);
  EXPECT_TRUE(just_over.stats.out_of_core);
  EXPECT_TRUE(just_over.files == run.files);
}

TEST(NearDedupEndToEndTest, DamagedSignatureFileIsDataLossNamingTheFile) {
  TempDir dir;
  SpillOptions spill;
  spill.tmp_dir = dir.path();
  const std::string prefix = dir.path() + "/shard-00000";
  auto e = NearDedupEmitter::Open(prefix, 0, NearDedupParams{}, 1, spill);
  ASSERT_TRUE(e.ok());
  const auto sig = Signature(RandomWords(50, 5));
  ASSERT_TRUE((*e)->Add(0, 0, 1, 0, sig).ok());
  ASSERT_TRUE((*e)->Add(0, 1, 1, 0, sig).ok());
  ASSERT_TRUE((*e)->Close().ok());
  {
    // Flip one byte of the first signature's values (header 32 + block header 16 + 16 + 4).
    std::fstream f(SignatureFilePath(prefix), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(32 + 16 + 16 + 4);
    f.put('\x5A');
  }
  auto r = RunNearDedupBandTask(
      NearDedupParams{}, {BandFilePath(prefix, 0)},
      [&](uint32_t) { return SignatureFilePath(prefix); }, dir.path() + "/edges", spill);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(r.status().message(),
            SignatureFilePath(prefix) + ": checksum mismatch in signature block 0");
  // The same when the file is read with pread (a budget smaller than the file).
  SpillOptions small = spill;
  small.memory_budget_bytes = 256;
  auto rp = RunNearDedupBandTask(
      NearDedupParams{}, {BandFilePath(prefix, 0)},
      [&](uint32_t) { return SignatureFilePath(prefix); }, dir.path() + "/edges-pread", small);
  ASSERT_FALSE(rp.ok());
  EXPECT_EQ(rp.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(rp.status().message(),
            SignatureFilePath(prefix) + ": checksum mismatch in signature block 0");
  // A signature file of another hash count is refused at open.
  NearDedupParams other;
  other.num_hashes = 128;
  auto r2 = RunNearDedupBandTask(
      other, {BandFilePath(prefix, 0)}, [&](uint32_t) { return SignatureFilePath(prefix); },
      dir.path() + "/edges2", spill);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().message(),
            SignatureFilePath(prefix) + ": holds records of 464 bytes, expected 528");
}

}  // namespace
}  // namespace chalni::dedup
