#include "normalize/unicode_table.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "chalni/status.h"

namespace chalni::text::internal {
namespace {

CharClass ClassOf(char32_t cp, int8_t type) {
  switch (type) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
      return kClsLetter;
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_COMBINING_SPACING_MARK:
      return kClsMark;
    case U_DECIMAL_DIGIT_NUMBER:
      return kClsDigit;
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
      return kClsNumber;
    case U_SPACE_SEPARATOR:
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
      return kClsSpace;
    case U_CONTROL_CHAR:
      if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x85) return kClsSpace;
      return kClsControl;
    case U_FORMAT_CHAR:
      return (cp == 0x200C || cp == 0x200D) ? kClsJoiner : kClsFormat;
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_CONNECTOR_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
      return kClsPunct;
    case U_MATH_SYMBOL:
    case U_CURRENCY_SYMBOL:
    case U_MODIFIER_SYMBOL:
    case U_OTHER_SYMBOL:
      return kClsSymbol;
    default:
      return kClsOther;
  }
}

bool IsNoSpaceScript(UScriptCode sc) {
  return sc == USCRIPT_THAI || sc == USCRIPT_LAO || sc == USCRIPT_KHMER ||
         sc == USCRIPT_MYANMAR || sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA ||
         sc == USCRIPT_KATAKANA || sc == USCRIPT_KATAKANA_OR_HIRAGANA;
}

bool IsJoiningScript(UScriptCode sc) {
  switch (sc) {
    case USCRIPT_ARABIC:
    case USCRIPT_SYRIAC:
    case USCRIPT_NKO:
    case USCRIPT_MONGOLIAN:
    case USCRIPT_MANDAIC:
    case USCRIPT_MANICHAEAN:
    case USCRIPT_PSALTER_PAHLAVI:
    case USCRIPT_PHAGS_PA:
    case USCRIPT_ADLAM:
    case USCRIPT_HANIFI_ROHINGYA:
    case USCRIPT_SOGDIAN:
    case USCRIPT_CHORASMIAN:
    case USCRIPT_OLD_UYGHUR:
      return true;
    default:
      return false;
  }
}

struct Builder {
  const icu::Normalizer2* nfc = nullptr;
  std::unordered_set<char32_t> comp_firsts;
  std::vector<std::pair<char32_t, std::string>> decomps;

