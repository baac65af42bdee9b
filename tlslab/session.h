// Session: one accepted connection of a listener, from TLS handshake to close, in the shape of
// Beast's async-ssl server written as a coroutine. Internal to tlslab_core.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "tlslab/exchange_endpoints.h"
#include "tlslab/http_auth.h"
#include "tlslab/http_handler.h"
#include "tlslab/lab_server.h"
#include "tlslab/proxy_log_writer.h"

namespace tlslab {

/// What every connection of one listener shares: its TLS context, names, deadlines, log and,
/// when the listener authenticates, its accounts and NTLM identity.
struct ListenerContext {
  ListenerContext(boost::asio::ssl::context context, ListenerIdentity who, SessionTimeouts limits,
                  LogSink sink, std::shared_ptr<ListenerAuth> listener_auth)
      : tls(std::move(context)),
        identity(std::move(who)),
        timeouts(limits),
        log(std::move(sink)),
        auth(std::move(listener_auth)) {}

  boost::asio::ssl::context tls;
  ListenerIdentity identity;
  SessionTimeouts timeouts;
  LogSink log;
  std::shared_ptr<ListenerAuth> auth;  // null: no authentication
  /// Set on listeners with auth or exchange: the Exchange endpoints (answers only with
  /// exchange) and the mailbox each account's requests go to, for the request log.
  std::shared_ptr<const ExchangeEndpoints> exchange;
  std::shared_ptr<ProxyLogWriter> proxy_log;  // null: no request log for this listener
  bool plain = false;                         // HTTP without TLS (the `tls` context is unused)
  std::string redirect_to;                    // plain: where every GET is sent
};

/// Serves one connection until the peer leaves, a deadline passes or an error occurs. Runs on
/// the socket's executor (a strand per connection); errors end the session and are logged. The
/// session owns the connection's authentication state (ConnectionAuth), as NTLM requires.
boost::asio::awaitable<void> RunSession(boost::asio::ip::tcp::socket socket,
                                        std::shared_ptr<ListenerContext> listener);
/// The same for a plain listener: HTTP without TLS, every GET answered with a 302.
boost::asio::awaitable<void> RunPlainSession(boost::asio::ip::tcp::socket socket,
                                             std::shared_ptr<ListenerContext> listener);

}  // namespace tlslab
