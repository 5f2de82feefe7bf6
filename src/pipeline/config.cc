#include "pipeline/config.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <set>
#include <sstream>

#include "chalni/langid/profiles.h"
#include "fmt/format.h"

namespace chalni {
namespace embedded {
struct EmbeddedFile {
  const char* name;
  const char* text;
};
extern const char kDefaultConfig[];
extern const EmbeddedFile kProfiles[];
extern const int kNumProfiles;
}  // namespace embedded

namespace {

std::string Where(const YAML::Node& node) {
  if (node.Mark().is_null()) return "";
  return fmt::format(" (line {})", node.Mark().line + 1);
}

const char* TypeName(OptionType type) {
  switch (type) {
    case OptionType::kBool: return "a boolean (true/false)";
    case OptionType::kInt: return "an integer";
    case OptionType::kDouble: return "a number";
    case OptionType::kString: return "a string";
    case OptionType::kStringList: return "a list of strings";
    case OptionType::kEnum: return "one of the listed values";
  }
  return "?";
}

// Parses a scalar or list node into a typed Value as the spec demands.
StatusOr<Value> ParseOption(const OptionSpec& spec, const YAML::Node& node,
                            const std::string& path) {
  auto bad = [&](const std::string& why) {
    return InvalidArgumentError(fmt::format("{}{}: {}; expected {}", path, Where(node), why,
                                            TypeName(spec.type)));
  };
  try {
    switch (spec.type) {
      case OptionType::kBool:
        if (!node.IsScalar()) return bad("not a scalar");
        return Value(node.as<bool>());
      case OptionType::kInt: {
        if (!node.IsScalar()) return bad("not a scalar");
        int64_t v = node.as<int64_t>();
        if (v < spec.min || v > spec.max)
          return bad(fmt::format("{} is outside [{}, {}]", v, spec.min, spec.max));
        return Value(v);
      }
      case OptionType::kDouble: {
        if (!node.IsScalar()) return bad("not a scalar");
        double v = node.as<double>();
        if (!std::isfinite(v) || v < spec.min || v > spec.max)
          return bad(fmt::format("{} is outside [{}, {}]", v, spec.min, spec.max));
        return Value(v);
      }
      case OptionType::kString:
        if (!node.IsScalar()) return bad("not a scalar");
        return Value(node.as<std::string>());
      case OptionType::kEnum: {
        if (!node.IsScalar()) return bad("not a scalar");
        std::string v = node.as<std::string>();
        for (const std::string& c : spec.choices) {
          if (c == v) return Value(v);
        }
        return InvalidArgumentError(fmt::format("{}{}: '{}' is not allowed; allowed values: {}",
                                                path, Where(node), v,
                                                fmt::join(spec.choices, ", ")));
      }
      case OptionType::kStringList: {
        if (node.IsNull()) return Value(std::vector<std::string>{});
        if (!node.IsSequence()) return bad("not a list");
        std::vector<std::string> out;
        for (const auto& item : node) out.push_back(item.as<std::string>());
        return Value(std::move(out));
      }
    }
  } catch (const YAML::Exception& e) {
    return bad(fmt::format("cannot read '{}'", node.IsScalar() ? node.Scalar() : "value"));
  }
  return InternalError("unreachable");
}

// Flattens a profile's nested maps into dotted keys. `disabled` becomes monostate.
Status FlattenProfile(const YAML::Node& node, const std::string& prefix, Profile* profile) {
  if (!node.IsMap()) {
    return InvalidArgumentError(fmt::format("profiles.{}{}: expected a map of rule sets",
                                            profile->name(), Where(node)));
  }
  for (const auto& kv : node) {
    std::string key = prefix.empty() ? kv.first.as<std::string>()
                                     : prefix + "." + kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (v.IsMap()) {
      CHALNI_RETURN_IF_ERROR(FlattenProfile(v, key, profile));
    } else if (v.IsSequence()) {
      std::vector<std::string> list;
      for (const auto& item : v) list.push_back(item.as<std::string>());
      profile->Set(key, std::move(list));
    } else if (v.IsNull()) {
      profile->Set(key, std::monostate{});
    } else {
      const std::string s = v.Scalar();
      if (s == "disabled") {
        profile->Set(key, std::monostate{});
        continue;
      }
      int64_t i;
      double d;
      bool b;
      if (v.Tag() != "!" && YAML::convert<int64_t>::decode(v, i)) {
        profile->Set(key, i);
      } else if (v.Tag() != "!" && YAML::convert<double>::decode(v, d)) {
        profile->Set(key, d);
      } else if (v.Tag() != "!" && YAML::convert<bool>::decode(v, b)) {
        profile->Set(key, b);
      } else {
        profile->Set(key, s);
      }
    }
  }
  return Status::Ok();
}

Status ParseStageList(const YAML::Node& node, const StageRegistry& registry,
                      std::vector<StageConfig>* out) {
  if (!node.IsSequence()) {
    return InvalidArgumentError(
        fmt::format("stages{}: expected a list of stage names or {{name: {{options}}}} maps",
                    Where(node)));
  }
  out->clear();
  std::set<std::string> seen;
  for (const auto& item : node) {
    std::string name;
    YAML::Node options;
    if (item.IsScalar()) {
      name = item.as<std::string>();
    } else if (item.IsMap() && item.size() == 1) {
      name = item.begin()->first.as<std::string>();
      options = item.begin()->second;
    } else {
      return InvalidArgumentError(fmt::format(
          "stages{}: each entry is a stage name or a one-key map {{name: {{options}}}}",
          Where(item)));
    }
    const StageSpec* spec = registry.Find(name);
    if (spec == nullptr) {
      return InvalidArgumentError(fmt::format("stages{}: unknown stage '{}'; known stages: {}",
                                              Where(item), name, registry.KnownNames()));
    }
    for (const std::string& need : spec->needs) {
      if (seen.count(need) == 0) {
        return InvalidArgumentError(fmt::format(
            "stages{}: stage '{}' reads what '{}' computes, so '{}' must be listed before it",
            Where(item), name, need, need));
      }
    }
    if (!seen.insert(name).second) {
      return InvalidArgumentError(
          fmt::format("stages{}: stage '{}' is listed twice", Where(item), name));
    }
    StageConfig sc;
    sc.spec = spec;
    for (const OptionSpec& o : spec->options) sc.options.Set(o.name, o.default_value);
    if (options && !options.IsNull()) {
      if (!options.IsMap()) {
        return InvalidArgumentError(
            fmt::format("stages.{}{}: options must be a map", name, Where(options)));
      }
      for (const auto& kv : options) {
        std::string key = kv.first.as<std::string>();
        const OptionSpec* ospec = nullptr;
        for (const OptionSpec& o : spec->options) {
          if (o.name == key) ospec = &o;
        }
        if (ospec == nullptr) {
          std::vector<std::string> names;
          for (const OptionSpec& o : spec->options) names.push_back(o.name);
          return InvalidArgumentError(fmt::format(
              "stages.{}.{}{}: unknown option; options of {}: {}", name, key, Where(kv.first),
              name, names.empty() ? std::string("(none)") : fmt::format("{}", fmt::join(names, ", "))));
        }
        StatusOr<Value> v = ParseOption(*ospec, kv.second, "stages." + name + "." + key);
        if (!v.ok()) return v.status();
        sc.options.Set(key, std::move(*v));
      }
    }
    out->push_back(std::move(sc));
  }
  return Status::Ok();
}

struct SectionKey {
  const char* section;
  const char* key;
  OptionSpec spec;
};

// The keys of the input/output/run sections, declared once (parse, validate, print).
std::vector<SectionKey> SectionKeys() {
  auto i = [](const char* n, int64_t d, double lo, double hi) {
    OptionSpec s{n, OptionType::kInt, Value(d), "", {}, lo, hi};
    return s;
  };
  return {
      {"input", "text_field", {"text_field", OptionType::kString, Value(std::string("text"))}},
      {"input", "id_field", {"id_field", OptionType::kString, Value(std::string("id"))}},
      {"input", "max_record_bytes", i("max_record_bytes", 64ll << 20, 1024, 1ll << 32)},
      {"input", "txt_files_per_shard", i("txt_files_per_shard", 64, 1, 1 << 20)},
      {"output", "part_size_bytes", i("part_size_bytes", 256ll << 20, 1, 1ll << 40)},
      {"output", "compression_level", i("compression_level", 3, 1, 19)},
      {"output", "write_removed", {"write_removed", OptionType::kBool, Value(true)}},
      {"output", "max_removed_lines", i("max_removed_lines", 64, 0, 1 << 20)},
      {"run", "partitions", i("partitions", 0, 0, 4096)},
      {"run", "intermediate_level", i("intermediate_level", 0, -7, 19)},
      {"run", "fsync", {"fsync", OptionType::kBool, Value(true)}},
  };
}

Status ApplySections(const YAML::Node& root, RunConfig* config) {
  const std::vector<SectionKey> keys = SectionKeys();
  for (const char* section : {"input", "output", "run"}) {
    YAML::Node node = root[section];
    if (!node || node.IsNull()) continue;
    if (!node.IsMap()) {
      return InvalidArgumentError(fmt::format("{}{}: expected a map", section, Where(node)));
    }
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      const SectionKey* found = nullptr;
      std::vector<std::string> allowed;
      for (const SectionKey& k : keys) {
        if (std::string_view(k.section) != section) continue;
        allowed.push_back(k.key);
        if (key == k.key) found = &k;
      }
      if (found == nullptr) {
        return InvalidArgumentError(fmt::format("{}.{}{}: unknown key; allowed keys: {}",
                                                section, key, Where(kv.first),
                                                fmt::join(allowed, ", ")));
      }
      StatusOr<Value> v = ParseOption(found->spec, kv.second, std::string(section) + "." + key);
      if (!v.ok()) return v.status();
      const Value& val = *v;
      if (key == "text_field") config->text_field = std::get<std::string>(val);
      if (key == "id_field") config->id_field = std::get<std::string>(val);
      if (key == "max_record_bytes") config->max_record_bytes = std::get<int64_t>(val);
      if (key == "txt_files_per_shard") config->txt_files_per_shard = std::get<int64_t>(val);
      if (key == "part_size_bytes") config->part_size_bytes = std::get<int64_t>(val);
      if (key == "compression_level") config->compression_level = std::get<int64_t>(val);
      if (key == "write_removed") config->write_removed = std::get<bool>(val);
      if (key == "max_removed_lines") config->max_removed_lines = std::get<int64_t>(val);
      if (key == "partitions") config->partitions = std::get<int64_t>(val);
      if (key == "intermediate_level") config->intermediate_level = std::get<int64_t>(val);
      if (key == "fsync") config->fsync = std::get<bool>(val);
    }
  }
  return Status::Ok();
}

Status CheckTopLevel(const YAML::Node& root, const char* what) {
  if (!root.IsMap()) {
    return InvalidArgumentError(fmt::format("{}: the configuration must be a YAML map", what));
  }
  static const std::set<std::string> kAllowed = {"config_version", "input", "output", "run",
                                                 "stages", "profiles"};
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    if (!kAllowed.count(key)) {
      return InvalidArgumentError(fmt::format(
          "{}{}: unknown top-level key '{}'; allowed keys: config_version, input, output, run, "
          "stages, profiles",
          what, Where(kv.first), key));
    }
  }
  YAML::Node version = root["config_version"];
  if (!version) {
    return InvalidArgumentError(fmt::format("{}: config_version is missing (use 1)", what));
  }
  if (!version.IsScalar() || version.Scalar() != "1") {
    return InvalidArgumentError(fmt::format("{}{}: config_version {} is not supported (use 1)",
                                            what, Where(version), version.Scalar()));
  }
  return Status::Ok();
}

}  // namespace

