#include "langid/stages.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "chalni/langid/langid.h"
#include "chalni/langid/script.h"
#include "test_util.h"

namespace chalni {
namespace {

using langid::testing::ModelPath;

const StageSpec& Spec(const StageRegistry& registry, std::string_view name) {
  const StageSpec* spec = registry.Find(name);
  CHALNI_CHECK(spec != nullptr);
  return *spec;
}

// Option values as the configuration loader would produce them: every declared default, then
// the overrides.
OptionValues Defaults(const StageSpec& spec,
                      std::vector<std::pair<std::string, Value>> overrides = {}) {
  OptionValues values;
  for (const OptionSpec& o : spec.options) values.Set(o.name, o.default_value);
  for (auto& [name, value] : overrides) values.Set(name, std::move(value));
  return values;
}

StageEnv Env() {
  StageEnv env;
  env.cache_dir = CHALNI_SOURCE_DIR "/.cache";
  return env;
}

std::string Attr(const Document& doc, std::string_view key) {
  const AttrValue* v = doc.attrs.Get("langid", key);
  if (v == nullptr) return "<absent>";
  if (const auto* j = std::get_if<JsonFragment>(v)) return j->json;
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  if (const auto* d = std::get_if<double>(v)) return std::to_string(*d);
  if (const auto* i = std::get_if<int64_t>(v)) return std::to_string(*i);
  return "<other>";
}

// Paragraph spans the way the segmenter makes them: runs of non-blank lines.
void SegmentParagraphs(Document* doc) {
  doc->seg.Clear();
  const std::string& t = doc->text;
  size_t pos = 0;
  while (pos < t.size()) {
    while (pos < t.size() && t[pos] == '\n') ++pos;
    if (pos >= t.size()) break;
    size_t end = t.find("\n\n", pos);
    if (end == std::string::npos) end = t.size();
    doc->seg.paragraphs.push_back({static_cast<uint32_t>(pos), static_cast<uint32_t>(end)});
    pos = end;
  }
}

class LangidStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CHALNI_REQUIRE_MODEL();
    RegisterLangidStages(registry_);
  }
  std::unique_ptr<Stage> Make(std::vector<std::pair<std::string, Value>> overrides = {}) {
    const StageSpec& spec = Spec(registry_, "langid_v1");
    auto stage = spec.create(Defaults(spec, std::move(overrides)), Env());
    CHALNI_CHECK(stage.ok());
    return std::move(*stage);
  }
  StageRegistry registry_;
  StageContext ctx_{0};
};

TEST(LangidRegistryTest, DeclaresStagesAndOptions) {
  StageRegistry registry;
  RegisterLangidStages(registry);
  EXPECT_EQ(registry.KnownNames(), "langid_v1, language_filter_v1");
  const StageSpec& lid = Spec(registry, "langid_v1");
  std::vector<std::string> names;
  for (const OptionSpec& o : lid.options) names.push_back(o.name);
  EXPECT_EQ(names, (std::vector<std::string>{"backend", "model", "top_k", "paragraph_min_words",
                                             "fast_path", "profile_min_score"}));
  EXPECT_EQ(std::get<std::string>(lid.options[0].default_value), "fasttext");
  EXPECT_EQ(lid.options[0].choices, (std::vector<std::string>{"fasttext", "cld2"}));
  EXPECT_EQ(std::get<std::string>(lid.options[1].default_value), "lid.176.ftz");
  EXPECT_EQ(std::get<int64_t>(lid.options[2].default_value), 3);
  EXPECT_EQ(std::get<int64_t>(lid.options[3].default_value), 20);
  EXPECT_EQ(std::get<bool>(lid.options[4].default_value), true);
  const StageSpec& filter = Spec(registry, "language_filter_v1");
  ASSERT_EQ(filter.options.size(), 1u);
  EXPECT_TRUE(std::get<std::vector<std::string>>(filter.options[0].default_value).empty());
}

