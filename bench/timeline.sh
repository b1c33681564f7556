#!/bin/bash
# A PostgreSQL run of bench/run-one.sh with a timeline beside it: every 5 s, the database's commits so far and, for the
# seat tables, live rows / dead rows / autovacuum runs (docs/BENCHMARKS.md, "the swing was autovacuum").
#   bench/timeline.sh BUILD_DIR LABEL PHASES      e.g. BARGS="--warmup 60s --duration 60s" bench/timeline.sh /tmp/new t cycles
# The timeline goes to $BENCH_OUT/LABEL.tl.HHMMSS (seconds since the bench started, commits, table:live/dead/autovacuums).
set -u
B=$1; L=$2; export PHASES=$3 BARGS="${BARGS:---warmup 60s --duration 15s}" BENCH_OUT="${BENCH_OUT:-/tmp/usher-bench-out}"
mkdir -p "$BENCH_OUT"; T=$BENCH_OUT/$L.tl.$(date +%H%M%S)
Q() { psql -h 127.0.0.1 -p 55433 -U postgres -d usher -qAt "$@" 2>/dev/null; }
"$(dirname "$0")/run-one.sh" "$B" pg "$L" & R=$!
until Q -c "select 1" >/dev/null; do sleep 0.5; done
until pgrep -f "UsherCommand bench" >/dev/null; do sleep 0.5; done
S=$(date +%s)
while kill -0 $R 2>/dev/null; do
  echo "$(( $(date +%s) - S )) $(Q -c "select (select xact_commit from pg_stat_database where datname = 'usher'),
      (select string_agg(relname || ':' || n_live_tup || '/' || n_dead_tup || '/' || autovacuum_count, ' ' order by relname)
       from pg_stat_user_tables where relname in ('seats', 'sessions', 'checkouts'))")" >>"$T"
  sleep 5
done
