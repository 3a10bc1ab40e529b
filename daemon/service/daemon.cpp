#include "service/daemon.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>

#include "alerting/ledger.h"
#include "config/config.h"
#include "deadline/clock.h"
#include "log/logging.h"
#include "log/redact.h"
#include "pg/connection.h"
#include "service/health.h"
#include "service/http_server.h"
#include "service/notify.h"
#include "service/office.h"
#include "service/runtime.h"
#include "service/server_db.h"
#include "service/state_lock.h"
#include "store/store.h"

#ifndef DUNGHAN_VERSION
#define DUNGHAN_VERSION "dev"
#endif

namespace dunghan::service {

namespace {

namespace asio = boost::asio;
using calendar::Instant;
using std::chrono::seconds;
using steady = std::chrono::steady_clock;

/// How long in-flight sends may take to finish after a stop request.
constexpr seconds kStopGrace{20};
/// How often the open dossiers are walked for the office pages, the metrics and the routing check.
constexpr seconds kOpenScanInterval{60};
/// A cycle busy longer than this counts as stuck: the watchdog stops being fed.
constexpr seconds kStuckCycle{600};
/// The same failure, cycle after cycle, is logged again after this long (and whenever it changes).
constexpr seconds kRepeatFailureLog{600};

/// The endpoint's TLS settings of `cfg`, if any.
std::optional<HttpTls> tls_of(const config::Config& cfg) {
  if (!cfg.service.tls_cert_file || !cfg.service.tls_key_file) return std::nullopt;
  return HttpTls{cfg.service.tls_cert_file->string(), cfg.service.tls_key_file->string()};
}

/// A configuration without rules is valid (commands need none) but a daemon running on it never
/// alerts anybody: say so where ops look.
void warn_if_silent(const config::Config& cfg) {
  if (cfg.rules.empty()) {
    spdlog::warn(
        "event=no_rules note=\"the configuration has no [[rule]]: no alert will be sent\"");
  }
}

/// This instance's status for /healthz and /metrics. With a shared state: asks the state database
/// for the rows this instance holds (-1 when it cannot be reached); with a state of its own, the
/// rows in `sending` are this process's (from `counts` when given).
InstanceStatus instance_status(Runtime& rt, const std::optional<alerting::StateCounts>& counts) {
  InstanceStatus s;
  s.id = rt.instance_id;
  s.state = rt.state_description;
  if (rt.coordination) {
    s.planner = rt.coordination->leads();
    try {
      s.leased_rows = rt.coordination->leased_rows();
    } catch (const std::exception&) {  // an outage: the cycle reports it
    }
  } else {
    s.planner = true;
    if (counts) {
      const auto it = counts->find(alerting::AlertState::sending);
      s.leased_rows = it == counts->end() ? 0 : it->second;
    }
  }
  return s;
}

class Daemon final : public DaemonControl {
 public:
  Daemon(DaemonOptions options, DaemonHooks hooks)
      : opt_(std::move(options)),
        hooks_(std::move(hooks)),
        signals_(io_),
        cycle_timer_(io_),
        watchdog_timer_(io_),
        daily_timer_(io_),
        stall_timer_(io_),
        grace_timer_(io_),
        notifier_(hooks_.systemd_notify) {}

  ~Daemon() override {
    if (worker_.joinable()) worker_.join();
  }

  void request_stop() override {
    asio::post(io_, [this] { stop("stop requested"); });
  }
  void request_reload() override {
    asio::post(io_, [this] { reload(); });
  }

  int run();

