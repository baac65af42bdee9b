#include "probe/exchange/autodiscover_policy.h"

#include <algorithm>
#include <cctype>

namespace probe::exchange {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// A dotted ASCII host name: labels of 1-63 letters, digits, '-' or '_'.
bool IsDottedHostName(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.find('.') == std::string_view::npos) return false;
  std::size_t label = 0;
  for (char c : host) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (!IsHostChar(c) || ++label > 63) {
      return false;
    }
  }
  return label > 0;
}

bool IsLocalPartChar(char c) {
  return c > 0x20 && c < 0x7F &&
         std::string_view("\"(),:;<>[\\]@").find(c) == std::string_view::npos;
}

Result<std::uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return Fail(ErrorCode::kMalformed, "URL port is invalid");
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Fail(ErrorCode::kMalformed, "URL port is invalid");
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return Fail(ErrorCode::kMalformed, "URL port is invalid");
  return static_cast<std::uint16_t>(value);
}

// "autodiscover.<single label>": where a client that strips labels off the domain ends up.
bool IsBackOffHost(std::string_view host) {
  constexpr std::string_view kPrefix = "autodiscover.";
  if (host.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view rest = host.substr(kPrefix.size());
  return rest.find('.') == std::string_view::npos;
}

std::string NormalizedUrl(std::string_view url) {
  auto parts = SplitUrl(url);
  if (!parts) return std::string(url);
  return parts->scheme + "://" + parts->host + ":" + std::to_string(parts->port) + parts->path;
}

}  // namespace

Result<MailAddress> ParseMailAddress(std::string_view address) {
  auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + std::string(address.substr(0, 80)) + "' is not an e-mail address");
  }
  std::string_view local = address.substr(0, at);
  std::string_view domain = address.substr(at + 1);
  if (local.size() > 64 || !std::all_of(local.begin(), local.end(), IsLocalPartChar)) {
    return Fail(ErrorCode::kInvalidArgument,
                "the local part of '" + std::string(address.substr(0, 80)) + "' is not supported");
  }
  if (!IsDottedHostName(domain)) {
    return Fail(ErrorCode::kInvalidArgument, "the domain of '" +
                                                 std::string(address.substr(0, 80)) +
                                                 "' is not a dotted ASCII host name");
  }
  return MailAddress{std::string(local), Lower(domain)};
}

Result<Url> SplitUrl(std::string_view url) {
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
      return Fail(ErrorCode::kMalformed, "URL holds whitespace or a control character");
    }
  }
  auto sep = url.find("://");
  if (sep == std::string_view::npos) return Fail(ErrorCode::kMalformed, "not an absolute URL");
  Url out;
  out.scheme = Lower(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") {
    return Fail(ErrorCode::kMalformed,
                "URL scheme '" + out.scheme.substr(0, 16) + "' is not http or https");
  }
  std::string_view rest = url.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  std::string_view path = rest.substr(authority.size());
  if (authority.find('@') != std::string_view::npos) {
    return Fail(ErrorCode::kMalformed, "URL carries user info before the host");
  }
  std::string_view host = authority;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos)
      return Fail(ErrorCode::kMalformed, "URL host has '[' without ']'");
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') return Fail(ErrorCode::kMalformed, "URL host is malformed");
      port = host.substr(close + 2);
    }
    host = host.substr(1, close - 1);
    for (char c : host) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
        return Fail(ErrorCode::kMalformed, "URL host is not an IPv6 literal");
      }
    }
  } else if (auto colon = host.find(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
    if (port.empty()) return Fail(ErrorCode::kMalformed, "URL port is invalid");
  }
  if (host.empty()) return Fail(ErrorCode::kMalformed, "URL has no host");
  if (authority.front() != '[' && !std::all_of(host.begin(), host.end(), IsHostChar)) {
    return Fail(ErrorCode::kMalformed, "URL host has a character not allowed in a host name");
  }
  out.host = Lower(host);
  if (!port.empty()) {
    auto p = ParsePort(port);
    if (!p) return Fail(p.error());
    out.port = *p;
  } else {
    out.port = out.scheme == "https" ? 443 : 80;
  }
  out.path = path.empty() || path.front() != '/' ? "/" + std::string(path) : std::string(path);
  return out;
}

CredentialVerdict MaySendCredentials(std::string_view url, const CredentialPolicy& policy) {
  auto parts = SplitUrl(url);
  if (!parts) return {false, "not a valid URL: " + parts.error().message};
  if (parts->scheme != "https") return {false, "credentials are sent only over https"};
  const std::string& host = parts->host;
  for (const auto& allowed : policy.allow_hosts) {
    if (Lower(allowed) == host) return {true, host + " was named with --allow-host"};
  }
  if (IsBackOffHost(host)) {
    return {false, host + " is an autodiscover.<tld> back-off host, outside any mailbox domain"};
  }
  std::string domain = Lower(policy.domain);
  if (!domain.empty() && (host == domain || EndsWith(host, "." + domain))) {
    return {true, host + " is inside the mailbox domain " + domain};
  }
  return {false, host + " is outside the mailbox domain " + domain + " (add --allow-host " + host +
                     " to trust it)"};
}

bool IsOffice365Target(std::string_view url_or_address) {
  std::string host;
  if (auto parts = SplitUrl(url_or_address)) {
    host = parts->host;
  } else if (auto address = ParseMailAddress(url_or_address)) {
    host = address->domain;
  } else {
    return false;
  }
  return host == "outlook.com" || EndsWith(host, ".outlook.com") || host == "office365.com" ||
         EndsWith(host, ".office365.com") || EndsWith(host, ".onmicrosoft.com");
}

RedirectTracker::RedirectTracker(std::string_view start_address, int max_hops)
    : max_hops_(max_hops) {
  addresses_.push_back(Lower(start_address));
}

std::string RedirectTracker::UrlKey(std::string_view url) const {
  return addresses_.back() + " " + NormalizedUrl(url);
}

void RedirectTracker::Visit(std::string_view url) {
  std::string key = UrlKey(url);
  if (std::find(urls_.begin(), urls_.end(), key) == urls_.end()) urls_.push_back(std::move(key));
}

RedirectDecision RedirectTracker::Follow(RedirectKind kind, std::string_view target) {
  if (hops_ >= max_hops_) {
    return {RedirectVerdict::kTooMany,
            "more than " + std::to_string(max_hops_) + " redirects; discovery stops"};
  }
  if (kind == RedirectKind::kRedirectAddr) {
    if (!ParseMailAddress(target)) {
      return {RedirectVerdict::kUnsafe, "redirectAddr is not an e-mail address"};
    }
    std::string key = Lower(target);
    if (std::find(addresses_.begin(), addresses_.end(), key) != addresses_.end()) {
      return {RedirectVerdict::kLoop, "redirectAddr " + key + " was already tried"};
    }
    addresses_.push_back(std::move(key));
    ++hops_;
    return {RedirectVerdict::kFollow, "restart discovery with " + std::string(target)};
  }
  auto parts = SplitUrl(target);
  if (!parts) return {RedirectVerdict::kUnsafe, "redirect target is not a URL"};
  if (parts->scheme != "https") {
    return {RedirectVerdict::kUnsafe, "redirect to a non-https URL is not followed"};
  }
  std::string key = UrlKey(target);
  if (std::find(urls_.begin(), urls_.end(), key) != urls_.end()) {
    return {RedirectVerdict::kLoop, "redirect back to " + std::string(target)};
  }
  urls_.push_back(std::move(key));
  ++hops_;
  return {RedirectVerdict::kFollow, "POST the address to " + std::string(target)};
}

}  // namespace probe::exchange
