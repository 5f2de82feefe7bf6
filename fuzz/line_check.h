// Shared by the reader targets: reads every line of a LineReader and checks the line contract of
// chalni/io/line_reader.h against the decompressed stream, when the target knows it.
#ifndef CHALNI_FUZZ_LINE_CHECK_H_
#define CHALNI_FUZZ_LINE_CHECK_H_

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "chalni/io/causes.h"
#include "chalni/io/line_reader.h"
#include "fuzz_check.h"

namespace chalni::fuzz {

struct ReadSummary {
  uint64_t lines = 0;
  uint64_t end_offset = 0;  // offset just past the last delivered line's '\n' (or its end)
};

// Drains `reader`, calling on_line(line) for each line. `stream`, when known, is the exact
// decompressed byte stream: every line is then compared with its bytes, and a clean end must have
// delivered all of it. Without it only the numbering and offsets are checked.
//
//   CheckLines(reader.get(), options, file_bytes, [&](const io::Line& line) { Parse(line); });
template <typename OnLine>
ReadSummary CheckLines(io::LineReader* reader, const io::LineReaderOptions& options,
                       std::optional<std::string_view> stream, OnLine&& on_line) {
  ReadSummary summary;
  io::Line line;
  uint64_t next_offset = 0;
  while (reader->Next(&line)) {
    FUZZ_CHECK(line.number == summary.lines + 1, "line %llu numbered %llu",
               static_cast<unsigned long long>(summary.lines + 1),
               static_cast<unsigned long long>(line.number));
    FUZZ_CHECK(line.offset == next_offset, "line %llu at offset %llu, expected %llu",
               static_cast<unsigned long long>(line.number),
               static_cast<unsigned long long>(line.offset),
               static_cast<unsigned long long>(next_offset));
    if (line.too_long) {
      FUZZ_CHECK(line.length > options.max_line_bytes, "too_long line of %llu bytes",
                 static_cast<unsigned long long>(line.length));
      FUZZ_CHECK(line.text.size() <= options.too_long_prefix_bytes, "prefix of %zu bytes",
                 line.text.size());
    } else {
      FUZZ_CHECK(line.length == line.text.size() + (line.had_cr ? 1 : 0),
                 "length %llu for %zu bytes of text",
                 static_cast<unsigned long long>(line.length), line.text.size());
      FUZZ_CHECK(line.length <= options.max_line_bytes, "line of %llu bytes not too_long",
                 static_cast<unsigned long long>(line.length));
      FUZZ_CHECK(line.text.find('\n') == std::string_view::npos, "newline inside a line");
    }
    if (stream) {
      FUZZ_CHECK(line.offset + line.length <= stream->size(), "line past the stream's end");
      const std::string_view bytes = stream->substr(line.offset, line.length);
      FUZZ_CHECK(bytes.substr(0, line.text.size()) == line.text,
                 "line %llu differs from the stream", static_cast<unsigned long long>(line.number));
      if (line.had_cr) FUZZ_CHECK(bytes.back() == '\r', "had_cr without a '\\r'");
      const uint64_t end = line.offset + line.length;
      FUZZ_CHECK(end == stream->size() || (*stream)[end] == '\n', "line does not end at '\\n'");
      FUZZ_CHECK(line.too_long || !options.strip_cr || line.had_cr || bytes.empty() ||
                     bytes.back() != '\r',
                 "trailing '\\r' kept");
    }
    on_line(line);
    ++summary.lines;
    next_offset = line.offset + line.length + 1;
  }
  summary.end_offset = next_offset;
  if (reader->status().ok()) {
    FUZZ_CHECK(reader->error_cause().empty(), "error cause without an error");
    if (stream) {
      // A clean end delivered every byte: the last line ends at the stream's end, with or
      // without a final '\n'.
      FUZZ_CHECK(summary.end_offset == stream->size() || summary.end_offset == stream->size() + 1,
                 "clean end after %llu of %zu bytes",
                 static_cast<unsigned long long>(summary.end_offset), stream->size());
    }
  } else {
    const std::string_view cause = reader->error_cause();
    FUZZ_CHECK(cause == io::kCauseTruncatedInput || cause == io::kCauseCorruptInput ||
                   cause == io::kCauseReadError,
               "unexpected cause '%.*s'", static_cast<int>(cause.size()), cause.data());
    FUZZ_CHECK(reader->error_offset() >= next_offset,
               "error offset %llu before the last line's end %llu",
               static_cast<unsigned long long>(reader->error_offset()),
               static_cast<unsigned long long>(next_offset));
    FUZZ_CHECK(reader->error_raw_prefix().size() <= options.too_long_prefix_bytes,
               "raw prefix of %zu bytes", reader->error_raw_prefix().size());
  }
  // The reader raises buffer_bytes to at least 4 KiB (line_reader.cc), so that is the floor.
  FUZZ_CHECK(reader->buffer_capacity() <=
                 std::max({options.buffer_bytes, size_t{4096}, options.max_line_bytes + 1}),
             "buffer grew to %zu", reader->buffer_capacity());
  return summary;
}

}  // namespace chalni::fuzz

#endif  // CHALNI_FUZZ_LINE_CHECK_H_
