#include "report/explain.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "chalni/io/input.h"
#include "chalni/io/jsonl.h"
#include "chalni/io/line_reader.h"
#include "chalni/io/utf8.h"
#include "chalni/stage.h"
#include "fmt/format.h"
#include "pipeline/config.h"
#include "pipeline/docfile.h"
#include "pipeline/run.h"
#include "report/id_index.h"
#include "report/report.h"
#include "report/text_safety.h"

namespace chalni::report {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxDuplicatesListed = 20;
constexpr size_t kMaxLineChars = 160;  // kept lines in the text rendering

// Keys of metadata.chalni that are not a stage's attributes.
bool IsStructuralKey(const std::string& key) {
  return key == "doc_key" || key == "profile" || key == "exact_dedup" || key == "dedup" ||
         key == "removed_lines" || key == "removed_lines_truncated";
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// Signals of every stage object in metadata.chalni, each against its thresholds.
void AddSignals(const RunInfo& info, Explanation* e) {
  auto add = [&](const std::string& signal, double value) {
    std::vector<SignalThreshold> ts = ThresholdsFor(info, e->profile, signal);
    if (ts.empty()) {
      e->signals.push_back(SignalVerdict{signal, value, "", 0, true, false});
      return;
    }
    for (const SignalThreshold& t : ts) {
      const bool fails = t.remove_below ? value < t.value : value > t.value;
      e->signals.push_back(SignalVerdict{signal, value, t.key, t.value, t.remove_below, fails});
    }
  };
  if (!e->language.empty()) add("language_score", e->language_score);
  for (auto stage = e->attributes.begin(); stage != e->attributes.end(); ++stage) {
    if (!stage->is_object()) continue;
    for (auto sig = stage->begin(); sig != stage->end(); ++sig) {
      if (!sig->is_number() && !sig->is_boolean()) continue;
      const double v = sig->is_boolean() ? (sig->get<bool>() ? 1.0 : 0.0) : sig->get<double>();
      add(stage.key() + "." + sig.key(), v);
    }
  }
  // Thresholded signals first (failing ones first among them), then the rest, stable.
  std::stable_sort(e->signals.begin(), e->signals.end(),
                   [](const SignalVerdict& a, const SignalVerdict& b) {
                     auto rank = [](const SignalVerdict& s) {
                       return s.threshold_key.empty() ? 2 : s.fails ? 0 : 1;
                     };
                     return rank(a) < rank(b);
                   });
}

// The fields every explanation gets from an output record's metadata.
void FillFromMetadata(const RunInfo& info, const Json& meta, Explanation* e) {
  e->language = meta.value("language", "");
  e->language_score = meta.value("language_score", 0.0);
  e->language_script = meta.value("language_script", "");
  e->filter_reason = meta.value("filter_reason", "");
  if (meta.contains("filter_reasons") && meta["filter_reasons"].is_array()) {
    for (const Json& r : meta["filter_reasons"]) {
      if (r.is_string()) e->filter_reasons.push_back(r.get<std::string>());
    }
  }
  e->duplicate_of = meta.value("duplicate_of", "");
  e->minhash_cluster_size = meta.value("minhash_cluster_size", int64_t{0});
  const Json chalni = meta.value("chalni", Json::object());
  e->profile = chalni.value("profile", "");
  for (const char* key : {"exact_dedup", "dedup"}) {
    if (chalni.contains(key) && chalni[key].is_object()) {
      e->exact_cluster_size = chalni[key].value("cluster_size", int64_t{0});
      e->exact_survivor = chalni[key].value("survivor", false);
      e->cluster_includes_near = std::string_view(key) == "dedup";
    }
  }
  for (auto it = chalni.begin(); it != chalni.end(); ++it) {
    if (!IsStructuralKey(it.key())) e->attributes[it.key()] = *it;
  }
  if (chalni.contains("langid") && chalni["langid"].contains("top") &&
      chalni["langid"]["top"].is_array()) {
    for (const Json& pair : chalni["langid"]["top"]) {
      if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_number()) {
        e->language_top.emplace_back(pair[0].get<std::string>(), pair[1].get<double>());
      }
    }
  }
  e->lines_truncated = chalni.value("removed_lines_truncated", false);
  AddSignals(info, e);
}

std::vector<LineVerdict> RemovedLinesOf(const Json& meta) {
  std::vector<LineVerdict> out;
  const Json chalni = meta.value("chalni", Json::object());
  if (!chalni.contains("removed_lines") || !chalni["removed_lines"].is_array()) return out;
  for (const Json& l : chalni["removed_lines"]) {
    if (!l.is_object()) continue;
    LineVerdict v;
    v.line = l.value("line", uint32_t{0});
    v.kept = false;
    v.reason = l.value("reason", "");
    v.text = l.value("text", "");
    out.push_back(std::move(v));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const LineVerdict& a, const LineVerdict& b) { return *a.line < *b.line; });
  return out;
}

