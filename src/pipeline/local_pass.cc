// The document-local pass: one task per shard. Reads records, runs the document stages, and
// writes the intermediate documents, the id index, and the exact-dedup keys partitioned by hash.
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "chalni/io/causes.h"
#include "chalni/io/jsonl.h"
#include "chalni/io/line_reader.h"
#include "chalni/io/utf8.h"
#include "fmt/format.h"
#include "internal/fault.h"
#include "internal/fs.h"
#include "dedup/minhash.h"
#include "dedup/near_dedup.h"
#include "internal/external_sort.h"
#include "internal/record_file.h"
#include "internal/zstd_stream.h"
#include "pipeline/docfile.h"
#include "pipeline/id_index.h"
#include "pipeline/passes.h"
#include "report/progress_sink.h"

namespace chalni {

std::string ShardName(uint32_t shard) { return fmt::format("shard-{:05d}", shard); }
std::string PartitionName(uint32_t part) { return fmt::format("part-{:05d}", part); }

uint32_t RunContext::ShardOfInput(uint32_t input_index) const {
  auto it = std::upper_bound(shards.begin(), shards.end(), input_index,
                             [](uint32_t v, const Shard& s) { return v < s.first_input; });
  CHALNI_CHECK(it != shards.begin());
  return (it - 1)->index;
}

namespace {

constexpr size_t kRawPrefixBytes = 256;

// At most kRawPrefixBytes of a bad record, UTF-8-repaired, cut on a character boundary.
std::string RawPrefix(std::string_view raw) {
  std::string out;
  io::RepairUtf8(raw.substr(0, std::min(raw.size(), 4 * kRawPrefixBytes)), &out);
  out.resize(io::Utf8PrefixLength(out, kRawPrefixBytes));
  return out;
}

// Messages name inputs by their display path (relative to the -i argument), so outputs do not
// depend on where the corpus lives.
std::string Relativize(std::string message, const io::InputFile& f) {
  if (f.path == f.display || f.path.empty()) return message;
  for (size_t pos = message.find(f.path); pos != std::string::npos;
       pos = message.find(f.path, pos + f.display.size())) {
    message.replace(pos, f.path.size(), f.display);
  }
  return message;
}

// The site of a record: the host of its `url` field, else its `domain`, else the host of its
// `source` field (or the field itself when it is not a URL); "" when none is present.
std::string SiteOf(std::string_view raw_json) {
  std::string url, domain, source;
  io::ForEachField(raw_json, [&](std::string_view key, std::string_view value) {
    if (value.size() < 2 || value.front() != '"') return;
    std::string v(value.substr(1, value.size() - 2));
    for (size_t pos; (pos = v.find("\\/")) != std::string::npos;) v.erase(pos, 1);  // "\/"
    if (key == "\"url\"" && url.empty()) url = std::move(v);
    else if (key == "\"domain\"" && domain.empty()) domain = std::move(v);
    else if (key == "\"source\"" && source.empty()) source = std::move(v);
  });
  if (!url.empty()) return std::string(boilerplate::HostOfUrl(url));
  if (!domain.empty()) return domain;
  if (!source.empty()) {
    std::string_view host = boilerplate::HostOfUrl(source);
    return host.empty() ? source : std::string(host);
  }
  return "";
}

class LocalTask {
 public:
  LocalTask(const RunContext& ctx, const Shard& shard)
      : ctx_(ctx),
        shard_(shard),
        sctx_(0),
        parser_(io::JsonlOptions{ctx.config.text_field, ctx.config.id_field}),
        keys_(SpillOptions{.memory_budget_bytes = ctx.TaskSortBudget(),
                           .tmp_dir = ctx.SpillDir()}) {}

