// What the daemon says about itself (service/health.h): the /metrics text checked against the
// Prometheus text exposition format, /healthz through a start, failures of each part and
// recovery, and the reload metrics.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "service/health.h"

namespace dunghan::service {
namespace {

using calendar::Instant;
using nlohmann::json;
using std::chrono::seconds;

const Instant kT0{seconds{1'790'000'000}};  // 2026-09-21T14:13:20Z
const calendar::UtcOffset kIct{std::chrono::minutes{7 * 60}};
constexpr seconds kMaxAge{300};

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

/// Parses the text exposition format (version 0.0.4) strictly: every line is a HELP, a TYPE or
/// a sample; a family's HELP and TYPE come once, before its samples; names and label names are
/// valid; label values are escaped; values are numbers. Fails the test on any deviation.
std::vector<Sample> parse_exposition(const std::string& text,
                                     std::map<std::string, std::string>& types) {
  static const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+)");
  static const std::regex type(
      R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (-?[0-9.e+-]+|\+Inf|NaN))");
  static const std::regex label(R"lbl(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)")lbl");
  std::vector<Sample> out;
  std::set<std::string> helped, sampled;
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n') << "the text ends with a newline";
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      EXPECT_TRUE(helped.insert(m[1]).second) << "HELP twice: " << line;
      EXPECT_FALSE(sampled.contains(m[1])) << "HELP after samples: " << line;
    } else if (std::regex_match(line, m, type)) {
      EXPECT_TRUE(types.emplace(m[1], m[2]).second) << "TYPE twice: " << line;
      EXPECT_FALSE(sampled.contains(m[1])) << "TYPE after samples: " << line;
    } else if (std::regex_match(line, m, sample)) {
      Sample s;
      s.name = m[1];
      const std::string labels = m[3];
      for (std::sregex_iterator it(labels.begin(), labels.end(), label), end; it != end; ++it) {
        EXPECT_TRUE(s.labels.emplace((*it)[1], (*it)[2]).second) << "label twice: " << line;
      }
      s.value = m[4] == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(m[4]);
      std::string family = s.name;
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string base = s.name.substr(0, s.name.size() - std::strlen(suffix));
        if (s.name.ends_with(suffix) && types.contains(base) && types.at(base) == "histogram") {
          family = base;
        }
      }
      EXPECT_TRUE(types.contains(family)) << "no TYPE before " << line;
      EXPECT_TRUE(helped.contains(family)) << "no HELP before " << line;
      sampled.insert(family);
      out.push_back(std::move(s));
    } else {
      ADD_FAILURE() << "not exposition format: \"" << line << "\"";
    }
  }
  for (const auto& [name, t] : types) {
    if (t == "counter") {
      EXPECT_TRUE(name.ends_with("_total")) << name;
    }
  }
  return out;
}

const Sample* find(const std::vector<Sample>& samples, const std::string& name,
                   const std::map<std::string, std::string>& labels = {}) {
  for (const Sample& s : samples) {
    if (s.name == name && s.labels == labels) return &s;
  }
  return nullptr;
}

alerting::CycleReport a_report() {
  alerting::CycleReport r;
  r.outcomes["mail"]["sent"] = 3;
  r.outcomes["mail"]["retry"] = 1;
  r.outcomes["kênh \"lạ\"\\x"]["sent"] = 1;  // escaped in the label value
  r.rows_rejected = 2;
  return r;
}

