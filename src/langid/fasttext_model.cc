#include "langid/fasttext_model.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <utility>

#include "langid/simd_sum.h"

namespace chalni::langid {
namespace {

constexpr int32_t kFastTextMagic = 793712314;
constexpr int32_t kFastTextVersion = 12;
constexpr std::string_view kLabelPrefix = "__label__";
constexpr std::string_view kEos = "</s>";
constexpr int kModelSupervised = 3;
constexpr int kSigmoidTableSize = 512;
constexpr float kMaxSigmoid = 8;

// fastText's hash (Dictionary::hash in 0.9.2): FNV-1a over the bytes, each byte sign-extended
// (uint32_t(int8_t(c))), so bytes >= 0x80 hash differently from textbook FNV-1a.
inline uint32_t FnvStep(uint32_t h, char c) {
  return (h ^ static_cast<uint32_t>(static_cast<int8_t>(c))) * 16777619u;
}
constexpr uint32_t kFnvBasis = 2166136261u;

inline uint32_t FastTextHash(std::string_view s) {
  uint32_t h = kFnvBasis;
  for (char c : s) h = FnvStep(h, c);
  return h;
}

// Lemire's fastmod: a % d for any 32-bit a and d without a division instruction (the n-gram loop
// takes one modulo per n-gram; a 32-bit div costs more than the rest of the step).
inline uint32_t FastMod(uint32_t a, uint64_t magic, uint32_t d) {
  uint64_t low = magic * a;
  return static_cast<uint32_t>((static_cast<__uint128_t>(low) * d) >> 64);
}

// fastText's readWord separators: ' ' \n \r \t \v \f \0.
constexpr std::array<bool, 256> kSpaceTable = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {' ', '\n', '\r', '\t', '\v', '\f', '\0'}) t[c] = true;
  return t;
}();
inline bool IsFastTextSpace(char c) { return kSpaceTable[static_cast<unsigned char>(c)]; }

// Key of chalni's own word table (any good hash works there; fastText's FNV is only needed for
// n-gram buckets): 8 bytes per multiply.
inline uint64_t WordKey(std::string_view s) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = s.size() * kMul;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t v;
    std::memcpy(&v, s.data() + i, 8);
    h = (h ^ v) * kMul;
    h ^= h >> 32;
  }
  if (i < s.size()) {
    uint64_t v = 0;
    std::memcpy(&v, s.data() + i, s.size() - i);
    h = (h ^ v) * kMul;
    h ^= h >> 32;
  }
  h *= kMul;
  return h ^ (h >> 29);
}

// Population count without assuming the POPCNT instruction (the build targets baseline x86-64).
inline uint32_t Popcount64(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<uint32_t>((x * 0x0101010101010101ull) >> 56);
}

// fastText's std_log: log(x + 1e-5) in double, returned as float.
inline float StdLog(float x) { return static_cast<float>(std::log(static_cast<double>(x) + 1e-5)); }

// fastText's comparePairs: a min-heap on the score, so the heap's front is the worst kept.
inline bool ComparePairs(const std::pair<float, int32_t>& l, const std::pair<float, int32_t>& r) {
  return l.first > r.first;
}

class FileReader {
 public:
  explicit FileReader(const std::string& path) : path_(path), in_(path, std::ios::binary) {}
  bool is_open() const { return in_.is_open(); }
  template <typename T>
  bool Read(T* value) {
    return ReadBytes(value, sizeof(T));
  }
  bool ReadBytes(void* dest, size_t n) {
    in_.read(static_cast<char*>(dest), static_cast<std::streamsize>(n));
    return static_cast<size_t>(in_.gcount()) == n;
  }
  bool ReadCString(std::string* out) {
    out->clear();
    std::streambuf* sb = in_.rdbuf();
    for (;;) {
      int c = sb->sbumpc();
      if (c == std::char_traits<char>::eof()) return false;
      if (c == 0) return true;
      out->push_back(static_cast<char>(c));
    }
  }
  Status Error(const std::string& what) const {
    return InvalidArgumentError("fastText model " + path_ + ": " + what);
  }

 private:
  std::string path_;
  std::ifstream in_;
};

// A product quantizer as fastText stores it (ProductQuantizer::load): 256 centroids per
// sub-quantizer.
struct ProductQuantizer {
  int32_t dim = 0, nsubq = 0, dsub = 0, lastdsub = 0;
  std::vector<float> centroids;
  static constexpr int kKsub = 256;
  const float* Centroids(int32_t m, uint8_t i) const {
    if (m == nsubq - 1) return &centroids[m * kKsub * dsub + i * lastdsub];
    return &centroids[(m * kKsub + i) * dsub];
  }
  bool Load(FileReader& r) {
    if (!r.Read(&dim) || !r.Read(&nsubq) || !r.Read(&dsub) || !r.Read(&lastdsub)) return false;
    if (dim <= 0 || dim > 65536 || nsubq <= 0 || dsub <= 0 || lastdsub <= 0) return false;
    if (static_cast<int64_t>(nsubq - 1) * dsub + lastdsub != dim) return false;
    centroids.resize(static_cast<size_t>(dim) * kKsub);
    return r.ReadBytes(centroids.data(), centroids.size() * sizeof(float));
  }
};

