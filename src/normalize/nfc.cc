#include "normalize/nfc.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include "chalni/io/utf8.h"
#include "chalni/status.h"
#include "normalize/unicode_table.h"

namespace chalni::text::internal {
namespace {

const icu::Normalizer2& Nfc() {
  static const icu::Normalizer2* nfc = [] {
    UErrorCode ec = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(ec);
    CHALNI_CHECK(U_SUCCESS(ec));
    return n;
  }();
  return *nfc;
}

}  // namespace

void IcuNfc(std::string_view input, std::string* out) {
  out->clear();
  icu::StringByteSink<std::string> sink(out);
  UErrorCode ec = U_ZERO_ERROR;
  Nfc().normalizeUTF8(0, icu::StringPiece(input.data(), static_cast<int32_t>(input.size())),
                      sink, nullptr, ec);
  CHALNI_CHECK(U_SUCCESS(ec));
}

namespace {

// The code point before `end` in `s` and where it starts; 0 when end == floor.
char32_t PrevCodePoint(std::string_view s, size_t floor, size_t end, size_t* start) {
  if (end <= floor) {
    *start = end;
    return 0;
  }
  return LastCodePoint(s, end, start);
}

// True when the code point at j is a mark with 0 < ccc < `ccc` (canonical order broken).
bool NextMarkBelow(const UnicodeTable& table, const uint8_t* b, const uint8_t* end, size_t j,
                   uint8_t ccc) {
  if (b + j >= end) return false;
  int len;
  const CharInfo& next = table.Lookup(DecodeUtf8(b + j, end, &len));
  return next.ccc > 0 && next.ccc < ccc;
}

}  // namespace

uint32_t FastNfc(std::string_view input, std::string* out) {
  const UnicodeTable& table = UnicodeTable::Get();
  const auto* const b = reinterpret_cast<const uint8_t*>(input.data());
  const auto* const end = b + input.size();
  const size_t n = input.size();
  const size_t out_floor = out->size();  // never look back past what the caller had
  out->reserve(out->size() + n + n / 16);
  uint32_t changes = 0;
  // input[run_start, i) is unchanged and not yet copied to *out. Code points that need no
  // attention (plain NFC starters: ASCII, most letters and vowel signs) are skipped with a
  // byte-mask test; the state a rule needs (the previous code point, its combining class, the
  // last normalization boundary) is read back from the text when a rule fires.
  size_t run_start = 0;
  size_t i = 0;
  // The code point just before i in the normalized result.
  auto prev = [&](size_t* start, bool* in_input) -> char32_t {
    if (i > run_start) {
      *in_input = true;
      return PrevCodePoint(input, run_start, i, start);
    }
    *in_input = false;
    return PrevCodePoint(*out, out_floor, out->size(), start);
  };
  while (i < n) {
    const uint8_t b0 = b[i];
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    if (b0 >= 0xE0 && b0 < 0xF0 && i + 2 < n) {
      if (!table.Nfc3Interesting(b0, b[i + 1], b[i + 2])) {
        i += 3;
        continue;
      }
    } else if (b0 >= 0xC2 && b0 < 0xE0 && i + 1 < n) {
      if (!table.Nfc2Interesting(b0, b[i + 1])) {
        i += 2;
        continue;
      }
    }
    int len;
    const char32_t cp = DecodeUtf8(b + i, end, &len);
    const CharInfo& info = table.Lookup(cp);
    switch (info.nfc()) {
      case kNfcStarter:
        if (info.Has(kFlagBoundaryBefore)) {
          // A composition first (U+09C7): compose forward with ccc=0 seconds right after it
          // (U+09BE -> U+09CB); the seconds themselves are not flagged in the byte masks.
          if (info.Has(kFlagCompFirst) && i + len < n) {
            int len2;
            const char32_t next = DecodeUtf8(b + i + len, end, &len2);
            if (table.Lookup(next).nfc() == kNfcMaybe0) {
              UChar32 composed = Nfc().composePair(cp, next);
              if (composed >= 0) {
                out->append(input.data() + run_start, i - run_start);
                size_t k = i + len + len2;
                ++changes;
                // Chains (Hangul L + V + T).
                while (k < n) {
                  int len3;
                  const char32_t more = DecodeUtf8(b + k, end, &len3);
                  if (table.Lookup(more).nfc() != kNfcMaybe0) break;
                  const UChar32 again = Nfc().composePair(composed, more);
                  if (again < 0) break;
                  composed = again;
                  ++changes;
                  k += len3;
                }
                AppendUtf8(static_cast<char32_t>(composed), out);
                i = k;
                run_start = k;
                continue;
              }
            }
          }
          i += len;
          continue;
        }
        break;  // a starter without a boundary before it: ICU
      case kNfcMark: {
        if (info.ccc == 9) {  // see the masks in unicode_table.cc: checked by its neighbours
          i += len;
          continue;
        }
        if (info.ccc >= 10) {  // forward: a following mark with a lower class breaks order
          if (NextMarkBelow(table, b, end, i + len, info.ccc)) break;
          i += len;
          continue;
        }
        // Backward: the previous code point must not have a higher class.
        size_t ps;
        bool in_input;
        const char32_t p = prev(&ps, &in_input);
        if (p == 0 || table.Lookup(p).ccc <= info.ccc) {
          i += len;
          continue;
        }
        break;  // out of canonical order: ICU
      }
      case kNfcMaybe0: {
        // A ccc=0 second (U+09BE, U+09D7, Hangul V/T, ...) composes only with the code point
        // right before it: anything in between would block it (UAX #15).
        size_t ps;
        bool in_input;
        const char32_t p = prev(&ps, &in_input);
        const CharInfo& pinfo = table.Lookup(p);
        if (p != 0 && pinfo.Has(kFlagCompFirst) && pinfo.ccc == 0) {
          const UChar32 composed = Nfc().composePair(p, cp);
          if (composed >= 0) {
            if (in_input) {
              out->append(input.data() + run_start, ps - run_start);
            } else {
              out->resize(ps);
            }
            AppendUtf8(static_cast<char32_t>(composed), out);
            ++changes;
            i += len;
            run_start = i;
            continue;
          }
        }
        i += len;
        continue;
      }
      case kNfcDecompose: {
        // Precomputed NFC: one starter plus marks in canonical order (U+09DF -> U+09AF U+09BC).
        const std::string_view d = table.Decomposition(cp);
        size_t last_start;
        const uint8_t last_ccc = table.Lookup(LastCodePoint(d, d.size(), &last_start)).ccc;
        if (last_ccc >= 10 && NextMarkBelow(table, b, end, i + len, last_ccc)) break;
        out->append(input.data() + run_start, i - run_start);
        out->append(d);
        ++changes;
        i += len;
        run_start = i;
        continue;
      }
      case kNfcMaybeMark: {
        // A mark that may compose (Devanagari nukta, U+0301). Fast only right after a starter
        // without a decomposition (a consonant): compose with it or keep it; anything else
        // (marks in between, composed starters like é) goes to ICU.
        if (info.ccc >= 10 && NextMarkBelow(table, b, end, i + len, info.ccc)) break;
        size_t ps;
        bool in_input;
        const char32_t p = prev(&ps, &in_input);
        const CharInfo& pinfo = table.Lookup(p);
        if (p == 0 || pinfo.ccc != 0 || !pinfo.Has(kFlagNoDecomp) || pinfo.nfc() != kNfcStarter) {
          break;
        }
        const UChar32 composed = Nfc().composePair(p, cp);
        if (composed >= 0) {
          if (in_input) {
            out->append(input.data() + run_start, ps - run_start);
          } else {
            out->resize(ps);
          }
          AppendUtf8(static_cast<char32_t>(composed), out);
          ++changes;
          i += len;
          run_start = i;
          continue;
        }
        i += len;
        continue;
      }
      case kNfcSlow:
        break;
    }
    // Slow path: ICU normalizes from the last boundary (found by looking back in the result so
    // far, which is canonically equivalent to the input) to the next code point with a boundary
    // before it.
    out->append(input.data() + run_start, i - run_start);
    size_t seg = out->size();
    while (seg > out_floor) {
      size_t start;
      const char32_t c = LastCodePoint(*out, seg, &start);
      seg = start;
      const CharInfo& ci = table.Lookup(c);
      if (ci.nfc() == kNfcStarter && ci.Has(kFlagBoundaryBefore)) break;
    }
    size_t j = i + len;
    while (j < n) {
      int len2;
      const CharInfo& info2 = table.Lookup(DecodeUtf8(b + j, end, &len2));
      if (info2.nfc() == kNfcStarter && info2.Has(kFlagBoundaryBefore)) break;
      j += len2;
    }
    std::string segment = out->substr(seg);
    segment.append(input.data() + i, j - i);
    out->resize(seg);
    {
      icu::StringByteSink<std::string> sink(out);
      UErrorCode ec = U_ZERO_ERROR;
      Nfc().normalizeUTF8(
          0, icu::StringPiece(segment.data(), static_cast<int32_t>(segment.size())), sink,
          nullptr, ec);
      CHALNI_CHECK(U_SUCCESS(ec));
    }
    if (std::string_view(*out).substr(seg) != segment) changes += static_cast<uint32_t>(io::CountCodePoints(segment));
    i = j;
    run_start = j;
  }
  out->append(input.data() + run_start, n - run_start);
  return changes;
}

}  // namespace chalni::text::internal
