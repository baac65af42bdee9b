// The scenario's Exchange sections: organization, mailboxes, redirects, a listener's `exchange`
// mapping and plain listeners, with every mistake reported at its file:line.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tlslab/scenario.h"

namespace tlslab {
namespace {

std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// A valid scenario with every Exchange key; tests replace one line to break one thing.
std::vector<std::string> Valid() {
  return {
      "name: ex",                                                                   // 1
      "users:",                                                                     // 2
      "  - {account: CONTOSO\\alice, password: p}",                                 // 3
      "  - {account: CONTOSO\\bob, password: q}",                                   // 4
      "organization: {domain: Fabrikam.Test}",                                      // 5
      "mailboxes:",                                                                 // 6
      "  - address: alice@fabrikam.test",                                           // 7
      "    account: contoso\\ALICE",                                                // 8
      "    version: \"2016\"",                                                      // 9
      "    server: ex2016mbx",                                                      // 10
      "  - address: bob@fabrikam.test",                                             // 11
      "    account: CONTOSO\\bob",                                                  // 12
      "    display_name: Bob B.",                                                   // 13
      "    version: \"2010\"",                                                      // 14
      "    server: EX2010MBX",                                                      // 15
      "    moved_to: EX2016MBX",                                                    // 16
      "    moved_version: \"2016\"",                                                // 17
      "redirects:",                                                                 // 18
      "  - {address: carol@fabrikam.test, redirect_addr: alice@fabrikam.test}",     // 19
      "certificates: [{name: web, san: [mail.fabrikam.test]}]",                     // 20
      "listeners:",                                                                 // 21
      "  - name: fe",                                                               // 22
      "    certificate: web",                                                       // 23
      "    auth: {computer: EX2016FE, domain: CONTOSO}",                            // 24
      "    exchange:",                                                              // 25
      "      version: \"2016\"",                                                    // 26
      "      hostname: Mail.Fabrikam.Test",                                         // 27
      "      rpc_hostname: oa.fabrikam.test",                                       // 28
      "      cert_principal: \"msstd:*.fabrikam.test\"",                            // 29
      "      faults: [stale_autodiscover]",                                         // 30
      "  - name: redirect",                                                         // 31
      "    plain: true",                                                            // 32
      "    port: 8080",                                                             // 33
      "    redirect_to: https://mail.fabrikam.test/autodiscover/autodiscover.xml",  // 34
  };
}

std::string ErrorOf(const std::vector<std::string>& lines) {
  auto parsed = ParseScenario(Lines(lines), "ex.yaml");
  if (parsed) return "(parsed)";
  return parsed.error().message;
}

std::vector<std::string> With(std::size_t line, const std::string& text) {
  auto lines = Valid();
  lines.at(line - 1) = text;
  return lines;
}

TEST(ScenarioExchangeTest, ParsesMailboxesRedirectsAndListeners) {
  auto s = ParseScenario(Lines(Valid()), "ex.yaml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->organization.domain, "fabrikam.test");
  EXPECT_EQ(s->organization.Name(), "Fabrikam");
  ASSERT_EQ(s->mailboxes.size(), 2u);
  const MailboxSpec& alice = s->mailboxes[0];
  EXPECT_EQ(alice.version, ExchangeRelease::k2016);
  EXPECT_EQ(alice.server, "EX2016MBX");  // NetBIOS names are upper case
  EXPECT_EQ(alice.display_name, "alice");
  EXPECT_EQ(
      alice.legacy_dn,
      "/o=Fabrikam/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice");
  EXPECT_FALSE(alice.Moved());
  EXPECT_EQ(alice.line, 7);
  const MailboxSpec& bob = s->mailboxes[1];
  EXPECT_EQ(bob.display_name, "Bob B.");
  EXPECT_EQ(bob.version, ExchangeRelease::k2010);
  EXPECT_TRUE(bob.Moved());
  EXPECT_EQ(bob.CurrentServer(), "EX2016MBX");
  EXPECT_EQ(bob.CurrentVersion(), ExchangeRelease::k2016);
  EXPECT_EQ(s->FindMailbox("BOB@Fabrikam.test"), &bob);
  EXPECT_EQ(s->MailboxOf("CONTOSO\\ALICE"), &alice);
  EXPECT_EQ(s->FindMailboxByLegacyDn(alice.legacy_dn), &alice);
  ASSERT_NE(s->FindRedirect("carol@fabrikam.test"), nullptr);
  EXPECT_EQ(s->FindRedirect("carol@fabrikam.test")->redirect_addr, "alice@fabrikam.test");

  const ListenerSpec& fe = s->listeners[0];
  ASSERT_TRUE(fe.exchange);
  EXPECT_EQ(fe.exchange->version, ExchangeRelease::k2016);
  EXPECT_EQ(fe.exchange->hostname, "mail.fabrikam.test");
  EXPECT_EQ(fe.exchange->internal_hostname, "mail.fabrikam.test");  // default: hostname
  EXPECT_EQ(fe.exchange->rpc_hostname, "oa.fabrikam.test");
  EXPECT_EQ(fe.exchange->cert_principal, "msstd:*.fabrikam.test");
  EXPECT_TRUE(fe.exchange->Has(ExchangeFault::kStaleAutodiscover));
  EXPECT_EQ(fe.exchange->line, 25);
  EXPECT_FALSE(fe.plain);
  const ListenerSpec& plain = s->listeners[1];
  EXPECT_TRUE(plain.plain);
  EXPECT_EQ(plain.port, 8080);
  EXPECT_EQ(plain.certificate, "");
  EXPECT_EQ(plain.redirect_to, "https://mail.fabrikam.test/autodiscover/autodiscover.xml");
}

TEST(ScenarioExchangeTest, DefaultsWhenSectionsAreAbsent) {
  auto lines = Valid();
  lines.erase(lines.begin() + 4);  // organization
  auto s = ParseScenario(Lines(lines), "ex.yaml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->organization.domain, "contoso.test");
  EXPECT_EQ(s->mailboxes[0].legacy_dn.rfind("/o=Contoso/", 0), 0u);
  auto m = ParseScenario(Lines(With(17, "    legacy_dn: /o=X/cn=bob")), "ex.yaml");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->mailboxes[1].moved_version, ExchangeRelease::k2016);
  EXPECT_EQ(m->mailboxes[1].legacy_dn, "/o=X/cn=bob");
  EXPECT_EQ(ErrorOf(With(13, "    display_name: \"Bob\\tB\"")),
            "ex.yaml:13: mailbox 'bob@fabrikam.test': display_name 'Bob?B' must be at most 256 "
            "printable characters");
}

TEST(ScenarioExchangeTest, MailboxErrorsNameFileLineAndChoices) {
  EXPECT_EQ(ErrorOf(With(9, "    version: \"2013\"")),
            "ex.yaml:9: mailbox 'alice@fabrikam.test': unknown version '2013' (expected 2010, "
            "2016)");
  EXPECT_EQ(ErrorOf(With(8, "    account: CONTOSO\\carol")),
            "ex.yaml:8: mailbox 'alice@fabrikam.test': account 'CONTOSO\\carol' is not one of the "
            "top-level 'users'");
  EXPECT_EQ(ErrorOf(With(7, "  - address: alice")),
            "ex.yaml:7: mailbox 'alice': address 'alice' must be an SMTP address");
  EXPECT_EQ(ErrorOf(With(10, "    server: mbx.fabrikam.test")),
            "ex.yaml:10: mailbox 'alice@fabrikam.test': server 'mbx.fabrikam.test' must be a "
            "NetBIOS name: 1-15 letters, digits, '-' or '_'");
  EXPECT_EQ(ErrorOf(With(16, "    size: 5")),
            "ex.yaml:16: mailbox 'bob@fabrikam.test': unknown key 'size' (expected address, "
            "account, display_name, version, server, legacy_dn, moved_to, moved_version)");
  EXPECT_EQ(ErrorOf(With(16, "    legacy_dn: /o=X")),
            "ex.yaml:17: mailbox 'bob@fabrikam.test': moved_version needs moved_to");
  EXPECT_EQ(ErrorOf(With(11, "  - address: ALICE@fabrikam.test")),
            "ex.yaml:11: mailbox 'ALICE@fabrikam.test': defined twice (first on line 7)");
  auto no_server = Valid();
  no_server.erase(no_server.begin() + 9);
  EXPECT_EQ(ErrorOf(no_server), "ex.yaml:7: mailbox 'alice@fabrikam.test': missing 'server'");
  EXPECT_EQ(ErrorOf({"name: t", "mailboxes: {}", "certificates: [{name: c, cn: c.test}]",
                     "listeners: [{name: l, certificate: c}]"}),
            "ex.yaml:2: scenario: 'mailboxes' must be a list");
}

TEST(ScenarioExchangeTest, RedirectErrors) {
  EXPECT_EQ(
      ErrorOf(With(19, "  - {address: bob@fabrikam.test, redirect_addr: alice@fabrikam.test}")),
      "ex.yaml:19: redirect #1: address 'bob@fabrikam.test' is already a mailbox or a "
      "redirect");
  EXPECT_EQ(ErrorOf(With(19, "  - {address: carol@fabrikam.test}")),
            "ex.yaml:19: redirect #1: missing 'redirect_addr'");
  EXPECT_EQ(ErrorOf(With(19, "  - {address: carol@fabrikam.test, redirect_addr: x@}")),
            "ex.yaml:19: redirect #1: redirect_addr 'x@' must be an SMTP address");
}

TEST(ScenarioExchangeTest, ExchangeListenerErrors) {
  EXPECT_EQ(ErrorOf(With(30, "      faults: [stale]")),
            "ex.yaml:30: listener 'fe' exchange: unknown fault 'stale' (expected "
            "stale_autodiscover)");
  EXPECT_EQ(ErrorOf(With(27, "      hostname: mail_fabrikam")),
            "ex.yaml:27: listener 'fe' exchange: hostname 'mail_fabrikam' must be a DNS name");
  EXPECT_EQ(ErrorOf(With(27, "      host: mail.fabrikam.test")),
            "ex.yaml:27: listener 'fe' exchange: unknown key 'host' (expected version, hostname, "
            "internal_hostname, rpc_hostname, cert_principal, faults)");
  EXPECT_EQ(ErrorOf(With(26, "      version: \"2019\"")),
            "ex.yaml:26: listener 'fe' exchange: unknown version '2019' (expected 2010, 2016)");
  EXPECT_EQ(ErrorOf(With(24, "    tls: {versions: [tls1.2]}")),
            "ex.yaml:25: listener 'fe' exchange: needs 'auth' (Autodiscover and EWS "
            "authenticate)");
  auto no_host = Valid();
  no_host.erase(no_host.begin() + 26);
  EXPECT_EQ(ErrorOf(no_host), "ex.yaml:26: listener 'fe' exchange: missing 'hostname'");
}

TEST(ScenarioExchangeTest, PlainListenerErrors) {
  auto with_cert = Valid();
  with_cert.insert(with_cert.begin() + 32, "    certificate: web");
  EXPECT_EQ(ErrorOf(with_cert),
            "ex.yaml:33: listener 'redirect': a plain listener takes no "
            "'certificate'");
  EXPECT_EQ(ErrorOf(With(34, "    redirect_to: ftp://x")),
            "ex.yaml:34: listener 'redirect': redirect_to 'ftp://x' must be an http:// or "
            "https:// URL");
  EXPECT_EQ(ErrorOf(With(32, "    plain: yes")),
            "ex.yaml:32: listener 'redirect': plain must be true or false, not 'yes'");
  EXPECT_EQ(ErrorOf(With(32, "    plain: false")),
            "ex.yaml:34: listener 'redirect': redirect_to needs 'plain: true'");
  auto no_target = Valid();
  no_target.pop_back();
  EXPECT_EQ(ErrorOf(no_target), "ex.yaml:31: listener 'redirect': missing 'redirect_to'");
}

}  // namespace
}  // namespace tlslab