// A matrix as stored (dense or quantised), expanded to floats: row r is norm[r] * values.
// For the input matrix the norm is folded into the values (fastText adds alpha * c[n], which is
// exactly the product stored here); the output keeps it apart because QuantMatrix::dotRow
// multiplies the finished dot product by it.
struct LoadedMatrix {
  int64_t m = 0, n = 0;
  std::vector<float> values;
  std::vector<float> norms;  // empty when every norm is 1
};

bool LoadDense(FileReader& r, LoadedMatrix* out) {
  if (!r.Read(&out->m) || !r.Read(&out->n)) return false;
  if (out->m <= 0 || out->n <= 0 || out->n > 65536 || out->m > (int64_t{1} << 34) / out->n) {
    return false;
  }
  out->values.resize(static_cast<size_t>(out->m * out->n));
  return r.ReadBytes(out->values.data(), out->values.size() * sizeof(float));
}

bool LoadQuantised(FileReader& r, bool fold_norm, LoadedMatrix* out) {
  bool qnorm = false;
  int32_t codesize = 0;
  if (!r.Read(&qnorm) || !r.Read(&out->m) || !r.Read(&out->n) || !r.Read(&codesize)) return false;
  if (out->m <= 0 || out->n <= 0 || out->n > 65536 || codesize <= 0) return false;
  std::vector<uint8_t> codes(codesize);
  if (!r.ReadBytes(codes.data(), codes.size())) return false;
  ProductQuantizer pq;
  if (!pq.Load(r) || pq.dim != out->n) return false;
  if (static_cast<int64_t>(codesize) != out->m * pq.nsubq) return false;
  std::vector<uint8_t> norm_codes;
  ProductQuantizer npq;
  if (qnorm) {
    norm_codes.resize(out->m);
    if (!r.ReadBytes(norm_codes.data(), norm_codes.size())) return false;
    if (!npq.Load(r) || npq.dim != 1) return false;
  }
  out->values.assign(static_cast<size_t>(out->m * out->n), 0.0f);
  if (qnorm && !fold_norm) out->norms.resize(out->m);
  for (int64_t row = 0; row < out->m; ++row) {
    float norm = 1;
    if (qnorm) norm = npq.Centroids(0, norm_codes[row])[0];
    float alpha = fold_norm ? norm : 1.0f;
    if (qnorm && !fold_norm) out->norms[row] = norm;
    const uint8_t* code = codes.data() + pq.nsubq * row;
    float* dest = out->values.data() + row * out->n;
    int32_t d = pq.dsub;
    for (int32_t sub = 0; sub < pq.nsubq; ++sub) {
      const float* c = pq.Centroids(sub, code[sub]);
      if (sub == pq.nsubq - 1) d = pq.lastdsub;
      for (int32_t col = 0; col < d; ++col) dest[sub * pq.dsub + col] = alpha * c[col];
    }
  }
  return true;
}

void FreeAligned(float* p) { std::free(p); }

}  // namespace

// Per-thread buffers: a call allocates nothing once they have grown to the largest text seen.
struct FastTextModel::Scratch {
  // Row ids of the line; ids.size() is capacity, nids the count (grown, never shrunk, so the
  // hot loop writes through a pointer without per-element capacity checks).
  std::vector<int32_t> ids;
  size_t nids = 0;
  int32_t* Reserve(size_t extra) {
    if (ids.size() < nids + extra) ids.resize(std::max(ids.size() * 2, nids + extra + 1024));
    return ids.data() + nids;
  }
  void Commit(const int32_t* end) { nids = static_cast<size_t>(end - ids.data()); }

  // Rows of recently seen tokens. Web text is Zipfian: most tokens repeat within a thread's
  // recent documents, and a hit replaces ~20 n-gram hashes, bucket lookups and popcounts by one
  // probe and a copy. The rows are exactly what the n-gram loop would produce, so results do not
  // depend on the cache's state. Cleared when full or when another model uses the thread.
  struct TokenCache {
    static constexpr size_t kSlots = size_t{1} << 15;
    static constexpr size_t kMaxEntries = kSlots / 2;
    static constexpr size_t kMaxRows = size_t{1} << 19;  // 2 MB of row ids
    static constexpr size_t kMaxTokenBytes = 48;         // longer tokens are rare: not cached
    struct Slot {
      uint64_t key;
      uint32_t rows_begin;
      uint32_t chars_begin;
      uint16_t nrows;
      uint8_t len;
      uint8_t used;
    };
    std::vector<Slot> slots;
    std::vector<int32_t> rows;
    std::string chars;
    size_t entries = 0;
    uint64_t owner = 0;

