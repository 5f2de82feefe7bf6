#include "report/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>

#include <nlohmann/json.hpp>

#include "fmt/format.h"
#include "report/text_safety.h"

namespace chalni::report {
namespace {

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string UtcNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Duration(double seconds) {
  if (seconds < 0) seconds = 0;
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02d}", s / 60, s % 60);
}

// One log line is one line: messages are made safe (no ESC, no bidi controls) and newlines
// inside a message become spaces.
std::string OneLine(std::string_view message) {
  std::string safe = NeutralizeControls(message);
  for (char& c : safe) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return safe;
}

}  // namespace

std::string GroupDigits(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

StatusOr<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return InvalidArgumentError(
      fmt::format("unknown log format '{}' (use one of: text, json)", OneLine(name)));
}

ProgressOptions DetectProgressOptions(LogFormat format) {
  ProgressOptions options;
  options.format = format;
  const char* term = std::getenv("TERM");
  const bool dumb = term == nullptr || std::string_view(term) == "dumb";
  options.live = format == LogFormat::kText && ::isatty(STDERR_FILENO) == 1 && !dumb;
  return options;
}

ProgressReporter::ProgressReporter(ProgressOptions options, std::FILE* out, Clock clock,
                                   WallClock wall_clock)
    : options_(options),
      out_(out),
      clock_(clock ? std::move(clock) : Clock(SteadySeconds)),
      wall_clock_(wall_clock ? std::move(wall_clock) : WallClock(UtcNow)) {}

ProgressReporter::~ProgressReporter() {
  StopTicker();
  std::lock_guard<std::mutex> lock(mu_);
  ClearLiveLocked();
  if (log_file_ != nullptr) std::fclose(log_file_);
}

Status ProgressReporter::OpenLogFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) return IoError("cannot open the log file " + path);
  std::lock_guard<std::mutex> lock(mu_);
  if (log_file_ != nullptr) std::fclose(log_file_);
  log_file_ = f;
  return Status::Ok();
}

void ProgressReporter::StartTicker() {
  std::lock_guard<std::mutex> lock(mu_);
  if (ticker_.joinable()) return;
  ticker_stop_ = false;
  const double interval =
      options_.live ? options_.live_interval_seconds : options_.plain_interval_seconds;
  ticker_ = std::thread([this, interval] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!ticker_stop_) {
      ticker_cv_.wait_for(lock, std::chrono::duration<double>(interval / 2));
      if (ticker_stop_) break;
      lock.unlock();
      Tick();
      lock.lock();
    }
  });
}

void ProgressReporter::StopTicker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!ticker_.joinable()) return;
    ticker_stop_ = true;
  }
  ticker_cv_.notify_all();
  ticker_.join();
}

void ProgressReporter::StartPass(std::string_view name, int64_t total_tasks,
                                 int64_t total_bytes) {
  Snapshot s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pass_ = std::string(name);
    pass_active_ = true;
    total_tasks_ = total_tasks;
    total_bytes_ = total_bytes;
    tasks_done_.store(0, std::memory_order_relaxed);
    bytes_.store(0, std::memory_order_relaxed);
    docs_.store(0, std::memory_order_relaxed);
    pass_start_ = Now();
    last_render_ = pass_start_;
    last_plain_ = pass_start_;
    s = SnapshotLocked();
  }
  std::string text = fmt::format("{}: started, {} tasks", s.pass, GroupDigits(total_tasks));
  if (total_bytes > 0) text += fmt::format(", {:.1f} MB", total_bytes / 1e6);
  Emit(LogLevel::kInfo, "pass_start", text, &s);
}

void ProgressReporter::Advance(int64_t bytes, int64_t docs) {
  bytes_.fetch_add(bytes, std::memory_order_relaxed);
  docs_.fetch_add(docs, std::memory_order_relaxed);
}

