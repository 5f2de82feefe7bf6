// The shared word tokenizer. Semantics in tokenize.h and docs/TEXT.md ("Words").
//
// Fast path: a byte-level UTF-8 walk with one table lookup per code point (unicode_table.h), no
// ICU. Runs of Thai, Lao, Khmer, Myanmar, Han and Kana go to ICU's dictionary-based word
// BreakIterator over a UTF-8 UText (no copy; its indexes are byte offsets).
#include "chalni/text/tokenize.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <xxhash.h>

#include <memory>

#include "chalni/status.h"
#include "normalize/unicode_table.h"

namespace chalni::text {

using internal::CharInfo;

uint64_t HashToken(std::string_view token) { return XXH3_64bits(token.data(), token.size()); }

namespace {

// Apostrophes and hyphens that stay inside a word between two letters: don't, দু’দেশের,
// আল-কাজিমি, well-known.
bool IsInWordApostrophe(char32_t cp) { return cp == '\'' || cp == 0x2019; }
bool IsInWordHyphen(char32_t cp) { return cp == '-' || cp == 0x2010 || cp == 0x2011; }
// Separators that stay inside a number between two digits: 3.14, 10,000, ১২.৫, ٣٫١٤.
bool IsNumberSeparator(char32_t cp) {
  return cp == '.' || cp == ',' || cp == 0x066B || cp == 0x066C;
}

struct Walker {
  const uint8_t* base;
  const uint8_t* end;
  const internal::UnicodeTable& table;

  char32_t Decode(const uint8_t* p, int* len, const CharInfo** info) const {
    const char32_t cp = internal::DecodeUtf8(p, end, len);
    *info = &table.Lookup(cp);
    return cp;
  }
};

void AddToken(const uint8_t* base, const uint8_t* begin, const uint8_t* stop, uint32_t flags,
              uint32_t chars, std::vector<Token>* out) {
  Token t;
  t.begin = static_cast<uint32_t>(begin - base);
  t.end = static_cast<uint32_t>(stop - base);
  t.hash = XXH3_64bits(begin, stop - begin);
  t.flags = flags;
  t.chars = chars;
  out->push_back(t);
}

// TokenClass of the code point at p and its length, straight from the UTF-8 bytes (no full
// decode for 1- to 3-byte characters). Invalid bytes are separators of length 1.
inline uint8_t ClassAt(const internal::UnicodeTable& table, const uint8_t* p, const uint8_t* end,
                       int* len) {
  const uint8_t b0 = p[0];
  if (b0 < 0x80) {
    *len = 1;
    return table.TokenClassOf(b0);
  }
  const ptrdiff_t avail = end - p;
  if (b0 >= 0xE0 && b0 < 0xF0 && avail >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
    *len = 3;
    return table.TokenClassOf(((b0 & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu));
  }
  if (b0 >= 0xC2 && b0 < 0xE0 && avail >= 2 && (p[1] & 0xC0) == 0x80) {
    *len = 2;
    return table.TokenClassOf(((b0 & 0x1Fu) << 6) | (p[1] & 0x3Fu));
  }
  const char32_t cp = internal::DecodeUtf8(p, end, len);
  if (*len == 1) return 0;
  return internal::TokenClassFor(table.Lookup(cp));
}

// True when the code point at p has Grapheme_Cluster_Break=Prepend (U+0600 ARABIC NUMBER SIGN,
// U+06DD, U+070F, the letter U+0D4E ...): it joins the cluster after it. ICU is asked only past
// the byte gate.
inline bool IsPrepend(const uint8_t* p, const uint8_t* end) {
  if (!internal::MayBePrepend(p, end)) return false;
  int len;
  const char32_t cp = internal::DecodeUtf8(p, end, &len);
  return len > 1 && u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_GRAPHEME_CLUSTER_BREAK) ==
                        U_GCB_PREPEND;
}

// True when the code point at p is not a combining mark yet extends the grapheme cluster before
// it (Grapheme_Cluster_Break Extend/SpacingMark/ZWJ): Thai SARA AM U+0E33, emoji modifiers, tag
// characters. Marks are known from the class table. ICU is asked only past the byte gate.
inline bool ExtendsCluster(const uint8_t* p, const uint8_t* end) {
  if (!internal::MayExtendClusterUnmarked(p, end)) return false;
  int len;
  const char32_t cp = internal::DecodeUtf8(p, end, &len);
  if (len == 1) return false;
  const int gcb = u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_GRAPHEME_CLUSTER_BREAK);
  return gcb == U_GCB_EXTEND || gcb == U_GCB_SPACING_MARK || gcb == U_GCB_ZWJ;
}

inline uint32_t CodePointsIn(const uint8_t* begin, const uint8_t* stop) {
  uint32_t n = 0;
  for (const uint8_t* q = begin; q < stop; ++q) n += (*q & 0xC0) != 0x80;
  return n;
}

inline uint32_t FlagsOfClass(uint8_t c, bool* has_upper, bool* has_lower) {
  *has_upper |= (c & internal::kTokUpper) != 0;
  *has_lower |= (c & internal::kTokLower) != 0;
  return ((c & internal::kTokLetter) ? kTokenHasLetter : 0u) |
         ((c & internal::kTokDigit) ? kTokenHasDigit : 0u);
}

// ICU word break over [run_begin, run_end). One BreakIterator per thread: creating one costs
// ~50 µs, and instances are not thread-safe.
void TokenizeNoSpaceRun(const uint8_t* base, const uint8_t* run_begin, const uint8_t* run_end,
                        const Walker& w, std::vector<Token>* out) {
  thread_local std::unique_ptr<icu::BreakIterator> iter = [] {
    UErrorCode ec = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), ec));
    CHALNI_CHECK(U_SUCCESS(ec));
    return it;
  }();
  UErrorCode ec = U_ZERO_ERROR;
  UText ut = UTEXT_INITIALIZER;
  utext_openUTF8(&ut, reinterpret_cast<const char*>(run_begin), run_end - run_begin, &ec);
  CHALNI_CHECK(U_SUCCESS(ec));
  iter->setText(&ut, ec);
  CHALNI_CHECK(U_SUCCESS(ec));
  int32_t start = iter->first();
  for (int32_t stop = iter->next(); stop != icu::BreakIterator::DONE;
       start = stop, stop = iter->next()) {
    if (iter->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;  // spaces, punctuation
    const uint8_t* tb = run_begin + start;
    const uint8_t* te = run_begin + stop;
    uint32_t flags = 0;
    uint32_t chars = 0;
    bool has_upper = false;
    bool has_lower = false;
    for (const uint8_t* p = tb; p < te;) {
      int len;
      flags |= FlagsOfClass(ClassAt(w.table, p, te, &len), &has_upper, &has_lower);
      ++chars;
      p += len;
    }
    if (has_upper && !has_lower) flags |= kTokenAllUpper;
    AddToken(base, tb, te, flags, chars, out);
  }
  // Drop ICU's reference to the text before it goes away.
  UText empty = UTEXT_INITIALIZER;
  utext_openUTF8(&empty, "", 0, &ec);
  iter->setText(&empty, ec);
  utext_close(&empty);
  utext_close(&ut);
}

}  // namespace