 private:
  void lifecycle(Lifecycle l, const std::string& detail) {
    if (hooks_.on_lifecycle) hooks_.on_lifecycle(l, detail);
  }
  bool start();
  void wait_signals();
  void schedule_cycle(steady::duration delay);
  void start_cycle();
  void cycle_job(std::shared_ptr<Runtime> rt);
  /// Builds a runtime from `cfg` (a copy). On failure records it (health, log) and returns null.
  std::shared_ptr<Runtime> try_build(const config::Config& cfg);
  /// Records a failed cycle or build: health, and the log when it is new or long repeated.
  void failed(calendar::Instant at, Fault fault, const std::string& error);
  /// Runs `work`, turning its exceptions into failed(): store errors, state database errors
  /// (SQLite, named with the free space), others. Returns true when `work` returned.
  bool guarded(calendar::Instant at, const std::filesystem::path& state_db,
               const std::function<void()>& work);
  void on_cycle_done(std::optional<Instant> next_wake);
  void stop(const std::string& why);
  void finish_stop(bool forced);
  void reload();
  void watchdog_tick();
  void daily_tick();
  void check_provisional();
  /// Points the office pages at the runtime in force (rt_ set). Throws what Office::configure
  /// throws.
  void configure_office();
  /// The endpoint's handlers, with the reload token of `cfg`.
  HttpHandlers http_handlers(const config::Config& cfg);
  /// Applies a reloaded configuration's [service] listen and reload token to the endpoint: the
  /// token in place; a new address by binding it first and closing the old one after. Returns
  /// the error when the new address cannot be bound (nothing is changed then).
  std::optional<std::string> apply_listen(const config::Config& cfg);
  void submit(std::function<void()> job);
  void worker_loop();

  DaemonOptions opt_;
  DaemonHooks hooks_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer cycle_timer_, watchdog_timer_, daily_timer_, stall_timer_, grace_timer_;
  Notifier notifier_;
  Health health_;
  std::unique_ptr<calendar::Clock> clock_;
  config::ConfigChoice config_choice_;
  config::Config cfg_;                  // the configuration in force (event-loop thread only)
  std::shared_ptr<StateDirLock> lock_;  // the state directory's, for the process's life
  std::shared_ptr<Runtime> rt_;  // event-loop thread only; the worker gets copies; null while it
                                 // cannot be built (full disk, store missing): retried each poll
  bool recovered_ = false;       // worker: the ledger's start-up recovery has run
  std::string last_failure_;     // worker: the last failure logged, and when
  bool store_failed_ = false;    // worker: the last failed cycle could not read the store
  steady::time_point last_failure_logged_{};
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<Office> office_;  // the pages and the API behind http_
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
  bool cycle_running_ = false;
  bool cycle_again_ = false;
  std::atomic<steady::rep> busy_since_{0};  // 0: the worker is idle
  steady::time_point last_open_scan_{};
  calendar::Date last_provisional_warning_{};
  std::map<std::string, calendar::Date> problems_logged_;  // worker only
  bool store_down_ = false;  // the last cycle could not read the store (logged once)

  std::thread worker_;
  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<std::function<void()>> queue_;
  bool quit_ = false;
};

void Daemon::submit(std::function<void()> job) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(std::move(job));
  }
  queue_cv_.notify_one();
}

void Daemon::worker_loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return quit_ || !queue_.empty(); });
      if (queue_.empty()) return;  // quit requested and nothing left
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    busy_since_ = steady::now().time_since_epoch().count();
    job();
    busy_since_ = 0;
  }
}

