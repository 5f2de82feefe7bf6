// The built-in profiles (configs/profiles/*.yaml): every file writes out every key with a value of
// the right kind, the transcribed FineWeb-2 values are the published ones, and the docs list every
// key and reason code.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "filters/profile_keys.h"
#include "filters_test_util.h"

namespace chalni::filters {
namespace {

using testing::LoadProfileFile;
using testing::ProfilePath;

std::vector<std::string> ProfileFiles() {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(CHALNI_SOURCE_DIR) + "/configs/profiles")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ProfilesTest, TheExpectedProfilesExist) {
  std::set<std::string> names;
  for (const std::string& f : ProfileFiles()) {
    names.insert(std::filesystem::path(f).stem().string());
  }
  for (const char* required :
       {"en", "bn", "hi", "ur", "ar", "ta", "te", "mr", "gu", "pa", "th", "lo", "generic"}) {
    EXPECT_TRUE(names.count(required)) << "missing configs/profiles/" << required << ".yaml";
  }
}

TEST(ProfilesTest, EveryProfileHasEveryKeyOfTheRightKind) {
  const std::vector<std::string> files = ProfileFiles();
  ASSERT_FALSE(files.empty());
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    Profile profile = LoadProfileFile(file);
    std::set<std::string> declared;
    for (const ProfileKeySpec& spec : FilterProfileKeys()) {
      declared.insert(std::string(spec.key));
      const Value* v = profile.Find(spec.key);
      if (v == nullptr) {
        ADD_FAILURE() << "missing key " << spec.key;
        continue;
      }
      if (std::holds_alternative<std::monostate>(*v)) continue;  // disabled
      switch (spec.kind) {
        case ProfileKeyKind::kNumber:
          EXPECT_TRUE(std::holds_alternative<int64_t>(*v) || std::holds_alternative<double>(*v))
              << spec.key << " must be a number or disabled";
          break;
        case ProfileKeyKind::kSwitch:
          EXPECT_TRUE(std::holds_alternative<bool>(*v)) << spec.key << " must be true/false";
          break;
        case ProfileKeyKind::kLexicon:
          EXPECT_TRUE(std::holds_alternative<std::vector<std::string>>(*v))
              << spec.key << " must be a list";
          break;
      }
    }
    for (const auto& [key, value] : profile.entries()) {
      EXPECT_TRUE(declared.count(key)) << "unknown key " << key;
    }
  }
}

