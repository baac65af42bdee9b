#include "probe/logs/detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace probe::logs {
namespace {

constexpr TimeMs kForever = std::numeric_limits<TimeMs>::max() / 4;
// Streaks at zero are the same as none; above this many, sweep them and the stale ones out (at
// most once per kSweepGap requests, so a busy map is not swept on every line).
constexpr std::size_t kStreakSoftLimit = 8192;
constexpr std::uint64_t kSweepGap = 4096;

// Exchange 2010 is 14.x, 2007 is 8.x; 2013 and later are 15.x.
bool IsLegacyVersion(std::string_view version) {
  int major = MajorVersion(version);
  return major >= 6 && major < 15;
}

bool HasInvalidToken(std::string_view generic_errors) {
  // The front end's message reads "NegotiateSecurityContext failed with for host" (sic).
  return generic_errors.find("NegotiateSecurityContext failed") != std::string_view::npos ||
         generic_errors.find("InvalidToken") != std::string_view::npos;
}

// The part of GenericErrors that names the failure, up to the next ';'.
std::string InvalidTokenExcerpt(std::string_view errors) {
  std::size_t at = errors.find("NegotiateSecurityContext failed");
  if (at == std::string_view::npos) {
    at = errors.find("InvalidToken");
    at = at > 80 ? at - 80 : 0;
  }
  std::string_view rest = errors.substr(at);
  rest = rest.substr(0, std::min(rest.find(';'), std::size_t{240}));
  return fmt::format("GenericErrors: {}", rest);
}

std::string BackendDetail(const Request& r) {
  std::string out;
  if (r.backend_status != 0) out = fmt::format("BackEndStatus {}", r.backend_status);
  if (!r.error_code.empty())
    out += fmt::format("{}ErrorCode {}", out.empty() ? "" : ", ", r.error_code);
  if (r.backend_status == 0)
    out += fmt::format("{}HttpStatus {}", out.empty() ? "" : ", ", r.http_status);
  return out;
}

std::string_view Win32Name(std::uint32_t status) {
  switch (status) {
    case kSecELogonDenied:
      return "SEC_E_LOGON_DENIED";
    case kSecEBadBindings:
      return "SEC_E_BAD_BINDINGS";
    case kSecEInvalidToken:
      return "SEC_E_INVALID_TOKEN";
    default:
      return "";
  }
}

}  // namespace

std::string_view PatternFindingId(Pattern pattern) {
  switch (pattern) {
    case Pattern::kBackendInvalidToken:
      return "auth.backend_invalid_token";
    case Pattern::kAuthLoop:
      return "logs.auth_loop";
    case Pattern::kIisBadBindings:
      return "logs.iis.bad_bindings";
    case Pattern::kIisInvalidToken:
      return "logs.iis.invalid_token";
    case Pattern::kIisLogonDenied:
      return "logs.iis.logon_denied";
    case Pattern::kBackendFailure:
      return "logs.backend_failure";
    case Pattern::kProxiedToLegacy:
      return "logs.proxied_to_2010";
  }
  return "logs.auth_loop";
}

Detector::Detector(DetectorOptions options) : options_(options) {
  options_.loop_threshold = std::max<std::uint32_t>(options_.loop_threshold, 1);
  options_.window = std::max<TimeMs>(options_.window, 0);
}

void Detector::Add(const Request& r, std::string_view file, std::uint64_t line,
                   std::string_view text) {
  latest_ = std::max(latest_, r.time);
  ++adds_;
  Where where{file, line, text};
  if (IsLegacyVersion(r.target_version)) {
    BuildKey(Pattern::kProxiedToLegacy,
             {r.user, r.anchor_mailbox, r.protocol, r.target_server, r.target_version});
    AddToGroup(Pattern::kProxiedToLegacy, r, where, 1, r.time, r.time, {}, kForever);
  }
  if (r.http_status == 401) {
    Unauthorized(r, where);
  } else if (r.http_status < 400) {
    EndHandshake(r);
  } else if (r.format == LogFormat::kHttpProxy &&
             (r.backend_status >= 500 || r.http_status >= 500 || !r.error_code.empty())) {
    std::string detail = BackendDetail(r);
    BuildKey(Pattern::kBackendFailure, {r.user, r.client_ip, r.protocol, r.target_server, detail});
    AddToGroup(Pattern::kBackendFailure, r, where, 1, r.time, r.time, detail, options_.window);
  }
}

