#include "filters/signals.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

#include "chalni/io/utf8.h"
#include "chalni/text/segment.h"
#include "filters/lexicon.h"

namespace chalni::filters {
namespace {

// ---- small open-addressing table keyed by 64-bit hashes ----
// Why not std::unordered_map: every signal is a pass over tokens or lines, and a node-based map
// allocates per entry; this table is reused per thread, cleared with one fill, and probes ~1 slot.
class HashTable {
 public:
  // One slot per key: key, occurrence count and the n-gram's length in code points side by side,
  // so a probe touches one cache line.
  struct Slot {
    uint64_t key;
    uint32_t count;
    uint32_t chars;
  };
  // Prepares room for `n` keys and clears the table.
  void Reset(size_t n) {
    size_t capacity = 16;
    while (capacity < n * 2) capacity *= 2;
    if (slots_.size() < capacity) slots_.resize(capacity);
    mask_ = capacity - 1;
    std::fill(slots_.begin(), slots_.begin() + capacity, Slot{0, 0, 0});
  }
  // The slot of `key`, inserting it (count 0) when absent; *inserted tells which.
  Slot& FindOrInsert(uint64_t key, bool* inserted) {
    key = key == 0 ? 1 : key;
    for (size_t i = key & mask_;; i = (i + 1) & mask_) {
      Slot& slot = slots_[i];
      if (slot.key == key) {
        *inserted = false;
        return slot;
      }
      if (slot.key == 0) {
        slot.key = key;
        *inserted = true;
        return slot;
      }
    }
  }

 private:
  std::vector<Slot> slots_;
  size_t mask_ = 15;
};

struct Scratch {
  HashTable table;
  HashTable para_table;
  std::vector<uint64_t> ngram_hash;   // hash of the n-gram starting at each token
  std::vector<uint64_t> char_prefix;  // code points of tokens [0, i)
  std::vector<uint32_t> active;       // n-gram repetition: see ComputeGopherRepetition
  std::vector<uint32_t> candidates;
  std::vector<HashTable::Slot*> slots;
  std::vector<uint8_t> is_active;
  std::string lower;                  // ASCII-lower-cased line
};
Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// Combines the hash of an n-gram with the next token's hash (order-dependent; the finalizer of
// MurmurHash3 spreads the bits so that linear probing stays short).
inline uint64_t MixHash(uint64_t h, uint64_t token) {
  uint64_t x = h * 0x9E3779B97F4A7C15ull + token;
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDull;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ull;
  x ^= x >> 33;
  return x;
}

inline std::string_view SpanText(const std::string& text, text::Span span) {
  return std::string_view(text).substr(span.begin, span.end - span.begin);
}

inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view StripLeft(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsAsciiSpace(s[i])) ++i;
  return s.substr(i);
}

std::string_view StripRight(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && IsAsciiSpace(s[n - 1])) --n;
  return s.substr(0, n);
}

