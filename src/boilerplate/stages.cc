#include "boilerplate/stages.h"

#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "boilerplate/frequent_lines.h"
#include "boilerplate/line_rules.h"
#include "boilerplate/phrase_bank.h"
#include "boilerplate/pii.h"
#include "chalni/text/normalize.h"
#include "chalni/text/segment.h"
#include "chalni/text/tokenize.h"

namespace chalni {
namespace {

using boilerplate::PhraseBank;
using boilerplate::PhraseMatchOptions;

// Calls fn(line_index, line_text, line_tokens) for each line of doc.seg.lines. Tokens never
// cross a '\n', so one forward walk over doc.tokens assigns them.
template <typename Fn>
void ForEachLine(const Document& doc, Fn&& fn) {
  const std::string_view text = doc.text;
  const std::vector<text::Token>& tokens = doc.tokens;
  size_t tok = 0;
  for (uint32_t line_idx = 0; line_idx < doc.seg.lines.size(); ++line_idx) {
    const text::Span& line = doc.seg.lines[line_idx];
    while (tok < tokens.size() && tokens[tok].begin < line.begin) ++tok;
    size_t tok_end = tok;
    while (tok_end < tokens.size() && tokens[tok_end].end <= line.end) ++tok_end;
    fn(line_idx, text.substr(line.begin, line.end - line.begin),
       std::span<const text::Token>(tokens.data() + tok, tok_end - tok));
    tok = tok_end;
  }
}

// Keeps doc.removed_lines in line order after a stage appended to it (metadata lists them in
// that order); stable, so a line's entries keep pipeline order.
void SortRemovedLines(Document& doc) {
  std::stable_sort(doc.removed_lines.begin(), doc.removed_lines.end(),
                   [](const RemovedLine& a, const RemovedLine& b) { return a.line < b.line; });
}

// Lines some earlier stage already removed: recorded once, by the first rule in pipeline order.
class RemovedSet {
 public:
  explicit RemovedSet(const Document& doc) {
    for (const RemovedLine& r : doc.removed_lines) {
      if (r.line >= cut_.size()) cut_.resize(r.line + 1, false);
      cut_[r.line] = true;
    }
  }
  bool Contains(uint32_t line) const { return line < cut_.size() && cut_[line]; }

 private:
  std::vector<bool> cut_;
};

OptionSpec IntOption(std::string name, int64_t def, std::string help, double min, double max) {
  OptionSpec o;
  o.name = std::move(name);
  o.type = OptionType::kInt;
  o.default_value = def;
  o.help = std::move(help);
  o.min = min;
  o.max = max;
  return o;
}

OptionSpec BoolOption(std::string name, bool def, std::string help) {
  OptionSpec o;
  o.name = std::move(name);
  o.type = OptionType::kBool;
  o.default_value = def;
  o.help = std::move(help);
  return o;
}

// ---- chrome_phrase_v1 -----------------------------------------------------------------------
class ChromePhraseStage final : public Stage {
 public:
  ChromePhraseStage(std::unique_ptr<PhraseBank> bank, PhraseMatchOptions options)
      : bank_(std::move(bank)), options_(options) {}
  std::string_view name() const override { return "chrome_phrase_v1"; }

  void Process(Document& doc, StageContext& ctx) const override {
    RemovedSet removed(doc);
    int64_t n = 0;
    ForEachLine(doc, [&](uint32_t line_idx, std::string_view,
                         std::span<const text::Token> tokens) {
      const int limit = std::max(options_.max_words, options_.max_lead_in_words);
      if (tokens.empty() || static_cast<int>(tokens.size()) > limit) return;
      if (removed.Contains(line_idx)) return;
      if (!bank_->MatchLine(doc.text, tokens, options_).chrome) return;
      doc.removed_lines.push_back(RemovedLine{line_idx, "chrome_phrase"});
      ++n;
    });
    if (n > 0) {
      SortRemovedLines(doc);
      ctx.Count("chrome_phrase_v1.lines_removed", n);
      ctx.Count("chrome_phrase_v1.documents_with_chrome");
    }
  }

