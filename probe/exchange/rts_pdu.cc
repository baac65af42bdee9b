#include "probe/exchange/rts_pdu.h"

#include <fmt/format.h>

#include <random>

namespace probe::exchange {
namespace {

constexpr std::size_t kClientAddressPadding = 12;

struct CommandShape {
  RtsCommandType type;
  std::string_view name;
  std::size_t payload;  // fixed payload size after CommandType; variable ones handled apart
};

// The one table of command types: names and fixed payload sizes ([MS-RPCH] 2.2.3.5.x).
constexpr CommandShape kCommands[] = {
    {RtsCommandType::kReceiveWindowSize, "ReceiveWindowSize", 4},
    {RtsCommandType::kFlowControlAck, "FlowControlAck", 24},
    {RtsCommandType::kConnectionTimeout, "ConnectionTimeout", 4},
    {RtsCommandType::kCookie, "Cookie", 16},
    {RtsCommandType::kChannelLifetime, "ChannelLifetime", 4},
    {RtsCommandType::kClientKeepalive, "ClientKeepalive", 4},
    {RtsCommandType::kVersion, "Version", 4},
    {RtsCommandType::kEmpty, "Empty", 0},
    {RtsCommandType::kPadding, "Padding", 4},  // + ConformanceCount bytes
    {RtsCommandType::kNegativeAnce, "NegativeANCE", 0},
    {RtsCommandType::kAnce, "ANCE", 0},
    {RtsCommandType::kClientAddress, "ClientAddress", 4},  // + 4 or 16 + 12 padding
    {RtsCommandType::kAssociationGroupId, "AssociationGroupId", 16},
    {RtsCommandType::kDestination, "Destination", 4},
    {RtsCommandType::kPingTrafficSentNotify, "PingTrafficSentNotify", 4},
};

const CommandShape* FindShape(std::uint32_t type) {
  for (const auto& shape : kCommands) {
    if (static_cast<std::uint32_t>(shape.type) == type) return &shape;
  }
  return nullptr;
}

bool CarriesValue(RtsCommandType type) {
  switch (type) {
    case RtsCommandType::kReceiveWindowSize:
    case RtsCommandType::kConnectionTimeout:
    case RtsCommandType::kChannelLifetime:
    case RtsCommandType::kClientKeepalive:
    case RtsCommandType::kVersion:
    case RtsCommandType::kDestination:
    case RtsCommandType::kPingTrafficSentNotify:
      return true;
    default:
      return false;
  }
}

Result<RtsCookie> ReadCookie(ByteReader& r, std::string_view field) {
  auto bytes = r.Take(16, field);
  if (!bytes) return Fail(bytes.error());
  RtsCookie cookie{};
  std::copy(bytes->begin(), bytes->end(), cookie.begin());
  return cookie;
}

Result<void> ReadPayload(ByteReader& r, RtsCommand& c) {
  if (CarriesValue(c.type)) {
    auto v = r.U32Le(RtsCommandName(c.type));
    if (!v) return Fail(v.error());
    c.value = *v;
    return {};
  }
  switch (c.type) {
    case RtsCommandType::kCookie:
    case RtsCommandType::kAssociationGroupId: {
      auto cookie = ReadCookie(r, RtsCommandName(c.type));
      if (!cookie) return Fail(cookie.error());
      c.cookie = *cookie;
      return {};
    }
    case RtsCommandType::kFlowControlAck: {
      auto received = r.U32Le("FlowControlAck.BytesReceived");
      if (!received) return Fail(received.error());
      auto window = r.U32Le("FlowControlAck.AvailableWindow");
      if (!window) return Fail(window.error());
      auto cookie = ReadCookie(r, "FlowControlAck.ChannelCookie");
      if (!cookie) return Fail(cookie.error());
      c.bytes_received = *received;
      c.available_window = *window;
      c.cookie = *cookie;
      return {};
    }
    case RtsCommandType::kPadding: {
      auto count = r.U32Le("Padding.ConformanceCount");
      if (!count) return Fail(count.error());
      c.value = *count;
      return r.Skip(*count, "Padding bytes");
    }
    case RtsCommandType::kClientAddress: {
      auto address_type = r.U32Le("ClientAddress.AddressType");
      if (!address_type) return Fail(address_type.error());
      if (*address_type > 1) {
        return Fail(ErrorCode::kMalformed,
                    fmt::format("ClientAddress.AddressType {} is neither 0 (IPv4) nor 1 (IPv6)",
                                *address_type));
      }
      auto address = r.Take(*address_type == 0 ? 4 : 16, "ClientAddress address");
      if (!address) return Fail(address.error());
      c.address.assign(address->begin(), address->end());
      return r.Skip(kClientAddressPadding, "ClientAddress padding");
    }
    default:  // Empty, NegativeANCE, ANCE
      return {};
  }
}

void WritePayload(ByteWriter& w, const RtsCommand& c) {
  if (CarriesValue(c.type)) {
    w.U32Le(c.value);
    return;
  }
  switch (c.type) {
    case RtsCommandType::kCookie:
    case RtsCommandType::kAssociationGroupId:
      w.Append(ByteView(c.cookie));
      return;
    case RtsCommandType::kFlowControlAck:
      w.U32Le(c.bytes_received);
      w.U32Le(c.available_window);
      w.Append(ByteView(c.cookie));
      return;
    case RtsCommandType::kPadding:
      w.U32Le(c.value);
      w.Zeros(c.value);
      return;
    case RtsCommandType::kClientAddress:
      w.U32Le(c.address.size() == 16 ? 1 : 0);
      w.Append(ByteView(c.address));
      w.Zeros(kClientAddressPadding);
      return;
    default:
      return;
  }
}

std::string Hex(const RtsCookie& cookie) { return ToHex(ByteView(cookie)); }

// The command types of `pdu` in order, for matching a PDU's documented shape.
bool HasShape(const RtsPdu& pdu, std::uint16_t flags, std::initializer_list<RtsCommandType> types) {
  if (pdu.flags != flags || pdu.commands.size() != types.size()) return false;
  std::size_t i = 0;
  for (RtsCommandType t : types) {
    if (pdu.commands[i++].type != t) return false;
  }
  return true;
}

Bytes MustEncode(const RtsPdu& pdu) {
  // Builders only make small fixed PDUs, so encoding cannot fail.
  return EncodeRtsPdu(pdu).value_or(Bytes{});
}

Result<RtsPdu> ReadKind(ByteView data, RtsPduKind want) {
  auto pdu = DecodeRtsPdu(data);
  if (!pdu) return Fail(pdu.error().With(fmt::format("reading {}", RtsPduKindName(want))));
  RtsPduKind got = IdentifyRtsPdu(*pdu);
  if (got != want) {
    return Fail(
        ErrorCode::kMalformed,
        fmt::format("expected {} but the PDU is {} (flags {}, {} command(s))", RtsPduKindName(want),
                    RtsPduKindName(got), RtsFlagsName(pdu->flags), pdu->commands.size()));
  }
  return pdu;
}

}  // namespace

std::string RpcPacketTypeName(std::uint8_t packet_type) {
  static constexpr std::string_view kNames[] = {
      "request",   "ping",     "response",      "fault",
      "working",   "nocall",   "reject",        "ack",
      "cl_cancel", "fack",     "cancel_ack",    "bind",
      "bind_ack",  "bind_nak", "alter_context", "alter_context_resp",
      "auth3",     "shutdown", "co_cancel",     "orphaned",
      "rts"};
  if (packet_type < std::size(kNames)) return std::string(kNames[packet_type]);
  return fmt::format("ptype_{}", packet_type);
}

Result<RpcCommonHeader> DecodeRpcCommonHeader(ByteView data) {
  ByteReader r(data);
  auto fixed = r.Take(kRpcCommonHeaderSize, "RPC common header");
  if (!fixed) return Fail(fixed.error());
  RpcCommonHeader h;
  h.version = data[0];
  h.version_minor = data[1];
  h.packet_type = data[2];
  h.pfc_flags = data[3];
  std::copy(data.begin() + 4, data.begin() + 8, h.data_representation.begin());
  if (h.version != 5 || h.version_minor != 0) {
    return Fail(ErrorCode::kMalformed, fmt::format("RPC version {}.{} is not 5.0 (not a DCE/RPC "
                                                   "connection-oriented PDU)",
                                                   h.version, h.version_minor));
  }
  if ((h.data_representation[0] & 0xF0) != 0x10) {
    return Fail(ErrorCode::kUnsupported,
                fmt::format("data representation {:02x}: only little-endian PDUs are read",
                            h.data_representation[0]));
  }
  ByteReader tail(data.subspan(8, 8));
  h.frag_length = tail.U16Le("frag_length").value_or(0);
  h.auth_length = tail.U16Le("auth_length").value_or(0);
  h.call_id = tail.U32Le("call_id").value_or(0);
  if (h.frag_length < kRpcCommonHeaderSize) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("frag_length {} is shorter than the 16-byte header", h.frag_length));
  }
  return h;
}

