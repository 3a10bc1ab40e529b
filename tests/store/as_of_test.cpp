// The office as of an instant (store/as_of.h) over a real SQLite store: dossiers closed after the
// instant are open at it, with their state then; the boundaries at receipt and closing.
#include "store/as_of.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "deadline/fixtures.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace dunghan::store {
namespace {

using deadline::ClockState;
using deadline::Dossier;
using deadline::Event;
using deadline::EventKind;
using deadline::Status;
using dunghan::testing::local;
using dunghan::testing::TempDir;

// Every dossier received Mon 02/03/2026 09:00 with 10 working days → due Mon 16/03 17:00, unless
// said otherwise.
struct Office {
  TempDir dir;
  std::unique_ptr<SqliteStore> store;
  deadline::DeadlineOptions options;

  Office() {
    StoreSettings s;
    s.path = dir.path() / "dossiers.db";
    store = std::make_unique<SqliteStore>(s);
    std::vector<Dossier> ds;
    const auto add = [&ds](const char* code, Status st = Status::processing,
                           std::optional<calendar::Instant> closed = std::nullopt,
                           calendar::Instant received = local(2026, 3, 2, 9, 0)) {
      Dossier d = dunghan::testing::dossier(code, received);
      if (closed) dunghan::testing::close(d, st, *closed);
      d.department = std::string(code) == "OPEN2" ? "Phòng B" : "Phòng A";
      ds.push_back(d);
    };
    add("RESOLVED", Status::resolved, local(2026, 3, 18, 10, 0));  // late, after the due
    add("RETURNED", Status::returned, local(2026, 3, 12, 9, 0));
    add("WITHDRAWN", Status::withdrawn, local(2026, 3, 6, 9, 0));
    add("OPEN", Status::processing);
    add("OPEN2", Status::processing);
    add("LATER", Status::processing, std::nullopt, local(2026, 3, 9, 9, 0));  // received after
    add("WAITED", Status::resolved, local(2026, 3, 20, 9, 0));
    const std::vector<Event> ev{
        {"WAITED", local(2026, 3, 4, 10, 0), EventKind::supplement_requested, std::nullopt, ""},
        {"WAITED", local(2026, 3, 9, 14, 0), EventKind::supplement_received, std::nullopt, ""}};
    store->upsert(ds, ev);
  }

