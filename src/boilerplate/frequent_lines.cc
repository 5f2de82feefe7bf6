#include "boilerplate/frequent_lines.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>

#include "boilerplate/line_rules.h"
#include "chalni/io/utf8.h"
#include "chalni/text/normalize.h"
#include "internal/record_file.h"

namespace chalni::boilerplate {
namespace {

// Month and weekday names folded to one marker by LineKey. Lower case; normalized with the
// project's normalizer when the set is built, so the Bengali nukta letters match documents.
constexpr const char* kDateWords[] = {
    // English
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    // Bengali: Gregorian months (common spellings), Bangla calendar months, weekdays
    "জানুয়ারি", "জানুয়ারী", "ফেব্রুয়ারি", "ফেব্রুয়ারী", "মার্চ", "এপ্রিল", "মে", "জুন", "জুলাই",
    "আগস্ট", "অগাস্ট", "আগষ্ট", "সেপ্টেম্বর", "অক্টোবর", "নভেম্বর", "ডিসেম্বর", "বৈশাখ",
    "জ্যৈষ্ঠ", "আষাঢ়", "শ্রাবণ", "ভাদ্র", "আশ্বিন", "কার্তিক", "অগ্রহায়ণ", "পৌষ", "মাঘ",
    "ফাল্গুন", "চৈত্র", "শনিবার", "রবিবার", "রোববার", "সোমবার", "মঙ্গলবার", "বুধবার",
    "বৃহস্পতিবার", "বৃহষ্পতিবার", "শুক্রবার",
    // Hindi
    "जनवरी", "फ़रवरी", "फरवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर",
    "सितम्बर", "अक्टूबर", "अक्तूबर", "नवंबर", "नवम्बर", "दिसंबर", "दिसम्बर", "सोमवार", "मंगलवार",
    "बुधवार", "गुरुवार", "बृहस्पतिवार", "शुक्रवार", "शनिवार", "रविवार",
    // Urdu
    "جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر",
    "دسمبر", "پیر", "منگل", "بدھ", "جمعرات", "جمعہ", "ہفتہ", "اتوار",
    // Arabic: Egyptian/Gulf and Levantine month names, weekdays
    "يناير", "فبراير", "مارس", "أبريل", "ابريل", "مايو", "يونيو", "يوليو", "أغسطس", "اغسطس",
    "سبتمبر", "أكتوبر", "اكتوبر", "نوفمبر", "ديسمبر", "كانون", "شباط", "آذار", "نيسان", "أيار",
    "حزيران", "تموز", "آب", "أيلول", "تشرين", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء",
    "الخميس", "الجمعة", "السبت", "الأحد",
};

constexpr uint64_t kSiteSeed = 0x5173e5173e517ull;
constexpr uint64_t kSiteLineSeed = 0x11e5173e11e5ull;

uint64_t HashBytes(std::string_view s, uint64_t seed = 0) {
  return XXH3_64bits_withSeed(s.data(), s.size(), seed);
}

// The set of date-word hashes, open addressing (small: ~200 entries in 1024 slots).
class DateWordSet {
 public:
  DateWordSet() : slots_(1024, 0) {
    auto normalizer = text::Normalizer::Create(text::NormalizeOptions{});
    for (const char* w : kDateWords) {
      std::string s = normalizer.ok() ? (*normalizer)->NormalizeString(w) : std::string(w);
      Insert(HashBytes(s));
      if (s != w) Insert(HashBytes(w));  // the unnormalized spelling folds too
    }
  }
  bool Contains(uint64_t h) const {
    if (h == 0) h = 1;
    for (size_t i = h & 1023;; i = (i + 1) & 1023) {
      if (slots_[i] == h) return true;
      if (slots_[i] == 0) return false;
    }
  }

