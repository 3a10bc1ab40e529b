// Test-only worker for the ledger crash test: a tiny dispatcher that the test kills with SIGKILL.
//
//   ledger_crash_child STATE_DB SENT_LOG RECOVERED_LOG TOTAL BATCH CLAIM
//
// On start it appends the keys of rows caught in `sending` to RECOVERED_LOG (before recover(), so
// a kill in between can only over-report), then calls recover(). It then loops: insert the next
// BATCH of TOTAL alerts (cursor in meta "inserted"); claim up to CLAIM due rows (one
// transaction), append each key to SENT_LOG with fsync (the "channel"), and record them all as
// sent (one transaction) — the dispatcher's group commit; CLAIM 1 is the per-row mode. Exits 0
// when everything is sent.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include "alerting/ledger.h"

namespace {

using dunghan::alerting::AlertId;
using dunghan::alerting::AlertRow;
using dunghan::alerting::AlertState;
using dunghan::alerting::Instant;

void append_synced(const char* file, const std::string& text) {
  const int fd = ::open(file, O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (fd < 0) std::exit(3);
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) std::exit(3);
  if (::fsync(fd) != 0) std::exit(3);
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s STATE_DB SENT_LOG RECOVERED_LOG TOTAL BATCH CLAIM\n", argv[0]);
    return 2;
  }
  const char* sent_log = argv[2];
  const char* recovered_log = argv[3];
  const int total = std::atoi(argv[4]);
  const int batch = std::atoi(argv[5]);
  const auto claim = static_cast<std::size_t>(std::atoi(argv[6]));
  const Instant now{std::chrono::seconds{2'000'000'000}};
  const Instant fire_at{std::chrono::seconds{1'900'000'000}};

  auto ledger = dunghan::alerting::open_sqlite_ledger(argv[1]);
  std::string stuck;
  for (const AlertRow& r :
       ledger->list(AlertState::sending, std::numeric_limits<std::size_t>::max())) {
    stuck += r.key + '\n';
  }
  if (!stuck.empty()) append_synced(recovered_log, stuck);
  ledger->recover(now);

  for (;;) {
    const int next = std::stoi(ledger->get_meta("inserted").value_or("0"));
    if (next < total) {
      std::vector<AlertRow> rows;
      for (int i = next; i < std::min(total, next + batch); ++i) {
        AlertRow r;
        r.id = AlertId{"HS" + std::to_string(i), "crash", 0, 0, "nguyenvana", "file"};
        r.stage = dunghan::deadline::AlertStage::overdue;
        r.fire_at = fire_at;
        rows.push_back(std::move(r));
      }
      ledger->insert_all(rows);
      ledger->set_meta("inserted", std::to_string(std::min(total, next + batch)));
    }
    const std::vector<AlertRow> claimed = ledger->claim(now, claim, std::chrono::seconds{300});
    if (claimed.empty() && next >= total) break;
    dunghan::alerting::RecordBatch done;
    for (const AlertRow& r : claimed) {
      append_synced(sent_log, r.key + '\n');
      done.outcomes.push_back(dunghan::alerting::RowOutcome{
          r.key, *r.sending_until, AlertState::sent, "written to the sent log", {}, true});
    }
    ledger->record(done, now);
  }
  return 0;
}
