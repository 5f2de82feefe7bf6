#include "dedup/near_dedup.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <span>

#include "dedup/minhash.h"
#include "fmt/format.h"

namespace chalni::dedup {
namespace {

// Block size of signature files. Why small: a band task verifies the checksum of every block it
// reads a signature from, so a block is the unit of random-read amplification (32 KiB = 70
// signatures of 112 hashes).
constexpr size_t kSignatureBlockBytes = size_t{32} << 10;

struct DocKey {
  uint32_t input_index;
  uint64_t byte_offset;
};
inline bool KeyLess(uint32_t ai, uint64_t ao, uint32_t bi, uint64_t bo) {
  return ai != bi ? ai < bi : ao < bo;
}

// ---- random access to a signature file ------------------------------------------------------
// Signature files are record files (internal/record_file.h, format version 1) written without
// compression, so every block but the last holds exactly block_records records and record j
// sits at a computable offset. The reader checks the header and footer at open (through
// RawRecordReader) and the checksum of each block the first time it reads from it.
//
// Two ways to read, chosen per file by the band task so that its memory stays bounded:
// - mapped: the file is mmapped; a read is a pointer. Fastest (a band task reads one signature
//   per bucket member, at random) but every page touched counts in the resident size, and on
//   ext4 with large folios one random read maps ~55 KiB (measured), so a band task over files
//   larger than its budget ends up holding them whole (208 MiB on the 1 GB corpus).
// - pread: one pread of the record into a caller's buffer; memory is the buffer. Measured on a
//   cached 200 MB file: pread 0.55 us per random read, a mapped read 0.1 us once the file is
//   resident but 1.7-2 us while it faults in; so when the files do not fit the budget, pread is
//   also the faster of the bounded choices (unmapping to stay in budget means faulting again).
class SignatureFile {
 public:
  // map: whether to mmap the file (else pread). The block scratch for pread verification is
  // allocated on the first verification.
  static StatusOr<std::unique_ptr<SignatureFile>> Open(const std::string& path, int num_hashes,
                                                       bool map) {
    const size_t record_size = SignatureRecordBytes(num_hashes);
    {
      RecordReaderOptions ro;
      ro.expect_schema_tag = kSignatureSchemaTag;
      auto check = RawRecordReader::Open(path, record_size, ro);
      if (!check.ok()) return check.status();
    }
    std::unique_ptr<SignatureFile> f(new SignatureFile());
    f->path_ = path;
    f->record_size_ = record_size;
    f->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f->fd_ < 0) return StatusFromErrno(errno, "cannot open signature file " + path);
    struct stat st;
    if (::fstat(f->fd_, &st) != 0) return StatusFromErrno(errno, "cannot stat " + path);
    f->size_ = static_cast<size_t>(st.st_size);
    uint8_t header[kRecordFileHeaderBytes];
    uint8_t footer[kRecordFileFooterBytes];
    CHALNI_RETURN_IF_ERROR(f->PreadExact(header, sizeof header, 0));
    CHALNI_RETURN_IF_ERROR(
        f->PreadExact(footer, sizeof footer, f->size_ - kRecordFileFooterBytes));
    uint32_t flags, block_records;
    std::memcpy(&flags, header + 16, 4);
    std::memcpy(&block_records, header + 24, 4);
    std::memcpy(&f->count_, footer + 8, 8);
    if ((flags & 1u) != 0) {
      return FailedPreconditionError(path + ": signature file is compressed; random access "
                                            "needs uncompressed blocks");
    }
    f->block_records_ = block_records;
    const uint64_t blocks = (f->count_ + block_records - 1) / block_records;
    const uint64_t expected = kRecordFileHeaderBytes + blocks * kRecordFileBlockHeaderBytes +
                              f->count_ * record_size + kRecordFileFooterBytes;
    if (expected != f->size_) {
      return DataLossError(path + ": signature file has " + std::to_string(f->size_) +
                           " bytes, its footer implies " + std::to_string(expected));
    }
    if (map) {
      void* m = ::mmap(nullptr, f->size_, PROT_READ, MAP_SHARED, f->fd_, 0);
      if (m == MAP_FAILED) return StatusFromErrno(errno, "cannot map signature file " + path);
      f->data_ = static_cast<const uint8_t*>(m);
    }
    f->verified_.assign(blocks, false);
    return f;
  }
  ~SignatureFile() {
    if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
    if (fd_ >= 0) ::close(fd_);
  }

  uint64_t count() const { return count_; }
  bool mapped() const { return data_ != nullptr; }
  size_t size() const { return size_; }

  // The header and values of record `ordinal`: a pointer into the mapping (valid while the file
  // is open), or, when not mapped, `buffer` (SignatureRecordBytes long) filled by pread.
  StatusOr<const uint8_t*> Read(uint64_t ordinal, uint8_t* buffer, BandTaskStats* stats) {
    if (ordinal >= count_) {
      return DataLossError(fmt::format("{}: signature {} requested, the file holds {}", path_,
                                       ordinal, count_));
    }
    const uint64_t block = ordinal / block_records_;
    const uint64_t block_start = kRecordFileHeaderBytes +
                                 block * (kRecordFileBlockHeaderBytes +
                                          uint64_t{block_records_} * record_size_);
    if (!verified_[block]) {
      CHALNI_RETURN_IF_ERROR(VerifyBlock(block, block_start));
      ++stats->blocks_verified;
    }
    ++stats->signature_reads;
    const uint64_t offset = block_start + kRecordFileBlockHeaderBytes +
                            (ordinal % block_records_) * record_size_;
    if (data_ != nullptr) return data_ + offset;
    CHALNI_RETURN_IF_ERROR(PreadExact(buffer, record_size_, offset));
    return static_cast<const uint8_t*>(buffer);
  }

 private:
  SignatureFile() = default;

  Status PreadExact(uint8_t* dst, size_t len, uint64_t offset) const {
    while (len > 0) {
      const ssize_t got = ::pread(fd_, dst, len, static_cast<off_t>(offset));
      if (got < 0) {
        if (errno == EINTR) continue;
        return StatusFromErrno(errno, "cannot read signature file " + path_);
      }
      if (got == 0) return DataLossError(path_ + ": signature file shorter than expected");
      dst += got;
      len -= static_cast<size_t>(got);
      offset += static_cast<uint64_t>(got);
    }
    return Status::Ok();
  }

