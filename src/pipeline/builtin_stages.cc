// Stages owned by the pipeline itself: the length filter and the declaration of the exact
// deduplication pass (a global stage, run by the pass manager).
#include "pipeline/builtin_stages.h"

#include <algorithm>

#include "chalni/io/utf8.h"
#include "chalni/stage.h"

namespace chalni {
namespace {

// Removes documents that are empty after normalization, shorter than min_chars or longer than
// max_chars code points (after normalization). Reasons: `empty`, `too_short`, `too_long`.
class LengthFilter : public Stage {
 public:
  LengthFilter(int64_t min_chars, int64_t max_chars) : min_(min_chars), max_(max_chars) {}
  std::string_view name() const override { return "length_filter_v1"; }
  void Process(Document& doc, StageContext& ctx) const override {
    const auto chars = static_cast<int64_t>(io::CountCodePoints(doc.text));
    const bool visible = std::any_of(doc.text.begin(), doc.text.end(),
                                     [](unsigned char c) { return c > ' '; });
    doc.attrs.Set("length", "chars", chars);
    if (!visible) {
      doc.AddFilterReason("empty");
    } else if (chars < min_) {
      doc.AddFilterReason("too_short");
    } else if (max_ > 0 && chars > max_) {
      doc.AddFilterReason("too_long");
    }
  }

 private:
  int64_t min_, max_;
};

}  // namespace

void RegisterPipelineStages(StageRegistry& registry) {
  registry.Register(StageSpec{
      .name = "length_filter_v1",
      .family = "filters",
      .help = "Removes empty documents (reason empty) and documents shorter than min_chars "
              "(too_short) or longer than max_chars (too_long) code points after "
              "normalization.",
      .kind = StageKind::kDocument,
      .options =
          {
              OptionSpec{"min_chars", OptionType::kInt, Value(int64_t{1}),
                         "minimum length in code points", {}, 0, 1e12},
              OptionSpec{"max_chars", OptionType::kInt, Value(int64_t{0}),
                         "maximum length in code points (0: no maximum)", {}, 0, 1e12},
          },
      .create = [](const OptionValues& o,
                   const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
        return std::unique_ptr<Stage>(
            new LengthFilter(o.GetInt("min_chars"), o.GetInt("max_chars")));
      },
  });
  registry.Register(StageSpec{
      .name = "exact_dedup_v1",
      .family = "dedup",
      .help = "Global pass: documents whose normalized text is identical (XXH3-128 of the "
              "text) form a cluster; the survivor is the lowest doc_key, the "
              "others are removed with reason exact_duplicate and duplicate_of = survivor id.",
      .kind = StageKind::kGlobal,
      .options = {},
      .create = nullptr,
  });
}

}  // namespace chalni
