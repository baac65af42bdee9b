#include "probe/exchange/mapi_http.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <random>

namespace probe::exchange {
namespace {

constexpr std::size_t kMaxHeaderValue = 1024;

struct RequestTypeEntry {
  MapiRequestType type;
  std::string_view name;
  bool emsmdb;
  bool nspi;
};

// The one table of request types: wire name and the endpoints that serve it.
constexpr RequestTypeEntry kRequestTypes[] = {
    {MapiRequestType::kConnect, "Connect", true, false},
    {MapiRequestType::kExecute, "Execute", true, false},
    {MapiRequestType::kDisconnect, "Disconnect", true, false},
    {MapiRequestType::kNotificationWait, "NotificationWait", true, false},
    {MapiRequestType::kPing, "PING", true, true},
    {MapiRequestType::kBind, "Bind", false, true},
    {MapiRequestType::kUnbind, "Unbind", false, true},
    {MapiRequestType::kCompareMIds, "CompareMIds", false, true},
    {MapiRequestType::kDnToMId, "DNToMId", false, true},
    {MapiRequestType::kGetMatches, "GetMatches", false, true},
    {MapiRequestType::kGetPropList, "GetPropList", false, true},
    {MapiRequestType::kGetProps, "GetProps", false, true},
    {MapiRequestType::kGetSpecialTable, "GetSpecialTable", false, true},
    {MapiRequestType::kGetTemplateInfo, "GetTemplateInfo", false, true},
    {MapiRequestType::kModLinkAtt, "ModLinkAtt", false, true},
    {MapiRequestType::kModProps, "ModProps", false, true},
    {MapiRequestType::kQueryColumns, "QueryColumns", false, true},
    {MapiRequestType::kQueryRows, "QueryRows", false, true},
    {MapiRequestType::kResolveNames, "ResolveNames", false, true},
    {MapiRequestType::kResortRestriction, "ResortRestriction", false, true},
    {MapiRequestType::kSeekEntries, "SeekEntries", false, true},
    {MapiRequestType::kUpdateStat, "UpdateStat", false, true},
    {MapiRequestType::kGetMailboxUrl, "GetMailboxUrl", false, true},
    {MapiRequestType::kGetAddressBookUrl, "GetAddressBookUrl", false, true},
};

const RequestTypeEntry& EntryFor(MapiRequestType type) {
  for (const auto& e : kRequestTypes) {
    if (e.type == type) return e;
  }
  return kRequestTypes[0];  // unreachable: the table covers the enum
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

bool IsGuid(std::string_view s) {
  return s.size() == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' &&
         IsHex(s.substr(0, 8)) && IsHex(s.substr(9, 4)) && IsHex(s.substr(14, 4)) &&
         IsHex(s.substr(19, 4)) && IsHex(s.substr(24));
}

Result<std::uint64_t> ParseDecimal(std::string_view name, std::string_view value) {
  std::string_view v = Trim(value);
  std::uint64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("{} \"{}\" is not a decimal number", name,
                            v.substr(0, std::min<std::size_t>(v.size(), 40))));
  }
  return out;
}

// Printable ASCII only, so that a hostile string cannot carry control bytes into a report.
std::string SafeAscii(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::uint8_t b : bytes) out += (b >= 0x20 && b < 0x7F) ? static_cast<char>(b) : '?';
  return out;
}