    void Reset(uint64_t model_serial) {
      if (slots.size() != kSlots) slots.resize(kSlots);
      std::memset(static_cast<void*>(slots.data()), 0, kSlots * sizeof(Slot));
      rows.clear();
      chars.clear();
      entries = 0;
      owner = model_serial;
    }
    const Slot* Find(std::string_view token, uint64_t key) const {
      size_t slot = key & (kSlots - 1);
      for (;;) {
        const Slot& e = slots[slot];
        if (!e.used) return nullptr;
        if (e.key == key && e.len == token.size() &&
            std::memcmp(chars.data() + e.chars_begin, token.data(), token.size()) == 0) {
          return &e;
        }
        slot = (slot + 1) & (kSlots - 1);
      }
    }
    void Insert(std::string_view token, uint64_t key, const int32_t* r, size_t n) {
      if (token.size() > kMaxTokenBytes || n > 0xFFFF) return;
      if (entries >= kMaxEntries || rows.size() + n > kMaxRows) Reset(owner);
      size_t slot = key & (kSlots - 1);
      while (slots[slot].used) slot = (slot + 1) & (kSlots - 1);
      slots[slot] = Slot{key,
                         static_cast<uint32_t>(rows.size()),
                         static_cast<uint32_t>(chars.size()),
                         static_cast<uint16_t>(n),
                         static_cast<uint8_t>(token.size()),
                         1};
      rows.insert(rows.end(), r, r + n);
      chars.append(token);
      ++entries;
    }
  };
  TokenCache cache;

  std::vector<uint32_t> word_hashes;
  std::string word;  // "<token>" for n-gram hashing
  std::vector<float> hidden;
  std::vector<float> output;
  std::vector<std::pair<float, int32_t>> heap;
  // Per span: [ids_begin, ids_end) and [hash_begin, hash_end); -1 when no token fell inside.
  struct SpanRange {
    int64_t ids_begin = -1, ids_end = -1;
    int64_t hash_begin = -1, hash_end = -1;
  };
  std::vector<SpanRange> spans;
  size_t tokens = 0;  // tokens read (words, labels and "</s>")
  std::vector<int32_t> span_ids;
  std::vector<uint32_t> span_hashes;
  std::vector<Prediction> span_preds;
};

namespace {
FastTextModel::Scratch& ThreadScratch();
}  // namespace

namespace {

// Dictionary::computeSubwords over "<token>", hashing each n-gram incrementally: the n-grams
// starting at one character are prefixes of each other, so one FNV pass over up to maxn
// characters yields all of them. No branch depends on whether a bucket was kept: the row is
// always written and the pointer advances by 0 or 1.
template <bool kPruned, bool kHardwarePopcount>
__attribute__((always_inline)) inline int32_t* NgramRows(const NgramParams& p, const char* w,
                                                         size_t size, int32_t* out) {
  const NgramParams params = p;  // a local copy the compiler may keep in registers
  for (size_t i = 0; i < size; ++i) {
    if ((w[i] & 0xC0) == 0x80) continue;
    uint32_t h = kFnvBasis;
    size_t j = i;
    for (int n = 1; j < size && n <= params.maxn; ++n) {
      h = FnvStep(h, w[j++]);
      while (j < size && (w[j] & 0xC0) == 0x80) h = FnvStep(h, w[j++]);
      if (n >= params.minn && !(n == 1 && (i == 0 || j == size))) {
        const uint32_t b = FastMod(h, params.magic, params.bucket);
        if constexpr (kPruned) {
          const BucketWord& bw = params.words[b >> 6];
          const uint64_t bit = uint64_t{1} << (b & 63);
          const uint64_t below = bw.bits & (bit - 1);
          uint32_t count;
          if constexpr (kHardwarePopcount) {
            count = static_cast<uint32_t>(__builtin_popcountll(below));
          } else {
            count = Popcount64(below);
          }
          *out = params.nwords + static_cast<int32_t>(bw.rank + count);
          out += (bw.bits & bit) != 0;
        } else {
          *out++ = params.nwords + static_cast<int32_t>(b);
        }
      }
    }
  }
  return out;
}

int32_t* NgramRowsDense(const NgramParams& p, const char* w, size_t size, int32_t* out) {
  return NgramRows<false, false>(p, w, size, out);
}
int32_t* NgramRowsPruned(const NgramParams& p, const char* w, size_t size, int32_t* out) {
  return NgramRows<true, false>(p, w, size, out);
}
// Why a POPCNT clone: the build targets baseline x86-64, whose popcount is ~12 instructions; the
// CPU is asked once at load whether it has the instruction.
__attribute__((target("popcnt"))) int32_t* NgramRowsPrunedPopcnt(const NgramParams& p,
                                                                 const char* w, size_t size,
                                                                 int32_t* out) {
  return NgramRows<true, true>(p, w, size, out);
}

}  // namespace

