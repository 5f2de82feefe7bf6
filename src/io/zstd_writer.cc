#include "chalni/io/zstd_writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "internal/fs.h"

namespace chalni::io {

Status FileErrorStatus(std::string_view what, std::string_view path, int err) {
  std::string message = std::string(what) + " " + std::string(path) + ": " + std::strerror(err);
  switch (err) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return ResourceExhaustedError(std::move(message));
    case ENOENT:
      return NotFoundError(std::move(message));
    default:
      return IoError(std::move(message));
  }
}

namespace {

ZSTD_CCtx* Cctx(void* p) { return static_cast<ZSTD_CCtx*>(p); }

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

ZstdFileWriter::ZstdFileWriter() = default;

ZstdFileWriter::~ZstdFileWriter() {
  Abandon();
  if (cctx_ != nullptr) ZSTD_freeCCtx(Cctx(cctx_));
}

Status ZstdFileWriter::Fail(Status status) {
  if (error_.ok()) error_ = std::move(status);
  return error_;
}

Status ZstdFileWriter::Open(const std::string& final_path, const ZstdFileWriterOptions& options) {
  if (fd_ >= 0) return FailedPreconditionError("writer already open on " + final_path_);
  options_ = options;
  options_.buffer_bytes = std::max<size_t>(options_.buffer_bytes, ZSTD_CStreamOutSize());
  final_path_ = final_path;
  tmp_path_ = final_path + ".tmp";
  error_ = Status::Ok();
  bytes_in_ = bytes_out_ = 0;
  buffered_ = 0;
  fd_ = open(tmp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return Fail(FileErrorStatus("cannot create", tmp_path_, errno));
  buffer_ = std::make_unique_for_overwrite<char[]>(options_.buffer_bytes);
  if (options_.compress) {
    // zstd clamps an out-of-range level silently; a configuration typo should be an error.
    if (options_.level < ZSTD_minCLevel() || options_.level > ZSTD_maxCLevel()) {
      Status status = InvalidArgumentError(
          "zstd level " + std::to_string(options_.level) + " for " + final_path_ +
          " is outside [" + std::to_string(ZSTD_minCLevel()) + ", " +
          std::to_string(ZSTD_maxCLevel()) + "]");
      Abandon();
      return status;
    }
    if (cctx_ == nullptr) cctx_ = ZSTD_createCCtx();
    ZSTD_CCtx_reset(Cctx(cctx_), ZSTD_reset_session_and_parameters);
    size_t ret = ZSTD_CCtx_setParameter(Cctx(cctx_), ZSTD_c_compressionLevel, options_.level);
    if (!ZSTD_isError(ret)) {
      ret = ZSTD_CCtx_setParameter(Cctx(cctx_), ZSTD_c_checksumFlag, options_.checksum ? 1 : 0);
    }
    if (ZSTD_isError(ret)) {
      Status status = InvalidArgumentError("zstd level " + std::to_string(options_.level) +
                                           " for " + final_path_ + ": " +
                                           ZSTD_getErrorName(ret));
      Abandon();
      return status;
    }
  }
  return Status::Ok();
}

Status ZstdFileWriter::WriteOut(const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail(FileErrorStatus("cannot write", tmp_path_, errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
    bytes_out_ += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status ZstdFileWriter::Flush() {
  if (buffered_ == 0) return Status::Ok();
  Status status = WriteOut(buffer_.get(), buffered_);
  buffered_ = 0;
  return status;
}

Status ZstdFileWriter::Compress(std::string_view bytes, int end_directive) {
  ZSTD_inBuffer in = {bytes.data(), bytes.size(), 0};
  const auto directive = static_cast<ZSTD_EndDirective>(end_directive);
  while (true) {
    ZSTD_outBuffer out = {buffer_.get(), options_.buffer_bytes, buffered_};
    size_t remaining = ZSTD_compressStream2(Cctx(cctx_), &out, &in, directive);
    buffered_ = out.pos;
    if (ZSTD_isError(remaining)) {
      return Fail(InternalError("zstd compression of " + final_path_ + " failed: " +
                                ZSTD_getErrorName(remaining)));
    }
    const bool finished = directive == ZSTD_e_continue ? in.pos == in.size : remaining == 0;
    if (buffered_ == options_.buffer_bytes || (finished && directive != ZSTD_e_continue)) {
      CHALNI_RETURN_IF_ERROR(Flush());
    }
    if (finished) return Status::Ok();
  }
}

Status ZstdFileWriter::Append(std::string_view bytes) {
  if (!error_.ok()) return error_;
  if (fd_ < 0) return FailedPreconditionError("writer is not open");
  bytes_in_ += bytes.size();
  if (options_.compress) return Compress(bytes, ZSTD_e_continue);
  if (buffered_ + bytes.size() > options_.buffer_bytes) {
    CHALNI_RETURN_IF_ERROR(Flush());
    if (bytes.size() >= options_.buffer_bytes) return WriteOut(bytes.data(), bytes.size());
  }
  std::memcpy(buffer_.get() + buffered_, bytes.data(), bytes.size());
  buffered_ += bytes.size();
  return Status::Ok();
}

Status ZstdFileWriter::Close() {
  if (!error_.ok()) {
    Status status = error_;
    Abandon();
    return status;
  }
  if (fd_ < 0) return FailedPreconditionError("writer is not open");
  Status status = options_.compress ? Compress({}, ZSTD_e_end) : Flush();
  if (status.ok() && options_.fsync && SyncFile(fd_) != 0) {
    status = Fail(FileErrorStatus("cannot fsync", tmp_path_, errno));
  }
  if (!status.ok()) {
    Abandon();
    return status;
  }
  int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) {  // NFS and some file systems report write errors only here
    status = FileErrorStatus("cannot close", tmp_path_, errno);
    unlink(tmp_path_.c_str());
    return Fail(status);
  }
  if (rename(tmp_path_.c_str(), final_path_.c_str()) != 0) {
    status = FileErrorStatus("cannot rename " + tmp_path_ + " to", final_path_, errno);
    unlink(tmp_path_.c_str());
    return Fail(status);
  }
  if (options_.fsync && FsyncEnabled()) {
    // Makes the rename itself durable.
    int dir_fd = open(DirName(final_path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
      fsync(dir_fd);
      close(dir_fd);
    }
  }
  buffer_.reset();
  return Status::Ok();
}

void ZstdFileWriter::Abandon() {
  if (fd_ < 0) return;
  close(fd_);
  fd_ = -1;
  unlink(tmp_path_.c_str());
  buffer_.reset();
  buffered_ = 0;
}

}  // namespace chalni::io
