// dispatch_bench: how fast the dispatcher delivers and records a backlog of due alerts, with the
// real parts — an SQLite store and an SQLite ledger on disk (synchronous=FULL: every commit is
// fsync'd), the real webhook channel (signed POSTs through libcurl) and a webhook receiver on
// loopback that answers 200 at once (in this process, one thread per connection).
//
//   dispatch_bench [--alerts N] [--batch B[,B…]] [--connections C] [--dir DIR]
//
// For each batch size B (default "1,64": the per-row mode, then group commits) it builds a fresh
// store of N dossiers due today, plans them (N pending alerts), then times one dispatch pass that
// takes all N: claims, renders, sends, records. It checks that the ledger holds N sent rows and
// the receiver saw N distinct webhook-ids, and prints one line per mode and, last, one JSON
// object. The directory (default: a new one under the current directory) must be on a real disk:
// on tmpfs fsync costs nothing and the figure means little.
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "alerting/engine.h"
#include "alerting/fire_schedule.h"
#include "alerting/ledger.h"
#include "calendar/clock.h"
#include "channels/options.h"
#include "config/schedule_file.h"
#include "render/templates.h"
#include "store/store.h"

namespace {

using dunghan::calendar::Instant;
namespace alerting = dunghan::alerting;

Instant local(int y, unsigned m, unsigned d, int hh, int mm = 0) {
  const std::chrono::sys_days day{std::chrono::year{y} / std::chrono::month{m} /
                                  std::chrono::day{d}};
  return Instant{day.time_since_epoch()} + std::chrono::hours{hh} + std::chrono::minutes{mm} -
         std::chrono::hours{7};
}

/// A webhook receiver on 127.0.0.1 that answers every request with 200 and no body at once,
/// keeping connections alive, and remembers each webhook-id it saw.
class Receiver {
 public:
  Receiver() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 64) != 0) {
      throw std::runtime_error("receiver: cannot listen");
    }
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~Receiver() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    accept_thread_.join();
    std::lock_guard lock(mu_);
    for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
    for (auto& t : connections_) t.join();
  }
  int port() const { return port_; }
  std::size_t requests() const { return requests_; }
  std::size_t distinct_ids() {
    std::lock_guard lock(mu_);
    return ids_.size();
  }
  void reset() {
    std::lock_guard lock(mu_);
    ids_.clear();
    requests_ = 0;
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      std::lock_guard lock(mu_);
      open_.push_back(fd);
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  }
  void serve(int fd) {
    std::string buf;
    char chunk[16384];
    static constexpr char kOk[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    for (;;) {
      std::size_t end = buf.find("\r\n\r\n");
      while (end == std::string::npos) {
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        buf.append(chunk, static_cast<std::size_t>(n));
        end = buf.find("\r\n\r\n");
      }
      const std::string head = buf.substr(0, end);
      std::size_t length = 0;
      std::string id;
      std::istringstream lines(head);
      std::string line;
      while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const std::string value = line.substr(line.find_first_not_of(' ', colon + 1));
        if (name == "content-length") length = std::stoul(value);
        if (name == "webhook-id") id = value;
      }
      while (buf.size() < end + 4 + length) {
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        buf.append(chunk, static_cast<std::size_t>(n));
      }
      buf.erase(0, end + 4 + length);
      {
        std::lock_guard lock(mu_);
        ids_.insert(id);
        ++requests_;
      }
      if (::send(fd, kOk, sizeof kOk - 1, MSG_NOSIGNAL) < 0) return;
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<int> open_;
  std::vector<std::thread> connections_;
  std::set<std::string> ids_;
  std::size_t requests_ = 0;
};

/// Counts the ledger's transactions of the dispatcher (claims and records) on the way through.
class CountingLedger final : public alerting::Ledger {
 public:
  explicit CountingLedger(alerting::Ledger& inner) : in_(inner) {}
  std::atomic<int> claims{0};
  std::atomic<int> records{0};
  bool insert(const alerting::AlertRow& r) override { return in_.insert(r); }
  std::size_t insert_all(const std::vector<alerting::AlertRow>& r) override {
    return in_.insert_all(r);
  }
  std::vector<alerting::AlertRow> due(Instant now, std::size_t limit) override {
    return in_.due(now, limit);
  }
  std::optional<Instant> next_attempt() override { return in_.next_attempt(); }
  std::vector<alerting::AlertRow> claim(Instant now, std::size_t limit,
                                        std::chrono::seconds lease) override {
    ++claims;
    return in_.claim(now, limit, lease);
  }
  alerting::RecordResult record(const alerting::RecordBatch& b, Instant now) override {
    ++records;
    return in_.record(b, now);
  }
  std::size_t recover_expired(Instant now) override { return in_.recover_expired(now); }
  std::size_t recover(Instant now) override { return in_.recover(now); }
  std::size_t retry(const std::string& k, Instant now) override { return in_.retry(k, now); }
  std::size_t retry_all_dead(Instant now) override { return in_.retry_all_dead(now); }
  std::size_t cancel(const std::string& k, Instant now, std::string reason) override {
    return in_.cancel(k, now, std::move(reason));
  }
  std::optional<alerting::AlertRow> get(const std::string& k) override { return in_.get(k); }
  std::vector<alerting::AlertRow> list(std::optional<alerting::AlertState> s,
                                       std::size_t limit) override {
    return in_.list(s, limit);
  }
  alerting::StateCounts counts() override { return in_.counts(); }
  std::optional<std::string> get_meta(const std::string& n) override { return in_.get_meta(n); }
  void set_meta(const std::string& n, const std::string& v) override { in_.set_meta(n, v); }

 private:
  alerting::Ledger& in_;
};

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Result {
  std::size_t batch = 0;
  double plan_seconds = 0, seconds = 0, cpu = 0;
  std::int64_t sent = 0;
  std::size_t delivered = 0;
  int claims = 0, records = 0;
};

Result run(std::size_t alerts, std::size_t batch, std::size_t connections,
           const std::filesystem::path& dir, Receiver& receiver) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  receiver.reset();
  dunghan::calendar::CalendarSpec spec;
  spec.schedules.push_back(dunghan::config::builtin_schedule());
  auto cal = dunghan::calendar::WorkCalendar::build(std::move(spec));
  dunghan::calendar::ManualClock clock(local(2026, 3, 10, 7));

  dunghan::store::StoreSettings ss;
  ss.path = dir / "dossiers.db";
  ss.offset = cal->offset();
  auto store = dunghan::store::open_store(ss);
  std::vector<dunghan::deadline::Dossier> ds;
  for (std::size_t i = 0; i < alerts; ++i) {
    dunghan::deadline::Dossier d;
    d.code = "H01.23-2026-" + std::to_string(100000 + i);
    d.procedure_code = "1.000001";
    d.procedure_name = "Cấp giấy phép thử nghiệm";
    d.field = "Thử nghiệm";
    d.department = "Phòng Một cửa";
    d.handler = "cv" + std::to_string(i % 50);
    d.applicant = "Công ty TNHH Thử nghiệm số " + std::to_string(i);
    d.channel = dunghan::deadline::Channel::direct;
    d.received_at = local(2026, 3, 2, 8);  // 6 working days: due Tue 10/03/2026 17:00
    d.duration = dunghan::calendar::Duration{6, dunghan::calendar::DurationUnit::working_days};
    d.updated_at = d.received_at;
    ds.push_back(std::move(d));
  }
  store->upsert(ds, {});

  auto sqlite = alerting::open_sqlite_ledger(dir / "state.db");
  CountingLedger ledger(*sqlite);
  auto schedule = alerting::FireSchedule::open(dir / "state.db");
  dunghan::channels::ChannelOptions o;
  o.name = "hook";
  o.type = "webhook";
  o.send_window = dunghan::channels::SendWindow::always;
  o.utc_offset = cal->offset();
  dunghan::channels::WebhookOptions w;
  w.url = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook";
  w.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  w.connections = connections;
  o.kind = w;
  auto channel = dunghan::channels::make_channel(o, clock, dir);

  alerting::EngineSettings settings;
  std::vector<alerting::Recipient> people;
  for (std::size_t i = 0; i < 50; ++i) {
    alerting::Recipient r;
    r.id = "cv" + std::to_string(i);
    r.name = "Chuyên viên " + std::to_string(i);
    r.department = "Phòng Một cửa";
    r.roles = {"handler"};
    people.push_back(std::move(r));
  }
  settings.directory = alerting::Directory(std::move(people));
  alerting::Rule rule;
  rule.name = "den-han";
  rule.when = alerting::Stage::due_today;
  rule.to = {alerting::parse_target("handler")};
  rule.channels = {"hook"};
  settings.rules = {rule};
  settings.dispatch_limit = alerts;
  settings.batch_size = batch;
  const auto templates = dunghan::render::Templates::load(std::nullopt);
  alerting::Engine engine(settings, cal, *store, ledger, *schedule, {{"hook", channel.get()}},
                          templates, clock, 1);

  Result r;
  r.batch = batch;
  auto t0 = std::chrono::steady_clock::now();
  engine.plan();
  r.plan_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ledger.claims = 0;
  ledger.records = 0;
  const double cpu0 = cpu_seconds();
  t0 = std::chrono::steady_clock::now();
  const alerting::CycleReport report = engine.dispatch();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.cpu = cpu_seconds() - cpu0;
  r.sent = report.sent;
  r.claims = ledger.claims;
  r.records = ledger.records;
  const alerting::StateCounts counts = ledger.counts();
  const auto sent = counts.find(alerting::AlertState::sent);
  if (sent == counts.end() || sent->second != static_cast<std::int64_t>(alerts)) {
    throw std::runtime_error("the ledger does not hold every alert as sent");
  }
  r.delivered = receiver.distinct_ids();
  if (r.delivered != alerts) throw std::runtime_error("the receiver did not get every alert");
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t alerts = 10000;
  std::vector<std::size_t> batches = {1, 64};
  std::size_t connections = 4;
  std::filesystem::path dir = std::filesystem::current_path() / "dispatch-bench-data";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::string v = argv[i + 1];
    if (k == "--alerts") {
      alerts = std::stoul(v);
    } else if (k == "--batch") {
      batches.clear();
      std::istringstream in(v);
      std::string b;
      while (std::getline(in, b, ',')) batches.push_back(std::stoul(b));
    } else if (k == "--connections") {
      connections = std::stoul(v);
    } else if (k == "--dir") {
      dir = v;
    } else {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  spdlog::set_level(spdlog::level::warn);
  try {
    Receiver receiver;
    std::vector<Result> results;
    std::cout << "alerts " << alerts << ", webhook connections " << connections << ", dir " << dir
              << " (SQLite synchronous=FULL)\n";
    for (std::size_t b : batches) {
      const Result r = run(alerts, b, connections, dir / ("batch-" + std::to_string(b)), receiver);
      results.push_back(r);
      std::printf(
          "batch %4zu: %7.0f alerts/s delivered and recorded (%.2f s wall, %.2f s cpu), %d claims, "
          "%d records, planning %.2f s\n",
          r.batch, static_cast<double>(r.sent) / r.seconds, r.seconds, r.cpu, r.claims, r.records,
          r.plan_seconds);
      std::fflush(stdout);
    }
    std::filesystem::remove_all(dir);
    std::cout << "{\"alerts\": " << alerts << ", \"alerts_per_second\": {";
    for (std::size_t i = 0; i < results.size(); ++i) {
      std::printf("%s\"batch_%zu\": %.0f", i == 0 ? "" : ", ", results[i].batch,
                  static_cast<double>(results[i].sent) / results[i].seconds);
    }
    std::cout << "}}" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "dispatch_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