  Status VerifyBlock(uint64_t block, uint64_t block_start) {
    const uint64_t first = block * block_records_;
    const uint32_t count =
        static_cast<uint32_t>(std::min<uint64_t>(block_records_, count_ - first));
    const size_t payload = size_t{count} * record_size_;
    const uint8_t* p = data_ + block_start;
    if (data_ == nullptr) {
      scratch_.resize(kRecordFileBlockHeaderBytes + payload);
      CHALNI_RETURN_IF_ERROR(PreadExact(scratch_.data(), scratch_.size(), block_start));
      p = scratch_.data();
    }
    uint32_t got_count, stored;
    uint64_t checksum;
    std::memcpy(&got_count, p, 4);
    std::memcpy(&stored, p + 4, 4);
    std::memcpy(&checksum, p + 8, 8);
    if (got_count != count || stored != payload ||
        XXH3_64bits_withSeed(p + kRecordFileBlockHeaderBytes, payload, block) != checksum) {
      return DataLossError(fmt::format("{}: checksum mismatch in signature block {}", path_,
                                       block));
    }
    verified_[block] = true;
    return Status::Ok();
  }

  std::string path_;
  int fd_ = -1;
  const uint8_t* data_ = nullptr;  // the mapping, or null when reading with pread
  size_t size_ = 0;
  size_t record_size_ = 0;
  uint32_t block_records_ = 1;
  uint64_t count_ = 0;
  std::vector<bool> verified_;
  std::vector<uint8_t> scratch_;  // one block, for verification when not mapped
};

// ---- cluster-task node keys -------------------------------------------------------------------
struct NodeKey {
  uint32_t input_index;
  uint32_t length;  // text length when known from an edge, else 0
  uint64_t byte_offset;
};
static_assert(sizeof(NodeKey) == 16);
struct NodeKeyLess {
  bool operator()(const NodeKey& a, const NodeKey& b) const {
    if (a.input_index != b.input_index) return a.input_index < b.input_index;
    if (a.byte_offset != b.byte_offset) return a.byte_offset < b.byte_offset;
    return a.length < b.length;
  }
  // Monotone in (input_index, byte_offset): exact for offsets below 2^40, clamped above.
  static uint64_t RadixKey(const NodeKey& k) {
    return (static_cast<uint64_t>(k.input_index) << 32) |
           std::min<uint64_t>(k.byte_offset >> 8, 0xFFFFFFFFull);
  }
};

}  // namespace

// ---- parameters ---------------------------------------------------------------------------------

Status ValidateNearDedupParams(const NearDedupParams& p) {
  if (p.num_hashes < 1 || p.num_hashes > 1024) {
    return InvalidArgumentError(
        fmt::format("num_hashes must be between 1 and 1024, got {}", p.num_hashes));
  }
  if (p.bands < 1 || p.rows < 1 || p.rows > 64) {
    return InvalidArgumentError(fmt::format(
        "bands must be at least 1 and rows between 1 and 64, got bands {} rows {}", p.bands,
        p.rows));
  }
  if (static_cast<int64_t>(p.bands) * p.rows > p.num_hashes) {
    return InvalidArgumentError(fmt::format("bands x rows = {} x {} = {} exceeds num_hashes {}",
                                            p.bands, p.rows, p.bands * p.rows, p.num_hashes));
  }
  if (!(p.threshold >= 0.0 && p.threshold <= 1.0)) {
    return InvalidArgumentError(fmt::format("threshold must be in [0, 1], got {}", p.threshold));
  }
  return Status::Ok();
}

int RequiredMatches(const NearDedupParams& p) {
  // A small epsilon so that 0.75 * 112 = 84 stays 84 despite binary rounding.
  return static_cast<int>(std::ceil(p.threshold * p.num_hashes - 1e-9));
}

std::string SignatureFilePath(const std::string& prefix) { return prefix + ".minhash.sig"; }
std::string BandFilePath(const std::string& prefix, uint32_t partition) {
  return fmt::format("{}.part-{:05d}.bands", prefix, partition);
}

const char* DecisionKindName(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::kSurvivor:
      return "survivor";
    case DecisionKind::kExact:
      return "exact";
    case DecisionKind::kNear:
      return "near";
  }
  return "unknown";
}

// ---- 1. local -----------------------------------------------------------------------------------

struct NearDedupEmitter::State {
  State(const SpillOptions& spill) : sorter(spill) {}
  std::string prefix;
  uint32_t shard = 0;
  NearDedupParams params;
  uint32_t partitions = 1;
  std::unique_ptr<RawRecordWriter> signatures;
  ExternalSorter<HashDoc, HashDocLess> sorter;
  std::vector<uint8_t> record;
  bool have_last = false;
  uint32_t last_input = 0;
  uint64_t last_offset = 0;
  uint64_t ordinal = 0;
  bool closed = false;
};

NearDedupEmitter::~NearDedupEmitter() = default;

StatusOr<std::unique_ptr<NearDedupEmitter>> NearDedupEmitter::Open(
    const std::string& prefix, uint32_t shard, const NearDedupParams& params,
    uint32_t num_partitions, const SpillOptions& spill) {
  CHALNI_RETURN_IF_ERROR(ValidateNearDedupParams(params));
  if (num_partitions == 0) return InvalidArgumentError("NearDedupEmitter: no partitions");
  if (shard > kMaxShard) {
    return InvalidArgumentError(fmt::format("NearDedupEmitter: shard {} above {}", shard,
                                            kMaxShard));
  }
  std::unique_ptr<NearDedupEmitter> e(new NearDedupEmitter());
  e->state_ = std::make_unique<State>(spill);
  State& s = *e->state_;
  s.prefix = prefix;
  s.shard = shard;
  s.params = params;
  s.partitions = num_partitions;
  s.record.resize(SignatureRecordBytes(params.num_hashes));
  RecordWriterOptions wo;
  wo.block_bytes = kSignatureBlockBytes;
  wo.schema_tag = kSignatureSchemaTag;
  auto w = RawRecordWriter::Create(SignatureFilePath(prefix), s.record.size(), wo);
  if (!w.ok()) return w.status();
  s.signatures = std::move(*w);
  return e;
}