Result<std::optional<std::size_t>> PeekPduLength(ByteView buffered) {
  if (buffered.size() < kRpcCommonHeaderSize) return std::optional<std::size_t>();
  auto h = DecodeRpcCommonHeader(buffered);
  if (!h) return Fail(h.error());
  return std::optional<std::size_t>(h->frag_length);
}

std::string RtsFlagsName(std::uint16_t flags) {
  static constexpr std::pair<std::uint16_t, std::string_view> kFlags[] = {
      {kRtsFlagPing, "PING"},
      {kRtsFlagOtherCmd, "OTHER_CMD"},
      {kRtsFlagRecycleChannel, "RECYCLE_CHANNEL"},
      {kRtsFlagInChannel, "IN_CHANNEL"},
      {kRtsFlagOutChannel, "OUT_CHANNEL"},
      {kRtsFlagEof, "EOF"},
      {kRtsFlagEcho, "ECHO"},
  };
  if (flags == kRtsFlagNone) return "NONE";
  std::string out;
  std::uint16_t rest = flags;
  for (const auto& [bit, name] : kFlags) {
    if ((flags & bit) == 0) continue;
    if (!out.empty()) out += '|';
    out += name;
    rest = static_cast<std::uint16_t>(rest & ~bit);
  }
  if (rest != 0) {
    if (!out.empty()) out += '|';
    out += fmt::format("0x{:04x}", rest);
  }
  return out;
}