void ProgressReporter::TaskDone(int64_t bytes, int64_t docs) {
  Advance(bytes, docs);
  tasks_done_.fetch_add(1, std::memory_order_relaxed);
}

void ProgressReporter::EndPass() {
  Snapshot s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!pass_active_) return;
    s = SnapshotLocked();
    pass_active_ = false;
  }
  const double mbps = s.seconds > 0 ? s.bytes / 1e6 / s.seconds : 0;
  std::string text = fmt::format("{}: done, {}/{} tasks, {} docs, {:.1f} MB in {:.1f} s", s.pass,
                                 GroupDigits(s.tasks_done), GroupDigits(s.total_tasks), GroupDigits(s.docs),
                                 s.bytes / 1e6, s.seconds);
  if (s.bytes > 0 && s.seconds > 0) text += fmt::format(" ({:.1f} MB/s)", mbps);
  Emit(LogLevel::kInfo, "pass_end", text, &s);
}

void ProgressReporter::Log(LogLevel level, std::string_view message) {
  if (level < options_.min_level) return;
  Emit(level, "log", message, nullptr);
}

void ProgressReporter::Warn(std::string_view cause, std::string_view message) {
  int64_t count;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = warnings_.find(cause);
    if (it == warnings_.end()) it = warnings_.emplace(std::string(cause), WarningCause{}).first;
    count = ++it->second.count;
    if (count == 1) it->second.first_message = std::string(message);
  }
  const int64_t shown = options_.warnings_shown_per_cause;
  if (count <= shown) {
    Emit(LogLevel::kWarning, "warning", message, nullptr);
  } else if (count == shown + 1) {
    Emit(LogLevel::kWarning, "warning",
         fmt::format("more '{}' warnings are counted, not printed (total at the end)",
                     OneLine(cause)),
         nullptr);
  }
}

int ProgressReporter::SummarizeWarnings() {
  std::map<std::string, int64_t> counts = warning_counts();
  int lines = 0;
  for (const auto& [cause, count] : counts) {
    if (count <= options_.warnings_shown_per_cause) continue;
    Emit(LogLevel::kWarning, "warning_summary",
         fmt::format("{} '{}' warnings in total ({} shown)", GroupDigits(count), cause,
                     options_.warnings_shown_per_cause),
         nullptr);
    ++lines;
  }
  return lines;
}

std::map<std::string, int64_t> ProgressReporter::warning_counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, int64_t> out;
  for (const auto& [cause, w] : warnings_) out[cause] = w.count;
  return out;
}

void ProgressReporter::Tick() {
  Snapshot s;
  bool plain_due = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!pass_active_) return;
    const double now = Now();
    if (options_.live && now - last_render_ >= options_.live_interval_seconds) {
      last_render_ = now;
      DrawLiveLocked(SnapshotLocked());
    }
    // Plain progress lines: on stderr when it is not a terminal, and in log.txt always.
    if (now - last_plain_ >= options_.plain_interval_seconds) {
      last_plain_ = now;
      plain_due = true;
      s = SnapshotLocked();
    }
  }
  if (!plain_due) return;
  if (options_.live) {
    EmitToFile(LogLevel::kInfo, "progress", FormatStatus(s), &s);
  } else {
    Emit(LogLevel::kInfo, "progress", FormatStatus(s), &s);
  }
}

ProgressReporter::Snapshot ProgressReporter::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return SnapshotLocked();
}

ProgressReporter::Snapshot ProgressReporter::SnapshotLocked() const {
  Snapshot s;
  s.pass = pass_;
  s.tasks_done = tasks_done_.load(std::memory_order_relaxed);
  s.total_tasks = total_tasks_;
  s.bytes = bytes_.load(std::memory_order_relaxed);
  s.total_bytes = total_bytes_;
  s.docs = docs_.load(std::memory_order_relaxed);
  s.seconds = Now() - pass_start_;
  return s;
}

