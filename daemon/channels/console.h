#pragma once
// `console` and `file` channels (issue "Alerts"): for the demo, tests and audit.

#include <filesystem>
#include <iosfwd>
#include <mutex>
#include <string>

#include "calendar/clock.h"
#include "channels/channel.h"

namespace dunghan::channels {

/// Writes each message as a few human-readable Vietnamese lines to `out` (stdout by default):
///   ── [screen] 2026-02-24T08:00:00+07:00 → nguyenvana (Nguyễn Văn A)
///   Tiêu đề: <subject>
///   <text, each line indented by two spaces>
/// Thread-safe: one message's lines are never interleaved with another's. Always `sent`.
class ConsoleChannel final : public Channel {
 public:
  ConsoleChannel(std::string name, SendWindow window, const calendar::Clock& clock,
                 calendar::UtcOffset offset, std::ostream& out);
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "console"; }
  SendWindow send_window() const override { return window_; }
  Outcome send(const Message& message, const Address& to) override;

 private:
  std::string name_;
  SendWindow window_;
  const calendar::Clock& clock_;
  calendar::UtcOffset offset_;
  std::ostream& out_;
  std::mutex mu_;
};

/// Appends one JSON object per message, one per line, to a file:
///   {"key","code","rule","recipient","channel","fire_at","sent_at","subject","text","params"}
/// code/rule/fire_at are the message params of those names ("" when absent); recipient is
/// Address::recipient_id; sent_at is the clock's now as "YYYY-MM-DDTHH:MM:SS+07:00"; params holds
/// every message param. Each line is written with one write(2) on an O_APPEND descriptor and
/// fsync'd before send() returns `sent`, so a kill -9 loses nothing already reported sent and
/// never leaves half a line from a completed send. The file (not its folder) is created when
/// missing. Thread-safe. I/O errors give `retry` with the OS reason.
class FileChannel final : public Channel {
 public:
  FileChannel(std::string name, SendWindow window, std::filesystem::path path,
              const calendar::Clock& clock, calendar::UtcOffset offset);
  ~FileChannel() override;
  FileChannel(const FileChannel&) = delete;
  FileChannel& operator=(const FileChannel&) = delete;
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "file"; }
  SendWindow send_window() const override { return window_; }
  Outcome send(const Message& message, const Address& to) override;

 private:
  std::string name_;
  SendWindow window_;
  std::filesystem::path path_;
  const calendar::Clock& clock_;
  calendar::UtcOffset offset_;
  std::mutex mu_;
  int fd_ = -1;  // opened lazily, kept open
};

}  // namespace dunghan::channels