StatusOr<std::unique_ptr<FastTextModel>> FastTextModel::Load(const std::string& path) {
  FileReader r(path);
  if (!r.is_open()) return NotFoundError("fastText model " + path + ": cannot open the file");
  std::unique_ptr<FastTextModel> model(new FastTextModel());
  static std::atomic<uint64_t> next_serial{1};
  model->serial_ = next_serial.fetch_add(1);
  int32_t magic = 0, version = 0;
  if (!r.Read(&magic) || !r.Read(&version)) return r.Error("too short for a fastText model");
  if (magic != kFastTextMagic) return r.Error("not a fastText model (bad magic number)");
  if (version > kFastTextVersion || version < 11) {
    return r.Error("unsupported fastText file version " + std::to_string(version));
  }
  // Args::load: 12 int32 then a double.
  int32_t a[12];
  double sampling_t = 0;
  if (!r.ReadBytes(a, sizeof(a)) || !r.Read(&sampling_t)) return r.Error("truncated arguments");
  model->dim_ = a[0];
  model->word_ngrams_ = a[5];
  int32_t loss = a[6], model_kind = a[7];
  model->bucket_ = a[8];
  model->minn_ = a[9];
  model->maxn_ = a[10];
  if (model_kind != kModelSupervised) {
    return r.Error("not a supervised (classification) model; language ID needs one");
  }
  if (version == 11) model->maxn_ = 0;  // as fastText: old supervised models had no subwords
  if (model->dim_ <= 0 || model->dim_ > 4096) return r.Error("bad dimension");
  if (loss < 1 || loss > 4) return r.Error("unknown loss " + std::to_string(loss));
  model->loss_ = static_cast<Loss>(loss);
  if (model->bucket_ < 0 || model->maxn_ > 64 || model->minn_ < 0)
    return r.Error("bad n-gram arguments");

  // Dictionary::load.
  int32_t size = 0, nwords = 0, nlabels = 0;
  int64_t ntokens = 0, pruneidx_size = 0;
  if (!r.Read(&size) || !r.Read(&nwords) || !r.Read(&nlabels) || !r.Read(&ntokens) ||
      !r.Read(&pruneidx_size)) {
    return r.Error("truncated dictionary header");
  }
  if (size < 0 || nwords < 0 || nlabels <= 0 || size != nwords + nlabels) {
    return r.Error("bad dictionary sizes (the model has no labels?)");
  }
  model->nwords_ = nwords;
  model->entries_.resize(size);
  for (int32_t i = 0; i < size; ++i) {
    int64_t count = 0;
    int8_t type = 0;
    if (!r.ReadCString(&model->entries_[i]) || !r.Read(&count) || !r.Read(&type)) {
      return r.Error("truncated dictionary entry " + std::to_string(i));
    }
    // Dictionary::threshold sorts words before labels; the format relies on it.
    if (type != (i < nwords ? 0 : 1)) return r.Error("dictionary entries out of order");
    if (type == 1) {
      std::string_view label = model->entries_[i];
      if (label.substr(0, kLabelPrefix.size()) == kLabelPrefix)
        label.remove_prefix(kLabelPrefix.size());
      model->labels_.emplace_back(label);
      model->label_counts_.push_back(count);
    }
  }
  model->pruned_ = pruneidx_size >= 0;
  std::vector<std::pair<int32_t, int32_t>> prune_pairs;
  if (pruneidx_size > 0) {
    if (pruneidx_size > model->bucket_) return r.Error("bad pruned index size");
    prune_pairs.resize(pruneidx_size);
    for (auto& p : prune_pairs) {
      if (!r.Read(&p.first) || !r.Read(&p.second)) return r.Error("truncated pruned index");
    }
  }

  // Input matrix.
  bool quant_input = false;
  if (!r.Read(&quant_input)) return r.Error("truncated before the input matrix");
  LoadedMatrix input;
  if (!(quant_input ? LoadQuantised(r, /*fold_norm=*/true, &input) : LoadDense(r, &input))) {
    return r.Error("malformed or truncated input matrix");
  }
  if (!quant_input && model->pruned_) return r.Error("pruned dictionary with a dense matrix");
  if (input.n != model->dim_) return r.Error("input matrix width differs from dim");
  bool qout = false;
  if (!r.Read(&qout)) return r.Error("truncated before the output matrix");
  LoadedMatrix output;
  if (!((quant_input && qout) ? LoadQuantised(r, /*fold_norm=*/false, &output)
                              : LoadDense(r, &output))) {
    return r.Error("malformed or truncated output matrix");
  }
  if (output.n != model->dim_ || output.m != nlabels) return r.Error("bad output matrix shape");
  if (!output.norms.empty()) {
    // Keep QuantMatrix::dotRow's order, (sum x*c) * norm: fold the norm only when it is 1.
    bool all_one =
        std::all_of(output.norms.begin(), output.norms.end(), [](float v) { return v == 1; });
    if (!all_one) {
      // Rare (quantised output with norms): the product rounds slightly differently; fine within
      // the 1e-3 agreement, so fold it.
      for (int64_t row = 0; row < output.m; ++row) {
        for (int64_t col = 0; col < output.n; ++col)
          output.values[row * output.n + col] *= output.norms[row];
      }
    }
  }
  model->output_ = std::move(output.values);

  model->rows_ = input.m;
  int64_t expected_rows =
      nwords + (model->pruned_ ? std::max<int64_t>(pruneidx_size, 0) : model->bucket_);
  if (input.m != expected_rows) {
    return r.Error("input matrix has " + std::to_string(input.m) + " rows, expected " +
                   std::to_string(expected_rows));
  }
  // Pruned buckets: chalni orders their rows by bucket number (see BucketWord), so the row of
  // kept bucket number r (in bucket order) is nwords + r; fasttext_rows_ keeps fastText's.
  std::vector<int64_t> source_row(input.m);
  for (int64_t row = 0; row < input.m; ++row) source_row[row] = row;
  if (model->bucket_ > 0) {
    model->bucket_magic_ = UINT64_C(0xFFFFFFFFFFFFFFFF) / static_cast<uint32_t>(model->bucket_) + 1;
  }
  if (pruneidx_size > 0) {
    std::sort(prune_pairs.begin(), prune_pairs.end());
    model->bucket_words_.assign(static_cast<size_t>(model->bucket_) / 64 + 1, BucketWord{0, 0, 0});
    model->fasttext_rows_.resize(prune_pairs.size());
    std::vector<bool> index_seen(pruneidx_size, false);
    for (size_t rank = 0; rank < prune_pairs.size(); ++rank) {
      const auto [bucket, index] = prune_pairs[rank];
      if (bucket < 0 || bucket >= model->bucket_ || index < 0 || index >= pruneidx_size ||
          index_seen[index] || (rank > 0 && prune_pairs[rank - 1].first == bucket)) {
        return r.Error("pruned index entry out of range or repeated");
      }
      index_seen[index] = true;
      model->bucket_words_[bucket >> 6].bits |= uint64_t{1} << (bucket & 63);
      model->fasttext_rows_[rank] = nwords + index;
      source_row[nwords + rank] = nwords + index;
    }
    uint32_t running = 0;
    for (BucketWord& w : model->bucket_words_) {
      w.rank = running;
      running += Popcount64(w.bits);
    }
  }
  // 64-byte aligned copy: a 16-float row is one cache line and one AVX-512 load.
  const size_t dim = static_cast<size_t>(model->dim_);
  size_t bytes = ((input.values.size() * sizeof(float) + 63) / 64) * 64;
  float* rows = static_cast<float*>(std::aligned_alloc(64, std::max<size_t>(bytes, 64)));
  if (rows == nullptr) return ResourceExhaustedError("fastText model " + path + ": out of memory");
  for (int64_t row = 0; row < input.m; ++row) {
    std::memcpy(rows + row * dim, input.values.data() + source_row[row] * dim, dim * sizeof(float));
  }
  model->input_ = std::unique_ptr<float[], void (*)(float*)>(rows, FreeAligned);

  // Word table: open addressing, load factor <= 0.5.
  uint64_t capacity = 16;
  while (capacity < static_cast<uint64_t>(size) * 2) capacity *= 2;
  model->word_table_.assign(capacity, WordSlot{0, -1});
  model->word_table_mask_ = capacity - 1;
  for (int32_t i = 0; i < size; ++i) {
    uint64_t key = WordKey(model->entries_[i]);
    uint64_t slot = key & model->word_table_mask_;
    while (model->word_table_[slot].id != -1) slot = (slot + 1) & model->word_table_mask_;
    model->word_table_[slot] = WordSlot{key, i};
    if (model->entries_[i] == kEos) model->eos_id_ = i;
  }

  model->ngram_params_ = NgramParams{model->minn_,
                                     model->maxn_,
                                     static_cast<uint32_t>(model->bucket_),
                                     model->bucket_magic_,
                                     model->bucket_words_.data(),
                                     nwords};
  __builtin_cpu_init();
  if (!model->pruned_) {
    model->ngram_rows_ = NgramRowsDense;
  } else if (__builtin_cpu_supports("popcnt")) {
    model->ngram_rows_ = NgramRowsPrunedPopcnt;
  } else {
    model->ngram_rows_ = NgramRowsPruned;
  }

  // Subwords of every word (Dictionary::initNgrams): the word row, then its n-grams.
  model->subword_offsets_.reserve(nwords + 1);
  model->subword_offsets_.push_back(0);
  for (int32_t i = 0; i < nwords; ++i) {
    model->subword_ids_.push_back(i);
    if (model->entries_[i] != kEos) model->AddSubwords(model->entries_[i], &model->subword_ids_);
    model->subword_offsets_.push_back(static_cast<uint32_t>(model->subword_ids_.size()));
  }

  // Hierarchical softmax tree (HierarchicalSoftmaxLoss::buildTree), leaves = labels.
  if (model->loss_ == Loss::kHierarchicalSoftmax) {
    int32_t osz = nlabels;
    model->tree_.assign(2 * osz - 1, Node{});
    std::vector<int64_t> counts(2 * osz - 1, static_cast<int64_t>(1e15));
    for (int32_t i = 0; i < osz; ++i) counts[i] = model->label_counts_[i];
    int32_t leaf = osz - 1;
    int32_t node = osz;
    for (int32_t i = osz; i < 2 * osz - 1; ++i) {
      int32_t mini[2] = {0, 0};
      for (int32_t& pick : mini) {
        if (leaf >= 0 && counts[leaf] < counts[node]) {
          pick = leaf--;
        } else {
          pick = node++;
        }
      }
      model->tree_[i].left = mini[0];
      model->tree_[i].right = mini[1];
      counts[i] = counts[mini[0]] + counts[mini[1]];
    }
  }
  if (model->loss_ == Loss::kOneVsAll || model->loss_ == Loss::kNegativeSampling) {
    model->sigmoid_table_.resize(kSigmoidTableSize + 1);
    for (int i = 0; i < kSigmoidTableSize + 1; ++i) {
      float x = static_cast<float>(i * 2 * kMaxSigmoid) / kSigmoidTableSize - kMaxSigmoid;
      model->sigmoid_table_[i] = 1.0f / (1.0f + std::exp(-x));
    }
  }
  return model;
}

