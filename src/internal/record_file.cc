#include "internal/record_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <new>

#include "internal/fs.h"

namespace chalni {
namespace {

static_assert(std::endian::native == std::endian::little,
              "record files are little-endian; a big-endian port must byte-swap here");

constexpr char kHeaderMagic[8] = {'C', 'H', 'A', 'L', 'N', 'I', 'R', 'F'};
constexpr char kFooterMagic[8] = {'C', 'H', 'A', 'L', 'N', 'I', 'E', 'F'};
constexpr uint32_t kFlagCompressed = 1;
// A block's stored size is a u32; 1 GiB leaves room and bounds what a reader allocates.
constexpr size_t kMaxBlockBytes = size_t{1} << 30;
constexpr size_t kBufferAlign = 64;

void PutU32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
void PutU64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }
uint32_t GetU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
uint64_t GetU64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

uint8_t* AllocAligned(size_t n) { return new (std::align_val_t(kBufferAlign)) uint8_t[n]; }
void FreeAligned(uint8_t* p) { operator delete[](p, std::align_val_t(kBufferAlign)); }

void EncodeHeader(uint8_t* out, uint32_t record_size, uint32_t flags, uint32_t schema_tag,
                  uint32_t block_records) {
  std::memcpy(out, kHeaderMagic, 8);
  PutU32(out + 8, kRecordFileVersion);
  PutU32(out + 12, record_size);
  PutU32(out + 16, flags);
  PutU32(out + 20, schema_tag);
  PutU32(out + 24, block_records);
  PutU32(out + 28, static_cast<uint32_t>(XXH3_64bits(out, 28)));
}

Status ErrnoStatus(int err, const std::string& what) { return StatusFromErrno(err, what); }

}  // namespace

// Why these codes: a full disk or a file-size limit is an environment problem the user fixes
// (free space, --tmp-dir elsewhere) and then resumes; DESIGN.md maps it to exit code 3.
Status StatusFromErrno(int err, const std::string& what) {
  std::string message = what + ": " + std::strerror(err);
  switch (err) {
    case ENOSPC:
    case EFBIG:
    case EDQUOT:
      return ResourceExhaustedError(std::move(message));
    case ENOENT:
      return NotFoundError(std::move(message));
    default:
      return IoError(std::move(message));
  }
}

// ---------------------------------------------------------------------------------------------
// RawRecordWriter

StatusOr<std::unique_ptr<RawRecordWriter>> RawRecordWriter::Create(
    const std::string& path, size_t record_size, const RecordWriterOptions& options) {
  if (record_size == 0 || record_size > kMaxBlockBytes) {
    return InvalidArgumentError("record file " + path + ": record size " +
                                std::to_string(record_size) + " is out of range");
  }
  std::unique_ptr<RawRecordWriter> w(new RawRecordWriter());
  w->path_ = path;
  w->tmp_path_ = path + ".tmp";
  w->record_size_ = record_size;
  w->options_ = options;
  size_t block_bytes = std::min(options.block_bytes, kMaxBlockBytes);
  w->block_records_ = std::max<size_t>(1, block_bytes / record_size);
  w->block_.reset(new uint8_t[w->block_records_ * record_size]);
  if (options.compress) {
    w->compressed_capacity_ = ZSTD_compressBound(w->block_records_ * record_size);
    w->compressed_.reset(new uint8_t[w->compressed_capacity_]);
    w->zstd_ctx_ = ZSTD_createCCtx();
    if (w->zstd_ctx_ == nullptr) return InternalError("ZSTD_createCCtx failed");
  }
  w->chain_state_ = XXH3_createState();
  if (w->chain_state_ == nullptr) return InternalError("XXH3_createState failed");
  XXH3_64bits_reset(static_cast<XXH3_state_t*>(w->chain_state_));

  w->fd_ = ::open(w->tmp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (w->fd_ < 0) return ErrnoStatus(errno, "cannot create record file " + w->tmp_path_);

  uint8_t header[kRecordFileHeaderBytes];
  EncodeHeader(header, static_cast<uint32_t>(record_size),
               options.compress ? kFlagCompressed : 0, options.schema_tag,
               static_cast<uint32_t>(w->block_records_));
  XXH3_64bits_update(static_cast<XXH3_state_t*>(w->chain_state_), header, sizeof(header));
  Status s = w->WriteAll(header, sizeof(header), nullptr, 0);
  if (!s.ok()) return s;
  return w;
}

RawRecordWriter::~RawRecordWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!closed_) ::unlink(tmp_path_.c_str());
  if (zstd_ctx_ != nullptr) ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(zstd_ctx_));
  if (chain_state_ != nullptr) XXH3_freeState(static_cast<XXH3_state_t*>(chain_state_));
}