Result<std::string> ReadAsciiZ(ByteReader& r, std::string_view field) {
  ByteView rest = r.data().subspan(r.offset());
  auto nul = std::find(rest.begin(), rest.end(), std::uint8_t{0});
  if (nul == rest.end()) {
    return Fail(ErrorCode::kMalformed, fmt::format("{} has no terminating NUL", field));
  }
  auto n = static_cast<std::size_t>(nul - rest.begin());
  auto text = r.Take(n, field);
  if (!text) return Fail(text.error());
  (void)r.Skip(1, field);
  return SafeAscii(*text);
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// UTF-16LE up to a 0x0000 unit, as UTF-8; unpaired surrogates become U+FFFD.
Result<std::string> ReadUtf16Z(ByteReader& r, std::string_view field) {
  std::vector<std::uint16_t> units;
  while (true) {
    auto unit = r.U16Le(field);
    if (!unit) {
      return Fail(ErrorCode::kMalformed, fmt::format("{} has no terminating NUL", field));
    }
    if (*unit == 0) break;
    units.push_back(*unit);
  }
  std::string out;
  for (std::size_t i = 0; i < units.size(); ++i) {
    std::uint32_t u = units[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units.size() && units[i + 1] >= 0xDC00 &&
        units[i + 1] <= 0xDFFF) {
      AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (units[++i] - 0xDC00));
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      AppendUtf8(out, 0xFFFD);
    } else {
      AppendUtf8(out, u);
    }
  }
  return out;
}

// UTF-8 to UTF-16LE code units; an invalid sequence becomes U+FFFD.
void WriteUtf16(ByteWriter& w, std::string_view utf8) {
  std::size_t i = 0;
  while (i < utf8.size()) {
    auto b = static_cast<std::uint8_t>(utf8[i]);
    std::size_t len = b < 0x80           ? 1
                      : (b >> 5) == 0x6  ? 2
                      : (b >> 4) == 0xE  ? 3
                      : (b >> 3) == 0x1E ? 4
                                         : 0;
    std::uint32_t cp = 0xFFFD;
    if (len == 1) {
      cp = b;
    } else if (len > 1 && i + len <= utf8.size()) {
      cp = b & (0x7F >> len);
      for (std::size_t k = 1; k < len; ++k) {
        auto c = static_cast<std::uint8_t>(utf8[i + k]);
        if ((c & 0xC0) != 0x80) {
          cp = 0xFFFD;
          len = k;
          break;
        }
        cp = (cp << 6) | (c & 0x3F);
      }
    } else {
      len = 1;
    }
    i += len;
    if (cp >= 0x10000 && cp <= 0x10FFFF) {
      cp -= 0x10000;
      w.U16Le(static_cast<std::uint16_t>(0xD800 + (cp >> 10)));
      w.U16Le(static_cast<std::uint16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      w.U16Le(static_cast<std::uint16_t>(cp > 0xFFFF ? 0xFFFD : cp));
    }
  }
  w.U16Le(0);
}

Result<Bytes> ReadAuxiliary(ByteReader& r) {
  auto size = r.U32Le("AuxiliaryBufferSize");
  if (!size) return Fail(size.error());
  auto aux = r.Take(*size, "AuxiliaryBuffer");
  if (!aux) return Fail(aux.error());
  if (!r.empty()) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("{} byte(s) after the AuxiliaryBuffer", r.remaining()));
  }
  return Bytes(aux->begin(), aux->end());
}

void WriteAuxiliary(ByteWriter& w, const Bytes& aux) {
  w.U32Le(static_cast<std::uint32_t>(aux.size()));
  w.Append(ByteView(aux));
}

// Next line of `text` from `pos`, without its CRLF (or LF); nullopt at the end of the text or
// when the last line is not terminated.
Result<std::optional<std::string_view>> NextLine(std::string_view text, std::size_t& pos,
                                                 std::size_t max_line) {
  std::string_view rest = text.substr(pos);
  std::size_t eol = rest.substr(0, max_line + 2).find('\n');
  if (eol == std::string_view::npos) {
    if (rest.size() > max_line + 1) {
      return Fail(ErrorCode::kMalformed,
                  fmt::format("a line at offset {} is longer than {} bytes", pos, max_line));
    }
    return std::optional<std::string_view>();
  }
  pos += eol + 1;
  std::string_view line = rest.substr(0, eol);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return std::optional<std::string_view>(line);
}

bool IsMetaTag(std::string_view line) {
  return line == "PROCESSING" || line == "PENDING" || line == "DONE";
}

std::string Preview(std::string_view line) {
  return SafeAscii(AsBytes(line.substr(0, std::min<std::size_t>(line.size(), 40))));
}

}  // namespace

std::string_view MapiRequestTypeName(MapiRequestType type) { return EntryFor(type).name; }