void Detector::Unauthorized(const Request& r, const Where& where) {
  if (r.backend_status == 401) {
    // The front end's own handshake with the client completed: its legs were no loop.
    if (r.authenticated || !r.user.empty()) EndHandshake(r);
    // The front end passed the request on and the back end refused it. The KB3140410 case: a
    // 2010 (or 2007) back end, and the front end's own Negotiate to it failed with InvalidToken.
    // AuthenticatedUser is only set once the front end authenticated the client.
    if (IsLegacyVersion(r.target_version) && HasInvalidToken(r.generic_errors) &&
        (r.authenticated || !r.user.empty())) {
      BuildKey(Pattern::kBackendInvalidToken, {r.user, r.client_ip, r.protocol, r.target_server});
      AddToGroup(Pattern::kBackendInvalidToken, r, where, 1, r.time, r.time,
                 InvalidTokenExcerpt(r.generic_errors), options_.window);
    } else {
      std::string detail = BackendDetail(r);
      BuildKey(Pattern::kBackendFailure,
               {r.user, r.client_ip, r.protocol, r.target_server, detail});
      AddToGroup(Pattern::kBackendFailure, r, where, 1, r.time, r.time, detail, options_.window);
    }
    return;
  }
  Pattern iis = Pattern::kAuthLoop;
  if (r.win32_status == kSecELogonDenied) iis = Pattern::kIisLogonDenied;
  if (r.win32_status == kSecEBadBindings) iis = Pattern::kIisBadBindings;
  if (r.win32_status == kSecEInvalidToken) iis = Pattern::kIisInvalidToken;
  if (iis != Pattern::kAuthLoop) {
    std::string detail = fmt::format("sc-status 401.{} sc-win32-status {} (0x{:08X} {})",
                                     r.sub_status < 0 ? 0 : r.sub_status, r.win32_status,
                                     r.win32_status, Win32Name(r.win32_status));
    BuildKey(iis, {r.user, r.client_ip, r.protocol});
    AddToGroup(iis, r, where, 1, r.time, r.time, detail, options_.window);
    EndHandshake(r);  // the handshake ended, in a failure this group explains
    return;
  }
  // A 401 from the front end itself: one leg of a handshake, or a loop if no success follows.
  Streak* s = FindOrAddStreak(r);
  if (s == nullptr) return;
  if (s->count > 0 && r.time - s->last > options_.window) *s = Streak{};
  // Lines of one client are not always in time order (merged or hand-edited logs).
  s->first = s->count == 0 ? r.time : std::min(s->first, r.time);
  s->last = s->count == 0 ? r.time : std::max(s->last, r.time);
  ++s->count;
  if (s->count == options_.loop_threshold) {
    BuildKey(Pattern::kAuthLoop, {r.user, r.client_ip, r.protocol});
    s->group = AddToGroup(
        Pattern::kAuthLoop, r, where, s->count, s->first, s->last,
        fmt::format("{} or more 401s in a row without a success", options_.loop_threshold),
        options_.window);
  } else if (s->count > options_.loop_threshold && s->group >= 0) {
    Group& g = groups_[static_cast<std::size_t>(s->group)];
    ++g.count;
    g.first = std::min(g.first, r.time);
    g.last = std::max(g.last, r.time);
  }
}

