// Near-duplicate clustering with MinHash LSH, as three file-to-file tasks the pass manager runs:
//
//   1. local (one per shard): NearDedupEmitter writes the shard's signature file and its LSH band
//      records {band_key, doc_ref}, sorted (spilling) and split into P hash partitions;
//   2. band (one per partition p): RunNearDedupBandTask merges every shard's partition-p band
//      files, and per bucket verifies each member against the bucket's lowest-key member
//      (star-wise: a bucket of k costs k-1 checks) with the signatures' estimated Jaccard; it
//      writes the verified edges;
//   3. cluster (one): RunNearDedupClusterTask reads every edge file and the exact pass's
//      decisions, computes connected components (union-find in memory when its tables fit the
//      budget, else large-star / small-star rounds of sorts over files), and writes one
//      NearDecision per member of every cluster of two or more, sorted by doc_key and split by
//      shard (the write pass reads its shard's file).
//
//   NearDedupParams params;  // 112 hashes, 14 bands x 8 rows, threshold 0.75
//   auto emitter = NearDedupEmitter::Open(local_dir + "/shard-00003", /*shard=*/3, params,
//                                         /*partitions=*/16, spill);
//   for (each document in doc_key order with a signature)
//     CHALNI_RETURN_IF_ERROR((*emitter)->Add(doc.input_index, doc.byte_offset, text_length,
//                                            LanguageHash(doc.language, true), doc.minhash));
//   CHALNI_RETURN_IF_ERROR((*emitter)->Close());
//   // partition p, once every local task is done:
//   RunNearDedupBandTask(params, band_files_of_p, signature_path_of_shard, edges_p, spill);
//   // once every band task is done:
//   RunNearDedupClusterTask(params, all_edge_files, exact_decision_files, num_shards,
//                           shard_of_input, decisions_path_of_shard, spill);
//
// Document references. A band record names a document by doc_ref = shard << 40 | ordinal, the
// ordinal being its position in the shard's signature file, so a band task reads a signature
// at a computed offset (no search). Shards hold consecutive input ranges in order and Add()
// is called in doc_key order (checked), so doc_ref order equals doc_key order: the first member
// of a bucket sorted by (band_key, doc_ref) is its lowest doc_key.
//
// Determinism: edges depend only on the multiset of band records; union-find components do not
// depend on edge order; survivors are chosen by key (lowest doc_key, or longest text then lowest
// doc_key). Nothing depends on timing, threads or arrival order.
//
// Memory: the emitter holds its sorter's budget; a band task holds one block per merged file,
// the signature files it maps (at most its budget; beyond it, it reads with pread), two
// signature buffers and a bitset of verified signature blocks; the cluster task holds 28 bytes
// per node (a document that appears in an edge or an exact decision) while it runs union-find,
// when that fits its budget, and otherwise sorters within its budget. docs/DEDUP.md has the
// figures.
#ifndef CHALNI_DEDUP_NEAR_DEDUP_H_
#define CHALNI_DEDUP_NEAR_DEDUP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "chalni/status.h"
#include "internal/external_sort.h"
#include "internal/record_file.h"

