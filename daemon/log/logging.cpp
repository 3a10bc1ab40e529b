#include "log/logging.h"

#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#ifdef _WIN32
#include <spdlog/sinks/win_eventlog_sink.h>
#else
#include <spdlog/sinks/systemd_sink.h>
#endif

#include "log/redact.h"

namespace dunghan::log {
namespace {

/// Forwards each message, with registered secrets redacted, to the wrapped sinks.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit RedactingSink(std::vector<spdlog::sink_ptr> inner) : inner_(std::move(inner)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string clean = redact(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy(msg);
    copy.payload = spdlog::string_view_t(clean.data(), clean.size());
    for (auto& target : inner_) {
      if (target->should_log(copy.level)) target->log(copy);
    }
  }
  void flush_() override {
    for (auto& target : inner_) target->flush();
  }

 private:
  std::vector<spdlog::sink_ptr> inner_;
};

bool started_by_systemd() {
  const char* js = std::getenv("JOURNAL_STREAM");
  return js != nullptr && *js != '\0';
}

}  // namespace

std::optional<spdlog::level::level_enum> parse_level(std::string_view s) {
  if (s == "trace") return spdlog::level::trace;
  if (s == "debug") return spdlog::level::debug;
  if (s == "info") return spdlog::level::info;
  if (s == "warn" || s == "warning") return spdlog::level::warn;
  if (s == "error") return spdlog::level::err;
  if (s == "critical") return spdlog::level::critical;
  if (s == "off") return spdlog::level::off;
  return std::nullopt;
}

void init_logging(const LogSetup& setup) {
  std::vector<spdlog::sink_ptr> sinks;
  bool journal = setup.target == Target::journal ||
                 (setup.target == Target::automatic && started_by_systemd());
#ifdef _WIN32
  if (journal) {
    sinks.push_back(std::make_shared<spdlog::sinks::win_eventlog_sink_mt>("dunghan"));
  } else {
    sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  }
#else
  if (journal) {
    auto sink = std::make_shared<spdlog::sinks::systemd_sink_mt>("dunghan");
    sink->set_pattern("%v");  // the journal records time, level and unit itself
    sinks.push_back(sink);
  } else {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z level=%l %v");
    sinks.push_back(sink);
  }
#endif
  if (setup.file) {
    auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
        *setup.file, setup.file_max_bytes, setup.file_max_files);
    sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z level=%l %v");
    sinks.push_back(sink);
  }
  auto redacting = std::make_shared<RedactingSink>(std::move(sinks));
  auto logger = std::make_shared<spdlog::logger>("dunghan", redacting);
  logger->set_level(setup.level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

std::string kv_value(std::string_view value) {
  bool needs_quotes = value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\t' || static_cast<unsigned char>(c) < 0x20) {
      needs_quotes = true;
    }
  }
  if (!needs_quotes) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace dunghan::log
