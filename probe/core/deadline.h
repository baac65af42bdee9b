// Deadline: a point on the monotonic clock that bounds a whole operation (not a single read).
#pragma once

#include <algorithm>
#include <chrono>

namespace probe {

using Clock = std::chrono::steady_clock;

/// A total deadline. Every network step takes the time it has left from the same Deadline, so a
/// slow drip of bytes cannot stretch an operation past it.
class Deadline {
 public:
  static Deadline After(std::chrono::milliseconds budget) {
    return Deadline(Clock::now() + budget);
  }
  explicit Deadline(Clock::time_point at) : at_(at) {}

  Clock::time_point at() const { return at_; }
  bool Expired() const { return Clock::now() >= at_; }
  /// Milliseconds left, never negative; rounded up so a poll() never spins on 0 too early.
  int RemainingMs() const {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(at_ - Clock::now()).count();
    if (left <= 0) return 0;
    return static_cast<int>(std::min<long long>((left + 999) / 1000, 24LL * 3600 * 1000));
  }
  /// The earlier of this deadline and `budget` from now: a step budget inside the total one.
  Deadline Capped(std::chrono::milliseconds budget) const {
    return Deadline(std::min(at_, Clock::now() + budget));
  }

 private:
  Clock::time_point at_;
};

}  // namespace probe