int32_t FastTextModel::BucketToRow(uint32_t bucket) const {
  if (!pruned_) return nwords_ + static_cast<int32_t>(bucket);
  if (bucket_words_.empty()) return -1;  // pruned to zero buckets
  const BucketWord& w = bucket_words_[bucket >> 6];
  const uint64_t bit = uint64_t{1} << (bucket & 63);
  if ((w.bits & bit) == 0) return -1;
  return nwords_ + static_cast<int32_t>(w.rank + Popcount64(w.bits & (bit - 1)));
}

int32_t FastTextModel::ToFastTextRow(int32_t row) const {
  if (row < nwords_ || fasttext_rows_.empty()) return row;
  return fasttext_rows_[row - nwords_];
}

int32_t FastTextModel::Lookup(std::string_view token, uint64_t key) const {
  uint64_t slot = key & word_table_mask_;
  for (;;) {
    const WordSlot& s = word_table_[slot];
    if (s.id == -1) return -1;
    if (s.key == key && entries_[s.id] == token) return s.id;
    slot = (slot + 1) & word_table_mask_;
  }
}

int32_t FastTextModel::WordId(std::string_view token) const {
  return Lookup(token, WordKey(token));
}

void FastTextModel::AddSubwords(std::string_view token, std::vector<int32_t>* ids) const {
  if (maxn_ <= 0 || bucket_ == 0 || (pruned_ && bucket_words_.empty())) return;
  std::string word;
  word.reserve(token.size() + 2);
  word.push_back('<');
  word.append(token);
  word.push_back('>');
  size_t old = ids->size();
  ids->resize(old + word.size() * static_cast<size_t>(maxn_ - std::min(minn_, maxn_) + 1) + 1);
  int32_t* end = AppendNgramRows(word, ids->data() + old);
  ids->resize(static_cast<size_t>(end - ids->data()));
}

