// The generated manual pages and bash completion (`dunghan help --man 1|5`, `--completion bash`):
// complete (no undocumented command or option), valid roff (groff's own warnings), and a
// completion script that really completes in bash.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/cli.h"
#include "support/temp_dir.h"

namespace dunghan {
namespace {

using testing::dunghan;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ProcessResult;
using testing::TempDir;

/// groff's warnings (all of them, -ww) about a page; empty when it is clean.
std::string groff_warnings(const std::string& page) {
  TempDir dir;
  const auto file = dir.write("page.man", page);
  const ProcessResult r = testing::run_process(
      "/usr/bin/groff", {"-man", "-Tutf8", "-ww", "-z", "-k", file.string()}, {"LC_ALL=C.UTF-8"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.err;
}

TEST(Manual, SectionOneDocumentsEveryCommandAndOption) {
  const ProcessResult r = dunghan({"help", "--man", "1"});
  // Exit 1 and "undocumented: …" on stderr when a command, an option or an example lacks
  // documentation: the build's man-page step fails the same way.
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr(".TH DUNGHAN 1"));
  for (const char* part : {".SH SYNOPSIS", ".SH COMMANDS", ".SH EXIT STATUS", ".SH ENVIRONMENT",
                           ".SH FILES", ".SH EXAMPLES", "DUNGHAN_CONFIG"}) {
    EXPECT_THAT(r.out, HasSubstr(part));
  }
  // A few commands and options at every depth.
  for (const char* part :
       {".SS \"check\\-config\"", ".SS \"alerts explain\"", ".SS \"outbox retry\"",
        "\\fB\\-\\-log\\-level\\fR", "\\fB\\-\\-start\\-clock\\-at\\fR"}) {
    EXPECT_THAT(r.out, HasSubstr(part));
  }
  // Hidden options stay hidden.
  EXPECT_THAT(r.out, Not(HasSubstr("test\\-stall")));
  EXPECT_THAT(r.out, Not(HasSubstr("\\-\\-completion")));
  EXPECT_EQ(groff_warnings(r.out), "");
}

TEST(Manual, SectionFiveDocumentsTheConfigurationKeys) {
  const ProcessResult r = dunghan({"help", "--man", "5"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(".TH DUNGHAN.TOML 5"));
  for (const char* part : {".SS \"[service]\"", ".SS \"[[calendar.season]]\"",
                           ".SS \"[channel.NAME]\"", "\\fBpoll_interval\\fR",
                           "\\fBpassword\\fR, \\fBpassword_file\\fR", "With \\fBtype = \"zalo\"",
                           ".SH EXAMPLE", ".SH HOLIDAY SCHEDULE FILES", "makeup_workday"}) {
    EXPECT_THAT(r.out, HasSubstr(part));
  }
  EXPECT_EQ(groff_warnings(r.out), "");
}

TEST(Manual, PlainHelpStillListsCommandsAndExitCodes) {
  const ProcessResult r = dunghan({"help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("Exit codes:\n  0  success\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("--man")));
}

/// What bash completes for the words of `line` (the last one being completed).
std::string complete(const std::string& script, const std::string& line) {
  const std::string program = "source " + script +
                              "\n"
                              "read -ra COMP_WORDS <<<\"$LINE\"\n"
                              "[[ $LINE == *' ' ]] && COMP_WORDS+=('')\n"
                              "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                              "_dunghan\n"
                              "echo \"${COMPREPLY[*]}\"\n";
  const ProcessResult r =
      testing::run_process("/bin/bash", {"--norc", "-c", program}, {"LINE=" + line});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(Manual, BashCompletionCompletesCommandsOptionsAndValues) {
  const ProcessResult r = dunghan({"help", "--completion", "bash"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  TempDir dir;
  const std::string script = dir.write("dunghan.bash", r.out).string();
  EXPECT_EQ(complete(script, "dunghan al"), "alerts\n");
  EXPECT_EQ(complete(script, "dunghan alerts "), "preview explain routes test\n");
  EXPECT_EQ(complete(script, "dunghan outbox retry --d"), "--dead\n");
  EXPECT_EQ(complete(script, "dunghan --log-level "), "trace debug info warn error off\n");
  EXPECT_EQ(complete(script, "dunghan --config x.toml status --format j"), "json\n");
  // A file option completes file names.
  dir.write("dossiers-2026.csv", "");
  EXPECT_EQ(complete(script, "dunghan import --dossiers " + dir.path().string() + "/doss"),
            dir.path().string() + "/dossiers-2026.csv\n");
}

}  // namespace
}  // namespace dunghan
