#include "probe/logs/timestamp.h"

#include <fmt/format.h>

namespace probe::logs {
namespace {

constexpr TimeMs kMsPerDay = 86'400'000;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`; advances pos. -1 when they are not all digits.
int Digits(std::string_view s, std::size_t& pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  pos += n;
  return value;
}

bool Take(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// "YYYY-MM-DD" at pos: the day number, or nullopt.
std::optional<std::int64_t> ReadDate(std::string_view s, std::size_t& pos) {
  int y = Digits(s, pos, 4);
  if (y < 1601 || !Take(s, pos, '-')) return std::nullopt;
  int m = Digits(s, pos, 2);
  if (m < 1 || m > 12 || !Take(s, pos, '-')) return std::nullopt;
  int d = Digits(s, pos, 2);
  if (d < 1 || d > DaysInMonth(y, m)) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

// "HH:MM[:SS[.fff...]]" at pos: milliseconds into the day, or nullopt.
std::optional<TimeMs> ReadClock(std::string_view s, std::size_t& pos, bool seconds_required) {
  int h = Digits(s, pos, 2);
  if (h < 0 || h > 23 || !Take(s, pos, ':')) return std::nullopt;
  int m = Digits(s, pos, 2);
  if (m < 0 || m > 59) return std::nullopt;
  TimeMs ms = (h * 60 + m) * 60'000;
  if (!Take(s, pos, ':')) {
    if (seconds_required) return std::nullopt;
    return ms;
  }
  int sec = Digits(s, pos, 2);
  if (sec < 0 || sec > 60) return std::nullopt;  // 60: a leap second as written
  ms += sec * 1000;
  if (Take(s, pos, '.') || Take(s, pos, ',')) {
    int scale = 100, frac = 0;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
    ms += frac;
  }
  return ms;
}

// "Z", "+HH:MM", "-HH:MM", "+HHMM" or nothing at pos: the offset to subtract, or nullopt.
std::optional<TimeMs> ReadZone(std::string_view s, std::size_t& pos) {
  if (pos == s.size()) return 0;
  if (Take(s, pos, 'Z') || Take(s, pos, 'z')) return 0;
  int sign = 0;
  if (Take(s, pos, '+')) sign = 1;
  if (sign == 0 && Take(s, pos, '-')) sign = -1;
  if (sign == 0) return std::nullopt;
  int h = Digits(s, pos, 2);
  Take(s, pos, ':');
  int m = Digits(s, pos, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59) return std::nullopt;
  return sign * static_cast<TimeMs>((h * 60 + m) * 60'000);
}

}  // namespace

std::optional<TimeMs> ParseIsoTime(std::string_view text) {
  std::size_t pos = 0;
  auto day = ReadDate(text, pos);
  if (!day) return std::nullopt;
  TimeMs ms = *day * kMsPerDay;
  if (pos == text.size()) return ms;
  if (!Take(text, pos, 'T') && !Take(text, pos, 't') && !Take(text, pos, ' ')) return std::nullopt;
  auto clock = ReadClock(text, pos, false);
  if (!clock) return std::nullopt;
  auto zone = ReadZone(text, pos);
  if (!zone || pos != text.size()) return std::nullopt;
  return ms + *clock - *zone;
}

std::optional<TimeMs> ParseDateAndTime(std::string_view date, std::string_view time) {
  std::size_t pos = 0;
  auto day = ReadDate(date, pos);
  if (!day || pos != date.size()) return std::nullopt;
  pos = 0;
  auto clock = ReadClock(time, pos, true);
  if (!clock || pos != time.size()) return std::nullopt;
  return *day * kMsPerDay + *clock;
}

std::string FormatIsoTime(TimeMs time) {
  TimeMs day = time >= 0 ? time / kMsPerDay : (time - kMsPerDay + 1) / kMsPerDay;
  TimeMs in_day = time - day * kMsPerDay;
  // civil_from_days (Hinnant), the inverse of DaysFromCivil.
  std::int64_t z = day + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, m, d, in_day / 3'600'000,
                     in_day / 60'000 % 60, in_day / 1000 % 60, in_day % 1000);
}

}  // namespace probe::logs