 private:
  void Insert(uint64_t h) {
    if (h == 0) h = 1;
    size_t i = h & 1023;
    while (slots_[i] != 0 && slots_[i] != h) i = (i + 1) & 1023;
    slots_[i] = h;
  }
  std::vector<uint64_t> slots_;
};

const DateWordSet& DateWords() {
  static const DateWordSet* set = new DateWordSet();
  return *set;
}

// Scripts with case: lower-casing elsewhere is the identity, and skipping ICU there keeps
// Bengali/Devanagari/Arabic lines on a cheap path.
inline bool MayHaveCase(UChar32 c) {
  return c < 0x0590 || (c >= 0x10A0 && c < 0x1100) || (c >= 0x1C80 && c < 0x2000) ||
         (c >= 0x2C00 && c < 0x2D30) || (c >= 0xA640 && c < 0xA800) ||
         (c >= 0xFF21 && c <= 0xFF3A) || c >= 0x10400;
}

enum class CharClass { kSpace, kDigit, kWord, kPunct, kSymbol };

CharClass ClassifySlow(UChar32 c);

// The class of every BMP code point, computed once from ICU (64 KiB): one load per character
// instead of a property lookup, on the path every line of every document takes.
const uint8_t* BmpClasses() {
  static const uint8_t* table = [] {
    auto* t = new uint8_t[0x10000];
    for (UChar32 c = 0; c < 0x10000; ++c) t[c] = static_cast<uint8_t>(ClassifySlow(c));
    return t;
  }();
  return table;
}

inline CharClass Classify(UChar32 c) {
  static const uint8_t* bmp = BmpClasses();
  if (c >= 0 && c < 0x10000) return static_cast<CharClass>(bmp[c]);
  return ClassifySlow(c);
}

CharClass ClassifySlow(UChar32 c) {
  if (c < 0x80) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v')
      return CharClass::kSpace;
    if (c >= '0' && c <= '9') return CharClass::kDigit;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return CharClass::kWord;
    if (c == '$' || c == '+' || c == '<' || c == '=' || c == '>' || c == '^' || c == '`' ||
        c == '|' || c == '~')
      return CharClass::kSymbol;
    return c < 0x20 || c == 0x7F ? CharClass::kSpace : CharClass::kPunct;
  }
  const int8_t type = u_charType(c);
  switch (type) {
    case U_DECIMAL_DIGIT_NUMBER:
      return CharClass::kDigit;
    case U_UPPERCASE_LETTER: case U_LOWERCASE_LETTER: case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER: case U_OTHER_LETTER: case U_NON_SPACING_MARK:
    case U_COMBINING_SPACING_MARK: case U_ENCLOSING_MARK: case U_LETTER_NUMBER:
    case U_FORMAT_CHAR:  // ZWJ/ZWNJ inside Indic and Arabic words
      return CharClass::kWord;
    case U_SPACE_SEPARATOR: case U_LINE_SEPARATOR: case U_PARAGRAPH_SEPARATOR:
    case U_CONTROL_CHAR:
      return CharClass::kSpace;
    case U_MATH_SYMBOL: case U_CURRENCY_SYMBOL: case U_MODIFIER_SYMBOL: case U_OTHER_SYMBOL:
    case U_OTHER_NUMBER:
      return CharClass::kSymbol;
    default:
      return CharClass::kPunct;
  }
}

// Folds `line` into *out (see LineKey). Returns false when the line is not eligible.
bool FoldLine(std::string_view line, std::string* out, int* words) {
  out->clear();
  *words = 0;
  if (line.size() > 4 * kLineKeyMaxChars) return false;  // > kLineKeyMaxChars code points
  const uint8_t* s = reinterpret_cast<const uint8_t*>(line.data());
  const int32_t n = static_cast<int32_t>(line.size());
  int32_t i = 0;
  bool pending_space = false;
  bool in_word = false, in_digits = false;
  size_t word_start = 0;
  size_t content_end = 0;  // out size after the last char that is not punctuation
  bool has_content = false;
  auto end_word = [&]() {
    if (!in_word) return;
    in_word = false;
    const std::string_view w(out->data() + word_start, out->size() - word_start);
    if (w.size() <= 40 && DateWords().Contains(HashBytes(w))) {
      out->resize(word_start);
      out->push_back('\x01');
      content_end = out->size();
    } else {
      has_content = true;
    }
  };
  while (i < n) {
    const int32_t char_begin = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) c = 0xFFFD;
    const CharClass cls = Classify(c);
    if (cls != CharClass::kWord) end_word();
    if (cls != CharClass::kDigit) in_digits = false;
    switch (cls) {
      case CharClass::kSpace:
        if (!out->empty()) pending_space = true;
        continue;
      case CharClass::kPunct:
        if (out->empty()) continue;  // leading punctuation is stripped
        break;
      default:
        break;
    }
    if (pending_space) {
      out->push_back(' ');
      pending_space = false;
    }
    if (cls == CharClass::kDigit) {
      if (!in_digits) {
        out->push_back('0');
        ++*words;
        in_digits = true;
      }
      content_end = out->size();
      continue;
    }
    if (cls == CharClass::kWord) {
      if (!in_word) {
        in_word = true;
        word_start = out->size();
        ++*words;
      }
      if (c < 0x80) {
        out->push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
      } else if (MayHaveCase(c)) {
        c = u_tolower(c);
        char buf[4];
        int32_t len = 0;
        U8_APPEND_UNSAFE(buf, len, c);
        out->append(buf, len);
      } else {
        // A caseless word character (Bengali, Devanagari, Arabic, Han ...) folds to itself: copy
        // it and the caseless word characters after it straight from the input, one append per
        // run. Valid UTF-8 re-encodes to the same bytes; an invalid sequence ends the run.
        while (i < n) {
          int32_t next = i;
          UChar32 d;
          U8_NEXT(s, next, n, d);
          if (d < 0x80 || MayHaveCase(d) || Classify(d) != CharClass::kWord) break;
          i = next;
        }
        out->append(line.data() + char_begin, i - char_begin);
      }
      content_end = out->size();
      continue;
    }
    // punctuation (kept inside the line) or a symbol (content, e.g. ©)
    char buf[4];
    int32_t len = 0;
    U8_APPEND_UNSAFE(buf, len, c);
    out->append(buf, len);
    if (cls == CharClass::kSymbol) {
      has_content = true;
      content_end = out->size();
    }
  }
  end_word();
  out->resize(content_end);  // trailing punctuation and spaces stripped
  if (!has_content) return false;
  const size_t chars = io::CountCodePoints(*out);
  return chars >= kLineKeyMinChars && chars <= kLineKeyMaxChars;
}

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

}  // namespace

