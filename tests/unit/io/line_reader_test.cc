#include "chalni/io/line_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "chalni/io/causes.h"
#include "chalni/io/zstd_writer.h"
#include "io_test_util.h"

namespace chalni::io {
namespace {

using testing::DataPath;
using testing::ReadFileBytes;
using testing::ScratchDir;
using testing::WriteFileBytes;

struct ExpectedLine {
  std::string text;
  uint64_t offset;
  uint64_t number;
  uint64_t length;
  bool had_cr;
};

std::vector<Line> ReadAll(LineReader* reader, std::vector<std::string>* texts) {
  std::vector<Line> lines;
  Line line;
  while (reader->Next(&line)) {
    texts->emplace_back(line.text);
    lines.push_back(line);
  }
  return lines;
}

// basic.jsonl, computed by hand: a BOM + CRLF line, a CRLF line, an empty line, a blank line,
// a Bengali line, and a last line without '\n' (254 bytes in all).
const std::vector<ExpectedLine>& BasicLines() {
  static const auto* lines = new std::vector<ExpectedLine>{
      {"\xEF\xBB\xBF{\"id\":\"d1\",\"text\":\"আমার সোনার বাংলা\"}", 0, 1, 69, true},
      {R"({"id":2,"text":"line two\nsecond paragraph","meta":{"a":[1,2,{"b":"}"}]}})", 70, 2, 74,
       true},
      {"", 145, 3, 0, false},
      {"   ", 146, 4, 3, false},
      {R"({"text":"ঢাকা।এটি একটি বাক্য।"})", 150, 5, 67, false},
      {R"({"text":"last line without newline"})", 218, 6, 36, false},
  };
  return *lines;
}

TEST(LineReaderTest, BasicFixtureInEveryFormat) {
  const struct {
    const char* file;
    InputFormat format;
  } kCases[] = {
      {"basic.jsonl", InputFormat::kJsonl},
      {"basic.jsonl.gz", InputFormat::kJsonlGz},
      {"named.jsonl.gz", InputFormat::kJsonlGz},  // header with FNAME and a timestamp
      {"basic.jsonl.zst", InputFormat::kJsonlZst},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.file);
    auto reader = LineReader::Open(DataPath(c.file), c.format);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    std::vector<std::string> texts;
    std::vector<Line> lines = ReadAll(reader->get(), &texts);
    ASSERT_TRUE((*reader)->status().ok()) << (*reader)->status().ToString();
    ASSERT_EQ(lines.size(), BasicLines().size());
    for (size_t i = 0; i < lines.size(); ++i) {
      const ExpectedLine& want = BasicLines()[i];
      EXPECT_EQ(texts[i], want.text) << i;
      EXPECT_EQ(lines[i].offset, want.offset) << i;
      EXPECT_EQ(lines[i].number, want.number) << i;
      EXPECT_EQ(lines[i].length, want.length) << i;
      EXPECT_EQ(lines[i].had_cr, want.had_cr) << i;
      EXPECT_FALSE(lines[i].too_long);
    }
    EXPECT_EQ((*reader)->bytes_consumed(), 254u);
    Line again;
    EXPECT_FALSE((*reader)->Next(&again));  // stays at the end
  }
}

TEST(LineReaderTest, StripCrOffKeepsCarriageReturns) {
  LineReaderOptions options;
  options.strip_cr = false;
  auto reader = LineReader::Open(DataPath("basic.jsonl"), InputFormat::kJsonl, options);
  ASSERT_TRUE(reader.ok());
  Line line;
  ASSERT_TRUE((*reader)->Next(&line));
  EXPECT_EQ(line.text.back(), '\r');
  EXPECT_FALSE(line.had_cr);
  EXPECT_EQ(line.text.size(), 69u);
}

