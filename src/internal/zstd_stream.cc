#include "internal/zstd_stream.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "internal/fault.h"
#include "internal/fs.h"

namespace chalni {
namespace {
constexpr size_t kPendingFlush = 1 << 20;  // compress in 1 MiB batches: fewer calls, same ratio
}

ZstdOut::~ZstdOut() { Abandon(); }

void ZstdOut::Abandon() {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
    ::unlink((path_ + ".tmp").c_str());
  }
  if (cctx_ != nullptr) {
    ZSTD_freeCCtx(cctx_);
    cctx_ = nullptr;
  }
}

Status ZstdOut::Open(const std::string& path, int level) {
  Abandon();
  path_ = path;
  bytes_in_ = 0;
  pending_.clear();
  file_ = std::fopen((path + ".tmp").c_str(), "wb");
  if (file_ == nullptr) return ErrnoStatus("cannot create", path + ".tmp", errno);
  if (level != 0) {
    cctx_ = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
    out_buf_.resize(ZSTD_CStreamOutSize());
  }
  return Status::Ok();
}

Status ZstdOut::Flush(ZSTD_EndDirective mode, std::string_view data) {
  if (cctx_ == nullptr) {
    if (!data.empty() && std::fwrite(data.data(), 1, data.size(), file_) != data.size())
      return ErrnoStatus("cannot write", path_ + ".tmp", errno);
    return Status::Ok();
  }
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  while (true) {
    ZSTD_outBuffer out{out_buf_.data(), out_buf_.size(), 0};
    size_t rest = ZSTD_compressStream2(cctx_, &out, &in, mode);
    if (ZSTD_isError(rest)) return InternalError(ZSTD_getErrorName(rest));
    if (out.pos > 0 && std::fwrite(out_buf_.data(), 1, out.pos, file_) != out.pos)
      return ErrnoStatus("cannot write", path_ + ".tmp", errno);
    bool done = mode == ZSTD_e_end ? rest == 0 : in.pos == in.size;
    if (done) return Status::Ok();
  }
}

Status ZstdOut::Write(std::string_view data) {
  bytes_in_ += data.size();
  pending_.append(data);
  if (pending_.size() >= kPendingFlush) {
    Status s = Flush(ZSTD_e_continue, pending_);
    pending_.clear();
    FaultPoint("io.mid_write");
    return s;
  }
  return Status::Ok();
}

Status ZstdOut::Close() {
  CHALNI_CHECK(file_ != nullptr);
  Status s = Flush(ZSTD_e_end, pending_);
  pending_.clear();
  if (s.ok() && std::fflush(file_) != 0) s = ErrnoStatus("cannot write", path_ + ".tmp", errno);
  if (s.ok() && SyncFile(fileno(file_)) != 0)
    s = ErrnoStatus("cannot sync", path_ + ".tmp", errno);
  if (!s.ok()) {
    Abandon();
    return s;
  }
  std::fclose(file_);
  file_ = nullptr;
  if (cctx_ != nullptr) {
    ZSTD_freeCCtx(cctx_);
    cctx_ = nullptr;
  }
  FaultPoint("io.before_rename");
  if (std::rename((path_ + ".tmp").c_str(), path_.c_str()) != 0)
    return ErrnoStatus("cannot rename", path_ + ".tmp", errno);
  return Status::Ok();
}

ZstdIn::~ZstdIn() {
  if (file_ != nullptr) std::fclose(file_);
  if (dctx_ != nullptr) ZSTD_freeDCtx(dctx_);
}

Status ZstdIn::Open(const std::string& path, bool compressed) {
  path_ = path;
  compressed_ = compressed;
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) return ErrnoStatus("cannot open", path, errno);
  if (compressed) {
    dctx_ = ZSTD_createDCtx();
    in_buf_.resize(ZSTD_DStreamInSize());
  }
  return Status::Ok();
}

// Appends more decompressed bytes to out_buf_; returns how many (0 at end of file).
StatusOr<size_t> ZstdIn::Fill() {
  if (out_pos_ > 0 && out_pos_ == out_buf_.size()) {
    out_buf_.clear();
    out_pos_ = 0;
  }
  const size_t before = out_buf_.size();
  if (!compressed_) {
    out_buf_.resize(before + (1 << 20));
    size_t n = std::fread(out_buf_.data() + before, 1, 1 << 20, file_);
    out_buf_.resize(before + n);
    if (n == 0 && std::ferror(file_)) return ErrnoStatus("cannot read", path_, errno);
    return n;
  }
  while (true) {
    if (in_pos_ == in_size_) {
      if (eof_) return size_t{0};
      in_size_ = std::fread(in_buf_.data(), 1, in_buf_.size(), file_);
      in_pos_ = 0;
      if (in_size_ == 0) {
        if (std::ferror(file_)) return ErrnoStatus("cannot read", path_, errno);
        eof_ = true;
        return size_t{0};
      }
    }
    const size_t chunk = ZSTD_DStreamOutSize();
    out_buf_.resize(before + chunk);
    ZSTD_inBuffer in{in_buf_.data(), in_size_, in_pos_};
    ZSTD_outBuffer out{out_buf_.data() + before, chunk, 0};
    size_t r = ZSTD_decompressStream(dctx_, &out, &in);
    in_pos_ = in.pos;
    out_buf_.resize(before + out.pos);
    if (ZSTD_isError(r)) {
      return DataLossError("corrupt intermediate file " + path_ + ": " + ZSTD_getErrorName(r));
    }
    if (out.pos > 0) return out.pos;
  }
}

StatusOr<bool> ZstdIn::ReadExact(size_t n, std::string* out) {
  size_t got = 0;
  while (got < n) {
    if (out_pos_ == out_buf_.size()) {
      StatusOr<size_t> f = Fill();
      if (!f.ok()) return f.status();
      if (*f == 0) {
        if (got == 0) return false;
        return DataLossError("intermediate file " + path_ + " ends in the middle of a record");
      }
    }
    size_t take = std::min(n - got, out_buf_.size() - out_pos_);
    out->append(out_buf_.data() + out_pos_, take);
    out_pos_ += take;
    got += take;
  }
  return true;
}

}  // namespace chalni