std::string PartName(const std::string& outdir, const RecordLocation& loc) {
  const std::vector<std::string> parts = PartFiles(outdir, loc.kind);
  std::string name = loc.part < parts.size() ? parts[loc.part] : "?";
  name = name.substr(name.rfind('/') + 1);
  return std::string(KindFolder(loc.kind)) + "/" + name;
}

std::string WhyGlobal(const std::string& stage) {
  if (stage.find("exact") != std::string::npos) {
    return "exact duplicates are found by comparing every document of the corpus";
  }
  if (stage.find("near") != std::string::npos || stage.find("minhash") != std::string::npos) {
    return "near duplicates are clustered over the whole corpus";
  }
  if (stage.find("frequent") != std::string::npos || stage.find("lines") != std::string::npos) {
    return "frequent lines are learned from the whole corpus";
  }
  return "a global pass over the whole corpus";
}

}  // namespace

Explanation ExplainRecord(const RunInfo& info, RecordKind kind, const std::string& line) {
  Explanation e;
  e.source = "run";
  const Json rec = Json::parse(line, nullptr, false);
  if (rec.is_discarded() || !rec.is_object()) {
    e.verdict = "error";
    e.error_cause = "unreadable_output";
    e.error_message = "the output record is not a JSON object";
    return e;
  }
  if (kind == RecordKind::kError) {
    e.verdict = "error";
    e.id = fmt::format("{}:{}", rec.value("file", ""), rec.value("line", int64_t{0}));
    e.error_cause = rec.value("cause", "");
    e.error_message = rec.value("message", "");
    e.raw_prefix = rec.value("raw_prefix", "");
    e.byte_offset = rec.value("byte_offset", uint64_t{0});
    e.input_line = rec.value("line", uint64_t{0});
    return e;
  }
  e.id = rec.contains("id") && rec["id"].is_string() ? rec["id"].get<std::string>() : "";
  const Json meta = rec.value("metadata", Json::object());
  FillFromMetadata(info, meta, &e);
  e.verdict = kind == RecordKind::kKept ? "kept" : "removed";
  const std::string text = rec.contains(info.text_field) && rec[info.text_field].is_string()
                               ? rec[info.text_field].get<std::string>()
                               : "";
  std::vector<LineVerdict> cut = RemovedLinesOf(meta);
  e.removed_line_count = static_cast<int64_t>(cut.size());
  if (kind == RecordKind::kRemoved) {
    // removed/ holds the text as read; only the cut lines are known by their index.
    e.lines = std::move(cut);
    return e;
  }
  // kept/ holds the text after line cleaning: interleave the kept lines with the cut ones at
  // their recorded indices. Without cuts the kept lines' indices are exact.
  std::vector<std::string> kept_lines = SplitLines(text);
  size_t next_cut = 0, next_kept = 0;
  uint32_t idx = 0;
  while (next_kept < kept_lines.size() || next_cut < cut.size()) {
    if (next_cut < cut.size() && (*cut[next_cut].line == idx || next_kept >= kept_lines.size())) {
      idx = *cut[next_cut].line + 1;
      e.lines.push_back(cut[next_cut++]);
    } else {
      LineVerdict v;
      if (cut.empty()) v.line = idx;
      v.text = std::move(kept_lines[next_kept++]);
      e.lines.push_back(std::move(v));
      ++idx;
    }
  }
  return e;
}