bool Daemon::start() {
  lifecycle(Lifecycle::starting, "");
  config_choice_ = config::choose_config_path(opt_.config_path);
  config::Config cfg;
  try {
    cfg = config::load_config(config_choice_.path);
  } catch (const config::ConfigError& e) {
    for (const config::Diagnostic& d : e.diagnostics())
      std::cerr << "error: " << to_string(d) << '\n';
    std::cerr << e.diagnostics().size() << " error(s) in the configuration; not starting.\n";
    return false;
  }
  log::LogSetup setup;
  setup.level =
      log::parse_level(opt_.log_level.value_or(cfg.log.level)).value_or(spdlog::level::info);
  if (cfg.log.file) {
    setup.file = cfg.log.file->string();
    setup.file_max_bytes = cfg.log.max_size_mb * 1024 * 1024;
    setup.file_max_files = cfg.log.max_files;
  }
  log::init_logging(setup);
  if (opt_.start_clock_at) {
    clock_ = std::make_unique<calendar::OffsetClock>(*opt_.start_clock_at);
    spdlog::warn("event=testing_clock start={} note=\"--start-clock-at is a testing option\"",
                 calendar::format_iso(*opt_.start_clock_at, cfg.calendar.offset));
  } else {
    clock_ = std::make_unique<calendar::SystemClock>();
  }
  // Before anything touches the ledger: one sending process per state directory.
  try {
    lock_ = std::make_shared<StateDirLock>(StateDirLock::acquire(cfg.service.state_dir));
  } catch (const StateDirBusy& e) {
    spdlog::critical("event=state_dir_busy lock={} holder_pid={}",
                     log::kv_value(e.lock_file().string()),
                     e.holder_pid() ? std::to_string(*e.holder_pid()) : std::string("unknown"));
    std::cerr << "error: " << e.what() << '\n';
    return false;
  } catch (const std::exception& e) {
    spdlog::critical("event=startup_failed error={}", log::kv_value(e.what()));
    std::cerr << "error: " << log::redact(e.what()) << '\n';
    return false;
  }
  cfg_ = cfg;
  // The runtime. A store or state database that cannot be used now (missing, full disk) does
  // not stop the daemon: it serves /healthz (503, saying why) and tries again every poll, so that
  // it recovers by itself. Anything else is misconfiguration: fail fast.
  try {
    rt_ = std::shared_ptr<Runtime>(build_runtime(std::move(cfg), *clock_).release());
  } catch (const store::StoreError& e) {
    failed(clock_->now(), Fault::store, log::redact(e.what()));
  } catch (const StateDbError& e) {
    failed(clock_->now(), Fault::state_db, log::redact(e.what()));
  } catch (const std::exception& e) {
    spdlog::critical("event=startup_failed error={}", log::kv_value(e.what()));
    std::cerr << "error: " << log::redact(e.what()) << '\n';
    return false;
  }
  const std::string& listen = cfg_.service.listen;
  try {
    office_ = std::make_unique<Office>(*clock_);
    if (rt_) configure_office();
    http_ = std::make_unique<HttpServer>(io_, listen, http_handlers(cfg_), tls_of(cfg_));
  } catch (const std::exception& e) {
    spdlog::critical("event=startup_failed error={}", log::kv_value(e.what()));
    std::cerr << "error: " << e.what() << '\n';
    return false;
  }
  health_.reload_result(true, clock_->now(), "");
  health_.state_dir_free(free_bytes(cfg_.service.state_dir));
  spdlog::info(
      "event=started version={} config={} state_dir={} lock={} listen={} port={} rules={} "
      "channels={} instance={} state={}",
      DUNGHAN_VERSION, log::kv_value(config_choice_.path.string()),
      log::kv_value(cfg_.service.state_dir.string()), log::kv_value(lock_->path().string()), listen,
      http_->port(), cfg_.rules.size(), cfg_.channels.size(),
      log::kv_value(rt_ ? rt_->instance_id : service_instance_id(cfg_)),
      log::kv_value(rt_ ? rt_->state_description : std::string("unknown")));
  if (rt_) health_.instance(instance_status(*rt_, std::nullopt));
  for (const auto& ch : cfg_.channels) {
    if (const auto* e = std::get_if<channels::EmailOptions>(&ch.kind); e && !e->tls_verify) {
      spdlog::warn("event=tls_verification_off channel={} note=\"tls_verify = false\"", ch.name);
    }
  }
  warn_if_silent(cfg_);
  return true;
}

void Daemon::failed(calendar::Instant at, Fault fault, const std::string& error) {
  health_.cycle_failed(at, fault, error);
  store_failed_ = fault == Fault::store;
  const char* what = fault == Fault::store      ? "store_unreachable"
                     : fault == Fault::state_db ? "state_db_failing"
                                                : "cycle_failed";
  const auto now = steady::now();
  if (error != last_failure_ || now - last_failure_logged_ >= kRepeatFailureLog) {
    spdlog::error(
        "event={} error={} note=\"no alert goes out until this is fixed; retrying every "
        "poll\"",
        what, log::kv_value(error));
    last_failure_ = error;
    last_failure_logged_ = now;
  } else {
    spdlog::debug("event={} error={}", what, log::kv_value(error));
  }
}

