#include "langid/stages.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "chalni/langid/langid.h"
#include "chalni/langid/profiles.h"
#include "chalni/langid/script.h"

namespace chalni {
namespace langid {
namespace {

constexpr std::string_view kLangidStage = "langid_v1";
constexpr std::string_view kFilterStage = "language_filter_v1";
constexpr std::string_view kAttrStage = "langid";  // attributes: metadata.chalni.langid.<key>
// At most this many paragraphs are listed in langid.paragraphs (metadata stays small; the
// count of paragraphs analysed is in langid.paragraph_count).
constexpr size_t kMaxParagraphsListed = 32;

// Identifiers are shared by every stage instance with the same configuration: a pipeline that
// creates one stage per thread loads the model once.
StatusOr<std::shared_ptr<const LanguageIdentifier>> SharedIdentifier(const IdentifierOptions& o) {
  static std::mutex mu;
  static auto* cache = new std::map<std::string, std::weak_ptr<const LanguageIdentifier>>();
  std::string key =
      std::to_string(static_cast<int>(o.backend)) + (o.fast_path ? "f:" : "p:") + o.model_path;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache->find(key); it != cache->end()) {
    if (auto existing = it->second.lock()) return existing;
  }
  auto created = CreateIdentifier(o);
  if (!created.ok()) return created.status();
  std::shared_ptr<const LanguageIdentifier> shared(std::move(*created));
  (*cache)[key] = shared;
  return shared;
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out->append(buf);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

// Scores are written with 4 decimals: enough to threshold on, and stable across platforms.
void AppendScore(double v, std::string* out) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4f", v);
  out->append(buf);
}

// fastText's probabilities include a +1e-5 smoothing and can read 1.00001; scores are in [0, 1].
double ClampScore(float p) { return std::clamp(static_cast<double>(p), 0.0, 1.0); }

// Words when the tokenizer has not run: runs of non-whitespace (ASCII whitespace).
uint32_t CountWhitespaceWords(std::string_view s) {
  uint32_t words = 0;
  bool prev_space = true;
  for (char c : s) {
    const bool space = c == ' ' || static_cast<unsigned char>(c - '\t') <= '\r' - '\t';
    words += prev_space && !space;
    prev_space = space;
  }
  return words;
}

class LangidStage final : public Stage {
 public:
  LangidStage(std::shared_ptr<const LanguageIdentifier> identifier, int top_k, int min_words)
      : identifier_(std::move(identifier)), top_k_(top_k), min_words_(min_words) {}

  std::string_view name() const override { return kLangidStage; }

  void Process(Document& doc, StageContext& ctx) const override {
    thread_local std::vector<text::Span> spans;
    thread_local std::vector<uint32_t> span_words;
    thread_local std::vector<Prediction> preds;
    thread_local std::vector<SpanPrediction> span_preds;
    const std::string_view text = doc.text;
    ctx.Count("langid_v1.documents");

    SelectParagraphs(doc, &spans, &span_words);
    identifier_->PredictDocument(text, spans, top_k_, &preds,
                                 spans.empty() ? nullptr : &span_preds);

    // Letters by script over the whole text, paragraph by paragraph so that each analysed
    // paragraph's letter count comes out of the same single pass.
    ScriptCounts scripts;
    thread_local std::vector<uint64_t> span_letters;
    span_letters.assign(spans.size(), 0);
    size_t done = 0;
    for (size_t i = 0; i < spans.size(); ++i) {
      scripts.Add(text.substr(done, spans[i].begin - done));
      const uint64_t before = scripts.letters();
      scripts.Add(text.substr(spans[i].begin, spans[i].end - spans[i].begin));
      span_letters[i] = scripts.letters() - before;
      done = spans[i].end;
    }
    scripts.Add(text.substr(done));
    if (preds.empty()) {
      doc.language = "und";
      doc.language_score = 0;
      doc.language_script = std::string(scripts.Majority());
      ctx.Count("langid_v1.no_label");
    } else {
      LanguageAndScript ls = SplitLabel(preds[0].label);
      doc.language = std::string(ls.language);
      doc.language_score = ClampScore(preds[0].probability);
      doc.language_script = std::string(ls.script.empty() ? scripts.Majority() : ls.script);
    }

    // Text the normalizer found in a broken encoding: the model's guess (usually a European
    // language for Bijoy-encoded Bengali) is wrong by construction, so say "und" and why.
    if (const AttrValue* enc = doc.attrs.Get("normalize", "encoding")) {
      if (const auto* s = std::get_if<std::string>(enc);
          s != nullptr && (*s == "legacy_bengali" || *s == "mojibake")) {
        doc.language = "und";
        doc.language_score = 0;
        doc.attrs.Set(kAttrStage, "flag", *s);
        ctx.Count("langid_v1.flagged");
      }
    }

    std::string top = "[";
    for (size_t i = 0; i < preds.size(); ++i) {
      if (i > 0) top += ',';
      top += '[';
      AppendJsonString(preds[i].label, &top);
      top += ',';
      AppendScore(ClampScore(preds[i].probability), &top);
      top += ']';
    }
    top += ']';
    doc.attrs.Set(kAttrStage, "top", JsonFragment{std::move(top)});

    double main_share = preds.empty() ? 0.0 : 1.0;
    if (!spans.empty()) {
      main_share = ParagraphReport(doc, spans, span_words, span_letters, span_preds);
      ctx.Count("langid_v1.paragraphs_identified", static_cast<int64_t>(spans.size()));
    }
    doc.attrs.Set(kAttrStage, "main_share", main_share);
  }

