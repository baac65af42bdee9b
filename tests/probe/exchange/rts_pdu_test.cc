#include "probe/exchange/rts_pdu.h"

#include <gtest/gtest.h>

#include <string>

namespace probe::exchange {
namespace {

Bytes Hex(std::string_view hex) { return FromHex(hex).value(); }

RtsCookie CookieFrom(std::uint8_t first) {
  RtsCookie c{};
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = static_cast<std::uint8_t>(first + i);
  return c;
}

// The reference's examples (exchange-protocols.md 4.4), byte for byte.
const char kConnA1Hex[] =
    "05 00 14 03 10 00 00 00 4c 00 00 00 00 00 00 00"
    "00 00 04 00 06 00 00 00 01 00 00 00 03 00 00 00"
    "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f"
    "03 00 00 00 20 21 22 23 24 25 26 27 28 29 2a 2b"
    "2c 2d 2e 2f 00 00 00 00 00 00 04 00";
const char kConnB1Hex[] =
    "05 00 14 03 10 00 00 00 68 00 00 00 00 00 00 00"
    "00 00 06 00 06 00 00 00 01 00 00 00 03 00 00 00"
    "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f"
    "03 00 00 00 30 31 32 33 34 35 36 37 38 39 3a 3b"
    "3c 3d 3e 3f 04 00 00 00 00 00 00 40 05 00 00 00"
    "e0 93 04 00 0c 00 00 00 40 41 42 43 44 45 46 47"
    "48 49 4a 4b 4c 4d 4e 4f";
const char kConnA3Hex[] =
    "05 00 14 03 10 00 00 00 1c 00 00 00 00 00 00 00"
    "00 00 01 00 02 00 00 00 c0 d4 01 00";
const char kConnC2Hex[] =
    "05 00 14 03 10 00 00 00 2c 00 00 00 00 00 00 00"
    "00 00 03 00 06 00 00 00 01 00 00 00 00 00 00 00"
    "00 00 01 00 02 00 00 00 c0 d4 01 00";
const char kPingHex[] = "05 00 14 03 10 00 00 00 14 00 00 00 00 00 00 00 01 00 00 00";
const char kEchoHex[] = "05 00 14 03 10 00 00 00 14 00 00 00 00 00 00 00 40 00 00 00";

ConnA1 ReferenceA1() {
  ConnA1 a1;
  a1.virtual_connection_cookie = CookieFrom(0x10);
  a1.out_channel_cookie = CookieFrom(0x20);
  a1.receive_window_size = 0x40000;
  return a1;
}

ConnB1 ReferenceB1() {
  ConnB1 b1;
  b1.virtual_connection_cookie = CookieFrom(0x10);
  b1.in_channel_cookie = CookieFrom(0x30);
  b1.association_group_id = CookieFrom(0x40);
  return b1;
}

TEST(RtsPduTest, ConnA1MatchesTheReferenceBytes) {
  Bytes built = BuildConnA1(ReferenceA1());
  EXPECT_EQ(ToHex(built), ToHex(Hex(kConnA1Hex)));
  EXPECT_EQ(built.size(), kConnA1Size);
  auto back = ReadConnA1(built);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->virtual_connection_cookie, CookieFrom(0x10));
  EXPECT_EQ(back->out_channel_cookie, CookieFrom(0x20));
  EXPECT_EQ(back->receive_window_size, 0x40000u);
  EXPECT_EQ(back->version, 1u);
}

TEST(RtsPduTest, ConnB1MatchesTheReferenceBytes) {
  Bytes built = BuildConnB1(ReferenceB1());
  EXPECT_EQ(ToHex(built), ToHex(Hex(kConnB1Hex)));
  EXPECT_EQ(built.size(), kConnB1Size);
  auto back = ReadConnB1(built);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->virtual_connection_cookie, CookieFrom(0x10));
  EXPECT_EQ(back->in_channel_cookie, CookieFrom(0x30));
  EXPECT_EQ(back->association_group_id, CookieFrom(0x40));
  EXPECT_EQ(back->channel_lifetime, 1073741824u);
  EXPECT_EQ(back->client_keepalive, 300000u);
}

