// The run configuration: one YAML document, validated against the stages' declared options.
//
//   StatusOr<RunConfig> config = LoadRunConfig(user_yaml_or_null, BuiltinStages());
//   if (!config.ok()) { print(config.status().message()); return 2; }
//   std::string resolved = config->ToYaml();   // written into run.json, printed by `config`
//
// Merge rules (DESIGN.md): the built-in default (configs/default.yaml, compiled in) is the base;
// a user's `stages` list replaces the default one; `profiles` deep-merge over the built-in
// profiles (configs/profiles/*.yaml, compiled in; a new profile starts from `generic`); the other
// sections merge key by key. Unknown keys and bad values are errors naming the key and what is
// allowed.
#ifndef CHALNI_PIPELINE_CONFIG_H_
#define CHALNI_PIPELINE_CONFIG_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chalni/stage.h"
#include "chalni/status.h"

namespace chalni {

struct StageConfig {
  const StageSpec* spec = nullptr;
  OptionValues options;
};

struct RunConfig {
  // input:
  std::string text_field = "text";
  std::string id_field = "id";
  int64_t max_record_bytes = 64ll << 20;
  int64_t txt_files_per_shard = 64;
  // output:
  int64_t part_size_bytes = 256ll << 20;
  int64_t compression_level = 3;
  bool write_removed = true;
  int64_t max_removed_lines = 64;
  // run:
  int64_t partitions = 0;  // 0: auto, from the input size (see RunPipeline)
  int64_t intermediate_level = 0;  // 0: stored uncompressed (fastest)
  bool fsync = true;               // fsync completed files (durable across power loss)
  // langid_v1.profile_min_score (0 without langid_v1): below it a document is judged by generic.
  double profile_min_score = 0;

  std::vector<StageConfig> stages;
  std::map<std::string, Profile, std::less<>> profiles;

  // The resolved configuration as YAML (every option and profile key written out).
  std::string ToYaml() const;
  // The profile to judge a document by, from the candidates in lookup order; never null
  // (falls back to `generic`).
  const Profile* FindProfile(const std::vector<std::string>& candidates) const;
  // The profile a document identified as `language` (in `script`, with `score`) is judged by:
  // its language's (`<lang>_<Script>`, `<lang>`, aliases, then generic) when score reaches
  // profile_min_score, else generic.
  const Profile* ProfileFor(std::string_view language, double score,
                            std::string_view script) const;
  bool HasStage(std::string_view name) const;
};

// Parses `user_yaml` (nullptr: defaults only) over the built-in defaults.
StatusOr<RunConfig> LoadRunConfig(const std::string* user_yaml, const StageRegistry& registry);

// The built-in default configuration text (configs/default.yaml).
const std::string& DefaultConfigYaml();

// Formats a Value as YAML/JSON scalar text ("disabled" for monostate).
std::string ValueToString(const Value& value);

}  // namespace chalni

#endif  // CHALNI_PIPELINE_CONFIG_H_