uint64_t LineKey(std::string_view normalized_line) {
  thread_local std::string folded;
  int words = 0;
  if (!FoldLine(normalized_line, &folded, &words)) return 0;
  uint64_t key = HashBytes(folded) & ~uint64_t{1};
  if (key == 0) key = 2;
  return key | (words <= kShortLineWords ? 1 : 0);
}

void LineKeys(const Document& doc, std::vector<LineKeyEntry>* out) {
  out->clear();
  const std::string_view text = doc.text;
  size_t start = 0;
  uint32_t line_idx = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    if (nl > start) {
      const uint64_t key = LineKey(text.substr(start, nl - start));
      if (key != 0) out->push_back(LineKeyEntry{line_idx, key});
    }
    start = nl + 1;
    ++line_idx;
  }
}

uint64_t SiteKey(std::string_view site) {
  while (!site.empty() && (site.back() == '.' || site.back() == ' ')) site.remove_suffix(1);
  while (!site.empty() && site.front() == ' ') site.remove_prefix(1);
  if (site.empty()) return 0;
  std::string lower(site);
  for (char& ch : lower) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
  }
  std::string_view v = lower;
  if (v.size() > 4 && v.substr(0, 4) == "www.") v.remove_prefix(4);
  const uint64_t key = HashBytes(v, kSiteSeed);
  return key == 0 ? 1 : key;
}