Status RawRecordWriter::Fail(Status status) {
  // Free the disk space of a file that can never be completed (the error may be a full disk).
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(tmp_path_.c_str());
  status_ = status;
  return status;
}

Status RawRecordWriter::WriteAll(const void* a, size_t a_len, const void* b, size_t b_len) {
  iovec iov[2] = {{const_cast<void*>(a), a_len}, {const_cast<void*>(b), b_len}};
  int iov_count = b_len > 0 ? 2 : 1;
  iovec* cur = iov;
  while (iov_count > 0) {
    ssize_t n = ::writev(fd_, cur, iov_count);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail(ErrnoStatus(errno, "writing record file " + tmp_path_));
    }
    file_bytes_ += static_cast<uint64_t>(n);
    size_t left = static_cast<size_t>(n);
    while (iov_count > 0 && left >= cur->iov_len) {
      left -= cur->iov_len;
      ++cur;
      --iov_count;
    }
    if (iov_count > 0) {
      cur->iov_base = static_cast<uint8_t*>(cur->iov_base) + left;
      cur->iov_len -= left;
    }
  }
  return Status::Ok();
}

Status RawRecordWriter::EmitBlock(const uint8_t* data, size_t count) {
  const size_t raw_bytes = count * record_size_;
  const uint8_t* payload = data;
  size_t stored = raw_bytes;
  if (options_.compress) {
    size_t csize = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(zstd_ctx_), compressed_.get(),
                                     compressed_capacity_, data, raw_bytes, options_.zstd_level);
    if (!ZSTD_isError(csize) && csize < raw_bytes) {
      payload = compressed_.get();
      stored = csize;
    }
  }
  uint8_t header[kRecordFileBlockHeaderBytes];
  PutU32(header, static_cast<uint32_t>(count));
  PutU32(header + 4, static_cast<uint32_t>(stored));
  PutU64(header + 8, XXH3_64bits_withSeed(payload, stored, block_count_));
  XXH3_64bits_update(static_cast<XXH3_state_t*>(chain_state_), header, sizeof(header));
  CHALNI_RETURN_IF_ERROR(WriteAll(header, sizeof(header), payload, stored));
  ++block_count_;
  record_count_ += count;
  return Status::Ok();
}

Status RawRecordWriter::Append(const void* records, size_t count) {
  if (!status_.ok()) return status_;
  CHALNI_CHECK(!closed_);
  if (count == 0) return Status::Ok();
  const uint8_t* p = static_cast<const uint8_t*>(records);
  if (block_fill_ + count < block_records_) {  // the common case: room in the pending block
    std::memcpy(block_.get() + block_fill_ * record_size_, p, count * record_size_);
    block_fill_ += count;
    return Status::Ok();
  }
  if (block_fill_ > 0) {
    size_t take = block_records_ - block_fill_;
    std::memcpy(block_.get() + block_fill_ * record_size_, p, take * record_size_);
    p += take * record_size_;
    count -= take;
    block_fill_ = 0;
    CHALNI_RETURN_IF_ERROR(EmitBlock(block_.get(), block_records_));
  }
  // Whole blocks go straight from the caller's memory: a spilled run is written without a copy.
  while (count >= block_records_) {
    CHALNI_RETURN_IF_ERROR(EmitBlock(p, block_records_));
    p += block_records_ * record_size_;
    count -= block_records_;
  }
  std::memcpy(block_.get(), p, count * record_size_);
  block_fill_ = count;
  return Status::Ok();
}

Status RawRecordWriter::Close() {
  if (!status_.ok()) return status_;
  CHALNI_CHECK(!closed_);
  if (block_fill_ > 0) {
    CHALNI_RETURN_IF_ERROR(EmitBlock(block_.get(), block_fill_));
    block_fill_ = 0;
  }
  uint8_t footer[kRecordFileFooterBytes];
  std::memcpy(footer, kFooterMagic, 8);
  PutU64(footer + 8, record_count_);
  PutU64(footer + 16, block_count_);
  PutU64(footer + 24, file_bytes_ + kRecordFileFooterBytes);
  PutU64(footer + 32, XXH3_64bits_digest(static_cast<XXH3_state_t*>(chain_state_)));
  CHALNI_RETURN_IF_ERROR(WriteAll(footer, sizeof(footer), nullptr, 0));
  if (options_.sync && SyncFile(fd_) != 0) {
    return Fail(ErrnoStatus(errno, "fsync of record file " + tmp_path_));
  }
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return Fail(ErrnoStatus(errno, "closing record file " + tmp_path_));
  if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    return Fail(ErrnoStatus(errno, "renaming " + tmp_path_ + " to " + path_));
  }
  closed_ = true;
  block_.reset();
  compressed_.reset();
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// RawRecordReader

