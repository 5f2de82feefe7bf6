#include "pipeline/id_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "internal/fs.h"

namespace chalni {
namespace {
constexpr char kMagic[8] = {'C', 'H', 'I', 'D', 'X', '2', 0, 0};
constexpr size_t kEntrySize = 24;
constexpr size_t kHeaderSize = 24;
constexpr size_t kBufferBytes = size_t{1} << 20;

void CloseQuietly(FILE*& f) {
  if (f != nullptr) std::fclose(f);
  f = nullptr;
}
}  // namespace

IdIndexWriter::~IdIndexWriter() {
  CloseQuietly(file_);
  CloseQuietly(entries_);
}

Status IdIndexWriter::Fail(const std::string& what, const std::string& path) {
  const int err = errno;
  CloseQuietly(file_);
  CloseQuietly(entries_);
  return ErrnoStatus(what, path, err);
}

Status IdIndexWriter::Open(const std::string& path) {
  CloseQuietly(file_);
  CloseQuietly(entries_);
  path_ = path;
  count_ = 0;
  blob_bytes_ = 0;
  file_ = std::fopen((path + ".tmp").c_str(), "w+be");
  if (file_ == nullptr) return Fail("cannot create", path + ".tmp");
  entries_ = std::fopen((path + ".entries.tmp").c_str(), "w+be");
  if (entries_ == nullptr) return Fail("cannot create", path + ".entries.tmp");
  std::setvbuf(file_, nullptr, _IOFBF, kBufferBytes);
  std::setvbuf(entries_, nullptr, _IOFBF, kBufferBytes);
  const char header[kHeaderSize] = {};
  if (std::fwrite(header, 1, kHeaderSize, file_) != kHeaderSize) {
    return Fail("cannot write", path + ".tmp");
  }
  return Status::Ok();
}

Status IdIndexWriter::Add(uint32_t input_index, uint64_t byte_offset, std::string_view id) {
  if (file_ == nullptr) return FailedPreconditionError("IdIndexWriter::Add before Open");
  char e[kEntrySize];
  const uint32_t len = static_cast<uint32_t>(id.size());
  std::memcpy(e, &input_index, 4);
  std::memcpy(e + 4, &len, 4);
  std::memcpy(e + 8, &byte_offset, 8);
  std::memcpy(e + 16, &blob_bytes_, 8);
  if (std::fwrite(e, 1, kEntrySize, entries_) != kEntrySize) {
    return Fail("cannot write", path_ + ".entries.tmp");
  }
  if (!id.empty() && std::fwrite(id.data(), 1, id.size(), file_) != id.size()) {
    return Fail("cannot write", path_ + ".tmp");
  }
  blob_bytes_ += id.size();
  ++count_;
  return Status::Ok();
}

Status IdIndexWriter::Finish() {
  if (file_ == nullptr) return FailedPreconditionError("IdIndexWriter::Finish before Open");
  const std::string tmp = path_ + ".tmp", side = path_ + ".entries.tmp";
  if (std::fflush(entries_) != 0 || std::fseek(entries_, 0, SEEK_SET) != 0) {
    return Fail("cannot write", side);
  }
  std::string buf(kBufferBytes, '\0');
  while (size_t n = std::fread(buf.data(), 1, buf.size(), entries_)) {
    if (std::fwrite(buf.data(), 1, n, file_) != n) return Fail("cannot write", tmp);
  }
  if (std::ferror(entries_)) return Fail("cannot read", side);
  char header[kHeaderSize];
  std::memcpy(header, kMagic, 8);
  std::memcpy(header + 8, &count_, 8);
  std::memcpy(header + 16, &blob_bytes_, 8);
  if (std::fseek(file_, 0, SEEK_SET) != 0 ||
      std::fwrite(header, 1, kHeaderSize, file_) != kHeaderSize || std::fflush(file_) != 0 ||
      SyncFile(::fileno(file_)) != 0) {
    return Fail("cannot write", tmp);
  }
  CloseQuietly(entries_);
  if (std::fclose(file_) != 0) {
    file_ = nullptr;
    return Fail("cannot close", tmp);
  }
  file_ = nullptr;
  ::unlink(side.c_str());
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return ErrnoStatus("cannot rename", tmp, errno);
  return Status::Ok();
}

IdIndexReader::~IdIndexReader() {
  if (fd_ >= 0) ::close(fd_);
}

Status IdIndexReader::Open(const std::string& path) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return ErrnoStatus("cannot open", path, errno);
  char header[kHeaderSize];
  if (::pread(fd_, header, kHeaderSize, 0) != static_cast<ssize_t>(kHeaderSize) ||
      std::memcmp(header, kMagic, 8) != 0) {
    return DataLossError("id index " + path + " is corrupt");
  }
  std::memcpy(&count_, header + 8, 8);
  std::memcpy(&blob_bytes_, header + 16, 8);
  return Status::Ok();
}

StatusOr<std::string> IdIndexReader::Find(uint32_t input_index, uint64_t byte_offset) const {
  uint64_t lo = 0, hi = count_;
  char e[kEntrySize];
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (::pread(fd_, e, kEntrySize, kHeaderSize + blob_bytes_ + mid * kEntrySize) !=
        static_cast<ssize_t>(kEntrySize)) {
      return DataLossError("id index " + path_ + " is truncated");
    }
    uint32_t in;
    uint64_t off;
    std::memcpy(&in, e, 4);
    std::memcpy(&off, e + 8, 8);
    if (in == input_index && off == byte_offset) {
      uint32_t len;
      uint64_t blob_off;
      std::memcpy(&len, e + 4, 4);
      std::memcpy(&blob_off, e + 16, 8);
      std::string id(len, '\0');
      if (len > 0 && ::pread(fd_, id.data(), len, kHeaderSize + blob_off) !=
                         static_cast<ssize_t>(len)) {
        return DataLossError("id index " + path_ + " is truncated");
      }
      return id;
    }
    if (in < input_index || (in == input_index && off < byte_offset)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return NotFoundError("no document at that key in " + path_);
}

}  // namespace chalni
