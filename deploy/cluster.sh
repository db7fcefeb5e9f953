#!/usr/bin/env bash
# `make cluster`: several eventlet workers on PostgreSQL and Redis behind nginx.
#
# Each worker is one gunicorn process with one eventlet worker (server.wsgi:app),
# as in production; nginx (deploy/nginx.conf) spreads browsers over them, sticky.
# PostgreSQL and Redis must be running (`make test-machine` starts them).
#
# Settings (environment): WORKER_PORTS ("5001 5002"), PORT (8080, nginx),
# DATABASE_URL (…/baraza on 127.0.0.1), REDIS_URL, REDIS_PREFIX, PUBLIC_URL
# (http://127.0.0.1:$PORT), BARAZA_INSTANCE (instance/cluster), TRUSTED_PROXIES (1)
# and the join limits (docs/deployment.md). Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.venv/bin

WORKER_PORTS=${WORKER_PORTS:-"5001 5002"}
PORT=${PORT:-8080}
export DATABASE_URL=${DATABASE_URL:-postgresql+psycopg2://postgres@127.0.0.1:5432/baraza}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export PUBLIC_URL=${PUBLIC_URL:-http://127.0.0.1:$PORT}
export BARAZA_INSTANCE=${BARAZA_INSTANCE:-$ROOT/instance/cluster}
export ASYNC_MODE=eventlet
# nginx adds the client's address to X-Forwarded-For: the join limits count that one.
export TRUSTED_PROXIES=${TRUSTED_PROXIES:-1}
RUN=$BARAZA_INSTANCE/run
mkdir -p "$RUN/tmp"

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# The database, once: create it if missing, migrate, seed the demo, print the links.
"$BIN/python" - <<'PY'
import os
import sqlalchemy as sa
url = sa.engine.make_url(os.environ["DATABASE_URL"])
if url.get_backend_name() == "postgresql":
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        )
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    admin.dispose()
PY
ASYNC_MODE=threading "$BIN/flask" --app server.app seed-demo

answers() {  # answers URL: true once the URL answers
  "$BIN/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
    "$1" 2>/dev/null
}
wait_for() {  # wait_for URL NAME
  for _ in $(seq 1 100); do
    if answers "$1"; then return 0; fi
    sleep 0.3
  done
  echo "$2 did not start (logs in $RUN)" >&2
  return 1
}

for port in $WORKER_PORTS; do
  "$BIN/gunicorn" --worker-class eventlet --workers 1 --worker-connections 20000 \
    --bind "127.0.0.1:$port" --log-file "$RUN/worker-$port.log" server.wsgi:app &
  pids+=($!)
done
# nginx marks a worker that does not answer yet as down for a while: wait until each
# is ready (its database answers and is migrated; Redis answers).
for port in $WORKER_PORTS; do wait_for "http://127.0.0.1:$port/readyz" "worker $port"; done

# deploy/nginx.conf with this run's ports, logs and temporary files.
deploy/nginx-conf.sh "$RUN" "$PORT" "$WORKER_PORTS" > "$RUN/nginx.conf"

as_root=""
if [ "$(id -u)" = 0 ]; then as_root="user root;"; fi
nginx -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx.error.log" \
  -g "daemon off; pid $RUN/nginx.pid; $as_root" &
pids+=($!)

wait_for "http://127.0.0.1:$PORT/readyz" nginx
echo "Baraza cluster: $(echo $WORKER_PORTS | wc -w) workers behind $PUBLIC_URL (logs in $RUN)"

# Stop everything as soon as any part stops.
wait -n