void FastTextModel::WordRows(std::string_view token, std::vector<int32_t>* ids) const {
  ids->clear();
  int32_t wid = WordId(token);
  if (wid >= 0 && wid < nwords_) {
    ids->assign(subword_ids_.begin() + subword_offsets_[wid],
                subword_ids_.begin() + subword_offsets_[wid + 1]);
  } else if (wid < 0 && token != kEos) {
    AddSubwords(token, ids);
  }
  for (int32_t& id : *ids) id = ToFastTextRow(id);
}

void FastTextModel::AddWordNgrams(std::span<const uint32_t> hashes,
                                  std::vector<int32_t>* ids) const {
  if (word_ngrams_ <= 1 || bucket_ == 0) return;
  // fastText keeps the hashes in a std::vector<int32_t> and widens them to uint64_t, which
  // sign-extends; reproduce that.
  auto widen = [](uint32_t v) {
    return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
  };
  for (size_t i = 0; i < hashes.size(); ++i) {
    uint64_t h = widen(hashes[i]);
    for (size_t j = i + 1; j < hashes.size() && j < i + word_ngrams_; ++j) {
      h = h * 116049371 + widen(hashes[j]);
      int32_t row = BucketToRow(static_cast<uint32_t>(h % static_cast<uint64_t>(bucket_)));
      if (row >= 0) ids->push_back(row);
    }
  }
}

