// Replay driver: runs a fuzz target's LLVMFuzzerTestOneInput over files, without libFuzzer, so
// the normal (gcc) and ASan builds check the committed seed corpora and crash reproducers on
// every `make test`.
//
//   jsonl_reader_replay fuzz/corpus/jsonl_reader fuzz/regressions/jsonl_reader
//
// Each argument is a file or a directory (walked recursively, files in bytewise path order so a
// failure names the same file every time). A missing argument is an error: a renamed corpus
// folder must not turn the test into one that checks nothing. Exit 0 when every input ran; an
// input that breaks an invariant aborts, naming itself first.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool ReadAll(const std::filesystem::path& path, std::vector<uint8_t>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> files;
  for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
    const fs::path arg = argv[arg_idx];
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::recursive_directory_iterator(arg)) {
        // Dot files (.gitkeep holding an empty regressions folder) are not inputs.
        if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') {
          found.push_back(entry.path());
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "%s: no such file or directory: %s\n", argv[0], argv[arg_idx]);
      return 2;
    }
  }
  std::vector<uint8_t> bytes;
  for (const fs::path& path : files) {
    if (!ReadAll(path, &bytes)) {
      std::fprintf(stderr, "%s: cannot read %s\n", argv[0], path.c_str());
      return 2;
    }
    std::fprintf(stderr, "replay %s (%zu bytes)\n", path.c_str(), bytes.size());
    // A copy of exactly `size` bytes, so ASan sees a read past the end as one.
    std::vector<uint8_t> input(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(input.empty() ? nullptr : input.data(), input.size());
  }
  std::fprintf(stderr, "replayed %zu inputs\n", files.size());
  return 0;
}
