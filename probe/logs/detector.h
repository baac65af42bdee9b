// The loop detector: classifies each request and groups what it finds per user, client IP,
// protocol and time window. State per group and per handshake in progress is fixed in size, and
// both maps are capped, so memory does not grow with the log.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "probe/logs/request.h"
#include "probe/logs/timestamp.h"

namespace probe::logs {

/// What a group shows, worst first (the order reports sort by).
enum class Pattern {
  kBackendInvalidToken,  // KB3140410: front end authenticated, 2010 back end 401 InvalidToken
  kAuthLoop,             // repeated 401s without a success in between
  kIisBadBindings,       // IIS 401 with SEC_E_BAD_BINDINGS (Extended Protection)
  kIisInvalidToken,      // IIS 401 with SEC_E_INVALID_TOKEN (NTLM legs on different connections)
  kIisLogonDenied,       // IIS 401 with SEC_E_LOGON_DENIED
  kBackendFailure,       // back end 5xx or 401, or an ErrorCode on a failed request
  kProxiedToLegacy,      // requests proxied to a 2010 (14.x) or older back end
};
inline constexpr int kPatternCount = 7;

/// The catalogue id of a pattern's finding ("logs.auth_loop", "auth.backend_invalid_token", ...).
std::string_view PatternFindingId(Pattern pattern);

/// The SSPI statuses IIS logs in sc-win32-status (Windows error codes).
inline constexpr std::uint32_t kSecELogonDenied = 0x8009030C;   // 2148074252
inline constexpr std::uint32_t kSecEBadBindings = 0x80090346;   // 2148074310
inline constexpr std::uint32_t kSecEInvalidToken = 0x80090308;  // 2148074248

/// One line of a log, as evidence.
struct SampleLine {
  std::string file;
  std::uint64_t line = 0;
  std::string text;  // at most kSampleBytes
};
inline constexpr std::size_t kSampleBytes = 4096;

/// Requests of one pattern for one key within one time window.
struct Group {
  Pattern pattern = Pattern::kAuthLoop;
  std::string user;       // AuthenticatedUser / cs-username ("" for anonymous handshake legs)
  std::string mailbox;    // AnchorMailbox (proxied-to-2010 groups)
  std::string client_ip;  // "" for proxied-to-2010 groups (grouped per mailbox)
  std::string protocol;
  std::string target_server;
  std::string target_version;
  std::string detail;  // the value that proves it: "BackEndStatus 503", a GenericErrors excerpt
  std::uint64_t count = 0;
  TimeMs first = 0;
  TimeMs last = 0;
  SampleLine sample;
};

struct DetectorOptions {
  TimeMs window = 15 * 60 * 1000;    // a gap longer than this starts a new group
  std::uint32_t loop_threshold = 5;  // this many 401s in a row, no success between: a loop
  std::size_t max_groups = 10000;
  std::size_t max_streaks = 100000;  // handshakes in progress tracked at once
};

class Detector {
 public:
  explicit Detector(DetectorOptions options = {});

  /// Starts a new file (its times may overlap the previous file's: another front end).
  void BeginFile();
  /// Adds one request; `file`, `line` and `text` name it for a group's sample.
  void Add(const Request& r, std::string_view file, std::uint64_t line, std::string_view text);

  /// The groups, worst pattern first, then by first time.
  std::vector<Group> TakeGroups();
  /// Groups not kept because max_groups was reached.
  std::uint64_t groups_dropped() const { return groups_dropped_; }
  /// 401s not followed because max_streaks handshakes were already in progress.
  std::uint64_t streaks_dropped() const { return streaks_dropped_; }

 private:
  // 401s in a row from one client to one front end, waiting for a success.
  struct Streak {
    std::uint32_t count = 0;
    TimeMs first = 0;
    TimeMs last = 0;
    std::int64_t group = -1;  // the loop group once count reached the threshold
  };
  struct Where {
    std::string_view file;
    std::uint64_t line;
    std::string_view text;
  };

  void Unauthorized(const Request& r, const Where& where);
  // A success (or a failure a specific group explains) ends the 401 run of this client.
  void EndHandshake(const Request& r);
  void ResetStreak(const Request& r, std::string_view user);
  Streak* FindOrAddStreak(const Request& r);
  void BuildKey(Pattern p, std::initializer_list<std::string_view> parts);
  // Adds `count` requests seen from `first` to `last` to the open group of key_ (or a new one);
  // its index, or -1 if dropped.
  std::int64_t AddToGroup(Pattern p, const Request& r, const Where& where, std::uint64_t count,
                          TimeMs first, TimeMs last, std::string_view detail, TimeMs window);
  void Sweep();

  DetectorOptions options_;
  std::vector<Group> groups_;
  // key -> its group of the latest window; no larger than groups_ (max_groups).
  std::unordered_map<std::string, std::size_t> open_;
  std::unordered_map<std::string, Streak> streaks_;
  std::string key_;    // reused for every lookup, so lines do not allocate
  TimeMs latest_ = 0;  // latest time of the current file
  std::uint64_t adds_ = 0;
  std::uint64_t last_sweep_ = 0;
  std::uint64_t groups_dropped_ = 0;
  std::uint64_t streaks_dropped_ = 0;
};

}  // namespace probe::logs
