#include "pipeline/id_index.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "internal/fs.h"

namespace chalni {
namespace {

std::string TempDir() {
  std::string pattern = std::filesystem::temp_directory_path().string() + "/chalni-ids-XXXXXX";
  return ::mkdtemp(pattern.data());
}

TEST(IdIndexTest, FindsEveryIdAndReportsAbsentKeys) {
  const std::string dir = TempDir();
  const std::string path = dir + "/shard.ids";
  IdIndexWriter w;
  ASSERT_TRUE(w.Open(path).ok());
  EXPECT_FALSE(FileExists(path));  // only the finished index carries the final name
  for (uint32_t input = 0; input < 3; ++input) {
    for (uint64_t off = 0; off < 3000; off += 3) {
      // Ids of varied length, including empty ones and non-ASCII bytes.
      std::string id = off % 7 == 0 ? "" : "doc-" + std::to_string(input) + "-" +
                                               std::to_string(off) + "-আমার";
      ASSERT_TRUE(w.Add(input, off * 100, id).ok());
    }
  }
  ASSERT_TRUE(w.Finish().ok());
  EXPECT_TRUE(FileExists(path));
  EXPECT_FALSE(FileExists(path + ".entries.tmp"));
  EXPECT_FALSE(FileExists(path + ".tmp"));

  IdIndexReader r;
  ASSERT_TRUE(r.Open(path).ok());
  for (uint32_t input = 0; input < 3; ++input) {
    for (uint64_t off = 0; off < 3000; off += 3) {
      auto id = r.Find(input, off * 100);
      ASSERT_TRUE(id.ok()) << input << ":" << off;
      EXPECT_EQ(*id, off % 7 == 0 ? "" : "doc-" + std::to_string(input) + "-" +
                                             std::to_string(off) + "-আমার");
    }
  }
  EXPECT_EQ(r.Find(1, 101).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.Find(9, 0).status().code(), StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST(IdIndexTest, EmptyIndexAndReopenAfterAKilledWrite) {
  const std::string dir = TempDir();
  const std::string path = dir + "/empty.ids";
  {
    // A writer that never finishes (the process died) leaves only .tmp files behind...
    IdIndexWriter w;
    ASSERT_TRUE(w.Open(path).ok());
    ASSERT_TRUE(w.Add(0, 0, "lost").ok());
  }
  EXPECT_FALSE(FileExists(path));
  // ...which the next attempt truncates.
  IdIndexWriter w;
  ASSERT_TRUE(w.Open(path).ok());
  ASSERT_TRUE(w.Finish().ok());
  IdIndexReader r;
  ASSERT_TRUE(r.Open(path).ok());
  EXPECT_EQ(r.Find(0, 0).status().code(), StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST(IdIndexTest, CorruptFileIsDataLoss) {
  const std::string dir = TempDir();
  ASSERT_TRUE(WriteFileAtomic(dir + "/bad.ids", "not an index at all, just text").ok());
  IdIndexReader r;
  EXPECT_EQ(r.Open(dir + "/bad.ids").code(), StatusCode::kDataLoss);
  std::filesystem::remove_all(dir);
}

TEST(IdIndexTest, FileSizeLimitIsResourceExhausted) {
  // A full disk surfaces at Add or Finish as ResourceExhausted (exit 3), never as a silent
  // short index. RLIMIT_FSIZE in a child process stands in for the full disk.
  const std::string dir = TempDir();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit lim{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &lim);
    IdIndexWriter w;
    Status s = w.Open(dir + "/full.ids");
    for (int i = 0; s.ok() && i < 100000; ++i) s = w.Add(0, i, "some-longer-document-id");
    if (s.ok()) s = w.Finish();
    std::_Exit(s.code() == StatusCode::kResourceExhausted ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_FALSE(FileExists(dir + "/full.ids"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace chalni