int64_t CountSubstring(std::string_view haystack, std::string_view needle) {
  int64_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string_view::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

constexpr std::string_view kBullet = "\xE2\x80\xA2";    // U+2022 •
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026 …

bool EndsWithEllipsis(std::string_view line) {
  return line.ends_with("...") || line.ends_with(kEllipsis);
}

inline double Ratio(double num, double den) { return den > 0 ? num / den : 0.0; }

// The document as the signals see it: the lines an earlier stage cut (doc.removed_lines, e.g.
// boilerplate or C4 line rules) are gone, with their words and their line breaks, exactly as if
// the signal ran on the text the writer will keep. With nothing cut (the common case) the view
// is the document itself and costs nothing.
class KeptView {
 public:
  explicit KeptView(const Document& doc) : doc_(doc) {
    if (doc.removed_lines.empty()) return;
    thread_local std::vector<uint8_t> removed;
    thread_local std::vector<text::Token> tokens;
    const size_t num_lines = doc.seg.lines.size();
    removed.assign(num_lines, 0);
    for (const RemovedLine& r : doc.removed_lines) {
      if (r.line < num_lines) removed[r.line] = 1;
    }
    // Tokens never cross a line end: walk tokens and lines together.
    tokens.clear();
    size_t line = 0;
    for (const text::Token& t : doc.tokens) {
      while (line + 1 < num_lines && doc.seg.lines[line].end <= t.begin) ++line;
      if (num_lines == 0 || !removed[line]) tokens.push_back(t);
    }
    removed_ = &removed;
    tokens_ = &tokens;
  }

  bool all() const { return removed_ == nullptr; }
  bool kept(size_t line) const { return removed_ == nullptr || !(*removed_)[line]; }
  const std::vector<text::Token>& tokens() const { return tokens_ ? *tokens_ : doc_.tokens; }
  std::string_view line(size_t i) const { return SpanText(doc_.text, doc_.seg.lines[i]); }
  size_t num_seg_lines() const { return doc_.seg.lines.size(); }

  // Code points and '\n' characters of the kept text (kept lines joined by '\n').
  void CountChars(uint64_t* chars, uint64_t* newlines) const {
    if (all()) {
      *chars = io::CountCodePoints(doc_.text);
      *newlines = std::count(doc_.text.begin(), doc_.text.end(), '\n');
      return;
    }
    uint64_t c = 0, kept_lines = 0;
    for (size_t i = 0; i < num_seg_lines(); ++i) {
      if (!kept(i)) continue;
      c += io::CountCodePoints(line(i));
      ++kept_lines;
    }
    *newlines = kept_lines > 0 ? kept_lines - 1 : 0;
    *chars = c + *newlines;
  }

 private:
  const Document& doc_;
  const std::vector<uint8_t>* removed_ = nullptr;
  const std::vector<text::Token>* tokens_ = nullptr;
};

// Repeated lines and paragraphs, like datatrove's find_duplicates: the first occurrence is not a
// duplicate, every later one is. Lines are compared by XXH3 of their bytes; a paragraph (a run of
// non-blank kept lines) by the chain of its line hashes.
struct DupCount {
  int64_t items = 0;
  int64_t dups = 0;
  uint64_t dup_chars = 0;
};
struct LineAndParagraphDups {
  DupCount lines, paragraphs;
};
LineAndParagraphDups CountDuplicates(const KeptView& view, bool paragraphs, HashTable* lines_table,
                                     HashTable* para_table) {
  LineAndParagraphDups out;
  lines_table->Reset(view.num_seg_lines());
  if (paragraphs) para_table->Reset(view.num_seg_lines());
  uint64_t para_hash = 0;
  size_t para_first = 0, para_last = 0;  // line indices of the open paragraph
  bool in_para = false;
  auto end_paragraph = [&]() {
    if (!in_para) return;
    in_para = false;
    ++out.paragraphs.items;
    bool inserted;
    para_table->FindOrInsert(para_hash, &inserted);
    if (inserted) return;
    ++out.paragraphs.dups;
    // Code points are counted only for repeats: its kept lines plus the '\n' between them.
    uint64_t chars = 0, lines = 0;
    for (size_t k = para_first; k <= para_last; ++k) {
      if (!view.kept(k)) continue;
      chars += io::CountCodePoints(view.line(k));
      ++lines;
    }
    out.paragraphs.dup_chars += chars + lines - 1;
  };
  for (size_t i = 0; i < view.num_seg_lines(); ++i) {
    if (!view.kept(i)) continue;
    const std::string_view line = view.line(i);
    if (IsBlank(line)) {
      if (paragraphs) end_paragraph();
      continue;
    }
    const uint64_t hash = XXH3_64bits(line.data(), line.size());
    ++out.lines.items;
    bool inserted;
    lines_table->FindOrInsert(hash, &inserted);
    if (!inserted) {
      ++out.lines.dups;
      out.lines.dup_chars += io::CountCodePoints(line);
    }
    if (paragraphs) {
      if (!in_para) para_first = i;
      para_hash = in_para ? MixHash(para_hash, hash) : MixHash(0x5041524147524150ull, hash);
      para_last = i;
      in_para = true;
    }
  }
  if (paragraphs) end_paragraph();
  return out;
}

// True for the inside of a citation marker: digits (or nothing), "edit", "citation needed".
bool IsCitation(std::string_view inner) {
  const bool digits =
      std::all_of(inner.begin(), inner.end(), [](char c) { return c >= '0' && c <= '9'; });
  return digits || inner == "edit" || inner == "citation needed";
}

// Strips trailing citation markers ("[12]", "[]", "[edit]", "[citation needed]") and blanks.
std::string_view StripTrailingCitations(std::string_view line) {
  for (;;) {
    line = StripRight(line);
    if (line.empty() || line.back() != ']') return line;
    size_t open = line.rfind('[');
    if (open == std::string_view::npos) return line;
    if (!IsCitation(line.substr(open + 1, line.size() - open - 2))) return line;
    line = line.substr(0, open);
  }
}

uint32_t CountCitations(std::string_view line) {
  uint32_t n = 0;
  for (size_t open = line.find('['); open != std::string_view::npos;
       open = line.find('[', open + 1)) {
    const size_t close = line.find(']', open + 1);
    if (close == std::string_view::npos) break;
    n += IsCitation(line.substr(open + 1, close - open - 1));
  }
  return n;
}

}  // namespace

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (!IsAsciiSpace(c)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
GopherQualitySignals ComputeGopherQuality(const Document& doc, const StopWordSet* stop_words) {
  GopherQualitySignals s;
  const KeptView view(doc);
  const auto& tokens = view.tokens();
  s.word_count = static_cast<int64_t>(tokens.size());
  uint64_t chars = 0;
  int64_t alpha = 0;
  for (const text::Token& t : tokens) {
    chars += t.chars;
    alpha += (t.flags & text::kTokenHasLetter) != 0;
  }
  // Symbols never span a line break, so counting per kept line equals counting in the kept text.
  auto count_symbols = [&](std::string_view piece) {
    s.hash_count += std::count(piece.begin(), piece.end(), '#');
    s.ellipsis_count += CountSubstring(piece, "...") + CountSubstring(piece, kEllipsis);
  };
  int64_t punct_stop_words = 0;
  if (view.all()) {
    count_symbols(doc.text);
    if (stop_words && stop_words->has_punctuation()) {
      punct_stop_words = stop_words->CountPunctuation(doc.text);
    }
  }
  // Lines are the segmenter's, which follow str.splitlines() (no empty line after a final '\n').
  int64_t lines = 0, bullets = 0, ellipsis_lines = 0;
  for (size_t i = 0; i < view.num_seg_lines(); ++i) {
    if (!view.kept(i)) continue;
    const std::string_view line = view.line(i);
    if (!view.all()) {
      count_symbols(line);
      if (stop_words && stop_words->has_punctuation()) {
        punct_stop_words += stop_words->CountPunctuation(line);
      }
    }
    ++lines;
    const std::string_view left = StripLeft(line);
    bullets += left.starts_with(kBullet) || left.starts_with('-');
    ellipsis_lines += EndsWithEllipsis(StripRight(line));
  }
  if (s.word_count > 0) {
    s.mean_word_length = static_cast<double>(chars) / s.word_count;
    s.hash_word_ratio = static_cast<double>(s.hash_count) / s.word_count;
    s.ellipsis_word_ratio = static_cast<double>(s.ellipsis_count) / s.word_count;
    s.alpha_words_ratio = static_cast<double>(alpha) / s.word_count;
  }
  s.bullet_lines_ratio = Ratio(bullets, lines);
  s.ellipsis_lines_ratio = Ratio(ellipsis_lines, lines);
  s.stop_words = stop_words ? stop_words->CountTokens(tokens) + punct_stop_words : -1;
  return s;
}

// ---------------------------------------------------------------------------------------------
GopherRepetitionSignals ComputeGopherRepetition(const Document& doc) {
  GopherRepetitionSignals s;
  Scratch& scratch = ThreadScratch();
  const KeptView view(doc);
  uint64_t chars = 0, newlines = 0;
  view.CountChars(&chars, &newlines);
  const double total_chars = static_cast<double>(chars);
  if (total_chars == 0) return s;

  const LineAndParagraphDups dups =
      CountDuplicates(view, /*paragraphs=*/true, &scratch.table, &scratch.para_table);
  s.dup_line_frac = Ratio(dups.lines.dups, dups.lines.items);
  s.dup_line_char_frac = dups.lines.dup_chars / total_chars;
  s.dup_para_frac = Ratio(dups.paragraphs.dups, dups.paragraphs.items);
  s.dup_para_char_frac = dups.paragraphs.dup_chars / total_chars;

  // N-grams of word tokens, hashed incrementally from the token hashes: ngram_hash[i] is the hash
  // of the current n-gram starting at token i; no string is ever built.
  //
  // Why candidates: an n-gram can occur twice only if both (n-1)-grams inside it do. After the
  // 2-gram pass (which counts every position) only the positions whose n-gram repeats stay
  // "active"; the (n+1)-gram at i is counted only when i and i+1 are both active. Every other
  // n-gram is unique, and a unique n-gram changes neither the top n-gram (unless nothing repeats:
  // then the fraction is 0) nor the duplicated n-gram scan (it is inserted and never met again).
  // On natural text the active set shrinks fast, so the passes for n >= 3 cost a fraction of a
  // full pass; the differential test against the naive definition guards the equivalence.
  const auto& tokens = view.tokens();
  const size_t num_tokens = tokens.size();
  if (num_tokens < 2) return s;
  auto& hash = scratch.ngram_hash;
  auto& prefix = scratch.char_prefix;
  auto& active = scratch.active;          // positions whose current n-gram occurs >= 2 times
  auto& candidates = scratch.candidates;  // positions counted in this pass
  auto& slots = scratch.slots;            // candidates[k]'s slot in the table
  auto& is_active = scratch.is_active;    // is_active[i] == (i is in active)
  hash.resize(num_tokens);
  prefix.resize(num_tokens + 1);
  is_active.assign(num_tokens, 0);
  prefix[0] = 0;
  for (size_t i = 0; i < num_tokens; ++i) {
    hash[i] = tokens[i].hash;
    prefix[i + 1] = prefix[i] + tokens[i].chars;
  }
  HashTable& table = scratch.table;
  for (size_t n = 2; n <= 10 && n <= num_tokens; ++n) {
    const size_t count = num_tokens - n + 1;
    candidates.clear();
    if (n == 2) {
      for (size_t i = 0; i < count; ++i) candidates.push_back(static_cast<uint32_t>(i));
    } else {
      for (uint32_t i : active) {
        if (i < count && is_active[i + 1]) candidates.push_back(i);
      }
    }
    if (candidates.empty()) break;  // nothing repeats: every longer fraction is 0
    // Count the candidates' n-grams; for n <= 4 track the top one while counting (the most
    // frequent; ties: the most code points, one space between words).
    table.Reset(candidates.size());
    slots.clear();
    uint64_t best_count = 0, best_chars = 0;
    for (uint32_t i : candidates) {
      hash[i] = MixHash(hash[i], tokens[i + n - 1].hash);
      bool inserted;
      HashTable::Slot& slot = table.FindOrInsert(hash[i], &inserted);
      if (inserted) slot.chars = static_cast<uint32_t>(prefix[i + n] - prefix[i] + (n - 1));
      slots.push_back(&slot);
      const uint64_t c = ++slot.count;
      if (c < best_count) continue;
      if (c > best_count || slot.chars > best_chars) {
        best_count = c;
        best_chars = slot.chars;
      }
    }
    for (uint32_t i : active) is_active[i] = 0;
    active.clear();
    for (size_t k = 0; k < candidates.size(); ++k) {
      if (slots[k]->count >= 2) {
        active.push_back(candidates[k]);
        is_active[candidates[k]] = 1;
      }
    }
    if (n <= 4) {
      // An n-gram seen once is not repetition (datatrove would count the first unique n-gram).
      if (best_count >= 2) s.top_ngram_char_frac[n - 2] = best_count * best_chars / total_chars;
      continue;
    }
    // Duplicated n-grams, scanned left to right; after a repeated n-gram the scan jumps past it,
    // so overlapping repeats are not counted twice (datatrove's find_all_duplicate). Only active
    // positions can hit; the positions a jump passes over are neither checked nor inserted.
    table.Reset(active.size());
    uint64_t repeated = 0;
    size_t next = 0;
    for (uint32_t i : active) {
      if (i < next) continue;
      bool inserted;
      table.FindOrInsert(hash[i], &inserted);
      if (!inserted) {
        repeated += prefix[i + n] - prefix[i];
        next = i + n;
      }
    }
    s.dup_ngram_char_frac[n - 5] = repeated / total_chars;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
void AnalyzeC4Lines(const Document& doc, const C4Lexicon& lexicon, std::vector<C4Line>* out) {
  out->clear();
  Scratch& scratch = ThreadScratch();
  const KeptView view(doc);
  const auto& tokens = doc.tokens;  // all of them: the walk below skips cut lines itself
  const auto& sentences = doc.seg.sentences;
  size_t t = 0, s = 0;
  for (size_t line_idx = 0; line_idx < doc.seg.lines.size(); ++line_idx) {
    const text::Span span = doc.seg.lines[line_idx];
    std::string_view line = SpanText(doc.text, span);
    while (t < tokens.size() && tokens[t].begin < span.begin) ++t;
    while (s < sentences.size() && sentences[s].begin < span.begin) ++s;
    if (!view.kept(line_idx) || IsBlank(line)) continue;  // cut earlier, or blank
    C4Line f;
    f.line = static_cast<uint32_t>(line_idx);
    for (; t < tokens.size() && tokens[t].end <= span.end; ++t) {
      ++f.words;
      f.max_word_chars = std::max(f.max_word_chars, tokens[t].chars);
    }
    for (; s < sentences.size() && sentences[s].begin < span.end; ++s) ++f.sentences;
    std::string_view stripped = StripTrailingCitations(line);
    f.terminal_punct = !EndsWithEllipsis(stripped) && text::EndsWithTerminalPunctuation(stripped);
    f.citations = CountCitations(line);
    f.curly_bracket = line.find('{') != std::string_view::npos;
    // ASCII case folding is enough for C4's phrases (all ASCII); other scripts are unchanged.
    std::string& lower = scratch.lower;
    lower.assign(line);
    for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    f.javascript = lower.find("javascript") != std::string::npos;
    f.lorem_ipsum = lower.find("lorem ipsum") != std::string::npos;
    for (const std::string& phrase : lexicon.policy_phrases) {
      if (!phrase.empty() && lower.find(phrase) != std::string::npos) {
        f.policy = true;
        break;
      }
    }
    out->push_back(f);
  }
}

C4Signals SummarizeC4(const std::vector<C4Line>& lines) {
  C4Signals s;
  for (const C4Line& f : lines) {
    ++s.lines;
    s.lines_no_terminal_punct += !f.terminal_punct;
    s.lines_javascript += f.javascript;
    s.lines_policy += f.policy;
    s.citations += f.citations;
    s.max_word_chars = std::max<int64_t>(s.max_word_chars, f.max_word_chars);
    s.sentences += std::max<uint32_t>(f.sentences, 1);
    s.lorem_ipsum |= f.lorem_ipsum;
    s.curly_bracket |= f.curly_bracket;
  }
  return s;
}

C4Decision DecideC4(const std::vector<C4Line>& lines, const C4Rules& rules) {
  C4Decision d;
  bool lorem = false, curly = false;
  auto remove = [&d](const C4Line& f, const char* reason) {
    d.removed_lines.push_back(RemovedLine{f.line, reason});
  };
  for (const C4Line& f : lines) {
    if (rules.max_word_length >= 0 && f.max_word_chars > rules.max_word_length) {
      remove(f, "c4_too_long_word");
      continue;
    }
    if (rules.remove_no_terminal_punct_lines && !f.terminal_punct) {
      remove(f, "c4_no_terminal_punct");
      continue;
    }
    if (rules.min_words_per_line >= 0 && f.words < rules.min_words_per_line) {
      remove(f, "c4_too_few_words");
      continue;
    }
    if (rules.remove_lorem_ipsum_docs && f.lorem_ipsum) {
      lorem = true;
      continue;
    }
    if (rules.remove_javascript_lines && f.javascript) {
      remove(f, "c4_javascript");
      continue;
    }
    if (rules.remove_curly_bracket_docs && f.curly_bracket) {
      curly = true;
      continue;
    }
    if (rules.remove_policy_lines && f.policy) {
      remove(f, "c4_policy");
      continue;
    }
    // A non-blank line is at least one sentence (sentences end at line ends).
    d.kept_sentences += std::max<uint32_t>(f.sentences, 1);
  }
  if (lorem) d.doc_reasons.emplace_back("c4_lorem_ipsum");
  if (curly) d.doc_reasons.emplace_back("c4_curly_bracket");
  if (rules.min_num_sentences >= 0 && d.kept_sentences < rules.min_num_sentences) {
    d.doc_reasons.emplace_back("c4_too_few_sentences");
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
FineWebSignals ComputeFineWeb(const Document& doc, int64_t short_line_length) {
  FineWebSignals s;
  Scratch& scratch = ThreadScratch();
  const KeptView view(doc);
  int64_t punct = 0, short_lines = 0;
  for (size_t i = 0; i < view.num_seg_lines(); ++i) {
    if (!view.kept(i)) continue;
    const std::string_view line = view.line(i);
    if (IsBlank(line)) continue;
    ++s.lines;
    punct += text::EndsWithTerminalPunctuation(line);
    // A code point takes 1 to 4 bytes: decide from the byte length when it is conclusive.
    const int64_t bytes = static_cast<int64_t>(line.size());
    if (bytes <= short_line_length) {
      ++short_lines;
    } else if (bytes <= 4 * short_line_length) {
      short_lines += static_cast<int64_t>(io::CountCodePoints(line)) <= short_line_length;
    }
  }
  s.line_punct_ratio = Ratio(punct, s.lines);
  s.short_line_ratio = Ratio(short_lines, s.lines);
  const LineAndParagraphDups dups =
      CountDuplicates(view, /*paragraphs=*/false, &scratch.table, &scratch.para_table);
  uint64_t chars = 0, newlines = 0;
  view.CountChars(&chars, &newlines);
  s.char_dup_ratio = Ratio(dups.lines.dup_chars, static_cast<double>(chars - newlines));
  s.newline_ratio = static_cast<double>(newlines) /
                    static_cast<double>(std::max<size_t>(view.tokens().size(), 1));
  return s;
}

}  // namespace chalni::filters
