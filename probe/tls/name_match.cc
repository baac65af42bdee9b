#include "probe/tls/name_match.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

namespace probe::tls {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool EqualIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view StripOneTrailingDot(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

// The 4 or 16 address bytes of an IP literal.
struct IpBytes {
  std::array<unsigned char, 16> bytes{};
  std::size_t size = 0;
  bool operator==(const IpBytes& o) const {
    return size == o.size && std::equal(bytes.begin(), bytes.begin() + size, o.bytes.begin());
  }
};

std::optional<IpBytes> ParseIp(std::string_view text) {
  if (text.empty() || text.size() > 64 || text.find('\0') != std::string_view::npos)
    return std::nullopt;
  std::string copy(text);
  IpBytes out;
  if (inet_pton(AF_INET, copy.c_str(), out.bytes.data()) == 1) {
    out.size = 4;
    return out;
  }
  if (inet_pton(AF_INET6, copy.c_str(), out.bytes.data()) == 1) {
    out.size = 16;
    return out;
  }
  return std::nullopt;
}

std::optional<std::string> MatchIpSan(const CertificateNames& names, const IpBytes& host) {
  for (const auto& ip : names.ip_addresses) {
    auto parsed = ParseIp(ip);
    if (parsed && *parsed == host) return "IP:" + ip;
  }
  return std::nullopt;
}

// ---- The RFC 9525 / CA/B wildcard: "*." + at least two labels, `*` is one whole label.

bool FullLabelWildcardMatch(std::string_view pattern, std::string_view host) {
  pattern = StripOneTrailingDot(pattern);
  host = StripOneTrailingDot(host);
  if (pattern.find('\0') != std::string_view::npos || host.find('\0') != std::string_view::npos) {
    return false;
  }
  if (pattern.find('*') == std::string_view::npos)
    return !pattern.empty() && EqualIgnoreCase(pattern, host);
  if (pattern.size() < 2 || pattern[0] != '*' || pattern[1] != '.')
    return false;  // partial: invalid
  std::string_view rest = pattern.substr(2);
  if (rest.find('*') != std::string_view::npos || rest.find('.') == std::string_view::npos)
    return false;
  if (rest.front() == '.' || rest.back() == '.') return false;
  std::size_t dot = host.find('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  if (IsIpLiteral(host)) return false;
  return EqualIgnoreCase(host.substr(dot + 1), rest);
}

// ---- OpenSSL 3.0 X509_check_host (crypto/x509/v3_utl.c), flags 0, modelled line by line.

constexpr int kLabelStart = 1 << 0;
constexpr int kLabelIdna = 1 << 1;
constexpr int kLabelHyphen = 1 << 2;

bool StartsWithXnIgnoreCase(std::string_view s) {
  return s.size() >= 4 && Lower(s[0]) == 'x' && Lower(s[1]) == 'n' && s[2] == '-' && s[3] == '-';
}

// equal_nocase(), with skip_prefix() for a reference name starting with '.'.
bool OsslEqualNoCase(std::string_view pattern, std::string_view subject, bool dot_subdomains) {
  if (dot_subdomains) {
    std::string_view p = pattern;
    while (p.size() > subject.size() && p.front() != '\0') p.remove_prefix(1);
    if (p.size() == subject.size()) pattern = p;
  }
  if (pattern.size() != subject.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char l = pattern[i];
    char r = subject[i];
    if (l == '\0') return false;
    if (Lower(l) != Lower(r)) return false;
  }
  return true;
}

// valid_star(): the position of the one legal '*', or npos.
std::size_t OsslValidStar(std::string_view p) {
  std::size_t star = std::string_view::npos;
  int state = kLabelStart;
  int dots = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '*') {
      bool at_start = (state & kLabelStart) != 0;
      bool at_end = i == p.size() - 1 || p[i + 1] == '.';
      if (star != std::string_view::npos || (state & kLabelIdna) != 0 || dots != 0) {
        return std::string_view::npos;
      }
      if (!at_start && !at_end) return std::string_view::npos;
      star = i;
      state &= ~kLabelStart;
    } else if (IsAlnum(c)) {
      if ((state & kLabelStart) != 0 && StartsWithXnIgnoreCase(p.substr(i))) state |= kLabelIdna;
      state &= ~(kLabelHyphen | kLabelStart);
    } else if (c == '.') {
      if ((state & (kLabelHyphen | kLabelStart)) != 0) return std::string_view::npos;
      state = kLabelStart;
      ++dots;
    } else if (c == '-') {
      if ((state & kLabelStart) != 0) return std::string_view::npos;
      state |= kLabelHyphen;
    } else {
      return std::string_view::npos;
    }
  }
  if ((state & (kLabelStart | kLabelHyphen)) != 0 || dots < 2) return std::string_view::npos;
  return star;
}

// wildcard_match().
bool OsslWildcardMatch(std::string_view prefix, std::string_view suffix, std::string_view subject) {
  if (subject.size() < prefix.size() + suffix.size()) return false;
  if (!OsslEqualNoCase(prefix, subject.substr(0, prefix.size()), false)) return false;
  std::size_t wildcard_start = prefix.size();
  std::size_t wildcard_end = subject.size() - suffix.size();
  // Note the argument order: OpenSSL passes the subject's tail as the "pattern" here.
  if (!OsslEqualNoCase(subject.substr(wildcard_end), suffix, false)) return false;
  bool allow_idna = false;
  if (prefix.empty() && !suffix.empty() && suffix.front() == '.') {
    if (wildcard_start == wildcard_end) return false;
    allow_idna = true;
  }
  if (!allow_idna && StartsWithXnIgnoreCase(subject)) return false;
  if (wildcard_end == wildcard_start + 1 && subject[wildcard_start] == '*') return true;
  for (std::size_t i = wildcard_start; i < wildcard_end; ++i) {
    char c = subject[i];
    if (!IsAlnum(c) && c != '-') return false;
  }
  return true;
}

// equal_wildcard().
bool OsslEqualWildcard(std::string_view pattern, std::string_view subject, bool dot_subdomains) {
  std::size_t star = std::string_view::npos;
  if (!(subject.size() > 1 && subject.front() == '.')) star = OsslValidStar(pattern);
  if (star == std::string_view::npos) return OsslEqualNoCase(pattern, subject, dot_subdomains);
  return OsslWildcardMatch(pattern.substr(0, star), pattern.substr(star + 1), subject);
}

// ---- libcurl 7.88.1 (Debian 12, CVE-2023-28321 fix): lib/vtls/hostcheck.c hostmatch().

bool CurlHostMatch(std::string_view pattern, std::string_view host) {
  if (pattern.empty() || host.empty() || pattern.front() == '\0' || host.front() == '\0')
    return false;
  if (pattern.find('\0') != std::string_view::npos || host.find('\0') != std::string_view::npos)
    return false;
  host = StripOneTrailingDot(host);
  pattern = StripOneTrailingDot(pattern);
  if (pattern.size() < 2 || pattern[0] != '*' || pattern[1] != '.')
    return EqualIgnoreCase(host, pattern);
  if (IsIpLiteral(host)) return false;
  std::size_t first_dot = pattern.find('.');
  if (first_dot == pattern.rfind('.')) return EqualIgnoreCase(host, pattern);
  std::size_t host_dot = host.find('.');
  if (host_dot == std::string_view::npos) return false;
  return EqualIgnoreCase(host.substr(host_dot), pattern.substr(first_dot));
}

// ---- Reasons: why a name did not match, in the words an administrator needs.

std::string List(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// Hints about near misses that explain most real mismatches.
std::string NearMisses(const std::vector<std::string>& patterns, std::string_view host,
                       NameClient client) {
  std::string hints;
  auto add = [&hints](const std::string& h) { hints += "; " + h; };
  for (const auto& p : patterns) {
    if (!IsWildcard(p)) continue;
    bool full_label = p.size() > 2 && p[0] == '*' && p[1] == '.';
    if (!full_label) {
      if (client != NameClient::kOpenSsl && OsslEqualWildcard(p, host, false)) {
        add("the partial wildcard " + p + " is not honoured by this client");
      }
      continue;
    }
    std::string_view rest = std::string_view(p).substr(2);
    std::string_view h = StripOneTrailingDot(host);
    if (EqualIgnoreCase(h, rest)) {
      add(p + " does not cover the bare domain " + std::string(rest));
    } else if (h.size() > rest.size() + 1 && h[h.size() - rest.size() - 1] == '.' &&
               EqualIgnoreCase(h.substr(h.size() - rest.size()), rest)) {
      add(p + " covers exactly one label, not " + std::string(h));
    }
  }
  return hints;
}

NameMatch Matched(NameClient client, std::string by, std::string reason) {
  return NameMatch{client, true, std::move(by), std::move(reason)};
}
NameMatch NotMatched(NameClient client, std::string reason) {
  return NameMatch{client, false, "", std::move(reason)};
}

NameMatch MatchIp(const CertificateNames& names, std::string_view host, NameClient client) {
  auto ip = ParseIp(host);
  if (client == NameClient::kRfc6125 || client == NameClient::kOpenSsl ||
      (client == NameClient::kSchannel && names.has_san_extension) ||
      (client == NameClient::kCurl && (!names.dns_names.empty() || !names.ip_addresses.empty()))) {
    if (auto by = MatchIpSan(names, *ip)) return Matched(client, *by, "matches the IP address SAN");
    return NotMatched(client, names.ip_addresses.empty()
                                  ? "the certificate has no IP address SAN"
                                  : "no IP address SAN equals " + std::string(host) +
                                        " (SANs: " + List(names.ip_addresses) + ")");
  }
  // Windows without a SAN extension, curl without DNS/IP SANs: the CN as a literal string.
  std::string cn = names.LastCommonName();
  if (client == NameClient::kCurl ? CurlHostMatch(cn, host) : EqualIgnoreCase(cn, host)) {
    return Matched(client, "CN=" + cn, "matches the CN (no SAN)");
  }
  return NotMatched(client,
                    "the CN \"" + cn + "\" is not " + std::string(host) + " and there is no SAN");
}

NameMatch MatchRfc6125(const CertificateNames& names, std::string_view host) {
  constexpr NameClient kClient = NameClient::kRfc6125;
  for (const auto& dns : names.dns_names) {
    if (FullLabelWildcardMatch(dns, host))
      return Matched(kClient, dns, "matches the DNS SAN " + dns);
  }
  if (names.dns_names.empty()) {
    std::string cn = names.LastCommonName();
    return NotMatched(kClient, cn.empty() ? "the certificate has no DNS SAN"
                                          : "the certificate has no DNS SAN and this client never "
                                            "uses the CN (\"" +
                                                cn + "\")");
  }
  return NotMatched(kClient, "no DNS SAN matches (" + List(names.dns_names) + ")" +
                                 NearMisses(names.dns_names, host, kClient));
}

NameMatch MatchOpenSsl(const CertificateNames& names, std::string_view host) {
  constexpr NameClient kClient = NameClient::kOpenSsl;
  // X509_check_host refuses a name with an embedded NUL; a single trailing NUL is tolerated.
  if (host.size() > 1 && host.back() == '\0') host.remove_suffix(1);
  if (host.find('\0') != std::string_view::npos)
    return NotMatched(kClient, "the name contains a NUL byte");
  bool dot_subdomains = host.size() > 1 && host.front() == '.';
  for (const auto& dns : names.dns_names) {
    if (!dns.empty() && OsslEqualWildcard(dns, host, dot_subdomains)) {
      return Matched(kClient, dns, "matches the DNS SAN " + dns);
    }
  }
  if (!names.dns_names.empty()) {
    std::string why = "no DNS SAN matches (" + List(names.dns_names) + ")";
    std::string cn = names.LastCommonName();
    if (!cn.empty() && OsslEqualWildcard(cn, host, dot_subdomains)) {
      why += "; the CN " + cn + " would match but is ignored because DNS SANs exist";
    }
    return NotMatched(kClient, why + NearMisses(names.dns_names, host, kClient));
  }
  for (const auto& cn : names.common_names) {
    if (!cn.empty() && OsslEqualWildcard(cn, host, dot_subdomains)) {
      return Matched(kClient, "CN=" + cn, "matches the CN (no DNS SAN)");
    }
  }
  return NotMatched(kClient, "no DNS SAN, and no CN matches (" + List(names.common_names) + ")" +
                                 NearMisses(names.common_names, host, kClient));
}

NameMatch MatchSchannel(const CertificateNames& names, std::string_view host) {
  constexpr NameClient kClient = NameClient::kSchannel;
  if (names.has_san_extension) {
    for (const auto& dns : names.dns_names) {
      if (FullLabelWildcardMatch(dns, host))
        return Matched(kClient, dns, "matches the DNS SAN " + dns);
    }
    std::string why = names.dns_names.empty()
                          ? "the SAN extension has no DNS name"
                          : "no DNS SAN matches (" + List(names.dns_names) + ")";
    std::string cn = names.LastCommonName();
    if (!cn.empty() && FullLabelWildcardMatch(cn, host)) {
      why +=
          "; the CN " + cn + " would match but Windows ignores the CN when a SAN extension exists";
    }
    return NotMatched(kClient, why + NearMisses(names.dns_names, host, kClient));
  }
  for (const auto& cn : names.common_names) {
    if (FullLabelWildcardMatch(cn, host))
      return Matched(kClient, "CN=" + cn, "matches the CN (no SAN extension)");
  }
  return NotMatched(kClient, "no SAN extension, and no CN matches (" + List(names.common_names) +
                                 ")" + NearMisses(names.common_names, host, kClient));
}

NameMatch MatchCurl(const CertificateNames& names, std::string_view host) {
  constexpr NameClient kClient = NameClient::kCurl;
  for (const auto& dns : names.dns_names) {
    if (CurlHostMatch(dns, host)) return Matched(kClient, dns, "matches the DNS SAN " + dns);
  }
  if (!names.dns_names.empty() || !names.ip_addresses.empty()) {
    std::string why = names.dns_names.empty()
                          ? "only IP address SANs, so the CN is not used"
                          : "no DNS SAN matches (" + List(names.dns_names) + ")";
    return NotMatched(kClient, why + NearMisses(names.dns_names, host, kClient));
  }
  std::string cn = names.LastCommonName();
  if (CurlHostMatch(cn, host)) return Matched(kClient, "CN=" + cn, "matches the CN (no SAN)");
  std::vector<std::string> cns;
  if (!cn.empty()) cns.push_back(cn);
  return NotMatched(
      kClient, "no SAN, and the CN \"" + cn + "\" does not match" + NearMisses(cns, host, kClient));
}

}  // namespace

std::string CertificateNames::LastCommonName() const {
  return common_names.empty() ? std::string() : common_names.back();
}

std::string_view NameClientName(NameClient client) {
  switch (client) {
    case NameClient::kRfc6125:
      return "rfc6125";
    case NameClient::kOpenSsl:
      return "openssl";
    case NameClient::kSchannel:
      return "schannel";
    case NameClient::kCurl:
      return "curl";
  }
  return "rfc6125";
}

std::string_view NameClientLabel(NameClient client) {
  switch (client) {
    case NameClient::kRfc6125:
      return "browsers, RFC 9525";
    case NameClient::kOpenSsl:
      return "OpenSSL clients";
    case NameClient::kSchannel:
      return "Windows: Outlook, WinHTTP, .NET";
    case NameClient::kCurl:
      return "libcurl";
  }
  return "";
}

bool IsIpLiteral(std::string_view host) { return ParseIp(host).has_value(); }

bool IsWildcard(std::string_view pattern) { return pattern.find('*') != std::string_view::npos; }

NameMatch MatchHostName(const CertificateNames& names, std::string_view host, NameClient client) {
  if (IsIpLiteral(host)) return MatchIp(names, host, client);
  switch (client) {
    case NameClient::kRfc6125:
      return MatchRfc6125(names, host);
    case NameClient::kOpenSsl:
      return MatchOpenSsl(names, host);
    case NameClient::kSchannel:
      return MatchSchannel(names, host);
    case NameClient::kCurl:
      return MatchCurl(names, host);
  }
  return NotMatched(client, "unknown client");
}

// ---- msstd

Result<MsstdPrincipal> ParseMsstdPrincipal(std::string_view text) {
  constexpr std::string_view kPrefix = "msstd:";
  if (text.size() >= 8 && EqualIgnoreCase(text.substr(0, 8), "fullsic:")) {
    return Fail(ErrorCode::kInvalidArgument,
                "fullsic: principals are not supported; give the principal as msstd:NAME");
  }
  if (text.size() < kPrefix.size() || !EqualIgnoreCase(text.substr(0, kPrefix.size()), kPrefix)) {
    return Fail(ErrorCode::kInvalidArgument,
                "the principal must look like msstd:NAME (e.g. msstd:mail.contoso.com)");
  }
  std::string_view name = text.substr(kPrefix.size());
  if (name.empty())
    return Fail(ErrorCode::kInvalidArgument, "the principal msstd: has no name after the colon");
  if (name.size() > 255)
    return Fail(ErrorCode::kInvalidArgument, "the principal name is longer than 255 characters");
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the principal name contains a space or a control character");
    }
  }
  return MsstdPrincipal{std::string(name)};
}

