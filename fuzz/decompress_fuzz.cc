// Fuzz target: the gzip (ISA-L) and zstd decompression streams behind LineReader, including
// multi-member / multi-frame input and truncation.
//
// The first byte picks a mode:
//   0: the rest is a .jsonl.gz file as found on disk (any bytes);
//   1: the rest is a .jsonl.zst file (any bytes);
//   2: round trip: the rest is a text, compressed here as two zstd frames (with a skippable frame
//      between them when the second byte says so) and cut after a chosen compressed byte;
//   3: the same with two gzip members.
// Modes 0/1 check the line contract's numbering and that errors carry a stream cause. Modes 2/3
// also know the decompressed stream: every delivered line must equal its bytes, a whole file must
// end cleanly with every byte delivered, and a file cut inside a frame/member must end in
// DataLoss after delivering only lines of the text (a cut exactly between frames is clean).
#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "chalni/io/causes.h"
#include "chalni/io/line_reader.h"
#include "fuzz_check.h"
#include "line_check.h"

namespace chalni::fuzz {
namespace {

bool ZstdFrame(std::string_view text, std::string* out) {
  std::string frame(ZSTD_compressBound(text.size()), '\0');
  const size_t n = ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 1);
  if (ZSTD_isError(n)) return false;
  out->append(frame.data(), n);
  return true;
}

bool GzipMember(std::string_view text, std::string* out) {
  isal_zstream stream;
  isal_deflate_init(&stream);
  stream.gzip_flag = IGZIP_GZIP;
  stream.end_of_stream = 1;
  stream.flush = NO_FLUSH;
  std::string member(text.size() + text.size() / 4 + 1024, '\0');
  stream.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uint32_t>(text.size());
  stream.next_out = reinterpret_cast<uint8_t*>(member.data());
  stream.avail_out = static_cast<uint32_t>(member.size());
  if (isal_deflate(&stream) != COMP_OK || stream.internal_state.state != ZSTATE_END) return false;
  out->append(member.data(), stream.total_out);
  return true;
}

void RawStream(io::InputFormat format, std::string_view file) {
  io::LineReaderOptions options;
  options.buffer_bytes = 256;
  options.max_line_bytes = 4096;
  const int fd = MemoryFd(file);
  if (fd < 0) return;
  auto reader = io::LineReader::FromFd(fd, /*owns_fd=*/true, format, "fuzz", options);
  CheckLines(reader.get(), options, std::nullopt, [](const io::Line&) {});
  FUZZ_CHECK(reader->status().ok() || reader->error_cause() != io::kCauseReadError,
             "an in-memory file failed to read");
}

void RoundTrip(bool gzip, uint8_t knobs, std::string_view text) {
  // The text is split into two frames/members at a point taken from the knobs.
  const size_t split = text.empty() ? 0 : (knobs * 131u) % (text.size() + 1);
  std::string file;
  bool ok = gzip ? GzipMember(text.substr(0, split), &file)
                 : ZstdFrame(text.substr(0, split), &file);
  const size_t first_end = file.size();
  if (!gzip && (knobs & 1)) {
    // A skippable frame (magic 0x184D2A50, 4-byte length, payload) between the two.
    file.append("\x50\x2A\x4D\x18\x03\x00\x00\x00xyz", 11);
  }
  ok = ok && (gzip ? GzipMember(text.substr(split), &file) : ZstdFrame(text.substr(split), &file));
  if (!ok) return;
  // Keep the whole file for half of the knob values, else cut it after a chosen byte.
  size_t cut = file.size();
  if (knobs & 2) cut = (static_cast<size_t>(knobs) * 2654435761u) % (file.size() + 1);
  const std::string_view on_disk = std::string_view(file).substr(0, cut);

  io::LineReaderOptions options;
  options.buffer_bytes = 64;
  options.max_line_bytes = size_t{1} << 20;
  const int fd = MemoryFd(on_disk);
  if (fd < 0) return;
  const io::InputFormat format = gzip ? io::InputFormat::kJsonlGz : io::InputFormat::kJsonlZst;
  auto reader = io::LineReader::FromFd(fd, /*owns_fd=*/true, format, "fuzz", options);
  // Which prefix of the text a clean end must have delivered: all of it, only the first frame
  // when the cut falls exactly after it (or after the skippable frame), nothing for a cut at 0.
  std::string_view expected = text;
  bool clean_possible = true;
  if (cut < file.size()) {
    if (cut == 0) {
      expected = {};
    } else if (cut == first_end || (!gzip && (knobs & 1) && cut == first_end + 11)) {
      expected = text.substr(0, split);
    } else {
      clean_possible = false;
    }
  }
  std::string delivered;
  CheckLines(reader.get(), options, clean_possible ? std::optional(expected) : std::nullopt,
             [&](const io::Line& line) {
               FUZZ_CHECK(line.offset <= text.size() && !line.too_long, "line outside the text");
               FUZZ_CHECK(text.substr(line.offset, line.text.size()) == line.text,
                          "line %llu differs from the compressed text",
                          static_cast<unsigned long long>(line.number));
             });
  if (clean_possible) {
    FUZZ_CHECK(reader->status().ok(), "a whole file failed: %s",
               reader->status().message().c_str());
  } else {
    FUZZ_CHECK(!reader->status().ok(), "a file cut at %zu of %zu bytes ended cleanly", cut,
               file.size());
    FUZZ_CHECK(reader->error_cause() == io::kCauseTruncatedInput ||
                   reader->error_cause() == io::kCauseCorruptInput,
               "a cut file reported '%.*s'", static_cast<int>(reader->error_cause().size()),
               reader->error_cause().data());
  }
}

}  // namespace
}  // namespace chalni::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chalni;
  if (size < 2) return 0;
  const std::string_view rest = fuzz::AsView(data + 2, size - 2);
  switch (data[0] & 3) {
    case 0: fuzz::RawStream(io::InputFormat::kJsonlGz, fuzz::AsView(data + 1, size - 1)); break;
    case 1: fuzz::RawStream(io::InputFormat::kJsonlZst, fuzz::AsView(data + 1, size - 1)); break;
    case 2: fuzz::RoundTrip(/*gzip=*/false, data[1], rest); break;
    case 3: fuzz::RoundTrip(/*gzip=*/true, data[1], rest); break;
  }
  return 0;
}
