#!/bin/bash
# Start-up time (docs/BENCHMARKS.md, issue 19 point 4): milliseconds from launching `usher serve` on an
# existing data directory to the first 200 of /healthz, polled every 10 ms; then the server is stopped.
#   bench/startup.sh CHECKOUT DATA_DIR PORT     (CHECKOUT: a built clone; its ./usher launcher is used)
# Make DATA_DIR once beforehand: CHECKOUT/usher serve --demo --data DATA_DIR, wait for /healthz, stop it.
# Extra variables (USHER_AOT=off, USHER_JAVA_OPTS) pass through to the launcher.
set -u
B=$1; D=$2; P=$3
LOG=$(mktemp /tmp/usher-startup.XXXX.log)
t0=$(date +%s%N)
"$B/usher" serve --data "$D" --port "$P" --host 127.0.0.1 >"$LOG" 2>&1 &
pid=$!
while :; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$P/healthz" 2>/dev/null)
  [ "$code" = 200 ] && break
  if ! kill -0 $pid 2>/dev/null; then echo "server exited before answering (log: $LOG)" >&2; exit 1; fi
  if [ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 60000 ]; then echo "no answer in 60 s (log: $LOG)" >&2; kill $pid; exit 1; fi
  sleep 0.01
done
t1=$(date +%s%N)
echo $(( (t1 - t0) / 1000000 ))
kill $pid; wait $pid 2>/dev/null
rm -f "$LOG"
