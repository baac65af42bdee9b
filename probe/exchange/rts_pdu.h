// RPC over HTTP v2 RTS PDUs ([MS-RPCH] 2.2.3, 2.2.4): the DCE/RPC common header, RTS flags and
// commands as typed values, a bounds-checked decoder for anything an RPC proxy sends (RTS, fault,
// other PDU types by name), and builders/readers for the connection-establishment PDUs the client
// (CONN/A1, CONN/B1) and the lab's proxy (CONN/A3, CONN/C2, Echo, Ping) exchange.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::exchange {

// ---- The connection-oriented DCE/RPC common header ([C706] 12.6.1) --------------------------

/// PTYPE values a client can meet on an RPC/HTTP OUT channel ([C706] 12.6.4, [MS-RPCH] 2.2.3.6.1).
enum class RpcPacketType : std::uint8_t {
  kRequest = 0,
  kResponse = 2,
  kFault = 3,
  kBind = 11,
  kBindAck = 12,
  kBindNak = 13,
  kAlterContext = 14,
  kAlterContextResponse = 15,
  kAuth3 = 16,
  kShutdown = 17,
  kCancel = 18,
  kOrphaned = 19,
  kRts = 20,
};
/// "rts", "fault", "bind_ack"...; "ptype_N" for values outside the table.
std::string RpcPacketTypeName(std::uint8_t packet_type);

inline constexpr std::uint8_t kPfcFirstFrag = 0x01;
inline constexpr std::uint8_t kPfcLastFrag = 0x02;
inline constexpr std::size_t kRpcCommonHeaderSize = 16;
inline constexpr std::size_t kRtsHeaderSize = 20;
/// Little-endian integers, ASCII characters, IEEE floats: the only representation RTS allows.
inline constexpr std::array<std::uint8_t, 4> kLittleEndianDrep = {0x10, 0x00, 0x00, 0x00};

//  0        1              2       3          4               8           10           12      16
//  rpc_vers rpc_vers_minor PTYPE   pfc_flags  packed_drep[4]  frag_length auth_length  call_id
struct RpcCommonHeader {
  std::uint8_t version = 5;
  std::uint8_t version_minor = 0;
  std::uint8_t packet_type = static_cast<std::uint8_t>(RpcPacketType::kRts);
  std::uint8_t pfc_flags = kPfcFirstFrag | kPfcLastFrag;
  std::array<std::uint8_t, 4> data_representation = kLittleEndianDrep;
  std::uint16_t frag_length = 0;  // the whole PDU, this header included
  std::uint16_t auth_length = 0;
  std::uint32_t call_id = 0;

  bool operator==(const RpcCommonHeader&) const = default;
};

/// Reads the 16-byte common header at the start of `data`. Fails on fewer than 16 bytes, a
/// version other than 5.0, a big-endian data representation, or frag_length < 16.
Result<RpcCommonHeader> DecodeRpcCommonHeader(ByteView data);

/// For splitting an OUT-channel byte stream into PDUs: the frag_length of the PDU at the start
/// of `buffered`, or nullopt while fewer than 16 bytes are buffered. Fails as the header does.
Result<std::optional<std::size_t>> PeekPduLength(ByteView buffered);

// ---- RTS flags and commands ([MS-RPCH] 2.2.3.6.1, 2.2.3.5) ----------------------------------

inline constexpr std::uint16_t kRtsFlagNone = 0x0000;
inline constexpr std::uint16_t kRtsFlagPing = 0x0001;
inline constexpr std::uint16_t kRtsFlagOtherCmd = 0x0002;
inline constexpr std::uint16_t kRtsFlagRecycleChannel = 0x0004;
inline constexpr std::uint16_t kRtsFlagInChannel = 0x0008;
inline constexpr std::uint16_t kRtsFlagOutChannel = 0x0010;
inline constexpr std::uint16_t kRtsFlagEof = 0x0020;
inline constexpr std::uint16_t kRtsFlagEcho = 0x0040;
/// "NONE", "PING", "OTHER_CMD|ECHO"; unknown bits as "0x0100".
std::string RtsFlagsName(std::uint16_t flags);

enum class RtsCommandType : std::uint32_t {
  kReceiveWindowSize = 0x0,
  kFlowControlAck = 0x1,
  kConnectionTimeout = 0x2,
  kCookie = 0x3,
  kChannelLifetime = 0x4,
  kClientKeepalive = 0x5,
  kVersion = 0x6,
  kEmpty = 0x7,
  kPadding = 0x8,
  kNegativeAnce = 0x9,
  kAnce = 0xA,
  kClientAddress = 0xB,
  kAssociationGroupId = 0xC,
  kDestination = 0xD,
  kPingTrafficSentNotify = 0xE,
};
/// The spec's name ("ReceiveWindowSize", "ANCE", ...).
std::string_view RtsCommandName(RtsCommandType type);

