#pragma once
// The dunghan binary under test (the target's DUNGHAN_BINARY, set in tests/CMakeLists.txt), run
// as a child process the way an admin runs it, and the small configurations the CLI tests share.

#include <string>
#include <vector>

#include "support/run_process.h"
#include "support/temp_dir.h"

#ifndef DUNGHAN_BINARY
#error "support/cli.h needs DUNGHAN_BINARY: target_compile_definitions in tests/CMakeLists.txt"
#endif

namespace dunghan::testing {

/// Runs `dunghan ARGS...` and waits for it. DUNGHAN_CONFIG is unset first, so that a developer's
/// own configuration never reaches a test; `env` adds entries after that ("NAME=value"; "NAME="
/// unsets NAME).
inline ProcessResult dunghan(const std::vector<std::string>& args,
                             std::vector<std::string> env = {}) {
  env.insert(env.begin(), "DUNGHAN_CONFIG=");
  return run_process(DUNGHAN_BINARY, args, env);
}

/// Writes `dir`/dunghan.toml: the state in `dir`/state, then `extra` (TOML text, may be empty),
/// then one catalogued procedure, 1.009645 (15 working days, cut-off 15:00). Returns its path.
inline std::string write_catalogued_config(const TempDir& dir, const std::string& extra = "") {
  return dir
      .write("dunghan.toml",
             "[service]\nstate_dir = \"state\"\n" + extra +
                 "[[procedure]]\ncode = \"1.009645\"\nname = \"Cấp GCN đăng ký đầu tư\"\n"
                 "field = \"Đầu tư\"\nduration = \"15 working days\"\ncutoff = \"15:00\"\n")
      .string();
}

}  // namespace dunghan::testing
