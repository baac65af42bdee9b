#include "probe/auth/channel_binding.h"

#include <fmt/format.h>

namespace probe::auth {

namespace {

constexpr std::string_view kTlsServerEndPointPrefix = "tls-server-end-point:";

struct ModeName {
  ChannelBindingMode mode;
  std::string_view name;
};

constexpr ModeName kModeNames[] = {{ChannelBindingMode::kOmit, "omit"},
                                   {ChannelBindingMode::kZero, "zero"},
                                   {ChannelBindingMode::kCorrect, "correct"},
                                   {ChannelBindingMode::kWrong, "wrong"}};

}  // namespace

std::string_view ChannelBindingModeName(ChannelBindingMode mode) {
  for (const ModeName& entry : kModeNames) {
    if (entry.mode == mode) return entry.name;
  }
  return "unknown";
}

std::optional<ChannelBindingMode> ParseChannelBindingMode(std::string_view name) {
  for (const ModeName& entry : kModeNames) {
    if (entry.name == name) return entry.mode;
  }
  return std::nullopt;
}

Bytes TlsServerEndPointData(ByteView certificate_hash) {
  ByteWriter out;
  out.Append(kTlsServerEndPointPrefix);
  out.Append(certificate_hash);
  return out.Take();
}

Result<Key16> ChannelBindingHash(ByteView application_data) {
  ByteWriter header;
  header.Zeros(16);  // initiator and acceptor: address type 0, no address
  header.U32Le(static_cast<std::uint32_t>(application_data.size()));
  return Md5({header.bytes(), application_data});
}

Result<std::optional<Key16>> ChannelBindingValue(ChannelBindingMode mode,
                                                 ByteView application_data) {
  if (mode == ChannelBindingMode::kOmit) return std::optional<Key16>();
  if (mode == ChannelBindingMode::kZero) return std::optional<Key16>(Key16{});
  if (application_data.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("channel binding mode '{}' needs the server certificate's "
                            "tls-server-end-point data",
                            ChannelBindingModeName(mode)));
  }
  auto hash = ChannelBindingHash(application_data);
  if (!hash) return Fail(hash.error());
  if (mode == ChannelBindingMode::kWrong) {
    for (std::uint8_t& b : *hash) b = static_cast<std::uint8_t>(~b);
  }
  return std::optional<Key16>(*hash);
}

}  // namespace probe::auth