const std::string& DefaultConfigYaml() {
  static const std::string* text = new std::string(embedded::kDefaultConfig);
  return *text;
}

std::string ValueToString(const Value& value) {
  struct V {
    std::string operator()(std::monostate) const { return "disabled"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      std::string s = fmt::format("{}", d);
      if (s.find_first_of(".e") == std::string::npos) s += ".0";
      return s;
    }
    std::string operator()(const std::string& s) const {
      YAML::Emitter e;
      e << YAML::DoubleQuoted << s;
      return e.c_str();
    }
    std::string operator()(const std::vector<std::string>& l) const {
      YAML::Emitter e;
      e << YAML::Flow << YAML::BeginSeq;
      for (const auto& s : l) e << YAML::DoubleQuoted << s;
      e << YAML::EndSeq;
      return e.c_str();
    }
  };
  return std::visit(V{}, value);
}

namespace {

StatusOr<RunConfig> LoadRunConfigOrThrow(const std::string* user_yaml,
                                         const StageRegistry& registry) {
  RunConfig config;
  YAML::Node base;
  try {
    base = YAML::Load(DefaultConfigYaml());
  } catch (const YAML::Exception& e) {
    return InternalError(std::string("built-in configuration does not parse: ") + e.what());
  }
  CHALNI_RETURN_IF_ERROR(CheckTopLevel(base, "built-in configuration"));
  CHALNI_RETURN_IF_ERROR(ApplySections(base, &config));

  // Built-in profiles (generic first so that new profiles can start from it).
  for (int p = 0; p < embedded::kNumProfiles; ++p) {
    const auto& file = embedded::kProfiles[p];
    Profile profile(file.name);
    try {
      YAML::Node node = YAML::Load(file.text);
      CHALNI_RETURN_IF_ERROR(FlattenProfile(node, "", &profile));
    } catch (const YAML::Exception& e) {
      return InternalError(fmt::format("built-in profile {} does not parse: {}", file.name,
                                       e.what()));
    }
    config.profiles.emplace(file.name, std::move(profile));
  }
  if (!config.profiles.count("generic")) config.profiles.emplace("generic", Profile("generic"));

  if (user_yaml == nullptr) {
    CHALNI_RETURN_IF_ERROR(ParseStageList(base["stages"], registry, &config.stages));
  } else {
    YAML::Node user;
    try {
      user = YAML::Load(*user_yaml);
    } catch (const YAML::ParserException& e) {
      return InvalidArgumentError(fmt::format("configuration (line {}): {}", e.mark.line + 1,
                                              e.msg));
    }
    if (user.IsNull()) return InvalidArgumentError("configuration: the file is empty");
    CHALNI_RETURN_IF_ERROR(CheckTopLevel(user, "configuration"));
    CHALNI_RETURN_IF_ERROR(ApplySections(user, &config));
    if (user["stages"]) {
      CHALNI_RETURN_IF_ERROR(ParseStageList(user["stages"], registry, &config.stages));
    } else {
      CHALNI_RETURN_IF_ERROR(ParseStageList(base["stages"], registry, &config.stages));
    }
    YAML::Node profiles = user["profiles"];
    if (profiles && !profiles.IsNull()) {
      if (!profiles.IsMap()) {
        return InvalidArgumentError(
            fmt::format("profiles{}: expected a map from profile name to rules", Where(profiles)));
      }
      for (const auto& kv : profiles) {
        std::string name = kv.first.as<std::string>();
        auto it = config.profiles.find(name);
        if (it == config.profiles.end()) {
          Profile fresh = config.profiles.at("generic");
          Profile named(name);
          for (const auto& [k, v] : fresh.entries()) named.Set(k, v);
          it = config.profiles.emplace(name, std::move(named)).first;
        }
        Profile overlay(name);
        CHALNI_RETURN_IF_ERROR(FlattenProfile(kv.second, "", &overlay));
        const Profile& generic = config.profiles.at("generic");
        for (const auto& [k, v] : overlay.entries()) {
          if (!generic.entries().empty() && generic.Find(k) == nullptr &&
              it->second.Find(k) == nullptr) {
            return InvalidArgumentError(fmt::format(
                "profiles.{}.{}: unknown profile key (see `chalni config` for the keys)", name,
                k));
          }
          it->second.Set(k, v);
        }
      }
    }
  }
  for (const StageConfig& sc : config.stages) {
    if (sc.spec->name == "langid_v1") {
      config.profile_min_score = sc.options.GetDouble("profile_min_score");
    }
  }
  return config;
}

}  // namespace

