#!/bin/bash
# CPU of each of a JVM's threads (grouped by name, digits folded) over a window, from /proc: which thread a node's
# time goes to (request carriers, the group writer, the JIT compiler, GC, the recorders).
#   bench/thread-cpu.sh PID DELAY_S WINDOW_S
set -u
P=$1; sleep "$2"
snap() { for t in /proc/$P/task/*; do s=$(cat "$t/stat" 2>/dev/null) || continue; n=${s#*(}; n=${n%)*}; r=${s##*) }
  # shellcheck disable=SC2086
  set -- $r; echo "${n// /_} $(( ${12} + ${13} ))"; done; }
A=$(mktemp); Z=$(mktemp); snap >"$A"; sleep "$3"; snap >"$Z"
python3 - "$A" "$Z" <<'PY'
import collections, re, sys
def read(f):
    d = collections.Counter()
    for line in open(f):
        name, ticks = line.rsplit(' ', 1)
        d[re.sub(r'\d+', 'N', name)] += int(ticks)
    return d
a, z = read(sys.argv[1]), read(sys.argv[2])
diff = {k: z[k] - a.get(k, 0) for k in z}
total = sum(diff.values()) or 1
for k, v in sorted(diff.items(), key=lambda x: -x[1])[:15]:
    print(f"{k:30s} {v:6d} ticks {v / total:6.1%}")
print("total ticks", total)
PY
rm -f "$A" "$Z"
