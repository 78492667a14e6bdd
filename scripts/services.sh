#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer at DATABASE_URL / REDIS_URL; start local servers that are
# installed but stopped, and create the database if it is missing. Idempotent.
set -euo pipefail

db_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cfipros}
redis_url=${REDIS_URL:-redis://127.0.0.1:6379/15}

hostport() {  # URL -> "host port"
  local rest=${1#*://}; rest=${rest#*@}; rest=${rest%%/*}
  local host=${rest%%:*} port=${rest##*:}
  [ "$host" = "$rest" ] && port=$2
  echo "$host $port"
}

read -r pg_host pg_port <<<"$(hostport "$db_url" 5432)"
read -r redis_host redis_port <<<"$(hostport "$redis_url" 6379)"

pg_up() { (exec 3<>"/dev/tcp/$pg_host/$pg_port") 2>/dev/null; }
redis_up() { (exec 3<>"/dev/tcp/$redis_host/$redis_port") 2>/dev/null; }

wait_for() {
  local name=$1 check=$2
  for _ in $(seq 1 30); do $check && return 0; sleep 1; done
  echo "services: $name did not come up" >&2; return 1
}

if [[ $db_url == postgres* ]] && ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "services: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    wait_for PostgreSQL pg_up
  else
    echo "services: PostgreSQL is not reachable at $pg_host:$pg_port and is not installed here" >&2
    exit 1
  fi
fi

if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "services: starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_for Redis redis_up
  else
    echo "services: Redis is not reachable at $redis_host:$redis_port and is not installed here" >&2
    exit 1
  fi
fi

if [[ $db_url == postgres* ]] && command -v psql >/dev/null; then
  db_name=${db_url##*/}; db_name=${db_name%%\?*}
  base_url=${db_url%/*}/postgres
  if ! psql "$base_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db_name'" | grep -q 1; then
    psql "$base_url" -qc "CREATE DATABASE \"$db_name\"" && echo "services: created database $db_name"
  fi
fi
