#include "store/sorted_spool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "store/store.h"

namespace dunghan::store {
namespace {

struct Rec {
  std::int64_t k1, k2;
  std::string k3, payload;
};

std::vector<std::pair<std::string, std::string>> drain_all(SortedSpool& s) {
  std::vector<std::pair<std::string, std::string>> out;
  s.drain([&](std::string_view k3, std::string_view p) { out.emplace_back(k3, p); });
  return out;
}

TEST(SortedSpool, EmptySpoolDrainsNothing) {
  SortedSpool s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(drain_all(s).empty());
}

TEST(SortedSpool, OrdersByFirstKeyThenSecondThenThirdBytewise) {
  SortedSpool s;
  s.add(1, 5, "b", "p1");
  s.add(0, 9, "z", "p2");
  s.add(1, 5, "a", "p3");
  s.add(1, -3, "c", "p4");
  s.add(-2, 100, "x", "p5");
  // Bytewise: "Z" (0x5A) < "a" (0x61) < "Đ" (0xC4 0x90), as std::string compares.
  s.add(7, 0, "\xC4\x90", "p6");
  s.add(7, 0, "a", "p7");
  s.add(7, 0, "Z", "p8");
  const auto got = drain_all(s);
  const std::vector<std::string> payloads_expected = {"p5", "p2", "p4", "p3",
                                                      "p1", "p8", "p7", "p6"};
  ASSERT_EQ(got.size(), payloads_expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].second, payloads_expected[i]);
  EXPECT_EQ(got[0].first, "x");
}

TEST(SortedSpool, EqualKeysKeepInsertionOrder) {
  SortedSpool s;
  for (int i = 0; i < 50; ++i) s.add(3, 3, "same", std::to_string(i));
  const auto got = drain_all(s);
  ASSERT_EQ(got.size(), 50u);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(got[static_cast<std::size_t>(i)].second, std::to_string(i));
}

TEST(SortedSpool, KeepsNulBytesAndEmptyFields) {
  SortedSpool s;
  const std::string with_nul("a\0b\0", 4);
  s.add(0, 0, std::string_view("k\0", 2), with_nul);
  s.add(0, 0, "", "");
  const auto got = drain_all(s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, "");
  EXPECT_EQ(got[0].second, "");
  EXPECT_EQ(got[1].first, std::string("k\0", 2));
  EXPECT_EQ(got[1].second, with_nul);
}

// More records than the memory budget holds: SQLite spills to temporary files and merges; the
// result must equal std::stable_sort of the same records.
TEST(SortedSpool, SortsMoreThanItsMemoryBudgetLikeStableSort) {
  std::mt19937_64 rng(20261128);
  std::vector<Rec> recs;
  const int n = 60000;
  recs.reserve(n);
  for (int i = 0; i < n; ++i) {
    Rec r;
    r.k1 = static_cast<std::int64_t>(rng() % 3);
    r.k2 = static_cast<std::int64_t>(rng() % 5000) - 2500;
    r.k3 = "H" + std::to_string(rng() % 20000);
    r.payload = std::string(static_cast<std::size_t>(rng() % 40), 'x') + std::to_string(i);
    recs.push_back(std::move(r));
  }
  SortedSpool s(64 * 1024);
  for (const Rec& r : recs) s.add(r.k1, r.k2, r.k3, r.payload);
  EXPECT_EQ(s.size(), recs.size());
  std::stable_sort(recs.begin(), recs.end(), [](const Rec& a, const Rec& b) {
    return std::tie(a.k1, a.k2, a.k3) < std::tie(b.k1, b.k2, b.k3);
  });
  const auto got = drain_all(s);
  ASSERT_EQ(got.size(), recs.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].first, recs[i].k3) << "at " << i;
    ASSERT_EQ(got[i].second, recs[i].payload) << "at " << i;
  }
}

TEST(SortedSpool, DrainsOnceAndRefusesAddsAfterwards) {
  SortedSpool s;
  s.add(1, 1, "a", "p");
  EXPECT_EQ(drain_all(s).size(), 1u);
  EXPECT_THROW(drain_all(s), StoreError);
  EXPECT_THROW(s.add(2, 2, "b", "q"), StoreError);
}

TEST(SortedSpool, AnExceptionFromTheVisitorPropagates) {
  SortedSpool s;
  s.add(1, 1, "a", "p");
  s.add(1, 2, "b", "q");
  int seen = 0;
  EXPECT_THROW(s.drain([&](std::string_view, std::string_view) {
    ++seen;
    throw std::runtime_error("stop");
  }),
               std::runtime_error);
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace dunghan::store