std::optional<MapiRequestType> ParseMapiRequestType(std::string_view value) {
  value = Trim(value);
  for (const auto& e : kRequestTypes) {
    if (EqualsIgnoreCase(e.name, value)) return e.type;
  }
  return std::nullopt;
}

bool ServedBy(MapiEndpoint endpoint, MapiRequestType type) {
  const auto& e = EntryFor(type);
  return endpoint == MapiEndpoint::kEmsmdb ? e.emsmdb : e.nspi;
}

std::string RandomGuidString() {
  std::random_device rd;
  std::uint8_t b[16];
  for (std::size_t i = 0; i < 16; i += 4) {
    std::uint32_t v = rd();
    for (std::size_t j = 0; j < 4; ++j) b[i + j] = static_cast<std::uint8_t>(v >> (8 * j));
  }
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return fmt::format(
      "{:02X}{:02X}{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-"
      "{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
      b[15]);
}

std::string FormatMapiRequestId(std::string_view guid, std::uint64_t counter) {
  return fmt::format("{{{}}}:{}", guid, counter);
}

std::string FormatMapiClientInfo(std::string_view guid, std::uint64_t counter) {
  return fmt::format("{{{}}}:{}", guid, counter);
}

Result<MapiCorrelation> ParseMapiCorrelation(std::string_view value) {
  std::string_view v = Trim(value);
  MapiCorrelation out;
  if (!v.empty() && v.front() == '{') {
    auto close = v.find('}');
    if (close == std::string_view::npos) {
      return Fail(ErrorCode::kMalformed, "correlation value has '{' without '}'");
    }
    out.braces = true;
    out.guid = std::string(v.substr(1, close - 1));
    v.remove_prefix(close + 1);
  } else {
    out.guid = std::string(v.substr(0, std::min<std::size_t>(v.size(), 36)));
    v.remove_prefix(out.guid.size());
  }
  if (!IsGuid(out.guid)) {
    return Fail(ErrorCode::kMalformed, fmt::format("\"{}\" is not a GUID", Preview(out.guid)));
  }
  if (v.empty()) {
    if (!out.braces) return Fail(ErrorCode::kMalformed, "GUID without braces needs a counter");
    return out;
  }
  if (v.front() != ':' && v.front() != '-') {
    return Fail(ErrorCode::kMalformed,
                fmt::format("expected ':' or '-' after the GUID, got \"{}\"", Preview(v)));
  }
  out.separator = v.front();
  auto counter = ParseDecimal("correlation counter", v.substr(1));
  if (!counter) return Fail(counter.error());
  out.counter = *counter;
  return out;
}

MapiSession MapiSession::Start() {
  MapiSession s;
  s.client_info_guid = RandomGuidString();
  s.request_id_guid = RandomGuidString();
  return s;
}

std::vector<HeaderField> NextRequestHeaders(MapiSession& session, MapiRequestType type) {
  ++session.request_counter;
  std::vector<HeaderField> headers = {
      {"Content-Type", std::string(kMapiContentType)},
      {"X-RequestType", std::string(MapiRequestTypeName(type))},
      {"X-RequestId", FormatMapiRequestId(session.request_id_guid, session.request_counter)},
      {"X-ClientInfo", FormatMapiClientInfo(session.client_info_guid, session.client_info_counter)},
      {"X-ClientApplication", session.client_application},
      {"Accept", std::string(kMapiContentType)},
  };
  if (!session.cookie.empty()) headers.push_back({"Cookie", session.cookie});
  return headers;
}

Result<Bytes> EncodeConnectRequest(const MapiConnectRequest& request) {
  if (request.user_dn.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "Connect needs the mailbox's legacy DN");
  }
  for (char c : request.user_dn) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b >= 0x7F) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("legacy DN holds byte 0x{:02x}; UserDn is printable ASCII", b));
    }
  }
  ByteWriter w;
  w.Append(std::string_view(request.user_dn));
  w.U8(0);
  w.U32Le(request.flags);
  w.U32Le(request.code_page);
  w.U32Le(request.lcid_sort);
  w.U32Le(request.lcid_string);
  WriteAuxiliary(w, request.auxiliary);
  return w.Take();
}

