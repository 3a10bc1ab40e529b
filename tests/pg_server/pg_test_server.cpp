// pg_test_server: a real PostgreSQL server for the Python tests (tests/faults/test_postgres_ha.py),
// started by tests/support/db_servers.h like every other test's, with dunghan's role and database
// (tests/support/pg_test_db.h). So there is one way of starting a test server, not two.
//
// Prints one JSON line once the server answers:
//   {"host": "127.0.0.1", "port": N, "socket_dir": "...", "user": "dunghan",
//    "database": "dunghan", "password": "...", "pid": SERVER_PID}
// then reads commands, one per line, on stdin, answering one line each:
//   stop   → stops the server (a fast shutdown, clients disconnected); answers "stopped"
//   start  → starts it again on the same data, port and socket; answers "started"
// End of input (the test ended or died) stops the server and exits 0. The server also gets
// SIGTERM if this program dies (db_servers.h), so it never outlives the test.
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/pg_test_db.h"

int main() {
  using dunghan::testing::PgTestDb;
  try {
    PgTestDb& db = PgTestDb::shared();
    nlohmann::json hello = {{"host", db.server().host()},
                            {"port", db.server().port()},
                            {"socket_dir", db.server().socket_dir().string()},
                            {"user", "dunghan"},
                            {"database", "dunghan"},
                            {"password", db.password()},
                            {"pid", db.server().pid()}};
    std::cout << hello.dump() << std::endl;
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line == "stop") {
        db.server().stop();
        std::cout << "stopped" << std::endl;
      } else if (line == "start") {
        db.server().start();
        std::cout << "started " << db.server().pid() << std::endl;
      } else {
        std::cout << "unknown command: " << line << std::endl;
      }
    }
    db.server().stop();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "pg_test_server: " << e.what() << std::endl;
    return 1;
  }
}
