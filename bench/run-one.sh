#!/bin/bash
# One interleaved-bench run for docs/BENCHMARKS.md (issue 16/19): a fresh server (sqlite) or a fresh PostgreSQL
# cluster with two nodes (pg, needs Debian postgresql-15 and root for su postgres), a 200,000-seat bench license, then
# `usher bench` with the default phases. BUILD_DIR is a built checkout (./mvnw -DskipTests package). Alternate builds:
#   for i in 1 2 3; do bench/run-one.sh /tmp/old sqlite old; bench/run-one.sh /tmp/new sqlite new; done
# One bench run: run.sh BUILD_DIR MODE(sqlite|pg) LABEL  -> appends the bench output to /work/bench/out/LABEL.txt
# Variables: PHASES (default baseline,cycles,heartbeats), BARGS (more bench options, e.g. "--warmup 20s --duration 10s"
# or "--sessions 100000 --users 1000"), JOPTS (JVM options of the server(s), e.g. a JFR recording), SOPTS (more serve
# options, e.g. "--lease-ttl 3600"), XMX (server heap, default -Xmx512m), BENCH_CP (run the bench of another build).
# HOLD=N runs `usher bench hold` with N live sessions of N/100 people (at least one) instead (memory, issue 19): the heap after a full
# GC with none and with all of them live, and a class histogram of the server with them live.
set -u
B=$1; MODE=$2; LABEL=$3
J=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
CP="$B/usher-cli/target/usher-cli.jar:$B/usher-cli/target/lib/*"
usher() { "$J" -Xmx512m --enable-native-access=ALL-UNNAMED -cp "${BENCH_CP:-$CP}" dev.usher.cli.UsherCommand "$@"; }
# shellcheck disable=SC2086
serve() { exec "$J" ${XMX:--Xmx512m} ${JOPTS:-} --enable-native-access=ALL-UNNAMED -cp "$CP" dev.usher.cli.UsherCommand serve "$@" ${SOPTS:-}; }
TOK=bench-token-0123456789abcdef0123456789
W=$(mktemp -d /tmp/ubench.XXXX); chmod 755 $W
mkdir -p "${BENCH_OUT:-/tmp/usher-bench-out}"
OUT="${BENCH_OUT:-/tmp/usher-bench-out}/$LABEL.txt"
wait_ready() { for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.5; done; echo "server $1 did not start" >>$OUT; return 1; }
PIDS=()
if [ "$MODE" = pg ]; then
  chown postgres $W
  su postgres -c "/usr/lib/postgresql/15/bin/initdb -D $W/pg -U postgres --locale=C -E UTF8 -A trust" >/dev/null
  su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $W/pg -l $W/pg.log -o '-p 55433 -k $W -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB ${PGOPTS:-}' -w start" >/dev/null
  psql -h 127.0.0.1 -p 55433 -U postgres -qc "CREATE DATABASE usher"
  DB='postgresql://127.0.0.1:55433/usher?user=postgres'
  USHER_ADMIN_TOKEN=$TOK serve --demo --db "$DB" --data $W/n1 --port 9781 --host 127.0.0.1 >$W/n1.log 2>&1 & PIDS+=($!)
  wait_ready 9781
  USHER_ADMIN_TOKEN=$TOK serve --auth-mode open --db "$DB" --data $W/n2 --port 9782 --host 127.0.0.1 >$W/n2.log 2>&1 & PIDS+=($!)
  wait_ready 9782
  URL=http://127.0.0.1:9781; EXTRA="--also-url http://127.0.0.1:9782"
else
  USHER_ADMIN_TOKEN=$TOK serve --demo --data $W/d --port 9791 --host 127.0.0.1 >$W/n1.log 2>&1 & PIDS+=($!)
  wait_ready 9791
  URL=http://127.0.0.1:9791; EXTRA=""
