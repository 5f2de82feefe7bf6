// Compact code-point property table for the text hot paths (normalizer, segmenter, tokenizer).
//
// Built once from ICU at first use (u_charType, scripts, combining classes, NFC quick-check), then
// read without ICU: a two-stage table of 4-byte entries, shared 128-code-point blocks.
//
//   const CharInfo& info = Lookup(U'\u09BE');
//   if (info.cls() == kClsMark) ...
//
// Why a table of our own: ICU's per-code-point property calls cost 5-20 ns each and the
// tokenizer needs several properties per code point; one table lookup answers all of them.
// Internal to src/normalize; other families use the public text/ headers.
#ifndef CHALNI_NORMALIZE_UNICODE_TABLE_H_
#define CHALNI_NORMALIZE_UNICODE_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chalni::text::internal {

// Coarse character class: what the tokenizer and the cleanup rules need.
enum CharClass : uint8_t {
  kClsOther = 0,  // unassigned, private use, surrogates
  kClsLetter,     // L*
  kClsMark,       // M*
  kClsDigit,      // Nd
  kClsNumber,     // Nl, No
  kClsPunct,      // P*
  kClsSymbol,     // S*
  kClsSpace,      // Z*, and '\t' '\n' '\v' '\f' '\r' U+0085
  kClsControl,    // other Cc
  kClsFormat,     // Cf other than ZWJ/ZWNJ
  kClsJoiner,     // U+200C ZWNJ, U+200D ZWJ
};

// How the fast NFC path treats a code point (see nfc.cc).
enum NfcKind : uint8_t {
  kNfcStarter = 0,  // NFC_QC=Yes, ccc=0, normalization boundary before it
  kNfcMark,         // NFC_QC=Yes, ccc>0: never composes, only needs canonical order
  kNfcMaybe0,       // NFC_QC=Maybe, ccc=0: may compose with the code point right before it
  kNfcDecompose,    // NFC_QC=No, and NFC(c) is one starter plus ordered marks (U+09DF etc.)
  kNfcSlow,         // anything else: hand the segment to ICU
  kNfcMaybeMark,    // NFC_QC=Maybe, ccc>0 (U+093C, U+0301): may compose with the last starter
};

enum CharFlag : uint16_t {
  kFlagUpper = 1u << 0,            // Lu
  kFlagLower = 1u << 1,            // Ll, Lt
  kFlagNoSpaceScript = 1u << 2,    // Thai, Lao, Khmer, Myanmar, Han, Hiragana, Katakana
  kFlagTerminal = 1u << 3,         // Unicode Sentence_Terminal
  kFlagVirama = 1u << 4,           // ccc = 9
  kFlagJoiningScript = 1u << 5,    // Arabic, Syriac, N'Ko, Mongolian, ... (cursive scripts)
  kFlagPictographic = 1u << 6,     // Extended_Pictographic (emoji)
  kFlagDandaScript = 1u << 7,      // Bengali, Devanagari, Gurmukhi, Oriya
  kFlagLatinFamily = 1u << 8,      // Latin, Greek, Cyrillic, Armenian, Georgian
  kFlagBoundaryBefore = 1u << 9,   // NFC boundary before (ICU hasBoundaryBefore)
  kFlagCompFirst = 1u << 10,       // first of some canonical composition pair
  kFlagVariationSelector = 1u << 11,
  kFlagEmojiModifier = 1u << 12,
  kFlagCommonScript = 1u << 13,    // Common or Inherited script
  kFlagNoDecomp = 1u << 14,        // no canonical decomposition mapping (NFD(c) == c)
};

// Bits of UnicodeTable::TokenClassOf.
enum TokenClass : uint8_t {
  kTokLetter = 1u << 0,
  kTokMark = 1u << 1,
  kTokDigit = 1u << 2,     // Nd
  kTokNumber = 1u << 3,    // Nl, No
  kTokUpper = 1u << 4,
  kTokLower = 1u << 5,
  kTokNoSpace = 1u << 6,   // Thai, Lao, Khmer, Myanmar, Han, Kana
  kTokJoiner = 1u << 7,    // ZWJ, ZWNJ
  kTokWord = kTokLetter | kTokMark | kTokDigit | kTokNumber,
};