namespace chalni::dedup {

enum class Survivor { kLowestKey, kLongest };

struct NearDedupParams {
  int num_hashes = 112;
  int bands = 14;
  int rows = 8;
  // Minimum signature-estimated Jaccard for a candidate pair to be merged.
  double threshold = 0.75;
  Survivor survivor = Survivor::kLowestKey;
};

// InvalidArgument naming the problem when bands * rows > num_hashes, a value is out of range, or
// the threshold is outside [0, 1].
Status ValidateNearDedupParams(const NearDedupParams& params);

// Equal positions needed for a pair to pass: ceil(threshold * num_hashes).
int RequiredMatches(const NearDedupParams& params);

// doc_ref = shard << 40 | ordinal (see the header comment).
inline constexpr int kOrdinalBits = 40;
inline constexpr uint64_t kMaxOrdinal = (uint64_t{1} << kOrdinalBits) - 1;
inline constexpr uint32_t kMaxShard = (uint32_t{1} << (64 - kOrdinalBits)) - 1;
inline uint64_t MakeDocRef(uint32_t shard, uint64_t ordinal) {
  return (static_cast<uint64_t>(shard) << kOrdinalBits) | ordinal;
}
inline uint32_t DocRefShard(uint64_t ref) { return static_cast<uint32_t>(ref >> kOrdinalBits); }
inline uint64_t DocRefOrdinal(uint64_t ref) { return ref & kMaxOrdinal; }

// File names under a task's prefix (e.g. "<state>/local/shard-00003").
std::string SignatureFilePath(const std::string& prefix);                  // prefix.minhash.sig
std::string BandFilePath(const std::string& prefix, uint32_t partition);   // prefix.part-00007.bands

// Schema tags of the record files (record_file.h), so a file of another kind is refused.
inline constexpr uint32_t kSignatureSchemaTag = 0x4E445347;  // "GSDN"
inline constexpr uint32_t kBandSchemaTag = 0x4E44424B;       // "KBDN"
inline constexpr uint32_t kEdgeSchemaTag = 0x4E444547;       // "GEDN"
inline constexpr uint32_t kDecisionSchemaTag = 0x4E444443;   // "CDDN"

// A document of the signature file, followed by num_hashes uint32_t values.
struct SignatureHeader {
  uint32_t input_index = 0;
  uint32_t text_length = 0;
  uint64_t byte_offset = 0;
};
static_assert(sizeof(SignatureHeader) == 16);
inline size_t SignatureRecordBytes(int num_hashes) {
  return sizeof(SignatureHeader) + sizeof(uint32_t) * static_cast<size_t>(num_hashes);
}

// A verified near-duplicate pair: b passed the threshold against a, the lowest doc_key of a
// bucket they share. text_length is what the emitter was given (for Survivor::kLongest).
struct NearEdge {
  uint32_t a_input = 0;
  uint32_t a_length = 0;
  uint64_t a_offset = 0;
  uint32_t b_input = 0;
  uint32_t b_length = 0;
  uint64_t b_offset = 0;
};
static_assert(sizeof(NearEdge) == 32);

// The exact pass's decision record: the same layout as ExactDecision in src/pipeline/passes.h
// (one per member of every exact cluster of two or more, the survivor included, pointing at
// itself). Declared here so the dedup library does not depend on the pipeline.
struct ExactDecisionRecord {
  uint32_t input_index = 0;
  uint32_t survivor_input = 0;
  uint64_t byte_offset = 0;
  uint64_t survivor_offset = 0;
  uint64_t cluster_size = 0;
};
static_assert(sizeof(ExactDecisionRecord) == 32);

enum class DecisionKind : uint32_t {
  kSurvivor = 0,  // the cluster's survivor (kept)
  kExact = 1,     // removed; the exact pass found an identical text with a lower doc_key
  kNear = 2,      // removed as a near duplicate (or an exact-group survivor merged into another)
};
const char* DecisionKindName(DecisionKind kind);  // "survivor", "exact", "near"

// The final decision for one member of a cluster of two or more (exact and near edges merged),
// sorted by (input_index, byte_offset). survivor_* name the final survivor, even through chains.
struct NearDecision {
  uint32_t input_index = 0;
  uint32_t survivor_input = 0;
  uint64_t byte_offset = 0;
  uint64_t survivor_offset = 0;
  uint32_t cluster_size = 0;  // every member, the survivor included
  DecisionKind kind = DecisionKind::kSurvivor;
  bool operator<(const NearDecision& o) const {
    if (input_index != o.input_index) return input_index < o.input_index;
    return byte_offset < o.byte_offset;
  }
};
static_assert(sizeof(NearDecision) == 32);

// ---- 1. local -----------------------------------------------------------------------------
struct EmitterStats {
  uint64_t documents = 0;     // signatures written
  uint64_t band_records = 0;  // documents * bands
  SpillStats spill;           // of the band-record sorter
};

class NearDedupEmitter {
 public:
  // Creates prefix.minhash.sig (written as documents are added) for shard `shard`; the band
  // files prefix.part-NNNNN.bands (one per partition, empty ones included) appear at Close().
  static StatusOr<std::unique_ptr<NearDedupEmitter>> Open(const std::string& prefix,
                                                          uint32_t shard,
                                                          const NearDedupParams& params,
                                                          uint32_t num_partitions,
                                                          const SpillOptions& spill);
  ~NearDedupEmitter();

  // Adds a document. Documents must come in increasing doc_key order (FailedPrecondition
  // otherwise); an empty `sig` (fewer words than one shingle) is skipped; a signature of another
  // length than num_hashes is InvalidArgument. language_hash: LanguageHash() (0 when dedup is
  // not per language).
  Status Add(uint32_t input_index, uint64_t byte_offset, uint32_t text_length,
             uint64_t language_hash, const std::vector<uint64_t>& sig);
  // Closes the signature file, sorts the band records and writes the partition files.
  Status Close();

