#include "filters/stages.h"

#include <memory>
#include <string>
#include <utility>

#include "chalni/text/normalize.h"
#include "filters/lexicon.h"
#include "filters/signals.h"
#include "filters/threshold_filter.h"

namespace chalni {
namespace {

using filters::Compare;
using filters::ThresholdFilterStage;
using filters::ThresholdRule;

// The normalizer that lexicon entries go through (the documents' defaults; docs/TEXT.md).
StatusOr<std::unique_ptr<text::Normalizer>> LexiconNormalizer() {
  return text::Normalizer::Create(text::NormalizeOptions{});
}

// ---- Gopher quality -------------------------------------------------------------------------
class GopherQualitySignalsStage : public Stage {
 public:
  explicit GopherQualitySignalsStage(std::unique_ptr<text::Normalizer> normalizer)
      : normalizer_(std::move(normalizer)),
        cache_(std::make_unique<filters::LexiconCache>(normalizer_.get())) {}
  std::string_view name() const override { return "gopher_quality_signals_v1"; }

  void Process(Document& doc, StageContext& ctx) const override {
    const filters::Lexicon* lexicon = nullptr;
    const char* skipped = nullptr;
    if (doc.profile == nullptr) {
      skipped = "skipped_no_profile";
    } else {
      lexicon = cache_->Get(*doc.profile, "gopher_quality.stop_words");
      if (lexicon == nullptr) skipped = "skipped_no_lexicon";
    }
    const filters::GopherQualitySignals s =
        filters::ComputeGopherQuality(doc, lexicon ? &lexicon->words : nullptr);
    Attributes& a = doc.attrs;
    a.Set(kSet, "word_count", s.word_count);
    a.Set(kSet, "mean_word_length", s.mean_word_length);
    a.Set(kSet, "hash_word_ratio", s.hash_word_ratio);
    a.Set(kSet, "ellipsis_word_ratio", s.ellipsis_word_ratio);
    a.Set(kSet, "bullet_lines_ratio", s.bullet_lines_ratio);
    a.Set(kSet, "ellipsis_lines_ratio", s.ellipsis_lines_ratio);
    a.Set(kSet, "alpha_words_ratio", s.alpha_words_ratio);
    if (lexicon != nullptr) {
      a.Set(kSet, "stop_words", s.stop_words);
    } else {
      a.Set(kSet, "stop_words", std::string(skipped));
      ctx.Count(skipped == std::string_view("skipped_no_profile")
                    ? "gopher_quality_signals_v1.stop_words_skipped_no_profile"
                    : "gopher_quality_signals_v1.stop_words_skipped_no_lexicon");
    }
  }

 private:
  static constexpr std::string_view kSet = "gopher_quality";
  std::unique_ptr<text::Normalizer> normalizer_;
  std::unique_ptr<filters::LexiconCache> cache_;  // thread-safe; mutable state behind const
};

std::unique_ptr<Stage> MakeGopherQualityFilter() {
  return std::make_unique<ThresholdFilterStage>(
      "gopher_quality_filter_v1", "gopher_quality",
      std::vector<ThresholdRule>{
          {"gopher_quality.min_doc_words", "word_count", Compare::kRemoveBelow,
           "gopher_short_doc"},
          {"gopher_quality.max_doc_words", "word_count", Compare::kRemoveAbove,
           "gopher_long_doc"},
          {"gopher_quality.min_avg_word_length", "mean_word_length", Compare::kRemoveBelow,
           "gopher_below_avg_threshold", "word_count"},
          {"gopher_quality.max_avg_word_length", "mean_word_length", Compare::kRemoveAbove,
           "gopher_above_avg_threshold", "word_count"},
          {"gopher_quality.max_symbol_word_ratio", "hash_word_ratio", Compare::kRemoveAbove,
           "gopher_too_many_hashes", "word_count"},
          {"gopher_quality.max_symbol_word_ratio", "ellipsis_word_ratio", Compare::kRemoveAbove,
           "gopher_too_many_ellipsis", "word_count"},
          {"gopher_quality.max_bullet_lines_ratio", "bullet_lines_ratio", Compare::kRemoveAbove,
           "gopher_too_many_bullets"},
          {"gopher_quality.max_ellipsis_lines_ratio", "ellipsis_lines_ratio",
           Compare::kRemoveAbove, "gopher_too_many_end_ellipsis"},
          {"gopher_quality.min_alpha_words_ratio", "alpha_words_ratio", Compare::kRemoveBelow,
           "gopher_below_alpha_threshold", "word_count"},
          {"gopher_quality.min_stop_words", "stop_words", Compare::kRemoveBelow,
           "gopher_too_few_stop_words"},
      });
}

// ---- Gopher repetition ----------------------------------------------------------------------
class GopherRepetitionSignalsStage : public Stage {
 public:
  std::string_view name() const override { return "gopher_repetition_signals_v1"; }
  void Process(Document& doc, StageContext& ctx) const override {
    const filters::GopherRepetitionSignals s = filters::ComputeGopherRepetition(doc);
    Attributes& a = doc.attrs;
    a.Set(kSet, "dup_line_frac", s.dup_line_frac);
    a.Set(kSet, "dup_para_frac", s.dup_para_frac);
    a.Set(kSet, "dup_line_char_frac", s.dup_line_char_frac);
    a.Set(kSet, "dup_para_char_frac", s.dup_para_char_frac);
    static constexpr std::string_view kTop[] = {"top_2_gram_char_frac", "top_3_gram_char_frac",
                                                "top_4_gram_char_frac"};
    for (int i = 0; i < 3; ++i) a.Set(kSet, kTop[i], s.top_ngram_char_frac[i]);
    static constexpr std::string_view kDup[] = {
        "dup_5_gram_char_frac", "dup_6_gram_char_frac", "dup_7_gram_char_frac",
        "dup_8_gram_char_frac", "dup_9_gram_char_frac", "dup_10_gram_char_frac"};
    for (int i = 0; i < 6; ++i) a.Set(kSet, kDup[i], s.dup_ngram_char_frac[i]);
  }