TEST(LineReaderTest, CarriageReturnRules) {
  const struct {
    const char* input;
    std::vector<std::string> lines;
    std::vector<bool> had_cr;
  } kCases[] = {
      {"a\r\nb\r\n", {"a", "b"}, {true, true}},
      {"a\rb\n", {"a\rb"}, {false}},              // a lone '\r' is data
      {"a\r\r\n", {"a\r"}, {true}},               // only one '\r' is removed
      {"a\r", {"a"}, {true}},                     // CR at the end of the stream
      {"\r\n\r\n", {"", ""}, {true, true}},
      {"\n", {""}, {false}},
  };
  ScratchDir dir;
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.input);
    WriteFileBytes(dir.File("cr.jsonl"), c.input);
    auto reader = LineReader::Open(dir.File("cr.jsonl"), InputFormat::kJsonl);
    ASSERT_TRUE(reader.ok());
    std::vector<std::string> texts;
    std::vector<Line> lines = ReadAll(reader->get(), &texts);
    EXPECT_EQ(texts, c.lines);
    for (size_t i = 0; i < lines.size() && i < c.had_cr.size(); ++i) {
      EXPECT_EQ(lines[i].had_cr, c.had_cr[i]) << i;
    }
  }
}

TEST(LineReaderTest, MultiMemberGzipAndMultiFrameZstd) {
  const std::vector<std::string> kWant = {
      R"({"text":"member one a"})", R"({"text":"member one b"})", R"({"text":"member two"})",
      R"({"text":"member three, no newline"})"};
  const std::vector<uint64_t> kOffsets = {0, 24, 48, 70};
  for (const auto& [file, format] :
       {std::pair{"multi.jsonl.gz", InputFormat::kJsonlGz},
        std::pair{"multi.jsonl.zst", InputFormat::kJsonlZst}}) {
    SCOPED_TRACE(file);
    auto reader = LineReader::Open(DataPath(file), format);
    ASSERT_TRUE(reader.ok());
    std::vector<std::string> texts;
    std::vector<Line> lines = ReadAll(reader->get(), &texts);
    EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status().ToString();
    EXPECT_EQ(texts, kWant);
    ASSERT_EQ(lines.size(), kOffsets.size());
    for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i].offset, kOffsets[i]);
  }
}

TEST(LineReaderTest, EmptyFilesHaveNoLinesAndNoError) {
  for (const auto& [file, format] : {std::pair{"empty.jsonl", InputFormat::kJsonl},
                                     std::pair{"empty.jsonl.gz", InputFormat::kJsonlGz},
                                     std::pair{"empty.jsonl.zst", InputFormat::kJsonlZst}}) {
    SCOPED_TRACE(file);
    auto reader = LineReader::Open(DataPath(file), format);
    ASSERT_TRUE(reader.ok());
    Line line;
    EXPECT_FALSE((*reader)->Next(&line));
    EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status().ToString();
  }
}

TEST(LineReaderTest, OpenErrors) {
  auto missing = LineReader::Open("/nonexistent/x.jsonl", InputFormat::kJsonl);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "cannot open /nonexistent/x.jsonl: No such file or directory");
  auto other = LineReader::Open(DataPath("basic.jsonl"), InputFormat::kOther);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
}

