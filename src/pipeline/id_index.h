// Per-shard index from doc_key to id, written by the document-local pass. The write pass uses
// it to name a duplicate's survivor (`duplicate_of`) when the survivor lives in another shard,
// by binary search with pread (no index is loaded whole, so memory stays flat).
//
// File layout: "CHIDX2\0\0", u64 count, u64 blob_bytes, the id bytes (blob_bytes), then
// count × {u32 input_index, u32 id_len, u64 byte_offset, u64 blob_offset}. Entries are in doc_key
// order (the order documents are read in).
//
// The writer streams: ids go straight to the file and entries to a side file that is appended
// at Finish(), so a shard of millions of documents costs two write buffers, not its ids.
//
//   IdIndexWriter ids;
//   CHALNI_RETURN_IF_ERROR(ids.Open(base + ".ids"));
//   for (each document) CHALNI_RETURN_IF_ERROR(ids.Add(input_index, byte_offset, id));
//   CHALNI_RETURN_IF_ERROR(ids.Finish());  // fsync + rename: base.ids appears complete
#ifndef CHALNI_PIPELINE_ID_INDEX_H_
#define CHALNI_PIPELINE_ID_INDEX_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "chalni/status.h"

namespace chalni {

class IdIndexWriter {
 public:
  IdIndexWriter() = default;
  ~IdIndexWriter();
  IdIndexWriter(const IdIndexWriter&) = delete;
  IdIndexWriter& operator=(const IdIndexWriter&) = delete;
  // Creates path.tmp and path.entries.tmp (truncating leftovers of a killed run).
  Status Open(const std::string& path);
  Status Add(uint32_t input_index, uint64_t byte_offset, std::string_view id);
  // Appends the entries, writes the header, fsyncs and renames path.tmp to path.
  Status Finish();

 private:
  Status Fail(const std::string& what, const std::string& path);
  std::string path_;
  FILE* file_ = nullptr;
  FILE* entries_ = nullptr;
  uint64_t count_ = 0;
  uint64_t blob_bytes_ = 0;
};

class IdIndexReader {
 public:
  IdIndexReader() = default;
  ~IdIndexReader();
  IdIndexReader(const IdIndexReader&) = delete;
  IdIndexReader& operator=(const IdIndexReader&) = delete;
  Status Open(const std::string& path);
  // The id of the document at (input_index, byte_offset); NotFound when absent.
  StatusOr<std::string> Find(uint32_t input_index, uint64_t byte_offset) const;

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t count_ = 0;
  uint64_t blob_bytes_ = 0;
};

}  // namespace chalni

#endif  // CHALNI_PIPELINE_ID_INDEX_H_