 private:
  std::unique_ptr<PhraseBank> bank_;
  PhraseMatchOptions options_;
};

// ---- byline_v1 ------------------------------------------------------------------------------
class BylineStage final : public Stage {
 public:
  std::string_view name() const override { return "byline_v1"; }
  void Process(Document& doc, StageContext& ctx) const override {
    RemovedSet removed(doc);
    int64_t n = 0;
    ForEachLine(doc, [&](uint32_t line_idx, std::string_view line,
                         std::span<const text::Token> tokens) {
      // Initials lines have <= 4 segments, credit lines <= 8 words: skip the rest unseen.
      if (tokens.size() > 8 || line.size() > 200 || removed.Contains(line_idx)) return;
      if (!boilerplate::IsBylineLine(line)) return;
      doc.removed_lines.push_back(RemovedLine{line_idx, "byline_initials"});
      ++n;
    });
    if (n > 0) {
      SortRemovedLines(doc);
      ctx.Count("byline_v1.lines_removed", n);
    }
  }
};

// ---- source_line_v1 -------------------------------------------------------------------------
class SourceLineStage final : public Stage {
 public:
  std::string_view name() const override { return "source_line_v1"; }
  void Process(Document& doc, StageContext& ctx) const override {
    int64_t n = 0;
    std::string first;
    ForEachLine(doc, [&](uint32_t, std::string_view line, std::span<const text::Token> tokens) {
      if (tokens.empty() || tokens.size() > 12 || line.size() > 240) return;
      std::optional<std::string_view> src = boilerplate::ParseSourceLine(line);
      if (!src) return;
      if (n == 0) first = std::string(*src);
      ++n;
    });
    if (n == 0) return;
    doc.attrs.Set("source_line", "source_attribution", first);
    doc.attrs.Set("source_line", "lines", n);
    ctx.Count("source_line_v1.lines", n);
    ctx.Count("source_line_v1.documents");
  }
};

// ---- pii_v1 ---------------------------------------------------------------------------------
class PiiStage final : public Stage {
 public:
  explicit PiiStage(std::unique_ptr<boilerplate::PiiRedactor> redactor)
      : redactor_(std::move(redactor)) {}
  std::string_view name() const override { return "pii_v1"; }
  void Process(Document& doc, StageContext& ctx) const override {
    const boilerplate::PiiCounts c = redactor_->Redact(&doc.text);
    if (c.total() == 0) return;
    // Placeholders hold no '\n': line indexes (and removed_lines) stay valid; spans do not.
    text::Segment(doc.text, &doc.seg);
    doc.tokens.clear();
    text::Tokenize(doc.text, &doc.tokens);
    if (c.email) {
      doc.attrs.Set("pii", "email", c.email);
      ctx.Count("pii_v1.email", c.email);
    }
    if (c.phone) {
      doc.attrs.Set("pii", "phone", c.phone);
      ctx.Count("pii_v1.phone", c.phone);
    }
    if (c.ip) {
      doc.attrs.Set("pii", "ip", c.ip);
      ctx.Count("pii_v1.ip", c.ip);
    }
    ctx.Count("pii_v1.documents");
  }