struct CharInfo {
  uint8_t bits = 0;   // low 4 bits: CharClass; high 4 bits: NfcKind
  uint8_t ccc = 0;    // canonical combining class
  uint16_t flags = 0;
  CharClass cls() const { return static_cast<CharClass>(bits & 0x0F); }
  NfcKind nfc() const { return static_cast<NfcKind>(bits >> 4); }
  bool Has(uint16_t flag) const { return (flags & flag) != 0; }
  bool IsWordChar() const {
    const CharClass c = cls();
    return c == kClsLetter || c == kClsMark || c == kClsDigit || c == kClsNumber;
  }
};

// Byte gates for the tokenizer's grapheme-cluster edges, so that ICU's property lookup runs only
// for the few code points that can need it (tokenize_test checks both against ICU for every code
// point): MayBePrepend covers every Grapheme_Cluster_Break=Prepend code point (U+0600..U+08FF,
// U+0D4E MALAYALAM LETTER DOT REPH, and beyond U+FFFF); MayExtendClusterUnmarked every
// Extend/SpacingMark/ZWJ code point that is not a mark or a joiner (U+0E33, U+0EB3, U+FF9E,
// U+FF9F, and beyond U+FFFF).
inline bool MayBePrepend(const uint8_t* p, const uint8_t* end) {
  const uint8_t b0 = p[0];
  if (b0 >= 0xD8 && b0 <= 0xDF) return true;  // U+0600..U+07FF
  if (b0 == 0xE0) {
    if (end - p < 2) return false;
    if (p[1] >= 0xA0 && p[1] <= 0xA3) return true;              // U+0800..U+08FF
    return p[1] == 0xB5 && end - p >= 3 && p[2] == 0x8E;        // U+0D4E
  }
  return b0 >= 0xF0;
}
inline bool MayExtendClusterUnmarked(const uint8_t* p, const uint8_t* end) {
  const uint8_t b0 = p[0];
  if (b0 >= 0xF0) return true;
  if (end - p < 3) return false;
  if (b0 == 0xE0) return (p[1] == 0xB8 || p[1] == 0xBA) && p[2] == 0xB3;  // U+0E33, U+0EB3
  return b0 == 0xEF && p[1] == 0xBE && (p[2] == 0x9E || p[2] == 0x9F);    // U+FF9E, U+FF9F
}

class UnicodeTable {
 public:
  static const UnicodeTable& Get();  // built on first call (thread-safe), ~100 ms
  const CharInfo& Lookup(char32_t cp) const {
    if (cp > 0x10FFFF) cp = 0xFFFD;
    return blocks_[(static_cast<uint32_t>(index_[cp >> kShift]) << kShift) | (cp & kMask)];
  }
  // NFC of a kNfcDecompose code point, as UTF-8; empty for other code points.
  std::string_view Decomposition(char32_t cp) const;

  // Byte-level "needs attention" masks, so hot loops skip most code points without decoding:
  // bit (b1 & 0x3F) of nfc2[b0 & 0x1F] is set when the 2-byte character b0 b1 is not a plain
  // NFC starter; likewise bit (b2 & 0x3F) of nfc3[((b0 & 0x0F) << 6) | (b1 & 0x3F)] for 3-byte
  // characters. 4-byte characters are always looked up.
  bool Nfc2Interesting(uint8_t b0, uint8_t b1) const {
    return (nfc2_[b0 & 0x1F] >> (b1 & 0x3F)) & 1;
  }
  bool Nfc3Interesting(uint8_t b0, uint8_t b1, uint8_t b2) const {
    return (nfc3_[((b0 & 0x0F) << 6) | (b1 & 0x3F)] >> (b2 & 0x3F)) & 1;
  }
  // The same for the normalizer's cleanup pass (normalize.cc): whitespace, controls, joiners,
  // invisibles, bars, dandas, terminal marks, foldable quotes and dashes need a rule; letters,
  // marks, digits and other punctuation and symbols are copied as they are.
  // Sentence-terminal masks for the segmenter, same layout.
  bool Term2(uint8_t b0, uint8_t b1) const { return (term2_[b0 & 0x1F] >> (b1 & 0x3F)) & 1; }
  bool Term3(uint8_t b0, uint8_t b1, uint8_t b2) const {
    return (term3_[((b0 & 0x0F) << 6) | (b1 & 0x3F)] >> (b2 & 0x3F)) & 1;
  }
  // Token classes of the BMP in one flat 64 KB table (TokenClass bits), indexed by code point:
  // the tokenizer reads it straight from the UTF-8 bytes.
  uint8_t TokenClassOf(uint32_t bmp_cp) const { return token_class_[bmp_cp & 0xFFFF]; }
  bool Clean1Interesting(uint8_t b0) const { return clean1_[b0 & 0x7F]; }
  // Interesting for the cleanup pass, or a mark (stray after a space).
  bool AfterSpace2(uint8_t b0, uint8_t b1) const {
    return (after_space2_[b0 & 0x1F] >> (b1 & 0x3F)) & 1;
  }
  bool AfterSpace3(uint8_t b0, uint8_t b1, uint8_t b2) const {
    return (after_space3_[((b0 & 0x0F) << 6) | (b1 & 0x3F)] >> (b2 & 0x3F)) & 1;
  }
  bool Clean2Interesting(uint8_t b0, uint8_t b1) const {
    return (clean2_[b0 & 0x1F] >> (b1 & 0x3F)) & 1;
  }
  bool Clean3Interesting(uint8_t b0, uint8_t b1, uint8_t b2) const {
    return (clean3_[((b0 & 0x0F) << 6) | (b1 & 0x3F)] >> (b2 & 0x3F)) & 1;
  }

