// TZif (RFC 8536) version 2+ reader: the 64-bit transition block only. Debian ships "fat"
// files with transitions through 2037; after the last one its offset stays in force.
#include "model/time_zone.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace sb {
namespace {

std::int64_t be(const std::string& d, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(d[at + i]);
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

std::string zoneinfo_dir() {
  const char* dir = std::getenv("SB_ZONEINFO_DIR");
  return dir && *dir ? dir : "/usr/share/zoneinfo";
}

bool plausible_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' ||
      name.find("..") != std::string_view::npos)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
           c == '+';
  });
}

std::shared_ptr<const TimeZone> fixed(std::string_view name, int offset) {
  return std::make_shared<TimeZone>(std::string(name), std::vector<std::int64_t>{},
                                    std::vector<int>{}, offset);
}

// "+07:00" / "-03:30" -> seconds.
bool parse_offset(std::string_view s, int& out) {
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return false;
  for (std::size_t i : {1, 2, 4, 5}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  int h = (s[1] - '0') * 10 + (s[2] - '0'), m = (s[4] - '0') * 10 + (s[5] - '0');
  if (h > 14 || m > 59) return false;
  out = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
  return true;
}

std::shared_ptr<const TimeZone> load_tzif(std::string_view name) {
  std::ifstream in(zoneinfo_dir() + "/" + std::string(name), std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string d = buf.str();
  if (d.size() < 44 || d.compare(0, 4, "TZif") != 0 || d[4] < '2') return nullptr;
  auto counts = [&](std::size_t at, std::int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = be(d, at + 20 + 4 * i, 4);
  };
  std::int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  std::size_t v2 = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
  if (d.size() < v2 + 44 || d.compare(v2, 4, "TZif") != 0) return nullptr;
  counts(v2, c);
  const std::size_t timecnt = c[3], typecnt = c[4];
  std::size_t at = v2 + 44;
  if (typecnt == 0 || d.size() < at + timecnt * 9 + typecnt * 6) return nullptr;
  std::vector<std::int64_t> transitions;
  std::vector<int> offsets;
  std::vector<int> type_offsets;
  for (std::size_t i = 0; i < typecnt; ++i)
    type_offsets.push_back(static_cast<int>(be(d, at + timecnt * 9 + i * 6, 4)));
  for (std::size_t i = 0; i < timecnt; ++i) {
    transitions.push_back(be(d, at + i * 8, 8));
    auto type = static_cast<unsigned char>(d[at + timecnt * 8 + i]);
    if (type >= typecnt) return nullptr;
    offsets.push_back(type_offsets[type]);
  }
  // Before the first transition: the first type (RFC 8536 section 3.2).
  return std::make_shared<TimeZone>(std::string(name), std::move(transitions), std::move(offsets),
                                    type_offsets[0]);
}

}  // namespace

TimeZone::TimeZone(std::string name, std::vector<std::int64_t> transitions,
                   std::vector<int> offsets, int initial_offset)
    : name_(std::move(name)),
      transitions_(std::move(transitions)),
      offsets_(std::move(offsets)),
      initial_offset_(initial_offset) {}

std::shared_ptr<const TimeZone> TimeZone::utc() {
  static const auto zone = fixed("UTC", 0);
  return zone;
}

std::shared_ptr<const TimeZone> TimeZone::find(std::string_view name) {
  if (name == "UTC" || name == "Etc/UTC" || name == "Z") return utc();
  int offset = 0;
  if (parse_offset(name, offset)) return fixed(name, offset);
  if (!plausible_name(name)) return nullptr;
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  auto zone = load_tzif(name);
  if (cache.size() < 1000) cache.emplace(std::string(name), zone);  // misses cached too
  return zone;
}

int TimeZone::offset_s(EpochMs utc_ms) const {
  std::int64_t t = utc_ms >= 0 ? utc_ms / 1000 : (utc_ms - 999) / 1000;
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  if (it == transitions_.begin()) return initial_offset_;
  return offsets_[static_cast<std::size_t>(it - transitions_.begin() - 1)];
}

std::vector<TimeZone::OffsetSpan> TimeZone::offsets_between(EpochMs from, EpochMs to) const {
  std::vector<OffsetSpan> out;
  if (from >= to) return out;
  OffsetSpan span{from, to, offset_s(from)};
  // Each transition inside the window ends one span and starts the next.
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(),
                             from >= 0 ? from / 1000 : (from - 999) / 1000);
  for (; it != transitions_.end() && *it * 1000 < to; ++it) {
    const int next = offsets_[static_cast<std::size_t>(it - transitions_.begin())];
    if (next == span.offset_s) continue;
    span.end = *it * 1000;
    out.push_back(span);
    span = {*it * 1000, to, next};
  }
  out.push_back(span);
  return out;
}

EpochMs TimeZone::local_to_utc(EpochMs local_ms) const {
  // Two candidate offsets: those in force around the wall time. Prefer the earlier instant
  // that maps back to this wall time; in a gap, move past it.
  EpochMs guess1 = local_ms - offset_s(local_ms - 86400000LL) * 1000LL;
  EpochMs guess2 = local_ms - offset_s(local_ms + 86400000LL) * 1000LL;
  EpochMs first = std::min(guess1, guess2), second = std::max(guess1, guess2);
  if (utc_to_local(first) == local_ms) return first;
  if (utc_to_local(second) == local_ms) return second;
  return second;  // in a gap: the wall time moved past it
}

int iso_weekday(EpochMs local_ms) {
  std::int64_t days = local_ms >= 0 ? local_ms / 86400000 : (local_ms - 86399999) / 86400000;
  int wd = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday (ISO 4)
  return wd + 1;
}

}  // namespace sb