 private:
  static constexpr std::string_view kSet = "gopher_repetition";
};

std::unique_ptr<Stage> MakeGopherRepetitionFilter() {
  constexpr Compare kAbove = Compare::kRemoveAbove;
  return std::make_unique<ThresholdFilterStage>(
      "gopher_repetition_filter_v1", "gopher_repetition",
      std::vector<ThresholdRule>{
          {"gopher_repetition.max_dup_para_frac", "dup_para_frac", kAbove,
           "gopher_dup_para_frac"},
          {"gopher_repetition.max_dup_para_char_frac", "dup_para_char_frac", kAbove,
           "gopher_dup_para_char_frac"},
          {"gopher_repetition.max_dup_line_frac", "dup_line_frac", kAbove,
           "gopher_dup_line_frac"},
          {"gopher_repetition.max_dup_line_char_frac", "dup_line_char_frac", kAbove,
           "gopher_dup_line_char_frac"},
          {"gopher_repetition.max_top_2_gram_char_frac", "top_2_gram_char_frac", kAbove,
           "gopher_top_2_gram"},
          {"gopher_repetition.max_top_3_gram_char_frac", "top_3_gram_char_frac", kAbove,
           "gopher_top_3_gram"},
          {"gopher_repetition.max_top_4_gram_char_frac", "top_4_gram_char_frac", kAbove,
           "gopher_top_4_gram"},
          {"gopher_repetition.max_dup_5_gram_char_frac", "dup_5_gram_char_frac", kAbove,
           "gopher_dup_5_gram"},
          {"gopher_repetition.max_dup_6_gram_char_frac", "dup_6_gram_char_frac", kAbove,
           "gopher_dup_6_gram"},
          {"gopher_repetition.max_dup_7_gram_char_frac", "dup_7_gram_char_frac", kAbove,
           "gopher_dup_7_gram"},
          {"gopher_repetition.max_dup_8_gram_char_frac", "dup_8_gram_char_frac", kAbove,
           "gopher_dup_8_gram"},
          {"gopher_repetition.max_dup_9_gram_char_frac", "dup_9_gram_char_frac", kAbove,
           "gopher_dup_9_gram"},
          {"gopher_repetition.max_dup_10_gram_char_frac", "dup_10_gram_char_frac", kAbove,
           "gopher_dup_10_gram"},
      });
}

// ---- C4 -------------------------------------------------------------------------------------
// Line rules need per-line features; attributes hold per-document summaries, so the filter
// recomputes the line features with the same function (one pass over the lines) rather than
// carrying a per-line table in the document.
filters::C4Lexicon PolicyLexicon(filters::LexiconCache& cache, const Profile* profile) {
  filters::C4Lexicon lexicon;
  if (profile == nullptr) return lexicon;
  if (const filters::Lexicon* l = cache.Get(*profile, "c4.policy_phrases")) {
    lexicon.policy_phrases = l->phrases;
  }
  return lexicon;
}

class C4SignalsStage : public Stage {
 public:
  explicit C4SignalsStage(std::unique_ptr<text::Normalizer> normalizer)
      : normalizer_(std::move(normalizer)),
        cache_(std::make_unique<filters::LexiconCache>(normalizer_.get())) {}
  std::string_view name() const override { return "c4_signals_v1"; }
  void Process(Document& doc, StageContext& ctx) const override {
    thread_local std::vector<filters::C4Line> lines;
    filters::AnalyzeC4Lines(doc, PolicyLexicon(*cache_, doc.profile), &lines);
    const filters::C4Signals s = filters::SummarizeC4(lines);
    Attributes& a = doc.attrs;
    a.Set(kSet, "lines", s.lines);
    a.Set(kSet, "lines_no_terminal_punct", s.lines_no_terminal_punct);
    a.Set(kSet, "lines_javascript", s.lines_javascript);
    a.Set(kSet, "lines_policy", s.lines_policy);
    a.Set(kSet, "max_word_chars", s.max_word_chars);
    a.Set(kSet, "citations", s.citations);
    a.Set(kSet, "sentences", s.sentences);
    a.Set(kSet, "lorem_ipsum", s.lorem_ipsum);
    a.Set(kSet, "curly_bracket", s.curly_bracket);
  }

