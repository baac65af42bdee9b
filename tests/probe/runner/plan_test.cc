// Plan parsing: every problem names the file, the line and the field; credentials only by
// reference.
#include "probe/runner/plan.h"

#include <gtest/gtest.h>

namespace probe::runner {
namespace {

std::string ErrorOf(const std::string& yaml) {
  auto plan = ParsePlan(yaml, "plan.yaml", "");
  EXPECT_FALSE(plan.has_value());
  return plan ? "" : plan.error().message;
}

TEST(PlanTest, ParsesModulesTargetsAndRunSettings) {
  auto plan = ParsePlan(
      "run: {jobs: 3, per_host_connections: 2, timeout: 5m}\n"
      "modules:\n"
      "  quick: {check: tls, timeout: 2500ms, tls: {enumerate: false, warn_days: 20}}\n"
      "  full: {check: tls, schedule: 1h}\n"
      "  chain: {check: cert, cert: {msstd: none, revocation: false}}\n"
      "targets:\n"
      "  - target: mail.contoso.test\n"
      "    name: front\n"
      "    sni: mail.contoso.test\n"
      "    connect_to: ['mail.contoso.test:443:127.0.0.1:4433']\n"
      "    modules: [quick, chain]\n"
      "  - {target: 'legacy.contoso.test:8443', modules: full}\n",
      "plan.yaml", "");
  ASSERT_TRUE(plan.has_value()) << plan.error().message;
  EXPECT_EQ(plan->jobs, 3);
  EXPECT_EQ(plan->per_host_connections, 2);
  EXPECT_EQ(plan->timeout, std::chrono::minutes(5));
  ASSERT_EQ(plan->modules.size(), 3u);
  EXPECT_EQ(plan->FindModule("quick")->timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(plan->FindModule("quick")->module->connections(), 4);  // no enumeration
  EXPECT_EQ(plan->FindModule("full")->module->connections(), 6);
  EXPECT_EQ(*plan->FindModule("full")->schedule, std::chrono::hours(1));
  ASSERT_EQ(plan->targets.size(), 2u);
  EXPECT_EQ(plan->targets[0].name, "front");
  ASSERT_EQ(plan->targets[0].target.net.connect_to.size(), 1u);
  EXPECT_EQ(plan->targets[0].target.net.connect_to[0].to_port, 4433);
  EXPECT_EQ(plan->targets[1].name, "legacy.contoso.test:8443");
  EXPECT_EQ(plan->targets[1].modules, std::vector<std::string>{"full"});
  EXPECT_TRUE(plan->Lists("full", "legacy.contoso.test:8443"));
  EXPECT_FALSE(plan->Lists("quick", "legacy.contoso.test:8443"));
}

TEST(PlanTest, ErrorsNameFileLineAndField) {
  EXPECT_EQ(ErrorOf("modules:\n  a: {check: tls}\ntargets:\n  - {target: x, modules: [b]}\n"),
            "plan.yaml:4: target 'x': module 'b' is not defined under 'modules'");
  EXPECT_EQ(ErrorOf("modules:\n  a: {check: tsl}\ntargets: [{target: x, modules: [a]}]\n"),
            "plan.yaml:2: module 'a': check 'tsl' is not one of: tls, cert, auth");
  EXPECT_EQ(ErrorOf("modules:\n  a:\n    check: tls\n    tls: {enumerat: false}\n"
                    "targets: [{target: x, modules: [a]}]\n"),
            "plan.yaml:4: module 'a': tls: unknown key 'enumerat' (expected enumerate, ca_file, "
            "names, warn_days, crit_days, clients)");
  EXPECT_EQ(
      ErrorOf("modules:\n  a: {check: tls, timeout: soon}\ntargets: [{target: x, modules: [a]}]\n"),
      "plan.yaml:2: module 'a': 'timeout' must be a duration above 0 and at most 86400 s "
      "(10s, 500ms, 5m, 1h or seconds)");
  EXPECT_EQ(
      ErrorOf("run: {jobs: 0}\nmodules: {a: {check: tls}}\ntargets: [{target: x, modules: [a]}]\n"),
      "plan.yaml:1: run: 'jobs' must be a whole number from 1 to 1024");
  EXPECT_EQ(
      ErrorOf("modules:\n  a: {check: tls}\ntargets:\n  - {target: 'x:99999', modules: [a]}\n"),
      "plan.yaml:4: target 'x:99999': module 'a': 'x:99999': port '99999' is not a number from 1 "
      "to "
      "65535");
  EXPECT_EQ(ErrorOf("modules: {a: {check: tls}}\n"),
            "plan.yaml:1: plan: 'targets' must be a list of {target, modules}");
  EXPECT_EQ(ErrorOf("modules: [\n"), "plan.yaml:2: end of sequence flow not found");
}

TEST(PlanTest, PasswordsAreNeverInline) {
  std::string message = ErrorOf(
      "modules:\n"
      "  owa:\n"
      "    check: auth\n"
      "    auth: {user: 'CONTOSO\\probe', password: hunter2}\n"
      "targets: [{target: 'https://mail.contoso.test/owa/', modules: [owa]}]\n");
  EXPECT_NE(message.find("plan.yaml:4: module 'owa': auth: a password is never written"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("hunter2"), std::string::npos);
  EXPECT_NE(ErrorOf("modules:\n  owa: {check: auth, auth: {user: u, password_env: A, "
                    "password_file: f}}\ntargets: [{target: 'https://h/', modules: [owa]}]\n")
                .find("give exactly one of password_env and password_file"),
            std::string::npos);
  EXPECT_NE(ErrorOf("modules:\n  owa: {check: auth, auth: {user: u, password_env: A}}\n"
                    "targets: [{target: 'http://h/', modules: [owa]}]\n")
                .find("https:// URL"),
            std::string::npos);
}

TEST(PlanTest, AuthModulesUseCredentialsAndServeNeedsNoTargets) {
  auto plan = ParsePlan("modules:\n  owa: {check: auth, auth: {user: u, password_env: A}}\n",
                        "serve.yaml", "", /*require_targets=*/false);
  ASSERT_TRUE(plan.has_value()) << plan.error().message;
  EXPECT_TRUE(plan->FindModule("owa")->module->uses_credentials());
}

TEST(PlanTest, DurationsAndTargetHosts) {
  EXPECT_EQ(ParseDuration("1.5s"), std::chrono::milliseconds(1500));
  EXPECT_EQ(ParseDuration("2m"), std::chrono::milliseconds(120000));
  EXPECT_EQ(ParseDuration("30"), std::chrono::milliseconds(30000));
  EXPECT_FALSE(ParseDuration("5 s"));
  EXPECT_FALSE(ParseDuration("-1s"));
  EXPECT_EQ(TargetHost("mail.contoso.test:443"), "mail.contoso.test");
  EXPECT_EQ(TargetHost("https://user@mail.contoso.test:8443/owa/?x"), "mail.contoso.test");
  EXPECT_EQ(TargetHost("[::1]:443"), "::1");
}

}  // namespace
}  // namespace probe::runner