bool Daemon::guarded(calendar::Instant at, const std::filesystem::path& state_db,
                     const std::function<void()>& work) {
  try {
    work();
    return true;
  } catch (const store::StoreError& e) {
    failed(at, Fault::store, log::redact(e.what()));
  } catch (const StateDbError& e) {
    failed(at, Fault::state_db, log::redact(e.what()));
  } catch (const pg::Error& e) {
    // The PostgreSQL store wraps its errors too: a bare one comes from the shared state (it names
    // the server and the database).
    failed(at, Fault::state_db, log::redact(e.what()));
  } catch (const std::exception& e) {
    // The store wraps its own SQLite errors: a bare one comes from the state database.
    if (alerting::is_state_db_error(e)) {
      failed(at, Fault::state_db, log::redact(state_db_error_text(state_db, e.what())));
    } else {
      failed(at, Fault::other, log::redact(e.what()));
    }
  }
  return false;
}

std::shared_ptr<Runtime> Daemon::try_build(const config::Config& cfg) {
  std::shared_ptr<Runtime> rt;
  guarded(clock_->now(), state_db_path(cfg),
          [&] { rt = std::shared_ptr<Runtime>(build_runtime(cfg, *clock_).release()); });
  return rt;
}

void Daemon::configure_office() {
  office_->configure(rt_->config, rt_->calendar);
}

void Daemon::wait_signals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
#ifdef SIGHUP
    if (sig == SIGHUP) {
      reload();
      if (!stopped_) wait_signals();
      return;
    }
#endif
    { stop(sig == SIGTERM ? "SIGTERM" : "SIGINT"); }
    if (!stopped_) wait_signals();
  });
}

int Daemon::run() {
  if (hooks_.on_control_ready) hooks_.on_control_ready(*this);
  if (!start()) {
    lifecycle(Lifecycle::stopped, "start-up failed");
    return 1;
  }
  worker_ = std::thread([this] { worker_loop(); });
  if (hooks_.handle_signals) {
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
#ifdef SIGHUP
    signals_.add(SIGHUP);
#endif
    wait_signals();
  }
  if (notifier_.watchdog_interval()) watchdog_tick();
  daily_tick();
  if (opt_.test_stall_loop_after) {
    stall_timer_.expires_after(seconds{*opt_.test_stall_loop_after});
    stall_timer_.async_wait([](const boost::system::error_code& ec) {
      if (ec) return;
      spdlog::warn("event=testing_stall note=\"the event loop blocks now (testing option)\"");
      for (;;) std::this_thread::sleep_for(std::chrono::hours{1});
    });
  }
  health_.set_phase("running", clock_->now());
  notifier_.ready();
  notifier_.status("starting first cycle");
  lifecycle(Lifecycle::running, "");
  schedule_cycle(steady::duration::zero());
  io_.run();
  return 0;
}

void Daemon::schedule_cycle(steady::duration delay) {
  cycle_timer_.expires_after(delay);
  cycle_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) start_cycle();
  });
}

void Daemon::start_cycle() {
  if (stopping_) return;
  if (cycle_running_) {
    cycle_again_ = true;
    return;
  }
  cycle_running_ = true;
  if (rt_) {
    submit([this, rt = rt_] { cycle_job(rt); });
    return;
  }
  // No runtime yet (start-up met a full disk or a missing store): build it on the worker first.
  submit([this, cfg = cfg_] {
    std::shared_ptr<Runtime> rt = try_build(cfg);
    health_.state_dir_free(free_bytes(cfg.service.state_dir));
    if (!rt) {
      asio::post(io_, [this] { on_cycle_done(std::nullopt); });
      return;
    }
    spdlog::info("event=runtime_ready note=\"the store and the state database are usable again\"");
    asio::post(io_, [this, rt] {
      if (!rt_) {
        rt_ = rt;
        check_provisional();
        try {
          configure_office();
        } catch (const std::exception& e) {
          spdlog::error("event=office_reconfigure_failed error={}",
                        log::kv_value(log::redact(e.what())));
        }
      }
    });
    cycle_job(rt);
  });
}

