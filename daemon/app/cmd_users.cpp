// user add | list: the users of the office pages ([service] users_file).
#include <iostream>
#include <memory>
#include <string>

#ifndef _WIN32
#include <termios.h>
#include <unistd.h>
#endif

#include "app/app.h"
#include "log/redact.h"
#include "service/users.h"

namespace dunghan::app {
namespace {

struct UserArgs {
  std::string name;
  std::string role = "viewer";
  std::optional<std::string> file;
};

bool stdin_is_tty() {
#ifndef _WIN32
  return isatty(0) == 1;
#else
  return false;
#endif
}

/// One line from standard input; without echo when it is a terminal.
std::optional<std::string> read_password(const char* prompt) {
#ifndef _WIN32
  const bool tty = stdin_is_tty();
  termios old{};
  if (tty) {
    std::cerr << prompt << std::flush;
    tcgetattr(0, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(0, TCSANOW, &quiet);
  }
  std::string line;
  const bool ok = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(0, TCSANOW, &old);
    std::cerr << '\n';
  }
#else
  std::cerr << prompt << std::flush;
  std::string line;
  const bool ok = static_cast<bool>(std::getline(std::cin, line));
#endif
  if (!ok) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::filesystem::path> users_file(const GlobalOptions& g, const UserArgs& a) {
  if (a.file) return std::filesystem::path(*a.file);
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return std::nullopt;
  if (!cfg->service.users_file) {
    std::cerr << "error: no users file: set [service] users_file in the configuration, or give "
                 "--file PATH\n";
    return std::nullopt;
  }
  return cfg->service.users_file;
}

int run_user_add(const GlobalOptions& g, const UserArgs& a) {
  if (!service::valid_user_name(a.name)) {
    std::cerr << "error: \"" << a.name
              << "\" is not a user name (1–64 letters, digits, '.', '_', '-')\n";
    return kUsageOrConfig;
  }
  const auto role = service::parse_role(a.role);
  if (!role) {
    std::cerr << "error: --role must be admin or viewer\n";
    return kUsageOrConfig;
  }
  const auto path = users_file(g, a);
  if (!path) return kUsageOrConfig;
  const auto pw = read_password("Mật khẩu / password: ");
  if (!pw || pw->size() < 8) {
    std::cerr << "error: the password must have at least 8 characters (read from standard "
                 "input)\n";
    return kUsageOrConfig;
  }
  if (stdin_is_tty()) {
    const auto again = read_password("Nhập lại / again: ");
    if (!again || *again != *pw) {
      std::cerr << "error: the passwords differ; nothing was written\n";
      return kUsageOrConfig;
    }
  }
  try {
    service::write_user(*path, service::User{a.name, service::hash_password(*pw), *role});
  } catch (const std::exception& e) {
    std::cerr << "error: " << log::redact(e.what()) << '\n';
    return kUsageOrConfig;
  }
  std::cout << "user " << a.name << " (" << service::to_string(*role) << ") written to "
            << path->string() << "; a running daemon reads the file again by itself\n";
  return kOk;
}

int run_user_list(const GlobalOptions& g, const UserArgs& a) {
  const auto path = users_file(g, a);
  if (!path) return kUsageOrConfig;
  try {
    const service::UsersFile f = service::read_users_file(*path);
    for (const std::string& p : f.problems) std::cerr << "warning: " << p << '\n';
    for (const service::User& u : f.users) {
      std::cout << u.name << "  " << service::to_string(u.role) << '\n';
    }
    return f.problems.empty() ? kOk : kPartial;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kUsageOrConfig;
  }
}

}  // namespace

void add_user_commands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto a = std::make_shared<UserArgs>();
  CLI::App* user = app.add_subcommand("user", "users of the office pages ([service] users_file)");
  user->require_subcommand(1);
  CLI::App* add = user->add_subcommand(
      "add", "add a user or set a user's password and role (password from standard input)");
  add->add_option("name", a->name, "user name")->required();
  add->add_option("--role", a->role, "admin (may add silences) or viewer (default)")
      ->check(CLI::IsMember({"admin", "viewer"}));
  add->add_option("--file", a->file, "users file (default: [service] users_file)");
  add_config_option(add, g);
  add->callback([&g, &exit_code, a] { exit_code = run_user_add(g, *a); });
  CLI::App* list = user->add_subcommand("list", "the users and their roles");
  list->add_option("--file", a->file, "users file (default: [service] users_file)");
  add_config_option(list, g);
  list->callback([&g, &exit_code, a] { exit_code = run_user_list(g, *a); });
}

}  // namespace dunghan::app
