// WorkPool: a fixed number of threads draining a bounded queue. A full queue refuses work (the
// exporter answers 503) instead of growing: scrapes cannot pile up without limit.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace probe::serve {

class WorkPool {
 public:
  WorkPool(int threads, std::size_t queue_limit);
  ~WorkPool();  // Stop()
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  /// Queues `task`; false when the queue is full or the pool is stopping.
  bool Submit(std::function<void()> task);
  /// Tasks queued or running.
  std::size_t busy() const;
  /// Runs what is queued, then joins the threads.
  void Stop();

 private:
  void Work();

  std::size_t queue_limit_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace probe::serve