StatusOr<std::vector<Explanation>> ExplainId(const std::string& outdir, const std::string& id,
                                             bool* index_built) {
  StatusOr<RunInfo> info = RunInfo::Load(outdir);
  if (!info.ok()) return info.status();
  StatusOr<ExplainIndex> index = ExplainIndex::OpenOrBuild(outdir, index_built);
  if (!index.ok()) return index.status();
  StatusOr<std::vector<RecordLocation>> found = index->Find(id, IdRole::kRecord);
  if (!found.ok()) return found.status();
  std::vector<Explanation> out;
  for (const RecordLocation& loc : *found) {
    StatusOr<std::string> line = ReadRecordAt(outdir, loc);
    if (!line.ok()) return line.status();
    Explanation e = ExplainRecord(*info, loc.kind, *line);
    if (e.id != id) continue;  // a 64-bit hash collision
    e.where = PartName(outdir, loc);
    out.push_back(std::move(e));
  }
  if (out.empty()) {
    return NotFoundError(fmt::format(
        "no document with id '{}' in {} ({} ids indexed; an error record is named "
        "<file>:<line>)",
        NeutralizeControls(id), outdir, index->size()));
  }
  // The duplicates that name this id as their survivor.
  StatusOr<std::vector<RecordLocation>> members = index->Find(id, IdRole::kDuplicateOf);
  if (!members.ok()) return members.status();
  std::vector<std::string> duplicates;
  bool truncated = false;
  for (const RecordLocation& loc : *members) {
    if (duplicates.size() >= kMaxDuplicatesListed) {
      truncated = true;
      break;
    }
    StatusOr<std::string> line = ReadRecordAt(outdir, loc);
    if (!line.ok()) return line.status();
    const Json rec = Json::parse(*line, nullptr, false);
    if (rec.is_discarded() || !rec.contains("metadata")) continue;
    if (rec["metadata"].value("duplicate_of", "") != id) continue;
    duplicates.push_back(rec.value("id", ""));
  }
  for (Explanation& e : out) {
    e.duplicates = duplicates;
    e.duplicates_truncated = truncated;
  }
  return out;
}