StatusOr<RunConfig> LoadRunConfig(const std::string* user_yaml, const StageRegistry& registry) {
  // yaml-cpp throws from every conversion (a key that is a sequence, a list item that is a
  // map, ...); in a user's file each one is a configuration error, never a crash. Found by the
  // config fuzz target.
  try {
    return LoadRunConfigOrThrow(user_yaml, registry);
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return InvalidArgumentError("configuration: " + e.msg);
    return InvalidArgumentError(
        fmt::format("configuration (line {}): {}", e.mark.line + 1, e.msg));
  }
}

const Profile* RunConfig::FindProfile(const std::vector<std::string>& candidates) const {
  for (const std::string& c : candidates) {
    auto it = profiles.find(c);
    if (it != profiles.end()) return &it->second;
  }
  return &profiles.at("generic");
}

const Profile* RunConfig::ProfileFor(std::string_view language, double score,
                                     std::string_view script) const {
  if (score < profile_min_score) return &profiles.at("generic");
  return FindProfile(langid::ProfileCandidates(language, script));
}

bool RunConfig::HasStage(std::string_view name) const {
  for (const StageConfig& s : stages) {
    if (s.spec->name == name) return true;
  }
  return false;
}

std::string RunConfig::ToYaml() const {
  std::ostringstream out;
  out << "config_version: 1\n";
  out << "input:\n  text_field: " << ValueToString(text_field)
      << "\n  id_field: " << ValueToString(id_field)
      << "\n  max_record_bytes: " << max_record_bytes
      << "\n  txt_files_per_shard: " << txt_files_per_shard << "\n";
  out << "output:\n  part_size_bytes: " << part_size_bytes
      << "\n  compression_level: " << compression_level
      << "\n  write_removed: " << (write_removed ? "true" : "false")
      << "\n  max_removed_lines: " << max_removed_lines << "\n";
  out << "run:\n  partitions: " << partitions << "\n  intermediate_level: " << intermediate_level
      << "\n  fsync: " << (fsync ? "true" : "false") << "\n";
  out << "stages:\n";
  for (const StageConfig& s : stages) {
    if (s.options.values().empty()) {
      out << "  - " << s.spec->name << "\n";
      continue;
    }
    out << "  - " << s.spec->name << ":\n";
    for (const auto& [k, v] : s.options.values()) {
      out << "      " << k << ": " << ValueToString(v) << "\n";
    }
  }
  out << "profiles:\n";
  for (const auto& [name, profile] : profiles) {
    out << "  " << name << ":\n";
    for (const auto& [k, v] : profile.entries()) {
      out << "    " << k << ": " << ValueToString(v) << "\n";
    }
  }
  return out.str();
}

}  // namespace chalni