void Detector::EndHandshake(const Request& r) {
  if (streaks_.empty()) return;
  ResetStreak(r, r.user);
  // The anonymous legs of a handshake have no user: the request that ends them does.
  if (!r.user.empty()) ResetStreak(r, {});
}

void Detector::ResetStreak(const Request& r, std::string_view user) {
  BuildKey(Pattern::kAuthLoop, {user, r.client_ip, r.protocol, r.server_host});
  auto it = streaks_.find(key_);
  if (it != streaks_.end()) it->second = Streak{};
}

Detector::Streak* Detector::FindOrAddStreak(const Request& r) {
  BuildKey(Pattern::kAuthLoop, {r.user, r.client_ip, r.protocol, r.server_host});
  auto it = streaks_.find(key_);
  if (it != streaks_.end()) return &it->second;
  if (streaks_.size() >= kStreakSoftLimit && adds_ - last_sweep_ >= kSweepGap) {
    Sweep();
    BuildKey(Pattern::kAuthLoop, {r.user, r.client_ip, r.protocol, r.server_host});
  }
  if (streaks_.size() >= options_.max_streaks) {
    ++streaks_dropped_;
    return nullptr;
  }
  return &streaks_.try_emplace(key_).first->second;
}

void Detector::BuildKey(Pattern p, std::initializer_list<std::string_view> parts) {
  key_.clear();
  key_.push_back(static_cast<char>('0' + static_cast<int>(p)));
  for (auto part : parts) {
    key_.push_back('\x1f');
    key_.append(part);
  }
}

std::int64_t Detector::AddToGroup(Pattern p, const Request& r, const Where& where,
                                  std::uint64_t count, TimeMs first, TimeMs last,
                                  std::string_view detail, TimeMs window) {
  auto it = open_.find(key_);
  if (it != open_.end()) {
    Group& g = groups_[it->second];
    if (first - g.last <= window && g.first - last <= window) {
      g.count += count;
      g.first = std::min(g.first, first);
      g.last = std::max(g.last, last);
      return static_cast<std::int64_t>(it->second);
    }
  }
  if (groups_.size() >= options_.max_groups) {
    ++groups_dropped_;
    return -1;
  }
  Group g;
  g.pattern = p;
  g.user = std::string(r.user);
  if (p == Pattern::kProxiedToLegacy) {
    g.mailbox = std::string(r.anchor_mailbox);
  } else {
    g.client_ip = std::string(r.client_ip);
  }
  g.protocol = std::string(r.protocol);
  g.target_server = std::string(r.target_server);
  g.target_version = std::string(r.target_version);
  g.detail = std::string(detail);
  g.count = count;
  g.first = first;
  g.last = last;
  g.sample = SampleLine{std::string(where.file), where.line,
                        std::string(where.text.substr(0, kSampleBytes))};
  groups_.push_back(std::move(g));
  std::size_t index = groups_.size() - 1;
  if (it != open_.end()) {
    it->second = index;
  } else {
    open_.emplace(key_, index);
  }
  return static_cast<std::int64_t>(index);
}

void Detector::BeginFile() { latest_ = std::numeric_limits<TimeMs>::min(); }

void Detector::Sweep() {
  last_sweep_ = adds_;
  // A stale streak would restart at its next 401 anyway. "Stale" is measured against the current
  // file only: files of other front ends, read one after another, overlap in time.
  std::erase_if(streaks_, [&](const auto& kv) {
    return kv.second.count == 0 || latest_ - kv.second.last > options_.window;
  });
}

std::vector<Group> Detector::TakeGroups() {
  std::vector<Group> out = std::move(groups_);
  groups_.clear();
  open_.clear();
  streaks_.clear();
  std::stable_sort(out.begin(), out.end(), [](const Group& a, const Group& b) {
    if (a.pattern != b.pattern) return a.pattern < b.pattern;
    return a.first < b.first;
  });
  return out;
}

}  // namespace probe::logs
