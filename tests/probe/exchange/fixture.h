// Test helper: the text of a file under fixtures/ (fixtures/autodiscover, fixtures/ews).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace probe::exchange::testing {

inline std::string Fixture(const std::string& path) {
  std::ifstream in(std::string(EXPROBE_SOURCE_DIR) + "/fixtures/" + path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace probe::exchange::testing
