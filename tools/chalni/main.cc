// chalni: the command-line tool. One file per subcommand family; this file wires them to CLI11.
#include <algorithm>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "chalni/stage.h"
#include "fmt/format.h"
#include "boilerplate/lines_learn.h"
#include "commands.h"
#include "pipeline/config.h"
#include "pipeline/run.h"
#include "pipeline/version.h"
#include "report/progress.h"
#include "report/report.h"

namespace chalni {
namespace {

int64_t ParseBytes(const std::string& s) {
  // "4G", "512M", "1024k" or a plain number of bytes.
  size_t pos = 0;
  double v = std::stod(s, &pos);
  std::string unit = s.substr(pos);
  double mult = 1;
  if (unit == "k" || unit == "K" || unit == "KiB") mult = 1024.0;
  else if (unit == "m" || unit == "M" || unit == "MiB") mult = 1024.0 * 1024;
  else if (unit == "g" || unit == "G" || unit == "GiB") mult = 1024.0 * 1024 * 1024;
  else if (!unit.empty()) throw std::invalid_argument("unknown unit " + unit);
  return static_cast<int64_t>(v * mult);
}

const char* OptionTypeName(OptionType t) {
  switch (t) {
    case OptionType::kBool: return "bool";
    case OptionType::kInt: return "int";
    case OptionType::kDouble: return "number";
    case OptionType::kString: return "string";
    case OptionType::kStringList: return "list";
    case OptionType::kEnum: return "enum";
  }
  return "?";
}

int CmdStages() {
  for (const StageSpec& s : BuiltinStages().specs()) {
    std::printf("%s  [%s, %s]\n  %s\n", s.name.c_str(), s.family.c_str(),
                s.kind == StageKind::kGlobal ? "global pass" : "document stage", s.help.c_str());
    if (!s.needs.empty()) {
      std::printf("  needs, earlier in the list: %s\n", fmt::format("{}", fmt::join(s.needs, ", ")).c_str());
    }
    for (const OptionSpec& o : s.options) {
      std::string extra;
      if (!o.choices.empty()) extra = fmt::format(" (one of: {})", fmt::join(o.choices, ", "));
      std::printf("    %-24s %-7s default %s%s\n        %s\n", o.name.c_str(),
                  OptionTypeName(o.type), ValueToString(o.default_value).c_str(), extra.c_str(),
                  o.help.c_str());
    }
    std::printf("\n");
  }
  return 0;
}

int CmdConfig(const std::string& path, bool resolved) {
  if (!resolved && path.empty()) {
    std::fputs(DefaultConfigYaml().c_str(), stdout);
    std::puts("# --- built-in profiles (configs/profiles/*.yaml), as `--resolved` shows them ---");
    StatusOr<RunConfig> c = LoadRunConfig(nullptr, BuiltinStages());
    if (!c.ok()) {
      std::fprintf(stderr, "chalni: %s\n", c.status().message().c_str());
      return 2;
    }
    std::string y = c->ToYaml();
    std::fputs(y.substr(y.find("profiles:")).c_str(), stdout);
    return 0;
  }
  std::string text;
  if (!path.empty()) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      std::fprintf(stderr, "chalni: cannot read the configuration %s\n", path.c_str());
      return 2;
    }
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  StatusOr<RunConfig> c = LoadRunConfig(path.empty() ? nullptr : &text, BuiltinStages());
  if (!c.ok()) {
    std::fprintf(stderr, "chalni: configuration error: %s\n", c.status().message().c_str());
    return 2;
  }
  std::fputs(c->ToYaml().c_str(), stdout);
  return 0;
}

int Main(int argc, char** argv) {
  // `chalni lines learn ...` has its own parser (src/boilerplate/lines_learn.cc).
  if (argc >= 3 && std::string_view(argv[1]) == "lines" && std::string_view(argv[2]) == "learn") {
    return boilerplate::LinesLearnMain(argc - 2, argv + 2);
  }
  CLI::App app{"chalni (চালনি, \"sieve\"): clean, deduplicated, language-labelled corpora from "
               "crawled web text"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("chalni ") + kChalniVersion);

  RunOptions run;
  std::string memory;
  auto* run_cmd = app.add_subcommand("run", "Run the pipeline over the inputs");
  run_cmd->add_option("-i,--input", run.inputs,
                      "Input files or directories (.jsonl, .jsonl.gz, .jsonl.zst, .txt); - reads "
                      "JSONL from standard input")
      ->required();
  run_cmd->add_option("-o,--output", run.outdir, "Output directory")->required();
  run_cmd->add_option("-c,--config", run.config_path,
                      "Configuration YAML (default: the built-in configuration)");
  run_cmd->add_option("-j,--threads", run.threads,
                      "Threads (default: the CPUs this process may use)")
      ->check(CLI::Range(1, 1024));
  run_cmd->add_option("--memory", memory, "Memory budget, e.g. 4G (default 4G)");
  run_cmd->add_option("--tmp-dir", run.tmp_dir,
                      "Where intermediate files go (default OUTDIR/.chalni)");
  std::string log_format = "text";
  run_cmd->add_option("--log-format", log_format, "text (default) or json: one JSON object per line")
      ->check(CLI::IsMember({"text", "json"}));
  run_cmd->add_flag("--overwrite", run.overwrite,
                    "Replace an existing output directory holding a different run");

  auto* stages_cmd = app.add_subcommand("stages", "List the stages and their options");
  std::string config_path;
  bool resolved = false;
  auto* config_cmd = app.add_subcommand(
      "config", "Print the default configuration, or with --resolved what a run would use");
  config_cmd->add_option("-c,--config", config_path, "Configuration YAML to resolve");
  config_cmd->add_flag("--resolved", resolved, "Print the merged, validated configuration");
  auto* version_cmd = app.add_subcommand("version", "Print the version");
  // Listed for --help; handled before parsing (see the top of Main).
  app.add_subcommand("lines", "lines learn -i INPUT... -o TABLE: build a frequent-line table "
                              "standalone (see chalni lines learn --help)")
      ->allow_extras();

  ReportCommands report_commands(app);  // `report` and `explain` (cmd_report.cc, cmd_explain.cc)

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (*run_cmd) {
    if (!memory.empty()) {
      try {
        run.memory_bytes = ParseBytes(memory);
      } catch (const std::exception&) {
        std::fprintf(stderr, "chalni: --memory: cannot read '%s' (use e.g. 4G, 512M)\n",
                     memory.c_str());
        return 2;
      }
    }
    StatusOr<report::LogFormat> format = report::ParseLogFormat(log_format);
    if (!format.ok()) {
      std::fprintf(stderr, "chalni: %s\n", format.status().message().c_str());
      return 2;
    }
    report::ProgressReporter progress(report::DetectProgressOptions(*format));
    progress.StartTicker();
    run.progress = &progress;
    int rc = RunPipeline(run);
    progress.StopTicker();
    progress.SummarizeWarnings();
    // Every finished run (0: ok, 1: finished with unreadable inputs) gets its report.html.
    if (rc == 0 || rc == 1) {
      // The report runs within the run's budget too: its sort buffer takes at most a quarter.
      report::ReportOptions report_options;
      const size_t budget = static_cast<size_t>(run.memory_bytes > 0 ? run.memory_bytes
                                                                     : kDefaultMemoryBytes);
      report_options.index_sort_budget_bytes =
          std::clamp<size_t>(budget / 4, size_t{1} << 20, size_t{64} << 20);
      Status s = report::WriteReport(run.outdir, report_options);
      if (!s.ok()) {
        std::fprintf(stderr, "chalni: report.html not written: %s\n", s.message().c_str());
      }
    }
    return rc;
  }
  if (std::optional<int> rc = report_commands.Run()) return *rc;
  if (*stages_cmd) return CmdStages();
  if (*config_cmd) return CmdConfig(config_path, resolved);
  if (*version_cmd) {
    std::printf("chalni %s (git %s)\n", kChalniVersion, kChalniGitHash);
    return 0;
  }
  return 2;
}

}  // namespace
}  // namespace chalni

int main(int argc, char** argv) {
  // A file-size limit must surface as EFBIG (exit 3, resumable), not kill the process.
  std::signal(SIGXFSZ, SIG_IGN);
  return chalni::Main(argc, argv);
}
