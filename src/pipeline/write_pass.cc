// The write pass: one task per shard. Reads the shard's intermediate documents in input order,
// applies the dedup decisions (streamed beside the documents: both are in doc_key order), cuts
// removed lines, renders each record per the record schema (docs/SCHEMA.md), and writes kept /
// removed / errors chunks, rolled at output.part_size_bytes. The commit step assembles the chunks of all shards into parts.
#include <algorithm>
#include <map>

#include "chalni/io/json_writer.h"
#include "chalni/io/jsonl.h"
#include "chalni/io/utf8.h"
#include "fmt/format.h"
#include "internal/fault.h"
#include "dedup/near_dedup.h"
#include "internal/record_file.h"
#include "internal/fs.h"
#include "internal/zstd_stream.h"
#include "pipeline/docfile.h"
#include "pipeline/id_index.h"
#include "pipeline/passes.h"

namespace chalni {
namespace {

// Keys chalni writes at the top level of `metadata`. An input metadata member with one of these
// names is kept, renamed with the prefix "input_", so nothing of the input is lost.
constexpr std::string_view kChalniMetadataKeys[] = {
    "language",       "language_score", "language_script", "minhash_cluster_size",
    "filter_reason",  "filter_reasons", "duplicate_of",    "chalni"};

// Adds n to the counter obj[key], creating the object and the counter as needed.
void Inc(Json& obj, const std::string& key, int64_t n = 1) {
  if (!obj.is_object()) obj = Json::object();
  auto it = obj.find(key);
  if (it == obj.end()) {
    obj[key] = n;
  } else {
    *it = it->get<int64_t>() + n;
  }
}

bool IsChalniMetadataKey(std::string_view raw_key) {
  if (raw_key.size() < 2) return false;
  std::string_view k = raw_key.substr(1, raw_key.size() - 2);
  for (std::string_view c : kChalniMetadataKeys) {
    if (k == c) return true;
  }
  return false;
}

// A rolling set of chunk files for one output kind of one shard.
class ChunkWriter {
 public:
  ChunkWriter(std::string prefix, int64_t roll_bytes, int level)
      : prefix_(std::move(prefix)), roll_bytes_(roll_bytes), level_(level) {}

  Status Add(std::string_view record_line) {
    if (!out_.is_open()) {
      CHALNI_RETURN_IF_ERROR(
          out_.Open(fmt::format("{}.{:05d}.jsonl.zst", prefix_, chunks_.size()), level_));
    }
    CHALNI_RETURN_IF_ERROR(out_.Write(record_line));
    ++records_;
    if (static_cast<int64_t>(out_.bytes_in()) >= roll_bytes_) return Roll();
    return Status::Ok();
  }

  Status Finish() { return out_.is_open() ? Roll() : Status::Ok(); }
  // [{"file": name, "bytes": uncompressed, "records": n}]
  const Json& chunks() const { return chunks_; }

 private:
  Status Roll() {
    const uint64_t bytes = out_.bytes_in();
    std::string name = fmt::format("{}.{:05d}.jsonl.zst", prefix_, chunks_.size());
    CHALNI_RETURN_IF_ERROR(out_.Close());
    chunks_.push_back({{"file", name.substr(name.rfind('/') + 1)},
                       {"bytes", bytes},
                       {"records", records_}});
    records_ = 0;
    return Status::Ok();
  }

  std::string prefix_;
  int64_t roll_bytes_;
  int level_;
  ZstdOut out_;
  Json chunks_ = Json::array();
  int64_t records_ = 0;
};

class WriteTask {
 public:
  WriteTask(const RunContext& ctx, const Shard& shard)
      : ctx_(ctx),
        shard_(shard),
        base_(ctx.WriteDir() + "/" + ShardName(shard.index)),
        kept_(base_ + ".kept", ctx.config.part_size_bytes, ctx.config.compression_level),
        removed_(base_ + ".removed", ctx.config.part_size_bytes, ctx.config.compression_level),
        errors_(base_ + ".errors", ctx.config.part_size_bytes, ctx.config.compression_level) {}

