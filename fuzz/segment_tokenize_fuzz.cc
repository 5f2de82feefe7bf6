// Fuzz target: segmentation (lines, paragraphs, sentences) and the shared tokenizer, on the text
// as the pipeline hands it over: repaired, then normalized with the default options.
//
// Checked: line spans tile the text between '\n's; paragraphs are runs of non-blank lines;
// sentences lie inside one line, in order, without overlap; tokens are non-empty, in order,
// inside the text, on character boundaries, never split a grapheme cluster (ICU's character
// break rules; inside Thai/Lao/Khmer/Myanmar/Han/Kana runs the boundaries are ICU's own word
// breaker's and are not checked), carry HashToken of their bytes and their code-point count.
// The raw repaired text (not normalized) is tokenized too, checking the span and hash
// invariants only: the tokenizer must be safe on any valid UTF-8, NFC or not.
#include <unicode/brkiter.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chalni/io/utf8.h"
#include "chalni/text/normalize.h"
#include "chalni/text/segment.h"
#include "chalni/text/tokenize.h"
#include "fuzz_check.h"

namespace chalni::fuzz {
namespace {

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
  return n;
}

// Grapheme cluster boundaries of `text` as a byte-indexed bitmap.
std::vector<bool> GraphemeBoundaries(std::string_view text) {
  std::vector<bool> boundary(text.size() + 1, false);
  UErrorCode ec = U_ZERO_ERROR;
  static thread_local std::unique_ptr<icu::BreakIterator> iter(
      icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), ec));
  FUZZ_CHECK(U_SUCCESS(ec) && iter != nullptr, "no ICU character break iterator");
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &ec);
  FUZZ_CHECK(U_SUCCESS(ec), "utext_openUTF8: %s", u_errorName(ec));
  iter->setText(ut, ec);
  for (int32_t pos = iter->first(); pos != icu::BreakIterator::DONE; pos = iter->next()) {
    boundary[static_cast<size_t>(pos)] = true;
  }
  utext_close(ut);
  return boundary;
}

// The code points around [begin, end) as U+XXXX, the span in brackets: for failure messages.
std::string Context(std::string_view text, size_t begin, size_t end) {
  std::string out;
  size_t pos = begin >= 12 ? begin - 12 : 0;
  while (pos > 0 && !IsCharBoundary(text, pos)) --pos;
  const size_t stop = std::min(text.size(), end + 12);
  while (pos < stop) {
    if (pos == begin) out += "[ ";
    if (pos == end) out += "] ";
    UChar32 cp;
    int32_t i = static_cast<int32_t>(pos);
    U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i, static_cast<int32_t>(text.size()),
            cp);
    char buf[16];
    std::snprintf(buf, sizeof(buf), "U+%04X ", static_cast<unsigned>(cp));
    out += buf;
    pos = static_cast<size_t>(i);
  }
  if (end >= stop) out += "]";
  return out;
}

bool IsNoSpaceScript(UChar32 cp) {
  UErrorCode ec = U_ZERO_ERROR;
  switch (uscript_getScript(cp, &ec)) {
    case USCRIPT_THAI: case USCRIPT_LAO: case USCRIPT_KHMER: case USCRIPT_MYANMAR:
    case USCRIPT_HAN: case USCRIPT_HIRAGANA: case USCRIPT_KATAKANA:
      return true;
    default:
      return false;
  }
}

// True when both code points around `pos` belong to scripts the tokenizer hands to ICU's
// dictionary word breaker: there the boundaries are ICU's, which splits malformed clusters such
// as Thai SARA AM after SARA AA (`กาำ`); the fast path's boundaries are checked everywhere.
bool InsideDictionaryRun(std::string_view text, size_t pos) {
  if (pos == 0 || pos >= text.size()) return false;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  int32_t before = static_cast<int32_t>(pos), after = static_cast<int32_t>(pos);
  UChar32 prev, next;
  U8_PREV(bytes, 0, before, prev);
  U8_NEXT(bytes, after, static_cast<int32_t>(text.size()), next);
  return IsNoSpaceScript(prev) && IsNoSpaceScript(next);
}