TEST(LineReaderTest, ReadErrorIsIoError) {
  // read(2) on a directory fails with EISDIR.
  int fd = open(CHALNI_SOURCE_DIR "/tests/data/io", O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  auto reader = LineReader::FromFd(fd, /*owns_fd=*/true, InputFormat::kJsonl, "dir");
  Line line;
  EXPECT_FALSE(reader->Next(&line));
  EXPECT_EQ(reader->status().code(), StatusCode::kIoError);
  EXPECT_EQ(reader->status().message(), "cannot read dir: Is a directory");
  EXPECT_EQ(reader->error_cause(), kCauseReadError);
}

TEST(LineReaderTest, NotGzipIsCorrupt) {
  const std::string path = DataPath("notgzip.jsonl.gz");
  auto reader = LineReader::Open(path, InputFormat::kJsonlGz);
  ASSERT_TRUE(reader.ok());
  Line line;
  EXPECT_FALSE((*reader)->Next(&line));
  EXPECT_EQ((*reader)->status().code(), StatusCode::kDataLoss);
  EXPECT_EQ((*reader)->status().message(),
            "corrupt gzip stream in " + path + ": not a gzip header after 0 bytes");
  EXPECT_EQ((*reader)->error_cause(), kCauseCorruptInput);
}

TEST(LineReaderTest, ZstdCutInsideTheThirdFrame) {
  // Frames of multi.jsonl.zst hold 48, 22 and 35 bytes; cut 3 bytes into the third frame.
  const std::string full = ReadFileBytes(DataPath("multi.jsonl.zst"));
  ScratchDir dir;
  // Find the third frame: the zstd magic 28 B5 2F FD.
  const std::string magic = "\x28\xB5\x2F\xFD";
  size_t second = full.find(magic, 1);
  size_t third = full.find(magic, second + 1);
  ASSERT_NE(third, std::string::npos);
  const std::string path = dir.File("cut.jsonl.zst");
  WriteFileBytes(path, full.substr(0, third + 3));
  auto reader = LineReader::Open(path, InputFormat::kJsonlZst);
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> texts;
  ReadAll(reader->get(), &texts);
  EXPECT_EQ(texts, (std::vector<std::string>{R"({"text":"member one a"})",
                                             R"({"text":"member one b"})",
                                             R"({"text":"member two"})"}));
  EXPECT_EQ((*reader)->status().code(), StatusCode::kDataLoss);
  EXPECT_EQ((*reader)->status().message(),
            "truncated zstd stream after 70 bytes (" + path + " ends at compressed byte " +
                std::to_string(third + 3) + ")");
  EXPECT_EQ((*reader)->error_cause(), kCauseTruncatedInput);
  EXPECT_EQ((*reader)->error_offset(), 70u);
}

TEST(LineReaderTest, GzipCutInsideTheLastMemberKeepsTheEarlierLines) {
  const std::string full = ReadFileBytes(DataPath("multi.jsonl.gz"));
  const std::string magic = "\x1F\x8B";
  size_t second = full.find(magic, 1);
  size_t third = full.find(magic, second + 1);
  ASSERT_NE(third, std::string::npos);
  ScratchDir dir;
  const std::string path = dir.File("cut.jsonl.gz");
  WriteFileBytes(path, full.substr(0, full.size() - 4));  // drop ISIZE of the last member
  auto reader = LineReader::Open(path, InputFormat::kJsonlGz);
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> texts;
  ReadAll(reader->get(), &texts);
  // The third member's 35 bytes decompress, but its trailer is cut: not delivered as a line.
  EXPECT_EQ(texts.size(), 3u);
  EXPECT_EQ((*reader)->status().message(),
            "truncated gzip stream after 105 bytes (" + path + " ends at compressed byte " +
                std::to_string(full.size() - 4) +
                "); the unterminated last 35 bytes at offset 70 are not a record");
  EXPECT_EQ((*reader)->error_offset(), 70u);
  EXPECT_EQ((*reader)->error_raw_prefix(), R"({"text":"member three, no newline"})");
}

// Every cut point of a compressed fixture: the lines read are a prefix of the full lines, each
// complete, and the stream ends with exactly one DataLoss (or cleanly, when the cut falls
// exactly between two gzip members / zstd frames).
TEST(LineReaderTest, EveryTruncationYieldsAPrefixAndOneError) {
  for (const auto& [file, format] : {std::pair{"basic.jsonl.gz", InputFormat::kJsonlGz},
                                     std::pair{"basic.jsonl.zst", InputFormat::kJsonlZst},
                                     std::pair{"multi.jsonl.gz", InputFormat::kJsonlGz},
                                     std::pair{"multi.jsonl.zst", InputFormat::kJsonlZst}}) {
    SCOPED_TRACE(file);
    const std::string full = ReadFileBytes(DataPath(file));
    std::vector<std::string> all;
    {
      auto reader = LineReader::Open(DataPath(file), format);
      ReadAll(reader->get(), &all);
    }
    ScratchDir dir;
    const std::string path = dir.File(std::string("cut.") + file);
    int clean_cuts = 0;
    LineReaderOptions small;
    small.buffer_bytes = 4096;  // ~800 readers: keep each cheap
    for (size_t cut = 1; cut < full.size(); ++cut) {
      WriteFileBytes(path, full.substr(0, cut));
      auto reader = LineReader::Open(path, format, small);
      ASSERT_TRUE(reader.ok());
      std::vector<std::string> texts;
      ReadAll(reader->get(), &texts);
      ASSERT_LE(texts.size(), all.size()) << cut;
      for (size_t i = 0; i < texts.size(); ++i) ASSERT_EQ(texts[i], all[i]) << cut;
      const Status& status = (*reader)->status();
      if (status.ok()) {
        ++clean_cuts;
        continue;
      }
      EXPECT_EQ(status.code(), StatusCode::kDataLoss) << cut << " " << status.ToString();
      Line line;
      EXPECT_FALSE((*reader)->Next(&line));
    }
    // Clean only at member/frame boundaries: multi.* has 2 inner ones, basic.* none.
    EXPECT_EQ(clean_cuts, std::string(file).rfind("multi", 0) == 0 ? 2 : 0);
  }
}

TEST(LineReaderTest, CorruptGzipDataIsDataLoss) {
  std::string full = ReadFileBytes(DataPath("basic.jsonl.gz"));
  ScratchDir dir;
  const std::string path = dir.File("bad.jsonl.gz");
  int corrupt = 0;
  // Flip each byte of the deflate data in turn (the header is 10 bytes, the trailer 8): every
  // flip must be caught (bad data, or CRC32/length mismatch), and never crash.
  for (size_t pos = 10; pos + 8 < full.size(); ++pos) {
    std::string bad = full;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x55);
    WriteFileBytes(path, bad);
    auto reader = LineReader::Open(path, InputFormat::kJsonlGz);
    std::vector<std::string> texts;
    ReadAll(reader->get(), &texts);
    if (!(*reader)->status().ok()) {
      ++corrupt;
      EXPECT_EQ((*reader)->status().code(), StatusCode::kDataLoss);
    }
  }
  EXPECT_EQ(corrupt, static_cast<int>(full.size() - 18));
}