std::string_view RtsCommandName(RtsCommandType type) {
  const CommandShape* shape = FindShape(static_cast<std::uint32_t>(type));
  return shape ? shape->name : std::string_view("unknown");
}

RtsCookie RandomRtsCookie() {
  std::random_device rd;
  RtsCookie cookie{};
  for (std::size_t i = 0; i < cookie.size(); i += 4) {
    std::uint32_t v = rd();
    for (std::size_t j = 0; j < 4; ++j) cookie[i + j] = static_cast<std::uint8_t>(v >> (8 * j));
  }
  return cookie;
}

RtsCommand RtsCommand::Value(RtsCommandType type, std::uint32_t value) {
  RtsCommand c;
  c.type = type;
  c.value = value;
  return c;
}

RtsCommand RtsCommand::Cookie(const RtsCookie& cookie) {
  RtsCommand c;
  c.type = RtsCommandType::kCookie;
  c.cookie = cookie;
  return c;
}

RtsCommand RtsCommand::AssociationGroupId(const RtsCookie& cookie) {
  RtsCommand c = Cookie(cookie);
  c.type = RtsCommandType::kAssociationGroupId;
  return c;
}

RtsCommand RtsCommand::FlowControlAck(std::uint32_t bytes_received, std::uint32_t available_window,
                                      const RtsCookie& channel_cookie) {
  RtsCommand c = Cookie(channel_cookie);
  c.type = RtsCommandType::kFlowControlAck;
  c.bytes_received = bytes_received;
  c.available_window = available_window;
  return c;
}

RtsCommand RtsCommand::Padding(std::uint32_t count) {
  return Value(RtsCommandType::kPadding, count);
}

RtsCommand RtsCommand::ClientAddress(ByteView ipv4_or_ipv6) {
  RtsCommand c;
  c.type = RtsCommandType::kClientAddress;
  c.address.assign(ipv4_or_ipv6.begin(), ipv4_or_ipv6.end());
  return c;
}