TEST(Metrics, FollowTheTextExpositionFormat) {
  Health h;
  h.set_phase("running", kT0);
  h.reload_result(true, kT0, "");
  h.state_dir_free(123456789);
  h.open_dossiers({{"overdue", 4}, {"due_soon", 2}});
  h.cycle_done(kT0, std::chrono::milliseconds(30), a_report(),
               {{alerting::AlertState::sent, 5}, {alerting::AlertState::pending, 2}});
  h.cycle_done(kT0 + seconds{30}, std::chrono::milliseconds(700), a_report(), {});
  std::map<std::string, std::string> types;
  const std::vector<Sample> m = parse_exposition(h.metrics_text("1.2.3"), types);

  EXPECT_EQ(types.at("dunghan_alerts_total"), "counter");
  EXPECT_EQ(types.at("dunghan_cycle_duration_seconds"), "histogram");
  EXPECT_EQ(types.at("dunghan_open_dossiers"), "gauge");
  ASSERT_NE(find(m, "dunghan_build_info", {{"version", "1.2.3"}}), nullptr);
  EXPECT_EQ(find(m, "dunghan_alerts_total", {{"channel", "mail"}, {"outcome", "sent"}})->value, 6);
  EXPECT_NE(
      find(m, "dunghan_alerts_total", {{"channel", "kênh \\\"lạ\\\"\\\\x"}, {"outcome", "sent"}}),
      nullptr);
  EXPECT_EQ(find(m, "dunghan_open_dossiers", {{"state", "overdue"}})->value, 4);
  EXPECT_EQ(find(m, "dunghan_open_dossiers", {{"state", "not_due"}})->value, 0);
  EXPECT_EQ(find(m, "dunghan_store_rows_rejected")->value, 2);
  EXPECT_EQ(find(m, "dunghan_store_reachable")->value, 1);
  EXPECT_EQ(find(m, "dunghan_state_db_writable")->value, 1);
  EXPECT_EQ(find(m, "dunghan_state_dir_free_bytes")->value, 123456789);
  // The histogram: cumulative buckets, +Inf equals the count, the sum of both cycles.
  double previous = 0;
  for (const Sample& s : m) {
    if (s.name != "dunghan_cycle_duration_seconds_bucket") continue;
    EXPECT_GE(s.value, previous) << s.labels.at("le");
    previous = s.value;
  }
  EXPECT_EQ(find(m, "dunghan_cycle_duration_seconds_bucket", {{"le", "0.05"}})->value, 1);
  EXPECT_EQ(find(m, "dunghan_cycle_duration_seconds_bucket", {{"le", "+Inf"}})->value, 2);
  EXPECT_EQ(find(m, "dunghan_cycle_duration_seconds_count")->value, 2);
  EXPECT_NEAR(find(m, "dunghan_cycle_duration_seconds_sum")->value, 0.73, 1e-9);
}

TEST(Metrics, StoreAndStateDatabaseGaugesAreAbsentUntilACycleHasRun) {
  Health h;
  h.set_phase("running", kT0);
  std::map<std::string, std::string> types;
  const std::vector<Sample> m = parse_exposition(h.metrics_text("dev"), types);
  EXPECT_EQ(find(m, "dunghan_store_reachable"), nullptr);
  EXPECT_EQ(find(m, "dunghan_state_db_writable"), nullptr);
  EXPECT_EQ(find(m, "dunghan_store_replaced_total")->value, 0);
}

TEST(Metrics, AFailedReloadKeepsTheTimeOfTheLastSuccessfulOne) {
  Health h;
  h.reload_result(true, kT0, "");
  h.reload_result(false, kT0 + seconds{600}, "1 error(s) in dunghan.toml");
  std::map<std::string, std::string> types;
  const std::vector<Sample> m = parse_exposition(h.metrics_text("dev"), types);
  EXPECT_EQ(find(m, "dunghan_config_last_reload_successful")->value, 0);
  EXPECT_EQ(find(m, "dunghan_config_last_reload_success_timestamp_seconds")->value,
            static_cast<double>(kT0.time_since_epoch().count()));
  const json j = json::parse(h.healthz_json(kT0 + seconds{600}, kMaxAge, kIct));
  EXPECT_EQ(j["last_reload"]["successful"], false);
  EXPECT_EQ(j["last_reload"]["at"], "2026-09-21T21:23:20+07:00");
  EXPECT_EQ(j["last_reload"]["last_success_at"], "2026-09-21T21:13:20+07:00");
  EXPECT_EQ(j["last_reload"]["error"], "1 error(s) in dunghan.toml");
  h.reload_result(true, kT0 + seconds{900}, "");
  const std::vector<Sample> after = parse_exposition(h.metrics_text("dev"), types = {});
  EXPECT_EQ(find(after, "dunghan_config_last_reload_success_timestamp_seconds")->value,
            static_cast<double>(kT0.time_since_epoch().count() + 900));
}

TEST(Healthz, SaysStartingUntilTheFirstCycleEnds) {
  Health h;
  h.set_phase("running", kT0);
  EXPECT_TRUE(h.starting());
  // A long first cycle (a province's store): nothing is wrong, alerts are going out.
  EXPECT_TRUE(h.healthy(kT0 + seconds{95}, kMaxAge));
  json j = json::parse(h.healthz_json(kT0 + seconds{95}, kMaxAge, kIct));
  EXPECT_EQ(j["status"], "starting");
  EXPECT_TRUE(j["store_reachable"].is_null()) << j;  // not known yet: not "false"
  EXPECT_TRUE(j["state_db"]["writable"].is_null()) << j;
  EXPECT_FALSE(j.contains("last_error"));
  h.cycle_done(kT0, std::chrono::seconds(95), {}, {});
  EXPECT_FALSE(h.starting());
  EXPECT_TRUE(h.healthy(kT0 + seconds{100}, kMaxAge));
  j = json::parse(h.healthz_json(kT0 + seconds{100}, kMaxAge, kIct));
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["store_reachable"], true);
  EXPECT_EQ(j["state_db"]["writable"], true);
}

