#include "service/runtime.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "alerting/pg_state.h"
#include "alerting/pg_zalo_vault.h"
#include "channels/options.h"
#include "channels/zalo.h"
#include "log/logging.h"
#include "service/server_db.h"
#include "store/cached_reader.h"

namespace dunghan::service {
namespace {

std::string format_bytes(std::uint64_t n) {
  char buf[32];
  if (n < 1024) return std::to_string(n) + " bytes";
  if (n < 1024 * 1024) return std::to_string(n / 1024) + " KiB";
  if (n < 1024ULL * 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1024.0 * 1024.0));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(n) / (1024.0 * 1024 * 1024));
  }
  return buf;
}

/// Token files (Zalo's) kept in the state directory hold credentials: nobody but the service's
/// user may read them, also when an admin copied one in with a looser mode.
void tighten_token_files(const config::Config& c) {
#ifndef _WIN32
  namespace fs = std::filesystem;
  const fs::path state = c.service.state_dir.lexically_normal();
  for (const channels::ChannelOptions& o : c.channels) {
    const auto* z = std::get_if<channels::ZaloOptions>(&o.kind);
    if (z == nullptr) continue;
    const fs::path file = channels::zalo_token_path(*z, c.service.state_dir).lexically_normal();
    const auto rel = file.lexically_relative(state);
    if (rel.empty() || *rel.begin() == "..") continue;  // elsewhere: the admin's business
    std::error_code ec;
    const fs::perms p = fs::status(file, ec).permissions();
    if (ec || (p & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none) continue;
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                    ec);
    spdlog::warn("event=token_file_mode_fixed channel={} file={} mode=0600{}", o.name,
                 log::kv_value(file.string()),
                 ec ? " error=" + log::kv_value(ec.message()) : std::string());
  }
#else
  (void)c;
#endif
}

}  // namespace

std::optional<std::uint64_t> free_bytes(const std::filesystem::path& dir) {
  std::error_code ec;
  const std::filesystem::space_info si = std::filesystem::space(dir, ec);
  if (ec || si.available == static_cast<std::uintmax_t>(-1)) return std::nullopt;
  return static_cast<std::uint64_t>(si.available);
}

std::string state_db_error_text(const std::filesystem::path& db, const std::string& what) {
  std::string text = what;
  if (text.find(db.string()) == std::string::npos)
    text = "state database " + db.string() + ": " + text;
  const std::filesystem::path dir = db.parent_path().empty() ? "." : db.parent_path();
  const std::optional<std::uint64_t> free = free_bytes(dir);
  text += " (" + (free ? format_bytes(*free) : std::string("unknown space")) + " free on " +
          dir.string() + ")";
  return text;
}

store::StoreSettings store_settings(const config::Config& config) {
  store::StoreSettings s;
  s.path = store::resolve_store_path(config.store.path, config.service.state_dir);
  s.offset = config.calendar.offset;
  s.busy_timeout = config.store.busy_timeout;
  if (const auto& m = config.store.mapping) {
    store::Mapping mapping;
    mapping.dossiers = m->dossiers;
    mapping.events = m->events;
    mapping.url = m->url;
    if (m->password) mapping.password = m->password->reveal();
    mapping.timezone = m->timezone;
    mapping.query_timeout = m->query_timeout;
    s.mapping = std::move(mapping);
  }
  if (config.store.kind == "postgresql" && config.store.server) {
    s.server = server_spec(*config.store.server, service_instance_id(config), "store.url");
  }
  return s;
}

std::filesystem::path state_db_path(const config::Config& config) {
  return config.service.state_dir / "state.db";
}

namespace {

bool shared_state(const config::Config& config) {
  return config.state.kind == "postgresql" && config.state.server;
}

pg::ConnectSpec state_spec(const config::Config& config) {
  return server_spec(*config.state.server, service_instance_id(config), "state.url");
}

}  // namespace

std::string state_description(const config::Config& config) {
  if (shared_state(config)) return pg::describe(state_spec(config));
  return "sqlite " + state_db_path(config).string();
}

std::unique_ptr<alerting::Ledger> open_state_ledger(const config::Config& config) {
  if (shared_state(config)) {
    return alerting::open_pg_ledger(state_spec(config), service_instance_id(config));
  }
  return alerting::open_sqlite_ledger(state_db_path(config));
}

std::unique_ptr<alerting::SilenceStore> open_state_silences(const config::Config& config,
                                                            bool create) {
  if (shared_state(config)) return alerting::open_pg_silences(state_spec(config));
  std::error_code ec;
  if (!create && !std::filesystem::exists(state_db_path(config), ec)) return nullptr;
  return alerting::open_sqlite_silences(state_db_path(config));
}

std::unique_ptr<alerting::OfficeHistory> open_office_history(const config::Config& config) {
  if (shared_state(config)) return alerting::open_pg_office_history(state_spec(config));
  return alerting::open_sqlite_office_history(state_db_path(config));
}

std::unique_ptr<alerting::Ledger> open_tool_ledger(const config::Config& config) {
  if (shared_state(config)) {
    const pg::ConnectSpec spec = state_spec(config);
    alerting::check_pg_state(spec);  // connect now: a tool reports an outage at once
    return alerting::open_pg_ledger(spec, service_instance_id(config));
  }
  const std::filesystem::path db = state_db_path(config);
  std::error_code ec;
  if (!std::filesystem::exists(db, ec)) return nullptr;
  return alerting::open_sqlite_ledger(db);
}

