#pragma once
// Real database servers for tests, started and stopped by the tests themselves (Linux):
// PostgreSQL (initdb + postgres) and MariaDB (mariadb-install-db + mariadbd), each in its own
// temporary folder, listening on 127.0.0.1 and a free port plus a Unix socket in that folder.
//
// Start one per test suite, not per test (a cluster takes seconds): `shared_postgres()` and
// `shared_mariadb()` start it on first use and stop it when the test program exits. The server is
// this process's child: stop()/the destructor signal exactly that PID and wait for it, and the
// server gets SIGTERM from the kernel if the test program dies first (PR_SET_PDEATHSIG), so no
// server outlives its test. A server that cannot start throws std::runtime_error with the end of
// its log: the test fails, it is not skipped.
//
// When the tests run as root, PostgreSQL runs as the `postgres` user (initdb refuses root) and
// MariaDB with --user=root; otherwise both run as the current user.
//
// What a test gets (the contract other suites rely on, e.g. the PostgreSQL store of issue 13):
//  - host() "127.0.0.1", port() (TCP), socket_dir(); the server answers a query when the
//    constructor or start() returns (up to 90 s; then std::runtime_error with its log).
//  - Administration only through sql(statements, database): psql / mariadb as the superuser over
//    the Unix socket (no password). Over TCP every login needs a password (PostgreSQL
//    scram-sha-256; MariaDB users 'name'@'127.0.0.1'): create the roles a test connects as, with
//    passwords, through sql(). No database or role exists beyond the defaults.
//  - stop() then start(): the same data, port and socket (outage tests); the server is down in
//    between and running() is false.
//  - Started: initdb/mariadb-install-db once, then one server process; stopped: that one PID
//    (SIGINT for PostgreSQL, SIGTERM for MariaDB, SIGKILL after 30 s), at stop(), destruction, or
//    when the test program exits (static), and by PR_SET_PDEATHSIG if it is killed. The data lives
//    in a TempDir removed with the object. Nothing else is started, killed or left behind.

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/run_process.h"
#include "support/temp_dir.h"

namespace dunghan::testing {

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to 0, then released).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("free_port: cannot bind a socket on 127.0.0.1");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

/// A user the servers run as (root cannot run PostgreSQL).
struct RunAs {
  uid_t uid = 0;
  gid_t gid = 0;
};

/// The `postgres` user when this process is root (nullopt otherwise: run as ourselves).
inline std::optional<RunAs> postgres_user() {
  if (::geteuid() != 0) return std::nullopt;
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) throw std::runtime_error("running as root, but there is no `postgres` user");
  return RunAs{pw->pw_uid, pw->pw_gid};
}

/// Starts `argv` (argv[0] an absolute path) as a child with stdout and stderr appended to `log`,
/// optionally as another user; the child gets SIGTERM when this process dies. Returns its PID.
inline pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log,
                   std::optional<RunAs> as = std::nullopt) {
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) throw std::runtime_error("spawn: cannot open " + log.string());
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int in = ::open("/dev/null", O_RDONLY);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    if (as) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(as->gid) != 0 || ::setuid(as->uid) != 0) {
        _exit(126);
      }
    }
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // after setuid, which clears it
    if (::getppid() != parent) _exit(125);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    _exit(127);
  }
  ::close(out);
  if (pid < 0) throw std::runtime_error("spawn: fork failed");
  return pid;
}

/// Waits for child `pid` to exit, up to `timeout`; its exit code (128 + signal), or nullopt when
/// it is still running.
inline std::optional<int> wait_child(pid_t pid, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

/// The last `n` bytes of a file (a server's log, for an error message).
inline std::string file_tail(const std::filesystem::path& p, std::size_t n = 3000) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  const std::string all = s.str();
  return all.size() <= n ? all : all.substr(all.size() - n);
}

/// Base of the two servers: a temporary folder, a port, a child process.
class DbServer {
 public:
  virtual ~DbServer() = default;
  DbServer(const DbServer&) = delete;
  DbServer& operator=(const DbServer&) = delete;

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  /// The folder holding the Unix socket.
  const std::filesystem::path& socket_dir() const { return socket_dir_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  std::string log() const { return file_tail(log_); }

  /// Stops the server (a clean, fast shutdown; SIGKILL after 30 s) and waits for it to exit.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, stop_signal_);
    if (!wait_child(pid_, std::chrono::seconds{30})) {
      ::kill(pid_, SIGKILL);
      wait_child(pid_, std::chrono::seconds{10});
    }
    pid_ = -1;
  }

