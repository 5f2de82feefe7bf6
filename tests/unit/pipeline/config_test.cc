// LoadRunConfig on YAML that parses but has the wrong shapes: every case is InvalidArgument
// with a message, never an escaped yaml-cpp exception (which aborted `chalni run -c`).
#include "pipeline/config.h"

#include <gtest/gtest.h>

#include <string>

namespace chalni {
namespace {

struct BadShapeCase {
  const char* name;
  std::string yaml;
};

// Found by the config fuzz target (fuzz/regressions/config/ holds the campaign's input).
const BadShapeCase kBadShapes[] = {
    {"top_level_key_is_a_sequence", "? [a]\n: 1\n"},
    {"top_level_key_is_a_map", "? {a: 1}\n: 1\nconfig_version: 1\n"},
    {"section_key_is_a_sequence", "config_version: 1\ninput:\n  ? [x]\n  : 1\n"},
    {"profile_name_is_a_sequence", "config_version: 1\nprofiles:\n  ? [bn]\n  : {}\n"},
    {"stage_name_is_a_map", "config_version: 1\nstages:\n  - {? [a]: 1}\n"},
};

TEST(LoadRunConfigTest, BadShapesAreErrorsNotExceptions) {
  for (const BadShapeCase& c : kBadShapes) {
    SCOPED_TRACE(c.name);
    StatusOr<RunConfig> config = RunConfig();
    ASSERT_NO_THROW(config = LoadRunConfig(&c.yaml, BuiltinStages()));
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(config.status().message().find("configuration"), std::string::npos)
        << config.status().message();
  }
}

}  // namespace
}  // namespace chalni
