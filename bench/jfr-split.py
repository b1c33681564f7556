#!/usr/bin/env python3
"""Execution samples of a JFR recording by thread group and by the leaf-most frame's library.
usage: bench/jfr-split.py FILE.jfr [FROM TO] (seconds of the day, UTC, as in the samples' startTime)"""
import subprocess, sys, re, collections
J = subprocess.run("ls -d /usr/lib/jvm/*25*/bin/jfr | head -1", shell=True, capture_output=True, text=True).stdout.strip()
out = subprocess.run([J, "print", "--events", "jdk.ExecutionSample", "--stack-depth", "80", sys.argv[1]], capture_output=True, text=True).stdout
GROUPS = [("lease table", "dev.usher.core.lease."), ("seat service/book", "dev.usher.core.seat"), ("store", "dev.usher.store."),
          ("json (jackson)", "tools.jackson."), ("json (jackson)", "com.fasterxml.jackson."), ("metrics (micrometer)", "io.micrometer."),
          ("usher http/auth", "dev.usher.server."), ("javalin", "io.javalin."), ("jetty", "org.eclipse.jetty."),
          ("sqlite", "org.sqlite."), ("jdk net/nio", "sun.nio."), ("jdk net/nio", "java.nio."), ("jdk net/nio", "sun.net."),
          ("jdk time/format", "java.time."), ("jdk string/regex", "java.util.regex."), ("jdk concurrent", "java.util.concurrent."),
          ("jdk lang", "java.lang."), ("jdk util", "java.util."), ("jdk internal", "jdk.internal.")]
def secs(ev):
    m = re.search(r"startTime = (\d+):(\d+):(\d+)\.(\d+)", ev)
    return int(m.group(1))*3600+int(m.group(2))*60+int(m.group(3))+int(m.group(4))/10**len(m.group(4)) if m else None
evs = out.split("jdk.ExecutionSample")[1:]
if len(sys.argv) > 3:
    t0 = float(sys.argv[2]); t1 = float(sys.argv[3])
    evs = [e for e in evs if secs(e) is not None and t0 <= secs(e) <= t1]
threads = collections.Counter(); libs = collections.Counter(); usher = collections.Counter(); total = 0
for ev in evs:
    m = re.search(r'sampledThread = "([^"]*)"', ev)
    t = m.group(1) if m else "?"
    t = re.sub(r"\d+", "N", t)
    frames = re.findall(r"^\s+([\w$.<>]+)\(", ev, re.M)
    total += 1
    threads[t] += 1
    g = "other"
    for f in frames:
        hit = next((name for name, pre in GROUPS if f.startswith(pre)), None)
        if hit:
            g = hit; break
    libs[g] += 1
    u = next((f for f in frames if f.startswith("dev.usher.")), None)
    usher[u or "(no usher frame)"] += 1
print("samples", total)
print("\nby thread:"); [print(f"  {n:6d} {100*n/total:5.1f}%  {t}") for t, n in threads.most_common(12)]
print("\nby leaf-most library:"); [print(f"  {n:6d} {100*n/total:5.1f}%  {t}") for t, n in libs.most_common(20)]
print("\nby innermost usher frame:"); [print(f"  {n:6d} {100*n/total:5.1f}%  {t}") for t, n in usher.most_common(25)]
