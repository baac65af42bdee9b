// ChildProcess: starts a real peer server (tlslab, openssl s_server, dnsmasq, apache2) for a test,
// reads its output line by line with a deadline, and stops it by its PID.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace testsupport {

class ChildProcess {
 public:
  /// Starts argv[0] (searched in PATH) with stdout and stderr captured together. Returns nullopt
  /// (with the reason in *error) when it cannot be started.
  static std::optional<ChildProcess> Start(const std::vector<std::string>& argv,
                                           std::string* error);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();  // Stop()

  pid_t pid() const { return pid_; }
  /// The next output line, or nullopt at EOF or when `timeout` passes first.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);
  /// Reads lines until one contains `needle`; returns that line. Everything read is kept in
  /// output().
  std::optional<std::string> WaitFor(const std::string& needle, std::chrono::milliseconds timeout);
  const std::string& output() const { return output_; }
  /// Waits up to `timeout` for the child to exit by itself; its exit code (128+signal when
  /// killed), or nullopt if it is still running.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);
  /// SIGTERM, then SIGKILL after 2 s; reaps the child. Returns its wait status.
  int Stop();

 private:
  ChildProcess(pid_t pid, int out_fd) : pid_(pid), out_fd_(out_fd) {}
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  std::string output_;
};

/// Runs a command to completion with a timeout; returns exit code (or -1) and captured
/// stdout+stderr.
struct RunResult {
  int exit_code = -1;
  std::string output;
  bool timed_out = false;
};
RunResult RunCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

/// The first TCP port number found after "needle" in `line` (e.g. "ACCEPT 127.0.0.1:4433").
std::optional<int> PortAfterColon(const std::string& line);

/// True when `program` is found in PATH.
bool HaveProgram(const std::string& program);

}  // namespace testsupport
