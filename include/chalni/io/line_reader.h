// LineReader: streams the lines of a plain, gzip or zstd file (or standard input) with bounded
// memory, and tells a clean end apart from a truncated or corrupt stream.
//
//   StatusOr<std::unique_ptr<LineReader>> reader = LineReader::Open(path, InputFormat::kJsonlZst);
//   if (!reader.ok()) return Report(kCauseOpenError, reader.status());
//   Line line;
//   while ((*reader)->Next(&line)) {
//     if (line.too_long) { ReportTooLong(line.offset, line.length, line.text); continue; }
//     Parse(line.text, line.offset, line.number);
//   }
//   if (!(*reader)->status().ok())  // DataLoss: truncated/corrupt; IoError: read() failed
//     ReportError((*reader)->error_cause(), (*reader)->status().message(),
//                 (*reader)->error_offset(), (*reader)->error_raw_prefix());
//
// Rules (docs/INPUT.md):
// - A line ends at '\n'. One '\r' right before the end (CRLF, also at end of stream) is removed
//   when strip_cr is set (default) and flagged in Line::had_cr; a '\r' elsewhere is data.
// - The last line needs no '\n'. An empty stream has zero lines; an empty line is a line of
//   length 0 (the caller skips and counts blank lines).
// - Gzip input may hold several members (as `cat a.gz b.gz` makes), zstd input several frames
//   (and skippable frames). A compressed file of 0 bytes is an empty stream, not an error.
// - A stream that ends inside a member/frame is DataLoss "truncated <gzip|zstd> stream after N
//   bytes ..." (N decompressed bytes); bad compressed data or trailing bytes that are not a gzip
//   member are DataLoss "corrupt ...". All complete lines before the cut are delivered first; the
//   unterminated fragment at the cut is not delivered as a line: the error names its offset and
//   length, and error_raw_prefix() gives its first bytes.
// - Memory is bounded: the buffer starts at buffer_bytes and grows (doubling) only while one
//   line needs it, up to max_line_bytes + 1. A longer line is not buffered whole: it is returned
//   with too_long = true, its offset and full length, and its first too_long_prefix_bytes bytes
//   (which may end inside a UTF-8 sequence); the reader skips to its '\n' and continues.
//
// Thread-compatible: one reader per thread. Lines are found with memchr over 1 MiB reads.
#ifndef CHALNI_IO_LINE_READER_H_
#define CHALNI_IO_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "chalni/io/input.h"
#include "chalni/status.h"

namespace chalni::io {

struct LineReaderOptions {
  size_t max_line_bytes = size_t{64} << 20;  // longer lines are reported too_long
  size_t buffer_bytes = size_t{1} << 20;     // initial buffer; also the read() size
  size_t too_long_prefix_bytes = 256;        // bytes of a too-long line kept in Line::text
  bool strip_cr = true;                      // remove one '\r' before '\n' (CRLF)
};

struct Line {
  // The line without '\n' (and without the stripped '\r'). Valid until the next Next() call.
  // For a too-long line: only its first too_long_prefix_bytes bytes.
  std::string_view text;
  uint64_t offset = 0;  // byte offset of the line's first byte in the decompressed stream
  uint64_t number = 0;  // 1-based line number
  uint64_t length = 0;  // bytes of the whole line in the stream, '\r' included, '\n' excluded
  bool too_long = false;
  bool had_cr = false;  // a trailing '\r' was removed
};

// Reads bytes from a file descriptor, decompressing them. Implementations live in the .cc file.
class ByteSource;

class LineReader {
 public:
  // Opens `path` ("-" is standard input) and reads it as `format`: kJsonl and kText plain,
  // kJsonlGz gzip, kJsonlZst zstd. kOther is InvalidArgument. A file that cannot be opened is
  // NotFound/IoError "cannot open <path>: <strerror>" (cause kCauseOpenError).
  static StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path, InputFormat format,
                                                    const LineReaderOptions& options = {});
  // Reads from an open descriptor; closes it on destruction when `owns_fd`. `name` is used in
  // messages.
  static std::unique_ptr<LineReader> FromFd(int fd, bool owns_fd, InputFormat format,
                                            std::string name,
                                            const LineReaderOptions& options = {});
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Fills *line and returns true, or returns false at the end of the stream or on an error
  // (then status() says which; Next keeps returning false).
  bool Next(Line* line);

  // OK while reading and after a clean end; DataLoss (truncated/corrupt) or IoError otherwise.
  const Status& status() const { return status_; }
  // kCauseTruncatedInput, kCauseCorruptInput or kCauseReadError; empty while status() is OK.
  std::string_view error_cause() const { return error_cause_; }
  // Decompressed offset where the error applies: the start of the fragment that was cut.
  uint64_t error_offset() const { return error_offset_; }
  // First bytes (up to too_long_prefix_bytes) of the fragment cut by the error.
  std::string_view error_raw_prefix() const { return error_raw_prefix_; }

  // Decompressed bytes delivered so far, '\n' included.
  uint64_t bytes_consumed() const { return consumed_; }
  // Current capacity of the line buffer (bounded by max(buffer_bytes, max_line_bytes + 1)).
  size_t buffer_capacity() const { return capacity_; }

 private:
  LineReader(std::unique_ptr<ByteSource> source, const LineReaderOptions& options);
  // Reads more bytes into [end_, capacity_); returns the count (0 at the end or on an error).
  size_t Fill();
  void Grow();
  bool SkipLongLine(Line* line);
  void SetLine(Line* line, size_t begin, size_t end, uint64_t length);
  // Fills *line as too long: the first too_long_prefix_bytes of buffer_[begin, ...).
  void SetTooLong(Line* line, size_t begin, uint64_t length);
  // Fills `line` as too long from long_prefix_ (already set).
  void SetTooLongFromPrefix(Line* line, uint64_t length);
  bool FailAtCut(size_t pending_begin, size_t pending_end);

  std::unique_ptr<ByteSource> source_;
  LineReaderOptions options_;
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t max_capacity_ = 0;
  size_t begin_ = 0;  // first byte of the pending line
  size_t scan_ = 0;   // bytes in [begin_, scan_) hold no '\n'
  size_t end_ = 0;    // end of valid data
  uint64_t begin_offset_ = 0;  // stream offset of buffer_[begin_]
  uint64_t consumed_ = 0;
  uint64_t line_number_ = 0;
  bool eof_ = false;
  bool done_ = false;
  std::string long_prefix_;
  Status status_;
  std::string_view error_cause_;
  uint64_t error_offset_ = 0;
  std::string error_raw_prefix_;
};

}  // namespace chalni::io

#endif  // CHALNI_IO_LINE_READER_H_