void CheckTokens(std::string_view text, bool check_graphemes) {
  std::vector<text::Token> tokens;
  text::Tokenize(text, &tokens);
  std::vector<bool> graphemes;
  if (check_graphemes) graphemes = GraphemeBoundaries(text);
  uint32_t prev_end = 0;
  for (const text::Token& t : tokens) {
    FUZZ_CHECK(t.begin < t.end && t.end <= text.size(), "token [%u, %u) in %zu bytes", t.begin,
               t.end, text.size());
    FUZZ_CHECK(t.begin >= prev_end, "token [%u, %u) overlaps the one ending at %u", t.begin,
               t.end, prev_end);
    FUZZ_CHECK(IsCharBoundary(text, t.begin) && IsCharBoundary(text, t.end),
               "token [%u, %u) cuts a character", t.begin, t.end);
    const std::string_view word = text.substr(t.begin, t.end - t.begin);
    FUZZ_CHECK(t.hash == text::HashToken(word), "token [%u, %u) hash", t.begin, t.end);
    FUZZ_CHECK(t.chars == CodePoints(word), "token [%u, %u): chars %u, code points %zu", t.begin,
               t.end, t.chars, CodePoints(word));
    if (check_graphemes) {
      FUZZ_CHECK((graphemes[t.begin] || InsideDictionaryRun(text, t.begin)) &&
                     (graphemes[t.end] || InsideDictionaryRun(text, t.end)),
                 "token [%u, %u) splits a grapheme cluster: %s", t.begin, t.end,
                 Context(text, t.begin, t.end).c_str());
    }
    prev_end = t.end;
  }
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

void CheckSegmentation(std::string_view text) {
  text::Segmentation seg;
  text::Segment(text, &seg);
  // Lines tile the text: each starts right after the previous one's '\n'.
  size_t pos = 0;
  for (size_t line_idx = 0; line_idx < seg.lines.size(); ++line_idx) {
    const text::Span& l = seg.lines[line_idx];
    FUZZ_CHECK(l.begin == pos && l.begin <= l.end && l.end <= text.size(),
               "line %zu [%u, %u), expected to start at %zu", line_idx, l.begin, l.end, pos);
    FUZZ_CHECK(text.substr(l.begin, l.end - l.begin).find('\n') == std::string_view::npos,
               "line %zu holds a '\\n'", line_idx);
    // A line ends at '\n', or at the '\r' of a CRLF (excluded from the line), or at the end.
    const bool at_cr = l.end < text.size() && text[l.end] == '\r' &&
                       (l.end + 1 == text.size() || text[l.end + 1] == '\n');
    FUZZ_CHECK(l.end == text.size() || text[l.end] == '\n' || at_cr,
               "line %zu does not end at '\\n'", line_idx);
    pos = l.end + (at_cr ? 2 : 1);
  }
  FUZZ_CHECK(pos >= text.size(), "lines end at %zu of %zu bytes", pos, text.size());
  // Paragraphs: ordered, disjoint, each from the start of a non-blank line to the end of one.
  uint32_t prev = 0;
  for (const text::Span& p : seg.paragraphs) {
    FUZZ_CHECK(p.begin >= prev && p.begin < p.end && p.end <= text.size(),
               "paragraph [%u, %u)", p.begin, p.end);
    FUZZ_CHECK(!IsBlank(text.substr(p.begin, p.end - p.begin)), "blank paragraph [%u, %u)",
               p.begin, p.end);
    prev = p.end;
  }
  // Sentences: ordered, disjoint, never crossing a line end.
  prev = 0;
  for (const text::Span& s : seg.sentences) {
    FUZZ_CHECK(s.begin >= prev && s.begin <= s.end && s.end <= text.size(),
               "sentence [%u, %u) after %u", s.begin, s.end, prev);
    FUZZ_CHECK(text.substr(s.begin, s.end - s.begin).find('\n') == std::string_view::npos,
               "sentence [%u, %u) crosses a line end", s.begin, s.end);
    FUZZ_CHECK(IsCharBoundary(text, s.begin) && IsCharBoundary(text, s.end),
               "sentence [%u, %u) cuts a character", s.begin, s.end);
    prev = s.end;
  }
  for (const text::Span& l : seg.lines) {
    (void)text::EndsWithTerminalPunctuation(text.substr(l.begin, l.end - l.begin));
  }
}

}  // namespace
}  // namespace chalni::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chalni;
  std::string repaired;
  io::RepairUtf8(fuzz::AsView(data, size), &repaired);
  fuzz::CheckTokens(repaired, /*check_graphemes=*/false);
  fuzz::CheckSegmentation(repaired);

  static const text::Normalizer* normalizer =
      text::Normalizer::Create(text::NormalizeOptions{}).value().release();
  text::NormalizeResult normalized;
  normalizer->Normalize(repaired, &normalized);
  fuzz::CheckTokens(normalized.text, /*check_graphemes=*/true);
  fuzz::CheckSegmentation(normalized.text);
  return 0;
}
