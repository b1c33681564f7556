#!/bin/bash
# A PostgreSQL cycles run with autovacuum off and pg_stat_statements in three windows: 40-55 s into the bench (no
# ANALYZE yet), 15 s after an ANALYZE of the seat tables, 15-20 s after a VACUUM (docs/BENCHMARKS.md, "the swing was
# autovacuum"): which statements the tables' statistics slow down.
#   bench/statement-windows.sh BUILD_DIR LABEL      -> $BENCH_OUT/LABEL.windows.HHMMSS
set -u
B=$1; L=$2; export PHASES=cycles BARGS="--warmup 60s --duration 45s" BENCH_OUT="${BENCH_OUT:-/tmp/usher-bench-out}"
export PGOPTS="-c autovacuum=off -c shared_preload_libraries=pg_stat_statements"
mkdir -p "$BENCH_OUT"; T=$BENCH_OUT/$L.windows.$(date +%H%M%S)
Q() { psql -h 127.0.0.1 -p 55433 -U postgres -d usher -P pager=off "$@"; }
top() { Q -c "SELECT calls, round(total_exec_time) AS exec_ms, round(total_exec_time * 1000 / calls) AS us_per_call,
    left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS query FROM pg_stat_statements WHERE calls > 100
    ORDER BY total_exec_time DESC LIMIT 14" >>"$T"; }
commits() { Q -qAtc "select xact_commit from pg_stat_database where datname = 'usher'"; }
"$(dirname "$0")/run-one.sh" "$B" pg "$L" & R=$!
until Q -qAtc "select 1" >/dev/null 2>&1; do sleep 0.5; done
until pgrep -f "UsherCommand bench" >/dev/null; do sleep 0.5; done
S=$(date +%s)
at() { while [ $(( $(date +%s) - S )) -lt "$1" ]; do sleep 0.2; done; }
Q -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null 2>&1
window() { # name, then the statement that starts it (if any) and the second it ends
  [ -n "$2" ] && Q -qc "$2"
  Q -qc "select pg_stat_statements_reset()" >/dev/null; local c0; c0=$(commits); local s0; s0=$(date +%s)
  at "$3"; echo "== $1: $(( $(commits) - c0 )) commits in $(( $(date +%s) - s0 )) s" >>"$T"; top
}
at 40
window "A (no ANALYZE yet)" "" 55
window "B (after ANALYZE)" "ANALYZE seats; ANALYZE checkouts; ANALYZE sessions; ANALYZE users; ANALYZE user_aliases" 70
window "C (after VACUUM)" "VACUUM seats, checkouts, sessions, users" 90
wait $R