TEST(RtsPduTest, ReadsTheReferenceA3AndC2) {
  auto a3 = ReadConnA3(Hex(kConnA3Hex));
  ASSERT_TRUE(a3) << a3.error().message;
  EXPECT_EQ(a3->connection_timeout, 120000u);
  auto c2 = ReadConnC2(Hex(kConnC2Hex));
  ASSERT_TRUE(c2) << c2.error().message;
  EXPECT_EQ(c2->version, 1u);
  EXPECT_EQ(c2->receive_window_size, 0x10000u);
  EXPECT_EQ(c2->connection_timeout, 120000u);
  // And the lab's builders produce exactly those bytes.
  EXPECT_EQ(ToHex(BuildConnA3(ConnA3{120000})), ToHex(Hex(kConnA3Hex)));
  EXPECT_EQ(ToHex(BuildConnC2(ConnC2{1, 0x10000, 120000})), ToHex(Hex(kConnC2Hex)));
  EXPECT_EQ(BuildConnA3({}).size(), kConnA3Size);
  EXPECT_EQ(BuildConnC2({}).size(), kConnC2Size);
}

TEST(RtsPduTest, PingAndEchoMatchTheReference) {
  EXPECT_EQ(ToHex(BuildPing()), ToHex(Hex(kPingHex)));
  EXPECT_EQ(ToHex(BuildEcho()), ToHex(Hex(kEchoHex)));
  auto echo = DecodeRpcPdu(Hex(kEchoHex));
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->rts_kind, RtsPduKind::kEcho);
  EXPECT_EQ(echo->Summary(), "RTS Echo flags=ECHO");
}

TEST(RtsPduTest, IdentifiesEveryKnownKind) {
  struct Case {
    Bytes bytes;
    RtsPduKind kind;
  };
  const Case cases[] = {
      {Hex(kConnA1Hex), RtsPduKind::kConnA1},
      {Hex(kConnB1Hex), RtsPduKind::kConnB1},
      {Hex(kConnA3Hex), RtsPduKind::kConnA3},
      {Hex(kConnC2Hex), RtsPduKind::kConnC2},
      {Hex(kPingHex), RtsPduKind::kPing},
      {Hex(kEchoHex), RtsPduKind::kEcho},
      {BuildFlowControlAckWithDestination(100, 200, CookieFrom(0x20)),
       RtsPduKind::kFlowControlAckWithDestination},
  };
  for (const auto& c : cases) {
    auto pdu = DecodeRpcPdu(c.bytes);
    ASSERT_TRUE(pdu) << pdu.error().message;
    EXPECT_EQ(pdu->rts_kind, c.kind) << RtsPduKindName(c.kind);
  }
}

TEST(RtsPduTest, ReaderRefusesTheWrongKind) {
  auto wrong = ReadConnA3(Hex(kConnC2Hex));
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("expected CONN/A3 but the PDU is CONN/C2"),
            std::string::npos)
      << wrong.error().message;
  EXPECT_FALSE(ReadConnA1(Hex(kConnB1Hex)));
  EXPECT_FALSE(ReadConnC2(Hex(kPingHex)));
}

TEST(RtsPduTest, VersionValueIsNeverCompared) {
  ConnA1 a1 = ReferenceA1();
  a1.version = 7;
  auto back = ReadConnA1(BuildConnA1(a1));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->version, 7u);
}

TEST(RtsPduTest, EveryCommandTypeRoundTrips) {
  const std::uint8_t v4[] = {192, 0, 2, 7};
  Bytes v6(16, 0xab);
  RtsPdu pdu;
  pdu.flags = kRtsFlagOtherCmd | kRtsFlagOutChannel;
  pdu.commands = {
      RtsCommand::Value(RtsCommandType::kReceiveWindowSize, 0x2000),
      RtsCommand::FlowControlAck(1, 2, CookieFrom(0x50)),
      RtsCommand::Value(RtsCommandType::kConnectionTimeout, 14400000),
      RtsCommand::Cookie(CookieFrom(0x60)),
      RtsCommand::Value(RtsCommandType::kChannelLifetime, 131072),
      RtsCommand::Value(RtsCommandType::kClientKeepalive, 60000),
      RtsCommand::Value(RtsCommandType::kVersion, 1),
      RtsCommand::Bare(RtsCommandType::kEmpty),
      RtsCommand::Padding(5),
      RtsCommand::Bare(RtsCommandType::kNegativeAnce),
      RtsCommand::Bare(RtsCommandType::kAnce),
      RtsCommand::ClientAddress(ByteView(v4)),
      RtsCommand::ClientAddress(v6),
      RtsCommand::AssociationGroupId(CookieFrom(0x70)),
      RtsCommand::Value(RtsCommandType::kDestination, 3),
      RtsCommand::Value(RtsCommandType::kPingTrafficSentNotify, 4096),
  };
  auto bytes = EncodeRtsPdu(pdu);
  ASSERT_TRUE(bytes) << bytes.error().message;
  // 20 header + 8 + 28 + 8 + 20 + 8 + 8 + 8 + 4 + (8+5) + 4 + 4 + 24 + 36 + 20 + 8 + 8
  EXPECT_EQ(bytes->size(),
            20u + 8 + 28 + 8 + 20 + 8 + 8 + 8 + 4 + 13 + 4 + 4 + 24 + 36 + 20 + 8 + 8);
  auto back = DecodeRtsPdu(*bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->flags, pdu.flags);
  EXPECT_EQ(back->commands, pdu.commands);
  EXPECT_TRUE(back->deviations.empty());
  EXPECT_EQ(RtsFlagsName(back->flags), "OTHER_CMD|OUT_CHANNEL");
  EXPECT_EQ(back->commands[11].ToString(), "ClientAddress=c0000207");
}

