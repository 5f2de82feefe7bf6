#include "chalni/io/utf8.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "io_test_util.h"

namespace chalni::io {
namespace {

constexpr char kFffd[] = "\xEF\xBF\xBD";

struct RepairCase {
  const char* name;
  std::string in;
  std::string out;
  size_t replacements;
  bool bom_removed;
};

TEST(Utf8Test, RepairReplacesEachMaximalSubpart) {
  const std::string r = kFffd;
  const std::vector<RepairCase> kCases = {
      {"empty", "", "", 0, false},
      {"ascii", "hello", "hello", 0, false},
      {"bengali", "আমার সোনার বাংলা।", "আমার সোনার বাংলা।", 0, false},
      {"4-byte", "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80", 0, false},
      {"max code point", "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF", 0, false},
      // The Unicode Standard's own example (§3.9, Table 3-8):
      // 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 -> a FFFD FFFD FFFD b FFFD c FFFD FFFD d
      {"unicode table 3-8", "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
       "a" + r + r + r + "b" + r + "c" + r + r + "d", 6, false},
      {"lone continuation", "a\x80z", "a" + r + "z", 1, false},
      {"invalid leads C0 C1 F5 FF", "\xC0\xC1\xF5\xFF", r + r + r + r, 4, false},
      {"overlong slash C0 AF", "\xC0\xAF", r + r, 2, false},
      {"overlong E0 80 80", "\xE0\x80\x80", r + r + r, 3, false},
      {"overlong F0 80 80 80", "\xF0\x80\x80\x80", r + r + r + r, 4, false},
      {"surrogate ED A0 80", "\xED\xA0\x80", r + r + r, 3, false},
      {"above U+10FFFF F4 90 80 80", "\xF4\x90\x80\x80", r + r + r + r, 4, false},
      {"cut bengali letter at end", "ক\xE0\xA6", "ক" + r, 1, false},
      {"cut 4-byte then ascii", "\xF0\x9F\x98z", r + "z", 1, false},
      {"latin-1 text", "caf\xE9 cr\xE8me", "caf" + r + " cr" + r + "me", 2, false},
      {"nul is valid", std::string("a\0b", 3), std::string("a\0b", 3), 0, false},
      {"leading bom", "\xEF\xBB\xBFকখ", "কখ", 0, true},
      {"bom only", "\xEF\xBB\xBF", "", 0, true},
      {"inner bom kept", "a\xEF\xBB\xBF" "b", "a\xEF\xBB\xBF" "b", 0, false},
      {"bom then junk", "\xEF\xBB\xBF\xFF", r, 1, true},
      {"cut bom", "\xEF\xBB", r, 1, false},
      {"long ascii run then junk", std::string(40, 'x') + "\xFF" + std::string(9, 'y'),
       std::string(40, 'x') + r + std::string(9, 'y'), 1, false},
  };
  for (const RepairCase& c : kCases) {
    SCOPED_TRACE(c.name);
    std::string out = "previous content";
    bool bom = !c.bom_removed;
    EXPECT_EQ(RepairUtf8(c.in, &out, &bom), c.replacements);
    EXPECT_EQ(out, c.out);
    EXPECT_EQ(bom, c.bom_removed);
    EXPECT_TRUE(IsValidUtf8(out));
    EXPECT_EQ(IsValidUtf8(c.in), c.replacements == 0);
  }
}

// Property: on random bytes the repair always yields valid UTF-8, leaves valid input unchanged,
// and is idempotent.
TEST(Utf8Test, RepairOfRandomBytes) {
  std::mt19937 rng(7);
  const std::string alphabet[] = {"a", "ক", "😀", "\x80", "\xC2", "\xE0", "\xED", "\xF0", "\xF4",
                                  "\xA0", "\xBF", "\xFF", "\x90", "\x8F", "\n"};
  for (int round = 0; round < 2000; ++round) {
    std::string in;
    int len = static_cast<int>(rng() % 40);
    for (int i = 0; i < len; ++i) in += alphabet[rng() % std::size(alphabet)];
    std::string out;
    size_t n = RepairUtf8(in, &out);
    ASSERT_TRUE(IsValidUtf8(out)) << round;
    if (IsValidUtf8(in)) {
      ASSERT_EQ(n, 0u);
      ASSERT_EQ(out, in);
    } else {
      ASSERT_GT(n, 0u);
    }
    std::string again;
    ASSERT_EQ(RepairUtf8(out, &again), 0u);
    ASSERT_EQ(again, out);
  }
}

// An independent, deliberately simple reference for the maximal-subpart rule: try each
// well-formed sequence shape of Table 3-7 as ranges per byte.
std::string ReferenceRepair(std::string_view in, size_t* count) {
  struct Shape {
    int len;
    unsigned char lo[4], hi[4];
  };
  static const Shape kShapes[] = {
      {1, {0x00}, {0x7F}},
      {2, {0xC2, 0x80}, {0xDF, 0xBF}},
      {3, {0xE0, 0xA0, 0x80}, {0xE0, 0xBF, 0xBF}},
      {3, {0xE1, 0x80, 0x80}, {0xEC, 0xBF, 0xBF}},
      {3, {0xED, 0x80, 0x80}, {0xED, 0x9F, 0xBF}},
      {3, {0xEE, 0x80, 0x80}, {0xEF, 0xBF, 0xBF}},
      {4, {0xF0, 0x90, 0x80, 0x80}, {0xF0, 0xBF, 0xBF, 0xBF}},
      {4, {0xF1, 0x80, 0x80, 0x80}, {0xF3, 0xBF, 0xBF, 0xBF}},
      {4, {0xF4, 0x80, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF}},
  };
  std::string out;
  *count = 0;
  size_t pos = 0;
  while (pos < in.size()) {
    int best_prefix = 0;  // longest matching prefix of any shape
    int full = 0;
    for (const Shape& shape : kShapes) {
      int k = 0;
      while (k < shape.len && pos + k < in.size() &&
             static_cast<unsigned char>(in[pos + k]) >= shape.lo[k] &&
             static_cast<unsigned char>(in[pos + k]) <= shape.hi[k]) {
        ++k;
      }
      if (k == shape.len) full = k;
      best_prefix = std::max(best_prefix, k);
    }
    if (full > 0) {
      out.append(in.substr(pos, full));
      pos += full;
    } else {
      out += kFffd;
      ++*count;
      pos += std::max(best_prefix, 1);
    }
  }
  return out;
}

// Long texts with bad bytes near the 4 KiB blocks of the SIMD fast path (and anywhere else)
// repair exactly like the reference.
TEST(Utf8Test, RepairOfLongTextsMatchesTheReference) {
  std::mt19937 rng(11);
  const std::string good[] = {"a", " ", "ক", "্", "😀", "é", "\n"};
  const std::string bad[] = {"\xFF", "\x80", "\xE0\xA6", "\xF0\x9F\x98", "\xC0\xAF",
                             "\xED\xA0\x80", "\xC2"};
  for (int round = 0; round < 200; ++round) {
    std::string text;
    const size_t size = 3000 + rng() % 20000;
    while (text.size() < size) text += good[rng() % std::size(good)];
    const int bad_count = static_cast<int>(rng() % 4);
    for (int b = 0; b < bad_count; ++b) {
      size_t at = rng() % 2 == 0 ? (4096 * (1 + rng() % 4) + rng() % 7 - 3) : rng() % text.size();
      at = std::min(at, text.size());
      text.insert(at, bad[rng() % std::size(bad)]);
    }
    size_t want_count = 0;
    const std::string want = ReferenceRepair(text, &want_count);
    std::string got;
    ASSERT_EQ(RepairUtf8(text, &got), want_count) << round;
    ASSERT_EQ(got, want) << round;
    ASSERT_EQ(IsValidUtf8(text), want_count == 0);
  }
}

TEST(Utf8Test, PrefixLengthStopsAtACharacterBoundary) {
  const std::string bn = "কখ";  // E0 A6 95 E0 A6 96
  const struct {
    std::string s;
    size_t max_bytes;
    size_t want;
  } kCases[] = {
      {bn, 10, 6}, {bn, 6, 6}, {bn, 5, 3}, {bn, 4, 3}, {bn, 3, 3}, {bn, 2, 0}, {bn, 0, 0},
      {"ab😀", 5, 2},       // F0 9F 98 80 after "ab": cut at 5 backs up 3 bytes
      {"abc", 2, 2},
      {"\x80\x80\x80\x80\x80", 4, 4},  // not UTF-8: no backing up past 3 bytes
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(Utf8PrefixLength(c.s, c.max_bytes), c.want) << c.s << " " << c.max_bytes;
  }
}

// The eight-bytes-at-a-time count equals counting non-continuation bytes one by one, at every
// length and alignment (the tail loop), on Bengali, emoji, ASCII and bytes that are not UTF-8.
TEST(Utf8Test, CountCodePointsMatchesTheByteRule) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("কখ"), 2u);
  EXPECT_EQ(CountCodePoints("ab😀c"), 4u);
  EXPECT_EQ(CountCodePoints("আমি ভাত খাই।"), 12u);
  EXPECT_EQ(CountCodePoints("今天天气很好。"), 7u);
  EXPECT_EQ(CountCodePoints("مرحبا"), 5u);
  EXPECT_EQ(CountCodePoints("আমার সোনার বাংলা, আমি তোমায় ভালোবাসি।"), 38u);
  std::mt19937 rng(7);
  const std::string pieces[] = {"a", " ", "ক", "্", "😀", "é", "\x80", "\xBF", "\xC0", "\xFF",
                                "\xE0\xA6", "\n"};
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) s += pieces[rng() % std::size(pieces)];
    size_t want = 0;
    for (unsigned char c : s) want += (c & 0xC0) != 0x80;
    for (size_t skip = 0; skip < std::min<size_t>(s.size(), 8); ++skip) {
      const std::string_view v = std::string_view(s).substr(skip);
      size_t w = 0;
      for (unsigned char c : v) w += (c & 0xC0) != 0x80;
      ASSERT_EQ(CountCodePoints(v), w) << round << " " << skip;
    }
    ASSERT_EQ(CountCodePoints(s), want);
  }
}

TEST(Utf8Test, SeedDocumentIsValid) {
  const std::string path = CHALNI_SOURCE_DIR "/../shared/seed/000_fa613332d0f1a9d0.txt";
  std::string seed = testing::ReadFileBytes(path);
  if (seed.empty()) GTEST_SKIP() << "SKIPPED: seed document not found at " << path;
  EXPECT_TRUE(IsValidUtf8(seed));
  std::string out;
  EXPECT_EQ(RepairUtf8(seed, &out), 0u);
}

}  // namespace
}  // namespace chalni::io
