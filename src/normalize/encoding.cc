#include "normalize/encoding.h"

#include <cstring>
#include <string>
#include <vector>

#include "normalize/unicode_table.h"

namespace chalni::text::internal {
namespace {

// The byte (0x80..0xFF) that Windows-1252 or Latin-1 decodes to `cp`, or -1.
int SingleByteOf(char32_t cp) {
  if (cp >= 0x80 && cp <= 0xFF) return static_cast<int>(cp);  // Latin-1 (and C1 controls)
  switch (cp) {
    case 0x20AC: return 0x80;
    case 0x201A: return 0x82;
    case 0x0192: return 0x83;
    case 0x201E: return 0x84;
    case 0x2026: return 0x85;
    case 0x2020: return 0x86;
    case 0x2021: return 0x87;
    case 0x02C6: return 0x88;
    case 0x2030: return 0x89;
    case 0x0160: return 0x8A;
    case 0x2039: return 0x8B;
    case 0x0152: return 0x8C;
    case 0x017D: return 0x8E;
    case 0x2018: return 0x91;
    case 0x2019: return 0x92;
    case 0x201C: return 0x93;
    case 0x201D: return 0x94;
    case 0x2022: return 0x95;
    case 0x2013: return 0x96;
    case 0x2014: return 0x97;
    case 0x02DC: return 0x98;
    case 0x2122: return 0x99;
    case 0x0161: return 0x9A;
    case 0x203A: return 0x9B;
    case 0x0153: return 0x9C;
    case 0x017E: return 0x9E;
    case 0x0178: return 0x9F;
    default: return -1;
  }
}

// Characters that the cleanup pass removes; inside a run they are skipped (a ZWSP between the
// bytes of one mojibake sequence must not hide it, or the second Normalize would repair it).
bool IsTransparent(char32_t cp) {
  return cp == 0x200B || cp == 0xFEFF || cp == 0x2060 || cp == 0x200C || cp == 0x200D ||
         (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r');
}

struct Evidence {
  uint32_t complete = 0;  // valid multi-byte sequences
  uint32_t long_ones = 0; // ... of 3 or 4 bytes
  uint32_t partial = 0;   // a lead byte and continuation bytes that stop short
};

struct Elem {
  uint8_t byte;
  uint32_t begin;  // the character's bytes in the text
  uint32_t end;
};

// A lower-case accented vowel followed by two of š ž œ is how Sami and Estonian words look
// (Northern Sami `náššuvnnaid`, Inari Saami `oovtviärdásâžžân`, Skolt Saami `tuõttääššlaž`), and
// its bytes happen to form a complete 3-byte sequence (`ášš` = E1 9A 9A = U+169A OGHAM LETTER
// PEITH, `âžž` = U+279E, `äšš` = U+469A). Real mojibake of those rare code points is far less
// likely than the words, so such a triple is text, not evidence.
bool LooksLikeWordLetters(std::string_view text, const Elem* seq) {
  auto cp_at = [&](const Elem& e) {
    int len;
    return DecodeUtf8(reinterpret_cast<const uint8_t*>(text.data()) + e.begin,
                      reinterpret_cast<const uint8_t*>(text.data()) + text.size(), &len);
  };
  const char32_t lead = cp_at(seq[0]);
  if (lead < 0xE0 || lead > 0xEF) return false;  // à .. ï
  for (int m = 1; m < 3; ++m) {
    const char32_t c = cp_at(seq[m]);
    if (c != 0x0161 && c != 0x017E && c != 0x0153) return false;  // š ž œ
  }
  return true;
}

// One scan over `text`. With `out` null it only gathers evidence; otherwise it appends the text
// with every complete sequence decoded and returns the number of sequences decoded.
uint32_t Scan(std::string_view text, Evidence* ev, std::string* out) {
  const auto* begin = reinterpret_cast<const uint8_t*>(text.data());
  const auto* end = begin + text.size();
  std::vector<Elem> run;
  std::string bytes;
  uint32_t decoded = 0;
  size_t copied = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (begin[i] < 0x80) {
      ++i;
      continue;
    }
    run.clear();
    while (i < text.size()) {
      int len;
      const char32_t cp = DecodeUtf8(begin + i, end, &len);
      const int byte = SingleByteOf(cp);
      if (byte >= 0) {
        run.push_back({static_cast<uint8_t>(byte), static_cast<uint32_t>(i),
                       static_cast<uint32_t>(i + len)});
      } else if (!IsTransparent(cp)) {
        break;
      }
      i += len;
    }
    if (run.empty()) {
      int len;
      DecodeUtf8(begin + i, end, &len);
      i += len;
      continue;
    }
    int next_len = 0;
    const bool followed_by_fffd =
        i < text.size() && DecodeUtf8(begin + i, end, &next_len) == 0xFFFD && next_len == 3;
    bytes.clear();
    for (const Elem& e : run) bytes.push_back(static_cast<char>(e.byte));
    const auto* bb = reinterpret_cast<const uint8_t*>(bytes.data());
    const auto* be = bb + bytes.size();
    for (size_t k = 0; k < run.size();) {
      int len;
      const char32_t cp = DecodeUtf8(bb + k, be, &len);
      if (len == 3 && LooksLikeWordLetters(text, &run[k])) {
        ++k;
        continue;
      }
      if (len >= 2) {
        ++ev->complete;
        if (len >= 3) ++ev->long_ones;
        if (out != nullptr) {
          out->append(text.data() + copied, run[k].begin - copied);
          AppendUtf8(cp, out);
          copied = run[k + len - 1].end;
          ++decoded;
        }
        k += len;
        continue;
      }
      // A truncated sequence at the end of the run, directly followed by U+FFFD: the byte the
      // first decoder could not map (à¦ + U+FFFD). Without the U+FFFD, a lead letter and a
      // symbol (Czech `íž`, Vietnamese `ã”`) are ordinary text.
      if (bb[k] >= 0xE0 && bb[k] <= 0xF4 && k + 1 < run.size() && followed_by_fffd) {
        bool rest_continuation = true;
        for (size_t m = k + 1; m < run.size(); ++m) {
          rest_continuation &= (bb[m] & 0xC0) == 0x80;
        }
        if (rest_continuation) ++ev->partial;
      }
      ++k;
    }
  }
  if (out != nullptr) out->append(text.data() + copied, text.size() - copied);
  return decoded;
}

bool Enough(const Evidence& ev) { return ev.long_ones > 0 || ev.complete + ev.partial >= 2; }

}  // namespace

bool HasMojibakeEvidence(std::string_view text) {
  if (std::memchr(text.data(), 0xC3, text.size()) == nullptr) return false;
  Evidence ev;
  Scan(text, &ev, nullptr);
  return Enough(ev) && ev.complete > 0;
}

MojibakeResult DetectMojibake(std::string_view text, bool repair, std::string* out) {
  MojibakeResult result;
  // Every mojibake sequence starts with U+00C2..U+00F4, encoded C3 82..C3 B4: text without a
  // 0xC3 byte (all Bengali, most text) is rejected by one memchr.
  if (std::memchr(text.data(), 0xC3, text.size()) == nullptr) return result;
  Evidence ev;
  Scan(text, &ev, nullptr);
  result.sequences = ev.complete + ev.partial;
  if (!Enough(ev)) return result;
  if (!repair || ev.complete == 0) {
    result.unrepaired_runs = ev.complete + ev.partial;
    return result;
  }
  std::string current(text);
  for (int round = 0; round < 3; ++round) {  // double encoding: up to three layers
    Evidence round_ev;
    std::string next;
    const uint32_t decoded = Scan(current, &round_ev, &next);
    if (decoded == 0 || (round > 0 && !Enough(round_ev))) {
      result.unrepaired_runs = round_ev.partial;
      break;
    }
    result.repaired_runs += decoded;
    current = std::move(next);
    Evidence left;
    Scan(current, &left, nullptr);
    result.unrepaired_runs = left.partial;
    if (left.complete == 0) break;
  }
  *out = std::move(current);
  return result;
}

bool LooksLikeLegacyBengali(std::string_view text) {
  // Bijoy / SutonnyMJ map Bengali glyphs to ASCII: `v` is the aa-kar (the most frequent vowel
  // sign of Bengali), `w` the i-kar, and the e-kar and conjunct parts are cp1252 symbols
  // († ‡ ˆ ‰ Š Ö ¨ © ª « ¯ ...) inside words. English has ~1% `v`; Bijoy text has ~10%.
  // Lower case followed by upper case inside a word (`KviY` = কারণ) is rare in real Latin text.
  // Prefilter on bytes (vectorized by the compiler): Bijoy text is ASCII letters plus a few
  // cp1252 symbols; text with many letters of other scripts (Bengali, Arabic, Cyrillic ... : lead
  // bytes 0xCD-0xDF, 0xE0, 0xE1, 0xE3-0xEF) or few ASCII letters is rejected without decoding.
  // The letter statistics below are byte counts too, so English and other Latin-script text
  // (1-4% `v`, few capitals) is also rejected here.
  // The first 2 KB decide for most pages (half the thresholds, so a Bijoy page with an English
  // header still gets the full count); the whole text is counted only for candidates.
  auto reject = [](std::string_view t, uint32_t min_letters, uint32_t v_pct, uint32_t upper_pct) {
    uint32_t ascii_letters = 0;
    uint32_t native_leads = 0;
    uint32_t v_bytes = 0;
    uint32_t upper_bytes = 0;
    for (const unsigned char c : t) {
      ascii_letters += static_cast<unsigned char>((c | 0x20) - 'a') < 26;
      upper_bytes += static_cast<unsigned char>(c - 'A') < 26;
      v_bytes += c == 'v';
      native_leads += (c >= 0xCD && c <= 0xE1) || (c >= 0xE3 && c <= 0xEF);
    }
    if (ascii_letters < min_letters || native_leads * 4 > ascii_letters) return true;
    return v_bytes * 100 < ascii_letters * v_pct || upper_bytes * 100 < ascii_letters * upper_pct;
  };
  if (text.size() > 2048 && reject(text.substr(0, 2048), 1, 4, 5)) return false;
  if (reject(text, 40, 8, 10)) return false;
  uint32_t letters = 0;
  uint32_t v_count = 0;
  uint32_t upper_count = 0;
  uint32_t inner_upper = 0;
  uint32_t markers = 0;
  uint32_t words = 0;
  uint32_t native = 0;  // letters of non-Latin scripts: real Unicode text
  const auto* begin = reinterpret_cast<const uint8_t*>(text.data());
  const auto* end = begin + text.size();
  bool in_word = false;
  bool prev_lower = false;
  for (const uint8_t* p = begin; p < end;) {
    int len;
    const char32_t cp = DecodeUtf8(p, end, &len);
    p += len;
    // `Ö` is the ra-phala (cÖ = প্র): an upper-case letter after a lower-case one.
    const bool upper = (cp >= 'A' && cp <= 'Z') || cp == 0xD6;
    const bool lower = cp >= 'a' && cp <= 'z';
    bool marker = false;
    if (cp >= 0x80) {
      const int byte = SingleByteOf(cp);
      (void)byte;
      // cp1252 symbols that Bijoy uses for vowel signs and conjunct parts (not the quotes,
      // dashes and guillemets of ordinary text).
      switch (cp) {
        case 0x2020: case 0x2021: case 0x02C6: case 0x2030: case 0x00A8: case 0x00AA:
        case 0x00AF: case 0x0153: case 0x00B6: case 0x00A9: case 0x00B9: case 0x00BA:
        case 0x00BC: case 0x00BD: case 0x00BE:
          marker = true;
          break;
        default:
          break;
      }
      if (!marker) {
        const CharInfo& info = Lookup(cp);
        if (info.cls() == kClsLetter && !info.Has(kFlagLatinFamily)) ++native;
      }
    }
    if (upper || lower || marker || cp == '`' || cp == '~') {
      if (!in_word) ++words;
      in_word = true;
      if (upper || lower) ++letters;
      if (cp == 'v') ++v_count;
      if (upper) ++upper_count;
      if (upper && prev_lower) ++inner_upper;
      if (marker) ++markers;
      prev_lower = lower;
    } else {
      in_word = false;
      prev_lower = false;
    }
  }
  if (letters < 40 || native * 4 > letters) return false;
  const double v_ratio = static_cast<double>(v_count) / letters;
  // Bijoy maps many frequent consonants and vowels to capitals (K ক, G এ, Z ত, R জ, Av আ):
  // ~20% of its letters are upper case, against 2-8% in Latin-script prose.
  const double upper_ratio = static_cast<double>(upper_count) / letters;
  if (upper_ratio < 0.12) return false;
  const double inner_upper_per_word = static_cast<double>(inner_upper) / words;
  const double markers_per_word = static_cast<double>(markers) / words;
  return v_ratio >= 0.08 && (inner_upper_per_word >= 0.1 || markers_per_word >= 0.1);
}

}  // namespace chalni::text::internal