  /// Starts the server again on the same data, port and socket (after stop()).
  void start() {
    if (pid_ > 0) return;
    pid_ = spawn(server_command(), log_, run_as_);
    wait_ready();
  }

 protected:
  DbServer() = default;
  virtual std::vector<std::string> server_command() const = 0;
  /// True once the server answers a query.
  virtual bool answers() const = 0;

  void wait_ready() {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{90};
    while (std::chrono::steady_clock::now() < until) {
      if (const auto code = wait_child(pid_, std::chrono::milliseconds{0})) {
        pid_ = -1;
        throw std::runtime_error("the database server exited with " + std::to_string(*code) +
                                 " while starting; its log:\n" + log());
      }
      if (answers()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
    stop();
    throw std::runtime_error("the database server did not answer within 90 s; its log:\n" + log());
  }

  TempDir dir_;
  std::filesystem::path data_, socket_dir_, log_;
  std::string host_ = "127.0.0.1";
  int port_ = 0;
  pid_t pid_ = -1;
  int stop_signal_ = SIGTERM;
  std::optional<RunAs> run_as_;
};

/// PostgreSQL (15 on Debian 12): a fresh cluster, UTF-8, trust on the socket for the superuser
/// `postgres`, scram-sha-256 on 127.0.0.1 (so password settings are really tested), fsync off.
class PostgresServer final : public DbServer {
 public:
  PostgresServer() {
    bin_ = find_bin();
    run_as_ = postgres_user();
    const std::filesystem::path home = dir_.path() / "pg";
    std::filesystem::create_directories(home);
    if (run_as_ && ::chown(home.c_str(), run_as_->uid, run_as_->gid) != 0) {
      throw std::runtime_error("cannot give " + home.string() + " to the postgres user");
    }
    ::chmod(home.c_str(), 0700);
    data_ = home / "data";
    socket_dir_ = home;
    log_ = home / "server.log";
    const pid_t init = spawn({(bin_ / "initdb").string(), "-D", data_.string(), "-U", "postgres",
                              "-E", "UTF8", "--locale=C.UTF-8", "--auth-local=trust",
                              "--auth-host=scram-sha-256", "--no-sync", "--no-instructions"},
                             log_, run_as_);
    const auto code = wait_child(init, std::chrono::seconds{120});
    if (code != 0) throw std::runtime_error("initdb failed; its output:\n" + log());
    stop_signal_ = SIGINT;  // fast shutdown: disconnect clients, stop at once
    for (int attempt = 0;; ++attempt) {
      port_ = free_port();
      try {
        start();
        return;
      } catch (const std::runtime_error&) {
        if (attempt >= 2) throw;  // the port was taken meanwhile: try another
      }
    }
  }
  ~PostgresServer() override { stop(); }

  /// Runs SQL (any number of statements) as the superuser in `database` through psql; returns its
  /// output (unaligned, tuples only, '|' between fields). Throws with psql's message on an error.
  std::string sql(const std::string& statements, const std::string& database = "postgres") const {
    const std::filesystem::path script = dir_.path() / "script.sql";
    {
      std::ofstream out(script, std::ios::binary);
      out << statements;
    }
    const ProcessResult r = run_process(
        (bin_ / "psql").string(),
        {"-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socket_dir_.string(), "-p",
         std::to_string(port_), "-U", "postgres", "-d", database, "-f", script.string()});
    if (r.exit_code != 0) throw std::runtime_error("psql: " + r.err);
    return r.out;
  }

 protected:
  /// The tests' server trades durability for speed (fsync off, small buffers). The benchmarks
  /// export DUNGHAN_PG_TEST_DURABLE=1 for PostgreSQL's own defaults (fsync and synchronous commit
  /// on, shared_buffers 128MB), so that a commit costs what it costs in production.
  std::vector<std::string> server_command() const override {
    std::vector<std::string> cmd = {(bin_ / "postgres").string(), "-D", data_.string(),       "-p",
                                    std::to_string(port_),        "-k", socket_dir_.string(), "-c",
                                    "listen_addresses=127.0.0.1", "-c", "max_connections=50"};
    const char* durable = std::getenv("DUNGHAN_PG_TEST_DURABLE");
    if (durable != nullptr && std::string_view{durable} == "1") {
      cmd.insert(cmd.end(), {"-c", "shared_buffers=128MB"});
    } else {
      cmd.insert(cmd.end(), {"-c", "fsync=off", "-c", "synchronous_commit=off", "-c",
                             "full_page_writes=off", "-c", "shared_buffers=16MB"});
    }
    return cmd;
  }
  bool answers() const override {
    const ProcessResult r =
        run_process((bin_ / "psql").string(),
                    {"-X", "-q", "-A", "-t", "-h", socket_dir_.string(), "-p",
                     std::to_string(port_), "-U", "postgres", "-d", "postgres", "-c", "SELECT 1"});
    return r.exit_code == 0;
  }

 private:
  /// The newest /usr/lib/postgresql/N/bin (Debian's layout).
  static std::filesystem::path find_bin() {
    std::filesystem::path best;
    int best_version = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      const int v = std::atoi(e.path().filename().c_str());
      if (v > best_version && std::filesystem::exists(e.path() / "bin" / "postgres")) {
        best_version = v;
        best = e.path() / "bin";
      }
    }
    if (best.empty()) throw std::runtime_error("no PostgreSQL server in /usr/lib/postgresql");
    return best;
  }
  std::filesystem::path bin_;
};

/// MariaDB: a fresh data folder, root authenticated by the Unix socket, TCP on 127.0.0.1, no
/// binary log, small buffers, names not resolved (users are 'name'@'127.0.0.1').
class MariadbServer final : public DbServer {
 public:
  MariadbServer() {
    data_ = dir_.path() / "mariadb" / "data";
    socket_dir_ = dir_.path() / "mariadb";
    std::filesystem::create_directories(data_);
    log_ = socket_dir_ / "server.log";
    std::vector<std::string> install = {
        "/usr/bin/mariadb-install-db", "--no-defaults", "--datadir=" + data_.string(),
        "--auth-root-authentication-method=socket", "--skip-test-db"};
    if (::geteuid() == 0) install.push_back("--user=root");
    const pid_t init = spawn(install, log_);
    const auto code = wait_child(init, std::chrono::seconds{120});
    if (code != 0) throw std::runtime_error("mariadb-install-db failed; its output:\n" + log());
    for (int attempt = 0;; ++attempt) {
      port_ = free_port();
      try {
        start();
        return;
      } catch (const std::runtime_error&) {
        if (attempt >= 2) throw;
      }
    }
  }
  ~MariadbServer() override { stop(); }