  // NFC info for c; may record a decomposition.
  uint8_t NfcKindOf(char32_t c, uint8_t ccc, bool boundary_before) {
    const int qc = u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK);
    if (qc == UNORM_YES && ccc == 0 && boundary_before) return kNfcStarter;
    if (qc == UNORM_YES && ccc > 0) return kNfcMark;
    if (qc == UNORM_MAYBE && ccc == 0) return kNfcMaybe0;
    if (qc == UNORM_MAYBE && ccc > 0) return kNfcMaybeMark;
    if (qc == UNORM_NO && ccc == 0 && boundary_before) {
      UErrorCode ec = U_ZERO_ERROR;
      icu::UnicodeString s(static_cast<UChar32>(c));
      icu::UnicodeString n = nfc->normalize(s, ec);
      if (U_FAILURE(ec) || n.length() == 0) return kNfcSlow;
      // Simple only when NFC(c) = one starter (QC yes, ccc 0, boundary) + QC-yes marks in order.
      int32_t i = 0;
      int prev_ccc = -1;
      bool ok = true;
      while (i < n.length()) {
        const UChar32 d = n.char32At(i);
        const int dq = u_getIntPropertyValue(d, UCHAR_NFC_QUICK_CHECK);
        const int dc = u_getCombiningClass(d);
        if (i == 0) {
          ok = dq == UNORM_YES && dc == 0 && nfc->hasBoundaryBefore(d);
          prev_ccc = 0;
        } else {
          ok = dq == UNORM_YES && dc > 0 && dc >= prev_ccc;
          prev_ccc = dc;
        }
        if (!ok) break;
        i += U16_LENGTH(d);
      }
      if (!ok) return kNfcSlow;
      std::string utf8;
      n.toUTF8String(utf8);
      decomps.emplace_back(c, std::move(utf8));
      return kNfcDecompose;
    }
    return kNfcSlow;
  }

  CharInfo Compute(char32_t c) {
    CharInfo info;
    const int8_t type = u_charType(c);
    if (type == U_UNASSIGNED) {
      info.bits = kClsOther | (kNfcStarter << 4);
      info.flags = kFlagBoundaryBefore;
      return info;
    }
    const CharClass cls = ClassOf(c, type);
    const uint8_t ccc = u_getCombiningClass(c);
    const bool bb = nfc->hasBoundaryBefore(c);
    const uint8_t kind = NfcKindOf(c, ccc, bb);
    info.bits = static_cast<uint8_t>(cls | (kind << 4));
    info.ccc = ccc;
    uint16_t f = 0;
    if (type == U_UPPERCASE_LETTER) f |= kFlagUpper;
    if (type == U_LOWERCASE_LETTER || type == U_TITLECASE_LETTER) f |= kFlagLower;
    UErrorCode ec = U_ZERO_ERROR;
    const UScriptCode sc = uscript_getScript(c, &ec);
    const bool common = sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED;
    if (common) f |= kFlagCommonScript;
    if (IsNoSpaceScript(sc)) {
      f |= kFlagNoSpaceScript;
    } else if (common && (cls == kClsLetter || cls == kClsMark) &&
               (uscript_hasScript(c, USCRIPT_HAN) || uscript_hasScript(c, USCRIPT_HIRAGANA) ||
                uscript_hasScript(c, USCRIPT_KATAKANA) || uscript_hasScript(c, USCRIPT_THAI) ||
                uscript_hasScript(c, USCRIPT_MYANMAR) || uscript_hasScript(c, USCRIPT_KHMER) ||
                uscript_hasScript(c, USCRIPT_LAO))) {
      f |= kFlagNoSpaceScript;  // e.g. U+30FC KATAKANA-HIRAGANA PROLONGED SOUND MARK
    }
    // Sentence_Terminal, plus the full stops of two scripts Unicode lists only as
    // Terminal_Punctuation: the Tibetan shads U+0F0D..U+0F12 (every Tibetan or Dzongkha sentence
    // ends in one) and U+17D4 KHMER SIGN KHAN / U+17D5 BARIYOOSAN (the Khmer full stop, which
    // datatrove's FineWeb list counts too).
    if (u_hasBinaryProperty(c, UCHAR_S_TERM) || (c >= 0x0F0D && c <= 0x0F12) || c == 0x17D4 ||
        c == 0x17D5) {
      f |= kFlagTerminal;
    }
    if (ccc == 9) f |= kFlagVirama;
    if (IsJoiningScript(sc)) f |= kFlagJoiningScript;
    if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC)) f |= kFlagPictographic;
    if (sc == USCRIPT_BENGALI || sc == USCRIPT_DEVANAGARI || sc == USCRIPT_GURMUKHI ||
        sc == USCRIPT_ORIYA) {
      f |= kFlagDandaScript;
    }
    if (sc == USCRIPT_LATIN || sc == USCRIPT_GREEK || sc == USCRIPT_CYRILLIC ||
        sc == USCRIPT_ARMENIAN || sc == USCRIPT_GEORGIAN) {
      f |= kFlagLatinFamily;
    }
    if (bb) f |= kFlagBoundaryBefore;
    if (comp_firsts.count(c)) f |= kFlagCompFirst;
    if (u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR)) f |= kFlagVariationSelector;
    if (u_hasBinaryProperty(c, UCHAR_EMOJI_MODIFIER)) f |= kFlagEmojiModifier;
    {
      icu::UnicodeString d;
      if (!nfc->getRawDecomposition(c, d)) f |= kFlagNoDecomp;
    }
    info.flags = f;
    return info;
  }
};

}  // namespace

