#pragma once
// Starts one of the Python fakes under tests/channels/fakes as a child process, waits for the
// port it writes, and kills it when destroyed. Also: certificates made with the openssl CLI, and
// small helpers to run a Python script and capture its output.

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/run_process.h"

extern char** environ;

namespace dunghan::testing {

inline const std::string kPython = "/usr/bin/python3";

inline std::string fake_script(const std::string& name) {
  return std::string(DUNGHAN_SOURCE_DIR) + "/tests/channels/fakes/" + name;
}

class FakeServer {
 public:
  /// Runs `/usr/bin/python3 fakes/<script> --port-file <dir>/<script>.port args...`.
  FakeServer(const std::string& script, const std::filesystem::path& dir,
             std::vector<std::string> args) {
    const std::filesystem::path port_file = dir / (script + ".port");
    std::vector<std::string> argv_s = {kPython, fake_script(script), "--port-file",
                                       port_file.string()};
    for (auto& a : args) argv_s.push_back(std::move(a));
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, kPython.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("cannot start " + script);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::error_code ec;
      if (std::filesystem::exists(port_file, ec)) {
        port_ = std::stoi(read_file(port_file));
        return;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error(script + " exited before listening");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error(script + " did not write its port within 20 s");
  }
  ~FakeServer() { stop(); }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  int port() const { return port_; }

 private:
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }
  pid_t pid_ = -1;
  int port_ = 0;
};

/// Makes <dir>/<prefix>ca.pem, server.pem, server.key (throws on failure).
inline void make_certs(const std::filesystem::path& dir, const std::string& prefix = "") {
  const ProcessResult r =
      run_process(kPython, {fake_script("make_certs.py"), dir.string(), prefix});
  if (r.exit_code != 0) throw std::runtime_error("make_certs.py failed: " + r.err);
}

}  // namespace dunghan::testing
