#pragma once
// Runs a program as a child process and captures its exit code, stdout and stderr (POSIX).

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/temp_dir.h"

namespace dunghan::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `program` with `args` and extra `env` entries ("NAME=value"; "NAME=" unsets NAME).
inline ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                                 const std::vector<std::string>& env = {}) {
  char out_tpl[] = "/tmp/dunghan-out-XXXXXX";
  char err_tpl[] = "/tmp/dunghan-err-XXXXXX";
  const int out_fd = mkstemp(out_tpl);
  const int err_fd = mkstemp(err_tpl);
  ProcessResult result;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    for (const std::string& e : env) {
      const auto eq = e.find('=');
      const std::string name = e.substr(0, eq);
      const std::string value = e.substr(eq + 1);
      if (value.empty()) {
        unsetenv(name.c_str());
      } else {
        setenv(name.c_str(), value.c_str(), 1);
      }
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ::close(out_fd);
  ::close(err_fd);
  result.out = read_file(out_tpl);
  result.err = read_file(err_tpl);
  std::filesystem::remove(out_tpl);
  std::filesystem::remove(err_tpl);
  return result;
}

}  // namespace dunghan::testing