 private:
  // Paragraphs of at least min_words_ words (doc.tokens inside the span; whitespace words when
  // the tokenizer has not run), only for documents with two or more paragraphs.
  void SelectParagraphs(const Document& doc, std::vector<text::Span>* spans,
                        std::vector<uint32_t>* words) const {
    spans->clear();
    words->clear();
    const auto& paragraphs = doc.seg.paragraphs;
    if (min_words_ <= 0 || paragraphs.size() < 2) return;
    size_t tok = 0;
    const size_t ntok = doc.tokens.size();
    uint32_t prev_end = 0;
    for (const text::Span& p : paragraphs) {
      // Spans come from another stage: skip any that are not sorted and inside the text.
      if (p.begin > p.end || p.end > doc.text.size() || p.begin < prev_end) continue;
      prev_end = p.end;
      uint32_t count;
      if (ntok > 0) {
        while (tok < ntok && doc.tokens[tok].begin < p.begin) ++tok;
        size_t t = tok;
        while (t < ntok && doc.tokens[t].begin < p.end) ++t;
        count = static_cast<uint32_t>(t - tok);
        tok = t;
      } else {
        count = CountWhitespaceWords(std::string_view(doc.text).substr(p.begin, p.end - p.begin));
      }
      if (count >= static_cast<uint32_t>(min_words_)) {
        spans->push_back(p);
        words->push_back(count);
      }
    }
  }

  // Writes langid.paragraphs / langid.paragraph_count; returns the share of the analysed
  // paragraphs' letters that are in paragraphs labelled with the document's language.
  double ParagraphReport(Document& doc, const std::vector<text::Span>& spans,
                         const std::vector<uint32_t>& words,
                         const std::vector<uint64_t>& span_letters,
                         const std::vector<SpanPrediction>& preds) const {
    uint64_t letters_total = 0, letters_main = 0;
    std::string json = "[";
    for (size_t i = 0; i < spans.size(); ++i) {
      const text::Span& s = spans[i];
      const uint64_t letters = span_letters[i];
      letters_total += letters;
      std::string_view language;
      if (i < preds.size() && preds[i].valid) {
        language = SplitLabel(preds[i].top.label).language;
        if (SameLanguage(language, doc.language)) letters_main += letters;
      }
      if (i < kMaxParagraphsListed) {
        if (i > 0) json += ',';
        json += "{\"begin\":" + std::to_string(s.begin) + ",\"end\":" + std::to_string(s.end) +
                ",\"words\":" + std::to_string(words[i]) + ",\"language\":";
        if (language.empty()) {
          json += "null,\"score\":0";
        } else {
          AppendJsonString(preds[i].top.label, &json);
          json += ",\"score\":";
          AppendScore(ClampScore(preds[i].top.probability), &json);
        }
        json += '}';
      }
    }
    json += ']';
    doc.attrs.Set(kAttrStage, "paragraphs", JsonFragment{std::move(json)});
    doc.attrs.Set(kAttrStage, "paragraph_count", static_cast<int64_t>(spans.size()));
    if (letters_total == 0) return 1.0;
    return static_cast<double>(letters_main) / static_cast<double>(letters_total);
  }

  std::shared_ptr<const LanguageIdentifier> identifier_;
  int top_k_;
  int min_words_;
};

class LanguageFilterStage final : public Stage {
 public:
  explicit LanguageFilterStage(std::vector<std::string> keep) : storage_(std::move(keep)) {
    for (const std::string& k : storage_) keep_.push_back(SplitLabel(k));
  }

  std::string_view name() const override { return kFilterStage; }

  void Process(Document& doc, StageContext& ctx) const override {
    bool kept = keep_.empty();
    for (const LanguageAndScript& k : keep_) {
      if (SameLanguage(doc.language, k.language) &&
          (k.script.empty() || k.script == doc.language_script)) {
        kept = true;
        break;
      }
    }
    if (kept && doc.profile != nullptr) {
      std::optional<double> min_score = doc.profile->Number("language_filter.min_score");
      if (min_score.has_value() && doc.language_score < *min_score) kept = false;
    }
    if (!kept) {
      doc.AddFilterReason("language");
      ctx.Count("language_filter_v1.removed");
    }
  }