RtsCommand RtsCommand::Bare(RtsCommandType type) {
  RtsCommand c;
  c.type = type;
  return c;
}

std::size_t RtsCommand::WireSize() const {
  const CommandShape* shape = FindShape(static_cast<std::uint32_t>(type));
  std::size_t size = 4 + (shape ? shape->payload : 0);
  if (type == RtsCommandType::kPadding) size += value;
  if (type == RtsCommandType::kClientAddress) size += address.size() + kClientAddressPadding;
  return size;
}

std::string RtsCommand::ToString() const {
  std::string_view name = RtsCommandName(type);
  if (CarriesValue(type)) return fmt::format("{}={}", name, value);
  switch (type) {
    case RtsCommandType::kCookie:
    case RtsCommandType::kAssociationGroupId:
      return fmt::format("{}={}", name, Hex(cookie));
    case RtsCommandType::kFlowControlAck:
      return fmt::format("{}(BytesReceived={} AvailableWindow={} ChannelCookie={})", name,
                         bytes_received, available_window, Hex(cookie));
    case RtsCommandType::kPadding:
      return fmt::format("{}({} bytes)", name, value);
    case RtsCommandType::kClientAddress:
      return fmt::format("{}={}", name, ToHex(ByteView(address)));
    default:
      return std::string(name);
  }
}

const RtsCommand* RtsPdu::Find(RtsCommandType type) const {
  for (const auto& c : commands) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

Result<Bytes> EncodeRtsPdu(const RtsPdu& pdu) {
  std::size_t total = kRtsHeaderSize;
  for (const auto& c : pdu.commands) {
    if (c.type == RtsCommandType::kClientAddress && c.address.size() != 4 &&
        c.address.size() != 16) {
      return Fail(
          ErrorCode::kInvalidArgument,
          fmt::format("ClientAddress of {} bytes is neither IPv4 nor IPv6", c.address.size()));
    }
    total += c.WireSize();
    if (total > 0xFFFF) break;
  }
  if (total > 0xFFFF || pdu.commands.size() > 0xFFFF) {
    return Fail(ErrorCode::kInvalidArgument, "RTS PDU would pass the 65535-byte frag_length");
  }
  ByteWriter w;
  w.U8(5);
  w.U8(0);
  w.U8(static_cast<std::uint8_t>(RpcPacketType::kRts));
  w.U8(kPfcFirstFrag | kPfcLastFrag);
  w.Append(ByteView(kLittleEndianDrep));
  w.U16Le(static_cast<std::uint16_t>(total));
  w.U16Le(0);  // auth_length
  w.U32Le(0);  // call_id
  w.U16Le(pdu.flags);
  w.U16Le(static_cast<std::uint16_t>(pdu.commands.size()));
  for (const auto& c : pdu.commands) {
    w.U32Le(static_cast<std::uint32_t>(c.type));
    WritePayload(w, c);
  }
  return w.Take();
}

//  RTS header: common header (16) | Flags u16 | NumberOfCommands u16 | commands...
//  command:    CommandType u32 | payload (size by type, table kCommands)
Result<RtsPdu> DecodeRtsPdu(ByteView data) {
  auto header = DecodeRpcCommonHeader(data);
  if (!header) return Fail(header.error());
  if (header->packet_type != static_cast<std::uint8_t>(RpcPacketType::kRts)) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("PTYPE {} ({}) is not RTS (20)", header->packet_type,
                            RpcPacketTypeName(header->packet_type)));
  }
  if (header->frag_length != data.size()) {
    return Fail(ErrorCode::kMalformed, fmt::format("frag_length {} but the PDU holds {} bytes",
                                                   header->frag_length, data.size()));
  }
  if (header->auth_length != 0) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("RTS PDU with auth_length {} (MUST be 0)", header->auth_length));
  }
  RtsPdu pdu;
  pdu.header = *header;
  if (header->pfc_flags != (kPfcFirstFrag | kPfcLastFrag)) {
    pdu.deviations.push_back(
        fmt::format("pfc_flags 0x{:02x} (MUST be FIRST_FRAG|LAST_FRAG only)", header->pfc_flags));
  }
  if (header->call_id != 0) {
    pdu.deviations.push_back(fmt::format("call_id {} (MUST be 0)", header->call_id));
  }
  ByteReader r(data);
  (void)r.Skip(kRpcCommonHeaderSize, "RPC common header");
  auto flags = r.U16Le("RTS Flags");
  if (!flags) return Fail(flags.error());
  auto count = r.U16Le("RTS NumberOfCommands");
  if (!count) return Fail(count.error());
  pdu.flags = *flags;
  if (std::size_t{*count} * 4 > r.remaining()) {
    return Fail(
        ErrorCode::kMalformed,
        fmt::format("{} command(s) cannot fit in the {} byte(s) left", *count, r.remaining()));
  }
  pdu.commands.reserve(*count);
  for (std::uint16_t i = 0; i < *count; ++i) {
    auto type = r.U32Le("CommandType");
    if (!type) return Fail(type.error());
    if (FindShape(*type) == nullptr) {
      return Fail(ErrorCode::kMalformed,
                  fmt::format("command {} has unknown CommandType 0x{:x}", i, *type));
    }
    RtsCommand c;
    c.type = static_cast<RtsCommandType>(*type);
    if (auto ok = ReadPayload(r, c); !ok) {
      return Fail(ok.error().With(fmt::format("command {} ({})", i, RtsCommandName(c.type))));
    }
    pdu.commands.push_back(std::move(c));
  }
  if (!r.empty()) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("{} byte(s) after the last of {} command(s)", r.remaining(), *count));
  }
  return pdu;
}