Status NearDedupEmitter::Add(uint32_t input_index, uint64_t byte_offset, uint32_t text_length,
                             uint64_t language_hash, const std::vector<uint64_t>& sig) {
  State& s = *state_;
  if (s.closed) return FailedPreconditionError("NearDedupEmitter::Add after Close");
  if (sig.empty()) return Status::Ok();
  if (sig.size() != static_cast<size_t>(s.params.num_hashes)) {
    return InvalidArgumentError(fmt::format(
        "NearDedupEmitter: signature of {} values for {}:{}, expected num_hashes = {}",
        sig.size(), input_index, byte_offset, s.params.num_hashes));
  }
  if (s.have_last && !KeyLess(s.last_input, s.last_offset, input_index, byte_offset)) {
    return FailedPreconditionError(fmt::format(
        "NearDedupEmitter: documents must be added in increasing doc_key order; {}:{} after {}:{}",
        input_index, byte_offset, s.last_input, s.last_offset));
  }
  if (s.ordinal > kMaxOrdinal) {
    return ResourceExhaustedError(
        fmt::format("NearDedupEmitter: more than {} signatures in shard {}", kMaxOrdinal,
                    s.shard));
  }
  s.have_last = true;
  s.last_input = input_index;
  s.last_offset = byte_offset;
  SignatureHeader h{input_index, text_length, byte_offset};
  std::memcpy(s.record.data(), &h, sizeof(h));
  uint32_t* values = reinterpret_cast<uint32_t*>(s.record.data() + sizeof(h));
  for (size_t i = 0; i < sig.size(); ++i) {
    // Signature values are 32-bit (minhash.h); keep the low half.
    const uint32_t v = static_cast<uint32_t>(sig[i]);
    std::memcpy(values + i, &v, sizeof(v));
  }
  CHALNI_RETURN_IF_ERROR(s.signatures->Append(s.record.data(), 1));
  const uint64_t ref = MakeDocRef(s.shard, s.ordinal++);
  for (int band = 0; band < s.params.bands; ++band) {
    CHALNI_RETURN_IF_ERROR(
        s.sorter.Add(HashDoc{BandKey(sig.data(), band, s.params.rows, language_hash), ref}));
  }
  ++stats_.documents;
  stats_.band_records += s.params.bands;
  return Status::Ok();
}

Status NearDedupEmitter::Close() {
  State& s = *state_;
  if (s.closed) return FailedPreconditionError("NearDedupEmitter::Close called twice");
  s.closed = true;
  CHALNI_RETURN_IF_ERROR(s.signatures->Close());
  auto sorted = s.sorter.Finish();
  if (!sorted.ok()) return sorted.status();
  RecordWriterOptions wo;
  wo.schema_tag = kBandSchemaTag;
  const uint32_t partitions = s.partitions;
  auto counts = WritePartitionFiles(
      **sorted, partitions,
      [partitions](const HashDoc& r) { return PartitionOfHash(r.hash, partitions); },
      [&](uint32_t p) { return BandFilePath(s.prefix, p); }, wo);
  if (!counts.ok()) return counts.status();
  stats_.spill = s.sorter.stats();
  return Status::Ok();
}

// ---- 2. band ------------------------------------------------------------------------------------

StatusOr<BandTaskStats> RunNearDedupBandTask(
    const NearDedupParams& params, const std::vector<std::string>& band_files,
    const std::function<std::string(uint32_t shard)>& signature_path,
    const std::string& edges_path, const SpillOptions& spill) {
  CHALNI_RETURN_IF_ERROR(ValidateNearDedupParams(params));
  BandTaskStats stats;
  for (const std::string& path : band_files) {
    RecordReaderOptions ro;
    ro.expect_schema_tag = kBandSchemaTag;
    auto probe = RawRecordReader::Open(path, sizeof(HashDoc), ro);
    if (!probe.ok()) return probe.status();
  }
  auto merged = MergeSortedFiles<HashDoc, HashDocLess>(band_files, spill);
  if (!merged.ok()) return merged.status();
  RecordWriterOptions wo;
  wo.schema_tag = kEdgeSchemaTag;
  auto edges = RecordWriter<NearEdge>::Create(edges_path, wo);
  if (!edges.ok()) return edges.status();

  std::map<uint32_t, std::unique_ptr<SignatureFile>> files;
  // Signature files are mapped while their total fits the task's budget (the merge above holds
  // at most another budget of blocks); beyond it they are read with pread. Files are opened in
  // order of first reference, which depends only on the band records, so the choice (and the
  // memory) is the same on every run; the edges never depend on it.
  const uint64_t map_budget = spill.memory_budget_bytes;
  const size_t record_bytes = SignatureRecordBytes(params.num_hashes);
  std::vector<uint8_t> center_buffer(record_bytes), member_buffer(record_bytes);
  // Reads the signature of `ref`: its header into *h and a pointer to its values (mapped, or in
  // `buffer`).
  auto read_signature = [&](uint64_t ref, uint8_t* buffer, SignatureHeader* h,
                            const uint32_t** values) -> Status {
    const uint32_t shard = DocRefShard(ref);
    auto it = files.find(shard);
    if (it == files.end()) {
      const std::string path = signature_path(shard);
      struct stat st;
      const bool map = ::stat(path.c_str(), &st) == 0 &&
                       stats.mapped_bytes + static_cast<uint64_t>(st.st_size) <= map_budget;
      auto f = SignatureFile::Open(path, params.num_hashes, map);
      if (!f.ok()) return f.status();
      if ((*f)->mapped()) {
        ++stats.files_mapped;
        stats.mapped_bytes += (*f)->size();
      } else {
        ++stats.files_read;
      }
      it = files.emplace(shard, std::move(*f)).first;
    }
    auto record = it->second->Read(DocRefOrdinal(ref), buffer, &stats);
    if (!record.ok()) return record.status();
    std::memcpy(h, *record, sizeof(SignatureHeader));
    // Records sit at 4-byte aligned offsets (header 32, block header 16, records 16 + 4H bytes),
    // and the buffers are vectors (malloc alignment).
    *values = reinterpret_cast<const uint32_t*>(*record + sizeof(SignatureHeader));
    return Status::Ok();
  };

  const int required = RequiredMatches(params);
  const uint32_t* center_values = nullptr;
  const uint32_t* member_values = nullptr;
  SignatureHeader center{}, member{};
  GroupBy groups(**merged, SameHash());
  while (const HashDoc* first = groups.NextGroup()) {
    ++stats.buckets;
    const uint64_t center_ref = first->doc_key;
    bool center_loaded = false;
    while (const HashDoc* next = groups.NextMember()) {
      if (next->doc_key == center_ref) continue;  // cannot happen with distinct band keys
      if (!center_loaded) {
        CHALNI_RETURN_IF_ERROR(
            read_signature(center_ref, center_buffer.data(), &center, &center_values));
        center_loaded = true;
        ++stats.multi_buckets;
      }
      CHALNI_RETURN_IF_ERROR(
          read_signature(next->doc_key, member_buffer.data(), &member, &member_values));
      if (!KeyLess(center.input_index, center.byte_offset, member.input_index,
                   member.byte_offset)) {
        return FailedPreconditionError(fmt::format(
            "near-dedup band task: document {}:{} sorts after {}:{} by shard and ordinal but "
            "not by doc_key (shards must hold consecutive input ranges in order)",
            center.input_index, center.byte_offset, member.input_index, member.byte_offset));
      }
      ++stats.checks;
      if (CountEqual(center_values, member_values, params.num_hashes) >=
          required) {
        ++stats.edges;
        CHALNI_RETURN_IF_ERROR(edges->Append(NearEdge{center.input_index, center.text_length,
                                                      center.byte_offset, member.input_index,
                                                      member.text_length, member.byte_offset}));
      }
    }
    stats.largest_bucket = std::max(stats.largest_bucket, groups.group_size());
  }
  CHALNI_RETURN_IF_ERROR(groups.status());
  stats.band_records = (*merged)->records_read();
  CHALNI_RETURN_IF_ERROR(edges->Close());
  return stats;
}