std::string_view HostOfUrl(std::string_view url) {
  while (!url.empty() && (url.front() == ' ' || url.front() == '\t')) url.remove_prefix(1);
  const size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
  } else if (url.substr(0, 2) == "//") {
    url.remove_prefix(2);
  }
  const size_t end = url.find_first_of("/?#");
  if (end != std::string_view::npos) url = url.substr(0, end);
  const size_t at = url.rfind('@');
  if (at != std::string_view::npos) url.remove_prefix(at + 1);
  if (!url.empty() && url.front() != '[') {
    const size_t colon = url.find(':');
    if (colon != std::string_view::npos) url = url.substr(0, colon);
  }
  while (!url.empty() && url.back() == '.') url.remove_suffix(1);
  // A host has a dot (or is an IPv6 literal) and no spaces.
  if (url.find(' ') != std::string_view::npos) return {};
  if (url.find('.') == std::string_view::npos && (url.empty() || url.front() != '[')) return {};
  return url;
}

uint64_t SiteLineKey(uint64_t line_key, uint64_t site_key) {
  const uint64_t both[2] = {line_key, site_key};
  const uint64_t key = XXH3_64bits_withSeed(both, sizeof both, kSiteLineSeed);
  return key == 0 ? 1 : key;
}

// ---- options --------------------------------------------------------------------------------

std::vector<OptionSpec> FrequentLineOptionSpecs() {
  const FrequentLineOptions d;
  auto int_opt = [](std::string name, int64_t def, std::string help, double min, double max) {
    OptionSpec o;
    o.name = std::move(name);
    o.type = OptionType::kInt;
    o.default_value = def;
    o.help = std::move(help);
    o.min = min;
    o.max = max;
    return o;
  };
  std::vector<OptionSpec> specs = {
      int_opt("min_clusters", d.min_clusters,
              "global chrome: the line occurs in at least this many distinct near-dup clusters",
              1, 1e12),
      int_opt("min_sites", d.min_sites,
              "global chrome: ... on at least this many distinct sites", 1, 1e12),
      int_opt("min_repeat_sites", d.min_repeat_sites,
              "global chrome: ... and repeats (>= 2 distinct clusters) on at least this many "
              "sites; a syndicated article occurs once per site and never qualifies",
              1, 1e12),
  };
  OptionSpec frac;
  frac.name = "short_min_repeat_frac";
  frac.type = OptionType::kDouble;
  frac.default_value = d.short_min_repeat_frac;
  frac.help = "short lines (<= 2 words): the repeat sites must also be at least this fraction "
              "of the sites (protects greetings and other common short lines)";
  frac.min = 0;
  frac.max = 1;
  specs.push_back(std::move(frac));
  specs.push_back(int_opt("min_site_clusters", d.min_site_clusters,
                          "site chrome: a line in at least this many distinct clusters of one "
                          "site is removed on that site only (0: off)",
                          0, 1e12));
  specs.push_back(int_opt("min_clusters_unknown_site", d.min_clusters_unknown_site,
                          "documents without a site: a line (not short) in at least this many "
                          "distinct clusters is global chrome (0: off)",
                          0, 1e12));
  OptionSpec page_frac;
  page_frac.name = "min_site_page_frac";
  page_frac.type = OptionType::kDouble;
  page_frac.default_value = d.min_site_page_frac;
  page_frac.help = "a site repeats a line only when the line is on at least this fraction of "
                   "the site's pages (chrome is on most pages; a recurring sentence is not)";
  page_frac.min = 0;
  page_frac.max = 1;
  specs.push_back(std::move(page_frac));
  specs.push_back(int_opt("max_tracked_sites", d.max_tracked_sites,
                          "distinct sites tracked per line (memory bound, 32 bytes each)", 16,
                          1e9));
  OptionSpec table;
  table.name = "table";
  table.type = OptionType::kString;
  table.default_value = std::string();
  table.help = "a table file written by `chalni lines learn` (or a run's .chalni/lines/*.flt): "
               "apply it instead of learning from this corpus (empty: learn)";
  specs.push_back(std::move(table));
  return specs;
}