 private:
  static constexpr std::string_view kSet = "c4";
  std::unique_ptr<text::Normalizer> normalizer_;
  std::unique_ptr<filters::LexiconCache> cache_;
};

class C4FilterStage : public Stage {
 public:
  explicit C4FilterStage(std::unique_ptr<text::Normalizer> normalizer)
      : normalizer_(std::move(normalizer)),
        cache_(std::make_unique<filters::LexiconCache>(normalizer_.get())) {}
  std::string_view name() const override { return "c4_filter_v1"; }
  void Process(Document& doc, StageContext& ctx) const override {
    if (doc.profile == nullptr) {
      ctx.Count("filters.no_profile");
      return;
    }
    const Profile& p = *doc.profile;
    filters::C4Rules rules;
    rules.remove_no_terminal_punct_lines =
        filters::SwitchOn(p, "c4.remove_no_terminal_punct_lines");
    rules.min_words_per_line = filters::IntOr(p, "c4.min_words_per_line", -1);
    rules.max_word_length = filters::IntOr(p, "c4.max_word_length", -1);
    rules.remove_javascript_lines = filters::SwitchOn(p, "c4.remove_javascript_lines");
    rules.remove_policy_lines = filters::SwitchOn(p, "c4.remove_policy_lines");
    rules.remove_lorem_ipsum_docs = filters::SwitchOn(p, "c4.remove_lorem_ipsum_docs");
    rules.remove_curly_bracket_docs = filters::SwitchOn(p, "c4.remove_curly_bracket_docs");
    rules.min_num_sentences = filters::IntOr(p, "c4.min_num_sentences", -1);
    const bool any_rule = rules.remove_no_terminal_punct_lines || rules.min_words_per_line >= 0 ||
                          rules.max_word_length >= 0 || rules.remove_javascript_lines ||
                          rules.remove_policy_lines || rules.remove_lorem_ipsum_docs ||
                          rules.remove_curly_bracket_docs || rules.min_num_sentences >= 0;
    if (!any_rule) return;
    thread_local std::vector<filters::C4Line> lines;
    filters::AnalyzeC4Lines(doc, PolicyLexicon(*cache_, doc.profile), &lines);
    filters::C4Decision d = filters::DecideC4(lines, rules);
    doc.attrs.Set("c4", "kept_sentences", d.kept_sentences);
    for (RemovedLine& line : d.removed_lines) {
      ctx.Count("c4_filter_v1.lines_removed." + line.reason);
      doc.removed_lines.push_back(std::move(line));
    }
    for (const std::string& reason : d.doc_reasons) {
      doc.AddFilterReason(reason);
      ctx.Count("c4_filter_v1.removed." + reason);
    }
  }

 private:
  std::unique_ptr<text::Normalizer> normalizer_;
  std::unique_ptr<filters::LexiconCache> cache_;
};

// ---- FineWeb --------------------------------------------------------------------------------
class FineWebSignalsStage : public Stage {
 public:
  explicit FineWebSignalsStage(int64_t short_line_length)
      : short_line_length_(short_line_length) {}
  std::string_view name() const override { return "fineweb_signals_v1"; }
  void Process(Document& doc, StageContext& ctx) const override {
    const filters::FineWebSignals s = filters::ComputeFineWeb(doc, short_line_length_);
    Attributes& a = doc.attrs;
    a.Set(kSet, "lines", s.lines);
    a.Set(kSet, "line_punct_ratio", s.line_punct_ratio);
    a.Set(kSet, "short_line_ratio", s.short_line_ratio);
    a.Set(kSet, "char_dup_ratio", s.char_dup_ratio);
    a.Set(kSet, "newline_ratio", s.newline_ratio);
  }

