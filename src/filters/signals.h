// Quality signals of the Gopher, C4 and FineWeb rule sets, computed from a prepared document.
//
// These are the pure functions behind the signal stages (src/filters/stages.h): they read only
// doc.text (NFC), doc.seg (lines, paragraphs, sentences) and doc.tokens (word tokens with hash,
// flags and code-point count), never split or hash words themselves, and never look at a
// threshold. The filter stages compare what they return (stored as attributes) with the
// thresholds of the document's profile. docs/FILTERS.md gives each signal's definition and how it
// differs from datatrove's reference implementation.
//
//   chalni::filters::GopherRepetitionSignals rep = chalni::filters::ComputeGopherRepetition(doc);
//   if (rep.dup_line_frac > 0.3) ...
//
// All functions are thread-safe (scratch memory is thread-local) and never fail: an empty
// document yields zeros.
#ifndef CHALNI_FILTERS_SIGNALS_H_
#define CHALNI_FILTERS_SIGNALS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chalni/document.h"

namespace chalni::filters {

class StopWordSet;

// ---- shared helpers ----

// True when `line` holds only spaces/tabs (or nothing).
bool IsBlank(std::string_view line);

// ---- Gopher quality (Rae et al. 2021, appendix A) ----
struct GopherQualitySignals {
  int64_t word_count = 0;
  double mean_word_length = 0;      // code points per word; 0 without words
  int64_t hash_count = 0;           // '#' in the text
  int64_t ellipsis_count = 0;       // non-overlapping "..." plus "…"
  double hash_word_ratio = 0;       // hash_count / word_count (0 without words)
  double ellipsis_word_ratio = 0;   // ellipsis_count / word_count
  double bullet_lines_ratio = 0;    // lines starting with • or - (after leading blanks) / lines
  double ellipsis_lines_ratio = 0;  // lines ending with ... or … (before trailing blanks) / lines
  double alpha_words_ratio = 0;     // words with a letter / words (0 without words)
  int64_t stop_words = -1;          // stop-word occurrences; -1 when no lexicon was given
};
// `stop_words` may be null (no lexicon: the count is -1).
GopherQualitySignals ComputeGopherQuality(const Document& doc, const StopWordSet* stop_words);

// ---- Gopher repetition (Rae et al. 2021, table A1) ----
struct GopherRepetitionSignals {
  double dup_line_frac = 0;        // repeated non-blank lines / non-blank lines
  double dup_para_frac = 0;        // repeated paragraphs / paragraphs
  double dup_line_char_frac = 0;   // code points in repeated lines / code points in the text
  double dup_para_char_frac = 0;   // code points in repeated paragraphs / code points in the text
  std::array<double, 3> top_ngram_char_frac{};  // n = 2, 3, 4
  std::array<double, 6> dup_ngram_char_frac{};  // n = 5 ... 10
};
GopherRepetitionSignals ComputeGopherRepetition(const Document& doc);

// ---- C4 (Raffel et al. 2020) ----
// The phrases C4 looks for in a line, ASCII-lower-cased (the policy list comes from the profile).
struct C4Lexicon {
  std::vector<std::string> policy_phrases;
};

// Per-line features, for non-blank lines only (blank lines are never judged or removed).
struct C4Line {
  uint32_t line = 0;           // index into doc.seg.lines
  uint32_t words = 0;          // word tokens in the line
  uint32_t max_word_chars = 0; // longest word token, in code points
  uint32_t sentences = 0;      // doc.seg.sentences starting in the line
  bool terminal_punct = false; // ends in terminal punctuation (citations stripped, not "...")
  bool javascript = false;     // contains "javascript" (ASCII case-insensitive)
  bool policy = false;         // contains a policy phrase
  bool lorem_ipsum = false;    // contains "lorem ipsum"
  bool curly_bracket = false;  // contains '{'
  uint32_t citations = 0;      // [1], [], [edit], [citation needed]
};
void AnalyzeC4Lines(const Document& doc, const C4Lexicon& lexicon, std::vector<C4Line>* out);

struct C4Signals {
  int64_t lines = 0;                   // non-blank lines
  int64_t lines_no_terminal_punct = 0;
  int64_t lines_javascript = 0;
  int64_t lines_policy = 0;
  int64_t citations = 0;
  int64_t max_word_chars = 0;
  int64_t sentences = 0;
  bool lorem_ipsum = false;
  bool curly_bracket = false;
};
C4Signals SummarizeC4(const std::vector<C4Line>& lines);

// What C4's rules decide with one profile's settings (a disabled rule is nullopt / false).
struct C4Rules {
  bool remove_no_terminal_punct_lines = false;
  int64_t min_words_per_line = -1;  // -1: disabled
  int64_t max_word_length = -1;     // -1: disabled
  bool remove_javascript_lines = false;
  bool remove_policy_lines = false;
  bool remove_lorem_ipsum_docs = false;
  bool remove_curly_bracket_docs = false;
  int64_t min_num_sentences = -1;   // -1: disabled
};
struct C4Decision {
  std::vector<RemovedLine> removed_lines;  // line-level removals, in line order
  std::vector<std::string> doc_reasons;    // c4_lorem_ipsum, c4_curly_bracket, c4_too_few_sentences
  int64_t kept_sentences = 0;
};
// C4's per-line order: too long word, terminal punctuation, words per line, lorem ipsum
// (document), javascript, curly bracket (document), policy; a line removed by an earlier rule is
// not looked at by later ones, as in C4's reference implementation.
C4Decision DecideC4(const std::vector<C4Line>& lines, const C4Rules& rules);

// ---- FineWeb (Penedo et al. 2024) ----
struct FineWebSignals {
  int64_t lines = 0;              // non-blank lines
  double line_punct_ratio = 0;    // non-blank lines ending in terminal punctuation / lines
  double short_line_ratio = 0;    // non-blank lines of <= short_line_length code points / lines
  double char_dup_ratio = 0;      // code points in repeated non-blank lines / non-'\n' code points
  double newline_ratio = 0;       // '\n' count / words (divided by 1 when there are no words)
};
FineWebSignals ComputeFineWeb(const Document& doc, int64_t short_line_length);

}  // namespace chalni::filters

#endif  // CHALNI_FILTERS_SIGNALS_H_