TEST(LineReaderTest, GzipTrailingGarbageIsCorrupt) {
  std::string bytes = ReadFileBytes(DataPath("multi.jsonl.gz")) + "JUNK";
  ScratchDir dir;
  const std::string path = dir.File("junk.jsonl.gz");
  WriteFileBytes(path, bytes);
  auto reader = LineReader::Open(path, InputFormat::kJsonlGz);
  std::vector<std::string> texts;
  ReadAll(reader->get(), &texts);
  EXPECT_EQ(texts.size(), 3u);  // the unterminated 4th line is reported in the error
  EXPECT_EQ((*reader)->error_cause(), kCauseCorruptInput);
  EXPECT_EQ((*reader)->status().message(),
            "corrupt gzip stream in " + path +
                ": trailing data that is not a gzip member at compressed byte " +
                std::to_string(bytes.size() - 4) +
                " (after 105 bytes); the unterminated last 35 bytes at offset 70 are not a "
                "record");
}

// Lines around the max_line_bytes limit, with a small buffer so the limit is reached by growth.
TEST(LineReaderTest, TooLongLinesAreReportedAndSkipped) {
  LineReaderOptions options;
  options.buffer_bytes = 4096;
  options.max_line_bytes = 5000;
  options.too_long_prefix_bytes = 8;
  const struct {
    size_t length;
    bool too_long;
  } kLines[] = {{4999, false}, {5000, false}, {5001, true}, {12000, true}, {3, false},
                {100000, true}};
  std::string input;
  std::vector<uint64_t> offsets;
  for (size_t i = 0; i < std::size(kLines); ++i) {
    offsets.push_back(input.size());
    std::string line(kLines[i].length, static_cast<char>('a' + i));
    line.replace(0, 3, std::to_string(100 + i));
    input += line;
    if (i + 1 < std::size(kLines)) input += '\n';  // the last one ends at EOF
  }
  ScratchDir dir;
  WriteFileBytes(dir.File("long.jsonl"), input);
  auto reader = LineReader::Open(dir.File("long.jsonl"), InputFormat::kJsonl, options);
  ASSERT_TRUE(reader.ok());
  Line line;
  for (size_t i = 0; i < std::size(kLines); ++i) {
    SCOPED_TRACE(i);
    ASSERT_TRUE((*reader)->Next(&line));
    EXPECT_EQ(line.too_long, kLines[i].too_long);
    EXPECT_EQ(line.length, kLines[i].length);
    EXPECT_EQ(line.offset, offsets[i]);
    EXPECT_EQ(line.number, i + 1);
    const std::string head = std::to_string(100 + i) + std::string(5, static_cast<char>('a' + i));
    if (kLines[i].too_long) {
      EXPECT_EQ(line.text, head);
    } else {
      EXPECT_EQ(line.text.size(), kLines[i].length);
    }
    EXPECT_LE((*reader)->buffer_capacity(), 5001u);
  }
  EXPECT_FALSE((*reader)->Next(&line));
  EXPECT_TRUE((*reader)->status().ok());
}