Result<RpcFault> DecodeRpcFault(ByteView data) {
  auto header = DecodeRpcCommonHeader(data);
  if (!header) return Fail(header.error());
  if (header->packet_type != static_cast<std::uint8_t>(RpcPacketType::kFault)) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("PTYPE {} is not fault (3)", header->packet_type));
  }
  if (header->frag_length != data.size()) {
    return Fail(ErrorCode::kMalformed, fmt::format("frag_length {} but the PDU holds {} bytes",
                                                   header->frag_length, data.size()));
  }
  ByteReader r(data);
  (void)r.Skip(kRpcCommonHeaderSize, "RPC common header");
  RpcFault f;
  f.header = *header;
  auto alloc_hint = r.U32Le("fault alloc_hint");
  if (!alloc_hint) return Fail(alloc_hint.error());
  auto context = r.U16Le("fault p_cont_id");
  if (!context) return Fail(context.error());
  auto cancels = r.U8("fault cancel_count");
  if (!cancels) return Fail(cancels.error());
  if (auto ok = r.Skip(1, "fault reserved"); !ok) return Fail(ok.error());
  auto status = r.U32Le("fault status");
  if (!status) return Fail(status.error());
  if (auto ok = r.Skip(4, "fault reserved2"); !ok) return Fail(ok.error());
  f.alloc_hint = *alloc_hint;
  f.context_id = *context;
  f.cancel_count = *cancels;
  f.status = *status;
  return f;
}

std::string_view RpcStatusName(std::uint32_t status) {
  // [C706] Appendix E (nca_s_*), [MS-RPCE] 2.2.2.x and the Win32 RPC errors proxies return.
  static constexpr std::pair<std::uint32_t, std::string_view> kNames[] = {
      {0x00000005, "ERROR_ACCESS_DENIED"},
      {0x000006B5, "RPC_S_UNKNOWN_IF"},
      {0x000006BA, "RPC_S_SERVER_UNAVAILABLE"},
      {0x000006BE, "RPC_S_CALL_FAILED"},
      {0x000006BF, "RPC_S_CALL_FAILED_DNE"},
      {0x000006C0, "RPC_S_PROTOCOL_ERROR"},
      {0x000006D9, "EPT_S_NOT_REGISTERED"},
      {0x1C010002, "nca_s_op_rng_error"},
      {0x1C010003, "nca_s_unk_if"},
      {0x1C01000B, "nca_s_proto_error"},
  };
  for (const auto& [code, name] : kNames) {
    if (code == status) return name;
  }
  return {};
}

