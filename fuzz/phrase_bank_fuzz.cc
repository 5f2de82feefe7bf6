// Fuzz target: the chrome phrase bank (src/boilerplate/phrase_bank.*): the matcher behind
// chrome_phrase_v1 over the built-in banks, and the bank file parser.
//
// The first byte picks the mode and the match options:
//   even: the rest is a document; it is repaired, normalized and tokenized as the pipeline does,
//         and every line is matched with MatchLine (the line's own tokens) and MatchText;
//   odd:  the rest is a bank file: AddFile on a fresh bank, then each of its lines is matched.
// Checked: words equals the line's token count; phrase and filler tokens never exceed it; a
// chrome line has at least one phrase token (or is a lead-in) and at most max_words words (or
// max_lead_in_words for a lead-in), and reaches min_coverage unless it is a lead-in; a line of
// more than max(max_words, max_lead_in_words) words is never chrome; MatchLine and MatchText
// agree on the same line.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "boilerplate/phrase_bank.h"
#include "chalni/io/utf8.h"
#include "chalni/text/normalize.h"
#include "chalni/text/tokenize.h"
#include "fuzz_check.h"
#include "pipeline/run.h"

namespace chalni::fuzz {
namespace {

const text::Normalizer& TheNormalizer() {
  static const text::Normalizer* normalizer =
      text::Normalizer::Create(text::NormalizeOptions{}).value().release();
  return *normalizer;
}

void CheckMatch(const boilerplate::PhraseBank& bank, std::string_view text,
                std::span<const text::Token> tokens, const boilerplate::PhraseMatchOptions& o) {
  const boilerplate::PhraseMatch m = bank.MatchLine(text, tokens, o);
  FUZZ_CHECK(m.words == static_cast<int>(tokens.size()), "words %d for %zu tokens", m.words,
             tokens.size());
  FUZZ_CHECK(m.phrase_tokens >= 0 && m.filler_tokens >= 0 &&
                 m.phrase_tokens + m.filler_tokens <= m.words,
             "covered %d + %d of %d words", m.phrase_tokens, m.filler_tokens, m.words);
  FUZZ_CHECK(!m.lead_in || m.chrome, "lead_in without chrome");
  if (m.chrome && !m.lead_in) {
    FUZZ_CHECK(m.words >= 1 && m.words <= o.max_words, "chrome line of %d words", m.words);
    FUZZ_CHECK(m.phrase_tokens >= 1, "chrome line without a phrase");
    FUZZ_CHECK(m.phrase_tokens + m.filler_tokens >= o.min_coverage * m.words - 1e-9,
               "chrome line covered %d + %d of %d", m.phrase_tokens, m.filler_tokens, m.words);
  }
  if (m.lead_in) {
    FUZZ_CHECK(m.words >= 1 && m.words <= o.max_lead_in_words, "lead-in of %d words", m.words);
  }
}

void MatchLines(const boilerplate::PhraseBank& bank, std::string_view doc,
                const boilerplate::PhraseMatchOptions& o) {
  std::vector<text::Token> tokens;
  text::Tokenize(doc, &tokens);
  size_t token_idx = 0;
  size_t begin = 0;
  while (begin <= doc.size()) {
    size_t end = doc.find('\n', begin);
    if (end == std::string_view::npos) end = doc.size();
    const size_t first = token_idx;
    while (token_idx < tokens.size() && tokens[token_idx].end <= end) ++token_idx;
    const std::span<const text::Token> line_tokens(tokens.data() + first, token_idx - first);
    CheckMatch(bank, doc, line_tokens, o);
    const std::string_view line = doc.substr(begin, end - begin);
    const boilerplate::PhraseMatch by_line = bank.MatchLine(doc, line_tokens, o);
    const boilerplate::PhraseMatch by_text = bank.MatchText(line, o);
    FUZZ_CHECK(by_line.chrome == by_text.chrome && by_line.words == by_text.words &&
                   by_line.lead_in == by_text.lead_in,
               "MatchLine and MatchText disagree on a line of %zu bytes", line.size());
    begin = end + 1;
  }
}

}  // namespace
}  // namespace chalni::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chalni;
  if (size < 1) return 0;
  const uint8_t knobs = data[0];
  boilerplate::PhraseMatchOptions options;
  options.max_words = 1 + (knobs >> 1) % 24;
  options.min_coverage = ((knobs >> 4) % 8 + 1) / 8.0;
  options.max_lead_in_words = 1 + (knobs >> 3) % 32;

  std::string repaired;
  io::RepairUtf8(fuzz::AsView(data + 1, size - 1), &repaired);
  text::NormalizeResult normalized;
  fuzz::TheNormalizer().Normalize(repaired, &normalized);

  if ((knobs & 1) == 0) {
    static const boilerplate::PhraseBank* bank = [] {
      auto loaded = boilerplate::PhraseBank::Load(DefaultDataDir(), {"ar", "bn", "en", "hi", "ur"},
                                                  &fuzz::TheNormalizer());
      FUZZ_CHECK(loaded.ok(), "cannot load the phrase banks: %s",
                 loaded.status().message().c_str());
      return loaded->release();
    }();
    fuzz::MatchLines(*bank, normalized.text, options);
    return 0;
  }
  boilerplate::PhraseBank bank;
  const Status added = bank.AddFile(repaired, "fuzz.txt", &fuzz::TheNormalizer());
  if (!added.ok()) {
    FUZZ_CHECK(!added.message().empty(), "an error without a message");
    return 0;
  }
  fuzz::MatchLines(bank, normalized.text, options);
  return 0;
}