 private:
  static constexpr std::string_view kSet = "fineweb";
  int64_t short_line_length_;
};

std::unique_ptr<Stage> MakeFineWebFilter() {
  return std::make_unique<ThresholdFilterStage>(
      "fineweb_filter_v1", "fineweb",
      std::vector<ThresholdRule>{
          {"fineweb.min_line_punct_ratio", "line_punct_ratio", Compare::kRemoveBelow,
           "fineweb_line_punct_ratio", "lines", "fineweb.line_punct_exclude_zero"},
          {"fineweb.max_short_line_ratio", "short_line_ratio", Compare::kRemoveAbove,
           "fineweb_short_line_ratio", "lines"},
          {"fineweb.max_char_dup_ratio", "char_dup_ratio", Compare::kRemoveAbove,
           "fineweb_char_dup_ratio", "lines"},
          {"fineweb.max_newline_ratio", "newline_ratio", Compare::kRemoveAbove,
           "fineweb_list_ratio", "lines"},
      });
}

// ---- registration ---------------------------------------------------------------------------
template <typename StageT>
StatusOr<std::unique_ptr<Stage>> WithNormalizer() {
  StatusOr<std::unique_ptr<text::Normalizer>> normalizer = LexiconNormalizer();
  if (!normalizer.ok()) return normalizer.status();
  return std::unique_ptr<Stage>(std::make_unique<StageT>(std::move(*normalizer)));
}

StageSpec Spec(std::string name, std::string help, std::vector<OptionSpec> options,
               decltype(StageSpec::create) create, std::vector<std::string> needs) {
  StageSpec spec;
  spec.needs = std::move(needs);
  spec.name = std::move(name);
  spec.family = "filters";
  spec.help = std::move(help);
  spec.options = std::move(options);
  spec.create = std::move(create);
  return spec;
}

}  // namespace

void RegisterFilterStages(StageRegistry& registry) {
  registry.Register(Spec(
      "gopher_quality_signals_v1",
      "Gopher quality signals (Rae et al. 2021): word count, mean word length, '#' and ellipsis "
      "per word, bullet and ellipsis lines, words with a letter, stop-word occurrences",
      {}, [](const OptionValues&, const StageEnv&) {
        return WithNormalizer<GopherQualitySignalsStage>();
      },
      {"segment_v1"}));
  registry.Register(Spec(
      "gopher_quality_filter_v1",
      "Gopher quality rules: thresholds gopher_quality.* of the document's profile", {},
      [](const OptionValues&, const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
        return MakeGopherQualityFilter();
      },
      {"gopher_quality_signals_v1"}));
  registry.Register(Spec(
      "gopher_repetition_signals_v1",
      "Gopher repetition signals: duplicate lines and paragraphs (by count and characters), "
      "top 2/3/4-gram and duplicated 5..10-gram character fractions",
      {}, [](const OptionValues&, const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
        return std::unique_ptr<Stage>(std::make_unique<GopherRepetitionSignalsStage>());
      },
      {"segment_v1"}));
  registry.Register(Spec(
      "gopher_repetition_filter_v1",
      "Gopher repetition rules: thresholds gopher_repetition.* of the document's profile", {},
      [](const OptionValues&, const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
        return MakeGopherRepetitionFilter();
      },
      {"gopher_repetition_signals_v1"}));
  registry.Register(Spec(
      "c4_signals_v1",
      "C4 signals (Raffel et al. 2020): per-document counts of unterminated, javascript and "
      "policy lines, citations, longest word, sentences, lorem ipsum, curly brackets",
      {}, [](const OptionValues&, const StageEnv&) { return WithNormalizer<C4SignalsStage>(); },
      {"segment_v1"}));
  registry.Register(Spec(
      "c4_filter_v1",
      "C4 rules: line rules record doc.removed_lines (the writer cuts them from kept text), "
      "document rules remove; thresholds c4.* of the document's profile",
      {}, [](const OptionValues&, const StageEnv&) { return WithNormalizer<C4FilterStage>(); },
      {"segment_v1"}));
  OptionSpec short_line;
  short_line.name = "short_line_length";
  short_line.type = OptionType::kInt;
  short_line.default_value = int64_t{30};
  short_line.help = "a line of at most this many code points is short (FineWeb: 30)";
  short_line.min = 1;
  short_line.max = 1000000;
  registry.Register(Spec(
      "fineweb_signals_v1",
      "FineWeb signals (Penedo et al. 2024): lines ending in terminal punctuation, short lines, "
      "characters in repeated lines, line breaks per word",
      {short_line},
      [](const OptionValues& options, const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
        return std::unique_ptr<Stage>(
            std::make_unique<FineWebSignalsStage>(options.GetInt("short_line_length")));
      },
      {"segment_v1"}));
  registry.Register(Spec(
      "fineweb_filter_v1", "FineWeb rules: thresholds fineweb.* of the document's profile", {},
      [](const OptionValues&, const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
        return MakeFineWebFilter();
      },
      {"fineweb_signals_v1"}));
}

}  // namespace chalni
