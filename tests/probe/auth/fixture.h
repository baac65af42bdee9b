// Test helpers: the token fixtures of fixtures/ntlm and hex literals.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "probe/core/bytes.h"

namespace probe::auth::testing {

/// The text of fixtures/ntlm/<name>.hex.
inline std::string FixtureText(const std::string& name) {
  std::ifstream in(std::string(EXPROBE_SOURCE_DIR) + "/fixtures/ntlm/" + name + ".hex");
  EXPECT_TRUE(in.good()) << "missing fixture " << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The bytes of fixtures/ntlm/<name>.hex.
inline Bytes Fixture(const std::string& name) {
  auto bytes = FromHex(FixtureText(name));
  EXPECT_TRUE(bytes.has_value()) << name;
  return bytes.value_or(Bytes());
}

/// Bytes of a hex literal; spaces allowed.
inline Bytes Hex(std::string_view hex) { return FromHex(hex).value(); }

/// A fixed-size array from a hex literal.
template <std::size_t N>
std::array<std::uint8_t, N> HexArray(std::string_view hex) {
  Bytes bytes = Hex(hex);
  std::array<std::uint8_t, N> out{};
  EXPECT_EQ(bytes.size(), N);
  std::copy_n(bytes.begin(), std::min(N, bytes.size()), out.begin());
  return out;
}

}  // namespace probe::auth::testing
