// Signal functions, one table per rule set, with hand-computed expectations in several scripts.
// Lengths are in code points (Python's len(), as the reference thresholds were measured); the
// arithmetic behind each expected value is written next to it.
#include "filters/signals.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "chalni/io/utf8.h"
#include "filters/lexicon.h"
#include "filters_test_util.h"

namespace chalni::filters {
namespace {

using testing::PrepareDoc;

// An expected value of kSkip is not checked: it depends on dictionary word breaking (Chinese).
constexpr double kSkip = -1;
constexpr double kEps = 1e-9;

void ExpectNear(double expected, double actual, const std::string& what) {
  if (expected == kSkip) return;
  EXPECT_NEAR(expected, actual, kEps) << what;
}

// ---- helpers --------------------------------------------------------------------------------
TEST(SignalsHelpersTest, BlankLines) {
  EXPECT_TRUE(IsBlank(""));
  EXPECT_TRUE(IsBlank("  \t"));
  EXPECT_FALSE(IsBlank(" ।"));
}

// ---- Gopher quality -------------------------------------------------------------------------
struct GopherQualityCase {
  const char* name;
  std::string text;
  std::vector<std::string> stop_words;  // empty: no lexicon
  double word_count, mean_word_length, hash_word_ratio, ellipsis_word_ratio;
  double bullet_lines_ratio, ellipsis_lines_ratio, alpha_words_ratio, stop_words_count;
};

TEST(GopherQualitySignalsTest, Table) {
  const std::vector<GopherQualityCase> cases = {
      {"english",
       "The cat sat on the mat.\nThe dog ran to the park...\n- item one\n# heading",
       {"the", "be", "to", "of", "and", "that", "have", "with"},
       // words: 6 + 6 + 2 + 1 = 15; chars: 17 + 18 + 7 + 7 = 49
       15, 49.0 / 15, 1.0 / 15, 1.0 / 15,
       // 4 lines: one bullet ("- item"), one ending "..."; every word has a letter;
       // stop words are case-sensitive: "the" x2 + "to" x1 (not "The")
       0.25, 0.25, 1.0, 3},
      {"bengali_with_digits",
       "আমি ভাত খাই এবং জল পান করি।\nতিনি ঘর থেকে এসেছেন ২০২৪ সালে।",
       {"এবং", "ও", "হয়", "করে", "একটি", "তিনি", "করা", "থেকে"},
       // words 7 + 6 = 13 (the danda is not a word); chars 3+3+3+3+2+3+3 + 4+2+4+6+4+4 = 44;
       // ২০২৪ has digits only: 12 of 13 words have a letter; stop words এবং, তিনি, থেকে
       13, 44.0 / 13, 0, 0, 0, 0, 12.0 / 13, 3},
      {"hindi",
       "भारत एक विशाल देश है और यहाँ कई भाषाएँ हैं।",
       {"के", "में", "है", "की", "और", "से", "का", "को", "एक", "हैं", "पर"},
       // chars 4+2+5+3+2+2+4+2+6+3 = 33; stop words एक, है, और, हैं
       10, 3.3, 0, 0, 0, 0, 1.0, 4},
      {"arabic_comma_entry_counts_as_substring",
       "ذهب الولد إلى المدرسة، ثم عاد إلى البيت.",
       {"،", "في", "من", "على", "إلى"},
       // chars 3+5+3+7+2+3+3+5 = 31; stop words: إلى x2 and the comma entry '،' x1
       8, 31.0 / 8, 0, 0, 0, 0, 1.0, 3},
      {"no_lexicon_and_hashes",
       "#tag #tag2 word\n…and more…",
       {},
       // words tag tag2 word and more = 5 (# and … are not words); 2 '#' ; "…" x2;
       // chars 3+4+4+3+4 = 18; line 2 ends with "…"; stop words: no lexicon -> -1
       5, 18.0 / 5, 2.0 / 5, 2.0 / 5, 0, 0.5, 1.0, -1},
      {"chinese_lines",
       "• 第一项\n• 第二项\n这是结尾……",
       {},
       // 3 lines, 2 bullets, the last ends with "…"; "……" is two ellipses
       kSkip, kSkip, 0, kSkip, 2.0 / 3, 1.0 / 3, 1.0, -1},
      {"empty", "", {}, 0, 0, 0, 0, 0, 0, 0, -1},
      {"trailing_newline_is_not_a_line", "a b\n- c\n", {},
       // 2 lines (as str.splitlines()), one bullet
       3, 1, 0, 0, 0.5, 0, 1.0, -1},
  };
  for (const GopherQualityCase& c : cases) {
    SCOPED_TRACE(c.name);
    Document doc = PrepareDoc(c.text);
    StopWordSet set = StopWordSet::Build(c.stop_words, nullptr);
    GopherQualitySignals s = ComputeGopherQuality(doc, c.stop_words.empty() ? nullptr : &set);
    ExpectNear(c.word_count, static_cast<double>(s.word_count), "word_count");
    ExpectNear(c.mean_word_length, s.mean_word_length, "mean_word_length");
    ExpectNear(c.hash_word_ratio, s.hash_word_ratio, "hash_word_ratio");
    ExpectNear(c.ellipsis_word_ratio, s.ellipsis_word_ratio, "ellipsis_word_ratio");
    ExpectNear(c.bullet_lines_ratio, s.bullet_lines_ratio, "bullet_lines_ratio");
    ExpectNear(c.ellipsis_lines_ratio, s.ellipsis_lines_ratio, "ellipsis_lines_ratio");
    ExpectNear(c.alpha_words_ratio, s.alpha_words_ratio, "alpha_words_ratio");
    ExpectNear(c.stop_words_count, static_cast<double>(s.stop_words), "stop_words");
  }
}

TEST(StopWordSetTest, EntriesAreClassified) {
  // One word each, a punctuation entry, a two-word entry (cannot match a single token), a repeat.
  StopWordSet set = StopWordSet::Build({"এবং", "،", "of the", "এবং", "ও"}, nullptr);
  EXPECT_EQ(set.num_words(), 2u);
  EXPECT_EQ(set.num_punctuation(), 1u);
  EXPECT_EQ(set.num_unmatchable(), 1u);
  EXPECT_TRUE(set.ContainsHash(text::HashToken("এবং")));
  EXPECT_FALSE(set.ContainsHash(text::HashToken("এবংও")));
  EXPECT_EQ(set.Count(PrepareDoc("এবং ও এবং, ও। of the")), 4);
}

// ---- Gopher repetition ----------------------------------------------------------------------
struct GopherRepetitionCase {
  const char* name;
  std::string text;
  double dup_line_frac, dup_line_char_frac, dup_para_frac, dup_para_char_frac;
  std::vector<double> top;  // n = 2, 3, 4
  std::vector<double> dup;  // n = 5 ... 10
};

TEST(GopherRepetitionSignalsTest, Table) {
  const std::vector<GopherRepetitionCase> cases = {
      {"english_lines_and_top_ngrams",
       "alpha beta\ngamma delta\nalpha beta\n\nalpha beta\ngamma delta",
       // 5 non-blank lines, 3 repeats: "alpha beta" x2 (10 chars each), "gamma delta" (11);
       // text: 10+11+10+0+10+11 chars + 5 newlines = 57. Paragraphs differ.
       3.0 / 5, 31.0 / 57, 0, 0,
       // top 2-gram "alpha beta" x3, 10 chars; top 3-grams tie at x2 and 16 chars;
       // top 4-gram "alpha beta gamma delta" x2, 22 chars; every 5-gram is unique
       {30.0 / 57, 32.0 / 57, 44.0 / 57},
       {0, 0, 0, 0, 0, 0}},
      {"english_repeated_sequence",
       "one two three four five six one two three four five six",
       // 22 chars per half + 11 spaces = 55
       0, 0, 0, 0,
       // 2-grams: all x2 but "six one"; the longest is "three four" (10) -> 20;
       // 3-grams: "three four five" (15) x2 -> 30; 4-grams: 19 chars x2 -> 38
       {20.0 / 55, 30.0 / 55, 38.0 / 55},
       // 5-grams: the 7th (index 6) repeats the 1st: "one two three four five" = 19 chars
       // (datatrove joins without spaces); 6-grams: index 6 repeats index 0, 22 chars;
       // 7-grams and longer: none repeats within 12 words
       {19.0 / 55, 22.0 / 55, 0, 0, 0, 0}},
      {"bengali_duplicate_line",
       "আমি ভাত খাই।\nআমি ভাত খাই।\nসে জল পান করে।",
       // 3 lines, 1 repeat of 12 chars; text 12+1+12+1+14 = 40
       1.0 / 3, 12.0 / 40, 0, 0,
       // 2-grams: "আমি ভাত" and "ভাত খাই" x2, 7 chars; 3-gram "আমি ভাত খাই" x2, 11 chars;
       // every 4-gram occurs once, which is no repetition
       {14.0 / 40, 22.0 / 40, 0},
       {0, 0, 0, 0, 0, 0}},
      {"chinese_duplicate_lines",
       "今天天气很好。\n今天天气很好。\n我们去公园。\n今天天气很好。",
       // 4 lines, 2 repeats of 7 chars; text 7+1+7+1+6+1+7 = 30
       2.0 / 4, 14.0 / 30, 0, 0,
       {kSkip, kSkip, kSkip},
       {kSkip, kSkip, kSkip, kSkip, kSkip, kSkip}},
      {"arabic_duplicate_paragraphs",
       "مرحبا بكم\n\nمرحبا بكم\n\nشكرا لك",
       // 3 lines and 3 paragraphs, 1 repeat each of 9 chars; text 9+2+9+2+7 = 29
       1.0 / 3, 9.0 / 29, 1.0 / 3, 9.0 / 29,
       // 2-gram "مرحبا بكم" x2 = 18; the 3- and 4-grams are unique
       {18.0 / 29, 0, 0},
       {0, 0, 0, 0, 0, 0}},
      {"empty", "", 0, 0, 0, 0, {0, 0, 0}, {0, 0, 0, 0, 0, 0}},
  };
  for (const GopherRepetitionCase& c : cases) {
    SCOPED_TRACE(c.name);
    GopherRepetitionSignals s = ComputeGopherRepetition(PrepareDoc(c.text));
    ExpectNear(c.dup_line_frac, s.dup_line_frac, "dup_line_frac");
    ExpectNear(c.dup_line_char_frac, s.dup_line_char_frac, "dup_line_char_frac");
    ExpectNear(c.dup_para_frac, s.dup_para_frac, "dup_para_frac");
    ExpectNear(c.dup_para_char_frac, s.dup_para_char_frac, "dup_para_char_frac");
    for (int i = 0; i < 3; ++i) {
      ExpectNear(c.top[i], s.top_ngram_char_frac[i], "top " + std::to_string(i + 2));
    }
    for (int i = 0; i < 6; ++i) {
      ExpectNear(c.dup[i], s.dup_ngram_char_frac[i], "dup " + std::to_string(i + 5));
    }
  }
}

// ---- FineWeb --------------------------------------------------------------------------------
struct FineWebCase {
  const char* name;
  std::string text;
  double lines, line_punct_ratio, short_line_ratio, char_dup_ratio, newline_ratio;
};

TEST(FineWebSignalsTest, Table) {
  const std::vector<FineWebCase> cases = {
      {"english",
       "This is a sentence.\nShort line\nAnother full sentence is written here!\nShort line",
       // lines 19, 10, 38, 10 chars: 2 terminated, 3 of <= 30; "Short line" repeats (10 of
       // 77 non-newline chars); 3 newlines / 14 words
       4, 0.5, 0.75, 10.0 / 77, 3.0 / 14},
      {"bengali_danda_terminates",
       "আমি ভাত খাই।\n\nসে জল পান করে\nতারা ঘরে যাবে।",
       // blank line skipped: 3 lines, 2 end in the danda; 3 newlines / 10 words
       3, 2.0 / 3, 1.0, 0, 0.3},
      {"hindi_duplicate",
       "यह अच्छा है।\nयह अच्छा है।",
       // the repeated line holds 12 of 24 chars; 1 newline / 6 words
       2, 1.0, 1.0, 0.5, 1.0 / 6},
      {"chinese_full_stop",
       "今天天气很好。\n我们去公园\n今天天气很好。",
       // '。' terminates; the repeated line holds 7 of 19 chars
       3, 2.0 / 3, 1.0, 7.0 / 19, kSkip},
      {"arabic_question_mark",
       "هل أنت بخير؟\nنعم",
       // '؟' (U+061F) terminates; 1 newline / 4 words
       2, 0.5, 1.0, 0, 0.25},
      {"urdu_full_stop",
       "یہ اچھا ہے۔\nیہ",
       // '۔' (U+06D4) terminates
       2, 0.5, 1.0, 0, 0.25},
      {"long_line_is_not_short",
       // 31 code points, but only 31 bytes too: decided by counting
       "abcdefghij abcdefghij abcdefghi",
       1, 0, 0, 0, 0},
      {"bengali_long_line_counted_in_code_points",
       // 27 code points in 69 bytes: short although longer than 30 bytes
       "আমি ভাত খাই আমি ভাত খাই আমি",
       1, 0, 1.0, 0, 0},
      {"no_words_divides_by_one", "।\n।", 2, 1.0, 1.0, 1.0 / 2, 1.0},
  };
  for (const FineWebCase& c : cases) {
    SCOPED_TRACE(c.name);
    FineWebSignals s = ComputeFineWeb(PrepareDoc(c.text), 30);
    ExpectNear(c.lines, static_cast<double>(s.lines), "lines");
    ExpectNear(c.line_punct_ratio, s.line_punct_ratio, "line_punct_ratio");
    ExpectNear(c.short_line_ratio, s.short_line_ratio, "short_line_ratio");
    ExpectNear(c.char_dup_ratio, s.char_dup_ratio, "char_dup_ratio");
    ExpectNear(c.newline_ratio, s.newline_ratio, "newline_ratio");
  }
}

// ---- C4 -------------------------------------------------------------------------------------
const char kC4Text[] =
    "Hello world this is fine.\n"                 // 0: kept
    "click here\n"                               // 1: 2 words, no terminal punctuation
    "Please enable JavaScript to continue.\n"    // 2: javascript
    "Read our Privacy Policy now.\n"             // 3: policy (case-insensitive)
    "The end of the story.[1]\n"                 // 4: citation stripped before the check
    "\n"                                         // 5: blank: never judged
    "This has {braces} in it.\n"                 // 6: curly bracket
    "lorem ipsum dolor sit amet.\n"              // 7: lorem ipsum
    "A sentence. Another one! Third?\n"          // 8: three sentences
    "আমি ভাত খাই।\n"                             // 9: the danda terminates
    "and so it goes...";                         // 10: an ellipsis does not terminate

C4Lexicon PolicyLexicon() { return C4Lexicon{{"terms of use", "privacy policy"}}; }

TEST(C4SignalsTest, LineFeatures) {
  Document doc = PrepareDoc(kC4Text);
  std::vector<C4Line> lines;
  AnalyzeC4Lines(doc, PolicyLexicon(), &lines);
  struct Expected {
    uint32_t line, words, sentences;
    bool terminal, javascript, policy, lorem, curly;
    uint32_t citations;
  };
  const std::vector<Expected> expected = {
      {0, 5, 1, true, false, false, false, false, 0},
      {1, 2, 1, false, false, false, false, false, 0},
      {2, 5, 1, true, true, false, false, false, 0},
      {3, 5, 1, true, false, true, false, false, 0},
      {4, 6, 1, true, false, false, false, false, 1},
      {6, 5, 1, true, false, false, false, true, 0},
      {7, 5, 1, true, false, false, true, false, 0},
      {8, 5, 3, true, false, false, false, false, 0},
      {9, 3, 1, true, false, false, false, false, 0},
      {10, 4, 1, false, false, false, false, false, 0},
  };
  ASSERT_EQ(lines.size(), expected.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE("line " + std::to_string(expected[i].line));
    EXPECT_EQ(lines[i].line, expected[i].line);
    EXPECT_EQ(lines[i].words, expected[i].words);
    EXPECT_EQ(lines[i].sentences, expected[i].sentences);
    EXPECT_EQ(lines[i].terminal_punct, expected[i].terminal);
    EXPECT_EQ(lines[i].javascript, expected[i].javascript);
    EXPECT_EQ(lines[i].policy, expected[i].policy);
    EXPECT_EQ(lines[i].lorem_ipsum, expected[i].lorem);
    EXPECT_EQ(lines[i].curly_bracket, expected[i].curly);
    EXPECT_EQ(lines[i].citations, expected[i].citations);
  }
  C4Signals s = SummarizeC4(lines);
  EXPECT_EQ(s.lines, 10);
  EXPECT_EQ(s.lines_no_terminal_punct, 2);
  EXPECT_EQ(s.lines_javascript, 1);
  EXPECT_EQ(s.lines_policy, 1);
  EXPECT_EQ(s.citations, 1);
  EXPECT_EQ(s.max_word_chars, 10);  // "JavaScript", "Privacy"... longest is 10
  EXPECT_EQ(s.sentences, 12);
  EXPECT_TRUE(s.lorem_ipsum);
  EXPECT_TRUE(s.curly_bracket);
}

struct C4DecisionCase {
  const char* name;
  C4Rules rules;
  std::vector<std::pair<uint32_t, std::string>> removed_lines;
  std::vector<std::string> doc_reasons;
  int64_t kept_sentences;
};

TEST(C4DecisionTest, Table) {
  C4Rules fineweb_en;  // FineWeb's C4: the terminal-punctuation rule off
  fineweb_en.min_words_per_line = 3;
  fineweb_en.max_word_length = 1000;
  fineweb_en.remove_javascript_lines = true;
  fineweb_en.remove_policy_lines = true;
  fineweb_en.remove_lorem_ipsum_docs = true;
  fineweb_en.remove_curly_bracket_docs = true;
  fineweb_en.min_num_sentences = 5;
  C4Rules c4 = fineweb_en;  // the original C4
  c4.remove_no_terminal_punct_lines = true;
  C4Rules lines_only;  // the multilingual profiles: language-neutral line cuts only
  lines_only.max_word_length = 1000;
  lines_only.remove_javascript_lines = true;
  lines_only.remove_policy_lines = true;
  C4Rules short_words = lines_only;
  short_words.max_word_length = 5;
  const std::vector<C4DecisionCase> cases = {
      {"fineweb_en", fineweb_en,
       {{1, "c4_too_few_words"}, {2, "c4_javascript"}, {3, "c4_policy"}},
       {"c4_lorem_ipsum", "c4_curly_bracket"},
       // kept: lines 0, 4, 8 (3 sentences), 9, 10 -> 1 + 1 + 3 + 1 + 1
       7},
      {"c4_original", c4,
       {{1, "c4_no_terminal_punct"}, {2, "c4_javascript"}, {3, "c4_policy"},
        {10, "c4_no_terminal_punct"}},
       {"c4_lorem_ipsum", "c4_curly_bracket"},
       6},
      {"lines_only", lines_only,
       {{2, "c4_javascript"}, {3, "c4_policy"}},
       {},
       // every other non-blank line: 1+1+1+1+1+3+1+1
       10},
      {"too_long_word_first", short_words,
       // lines with a word of more than 5 code points ("Please", "Privacy", "braces",
       // "sentence"); the rule comes before every other one
       {{2, "c4_too_long_word"}, {3, "c4_too_long_word"}, {6, "c4_too_long_word"},
        {8, "c4_too_long_word"}},
       {},
       // kept: lines 0, 1, 4, 7, 9, 10
       6},
  };
  Document doc = PrepareDoc(kC4Text);
  std::vector<C4Line> lines;
  AnalyzeC4Lines(doc, PolicyLexicon(), &lines);
  for (const C4DecisionCase& c : cases) {
    SCOPED_TRACE(c.name);
    C4Decision d = DecideC4(lines, c.rules);
    std::vector<std::pair<uint32_t, std::string>> removed;
    for (const RemovedLine& r : d.removed_lines) removed.emplace_back(r.line, r.reason);
    EXPECT_EQ(removed, c.removed_lines);
    EXPECT_EQ(d.doc_reasons, c.doc_reasons);
    EXPECT_EQ(d.kept_sentences, c.kept_sentences);
  }
}

TEST(C4DecisionTest, TooFewSentences) {
  Document doc = PrepareDoc("One two three.\nFour five six.");
  std::vector<C4Line> lines;
  AnalyzeC4Lines(doc, C4Lexicon{}, &lines);
  C4Rules rules;
  rules.min_num_sentences = 3;
  C4Decision d = DecideC4(lines, rules);
  EXPECT_EQ(d.kept_sentences, 2);
  EXPECT_EQ(d.doc_reasons, std::vector<std::string>{"c4_too_few_sentences"});
  rules.min_num_sentences = 2;
  EXPECT_TRUE(DecideC4(lines, rules).doc_reasons.empty());
}

}  // namespace
}  // namespace chalni::filters

