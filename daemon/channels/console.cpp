#include "channels/console.h"

#include <fcntl.h>
#ifdef _WIN32
#include <io.h>
#include <sys/stat.h>
#else
#include <unistd.h>
#endif

#include <cerrno>
#include <cstring>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "channels/encoding.h"

namespace dunghan::channels {
namespace {

// The file channel's durable append, on POSIX and on Windows (the C runtime's descriptors:
// _commit is FlushFileBuffers on the handle).
#ifdef _WIN32
int open_for_append(const std::filesystem::path& p) {
  return ::_wopen(p.c_str(), _O_WRONLY | _O_APPEND | _O_CREAT | _O_BINARY | _O_NOINHERIT,
                  _S_IREAD | _S_IWRITE);
}
long long write_bytes(int fd, const std::string& s) {
  return ::_write(fd, s.data(), static_cast<unsigned>(s.size()));
}
int flush_to_disk(int fd) {
  return ::_commit(fd);
}
void close_file(int fd) {
  ::_close(fd);
}
#else
int open_for_append(const std::filesystem::path& p) {
  return ::open(p.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}
long long write_bytes(int fd, const std::string& s) {
  return ::write(fd, s.data(), s.size());
}
int flush_to_disk(int fd) {
  return ::fsync(fd);
}
void close_file(int fd) {
  ::close(fd);
}
#endif

}  // namespace
namespace {

std::string param(const Message& m, const std::string& k) {
  auto it = m.params.find(k);
  return it == m.params.end() ? std::string() : it->second;
}

}  // namespace

ConsoleChannel::ConsoleChannel(std::string name, SendWindow window, const calendar::Clock& clock,
                               calendar::UtcOffset offset, std::ostream& out)
    : name_(std::move(name)), window_(window), clock_(clock), offset_(offset), out_(out) {}

Outcome ConsoleChannel::send(const Message& message, const Address& to) {
  std::ostringstream s;
  s << "── [" << name_ << "] " << calendar::format_iso(clock_.now(), offset_) << " → "
    << to.recipient_id;
  if (!to.name.empty()) s << " (" << sanitize_header_value(to.name) << ")";
  s << "\nTiêu đề: " << sanitize_header_value(message.subject) << "\n";
  std::istringstream body(message.text);
  for (std::string line; std::getline(body, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    s << "  " << line << "\n";
  }
  const std::string text = s.str();
  std::lock_guard lock(mu_);
  out_ << text << std::flush;
  if (!out_) return Outcome::retry_later("cannot write to the console stream");
  return Outcome::sent_ok();
}

FileChannel::FileChannel(std::string name, SendWindow window, std::filesystem::path path,
                         const calendar::Clock& clock, calendar::UtcOffset offset)
    : name_(std::move(name)),
      window_(window),
      path_(std::move(path)),
      clock_(clock),
      offset_(offset) {}

FileChannel::~FileChannel() {
  if (fd_ >= 0) close_file(fd_);
}

Outcome FileChannel::send(const Message& message, const Address& to) {
  nlohmann::ordered_json j;
  j["key"] = message.key;
  j["code"] = param(message, "code");
  j["rule"] = param(message, "rule");
  j["recipient"] = to.recipient_id;
  j["channel"] = name_;
  j["fire_at"] = param(message, "fire_at");
  j["sent_at"] = calendar::format_iso(clock_.now(), offset_);
  j["subject"] = message.subject;
  j["text"] = message.text;
  j["params"] = message.params;
  // Invalid UTF-8 is replaced rather than thrown on.
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line.push_back('\n');

  std::lock_guard lock(mu_);
  if (fd_ < 0) {
    fd_ = open_for_append(path_);
    if (fd_ < 0) {
      return Outcome::retry_later("cannot open " + path_.string() + ": " + std::strerror(errno));
    }
  }
  const long long n = write_bytes(fd_, line);
  if (n < 0 || static_cast<std::size_t>(n) != line.size()) {
    const int err = n < 0 ? errno : EIO;
    return Outcome::retry_later("cannot append to " + path_.string() + ": " + std::strerror(err));
  }
  if (flush_to_disk(fd_) != 0) {
    return Outcome::retry_later("cannot fsync " + path_.string() + ": " + std::strerror(errno));
  }
  return Outcome::sent_ok();
}

}  // namespace dunghan::channels