// Found by the jsonl_reader fuzz target: with max_line_bytes below the buffer size (a small
// input.max_record_bytes), a too-long line that arrived whole in the buffer was delivered as an
// ordinary line.
TEST(LineReaderTest, TooLongLineInsideTheBufferIsTooLong) {
  LineReaderOptions options;
  options.buffer_bytes = 1 << 20;
  options.max_line_bytes = 100;
  options.too_long_prefix_bytes = 4;
  const std::string input = std::string(100, 'a') + "\n" + std::string(101, 'b') + "\r\nok\n" +
                            std::string(3000, 'c');
  ScratchDir dir;
  WriteFileBytes(dir.File("in.jsonl"), input);
  auto reader = LineReader::Open(dir.File("in.jsonl"), InputFormat::kJsonl, options);
  ASSERT_TRUE(reader.ok());
  Line line;
  ASSERT_TRUE((*reader)->Next(&line));
  EXPECT_FALSE(line.too_long);
  EXPECT_EQ(line.length, 100u);
  ASSERT_TRUE((*reader)->Next(&line));
  EXPECT_TRUE(line.too_long);
  EXPECT_EQ(line.text, "bbbb");
  EXPECT_EQ(line.offset, 101u);
  EXPECT_EQ(line.length, 102u);  // the '\r' counts
  EXPECT_EQ(line.number, 2u);
  ASSERT_TRUE((*reader)->Next(&line));
  EXPECT_FALSE(line.too_long);
  EXPECT_EQ(line.text, "ok");
  EXPECT_EQ(line.offset, 204u);
  ASSERT_TRUE((*reader)->Next(&line));  // the last line, without '\n', is too long too
  EXPECT_TRUE(line.too_long);
  EXPECT_EQ(line.length, 3000u);
  EXPECT_EQ(line.text, "cccc");
  EXPECT_FALSE((*reader)->Next(&line));
  EXPECT_TRUE((*reader)->status().ok());
}

// A too-long line cut by a truncation is reported once, in the stream error.
TEST(LineReaderTest, TooLongLineCutByTruncation) {
  ScratchDir dir;
  const std::string full_path = dir.File("full.jsonl.zst");
  ZstdFileWriter writer;
  ZstdFileWriterOptions writer_options;
  writer_options.fsync = false;
  ASSERT_TRUE(writer.Open(full_path, writer_options).ok());
  ASSERT_TRUE(writer.Append("short\n" + std::string(20000, 'x')).ok());
  ASSERT_TRUE(writer.Close().ok());
  const std::string full = ReadFileBytes(full_path);
  const std::string path = dir.File("cut.jsonl.zst");
  WriteFileBytes(path, full.substr(0, full.size() - 4));  // drop the frame checksum
  LineReaderOptions options;
  options.buffer_bytes = 4096;
  options.max_line_bytes = 5000;
  auto reader = LineReader::Open(path, InputFormat::kJsonlZst, options);
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> texts;
  ReadAll(reader->get(), &texts);
  EXPECT_EQ(texts, std::vector<std::string>{"short"});
  EXPECT_EQ((*reader)->status().message(),
            "truncated zstd stream after 20006 bytes (" + path + " ends at compressed byte " +
                std::to_string(full.size() - 4) +
                "); the unterminated last 20000 bytes at offset 6 are not a record");
  EXPECT_EQ((*reader)->error_offset(), 6u);
  EXPECT_EQ((*reader)->error_raw_prefix(), std::string(256, 'x'));
  EXPECT_LE((*reader)->buffer_capacity(), 5001u);
}