// ---- lines cut by an earlier stage ----------------------------------------------------------
// Every signal of a document whose lines `cut` were removed by an earlier stage (boilerplate, C4)
// equals the signal of a document made of the kept text only.
namespace chalni::filters {
namespace {

// The cut document's lines without the cut ones, joined by '\n' (what the writer keeps).
std::string KeptText(const Document& doc, const std::vector<uint32_t>& cut) {
  std::string out;
  bool first = true;
  for (uint32_t i = 0; i < doc.seg.lines.size(); ++i) {
    if (std::find(cut.begin(), cut.end(), i) != cut.end()) continue;
    if (!first) out += '\n';
    first = false;
    out += doc.text.substr(doc.seg.lines[i].begin, doc.seg.lines[i].end - doc.seg.lines[i].begin);
  }
  return out;
}

TEST(KeptLinesTest, SignalsIgnoreLinesCutEarlier) {
  struct Case {
    const char* name;
    std::string text;
    std::vector<uint32_t> cut;
  };
  const std::vector<Case> cases = {
      {"bengali_chrome",
       "প্রচ্ছদ\nজাতীয়\nআমি ভাত খাই এবং জল পান করি।\nআমি ভাত খাই এবং জল পান করি।\n\n"
       "একটি উত্তর ত্যাগ\nতিনি ঘর থেকে এসেছেন... #খবর\nআপনার মন্তব্য লিখুন দয়া করে!",
       {0, 1, 5, 7}},
      {"english_menu_and_cookie",
       "Home\nNews\n- Sport\nThe cat sat on the mat. The cat sat on the mat.\n\n"
       "We use cookies...\nThe dog ran to the park, and the dog ran home.\n#tags #more",
       {0, 2, 5}},
      {"arabic_comma_in_cut_line",
       "ذهب الولد إلى المدرسة، ثم عاد.\nالرئيسية، أخبار، رياضة\nهل أنت بخير؟",
       {1}},
      {"cut_middle_lines_keeps_blank", "a b c.\n\nmenu\nd e f.", {2}},
      {"everything_cut", "menu\nhome", {0, 1}},
      {"nothing_cut", "one two three four five six one two three four five six", {}},
  };
  StopWordSet stop = StopWordSet::Build({"এবং", "থেকে", "the", "and", "،", "إلى"}, nullptr);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Document cut_doc = PrepareDoc(c.text);
    for (uint32_t line : c.cut) cut_doc.removed_lines.push_back(RemovedLine{line, "test"});
    Document kept_doc = PrepareDoc(KeptText(cut_doc, c.cut));

    const GopherQualitySignals a = ComputeGopherQuality(cut_doc, &stop);
    const GopherQualitySignals b = ComputeGopherQuality(kept_doc, &stop);
    EXPECT_EQ(a.word_count, b.word_count);
    EXPECT_DOUBLE_EQ(a.mean_word_length, b.mean_word_length);
    EXPECT_EQ(a.hash_count, b.hash_count);
    EXPECT_EQ(a.ellipsis_count, b.ellipsis_count);
    EXPECT_DOUBLE_EQ(a.bullet_lines_ratio, b.bullet_lines_ratio);
    EXPECT_DOUBLE_EQ(a.ellipsis_lines_ratio, b.ellipsis_lines_ratio);
    EXPECT_DOUBLE_EQ(a.alpha_words_ratio, b.alpha_words_ratio);
    EXPECT_EQ(a.stop_words, b.stop_words);

    const GopherRepetitionSignals ra = ComputeGopherRepetition(cut_doc);
    const GopherRepetitionSignals rb = ComputeGopherRepetition(kept_doc);
    EXPECT_DOUBLE_EQ(ra.dup_line_frac, rb.dup_line_frac);
    EXPECT_DOUBLE_EQ(ra.dup_line_char_frac, rb.dup_line_char_frac);
    EXPECT_DOUBLE_EQ(ra.dup_para_frac, rb.dup_para_frac);
    EXPECT_DOUBLE_EQ(ra.dup_para_char_frac, rb.dup_para_char_frac);
    for (int i = 0; i < 3; ++i) {
      EXPECT_DOUBLE_EQ(ra.top_ngram_char_frac[i], rb.top_ngram_char_frac[i]);
    }
    for (int i = 0; i < 6; ++i) {
      EXPECT_DOUBLE_EQ(ra.dup_ngram_char_frac[i], rb.dup_ngram_char_frac[i]);
    }

    const FineWebSignals fa = ComputeFineWeb(cut_doc, 30);
    const FineWebSignals fb = ComputeFineWeb(kept_doc, 30);
    EXPECT_EQ(fa.lines, fb.lines);
    EXPECT_DOUBLE_EQ(fa.line_punct_ratio, fb.line_punct_ratio);
    EXPECT_DOUBLE_EQ(fa.short_line_ratio, fb.short_line_ratio);
    EXPECT_DOUBLE_EQ(fa.char_dup_ratio, fb.char_dup_ratio);
    EXPECT_DOUBLE_EQ(fa.newline_ratio, fb.newline_ratio);

    std::vector<C4Line> ca, cb;
    AnalyzeC4Lines(cut_doc, C4Lexicon{{"use cookies"}}, &ca);
    AnalyzeC4Lines(kept_doc, C4Lexicon{{"use cookies"}}, &cb);
    ASSERT_EQ(ca.size(), cb.size());
    for (size_t i = 0; i < ca.size(); ++i) {
      EXPECT_EQ(ca[i].words, cb[i].words);
      EXPECT_EQ(ca[i].sentences, cb[i].sentences);
      EXPECT_EQ(ca[i].terminal_punct, cb[i].terminal_punct);
      EXPECT_EQ(ca[i].policy, cb[i].policy);
      EXPECT_EQ(std::find(c.cut.begin(), c.cut.end(), ca[i].line), c.cut.end());
    }
  }
  // The view really changes something: the chrome lines are gone from the line ratios.
  Document doc = PrepareDoc(cases[0].text);
  const double before = ComputeFineWeb(doc, 30).line_punct_ratio;  // 3 of 7 lines
  for (uint32_t line : cases[0].cut) doc.removed_lines.push_back(RemovedLine{line, "test"});
  EXPECT_DOUBLE_EQ(before, 3.0 / 7);
  EXPECT_DOUBLE_EQ(ComputeFineWeb(doc, 30).line_punct_ratio, 2.0 / 3);
}

}  // namespace
}  // namespace chalni::filters

