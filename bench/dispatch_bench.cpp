// dispatch_bench: how fast the dispatcher delivers and records a backlog of due alerts, with the
// real parts — an SQLite store and an SQLite ledger on disk (synchronous=FULL: every commit is
// fsync'd), the real webhook channel (signed POSTs through libcurl) and a webhook receiver on
// loopback that answers 200 at once (in this process, one thread per connection).
//
//   dispatch_bench [--alerts N] [--batch B[,B…]] [--connections C] [--dir DIR]
//                  [--pg-port P --pg-password-file F [--instances I[,I…]]]
//
// For each batch size B (default "1,64": the per-row mode, then group commits) it builds a fresh
// store of N dossiers due today, plans them (N pending alerts), then times one dispatch pass that
// takes all N: claims, renders, sends, records. It checks that the ledger holds N sent rows and
// the receiver saw N distinct webhook-ids, and prints one line per mode and, last, one JSON
// object. The directory (default: a new one under the current directory) must be on a real disk:
// on tmpfs fsync costs nothing and the figure means little.
//
// With --pg-port (a PostgreSQL server on 127.0.0.1:P, database and role `dunghan`, the password in
// file F: bench/dispatch_bench --postgresql starts one), it then runs the same backlog on
// `[store]` and `[state]` kind = "postgresql" with I engines (default "1,3"), each one standing
// for an instance: its own store connection, its own open_pg_state() connection and instance id,
// its own webhook channel, sharing one ledger through its leases (claims with FOR UPDATE SKIP
// LOCKED). The engines are threads of this process, started together, each running one dispatch
// pass until no due row is left; the batch size is the last of --batch. It checks that every alert
// went out exactly once (the receiver saw N requests with N distinct webhook-ids, the ledger holds
// N sent rows) and prints alerts/s, the split between instances, and how busy the machine's
// cores were during the pass (/proc/stat), which says whether the pass was bound by CPU.
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
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
#include "alerting/pg_state.h"
#include "calendar/clock.h"
#include "channels/options.h"
#include "config/schedule_file.h"
#include "pg/connection.h"
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
  std::size_t requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
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
  std::size_t release_silenced(const std::string& code, Instant now) override {
    return in_.release_silenced(code, now);
  }
  std::optional<alerting::AlertRow> get(const std::string& k) override { return in_.get(k); }
  std::vector<alerting::AlertRow> list(std::optional<alerting::AlertState> s,
                                       std::size_t limit) override {
    return in_.list(s, limit);
  }
  alerting::StateCounts counts() override { return in_.counts(); }
  std::vector<alerting::AlertRow> for_dossier(const std::string& code, std::size_t limit) override {
    return in_.for_dossier(code, limit);
  }
  std::size_t sent_singles_since(const std::string& recipient, const std::string& channel,
                                 Instant since) override {
    return in_.sent_singles_since(recipient, channel, since);
  }
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

/// The machine's CPU time since boot from /proc/stat's first line: busy and total, in ticks.
struct MachineTicks {
  std::uint64_t busy = 0, total = 0;
};
MachineTicks machine_ticks() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;
  MachineTicks t;
  std::uint64_t v = 0;
  for (int i = 0; i < 8 && in >> v; ++i) {
    t.total += v;
    if (i != 3 && i != 4) t.busy += v;  // idle and iowait are not busy
  }
  return t;
}

struct Result {
  std::string backend;
  std::size_t batch = 0, instances = 1;
  double plan_seconds = 0, seconds = 0, cpu = 0;
  double machine_busy = 0;  // of all cores during the pass, 0..1
  std::int64_t sent = 0;
  std::vector<std::int64_t> sent_by_instance;
  std::size_t delivered = 0;
  int claims = 0, records = 0;
};