// A 100 MB single-line document streamed through a pipe with max_line_bytes = 1 MiB: reported
// too long with its offset and length, the next line read normally, and the buffer never grows
// past ~1 MiB (the reader never holds the document).
TEST(LineReaderTest, HundredMegabyteLineWithBoundedMemory) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const size_t kLong = size_t{100} << 20;
  std::thread writer([fd = fds[1], kLong] {
    std::string chunk(1 << 16, 'x');
    std::memcpy(chunk.data(), "{\"text\":\"", 9);
    size_t left = kLong;
    while (left > 0) {
      size_t n = std::min(left, chunk.size());
      ssize_t w = write(fd, chunk.data(), n);
      if (w <= 0) break;
      left -= static_cast<size_t>(w);
      chunk.assign(chunk.size(), 'x');
    }
    const char tail[] = "\n{\"text\":\"after\"}\n";
    (void)!write(fd, tail, sizeof(tail) - 1);
    close(fd);
  });
  LineReaderOptions options;
  options.max_line_bytes = size_t{1} << 20;
  auto reader = LineReader::FromFd(fds[0], /*owns_fd=*/true, InputFormat::kJsonl, "pipe", options);
  Line line;
  ASSERT_TRUE(reader->Next(&line));
  EXPECT_TRUE(line.too_long);
  EXPECT_EQ(line.offset, 0u);
  EXPECT_EQ(line.length, kLong);
  EXPECT_EQ(line.text, "{\"text\":\"" + std::string(256 - 9, 'x'));
  ASSERT_TRUE(reader->Next(&line));
  EXPECT_FALSE(line.too_long);
  EXPECT_EQ(line.text, R"({"text":"after"})");
  EXPECT_EQ(line.offset, kLong + 1);
  EXPECT_EQ(line.number, 2u);
  EXPECT_FALSE(reader->Next(&line));
  EXPECT_TRUE(reader->status().ok());
  EXPECT_LE(reader->buffer_capacity(), (size_t{1} << 20) + 1);
  writer.join();
}

// Random binary junk (NULs, invalid UTF-8, '\r', long and empty lines) through small buffers:
// the lines are exactly the input split at '\n', in every format.
TEST(LineReaderTest, RandomJunkSplitsExactly) {
  std::mt19937 rng(42);
  std::string input;
  while (input.size() < 300000) {
    std::uniform_int_distribution<int> len_dist(0, 9);
    int kind = len_dist(rng);
    size_t len = kind == 0 ? 0 : kind < 8 ? rng() % 200 : rng() % 20000;
    for (size_t i = 0; i < len; ++i) {
      char c = static_cast<char>(rng() % 256);
      if (c == '\n') c = '\0';
      input += c;
    }
    input += '\n';
  }
  input += "tail";
  std::vector<std::string> want;
  size_t start = 0;
  while (true) {
    size_t nl = input.find('\n', start);
    std::string piece = input.substr(start, nl == std::string::npos ? nl : nl - start);
    want.push_back(piece);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  LineReaderOptions options;
  options.buffer_bytes = 4096;
  options.strip_cr = false;
  ScratchDir dir;
  WriteFileBytes(dir.File("junk.jsonl"), input);
  auto reader = LineReader::Open(dir.File("junk.jsonl"), InputFormat::kJsonl, options);
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> texts;
  std::vector<Line> lines = ReadAll(reader->get(), &texts);
  ASSERT_TRUE((*reader)->status().ok());
  ASSERT_EQ(texts.size(), want.size());
  uint64_t offset = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(texts[i], want[i]) << i;
    ASSERT_EQ(lines[i].offset, offset) << i;
    offset += want[i].size() + 1;
  }
  EXPECT_EQ((*reader)->bytes_consumed(), input.size());
}

}  // namespace
}  // namespace chalni::io
