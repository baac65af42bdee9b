// The pool: at most `jobs` checks at once, never more than the per-host cap of connections in
// flight to one host, an exception from a check is an UNKNOWN result, and the run's deadline
// turns checks it left no time for into UNKNOWN results. Fake modules record what the pool did.
#include "probe/runner/runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace probe::runner {
namespace {

using namespace std::chrono_literals;

struct Tally {
  std::mutex mutex;
  int running = 0, max_running = 0;
  std::map<std::string, int> per_host, max_per_host;
};

class FakeModule : public Module {
 public:
  FakeModule(Tally& tally, int width, std::chrono::milliseconds work, bool throws = false)
      : tally_(tally), width_(width), work_(work), throws_(throws) {}
  int connections() const override { return width_; }
  Result<void> ValidateTarget(const ModuleTarget&) const override { return {}; }
  CheckOutcome Run(const ModuleTarget& t, std::chrono::milliseconds) const override {
    std::string host = TargetHost(t.target);
    {
      std::lock_guard lock(tally_.mutex);
      tally_.max_running = std::max(tally_.max_running, ++tally_.running);
      tally_.per_host[host] += width_;
      tally_.max_per_host[host] = std::max(tally_.max_per_host[host], tally_.per_host[host]);
    }
    std::this_thread::sleep_for(work_);
    {
      std::lock_guard lock(tally_.mutex);
      --tally_.running;
      tally_.per_host[host] -= width_;
    }
    if (throws_) throw std::runtime_error("boom");
    return CheckOutcome{};
  }

 private:
  Tally& tally_;
  int width_;
  std::chrono::milliseconds work_;
  bool throws_;
};

const ModuleKind kFakeKind{"fake", "a test module", {}, {}, nullptr};

class Collect : public ResultSink {
 public:
  void Add(RunResult r) override { results.push_back(std::move(r)); }
  std::vector<RunResult> results;
};

Plan MakePlan(std::shared_ptr<const Module> module, std::vector<std::string> targets) {
  Plan plan;
  plan.modules.push_back(PlanModule{"m", &kFakeKind, 10s, std::nullopt, std::move(module)});
  for (auto& t : targets) plan.targets.push_back(PlanTarget{t, {t, "", {}}, {"m"}, 0});
  return plan;
}

TEST(RunnerTest, BoundsChecksInFlightAndConnectionsPerHost) {
  Tally tally;
  std::vector<std::string> targets;
  for (int i = 0; i < 12; ++i) targets.push_back("a.test:" + std::to_string(1000 + i));
  for (int i = 0; i < 12; ++i) targets.push_back("host" + std::to_string(i) + ".test");
  Plan plan = MakePlan(std::make_shared<FakeModule>(tally, 2, 20ms), targets);
  Collect sink;
  auto counts =
      RunJobs(PlanJobs(plan), {.jobs = 5, .per_host_connections = 4, .timeout = 30s}, sink);
  EXPECT_EQ(counts.done, 24u);
  EXPECT_EQ(counts.by_code[0], 24u);
  ASSERT_EQ(sink.results.size(), 24u);
  EXPECT_LE(tally.max_running, 5);
  EXPECT_GE(tally.max_running, 2);             // it does run things at once
  EXPECT_EQ(tally.max_per_host["a.test"], 4);  // 2 checks x 2 connections, never 3
}

TEST(RunnerTest, AModuleWiderThanTheCapStillRunsAlone) {
  Tally tally;
  Plan plan = MakePlan(std::make_shared<FakeModule>(tally, 6, 5ms), {"a.test:1", "a.test:2"});
  Collect sink;
  RunJobs(PlanJobs(plan), {.jobs = 4, .per_host_connections = 2, .timeout = 30s}, sink);
  EXPECT_EQ(sink.results.size(), 2u);
  EXPECT_EQ(tally.max_per_host["a.test"], 6);
}

TEST(RunnerTest, AnExceptionInACheckIsAnUnknownResultNotACrash) {
  Tally tally;
  Plan plan = MakePlan(std::make_shared<FakeModule>(tally, 1, 1ms, true), {"a.test", "b.test"});
  Collect sink;
  auto counts = RunJobs(PlanJobs(plan), {}, sink);
  EXPECT_EQ(counts.by_code[3], 2u);
  EXPECT_EQ(counts.worst(), ExitCode::kUnknown);
  ASSERT_EQ(sink.results.size(), 2u);
  ASSERT_TRUE(sink.results[0].outcome.error.has_value());
  EXPECT_EQ(sink.results[0].outcome.error->message, "internal error in the fake check: boom");
}

TEST(RunnerTest, TheRunDeadlineTurnsUnstartedChecksUnknown) {
  Tally tally;
  Plan plan = MakePlan(std::make_shared<FakeModule>(tally, 1, 300ms), {"a", "b", "c", "d"});
  Collect sink;
  auto started = std::chrono::steady_clock::now();
  auto counts =
      RunJobs(PlanJobs(plan), {.jobs = 1, .per_host_connections = 6, .timeout = 100ms}, sink);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_EQ(counts.done, 4u);
  EXPECT_EQ(counts.by_code[0], 1u);
  EXPECT_EQ(counts.by_code[3], 3u);
}

}  // namespace
}  // namespace probe::runner