// ---- 3. cluster ---------------------------------------------------------------------------------

UnionFind::UnionFind(uint32_t n) : parent_(n), size_(n, 1) {
  for (uint32_t i = 0; i < n; ++i) parent_[i] = i;
}

uint32_t UnionFind::Find(uint32_t x) {
  while (parent_[x] != x) {
    parent_[x] = parent_[parent_[x]];  // path halving
    x = parent_[x];
  }
  return x;
}

bool UnionFind::Union(uint32_t a, uint32_t b) {
  a = Find(a);
  b = Find(b);
  if (a == b) return false;
  if (size_[a] < size_[b]) std::swap(a, b);
  parent_[b] = a;
  size_[a] += size_[b];
  return true;
}

namespace {

// Node index of doc_key (input, offset) in the sorted, unique node table.
uint32_t NodeIndex(const std::vector<NodeKey>& nodes, uint32_t input, uint64_t offset) {
  auto it = std::lower_bound(nodes.begin(), nodes.end(), NodeKey{input, 0, offset},
                             [](const NodeKey& a, const NodeKey& b) {
                               return KeyLess(a.input_index, a.byte_offset, b.input_index,
                                              b.byte_offset);
                             });
  CHALNI_CHECK(it != nodes.end() && it->input_index == input && it->byte_offset == offset);
  return static_cast<uint32_t>(it - nodes.begin());
}

template <typename Record>
Status ForEachRecord(const std::vector<std::string>& paths, uint32_t tag,
                     const std::function<Status(const Record&)>& fn) {
  for (const std::string& path : paths) {
    RecordReaderOptions ro;
    ro.expect_schema_tag = tag;
    auto reader = RecordReader<Record>::Open(path, ro);
    if (!reader.ok()) return reader.status();
    while (const Record* r = reader->Next()) CHALNI_RETURN_IF_ERROR(fn(*r));
    CHALNI_RETURN_IF_ERROR(reader->status());
  }
  return Status::Ok();
}


// Writes NearDecision records, arriving in doc_key order, into one file per shard (empty files
// included), and counts them into the task's stats.
class DecisionFiles {
 public:
  DecisionFiles(uint32_t num_shards, const std::function<uint32_t(uint32_t)>& shard_of_input,
                const std::function<std::string(uint32_t)>& decisions_path,
                ClusterTaskStats* stats)
      : num_shards_(num_shards),
        shard_of_input_(shard_of_input),
        decisions_path_(decisions_path),
        stats_(stats) {}

  Status Open() {
    RecordWriterOptions wo;
    wo.schema_tag = kDecisionSchemaTag;
    wo.sync = true;
    options_ = wo;
    auto writer = RecordWriter<NearDecision>::Create(decisions_path_(0), options_);
    if (!writer.ok()) return writer.status();
    writer_.emplace(std::move(*writer));
    return Status::Ok();
  }

  Status Add(const NearDecision& d) {
    const uint32_t s = shard_of_input_(d.input_index);
    if (s < shard_ || s >= num_shards_) {
      return FailedPreconditionError(
          fmt::format("near-dedup cluster task: input {} maps to shard {} after shard {} of {}",
                      d.input_index, s, shard_, num_shards_));
    }
    while (shard_ < s) CHALNI_RETURN_IF_ERROR(NextFile());
    switch (d.kind) {
      case DecisionKind::kSurvivor:
        ++stats_->clusters;
        stats_->largest_cluster = std::max<uint64_t>(stats_->largest_cluster, d.cluster_size);
        break;
      case DecisionKind::kExact:
        ++stats_->removed_exact;
        break;
      case DecisionKind::kNear:
        ++stats_->removed_near;
        break;
    }
    ++stats_->members;
    return writer_->Append(d);
  }

  Status Close() {
    while (shard_ + 1 < num_shards_) CHALNI_RETURN_IF_ERROR(NextFile());
    return writer_->Close();
  }

 private:
  Status NextFile() {
    CHALNI_RETURN_IF_ERROR(writer_->Close());
    auto writer = RecordWriter<NearDecision>::Create(decisions_path_(++shard_), options_);
    if (!writer.ok()) return writer.status();
    writer_.emplace(std::move(*writer));
    return Status::Ok();
  }

