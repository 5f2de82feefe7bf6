// Small file-system helpers with Status errors: atomic whole-file writes, reading files,
// directory creation and removal. Paths are std::string; errors name the path and errno text.
//
//   CHALNI_RETURN_IF_ERROR(WriteFileAtomic(dir + "/MANIFEST.json", json));
#ifndef CHALNI_INTERNAL_FS_H_
#define CHALNI_INTERNAL_FS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chalni/status.h"

namespace chalni {

// Durability against power loss (run.fsync). When on (the default), every completed file is
// fsynced before its rename; when off, SyncFile() does nothing: files are still written as
// .tmp and renamed, so a killed process (SIGKILL, OOM, full disk) leaves only complete files,
// but an operating-system crash or power loss may lose recent ones. Set once before a run.
void SetFsyncEnabled(bool enabled);
bool FsyncEnabled();
// fsync(fd) when FsyncEnabled(), else 0.
int SyncFile(int fd);

// Writes `data` to `path + ".tmp"`, fsyncs (SyncFile), and renames it to `path`.
Status WriteFileAtomic(const std::string& path, std::string_view data);
StatusOr<std::string> ReadFile(const std::string& path);
bool FileExists(const std::string& path);
Status MakeDirs(const std::string& path);
Status RemoveAll(const std::string& path);
// Status for a failed system call on `path` (ENOSPC/EDQUOT/EFBIG -> ResourceExhausted).
Status ErrnoStatus(const std::string& what, const std::string& path, int err);
// Regular files directly in `dir` whose names start with `prefix`, sorted bytewise.
std::vector<std::string> ListFiles(const std::string& dir, std::string_view prefix = "");
// The XXH3-64 of a file's bytes, as 16 hex digits.
StatusOr<std::string> HashFileHex(const std::string& path);
std::string HexU64(uint64_t v);

}  // namespace chalni

#endif  // CHALNI_INTERNAL_FS_H_