// ---- n-gram signals against a naive reference ------------------------------------------------
// Random documents over a tiny vocabulary (so that n-grams repeat a lot) are scored by the
// implementation and by a direct transcription of the definitions on strings: datatrove's
// find_top_duplicate / find_all_duplicate, with chalni's two documented changes (an n-gram seen
// once is no repetition; ties go to the longest n-gram).
namespace chalni::filters {
namespace {

struct NaiveNgrams {
  std::array<double, 3> top{};
  std::array<double, 6> dup{};
};

NaiveNgrams NaiveRepetition(const std::vector<std::string>& words, double total_chars) {
  NaiveNgrams out;
  auto chars = [](const std::string& w) { return static_cast<uint64_t>(io::CountCodePoints(w)); };
  for (size_t n = 2; n <= 4 && n <= words.size(); ++n) {
    std::map<std::string, std::pair<uint64_t, uint64_t>> counts;  // joined -> (count, length)
    for (size_t i = 0; i + n <= words.size(); ++i) {
      std::string joined;
      uint64_t length = n - 1;
      for (size_t k = i; k < i + n; ++k) {
        joined += words[k] + '\x01';
        length += chars(words[k]);
      }
      auto& [count, len] = counts[joined];
      ++count;
      len = length;
    }
    uint64_t best_count = 0, best_len = 0;
    for (const auto& [joined, cl] : counts) {
      if (cl.first > best_count || (cl.first == best_count && cl.second > best_len)) {
        best_count = cl.first;
        best_len = cl.second;
      }
    }
    if (best_count >= 2) out.top[n - 2] = best_count * best_len / total_chars;
  }
  for (size_t n = 5; n <= 10; ++n) {
    std::set<std::string> seen;
    uint64_t repeated = 0;
    for (size_t i = 0; i + n <= words.size();) {
      std::string joined;
      uint64_t length = 0;
      for (size_t k = i; k < i + n; ++k) {
        joined += words[k] + '\x01';
        length += chars(words[k]);
      }
      if (seen.count(joined)) {
        repeated += length;
        i += n;
      } else {
        seen.insert(joined);
        ++i;
      }
    }
    out.dup[n - 5] = repeated / total_chars;
  }
  return out;
}

TEST(GopherRepetitionSignalsTest, NgramsMatchNaiveReference) {
  const std::vector<std::string> vocabulary = {"আমি", "ভাত", "খাই", "এবং", "জল", "the", "cat",
                                               "sat", "on", "মা"};
  std::mt19937 rng(20240601);
  for (int round = 0; round < 400; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const size_t num_words = 1 + rng() % 160;
    const size_t vocab = 2 + rng() % vocabulary.size() % (vocabulary.size() - 1);
    std::string text;
    for (size_t i = 0; i < num_words; ++i) {
      if (i > 0) text += (rng() % 9 == 0) ? "\n" : " ";
      text += vocabulary[rng() % vocab];
      if (rng() % 7 == 0) text += "।";
    }
    Document doc = PrepareDoc(text);
    std::vector<std::string> words;
    for (const text::Token& t : doc.tokens) {
      words.push_back(doc.text.substr(t.begin, t.end - t.begin));
    }
    ASSERT_EQ(words.size(), num_words);
    const NaiveNgrams expected =
        NaiveRepetition(words, static_cast<double>(io::CountCodePoints(text)));
    const GopherRepetitionSignals s = ComputeGopherRepetition(doc);
    for (int i = 0; i < 3; ++i) EXPECT_DOUBLE_EQ(s.top_ngram_char_frac[i], expected.top[i]) << i;
    for (int i = 0; i < 6; ++i) EXPECT_DOUBLE_EQ(s.dup_ngram_char_frac[i], expected.dup[i]) << i;
  }
}

}  // namespace
}  // namespace chalni::filters