  Status Run() {
    const std::string base = ctx_.LocalDir() + "/" + ShardName(shard_.index);
    CHALNI_RETURN_IF_ERROR(docs_.Open(base + ".docs.zst", ctx_.config.intermediate_level));
    CHALNI_RETURN_IF_ERROR(ids_.Open(base + ".ids"));
    if (ctx_.near_dedup) {
      auto emitter = dedup::NearDedupEmitter::Open(
          base, shard_.index, ctx_.near.near, static_cast<uint32_t>(ctx_.config.partitions),
          SpillOptions{.memory_budget_bytes = ctx_.TaskSortBudget(), .tmp_dir = ctx_.SpillDir()});
      if (!emitter.ok()) return emitter.status();
      near_ = std::move(*emitter);
    }
    if (ctx_.frequent_lines && ctx_.frequent_table.empty()) {
      auto lines = RecordWriter<LocalLineRecord>::Create(LocalLinesPath(ctx_, shard_.index));
      if (!lines.ok()) return lines.status();
      lines_.emplace(std::move(*lines));
    }
    for (uint32_t i = 0; i < shard_.num_inputs; ++i) {
      CHALNI_RETURN_IF_ERROR(ReadInput(shard_.first_input + i));
    }
    if (ctx_.exact_dedup) {
      // Keys sorted (spilling beyond the budget) and split by hash partition, so the exact pass
      // only merges. PartitionOfHash is monotone in the hash: a sorted stream visits partitions
      // in order.
      auto sorted = keys_.Finish();
      if (!sorted.ok()) return sorted.status();
      const uint32_t partitions = static_cast<uint32_t>(ctx_.config.partitions);
      auto counts = WritePartitionFiles(
          **sorted, partitions,
          [partitions](const ExactKey& k) { return PartitionOfHash(k.hi, partitions); },
          [&](uint32_t p) { return base + "." + PartitionName(p) + ".keys"; });
      if (!counts.ok()) return counts.status();
    }
    if (near_ != nullptr) CHALNI_RETURN_IF_ERROR(near_->Close());
    if (lines_.has_value()) CHALNI_RETURN_IF_ERROR(lines_->Close());
    CHALNI_RETURN_IF_ERROR(ids_.Finish());
    FaultPoint("local.mid_write");
    CHALNI_RETURN_IF_ERROR(docs_.Close());
    Json done;
    done["records"] = records_;
    done["documents"] = documents_;
    done["errors"] = errors_;
    done["blank_lines"] = blank_lines_;
    done["input_bytes"] = input_bytes_;
    done["utf8_repaired_records"] = utf8_repaired_;
    done["unreadable_inputs"] = unreadable_;
    Json stage_seconds = Json::object();
    for (size_t i = 0; i < stage_ns_.size(); ++i) {
      if (ctx_.stages[i] != nullptr) {
        stage_seconds[ctx_.config.stages[i].spec->name] = static_cast<double>(stage_ns_[i]) * 1e-9;
      }
    }
    done["stage_seconds"] = stage_seconds;
    done["spill"] = {{"exact_key_runs", keys_.stats().runs_written},
                     {"exact_key_bytes", keys_.stats().bytes_written},
                     {"near_band_runs", near_ ? near_->stats().spill.runs_written : 0}};
    Json counters = Json::object();
    for (const auto& [k, v] : sctx_.counters()) counters[k] = v;
    done["counters"] = counters;
    if (ctx_.progress != nullptr) ctx_.progress->Advance(0, documents_ & 1023);
    FaultPoint("local.before_rename");
    return WriteFileAtomic(base + ".done.json", done.dump(1) + "\n");
  }

 private:
  Status AddError(const io::InputFile& f, uint32_t input_index, uint64_t line, uint64_t offset,
                  std::string_view cause, std::string message, std::string_view raw) {
    message = Relativize(std::move(message), f);
    DocRecord r;
    r.is_error = true;
    r.input_index = input_index;
    r.byte_offset = offset;
    r.line_number = line;
    r.error = ErrorRecord{f.display, line, offset, std::string(cause), std::move(message),
                          RawPrefix(raw)};
    ++records_;
    ++errors_;
    return docs_.Add(r);
  }