void Daemon::cycle_job(std::shared_ptr<Runtime> rt) {
  const Instant started = clock_->now();
  const auto t0 = steady::now();
  std::optional<Instant> next_wake;
  std::optional<alerting::StateCounts> counts;  // the ledger's, when the cycle got that far
  const bool ok = guarded(started, state_db_path(rt->config), [&] {
    // Rows a crashed process left in `sending` go back to pending once, before the first cycle
    // (this process holds the state directory's lock: nobody else is sending from a state of its
    // own). With a shared state they may be other instances' sends in flight: they come back when
    // their lease runs out (every cycle, recover_expired).
    if (!recovered_) {
      if (!rt->coordination) rt->engine->recover();
      recovered_ = true;
    }
    const alerting::CycleReport report =
        rt->engine->run_cycle([this] { return !stopping_.load(); });
    next_wake = report.next_wake;
    // Keep the write-ahead log small, so that the ledger needs little free space.
    rt->ledger->checkpoint();
    if (steady::now() - last_open_scan_ >= kOpenScanInterval ||
        last_open_scan_ == steady::time_point{}) {
      const auto snap = office_->refresh(*rt->store, rt->config, *rt->calendar);
      health_.open_dossiers(snap->by_state);
      health_.routing(snap->unroutable, static_cast<std::int64_t>(snap->problems.size()));
      last_open_scan_ = steady::now();
    }
    counts = rt->ledger->counts();
    health_.cycle_done(started, steady::now() - t0, report, *counts);
    if (report.store_unavailable && !store_down_) {
      spdlog::error(
          "event=store_unreachable reason={} note=\"planned alerts go out from the last "
          "copies; reading resumes by itself\"",
          log::kv_value(log::redact(*report.store_unavailable)));
    } else if (!report.store_unavailable && store_down_) {
      spdlog::info("event=store_reachable");
    }
    store_down_ = report.store_unavailable.has_value();
    // Routing and data problems of the cycle: each once a day in the log, not every cycle.
    for (const std::string& p : report.problems) {
      const calendar::Date today = calendar::local_date(clock_->now(), rt->calendar->offset());
      auto [it, fresh] = problems_logged_.try_emplace(p, today);
      if (fresh || it->second != today) {
        it->second = today;
        spdlog::warn("event=cycle_problem detail={}", log::kv_value(p));
      }
    }
    spdlog::debug("event=cycle_done seconds={:.3f} read={} planned={} sent={} retry={} dead={}",
                  std::chrono::duration<double>(steady::now() - t0).count(), report.dossiers_read,
                  report.planned, report.sent, report.retried, report.dead);
  });
  if (ok && store_failed_) {
    // A cycle that could not read the store at all (no last copies to plan from) logged
    // event=store_unreachable through failed(): its end is said the same way.
    spdlog::info("event=store_reachable");
    store_failed_ = false;
  }
  if (ok && !last_failure_.empty()) {
    spdlog::info("event=cycle_recovered after={}", log::kv_value(last_failure_));
    last_failure_.clear();
  }
  health_.state_dir_free(free_bytes(rt->config.service.state_dir));
  health_.instance(instance_status(*rt, counts));
  asio::post(io_, [this, next_wake] { on_cycle_done(next_wake); });
}

void Daemon::on_cycle_done(std::optional<Instant> next_wake) {
  cycle_running_ = false;
  notifier_.status(health_.status_line());
  if (stopping_) {
    finish_stop(false);
    return;
  }
  if (cycle_again_) {
    cycle_again_ = false;
    schedule_cycle(steady::duration::zero());
    return;
  }
  steady::duration delay = cfg_.service.poll_interval;
  if (next_wake) {
    const auto until = *next_wake - clock_->now();
    delay = std::clamp<steady::duration>(until, seconds{1}, cfg_.service.poll_interval);
  }
  schedule_cycle(delay);
}

void Daemon::stop(const std::string& why) {
  if (stopping_) return;
  stopping_ = true;
  spdlog::info("event=stopping reason={}", log::kv_value(why));
  health_.set_phase("stopping", clock_->now());
  notifier_.stopping();
  lifecycle(Lifecycle::stopping, why);
  cycle_timer_.cancel();
  watchdog_timer_.cancel();
  daily_timer_.cancel();
  if (http_) http_->stop();
  if (!cycle_running_) {
    finish_stop(false);
    return;
  }
  grace_timer_.expires_after(kStopGrace);
  grace_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) finish_stop(true);
  });
}

