// Fuzz target: the YAML configuration parser and its validation against the stages' declared
// options (src/pipeline/config.*), as `chalni run -c FILE` loads a user's file.
//
// Checked: LoadRunConfig returns a configuration or an error with a message and never throws or
// crashes; an accepted configuration has a `generic` profile and only known stages; and its
// resolved form (ToYaml, written into run.json) loads again to the same resolved form, so
// run.json always reproduces the run.
#include <cstdint>
#include <string>

#include "chalni/stage.h"
#include "fuzz_check.h"
#include "pipeline/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chalni;
  const std::string yaml(fuzz::AsView(data, size));
  StatusOr<RunConfig> config = LoadRunConfig(&yaml, BuiltinStages());
  if (!config.ok()) {
    FUZZ_CHECK(!config.status().message().empty(), "an error without a message");
    return 0;
  }
  FUZZ_CHECK(config->profiles.count("generic") == 1, "no generic profile");
  FUZZ_CHECK(config->FindProfile({}) != nullptr, "FindProfile({}) is null");
  for (const StageConfig& sc : config->stages) {
    FUZZ_CHECK(sc.spec != nullptr && BuiltinStages().Find(sc.spec->name) == sc.spec,
               "a stage outside the registry");
  }
  const std::string resolved = config->ToYaml();
  StatusOr<RunConfig> reloaded = LoadRunConfig(&resolved, BuiltinStages());
  FUZZ_CHECK(reloaded.ok(), "the resolved configuration does not load: %s\n%s",
             reloaded.status().message().c_str(), resolved.c_str());
  const std::string resolved_again = reloaded->ToYaml();
  FUZZ_CHECK(resolved_again == resolved, "resolving twice differs:\n%s\n----\n%s",
             resolved.c_str(), resolved_again.c_str());
  return 0;
}
