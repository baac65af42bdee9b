// The one catalogue of what exprobe can find: id, severity, cause, remediation, references.
// Text reports, JSON reports and `exprobe findings` all read it, so they cannot disagree.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/finding.h"

namespace probe::diagnosis {

/// One kind of finding. Checks name it by id and add the endpoint's specifics.
struct CatalogueEntry {
  std::string_view id;
  Severity severity;
  std::string_view title;  // short, for lists
  std::string_view cause;
  std::string_view remediation;
  std::vector<std::string_view> references;
};

/// Every entry, in catalogue order.
std::span<const CatalogueEntry> Catalogue();

/// The entry for `id`; a programming error (assert) if the id is not catalogued.
const CatalogueEntry& Lookup(std::string_view id);

/// Builds a Finding from the catalogue entry `id` plus this endpoint's summary and evidence.
Finding MakeFinding(std::string_view id, std::string summary,
                    std::vector<std::string> evidence = {});

}  // namespace probe::diagnosis
