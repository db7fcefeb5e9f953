#!/usr/bin/env bash
# deploy/nginx.conf for one run: `deploy/nginx-conf.sh RUN PORT "WORKER_PORTS"`.
#
# Prints the shipped file with its `server` lines replaced by the given worker ports,
# nginx listening on 127.0.0.1:PORT, and its logs and temporary files under RUN.
# deploy/cluster.sh (`make cluster`) and the tests of nginx render it the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=$1
PORT=$2
WORKER_PORTS=$3

# The first `server` line's parameters (max_fails…) are kept for every worker.
awk -v workers="$WORKER_PORTS" -v port="$PORT" -v run="$RUN" '
  /^ *server 127\.0\.0\.1:[0-9]+[ ;]/ {
    if (!done) {
      parameters = $0
      sub(/^ *server 127\.0\.0\.1:[0-9]+/, "", parameters)
      count = split(workers, ports, " ")
      for (i = 1; i <= count; i++) print "        server 127.0.0.1:" ports[i] parameters
      done = 1
    }
    next
  }
  /^ *listen / { print "        listen 127.0.0.1:" port ";"; next }
  /^error_log / { print "error_log " run "/nginx.error.log crit;"; next }
  /^ *access_log / { print "    access_log " run "/access.log baraza;"; next }
  { print }
  /^http \{/ {
    print "    client_body_temp_path " run "/tmp/body;"
    print "    proxy_temp_path " run "/tmp/proxy;"
    print "    fastcgi_temp_path " run "/tmp/fastcgi;"
    print "    uwsgi_temp_path " run "/tmp/uwsgi;"
    print "    scgi_temp_path " run "/tmp/scgi;"
  }
' deploy/nginx.conf
