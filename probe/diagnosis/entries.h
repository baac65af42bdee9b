// The catalogue's parts, one per domain; catalogue.cc joins them in this order.
#pragma once

#include <vector>

#include "probe/diagnosis/catalogue.h"

namespace probe::diagnosis {

const std::vector<CatalogueEntry>& NetTlsEntries();  // net.*, tls.protocol.*, tls.handshake.*
const std::vector<CatalogueEntry>& CertEntries();    // cert.*
const std::vector<CatalogueEntry>& ClientEntries();  // client.*
const std::vector<CatalogueEntry>& AuthEntries();    // auth.*
const std::vector<CatalogueEntry>& LogsEntries();    // logs.*, auth.backend_invalid_token

// exchange.*, cert.namespace_*, auth.bearer_offered
const std::vector<CatalogueEntry>& ExchangeEntries();

}  // namespace probe::diagnosis
