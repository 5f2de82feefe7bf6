// LoadRunConfig on YAML that parses but has the wrong shapes: every case is InvalidArgument
// with a message, never an escaped yaml-cpp exception (which aborted `chalni run -c`).
#include "pipeline/config.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

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

// "stages:" with each stage in `names`, in order.
std::string StageList(const std::vector<std::string>& names) {
  std::string yaml = "config_version: 1\nstages:\n";
  for (const std::string& n : names) yaml += "  - " + n + "\n";
  return yaml;
}

// Every stage that reads what another computes: alone it is a configuration error naming the
// stage it needs; listed after it (and after what that needs in turn) it loads; listed before it
// it is an error again. Without the check `stages: [minhash_v1]` made every document "too
// short" and `stages: [gopher_quality_signals_v1, gopher_quality_filter_v1]` removed all.
TEST(LoadRunConfigTest, StagesNeedWhatTheyReadEarlierInTheList) {
  const StageRegistry& registry = BuiltinStages();
  int stages_with_needs = 0;
  for (const StageSpec& spec : registry.specs()) {
    if (spec.needs.empty()) continue;
    ++stages_with_needs;
    SCOPED_TRACE(spec.name);
    const std::string alone = StageList({spec.name});
    StatusOr<RunConfig> config = LoadRunConfig(&alone, registry);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(config.status().message().find("'" + spec.needs[0] + "' must be listed before it"),
              std::string::npos)
        << config.status().message();

    // The transitive needs, deepest first.
    std::vector<std::string> order;
    std::set<std::string> placed;
    std::function<void(const std::string&)> place = [&](const std::string& name) {
      if (placed.count(name)) return;
      const StageSpec* s = registry.Find(name);
      ASSERT_NE(s, nullptr) << name;
      for (const std::string& need : s->needs) place(need);
      placed.insert(name);
      order.push_back(name);
    };
    place(spec.name);
    const std::string good = StageList(order);
    config = LoadRunConfig(&good, registry);
    EXPECT_TRUE(config.ok()) << config.status().message();

    std::vector<std::string> reversed(order.rbegin(), order.rend());
    const std::string bad_order = StageList(reversed);
    config = LoadRunConfig(&bad_order, registry);
    EXPECT_FALSE(config.ok());
  }
  EXPECT_GE(stages_with_needs, 10);
  // The default configuration satisfies every need.
  EXPECT_TRUE(LoadRunConfig(nullptr, registry).ok());
}

// Below langid_v1.profile_min_score (default 0.3) a document is judged by the generic profile;
// at or above it by its language's. Without langid_v1 there is no minimum.
TEST(LoadRunConfigTest, LowLanguageScoresAreJudgedByTheGenericProfile) {
  StatusOr<RunConfig> config = LoadRunConfig(nullptr, BuiltinStages());
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_DOUBLE_EQ(config->profile_min_score, 0.3);
  EXPECT_EQ(config->ProfileFor("en", 0.1, "Latn")->name(), "generic");
  EXPECT_EQ(config->ProfileFor("en", 0.3, "Latn")->name(), "en");
  EXPECT_EQ(config->ProfileFor("bn", 0.95, "Beng")->name(), "bn");
  EXPECT_EQ(config->ProfileFor("bn", 0.95, "Latn")->name(), "generic");  // romanized Bengali

  const std::string off = StageList({"segment_v1", "langid_v1: {profile_min_score: 0}"});
  config = LoadRunConfig(&off, BuiltinStages());
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->ProfileFor("en", 0.1, "Latn")->name(), "en");

  const std::string none = StageList({"length_filter_v1"});
  config = LoadRunConfig(&none, BuiltinStages());
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_DOUBLE_EQ(config->profile_min_score, 0);
}

}  // namespace
}  // namespace chalni