/// A 16-byte RTS cookie (a random UUID's bytes, sent as they are).
using RtsCookie = std::array<std::uint8_t, 16>;
/// Sixteen bytes from std::random_device, for a new virtual connection or channel.
RtsCookie RandomRtsCookie();

/// Destination command values ([MS-RPCH] 2.2.3.3).
enum class ForwardDestination : std::uint32_t {
  kClient = 0,
  kInProxy = 1,
  kServer = 2,
  kOutProxy = 3,
};

/// One RTS command. `type` says which fields carry it:
///   value   ReceiveWindowSize, ConnectionTimeout, ChannelLifetime, ClientKeepalive, Version,
///           Destination, PingTrafficSentNotify, Padding (its ConformanceCount)
///   cookie  Cookie, AssociationGroupId; FlowControlAck's ChannelCookie
///   bytes_received, available_window  FlowControlAck
///   address (4 or 16 bytes)           ClientAddress
/// Empty, NegativeANCE and ANCE carry nothing.
struct RtsCommand {
  RtsCommandType type = RtsCommandType::kEmpty;
  std::uint32_t value = 0;
  RtsCookie cookie{};
  std::uint32_t bytes_received = 0;
  std::uint32_t available_window = 0;
  Bytes address;

  static RtsCommand Value(RtsCommandType type, std::uint32_t value);
  static RtsCommand Cookie(const RtsCookie& cookie);
  static RtsCommand AssociationGroupId(const RtsCookie& cookie);
  static RtsCommand FlowControlAck(std::uint32_t bytes_received, std::uint32_t available_window,
                                   const RtsCookie& channel_cookie);
  static RtsCommand Padding(std::uint32_t count);
  static RtsCommand ClientAddress(ByteView ipv4_or_ipv6);
  static RtsCommand Bare(RtsCommandType type);  // Empty, NegativeANCE, ANCE

  /// Size on the wire, CommandType included.
  std::size_t WireSize() const;
  /// "ConnectionTimeout=120000", "Cookie=1011...1f"; for traces and reports.
  std::string ToString() const;
  bool operator==(const RtsCommand&) const = default;
};

/// An RTS PDU: header fields, flags and commands in order.
struct RtsPdu {
  std::uint16_t flags = kRtsFlagNone;
  std::vector<RtsCommand> commands;
  /// Filled by the decoder: the header as read, and what broke a MUST without preventing the
  /// parse (pfc_flags other than FIRST|LAST, call_id != 0), in words, for reports.
  RpcCommonHeader header;
  std::vector<std::string> deviations;

  /// The first command of `type`, or nullptr.
  const RtsCommand* Find(RtsCommandType type) const;
};

/// Encodes header + commands; frag_length is computed. Fails only when the PDU would pass
/// 65535 bytes or a ClientAddress is neither 4 nor 16 bytes.
Result<Bytes> EncodeRtsPdu(const RtsPdu& pdu);

/// Decodes exactly one RTS PDU: `data` must be frag_length bytes long (use PeekPduLength to
/// split a stream). Fails on a non-RTS PTYPE, auth_length != 0, an unknown command type, a
/// command running past frag_length, or bytes left after the last command.
Result<RtsPdu> DecodeRtsPdu(ByteView data);

// ---- The fault PDU ([C706] 12.6.4.7) --------------------------------------------------------

//  common header(16) alloc_hint u32  p_cont_id u16  cancel_count u8  reserved u8  status u32
//  reserved u32 [stub data]
struct RpcFault {
  RpcCommonHeader header;
  std::uint32_t alloc_hint = 0;
  std::uint16_t context_id = 0;
  std::uint8_t cancel_count = 0;
  std::uint32_t status = 0;
};
Result<RpcFault> DecodeRpcFault(ByteView data);
/// "nca_s_unk_if", "RPC_S_SERVER_UNAVAILABLE"...; empty for a status not in the table.
std::string_view RpcStatusName(std::uint32_t status);

// ---- Any PDU, identified ----------------------------------------------------------------------