std::string ProgressReporter::FormatStatus(const Snapshot& s) {
  std::string out = fmt::format("{}: {}/{} tasks, {} docs, {:.1f} MB", s.pass,
                                GroupDigits(s.tasks_done), GroupDigits(s.total_tasks), GroupDigits(s.docs),
                                s.bytes / 1e6);
  const double rate = s.seconds > 0 ? s.bytes / s.seconds : 0;
  if (s.seconds > 0) out += fmt::format(", {:.1f} MB/s", rate / 1e6);
  // ETA from bytes when both totals are known (tasks differ in size), else from tasks.
  double eta = -1;
  if (s.total_bytes > 0 && s.bytes > 0 && rate > 0) {
    eta = (s.total_bytes - s.bytes) / rate;
  } else if (s.total_tasks > 0 && s.tasks_done > 0 && s.seconds > 0) {
    eta = s.seconds / s.tasks_done * (s.total_tasks - s.tasks_done);
  }
  if (eta >= 0) out += ", ETA " + Duration(eta);
  return out;
}

void ProgressReporter::ClearLiveLocked() {
  if (!live_line_shown_) return;
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
  live_line_shown_ = false;
}

void ProgressReporter::DrawLiveLocked(const Snapshot& s) {
  std::string line = "chalni: " + FormatStatus(s);
  if (s.total_bytes > 0) {
    line += fmt::format(" [{:.0f}%]", 100.0 * static_cast<double>(s.bytes) / s.total_bytes);
  }
  std::fputs("\r\033[K", out_);
  std::fputs(line.c_str(), out_);
  std::fflush(out_);
  live_line_shown_ = true;
}

void ProgressReporter::FormatLines(LogLevel level, std::string_view event,
                                   std::string_view text, const Snapshot* progress,
                                   std::string* line, std::string* file_line) const {
  const std::string message = OneLine(text);
  if (options_.format == LogFormat::kJson) {
    nlohmann::json j;
    j["time"] = wall_clock_();
    j["level"] = LevelName(level);
    j["event"] = std::string(event);
    j["message"] = message;
    if (progress != nullptr) {
      j["pass"] = progress->pass;
      j["tasks_done"] = progress->tasks_done;
      j["total_tasks"] = progress->total_tasks;
      j["bytes"] = progress->bytes;
      j["total_bytes"] = progress->total_bytes;
      j["docs"] = progress->docs;
      j["seconds"] = progress->seconds;
    }
    // Why error_handler replace: a message cut inside a character must not throw.
    *line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    *file_line = *line;
  } else {
    const std::string prefix =
        level == LogLevel::kWarning ? "warning: " : level == LogLevel::kError ? "error: " : "";
    *line = "chalni: " + prefix + message + "\n";
    *file_line = wall_clock_() + " " + LevelName(level) + " " + message + "\n";
  }
}

void ProgressReporter::EmitToFile(LogLevel level, std::string_view event, std::string_view text,
                                  const Snapshot* progress) {
  std::string line, file_line;
  FormatLines(level, event, text, progress, &line, &file_line);
  std::lock_guard<std::mutex> lock(mu_);
  if (log_file_ != nullptr) {
    std::fputs(file_line.c_str(), log_file_);
    std::fflush(log_file_);
  }
}

void ProgressReporter::Emit(LogLevel level, std::string_view event, std::string_view text,
                            const Snapshot* progress) {
  std::string line, file_line;
  FormatLines(level, event, text, progress, &line, &file_line);
  std::lock_guard<std::mutex> lock(mu_);
  if (options_.live) ClearLiveLocked();
  std::fputs(line.c_str(), out_);
  if (options_.live && pass_active_ && event != "pass_end") DrawLiveLocked(SnapshotLocked());
  std::fflush(out_);
  if (log_file_ != nullptr) {
    std::fputs(file_line.c_str(), log_file_);
    std::fflush(log_file_);
  }
}

}  // namespace chalni::report