StatusOr<std::unique_ptr<RawRecordReader>> RawRecordReader::Open(
    const std::string& path, size_t record_size, const RecordReaderOptions& options) {
  std::unique_ptr<RawRecordReader> r(new RawRecordReader());
  r->path_ = path;
  r->record_size_ = record_size;
  r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->fd_ < 0) return ErrnoStatus(errno, "cannot open record file " + path);
  struct stat st;
  if (::fstat(r->fd_, &st) != 0) return ErrnoStatus(errno, "cannot stat record file " + path);
  const uint64_t size = static_cast<uint64_t>(st.st_size);

  uint8_t header[kRecordFileHeaderBytes] = {};
  const size_t header_len = static_cast<size_t>(std::min<uint64_t>(size, sizeof(header)));
  CHALNI_RETURN_IF_ERROR(r->ReadExact(header, header_len));
  if (header_len >= 8 && std::memcmp(header, kHeaderMagic, 8) != 0) {
    return DataLossError(path + ": not a chalni record file (bad magic)");
  }
  if (size < kRecordFileHeaderBytes + kRecordFileFooterBytes) {
    return DataLossError(path + ": truncated record file (" + std::to_string(size) +
                         " bytes, less than a header and a footer)");
  }
  if (GetU32(header + 28) != static_cast<uint32_t>(XXH3_64bits(header, 28))) {
    return DataLossError(path + ": corrupt record file header (checksum mismatch)");
  }
  const uint32_t version = GetU32(header + 8);
  if (version != kRecordFileVersion) {
    return FailedPreconditionError(path + ": record file format version " +
                                   std::to_string(version) + ", this build reads version " +
                                   std::to_string(kRecordFileVersion));
  }
  if (GetU32(header + 12) != record_size) {
    return FailedPreconditionError(path + ": holds records of " +
                                   std::to_string(GetU32(header + 12)) + " bytes, expected " +
                                   std::to_string(record_size));
  }
  const uint32_t flags = GetU32(header + 16);
  const uint32_t schema_tag = GetU32(header + 20);
  if (options.expect_schema_tag != 0 && schema_tag != options.expect_schema_tag) {
    return FailedPreconditionError(path + ": schema tag " + std::to_string(schema_tag) +
                                   ", expected " + std::to_string(options.expect_schema_tag));
  }
  r->block_records_ = GetU32(header + 24);
  if (r->block_records_ == 0 || r->block_records_ > kMaxBlockBytes / record_size) {
    return DataLossError(path + ": corrupt record file header (block size)");
  }
  r->compressed_file_ = (flags & kFlagCompressed) != 0;

  uint8_t footer[kRecordFileFooterBytes];
  if (::pread(r->fd_, footer, sizeof(footer), static_cast<off_t>(size - sizeof(footer))) !=
      static_cast<ssize_t>(sizeof(footer))) {
    return ErrnoStatus(errno, "reading the footer of record file " + path);
  }
  if (std::memcmp(footer, kFooterMagic, 8) != 0) {
    return DataLossError(path + ": truncated or incomplete record file (no footer at the end; " +
                         std::to_string(size) + " bytes)");
  }
  if (GetU64(footer + 24) != size) {
    return DataLossError(path + ": truncated or extended record file (footer says " +
                         std::to_string(GetU64(footer + 24)) + " bytes, file has " +
                         std::to_string(size) + ")");
  }
  r->footer_record_count_ = GetU64(footer + 8);
  r->footer_block_count_ = GetU64(footer + 16);
  r->footer_chain_hash_ = GetU64(footer + 32);
  r->footer_offset_ = size - kRecordFileFooterBytes;

  r->chain_state_ = XXH3_createState();
  if (r->chain_state_ == nullptr) return InternalError("XXH3_createState failed");
  XXH3_64bits_reset(static_cast<XXH3_state_t*>(r->chain_state_));
  XXH3_64bits_update(static_cast<XXH3_state_t*>(r->chain_state_), header, sizeof(header));

  const size_t block_bytes = r->block_records_ * record_size;
  // Why one buffer of a block plus a header: each read() fetches a payload and the header of
  // the block after it, so a block costs one system call.
  r->read_buf_ = {AllocAligned(block_bytes + kRecordFileBlockHeaderBytes), FreeAligned};
  r->buffer_bytes_ = block_bytes + kRecordFileBlockHeaderBytes;
  if (r->compressed_file_) {
    r->plain_buf_ = {AllocAligned(block_bytes), FreeAligned};
    r->buffer_bytes_ += block_bytes;
    r->zstd_ctx_ = ZSTD_createDCtx();
    if (r->zstd_ctx_ == nullptr) return InternalError("ZSTD_createDCtx failed");
  }
  ::posix_fadvise(r->fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  r->next_header_offset_ = kRecordFileHeaderBytes;
  if (r->footer_offset_ > kRecordFileHeaderBytes) {
    CHALNI_RETURN_IF_ERROR(r->ReadExact(r->next_header_, sizeof(r->next_header_)));
  }
  return r;
}

