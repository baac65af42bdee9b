// `exprobe run --format junit`: JUnit XML with one <testcase> per target x check. CRITICAL is a
// <failure> carrying the finding summaries, UNKNOWN (could not run) an <error>; OK and WARNING
// pass, warnings listed in <system-out>.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "probe/report/run_writer.h"

namespace probe::report {

/// Text fit for XML 1.0 character data and attribute values: & < > " ' escaped, characters
/// XML 1.0 does not allow (most C0 controls) replaced by '?'.
std::string XmlEscape(std::string_view text);

std::unique_ptr<RunWriter> MakeJunitWriter(std::FILE* out);

}  // namespace probe::report
