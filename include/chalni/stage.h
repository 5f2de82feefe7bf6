// Stages: the unit of work of the document-local pass, their declared options, and profiles.
//
// A stage family registers StageSpecs in one place (src/pipeline/registry.cc calls each family's
// Register<Family>Stages). A StageSpec declares its options once; that declaration drives YAML
// parsing and validation, `chalni stages` and `chalni config`.
//
//   class MyStage : public Stage {
//    public:
//     std::string_view name() const override { return "my_stage_v1"; }
//     void Process(Document& doc, StageContext& ctx) const override {
//       doc.attrs.Set(name(), "length", int64_t(doc.text.size()));
//       ctx.Count("my_stage_v1.seen");
//     }
//   };
#ifndef CHALNI_STAGE_H_
#define CHALNI_STAGE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chalni/document.h"
#include "chalni/status.h"

namespace chalni {

// A configuration value: options and profile entries. monostate means "disabled" in a profile.
using Value = std::variant<std::monostate, bool, int64_t, double, std::string,
                           std::vector<std::string>>;

enum class OptionType { kBool, kInt, kDouble, kString, kStringList, kEnum };

struct OptionSpec {
  std::string name;
  OptionType type = OptionType::kString;
  Value default_value;
  std::string help;
  std::vector<std::string> choices;  // kEnum: the allowed values
  double min = -1e300;                // kInt / kDouble bounds, inclusive
  double max = 1e300;
};

// Option values of one configured stage, validated against its OptionSpecs.
class OptionValues {
 public:
  void Set(std::string name, Value value) { values_[std::move(name)] = std::move(value); }
  bool GetBool(std::string_view name) const;
  int64_t GetInt(std::string_view name) const;
  double GetDouble(std::string_view name) const;
  const std::string& GetString(std::string_view name) const;
  const std::vector<std::string>& GetStringList(std::string_view name) const;
  const std::map<std::string, Value, std::less<>>& values() const { return values_; }

 private:
  const Value& Find(std::string_view name) const;
  std::map<std::string, Value, std::less<>> values_;
};

// Per-language thresholds. Keys are dotted paths ("gopher_quality.min_doc_words"); a key set to
// `disabled` in YAML is present with a monostate value. Lookup order for a document is
// `<lang>_<Script>`, then `<lang>`, then `generic` (done by ProfileSet).
class Profile {
 public:
  explicit Profile(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }
  // The entry, or nullptr when absent. Absent keys are a configuration bug: every profile has
  // every key written out (the defaults supply them).
  const Value* Find(std::string_view key) const;
  // A number threshold; nullopt when the rule is disabled (or absent).
  std::optional<double> Number(std::string_view key) const;
  std::optional<bool> Bool(std::string_view key) const;
  const std::vector<std::string>* StringList(std::string_view key) const;
  void Set(std::string key, Value value) { entries_[std::move(key)] = std::move(value); }
  const std::map<std::string, Value, std::less<>>& entries() const { return entries_; }

 private:
  std::string name_;
  std::map<std::string, Value, std::less<>> entries_;
};

// Per-thread context handed to Process: counters and the run's profiles.
class StageContext {
 public:
  explicit StageContext(int thread_index) : thread_index_(thread_index) {}
  int thread_index() const { return thread_index_; }
  // Adds `n` to the counter `key` ("<stage>.<what>"); summed over threads into stats.json.
  void Count(std::string_view key, int64_t n = 1);
  const std::map<std::string, int64_t, std::less<>>& counters() const { return counters_; }
  void ClearCounters() { counters_.clear(); }

 private:
  int thread_index_;
  std::map<std::string, int64_t, std::less<>> counters_;
};

class Stage {
 public:
  virtual ~Stage() = default;
  // Versioned, stable name: "gopher_quality_v1".
  virtual std::string_view name() const = 0;
  // Called concurrently on different documents from several threads, after the stages before
  // it in the configured order. Never throws and never fails for bad data: bad data is a
  // signal or a filter reason.
  virtual void Process(Document& doc, StageContext& ctx) const = 0;
};

// Where a stage finds files it needs at creation.
struct StageEnv {
  std::string data_dir;   // bundled data (data/ in the source tree or the install prefix)
  std::string cache_dir;  // fetched models (.cache/ by default)
};

// Document stages run in the document-local pass; global stages (exact/near dedup, frequent
// lines) are run by the pass manager as passes over the whole corpus and have no `create`.
enum class StageKind { kDocument, kGlobal };

struct StageSpec {
  std::string name;    // "gopher_quality_v1"
  std::string family;  // "filters"
  std::string help;
  StageKind kind = StageKind::kDocument;
  std::vector<OptionSpec> options;
  std::function<StatusOr<std::unique_ptr<Stage>>(const OptionValues&, const StageEnv&)> create;
  // Stages that must come earlier in the configured list because this one reads what they
  // compute (the lines and words of segment_v1, the signals of a *_signals stage). Without
  // them it would see an empty document and give a wrong verdict, so the configuration parser
  // rejects the list.
  std::vector<std::string> needs;
};

class StageRegistry {
 public:
  void Register(StageSpec spec);
  // nullptr when unknown.
  const StageSpec* Find(std::string_view name) const;
  const std::vector<StageSpec>& specs() const { return specs_; }
  // "a, b, c": for error messages naming the known stages.
  std::string KnownNames() const;

 private:
  std::vector<StageSpec> specs_;
};

// The registry with every built-in stage (src/pipeline/registry.cc).
const StageRegistry& BuiltinStages();

}  // namespace chalni

#endif  // CHALNI_STAGE_H_
