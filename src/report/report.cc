#include "report/report.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <simdjson.h>

#include "fmt/format.h"
#include "internal/fs.h"
#include "report/id_index.h"
#include "report/progress.h"
#include "report/text_safety.h"

namespace chalni::report {
namespace {

using Json = nlohmann::json;

int64_t IntAt(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}


std::string Bytes(double b) {
  if (b >= 1e9) return fmt::format("{:.2f} GB", b / 1e9);
  if (b >= 1e6) return fmt::format("{:.2f} MB", b / 1e6);
  if (b >= 1e3) return fmt::format("{:.1f} kB", b / 1e3);
  return fmt::format("{} B", static_cast<int64_t>(b));
}

// A value for an axis label: integers plainly, fractions with three significant digits.
std::string Short(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15) {
    return GroupDigits(static_cast<int64_t>(std::llround(v)));
  }
  return fmt::format("{:.3g}", v);
}

// Any text that came from the corpus or the configuration, for HTML text or attributes.
std::string Esc(std::string_view s) { return HtmlEscape(NeutralizeControls(s)); }

bool IsGlobalStage(const std::string& name) {
  const StageSpec* spec = BuiltinStages().Find(name);
  return spec != nullptr && spec->kind == StageKind::kGlobal;
}

// The pass a stage runs in: document stages in "local", a global stage in its own pass named
// after it without the version suffix (exact_dedup_v1 -> exact_dedup, as in timings.json).
bool IsNearDedupStage(const std::string& stage) {
  return stage.find("near") != std::string::npos || stage.find("minhash") != std::string::npos;
}

std::string PassOfStage(const std::string& stage) {
  if (stage.empty()) return "local";
  if (stage == "write") return "write";
  // Near-duplicate removals are decided by the near_bands and near_clusters passes.
  if (IsNearDedupStage(stage)) return "near_clusters";
  if (!IsGlobalStage(stage)) return "local";
  const size_t v = stage.rfind("_v");
  return v == std::string::npos ? stage : stage.substr(0, v);
}

// Gopher quality keys whose names differ from their signal's (src/filters/stages.cc rule table).
struct KeyAlias {
  const char* key;
  const char* signal;
};
constexpr KeyAlias kKeyAliases[] = {
    {"gopher_quality.min_doc_words", "gopher_quality.word_count"},
    {"gopher_quality.max_doc_words", "gopher_quality.word_count"},
    {"gopher_quality.min_avg_word_length", "gopher_quality.mean_word_length"},
    {"gopher_quality.max_avg_word_length", "gopher_quality.mean_word_length"},
    {"gopher_quality.max_symbol_word_ratio", "gopher_quality.hash_word_ratio"},
    {"gopher_quality.max_symbol_word_ratio", "gopher_quality.ellipsis_word_ratio"},
};

// The signals a profile key thresholds: the aliases, else "<set>.<x>" for "<set>.min_<x>" /
// "<set>.max_<x>". Sets *below for min_ keys.
std::vector<std::string> SignalsOfKey(const std::string& key, bool* below) {
  std::vector<std::string> out;
  const size_t dot = key.find('.');
  if (dot == std::string::npos) return out;
  const std::string set = key.substr(0, dot), name = key.substr(dot + 1);
  if (name.rfind("min_", 0) == 0) {
    *below = true;
  } else if (name.rfind("max_", 0) == 0) {
    *below = false;
  } else {
    return out;
  }
  bool aliased = false;
  for (const KeyAlias& a : kKeyAliases) {
    if (key == a.key) {
      out.push_back(a.signal);
      aliased = true;
    }
  }
  if (!aliased) out.push_back(set + "." + name.substr(4));
  return out;
}

// Reads a field into `out`; false when absent or of another type (the caller's default stays).
template <typename T>
bool Get(simdjson::simdjson_result<simdjson::dom::element> field, T& out) {
  return field.get(out) == simdjson::SUCCESS;
}

// ---------------------------------------------------------------------------------------------
// The scan: everything the report needs from the records, in one pass.

struct Example {
  std::string id;
  std::string language;
  std::string reasons;  // "empty, exact_duplicate"
  std::string note;     // "duplicate of X", "line 3"
  std::string text;
};

class Collector {
 public:
  Collector(const RunInfo& info, const ReportOptions& options, IdIndexBuilder* index)
      : info_(info), options_(options), index_(index) {
    // Languages with histograms: most documents first (stats.json), ties by code.
    std::vector<std::pair<int64_t, std::string>> langs;
    if (info.stats.contains("languages")) {
      for (auto it = info.stats["languages"].begin(); it != info.stats["languages"].end(); ++it) {
        langs.emplace_back(IntAt(*it, "kept") + IntAt(*it, "removed"), it.key());
      }
    }
    std::sort(langs.begin(), langs.end(),
              [](const auto& a, const auto& b) {
                return a.first != b.first ? a.first > b.first : a.second < b.second;
              });
    for (size_t i = 0; i < langs.size() && i < options.max_languages; ++i) {
      chart_languages_.push_back(langs[i].second);
    }
    for (const std::string& s : ThresholdedSignals(info)) wanted_.insert(s);
    wanted_.insert("language_score");
  }