Result<MapiConnectRequest> DecodeConnectRequest(ByteView body) {
  ByteReader r(body);
  MapiConnectRequest out;
  auto dn = ReadAsciiZ(r, "UserDn");
  if (!dn) return Fail(dn.error().With("Connect request"));
  out.user_dn = std::move(*dn);
  std::uint32_t* fields[] = {&out.flags, &out.code_page, &out.lcid_sort, &out.lcid_string};
  static constexpr std::string_view kNames[] = {"Flags", "DefaultCodePage", "LcidSort",
                                                "LcidString"};
  for (std::size_t i = 0; i < 4; ++i) {
    auto v = r.U32Le(kNames[i]);
    if (!v) return Fail(v.error().With("Connect request"));
    *fields[i] = *v;
  }
  auto aux = ReadAuxiliary(r);
  if (!aux) return Fail(aux.error().With("Connect request"));
  out.auxiliary = std::move(*aux);
  return out;
}

Result<MapiConnectResponse> DecodeConnectResponse(ByteView body) {
  ByteReader r(body);
  MapiConnectResponse out;
  auto status = r.U32Le("StatusCode");
  if (!status) return Fail(status.error().With("Connect response"));
  out.status_code = *status;
  if (out.status_code == 0) {
    std::uint32_t* fields[] = {&out.error_code, &out.polls_max, &out.retry_count, &out.retry_delay};
    static constexpr std::string_view kNames[] = {"ErrorCode", "PollsMax", "RetryCount",
                                                  "RetryDelay"};
    for (std::size_t i = 0; i < 4; ++i) {
      auto v = r.U32Le(kNames[i]);
      if (!v) return Fail(v.error().With("Connect response"));
      *fields[i] = *v;
    }
    auto prefix = ReadAsciiZ(r, "DnPrefix");
    if (!prefix) return Fail(prefix.error().With("Connect response"));
    out.dn_prefix = std::move(*prefix);
    auto name = ReadUtf16Z(r, "DisplayName");
    if (!name) return Fail(name.error().With("Connect response"));
    out.display_name = std::move(*name);
  }
  auto aux = ReadAuxiliary(r);
  if (!aux) return Fail(aux.error().With("Connect response"));
  out.auxiliary = std::move(*aux);
  return out;
}

Bytes EncodeConnectResponse(const MapiConnectResponse& response) {
  ByteWriter w;
  w.U32Le(response.status_code);
  if (response.status_code == 0) {
    w.U32Le(response.error_code);
    w.U32Le(response.polls_max);
    w.U32Le(response.retry_count);
    w.U32Le(response.retry_delay);
    w.Append(std::string_view(response.dn_prefix));
    w.U8(0);
    WriteUtf16(w, response.display_name);
  }
  WriteAuxiliary(w, response.auxiliary);
  return w.Take();
}

Bytes EncodeDisconnectRequest() {
  ByteWriter w;
  w.U32Le(0);  // AuxiliaryBufferSize
  return w.Take();
}

Result<MapiDisconnectResponse> DecodeDisconnectResponse(ByteView body) {
  ByteReader r(body);
  MapiDisconnectResponse out;
  auto status = r.U32Le("StatusCode");
  if (!status) return Fail(status.error().With("Disconnect response"));
  out.status_code = *status;
  if (out.status_code == 0) {
    auto ec = r.U32Le("ErrorCode");
    if (!ec) return Fail(ec.error().With("Disconnect response"));
    out.error_code = *ec;
  }
  auto aux = ReadAuxiliary(r);
  if (!aux) return Fail(aux.error().With("Disconnect response"));
  return out;
}