 private:
  std::unique_ptr<boilerplate::PiiRedactor> redactor_;
};

}  // namespace

void RegisterBoilerplateStages(StageRegistry& registry) {
  {
    StageSpec spec;
    spec.name = "chrome_phrase_v1";
    spec.needs = {"segment_v1"};  // lines and their words
    spec.family = "boilerplate";
    spec.help =
        "Removes short lines made of site-chrome phrases (comment forms, share/follow prompts, "
        "read more, navigation) from the bank data/boilerplate/<lang>.txt; reason chrome_phrase";
    OptionSpec langs;
    langs.name = "languages";
    langs.type = OptionType::kStringList;
    langs.default_value = std::vector<std::string>{"bn", "hi", "ur", "ar", "en"};
    langs.help = "phrase banks to load (data/boilerplate/<lang>.txt), all matched on every line";
    spec.options.push_back(std::move(langs));
    spec.options.push_back(IntOption("max_words", 16,
                                     "only lines of at most this many words can be chrome", 1,
                                     64));
    OptionSpec cov;
    cov.name = "min_coverage";
    cov.type = OptionType::kDouble;
    cov.default_value = 0.6;
    cov.help = "fraction of the line's words that bank phrases and fillers must cover";
    cov.min = 0.01;
    cov.max = 1;
    spec.options.push_back(std::move(cov));
    spec.options.push_back(IntOption("max_lead_in_words", 24,
                                     "link lead-in lines ('আরও পড়ুন: <title>') of at most this "
                                     "many words are chrome (0: off)",
                                     0, 64));
    spec.create = [](const OptionValues& values,
                     const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
      if (env.data_dir.empty()) {
        return FailedPreconditionError(
            "chrome_phrase_v1: no data directory to load boilerplate/<lang>.txt from");
      }
      auto normalizer = text::Normalizer::Create(text::NormalizeOptions{});
      if (!normalizer.ok()) return normalizer.status();
      auto bank = PhraseBank::Load(env.data_dir, values.GetStringList("languages"),
                                   normalizer->get());
      if (!bank.ok()) {
        return Status(bank.status().code(), "chrome_phrase_v1: " + bank.status().message());
      }
      PhraseMatchOptions o;
      o.max_words = static_cast<int>(values.GetInt("max_words"));
      o.min_coverage = values.GetDouble("min_coverage");
      o.max_lead_in_words = static_cast<int>(values.GetInt("max_lead_in_words"));
      return std::unique_ptr<Stage>(new ChromePhraseStage(std::move(*bank), o));
    };
    registry.Register(std::move(spec));
  }
  {
    StageSpec spec;
    spec.name = "byline_v1";
    spec.needs = {"segment_v1"};  // lines and their words
    spec.family = "boilerplate";
    spec.help =
        "Removes editor-initials lines (SO/N, এসএ/এমএস, -AR) and credit lines ((with inputs "
        "from agencies), (IANS)); reason byline_initials";
    spec.create = [](const OptionValues&, const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
      return std::unique_ptr<Stage>(new BylineStage());
    };
    registry.Register(std::move(spec));
  }
  {
    StageSpec spec;
    spec.name = "source_line_v1";
    spec.needs = {"segment_v1"};  // lines and their words
    spec.family = "boilerplate";
    spec.help =
        "Keeps source lines (সূত্র: আল জাজিরা, Source: Reuters, स्रोत: ..., ماخذ: ...) and records "
        "the first attribution in source_line.source_attribution";
    spec.create = [](const OptionValues&, const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
      return std::unique_ptr<Stage>(new SourceLineStage());
    };
    registry.Register(std::move(spec));
  }
  {
    StageSpec spec;
    spec.name = "pii_v1";
    spec.family = "boilerplate";
    spec.help =
        "Replaces e-mail addresses, phone numbers and IPv4/IPv6 addresses in the text with "
        "<EMAIL>, <PHONE>, <IP> (docs/BOILERPLATE.md lists the shapes)";
    spec.options = {
        BoolOption("email", true, "redact e-mail addresses"),
        BoolOption("phone", true,
                   "redact phone numbers (international +CC, trunk-0 national, 5+5 and 3+3+4 "
                   "groupings, in ASCII, Bengali, Devanagari or Arabic-Indic digits)"),
        BoolOption("ip", true, "redact IPv4 and IPv6 addresses"),
    };
    spec.create = [](const OptionValues& values,
                     const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
      boilerplate::PiiOptions o;
      o.email = values.GetBool("email");
      o.phone = values.GetBool("phone");
      o.ip = values.GetBool("ip");
      auto redactor = boilerplate::PiiRedactor::Create(o);
      if (!redactor.ok()) return redactor.status();
      return std::unique_ptr<Stage>(new PiiStage(std::move(*redactor)));
    };
    registry.Register(std::move(spec));
  }
  {
    StageSpec spec;
    spec.name = "frequent_lines_v1";
    spec.family = "boilerplate";
    spec.kind = StageKind::kGlobal;
    spec.help =
        "Global pass: lines that repeat within sites across many near-dup clusters are learned "
        "as chrome and removed (reason frequent_line); syndicated articles keep their lines";
    spec.options = boilerplate::FrequentLineOptionSpecs();
    registry.Register(std::move(spec));
  }
}

}  // namespace chalni