std::string_view WindowsFamilyName(WindowsFamily family) {
  return family == WindowsFamily::kXp ? "windows_xp" : "windows_vista_or_later";
}

std::string_view ConfidenceName(Confidence confidence) {
  return confidence == Confidence::kDocumented ? "documented" : "uncertain";
}

bool MsstdResult::match() const {
  return !clients.empty() &&
         std::all_of(clients.begin(), clients.end(), [](const MsstdVerdict& v) { return v.match; });
}

namespace {

MsstdVerdict XpVerdict(const MsstdResult& r, const CertificateNames& names) {
  MsstdVerdict v;
  v.family = WindowsFamily::kXp;
  v.confidence = Confidence::kDocumented;
  if (r.email_form) {
    v.rule = "a principal with '@' is compared with the certificate's e-mail name";
    v.match = r.equals_san;
    v.detail = v.match ? "equals the certificate's e-mail name"
                       : "no e-mail name in the certificate equals it";
    return v;
  }
  v.rule =
      "Windows XP / Server 2003 RPC over HTTP compares the principal with the subject CN only, "
      "as a literal string (no wildcard expansion)";
  v.match = r.equals_cn;
  std::string cn = names.LastCommonName();
  v.detail = cn.empty() ? "the certificate has no subject CN"
             : v.match  ? "equals the subject CN \"" + cn + "\""
                        : "the subject CN is \"" + cn + "\"";
  return v;
}

MsstdVerdict VistaVerdict(const MsstdResult& r) {
  MsstdVerdict v;
  v.family = WindowsFamily::kVistaOrLater;
  v.confidence = Confidence::kDocumented;
  if (r.email_form) {
    v.rule = "a principal with '@' is compared with the certificate's e-mail name";
    v.match = r.equals_san;
    v.detail = v.match ? "equals the certificate's e-mail name"
                       : "no e-mail name in the certificate equals it";
    return v;
  }
  v.rule = "Windows Vista and later compare the principal with the subject CN or any DNS SAN";
  v.match = r.equals_cn || r.equals_san;
  if (v.match) {
    v.detail = r.equals_cn ? "equals the subject CN" : "equals a DNS SAN";
  } else if (r.wildcard_covers) {
    v.confidence = Confidence::kUncertain;
    v.detail =
        "equals neither the CN nor a DNS SAN literally; a wildcard in the certificate would "
        "cover it if the runtime expands wildcards: field reports (Outlook 2010 on Windows 7) "
        "say it does, Microsoft does not document it, and Exchange guidance is to set the "
        "literal wildcard principal";
  } else {
    v.detail = "equals neither the CN nor any DNS SAN";
  }
  return v;
}

}  // namespace