FrequentLineOptions FrequentLineOptionsFromValues(const OptionValues& values) {
  FrequentLineOptions o;
  o.min_clusters = values.GetInt("min_clusters");
  o.min_sites = values.GetInt("min_sites");
  o.min_repeat_sites = values.GetInt("min_repeat_sites");
  o.short_min_repeat_frac = values.GetDouble("short_min_repeat_frac");
  o.min_site_clusters = values.GetInt("min_site_clusters");
  o.min_clusters_unknown_site = values.GetInt("min_clusters_unknown_site");
  o.min_site_page_frac = values.GetDouble("min_site_page_frac");
  o.max_tracked_sites = values.GetInt("max_tracked_sites");
  return o;
}

// ---- builder --------------------------------------------------------------------------------

struct FrequentLineTableBuilder::SiteSlot {
  uint64_t site = 0;
  uint64_t last_cluster = 0;
  uint32_t generation = 0;  // live when equal to the builder's generation_
  uint32_t clusters = 0;    // distinct clusters of the line on this site (saturating)
};

FrequentLineTableBuilder::FrequentLineTableBuilder(FrequentLineOptions options)
    : options_(options) {
  slots_.resize(1024);
  mask_ = slots_.size() - 1;
}

FrequentLineTableBuilder::~FrequentLineTableBuilder() = default;

void FrequentLineTableBuilder::AddDocument(const LineRecord& r) {
  if (r.site_key == 0) return;
  if ((site_pages_count_ + 1) * 2 > site_pages_.size()) {
    std::vector<SitePagesSlot> old = std::move(site_pages_);
    site_pages_.assign(std::max<size_t>(1024, old.size() * 2), SitePagesSlot{});
    const size_t mask = site_pages_.size() - 1;
    for (const SitePagesSlot& o : old) {
      if (o.site == 0) continue;
      size_t j = (o.site * kGolden) >> 20 & mask;
      while (site_pages_[j].site != 0) j = (j + 1) & mask;
      site_pages_[j] = o;
    }
  }
  const size_t mask = site_pages_.size() - 1;
  size_t i = (r.site_key * kGolden) >> 20 & mask;
  while (site_pages_[i].site != 0 && site_pages_[i].site != r.site_key) i = (i + 1) & mask;
  SitePagesSlot& slot = site_pages_[i];
  if (slot.site == 0) {
    slot = SitePagesSlot{r.site_key, r.cluster_key, 1};
    ++site_pages_count_;
  } else if (slot.last_cluster != r.cluster_key) {
    // Records come sorted by cluster: a site's clusters arrive in increasing order.
    slot.last_cluster = r.cluster_key;
    ++slot.pages;
  }
}

uint64_t FrequentLineTableBuilder::SitePages(uint64_t site_key) const {
  if (site_pages_.empty()) return 0;
  const size_t mask = site_pages_.size() - 1;
  for (size_t i = (site_key * kGolden) >> 20 & mask;; i = (i + 1) & mask) {
    if (site_pages_[i].site == site_key) return site_pages_[i].pages;
    if (site_pages_[i].site == 0) return 0;
  }
}

void FrequentLineTableBuilder::StartGroup(const LineRecord& r) {
  in_group_ = true;
  group_key_ = r.line_key;
  prev_cluster_ = r.cluster_key;
  ++stats_.line_keys;
  clusters_ = 1;
  sites_ = repeat_sites_ = unknown_clusters_ = 0;
  have_unknown_cluster_ = false;
  overflow_ = false;
  live_.clear();
  if (++generation_ == 0) {  // wrapped: clear the stamps once every 2^32 groups
    for (SiteSlot& s : slots_) s.generation = 0;
    generation_ = 1;
  }
  if (r.site_key == 0) {
    unknown_clusters_ = 1;
    have_unknown_cluster_ = true;
    last_unknown_cluster_ = r.cluster_key;
  } else {
    AddSite(r.site_key, r.cluster_key);
  }
}