std::string_view RtsPduKindName(RtsPduKind kind) {
  switch (kind) {
    case RtsPduKind::kConnA1:
      return "CONN/A1";
    case RtsPduKind::kConnA3:
      return "CONN/A3";
    case RtsPduKind::kConnB1:
      return "CONN/B1";
    case RtsPduKind::kConnC2:
      return "CONN/C2";
    case RtsPduKind::kPing:
      return "Ping";
    case RtsPduKind::kEcho:
      return "Echo";
    case RtsPduKind::kFlowControlAck:
      return "FlowControlAck";
    case RtsPduKind::kFlowControlAckWithDestination:
      return "FlowControlAckWithDestination";
    case RtsPduKind::kKeepAlive:
      return "KeepAlive";
    case RtsPduKind::kOther:
      break;
  }
  return "other";
}

RtsPduKind IdentifyRtsPdu(const RtsPdu& pdu) {
  using T = RtsCommandType;
  if (HasShape(pdu, kRtsFlagNone, {T::kVersion, T::kCookie, T::kCookie, T::kReceiveWindowSize}))
    return RtsPduKind::kConnA1;
  if (HasShape(pdu, kRtsFlagNone, {T::kConnectionTimeout})) return RtsPduKind::kConnA3;
  if (HasShape(pdu, kRtsFlagNone,
               {T::kVersion, T::kCookie, T::kCookie, T::kChannelLifetime, T::kClientKeepalive,
                T::kAssociationGroupId}))
    return RtsPduKind::kConnB1;
  if (HasShape(pdu, kRtsFlagNone, {T::kVersion, T::kReceiveWindowSize, T::kConnectionTimeout}))
    return RtsPduKind::kConnC2;
  if (HasShape(pdu, kRtsFlagPing, {})) return RtsPduKind::kPing;
  if (HasShape(pdu, kRtsFlagEcho, {})) return RtsPduKind::kEcho;
  if (HasShape(pdu, kRtsFlagOtherCmd, {T::kFlowControlAck})) return RtsPduKind::kFlowControlAck;
  if (HasShape(pdu, kRtsFlagOtherCmd, {T::kDestination, T::kFlowControlAck}))
    return RtsPduKind::kFlowControlAckWithDestination;
  if (HasShape(pdu, kRtsFlagOtherCmd, {T::kClientKeepalive})) return RtsPduKind::kKeepAlive;
  return RtsPduKind::kOther;
}

std::string DecodedRpcPdu::Summary() const {
  if (rts) {
    std::string out =
        fmt::format("RTS {} flags={}", RtsPduKindName(rts_kind), RtsFlagsName(rts->flags));
    for (const auto& c : rts->commands) out += " " + c.ToString();
    return out;
  }
  if (fault) {
    std::string_view name = RpcStatusName(fault->status);
    return name.empty() ? fmt::format("fault status=0x{:08x}", fault->status)
                        : fmt::format("fault status=0x{:08x} ({})", fault->status, name);
  }
  return fmt::format("{} frag_length={}", RpcPacketTypeName(header.packet_type),
                     header.frag_length);
}

Result<DecodedRpcPdu> DecodeRpcPdu(ByteView data) {
  auto header = DecodeRpcCommonHeader(data);
  if (!header) return Fail(header.error());
  if (header->frag_length != data.size()) {
    return Fail(ErrorCode::kMalformed, fmt::format("frag_length {} but the PDU holds {} bytes",
                                                   header->frag_length, data.size()));
  }
  DecodedRpcPdu out;
  out.header = *header;
  if (header->packet_type == static_cast<std::uint8_t>(RpcPacketType::kRts)) {
    auto rts = DecodeRtsPdu(data);
    if (!rts) return Fail(rts.error());
    out.rts_kind = IdentifyRtsPdu(*rts);
    out.rts = std::move(*rts);
  } else if (header->packet_type == static_cast<std::uint8_t>(RpcPacketType::kFault)) {
    auto fault = DecodeRpcFault(data);
    if (!fault) return Fail(fault.error());
    out.fault = *fault;
  }
  return out;
}

Bytes BuildConnA1(const ConnA1& a1) {
  RtsPdu pdu;
  pdu.commands = {RtsCommand::Value(RtsCommandType::kVersion, a1.version),
                  RtsCommand::Cookie(a1.virtual_connection_cookie),
                  RtsCommand::Cookie(a1.out_channel_cookie),
                  RtsCommand::Value(RtsCommandType::kReceiveWindowSize, a1.receive_window_size)};
  return MustEncode(pdu);
}

