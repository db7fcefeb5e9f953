#!/usr/bin/env bash
# Make this machine ready for `make test`, which runs this first.
#
# Starts PostgreSQL and Redis when they are installed but down, and installs
# what is missing from Debian's packages (Chromium, Node.js and npm, nginx,
# redis-server, Python's venv module) when it may: as root or with passwordless sudo. What it
# cannot do it names, one line per missing part with the command that provides
# it, and exits 1 at once, so no test runs on a machine that cannot pass.
#
# Reads PYTHON (the interpreter make chose, empty if none), TEST_POSTGRES_URL
# and TEST_REDIS_URL (as the tests do).
set -uo pipefail
cd "$(dirname "$0")/.."

PG_URL=${TEST_POSTGRES_URL:-postgresql+psycopg2://postgres@127.0.0.1:5432/test}
PG_URL=${PG_URL/+psycopg2/}
PG_ADDRESS=${PG_URL#*@}
PG_ADDRESS=${PG_ADDRESS%%/*}
PG_HOST=${PG_ADDRESS%:*}
PG_PORT=${PG_ADDRESS##*:}
[[ $PG_PORT == "$PG_ADDRESS" ]] && PG_PORT=5432
REDIS_ADDRESS=${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}
REDIS_ADDRESS=${REDIS_ADDRESS#redis://}
REDIS_ADDRESS=${REDIS_ADDRESS#*@}
REDIS_ADDRESS=${REDIS_ADDRESS%%/*}
REDIS_HOST=${REDIS_ADDRESS%:*}
REDIS_PORT=${REDIS_ADDRESS##*:}

missing=()   # "part — command", one per part this script could not provide

# As root nothing is prefixed; with passwordless sudo, `sudo -n`; otherwise we may not.
if [[ $(id -u) == 0 ]]; then
  as_root=()
elif sudo -n true >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  as_root=(false)
fi
may_administer() { [[ ${as_root[*]-} != false ]]; }
sudo_hint() { [[ $(id -u) == 0 ]] || printf 'sudo '; }

miss() {  # miss PART COMMAND
  missing+=("$1 — $(sudo_hint)$2")
}

apt_updated=0
apt_install() {  # apt_install PACKAGE [APT OPTIONS...]: true if installed now
  may_administer && command -v apt-get >/dev/null 2>&1 || return 1
  if [[ $apt_updated == 0 ]]; then
    "${as_root[@]}" apt-get update -qq >/dev/null || return 1
    apt_updated=1
  fi
  local package=$1; shift
  echo "installing $package (apt-get)"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 \
    apt-get install -y -qq "$@" "$package" >/dev/null
}

listening() {  # listening HOST PORT: something accepts connections there
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

redis_answers() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$REDIS_HOST/$REDIS_PORT; printf 'PING\r\n' >&3;
    read -r reply <&3; [[ \$reply == +PONG* ]]" 2>/dev/null
}

wait_until() {  # wait_until COMMAND...: up to 30 s
  for _ in $(seq 1 60); do
    "$@" && return 0
    sleep 0.5
  done
  return 1
}

local_address() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }

check_python() {
  if [[ -z ${PYTHON:-} ]] || ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    miss "Python 3.11 or newer${PYTHON:+ (PYTHON=$PYTHON is not one)}" \
      "apt-get install python3 (or make test PYTHON=/path/to/python3.11+)"
  elif [[ ! -x .venv/bin/python ]] && ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    local package
    package="python$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"
    apt_install "$package" || miss "Python's venv module ($PYTHON)" "apt-get install $package"
  fi
}

check_postgresql() {
  listening "$PG_HOST" "$PG_PORT" && return
  local cluster
  cluster=$(pg_lsclusters --no-header 2>/dev/null | awk -v port="$PG_PORT" '$3 == port {print $1, $2}')
  if ! local_address "$PG_HOST" || [[ -z $cluster ]]; then
    miss "PostgreSQL on $PG_HOST:$PG_PORT (user postgres, trust, database test; or set TEST_POSTGRES_URL)" \
      "apt-get install postgresql"
    return
  fi
  if may_administer; then
    echo "starting PostgreSQL $cluster"
    # shellcheck disable=SC2086  # "VERSION NAME", two words on purpose
    "${as_root[@]}" pg_ctlcluster --skip-systemctl-redirect $cluster start >/dev/null 2>&1
    wait_until listening "$PG_HOST" "$PG_PORT" && return
  fi
  miss "PostgreSQL is down on $PG_HOST:$PG_PORT" "pg_ctlcluster $cluster start"
}

check_postgresql_database() {  # only once the server answers, and only if psql is here
  command -v psql >/dev/null 2>&1 && listening "$PG_HOST" "$PG_PORT" || return
  local error
  error=$(PGCONNECT_TIMEOUT=3 psql -w -Atq "$PG_URL" -c 'select 1' 2>&1 >/dev/null) && return
  if [[ $error == *"does not exist"* ]] &&
    PGCONNECT_TIMEOUT=3 psql -w -Atq "${PG_URL%/*}/postgres" -c "CREATE DATABASE ${PG_URL##*/}" \
      >/dev/null 2>&1; then
    echo "created the PostgreSQL database ${PG_URL##*/}"
    return
  fi
  missing+=("PostgreSQL refuses $PG_URL (${error%%$'\n'*}) — allow it in pg_hba.conf (trust) and createdb ${PG_URL##*/}, or set TEST_POSTGRES_URL")
}

check_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server || miss "Redis (redis-server)" "apt-get install redis-server"
    command -v redis-server >/dev/null 2>&1 || return
  fi
  redis_answers && return
  if local_address "$REDIS_HOST"; then
    local dir=/var/lib/redis
    [[ $(id -u) == 0 ]] || dir=${TMPDIR:-/tmp}/baraza-redis-$(id -u)
    mkdir -p "$dir"
    echo "starting Redis on $REDIS_HOST:$REDIS_PORT"
    redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" \
      --appendonly no --dir "$dir" --logfile "$dir/baraza-test.log" >/dev/null 2>&1 &&
      wait_until redis_answers && return
  fi
  missing+=("Redis does not answer on $REDIS_HOST:$REDIS_PORT — redis-server --daemonize yes --port $REDIS_PORT")
}

check_chromium() {  # the browser tests drive Debian's Chromium (Playwright's own download fails here)
  command -v chromium >/dev/null 2>&1 && return
  apt_install chromium || miss "Chromium (browser tests)" "apt-get install chromium"
}

check_node() {  # npm installs esbuild, which tests/web/test_bundles.py rebuilds the bundles with
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return
  apt_install npm || miss "Node.js and npm (the bundles' test)" "apt-get install nodejs npm"
}

check_nginx() {  # for the `make cluster` test; installing it must not start it
  command -v nginx >/dev/null 2>&1 && return
  if apt_install nginx --no-install-recommends; then
    "${as_root[@]}" service nginx stop >/dev/null 2>&1 || true
  else
    miss "nginx (cluster tests)" "apt-get install nginx"
  fi
}

check_python
check_postgresql
check_postgresql_database
check_redis
check_chromium
check_node
check_nginx

if ((${#missing[@]})); then
  echo "make test cannot set up this machine by itself; it needs:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi
