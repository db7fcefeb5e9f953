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

upstream=""
for port in $WORKER_PORTS; do upstream+="        server 127.0.0.1:$port;\n"; done

awk -v upstream="$upstream" -v port="$PORT" -v run="$RUN" '
  /^ *server 127\.0\.0\.1:[0-9]+;/ { if (!done) { printf "%s", upstream; done = 1 } next }
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