fi
usher vendor keygen --out $W/keys --vendor "Usher bench" --products bench >/dev/null 2>&1 || usher vendor keygen --out $W/keys >/dev/null
DATA=$([ "$MODE" = pg ] && echo $W/n1 || echo $W/d)
mkdir -p $DATA/trusted-keys && cp $W/keys/vendor.pub $DATA/trusted-keys/bench-vendor.pub
[ "$MODE" = pg ] && mkdir -p $W/n2/trusted-keys && cp $W/keys/vendor.pub $W/n2/trusted-keys/bench-vendor.pub
INST=$(curl -s $URL/api/v1/installation | python3 -c 'import json,sys; print(json.load(sys.stdin)["installationId"])')
usher vendor issue --key $W/keys/vendor.key --customer "Usher bench" --product bench --server --installation "$INST" --seats cal=200000 --expires never --out $W/bench.lic >/dev/null
echo "=== $LABEL $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg) build $(git -C $B log --oneline -1 | cut -c1-7)" >>$OUT
# CPU time (ticks) of each node and of PostgreSQL over the run.
ticks() { for p in ${PIDS[@]}; do awk '{printf "%d ", $14+$15}' /proc/$p/stat; done; for p in $(pgrep -u postgres postgres); do awk '{print $14+$15}' /proc/$p/stat 2>/dev/null; done | awk '{s+=$1} END {print s}'; }
T0=$(ticks)
JCMD=$(dirname "$J")/jcmd
if [ -n "${HOLD:-}" ]; then
  "$JCMD" ${PIDS[0]} GC.run >/dev/null; echo "heap with no session, after a full GC: $("$JCMD" ${PIDS[0]} GC.heap_info | head -2 | tr '\n' ' ')" >>$OUT
  # shellcheck disable=SC2086
  usher bench hold --url $URL --token "$TOK" --license $W/bench.lic --product bench --feature cal --server-pid ${PIDS[0]} \
      --sessions $HOLD --users $((HOLD >= 100 ? HOLD / 100 : 1)) --duration 30s --full-gc --setup-limit 20m --keep-sessions ${BARGS:-} >>$OUT 2>&1
  echo "exit $?" >>$OUT
  "$JCMD" ${PIDS[0]} GC.class_histogram | head -25 >>$OUT
else
  # shellcheck disable=SC2086
  usher bench --url $URL $EXTRA --token "$TOK" --license $W/bench.lic --product bench --feature cal --server-pid ${PIDS[0]} \
      --phases ${PHASES:-baseline,cycles,heartbeats} ${BARGS:-} >>$OUT 2>&1
  echo "exit $?" >>$OUT
fi
echo "cpu ticks before: $T0 after: $(ticks) (node1 [node2] postgresql)" >>$OUT
# PGSTAT=1 (with PGOPTS="-c shared_preload_libraries=pg_stat_statements"): the statements that took the database's time.
if [ -n "${PGSTAT:-}" ]; then
  psql -h 127.0.0.1 -p 55433 -U postgres -d usher -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  psql -h 127.0.0.1 -p 55433 -U postgres -d usher -P pager=off -c "SELECT calls, round(total_exec_time) AS exec_ms, round(total_plan_time) AS plan_ms, plans, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 25" >>$OUT
fi
# How much the JIT compiled and for how long (jstat -compiler: compiled methods, failed, invalidated, seconds): whether
# the measured window was still warm-up.
JSTAT=$(dirname "$J")/jstat
for p in ${PIDS[@]}; do echo "jit of $p: $("$JSTAT" -compiler $p | tail -1 | awk '{print $1" methods compiled in "$4" s"}')" >>$OUT; done
kill ${PIDS[@]}; wait ${PIDS[@]} 2>/dev/null
# Where each node's group commits spent their time (logged at stop, PostgreSQL only).
grep -h "group commit:\|seat loads:\|seat groups," $W/n1.log $W/n2.log 2>/dev/null | sed 's/^/log: /' >>$OUT
if [ "$MODE" = pg ]; then su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $W/pg -m fast stop" >/dev/null; fi
rm -rf $W