/// The RTS PDUs a probe or the lab tells apart by flags and command sequence ([MS-RPCH] 2.2.4).
enum class RtsPduKind {
  kOther,
  kConnA1,  // client -> OUT proxy: Version, Cookie(VC), Cookie(OUT channel), ReceiveWindowSize
  kConnA3,  // OUT proxy -> client: ConnectionTimeout
  kConnB1,  // client -> IN proxy: Version, Cookie(VC), Cookie(IN), ChannelLifetime,
            // ClientKeepalive, AssociationGroupId
  kConnC2,  // OUT proxy -> client: Version, ReceiveWindowSize, ConnectionTimeout
  kPing,    // flags PING, no commands (2.2.4.49)
  kEcho,    // flags ECHO, no commands (2.2.4.48): the body of an echo response
  kFlowControlAck,                 // OTHER_CMD: FlowControlAck (2.2.4.50)
  kFlowControlAckWithDestination,  // OTHER_CMD: Destination, FlowControlAck
  kKeepAlive,                      // OTHER_CMD: ClientKeepalive
};
std::string_view RtsPduKindName(RtsPduKind kind);  // "CONN/A1", "Ping", ...
RtsPduKind IdentifyRtsPdu(const RtsPdu& pdu);

/// A decoded PDU from an RPC/HTTP channel, for reports: always the header; the RTS PDU or the
/// fault when the PTYPE is one of those; other PTYPEs (bind_ack, response...) by header only.
struct DecodedRpcPdu {
  RpcCommonHeader header;
  std::optional<RtsPdu> rts;
  RtsPduKind rts_kind = RtsPduKind::kOther;
  std::optional<RpcFault> fault;

  /// One line: "RTS CONN/A3 flags=NONE ConnectionTimeout=120000", "fault status=0x1c010003
  /// (nca_s_unk_if)", "bind_ack frag_length=68".
  std::string Summary() const;
};
/// Decodes one PDU of exactly frag_length bytes, whatever its PTYPE.
Result<DecodedRpcPdu> DecodeRpcPdu(ByteView data);

// ---- Connection establishment ([MS-RPCH] 2.2.4.2 - 2.2.4.9) ----------------------------------

/// CONN/A1, the whole body of the RPC_OUT_DATA request (76 bytes).
struct ConnA1 {
  std::uint32_t version = 1;  // senders SHOULD send 1; receivers MUST ignore it
  RtsCookie virtual_connection_cookie{};
  RtsCookie out_channel_cookie{};
  std::uint32_t receive_window_size = 0x10000;  // 8 KB..256 KB; what Outlook sends
};

/// CONN/B1, the first PDU on the RPC_IN_DATA request body (104 bytes).
struct ConnB1 {
  std::uint32_t version = 1;
  RtsCookie virtual_connection_cookie{};
  RtsCookie in_channel_cookie{};
  std::uint32_t channel_lifetime = 0x40000000;  // 128 KB..2 GB: the IN request's Content-Length
  std::uint32_t client_keepalive = 300000;      // ms; 0 draws proxy error 0x6c0 (impacket)
  RtsCookie association_group_id{};
};

/// CONN/A3 (28 bytes): the OUT channel's connection time-out, in ms.
struct ConnA3 {
  std::uint32_t connection_timeout = 120000;
};

/// CONN/C2 (44 bytes): the proxy's receive window for the IN channel and the IN channel's
/// connection time-out.
struct ConnC2 {
  std::uint32_t version = 1;
  std::uint32_t receive_window_size = 0x10000;
  std::uint32_t connection_timeout = 120000;
};

inline constexpr std::size_t kConnA1Size = 76;
inline constexpr std::size_t kConnB1Size = 104;
inline constexpr std::size_t kConnA3Size = 28;
inline constexpr std::size_t kConnC2Size = 44;
inline constexpr std::size_t kPingOrEchoSize = 20;

Bytes BuildConnA1(const ConnA1& a1);
Bytes BuildConnB1(const ConnB1& b1);
Bytes BuildConnA3(const ConnA3& a3);
Bytes BuildConnC2(const ConnC2& c2);
Bytes BuildPing();
Bytes BuildEcho();
/// FlowControlAckWithDestination on the IN channel: Destination outProxy + FlowControlAck.
Bytes BuildFlowControlAckWithDestination(std::uint32_t bytes_received,
                                         std::uint32_t available_window,
                                         const RtsCookie& out_channel_cookie);

/// Readers: decode, check the PDU is that kind (flags and command sequence), take its values.
/// Values are parsed, not compared (the Version value is never checked).
Result<ConnA1> ReadConnA1(ByteView data);
Result<ConnB1> ReadConnB1(ByteView data);
Result<ConnA3> ReadConnA3(ByteView data);
Result<ConnC2> ReadConnC2(ByteView data);

}  // namespace probe::exchange
