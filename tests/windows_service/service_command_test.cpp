// `dunghan service …` on Linux: the commands exist (the foundation lists `service`) but only
// explain that systemd runs the daemon here.
#include <gtest/gtest.h>

#include <string>

#include "support/run_process.h"

#ifdef DUNGHAN_BINARY
namespace dunghan {
namespace {

#ifndef _WIN32
TEST(ServiceCommand, EverySubcommandExitsOneAndPointsToSystemd) {
  for (const char* sub : {"install", "uninstall", "start", "stop", "status"}) {
    const testing::ProcessResult r = testing::run_process(DUNGHAN_BINARY, {"service", sub});
    EXPECT_EQ(r.exit_code, 1) << sub;
    EXPECT_NE(r.err.find("only on Windows"), std::string::npos) << sub << ": " << r.err;
    EXPECT_NE(r.err.find("systemctl"), std::string::npos) << sub << ": " << r.err;
  }
}

TEST(ServiceCommand, InstallAcceptsConfigOnLinuxToo) {
  const testing::ProcessResult r =
      testing::run_process(DUNGHAN_BINARY, {"service", "install", "--config", "/nonexistent.toml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("only on Windows"), std::string::npos) << r.err;
}
#endif

TEST(ServiceCommand, ServiceWithoutSubcommandIsAUsageError) {
  const testing::ProcessResult r = testing::run_process(DUNGHAN_BINARY, {"service"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("subcommand"), std::string::npos) << r.err;
}

TEST(ServiceCommand, HelpListsTheServiceCommands) {
  const testing::ProcessResult r = testing::run_process(DUNGHAN_BINARY, {"help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("service install"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace dunghan
#endif