  Status Run() {
    CHALNI_RETURN_IF_ERROR(decisions_.Open(ctx_, shard_));
    if (ctx_.frequent_lines) {
      std::vector<std::string> tables;
      if (!ctx_.frequent_table.empty()) {
        tables.push_back(ctx_.frequent_table);  // learned elsewhere (chalni lines learn)
      } else {
        for (uint32_t p = 0; p < ctx_.config.partitions; ++p) {
          tables.push_back(ctx_.LineTablePath(p));
        }
      }
      auto table = boilerplate::FrequentLineTable::Load(tables);
      if (!table.ok()) return table.status();
      frequent_ = std::move(*table);
    }
    DocFileReader reader;
    CHALNI_RETURN_IF_ERROR(reader.Open(ctx_.LocalDir() + "/" + ShardName(shard_.index) +
                                           ".docs.zst",
                                       ctx_.config.intermediate_level));
    DocRecord rec;
    while (true) {
      StatusOr<bool> got = reader.Next(&rec);
      if (!got.ok()) return got.status();
      if (!*got) break;
      if (rec.is_error) {
        CHALNI_RETURN_IF_ERROR(WriteError(rec));
      } else {
        CHALNI_RETURN_IF_ERROR(WriteDocument(rec));
      }
      if (++written_ == 64) FaultPoint("write.mid_write");
    }
    CHALNI_RETURN_IF_ERROR(kept_.Finish());
    CHALNI_RETURN_IF_ERROR(removed_.Finish());
    CHALNI_RETURN_IF_ERROR(errors_.Finish());
    Json done;
    done["kept_chunks"] = kept_.chunks();
    done["removed_chunks"] = removed_.chunks();
    done["errors_chunks"] = errors_.chunks();
    done["stats"] = stats_;
    FaultPoint("write.before_rename");
    return WriteFileAtomic(base_ + ".done.json", done.dump(1) + "\n");
  }

 private:
  // The survivor's id, from the index of the survivor's shard: a binary search by pread, so what
  // this holds is one open index (a descriptor and a count) per shard that holds a survivor,
  // never an index's entries.
  StatusOr<std::string> SurvivorId(const ExactDecision& d) {
    uint32_t shard = ctx_.ShardOfInput(d.survivor_input);
    auto it = id_readers_.find(shard);
    if (it == id_readers_.end()) {
      auto reader = std::make_unique<IdIndexReader>();
      CHALNI_RETURN_IF_ERROR(reader->Open(ctx_.LocalDir() + "/" + ShardName(shard) + ".ids"));
      it = id_readers_.emplace(shard, std::move(reader)).first;
    }
    return it->second->Find(d.survivor_input, d.survivor_offset);
  }

  Status WriteError(const DocRecord& rec) {
    line_.clear();
    line_ += "{\"file\":";
    io::AppendJsonString(&line_, rec.error.file);
    line_ += ",\"line\":";
    io::AppendJsonInt(&line_, static_cast<int64_t>(rec.error.line));
    line_ += ",\"byte_offset\":";
    io::AppendJsonInt(&line_, static_cast<int64_t>(rec.error.byte_offset));
    line_ += ",\"cause\":";
    io::AppendJsonString(&line_, rec.error.cause);
    line_ += ",\"message\":";
    io::AppendJsonString(&line_, rec.error.message);
    line_ += ",\"raw_prefix\":";
    io::AppendJsonString(&line_, rec.error.raw_prefix);
    line_ += "}\n";
    Inc(stats_, "errors");
    Inc(stats_["errors_by_cause"], rec.error.cause);
    return errors_.Add(line_);
  }

