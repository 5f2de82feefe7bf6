// Normalizer rules, one table row per rule with the exact expected text and count; switches;
// idempotence on real data and random strings; lexicon matching through NormalizeString.
#include "chalni/text/normalize.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "chalni/text/tokenize.h"

namespace chalni::text {
namespace {

std::unique_ptr<Normalizer> Make(const NormalizeOptions& options = NormalizeOptions()) {
  auto n = Normalizer::Create(options);
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return std::move(*n);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Escape(const std::string& s) {
  std::string out;
  char buf[8];
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else {
      snprintf(buf, sizeof(buf), "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

struct Case {
  const char* name;
  std::string input;
  std::string expected;
  NormalizeCount count;  // the counter this rule must move
  uint32_t count_value;
};

// Bengali letters with nukta, written decomposed (NFC) so the table reads unambiguously.
#define YA_NUKTA "\u09AF\u09BC"  // য়
#define RRA "\u09A1\u09BC"       // ড়

const Case kCases[] = {
    // NFC.
    {"nfc_precomposed_ya", "\u09B9\u09DF", "\u09B9" YA_NUKTA, kCountNfc, 1},
    {"nfc_decomposed_ya_unchanged", "\u09B9" YA_NUKTA, "\u09B9" YA_NUKTA, kCountNfc, 0},
    {"nfc_o_kar_composes", "\u0995\u09C7\u09BE", "\u0995\u09CB", kCountNfc, 1},
    // Legacy forms.
    {"khanda_ta_inside_word", "\u0989\u09A4\u09CD\u200D\u09AA\u09C0" RRA "\u09A8",
     "\u0989\u09CE\u09AA\u09C0" RRA "\u09A8", kCountLegacyForms, 1},
    {"khanda_ta_before_space", "\u09B8\u09A4\u09CD\u200D \u0995", "\u09B8\u09CE \u0995",
     kCountLegacyForms, 1},
    {"malayalam_chillu_n", "\u0D05\u0D35\u0D7B \u0D05\u0D35\u0D28\u0D4D\u200D",
     "\u0D05\u0D35\u0D7B \u0D05\u0D35\u0D7B", kCountLegacyForms, 1},
    {"malayalam_chillu_k", "\u0D15\u0D4D\u200D", "\u0D7F", kCountLegacyForms, 1},
    {"ta_zwnj_is_not_khanda_ta", "\u09A4\u09CD\u200C\u09AA", "\u09A4\u09CD\u200C\u09AA",
     kCountLegacyForms, 0},
    // Joiners kept.
    {"ra_zwj_virama_ya_kept", "\u09B0\u200D\u09CD\u09AF\u09BE\u09AC",
     "\u09B0\u200D\u09CD\u09AF\u09BE\u09AC", kCountJoinersRemoved, 0},
    {"zwnj_after_virama_kept", "\u0995\u09CD\u200C\u09B7", "\u0995\u09CD\u200C\u09B7",
     kCountJoinersRemoved, 0},
    {"zwnj_before_vowel_sign_kept", "\u0995\u200C\u09BE", "\u0995\u200C\u09BE",
     kCountJoinersRemoved, 0},
    {"persian_zwnj_kept", "\u0645\u06CC\u200C\u0634\u0648\u062F",
     "\u0645\u06CC\u200C\u0634\u0648\u062F", kCountJoinersRemoved, 0},
    {"urdu_zwnj_kept", "\u0628\u06BE\u200C\u0627\u0626\u06CC", "\u0628\u06BE\u200C\u0627\u0626\u06CC",
     kCountJoinersRemoved, 0},
    {"emoji_family_kept", "\U0001F468\u200D\U0001F469\u200D\U0001F467",
     "\U0001F468\u200D\U0001F469\u200D\U0001F467", kCountJoinersRemoved, 0},
    {"emoji_heart_on_fire_kept", "\u2764\uFE0F\u200D\U0001F525", "\u2764\uFE0F\u200D\U0001F525",
     kCountJoinersRemoved, 0},
    // Joiners removed.
    {"zwnj_before_independent_vowel", "\u0986\u200C\u0987\u09A8", "\u0986\u0987\u09A8",
     kCountJoinersRemoved, 1},
    {"zwnj_between_latin", "ab\u200Ccd", "abcd", kCountJoinersRemoved, 1},
    {"persian_zwnj_before_space", "\u0645\u06CC\u200C \u0634", "\u0645\u06CC \u0634",
     kCountJoinersRemoved, 1},
    {"zwj_at_text_start", "\u200Dabc", "abc", kCountJoinersRemoved, 1},
    {"zwj_between_bengali_letters", "\u0995\u200D\u0996", "\u0995\u0996", kCountJoinersRemoved, 1},
    {"doubled_joiner_keeps_one", "\u09B0\u200D\u200D\u09CD\u09AF", "\u09B0\u200D\u09CD\u09AF",
     kCountJoinersRemoved, 1},
    {"zwj_between_emoji_and_letter", "\U0001F600\u200Da", "\U0001F600a", kCountJoinersRemoved, 1},
    // Bars.
    {"bar_between_sentences_is_danda",
     "\u0986\u09AE\u09BF \u09AD\u09BE\u09A4 \u0996\u09BE\u0987 | \u09A4\u09C1\u09AE\u09BF "
     "\u0995\u09C0 \u0996\u09BE\u0993",
     "\u0986\u09AE\u09BF \u09AD\u09BE\u09A4 \u0996\u09BE\u0987\u0964 \u09A4\u09C1\u09AE\u09BF "
     "\u0995\u09C0 \u0996\u09BE\u0993",
     kCountBarsToDanda, 1},
    {"bar_at_line_end_is_danda", "\u0995\u09A5\u09BE \u09B6\u09C7\u09B7|",
     "\u0995\u09A5\u09BE \u09B6\u09C7\u09B7\u0964", kCountBarsToDanda, 1},
    {"double_bar_is_double_danda", "\u0995\u09A5\u09BE \u09B6\u09C7\u09B7 ||",
     "\u0995\u09A5\u09BE \u09B6\u09C7\u09B7\u0965", kCountBarsToDanda, 1},
    {"hindi_bar_is_danda", "\u092F\u0939 \u0920\u0940\u0915 \u0939\u0948 | \u0905\u092C",
     "\u092F\u0939 \u0920\u0940\u0915 \u0939\u0948\u0964 \u0905\u092C", kCountBarsToDanda, 1},
    {"bar_after_latin_kept", "Title of the page | Site", "Title of the page | Site",
     kCountBarsToDanda, 0},
    {"menu_line_becomes_lines", "\u09B9\u09CB\u09AE | \u0996\u09C7\u09B2\u09BE | "
     "\u09AC\u09BF\u09A8\u09CB\u09A6\u09A8",
     "\u09B9\u09CB\u09AE\n\u0996\u09C7\u09B2\u09BE\n\u09AC\u09BF\u09A8\u09CB\u09A6\u09A8",
     kCountMenuBars, 2},
    {"menu_line_outer_bars", "| Home | News | Sports |", "Home\nNews\nSports", kCountMenuBars, 4},
    {"menu_two_short_items", "\u09B9\u09CB\u09AE | \u0996\u09C7\u09B2\u09BE",
     "\u09B9\u09CB\u09AE\n\u0996\u09C7\u09B2\u09BE", kCountMenuBars, 1},
    // Dandas and stray marks.
    {"doubled_danda", "\u09B6\u09C7\u09B7\u0964\u0964", "\u09B6\u09C7\u09B7\u0965", kCountDandas, 1},
    {"tripled_danda", "\u09B6\u09C7\u09B7\u0964\u0964\u0964", "\u09B6\u09C7\u09B7\u0965",
     kCountDandas, 2},
    {"space_before_danda", "\u09B6\u09C7\u09B7 \u0964", "\u09B6\u09C7\u09B7\u0964", kCountDandas, 1},
    {"stray_vowel_sign_at_start", "\u09BE\u0995", "\u0995", kCountStrayMarks, 1},
    {"stray_vowel_sign_after_newline", "\u0995\n\u09BF\u0996", "\u0995\n\u0996", kCountStrayMarks, 1},
    {"stray_vowel_sign_after_space", "\u0995 \u09C7\u0996", "\u0995 \u0996", kCountStrayMarks, 1},
    {"vowel_sign_with_base_kept", "\u0995\u09BE", "\u0995\u09BE", kCountStrayMarks, 0},
    {"keycap_emoji_kept", "#\uFE0F\u20E3", "#\uFE0F\u20E3", kCountStrayMarks, 0},
    // Whitespace and invisibles.
    {"nbsp", "a\u00A0b", "a b", kCountWhitespace, 1},
    {"tab", "a\tb", "a b", kCountWhitespace, 1},
    {"space_run", "a  \t b", "a b", kCountWhitespace, 3},
    {"crlf", "a\r\nb", "a\nb", kCountWhitespace, 1},
    {"lone_cr", "a\rb", "a\nb", kCountWhitespace, 1},
    {"blank_lines", "a\n\n\n\nb", "a\n\nb", kCountWhitespace, 2},
    {"trailing_spaces", "a  \nb", "a\nb", kCountWhitespace, 2},
    {"leading_spaces", "  a", "a", kCountWhitespace, 2},
    {"text_trimmed", "\n\na\n\n", "a", kCountWhitespace, 4},
    {"zero_width_space", "a\u200Bb", "ab", kCountWhitespace, 1},
    {"bom", "\uFEFFabc", "abc", kCountWhitespace, 1},
    {"soft_hyphen", "co\u00ADoperate", "cooperate", kCountWhitespace, 1},
    {"line_separator", "a\u2028b", "a\nb", kCountWhitespace, 1},
    {"paragraph_separator", "a\u2029b", "a\n\nb", kCountWhitespace, 2},
    {"ideographic_space", "a\u3000b", "a b", kCountWhitespace, 1},
    // Control characters.
    {"c0_and_del", "a\x01" "b\x7F", "ab", kCountControlChars, 2},
    {"c1", "a\u0080b", "ab", kCountControlChars, 1},
    // Quotes are kept by default.
    {"quotes_kept", "\u2018x\u2019 \u2014 \u201Cy\u201D", "\u2018x\u2019 \u2014 \u201Cy\u201D",
     kCountQuotesFolded, 0},
    // Run-on sentences.
    {"run_on_danda", "\u09B9\u09BE\u0989\u09B8\u0964\u0987\u09B0\u09BE\u0995\u09C7\u09B0",
     "\u09B9\u09BE\u0989\u09B8\u0964\n\u0987\u09B0\u09BE\u0995\u09C7\u09B0", kCountRunOnRepaired, 1},
    {"run_on_question_bengali", "\u0995\u09C7\u09A8?\u0986\u09AE\u09BF",
     "\u0995\u09C7\u09A8?\n\u0986\u09AE\u09BF", kCountRunOnRepaired, 1},
    {"run_on_dot_bengali",
     "\u09B9" YA_NUKTA "\u09C7\u099B\u09C7.\u09A4\u09BF\u09A8\u09BF",
     "\u09B9" YA_NUKTA "\u09C7\u099B\u09C7.\n\u09A4\u09BF\u09A8\u09BF", kCountRunOnRepaired, 1},
    {"run_on_arabic_question", "\u0644\u0645\u0627\u0630\u0627\u061F\u0647\u0630\u0627",
     "\u0644\u0645\u0627\u0630\u0627\u061F\n\u0647\u0630\u0627", kCountRunOnRepaired, 1},
    {"run_on_danda_latin_next", "\u09B6\u09C7\u09B7\u0964The", "\u09B6\u09C7\u09B7\u0964\nThe",
     kCountRunOnRepaired, 1},
    {"no_run_on_domain", "visit example.com now", "visit example.com now", kCountRunOnRepaired, 0},
    {"no_run_on_initials", "U.S.A. and e.g.this", "U.S.A. and e.g.this", kCountRunOnRepaired, 0},
    {"no_run_on_decimal", "\u09E9.\u09E7\u09EA", "\u09E9.\u09E7\u09EA", kCountRunOnRepaired, 0},
    {"no_run_on_abbreviation", "\u09AE\u09CB.\u0986\u09AC\u09CD\u09A6\u09C1\u09B2",
     "\u09AE\u09CB.\u0986\u09AC\u09CD\u09A6\u09C1\u09B2", kCountRunOnRepaired, 0},
    {"no_run_on_danda_digit", "\u09B6\u09C7\u09B7\u0964\u09E7", "\u09B6\u09C7\u09B7\u0964\u09E7",
     kCountRunOnRepaired, 0},
    {"no_run_on_after_space", "\u09B6\u09C7\u09B7\u0964 \u0995", "\u09B6\u09C7\u09B7\u0964 \u0995",
     kCountRunOnRepaired, 0},
    {"no_run_on_chinese", "\u597D\u3002\u6211", "\u597D\u3002\u6211", kCountRunOnRepaired, 0},
    // Mojibake (UTF-8 read as cp1252) repaired.
    {"mojibake_bengali",
     "\u00E0\u00A6\u2020\u00E0\u00A6\u00AE\u00E0\u00A6\u00BE\u00E0\u00A6\u00B0 "
     "\u00E0\u00A6\u00B8\u00E0\u00A7\u2039\u00E0\u00A6\u00A8\u00E0\u00A6\u00BE\u00E0\u00A6\u00B0",
     "\u0986\u09AE\u09BE\u09B0 \u09B8\u09CB\u09A8\u09BE\u09B0", kCountMojibakeRepaired, 9},
    {"mojibake_english_apostrophe", "don\u00E2\u20AC\u2122t", "don\u2019t", kCountMojibakeRepaired,
     1},
    {"legit_latin1_untouched", "caf\u00E9 na\u00EFve \u00A9 \u00BFQu\u00E9?",
     "caf\u00E9 na\u00EFve \u00A9 \u00BFQu\u00E9?", kCountMojibakeRepaired, 0},
};

TEST(NormalizerTest, RulesTable) {
  auto normalizer = Make();
  for (const Case& c : kCases) {
    NormalizeResult r;
    normalizer->Normalize(c.input, &r);
    EXPECT_EQ(r.text, c.expected) << c.name;
    EXPECT_EQ(r.counts[c.count], c.count_value)
        << c.name << ": count " << NormalizeCountName(c.count);
    EXPECT_EQ(r.changed, c.input != c.expected) << c.name;
    // Every output is a fixed point.
    EXPECT_EQ(normalizer->NormalizeString(r.text), r.text) << c.name << " (idempotence)";
  }
}

struct SwitchCase {
  const char* name;
  std::function<void(NormalizeOptions&)> set;
  std::string input;
  std::string expected;
};

TEST(NormalizerTest, EachStepSwitchesOff) {
  const SwitchCase cases[] = {
      {"nfc_off", [](NormalizeOptions& o) { o.nfc = false; }, "\u09DF", "\u09DF"},
      {"legacy_forms_off_joiner_kept_after_virama",
       [](NormalizeOptions& o) { o.legacy_forms = false; }, "\u09A4\u09CD\u200D\u09AA",
       "\u09A4\u09CD\u200D\u09AA"},
      {"joiners_off", [](NormalizeOptions& o) { o.joiners = false; }, "ab\u200Ccd",
       "ab\u200Ccd"},
      {"bars_off", [](NormalizeOptions& o) { o.bars = false; }, "\u0995\u09A5\u09BE |",
       "\u0995\u09A5\u09BE |"},
      {"dandas_off", [](NormalizeOptions& o) { o.dandas = false; }, "\u09BE\u0995\u0964\u0964",
       "\u09BE\u0995\u0964\u0964"},
      {"whitespace_off", [](NormalizeOptions& o) { o.whitespace = false; }, " a\u00A0\tb \r\n",
       " a\u00A0\tb \r\n"},
      {"control_chars_off", [](NormalizeOptions& o) { o.control_chars = false; }, "a\x01" "b",
       "a\x01" "b"},
      {"fold_quotes_on", [](NormalizeOptions& o) { o.fold_quotes = true; },
       "\u2018x\u2019 \u2014 \u201Cy\u201D \u2013 \u00ABz\u00BB", "'x' - \"y\" - \u00ABz\u00BB"},
      {"run_on_off", [](NormalizeOptions& o) { o.run_on_repair = false; },
       "\u0995\u0964\u0996", "\u0995\u0964\u0996"},
      {"run_on_space", [](NormalizeOptions& o) { o.run_on_separator = " "; },
       "\u0995\u0964\u0996", "\u0995\u0964 \u0996"},
      {"run_on_without_whitespace_step",
       [](NormalizeOptions& o) { o.whitespace = false; }, "\u0995\u0964\u0996",
       "\u0995\u0964\n\u0996"},
      {"repair_mojibake_off", [](NormalizeOptions& o) { o.repair_mojibake = false; },
       "don\u00E2\u20AC\u2122t", "don\u00E2\u20AC\u2122t"},
  };
  for (const SwitchCase& c : cases) {
    NormalizeOptions o;
    c.set(o);
    auto normalizer = Make(o);
    EXPECT_EQ(normalizer->NormalizeString(c.input), c.expected) << c.name;
  }
}

TEST(NormalizerTest, InputMayAliasResult) {
  NormalizeResult r;
  r.text = "\u09B9\u09DF  \u0995";
  Make()->Normalize(r.text, &r);
  EXPECT_EQ(r.text, "\u09B9" YA_NUKTA " \u0995");
  EXPECT_EQ(r.counts[kCountNfc], 1u);
}

TEST(NormalizerTest, FoldQuotesCounts) {
  NormalizeOptions o;
  o.fold_quotes = true;
  NormalizeResult r;
  Make(o)->Normalize("\u201Cy\u201D \u2014", &r);
  EXPECT_EQ(r.text, "\"y\" -");
  EXPECT_EQ(r.counts[kCountQuotesFolded], 3u);
}

TEST(NormalizerTest, BadSeparatorIsRejectedWithClearMessage) {
  NormalizeOptions o;
  o.run_on_separator = "<br>";
  auto n = Normalizer::Create(o);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(n.status().message(),
            "normalize: run_on_separator must be \"\\n\" (new line) or \" \" (space), got "
            "\"<br>\"");
}

TEST(NormalizerTest, CountNamesAndEncodingNames) {
  EXPECT_STREQ(NormalizeCountName(kCountNfc), "nfc");
  EXPECT_STREQ(NormalizeCountName(kCountRunOnRepaired), "run_on_repaired");
  EXPECT_STREQ(NormalizeCountName(kCountMojibakeRepaired), "mojibake_repaired");
  EXPECT_STREQ(NormalizeCountName(kNumNormalizeCounts), "unknown");
  EXPECT_STREQ(EncodingFlagName(EncodingFlag::kLegacyBengali), "legacy_bengali");
  EXPECT_STREQ(EncodingFlagName(EncodingFlag::kMojibake), "mojibake");
}

struct EncodingCase {
  const char* name;
  std::string input;
  EncodingFlag expected;
};

TEST(NormalizerTest, EncodingFlags) {
  const EncodingCase cases[] = {
      // আমার সোনার বাংলা, আমি তোমায় ভালোবাসি। চিরদিন তোমার আকাশ, তোমার বাতাস ...
      {"bijoy_anthem",
       "Avgvi \u2020mvbvi evsjv, Avwg \u2020Zvgvq fvjevwm| wPiw`b \u2020Zvgvi AvKvk, \u2020Zvgvi "
       "evZvm, Avgvi cÖv\u2020Y evRvq evuwk|",
       EncodingFlag::kLegacyBengali},
      // বাংলাদেশ দক্ষিণ এশিয়ার একটি স্বাধীন রাষ্ট্র। বাংলাদেশের রাজধানী ঢাকা।
      {"bijoy_prose",
       "evsjv\u2021`k `wÿY Gwkqvi GKwU \u00AF^vaxb ivóª| evsjv\u2021`\u2021ki ivRavbx XvKv| GwU "
       "c\u201Ew_exi Aóg e\u201EnËg RbmsL\u00A8vi \u2020`k|",
       EncodingFlag::kLegacyBengali},
      {"bijoy_too_short", "Avgvi \u2020mvbvi evsjv", EncodingFlag::kNone},
      {"shona_many_v", "Izvi zvinonzi zvaiitwa apo baba VaJoshua \u2014 sekuru vaShura \u2014 "
       "VaWilliam Bhero (74), vainge varipo, vagere panze.", EncodingFlag::kNone},
      {"english", "The quick brown fox jumps over the lazy dog. Seven voices voted very vividly.",
       EncodingFlag::kNone},
      {"bengali_unicode", "\u0986\u09AE\u09BE\u09B0 \u09B8\u09CB\u09A8\u09BE\u09B0 "
       "\u09AC\u09BE\u0982\u09B2\u09BE", EncodingFlag::kNone},
      {"mojibake_repaired", "\u00E0\u00A6\u2020\u00E0\u00A6\u00AE", EncodingFlag::kMojibakeRepaired},
      // A byte lost to U+FFFD: the run cannot be decoded, so it is flagged and left alone.
      {"mojibake_unrepairable", "\u00E0\u00A6\uFFFD \u00E0\u00A6\uFFFD \u00E0\u00A6\uFFFD",
       EncodingFlag::kMojibake},
      {"one_stray_sequence_not_flagged", "\u00E0\u00A6\uFFFD ok", EncodingFlag::kNone},
      {"czech_letters_not_mojibake", "Tud\u00ED\u017E \u0159\u00ED\u0161e \u010Dlov\u011Bka",
       EncodingFlag::kNone},
      {"vietnamese_not_mojibake", "hai t\u1EEB \u201C\u00F4ng x\u00E3\u201D, \u201Cb\u00E0 "
       "x\u00E3\u201D", EncodingFlag::kNone},
      // Found by running the UDHR in 528 languages: these Sami words were "repaired" into Ogham
      // (U+169A), a CJK ideograph (U+469A) and an arrow (U+279E).
      {"sami_words_not_mojibake",
       "n\u00E1\u0161\u0161uvnnaid \u00E1\u0161\u0161evuodjima oovtvi\u00E4rd\u00E1s\u00E2"
       "\u017E\u017E\u00E2n tu\u00F5tt\u00E4\u00E4\u0161\u0161la\u017E",
       EncodingFlag::kNone},
      // Real mojibake next to such a word is still repaired (the word stays).
      {"mojibake_beside_sami_word",
       "n\u00E1\u0161\u0161uvnnaid don\u00E2\u20AC\u2122t \u00E0\u00A6\u2020",
       EncodingFlag::kMojibakeRepaired},
  };
  auto normalizer = Make();
  for (const EncodingCase& c : cases) {
    NormalizeResult r;
    normalizer->Normalize(c.input, &r);
    EXPECT_EQ(EncodingFlagName(r.encoding), std::string(EncodingFlagName(c.expected))) << c.name;
  }
  EXPECT_EQ(normalizer->NormalizeString("n\u00E1\u0161\u0161uvnnaid don\u00E2\u20AC\u2122t"),
            "n\u00E1\u0161\u0161uvnnaid don\u2019t");
  // In legacy Bengali the bar is the danda glyph: it is left alone.
  const std::string bijoy = "Avgvi \u2020mvbvi evsjv, Avwg \u2020Zvgvq fvjevwm| wPiw`b \u2020Zvgvi "
                            "AvKvk, \u2020Zvgvi evZvm |";
  EXPECT_EQ(normalizer->NormalizeString(bijoy), bijoy);
}

TEST(NormalizerTest, LinguaEncodingFlags) {
  // 75 languages of real web sentences: never legacy Bengali. The data itself holds genuine
  // mojibake (Finnish `EnergiansÃ¤Ã¤stÃ¶viikolla`, Luganda `nâ€™obusajja`), which is repaired.
  const std::filesystem::path dir = CHALNI_SOURCE_DIR "/../shared/data/lingua-testdata/testdata";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "SKIPPED: " << dir << " absent";
  auto normalizer = Make();
  int legacy = 0;
  int mojibake = 0;
  int repaired = 0;
  int lines = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    for (const char* kind : {"sentences.txt", "word-pairs.txt", "single-words.txt"}) {
      std::ifstream in(entry.path() / kind);
      std::string line;
      while (std::getline(in, line)) {
        NormalizeResult r;
        normalizer->Normalize(line, &r);
        ++lines;
        if (r.encoding == EncodingFlag::kLegacyBengali) {
          ++legacy;
          ADD_FAILURE() << entry.path().filename() << ": legacy_bengali: " << line;
        }
        if (r.encoding == EncodingFlag::kMojibake) ++mojibake;
        if (r.encoding == EncodingFlag::kMojibakeRepaired) ++repaired;
        if (entry.path().filename() == "de" &&
            line == "F\u00C3\u00BCr Menschen gef\u00C3\u00A4hrlich werden kann der Fuchsbandwurm.") {
          EXPECT_EQ(r.text, "F\u00FCr Menschen gef\u00E4hrlich werden kann der Fuchsbandwurm.");
        }
      }
    }
  }
  EXPECT_EQ(legacy, 0);
  EXPECT_EQ(mojibake, 0);
  EXPECT_EQ(repaired, 68);  // inspected by hand: all genuine cp1252 mojibake
  EXPECT_GT(lines, 220000);
}

TEST(NormalizerTest, StopWordWithPrecomposedYaMatchesDecomposedText) {
  auto normalizer = Make();
  // A lexicon entry typed with U+09DF; the text has U+09AF U+09BC.
  const std::string stop_word = normalizer->NormalizeString("\u09B9\u09DF");  // হয়
  const std::string text = normalizer->NormalizeString("\u0995\u09BE\u099C \u09B9" YA_NUKTA
                                                       " \u09A8\u09BE\u0964");
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(text.substr(tokens[1].begin, tokens[1].end - tokens[1].begin), stop_word);
  EXPECT_EQ(tokens[1].hash, HashToken(stop_word));
  EXPECT_NE(HashToken("\u09B9\u09DF"), HashToken(stop_word));  // without normalization: no match
}

TEST(NormalizerTest, RandomStringsAreIdempotent) {
  const std::vector<std::string> alphabet = {
      "a", "B", " ", "  ", "\t", "\n", "\r\n", "\n\n\n", "|", "||", ".", "?", "!", "\u0964",
      "\u0965", "\u0995", "\u09A4", "\u09CD", "\u200D", "\u200C", "\u09BE", "\u09C7", "\u09DF",
      "\u09AF", "\u09BC", "\u09B0", "\u0645", "\u06CC", "\U0001F600", "\uFE0F", "\u00A0",
      "\u200B", "\u00AD", "\x01", "\u2019", "\u201C", "\u0D28", "\u0D4D", "\u0301", "e",
      "\u00E0\u00A6\u2020", "\u00E0", "\u0E01", "\u4E2D", "\u3002", "\u061F", "1", "\u09E7"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(1, 14);
  for (bool space_sep : {false, true}) {
    NormalizeOptions o;
    if (space_sep) o.run_on_separator = " ";
    auto normalizer = Make(o);
    for (int iter = 0; iter < 30000; ++iter) {
      std::string s;
      const int len = length(rng);
      for (int k = 0; k < len; ++k) s += alphabet[pick(rng)];
      const std::string once = normalizer->NormalizeString(s);
      const std::string twice = normalizer->NormalizeString(once);
      ASSERT_EQ(twice, once) << "iteration " << iter << " input " << Escape(s);
    }
  }
}

TEST(NormalizerTest, UdhrEveryLanguageIsIdempotent) {
  const std::filesystem::path dir = CHALNI_SOURCE_DIR "/.cache/udhr/declaration";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "SKIPPED: " << dir << " absent (scripts/setup.sh)";
  auto normalizer = Make();
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string once = normalizer->NormalizeString(ReadFile(entry.path()));
    ASSERT_EQ(normalizer->NormalizeString(once), once) << entry.path();
  }
}

TEST(NormalizerTest, LinguaSentencesAreIdempotent) {
  const std::filesystem::path dir = CHALNI_SOURCE_DIR "/../shared/data/lingua-testdata/testdata";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "SKIPPED: " << dir << " absent";
  auto normalizer = Make();
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    for (const char* kind : {"sentences.txt", "word-pairs.txt"}) {
      const std::string once = normalizer->NormalizeString(ReadFile(entry.path() / kind));
      ASSERT_EQ(normalizer->NormalizeString(once), once) << entry.path() / kind;
    }
  }
}

}  // namespace
}  // namespace chalni::text