void FrequentLineTableBuilder::AddSite(uint64_t site_key, uint64_t cluster_key) {
  size_t i = (site_key * kGolden) >> 20 & mask_;
  while (true) {
    SiteSlot& s = slots_[i];
    if (s.generation != generation_) break;  // free in this group
    if (s.site == site_key) {
      if (s.last_cluster != cluster_key) {
        s.last_cluster = cluster_key;
        if (s.clusters < UINT32_MAX) ++s.clusters;
      }
      return;
    }
    i = (i + 1) & mask_;
  }
  if (static_cast<int64_t>(live_.size()) >= options_.max_tracked_sites) {
    if (!overflow_) ++stats_.sites_overflow;
    overflow_ = true;
    return;
  }
  SiteSlot& s = slots_[i];
  s.site = site_key;
  s.last_cluster = cluster_key;
  s.generation = generation_;
  s.clusters = 1;
  live_.push_back(static_cast<uint32_t>(i));
  ++sites_;
  if (live_.size() * 2 > slots_.size()) {
    // Grow: re-insert this group's live slots into a table twice the size.
    std::vector<SiteSlot> old;
    old.reserve(live_.size());
    for (uint32_t idx : live_) old.push_back(slots_[idx]);
    slots_.assign(slots_.size() * 2, SiteSlot{});
    mask_ = slots_.size() - 1;
    live_.clear();
    for (const SiteSlot& o : old) {
      size_t j = (o.site * kGolden) >> 20 & mask_;
      while (slots_[j].generation == generation_) j = (j + 1) & mask_;
      slots_[j] = o;
      live_.push_back(static_cast<uint32_t>(j));
    }
  }
}

Status FrequentLineTableBuilder::Add(const LineRecord& r) {
  ++stats_.records;
  if (have_last_ && LineRecordLess()(r, last_)) {
    ++stats_.unsorted;
    return FailedPreconditionError(
        "frequent lines: records are not sorted by (line_key, cluster_key, site_key)");
  }
  const bool new_key = !have_last_ || r.line_key != last_.line_key;
  have_last_ = true;
  last_ = r;
  if (r.line_key == kDocumentMarkerKey) {
    AddDocument(r);
    return Status::Ok();
  }
  if (new_key) {
    EndGroup();
    StartGroup(r);
    return Status::Ok();
  }
  if (r.cluster_key != prev_cluster_) ++clusters_;
  if (r.site_key == 0) {
    if (!have_unknown_cluster_ || last_unknown_cluster_ != r.cluster_key) {
      ++unknown_clusters_;
      have_unknown_cluster_ = true;
      last_unknown_cluster_ = r.cluster_key;
    }
  } else {
    AddSite(r.site_key, r.cluster_key);
  }
  prev_cluster_ = r.cluster_key;
  return Status::Ok();
}