 private:
  static constexpr int kShift = 7;
  static constexpr uint32_t kMask = (1u << kShift) - 1;
  UnicodeTable();
  uint16_t* index_ = nullptr;
  CharInfo* blocks_ = nullptr;
  struct Decomp {
    char32_t cp;
    std::string utf8;
  };
  Decomp* decomps_ = nullptr;  // sorted by cp
  size_t num_decomps_ = 0;
  uint64_t nfc2_[32] = {};
  uint64_t nfc3_[1024] = {};
  bool clean1_[128] = {};
  uint64_t term2_[32] = {};
  uint64_t term3_[1024] = {};
  uint8_t* token_class_ = nullptr;
  uint64_t clean2_[32] = {};
  uint64_t clean3_[1024] = {};
  uint64_t after_space2_[32] = {};
  uint64_t after_space3_[1024] = {};
};

inline const CharInfo& Lookup(char32_t cp) { return UnicodeTable::Get().Lookup(cp); }

// Decodes one code point at p (p < end). Invalid or truncated sequences decode as U+FFFD with
// length 1, so callers always advance. Input is expected valid (the reader repairs UTF-8).
inline char32_t DecodeUtf8(const uint8_t* p, const uint8_t* end, int* len) {
  const uint8_t b0 = p[0];
  if (b0 < 0x80) {
    *len = 1;
    return b0;
  }
  const ptrdiff_t avail = end - p;
  if (b0 >= 0xC2 && b0 < 0xE0 && avail >= 2 && (p[1] & 0xC0) == 0x80) {
    *len = 2;
    return ((b0 & 0x1Fu) << 6) | (p[1] & 0x3Fu);
  }
  if (b0 >= 0xE0 && b0 < 0xF0 && avail >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
    const char32_t cp = ((b0 & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
      *len = 3;
      return cp;
    }
  } else if (b0 >= 0xF0 && b0 < 0xF5 && avail >= 4 && (p[1] & 0xC0) == 0x80 &&
             (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80) {
    const char32_t cp = ((b0 & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
                        (p[3] & 0x3Fu);
    if (cp >= 0x10000 && cp <= 0x10FFFF) {
      *len = 4;
      return cp;
    }
  }
  *len = 1;
  return 0xFFFD;
}

inline void AppendUtf8(char32_t cp, std::string* out) {
  char buf[4];
  int n;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
    return;
  } else if (cp < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (cp >> 6));
    buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (cp >> 12));
    buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    buf[0] = static_cast<char>(0xF0 | (cp >> 18));
    buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 4;
  }
  out->append(buf, n);
}

inline int Utf8Length(char32_t cp) {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

// TokenClass bits of any code point.
uint8_t TokenClassFor(const CharInfo& info);

// True for code points the cleanup pass must look at (see UnicodeTable::Clean*Interesting).
bool IsCleanupInteresting(char32_t cp, const CharInfo& info);

// The code point that ends at `end` (exclusive) in out; 0 when `end` is 0.
char32_t LastCodePoint(std::string_view s, size_t end, size_t* start);

}  // namespace chalni::text::internal

#endif  // CHALNI_NORMALIZE_UNICODE_TABLE_H_
