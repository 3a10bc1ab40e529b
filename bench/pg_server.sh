# shellcheck shell=bash
# Sourced by the bench scripts: starts a PostgreSQL 15 server on 127.0.0.1 (a random port) through
# build/tests/pg_test_server, with dunghan's role and database, and stops it when the script exits.
#
#   pg_start PG_TEST_SERVER PASSWORD_FILE
#
# Sets pg_port, pg_socket_dir and pg_pid (the postmaster's) and writes the role's password to
# PASSWORD_FILE (mode 600). pg_test_server stops the server when its input closes (at the
# script's exit), so nothing outlives the bench. Settings are the tests' (fsync off,
# synchronous_commit off, shared_buffers 16MB) unless DUNGHAN_PG_TEST_DURABLE=1 is exported
# (then PostgreSQL's defaults: fsync on, synchronous_commit on, shared_buffers 128MB).
pg_start() {
  local server="$1" password_file="$2" hello
  [ -x "$server" ] || { echo "no pg_test_server at $server (build target pg_test_server)" >&2; exit 1; }
  coproc PG { "$server"; }
  pg_in=${PG[1]}
  read -r hello <&"${PG[0]}"
  trap 'echo stop >&$pg_in; exec {pg_in}>&-; wait' EXIT
  pg_field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$hello" "$1"; }
  # shellcheck disable=SC2034 # set for the script that sources this file
  pg_port=$(pg_field port)
  # shellcheck disable=SC2034
  pg_socket_dir=$(pg_field socket_dir)
  # shellcheck disable=SC2034
  pg_pid=$(pg_field pid)
  (umask 077 && pg_field password > "$password_file")
}
