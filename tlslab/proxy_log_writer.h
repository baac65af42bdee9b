// Writes the lab's request log where Exchange keeps its own: DIR/<Protocol>/HttpProxy_*.LOG,
// one file per protocol folder with the HttpProxy header, one line per request (proxy_log.h
// formats them). Thread-safe: every session of every listener writes through one writer.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "probe/core/result.h"
#include "tlslab/proxy_log.h"

namespace tlslab {

class ProxyLogWriter {
 public:
  /// Creates `dir` if needed. kIo when it cannot be created.
  static probe::Result<std::shared_ptr<ProxyLogWriter>> Open(std::string dir);

  /// Appends one record to DIR/<record.protocol>/HttpProxy_<YYYYMMDDHH>-1.LOG (the hour of the
  /// first record of the run), writing the header when the file is new; flushed at once so a
  /// reader sees every answered request. Returns false when the file cannot be written.
  bool Write(const ProxyLogRecord& record);

 private:
  explicit ProxyLogWriter(std::string dir) : dir_(std::move(dir)) {}

  std::string dir_;
  std::mutex mu_;
  std::map<std::string, std::ofstream> files_;  // by protocol
};

/// The HttpProxy protocol folder of a request path: Autodiscover, Ews, Mapi, RpcHttp, Oab, Ecp,
/// Eas, PowerShell, else Owa (the front end's default), case-insensitive as IIS.
std::string_view ProxyLogProtocol(std::string_view path);

}  // namespace tlslab
