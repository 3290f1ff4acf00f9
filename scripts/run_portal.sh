#!/usr/bin/env bash
# Runs the web server and the django-q2 worker together; Ctrl-C stops both.
set -euo pipefail
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

pids=()
stop() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$PY" manage.py qcluster &
pids+=($!)
"$PY" manage.py runserver --noreload "$HOST:$PORT" &
pids+=($!)

echo "Portal: http://$HOST:$PORT/  (Ctrl-C stops the web server and the worker)"
# Whichever stops first stops the other.
wait -n