channels::ZaloVaultFactory zalo_vault_factory(const config::Config& config) {
  if (!shared_state(config)) return {};
  return [spec = state_spec(config), instance = service_instance_id(config)](
             const std::string& channel, const channels::ZaloOptions& zalo) {
    return alerting::open_pg_zalo_vault(spec, channel, instance, zalo.token_file);
  };
}

std::unique_ptr<channels::ZaloTokenVault> open_zalo_vault(const config::Config& config,
                                                          const std::string& channel,
                                                          const channels::ZaloOptions& zalo) {
  channels::ZaloOptions resolved = zalo;
  resolved.token_file =
      std::filesystem::absolute(channels::zalo_token_path(zalo, config.service.state_dir));
  if (const channels::ZaloVaultFactory factory = zalo_vault_factory(config)) {
    return factory(channel, resolved);
  }
  return channels::make_file_zalo_vault(resolved.token_file);
}

std::filesystem::path dossier_cache_path(const config::Config& config) {
  return config.service.state_dir / "dossier-cache.db";
}

alerting::EngineSettings engine_settings(const config::Config& config) {
  alerting::EngineSettings s;
  s.deadline = config.deadline;
  s.catalogue = &config.procedures;
  s.rules = config.rules;
  s.directory = alerting::Directory(config.recipients);
  s.max_attempts = config.alerts.max_attempts;
  s.retry_initial = config.alerts.retry_initial;
  s.retry_max = config.alerts.retry_max;
  s.max_age = config.alerts.max_age;
  s.sending_lease = config.alerts.sending_lease;
  s.batch_size = static_cast<std::size_t>(config.alerts.batch_size);
  s.max_messages_per_recipient = static_cast<std::size_t>(config.alerts.max_messages_per_recipient);
  // Any change of the configuration file (or of the schedules it names) re-plans open dossiers.
  std::string material = config.source.string();
  if (!config.source.empty()) {
    std::ifstream in(config.source, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    material += buf.str();
  }
  for (const std::string& origin : config.schedule_origins) material += "|" + origin;
  s.fingerprint = std::to_string(std::hash<std::string>{}(material));
  return s;
}

std::unique_ptr<Runtime> build_runtime(config::Config cfg, const calendar::Clock& clock) {
  auto rt = std::make_unique<Runtime>();
  rt->config = std::move(cfg);
  const config::Config& c = rt->config;
  rt->calendar = config::build_calendar(c);
  std::error_code ec;
  std::filesystem::create_directories(c.service.state_dir, ec);
  if (ec) {
    throw std::runtime_error("cannot create the state directory " + c.service.state_dir.string() +
                             ": " + ec.message());
  }
  rt->store = store::open_reader(store_settings(c));
  rt->instance_id = service_instance_id(c);
  rt->state_description = state_description(c);
  if (c.store.mapping) {
    // The agency's database may be down: keep the last copy of each open dossier, so that the
    // alerts already planned still go out (store/cached_reader.h). The copies live in the state
    // directory (each instance its own): failing to open them is a state database fault.
    try {
      rt->store =
          std::make_unique<store::CachedReader>(std::move(rt->store), dossier_cache_path(c));
    } catch (const std::exception& e) {
      throw StateDbError(state_db_error_text(dossier_cache_path(c), e.what()));
    }
  }
  rt->instance_id = service_instance_id(c);
  rt->state_description = state_description(c);
  if (shared_state(c)) {
    // Connects at first use: a server that is down now is a failed cycle (503), retried.
    alerting::PgState state = alerting::open_pg_state(state_spec(c), rt->instance_id);
    rt->ledger = std::move(state.ledger);
    rt->schedule = std::move(state.schedule);
    rt->coordination = std::move(state.coordination);
    rt->silences = alerting::open_pg_silences(state_spec(c));
  } else {
    try {
      rt->ledger = alerting::open_sqlite_ledger(state_db_path(c));
      rt->schedule = alerting::FireSchedule::open(state_db_path(c));
      rt->silences = alerting::open_sqlite_silences(state_db_path(c));
    } catch (const std::exception& e) {
      throw StateDbError(state_db_error_text(state_db_path(c), e.what()));
    }
  }
  tighten_token_files(c);
  rt->templates =
      std::make_unique<render::Templates>(render::Templates::load(c.alerts.templates_dir));
  std::map<std::string, channels::Channel*> by_name;
  const channels::ZaloVaultFactory zalo_vaults = zalo_vault_factory(c);
  for (const channels::ChannelOptions& o : c.channels) {
    auto ch = channels::make_channel(o, clock, c.service.state_dir, zalo_vaults);
    by_name[o.name] = ch.get();
    rt->channels[o.name] = std::move(ch);
  }
  rt->engine =
      std::make_unique<alerting::Engine>(engine_settings(c), rt->calendar, *rt->store, *rt->ledger,
                                         *rt->schedule, std::move(by_name), *rt->templates, clock);
  rt->engine->set_coordination(rt->coordination.get());
  rt->engine->set_silences(rt->silences.get());
  return rt;
}

}  // namespace dunghan::service