RawRecordReader::~RawRecordReader() {
  if (fd_ >= 0) ::close(fd_);
  if (zstd_ctx_ != nullptr) ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(zstd_ctx_));
  if (chain_state_ != nullptr) XXH3_freeState(static_cast<XXH3_state_t*>(chain_state_));
}

Status RawRecordReader::ReadExact(void* dst, size_t len) {
  uint8_t* p = static_cast<uint8_t*>(dst);
  while (len > 0) {
    ssize_t n = ::read(fd_, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "reading record file " + path_);
    }
    if (n == 0) {
      return DataLossError(path_ + ": unexpected end of record file at offset " +
                           std::to_string(offset_) + " (did it change while being read?)");
    }
    p += n;
    offset_ += static_cast<uint64_t>(n);
    len -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

size_t RawRecordReader::Fail(Status status) {
  status_ = std::move(status);
  done_ = true;
  return 0;
}

size_t RawRecordReader::NextBlock(const uint8_t** data) {
  *data = nullptr;
  if (done_) return 0;
  const uint64_t header_offset = next_header_offset_;
  if (header_offset == footer_offset_) {
    done_ = true;
    if (blocks_read_ != footer_block_count_ || records_read_ != footer_record_count_) {
      return Fail(DataLossError(path_ + ": footer counts " +
                                std::to_string(footer_block_count_) + " blocks / " +
                                std::to_string(footer_record_count_) + " records, file holds " +
                                std::to_string(blocks_read_) + " / " +
                                std::to_string(records_read_)));
    }
    if (XXH3_64bits_digest(static_cast<XXH3_state_t*>(chain_state_)) != footer_chain_hash_) {
      return Fail(DataLossError(path_ + ": block chain checksum mismatch (blocks reordered, "
                                "lost or rewritten)"));
    }
    return 0;
  }
  const uint32_t count = GetU32(next_header_);
  const uint32_t stored = GetU32(next_header_ + 4);
  const uint64_t checksum = GetU64(next_header_ + 8);
  const uint64_t raw_bytes = uint64_t{count} * record_size_;
  if (count == 0 || count > block_records_ || stored == 0 || stored > raw_bytes ||
      header_offset + kRecordFileBlockHeaderBytes + stored > footer_offset_) {
    return Fail(DataLossError(path_ + ": corrupt block header at offset " +
                              std::to_string(header_offset) + " (block " +
                              std::to_string(blocks_read_) + ")"));
  }
  XXH3_64bits_update(static_cast<XXH3_state_t*>(chain_state_), next_header_,
                     sizeof(next_header_));
  const uint64_t payload_end = header_offset + kRecordFileBlockHeaderBytes + stored;
  const bool more = payload_end < footer_offset_;
  const size_t to_read = stored + (more ? kRecordFileBlockHeaderBytes : 0);
  Status s = ReadExact(read_buf_.get(), to_read);
  if (!s.ok()) return Fail(std::move(s));
  if (more) std::memcpy(next_header_, read_buf_.get() + stored, sizeof(next_header_));
  next_header_offset_ = payload_end;
  if (XXH3_64bits_withSeed(read_buf_.get(), stored, blocks_read_) != checksum) {
    return Fail(DataLossError(path_ + ": checksum mismatch in block " +
                              std::to_string(blocks_read_) + " at offset " +
                              std::to_string(header_offset)));
  }
  const uint8_t* records = read_buf_.get();
  if (stored < raw_bytes) {
    if (!compressed_file_) {
      return Fail(DataLossError(path_ + ": short block " + std::to_string(blocks_read_) +
                                " in an uncompressed record file"));
    }
    size_t n = ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(zstd_ctx_), plain_buf_.get(),
                                   raw_bytes, read_buf_.get(), stored);
    if (ZSTD_isError(n) || n != raw_bytes) {
      return Fail(DataLossError(path_ + ": block " + std::to_string(blocks_read_) +
                                " does not decompress to " + std::to_string(count) +
                                " records"));
    }
    records = plain_buf_.get();
  }
  ++blocks_read_;
  records_read_ += count;
  *data = records;
  return count;
}

}  // namespace chalni