const UnicodeTable& UnicodeTable::Get() {
  // Leaked on purpose: the table lives for the whole process and is read from many threads.
  static const UnicodeTable* table = new UnicodeTable();
  return *table;
}

UnicodeTable::UnicodeTable() {
  Builder b;
  UErrorCode ec = U_ZERO_ERROR;
  b.nfc = icu::Normalizer2::getNFCInstance(ec);
  CHALNI_CHECK(U_SUCCESS(ec));
  // First characters of canonical compositions: every c with a two-code-point decomposition
  // a+b that composes back (composePair excludes composition exclusions such as U+09DF).
  for (UChar32 c = 0; c <= 0x10FFFF; ++c) {
    if (c == 0xAC00) c = 0xD7A4;  // Hangul syllables: handled below
    icu::UnicodeString d;
    if (!b.nfc->getRawDecomposition(c, d)) continue;
    const UChar32 first = d.char32At(0);
    const int32_t first_len = U16_LENGTH(first);
    if (first_len >= d.length()) continue;
    const UChar32 second = d.char32At(first_len);
    if (first_len + U16_LENGTH(second) != d.length()) continue;
    if (b.nfc->composePair(first, second) == c) b.comp_firsts.insert(first);
  }
  for (char32_t l = 0x1100; l <= 0x1112; ++l) b.comp_firsts.insert(l);        // L + V
  for (char32_t s = 0xAC00; s <= 0xD7A3; s += 28) b.comp_firsts.insert(s);   // LV + T

  constexpr uint32_t kBlocks = 0x110000 >> kShift;
  constexpr uint32_t kBlockSize = 1u << kShift;
  std::vector<uint16_t> index(kBlocks);
  std::vector<CharInfo> blocks;
  std::unordered_map<std::string, uint16_t> seen;
  std::vector<CharInfo> block(kBlockSize);
  for (uint32_t block_idx = 0; block_idx < kBlocks; ++block_idx) {
    for (uint32_t k = 0; k < kBlockSize; ++k) block[k] = b.Compute((block_idx << kShift) | k);
    std::string key(reinterpret_cast<const char*>(block.data()), kBlockSize * sizeof(CharInfo));
    auto it = seen.find(key);
    if (it == seen.end()) {
      const uint16_t id = static_cast<uint16_t>(blocks.size() / kBlockSize);
      CHALNI_CHECK(blocks.size() / kBlockSize < 65535);
      blocks.insert(blocks.end(), block.begin(), block.end());
      it = seen.emplace(std::move(key), id).first;
    }
    index[block_idx] = it->second;
  }
  index_ = new uint16_t[kBlocks];
  std::memcpy(index_, index.data(), kBlocks * sizeof(uint16_t));
  blocks_ = new CharInfo[blocks.size()];
  std::copy(blocks.begin(), blocks.end(), blocks_);
  for (char32_t cp = 0; cp < 0x80; ++cp) clean1_[cp] = IsCleanupInteresting(cp, Lookup(cp));
  token_class_ = new uint8_t[0x10000];
  for (char32_t cp = 0; cp < 0x10000; ++cp) token_class_[cp] = TokenClassFor(Lookup(cp));
  for (char32_t cp = 0x80; cp < 0x10000; ++cp) {
    if (!Lookup(cp).Has(kFlagTerminal)) continue;
    if (cp < 0x800) {
      term2_[(cp >> 6) & 0x1F] |= uint64_t{1} << (cp & 0x3F);
    } else {
      term3_[((cp >> 12) << 6) | ((cp >> 6) & 0x3F)] |= uint64_t{1} << (cp & 0x3F);
    }
  }
  for (char32_t cp = 0x80; cp < 0x10000; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const CharInfo& info = Lookup(cp);
    if (IsCleanupInteresting(cp, info)) {
      if (cp < 0x800) {
        clean2_[(cp >> 6) & 0x1F] |= uint64_t{1} << (cp & 0x3F);
      } else {
        clean3_[((cp >> 12) << 6) | ((cp >> 6) & 0x3F)] |= uint64_t{1} << (cp & 0x3F);
      }
    }
    if (IsCleanupInteresting(cp, info) || info.cls() == kClsMark) {
      if (cp < 0x800) {
        after_space2_[(cp >> 6) & 0x1F] |= uint64_t{1} << (cp & 0x3F);
      } else {
        after_space3_[((cp >> 12) << 6) | ((cp >> 6) & 0x3F)] |= uint64_t{1} << (cp & 0x3F);
      }
    }
    // A ccc=0 composition second (U+09BE) is not flagged; its possible firsts are (U+09C7),
    // which compose forward: firsts are rarer than seconds in real text.
    // Canonical order is broken only by adjacent marks m1 m2 with ccc(m1) > ccc(m2) > 0:
    // marks with ccc >= 10 check forward, marks with ccc <= 8 check backward, so viramas
    // (ccc 9, ~5% of Bengali code points) need no look at all.
    const bool interesting =
        (info.nfc() != kNfcStarter && info.nfc() != kNfcMaybe0 &&
         !(info.nfc() == kNfcMark && info.ccc == 9)) ||
        (info.nfc() == kNfcStarter && !info.Has(kFlagBoundaryBefore)) ||
        (info.Has(kFlagCompFirst) && info.ccc == 0);
    if (!interesting) continue;
    if (cp < 0x800) {
      nfc2_[(cp >> 6) & 0x1F] |= uint64_t{1} << (cp & 0x3F);
    } else {
      nfc3_[((cp >> 12) << 6) | ((cp >> 6) & 0x3F)] |= uint64_t{1} << (cp & 0x3F);
    }
  }
  std::sort(b.decomps.begin(), b.decomps.end());
  num_decomps_ = b.decomps.size();
  decomps_ = new Decomp[num_decomps_];
  for (size_t i = 0; i < num_decomps_; ++i) {
    decomps_[i].cp = b.decomps[i].first;
    decomps_[i].utf8 = std::move(b.decomps[i].second);
  }
}

