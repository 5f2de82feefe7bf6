// Invariant checks for the fuzz targets, live in both builds (libFuzzer and the gcc replay
// driver): a broken invariant prints what broke and aborts, which libFuzzer records as a crash
// and ctest as a failed replay. DCHECK is not used because Release builds compile it out.
//
//   FUZZ_CHECK(span.end <= text.size(), "token past the end: %u > %zu", span.end, text.size());
#ifndef CHALNI_FUZZ_FUZZ_CHECK_H_
#define CHALNI_FUZZ_FUZZ_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <sys/mman.h>
#include <unistd.h>

#define FUZZ_CHECK(cond, ...)                                                       \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                                            \
      std::fputc('\n', stderr);                                                     \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)

namespace chalni::fuzz {

inline std::string_view AsView(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// True when `pos` is not inside a UTF-8 sequence of the valid UTF-8 string `s`.
inline bool IsCharBoundary(std::string_view s, size_t pos) {
  return pos == 0 || pos >= s.size() || (static_cast<uint8_t>(s[pos]) & 0xC0) != 0x80;
}

// A file descriptor reading `bytes` (an in-memory file, positioned at 0), so the readers run
// their real read() path on fuzz input; -1 when the kernel refuses (the caller skips the input).
inline int MemoryFd(std::string_view bytes) {
  const int fd = ::memfd_create("fuzz-input", MFD_CLOEXEC);
  if (fd < 0) return -1;
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      return -1;
    }
    done += static_cast<size_t>(n);
  }
  if (::lseek(fd, 0, SEEK_SET) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace chalni::fuzz

#endif  // CHALNI_FUZZ_FUZZ_CHECK_H_