  std::filesystem::path socket() const { return socket_dir_ / "mysqld.sock"; }

  /// Runs SQL as root (through the socket) in `database` ("" for none); returns the output
  /// (batch mode, no column names, tab between fields). Throws with the client's message.
  std::string sql(const std::string& statements, const std::string& database = "") const {
    const std::filesystem::path script = dir_.path() / "script.sql";
    {
      std::ofstream out(script, std::ios::binary);
      out << statements;
    }
    std::vector<std::string> args = {"--no-defaults",
                                     "--socket=" + socket().string(),
                                     "-u",
                                     "root",
                                     "-N",
                                     "-B",
                                     "--default-character-set=utf8mb4",
                                     "-e",
                                     "source " + script.string()};
    if (!database.empty()) args.push_back(database);
    const ProcessResult r = run_process("/usr/bin/mariadb", args);
    if (r.exit_code != 0) throw std::runtime_error("mariadb: " + r.err);
    return r.out;
  }

 protected:
  std::vector<std::string> server_command() const override {
    std::vector<std::string> c = {"/usr/sbin/mariadbd",
                                  "--no-defaults",
                                  "--datadir=" + data_.string(),
                                  "--socket=" + socket().string(),
                                  "--port=" + std::to_string(port_),
                                  "--bind-address=127.0.0.1",
                                  "--pid-file=" + (socket_dir_ / "mariadbd.pid").string(),
                                  "--skip-log-bin",
                                  "--skip-name-resolve",
                                  "--innodb-buffer-pool-size=16M",
                                  "--innodb-log-file-size=8M",
                                  "--innodb-flush-log-at-trx-commit=0",
                                  "--character-set-server=utf8mb4",
                                  "--collation-server=utf8mb4_unicode_ci"};
    if (::geteuid() == 0) c.push_back("--user=root");
    return c;
  }
  bool answers() const override {
    const ProcessResult r =
        run_process("/usr/bin/mariadb", {"--no-defaults", "--socket=" + socket().string(), "-u",
                                         "root", "-N", "-B", "-e", "SELECT 1"});
    return r.exit_code == 0;
  }
};

/// One PostgreSQL server for the whole test program, started on first use.
inline PostgresServer& shared_postgres() {
  static PostgresServer server;
  return server;
}

/// One MariaDB server for the whole test program, started on first use.
inline MariadbServer& shared_mariadb() {
  static MariadbServer server;
  return server;
}

}  // namespace dunghan::testing
