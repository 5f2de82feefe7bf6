#include "boilerplate/line_rules.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <string>
#include <vector>

#include "chalni/io/utf8.h"
#include "chalni/text/normalize.h"
#include "chalni/text/tokenize.h"

namespace chalni::boilerplate {
namespace {

// Letter names as Bengali and Hindi news sites spell editors' initials (এসএ = S A, एमएस = M S).
constexpr const char* kLetterNames[] = {
    // Bengali
    "এ", "বি", "সি", "ডি", "ই", "এফ", "জি", "এইচ", "আই", "জে", "কে", "এল", "এম", "এন", "ও", "পি",
    "কিউ", "আর", "এস", "টি", "ইউ", "ভি", "ডব্লিউ", "ডাব্লিউ", "এক্স", "ওয়াই", "জেড",
    // Devanagari
    "ए", "बी", "सी", "डी", "ई", "एफ", "जी", "एच", "आई", "जे", "के", "एल", "एम", "एन", "ओ", "पी",
    "क्यू", "आर", "एस", "टी", "यू", "वी", "डब्ल्यू", "एक्स", "वाई", "जेड", "ज़ेड",
};

// Agency names that make up a whole credit line: `(IANS)`, `(বাসস)`, `(PTI/IANS)`.
constexpr const char* kAgencies[] = {
    "ians", "pti", "ani", "afp", "ap", "reuters", "unb", "bss", "agencies", "agency", "xinhua",
    "বাসস", "ইউএনবি", "এএফপি", "এপি", "রয়টার্স", "এজেন্সি", "এজেন্সিজ", "আইএএনএস", "পিটিআই",
    "भाषा", "आईएएनएस", "पीटीआई", "एएनआई", "एजेंसी", "एजेंसियां", "एजेंसियाँ", "वार्ता",
    "وكالات", "رويترز", "ایجنسیاں", "اے ایف پی", "رائٹرز",
};

// Formulas a credit line starts with.
constexpr const char* kCreditPrefixes[] = {
    "with inputs from", "inputs from", "with agency inputs", "with inputs", "edited by",
    "reporting by", "reported by", "compiled by", "translated by", "written by",
    "এজেন্সির তথ্য", "ইনপুট", "इनपुट", "एजेंसी इनपुट", "भाषा इनपुट", "بشکریہ",
};

// Source keywords (lower case for the ASCII ones).
constexpr const char* kSourceKeywords[] = {
    "sources", "source", "তথ্যসূত্র", "সূত্র", "स्रोत", "स्त्रोत", "सोर्स",
    "ماخذ",    "المصدر", "مصدر",
};

struct Tables {
  std::vector<std::string> letter_names;
  std::vector<std::string> agencies;
  std::vector<std::string> credit_prefixes;
  std::vector<std::string> source_keywords;
};

const Tables& GetTables() {
  static const Tables* tables = [] {
    auto* t = new Tables();
    auto normalizer = text::Normalizer::Create(text::NormalizeOptions{});
    auto norm = [&](const char* s) {
      return normalizer.ok() ? (*normalizer)->NormalizeString(s) : std::string(s);
    };
    for (const char* s : kLetterNames) t->letter_names.push_back(norm(s));
    // Longest first, so that "এক্স" is tried before "এ".
    std::sort(t->letter_names.begin(), t->letter_names.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const char* s : kAgencies) t->agencies.push_back(norm(s));
    for (const char* s : kCreditPrefixes) t->credit_prefixes.push_back(norm(s));
    for (const char* s : kSourceKeywords) t->source_keywords.push_back(norm(s));
    return t;
  }();
  return *tables;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Strips one leading dash (ASCII '-', en dash, em dash, minus sign) and spaces; true if found.
bool StripDash(std::string_view* s) {
  static constexpr std::string_view kDashes[] = {"-", "\u2013", "\u2014", "\u2212", "\u2012"};
  for (std::string_view d : kDashes) {
    if (s->substr(0, d.size()) == d) {
      s->remove_prefix(d.size());
      *s = Trim(*s);
      return true;
    }
  }
  return false;
}

bool IsUpperLatinInitials(std::string_view seg) {
  if (seg.empty() || seg.size() > 4) return false;
  return std::all_of(seg.begin(), seg.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// True when `seg` is 1..4 letter names, e.g. "এসএ" = "এস" + "এ".
bool IsSpelledInitials(std::string_view seg, int depth = 0) {
  if (seg.empty()) return depth > 0;
  if (depth == 4) return false;
  for (const std::string& name : GetTables().letter_names) {
    if (seg.substr(0, name.size()) == name &&
        IsSpelledInitials(seg.substr(name.size()), depth + 1)) {
      return true;
    }
  }
  return false;
}

bool IsInitialsSegment(std::string_view seg) {
  seg = Trim(seg);
  return IsUpperLatinInitials(seg) || IsSpelledInitials(seg);
}

bool IsInitialsLine(std::string_view line) {
  if (io::CountCodePoints(line) > 24) return false;
  const bool dash = StripDash(&line);
  if (!line.empty() && line.back() == '/') line = Trim(line.substr(0, line.size() - 1));
  if (!dash && !line.empty() && line.front() == '/') return false;
  if (line.empty()) return false;
  int segments = 0;
  size_t start = 0;
  while (true) {
    size_t slash = line.find('/', start);
    std::string_view seg = line.substr(start, slash == std::string_view::npos
                                                  ? std::string_view::npos
                                                  : slash - start);
    if (!IsInitialsSegment(seg)) return false;
    ++segments;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (segments > 4) return false;
  return segments >= 2 || dash;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

bool IsAgencyList(std::string_view inner) {
  // "PTI", "PTI/IANS", "AFP, Reuters", "রয়টার্স ও এএফপি"
  const Tables& t = GetTables();
  // Separators become '|' (built anew rather than with std::string::replace, which trips a
  // false -Wrestrict warning in GCC 12).
  const std::string ascii = AsciiLower(inner);
  std::string lower;
  lower.reserve(ascii.size());
  static constexpr std::string_view kSeps[] = {",", "/", "&", " and ", " ও ", " और ", " و "};
  for (size_t i = 0; i < ascii.size();) {
    size_t sep_len = 0;
    for (std::string_view sep : kSeps) {
      if (std::string_view(ascii).substr(i, sep.size()) == sep) {
        sep_len = sep.size();
        break;
      }
    }
    if (sep_len > 0) {
      lower.push_back('|');
      i += sep_len;
    } else {
      lower.push_back(ascii[i++]);
    }
  }
  size_t start = 0;
  int parts = 0;
  while (start <= lower.size()) {
    size_t bar = lower.find('|', start);
    if (bar == std::string::npos) bar = lower.size();
    std::string_view part = Trim(std::string_view(lower).substr(start, bar - start));
    start = bar + 1;
    if (part.empty()) continue;
    if (std::find(t.agencies.begin(), t.agencies.end(), part) == t.agencies.end()) return false;
    ++parts;
  }
  return parts > 0;
}

bool IsCreditLine(std::string_view line) {
  if (line.size() < 3) return false;
  const char open = line.front(), close = line.back();
  if (!((open == '(' && close == ')') || (open == '[' && close == ']'))) return false;
  std::string_view inner = Trim(line.substr(1, line.size() - 2));
  if (inner.empty() || inner.find_first_of("()[]") != std::string_view::npos) return false;
  std::vector<text::Token> tokens;
  text::Tokenize(inner, &tokens);
  if (tokens.empty() || tokens.size() > 8) return false;
  if (IsAgencyList(inner)) return true;
  const std::string lower = AsciiLower(inner);
  for (const std::string& p : GetTables().credit_prefixes) {
    if (lower.compare(0, p.size(), p) == 0 &&
        (lower.size() == p.size() || lower[p.size()] == ' ' || lower[p.size()] == ':')) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool IsBylineLine(std::string_view line) {
  line = Trim(line);
  if (line.empty() || line.size() > 200) return false;
  return IsInitialsLine(line) || IsCreditLine(line);
}

std::optional<std::string_view> ParseSourceLine(std::string_view line) {
  line = Trim(line);
  if (line.size() > 200) return std::nullopt;
  bool paren = false;
  if (!line.empty() && line.front() == '(') {
    paren = true;
    line = Trim(line.substr(1));
  } else {
    StripDash(&line);
  }
  const std::string head = AsciiLower(line.substr(0, 32));
  size_t kw_len = 0;
  for (const std::string& kw : GetTables().source_keywords) {
    if (head.compare(0, kw.size(), kw) == 0) {
      kw_len = kw.size();
      break;
    }
  }
  if (kw_len == 0) return std::nullopt;
  std::string_view rest = line.substr(kw_len);
  rest = Trim(rest);
  bool sep = false;
  for (std::string_view s : {":", "\u0983", "\uFF1A", "-", "\u2013", "\u2014"}) {
    if (rest.substr(0, s.size()) == s) {
      rest.remove_prefix(s.size());
      sep = true;
      break;
    }
  }
  if (!sep) return std::nullopt;
  rest = Trim(rest);
  if (paren && !rest.empty() && rest.back() == ')') rest.remove_suffix(1);
  // Trailing punctuation: . । ! , ; and spaces.
  while (!rest.empty()) {
    if (rest.back() == '.' || rest.back() == ',' || rest.back() == ';' || rest.back() == ' ' ||
        rest.back() == '!') {
      rest.remove_suffix(1);
    } else if (rest.size() >= 3 && (rest.substr(rest.size() - 3) == "\u0964" ||
                                    rest.substr(rest.size() - 3) == "\u0965")) {
      rest.remove_suffix(3);
    } else if (rest.size() >= 2 && rest.substr(rest.size() - 2) == "\u06D4") {
      rest.remove_suffix(2);
    } else {
      break;
    }
  }
  if (rest.empty() || rest.size() > 120) return std::nullopt;
  std::vector<text::Token> tokens;
  text::Tokenize(rest, &tokens);
  if (tokens.empty() || tokens.size() > 10) return std::nullopt;
  return rest;
}

}  // namespace chalni::boilerplate