 private:
  std::vector<std::string> storage_;  // owns the strings keep_ points into
  std::vector<LanguageAndScript> keep_;
};

}  // namespace

StatusOr<std::string> ResolveModelPath(const std::string& model, const std::string& cache_dir) {
  namespace fs = std::filesystem;
  if (model.empty()) return InvalidArgumentError("langid_v1: option model is empty");
  std::error_code ec;
  if (fs::path(model).is_absolute()) {
    if (fs::is_regular_file(model, ec)) return model;
    return NotFoundError("langid_v1: model file " + model + " does not exist");
  }
  std::vector<std::string> tried;
  if (!cache_dir.empty()) {
    tried.push_back((fs::path(cache_dir) / "models" / model).string());
    tried.push_back((fs::path(cache_dir) / model).string());
  }
  tried.push_back(model);
  for (const std::string& candidate : tried) {
    if (fs::is_regular_file(candidate, ec)) return candidate;
  }
  std::string list;
  for (const std::string& t : tried) list += (list.empty() ? "" : ", ") + t;
  return NotFoundError("langid_v1: model " + model + " not found (tried " + list +
                       "); run scripts/setup.sh to fetch lid.176.ftz");
}

}  // namespace langid

namespace {
OptionSpec MakeOption(std::string name, OptionType type, Value default_value, std::string help,
                      std::vector<std::string> choices = {}, double min = -1e300,
                      double max = 1e300) {
  OptionSpec spec;
  spec.name = std::move(name);
  spec.type = type;
  spec.default_value = std::move(default_value);
  spec.help = std::move(help);
  spec.choices = std::move(choices);
  spec.min = min;
  spec.max = max;
  return spec;
}
}  // namespace

void RegisterLangidStages(StageRegistry& registry) {
  using langid::Backend;
  StageSpec lid;
  lid.name = std::string(langid::kLangidStage);
  lid.family = "langid";
  lid.help =
      "Identifies the language of each document (doc.language, language_score, language_script; "
      "attributes langid.top, langid.main_share, langid.paragraphs).";
  lid.options = {
      MakeOption("backend", OptionType::kEnum, std::string("fasttext"),
                 "fasttext (any fastText language-ID model) or cld2", {"fasttext", "cld2"}),
      MakeOption("model", OptionType::kString, std::string("lid.176.ftz"),
                 "fastText model file; a relative name is looked up in <cache_dir>/models/, "
                 "<cache_dir>/, then the working directory"),
      MakeOption("top_k", OptionType::kInt, int64_t{3}, "labels kept in attribute langid.top", {},
                 1, 1000),
      MakeOption("paragraph_min_words", OptionType::kInt, int64_t{20},
                 "paragraphs with at least this many words are identified on their own (0: off)",
                 {}, 0, 1e9),
      MakeOption("fast_path", OptionType::kBool, true,
                 "fastText: chalni's own front end and SIMD inference (same labels); false: "
                 "libfasttext predictLine"),
      MakeOption("profile_min_score", OptionType::kDouble, 0.3,
                 "a document identified with a lower score keeps its language label but is "
                 "judged by the generic profile: a language's thresholds and stop words are for "
                 "text known to be in it (lid.176 calls text of languages it does not know, e.g. "
                 "Zulu or Shona, English with scores near 0.1)",
                 {}, 0, 1),
  };
  lid.create = [](const OptionValues& options,
                  const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    langid::IdentifierOptions o;
    o.backend = options.GetString("backend") == "cld2" ? Backend::kCld2 : Backend::kFastText;
    o.fast_path = options.GetBool("fast_path");
    if (o.backend == Backend::kFastText) {
      auto path = langid::ResolveModelPath(options.GetString("model"), env.cache_dir);
      if (!path.ok()) return path.status();
      o.model_path = *path;
    }
    auto identifier = langid::SharedIdentifier(o);
    if (!identifier.ok()) return identifier.status();
    return std::unique_ptr<Stage>(
        new langid::LangidStage(std::move(*identifier), static_cast<int>(options.GetInt("top_k")),
                                static_cast<int>(options.GetInt("paragraph_min_words"))));
  };
  registry.Register(std::move(lid));

  StageSpec filter;
  filter.name = std::string(langid::kFilterStage);
  filter.needs = {std::string(langid::kLangidStage)};  // doc.language
  filter.family = "langid";
  filter.help =
      "Removes documents (reason `language`) whose language is not in `keep` or whose score is "
      "below the profile's language_filter.min_score.";
  filter.options = {
      MakeOption("keep", OptionType::kStringList, std::vector<std::string>{},
                 "languages to keep (aliases match: bn keeps ben; bn_Beng also requires the "
                 "script); empty keeps every language"),
  };
  filter.create = [](const OptionValues& options,
                     const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
    std::vector<std::string> keep = options.GetStringList("keep");
    for (const std::string& k : keep) {
      if (k.empty()) return InvalidArgumentError("language_filter_v1: empty language in keep");
    }
    return std::unique_ptr<Stage>(new langid::LanguageFilterStage(std::move(keep)));
  };
  registry.Register(std::move(filter));
}

}  // namespace chalni
