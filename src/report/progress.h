// Progress and logging for a run: one live line per pass on a terminal, plain periodic log lines
// elsewhere (CI, pipes, log files: no control characters), warnings aggregated per cause, and a
// JSON-lines format for machines. Everything goes to stderr and, when opened, to OUTDIR/log.txt.
//
//   ProgressReporter progress(DetectProgressOptions(LogFormat::kText));
//   progress.OpenLogFile(outdir + "/log.txt");
//   progress.StartTicker();                       // redraws / logs in the background
//   progress.StartPass("local", shards.size(), total_input_bytes);
//   ... in each task, any thread:  progress.TaskDone(shard_bytes, shard_docs);
//   progress.EndPass();                           // "chalni: local: 9 tasks, 164 docs, ..."
//   progress.Warn("truncated_input", "bad/x.jsonl.gz is truncated");  // aggregated per cause
//   progress.SummarizeWarnings();                 // once, at the end of the run
//
// Threads: every method is thread-safe. Advance and TaskDone are a few relaxed atomic adds
// (no lock, no clock read), so they may be called per document; rendering happens in Tick(),
// called by the ticker thread (or by the caller when no ticker runs, as the tests do).
#ifndef CHALNI_REPORT_PROGRESS_H_
#define CHALNI_REPORT_PROGRESS_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "chalni/status.h"
#include "report/progress_sink.h"

namespace chalni::report {

// "1,234,567": how progress lines and report.html print counts.
std::string GroupDigits(int64_t n);

enum class LogFormat { kText, kJson };

// "text" or "json"; InvalidArgument naming the allowed values otherwise.
StatusOr<LogFormat> ParseLogFormat(std::string_view name);

struct ProgressOptions {
  // A terminal: one status line redrawn in place ("\r" and ESC[K). Off: plain lines only.
  bool live = false;
  LogFormat format = LogFormat::kText;
  double live_interval_seconds = 0.25;   // redraw period of the live line
  double plain_interval_seconds = 10.0;  // period of the plain progress lines (and log.txt)
  int warnings_shown_per_cause = 3;      // printed in full; the rest of a cause is counted
  LogLevel min_level = LogLevel::kInfo;  // Log() below this level is dropped
};

// Live when stderr is a terminal, TERM is not "dumb" and the format is text; otherwise plain.
ProgressOptions DetectProgressOptions(LogFormat format);

class ProgressReporter : public ProgressSink {
 public:
  using Clock = std::function<double()>;            // monotonic seconds
  using WallClock = std::function<std::string()>;   // "2025-01-31T12:00:00Z"

  // Writes to `out` (stderr by default). `clock` and `wall_clock` default to the system's.
  explicit ProgressReporter(ProgressOptions options, std::FILE* out = stderr, Clock clock = {},
                            WallClock wall_clock = {});
  ~ProgressReporter() override;  // stops the ticker, ends a live line, closes the log file
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // Appends every log line (never the live line) to `path`, with a timestamp in text format.
  Status OpenLogFile(const std::string& path) override;

  // A background thread calling Tick() at the live or plain interval; StopTicker joins it.
  void StartTicker();
  void StopTicker();

  // A pass begins: its task count and input bytes (0 when unknown: no ETA, no percentage).
  void StartPass(std::string_view name, int64_t total_tasks, int64_t total_bytes) override;
  // Work done inside a task (bytes of input consumed, documents finished).
  void Advance(int64_t bytes, int64_t docs) override;
  // A task finished; `bytes` and `docs` are what it did beyond what it reported by Advance.
  void TaskDone(int64_t bytes, int64_t docs) override;
  // The pass is over: one summary line (tasks, docs, MB, MB/s, seconds).
  void EndPass() override;

  void Log(LogLevel level, std::string_view message) override;
  // A warning of a stable `cause` (e.g. a reason or error code): the first
  // warnings_shown_per_cause of each cause are printed, the rest only counted.
  void Warn(std::string_view cause, std::string_view message) override;
  // One line per cause that had more warnings than were shown; returns the number of lines.
  int SummarizeWarnings() override;

  // Renders progress when its interval has passed since the last rendering.
  void Tick();

  struct Snapshot {
    std::string pass;
    int64_t tasks_done = 0;
    int64_t total_tasks = 0;
    int64_t bytes = 0;
    int64_t total_bytes = 0;
    int64_t docs = 0;
    double seconds = 0;  // since StartPass
  };
  Snapshot snapshot() const;
  // "local: 3/9 tasks, 1,234 docs, 12.3 MB, 4.5 MB/s, ETA 0:12" (ETA from bytes, else tasks).
  static std::string FormatStatus(const Snapshot& s);
  // Warnings seen per cause.
  std::map<std::string, int64_t> warning_counts() const;

 private:
  void FormatLines(LogLevel level, std::string_view event, std::string_view text,
                   const Snapshot* progress, std::string* line, std::string* file_line) const;
  void Emit(LogLevel level, std::string_view event, std::string_view text,
            const Snapshot* progress);
  void EmitToFile(LogLevel level, std::string_view event, std::string_view text,
                  const Snapshot* progress);
  void DrawLiveLocked(const Snapshot& s);
  void ClearLiveLocked();
  Snapshot SnapshotLocked() const;
  double Now() const { return clock_(); }

  const ProgressOptions options_;
  std::FILE* out_;
  Clock clock_;
  WallClock wall_clock_;
  std::FILE* log_file_ = nullptr;

  mutable std::mutex mu_;
  std::string pass_;
  bool pass_active_ = false;
  double pass_start_ = 0;
  double last_render_ = 0;  // live line
  double last_plain_ = 0;   // plain progress lines
  bool live_line_shown_ = false;
  int64_t total_tasks_ = 0;
  int64_t total_bytes_ = 0;
  std::atomic<int64_t> tasks_done_{0};
  std::atomic<int64_t> bytes_{0};
  std::atomic<int64_t> docs_{0};
  struct WarningCause {
    int64_t count = 0;
    std::string first_message;
  };
  std::map<std::string, WarningCause, std::less<>> warnings_;

  std::thread ticker_;
  std::condition_variable ticker_cv_;
  bool ticker_stop_ = false;
};

}  // namespace chalni::report

#endif  // CHALNI_REPORT_PROGRESS_H_
