#include "probe/tls/version.h"

#include <gtest/gtest.h>

#include "probe/tls/alert.h"

namespace probe::tls {
namespace {

TEST(VersionTest, NamesAndWireValuesRoundTrip) {
  for (TlsVersion v : {TlsVersion::kSsl2, TlsVersion::kSsl3, TlsVersion::kTls10, TlsVersion::kTls11,
                       TlsVersion::kTls12, TlsVersion::kTls13}) {
    EXPECT_EQ(ParseVersion(VersionName(v)), v);
    EXPECT_EQ(FromWire(WireVersion(v)), v);
  }
  EXPECT_EQ(VersionName(TlsVersion::kTls12), "tls1.2");
  EXPECT_EQ(WireVersion(TlsVersion::kTls13), 0x0304);
  EXPECT_FALSE(ParseVersion("tls1.4").has_value());
  EXPECT_FALSE(FromWire(0x0305).has_value());
}

TEST(AlertTest, NamesFollowTheRfcCodesNotTheirHexLookalikes) {
  EXPECT_EQ(AlertName(40), "handshake_failure");  // 0x28, not "0x40"
  EXPECT_EQ(AlertName(70), "protocol_version");
  EXPECT_EQ(AlertName(112), "unrecognized_name");
  EXPECT_EQ(AlertName(255), "alert_255");
}

}  // namespace
}  // namespace probe::tls
