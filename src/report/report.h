// The visual run report: OUTDIR/report.html, one self-contained file (inline CSS and SVG, no
// scripts, no fonts, no images, no network; a Content-Security-Policy forbids loading anything),
// rebuilt from a finished run's artifacts by `chalni report OUTDIR` or written at the end of a
// run. The same scan writes the explain index (id_index.h).
//
//   Status s = WriteReport("out/sample");            // out/sample/report.html
//   if (!s.ok()) Log(s.message());
//
// What it shows (docs/REPORT.md): the funnel from input records to kept documents by pass,
// stage and reason (numbers from stats.json); per-language documents and bytes; histograms of
// the signals that have a threshold, per language, with the thresholds of the language's
// profile marked; the dedup cluster-size distribution; a capped number of examples of removed
// documents and removed lines per reason and of errors per cause, PII-redacted, HTML-escaped,
// bidi controls neutralised and each wrapped in <bdi dir="auto">.
//
// Cost: one sequential scan of kept/, removed/ and errors/ (decompress + parse every record).
// Memory is bounded: at most max_values_per_signal values per charted (language, signal), a
// capped number of examples, and the index builder's sort budget.
#ifndef CHALNI_REPORT_REPORT_H_
#define CHALNI_REPORT_REPORT_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "chalni/status.h"
#include "report/run_files.h"

namespace chalni::report {

struct ReportOptions {
  size_t examples_per_reason = 5;    // removed documents and removed lines shown per reason
  size_t errors_per_cause = 3;       // error records shown per cause
  size_t example_chars = 400;        // code points of text shown per example
  size_t max_languages = 8;          // languages with histograms (most documents first)
  // Per (language, signal), first ones in part order. Why 20 000: a 20-bin histogram of that many
  // values is as readable as of all of them, and 8 languages x ~40 signals x 20 000 x 8 bytes
  // stay near 50 MB whatever the corpus size.
  size_t max_values_per_signal = 20000;
  int histogram_bins = 20;
  bool write_explain_index = true;   // also write OUTDIR/.chalni/explain/ids.v1
  size_t index_sort_budget_bytes = size_t{64} << 20;  // the explain index's sort buffer
};

// Writes OUTDIR/report.html (atomically) and, when asked, the explain index.
Status WriteReport(const std::string& outdir, const ReportOptions& options = {});

// --- pieces, exposed for tests ---------------------------------------------------------------

// One row of the funnel: documents removed at one step (by their first reason, so every
// document is counted once) and the documents remaining after it.
struct FunnelStep {
  std::string pass;    // "read" (errors), "local", a global pass ("exact_dedup"), "write"
  std::string stage;   // "length_filter_v1"; the error cause's reader for "read"
  std::string reason;  // reason code, or error cause
  int64_t count = 0;
  int64_t remaining = 0;
};

// The funnel from stats.json: errors by cause, then removals by first reason in the order of the
// configured stages, then line cleaning at write; the last `remaining` is stats.kept.
std::vector<FunnelStep> BuildFunnel(const RunInfo& info);

// The stage behind a reason code: the local counters "<stage>.removed.<reason>", the pipeline's
// own reasons (empty/too_short/too_long: length_filter_v1; exact_duplicate: exact_dedup_v1;
// *near_dup*: the configured near-dedup stage), a line-cleaning reason ("write"), else "".
std::string StageOfReason(const RunInfo& info, const std::string& reason);

struct SignalThreshold {
  std::string key;    // "gopher_quality.min_doc_words" or "length_filter_v1.min_chars"
  double value = 0;
  bool remove_below = true;
};

// The thresholds that apply to `signal` ("gopher_quality.word_count") under `profile`: profile
// keys "<set>.min_<signal>" / "<set>.max_<signal>", the Gopher quality keys whose names differ
// from their signal's, and options "min_<signal>"/"max_<signal>" of a configured stage named
// "<set>_..." (max 0 means no maximum).
std::vector<SignalThreshold> ThresholdsFor(const RunInfo& info, const std::string& profile,
                                           const std::string& signal);
// Every signal some threshold applies to, sorted.
std::vector<std::string> ThresholdedSignals(const RunInfo& info);

struct Histogram {
  std::string language;
  std::string signal;
  std::string profile;
  double lo = 0, hi = 0;  // range of the bins
  std::vector<int64_t> kept, removed;  // per bin
  std::vector<SignalThreshold> thresholds;
  int64_t values = 0;
  bool capped = false;  // more documents had the signal than were kept for the chart
};

// Bins `values` ({value, kept}) into `bins` equal bins over [min, max] of the values, widened
// to show a threshold that lies within one range-width of the data.
Histogram MakeHistogram(const std::vector<std::pair<float, bool>>& values,
                        std::vector<SignalThreshold> thresholds, int bins);

}  // namespace chalni::report

#endif  // CHALNI_REPORT_REPORT_H_