/// The backlog: `n` dossiers of one procedure, all due today (the bench clock's day), with 50
/// handlers.
std::vector<dunghan::deadline::Dossier> backlog(std::size_t n) {
  std::vector<dunghan::deadline::Dossier> ds;
  for (std::size_t i = 0; i < n; ++i) {
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
  return ds;
}

/// One `due_today` rule to the handler on the webhook channel. The flood guard is off: this bench
/// measures sending and recording single messages, not the digests the guard would make of them.
alerting::EngineSettings engine_settings(std::size_t alerts, std::size_t batch) {
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
  settings.max_messages_per_recipient = 0;
  return settings;
}

std::unique_ptr<dunghan::channels::Channel> hook(const Receiver& receiver, std::size_t connections,
                                                 dunghan::calendar::UtcOffset offset,
                                                 const dunghan::calendar::Clock& clock,
                                                 const std::filesystem::path& dir) {
  dunghan::channels::ChannelOptions o;
  o.name = "hook";
  o.type = "webhook";
  o.send_window = dunghan::channels::SendWindow::always;
  o.utc_offset = offset;
  dunghan::channels::WebhookOptions w;
  w.url = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook";
  w.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  w.connections = connections;
  o.kind = w;
  return dunghan::channels::make_channel(o, clock, dir);
}

std::shared_ptr<const dunghan::calendar::WorkCalendar> bench_calendar() {
  dunghan::calendar::CalendarSpec spec;
  spec.schedules.push_back(dunghan::config::builtin_schedule());
  return dunghan::calendar::WorkCalendar::build(std::move(spec));
}

/// Throws unless the ledger holds every alert as sent and the receiver got each exactly once.
void check_exactly_once(alerting::Ledger& ledger, Receiver& receiver, std::size_t alerts) {
  const alerting::StateCounts counts = ledger.counts();
  const auto sent = counts.find(alerting::AlertState::sent);
  if (sent == counts.end() || sent->second != static_cast<std::int64_t>(alerts)) {
    throw std::runtime_error("the ledger does not hold every alert as sent");
  }
  if (receiver.distinct_ids() != alerts) {
    throw std::runtime_error("the receiver did not get every alert");
  }
  if (receiver.requests() != alerts) {
    throw std::runtime_error("the receiver got " + std::to_string(receiver.requests()) +
                             " requests for " + std::to_string(alerts) + " alerts");
  }
}

Result run(std::size_t alerts, std::size_t batch, std::size_t connections,
           const std::filesystem::path& dir, Receiver& receiver) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  receiver.reset();
  auto cal = bench_calendar();
  dunghan::calendar::ManualClock clock(local(2026, 3, 10, 7));

  dunghan::store::StoreSettings ss;
  ss.path = dir / "dossiers.db";
  ss.offset = cal->offset();
  auto store = dunghan::store::open_store(ss);
  store->upsert(backlog(alerts), {});

  auto sqlite = alerting::open_sqlite_ledger(dir / "state.db");
  CountingLedger ledger(*sqlite);
  auto schedule = alerting::FireSchedule::open(dir / "state.db");
  auto channel = hook(receiver, connections, cal->offset(), clock, dir);
  const auto templates = dunghan::render::Templates::load(std::nullopt);
  alerting::Engine engine(engine_settings(alerts, batch), cal, *store, ledger, *schedule,
                          {{"hook", channel.get()}}, templates, clock, 1);

  Result r;
  r.backend = "sqlite";
  r.batch = batch;
  auto t0 = std::chrono::steady_clock::now();
  engine.plan();
  r.plan_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ledger.claims = 0;
  ledger.records = 0;
  const double cpu0 = cpu_seconds();
  const MachineTicks m0 = machine_ticks();
  t0 = std::chrono::steady_clock::now();
  const alerting::CycleReport report = engine.dispatch();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.cpu = cpu_seconds() - cpu0;
  const MachineTicks m1 = machine_ticks();
  r.machine_busy = static_cast<double>(m1.busy - m0.busy) /
                   static_cast<double>(std::max<std::uint64_t>(m1.total - m0.total, 1));
  r.sent = report.sent;
  r.sent_by_instance = {report.sent};
  r.claims = ledger.claims;
  r.records = ledger.records;
  check_exactly_once(ledger, receiver, alerts);
  r.delivered = receiver.distinct_ids();
  return r;
}

/// One instance on the PostgreSQL store and state: its own connections, channel and engine.
struct PgInstance {
  std::unique_ptr<dunghan::store::DossierStore> store;
  alerting::PgState state;
  std::unique_ptr<CountingLedger> ledger;
  std::unique_ptr<dunghan::channels::Channel> channel;
  std::unique_ptr<alerting::Engine> engine;
};

Result run_pg(std::size_t alerts, std::size_t batch, std::size_t connections, std::size_t instances,
              const dunghan::pg::ConnectSpec& spec, const std::filesystem::path& dir,
              Receiver& receiver) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  receiver.reset();
  auto cal = bench_calendar();
  dunghan::calendar::ManualClock clock(local(2026, 3, 10, 7));
  const auto templates = dunghan::render::Templates::load(std::nullopt);
  dunghan::store::StoreSettings ss;
  ss.offset = cal->offset();
  ss.server = spec;

  std::vector<PgInstance> all(instances);
  for (std::size_t i = 0; i < instances; ++i) {
    PgInstance& in = all[i];
    const std::string id = "bench-" + std::to_string(i + 1);
    dunghan::pg::ConnectSpec mine = spec;
    mine.application_name = "dunghan " + id;
    dunghan::store::StoreSettings s = ss;
    s.server = mine;
    in.store = dunghan::store::open_store(s);
    in.state = alerting::open_pg_state(mine, id);
    in.ledger = std::make_unique<CountingLedger>(*in.state.ledger);
    in.channel = hook(receiver, connections, cal->offset(), clock, dir / id);
    in.engine = std::make_unique<alerting::Engine>(
        engine_settings(alerts, batch), cal, *in.store, *in.ledger, *in.state.schedule,
        std::map<std::string, dunghan::channels::Channel*>{{"hook", in.channel.get()}}, templates,
        clock, i + 1);
    in.engine->set_coordination(in.state.coordination.get());
  }
  // A fresh backlog: the tables of the previous run emptied (both schemas exist once the first
  // instance has touched its store and its ledger).
  all[0].ledger->counts();
  all[0].store->upsert({}, {});
  {
    dunghan::pg::Connection c(spec);
    c.exec("TRUNCATE dossiers, events, alerts, next_fire, state_meta");
  }
  all[0].store->upsert(backlog(alerts), {});

  Result r;
  r.backend = "postgresql";
  r.batch = batch;
  r.instances = instances;
  auto t0 = std::chrono::steady_clock::now();
  all[0].engine->plan();
  r.plan_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (PgInstance& in : all) {
    in.ledger->claims = 0;
    in.ledger->records = 0;
    in.ledger->counts();  // every instance connected before the clock starts
  }
  r.sent_by_instance.assign(instances, 0);
  std::vector<std::string> errors(instances);
  std::atomic<std::size_t> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < instances; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (!go) std::this_thread::yield();
      try {
        r.sent_by_instance[i] = all[i].engine->dispatch().sent;
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  while (ready < instances) std::this_thread::yield();
  const double cpu0 = cpu_seconds();
  const MachineTicks m0 = machine_ticks();
  t0 = std::chrono::steady_clock::now();
  go = true;
  for (std::thread& t : threads) t.join();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.cpu = cpu_seconds() - cpu0;
  const MachineTicks m1 = machine_ticks();
  r.machine_busy = static_cast<double>(m1.busy - m0.busy) /
                   static_cast<double>(std::max<std::uint64_t>(m1.total - m0.total, 1));
  for (std::size_t i = 0; i < instances; ++i) {
    if (!errors[i].empty())
      throw std::runtime_error("instance " + std::to_string(i + 1) + ": " + errors[i]);
    r.sent += r.sent_by_instance[i];
    r.claims += all[i].ledger->claims;
    r.records += all[i].ledger->records;
  }
  check_exactly_once(*all[0].ledger, receiver, alerts);
  r.delivered = receiver.distinct_ids();
  return r;
}