void FrequentLineTableBuilder::EndGroup() {
  if (!in_group_) return;
  in_group_ = false;
  const FrequentLineOptions& o = options_;
  const uint64_t key = group_key_;
  const bool is_short = IsShortLineKey(key);
  const bool unknown_ok = !is_short && o.min_clusters_unknown_site > 0 &&
                          unknown_clusters_ >= static_cast<uint64_t>(o.min_clusters_unknown_site);
  // Most keys occur in a cluster or two: decided without looking at their sites.
  uint64_t needed = static_cast<uint64_t>(o.min_clusters);
  if (o.min_site_clusters > 0) needed = std::min<uint64_t>(needed, o.min_site_clusters);
  if (clusters_ < needed && !unknown_ok) return;
  // A site repeats the line when it is on >= 2 of the site's clusters, and on a share of them.
  auto on_enough_pages = [&](const SiteSlot& s) {
    const uint64_t pages = SitePages(s.site);
    return pages == 0 || s.clusters >= o.min_site_page_frac * static_cast<double>(pages);
  };
  uint64_t repeat_any = 0;
  repeat_sites_ = 0;
  for (uint32_t idx : live_) {
    const SiteSlot& s = slots_[idx];
    if (s.clusters < 2) continue;
    ++repeat_any;
    if (on_enough_pages(s)) ++repeat_sites_;
  }
  auto clamp32 = [](uint64_t v) {
    return static_cast<uint32_t>(std::min<uint64_t>(v, UINT32_MAX));
  };
  auto counts_ok = [&](uint64_t repeat) {
    return clusters_ >= static_cast<uint64_t>(o.min_clusters) &&
           sites_ >= static_cast<uint64_t>(o.min_sites) &&
           repeat >= static_cast<uint64_t>(o.min_repeat_sites);
  };
  const bool frac_ok =
      !is_short || static_cast<double>(repeat_sites_) >= o.short_min_repeat_frac * sites_;
  if (counts_ok(repeat_sites_) && !frac_ok) ++stats_.short_protected;
  if (counts_ok(repeat_any) && !counts_ok(repeat_sites_)) ++stats_.page_frac_protected;
  if ((counts_ok(repeat_sites_) && frac_ok) || unknown_ok) {
    entries_.push_back(FrequentLineEntry{key, clamp32(clusters_), clamp32(sites_),
                                         clamp32(repeat_sites_), 0});
    ++stats_.global_keys;
    return;
  }
  if (o.min_site_clusters <= 0 || repeat_sites_ == 0) return;
  for (uint32_t idx : live_) {
    const SiteSlot& s = slots_[idx];
    if (s.clusters >= static_cast<uint64_t>(o.min_site_clusters) && on_enough_pages(s)) {
      entries_.push_back(FrequentLineEntry{SiteLineKey(key, s.site), s.clusters, 1, 1, 1});
      ++stats_.site_keys;
    }
  }
}

void FrequentLineTableBuilder::Finish() {
  if (finished_) return;
  finished_ = true;
  EndGroup();
  std::sort(entries_.begin(), entries_.end(),
            [](const FrequentLineEntry& a, const FrequentLineEntry& b) { return a.key < b.key; });
}

Status FrequentLineTableBuilder::Write(const std::string& path) const {
  RecordWriterOptions w;
  w.schema_tag = kFrequentLineSchemaTag;
  w.sync = true;  // a pass output that a resumed run relies on
  auto writer = RecordWriter<FrequentLineEntry>::Create(path, w);
  if (!writer.ok()) return writer.status();
  CHALNI_RETURN_IF_ERROR(writer->Append(std::span<const FrequentLineEntry>(entries_)));
  return writer->Close();
}

// ---- learner --------------------------------------------------------------------------------

FrequentLineLearner::FrequentLineLearner(SpillOptions spill) : sorter_(std::move(spill)) {}

Status FrequentLineLearner::Add(const Document& doc, uint64_t cluster_key) {
  ++documents_;
  LineKeys(doc, &keys_);
  const uint64_t site = SiteKey(doc.site);
  CHALNI_RETURN_IF_ERROR(sorter_.Add(DocumentRecord(cluster_key, site)));
  for (const LineKeyEntry& k : keys_) {
    CHALNI_RETURN_IF_ERROR(sorter_.Add(LineRecord{k.key, cluster_key, site}));
  }
  return Status::Ok();
}

Status FrequentLineLearner::Finish(const FrequentLineOptions& options, const std::string& path,
                                   FrequentLineStats* stats) {
  auto merged = sorter_.Finish();
  if (!merged.ok()) return merged.status();
  return BuildFrequentLineTable(**merged, options, path, stats);
}

// ---- table ----------------------------------------------------------------------------------

