// Fuzz target: the JSONL path of the reader, as the local pass runs it. The input is a plain
// .jsonl file: LineReader splits it (through a real file descriptor) and JsonlParser parses each
// line. Checked: the line contract (line_check.h) against the input bytes, every line is exactly
// one of record / blank / error with a known cause, a record's text and raw object are valid
// UTF-8, and the raw object of an accepted record walks cleanly with ObjectFieldIterator (the
// write pass copies fields with it).
//
// The first input byte picks small reader limits, so that buffer growth, too-long lines and CR
// handling are reached with small inputs; the rest is the file.
#include <unistd.h>

#include <cstdint>
#include <string_view>

#include "chalni/io/causes.h"
#include "chalni/io/jsonl.h"
#include "chalni/io/line_reader.h"
#include "chalni/io/utf8.h"
#include "fuzz_check.h"
#include "line_check.h"

namespace chalni::fuzz {
namespace {

bool KnownParseCause(std::string_view cause) {
  return cause == io::kCauseInvalidJson || cause == io::kCauseNotAnObject ||
         cause == io::kCauseMissingText || cause == io::kCauseNullText ||
         cause == io::kCauseTextNotString || cause == io::kCauseIdNotString ||
         cause == io::kCauseDuplicateKey;
}

void CheckRecord(const io::JsonlRecord& record) {
  FUZZ_CHECK(io::IsValidUtf8(record.text), "record text is not valid UTF-8");
  FUZZ_CHECK(io::IsValidUtf8(record.raw), "record raw object is not valid UTF-8");
  if (record.id) FUZZ_CHECK(io::IsValidUtf8(*record.id), "record id is not valid UTF-8");
  size_t fields = 0;
  const Status walked = io::ForEachField(record.raw, [&](std::string_view key, std::string_view) {
    FUZZ_CHECK(key.size() >= 2 && key.front() == '"' && key.back() == '"', "raw key %.*s",
               static_cast<int>(key.size()), key.data());
    ++fields;
  });
  FUZZ_CHECK(walked.ok(), "an accepted record's raw object does not walk: %s",
             walked.message().c_str());
  FUZZ_CHECK(fields >= 1, "an accepted record has no field");
}

}  // namespace
}  // namespace chalni::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chalni;
  if (size < 1) return 0;
  const uint8_t knobs = data[0];
  const std::string_view file = fuzz::AsView(data + 1, size - 1);
  io::LineReaderOptions options;
  options.buffer_bytes = size_t{16} << (knobs & 7);        // 16 B .. 2 KiB
  options.max_line_bytes = size_t{64} << ((knobs >> 3) & 7);  // 64 B .. 8 KiB
  options.too_long_prefix_bytes = 1 + ((knobs >> 6) & 1) * 255;
  options.strip_cr = (knobs & 0x80) == 0;

  const int fd = fuzz::MemoryFd(file);
  if (fd < 0) return 0;
  auto reader = io::LineReader::FromFd(fd, /*owns_fd=*/true, io::InputFormat::kJsonl,
                                       "fuzz.jsonl", options);
  static io::JsonlParser* parser = new io::JsonlParser();
  io::JsonlRecord record;
  io::ParseError error;
  uint64_t records = 0, blanks = 0, errors = 0, too_long = 0;
  const fuzz::ReadSummary summary =
      fuzz::CheckLines(reader.get(), options, file, [&](const io::Line& line) {
        if (line.too_long) {
          ++too_long;
          return;
        }
        error.cause = {};
        switch (parser->Parse(line.text, &record, &error)) {
          case io::ParseResult::kRecord:
            fuzz::CheckRecord(record);
            ++records;
            break;
          case io::ParseResult::kBlank:
            // The parser removes a leading BOM before looking (jsonl.h).
            FUZZ_CHECK(io::IsBlankLine(line.text.starts_with(io::kUtf8Bom)
                                           ? line.text.substr(io::kUtf8Bom.size())
                                           : line.text),
                       "kBlank for a line that is not blank");
            ++blanks;
            break;
          case io::ParseResult::kError:
            FUZZ_CHECK(fuzz::KnownParseCause(error.cause), "unknown cause '%.*s'",
                       static_cast<int>(error.cause.size()), error.cause.data());
            FUZZ_CHECK(!error.message.empty(), "error without a message");
            ++errors;
            break;
        }
      });
  // Every line is accounted for exactly once; a plain in-memory file never fails to read.
  FUZZ_CHECK(records + blanks + errors + too_long == summary.lines, "lines lost");
  FUZZ_CHECK(reader->status().ok(), "plain file failed: %s", reader->status().message().c_str());
  return 0;
}
