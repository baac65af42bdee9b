// Timestamps as Exchange and IIS write them (UTC), and as users give --since/--until.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace probe::logs {

/// Milliseconds since the Unix epoch, UTC.
using TimeMs = std::int64_t;

/// ISO 8601 as HttpProxy logs and users write it: "2023-01-07T08:39:45.725Z",
/// "2023-01-07 08:39:45", "2023-01-07T08:39", "2023-01-07", with an optional "Z" or "+HH:MM" /
/// "-HH:MM" offset; no zone means UTC (the logs are UTC). nullopt when it is not such a time.
std::optional<TimeMs> ParseIsoTime(std::string_view text);

/// The `date` and `time` columns of an IIS W3C log ("2023-01-07", "08:39:45"), UTC.
std::optional<TimeMs> ParseDateAndTime(std::string_view date, std::string_view time);

/// "2023-01-07T08:39:45.725Z".
std::string FormatIsoTime(TimeMs time);

}  // namespace probe::logs
