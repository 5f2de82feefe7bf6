// The near-dedup passes (MinHash LSH, src/dedup/near_dedup.h): one band task per hash partition
// verifies candidate pairs, then one cluster task merges near edges with the exact pass's
// decisions (union-find in memory, or star rounds over files beyond the budget) and writes each
// shard's final decisions for the write pass.
#include "dedup/near_dedup.h"
#include "internal/fault.h"
#include "internal/fs.h"
#include "pipeline/passes.h"

namespace chalni {


Status RunNearBandTask(const RunContext& ctx, uint32_t partition) {
  const SpillOptions spill{.memory_budget_bytes = ctx.TaskSortBudget(),
                           .tmp_dir = ctx.SpillDir()};
  std::vector<std::string> band_files;
  for (const Shard& shard : ctx.shards) {
    band_files.push_back(
        dedup::BandFilePath(ctx.LocalDir() + "/" + ShardName(shard.index), partition));
  }
  const std::string base = ctx.NearDir() + "/" + PartitionName(partition);
  auto stats = dedup::RunNearDedupBandTask(
      ctx.near.near, band_files,
      [&](uint32_t shard) {
        return dedup::SignatureFilePath(ctx.LocalDir() + "/" + ShardName(shard));
      },
      base + ".edges", spill);
  if (!stats.ok()) return stats.status();
  FaultPoint("near.before_rename");
  Json done = {{"buckets", stats->buckets},     {"multi_buckets", stats->multi_buckets},
               {"checks", stats->checks},       {"edges", stats->edges},
               {"largest_bucket", stats->largest_bucket}};
  // How the signatures were read depends on the budget (--memory, -j): timings.json only.
  done["memory"] = {{"signature_reads", stats->signature_reads},
                    {"signature_files_mapped", stats->files_mapped},
                    {"signature_files_read", stats->files_read},
                    {"signature_mapped_bytes", stats->mapped_bytes}};
  return WriteFileAtomic(base + ".done", done.dump() + "\n");
}

Status RunNearClusterTask(const RunContext& ctx) {
  const SpillOptions spill{.memory_budget_bytes = ctx.TaskSortBudget(),
                           .tmp_dir = ctx.SpillDir()};
  std::vector<std::string> edges, exact;
  for (uint32_t p = 0; p < ctx.config.partitions; ++p) {
    edges.push_back(ctx.NearDir() + "/" + PartitionName(p) + ".edges");
    if (ctx.exact_dedup) exact.push_back(ctx.ExactDir() + "/" + PartitionName(p) + ".decisions");
  }
  auto stats = dedup::RunNearDedupClusterTask(
      ctx.near.near, edges, exact, static_cast<uint32_t>(ctx.shards.size()),
      [&](uint32_t input_index) { return ctx.ShardOfInput(input_index); },
      [&](uint32_t shard) { return ctx.NearDecisionsPath(shard); }, spill);
  if (!stats.ok()) return stats.status();
  FaultPoint("near.cluster_before_done");
  Json done = {{"clusters", stats->clusters},        {"members", stats->members},
               {"removed_exact", stats->removed_exact}, {"removed_near", stats->removed_near},
               {"largest_cluster", stats->largest_cluster}, {"nodes", stats->nodes}};
  // Which path the budget allowed (--memory, -j): timings.json only.
  done["memory"] = {{"budget_bytes", stats->budget_bytes},
                    {"out_of_core", stats->out_of_core ? 1 : 0},
                    {"rounds", stats->rounds},
                    {"union_find_bytes", stats->memory_bytes}};
  return WriteFileAtomic(ctx.NearDir() + "/clusters.done", done.dump() + "\n");
}

}  // namespace chalni