MsstdResult MatchMsstd(const CertificateNames& names, const MsstdPrincipal& principal) {
  MsstdResult r;
  r.principal = principal.ToString();
  const std::string& name = principal.name;
  r.email_form = name.find('@') != std::string::npos;
  if (r.email_form) {
    r.equals_san = std::any_of(names.emails.begin(), names.emails.end(),
                               [&](const std::string& e) { return EqualIgnoreCase(e, name); });
  } else {
    r.equals_cn = !names.common_names.empty() && EqualIgnoreCase(names.LastCommonName(), name);
    r.equals_san = std::any_of(names.dns_names.begin(), names.dns_names.end(),
                               [&](const std::string& d) { return EqualIgnoreCase(d, name); });
    if (!r.equals_cn && !r.equals_san) {
      std::vector<std::string> patterns = names.dns_names;
      if (!names.common_names.empty()) patterns.push_back(names.LastCommonName());
      r.wildcard_covers = std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
        return IsWildcard(p) && FullLabelWildcardMatch(p, name);
      });
    }
  }
  r.clients.push_back(XpVerdict(r, names));
  r.clients.push_back(VistaVerdict(r));
  if (r.email_form) {
    if (!names.emails.empty()) r.suggested = "msstd:" + names.emails.front();
  } else if (!names.LastCommonName().empty()) {
    r.suggested = "msstd:" + names.LastCommonName();
  } else {
    for (const auto& d : names.dns_names) {
      if (!d.empty()) {
        r.suggested = "msstd:" + d;
        break;
      }
    }
  }
  return r;
}

}  // namespace probe::tls