  std::map<std::string, ClockState> at(calendar::Instant t, const DossierFilter& base = {}) {
    std::map<std::string, ClockState> out;
    const ClockContext ctx{dunghan::testing::cal(), options, nullptr};
    for_each_open_at(
        *store, t, base, ctx,
        [&](const Dossier& d, std::span<const Event>, const deadline::DossierClock& c) {
          EXPECT_TRUE(out.emplace(d.code, c.state).second) << d.code << " twice";
        });
    return out;
  }
};

TEST(AsOf, ADossierClosedAfterTheInstantIsListedWithItsStateThen) {
  Office o;
  // Thu 05/03 09:00: WAITED waits for the applicant (requested 04/03); LATER not yet received.
  const std::map<std::string, ClockState> expected{
      {"RESOLVED", ClockState::not_due},  {"RETURNED", ClockState::not_due},
      {"WITHDRAWN", ClockState::not_due}, {"OPEN", ClockState::not_due},
      {"OPEN2", ClockState::not_due},     {"WAITED", ClockState::waiting_applicant}};
  EXPECT_EQ(o.at(local(2026, 3, 5, 9, 0)), expected);
}

TEST(AsOf, AfterTheDueTheSameDossiersAreOverdue) {
  Office o;
  // Tue 17/03 09:00: WITHDRAWN (06/03) and RETURNED (12/03) are gone; RESOLVED (18/03) is overdue.
  // WAITED restarted on 09/03 14:00 → due 23/03: not due yet.
  const std::map<std::string, ClockState> expected{{"RESOLVED", ClockState::overdue},
                                                   {"OPEN", ClockState::overdue},
                                                   {"OPEN2", ClockState::overdue},
                                                   {"LATER", ClockState::not_due},
                                                   {"WAITED", ClockState::not_due}};
  EXPECT_EQ(o.at(local(2026, 3, 17, 9, 0)), expected);
}

TEST(AsOf, ReceiptAndClosingInstantsAreTheBoundaries) {
  Office o;
  // At the receipt instant a dossier is open; one second before, it does not exist yet.
  EXPECT_EQ(o.at(local(2026, 3, 9, 9, 0)).count("LATER"), 1u);
  EXPECT_EQ(o.at(local(2026, 3, 9, 8, 59, 59)).count("LATER"), 0u);
  // At its closing instant it is closed; one second before, open.
  EXPECT_EQ(o.at(local(2026, 3, 6, 9, 0)).count("WITHDRAWN"), 0u);
  EXPECT_EQ(o.at(local(2026, 3, 6, 8, 59, 59)).count("WITHDRAWN"), 1u);
}

TEST(AsOf, TheDepartmentFilterStillApplies) {
  Office o;
  DossierFilter only_b;
  only_b.department = "Phòng B";
  only_b.open_only = true;  // ignored: the current status says nothing about the instant
  const auto r = o.at(local(2026, 3, 5, 9, 0), only_b);
  EXPECT_EQ(r.size(), 1u);
  EXPECT_EQ(r.count("OPEN2"), 1u);
}

TEST(AsOf, TheFilterNarrowsToWhatMayHaveBeenOpen) {
  const calendar::Instant t = local(2026, 3, 5, 9, 0);
  DossierFilter base;
  base.open_only = true;
  base.department = "X";
  const DossierFilter f = open_at_filter(t, base);
  EXPECT_FALSE(f.open_only);
  EXPECT_EQ(f.received_at_or_before, t);
  EXPECT_EQ(f.not_closed_before, t + std::chrono::seconds{1});
  EXPECT_EQ(f.department, "X");
}

TEST(AsOf, AtOrAfterNowTheCurrentStatusIsUsed) {
  const calendar::Instant now = local(2026, 3, 5, 9, 0);
  const DossierFilter later = open_at_filter(now + std::chrono::hours{1}, {}, now);
  EXPECT_TRUE(later.open_only);
  EXPECT_FALSE(later.not_closed_before.has_value());
  EXPECT_EQ(later.received_at_or_before, now + std::chrono::hours{1});
  EXPECT_TRUE(open_at_filter(now, {}, now).open_only);
  EXPECT_FALSE(open_at_filter(now - std::chrono::seconds{1}, {}, now).open_only);
  // The same dossiers as the full read when the data is consistent (no closing after now).
  Office o;
  const auto full = o.at(local(2026, 3, 25, 9, 0));
  std::map<std::string, ClockState> fast;
  const ClockContext ctx{dunghan::testing::cal(), o.options, nullptr};
  for_each_open_at(
      *o.store, local(2026, 3, 25, 9, 0), {}, ctx,
      [&](const Dossier& d, std::span<const Event>, const deadline::DossierClock& c) {
        fast.emplace(d.code, c.state);
      },
      local(2026, 3, 21, 0, 0));
  EXPECT_EQ(fast, full);
  EXPECT_FALSE(full.empty());
}

TEST(AsOf, OpenAtIsTheModelsAnswer) {
  Dossier d = dunghan::testing::dossier("D", local(2026, 3, 2, 9, 0));
  EXPECT_FALSE(deadline::open_at(d, local(2026, 3, 2, 8, 59)));
  EXPECT_TRUE(deadline::open_at(d, local(2026, 3, 2, 9, 0)));
  dunghan::testing::close(d, Status::resolved, local(2026, 3, 3, 9, 0));
  EXPECT_TRUE(deadline::open_at(d, local(2026, 3, 3, 8, 59)));
  EXPECT_FALSE(deadline::open_at(d, local(2026, 3, 3, 9, 0)));
}

}  // namespace
}  // namespace dunghan::store
