// Streaming a shard's dedup decisions (shared by the write pass and the line re-key pass).
#include "fmt/format.h"
#include "internal/record_file.h"
#include "pipeline/passes.h"

namespace chalni {
namespace {

// Whether doc_key (ai, ao) sorts before (bi, bo).
bool KeyBefore(uint32_t ai, uint64_t ao, uint32_t bi, uint64_t bo) {
  return ai != bi ? ai < bi : ao < bo;
}

}  // namespace

Status ShardDecisions::Open(const RunContext& ctx, const Shard& shard) {
  near_.reset();
  exact_.clear();
  have_last_ = false;
  if (ctx.near_dedup) {
    // Final clusters, exact and near merged; kind says which removal it is.
    RecordReaderOptions ro;
    ro.expect_schema_tag = dedup::kDecisionSchemaTag;
    auto in = RecordReader<dedup::NearDecision>::Open(ctx.NearDecisionsPath(shard.index), ro);
    if (!in.ok()) return in.status();
    near_.emplace();
    near_->reader.emplace(std::move(*in));
    near_->current = near_->reader->Next();
    return near_->reader->status();
  }
  if (!ctx.exact_dedup) return Status::Ok();
  // Each partition's decisions are sorted by doc_key: skip to the shard's range, stop after it.
  const uint32_t first_input = shard.first_input;
  end_input_ = shard.first_input + shard.num_inputs;
  for (uint32_t p = 0; p < ctx.config.partitions; ++p) {
    auto in =
        RecordReader<ExactDecision>::Open(ctx.ExactDir() + "/" + PartitionName(p) + ".decisions");
    if (!in.ok()) return in.status();
    Cursor<ExactDecision>& c = exact_.emplace_back();
    c.reader.emplace(std::move(*in));
    c.current = c.reader->Next();
    while (c.current != nullptr && c.current->input_index < first_input) {
      c.current = c.reader->Next();
    }
    CHALNI_RETURN_IF_ERROR(c.reader->status());
    if (c.current != nullptr && c.current->input_index >= end_input_) c.current = nullptr;
  }
  return Status::Ok();
}

StatusOr<const ShardDecisions::Found*> ShardDecisions::Find(uint32_t input_index,
                                                            uint64_t byte_offset) {
  // Equal keys are allowed: the line re-key pass looks a document up once per line.
  if (have_last_ && KeyBefore(input_index, byte_offset, last_input_, last_offset_)) {
    return FailedPreconditionError(
        fmt::format("dedup decisions looked up out of doc_key order: {}:{} after {}:{}",
                    input_index, byte_offset, last_input_, last_offset_));
  }
  have_last_ = true;
  last_input_ = input_index;
  last_offset_ = byte_offset;
  if (near_.has_value()) {
    Cursor<dedup::NearDecision>& c = *near_;
    while (c.current != nullptr &&
           KeyBefore(c.current->input_index, c.current->byte_offset, input_index, byte_offset)) {
      c.current = c.reader->Next();
    }
    CHALNI_RETURN_IF_ERROR(c.reader->status());
    if (c.current == nullptr || c.current->input_index != input_index ||
        c.current->byte_offset != byte_offset) {
      return nullptr;
    }
    const dedup::NearDecision& d = *c.current;
    found_.decision = ExactDecision{d.input_index, d.survivor_input, d.byte_offset,
                                    d.survivor_offset, d.cluster_size};
    found_.kind = d.kind;
    return &found_;
  }
  // A document's text hash falls in one partition, so at most one cursor holds its decision.
  const Found* result = nullptr;
  for (Cursor<ExactDecision>& c : exact_) {
    while (c.current != nullptr &&
           KeyBefore(c.current->input_index, c.current->byte_offset, input_index, byte_offset)) {
      c.current = c.reader->Next();
      if (c.current != nullptr && c.current->input_index >= end_input_) c.current = nullptr;
    }
    CHALNI_RETURN_IF_ERROR(c.reader->status());
    if (c.current != nullptr && c.current->input_index == input_index &&
        c.current->byte_offset == byte_offset) {
      found_.decision = *c.current;
      found_.kind = c.current->survivor_input == input_index &&
                            c.current->survivor_offset == byte_offset
                        ? dedup::DecisionKind::kSurvivor
                        : dedup::DecisionKind::kExact;
      result = &found_;
    }
  }
  return result;
}

}  // namespace chalni
