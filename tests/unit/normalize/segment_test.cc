// Lines, paragraphs and sentences; terminal punctuation of every script; abbreviations,
// decimals, URLs and ellipses that are not sentence ends.
#include "chalni/text/segment.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace chalni::text {
namespace {

std::vector<std::string> Texts(const std::string& text, const std::vector<Span>& spans) {
  std::vector<std::string> out;
  for (const Span& s : spans) out.push_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

struct SentenceCase {
  const char* name;
  std::string text;
  std::vector<std::string> sentences;
};

const SentenceCase kSentenceCases[] = {
    {"bengali_danda_question_exclamation", "আমি যাব। তুমি যাবে? হ্যাঁ!",
     {"আমি যাব।", "তুমি যাবে?", "হ্যাঁ!"}},
    {"bengali_abbreviations", "মো. আব্দুল ও ডা. করিম এসেছেন। তারপর",
     {"মো. আব্দুল ও ডা. করিম এসেছেন।", "তারপর"}},
    {"bengali_initials", "এ. কে. এম. ফজলুল হক এলেন।", {"এ. কে. এম. ফজলুল হক এলেন।"}},
    {"double_danda", "ধর্ম॥ কর্ম", {"ধর্ম॥", "কর্ম"}},
    {"bengali_dot_terminal", "সে চলে গেছে. আমি থাকলাম.", {"সে চলে গেছে.", "আমি থাকলাম."}},
    {"english_abbreviation", "Dr. Smith went to Washington. He said hi.",
     {"Dr. Smith went to Washington.", "He said hi."}},
    {"initials_and_eg", "See e.g. this and U.S. policy. Next one",
     {"See e.g. this and U.S. policy.", "Next one"}},
    {"decimal_and_url", "The value is 3.14 today. Visit example.com now.",
     {"The value is 3.14 today.", "Visit example.com now."}},
    {"ellipsis", "Wait... what? Yes.", {"Wait... what?", "Yes."}},
    {"unicode_ellipsis", "Wait\u2026 what", {"Wait\u2026 what"}},
    {"closing_quote_kept", "He said \u201Cyes.\u201D Then left.",
     {"He said \u201Cyes.\u201D", "Then left."}},
    {"bengali_closing_quote", "তিনি বলেন, ‘ঠিক আছে।’ তারপর", {"তিনি বলেন, ‘ঠিক আছে।’", "তারপর"}},
    {"question_exclamation_run", "Really?! Yes", {"Really?!", "Yes"}},
    {"lower_case_after_dot", "Items etc. and more", {"Items etc. and more"}},
    {"list_number", "1. Introduction", {"1. Introduction"}},
    {"exclamation_inside_word", "Yahoo!Mail is here.", {"Yahoo!Mail is here."}},
    {"arabic_question", "هل أنت بخير؟ نعم.", {"هل أنت بخير؟", "نعم."}},
    {"urdu_full_stop", "یہ ٹھیک ہے۔ وہ آیا۔", {"یہ ٹھیک ہے۔", "وہ آیا۔"}},
    {"hindi_danda", "यह ठीक है। वह आया।", {"यह ठीक है।", "वह आया।"}},
    {"chinese", "我爱你。你好！", {"我爱你。", "你好！"}},
    {"armenian", "Բարեւ։ Ինչպես ես", {"Բարեւ։", "Ինչպես ես"}},
    {"ethiopic", "ሰላም። እንዴት ነህ", {"ሰላም።", "እንዴት ነህ"}},
    {"myanmar", "မင်္ဂလာပါ။ နေကောင်းလား", {"မင်္ဂလာပါ။", "နေကောင်းလား"}},
    {"fused_danda_still_ends", "হাউস।ইরাকের", {"হাউস।", "ইরাকের"}},
    {"never_crosses_lines", "a b\nc d.", {"a b", "c d."}},
    {"spaces_trimmed", "  এক।  দুই  ", {"এক।", "দুই"}},
};

TEST(SegmentTest, Sentences) {
  for (const SentenceCase& c : kSentenceCases) {
    Segmentation seg;
    Segment(c.text, &seg);
    EXPECT_EQ(Texts(c.text, seg.sentences), c.sentences) << c.name;
  }
}

struct LineCase {
  const char* name;
  std::string text;
  std::vector<std::string> lines;
  std::vector<std::string> paragraphs;
};

TEST(SegmentTest, LinesAndParagraphs) {
  const LineCase cases[] = {
      {"empty", "", {}, {}},
      {"one_line", "a", {"a"}, {"a"}},
      {"trailing_newline_no_extra_line", "a\n", {"a"}, {"a"}},
      {"two_paragraphs", "a\nb\n\nc", {"a", "b", "", "c"}, {"a\nb", "c"}},
      {"blank_line_of_spaces", "a\n \u00A0\nb", {"a", " \u00A0", "b"}, {"a", "b"}},
      {"crlf_excluded_from_span", "a\r\nb", {"a", "b"}, {"a\r\nb"}},
      {"leading_blank", "\n\nx", {"", "", "x"}, {"x"}},
  };
  for (const LineCase& c : cases) {
    Segmentation seg;
    Segment(c.text, &seg);
    EXPECT_EQ(Texts(c.text, seg.lines), c.lines) << c.name;
    EXPECT_EQ(Texts(c.text, seg.paragraphs), c.paragraphs) << c.name;
  }
}

TEST(SegmentTest, ClearsPreviousResult) {
  Segmentation seg;
  Segment("এক। দুই।", &seg);
  Segment("তিন", &seg);
  EXPECT_EQ(seg.lines.size(), 1u);
  EXPECT_EQ(seg.sentences.size(), 1u);
}

TEST(SegmentTest, TerminalPunctuation) {
  struct {
    char32_t cp;
    bool terminal;
  } const cases[] = {
      {U'.', true},      {U'?', true},      {U'!', true},      {U'\u0964', true},
      {U'\u0965', true}, {U'\u061F', true}, {U'\u06D4', true}, {U'\u3002', true},
      {U'\uFF01', true}, {U'\uFF1F', true}, {U'\u1362', true}, {U'\u0589', true},
      {U'\u104B', true}, {U'\u104A', true}, {U',', false},     {U'a', false},
      {U'\u2026', false}, {U';', false},    {U'|', false},     {U'\u0995', false},
      // Not Sentence_Terminal in Unicode, yet the full stop of their scripts.
      {U'\u0F0D', true}, {U'\u0F0E', true}, {U'\u0F12', true}, {U'\u17D4', true},
      {U'\u17D5', true}, {U'\u0F14', false}, {U'\u17D6', false}, {U'\uFF0C', false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(IsTerminalPunctuation(c.cp), c.terminal) << std::hex << static_cast<uint32_t>(c.cp);
  }
}

TEST(SegmentTest, EndsWithTerminalPunctuation) {
  const struct {
    const char* line;
    bool ends;
  } cases[] = {
      {"কথা।", true},          {"কথা। ", true},          {"“কথা।”", true},
      {"He said (yes.)", true}, {"তুমি কেমন আছ?", true},  {"no end", false},
      {"", false},              {"   ", false},            {"সূত্র: আল জাজিরা", false},
      {"ধর্ম॥", true},          {"Wait\u2026", false},     {"你好。", true},
  };
  for (const auto& c : cases) EXPECT_EQ(EndsWithTerminalPunctuation(c.line), c.ends) << c.line;
}

}  // namespace
}  // namespace chalni::text