TEST(RtsPduTest, EncoderRefusesImpossiblePdus) {
  RtsPdu bad_address;
  bad_address.commands = {RtsCommand::ClientAddress(Bytes(5, 1))};
  EXPECT_FALSE(EncodeRtsPdu(bad_address));
  RtsPdu too_big;
  too_big.commands = {RtsCommand::Padding(70000)};
  EXPECT_FALSE(EncodeRtsPdu(too_big));
}

TEST(RtsPduTest, EveryTruncationFails) {
  for (const char* hex : {kConnA1Hex, kConnB1Hex, kConnA3Hex, kConnC2Hex, kPingHex}) {
    Bytes full = Hex(hex);
    for (std::size_t n = 0; n < full.size(); ++n) {
      ByteView cut(full.data(), n);
      EXPECT_FALSE(DecodeRtsPdu(cut)) << "length " << n;
      EXPECT_FALSE(DecodeRpcPdu(cut)) << "length " << n;
      // A truncation whose frag_length was patched to match still fails: a command runs past
      // the end, or (a 20-byte cut) commands are announced but absent.
      if (n >= kRtsHeaderSize) {
        Bytes patched(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
        patched[8] = static_cast<std::uint8_t>(n);
        patched[9] = 0;
        EXPECT_FALSE(DecodeRtsPdu(patched)) << hex << " cut to " << n;
      }
    }
  }
}

TEST(RtsPduTest, EveryWrongFragLengthFails) {
  Bytes a1 = Hex(kConnA1Hex);
  for (unsigned v = 0; v <= 0xFFFF; v += (v < 200 ? 1 : 257)) {
    if (v == a1.size()) continue;
    Bytes bad = a1;
    bad[8] = static_cast<std::uint8_t>(v);
    bad[9] = static_cast<std::uint8_t>(v >> 8);
    EXPECT_FALSE(DecodeRtsPdu(bad)) << v;
  }
}

TEST(RtsPduTest, EveryWrongCommandCountFails) {
  Bytes b1 = Hex(kConnB1Hex);
  for (unsigned n = 0; n <= 0xFFFF; n += (n < 40 ? 1 : 331)) {
    if (n == 6) continue;
    Bytes bad = b1;
    bad[18] = static_cast<std::uint8_t>(n);
    bad[19] = static_cast<std::uint8_t>(n >> 8);
    EXPECT_FALSE(DecodeRtsPdu(bad)) << n;
  }
}

TEST(RtsPduTest, HostileLengthsInsideCommandsFail) {
  // Padding whose ConformanceCount runs past the PDU.
  RtsPdu pdu;
  pdu.commands = {RtsCommand::Padding(4)};
  Bytes padded = EncodeRtsPdu(pdu).value();
  for (std::uint32_t count : {5u, 0xFFu, 0xFFFFFFFFu}) {
    Bytes bad = padded;
    for (int i = 0; i < 4; ++i) bad[24 + i] = static_cast<std::uint8_t>(count >> (8 * i));
    EXPECT_FALSE(DecodeRtsPdu(bad)) << count;
  }
  // Padding shorter than announced leaves bytes after the last command.
  Bytes shorter = padded;
  shorter[24] = 3;
  EXPECT_FALSE(DecodeRtsPdu(shorter));
  // A ClientAddress type that is neither IPv4 nor IPv6.
  const std::uint8_t v4[] = {127, 0, 0, 1};
  pdu.commands = {RtsCommand::ClientAddress(ByteView(v4))};
  Bytes address = EncodeRtsPdu(pdu).value();
  address[24] = 2;
  EXPECT_FALSE(DecodeRtsPdu(address));
  // An unknown command type.
  Bytes unknown = Hex(kConnA3Hex);
  unknown[20] = 0x0F;
  EXPECT_FALSE(DecodeRtsPdu(unknown));
}

TEST(RtsPduTest, HeaderRulesAreEnforcedOrReported) {
  Bytes a3 = Hex(kConnA3Hex);
  Bytes v4 = a3;
  v4[0] = 4;
  EXPECT_FALSE(DecodeRtsPdu(v4));
  Bytes big_endian = a3;
  big_endian[4] = 0x00;
  EXPECT_EQ(DecodeRtsPdu(big_endian).error().code, ErrorCode::kUnsupported);
  Bytes authed = a3;
  authed[10] = 8;
  EXPECT_FALSE(DecodeRtsPdu(authed));
  Bytes bind_ack = a3;
  bind_ack[2] = 12;
  EXPECT_FALSE(DecodeRtsPdu(bind_ack));
  auto other = DecodeRpcPdu(bind_ack);
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->rts);
  EXPECT_EQ(other->Summary(), "bind_ack frag_length=28");
  // call_id != 0 and a missing LAST_FRAG break a MUST but still parse, with the deviation named.
  Bytes odd = a3;
  odd[3] = 0x01;
  odd[12] = 9;
  auto pdu = DecodeRtsPdu(odd);
  ASSERT_TRUE(pdu);
  ASSERT_EQ(pdu->deviations.size(), 2u);
  EXPECT_NE(pdu->deviations[0].find("pfc_flags 0x01"), std::string::npos);
  EXPECT_NE(pdu->deviations[1].find("call_id 9"), std::string::npos);
}