std::vector<std::size_t> numbers(const std::string& list) {
  std::vector<std::size_t> out;
  std::istringstream in(list);
  std::string b;
  while (std::getline(in, b, ',')) out.push_back(std::stoul(b));
  return out;
}

void print(const Result& r) {
  std::string split;
  for (std::int64_t n : r.sent_by_instance) split += (split.empty() ? "" : "/") + std::to_string(n);
  std::printf(
      "%-10s batch %3zu, %zu instance%s: %6.0f alerts/s delivered and recorded (%.2f s wall, "
      "%.2f s cpu of this process, machine %3.0f%% busy), %d claims, %d records, sent by "
      "instance %s, planning %.2f s\n",
      r.backend.c_str(), r.batch, r.instances, r.instances == 1 ? " " : "s",
      static_cast<double>(r.sent) / r.seconds, r.seconds, r.cpu, 100 * r.machine_busy, r.claims,
      r.records, split.c_str(), r.plan_seconds);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t alerts = 10000;
  std::vector<std::size_t> batches = {1, 64};
  std::vector<std::size_t> instances = {1, 3};
  std::size_t connections = 4;
  std::filesystem::path dir = std::filesystem::current_path() / "dispatch-bench-data";
  std::optional<int> pg_port;
  std::filesystem::path pg_password_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::string v = argv[i + 1];
    if (k == "--alerts") {
      alerts = std::stoul(v);
    } else if (k == "--batch") {
      batches = numbers(v);
    } else if (k == "--instances") {
      instances = numbers(v);
    } else if (k == "--connections") {
      connections = std::stoul(v);
    } else if (k == "--dir") {
      dir = v;
    } else if (k == "--pg-port") {
      pg_port = std::stoi(v);
    } else if (k == "--pg-password-file") {
      pg_password_file = v;
    } else {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  if (batches.empty() || instances.empty()) {
    std::cerr << "--batch and --instances need at least one number\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  try {
    Receiver receiver;
    std::vector<Result> results;
    std::cout << "alerts " << alerts << ", webhook connections " << connections << ", dir " << dir
              << " (SQLite synchronous=FULL)\n";
    for (std::size_t b : batches) {
      results.push_back(
          run(alerts, b, connections, dir / ("batch-" + std::to_string(b)), receiver));
      print(results.back());
    }
    if (pg_port) {
      dunghan::pg::ConnectSpec spec;
      spec.host = "127.0.0.1";
      spec.port = *pg_port;
      spec.database = "dunghan";
      spec.user = "dunghan";
      std::ifstream in(pg_password_file);
      std::string password;
      std::getline(in, password);
      if (password.empty()) throw std::runtime_error("no password in --pg-password-file");
      spec.password = password;
      for (std::size_t n : instances) {
        results.push_back(run_pg(alerts, batches.back(), connections, n, spec,
                                 dir / ("pg-" + std::to_string(n)), receiver));
        print(results.back());
      }
    }
    std::filesystem::remove_all(dir);
    std::cout << "{\"alerts\": " << alerts << ", \"alerts_per_second\": {";
    for (std::size_t i = 0; i < results.size(); ++i) {
      const Result& r = results[i];
      std::printf("%s\"%s_batch_%zu_instances_%zu\": %.0f", i == 0 ? "" : ", ", r.backend.c_str(),
                  r.batch, r.instances, static_cast<double>(r.sent) / r.seconds);
    }
    std::cout << "}}" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "dispatch_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