TEST(ProfilesTest, BengaliIsFineWeb2BenBeng) {
  const Profile bn = LoadProfileFile(ProfilePath("bn"));
  struct Expected {
    const char* key;
    double value;  // -1: disabled
  };
  const std::vector<Expected> expected = {
      {"gopher_repetition.max_dup_line_frac", 0.203},
      {"gopher_repetition.max_dup_para_frac", -1},
      {"gopher_repetition.max_dup_line_char_frac", -1},
      {"gopher_repetition.max_dup_para_char_frac", -1},
      {"gopher_repetition.max_top_2_gram_char_frac", 0.177},
      {"gopher_repetition.max_top_3_gram_char_frac", 0.158},
      {"gopher_repetition.max_top_4_gram_char_frac", 0.147},
      {"gopher_repetition.max_dup_5_gram_char_frac", 0.118},
      {"gopher_repetition.max_dup_6_gram_char_frac", 0.108},
      {"gopher_repetition.max_dup_7_gram_char_frac", 0.099},
      {"gopher_repetition.max_dup_8_gram_char_frac", 0.090},
      {"gopher_repetition.max_dup_9_gram_char_frac", 0.082},
      {"gopher_repetition.max_dup_10_gram_char_frac", 0.073},
      {"fineweb.min_line_punct_ratio", 0.125},
      {"fineweb.max_short_line_ratio", -1},
      {"fineweb.max_char_dup_ratio", 0.1},
      {"fineweb.max_newline_ratio", 0.171},
      {"gopher_quality.min_avg_word_length", 3},
      {"gopher_quality.max_avg_word_length", 24},
      {"gopher_quality.min_alpha_words_ratio", 0.8},
      {"gopher_quality.min_stop_words", 2},
      {"gopher_quality.min_doc_words", 50},
      {"gopher_quality.max_doc_words", 100000},
      {"c4.min_num_sentences", -1},
      {"c4.min_words_per_line", -1},
  };
  for (const Expected& e : expected) {
    std::optional<double> v = bn.Number(e.key);
    if (e.value < 0) {
      EXPECT_FALSE(v.has_value()) << e.key << " should be disabled";
    } else {
      ASSERT_TRUE(v.has_value()) << e.key;
      EXPECT_DOUBLE_EQ(*v, e.value) << e.key;
    }
  }
  for (const char* doc_rule : {"c4.remove_lorem_ipsum_docs", "c4.remove_curly_bracket_docs",
                               "c4.remove_no_terminal_punct_lines"}) {
    EXPECT_FALSE(bn.Bool(doc_rule).value_or(false)) << doc_rule;
  }
  // FineWeb-2's ben_Beng stop words, NFC: হয় ends in U+09AF U+09BC (U+09DF is a composition
  // exclusion and never appears in NFC text).
  const std::vector<std::string> stop = {"\u098F\u09AC\u0982", "\u0993",
                                         "\u09B9\u09AF\u09BC", "\u0995\u09B0\u09C7",
                                         "\u098F\u0995\u099F\u09BF", "\u09A4\u09BF\u09A8\u09BF",
                                         "\u0995\u09B0\u09BE", "\u09A5\u09C7\u0995\u09C7"};
  ASSERT_NE(bn.StringList("gopher_quality.stop_words"), nullptr);
  EXPECT_EQ(*bn.StringList("gopher_quality.stop_words"), stop);
}

TEST(ProfilesTest, EnglishIsTheFineWebRecipe) {
  const Profile en = LoadProfileFile(ProfilePath("en"));
  EXPECT_FALSE(en.Bool("c4.remove_no_terminal_punct_lines").value_or(false));
  EXPECT_EQ(en.Number("c4.min_words_per_line"), 3);
  EXPECT_EQ(en.Number("c4.min_num_sentences"), 5);
  EXPECT_TRUE(en.Bool("c4.remove_curly_bracket_docs").value_or(false));
  EXPECT_EQ(en.Number("gopher_repetition.max_dup_para_frac"), 0.3);
  EXPECT_EQ(en.Number("fineweb.max_char_dup_ratio"), 0.01);
  EXPECT_EQ(en.Number("fineweb.max_short_line_ratio"), 0.67);
  EXPECT_EQ(en.StringList("gopher_quality.stop_words")->size(), 8u);
}

TEST(ProfilesTest, GenericHasNoLexicon) {
  const Profile generic = LoadProfileFile(ProfilePath("generic"));
  EXPECT_EQ(generic.StringList("gopher_quality.stop_words"), nullptr);
  EXPECT_FALSE(generic.Number("gopher_quality.min_stop_words").has_value());
}

TEST(ProfilesTest, DocsListEveryKeyAndReason) {
  const std::string filters_md = ReadFile(std::string(CHALNI_SOURCE_DIR) + "/docs/FILTERS.md");
  const std::string reasons_md = ReadFile(std::string(CHALNI_SOURCE_DIR) + "/docs/REASONS.md");
  ASSERT_FALSE(filters_md.empty());
  ASSERT_FALSE(reasons_md.empty());
  for (const ProfileKeySpec& spec : FilterProfileKeys()) {
    EXPECT_NE(filters_md.find("`" + std::string(spec.key) + "`"), std::string::npos)
        << "docs/FILTERS.md does not describe " << spec.key;
  }
  for (std::string_view reason : FilterReasonCodes()) {
    EXPECT_NE(reasons_md.find("`" + std::string(reason) + "`"), std::string::npos)
        << "docs/REASONS.md does not list " << reason;
  }
}

}  // namespace
}  // namespace chalni::filters
