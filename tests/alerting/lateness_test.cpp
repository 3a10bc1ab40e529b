// docs/rules.md §2 "Lateness is not cured afterwards" in the running engine (real store, ledger,
// file channel): a supplementation requested after the due does not silence the overdue alerts, and
// every lateness anomaly is logged once (event=dossier_lateness), not every cycle.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "fixtures.h"

namespace dunghan::alerting {
namespace {

using channels::SendWindow;
using testing::Harness;
using testing::local;
using testing::make_dossier;
using testing::make_rule;
using testing::read_jsonl;
using testing::wd;

/// Captures the default logger's lines while it lives (the harness turns logging off).
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%l %v");
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::string text() const { return out_.str(); }
  int count(const std::string& what) const {
    const std::string s = out_.str();
    int n = 0;
    for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

// Received Mon 02/03/2026 08:00, 6 working days → due Tue 10/03/2026 17:00.
deadline::Dossier march() {
  return make_dossier("D1", local(2026, 3, 2, 8), wd(6));
}

TEST(EngineLateness, ASupplementRequestAfterTheDueKeepsTheOverdueAlertsAndIsLoggedOnce) {
  Harness h(local(2026, 3, 2, 8));
  h.add_file_channel("file", SendWindow::office);
  h.start({make_rule("qua-han", Stage::overdue, {"department_head"}, {"file"})});
  h.cycle_at(local(2026, 3, 2, 8));
  LogCapture log;  // after start(): the harness switches logging off there

  // Wed 11/03 09:00, a day after the due: the office asks the applicant for more papers.
  deadline::Dossier d = march();
  d.status = deadline::Status::waiting_supplement;
  d.updated_at = local(2026, 3, 11, 9);
  h.clock.set(local(2026, 3, 11, 9));
  h.upsert(d, {deadline::Event{"D1", local(2026, 3, 11, 9),
                               deadline::EventKind::supplement_requested, std::nullopt, ""}});
  const CycleReport r = h.cycle_at(local(2026, 3, 11, 9));
  // Still overdue: the alert goes out (a request in time would have silenced it).
  EXPECT_EQ(r.sent, 1);
  ASSERT_EQ(read_jsonl(h.file_of("file")).size(), 1u);
  EXPECT_EQ(log.count("event=dossier_lateness"), 1) << log.text();
  EXPECT_NE(log.text().find("warning event=dossier_lateness code=D1 kind=supplement_after_due "
                            "severity=anomaly at=2026-03-11T09:00:00+07:00"),
            std::string::npos)
      << log.text();
  // The next cycles read the dossier again (a new event, its next alert): no second line.
  h.upsert(d, {deadline::Event{"D1", local(2026, 3, 11, 9),
                               deadline::EventKind::supplement_requested, std::nullopt, "x"}});
  h.cycle_at(local(2026, 3, 11, 10));
  h.cycle_at(local(2026, 3, 12, 7));
  EXPECT_EQ(log.count("event=dossier_lateness"), 1) << log.text();
}

TEST(EngineLateness, AWarningIsLoggedAtInfoLevel) {
  Harness h(local(2026, 3, 2, 8));
  h.add_file_channel("file", SendWindow::office);
  h.start({make_rule("qua-han", Stage::overdue, {"department_head"}, {"file"})});
  LogCapture log;
  // Requested Fri 06/03 09:00: later than 3 working days after Mon 02/03 (window closed 05/03).
  deadline::Dossier d = march();
  h.upsert(d, {deadline::Event{"D1", local(2026, 3, 6, 9),
                               deadline::EventKind::supplement_requested, std::nullopt, ""}});
  h.cycle_at(local(2026, 3, 6, 10));
  EXPECT_NE(log.text().find("info event=dossier_lateness code=D1 kind=supplement_late_request "
                            "severity=warning"),
            std::string::npos)
      << log.text();
}

}  // namespace
}  // namespace dunghan::alerting