std::string_view MapiErrorCodeName(std::uint32_t error_code) {
  static constexpr std::pair<std::uint32_t, std::string_view> kNames[] = {
      {0x00000000, "Success"},
      {0x000003EB, "ecUnknownUser"},
      {0x000003F2, "ecLoginPerm"},
      {0x000004B6, "ecRpcAuthentication"},
      {0x000004DF, "ecClientVerDisallowed"},
      {0x000004E0, "ecRpcHttpDisallowed"},
      {0x000004E1, "ecCachedModeRequired"},
      {0x000007D8, "ecProtocolDisabled"},
      {0x00000970, "ecNotEncrypted"},
      {0x80040110, "ecVersionMismatch"},
      {0x80040111, "ecLoginFailure"},
  };
  for (const auto& [code, name] : kNames) {
    if (code == error_code) return name;
  }
  return {};
}

std::string_view MapiResponseCodeName(std::uint32_t code) {
  static constexpr std::string_view kNames[] = {
      "Success",
      "Unknown Failure",
      "Invalid Verb",
      "Invalid Path",
      "Invalid Header",
      "Invalid Request Type",
      "Invalid Context Cookie",
      "Missing Header",
      "Anonymous Not Allowed",
      "Too Large",
      "Context Not Found",
      "No Privilege",
      "Invalid Request Body",
      "Missing Cookie",
      "Reserved",
      "Invalid Sequence",
      "Endpoint Disabled",
      "Invalid Response",
      "Endpoint Shutting Down",
  };
  return code < std::size(kNames) ? kNames[code] : std::string_view("unknown");
}

Result<bool> MapiHeaderValues::Add(std::string_view name, std::string_view value) {
  name = Trim(name);
  value = Trim(value).substr(0, kMaxHeaderValue);
  struct Text {
    std::string_view name;
    std::string MapiHeaderValues::*field;
  };
  static constexpr Text kTexts[] = {
      {"X-StartTime", &MapiHeaderValues::start_time},
      {"X-ServerApplication", &MapiHeaderValues::server_application},
      {"X-RequestType", &MapiHeaderValues::request_type},
      {"X-RequestId", &MapiHeaderValues::request_id},
      {"X-ClientInfo", &MapiHeaderValues::client_info},
      {"Content-Type", &MapiHeaderValues::content_type},
      {"X-FailureLID", &MapiHeaderValues::failure_lid},
      {"X-FailureDescription", &MapiHeaderValues::failure_description},
  };
  for (const auto& t : kTexts) {
    if (EqualsIgnoreCase(name, t.name)) {
      this->*t.field = std::string(value);
      return true;
    }
  }
  struct Number {
    std::string_view name;
    std::optional<std::uint64_t> MapiHeaderValues::*field;
  };
  static constexpr Number kNumbers[] = {
      {"X-PendingPeriod", &MapiHeaderValues::pending_period_ms},
      {"X-ExpirationInfo", &MapiHeaderValues::expiration_ms},
      {"X-ElapsedTime", &MapiHeaderValues::elapsed_ms},
  };
  for (const auto& n : kNumbers) {
    if (EqualsIgnoreCase(name, n.name)) {
      auto v = ParseDecimal(n.name, value);
      if (!v) return Fail(v.error());
      this->*n.field = *v;
      return true;
    }
  }
  if (EqualsIgnoreCase(name, "X-ResponseCode")) {
    auto v = ParseDecimal("X-ResponseCode", value);
    if (!v) return Fail(v.error());
    if (*v > 0xFFFFFFFFu) return Fail(ErrorCode::kMalformed, "X-ResponseCode out of range");
    response_code = static_cast<std::uint32_t>(*v);
    return true;
  }
  return false;
}

std::optional<std::uint32_t> MapiResponse::ResponseCode() const {
  return inner.response_code ? inner.response_code : outer.response_code;
}

std::string MapiResponse::ServerApplication() const {
  return inner.server_application.empty() ? outer.server_application : inner.server_application;
}

std::optional<std::uint64_t> MapiResponse::PendingPeriodMs() const {
  return inner.pending_period_ms ? inner.pending_period_ms : outer.pending_period_ms;
}

std::optional<std::uint64_t> MapiResponse::ExpirationMs() const {
  return inner.expiration_ms ? inner.expiration_ms : outer.expiration_ms;
}