TEST(Healthz, AFirstCycleRunningLongerThanTheMaximumAgeIsUnhealthy) {
  Health h;
  h.set_phase("running", kT0);
  EXPECT_TRUE(h.healthy(kT0 + kMaxAge, kMaxAge));
  EXPECT_FALSE(h.healthy(kT0 + kMaxAge + seconds{1}, kMaxAge));
  EXPECT_EQ(json::parse(h.healthz_json(kT0 + kMaxAge + seconds{1}, kMaxAge, kIct))["status"],
            "unhealthy");
}

TEST(Healthz, NotRunningIsNotHealthy) {
  Health h;
  EXPECT_FALSE(h.healthy(kT0, kMaxAge));  // still starting up
  h.set_phase("running", kT0);
  h.cycle_done(kT0, std::chrono::milliseconds(5), {}, {});
  h.set_phase("stopping", kT0 + seconds{1});
  EXPECT_FALSE(h.healthy(kT0 + seconds{1}, kMaxAge));
}

TEST(Healthz, AFirstCycleThatFailsIsUnhealthyNotStarting) {
  Health h;
  h.set_phase("running", kT0);
  h.cycle_failed(kT0, Fault::state_db,
                 "state database /x/state.db: disk full (0 bytes free on /x)");
  const json j = json::parse(h.healthz_json(kT0, kMaxAge, kIct));
  EXPECT_EQ(j["status"], "unhealthy");
  EXPECT_EQ(j["state_db"]["writable"], false);
  EXPECT_TRUE(j["store_reachable"].is_null());
  EXPECT_EQ(j["last_error"], "state database /x/state.db: disk full (0 bytes free on /x)");
}

TEST(Healthz, EachFaultNamesItsPartAndTheNextGoodCycleClearsIt) {
  Health h;
  h.set_phase("running", kT0);
  h.cycle_done(kT0, std::chrono::milliseconds(5), {}, {});
  h.cycle_failed(kT0 + seconds{30}, Fault::store, "/srv/dossiers.db: no longer exists");
  json j = json::parse(h.healthz_json(kT0 + seconds{30}, kMaxAge, kIct));
  EXPECT_FALSE(h.healthy(kT0 + seconds{30}, kMaxAge));
  EXPECT_EQ(j["status"], "unhealthy");
  EXPECT_EQ(j["store_reachable"], false);
  EXPECT_EQ(j["state_db"]["writable"], true);
  EXPECT_NE(h.status_line().find("store=unreachable"), std::string::npos) << h.status_line();
  std::map<std::string, std::string> types;
  EXPECT_EQ(find(parse_exposition(h.metrics_text("dev"), types), "dunghan_store_reachable")->value,
            0);
  EXPECT_EQ(
      find(parse_exposition(h.metrics_text("dev"), types = {}), "dunghan_cycle_failures_total")
          ->value,
      1);
  alerting::CycleReport replaced;
  replaced.store_replaced = true;
  h.cycle_done(kT0 + seconds{60}, std::chrono::milliseconds(5), replaced, {});
  j = json::parse(h.healthz_json(kT0 + seconds{60}, kMaxAge, kIct));
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["store_reachable"], true);
  EXPECT_FALSE(j.contains("last_error"));
  EXPECT_EQ(
      find(parse_exposition(h.metrics_text("dev"), types = {}), "dunghan_store_replaced_total")
          ->value,
      1);
}

TEST(Healthz, ALastCycleTooOldIsUnhealthy) {
  Health h;
  h.set_phase("running", kT0);
  h.cycle_done(kT0, std::chrono::milliseconds(5), {}, {});
  EXPECT_TRUE(h.healthy(kT0 + kMaxAge, kMaxAge));
  EXPECT_FALSE(h.healthy(kT0 + kMaxAge + seconds{1}, kMaxAge));
  EXPECT_EQ(json::parse(h.healthz_json(kT0 + kMaxAge + seconds{1}, kMaxAge, kIct))["status"],
            "unhealthy");
}

}  // namespace
}  // namespace dunghan::service
