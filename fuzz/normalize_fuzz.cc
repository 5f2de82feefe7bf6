// Fuzz target: UTF-8 repair and normalize_v1's normalization.
//
// Checked on every input: RepairUtf8 yields valid UTF-8, inserts nothing into valid input and is
// a fixed point on its own output; Utf8PrefixLength never cuts a character of valid text; the
// normalizer (default options, and a set of options picked by the first byte) yields valid UTF-8,
// sets `changed` truthfully, gives the same result when input and output alias, and with the
// default options is idempotent: Normalize(Normalize(x)) == Normalize(x) (docs/TEXT.md; the
// normalizer runs its own extra rounds internally to get there).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "chalni/io/utf8.h"
#include "chalni/text/normalize.h"
#include "fuzz_check.h"

namespace chalni::fuzz {
namespace {

std::unique_ptr<text::Normalizer> Make(const text::NormalizeOptions& options) {
  auto normalizer = text::Normalizer::Create(options);
  FUZZ_CHECK(normalizer.ok(), "Normalizer::Create: %s", normalizer.status().message().c_str());
  return std::move(*normalizer);
}

text::NormalizeOptions OptionsFromBits(uint16_t bits) {
  text::NormalizeOptions o;
  o.nfc = bits & (1 << 0);
  o.legacy_forms = bits & (1 << 1);
  o.joiners = bits & (1 << 2);
  o.bars = bits & (1 << 3);
  o.dandas = bits & (1 << 4);
  o.whitespace = bits & (1 << 5);
  o.control_chars = bits & (1 << 6);
  o.fold_quotes = bits & (1 << 7);
  o.run_on_repair = bits & (1 << 8);
  o.run_on_separator = (bits & (1 << 9)) ? " " : "\n";
  o.detect_encoding = bits & (1 << 10);
  o.repair_mojibake = bits & (1 << 11);
  return o;
}

void CheckNormalizer(const text::Normalizer& normalizer, std::string_view input,
                     bool check_fixed_point) {
  text::NormalizeResult rounds[2];
  std::string_view in = input;
  for (int round = 0; round < 2; ++round) {
    normalizer.Normalize(in, &rounds[round]);
    const text::NormalizeResult& r = rounds[round];
    FUZZ_CHECK(io::IsValidUtf8(r.text), "round %d output is not valid UTF-8", round + 1);
    FUZZ_CHECK(r.changed == (r.text != in), "round %d: changed=%d but the text %s", round + 1,
               r.changed, r.text != in ? "differs" : "is the same");
    in = r.text;
  }
  if (check_fixed_point) {
    FUZZ_CHECK(rounds[0].text == rounds[1].text,
               "not idempotent: %zu bytes, then %zu bytes", rounds[0].text.size(),
               rounds[1].text.size());
  }
  // Aliasing input and output is allowed (normalize.h).
  text::NormalizeResult aliased;
  aliased.text = std::string(input);
  normalizer.Normalize(aliased.text, &aliased);
  FUZZ_CHECK(aliased.text == rounds[0].text, "aliased normalization differs");
}

}  // namespace
}  // namespace chalni::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chalni;
  if (size < 2) return 0;
  const uint16_t bits = static_cast<uint16_t>(data[0] | (data[1] << 8));
  const std::string_view raw = fuzz::AsView(data + 2, size - 2);

  std::string repaired;
  bool bom_removed = false;
  const size_t replacements = io::RepairUtf8(raw, &repaired, &bom_removed);
  FUZZ_CHECK(io::IsValidUtf8(repaired), "RepairUtf8 output is not valid UTF-8");
  const bool was_valid = io::IsValidUtf8(raw);
  FUZZ_CHECK(was_valid == (replacements == 0), "valid=%d but %zu replacements", was_valid,
             replacements);
  FUZZ_CHECK(bom_removed == raw.starts_with(io::kUtf8Bom), "bom_removed=%d", bom_removed);
  if (was_valid) {
    FUZZ_CHECK(repaired == raw.substr(bom_removed ? io::kUtf8Bom.size() : 0),
               "valid input changed by repair");
  }
  std::string again;
  FUZZ_CHECK(io::RepairUtf8(repaired, &again) == 0, "repair of repaired text replaced bytes");
  for (size_t max_bytes : {size_t{0}, size_t{1}, size_t{7}, repaired.size() / 2}) {
    const size_t n = io::Utf8PrefixLength(repaired, max_bytes);
    FUZZ_CHECK(n <= max_bytes && n <= repaired.size(), "prefix %zu > %zu", n, max_bytes);
    FUZZ_CHECK(fuzz::IsCharBoundary(repaired, n), "prefix of %zu bytes cuts a character", n);
    FUZZ_CHECK(max_bytes < 4 || max_bytes > repaired.size() || n + 3 >= max_bytes,
               "prefix of %zu bytes for a limit of %zu", n, max_bytes);
  }

  static const auto* default_normalizer = fuzz::Make(text::NormalizeOptions{}).release();
  fuzz::CheckNormalizer(*default_normalizer, repaired, /*check_fixed_point=*/true);
  // Idempotence is a promise of the default configuration; other option sets are checked for
  // validity only. One normalizer per option set, made once (Create loads ICU data).
  static std::unique_ptr<text::Normalizer> by_bits[1 << 12];
  std::unique_ptr<text::Normalizer>& custom = by_bits[bits & 0xFFF];
  if (custom == nullptr) custom = fuzz::Make(fuzz::OptionsFromBits(bits));
  fuzz::CheckNormalizer(*custom, repaired, /*check_fixed_point=*/false);
  return 0;
}
