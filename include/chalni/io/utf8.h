// UTF-8 validation and repair: every byte chalni hands to a later stage is valid UTF-8.
//
// Input from crawls carries invalid bytes (Latin-1 pages mislabelled as UTF-8, cut multi-byte
// sequences, binary junk). chalni never drops such a document: it repairs it by the rule the
// Unicode Standard recommends (chapter 3, "U+FFFD Substitution of Maximal Subparts") and that
// the WHATWG Encoding Standard's UTF-8 decoder implements, and counts the repairs.
//
//   std::string repaired;
//   if (!IsValidUtf8(bytes)) {
//     size_t n = RepairUtf8(bytes, &repaired);  // n >= 1 replacement characters inserted
//     bytes = repaired;
//   }
#ifndef CHALNI_IO_UTF8_H_
#define CHALNI_IO_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace chalni::io {

// The UTF-8 byte order mark EF BB BF (U+FEFF).
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// U+FFFD REPLACEMENT CHARACTER in UTF-8.
inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

// True when `bytes` is well-formed UTF-8 (Unicode Table 3-7: no overlongs, no surrogates
// U+D800..U+DFFF, nothing above U+10FFFF). Uses simdjson's runtime-dispatched SIMD validator
// (about 13 GB/s on Bengali, see docs/INPUT.md).
bool IsValidUtf8(std::string_view bytes);

// Writes to `*out` (replacing its content) a well-formed UTF-8 copy of `in` in which each
// maximal subpart of an ill-formed sequence is replaced by one U+FFFD. A maximal subpart is the
// longest prefix of a well-formed sequence that starts at the current byte (Unicode 15, §3.9,
// D93b): "\xE0\xA6" followed by "a" is one U+FFFD + "a"; "\xC0\xAF" (an overlong) is two U+FFFD,
// since C0 never starts a well-formed sequence; a lone continuation byte is one U+FFFD.
// Additionally a byte order mark at the very start of `in` is removed; `*bom_removed` (when
// non-null) says whether that happened. A BOM elsewhere is U+FEFF, a valid character, and kept.
// Returns the number of U+FFFD inserted (0 when `in` was valid apart from a leading BOM).
size_t RepairUtf8(std::string_view in, std::string* out, bool* bom_removed = nullptr);

// The length of the longest prefix of `s` that has at most `max_bytes` bytes and does not end
// inside a UTF-8 sequence: backs up over at most 3 continuation bytes at the cut. For cutting
// raw_prefix / message excerpts without creating a U+FFFD at the cut. On invalid input it only
// guarantees the result is <= max_bytes.
//   s.substr(0, Utf8PrefixLength(s, 256))
size_t Utf8PrefixLength(std::string_view s, size_t max_bytes);

// Number of code points in valid UTF-8: the bytes that are not continuation bytes (10xxxxxx),
// counted eight at a time. On invalid UTF-8 it counts lead and stray bytes alike.
inline size_t CountCodePoints(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  size_t continuation = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    std::memcpy(&x, p + i, 8);
    // Bit 7 of each byte set where bit 7 is 1 and bit 6 is 0; then the per-byte 0/1 summed.
    const uint64_t m = (x & ~(x << 1) & 0x8080808080808080ull) >> 7;
    continuation += (m * 0x0101010101010101ull) >> 56;
  }
  for (; i < n; ++i) continuation += (static_cast<unsigned char>(p[i]) & 0xC0) == 0x80;
  return n - continuation;
}

}  // namespace chalni::io

#endif  // CHALNI_IO_UTF8_H_
