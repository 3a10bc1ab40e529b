// `dunghan outbox list | retry | cancel` as a process, over a state.db prepared with the library.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "alerting/ledger.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace dunghan {
namespace {

using alerting::AlertId;
using alerting::AlertRow;
using alerting::AlertState;
using nlohmann::json;
using ::testing::HasSubstr;
using testing::ProcessResult;
using testing::TempDir;

const calendar::Instant kT0{std::chrono::seconds{1'740'000'000}};  // 2025-02-19T21:20:00Z

class OutboxCli : public ::testing::Test {
 protected:
  OutboxCli() {
    config_ = dir_.write("dunghan.toml",
                         "[service]\nstate_dir = \"state\"\n\n[calendar]\nutc_offset = "
                         "\"+07:00\"\n");
  }
  std::filesystem::path state_db() const { return dir_.path() / "state" / "state.db"; }
  alerting::Ledger& ledger() {
    if (!ledger_) {
      std::filesystem::create_directories(state_db().parent_path());
      ledger_ = alerting::open_sqlite_ledger(state_db());
    }
    return *ledger_;
  }
  std::string add(const std::string& code, const std::string& recipient = "nguyenvana",
                  alerting::Instant fire_at = kT0) {
    AlertRow r;
    r.id = AlertId{code, "nhac-truoc-han", 0, 0, recipient, "email"};
    r.stage = deadline::AlertStage::before_due;
    r.fire_at = fire_at;
    ledger().insert(r);
    return alerting::alert_key(r.id);
  }
  /// Claims the alert `key` (the first one due) and records `state` for it.
  void settle(const std::string& key, AlertState state, alerting::Instant at, std::string detail) {
    const std::vector<AlertRow> claimed =
        ledger().claim(ledger().get(key)->fire_at, 1, std::chrono::seconds{300});
    ASSERT_EQ(claimed.size(), 1U);
    ASSERT_EQ(claimed[0].key, key);
    alerting::RecordBatch b;
    b.outcomes.push_back(
        alerting::RowOutcome{key, *claimed[0].sending_until, state, std::move(detail), {}, true});
    ledger().record(b, at);
  }
  std::string add_dead(const std::string& code) {
    // Due before the rows of add(), so that it is the first one claimed.
    const std::string key = add(code, "nguyenvana", kT0 - std::chrono::seconds{60});
    settle(key, AlertState::dead, kT0 + std::chrono::seconds{60}, "5 attempts failed");
    return key;
  }
  AlertState state(const std::string& key) { return ledger().get(key).value().state; }

  ProcessResult outbox(std::vector<std::string> args) {
    args.insert(args.begin(), "outbox");
    args.push_back("--config");
    args.push_back(config_.string());
    return testing::run_process(DUNGHAN_BINARY, args, {"DUNGHAN_CONFIG="});
  }

  TempDir dir_;
  std::filesystem::path config_;
  std::unique_ptr<alerting::Ledger> ledger_;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST_F(OutboxCli, ListWithoutALedgerPrintsAnEmptyJsonList) {
  const ProcessResult r = outbox({"list", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), json::array());
  EXPECT_FALSE(std::filesystem::exists(state_db()));
}

TEST_F(OutboxCli, ListWithoutALedgerPrintsNoTable) {
  const ProcessResult r = outbox({"list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(OutboxCli, ListPrintsAnAlignedTable) {
  const std::string a = add("000.00.16.H12-250224-0001", "trần-thị-bích");
  const std::string b = add_dead("HS2");
  const ProcessResult r = outbox({"list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 3U) << r.out;
  EXPECT_EQ(lines[0].rfind("key", 0), 0U);
  EXPECT_THAT(lines[0], HasSubstr("fire_at"));
  // b changed last, so it comes first.
  EXPECT_EQ(lines[1].rfind(b, 0), 0U);
  EXPECT_EQ(lines[2].rfind(a, 0), 0U);
  EXPECT_THAT(lines[1], HasSubstr("dead"));
  EXPECT_THAT(lines[1], HasSubstr("5 attempts failed"));
  EXPECT_THAT(lines[2], HasSubstr("2025-02-20T04:20"));  // fire_at in local time (+07:00)
  // Columns line up: the channel column starts at the same display position on every line.
  const auto column = [](const std::string& line, const std::string& word) {
    const std::string prefix = line.substr(0, line.find(word));
    std::size_t n = 0;
    for (unsigned char c : prefix) n += (c & 0xC0) != 0x80;
    return n;
  };
  EXPECT_EQ(column(lines[1], "email"), column(lines[0], "channel"));
  EXPECT_EQ(column(lines[2], "email"), column(lines[0], "channel"));
}

TEST_F(OutboxCli, ListAsJsonGivesEveryFieldWithLocalIsoTimes) {
  const std::string key = add("HS1");
  const ProcessResult r = outbox({"list", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json out = json::parse(r.out);
  ASSERT_EQ(out.size(), 1U);
  const json& row = out[0];
  EXPECT_EQ(row["key"], key);
  EXPECT_EQ(row["state"], "pending");
  EXPECT_EQ(row["code"], "HS1");
  EXPECT_EQ(row["rule"], "nhac-truoc-han");
  EXPECT_EQ(row["recipient"], "nguyenvana");
  EXPECT_EQ(row["channel"], "email");
  EXPECT_EQ(row["fire_at"], "2025-02-20T04:20:00+07:00");
  EXPECT_EQ(row["attempts"], 0);
  EXPECT_EQ(row["detail"], "");
  EXPECT_TRUE(row["sent_at"].is_null());
}

TEST_F(OutboxCli, ListFiltersByStateAndLimits) {
  add("HS1");
  add_dead("HS2");
  add_dead("HS3");
  ProcessResult r = outbox({"list", "--state", "dead", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json out = json::parse(r.out);
  ASSERT_EQ(out.size(), 2U);
  for (const json& row : out) EXPECT_EQ(row["state"], "dead");
  r = outbox({"list", "--limit", "1", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).size(), 1U);
  EXPECT_THAT(r.err, HasSubstr("showing 1 of 3"));
}

TEST_F(OutboxCli, ListRejectsAnUnknownState) {
  const ProcessResult r = outbox({"list", "--state", "failed"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("unreachable"));
}

TEST_F(OutboxCli, RetryRequeuesADeadAlert) {
  const std::string key = add_dead("HS1");
  const ProcessResult r = outbox({"retry", key});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("dead -> pending"));
  EXPECT_EQ(state(key), AlertState::pending);
  EXPECT_EQ(ledger().get(key)->attempts, 0);
}

TEST_F(OutboxCli, RetryDeadRequeuesEveryDeadAlert) {
  const std::string a = add_dead("HS1");
  const std::string b = add_dead("HS2");
  const std::string cancelled = add("HS3");
  ledger().cancel(cancelled, kT0, "resolved");
  const ProcessResult r = outbox({"retry", "--dead"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("requeued 2"));
  EXPECT_EQ(state(a), AlertState::pending);
  EXPECT_EQ(state(b), AlertState::pending);
  EXPECT_EQ(state(cancelled), AlertState::cancelled);
}

TEST_F(OutboxCli, RetryOfAnUnknownKeyFails) {
  add("HS1");
  const ProcessResult r = outbox({"retry", "a00000000000000000000000000000000"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no alert with key a00000000000000000000000000000000"));
}

TEST_F(OutboxCli, RetryOfASentAlertFailsAndChangesNothing) {
  const std::string key = add("HS1");
  settle(key, AlertState::sent, kT0, "ok");
  const ProcessResult r = outbox({"retry", key});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("is sent"));
  EXPECT_EQ(state(key), AlertState::sent);
}

TEST_F(OutboxCli, RetryNeedsExactlyOneOfKeyAndDead) {
  const std::string key = add_dead("HS1");
  EXPECT_EQ(outbox({"retry"}).exit_code, 1);
  EXPECT_EQ(outbox({"retry", key, "--dead"}).exit_code, 1);
  EXPECT_EQ(state(key), AlertState::dead);
}

TEST_F(OutboxCli, CancelStopsAPendingAlertWithTheReason) {
  const std::string key = add("HS1");
  const ProcessResult r = outbox({"cancel", key, "--reason", "hồ sơ đã trả kết quả"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(state(key), AlertState::cancelled);
  EXPECT_EQ(ledger().get(key)->detail, "hồ sơ đã trả kết quả");
}

TEST_F(OutboxCli, CancelOfAnUnknownKeyFails) {
  add("HS1");
  const ProcessResult r = outbox({"cancel", "a00000000000000000000000000000000"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no alert with key"));
}

TEST_F(OutboxCli, CancelOfASentAlertFails) {
  const std::string key = add("HS1");
  settle(key, AlertState::sent, kT0, "ok");
  const ProcessResult r = outbox({"cancel", key});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(state(key), AlertState::sent);
}

TEST_F(OutboxCli, RetryAndCancelWithoutALedgerFailAndNameThePath) {
  for (const char* cmd : {"retry", "cancel"}) {
    const ProcessResult r = outbox({cmd, "a00000000000000000000000000000000"});
    EXPECT_EQ(r.exit_code, 1) << cmd;
    EXPECT_THAT(r.err, HasSubstr(state_db().string())) << cmd;
  }
  EXPECT_FALSE(std::filesystem::exists(state_db()));
}

}  // namespace
}  // namespace dunghan