Result<MapiResponse> ParseMapiResponse(const MapiHeaderValues& outer, ByteView entity,
                                       const MapiResponseLimits& limits) {
  std::string_view text(reinterpret_cast<const char*>(entity.data()), entity.size());
  MapiResponse out;
  out.outer = outer;
  // Does the entity start with a meta-tag? Look at the first line, terminated or not.
  std::string_view first = text.substr(0, text.find('\n'));
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  if (!IsMetaTag(first)) {
    if (outer.response_code.value_or(0) == 0) {
      return Fail(ErrorCode::kMalformed,
                  fmt::format("MAPI/HTTP response starts with \"{}\", not PROCESSING, PENDING "
                              "or DONE",
                              Preview(first)));
    }
    if (entity.size() > limits.max_body) {
      return Fail(ErrorCode::kMalformed, "MAPI/HTTP diagnostic body passes the size limit");
    }
    out.body.assign(entity.begin(), entity.end());
    return out;
  }
  out.has_preamble = true;
  std::size_t pos = 0;
  bool done = false;
  while (!done) {
    auto line = NextLine(text, pos, limits.max_line);
    if (!line) return Fail(line.error());
    if (!*line) {
      return Fail(ErrorCode::kMalformed,
                  fmt::format("MAPI/HTTP response ended after {}{} PENDING line(s) without DONE",
                              out.processing ? "PROCESSING and " : "", out.pending));
    }
    std::string_view tag = **line;
    if (tag == "PROCESSING" && !out.processing && out.pending == 0) {
      out.processing = true;
    } else if (tag == "PENDING") {
      if (++out.pending > limits.max_pending) {
        return Fail(ErrorCode::kMalformed,
                    fmt::format("more than {} PENDING lines", limits.max_pending));
      }
    } else if (tag == "DONE") {
      done = true;
    } else {
      return Fail(ErrorCode::kMalformed,
                  fmt::format("unexpected meta-tag line \"{}\" before DONE", Preview(tag)));
    }
  }
  while (true) {
    auto line = NextLine(text, pos, limits.max_line);
    if (!line) return Fail(line.error());
    if (!*line) {
      return Fail(ErrorCode::kMalformed,
                  "MAPI/HTTP inner header block is not ended by an empty line");
    }
    if ((*line)->empty()) break;
    if (out.inner_headers.size() >= limits.max_inner_headers) {
      return Fail(ErrorCode::kMalformed,
                  fmt::format("more than {} inner header lines", limits.max_inner_headers));
    }
    std::string_view h = **line;
    auto colon = h.find(':');
    std::string_view name = colon == std::string_view::npos ? h : h.substr(0, colon);
    if (colon == std::string_view::npos || name.empty() ||
        name.find_first_of(" \t") != std::string_view::npos) {
      return Fail(ErrorCode::kMalformed,
                  fmt::format("inner header line \"{}\" is not Name: value", Preview(h)));
    }
    std::string_view value = Trim(h.substr(colon + 1));
    if (auto ok = out.inner.Add(name, value); !ok) {
      return Fail(ok.error().With("inner headers"));
    }
    out.inner_headers.push_back({std::string(name), std::string(value.substr(0, kMaxHeaderValue))});
  }
  if (entity.size() - pos > limits.max_body) {
    return Fail(ErrorCode::kMalformed, "MAPI/HTTP response body passes the size limit");
  }
  out.body.assign(entity.begin() + static_cast<std::ptrdiff_t>(pos), entity.end());
  return out;
}

Bytes BuildMapiResponseEntity(std::size_t pending, const std::vector<HeaderField>& inner_headers,
                              ByteView body) {
  ByteWriter w;
  w.Append(std::string_view("PROCESSING\r\n"));
  for (std::size_t i = 0; i < pending; ++i) w.Append(std::string_view("PENDING\r\n"));
  w.Append(std::string_view("DONE\r\n"));
  for (const auto& h : inner_headers) {
    w.Append(std::string_view(h.Line()));
    w.Append(std::string_view("\r\n"));
  }
  w.Append(std::string_view("\r\n"));
  w.Append(body);
  return w.Take();
}

}  // namespace probe::exchange