std::string_view UnicodeTable::Decomposition(char32_t cp) const {
  const Decomp* first = decomps_;
  const Decomp* end = decomps_ + num_decomps_;
  const Decomp* it =
      std::lower_bound(first, end, cp, [](const Decomp& d, char32_t c) { return d.cp < c; });
  if (it == end || it->cp != cp) return {};
  return it->utf8;
}

uint8_t TokenClassFor(const CharInfo& info) {
  uint8_t t = 0;
  switch (info.cls()) {
    case kClsLetter: t |= kTokLetter; break;
    case kClsMark: t |= kTokMark; break;
    case kClsDigit: t |= kTokDigit; break;
    case kClsNumber: t |= kTokNumber; break;
    case kClsJoiner: t |= kTokJoiner; break;
    default: break;
  }
  if (info.Has(kFlagUpper)) t |= kTokUpper;
  if (info.Has(kFlagLower)) t |= kTokLower;
  if (info.Has(kFlagNoSpaceScript)) t |= kTokNoSpace;
  return t;
}

bool IsCleanupInteresting(char32_t cp, const CharInfo& info) {
  switch (info.cls()) {
    case kClsSpace:
    case kClsControl:
    case kClsJoiner:
      return true;
    default:
      break;
  }
  if (info.Has(kFlagTerminal)) return true;  // . ? ! । ॥ ؟ ۔ ...
  switch (cp) {
    case '|':
    case 0x200B: case 0xFEFF: case 0x00AD: case 0x2060:  // removable invisibles
    case 0x2018: case 0x2019: case 0x201A: case 0x201B:  // quotes (fold_quotes)
    case 0x201C: case 0x201D: case 0x201E: case 0x201F:
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:  // dashes
      return true;
    default:
      return false;
  }
}

char32_t LastCodePoint(std::string_view s, size_t end, size_t* start) {
  if (end == 0) {
    *start = 0;
    return 0;
  }
  size_t i = end - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  *start = i;
  int len;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  return DecodeUtf8(p + i, p + end, &len);
}

}  // namespace chalni::text::internal