void Daemon::finish_stop(bool forced) {
  if (stopped_) return;
  stopped_ = true;
  grace_timer_.cancel();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  {
    std::lock_guard lock(queue_mutex_);
    quit_ = true;
    queue_.clear();
  }
  queue_cv_.notify_all();
  if (forced) {
    // A send is still blocked after the grace period: its row stays `sending` and is resent with
    // the same key at the next start (ledger recovery). Leave without waiting for it.
    spdlog::warn("event=stop_forced grace_seconds={} note=\"in-flight send resent at next start\"",
                 kStopGrace.count());
    spdlog::default_logger()->flush();
    lifecycle(Lifecycle::stopped, "stopped after the grace period");
    std::_Exit(0);
  }
  spdlog::info("event=stopped");
  io_.stop();
}

void Daemon::reload() {
  if (stopping_) return;
  spdlog::info("event=reload_requested config={}", log::kv_value(config_choice_.path.string()));
  notifier_.reloading();
  lifecycle(Lifecycle::reloading, "");
  // Runs on the worker, between cycles; the swap happens on the event loop.
  submit([this, current_state_dir = cfg_.service.state_dir] {
    std::shared_ptr<Runtime> fresh;
    std::shared_ptr<StateDirLock> fresh_lock;
    std::string error;
    try {
      // An empty file met here is one being written, not a wish for no rules and no channels.
      config::Config cfg = config::load_config(config_choice_.path, config::EmptyFile::reject);
      if (cfg.service.state_dir != current_state_dir) {
        // Another state directory: it must be ours alone before its ledger is touched.
        fresh_lock = std::make_shared<StateDirLock>(StateDirLock::acquire(cfg.service.state_dir));
      }
      fresh = std::shared_ptr<Runtime>(build_runtime(std::move(cfg), *clock_).release());
    } catch (const config::ConfigError& e) {
      for (const config::Diagnostic& d : e.diagnostics()) {
        spdlog::error("event=reload_config_error detail={}", log::kv_value(to_string(d)));
      }
      error = std::to_string(e.diagnostics().size()) + " error(s) in " +
              config_choice_.path.string() + ": " +
              (e.diagnostics().empty() ? std::string() : to_string(e.diagnostics().front()));
    } catch (const std::exception& e) {
      error = log::redact(e.what());
      spdlog::error("event=reload_failed error={}", log::kv_value(error));
    }
    if (fresh && fresh_lock) recovered_ = false;  // a ledger this process has not sent from
    asio::post(io_, [this, fresh, fresh_lock, error] {
      const Instant now = clock_->now();
      std::optional<std::string> listen_error;
      if (fresh) listen_error = apply_listen(fresh->config);
      if (fresh && !listen_error) {
        rt_ = fresh;
        cfg_ = fresh->config;
        if (fresh_lock) lock_ = fresh_lock;
        try {
          configure_office();
        } catch (const std::exception& e) {
          spdlog::error("event=office_reconfigure_failed error={}",
                        log::kv_value(log::redact(e.what())));
        }
        spdlog::set_level(log::parse_level(opt_.log_level.value_or(rt_->config.log.level))
                              .value_or(spdlog::level::info));
        health_.reload_result(true, now, "");
        spdlog::info("event=reloaded rules={} channels={}", rt_->config.rules.size(),
                     rt_->channels.size());
        warn_if_silent(rt_->config);
        check_provisional();
        start_cycle();
      } else {
        health_.reload_result(false, now, listen_error.value_or(error));
        spdlog::error("event=reload_rejected note=\"the previous configuration stays in force\"");
      }
      notifier_.ready();
      notifier_.status(health_.status_line());
      lifecycle(Lifecycle::running,
                fresh && !listen_error ? "reloaded" : "reload failed; previous configuration kept");
    });
  });
}