  const EmitterStats& stats() const { return stats_; }

 private:
  NearDedupEmitter() = default;
  struct State;
  std::unique_ptr<State> state_;
  EmitterStats stats_;
};

// ---- 2. band ------------------------------------------------------------------------------
struct BandTaskStats {
  uint64_t band_records = 0;     // records merged
  uint64_t buckets = 0;          // distinct band keys
  uint64_t multi_buckets = 0;    // buckets of two or more documents
  uint64_t largest_bucket = 0;
  uint64_t checks = 0;           // signature comparisons (sum of bucket size - 1)
  uint64_t edges = 0;            // pairs that passed the threshold
  uint64_t signature_reads = 0;  // signature records read (mapped or pread)
  uint64_t blocks_verified = 0;  // signature blocks whose checksum was checked
  uint64_t files_mapped = 0;     // signature files mapped (their total fits the budget)
  uint64_t files_read = 0;       // signature files read with pread (beyond the budget)
  uint64_t mapped_bytes = 0;     // bytes of the mapped files (at most the budget)
};

// Merges `band_files` (partition p of every shard), verifies each bucket star-wise against its
// lowest-key member, and writes the edges to `edges_path` (a record file of NearEdge).
// Memory: the merge's blocks (within spill.memory_budget_bytes) plus signature files mapped
// while their total stays within memory_budget_bytes; further files are read with pread.
// signature_path(shard) names the shard's signature file. A signature file that is damaged or
// has another hash count, or a doc_ref beyond its file, is DataLoss / FailedPrecondition naming
// the file.
StatusOr<BandTaskStats> RunNearDedupBandTask(
    const NearDedupParams& params, const std::vector<std::string>& band_files,
    const std::function<std::string(uint32_t shard)>& signature_path,
    const std::string& edges_path, const SpillOptions& spill);

// ---- 3. cluster ---------------------------------------------------------------------------
struct ClusterTaskStats {
  uint64_t near_edges = 0;
  uint64_t exact_records = 0;
  uint64_t nodes = 0;          // distinct documents in edges and exact decisions
  uint64_t clusters = 0;       // final clusters of two or more
  uint64_t members = 0;        // their members (decisions written)
  uint64_t removed_exact = 0;  // decisions of kind exact
  uint64_t removed_near = 0;   // decisions of kind near
  uint64_t largest_cluster = 0;
  // How the components were computed (depends on the budget, not on the data alone):
  uint64_t budget_bytes = 0;   // spill.memory_budget_bytes
  bool out_of_core = false;    // the node table did not fit the budget: star rounds over files
  uint64_t rounds = 0;         // large-star + small-star rounds (out of core only)
  uint64_t memory_bytes = 0;   // union-find arrays held at the peak (in memory only)
};

// Reads every NearEdge file and every exact-decision file (ExactDecisionRecord), merges them
// into connected components and writes NearDecision records sorted by doc_key into one file per
// shard, decisions_path(s) for s in [0, num_shards) (empty files included); shard_of_input maps
// an input index to its shard and must be nondecreasing in the input index. Memory: when the
// nodes times 28 bytes fit spill.memory_budget_bytes, union-find in memory; otherwise the same
// decisions (byte for byte) from star rounds over sorted files, each sorter within half the
// budget (stats.out_of_core, stats.rounds).
StatusOr<ClusterTaskStats> RunNearDedupClusterTask(
    const NearDedupParams& params, const std::vector<std::string>& edge_files,
    const std::vector<std::string>& exact_decision_files, uint32_t num_shards,
    const std::function<uint32_t(uint32_t input_index)>& shard_of_input,
    const std::function<std::string(uint32_t shard)>& decisions_path, const SpillOptions& spill);

// ---- building blocks (exposed for tests) --------------------------------------------------
// Union-find over node indices [0, n) with path halving and union by size.
class UnionFind {
 public:
  explicit UnionFind(uint32_t n);
  uint32_t Find(uint32_t x);
  // Joins the sets of a and b; returns false when they were already one set.
  bool Union(uint32_t a, uint32_t b);
  uint32_t SizeOf(uint32_t x) { return size_[Find(x)]; }

 private:
  std::vector<uint32_t> parent_;
  std::vector<uint32_t> size_;
};

}  // namespace chalni::dedup

#endif  // CHALNI_DEDUP_NEAR_DEDUP_H_
