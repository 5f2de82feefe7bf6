// Fuzz target: one document through the default stage list, as the local pass runs it
// (src/pipeline/local_pass.cc; `chalni explain FILE` does the same): normalize, segment,
// language ID (the real fastText model), chrome phrases, bylines, sources, the C4 / Gopher /
// FineWeb signals and filters, PII, MinHash; then the frequent-line keys.
//
// An input starting with '{' is a JSONL line (parsed with JsonlParser; a rejected line ends
// there), anything else is a .txt document (repaired like ReadInput does).
// Checked: the working text is valid UTF-8; segmentation and tokens lie inside it; removed lines
// name existing lines and carry a reason; filter reasons are non-empty; numeric attributes are
// finite (a NaN compares false with every threshold and would keep a document silently); the
// language score is in [0, 1]; the MinHash signature has one fixed length; and a second run of
// the stages on the same record gives the same verdict (stages keep no state between documents).
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "boilerplate/frequent_lines.h"
#include "chalni/document.h"
#include "chalni/io/jsonl.h"
#include "chalni/io/utf8.h"
#include "chalni/langid/profiles.h"
#include "chalni/stage.h"
#include "fuzz_check.h"
#include "pipeline/config.h"
#include "pipeline/run.h"

namespace chalni::fuzz {
namespace {

struct Pipeline {
  RunConfig config;
  std::vector<std::unique_ptr<Stage>> stages;
  const Profile* generic = nullptr;
};

const Pipeline& ThePipeline() {
  static const Pipeline* pipeline = [] {
    auto* p = new Pipeline;
    StatusOr<RunConfig> config = LoadRunConfig(nullptr, BuiltinStages());
    FUZZ_CHECK(config.ok(), "default configuration: %s", config.status().message().c_str());
    p->config = std::move(*config);
    const StageEnv env{DefaultDataDir(), DefaultCacheDir()};
    for (const StageConfig& sc : p->config.stages) {
      if (sc.spec->kind == StageKind::kGlobal) continue;
      StatusOr<std::unique_ptr<Stage>> stage = sc.spec->create(sc.options, env);
      FUZZ_CHECK(stage.ok(), "stage %s: %s", sc.spec->name.c_str(),
                 stage.status().message().c_str());
      p->stages.push_back(std::move(*stage));
    }
    p->generic = p->config.FindProfile({});
    return p;
  }();
  return *pipeline;
}

void Run(const Pipeline& p, Document& doc) {
  doc.text = doc.original_text;
  doc.profile = p.generic;
  StageContext ctx(0);
  for (const auto& stage : p.stages) {
    stage->Process(doc, ctx);
    if (!doc.language.empty() && doc.profile == p.generic) {
      doc.profile = p.config.FindProfile(langid::ProfileCandidates(doc.language,
                                                                   doc.language_script));
    }
  }
}

void CheckDocument(const Document& doc) {
  const std::string_view text = doc.text;
  FUZZ_CHECK(io::IsValidUtf8(text), "working text is not valid UTF-8");
  for (const text::Span& l : doc.seg.lines) {
    FUZZ_CHECK(l.begin <= l.end && l.end <= text.size(), "line [%u, %u) of %zu bytes", l.begin,
               l.end, text.size());
  }
  for (const text::Span& s : doc.seg.sentences) {
    FUZZ_CHECK(s.begin <= s.end && s.end <= text.size(), "sentence [%u, %u)", s.begin, s.end);
  }
  for (const text::Token& t : doc.tokens) {
    FUZZ_CHECK(t.begin < t.end && t.end <= text.size(), "token [%u, %u) of %zu bytes", t.begin,
               t.end, text.size());
  }
  size_t lines = 1;
  for (char c : text) lines += c == '\n';
  for (const RemovedLine& r : doc.removed_lines) {
    FUZZ_CHECK(r.line < lines, "removed line %u of %zu", r.line, lines);
    FUZZ_CHECK(!r.reason.empty(), "removed line %u without a reason", r.line);
  }
  for (const std::string& reason : doc.filter_reasons) {
    FUZZ_CHECK(!reason.empty(), "empty filter reason");
  }
  for (const Attributes::Entry& e : doc.attrs.entries()) {
    if (const double* d = std::get_if<double>(&e.value)) {
      FUZZ_CHECK(std::isfinite(*d), "attribute %s.%s is %f", e.stage.c_str(), e.key.c_str(), *d);
    }
  }
  FUZZ_CHECK(doc.language_score >= 0 && doc.language_score <= 1.0 + 1e-9,
             "language score %f", doc.language_score);
  FUZZ_CHECK(doc.profile != nullptr, "no profile");
  static size_t minhash_size = 0;
  if (!doc.minhash.empty()) {
    if (minhash_size == 0) minhash_size = doc.minhash.size();
    FUZZ_CHECK(doc.minhash.size() == minhash_size, "signature of %zu values, earlier %zu",
               doc.minhash.size(), minhash_size);
  }
  std::vector<boilerplate::LineKeyEntry> keys;
  boilerplate::LineKeys(doc, &keys);
  for (const boilerplate::LineKeyEntry& k : keys) {
    FUZZ_CHECK(k.key != 0 && k.line < doc.seg.lines.size(), "line key for line %u of %zu",
               k.line, doc.seg.lines.size());
  }
}

}  // namespace
}  // namespace chalni::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chalni;
  const fuzz::Pipeline& pipeline = fuzz::ThePipeline();
  const std::string_view input = fuzz::AsView(data, size);
  Document doc;
  if (!input.empty() && input[0] == '{') {
    static io::JsonlParser* parser = new io::JsonlParser();
    io::JsonlRecord record;
    io::ParseError error;
    if (parser->Parse(input, &record, &error) != io::ParseResult::kRecord) return 0;
    doc.id = record.id ? *record.id : "fuzz:1";
    doc.raw_json = std::move(record.raw);
    doc.original_text = std::move(record.text);
    doc.utf8_repaired = record.repaired();
  } else {
    doc.utf8_repaired = io::RepairUtf8(input, &doc.original_text) > 0;
    doc.id = "fuzz.txt";
  }
  fuzz::Run(pipeline, doc);
  fuzz::CheckDocument(doc);

  Document again;
  again.id = doc.id;
  again.raw_json = doc.raw_json;
  again.original_text = doc.original_text;
  fuzz::Run(pipeline, again);
  FUZZ_CHECK(again.text == doc.text, "second run: different text");
  FUZZ_CHECK(again.filter_reasons == doc.filter_reasons, "second run: different reasons");
  FUZZ_CHECK(again.removed_lines.size() == doc.removed_lines.size(),
             "second run: %zu removed lines, first %zu", again.removed_lines.size(),
             doc.removed_lines.size());
  FUZZ_CHECK(again.language == doc.language, "second run: language %s, first %s",
             again.language.c_str(), doc.language.c_str());
  FUZZ_CHECK(again.minhash == doc.minhash, "second run: different signature");
  return 0;
}