void FastTextModel::Tokenize(std::string_view text, std::span<const text::Span> spans,
                             Scratch* s) const {
  s->nids = 0;
  s->word_hashes.clear();
  s->spans.assign(spans.size(), Scratch::SpanRange{});
  s->tokens = 0;
  const bool keep_hashes = word_ngrams_ > 1;
  const bool ngrams = maxn_ > 0 && bucket_ > 0 && !(pruned_ && bucket_words_.empty());
  const size_t ngrams_per_char = static_cast<size_t>(maxn_ - std::min(minn_, maxn_) + 1);
  size_t span_idx = 0;
  const char* data = text.data();
  const size_t size = text.size();
  size_t pos = 0;
  bool ended = false;  // a literal "</s>" ends the line, as in fastText
  std::string& word = s->word;

  // One token: the rows fastText's getLine would add for it (Dictionary::addSubwords).
  Scratch::TokenCache& cache = s->cache;
  const bool use_cache = token_cache_;
  if (use_cache && cache.owner != serial_) cache.Reset(serial_);
  auto add_token = [&](std::string_view token) {
    const uint64_t key = WordKey(token);
    const Scratch::TokenCache::Slot* hit = use_cache ? cache.Find(token, key) : nullptr;
    if (hit != nullptr) {
      int32_t* out = s->Reserve(hit->nrows);
      // A token may have no rows (found by the document_pipeline fuzz target); memcpy from the
      // still empty rows vector (null data()) is undefined even for 0 bytes.
      if (hit->nrows > 0) {
        std::memcpy(out, cache.rows.data() + hit->rows_begin, hit->nrows * sizeof(int32_t));
      }
      s->Commit(out + hit->nrows);
      if (keep_hashes) s->word_hashes.push_back(FastTextHash(token));
      return true;
    }
    const size_t first_row = s->nids;
    const int32_t wid = Lookup(token, key);
    const bool is_eos = token == kEos;
    bool is_word;
    if (wid >= 0) {
      is_word = wid < nwords_;
      if (is_word) {
        const uint32_t b = subword_offsets_[wid], e = subword_offsets_[wid + 1];
        int32_t* out = s->Reserve(e - b);
        std::memcpy(out, subword_ids_.data() + b, (e - b) * sizeof(int32_t));
        s->Commit(out + (e - b));
      }
    } else {
      // Unknown: a label when it carries the prefix (ignored), else a word made of n-grams.
      is_word = token.substr(0, kLabelPrefix.size()) != kLabelPrefix;
      if (is_word && !is_eos && ngrams) {
        word.assign(1, '<');
        word.append(token);
        word.push_back('>');
        int32_t* out = s->Reserve(word.size() * ngrams_per_char + 1);
        out = AppendNgramRows(word, out);
        s->Commit(out);
      }
    }
    // Words only: labels add nothing, and "</s>" ends the line.
    if (use_cache && is_word && !is_eos) {
      cache.Insert(token, key, s->ids.data() + first_row, s->nids - first_row);
    }
    if (is_word && keep_hashes) s->word_hashes.push_back(FastTextHash(token));
    return !is_eos;
  };

  while (pos < size && !ended) {
    while (pos < size && IsFastTextSpace(data[pos])) ++pos;
    if (pos >= size) break;
    size_t begin = pos;
    while (pos < size && !IsFastTextSpace(data[pos])) ++pos;
    std::string_view token(data + begin, pos - begin);
    Scratch::SpanRange* range = nullptr;
    if (!spans.empty()) {
      while (span_idx < spans.size() && begin >= spans[span_idx].end) ++span_idx;
      if (span_idx < spans.size() && begin >= spans[span_idx].begin) {
        range = &s->spans[span_idx];
        if (range->ids_begin < 0) {
          range->ids_begin = static_cast<int64_t>(s->nids);
          range->hash_begin = static_cast<int64_t>(s->word_hashes.size());
        }
      }
    }
    ++s->tokens;
    ended = !add_token(token);
    if (range != nullptr) {
      range->ids_end = static_cast<int64_t>(s->nids);
      range->hash_end = static_cast<int64_t>(s->word_hashes.size());
    }
  }
  // The line's end: predictLine reads "text\n", and '\n' yields the "</s>" token.
  if (!ended) add_token(kEos);
  if (keep_hashes) {
    // Word n-grams go after every token's rows, as in getLine.
    thread_local std::vector<int32_t> extra;
    extra.clear();
    AddWordNgrams(s->word_hashes, &extra);
    int32_t* out = s->Reserve(extra.size());
    std::memcpy(out, extra.data(), extra.size() * sizeof(int32_t));
    s->Commit(out + extra.size());
  }
}

void FastTextModel::InputIds(std::string_view text, std::vector<int32_t>* ids) const {
  Scratch& s = ThreadScratch();
  Tokenize(text, {}, &s);
  ids->assign(s.ids.begin(), s.ids.begin() + static_cast<std::ptrdiff_t>(s.nids));
  for (int32_t& id : *ids) id = ToFastTextRow(id);
}

void FastTextModel::HsDfs(int k, float threshold, int32_t node, float score, const float* hidden,
                          std::vector<std::pair<float, int32_t>>* heap) const {
  if (score < StdLog(threshold)) return;
  if (heap->size() == static_cast<size_t>(k) && score < heap->front().first) return;
  const int32_t osz = nlabels();
  if (tree_[node].left == -1 && tree_[node].right == -1) {
    heap->push_back(std::make_pair(score, node));
    std::push_heap(heap->begin(), heap->end(), ComparePairs);
    if (heap->size() > static_cast<size_t>(k)) {
      std::pop_heap(heap->begin(), heap->end(), ComparePairs);
      heap->pop_back();
    }
    return;
  }
  // DenseMatrix::dotRow: sequential float accumulation (kept scalar so rounding matches).
  const float* row = output_.data() + static_cast<size_t>(node - osz) * dim_;
  float f = 0;
  for (int j = 0; j < dim_; ++j) f += row[j] * hidden[j];
  f = static_cast<float>(1. / (1 + std::exp(-f)));
  HsDfs(k, threshold, tree_[node].left, score + StdLog(static_cast<float>(1.0 - f)), hidden, heap);
  HsDfs(k, threshold, tree_[node].right, score + StdLog(f), hidden, heap);
}