  Status WriteDocument(DocRecord& rec) {
    if (frequent_ != nullptr) {
      boilerplate::MarkFrequentLines(*frequent_, rec.text, rec.site, &rec.removed_lines);
    }
    std::stable_sort(rec.removed_lines.begin(), rec.removed_lines.end(),
                     [](const RemovedLine& a, const RemovedLine& b) { return a.line < b.line; });
    // Reasons in pipeline order: local stages' reasons and the global ones at their stage.
    std::vector<std::pair<uint32_t, std::string>> reasons;
    for (size_t i = 0; i < rec.filter_reasons.size(); ++i) {
      reasons.emplace_back(rec.reason_stages[i], rec.filter_reasons[i]);
    }
    StatusOr<const ShardDecisions::Found*> found =
        decisions_.Find(rec.input_index, rec.byte_offset);
    if (!found.ok()) return found.status();
    const ExactDecision* dup = *found != nullptr ? &(*found)->decision : nullptr;
    std::string duplicate_of;
    if (dup != nullptr && (dup->survivor_input != rec.input_index ||
                           dup->survivor_offset != rec.byte_offset)) {
      if ((*found)->kind == dedup::DecisionKind::kNear) {
        reasons.emplace_back(ctx_.near_stage_index, "near_duplicate");
      } else {
        reasons.emplace_back(ctx_.exact_stage_index, "exact_duplicate");
      }
      StatusOr<std::string> id = SurvivorId(*dup);
      if (!id.ok()) return id.status();
      duplicate_of = std::move(*id);
    }
    // Line cleaning: drop removed lines from the kept text.
    std::string kept_text;
    if (!rec.removed_lines.empty()) {
      std::vector<bool> cut;
      for (const RemovedLine& l : rec.removed_lines) {
        if (l.line >= cut.size()) cut.resize(l.line + 1, false);
        cut[l.line] = true;
      }
      // The normalized text's lines, split once: for the kept text and the removed_lines record.
      lines_.clear();
      for (size_t start = 0; start <= rec.text.size();) {
        size_t nl = rec.text.find('\n', start);
        if (nl == std::string::npos) nl = rec.text.size();
        lines_.emplace_back(rec.text.data() + start, nl - start);
        start = nl + 1;
      }
      bool any = false;
      for (size_t line_idx = 0; line_idx < lines_.size(); ++line_idx) {
        if (line_idx < cut.size() && cut[line_idx]) continue;
        if (any) kept_text.push_back('\n');
        kept_text.append(lines_[line_idx]);
        any = true;
      }
      // Trim blank lines left at the ends by the cut.
      while (!kept_text.empty() && kept_text.back() == '\n') kept_text.pop_back();
      size_t lead = kept_text.find_first_not_of('\n');
      kept_text.erase(0, lead == std::string::npos ? kept_text.size() : lead);
      bool visible = kept_text.find_first_not_of(" \n") != std::string::npos;
      // What the line cuts leave must still pass the length filter's minimum (when configured).
      const auto kept_chars = static_cast<int64_t>(io::CountCodePoints(kept_text));
      const bool too_short = ctx_.min_kept_chars > 0 && kept_chars < ctx_.min_kept_chars;
      if ((!visible || too_short) && reasons.empty()) {
        // The line rules emptied the document (or left less than the length filter's minimum):
        // removed with the reason that cut the most lines.
        std::map<std::string, int> by_reason;
        for (const RemovedLine& l : rec.removed_lines) ++by_reason[l.reason];
        auto best = std::max_element(by_reason.begin(), by_reason.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
        reasons.emplace_back(ctx_.stages.size(), best->first);
      }
    } else {
      kept_text = std::move(rec.text);
    }
    std::stable_sort(reasons.begin(), reasons.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    const bool removed = !reasons.empty();
    const std::string lang = rec.language.empty() ? "und" : rec.language;
    Json& ls = stats_["languages"][lang];
    if (removed) {
      Inc(stats_, "removed");
      Inc(stats_["reasons"], reasons[0].second);
      for (const auto& [stage, reason] : reasons) Inc(stats_["reasons_all"], reason);
      Inc(ls, "removed");
      if (!ctx_.config.write_removed) return Status::Ok();
    } else {
      Inc(stats_, "kept");
      Inc(ls, "kept");
      Inc(ls, "kept_bytes", static_cast<int64_t>(kept_text.size()));
      for (const RemovedLine& l : rec.removed_lines) Inc(stats_["removed_lines"], l.reason);
    }
    Render(rec, removed, kept_text, reasons, dup, duplicate_of);
    return removed ? removed_.Add(line_) : kept_.Add(line_);
  }

  void RenderMetadataMembers(const DocRecord& rec, bool removed,
                             const std::vector<std::pair<uint32_t, std::string>>& reasons,
                             const ExactDecision* dup, const std::string& duplicate_of) {
    if (!rec.language.empty()) {
      line_ += "\"language\":";
      io::AppendJsonString(&line_, rec.language);
      line_ += ",\"language_score\":";
      io::AppendJsonNumber(&line_, rec.language_score);
      line_ += ",\"language_script\":";
      io::AppendJsonString(&line_, rec.language_script);
      line_ += ',';
    }
    if (removed) {
      line_ += "\"filter_reason\":";
      io::AppendJsonString(&line_, reasons[0].second);
      line_ += ",\"filter_reasons\":[";
      for (size_t i = 0; i < reasons.size(); ++i) {
        if (i) line_ += ',';
        io::AppendJsonString(&line_, reasons[i].second);
      }
      line_ += "],";
      if (!duplicate_of.empty()) {
        line_ += "\"duplicate_of\":";
        io::AppendJsonString(&line_, duplicate_of);
        line_ += ',';
      }
    }
    if (ctx_.near_dedup && dup != nullptr) {
      line_ += fmt::format("\"minhash_cluster_size\":{},", dup->cluster_size);
    }
    line_ += "\"chalni\":{\"doc_key\":\"";
    line_ += fmt::format("{}:{}", rec.input_index, rec.byte_offset);
    line_ += "\"";
    if (!rec.profile.empty()) {
      line_ += ",\"profile\":";
      io::AppendJsonString(&line_, rec.profile);
    }
    if (dup != nullptr) {
      line_ += fmt::format(",\"{}\":{{\"cluster_size\":{},\"survivor\":{}}}",
                           ctx_.near_dedup ? "dedup" : "exact_dedup", dup->cluster_size,
                           duplicate_of.empty() ? "true" : "false");
    }
    if (!rec.removed_lines.empty()) RenderRemovedLines(rec);
    if (!rec.chalni_json.empty()) {
      line_ += ',';
      line_ += rec.chalni_json;
    }
    line_ += '}';
  }

  // [{line, reason, text}] with text at most 200 characters; capped with a truncated flag.
  // lines_ holds the normalized text's lines (WriteDocument split them).
  void RenderRemovedLines(const DocRecord& rec) {
    const std::vector<std::string_view>& lines = lines_;
    line_ += ",\"removed_lines\":[";
    const size_t cap = static_cast<size_t>(ctx_.config.max_removed_lines);
    for (size_t i = 0; i < rec.removed_lines.size() && i < cap; ++i) {
      const RemovedLine& l = rec.removed_lines[i];
      if (i) line_ += ',';
      line_ += fmt::format("{{\"line\":{},\"reason\":", l.line);
      io::AppendJsonString(&line_, l.reason);
      line_ += ",\"text\":";
      std::string_view t = l.line < lines.size() ? lines[l.line] : std::string_view();
      // At most 200 code points, cut on a character boundary.
      size_t chars = 0, cut = 0;
      while (cut < t.size() && chars < 200) {
        ++cut;
        while (cut < t.size() && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) ++cut;
        ++chars;
      }
      io::AppendJsonString(&line_, t.substr(0, cut));
      line_ += '}';
    }
    line_ += ']';
    if (rec.removed_lines.size() > cap) line_ += ",\"removed_lines_truncated\":true";
  }

  void Render(const DocRecord& rec, bool removed, const std::string& kept_text,
              const std::vector<std::pair<uint32_t, std::string>>& reasons,
              const ExactDecision* dup, const std::string& duplicate_of) {
    line_.clear();
    line_ += '{';
    bool first = true;
    bool had_id = false, had_text = false, had_metadata = false;
    auto sep = [&] {
      if (!first) line_ += ',';
      first = false;
    };
    if (!rec.raw_json.empty()) {
      const std::string text_key = "\"" + ctx_.config.text_field + "\"";
      io::ForEachField(rec.raw_json, [&](std::string_view key, std::string_view value) {
        sep();
        line_.append(key);
        line_ += ':';
        if (key == text_key && !had_text) {
          had_text = true;
          if (removed) {
            line_.append(value);  // the text as read (after UTF-8 repair)
          } else {
            io::AppendJsonString(&line_, kept_text);
          }
        } else if (key == "\"id\"" && !had_id) {
          had_id = true;
          io::AppendJsonString(&line_, rec.id);
        } else if (key == "\"metadata\"" && !had_metadata && !value.empty() && value[0] == '{') {
          had_metadata = true;
          line_ += '{';
          io::ForEachField(value, [&](std::string_view k, std::string_view v) {
            if (IsChalniMetadataKey(k)) {
              line_ += "\"input_";
              line_.append(k.substr(1));
            } else {
              line_.append(k);
            }
            line_ += ':';
            line_.append(v);
            line_ += ',';
          });
          RenderMetadataMembers(rec, removed, reasons, dup, duplicate_of);
          line_ += '}';
        } else {
          line_.append(value);
        }
      });
    }
    if (!had_id) {
      sep();
      line_ += "\"id\":";
      io::AppendJsonString(&line_, rec.id);
    }
    if (!had_text) {
      sep();
      line_ += "\"text\":";
      io::AppendJsonString(&line_, removed ? rec.original_text : kept_text);
    }
    if (!had_metadata) {
      sep();
      line_ += "\"metadata\":{";
      RenderMetadataMembers(rec, removed, reasons, dup, duplicate_of);
      line_ += '}';
    }
    line_ += "}\n";
  }

  const RunContext& ctx_;
  const Shard& shard_;
  std::string base_;
  ChunkWriter kept_, removed_, errors_;
  ShardDecisions decisions_;  // streamed in doc_key order, as the documents are read
  std::unique_ptr<boilerplate::FrequentLineTable> frequent_;  // learned site chrome
  std::map<uint32_t, std::unique_ptr<IdIndexReader>> id_readers_;
  Json stats_ = Json::object();
  std::string line_;
  std::vector<std::string_view> lines_;  // lines of the current document's normalized text
  int64_t written_ = 0;
};

}  // namespace

Status RunWriteTask(const RunContext& ctx, const Shard& shard) {
  WriteTask task(ctx, shard);
  return task.Run();
}

}  // namespace chalni