  Status ReadInput(uint32_t input_index) {
    const io::InputFile& f = ctx_.inputs[input_index];
    input_bytes_ += f.size;
    if (f.format == io::InputFormat::kText) {
      std::string raw;
      Status s = io::ReadWholeFile(f.path, ctx_.config.max_record_bytes, &raw);
      if (!s.ok()) {
        bool too_large = s.code() == StatusCode::kResourceExhausted;
        if (!too_large) unreadable_.push_back({{"file", f.display}, {"message", Relativize(s.message(), f)}});
        return AddError(f, input_index, 0, 0, too_large ? io::kCauseFileTooLarge
                                                        : io::kCauseOpenError,
                        s.message(), "");
      }
      doc_.Reset();
      bool bom = false;
      size_t repaired = io::RepairUtf8(raw, &doc_.original_text, &bom);
      doc_.utf8_repaired = repaired > 0;
      doc_.id = f.display;
      doc_.input_index = input_index;
      return ProcessDocument();
    }
    io::LineReaderOptions lopts;
    lopts.max_line_bytes = static_cast<size_t>(ctx_.config.max_record_bytes);
    std::unique_ptr<io::LineReader> reader;
    if (f.path == "-") {
      reader = io::LineReader::FromFd(STDIN_FILENO, false, f.format, "-", lopts);
    } else {
      StatusOr<std::unique_ptr<io::LineReader>> opened =
          io::LineReader::Open(f.path, f.format, lopts);
      if (!opened.ok()) {
        unreadable_.push_back(
            {{"file", f.display}, {"message", Relativize(opened.status().message(), f)}});
        return AddError(f, input_index, 0, 0, io::kCauseOpenError, opened.status().message(),
                        "");
      }
      reader = std::move(*opened);
    }
    io::Line line;
    io::JsonlRecord rec;
    io::ParseError perr;
    while (reader->Next(&line)) {
      if (line.too_long) {
        CHALNI_RETURN_IF_ERROR(AddError(
            f, input_index, line.number, line.offset, io::kCauseLineTooLong,
            fmt::format("line of {} bytes exceeds input.max_record_bytes = {}", line.length,
                        ctx_.config.max_record_bytes),
            line.text));
        continue;
      }
      io::ParseResult pr = parser_.Parse(line.text, &rec, &perr);
      if (pr == io::ParseResult::kBlank) {
        ++blank_lines_;
        continue;
      }
      if (pr == io::ParseResult::kError) {
        CHALNI_RETURN_IF_ERROR(AddError(f, input_index, line.number, line.offset, perr.cause,
                                        perr.message, line.text));
        continue;
      }
      doc_.Reset();
      doc_.input_index = input_index;
      doc_.byte_offset = line.offset;
      doc_.line_number = line.number;
      doc_.id = rec.id ? *rec.id : fmt::format("{}:{}", f.display, line.number);
      doc_.raw_json = std::move(rec.raw);
      doc_.original_text = std::move(rec.text);
      // The site matters only to the frequent-line rule: skip the field scan otherwise.
      if (ctx_.frequent_lines) doc_.site = SiteOf(doc_.raw_json);
      doc_.utf8_repaired = rec.repaired();
      CHALNI_RETURN_IF_ERROR(ProcessDocument());
    }
    if (!reader->status().ok()) {
      unreadable_.push_back(
          {{"file", f.display}, {"message", Relativize(reader->status().message(), f)}});
      CHALNI_RETURN_IF_ERROR(AddError(f, input_index, 0, reader->error_offset(),
                                      reader->error_cause(), reader->status().message(),
                                      reader->error_raw_prefix()));
    }
    return Status::Ok();
  }