void FastTextModel::Infer(const int32_t* ids, size_t n, int k, Scratch* s,
                          std::vector<Prediction>* out) const {
  if (n == 0 || k <= 0) return;
  s->hidden.resize(dim_);
  float* hidden = s->hidden.data();
  SumRows(input_.get(), dim_, ids, n, hidden);
  // Model::computeHidden: hidden.mul(1.0 / input.size()), the factor rounded to float first.
  const float scale = static_cast<float>(1.0 / static_cast<double>(n));
  for (int j = 0; j < dim_; ++j) hidden[j] *= scale;

  const int32_t osz = nlabels();
  k = std::min(k, osz);
  auto& heap = s->heap;
  heap.clear();
  heap.reserve(k + 1);
  const float threshold = 0.0f;
  if (loss_ == Loss::kHierarchicalSoftmax) {
    HsDfs(k, threshold, 2 * osz - 2, 0.0f, hidden, &heap);
  } else {
    auto& output = s->output;
    output.resize(osz);
    for (int32_t i = 0; i < osz; ++i) {
      const float* row = output_.data() + static_cast<size_t>(i) * dim_;
      float d = 0;
      for (int j = 0; j < dim_; ++j) d += row[j] * hidden[j];
      output[i] = d;
    }
    if (loss_ == Loss::kSoftmax) {
      float max = output[0], z = 0;
      for (int32_t i = 0; i < osz; ++i) max = std::max(output[i], max);
      for (int32_t i = 0; i < osz; ++i) {
        output[i] = std::exp(output[i] - max);
        z += output[i];
      }
      for (int32_t i = 0; i < osz; ++i) output[i] /= z;
    } else {
      for (int32_t i = 0; i < osz; ++i) {
        float x = output[i];
        if (x < -kMaxSigmoid) {
          output[i] = 0;
        } else if (x > kMaxSigmoid) {
          output[i] = 1;
        } else {
          auto t = static_cast<int64_t>((x + kMaxSigmoid) * kSigmoidTableSize / kMaxSigmoid / 2);
          output[i] = sigmoid_table_[t];
        }
      }
    }
    // Loss::findKBest.
    for (int32_t i = 0; i < osz; ++i) {
      if (output[i] < threshold) continue;
      if (heap.size() == static_cast<size_t>(k) && StdLog(output[i]) < heap.front().first) continue;
      heap.push_back(std::make_pair(StdLog(output[i]), i));
      std::push_heap(heap.begin(), heap.end(), ComparePairs);
      if (heap.size() > static_cast<size_t>(k)) {
        std::pop_heap(heap.begin(), heap.end(), ComparePairs);
        heap.pop_back();
      }
    }
  }
  std::sort_heap(heap.begin(), heap.end(), ComparePairs);
  for (const auto& [score, label] : heap) {
    out->push_back(Prediction{labels_[label], std::exp(score)});
  }
}

void FastTextModel::Predict(std::string_view text, int k, std::vector<Prediction>* out) const {
  PredictDocument(text, {}, k, out, nullptr);
}

void FastTextModel::PredictDocument(std::string_view text, std::span<const text::Span> spans, int k,
                                    std::vector<Prediction>* out,
                                    std::vector<SpanPrediction>* span_out) const {
  out->clear();
  Scratch& s = ThreadScratch();
  Tokenize(text, spans, &s);
  const size_t eos_rows = eos_id_ >= 0 && eos_id_ < nwords_
                              ? subword_offsets_[eos_id_ + 1] - subword_offsets_[eos_id_]
                              : 0;
  // A blank text: predictLine would still answer from "</s>" alone, which says nothing about
  // the text; chalni gives no label instead.
  if (s.tokens > 0) Infer(s.ids.data(), s.nids, k, &s, out);
  if (span_out == nullptr) return;
  span_out->assign(spans.size(), SpanPrediction{});
  for (size_t span_idx = 0; span_idx < spans.size(); ++span_idx) {
    const Scratch::SpanRange& range = s.spans[span_idx];
    if (range.ids_begin < 0 || range.ids_end <= range.ids_begin) continue;
    // The span as its own line: its tokens' rows, "</s>", and word n-grams inside the span.
    s.span_ids.assign(s.ids.begin() + range.ids_begin, s.ids.begin() + range.ids_end);
    if (eos_rows > 0) {
      s.span_ids.insert(s.span_ids.end(), subword_ids_.begin() + subword_offsets_[eos_id_],
                        subword_ids_.begin() + subword_offsets_[eos_id_ + 1]);
    }
    if (word_ngrams_ > 1) {
      s.span_hashes.assign(s.word_hashes.begin() + range.hash_begin,
                           s.word_hashes.begin() + range.hash_end);
      s.span_hashes.push_back(FastTextHash(kEos));  // "</s>" is always a word
      AddWordNgrams(s.span_hashes, &s.span_ids);
    }
    s.span_preds.clear();
    Infer(s.span_ids.data(), s.span_ids.size(), 1, &s, &s.span_preds);
    if (!s.span_preds.empty()) (*span_out)[span_idx] = SpanPrediction{s.span_preds[0], true};
  }
}

const char* FastTextModel::SimdPath() { return SumRowsPath(); }

void FastTextModel::ClearThreadTokenCache() { ThreadScratch().cache.owner = 0; }

namespace {
FastTextModel::Scratch& ThreadScratch() {
  thread_local FastTextModel::Scratch scratch;
  return scratch;
}
}  // namespace

}  // namespace chalni::langid