TEST(RtsPduTest, DecodesAFault) {
  // A fault for an unknown interface: header, alloc_hint 32, context 0, cancel 0, status
  // nca_s_unk_if, reserved.
  Bytes fault =
      Hex("05 00 03 03 10 00 00 00 20 00 00 00 02 00 00 00"
          "20 00 00 00 00 00 00 00 03 00 01 1c 00 00 00 00");
  auto pdu = DecodeRpcPdu(fault);
  ASSERT_TRUE(pdu) << pdu.error().message;
  ASSERT_TRUE(pdu->fault);
  EXPECT_EQ(pdu->fault->status, 0x1c010003u);
  EXPECT_EQ(pdu->header.call_id, 2u);
  EXPECT_EQ(pdu->Summary(), "fault status=0x1c010003 (nca_s_unk_if)");
  for (std::size_t n = kRpcCommonHeaderSize; n < fault.size(); ++n) {
    Bytes cut(fault.begin(), fault.begin() + static_cast<std::ptrdiff_t>(n));
    cut[8] = static_cast<std::uint8_t>(n);
    EXPECT_FALSE(DecodeRpcFault(cut)) << n;
  }
}

TEST(RtsPduTest, SplitsAStreamByFragLength) {
  Bytes stream = Hex(kConnA3Hex);
  Bytes c2 = Hex(kConnC2Hex);
  stream.insert(stream.end(), c2.begin(), c2.end());
  std::vector<RtsPduKind> kinds;
  ByteView rest(stream);
  while (!rest.empty()) {
    auto length = PeekPduLength(rest);
    ASSERT_TRUE(length);
    ASSERT_TRUE(length->has_value());
    ASSERT_LE(**length, rest.size());
    auto pdu = DecodeRpcPdu(rest.first(**length));
    ASSERT_TRUE(pdu);
    kinds.push_back(pdu->rts_kind);
    rest = rest.subspan(**length);
  }
  EXPECT_EQ(kinds, (std::vector<RtsPduKind>{RtsPduKind::kConnA3, RtsPduKind::kConnC2}));
  EXPECT_FALSE(PeekPduLength(ByteView(stream).first(15)).value().has_value());
  EXPECT_FALSE(PeekPduLength(AsBytes("HTTP/1.0 503 RPC Error: 6ba\r\n")));
}

TEST(RtsPduTest, NamesAndRandomCookies) {
  EXPECT_EQ(RtsFlagsName(kRtsFlagNone), "NONE");
  EXPECT_EQ(RtsFlagsName(0x0101), "PING|0x0100");
  EXPECT_EQ(RtsCommandName(RtsCommandType::kAnce), "ANCE");
  EXPECT_EQ(RpcPacketTypeName(20), "rts");
  EXPECT_EQ(RpcPacketTypeName(99), "ptype_99");
  EXPECT_EQ(RpcStatusName(0x6ba), "RPC_S_SERVER_UNAVAILABLE");
  EXPECT_TRUE(RpcStatusName(0x12345678).empty());
  EXPECT_NE(RandomRtsCookie(), RandomRtsCookie());
}

}  // namespace
}  // namespace probe::exchange
