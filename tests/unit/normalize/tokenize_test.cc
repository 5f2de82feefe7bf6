// The shared word tokenizer: words, flags, code point counts and hashes, one row per case, in
// Bengali, Hindi, Urdu, Persian, Arabic, English, Thai, Chinese and Japanese.
#include "chalni/text/tokenize.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <xxhash.h>

#include "normalize/unicode_table.h"

#include <string>
#include <vector>

namespace chalni::text {
namespace {

struct Expected {
  std::string text;
  uint32_t flags;
  uint32_t chars;
};

struct TokenCase {
  const char* name;
  std::string input;
  std::vector<Expected> tokens;
};

constexpr uint32_t L = kTokenHasLetter;
constexpr uint32_t D = kTokenHasDigit;
constexpr uint32_t U = kTokenHasLetter | kTokenAllUpper;

const TokenCase kCases[] = {
    // Bengali.
    {"danda_splits_fused_words", "ঢাকা।এটি", {{"ঢাকা", L, 4}, {"এটি", L, 3}}},
    {"virama_conjunct_one_word", "মন্তব্য", {{"মন্তব্য", L, 7}}},
    {"right_quote_apostrophe_inside", "দু’দেশের", {{"দু’দেশের", L, 8}}},
    {"hyphenated_name", "আল-কাজিমি", {{"আল-কাজিমি", L, 9}}},
    {"zwj_ra_phala_inside", "র\u200D্যাব", {{"র\u200D্যাব", L, 6}}},
    {"zwnj_after_virama_inside", "ক্\u200Cষ", {{"ক্\u200Cষ", L, 4}}},
    {"nukta_inside", "হ\u09AF\u09BCেছে", {{"হ\u09AF\u09BCেছে", L, 6}}},
    {"bengali_digits_and_parens", "(২৬ জুলাই)", {{"২৬", D, 2}, {"জুলাই", L, 5}}},
    {"bengali_decimal_and_thousands", "৩.১৪ ১০,০০০", {{"৩.১৪", D, 4}, {"১০,০০০", D, 6}}},
    {"time_splits", "১০:৩০", {{"১০", D, 2}, {"৩০", D, 2}}},
    {"double_danda_and_quotes", "‘আইএস’ -এর॥", {{"আইএস", L, 4}, {"এর", L, 2}}},
    // Hindi.
    {"hindi_sentence", "यह ठीक है।", {{"यह", L, 2}, {"ठीक", L, 3}, {"है", L, 2}}},
    {"hindi_conjunct_and_digits", "क्षत्रिय २०२१", {{"क्षत्रिय", L, 8}, {"२०२१", D, 4}}},
    // Urdu.
    {"urdu_full_stop", "ہے۔ وہ", {{"ہے", L, 2}, {"وہ", L, 2}}},
    {"urdu_digits", "۱۹۹۰ میں", {{"۱۹۹۰", D, 4}, {"میں", L, 3}}},
    // Persian ZWNJ stays inside the word.
    {"persian_zwnj", "می\u200Cشود کروموزوم\u200Cها",
     {{"می\u200Cشود", L, 6}, {"کروموزوم\u200Cها", L, 11}}},
    // Arabic.
    {"arabic_words", "مرحبا بالعالم!", {{"مرحبا", L, 5}, {"بالعالم", L, 7}}},
    {"arabic_decimal_separator", "٣٫١٤", {{"٣٫١٤", D, 4}}},
    // English.
    {"english_apostrophe_hyphen", "Don't stop-loss", {{"Don't", L, 5}, {"stop-loss", L, 9}}},
    {"english_initials", "U.S.A.", {{"U", U, 1}, {"S", U, 1}, {"A", U, 1}}},
    {"english_all_upper_and_mixed", "NASA iPhone x2", {{"NASA", U, 4}, {"iPhone", L, 6},
                                                      {"x2", L | D, 2}}},
    {"hyphen_not_between_letters", "-x- COVID-19", {{"x", L, 1}, {"COVID", U, 5}, {"19", D, 2}}},
    {"quotes_around_word", "'quoted'", {{"quoted", L, 6}}},
    {"symbols_and_emoji_separate", "ভালো 😀 #tag @user a_b",
     {{"ভালো", L, 4}, {"tag", L, 3}, {"user", L, 4}, {"a", L, 1}, {"b", L, 1}}},
    // Found by the segment_tokenize fuzz target: a mark after a separator made a one-mark word
    // that split the separator's grapheme cluster.
    {"mark_after_replacement_char", "x \uFFFD\u0902 ক", {{"x", L, 1}, {"ক", L, 1}}},
    {"mark_after_punctuation", "ক।\u09C7খ", {{"ক", L, 1}, {"খ", L, 1}}},
    {"arabic_number_sign_prepends", "\u0600\u0661\u0662 x\u0600 \u0600\u0600ক",
     {{"\u0600\u0661\u0662", D, 3}, {"x", L, 1}, {"\u0600\u0600ক", L, 3}}},
    // Found by the segment_tokenize fuzz target: U+0D4E MALAYALAM LETTER DOT REPH is a letter with
    // Grapheme_Cluster_Break=Prepend, so it joins the cluster after it and never ends a word.
    {"prepend_letter_never_ends_a_word",
     "\uFFFD\u0D4E\uFFFD \u0D15\u0D4E \u0D4E\u0D15 \u0D4E\u0D4E \u0600\u0D4E x",
     {{"\u0D15", L, 1}, {"\u0D4E\u0D15", L, 2}, {"x", L, 1}}},
    {"prepend_letter_joins_the_no_space_run_after_it", "\u0D15\u0D4E\u0E01\u0E32\u0E23",
     {{"\u0D15", L, 1}, {"\u0D4E\u0E01\u0E32\u0E23", L, 4}}},
    {"thai_sara_am_extends_the_cluster_before_it", "(\u0E33\u0E15\u0E31\u0E27 x\u0E33",
     {{"\u0E15\u0E31\u0E27", L, 3}, {"x\u0E33", L, 2}}},
    {"keycap_marks_are_not_words", "#\uFE0F\u20E3 a", {{"a", L, 1}}},
    {"empty", "", {}},
    {"only_punctuation", " ।, ... !", {}},
    // Scripts without spaces: ICU dictionary break for those runs only.
    {"thai", "สวัสดีครับ ๒๕๖๔", {{"สวัสดี", L, 6}, {"ครับ", L, 4}, {"๒๕๖๔", D, 4}}},
    {"chinese", "我爱北京天安门。", {{"我", L, 1}, {"爱", L, 1}, {"北京", L, 2}, {"天安门", L, 3}}},
    {"japanese", "東京に行きます", {{"東京", L, 2}, {"に", L, 1}, {"行き", L, 2}, {"ます", L, 2}}},
    {"latin_then_han", "iPhone手机", {{"iPhone", L, 6}, {"手机", L, 2}}},
};

TEST(TokenizeTest, Table) {
  for (const TokenCase& c : kCases) {
    std::vector<Token> tokens;
    Tokenize(c.input, &tokens);
    ASSERT_EQ(tokens.size(), c.tokens.size()) << c.name;
    for (size_t k = 0; k < tokens.size(); ++k) {
      const Token& t = tokens[k];
      const std::string got = c.input.substr(t.begin, t.end - t.begin);
      EXPECT_EQ(got, c.tokens[k].text) << c.name << " token " << k;
      EXPECT_EQ(t.flags, c.tokens[k].flags) << c.name << " token " << k << " " << got;
      EXPECT_EQ(t.chars, c.tokens[k].chars) << c.name << " token " << k << " " << got;
      EXPECT_EQ(t.hash, XXH3_64bits(got.data(), got.size())) << c.name;
      EXPECT_EQ(t.hash, HashToken(got)) << c.name;
    }
  }
}

TEST(TokenizeTest, AppendsWithoutClearing) {
  std::vector<Token> tokens;
  Tokenize("এক দুই", &tokens);
  Tokenize("তিন", &tokens);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[2].begin, 0u);  // offsets are into the text of each call
}

TEST(TokenizeTest, HashTokenIsXxh3) {
  EXPECT_EQ(HashToken(""), XXH3_64bits("", 0));
  EXPECT_EQ(HashToken("এবং"), XXH3_64bits("এবং", std::string("এবং").size()));
  EXPECT_NE(HashToken("এবং"), HashToken("এব"));
}

}  // namespace
}  // namespace chalni::text