  uint32_t num_shards_;
  const std::function<uint32_t(uint32_t)>& shard_of_input_;
  const std::function<std::string(uint32_t)>& decisions_path_;
  ClusterTaskStats* stats_;
  RecordWriterOptions options_;
  std::optional<RecordWriter<NearDecision>> writer_;
  uint32_t shard_ = 0;
};

// Temporary record files of the out-of-core path are read beside sorters: small blocks.
RecordWriterOptions TempFileOptions(const SpillOptions& spill) {
  RecordWriterOptions wo;
  wo.block_bytes = std::clamp<size_t>(spill.memory_budget_bytes / 8, 4096, 256 << 10);
  return wo;
}

// Bytes per node of the in-memory path: the node key (16), union-find parent and size (8), the
// survivor per root (4); plus a bit for "removed by the exact pass".
constexpr uint64_t kInMemoryBytesPerNode = sizeof(NodeKey) + 12;

// ---- the out-of-core path ---------------------------------------------------------------------
// Connected components by alternating large-star and small-star rounds (Kiveris et al. 2014,
// "Connected Components in MapReduce and Beyond") over files: every step is a sort (spilling)
// followed by one pass over its groups, holding O(1) records. Nodes are named by their rank in
// doc_key order, so the component's minimum rank is its lowest doc_key.

// Two documents by doc_key: an edge (near, or exact member -> exact survivor) before its
// endpoints are ranked; sorted by (a, b).
struct KeyPair {
  uint32_t a_input;
  uint32_t b_input;
  uint64_t a_offset;
  uint64_t b_offset;
};
static_assert(sizeof(KeyPair) == 24);
struct KeyPairByA {
  bool operator()(const KeyPair& x, const KeyPair& y) const {
    if (x.a_input != y.a_input) return x.a_input < y.a_input;
    if (x.a_offset != y.a_offset) return x.a_offset < y.a_offset;
    if (x.b_input != y.b_input) return x.b_input < y.b_input;
    return x.b_offset < y.b_offset;
  }
};
// An edge whose first endpoint is ranked; sorted by (b, a_rank).
struct RankKey {
  uint64_t a_rank;
  uint32_t b_input;
  uint32_t pad;  // zero: records have no uninitialized bytes
  uint64_t b_offset;
};
static_assert(sizeof(RankKey) == 24);
struct RankKeyByB {
  bool operator()(const RankKey& x, const RankKey& y) const {
    if (x.b_input != y.b_input) return x.b_input < y.b_input;
    if (x.b_offset != y.b_offset) return x.b_offset < y.b_offset;
    return x.a_rank < y.a_rank;
  }
};
// A node with its component label (the component's minimum rank); sorted by (label, rank).
struct LabeledNode {
  uint64_t label;
  uint64_t rank;
  uint32_t input_index;
  uint32_t length;
  uint64_t byte_offset;
  uint32_t exact_removed;
  uint32_t pad;
};
static_assert(sizeof(LabeledNode) == 40);
struct LabeledNodeLess {
  bool operator()(const LabeledNode& x, const LabeledNode& y) const {
    return x.label != y.label ? x.label < y.label : x.rank < y.rank;
  }
  static uint64_t RadixKey(const LabeledNode& n) { return n.label; }
};
// A component: its size and survivor; one per label, in label order.
struct ClusterSummary {
  uint64_t label;
  uint64_t size;
  uint64_t survivor_rank;
  uint64_t survivor_offset;
  uint32_t survivor_input;
  uint32_t pad;
};
static_assert(sizeof(ClusterSummary) == 40);
struct DecisionByKey {
  bool operator()(const NearDecision& x, const NearDecision& y) const { return x < y; }
  static uint64_t RadixKey(const NearDecision& d) {
    return (static_cast<uint64_t>(d.input_index) << 32) |
           std::min<uint64_t>(d.byte_offset >> 8, 0xFFFFFFFFull);
  }
};

bool SameKey(uint32_t ai, uint64_t ao, uint32_t bi, uint64_t bo) { return ai == bi && ao == bo; }

// One pass over a canonical edge stream {hash = larger rank, doc_key = smaller rank}, sorted and
// possibly with repeats, skipping the repeats.
template <typename Reader>
class UniqueEdges {
 public:
  explicit UniqueEdges(Reader& reader) : reader_(reader) {}
  const HashDoc* Next() {
    while (const HashDoc* e = reader_.Next()) {
      if (have_last_ && *e == last_) continue;
      last_ = *e;
      have_last_ = true;
      return e;
    }
    return nullptr;
  }
  const Status& status() const { return reader_.status(); }

