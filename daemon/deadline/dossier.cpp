#include "deadline/dossier.h"

#include <algorithm>
#include <array>
#include <utility>

namespace dunghan::deadline {
namespace {

constexpr std::array<std::pair<Channel, std::string_view>, 3> kChannels{{
    {Channel::online, "online"},
    {Channel::direct, "direct"},
    {Channel::post, "post"},
}};

constexpr std::array<std::pair<Status, std::string_view>, 6> kStatuses{{
    {Status::processing, "processing"},
    {Status::waiting_supplement, "waiting_supplement"},
    {Status::paused, "paused"},
    {Status::resolved, "resolved"},
    {Status::returned, "returned"},
    {Status::withdrawn, "withdrawn"},
}};

constexpr std::array<std::pair<EventKind, std::string_view>, 5> kEventKinds{{
    {EventKind::supplement_requested, "supplement_requested"},
    {EventKind::supplement_received, "supplement_received"},
    {EventKind::paused, "paused"},
    {EventKind::resumed, "resumed"},
    {EventKind::extended, "extended"},
}};

constexpr bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [value, name] : table) {
    if (value == e) return name;
  }
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> parse_in(const std::array<std::pair<E, std::string_view>, N>& table,
                          std::string_view s) {
  s = trim(s);
  for (const auto& [value, name] : table) {
    if (iequals(s, name)) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Channel c) {
  return name_of(kChannels, c);
}
std::string_view to_string(Status s) {
  return name_of(kStatuses, s);
}
std::string_view to_string(EventKind k) {
  return name_of(kEventKinds, k);
}

std::optional<Channel> parse_channel(std::string_view s) {
  return parse_in(kChannels, s);
}
std::optional<Status> parse_status(std::string_view s) {
  return parse_in(kStatuses, s);
}
std::optional<EventKind> parse_event_kind(std::string_view s) {
  return parse_in(kEventKinds, s);
}

std::optional<Instant> closed_at(const Dossier& d) {
  if (!is_closed(d.status)) return std::nullopt;
  const Instant t = d.resolved_at.value_or(d.updated_at);
  return std::max(t, d.received_at);
}

bool open_at(const Dossier& d, Instant at) {
  if (d.received_at > at) return false;
  const std::optional<Instant> closing = closed_at(d);
  return !closing || *closing > at;
}

void ProcedureCatalogue::add(Procedure p) {
  std::string key = p.code;
  by_code_.insert_or_assign(std::move(key), std::move(p));
}

const Procedure* ProcedureCatalogue::find(std::string_view code) const {
  const auto it = by_code_.find(code);
  return it == by_code_.end() ? nullptr : &it->second;
}

std::vector<Procedure> ProcedureCatalogue::entries() const {
  std::vector<Procedure> out;
  out.reserve(by_code_.size());
  for (const auto& [code, p] : by_code_) out.push_back(p);
  return out;
}

}  // namespace dunghan::deadline