StatusOr<std::unique_ptr<FrequentLineTable>> FrequentLineTable::Load(const std::string& path) {
  RecordReaderOptions r;
  r.expect_schema_tag = kFrequentLineSchemaTag;
  auto reader = RecordReader<FrequentLineEntry>::Open(path, r);
  if (!reader.ok()) return reader.status();
  std::vector<FrequentLineEntry> entries;
  entries.reserve(reader->record_count());
  while (const FrequentLineEntry* e = reader->Next()) entries.push_back(*e);
  CHALNI_RETURN_IF_ERROR(reader->status());
  return FromEntries(std::move(entries));
}

StatusOr<std::unique_ptr<FrequentLineTable>> FrequentLineTable::Load(
    const std::vector<std::string>& paths) {
  std::vector<FrequentLineEntry> all;
  for (const std::string& path : paths) {
    auto one = Load(path);
    if (!one.ok()) return one.status();
    all.insert(all.end(), (*one)->entries_.begin(), (*one)->entries_.end());
  }
  std::sort(all.begin(), all.end(),
            [](const FrequentLineEntry& a, const FrequentLineEntry& b) { return a.key < b.key; });
  return FromEntries(std::move(all));
}

std::unique_ptr<FrequentLineTable> FrequentLineTable::FromEntries(
    std::vector<FrequentLineEntry> entries) {
  auto table = std::unique_ptr<FrequentLineTable>(new FrequentLineTable());
  table->entries_ = std::move(entries);
  table->Index();
  return table;
}

void FrequentLineTable::Index() {
  size_t cap = 16;
  while (cap < entries_.size() * 2) cap *= 2;
  slots_.assign(cap, 0);
  mask_ = cap - 1;
  for (const FrequentLineEntry& e : entries_) {
    if (e.key == 0) continue;
    size_t i = (e.key * kGolden) >> 17 & mask_;
    while (slots_[i] != 0 && slots_[i] != e.key) i = (i + 1) & mask_;
    slots_[i] = e.key;
  }
}

bool FrequentLineTable::Contains(uint64_t key) const {
  if (key == 0) return false;
  for (size_t i = (key * kGolden) >> 17 & mask_;; i = (i + 1) & mask_) {
    if (slots_[i] == key) return true;
    if (slots_[i] == 0) return false;
  }
}

int MarkFrequentLines(const FrequentLineTable& table, std::string_view text,
                      std::string_view site, std::vector<RemovedLine>* removed_lines) {
  if (table.size() == 0) return 0;
  const uint64_t site_key = SiteKey(site);
  std::vector<bool> already;
  bool already_built = false;
  int marked = 0;
  size_t start = 0;
  uint32_t line_idx = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(start, nl - start);
    const uint64_t key = nl > start ? LineKey(line) : 0;
    const uint32_t this_line = line_idx;
    start = nl + 1;
    ++line_idx;
    if (key == 0) continue;
    if (!table.Contains(key) && (site_key == 0 || !table.Contains(SiteLineKey(key, site_key))))
      continue;
    // Source lines stay (source_line_v1), however often a site repeats "Source: agencies".
    if (ParseSourceLine(line)) continue;
    if (!already_built) {
      already_built = true;
      for (const RemovedLine& r : *removed_lines) {
        if (r.line >= already.size()) already.resize(r.line + 1, false);
        already[r.line] = true;
      }
    }
    if (this_line < already.size() && already[this_line]) continue;
    removed_lines->push_back(RemovedLine{this_line, "frequent_line"});
    ++marked;
  }
  if (marked > 0) {
    std::stable_sort(removed_lines->begin(), removed_lines->end(),
                     [](const RemovedLine& a, const RemovedLine& b) { return a.line < b.line; });
  }
  return marked;
}

int MarkFrequentLines(const FrequentLineTable& table, Document& doc) {
  return MarkFrequentLines(table, doc.text, doc.site, &doc.removed_lines);
}

}  // namespace chalni::boilerplate
