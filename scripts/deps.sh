#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis are installed and running on loopback, installing them with
# apt-get when missing. Safe to run again and again; changes nothing that already works.
set -euo pipefail

PGHOST=127.0.0.1 PGPORT=5432 REDIS_PORT=6379
say() { printf 'deps: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  say "installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

wait_for() { # wait_for DESCRIPTION COMMAND...: up to 30 s
  local what=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  say "$what did not come up"; return 1
}

pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT"; }
pg_login() { psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; }

# PostgreSQL
if ! command -v pg_isready >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  if ! (command -v pg_isready >/dev/null 2>&1 && pg_up); then
    apt_install postgresql postgresql-contrib
  fi
fi
if ! pg_up; then
  ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! ls /etc/postgresql/"$ver"/main >/dev/null 2>&1; then
    say "creating cluster $ver/main"
    as_root pg_createcluster "$ver" main -p "$PGPORT" >/dev/null
  fi
  say "starting PostgreSQL $ver"
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || as_root pg_ctlcluster "$ver" main start
  wait_for "PostgreSQL" pg_up
fi
if ! pg_login; then
  # A fresh Debian cluster asks for passwords over TCP: trust loopback only, for development.
  hba=$(as_root su postgres -c "psql -Atqc 'SHOW hba_file'")
  say "trusting loopback connections in $hba"
  as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  as_root su postgres -c "psql -Atqc 'SELECT pg_reload_conf()'" >/dev/null
  wait_for "PostgreSQL login" pg_login
fi
if [ "$(psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -Atqc "SELECT count(*) FROM pg_database WHERE datname = 'clearpost'")" = 0 ]; then
  say "creating database clearpost"
  psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -qc 'CREATE DATABASE clearpost' >/dev/null
fi

# Redis
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  if ! (command -v redis-cli >/dev/null 2>&1 && redis_up); then
    apt_install redis-server
  fi
fi
if ! redis_up; then
  say "starting Redis"
  dir=/var/lib/redis; as_root mkdir -p "$dir"
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no --dir "$dir"
  wait_for "Redis" redis_up
fi
say "PostgreSQL on $PGHOST:$PGPORT and Redis on 127.0.0.1:$REDIS_PORT are up"

# Node.js >= 20.19 with npm (the web app's build and tests) and Chromium (its end-to-end tests).
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'
}
if ! node_ok; then
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  candidate=$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ { print $2 }')
  if [ -n "$candidate" ] && [ "$candidate" != "(none)" ] && dpkg --compare-versions "${candidate#*:}" ge 20.19; then
    apt_install nodejs npm
  fi
  if ! node_ok; then
    say "the web app needs Node.js 20.19 or newer (22 LTS is fine) with npm; found $(node --version 2>/dev/null || echo none)"
    say "and this machine's package sources offer nodejs ${candidate:-none}: install a newer Node.js (with npm) from a package source you trust, then run this again"
    exit 1
  fi
fi
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
say "Node.js $(node --version) and $(/usr/bin/chromium --version 2>/dev/null | head -n 1) are ready"