 private:
  Reader& reader_;
  HashDoc last_{};
  bool have_last_ = false;
};

using EdgeSorter = ExternalSorter<HashDoc, HashDocLess>;
using EdgeReader = EdgeSorter::Reader;

// One large-star then one small-star round over the canonical edges in `in`; returns the
// canonical edges after the round, sorted, and sets *changed when either step changed the set.
//   large-star: for each node u, m = min(u, neighbours of u); every neighbour v > u is linked
//     to m instead of u. No change iff no node has both a smaller and a larger neighbour.
//   small-star: for each node u, m = min(u, neighbours <= u); u and every neighbour < u are
//     linked to m. No change iff no node has two smaller neighbours.
// When neither changes, each node has at most one smaller neighbour, which has no smaller one:
// every component is a star around its minimum.
StatusOr<std::unique_ptr<EdgeReader>> StarRound(std::unique_ptr<EdgeReader> in,
                                                const SpillOptions& half, bool* changed) {
  *changed = false;
  // Large-star needs every neighbour of u: both directions, grouped by the first.
  EdgeSorter both(half);
  {
    UniqueEdges<EdgeReader> edges(*in);
    while (const HashDoc* e = edges.Next()) {
      CHALNI_RETURN_IF_ERROR(both.Add(HashDoc{e->hash, e->doc_key}));
      CHALNI_RETURN_IF_ERROR(both.Add(HashDoc{e->doc_key, e->hash}));
    }
    CHALNI_RETURN_IF_ERROR(edges.status());
  }
  in.reset();  // its read buffers: at most two sorters' worth of memory at any time
  EdgeSorter large(half);
  {
    auto sorted = both.Finish();
    if (!sorted.ok()) return sorted.status();
    UniqueEdges<EdgeReader> adjacency(**sorted);
    GroupBy groups(adjacency, SameHash());  // grouped by the first node
    while (const HashDoc* first = groups.NextGroup()) {
      const uint64_t u = first->hash;
      // Sorted by neighbour: the group's first record holds the smallest.
      const uint64_t m = std::min(u, first->doc_key);
      const bool has_smaller = first->doc_key < u;
      for (const HashDoc* e = first; e != nullptr; e = groups.NextMember()) {
        if (e->doc_key <= u) continue;
        if (has_smaller) *changed = true;
        CHALNI_RETURN_IF_ERROR(large.Add(HashDoc{e->doc_key, m}));
      }
    }
    CHALNI_RETURN_IF_ERROR(groups.status());
  }
  EdgeSorter small(half);
  {
    auto sorted = large.Finish();
    if (!sorted.ok()) return sorted.status();
    UniqueEdges<EdgeReader> edges(**sorted);
    GroupBy groups(edges, SameHash());  // grouped by the larger node
    while (const HashDoc* first = groups.NextGroup()) {
      const uint64_t u = first->hash;
      const uint64_t m = first->doc_key;  // smallest neighbour below u
      CHALNI_RETURN_IF_ERROR(small.Add(HashDoc{u, m}));
      while (const HashDoc* e = groups.NextMember()) {
        *changed = true;
        CHALNI_RETURN_IF_ERROR(small.Add(HashDoc{e->doc_key, m}));
      }
    }
    CHALNI_RETURN_IF_ERROR(groups.status());
  }
  return small.Finish();
}

// Reads the nodes file (NodeKey, sorted by doc_key; a node's rank is its position).
StatusOr<RecordReader<NodeKey>> OpenNodes(const std::string& path) {
  return RecordReader<NodeKey>::Open(path);
}

Status ClusterOutOfCore(
    const NearDedupParams& params, const std::vector<std::string>& edge_files,
    const std::vector<std::string>& exact_decision_files, const std::string& nodes_path,
    const SpillOptions& spill, SpillDir& dir, DecisionFiles& out, ClusterTaskStats& stats) {
  // Two sorters are alive at a time (one read while the next is fed): each gets half.
  SpillOptions half = spill;
  half.memory_budget_bytes = std::max<size_t>(spill.memory_budget_bytes / 2, size_t{64} << 10);

  const RecordWriterOptions small_blocks = TempFileOptions(spill);

  // 0. The members the exact pass removed, sorted by doc_key, to mark them in step 3.
  auto removed_path = dir.NewPath();
  if (!removed_path.ok()) return removed_path.status();
  {
    ExternalSorter<NodeKey, NodeKeyLess> exact_removed(half);
    CHALNI_RETURN_IF_ERROR(ForEachRecord<ExactDecisionRecord>(
        exact_decision_files, 0, [&](const ExactDecisionRecord& d) -> Status {
          if (SameKey(d.input_index, d.byte_offset, d.survivor_input, d.survivor_offset)) {
            return Status::Ok();
          }
          return exact_removed.Add(NodeKey{d.input_index, 0, d.byte_offset});
        }));
    auto sorted = exact_removed.Finish();
    if (!sorted.ok()) return sorted.status();
    auto w = RecordWriter<NodeKey>::Create(*removed_path, small_blocks);
    if (!w.ok()) return w.status();
    while (const NodeKey* k = (*sorted)->Next()) CHALNI_RETURN_IF_ERROR(w->Append(*k));
    CHALNI_RETURN_IF_ERROR((*sorted)->status());
    CHALNI_RETURN_IF_ERROR(w->Close());
  }

  // 1. Rank both endpoints of every edge: sort by the first endpoint and join with the nodes,
  //    then by the second. Exact records link a removed member to its exact survivor.
  ExternalSorter<KeyPair, KeyPairByA> by_a(half);
  CHALNI_RETURN_IF_ERROR(ForEachRecord<NearEdge>(
      edge_files, kEdgeSchemaTag, [&](const NearEdge& e) -> Status {
        return by_a.Add(KeyPair{e.a_input, e.b_input, e.a_offset, e.b_offset});
      }));
  CHALNI_RETURN_IF_ERROR(ForEachRecord<ExactDecisionRecord>(
      exact_decision_files, 0, [&](const ExactDecisionRecord& d) -> Status {
        if (SameKey(d.input_index, d.byte_offset, d.survivor_input, d.survivor_offset)) {
          return Status::Ok();
        }
        return by_a.Add(KeyPair{d.input_index, d.survivor_input, d.byte_offset,
                                d.survivor_offset});
      }));
  ExternalSorter<RankKey, RankKeyByB> by_b(half);
  {
    auto sorted = by_a.Finish();
    if (!sorted.ok()) return sorted.status();
    auto nodes = OpenNodes(nodes_path);
    if (!nodes.ok()) return nodes.status();
    uint64_t rank = 0;
    const NodeKey* node = nodes->Next();
    while (const KeyPair* e = (*sorted)->Next()) {
      while (node != nullptr &&
             KeyLess(node->input_index, node->byte_offset, e->a_input, e->a_offset)) {
        node = nodes->Next();
        ++rank;
      }
      CHALNI_RETURN_IF_ERROR(nodes->status());
      CHALNI_CHECK(node != nullptr && SameKey(node->input_index, node->byte_offset, e->a_input,
                                              e->a_offset));
      CHALNI_RETURN_IF_ERROR(by_b.Add(RankKey{rank, e->b_input, 0, e->b_offset}));
    }
    CHALNI_RETURN_IF_ERROR((*sorted)->status());
  }
  EdgeSorter canonical(half);
  {
    auto sorted = by_b.Finish();
    if (!sorted.ok()) return sorted.status();
    auto nodes = OpenNodes(nodes_path);
    if (!nodes.ok()) return nodes.status();
    uint64_t rank = 0;
    const NodeKey* node = nodes->Next();
    while (const RankKey* e = (*sorted)->Next()) {
      while (node != nullptr &&
             KeyLess(node->input_index, node->byte_offset, e->b_input, e->b_offset)) {
        node = nodes->Next();
        ++rank;
      }
      CHALNI_RETURN_IF_ERROR(nodes->status());
      CHALNI_CHECK(node != nullptr && SameKey(node->input_index, node->byte_offset, e->b_input,
                                              e->b_offset));
      if (rank == e->a_rank) continue;
      CHALNI_RETURN_IF_ERROR(canonical.Add(
          HashDoc{std::max(rank, e->a_rank), std::min(rank, e->a_rank)}));
    }
    CHALNI_RETURN_IF_ERROR((*sorted)->status());
  }

  // 2. Star rounds until nothing changes: then every edge links a node to its component's
  //    minimum.
  auto stars = canonical.Finish();
  if (!stars.ok()) return stars.status();
  std::unique_ptr<EdgeReader> current = std::move(*stars);
  while (true) {
    bool changed = false;
    auto next = StarRound(std::move(current), half, &changed);
    if (!next.ok()) return next.status();
    current = std::move(*next);
    ++stats.rounds;
    if (!changed) break;
  }

  // 3. Label every node (a leaf: its star's centre; otherwise itself) and mark the members the
  //    exact pass removed (sorted at the start, joined by doc_key).
  ExternalSorter<LabeledNode, LabeledNodeLess> by_label(half);
  {
    auto removed = RecordReader<NodeKey>::Open(*removed_path);
    if (!removed.ok()) return removed.status();
    auto nodes = OpenNodes(nodes_path);
    if (!nodes.ok()) return nodes.status();
    UniqueEdges<EdgeReader> leaves(*current);  // sorted by leaf
    const HashDoc* leaf = leaves.Next();
    const NodeKey* removed_key = removed->Next();
    uint64_t rank = 0;
    for (const NodeKey* node = nodes->Next(); node != nullptr; node = nodes->Next(), ++rank) {
      while (leaf != nullptr && leaf->hash < rank) leaf = leaves.Next();
      while (removed_key != nullptr && KeyLess(removed_key->input_index, removed_key->byte_offset,
                                               node->input_index, node->byte_offset)) {
        removed_key = removed->Next();
      }
      const bool is_leaf = leaf != nullptr && leaf->hash == rank;
      const bool is_removed =
          removed_key != nullptr && SameKey(removed_key->input_index, removed_key->byte_offset,
                                            node->input_index, node->byte_offset);
      CHALNI_RETURN_IF_ERROR(by_label.Add(LabeledNode{is_leaf ? leaf->doc_key : rank, rank,
                                                      node->input_index, node->length,
                                                      node->byte_offset, is_removed ? 1u : 0u,
                                                      0}));
    }
    CHALNI_RETURN_IF_ERROR(nodes->status());
    CHALNI_RETURN_IF_ERROR(leaves.status());
    CHALNI_RETURN_IF_ERROR(removed->status());
  }
  current.reset();

  // 4. Per component (a group of the label-sorted stream): its size and survivor. A group can
  //    be larger than memory, so its members go to a file and the summaries to another, and the
  //    two are joined by label.
  auto members_path = dir.NewPath();
  if (!members_path.ok()) return members_path.status();
  auto summary_path = dir.NewPath();
  if (!summary_path.ok()) return summary_path.status();
  {
    auto sorted = by_label.Finish();
    if (!sorted.ok()) return sorted.status();
    auto members = RecordWriter<LabeledNode>::Create(*members_path, small_blocks);
    if (!members.ok()) return members.status();
    auto summaries = RecordWriter<ClusterSummary>::Create(*summary_path, small_blocks);
    if (!summaries.ok()) return summaries.status();
    ClusterSummary c{};
    uint32_t best_length = 0;
    bool open = false;
    auto flush = [&]() -> Status { return open ? summaries->Append(c) : Status::Ok(); };
    while (const LabeledNode* n = (*sorted)->Next()) {
      CHALNI_RETURN_IF_ERROR(members->Append(*n));
      if (!open || n->label != c.label) {
        CHALNI_RETURN_IF_ERROR(flush());
        // Sorted by rank within the label: the first member is the lowest doc_key.
        c = ClusterSummary{n->label, 0, n->rank, n->byte_offset, n->input_index, 0};
        best_length = n->length;
        open = true;
      } else if (params.survivor == Survivor::kLongest && n->length > best_length) {
        c.survivor_rank = n->rank;
        c.survivor_input = n->input_index;
        c.survivor_offset = n->byte_offset;
        best_length = n->length;
      }
      ++c.size;
    }
    CHALNI_RETURN_IF_ERROR((*sorted)->status());
    CHALNI_RETURN_IF_ERROR(flush());
    CHALNI_RETURN_IF_ERROR(members->Close());
    CHALNI_RETURN_IF_ERROR(summaries->Close());
  }

  // 5. Decisions, sorted back into doc_key order and split by shard.
  ExternalSorter<NearDecision, DecisionByKey> decisions(half);
  {
    auto members = RecordReader<LabeledNode>::Open(*members_path);
    if (!members.ok()) return members.status();
    auto summaries = RecordReader<ClusterSummary>::Open(*summary_path);
    if (!summaries.ok()) return summaries.status();
    const ClusterSummary* c = summaries->Next();
    while (const LabeledNode* n = members->Next()) {
      while (c != nullptr && c->label < n->label) c = summaries->Next();
      CHALNI_RETURN_IF_ERROR(summaries->status());
      CHALNI_CHECK(c != nullptr && c->label == n->label);
      if (c->size < 2) continue;
      if (c->size > 0xFFFFFFFFull) {
        return ResourceExhaustedError("near-dedup cluster task: a cluster of more than 2^32 - 1 "
                                      "documents");
      }
      NearDecision d;
      d.input_index = n->input_index;
      d.byte_offset = n->byte_offset;
      d.survivor_input = c->survivor_input;
      d.survivor_offset = c->survivor_offset;
      d.cluster_size = static_cast<uint32_t>(c->size);
      d.kind = n->rank == c->survivor_rank ? DecisionKind::kSurvivor
               : n->exact_removed != 0    ? DecisionKind::kExact
                                          : DecisionKind::kNear;
      CHALNI_RETURN_IF_ERROR(decisions.Add(d));
    }
    CHALNI_RETURN_IF_ERROR(members->status());
  }
  dir.Remove();
  auto sorted = decisions.Finish();
  if (!sorted.ok()) return sorted.status();
  while (const NearDecision* d = (*sorted)->Next()) CHALNI_RETURN_IF_ERROR(out.Add(*d));
  CHALNI_RETURN_IF_ERROR((*sorted)->status());
  return out.Close();
}

}  // namespace