  Status ProcessDocument() {
    ++records_;
    ++documents_;
    // Progress in batches: one atomic add per 1024 documents.
    if (ctx_.progress != nullptr && (documents_ & 1023) == 0) ctx_.progress->Advance(0, 1024);
    if (doc_.utf8_repaired) ++utf8_repaired_;
    doc_.text = doc_.original_text;
    doc_.profile = generic_;
    DocRecord& r = record_;
    r = DocRecord();
    if (stage_ns_.size() != ctx_.stages.size()) stage_ns_.assign(ctx_.stages.size(), 0);
    for (size_t i = 0; i < ctx_.stages.size(); ++i) {
      const Stage* stage = ctx_.stages[i].get();
      if (stage == nullptr) continue;
      size_t before = doc_.filter_reasons.size();
      // Per-stage time for timings.json (two clock reads per stage: tens of ns per document).
      const auto t0 = std::chrono::steady_clock::now();
      stage->Process(doc_, sctx_);
      stage_ns_[i] += std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now() - t0)
                          .count();
      for (size_t k = before; k < doc_.filter_reasons.size(); ++k) {
        r.reason_stages.push_back(static_cast<uint32_t>(i));
      }
      if (!doc_.language.empty() && doc_.profile == generic_) ResolveProfile();
    }
    if (doc_.language_score < ctx_.config.profile_min_score && !doc_.language.empty() &&
        doc_.language != "und") {
      sctx_.Count("profile.generic_for_low_language_score");
    }
    if (ctx_.exact_dedup) {
      XXH128_hash_t h = XXH3_128bits(doc_.text.data(), doc_.text.size());
      CHALNI_RETURN_IF_ERROR(
          keys_.Add(ExactKey{h.high64, h.low64, doc_.input_index, 0, doc_.byte_offset}));
    }
    // Only documents the local rules keep take part in near dedup: a removed document must not
    // become the survivor that removes a kept one.
    if (near_ != nullptr && !doc_.removed() && !doc_.minhash.empty()) {
      CHALNI_RETURN_IF_ERROR(near_->Add(
          doc_.input_index, doc_.byte_offset, static_cast<uint32_t>(doc_.text.size()),
          dedup::LanguageHash(doc_.language, ctx_.near.per_language), doc_.minhash));
    }
    if (lines_.has_value()) {
      // One page record per document (its site's page count), then every eligible line.
      const uint64_t site = boilerplate::SiteKey(doc_.site);
      CHALNI_RETURN_IF_ERROR(lines_->Append(LocalLineRecord{
          boilerplate::kDocumentMarkerKey, doc_.input_index, 0, doc_.byte_offset, site}));
      boilerplate::LineKeys(doc_, &line_keys_);
      for (const boilerplate::LineKeyEntry& k : line_keys_) {
        CHALNI_RETURN_IF_ERROR(lines_->Append(
            LocalLineRecord{k.key, doc_.input_index, 0, doc_.byte_offset, site}));
      }
    }
    r.input_index = doc_.input_index;
    r.byte_offset = doc_.byte_offset;
    r.line_number = doc_.line_number;
    r.id = doc_.id;
    r.raw_json = std::move(doc_.raw_json);
    if (r.raw_json.empty()) r.original_text = std::move(doc_.original_text);
    r.text = std::move(doc_.text);
    r.language = doc_.language;
    r.language_score = doc_.language_score;
    r.language_script = doc_.language_script;
    r.profile = doc_.profile != nullptr ? doc_.profile->name() : "";
    r.site = doc_.site;
    if (doc_.utf8_repaired) doc_.attrs.Set("input", "utf8_repaired", true);
    RenderAttributes(doc_.attrs, &r.chalni_json);
    r.filter_reasons = doc_.filter_reasons;
    r.removed_lines = doc_.removed_lines;
    CHALNI_RETURN_IF_ERROR(ids_.Add(r.input_index, r.byte_offset, r.id));
    return docs_.Add(r);
  }

  // The profile the rules judge this document by, once its language is known
  // (`<lang>_<Script>`, `<lang>`, aliases, then `generic`; generic below
  // langid_v1.profile_min_score).
  void ResolveProfile() {
    doc_.profile =
        ctx_.config.ProfileFor(doc_.language, doc_.language_score, doc_.language_script);
  }

  const RunContext& ctx_;
  const Profile* generic_ = &ctx_.config.profiles.at("generic");
  const Shard& shard_;
  StageContext sctx_;
  io::JsonlParser parser_;
  Document doc_;
  DocRecord record_;
  DocFileWriter docs_;
  IdIndexWriter ids_;
  ExternalSorter<ExactKey, ExactKeyLess> keys_;
  std::unique_ptr<dedup::NearDedupEmitter> near_;
  std::optional<RecordWriter<LocalLineRecord>> lines_;
  std::vector<boilerplate::LineKeyEntry> line_keys_;
  std::vector<int64_t> stage_ns_;
  int64_t records_ = 0, documents_ = 0, errors_ = 0, blank_lines_ = 0, utf8_repaired_ = 0;
  uint64_t input_bytes_ = 0;
  Json unreadable_ = Json::array();
};

}  // namespace

Status RunLocalTask(const RunContext& ctx, const Shard& shard) {
  LocalTask task(ctx, shard);
  return task.Run();
}

}  // namespace chalni