void Daemon::watchdog_tick() {
  const auto interval = notifier_.watchdog_interval();
  if (!interval || stopping_) return;
  const steady::rep since = busy_since_.load();
  const bool stuck =
      since != 0 && steady::now() - steady::time_point(steady::duration(since)) > kStuckCycle;
  if (stuck) {
    spdlog::error("event=cycle_stuck note=\"not feeding the watchdog; systemd will restart us\"");
  } else {
    notifier_.watchdog();
  }
  watchdog_timer_.expires_after(*interval);
  watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) watchdog_tick();
  });
}

void Daemon::check_provisional() {
  if (!rt_) return;  // checked again once the runtime is built
  const Instant now = clock_->now();
  const calendar::Date today = calendar::local_date(now, rt_->calendar->offset());
  const std::chrono::year_month_day ymd{today};
  const int next_year = static_cast<int>(ymd.year()) + 1;
  if (static_cast<unsigned>(ymd.month()) >= 10 && next_year <= calendar::kLastSupportedYear &&
      rt_->calendar->is_provisional(next_year)) {
    const std::string msg = "the official holiday schedule for " + std::to_string(next_year) +
                            " is not loaded; its calendar is provisional (statutory rules)";
    health_.provisional_warning(msg);
    if (last_provisional_warning_ != today) {
      last_provisional_warning_ = today;
      spdlog::warn("event=calendar_provisional year={} detail={}", next_year, log::kv_value(msg));
    }
  } else {
    health_.provisional_warning(std::nullopt);
  }
}

void Daemon::daily_tick() {
  if (stopping_) return;
  check_provisional();
  daily_timer_.expires_after(std::chrono::hours{1});
  daily_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) daily_tick();
  });
}

HttpHandlers Daemon::http_handlers(const config::Config& cfg) {
  HttpHandlers h;
  h.healthz = [this] {
    const seconds max_age = 3 * cfg_.service.poll_interval + seconds{120};
    const bool ok = health_.healthy(clock_->now(), max_age);
    return HttpResponse{ok ? 200 : 503, "application/json",
                        health_.healthz_json(clock_->now(), max_age, cfg_.calendar.offset)};
  };
  h.metrics = [this] {
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                        health_.metrics_text(DUNGHAN_VERSION)};
  };
  h.app = [this](const HttpRequest& r) { return office_->handle(r); };
  h.reload = [this] {
    reload();
    return HttpResponse{202, "text/plain; charset=utf-8", "reload requested\n"};
  };
  if (cfg.service.reload_token) h.reload_token = cfg.service.reload_token->reveal();
  return h;
}

std::optional<std::string> Daemon::apply_listen(const config::Config& cfg) {
  const std::string& listen = cfg.service.listen;
  const bool same = listen == cfg_.service.listen;
  if (same && !tls_of(cfg) && !tls_of(cfg_)) {
    http_->set_reload_token(cfg.service.reload_token
                                ? std::optional<std::string>(cfg.service.reload_token->reveal())
                                : std::nullopt);
    return std::nullopt;
  }
  // HTTPS on the same address: the certificate and key are read again (renewed, or other files),
  // which needs the address free first; on failure the old endpoint is put back.
  if (same) http_->stop();
  std::unique_ptr<HttpServer> fresh;
  try {
    fresh = std::make_unique<HttpServer>(io_, listen, http_handlers(cfg), tls_of(cfg));
  } catch (const std::exception& e) {
    spdlog::error("event=reload_listen_failed listen={} error={}", listen, log::kv_value(e.what()));
    if (same) {
      try {
        http_ = std::make_unique<HttpServer>(io_, listen, http_handlers(cfg_), tls_of(cfg_));
      } catch (const std::exception& again) {
        spdlog::critical("event=endpoint_down listen={} error={}", listen,
                         log::kv_value(again.what()));
      }
    }
    return e.what();
  }
  if (!same) http_->stop();  // connections already open finish their request
  http_ = std::move(fresh);
  spdlog::info("event=listen_changed from={} listen={} port={}", cfg_.service.listen, listen,
               http_->port());
  return std::nullopt;
}

}  // namespace

int run_daemon(const DaemonOptions& options, DaemonHooks hooks) {
  auto d = std::make_unique<Daemon>(options, std::move(hooks));
  const int code = d->run();
  d.reset();
  return code;
}

}  // namespace dunghan::service
