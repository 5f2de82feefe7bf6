// The frequent-line passes (src/boilerplate/frequent_lines.h):
//   re-key (one task per shard): each line occurrence the local pass recorded is re-keyed by its
//     document's dedup cluster (survivor doc_key; the document itself when it has no
//     duplicate), so a syndicated article counts once however many copies exist; records are
//     sorted (spilling) and split by line-key partition; one record per document carries its
//     site's page count;
//   count (one task per partition): merges every shard's records for the partition and writes
//     the table of lines learned as site chrome. The write pass loads every partition's table.
#include <xxhash.h>

#include <algorithm>

#include "internal/external_sort.h"
#include "internal/fault.h"
#include "internal/fs.h"
#include "internal/record_file.h"
#include "pipeline/passes.h"

namespace chalni {
namespace {

using boilerplate::LineRecord;
using boilerplate::LineRecordLess;

uint64_t ClusterKey(uint32_t input_index, uint64_t byte_offset) {
  const uint64_t parts[2] = {input_index, byte_offset};
  return XXH3_64bits(parts, sizeof parts);
}

std::string RekeyedPath(const RunContext& ctx, uint32_t shard, uint32_t partition) {
  return ctx.LinesDir() + "/" + ShardName(shard) + "." + PartitionName(partition) + ".lines";
}
std::string SitePagesPath(const RunContext& ctx, uint32_t shard) {
  return ctx.LinesDir() + "/" + ShardName(shard) + ".pages";
}

}  // namespace

std::string LocalLinesPath(const RunContext& ctx, uint32_t shard) {
  return ctx.LocalDir() + "/" + ShardName(shard) + ".lines";
}

Status RunLineRekeyTask(const RunContext& ctx, const Shard& shard) {
  ShardDecisions decisions;
  CHALNI_RETURN_IF_ERROR(decisions.Open(ctx, shard));
  const SpillOptions spill{.memory_budget_bytes = ctx.TaskSortBudget(),
                           .tmp_dir = ctx.SpillDir()};
  ExternalSorter<LineRecord, LineRecordLess> lines(spill);
  ExternalSorter<LineRecord, LineRecordLess> pages(spill);
  auto in = RecordReader<LocalLineRecord>::Open(LocalLinesPath(ctx, shard.index));
  if (!in.ok()) return in.status();
  // Records and decisions are both in doc_key order: a merge join.
  while (const LocalLineRecord* r = in->Next()) {
    StatusOr<const ShardDecisions::Found*> found = decisions.Find(r->input_index, r->byte_offset);
    if (!found.ok()) return found.status();
    uint64_t cluster = ClusterKey(r->input_index, r->byte_offset);
    if (*found != nullptr) {
      cluster = ClusterKey((*found)->decision.survivor_input, (*found)->decision.survivor_offset);
    }
    if (r->line_key == boilerplate::kDocumentMarkerKey) {
      CHALNI_RETURN_IF_ERROR(pages.Add(boilerplate::DocumentRecord(cluster, r->site_key)));
    } else {
      CHALNI_RETURN_IF_ERROR(lines.Add(LineRecord{r->line_key, cluster, r->site_key}));
    }
  }
  CHALNI_RETURN_IF_ERROR(in->status());
  const uint32_t partitions = static_cast<uint32_t>(ctx.config.partitions);
  auto sorted = lines.Finish();
  if (!sorted.ok()) return sorted.status();
  auto counts = WritePartitionFiles(
      **sorted, partitions,
      [partitions](const LineRecord& r) { return PartitionOfHash(r.line_key, partitions); },
      [&](uint32_t p) { return RekeyedPath(ctx, shard.index, p); });
  if (!counts.ok()) return counts.status();
  auto sorted_pages = pages.Finish();
  if (!sorted_pages.ok()) return sorted_pages.status();
  auto out = RecordWriter<LineRecord>::Create(SitePagesPath(ctx, shard.index));
  if (!out.ok()) return out.status();
  while (const LineRecord* r = (*sorted_pages)->Next()) CHALNI_RETURN_IF_ERROR(out->Append(*r));
  CHALNI_RETURN_IF_ERROR((*sorted_pages)->status());
  CHALNI_RETURN_IF_ERROR(out->Close());
  FaultPoint("lines.before_rename");
  return WriteFileAtomic(ctx.LinesDir() + "/" + ShardName(shard.index) + ".rekey.done", "done\n");
}

Status RunFrequentLineTask(const RunContext& ctx, uint32_t partition) {
  const SpillOptions spill{.memory_budget_bytes = ctx.TaskSortBudget(),
                           .tmp_dir = ctx.SpillDir()};
  // Every partition needs every site's page count: the page records (line key 0, sorting
  // first) of every shard, then the partition's line records.
  std::vector<std::string> paths;
  for (const Shard& shard : ctx.shards) paths.push_back(SitePagesPath(ctx, shard.index));
  for (const Shard& shard : ctx.shards) paths.push_back(RekeyedPath(ctx, shard.index, partition));
  auto merged = MergeSortedFiles<LineRecord, LineRecordLess>(paths, spill);
  if (!merged.ok()) return merged.status();
  boilerplate::FrequentLineStats stats;
  CHALNI_RETURN_IF_ERROR(boilerplate::BuildFrequentLineTable(
      **merged, ctx.frequent, ctx.LineTablePath(partition), &stats));
  Json done = {{"line_keys", stats.line_keys},
               {"global_keys", stats.global_keys},
               {"site_keys", stats.site_keys},
               {"short_protected", stats.short_protected},
               {"page_frac_protected", stats.page_frac_protected}};
  return WriteFileAtomic(ctx.LinesDir() + "/" + PartitionName(partition) + ".count.done",
                         done.dump() + "\n");
}

}  // namespace chalni
