#!/usr/bin/env bash
# Start MariaDB and Redis on 127.0.0.1 when they are not running yet; fail if they cannot start.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 1; done
  echo "error: $2 did not start on 127.0.0.1:$1" >&2
  exit 1
}

if ! port_open 3306; then
  echo "starting MariaDB"
  as_root mkdir -p /run/mysqld
  as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_port 3306 MariaDB
fi
if ! port_open 6379; then
  echo "starting Redis"
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_port 6379 Redis
fi
# The tests connect as root without a password over TCP (override with TEST_MYSQL_URL).
if [ -z "${TEST_MYSQL_URL:-}" ] && ! mariadb -uroot -h127.0.0.1 -e "SELECT 1" >/dev/null 2>&1; then
  echo "error: cannot log in to MariaDB as root@127.0.0.1 without a password; set TEST_MYSQL_URL" >&2
  exit 1
fi