  Status Consume(const RecordRef& r) {
    simdjson::dom::element doc;
    if (parser_.parse(r.line.data(), r.line.size()).get(doc) != simdjson::SUCCESS) {
      ++unreadable_;
      return Status::Ok();
    }
    if (r.kind == RecordKind::kError) return ConsumeError(r, doc);
    const bool kept = r.kind == RecordKind::kKept;
    std::string_view id, text, language = "und", reason, duplicate_of, profile;
    Get(doc["id"], id);
    Get(doc[info_.text_field], text);
    simdjson::dom::object meta, chalni;
    const bool has_meta = Get(doc["metadata"], meta);
    bool has_chalni = false;
    if (has_meta) {
      Get(meta["language"], language);
      Get(meta["filter_reason"], reason);
      Get(meta["duplicate_of"], duplicate_of);
      has_chalni = Get(meta["chalni"], chalni);
    }
    if (index_ != nullptr) {
      CHALNI_RETURN_IF_ERROR(index_->Add(id, IdRole::kRecord, r.location));
      if (!duplicate_of.empty()) {
        CHALNI_RETURN_IF_ERROR(index_->Add(duplicate_of, IdRole::kDuplicateOf, r.location));
      }
    }
    LangBytes& lb = bytes_[std::string(language)];
    (kept ? lb.kept : lb.removed) += static_cast<int64_t>(text.size());
    if (has_chalni) Get(chalni["profile"], profile);
    // Signals of charted languages.
    const bool charted = std::find(chart_languages_.begin(), chart_languages_.end(),
                                   language) != chart_languages_.end();
    if (charted) {
      std::string lang(language);
      if (!profile.empty()) ++profile_votes_[lang][std::string(profile)];
      double score = 0;
      if (has_meta && meta["language_score"].get(score) == simdjson::SUCCESS) {
        AddValue(lang, "language_score", score, kept);
      }
      if (has_chalni) {
        for (auto [stage, value] : chalni) {
          simdjson::dom::object signals;
          if (value.get(signals) != simdjson::SUCCESS) continue;
          for (auto [name, v] : signals) {
            double number;
            if (v.is_int64()) {
              number = static_cast<double>(int64_t(v));
            } else if (v.is_double()) {
              number = double(v);
            } else if (v.is_uint64()) {
              number = static_cast<double>(uint64_t(v));
            } else {
              continue;
            }
            key_.assign(stage);
            key_ += '.';
            key_.append(name);
            if (wanted_.count(key_) != 0) AddValue(lang, key_, number, kept);
          }
        }
      }
    }
    if (has_chalni) {
      // Dedup clusters: exact (each survivor names its cluster's size), near (members).
      // metadata.chalni.exact_dedup, or .dedup when near dedup ran (exact and near merged).
      simdjson::dom::object cluster;
      const bool merged = Get(chalni["dedup"], cluster);
      if (merged || Get(chalni["exact_dedup"], cluster)) {
        clusters_include_near_ |= merged;
        int64_t size = 0;
        bool survivor = false;
        if (Get(cluster["cluster_size"], size) && Get(cluster["survivor"], survivor) &&
            survivor) {
          ++exact_clusters_[size];
        }
      }
      simdjson::dom::array lines;
      if (kept && chalni["removed_lines"].get(lines) == simdjson::SUCCESS) {
        for (simdjson::dom::element l : lines) {
          std::string_view lr, lt;
          int64_t ln = 0;
          Get(l["reason"], lr);
          Get(l["text"], lt);
          Get(l["line"], ln);
          auto& ex = line_examples_[std::string(lr)];
          if (ex.size() < options_.examples_per_reason) {
            ex.push_back(Example{std::string(id), std::string(language), std::string(lr),
                                 fmt::format("line {}", ln), std::string(lt)});
          }
        }
      }
    }
    if (has_meta) {
      int64_t near_size = 0;
      if (meta["minhash_cluster_size"].get(near_size) == simdjson::SUCCESS && near_size > 1) {
        ++near_members_[near_size];
      }
    }
    if (!kept && !reason.empty()) {
      auto& ex = doc_examples_[std::string(reason)];
      if (ex.size() < options_.examples_per_reason) {
        std::string reasons;
        simdjson::dom::array all;
        if (has_meta && meta["filter_reasons"].get(all) == simdjson::SUCCESS) {
          for (simdjson::dom::element e : all) {
            std::string_view s;
            if (e.get(s) != simdjson::SUCCESS) continue;
            if (!reasons.empty()) reasons += ", ";
            reasons.append(s);
          }
        }
        std::string note;
        if (!duplicate_of.empty()) note = "duplicate of " + std::string(duplicate_of);
        // Only the shown prefix is kept in memory (times 4: redaction may shorten it).
        std::string_view shown = PrefixChars(text, options_.example_chars * 4);
        ex.push_back(Example{std::string(id), std::string(language), reasons, note,
                             std::string(shown)});
      }
    }
    return Status::Ok();
  }

  // --- results ---
  struct LangBytes {
    int64_t kept = 0, removed = 0;
  };
  const std::map<std::string, LangBytes>& bytes() const { return bytes_; }
  const std::map<std::string, std::vector<Example>>& doc_examples() const {
    return doc_examples_;
  }
  const std::map<std::string, std::vector<Example>>& line_examples() const {
    return line_examples_;
  }
  const std::map<std::string, std::vector<Example>>& error_examples() const {
    return error_examples_;
  }
  const std::map<int64_t, int64_t>& exact_clusters() const { return exact_clusters_; }
  const std::map<int64_t, int64_t>& near_members() const { return near_members_; }
  bool clusters_include_near() const { return clusters_include_near_; }
  int64_t unreadable() const { return unreadable_; }
  const std::vector<std::string>& chart_languages() const { return chart_languages_; }

  // The histograms of one language, signals sorted, language_score first.
  std::vector<Histogram> Histograms(const std::string& lang) const {
    std::vector<Histogram> out;
    auto it = values_.find(lang);
    if (it == values_.end()) return out;
    std::string profile = "generic";
    if (auto v = profile_votes_.find(lang); v != profile_votes_.end()) {
      int64_t best = -1;
      for (const auto& [name, n] : v->second) {
        if (n > best) {
          best = n;
          profile = name;
        }
      }
    }
    std::vector<std::string> signals;
    for (const auto& [signal, vals] : it->second) signals.push_back(signal);
    std::stable_partition(signals.begin(), signals.end(),
                          [](const std::string& s) { return s == "language_score"; });
    for (const std::string& signal : signals) {
      const auto& entry = it->second.at(signal);
      Histogram h = MakeHistogram(entry.values, ThresholdsFor(info_, profile, signal),
                                  options_.histogram_bins);
      h.language = lang;
      h.signal = signal;
      h.profile = profile;
      h.values = entry.seen;
      h.capped = entry.seen > static_cast<int64_t>(entry.values.size());
      out.push_back(std::move(h));
    }
    return out;
  }