Bytes BuildConnB1(const ConnB1& b1) {
  RtsPdu pdu;
  pdu.commands = {RtsCommand::Value(RtsCommandType::kVersion, b1.version),
                  RtsCommand::Cookie(b1.virtual_connection_cookie),
                  RtsCommand::Cookie(b1.in_channel_cookie),
                  RtsCommand::Value(RtsCommandType::kChannelLifetime, b1.channel_lifetime),
                  RtsCommand::Value(RtsCommandType::kClientKeepalive, b1.client_keepalive),
                  RtsCommand::AssociationGroupId(b1.association_group_id)};
  return MustEncode(pdu);
}

Bytes BuildConnA3(const ConnA3& a3) {
  RtsPdu pdu;
  pdu.commands = {RtsCommand::Value(RtsCommandType::kConnectionTimeout, a3.connection_timeout)};
  return MustEncode(pdu);
}

Bytes BuildConnC2(const ConnC2& c2) {
  RtsPdu pdu;
  pdu.commands = {RtsCommand::Value(RtsCommandType::kVersion, c2.version),
                  RtsCommand::Value(RtsCommandType::kReceiveWindowSize, c2.receive_window_size),
                  RtsCommand::Value(RtsCommandType::kConnectionTimeout, c2.connection_timeout)};
  return MustEncode(pdu);
}

Bytes BuildPing() {
  RtsPdu pdu;
  pdu.flags = kRtsFlagPing;
  return MustEncode(pdu);
}

Bytes BuildEcho() {
  RtsPdu pdu;
  pdu.flags = kRtsFlagEcho;
  return MustEncode(pdu);
}

Bytes BuildFlowControlAckWithDestination(std::uint32_t bytes_received,
                                         std::uint32_t available_window,
                                         const RtsCookie& out_channel_cookie) {
  RtsPdu pdu;
  pdu.flags = kRtsFlagOtherCmd;
  pdu.commands = {RtsCommand::Value(RtsCommandType::kDestination,
                                    static_cast<std::uint32_t>(ForwardDestination::kOutProxy)),
                  RtsCommand::FlowControlAck(bytes_received, available_window, out_channel_cookie)};
  return MustEncode(pdu);
}

Result<ConnA1> ReadConnA1(ByteView data) {
  auto pdu = ReadKind(data, RtsPduKind::kConnA1);
  if (!pdu) return Fail(pdu.error());
  ConnA1 a1;
  a1.version = pdu->commands[0].value;
  a1.virtual_connection_cookie = pdu->commands[1].cookie;
  a1.out_channel_cookie = pdu->commands[2].cookie;
  a1.receive_window_size = pdu->commands[3].value;
  return a1;
}

Result<ConnB1> ReadConnB1(ByteView data) {
  auto pdu = ReadKind(data, RtsPduKind::kConnB1);
  if (!pdu) return Fail(pdu.error());
  ConnB1 b1;
  b1.version = pdu->commands[0].value;
  b1.virtual_connection_cookie = pdu->commands[1].cookie;
  b1.in_channel_cookie = pdu->commands[2].cookie;
  b1.channel_lifetime = pdu->commands[3].value;
  b1.client_keepalive = pdu->commands[4].value;
  b1.association_group_id = pdu->commands[5].cookie;
  return b1;
}

Result<ConnA3> ReadConnA3(ByteView data) {
  auto pdu = ReadKind(data, RtsPduKind::kConnA3);
  if (!pdu) return Fail(pdu.error());
  return ConnA3{pdu->commands[0].value};
}

Result<ConnC2> ReadConnC2(ByteView data) {
  auto pdu = ReadKind(data, RtsPduKind::kConnC2);
  if (!pdu) return Fail(pdu.error());
  ConnC2 c2;
  c2.version = pdu->commands[0].value;
  c2.receive_window_size = pdu->commands[1].value;
  c2.connection_timeout = pdu->commands[2].value;
  return c2;
}

}  // namespace probe::exchange
