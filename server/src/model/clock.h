// Timestamps: every time in Switchboard is milliseconds since the Unix epoch, UTC.
// Identical in SQLite and PostgreSQL, sortable, and free of SOCI's std::tm truncation;
// the API renders them as ISO-8601.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb {

using EpochMs = std::int64_t;
EpochMs now_ms();
// Seconds on the monotonic clock, for intervals and pacing (never stored).
double steady_seconds();
std::string format_iso8601(EpochMs ms);  // 2026-11-21T14:01:23.456Z
// Accepts "2026-11-21T14:01:23Z", fractions, "+07:00" offsets, and "2026-11-21" (midnight UTC).
std::optional<EpochMs> parse_iso8601(const std::string& text);
// "YYYY-MM-DD" naming a real calendar day.
bool is_valid_date(std::string_view text);
// "45s", "10m", "2h", "3d", "1w", "1h30m" -> milliseconds; nullopt when malformed.
std::optional<std::int64_t> parse_delay(std::string_view text);

}  // namespace sb