 private:
  struct Values {
    std::vector<std::pair<float, bool>> values;
    int64_t seen = 0;
  };

  void AddValue(const std::string& lang, const std::string& signal, double v, bool kept) {
    if (!std::isfinite(v)) return;
    Values& vals = values_[lang][signal];
    ++vals.seen;
    if (vals.values.size() < options_.max_values_per_signal) {
      vals.values.emplace_back(static_cast<float>(v), kept);
    }
  }

  Status ConsumeError(const RecordRef& r, simdjson::dom::element doc) {
    std::string_view file, cause, message, raw;
    int64_t line = 0;
    Get(doc["file"], file);
    Get(doc["cause"], cause);
    Get(doc["message"], message);
    Get(doc["raw_prefix"], raw);
    Get(doc["line"], line);
    const std::string where = fmt::format("{}:{}", file, line);
    if (index_ != nullptr) CHALNI_RETURN_IF_ERROR(index_->Add(where, IdRole::kRecord, r.location));
    auto& ex = error_examples_[std::string(cause)];
    if (ex.size() < options_.errors_per_cause) {
      ex.push_back(Example{where, "", std::string(cause), std::string(message),
                           std::string(raw)});
    }
    return Status::Ok();
  }

  const RunInfo& info_;
  const ReportOptions& options_;
  IdIndexBuilder* index_;
  simdjson::dom::parser parser_;
  std::vector<std::string> chart_languages_;
  std::set<std::string, std::less<>> wanted_;
  std::string key_;
  std::map<std::string, std::map<std::string, Values>> values_;
  std::map<std::string, std::map<std::string, int64_t>> profile_votes_;
  std::map<std::string, LangBytes> bytes_;
  std::map<std::string, std::vector<Example>> doc_examples_, line_examples_, error_examples_;
  std::map<int64_t, int64_t> exact_clusters_, near_members_;
  int64_t unreadable_ = 0;
  bool clusters_include_near_ = false;
};

// ---------------------------------------------------------------------------------------------
// SVG charts. Every bar is one <g class="bar"> (tests count them against data-bars).

struct Bar {
  std::string label;
  std::vector<int64_t> segments;  // stacked, drawn left to right with the classes given
  std::string title;              // tooltip
  std::string key;                // data-key
  std::string value_text = {};    // shown after the bar; default: the total
};

std::string HorizontalBars(const std::string& chart, const std::vector<Bar>& bars,
                           const std::vector<std::string>& classes, int width = 760) {
  const int row = 22, label_w = 230, value_w = 110;
  const int height = static_cast<int>(bars.size()) * row + 8;
  int64_t max_total = 1;
  for (const Bar& b : bars) {
    int64_t t = 0;
    for (int64_t s : b.segments) t += s;
    max_total = std::max(max_total, t);
  }
  const double scale = static_cast<double>(width - label_w - value_w) / max_total;
  std::string out = fmt::format(
      "<svg class=\"chart\" data-chart=\"{}\" data-bars=\"{}\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
      Esc(chart), bars.size(), width, height, width, height, Esc(chart));
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const int y = 4 + static_cast<int>(i) * row;
    int64_t total = 0;
    for (int64_t s : b.segments) total += s;
    out += fmt::format("<g class=\"bar\" data-key=\"{}\" data-value=\"{}\"><title>{}</title>",
                       Esc(b.key), total, Esc(b.title));
    out += fmt::format("<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                       label_w - 6, y + 15, Esc(b.label));
    double x = label_w;
    for (size_t s = 0; s < b.segments.size(); ++s) {
      const double w = b.segments[s] * scale;
      out += fmt::format("<rect class=\"{}\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" "
                         "height=\"{}\"/>",
                         s < classes.size() ? classes[s] : "seg", x, y + 2, w, row - 6);
      x += w;
    }
    out += fmt::format("<text class=\"value\" x=\"{:.1f}\" y=\"{}\">{}</text></g>", x + 5, y + 15,
                       b.value_text.empty() ? GroupDigits(total) : Esc(b.value_text));
  }
  out += "</svg>";
  return out;
}

std::string HistogramSvg(const Histogram& h) {
  const int width = 360, height = 170, left = 40, right = 10, top = 18, bottom = 34;
  const int plot_w = width - left - right, plot_h = height - top - bottom;
  const size_t bins = h.kept.size();
  int64_t max_count = 1;
  for (size_t i = 0; i < bins; ++i) max_count = std::max(max_count, h.kept[i] + h.removed[i]);
  const std::string id = h.language + ":" + h.signal;
  std::string out = fmt::format(
      "<svg class=\"chart histogram\" data-chart=\"{}\" data-bars=\"{}\" width=\"{}\" "
      "height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" "
      "xmlns=\"http://www.w3.org/2000/svg\">",
      Esc(id), bins, width, height, width, height, Esc(h.signal));
  out += fmt::format("<text class=\"title\" x=\"{}\" y=\"12\">{}</text>", left, Esc(h.signal));
  out += fmt::format("<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                     left - 4, top + 8, GroupDigits(max_count));
  out += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", left,
                     top + plot_h, left + plot_w, top + plot_h);
  const double bw = bins > 0 ? static_cast<double>(plot_w) / bins : 0;
  const double span = h.hi - h.lo;
  for (size_t i = 0; i < bins; ++i) {
    const double b_lo = h.lo + span * i / bins, b_hi = h.lo + span * (i + 1) / bins;
    out += fmt::format(
        "<g class=\"bar\" data-bin=\"{}\" data-kept=\"{}\" data-removed=\"{}\"><title>{} .. {}: "
        "{} kept, {} removed</title>",
        i, h.kept[i], h.removed[i], Short(b_lo), Short(b_hi), GroupDigits(h.kept[i]), GroupDigits(h.removed[i]));
    const double x = left + bw * i;
    const double kh = static_cast<double>(h.kept[i]) * plot_h / max_count;
    const double rh = static_cast<double>(h.removed[i]) * plot_h / max_count;
    out += fmt::format("<rect class=\"kept\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                       "height=\"{:.1f}\"/>",
                       x + 0.5, top + plot_h - kh, std::max(0.0, bw - 1), kh);
    out += fmt::format("<rect class=\"removed\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                       "height=\"{:.1f}\"/></g>",
                       x + 0.5, top + plot_h - kh - rh, std::max(0.0, bw - 1), rh);
  }
  out += fmt::format("<text class=\"axis\" x=\"{}\" y=\"{}\">{}</text>", left,
                     top + plot_h + 14, Short(h.lo));
  out += fmt::format("<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                     left + plot_w, top + plot_h + 14, Short(h.hi));
  int off_chart = 0;
  for (const SignalThreshold& t : h.thresholds) {
    const std::string label = fmt::format("{} {}", t.remove_below ? "min" : "max", Short(t.value));
    if (span > 0 && t.value >= h.lo && t.value <= h.hi) {
      const double x = left + (t.value - h.lo) / span * plot_w;
      out += fmt::format(
          "<g class=\"threshold\" data-key=\"{}\" data-value=\"{}\"><title>{} = {}</title>"
          "<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\"/>"
          "<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
          Esc(t.key), t.value, Esc(t.key), Short(t.value), x, top - 2, x, top + plot_h, x,
          top + plot_h + 26, Esc(label));
    } else {
      // Outside the data's range: named under the axis instead of drawn.
      out += fmt::format(
          "<g class=\"threshold off-chart\" data-key=\"{}\" data-value=\"{}\"><title>{} = {}"
          "</title><text x=\"{}\" y=\"{}\">{} (off chart)</text></g>",
          Esc(t.key), t.value, Esc(t.key), Short(t.value), left + 90 + 110 * off_chart,
          top + plot_h + 26, Esc(label));
      ++off_chart;
    }
  }
  out += "</svg>";
  return out;
}

// ---------------------------------------------------------------------------------------------
// The page.

constexpr const char* kStyle = R"css(
:root { --kept: #2f6db5; --removed: #e0803a; --error: #b8383b; --muted: #666; }
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Bengali",
       sans-serif; margin: 24px auto; max-width: 1120px; padding: 0 16px; color: #1d1d1f;
       background: #fff; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
.sub { color: var(--muted); margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 0.92em; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 4px 10px; text-align: left;
         vertical-align: top; }
th { background: #f5f5f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; border-top: 2px solid #bbb; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid #ddd; border-radius: 8px; padding: 10px 16px; min-width: 130px; }
.card .n { font-size: 1.5em; font-weight: 600; }
.card .l { color: var(--muted); font-size: 0.85em; }
svg.chart { display: block; margin: 6px 0; max-width: 100%; height: auto; }
svg text { font-size: 11px; fill: #333; }
svg text.title { font-weight: 600; }
svg .kept { fill: var(--kept); }
svg .removed { fill: var(--removed); }
svg .error { fill: var(--error); }
svg .remaining { fill: var(--kept); }
svg .axis { stroke: #999; fill: #555; }
svg .threshold line { stroke: #c00; stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .threshold text { fill: #c00; font-size: 10px; }
.grid { display: flex; flex-wrap: wrap; gap: 4px 16px; }
.legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; }
.example { border: 1px solid #e2e2e2; border-radius: 6px; margin: 6px 0; padding: 6px 10px;
           background: #fafafa; }
.example .meta { color: var(--muted); font-size: 0.85em; }
.example bdi, .example .text { display: block; white-space: pre-wrap; overflow-wrap: anywhere;
           unicode-bidi: isolate; max-height: 12em; overflow: auto; }
details { margin: 6px 0; }
summary { cursor: pointer; font-weight: 600; }
code { background: #f2f2f2; padding: 0 3px; border-radius: 3px; }
.note { color: var(--muted); font-size: 0.9em; }
)css";

std::string Card(const std::string& key, int64_t n, const std::string& label) {
  return fmt::format("<div class=\"card\" data-key=\"{}\"><div class=\"n\">{}</div>"
                     "<div class=\"l\">{}</div></div>",
                     key, GroupDigits(n), label);
}

std::string ExampleBlock(const Example& e, size_t chars, bool show_reasons) {
  std::string meta = "<span class=\"id\">id <bdi dir=\"auto\">" + Esc(e.id) + "</bdi></span>";
  if (!e.language.empty()) meta += " · " + Esc(e.language);
  if (show_reasons && !e.reasons.empty()) meta += " · reasons: " + Esc(e.reasons);
  if (!e.note.empty()) meta += " · <bdi dir=\"auto\">" + Esc(e.note) + "</bdi>";
  return fmt::format(
      "<div class=\"example\"><div class=\"meta\">{}</div><bdi dir=\"auto\" "
      "class=\"text\">{}</bdi></div>",
      meta, e.text.empty() ? std::string("<i>(empty)</i>") : ExampleHtml(e.text, chars));
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string StageOfReason(const RunInfo& info, const std::string& reason) {
  // 1. The local counters "<stage>.removed.<reason>" (the threshold filters count them).
  if (info.stats.contains("passes") && info.stats["passes"].contains("local")) {
    const Json& counters = info.stats["passes"]["local"].value("counters", Json::object());
    const std::string suffix = ".removed." + reason;
    for (auto it = counters.begin(); it != counters.end(); ++it) {
      const std::string& k = it.key();
      if (k.size() > suffix.size() &&
          k.compare(k.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return k.substr(0, k.size() - suffix.size());
      }
    }
  }
  auto configured = [&](const std::string& name) {
    return std::find(info.stages.begin(), info.stages.end(), name) != info.stages.end();
  };
  // 2. The pipeline's own reasons.
  if ((reason == "empty" || reason == "too_short" || reason == "too_long") &&
      configured("length_filter_v1")) {
    return "length_filter_v1";
  }
  if (reason == "exact_duplicate") return "exact_dedup_v1";
  if (reason.find("near_dup") != std::string::npos) {
    // The stage that computes the signatures; the clusters come from the global near passes.
    for (const std::string& s : info.stages) {
      if (IsNearDedupStage(s)) return s;
    }
  }
  // 3. A reason that cut lines emptied the document at write.
  if (info.stats.contains("removed_lines") && info.stats["removed_lines"].contains(reason)) {
    return "write";
  }
  return "";
}

std::vector<FunnelStep> BuildFunnel(const RunInfo& info) {
  std::vector<FunnelStep> steps;
  int64_t remaining = IntAt(info.stats, "input_records");
  if (info.stats.contains("errors_by_cause")) {
    for (auto it = info.stats["errors_by_cause"].begin();
         it != info.stats["errors_by_cause"].end(); ++it) {
      const int64_t n = it->get<int64_t>();
      remaining -= n;
      steps.push_back(FunnelStep{"read", "reader", it.key(), n, remaining});
    }
  }
  // Reasons in stage order; unattributed ones after the local stages, line cleaning last.
  std::vector<std::pair<std::string, int64_t>> reasons;
  if (info.stats.contains("reasons")) {
    for (auto it = info.stats["reasons"].begin(); it != info.stats["reasons"].end(); ++it) {
      reasons.emplace_back(it.key(), it->get<int64_t>());
    }
  }
  auto order = [&](const std::string& stage) -> size_t {
    if (stage == "write") return info.stages.size() + 2;
    auto it = std::find(info.stages.begin(), info.stages.end(), stage);
    if (it != info.stages.end()) return static_cast<size_t>(it - info.stages.begin());
    return info.stages.size() + 1;
  };
  std::vector<FunnelStep> removals;
  for (const auto& [reason, n] : reasons) {
    const std::string stage = StageOfReason(info, reason);
    removals.push_back(FunnelStep{PassOfStage(stage), stage, reason, n, 0});
  }
  std::stable_sort(removals.begin(), removals.end(),
                   [&](const FunnelStep& a, const FunnelStep& b) {
                     return order(a.stage) < order(b.stage);
                   });
  for (FunnelStep& s : removals) {
    remaining -= s.count;
    s.remaining = remaining;
    steps.push_back(std::move(s));
  }
  return steps;
}

std::vector<SignalThreshold> ThresholdsFor(const RunInfo& info, const std::string& profile,
                                           const std::string& signal) {
  std::vector<SignalThreshold> out;
  auto p = info.profiles.find(profile);
  if (p != info.profiles.end()) {
    for (const auto& [key, value] : p->second) {
      std::optional<double> v = NumberOf(value);
      if (!v || std::holds_alternative<bool>(value)) continue;
      bool below = false;
      for (const std::string& s : SignalsOfKey(key, &below)) {
        if (s == signal) out.push_back(SignalThreshold{key, *v, below});
      }
    }
  }
  // Stage options: "<set>.<x>" is thresholded by option min_<x>/max_<x> of a configured stage
  // named "<set>_...".
  const size_t dot = signal.find('.');
  if (dot != std::string::npos) {
    const std::string set = signal.substr(0, dot), name = signal.substr(dot + 1);
    for (const std::string& stage : info.stages) {
      if (stage.rfind(set + "_", 0) != 0) continue;
      auto opts = info.stage_options.find(stage);
      if (opts == info.stage_options.end()) continue;
      for (const char* prefix : {"min_", "max_"}) {
        auto o = opts->second.find(prefix + name);
        if (o == opts->second.end()) continue;
        std::optional<double> v = NumberOf(o->second);
        const bool below = prefix[1] == 'i';
        // Why skip max 0: the pipeline's length options document 0 as "no maximum".
        if (!v || std::holds_alternative<bool>(o->second) || (!below && *v == 0)) continue;
        out.push_back(SignalThreshold{stage + "." + prefix + name, *v, below});
      }
    }
  }
  return out;
}

std::vector<std::string> ThresholdedSignals(const RunInfo& info) {
  std::set<std::string> out;
  for (const auto& [profile, entries] : info.profiles) {
    for (const auto& [key, value] : entries) {
      if (!NumberOf(value) || std::holds_alternative<bool>(value)) continue;
      bool below = false;
      for (const std::string& s : SignalsOfKey(key, &below)) out.insert(s);
    }
  }
  for (const std::string& stage : info.stages) {
    auto opts = info.stage_options.find(stage);
    if (opts == info.stage_options.end()) continue;
    for (const auto& [name, value] : opts->second) {
      if (name.rfind("min_", 0) != 0 && name.rfind("max_", 0) != 0) continue;
      if (!NumberOf(value) || std::holds_alternative<bool>(value)) continue;
      // The stage's attribute set is the stage name up to its first '_' ("length").
      const std::string set = stage.substr(0, stage.find('_'));
      out.insert(set + "." + name.substr(4));
    }
  }
  return {out.begin(), out.end()};
}

Histogram MakeHistogram(const std::vector<std::pair<float, bool>>& values,
                        std::vector<SignalThreshold> thresholds, int bins) {
  Histogram h;
  h.thresholds = std::move(thresholds);
  bins = std::max(1, bins);
  h.kept.assign(bins, 0);
  h.removed.assign(bins, 0);
  h.values = static_cast<int64_t>(values.size());
  if (values.empty()) return h;
  double lo = values[0].first, hi = values[0].first;
  for (const auto& [v, kept] : values) {
    lo = std::min<double>(lo, v);
    hi = std::max<double>(hi, v);
  }
  // Widen to show a threshold near the data (within one range-width); a far one stays off.
  const double width = std::max(hi - lo, 1e-9);
  for (const SignalThreshold& t : h.thresholds) {
    if (t.value < lo && t.value >= lo - width) lo = t.value;
    if (t.value > hi && t.value <= hi + width) hi = t.value;
  }
  if (hi <= lo) {
    // One distinct value: a unit-wide range around it.
    lo -= 0.5;
    hi += 0.5;
  }
  h.lo = lo;
  h.hi = hi;
  for (const auto& [v, kept] : values) {
    int bin = static_cast<int>((v - lo) / (hi - lo) * bins);
    bin = std::clamp(bin, 0, bins - 1);
    (kept ? h.kept : h.removed)[bin] += 1;
  }
  return h;
}

Status WriteReport(const std::string& outdir, const ReportOptions& options) {
  StatusOr<RunInfo> loaded = RunInfo::Load(outdir);
  if (!loaded.ok()) return loaded.status();
  const RunInfo& info = *loaded;
  std::unique_ptr<IdIndexBuilder> index;
  uint64_t fingerprint = 0;
  if (options.write_explain_index) {
    StatusOr<uint64_t> fp = RunFingerprint(outdir);
    if (!fp.ok()) return fp.status();
    fingerprint = *fp;
    CHALNI_RETURN_IF_ERROR(MakeDirs(outdir + "/.chalni/explain"));
    index = std::make_unique<IdIndexBuilder>(outdir + "/.chalni/explain",
                                             options.index_sort_budget_bytes);
  }
  Collector c(info, options, index.get());
  CHALNI_RETURN_IF_ERROR(ForEachRecord(outdir, [&](const RecordRef& r) { return c.Consume(r); }));
  if (index != nullptr) CHALNI_RETURN_IF_ERROR(index->Write(ExplainIndexPath(outdir), fingerprint));

  const Json& st = info.stats;
  const int64_t input_records = IntAt(st, "input_records"), kept = IntAt(st, "kept"),
                removed = IntAt(st, "removed"), errors = IntAt(st, "errors");
  std::string h;
  h.reserve(1 << 20);
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  // Why a CSP: the page shows untrusted text; even if escaping failed somewhere, nothing may be
  // fetched or run.
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; img-src data:\">";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  h += "<title>chalni run report: " + Esc(outdir) + "</title><style>" + std::string(kStyle) +
       "</style></head><body>\n";
  h += "<h1>chalni run report</h1>";
  h += fmt::format("<p class=\"sub\">{} · chalni {} (git {}) · {} threads</p>",
                   "<bdi dir=\"auto\">" + Esc(outdir) + "</bdi>",
                   Esc(info.run.value("version", "?")), Esc(info.run.value("git", "?")),
                   info.run.value("threads", 0));
  h += "<div class=\"cards\">";
  h += Card("input_records", input_records, "input records");
  h += Card("kept", kept, "kept documents");
  h += Card("removed", removed, "removed documents");
  h += Card("errors", errors, "errors (unreadable records)");
  h += fmt::format("<div class=\"card\"><div class=\"n\">{}</div><div class=\"l\">input "
                   "({} files)</div></div>",
                   Bytes(static_cast<double>(IntAt(st, "input_bytes"))),
                   GroupDigits(IntAt(st, "input_files")));
  h += "</div>";
  if (!st.value("accounting_identity_holds", true)) {
    h += "<p class=\"note\"><b>Accounting identity broken:</b> input records ≠ kept + removed "
         "+ errors.</p>";
  }

  // --- funnel ---
  const std::vector<FunnelStep> funnel = BuildFunnel(info);
  h += "<h2 id=\"funnel\">Funnel: from input records to kept documents</h2>";
  h += "<p class=\"note\">Each document is counted once, at its first reason in pipeline order "
       "(<code>filter_reason</code>); numbers from <code>stats.json</code>.</p>";
  {
    std::vector<Bar> bars;
    bars.push_back(Bar{"input records", {input_records, 0}, "input records", "input_records"});
    for (const FunnelStep& s : funnel) {
      const std::string label = s.pass == "read" ? "error: " + s.reason : s.reason;
      bars.push_back(Bar{label, {s.remaining, s.count},
                         fmt::format("{} / {} / {}: {} removed, {} remain", s.pass,
                                     s.stage.empty() ? "?" : s.stage, s.reason, s.count,
                                     s.remaining),
                         (s.pass == "read" ? "error:" : "reason:") + s.reason,
                         fmt::format("−{} → {}", GroupDigits(s.count), GroupDigits(s.remaining))});
    }
    h += "<div class=\"legend note\"><span style=\"background:var(--kept)\"></span>remaining"
         "<span style=\"background:var(--removed)\"></span>removed at this step</div>";
    h += HorizontalBars("funnel", bars, {"remaining", "removed"});
  }
  h += "<table class=\"funnel\"><tr><th>pass</th><th>stage</th><th>reason / cause</th>"
       "<th class=\"num\">removed</th><th class=\"num\">remaining</th></tr>";
  h += fmt::format("<tr data-key=\"input_records\" data-count=\"{}\"><td></td><td></td>"
                   "<td>input records</td><td class=\"num\"></td><td class=\"num\">{}</td></tr>",
                   input_records, GroupDigits(input_records));
  for (const FunnelStep& s : funnel) {
    h += fmt::format(
        "<tr data-key=\"{}:{}\" data-count=\"{}\"><td>{}</td><td>{}</td><td>{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        s.pass == "read" ? "error" : "reason", Esc(s.reason), s.count, Esc(s.pass),
        s.stage.empty() ? "<i>not recorded</i>" : Esc(s.stage), Esc(s.reason), GroupDigits(s.count),
        GroupDigits(s.remaining));
  }
  h += fmt::format("<tr class=\"total\" data-key=\"errors\" data-count=\"{}\"><td colspan=\"3\">"
                   "errors</td><td class=\"num\">{}</td><td></td></tr>",
                   errors, GroupDigits(errors));
  h += fmt::format("<tr class=\"total\" data-key=\"removed\" data-count=\"{}\"><td colspan=\"3\">"
                   "removed</td><td class=\"num\">{}</td><td></td></tr>",
                   removed, GroupDigits(removed));
  h += fmt::format("<tr class=\"total\" data-key=\"kept\" data-count=\"{}\"><td colspan=\"3\">"
                   "kept</td><td></td><td class=\"num\">{}</td></tr></table>",
                   kept, GroupDigits(kept));
  // Every rule that would have removed each document.
  if (st.contains("reasons_all") && !st["reasons_all"].empty()) {
    h += "<details><summary>Every rule that would have removed a document "
         "(<code>reasons_all</code>, a document counts once per rule)</summary>"
         "<table class=\"reasons-all\"><tr><th>reason</th><th class=\"num\">documents</th></tr>";
    for (auto it = st["reasons_all"].begin(); it != st["reasons_all"].end(); ++it) {
      h += fmt::format("<tr data-key=\"{}\"><td>{}</td><td class=\"num\">{}</td></tr>",
                       Esc(it.key()), Esc(it.key()), GroupDigits(it->get<int64_t>()));
    }
    h += "</table></details>";
  }
  // Passes: timings.
  if (info.timings.contains("passes")) {
    h += "<h3>Passes</h3><table class=\"passes\"><tr><th>pass</th><th class=\"num\">tasks</th>"
         "<th class=\"num\">seconds</th><th class=\"num\">peak memory</th></tr>";
    // Pipeline order: local first, write and commit last, the global passes between.
    std::vector<std::string> names;
    for (auto it = info.timings["passes"].begin(); it != info.timings["passes"].end(); ++it) {
      names.push_back(it.key());
    }
    auto rank = [](const std::string& n) {
      return n == "local" ? 0 : n == "write" ? 2 : n == "commit" ? 3 : 1;
    };
    std::stable_sort(names.begin(), names.end(),
                     [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
    for (const std::string& name : names) {
      const Json* it = &info.timings["passes"][name];
      h += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.2f}</td>"
                       "<td class=\"num\">{}</td></tr>",
                       Esc(name), GroupDigits(it->value("tasks", int64_t{0})),
                       it->value("seconds", 0.0),
                       Bytes(static_cast<double>(it->value("peak_rss_bytes", int64_t{0}))));
    }
    h += "</table>";
  }

  // --- languages ---
  h += "<h2 id=\"languages\">Languages</h2>";
  {
    struct LangRow {
      std::string lang;
      int64_t kept, removed, kept_bytes, removed_bytes;
    };
    std::vector<LangRow> rows;
    if (st.contains("languages")) {
      for (auto it = st["languages"].begin(); it != st["languages"].end(); ++it) {
        auto b = c.bytes().find(it.key());
        rows.push_back(LangRow{it.key(), IntAt(*it, "kept"), IntAt(*it, "removed"),
                               IntAt(*it, "kept_bytes"),
                               b == c.bytes().end() ? 0 : b->second.removed});
      }
    }
    std::sort(rows.begin(), rows.end(), [](const LangRow& a, const LangRow& b) {
      const int64_t na = a.kept + a.removed, nb = b.kept + b.removed;
      return na != nb ? na > nb : a.lang < b.lang;
    });
    // The chart shows the kMaxLanguageBars most frequent languages and one bar for the rest;
    // the table lists them all.
    constexpr size_t kMaxLanguageBars = 15;
    std::vector<Bar> bars;
    int64_t other_kept = 0, other_removed = 0, others = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      const LangRow& r = rows[i];
      if (i >= kMaxLanguageBars && rows.size() > kMaxLanguageBars + 1) {
        other_kept += r.kept;
        other_removed += r.removed;
        ++others;
        continue;
      }
      bars.push_back(Bar{r.lang, {r.kept, r.removed},
                         fmt::format("{}: {} kept, {} removed", r.lang, r.kept, r.removed),
                         r.lang});
    }
    if (others > 0) {
      bars.push_back(Bar{fmt::format("{} others", others), {other_kept, other_removed},
                         fmt::format("{} other languages: {} kept, {} removed", others,
                                     other_kept, other_removed),
                         "(others)"});
    }
    h += "<div class=\"legend note\"><span style=\"background:var(--kept)\"></span>kept"
         "<span style=\"background:var(--removed)\"></span>removed</div>";
    h += HorizontalBars("languages", bars, {"kept", "removed"});
    h += "<table class=\"languages\"><tr><th>language</th><th class=\"num\">kept</th>"
         "<th class=\"num\">removed</th><th class=\"num\">kept bytes</th>"
         "<th class=\"num\">removed bytes (as read)</th></tr>";
    for (const LangRow& r : rows) {
      h += fmt::format(
          "<tr data-key=\"{}\" data-kept=\"{}\" data-removed=\"{}\" data-kept-bytes=\"{}\">"
          "<td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td></tr>",
          Esc(r.lang), r.kept, r.removed, r.kept_bytes, Esc(r.lang), GroupDigits(r.kept), GroupDigits(r.removed),
          Bytes(static_cast<double>(r.kept_bytes)), Bytes(static_cast<double>(r.removed_bytes)));
    }
    h += "</table>";
  }

  // --- signals ---
  h += "<h2 id=\"signals\">Signals and thresholds</h2>";
  h += "<p class=\"note\">Per language (the most frequent ones), every signal that has a "
       "threshold, plus the language score; thresholds of the language's profile in red. "
       "<span class=\"legend\"><span style=\"background:var(--kept)\"></span>kept"
       "<span style=\"background:var(--removed)\"></span>removed</span></p>";
  if (!info.run.contains("config")) h += "<p class=\"note\">run.json holds no configuration.</p>";
  bool first_lang = true;
  for (const std::string& lang : c.chart_languages()) {
    std::vector<Histogram> hists = c.Histograms(lang);
    if (hists.empty()) continue;
    h += fmt::format("<details class=\"language\" data-language=\"{}\"{}><summary>{} "
                     "(profile {}, {} charts)</summary><div class=\"grid\">",
                     Esc(lang), first_lang ? " open" : "", Esc(lang), Esc(hists[0].profile),
                     hists.size());
    first_lang = false;
    for (const Histogram& hist : hists) {
      h += "<div>" + HistogramSvg(hist);
      if (hist.capped) {
        int64_t shown = 0;
        for (size_t i = 0; i < hist.kept.size(); ++i) shown += hist.kept[i] + hist.removed[i];
        h += fmt::format("<div class=\"note\">first {} of {} documents</div>", GroupDigits(shown),
                         GroupDigits(hist.values));
      }
      h += "</div>";
    }
    h += "</div></details>";
  }
  if (first_lang) h += "<p class=\"note\">No signals in the records.</p>";

  // --- dedup ---
  h += "<h2 id=\"dedup\">Duplicate clusters</h2>";
  {
    const auto& exact = c.exact_clusters();
    if (exact.empty()) {
      h += "<p class=\"note\">No exact-duplicate clusters.</p>";
    } else {
      std::vector<Bar> bars;
      int64_t clusters = 0, members = 0;
      for (const auto& [size, n] : exact) {
        bars.push_back(Bar{fmt::format("size {}", size), {n},
                           fmt::format("{} clusters of {} documents", n, size),
                           std::to_string(size)});
        clusters += n;
        members += n * size;
      }
      h += fmt::format("<h3>{}: {} clusters, {} documents</h3>",
                       c.clusters_include_near() ? "Duplicates (exact and near, merged)"
                                                 : "Exact duplicates",
                       GroupDigits(clusters), GroupDigits(members));
      h += "<p class=\"note\">One cluster per survivor, by size; the survivor is the document "
           "with the lowest <code>doc_key</code>.</p>";
      h += HorizontalBars("exact_clusters", bars, {"kept"});
    }
    // Near clusters from metadata.minhash_cluster_size alone, when no merged cluster says more.
    const auto& near = c.near_members();
    if (!near.empty() && !c.clusters_include_near()) {
      std::vector<Bar> bars;
      for (const auto& [size, n] : near) {
        const int64_t clusters = n / size;
        bars.push_back(Bar{fmt::format("size {}", size), {clusters},
                           fmt::format("{} clusters of {} documents", clusters, size),
                           std::to_string(size)});
      }
      h += "<h3>Near duplicates (MinHash)</h3>";
      h += HorizontalBars("near_clusters", bars, {"kept"});
    }
  }

  // --- examples ---
  h += "<h2 id=\"examples\">Examples</h2>";
  h += fmt::format("<p class=\"note\">At most {} per reason, first in output order; text cut at "
                   "{} characters, e-mail addresses, phone numbers and IP addresses redacted, "
                   "control and bidi characters shown as [U+XXXX].</p>",
                   options.examples_per_reason, options.example_chars);
  h += "<h3>Removed documents</h3>";
  if (c.doc_examples().empty()) h += "<p class=\"note\">None.</p>";
  for (const auto& [reason, examples] : c.doc_examples()) {
    h += fmt::format("<details class=\"examples\" data-reason=\"{}\"><summary>{} ({} shown)"
                     "</summary>",
                     Esc(reason), Esc(reason), examples.size());
    for (const Example& e : examples) h += ExampleBlock(e, options.example_chars, true);
    h += "</details>";
  }
  h += "<h3>Removed lines (from kept documents)</h3>";
  if (st.contains("removed_lines") && !st["removed_lines"].empty()) {
    h += "<table class=\"removed-lines\"><tr><th>reason</th><th class=\"num\">lines</th></tr>";
    for (auto it = st["removed_lines"].begin(); it != st["removed_lines"].end(); ++it) {
      h += fmt::format("<tr data-key=\"{}\"><td>{}</td><td class=\"num\">{}</td></tr>",
                       Esc(it.key()), Esc(it.key()), GroupDigits(it->get<int64_t>()));
    }
    h += "</table>";
  }
  if (c.line_examples().empty()) h += "<p class=\"note\">None.</p>";
  for (const auto& [reason, examples] : c.line_examples()) {
    h += fmt::format("<details class=\"examples\" data-line-reason=\"{}\"><summary>{} ({} "
                     "shown)</summary>",
                     Esc(reason), Esc(reason), examples.size());
    for (const Example& e : examples) h += ExampleBlock(e, options.example_chars, false);
    h += "</details>";
  }
  h += "<h3>Errors</h3>";
  if (c.error_examples().empty()) h += "<p class=\"note\">None.</p>";
  for (const auto& [cause, examples] : c.error_examples()) {
    h += fmt::format("<details class=\"examples\" data-cause=\"{}\"><summary>{} ({} shown)"
                     "</summary>",
                     Esc(cause), Esc(cause), examples.size());
    for (const Example& e : examples) h += ExampleBlock(e, options.example_chars, false);
    h += "</details>";
  }
  if (st.contains("unreadable_inputs") && !st["unreadable_inputs"].empty()) {
    h += "<h3>Inputs that could not be read to the end</h3><ul>";
    for (const Json& u : st["unreadable_inputs"]) {
      h += "<li><bdi dir=\"auto\">" + Esc(u.value("file", "")) + "</bdi>: " +
           Esc(u.value("message", "")) + "</li>";
    }
    h += "</ul>";
  }
  if (st.contains("other_files") && !st["other_files"].empty()) {
    h += fmt::format("<h3>Files not read ({}: not .jsonl, .jsonl.gz, .jsonl.zst or .txt)</h3>"
                     "<ul>",
                     st["other_files"].size());
    for (const Json& f : st["other_files"]) {
      h += "<li><bdi dir=\"auto\">" + Esc(f.is_string() ? f.get<std::string>() : f.dump()) +
           "</bdi></li>";
    }
    h += "</ul>";
  }
  if (c.unreadable() > 0) {
    h += fmt::format("<p class=\"note\">{} output lines were not JSON and are not shown.</p>",
                     GroupDigits(c.unreadable()));
  }
  h += "<p class=\"note\">Rebuild with <code>chalni report OUTDIR</code>; explain one document "
       "with <code>chalni explain OUTDIR --id ID</code>.</p>";
  h += "</body></html>\n";
  return WriteFileAtomic(outdir + "/report.html", h);
}

}  // namespace chalni::report
