// Alert states as text, and the alert key (SHA-256 over the length-prefixed identity fields).
#include "alerting/ledger.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>
#include <tuple>

namespace dunghan::alerting {

namespace {

constexpr std::array<std::pair<AlertState, std::string_view>, 9> kStateNames{{
    {AlertState::pending, "pending"},
    {AlertState::sending, "sending"},
    {AlertState::sent, "sent"},
    {AlertState::retry, "retry"},
    {AlertState::dead, "dead"},
    {AlertState::cancelled, "cancelled"},
    {AlertState::skipped, "skipped"},
    {AlertState::unreachable, "unreachable"},
    {AlertState::silenced, "silenced"},
}};

/// Appends `field` as a netstring ("<length>:<bytes>,"): no two field lists encode alike.
void append_field(std::string& buf, std::string_view field) {
  buf += std::to_string(field.size());
  buf += ':';
  buf += field;
  buf += ',';
}

}  // namespace

std::string_view to_string(AlertState s) {
  for (const auto& [state, name] : kStateNames) {
    if (state == s) return name;
  }
  return "unknown";
}

bool is_waiting_state(AlertState s) {
  return s == AlertState::pending || s == AlertState::retry || s == AlertState::silenced;
}

std::optional<AlertState> parse_alert_state(std::string_view s) {
  for (const auto& [state, name] : kStateNames) {
    if (name == s) return state;
  }
  return std::nullopt;
}

std::string_view to_string(Transition t) {
  return t == Transition::applied ? "applied" : "changed_meanwhile";
}

void check_insert(const AlertRow& row, const std::string& key) {
  if (row.state != AlertState::pending && row.state != AlertState::skipped) {
    throw std::invalid_argument("ledger: insert: alert " + key +
                                " must be pending or skipped, not " +
                                std::string(to_string(row.state)));
  }
  if (!row.key.empty() && row.key != key) {
    throw std::invalid_argument("ledger: insert: key " + row.key + " does not match its id (" +
                                key + ")");
  }
}

void check_outcome(const RowOutcome& o) {
  if (o.state == AlertState::sending) {
    throw std::invalid_argument("ledger: record(" + o.key + "): an outcome cannot be sending");
  }
  if (is_waiting_state(o.state) && !o.next_attempt_at) {
    throw std::invalid_argument("ledger: record(" + o.key + ", " + std::string(to_string(o.state)) +
                                ") needs next_attempt_at");
  }
}

std::string alert_key(const AlertId& id) {
  std::string buf = "dunghan-alert-v1;";
  append_field(buf, id.code);
  append_field(buf, id.rule);
  append_field(buf, std::to_string(id.due_version));
  append_field(buf, std::to_string(id.repeat));
  append_field(buf, id.recipient);
  append_field(buf, id.channel);

  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(buf.data(), buf.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length < 16) {
    throw std::runtime_error("alert_key: SHA-256 failed (OpenSSL)");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key = "a";
  key.reserve(33);
  for (std::size_t i = 0; i < 16; ++i) {
    key += kHex[digest[i] >> 4];
    key += kHex[digest[i] & 0x0F];
  }
  return key;
}

std::size_t Ledger::restore(const std::vector<AlertRow>& /*rows*/) {
  throw std::logic_error("this ledger cannot restore rows");
}

std::size_t Ledger::sent_singles_since(const std::string& recipient, const std::string& channel,
                                       Instant since) {
  std::size_t n = 0;
  for (const AlertRow& r : list(AlertState::sent, std::numeric_limits<std::size_t>::max())) {
    if (r.id.recipient == recipient && r.id.channel == channel && r.digest_key.empty() &&
        r.sent_at && *r.sent_at >= since) {
      ++n;
    }
  }
  return n;
}

std::vector<AlertRow> Ledger::for_dossier(const std::string& code, std::size_t limit) {
  std::vector<AlertRow> out;
  for (AlertRow& r : list(std::nullopt, std::numeric_limits<std::size_t>::max())) {
    if (r.id.code == code) out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const AlertRow& a, const AlertRow& b) {
    return std::tie(b.created_at, b.fire_at, a.key) < std::tie(a.created_at, a.fire_at, b.key);
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace dunghan::alerting
