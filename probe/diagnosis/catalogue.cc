#include "probe/diagnosis/catalogue.h"

#include <cassert>
#include <cstdlib>

#include "probe/diagnosis/entries.h"

namespace probe::diagnosis {
namespace {

// Each domain keeps its entries in its own file (entries_*.cc); this is the one list of them.
const std::vector<CatalogueEntry>& Entries() {
  static const std::vector<CatalogueEntry> kAll = [] {
    std::vector<CatalogueEntry> all;
    for (const auto* part : {&NetTlsEntries(), &CertEntries(), &ClientEntries(), &AuthEntries(),
                             &LogsEntries(), &ExchangeEntries()})
      all.insert(all.end(), part->begin(), part->end());
    return all;
  }();
  return kAll;
}

}  // namespace

std::span<const CatalogueEntry> Catalogue() { return Entries(); }

const CatalogueEntry& Lookup(std::string_view id) {
  for (const auto& entry : Entries()) {
    if (entry.id == id) return entry;
  }
  assert(false && "finding id missing from the catalogue");
  std::abort();
}

Finding MakeFinding(std::string_view id, std::string summary, std::vector<std::string> evidence) {
  const CatalogueEntry& entry = Lookup(id);
  Finding f;
  f.id = std::string(entry.id);
  f.severity = entry.severity;
  f.summary = std::move(summary);
  f.evidence = std::move(evidence);
  f.cause = std::string(entry.cause);
  f.remediation = std::string(entry.remediation);
  for (auto ref : entry.references) f.references.emplace_back(ref);
  return f;
}

}  // namespace probe::diagnosis