TEST(LangidRegistryTest, MissingModelIsAClearError) {
  StageRegistry registry;
  RegisterLangidStages(registry);
  const StageSpec& spec = Spec(registry, "langid_v1");
  StageEnv env;
  env.cache_dir = "/nonexistent/cache";
  auto stage = spec.create(Defaults(spec, {{"model", std::string("nope.ftz")}}), env);
  ASSERT_FALSE(stage.ok());
  EXPECT_EQ(stage.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(stage.status().message(),
            "langid_v1: model nope.ftz not found (tried /nonexistent/cache/models/nope.ftz, "
            "/nonexistent/cache/nope.ftz, nope.ftz); run scripts/setup.sh to fetch lid.176.ftz");
  auto absolute = spec.create(Defaults(spec, {{"model", std::string("/nonexistent/x.ftz")}}), env);
  ASSERT_FALSE(absolute.ok());
  EXPECT_EQ(absolute.status().message(), "langid_v1: model file /nonexistent/x.ftz does not exist");
}

TEST(LangidRegistryTest, ResolvesModelInCacheDirModels) {
  CHALNI_REQUIRE_MODEL();
  auto path = langid::ResolveModelPath("lid.176.ftz", CHALNI_SOURCE_DIR "/.cache");
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(*path, CHALNI_SOURCE_DIR "/.cache/models/lid.176.ftz");
  auto absolute = langid::ResolveModelPath(ModelPath(), "/elsewhere");
  ASSERT_TRUE(absolute.ok());
  EXPECT_EQ(*absolute, ModelPath());
}

// The seed article is Bengali, with a score above 0.9, in both fastText modes and with CLD2.
TEST_F(LangidStageTest, SeedIsBengali) {
  CHALNI_REQUIRE_FILE(langid::testing::SeedPath());
  const std::string seed = langid::testing::ReadFile(langid::testing::SeedPath());
  for (bool fast : {true, false}) {
    Document doc;
    doc.text = seed;
    SegmentParagraphs(&doc);
    Make({{"fast_path", fast}})->Process(doc, ctx_);
    EXPECT_EQ(doc.language, "bn") << "fast_path " << fast;
    EXPECT_GT(doc.language_score, 0.9) << "fast_path " << fast;
    EXPECT_EQ(doc.language_script, "Beng");
    EXPECT_EQ(Attr(doc, "top").substr(0, 7), "[[\"bn\",");
  }
  Document doc;
  doc.text = seed;
  Make({{"backend", std::string("cld2")}})->Process(doc, ctx_);
  EXPECT_EQ(doc.language, "bn");
  EXPECT_GT(doc.language_score, 0.9);
  EXPECT_EQ(doc.language_script, "Beng");
}

TEST_F(LangidStageTest, LabelsScriptAndTopK) {
  Document doc;
  doc.text = "বাংলা ভাষা দক্ষিণ এশিয়ার বঙ্গ অঞ্চলের মানুষের মাতৃভাষা।";
  auto stage = Make({{"top_k", int64_t{2}}});
  stage->Process(doc, ctx_);
  EXPECT_EQ(doc.language, "bn");
  EXPECT_EQ(doc.language_script, "Beng");
  // Two labels, the first bn: [["bn",0.9xxx],["xx",0.0xxx]].
  std::string top = Attr(doc, "top");
  EXPECT_EQ(top.substr(0, 8), "[[\"bn\",0");
  EXPECT_EQ(std::count(top.begin(), top.end(), '['), 3) << top;
  EXPECT_EQ(Attr(doc, "main_share"), std::to_string(1.0));
  EXPECT_EQ(Attr(doc, "paragraphs"), "<absent>");  // one paragraph: nothing to split
  EXPECT_EQ(ctx_.counters().at("langid_v1.documents"), 1);
}

TEST_F(LangidStageTest, EmptyTextIsUndetermined) {
  Document doc;
  doc.text = "  \n ";
  Make()->Process(doc, ctx_);
  EXPECT_EQ(doc.language, "und");
  EXPECT_EQ(doc.language_score, 0);
  EXPECT_EQ(doc.language_script, "Zyyy");
  EXPECT_EQ(Attr(doc, "top"), "[]");
  EXPECT_EQ(Attr(doc, "main_share"), std::to_string(0.0));
  EXPECT_EQ(ctx_.counters().at("langid_v1.no_label"), 1);
}

struct FlagCase {
  const char* encoding;
  bool flagged;
};

// Bijoy-encoded Bengali is ASCII soup to the model; the normalizer's flag wins.
TEST_F(LangidStageTest, LegacyEncodingIsFlaggedNotGuessed) {
  const FlagCase kCases[] = {
      {"legacy_bengali", true}, {"mojibake", true}, {"mojibake_repaired", false}, {"none", false}};
  auto stage = Make();
  for (const FlagCase& c : kCases) {
    Document doc;
    doc.text = "Avgvi †mvbvi evsjv Avwg †Zvgvq fvjevwm";  // "Amar sonar bangla" in Bijoy
    doc.attrs.Set("normalize", "encoding", std::string(c.encoding));
    stage->Process(doc, ctx_);
    if (c.flagged) {
      EXPECT_EQ(doc.language, "und") << c.encoding;
      EXPECT_EQ(doc.language_score, 0) << c.encoding;
      EXPECT_EQ(Attr(doc, "flag"), c.encoding);
    } else {
      EXPECT_NE(doc.language, "und") << c.encoding;
      EXPECT_EQ(Attr(doc, "flag"), "<absent>") << c.encoding;
    }
    EXPECT_EQ(doc.language_script, "Latn") << c.encoding;
  }
}

// A Bengali article with one English paragraph: each long paragraph is labelled, short ones
// are left out, and main_share is the Bengali paragraphs' share of the analysed letters.
TEST_F(LangidStageTest, MixedDocumentParagraphs) {
  const std::string bn1 =
      "ইরাকের রাজধানী বাগদাদে মার্কিন দূতাবাসের কাছে রকেট হামলার ঘটনা ঘটেছে। এতে কেউ হতাহত হয়নি "
      "বলে জানিয়েছে দেশটির নিরাপত্তা বাহিনী। হামলার দায় এখনো কেউ স্বীকার করেনি। এর আগেও একাধিকবার "
      "এমন হামলা হয়েছে।";
  const std::string en =
      "The embassy said in a statement that it was aware of the reports and that all of its staff "
      "were safe and accounted for after the attack on the compound late on Sunday night.";
  const std::string shorty = "SO/N";
  const std::string bn2 =
      "স্থানীয় সময় রোববার রাতে এই হামলা চালানো হয় বলে জানিয়েছে সংবাদমাধ্যম আল জাজিরা। গত কয়েক "
      "মাসে বাগদাদের গ্রিন জোন এলাকায় এ ধরনের বেশ কিছু হামলার ঘটনা ঘটেছে বলে খবরে বলা হয়েছে।";
  Document doc;
  doc.text = bn1 + "\n\n" + en + "\n\n" + shorty + "\n\n" + bn2;
  SegmentParagraphs(&doc);
  ASSERT_EQ(doc.seg.paragraphs.size(), 4u);
  Make()->Process(doc, ctx_);
  EXPECT_EQ(doc.language, "bn");
  std::string paragraphs = Attr(doc, "paragraphs");
  EXPECT_NE(paragraphs.find("\"language\":\"en\""), std::string::npos) << paragraphs;
  EXPECT_EQ(paragraphs.find("\"words\":1,"), std::string::npos) << paragraphs;  // SO/N skipped
  EXPECT_EQ(Attr(doc, "paragraph_count"), "3");
  uint64_t bn_letters = langid::CountLetters(bn1) + langid::CountLetters(bn2);
  uint64_t all = bn_letters + langid::CountLetters(en);
  const AttrValue* share = doc.attrs.Get("langid", "main_share");
  ASSERT_NE(share, nullptr);
  EXPECT_DOUBLE_EQ(std::get<double>(*share), double(bn_letters) / double(all));
  EXPECT_LT(std::get<double>(*share), 0.9);
  EXPECT_GT(std::get<double>(*share), 0.5);

  // paragraph_min_words: 0 turns the analysis off.
  Document off;
  off.text = doc.text;
  off.seg = doc.seg;
  Make({{"paragraph_min_words", int64_t{0}}})->Process(off, ctx_);
  EXPECT_EQ(Attr(off, "paragraphs"), "<absent>");
  EXPECT_EQ(Attr(off, "main_share"), std::to_string(1.0));
}

// Paragraph word counts come from doc.tokens when the tokenizer has run.
TEST_F(LangidStageTest, ParagraphWordsFromTokens) {
  Document doc;
  doc.text = "one two three four five\n\nsix seven";
  SegmentParagraphs(&doc);
  // Tokens: pretend the tokenizer found 5 words in the first paragraph and 2 in the second.
  for (uint32_t b : {0u, 4u, 8u, 14u, 19u, 25u, 29u}) doc.tokens.push_back({b, b + 3, 0, 1, 3});
  Make({{"paragraph_min_words", int64_t{5}}})->Process(doc, ctx_);
  EXPECT_EQ(Attr(doc, "paragraph_count"), "1");
  EXPECT_NE(Attr(doc, "paragraphs").find("\"words\":5"), std::string::npos);
}

class LanguageFilterTest : public ::testing::Test {
 protected:
  void SetUp() override { RegisterLangidStages(registry_); }
  std::unique_ptr<Stage> Make(std::vector<std::string> keep) {
    const StageSpec& spec = Spec(registry_, "language_filter_v1");
    auto stage = spec.create(Defaults(spec, {{"keep", std::move(keep)}}), StageEnv{});
    CHALNI_CHECK(stage.ok());
    return std::move(*stage);
  }
  StageRegistry registry_;
  StageContext ctx_{0};
};

struct FilterCase {
  std::vector<std::string> keep;
  const char* language;
  const char* script;
  double score;
  std::optional<double> min_score;  // nullopt: no profile; NaN: profile with the key disabled
  bool removed;
};

TEST_F(LanguageFilterTest, KeepAndMinScore) {
  const double kDisabled = std::nan("");
  const FilterCase kCases[] = {
      {{}, "bn", "Beng", 0.10, std::nullopt, false},  // default keeps everything
      {{}, "und", "Zyyy", 0.0, std::nullopt, false},
      {{"bn"}, "bn", "Beng", 0.99, std::nullopt, false},
      {{"bn"}, "ben", "Beng", 0.99, std::nullopt, false},  // alias
      {{"ben"}, "bn", "Beng", 0.99, std::nullopt, false},
      {{"bn"}, "as", "Beng", 0.99, std::nullopt, true},
      {{"bn", "hi"}, "hi", "Deva", 0.99, std::nullopt, false},
      {{"bn_Beng"}, "bn", "Beng", 0.99, std::nullopt, false},
      {{"bn_Beng"}, "bn", "Latn", 0.99, std::nullopt, true},  // romanized Bengali
      {{"bn"}, "und", "Latn", 0.0, std::nullopt, true},
      {{}, "en", "Latn", 0.60, 0.65, true},  // FineWeb's English threshold
      {{}, "en", "Latn", 0.65, 0.65, false},
      {{"en"}, "en", "Latn", 0.90, 0.65, false},
      {{}, "en", "Latn", 0.10, kDisabled, false},  // disabled in the profile
  };
  for (const FilterCase& c : kCases) {
    auto stage = Make(c.keep);
    Profile profile("test");
    Document doc;
    doc.language = c.language;
    doc.language_script = c.script;
    doc.language_score = c.score;
    if (c.min_score.has_value()) {
      if (std::isnan(*c.min_score)) {
        profile.Set("language_filter.min_score", Value{});
      } else {
        profile.Set("language_filter.min_score", *c.min_score);
      }
      doc.profile = &profile;
    }
    stage->Process(doc, ctx_);
    EXPECT_EQ(doc.removed(), c.removed) << c.language << " " << c.script << " " << c.score;
    if (c.removed) {
      EXPECT_EQ(doc.filter_reasons, std::vector<std::string>{"language"});
    }
  }
}

TEST_F(LanguageFilterTest, EmptyKeepEntryIsRejected) {
  const StageSpec& spec = Spec(registry_, "language_filter_v1");
  auto stage =
      spec.create(Defaults(spec, {{"keep", std::vector<std::string>{"bn", ""}}}), StageEnv{});
  ASSERT_FALSE(stage.ok());
  EXPECT_EQ(stage.status().message(), "language_filter_v1: empty language in keep");
}

}  // namespace
}  // namespace chalni