StatusOr<ClusterTaskStats> RunNearDedupClusterTask(
    const NearDedupParams& params, const std::vector<std::string>& edge_files,
    const std::vector<std::string>& exact_decision_files, uint32_t num_shards,
    const std::function<uint32_t(uint32_t input_index)>& shard_of_input,
    const std::function<std::string(uint32_t shard)>& decisions_path, const SpillOptions& spill) {
  CHALNI_RETURN_IF_ERROR(ValidateNearDedupParams(params));
  if (num_shards == 0) return InvalidArgumentError("near-dedup cluster task: no shards");
  ClusterTaskStats stats;
  stats.budget_bytes = spill.memory_budget_bytes;
  DecisionFiles out(num_shards, shard_of_input, decisions_path, &stats);
  CHALNI_RETURN_IF_ERROR(out.Open());

  // Pass 1: every document named by an edge or an exact decision, sorted and unique (spilling
  // beyond the budget). They are held in memory while the in-memory path's tables fit the
  // budget; past that, they go to a file and the components are computed out of core.
  // Why the sorter gets half the budget: its merge buffers are alive while the node table
  // fills (16 of the 28 bytes per node), so the peak stays near the budget.
  const uint64_t max_in_memory = spill.memory_budget_bytes / kInMemoryBytesPerNode;
  std::vector<NodeKey> nodes;
  // Reserved (address space; pages count only once filled) so that growing never copies.
  nodes.reserve(std::min<uint64_t>(max_in_memory, uint64_t{1} << 24));
  SpillDir dir(spill.tmp_dir);
  std::string nodes_path;
  {
    SpillOptions half = spill;
    half.memory_budget_bytes = std::max<size_t>(spill.memory_budget_bytes / 2, size_t{64} << 10);
    ExternalSorter<NodeKey, NodeKeyLess> sorter(half);
    CHALNI_RETURN_IF_ERROR(ForEachRecord<NearEdge>(
        edge_files, kEdgeSchemaTag, [&](const NearEdge& e) -> Status {
          ++stats.near_edges;
          CHALNI_RETURN_IF_ERROR(sorter.Add(NodeKey{e.a_input, e.a_length, e.a_offset}));
          return sorter.Add(NodeKey{e.b_input, e.b_length, e.b_offset});
        }));
    CHALNI_RETURN_IF_ERROR(ForEachRecord<ExactDecisionRecord>(
        exact_decision_files, 0, [&](const ExactDecisionRecord& d) -> Status {
          ++stats.exact_records;
          CHALNI_RETURN_IF_ERROR(sorter.Add(NodeKey{d.input_index, 0, d.byte_offset}));
          return sorter.Add(NodeKey{d.survivor_input, 0, d.survivor_offset});
        }));
    auto sorted = sorter.Finish();
    if (!sorted.ok()) return sorted.status();
    std::optional<RecordWriter<NodeKey>> spilled;
    NodeKey last{};
    bool have_last = false;
    // Emits the previous node once its last (longest) record has been seen.
    auto emit = [&](const NodeKey& k) -> Status {
      ++stats.nodes;
      if (spilled.has_value()) return spilled->Append(k);
      if (nodes.size() < max_in_memory) {
        nodes.push_back(k);
        return Status::Ok();
      }
      auto path = dir.NewPath();
      if (!path.ok()) return path.status();
      nodes_path = *path;
      auto w = RecordWriter<NodeKey>::Create(nodes_path, TempFileOptions(spill));
      if (!w.ok()) return w.status();
      spilled.emplace(std::move(*w));
      CHALNI_RETURN_IF_ERROR(spilled->Append(std::span<const NodeKey>(nodes)));
      std::vector<NodeKey>().swap(nodes);
      return spilled->Append(k);
    };
    while (const NodeKey* k = (*sorted)->Next()) {
      if (have_last && !SameKey(last.input_index, last.byte_offset, k->input_index,
                                k->byte_offset)) {
        CHALNI_RETURN_IF_ERROR(emit(last));
      }
      // Sorted by length last: the last record of a document carries its largest known length.
      last = *k;
      have_last = true;
    }
    CHALNI_RETURN_IF_ERROR((*sorted)->status());
    if (have_last) CHALNI_RETURN_IF_ERROR(emit(last));
    if (spilled.has_value()) CHALNI_RETURN_IF_ERROR(spilled->Close());
  }
  if (!nodes_path.empty()) {
    stats.out_of_core = true;
    CHALNI_RETURN_IF_ERROR(ClusterOutOfCore(params, edge_files, exact_decision_files, nodes_path,
                                            spill, dir, out, stats));
    return stats;
  }
  nodes.shrink_to_fit();
  if (nodes.size() > 0xFFFFFFFEull) {
    return ResourceExhaustedError("near-dedup cluster task: more than 2^32 - 2 documents in "
                                  "clusters in memory");
  }
  const uint32_t n = static_cast<uint32_t>(nodes.size());

  // Pass 2: union-find over the edges of both passes.
  UnionFind uf(n);
  std::vector<bool> exact_removed(n, false);
  CHALNI_RETURN_IF_ERROR(ForEachRecord<NearEdge>(
      edge_files, kEdgeSchemaTag, [&](const NearEdge& e) -> Status {
        uf.Union(NodeIndex(nodes, e.a_input, e.a_offset), NodeIndex(nodes, e.b_input, e.b_offset));
        return Status::Ok();
      }));
  CHALNI_RETURN_IF_ERROR(ForEachRecord<ExactDecisionRecord>(
      exact_decision_files, 0, [&](const ExactDecisionRecord& d) -> Status {
        const uint32_t member = NodeIndex(nodes, d.input_index, d.byte_offset);
        const uint32_t survivor = NodeIndex(nodes, d.survivor_input, d.survivor_offset);
        if (member != survivor) {
          exact_removed[member] = true;
          uf.Union(member, survivor);
        }
        return Status::Ok();
      }));

  // Survivor of each root: nodes are in doc_key order, so the first member seen is the lowest
  // key; kLongest replaces it only with a strictly longer text (ties keep the lower key).
  constexpr uint32_t kNone = 0xFFFFFFFFu;
  std::vector<uint32_t> best(n, kNone);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t root = uf.Find(i);
    uint32_t& b = best[root];
    if (b == kNone ||
        (params.survivor == Survivor::kLongest && nodes[i].length > nodes[b].length)) {
      b = i;
    }
  }
  stats.memory_bytes = nodes.capacity() * sizeof(NodeKey) + uint64_t{n} * 4 * 3 + n / 8;

  // Pass 3: decisions in doc_key order, split by shard.
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t root = uf.Find(i);
    const uint32_t size = uf.SizeOf(root);
    if (size < 2) continue;
    const NodeKey& surv = nodes[best[root]];
    NearDecision d;
    d.input_index = nodes[i].input_index;
    d.byte_offset = nodes[i].byte_offset;
    d.survivor_input = surv.input_index;
    d.survivor_offset = surv.byte_offset;
    d.cluster_size = size;
    d.kind = best[root] == i     ? DecisionKind::kSurvivor
             : exact_removed[i] ? DecisionKind::kExact
                                : DecisionKind::kNear;
    CHALNI_RETURN_IF_ERROR(out.Add(d));
  }
  CHALNI_RETURN_IF_ERROR(out.Close());
  return stats;
}

}  // namespace chalni::dedup
