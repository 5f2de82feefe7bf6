#include "dedup/stages.h"

#include <memory>
#include <string>
#include <utility>

namespace chalni {
namespace dedup {
namespace {

class MinHashStage final : public Stage {
 public:
  explicit MinHashStage(const MinHashParams& params) : hasher_(params) {}
  std::string_view name() const override { return "minhash_v1"; }

  void Process(Document& doc, StageContext& ctx) const override {
    if (!hasher_.Compute(doc.tokens, &doc.minhash)) ctx.Count("minhash.too_short");
  }

 private:
  MinHasher hasher_;
};

std::vector<OptionSpec> MinHashOptionSpecs() {
  const MinHashParams m;
  const NearDedupParams n;
  return {
      OptionSpec{"num_hashes", OptionType::kInt, Value(int64_t{m.num_hashes}),
                 "MinHash permutations per signature", {}, 1, 1024},
      OptionSpec{"bands", OptionType::kInt, Value(int64_t{n.bands}),
                 "LSH bands (bands x rows <= num_hashes)", {}, 1, 1024},
      OptionSpec{"rows", OptionType::kInt, Value(int64_t{n.rows}),
                 "signature rows per LSH band", {}, 1, 64},
      OptionSpec{"ngram", OptionType::kInt, Value(int64_t{m.ngram}),
                 "words per shingle; documents with fewer words get exact dedup only", {}, 1,
                 64},
      OptionSpec{"seed", OptionType::kInt, Value(static_cast<int64_t>(m.seed)),
                 "seed of the permutations (signatures of one run must share it)", {}, 0,
                 9.2e18},
      OptionSpec{"threshold", OptionType::kDouble, Value(n.threshold),
                 "minimum Jaccard similarity, estimated from the signatures, for a candidate "
                 "pair to be merged",
                 {}, 0, 1},
      OptionSpec{"survivor", OptionType::kEnum, Value(std::string("lowest_key")),
                 "which member of a cluster is kept: lowest_key (lowest doc_key) or longest "
                 "(longest text, then lowest doc_key)",
                 {"lowest_key", "longest"}},
      OptionSpec{"per_language", OptionType::kBool, Value(true),
                 "only documents of the same detected language can be near duplicates", {}},
  };
}

}  // namespace

StatusOr<MinHashStageConfig> MinHashConfigFromOptions(const OptionValues& values) {
  MinHashStageConfig c;
  c.minhash.num_hashes = static_cast<int>(values.GetInt("num_hashes"));
  c.minhash.ngram = static_cast<int>(values.GetInt("ngram"));
  c.minhash.seed = static_cast<uint64_t>(values.GetInt("seed"));
  c.near.num_hashes = c.minhash.num_hashes;
  c.near.bands = static_cast<int>(values.GetInt("bands"));
  c.near.rows = static_cast<int>(values.GetInt("rows"));
  c.near.threshold = values.GetDouble("threshold");
  const std::string& survivor = values.GetString("survivor");
  if (survivor == "lowest_key") {
    c.near.survivor = Survivor::kLowestKey;
  } else if (survivor == "longest") {
    c.near.survivor = Survivor::kLongest;
  } else {
    return InvalidArgumentError("minhash_v1: survivor must be lowest_key or longest, got \"" +
                                survivor + "\"");
  }
  c.per_language = values.GetBool("per_language");
  if (c.minhash.ngram < 1) {
    return InvalidArgumentError("minhash_v1: ngram must be at least 1, got " +
                                std::to_string(c.minhash.ngram));
  }
  Status s = ValidateNearDedupParams(c.near);
  if (!s.ok()) return InvalidArgumentError("minhash_v1: " + s.message());
  return c;
}

}  // namespace dedup

void RegisterDedupStages(StageRegistry& registry) {
  StageSpec spec;
  spec.name = "minhash_v1";
  spec.family = "dedup";
  spec.help =
      "MinHash signature of the document's word n-grams (doc.minhash) for near-duplicate "
      "clustering: LSH with bands x rows, candidates verified by estimated Jaccard >= "
      "threshold, clusters by union-find with the exact-dedup edges (docs/DEDUP.md)";
  spec.kind = StageKind::kDocument;
  spec.options = dedup::MinHashOptionSpecs();
  spec.needs = {"segment_v1"};  // shingles of doc.tokens
  spec.create = [](const OptionValues& values,
                   const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
    auto config = dedup::MinHashConfigFromOptions(values);
    if (!config.ok()) return config.status();
    return std::unique_ptr<Stage>(new dedup::MinHashStage(config->minhash));
  };
  registry.Register(std::move(spec));
}

}  // namespace chalni