StatusOr<std::vector<Explanation>> ExplainFile(const std::string& path,
                                               const ExplainFileOptions& options) {
  StatusOr<RunConfig> config = LoadRunConfig(options.config_yaml, BuiltinStages());
  if (!config.ok()) {
    return InvalidArgumentError("configuration error: " + config.status().message());
  }
  RunInfo info;
  CHALNI_RETURN_IF_ERROR(info.ParseConfigYaml(config->ToYaml()));
  const StageEnv env{options.data_dir.empty() ? DefaultDataDir() : options.data_dir,
                     options.cache_dir.empty() ? DefaultCacheDir() : options.cache_dir};
  std::vector<std::unique_ptr<Stage>> stages;
  std::vector<std::string> needs_corpus;
  for (const StageConfig& sc : config->stages) {
    if (sc.spec->kind == StageKind::kGlobal) {
      stages.push_back(nullptr);
      needs_corpus.push_back(sc.spec->name + ": " + WhyGlobal(sc.spec->name));
      continue;
    }
    // A document stage whose output only a global pass turns into a verdict.
    if (sc.spec->name.find("minhash") != std::string::npos) {
      needs_corpus.push_back(sc.spec->name + ": " + WhyGlobal(sc.spec->name));
    }
    StatusOr<std::unique_ptr<Stage>> stage = sc.spec->create(sc.options, env);
    if (!stage.ok()) {
      return InvalidArgumentError(
          fmt::format("stage {}: {}", sc.spec->name, stage.status().message()));
    }
    stages.push_back(std::move(*stage));
  }
  StatusOr<std::vector<io::InputFile>> inputs = io::WalkInputs({path});
  if (!inputs.ok()) return inputs.status();
  if (inputs->size() != 1 || (*inputs)[0].format == io::InputFormat::kOther) {
    return InvalidArgumentError(fmt::format(
        "explain reads one .txt, .jsonl, .jsonl.gz or .jsonl.zst file; {} is not one", path));
  }
  const io::InputFile& f = (*inputs)[0];
  const Profile* generic = &config->profiles.at("generic");
  std::vector<Explanation> out;

  auto error = [&](uint64_t line, uint64_t offset, std::string_view cause, std::string message,
                   std::string_view raw) {
    Explanation e;
    e.source = "file";
    e.verdict = "error";
    e.id = fmt::format("{}:{}", f.display, line);
    e.where = f.display;
    e.input_line = line;
    e.byte_offset = offset;
    e.error_cause = std::string(cause);
    e.error_message = std::move(message);
    std::string repaired;
    io::RepairUtf8(raw.substr(0, std::min<size_t>(raw.size(), 1024)), &repaired);
    e.raw_prefix = repaired.substr(0, io::Utf8PrefixLength(repaired, 256));
    out.push_back(std::move(e));
  };

  Document doc;
  auto process = [&]() {
    Explanation e;
    e.source = "file";
    e.id = doc.id;
    e.where = f.display;
    e.byte_offset = doc.byte_offset;
    e.input_line = doc.line_number;
    e.needs_corpus = needs_corpus;
    doc.text = doc.original_text;
    doc.profile = generic;
    std::vector<std::pair<uint32_t, std::string>> reasons;  // stage index, reason
    for (size_t i = 0; i < stages.size(); ++i) {
      if (stages[i] == nullptr) continue;
      StageContext sctx(0);
      const size_t reasons_before = doc.filter_reasons.size();
      const size_t lines_before = doc.removed_lines.size();
      stages[i]->Process(doc, sctx);
      StageStep step;
      step.stage = std::string(stages[i]->name());
      for (size_t k = reasons_before; k < doc.filter_reasons.size(); ++k) {
        step.reasons.push_back(doc.filter_reasons[k]);
        reasons.emplace_back(static_cast<uint32_t>(i), doc.filter_reasons[k]);
      }
      step.lines_removed = static_cast<int64_t>(doc.removed_lines.size() - lines_before);
      for (const auto& [k, v] : sctx.counters()) step.counters[k] = v;
      e.steps.push_back(std::move(step));
      if (!doc.language.empty() && doc.profile == generic) {
        doc.profile = config->ProfileFor(doc.language, doc.language_score, doc.language_script);
      }
    }
    // Line cleaning, as the write pass does it: cut lines; a document left without visible
    // text is removed with the reason that cut the most lines.
    std::vector<std::string> lines = SplitLines(doc.text);
    std::vector<const RemovedLine*> cut_by(lines.size(), nullptr);
    for (const RemovedLine& l : doc.removed_lines) {
      if (l.line < cut_by.size() && cut_by[l.line] == nullptr) cut_by[l.line] = &l;
    }
    std::string kept_text;
    bool any = false;
    for (size_t idx = 0; idx < lines.size(); ++idx) {
      LineVerdict v;
      v.line = static_cast<uint32_t>(idx);
      v.text = lines[idx];
      if (cut_by[idx] != nullptr) {
        v.kept = false;
        v.reason = cut_by[idx]->reason;
      } else {
        if (any) kept_text.push_back('\n');
        kept_text += lines[idx];
        any = true;
      }
      e.lines.push_back(std::move(v));
    }
    e.removed_line_count = static_cast<int64_t>(doc.removed_lines.size());
    if (!doc.removed_lines.empty()) {
      while (!kept_text.empty() && kept_text.back() == '\n') kept_text.pop_back();
      const size_t lead = kept_text.find_first_not_of('\n');
      kept_text.erase(0, lead == std::string::npos ? kept_text.size() : lead);
      const bool visible = kept_text.find_first_not_of(" \n") != std::string::npos;
      if (!visible && reasons.empty()) {
        std::map<std::string, int> by_reason;
        for (const RemovedLine& l : doc.removed_lines) ++by_reason[l.reason];
        auto best = std::max_element(
            by_reason.begin(), by_reason.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
        reasons.emplace_back(static_cast<uint32_t>(stages.size()), best->first);
      }
    }
    std::stable_sort(reasons.begin(), reasons.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    // The record's metadata as the writer renders it, then the shared explanation of it.
    Json meta = Json::object();
    if (!doc.language.empty()) {
      meta["language"] = doc.language;
      meta["language_score"] = doc.language_score;
      meta["language_script"] = doc.language_script;
    }
    if (!reasons.empty()) {
      meta["filter_reason"] = reasons[0].second;
      meta["filter_reasons"] = Json::array();
      for (const auto& r : reasons) meta["filter_reasons"].push_back(r.second);
    }
    std::string attrs;
    if (doc.utf8_repaired) doc.attrs.Set("input", "utf8_repaired", true);
    RenderAttributes(doc.attrs, &attrs);
    Json chalni = Json::parse("{" + attrs + "}", nullptr, false);
    if (chalni.is_discarded()) chalni = Json::object();
    chalni["profile"] = doc.profile != nullptr ? doc.profile->name() : "";
    meta["chalni"] = chalni;
    FillFromMetadata(info, meta, &e);
    e.verdict = reasons.empty() ? "kept" : "removed";
    if (reasons.empty()) e.text = kept_text.empty() && doc.removed_lines.empty() ? doc.text
                                                                                 : kept_text;
    out.push_back(std::move(e));
  };

  if (f.format == io::InputFormat::kText) {
    std::string raw;
    Status s = io::ReadWholeFile(f.path, config->max_record_bytes, &raw);
    if (!s.ok()) return s;
    doc.Reset();
    doc.utf8_repaired = io::RepairUtf8(raw, &doc.original_text) > 0;
    doc.id = f.display;
    process();
    return out;
  }
  io::LineReaderOptions lopts;
  lopts.max_line_bytes = static_cast<size_t>(config->max_record_bytes);
  StatusOr<std::unique_ptr<io::LineReader>> reader = io::LineReader::Open(f.path, f.format, lopts);
  if (!reader.ok()) return reader.status();
  io::JsonlParser parser(io::JsonlOptions{config->text_field, config->id_field});
  io::Line line;
  io::JsonlRecord rec;
  io::ParseError perr;
  while (out.size() < options.max_documents && (*reader)->Next(&line)) {
    if (line.too_long) {
      error(line.number, line.offset, "line_too_long",
            fmt::format("line of {} bytes exceeds input.max_record_bytes = {}", line.length,
                        config->max_record_bytes),
            line.text);
      continue;
    }
    const io::ParseResult pr = parser.Parse(line.text, &rec, &perr);
    if (pr == io::ParseResult::kBlank) continue;
    if (pr == io::ParseResult::kError) {
      if (options.only_id.empty() ||
          options.only_id == fmt::format("{}:{}", f.display, line.number)) {
        error(line.number, line.offset, perr.cause, perr.message, line.text);
      }
      continue;
    }
    doc.Reset();
    doc.byte_offset = line.offset;
    doc.line_number = line.number;
    doc.id = rec.id ? *rec.id : fmt::format("{}:{}", f.display, line.number);
    if (!options.only_id.empty() && doc.id != options.only_id) continue;
    doc.raw_json = std::move(rec.raw);
    doc.original_text = std::move(rec.text);
    doc.utf8_repaired = rec.repaired();
    process();
  }
  if (!(*reader)->status().ok() && out.size() < options.max_documents) {
    error(0, (*reader)->error_offset(), (*reader)->error_cause(),
          (*reader)->status().message(), (*reader)->error_raw_prefix());
  }
  return out;
}

Json ExplanationToJson(const Explanation& e) {
  Json j;
  j["source"] = e.source;
  j["id"] = e.id;
  j["where"] = e.where;
  j["verdict"] = e.verdict;
  if (e.source == "file") {
    j["byte_offset"] = e.byte_offset;
    j["input_line"] = e.input_line;
  }
  if (e.verdict == "error") {
    j["error"] = {{"cause", e.error_cause}, {"message", e.error_message},
                  {"raw_prefix", e.raw_prefix}};
    return j;
  }
  j["filter_reason"] = e.filter_reason.empty() ? Json() : Json(e.filter_reason);
  j["filter_reasons"] = e.filter_reasons;
  j["language"] = {{"code", e.language},
                   {"script", e.language_script},
                   {"score", e.language_score},
                   {"profile", e.profile}};
  Json top = Json::array();
  for (const auto& [code, score] : e.language_top) top.push_back({code, score});
  j["language"]["top"] = top;
  Json lines = Json::array();
  for (const LineVerdict& l : e.lines) {
    Json jl = {{"kept", l.kept}, {"text", l.text}};
    jl["line"] = l.line ? Json(*l.line) : Json();
    if (!l.kept) jl["reason"] = l.reason;
    lines.push_back(std::move(jl));
  }
  j["lines"] = lines;
  j["removed_lines"] = e.removed_line_count;
  j["removed_lines_truncated"] = e.lines_truncated;
  Json signals = Json::array();
  for (const SignalVerdict& s : e.signals) {
    Json js = {{"signal", s.signal}, {"value", s.value}};
    if (!s.threshold_key.empty()) {
      js["threshold"] = {{"key", s.threshold_key},
                         {"value", s.threshold},
                         {"removes", s.remove_below ? "below" : "above"}};
      js["fails"] = s.fails;
    }
    signals.push_back(std::move(js));
  }
  j["signals"] = signals;
  j["attributes"] = e.attributes;
  Json dedup = Json::object();
  if (e.exact_cluster_size > 0) {
    dedup["cluster"] = {{"size", e.exact_cluster_size},
                        {"survivor", e.exact_survivor},
                        {"includes_near", e.cluster_includes_near}};
  }
  if (!e.duplicate_of.empty()) dedup["duplicate_of"] = e.duplicate_of;
  if (!e.duplicates.empty()) {
    dedup["duplicates"] = e.duplicates;
    dedup["duplicates_truncated"] = e.duplicates_truncated;
  }
  if (e.minhash_cluster_size > 0) dedup["minhash_cluster_size"] = e.minhash_cluster_size;
  j["dedup"] = dedup;
  if (e.source == "file") {
    Json steps = Json::array();
    for (const StageStep& s : e.steps) {
      steps.push_back({{"stage", s.stage},
                       {"reasons", s.reasons},
                       {"lines_removed", s.lines_removed},
                       {"counters", s.counters}});
    }
    j["stages"] = steps;
    j["needs_corpus"] = e.needs_corpus;
  }
  return j;
}

std::string RenderExplanation(const Explanation& e, bool colour) {
  const std::string kReset = colour ? "\033[0m" : "";
  const std::string kBold = colour ? "\033[1m" : "";
  const std::string kDim = colour ? "\033[2m" : "";
  const std::string kGreen = colour ? "\033[32m" : "";
  const std::string kRed = colour ? "\033[31m" : "";
  const std::string kYellow = colour ? "\033[33m" : "";
  auto safe = [](std::string_view s) { return TerminalSafe(s); };
  std::string out;
  out += fmt::format("{}document {}{} {}({}{}){}\n", kBold, safe(e.id), kReset, kDim,
                     safe(e.where),
                     e.source == "file" && e.input_line > 0
                         ? fmt::format(", line {}", e.input_line)
                         : std::string(),
                     kReset);
  if (e.verdict == "error") {
    out += fmt::format("verdict: {}ERROR{} {}: {}\n", kRed, kReset, safe(e.error_cause),
                       safe(e.error_message));
    if (!e.raw_prefix.empty()) out += fmt::format("  raw: {}\n", safe(e.raw_prefix));
    return out;
  }
  if (e.verdict == "removed") {
    out += fmt::format("verdict: {}REMOVED{} by {}{}{}", kRed, kReset, kBold,
                       safe(e.filter_reason), kReset);
    if (e.filter_reasons.size() > 1) {
      std::string all;
      for (const std::string& r : e.filter_reasons) all += (all.empty() ? "" : ", ") + safe(r);
      out += " (every rule that would remove it: " + all + ")";
    }
    out += "\n";
  } else {
    out += fmt::format("verdict: {}KEPT{}", kGreen, kReset);
    if (e.removed_line_count > 0) out += fmt::format(", {} lines cut", e.removed_line_count);
    out += "\n";
  }
  for (const std::string& n : e.needs_corpus) {
    out += fmt::format("  {}not decided here{}: {}\n", kYellow, kReset, safe(n));
  }
  // Language.
  if (!e.language.empty()) {
    out += fmt::format("language: {} ({}) score {:.4f}, profile {}", safe(e.language),
                       safe(e.language_script), e.language_score, safe(e.profile));
    if (!e.language_top.empty()) {
      std::string top;
      for (const auto& [code, score] : e.language_top) {
        top += fmt::format("{}{} {:.4f}", top.empty() ? "" : ", ", safe(code), score);
      }
      out += "; top: " + top;
    }
    out += "\n";
  } else if (!e.profile.empty()) {
    out += fmt::format("profile: {}\n", safe(e.profile));
  }
  // Dedup.
  if (e.exact_cluster_size > 0 || !e.duplicate_of.empty() || e.minhash_cluster_size > 0) {
    out += "dedup:";
    if (e.exact_cluster_size > 0) {
      out += fmt::format(" {} cluster of {}, {}",
                         e.cluster_includes_near ? "duplicate (exact and near)" : "exact",
                         e.exact_cluster_size,
                         e.exact_survivor ? "this document is the survivor"
                                          : "survivor " + safe(e.duplicate_of));
    } else if (!e.duplicate_of.empty()) {
      out += " duplicate of " + safe(e.duplicate_of);
    }
    if (e.minhash_cluster_size > 0 && !e.cluster_includes_near) {
      out += fmt::format("; near-duplicate cluster of {}", e.minhash_cluster_size);
    }
    out += "\n";
    if (!e.duplicates.empty()) {
      std::string list;
      for (const std::string& d : e.duplicates) list += (list.empty() ? "" : ", ") + safe(d);
      out += fmt::format("  removed as its duplicates: {}{}\n", list,
                         e.duplicates_truncated ? ", ..." : "");
    }
  }
  // What each stage did (file mode).
  for (const StageStep& s : e.steps) {
    std::string what;
    for (const std::string& r : s.reasons) what += fmt::format(" {}removes: {}{}", kRed, r, kReset);
    if (s.lines_removed > 0) {
      what += fmt::format(" cuts {} line{}", s.lines_removed, s.lines_removed == 1 ? "" : "s");
    }
    std::string counters;
    for (const auto& [k, v] : s.counters) {
      if (v == 0 || k.ends_with(".documents") || k.ends_with(".changed_documents")) continue;
      const size_t dot = k.find('.');
      counters += fmt::format("{}{} {}", counters.empty() ? "" : ", ",
                              dot == std::string::npos ? k : k.substr(dot + 1), v);
    }
    if (what.empty() && counters.empty()) continue;
    out += fmt::format("{}: {}{}\n", safe(s.stage), what.empty() ? "" : what.substr(1),
                       counters.empty() ? "" : (what.empty() ? "" : "; ") + counters);
  }
  // Signals: the thresholded ones one per line, the others packed.
  std::string others;
  size_t others_line = 0;
  bool header = false;
  for (const SignalVerdict& s : e.signals) {
    if (s.threshold_key.empty()) {
      std::string item = fmt::format("{} {:.6g}", safe(s.signal), s.value);
      if (others_line + item.size() + 2 > 96) {
        others += "\n   ";
        others_line = 0;
      }
      others += (others_line == 0 ? " " : ", ") + item;
      others_line += item.size() + 2;
      continue;
    }
    if (!header) {
      out += "signals against thresholds:\n";
      header = true;
    }
    std::string line =
        fmt::format("  {:<40} {:>12}", safe(s.signal), fmt::format("{:.6g}", s.value));
    line += fmt::format("  {} {:.6g} ({}) ", s.remove_below ? "min" : "max", s.threshold,
                        safe(s.threshold_key));
    line += s.fails ? kRed + "fails" + kReset : kGreen + "ok" + kReset;
    out += line + "\n";
  }
  if (!others.empty()) out += "other signals:" + others + "\n";
  // Lines.
  if (!e.lines.empty()) {
    out += fmt::format("lines ({} shown, {} cut{}):\n", e.lines.size(), e.removed_line_count,
                       e.lines_truncated ? ", the record lists only the first cut lines" : "");
    for (const LineVerdict& l : e.lines) {
      const std::string num = l.line ? fmt::format("{:>4}", *l.line) : std::string("   -");
      if (l.kept) {
        // Long paragraphs are cut for reading; --json has every line whole.
        bool cut = false;
        std::string shown(PrefixChars(l.text, kMaxLineChars, &cut));
        if (cut) shown += "…";
        out += fmt::format("  {}keep{} {} {}\n", kGreen, kReset, num, safe(shown));
      } else {
        out += fmt::format("  {}CUT{}  {} {}[{}]{} {}\n", kRed, kReset, num, kRed,
                           safe(l.reason), kReset, safe(l.text));
      }
    }
  }
  if (e.source == "run" && e.verdict == "removed" && e.removed_line_count == 0) {
    out += fmt::format("{}(removed/ holds the text as read; `chalni explain FILE` shows every "
                       "line){}\n",
                       kDim, kReset);
  }
  return out;
}

}  // namespace chalni::report