void Tokenize(std::string_view text, std::vector<Token>* out) {
  CHALNI_CHECK(text.size() < (uint64_t{1} << 32));
  const auto* const base = reinterpret_cast<const uint8_t*>(text.data());
  const auto* const end = base + text.size();
  const internal::UnicodeTable& table = internal::UnicodeTable::Get();
  const Walker w{base, end, table};
  const uint8_t* p = base;
  const uint8_t* prepend = nullptr;  // first of the Prepend characters right before p
  while (p < end) {
    int len;
    const uint8_t cls = ClassAt(table, p, end, &len);
    // A combining mark where no word is open belongs to the cluster of the separator before it
    // (`�ং`, `!ে`, the keycap marks of `#️⃣`): a word starting there would split that grapheme
    // cluster. (The normalizer removes marks at a line start or after a space, not these.)
    const bool lone_mark =
        ((cls & internal::kTokMark) &&
         !(cls & (internal::kTokLetter | internal::kTokDigit | internal::kTokNumber))) ||
        ((cls & internal::kTokWord) && ExtendsCluster(p, end));
    if (!(cls & internal::kTokWord) || lone_mark) {
      if (!lone_mark && IsPrepend(p, end)) {
        if (prepend == nullptr) prepend = p;
      } else {
        prepend = nullptr;
      }
      p += len;
      continue;
    }
    // Prepend characters (U+0600 ARABIC NUMBER SIGN ...) join the cluster after them, so a word
    // right after them starts at them.
    const uint8_t* const cluster_begin = prepend != nullptr ? prepend : p;
    const uint32_t prepended = prepend != nullptr ? CodePointsIn(prepend, p) : 0;
    prepend = nullptr;
    if (cls & internal::kTokNoSpace) {
      const uint8_t* run_end = p + len;
      while (run_end < end) {
        int len2;
        const uint8_t c2 = ClassAt(table, run_end, end, &len2);
        const bool in_run = (c2 & (internal::kTokJoiner | internal::kTokMark)) ||
                            ((c2 & internal::kTokNoSpace) &&
                             (c2 & (internal::kTokLetter | internal::kTokDigit)));
        if (!in_run) break;
        run_end += len2;
      }
      const size_t first_token = out->size();
      TokenizeNoSpaceRun(base, p, run_end, w, out);
      if (prepended > 0 && out->size() > first_token &&
          (*out)[first_token].begin == static_cast<uint32_t>(p - base)) {
        Token& t = (*out)[first_token];
        t.begin = static_cast<uint32_t>(cluster_begin - base);
        t.hash = XXH3_64bits(cluster_begin, t.end - t.begin);
        t.chars += prepended;
      }
      p = run_end;
      continue;
    }
    // A word: letters, marks, digits, joiners; apostrophes and hyphens between letters;
    // number separators between digits.
    const uint8_t* word_begin = cluster_begin;
    bool has_upper = false;
    bool has_lower = false;
    uint32_t flags = FlagsOfClass(cls, &has_upper, &has_lower);
    uint32_t chars = 1 + prepended;
    uint8_t last = cls;
    p += len;
    while (p < end) {
      const uint8_t c = ClassAt(table, p, end, &len);
      if (c & (internal::kTokWord | internal::kTokJoiner)) {
        if ((c & internal::kTokNoSpace) && !(c & internal::kTokMark) && !ExtendsCluster(p, end)) {
          break;
        }
        flags |= FlagsOfClass(c, &has_upper, &has_lower);
        ++chars;
        if (!(c & internal::kTokJoiner)) last = c;
        p += len;
        continue;
      }
      // Inner punctuation: look at the code point after it.
      int cp_len;
      const char32_t cp = internal::DecodeUtf8(p, end, &cp_len);
      const bool apostrophe_or_hyphen = IsInWordApostrophe(cp) || IsInWordHyphen(cp);
      const bool number_sep = IsNumberSeparator(cp);
      if ((apostrophe_or_hyphen || number_sep) && p + cp_len < end) {
        int len2;
        const uint8_t next = ClassAt(table, p + cp_len, end, &len2);
        const bool letters = apostrophe_or_hyphen &&
                             (last & (internal::kTokLetter | internal::kTokMark)) &&
                             (next & internal::kTokLetter) && !(next & internal::kTokNoSpace);
        const bool digits = number_sep && (last & internal::kTokDigit) &&
                            (next & internal::kTokDigit);
        if (letters || digits) {
          chars += 1;
          p += cp_len;
          continue;
        }
      }
      // A separator that extends the cluster before it (a spacing-mark letter of a no-space
      // script after a Latin letter, a mark the table calls a symbol) stays in the word.
      if (ExtendsCluster(p, end)) {
        flags |= FlagsOfClass(c, &has_upper, &has_lower);
        ++chars;
        p += len;
        continue;
      }
      break;
    }
    // A word never ends with a Prepend character: it joins the cluster after it, which is a
    // separator here (`ൎ` before a space or U+FFFD) or the start of a no-space run. The Prepend
    // characters go to the next word if one starts right there, else to no word.
    const uint8_t* word_end = p;
    while (word_end > word_begin) {
      size_t last;
      internal::LastCodePoint(text, word_end - base, &last);
      if (!IsPrepend(base + last, end)) break;
      word_end = base + last;
    }
    if (word_end != p) {
      prepend = word_end;
      if (word_end == word_begin) continue;
      flags = 0;
      chars = 0;
      has_upper = has_lower = false;
      for (const uint8_t* q = word_begin; q < word_end; ++chars) {
        flags |= FlagsOfClass(ClassAt(table, q, word_end, &len), &has_upper, &has_lower);
        q += len;
      }
    }
    if (has_upper && !has_lower) flags |= kTokenAllUpper;
    AddToken(base, word_begin, word_end, flags, chars, out);
  }
}

}  // namespace chalni::text