namespace chalni::text {
namespace {

// The tokenizer asks ICU about grapheme edges only past two byte gates (unicode_table.h); a new
// ICU/Unicode version that adds Prepend or unmarked Extend code points outside them fails here.
TEST(TokenizeTest, GraphemeGatesCoverIcu) {
  for (UChar32 cp = 0x80; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    uint8_t utf8[4];
    int32_t len = 0;
    UBool error = false;
    U8_APPEND(utf8, len, 4, cp, error);
    ASSERT_FALSE(error);
    const int gcb = u_getIntPropertyValue(cp, UCHAR_GRAPHEME_CLUSTER_BREAK);
    const int8_t type = u_charType(cp);
    if (gcb == U_GCB_PREPEND) {
      EXPECT_TRUE(internal::MayBePrepend(utf8, utf8 + len)) << std::hex << cp;
    }
    const bool mark = type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
                      type == U_COMBINING_SPACING_MARK;
    if ((gcb == U_GCB_EXTEND || gcb == U_GCB_SPACING_MARK || gcb == U_GCB_ZWJ) && !mark &&
        cp != 0x200C && cp != 0x200D) {
      EXPECT_TRUE(internal::MayExtendClusterUnmarked(utf8, utf8 + len)) << std::hex << cp;
    }
  }
}

}  // namespace
}  // namespace chalni::text
