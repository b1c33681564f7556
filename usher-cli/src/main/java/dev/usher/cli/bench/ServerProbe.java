package dev.usher.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the bench can learn about the server process from outside (Linux {@code /proc}, and
 * {@code jcmd} from the bench's own JDK when present): alive, CPU time, resident memory, Java heap.
 * Also the bench's own CPU time, so a report shows who used the cores.
 */
final class ServerProbe {

    private static final Pattern HEAP_LINE = Pattern.compile("(?:committed|total) (\\d+)K, used (\\d+)K");
    private static final Pattern MAX_HEAP = Pattern.compile("-XX:MaxHeapSize=(\\d+)");
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux on every common platform

    private final long pid;

    ServerProbe(long pid) {
        this.pid = pid;
    }

    long pid() {
        return pid;
    }

    /** The process exists and is not a zombie. */
    boolean alive() {
        String state = statusField("State:");
        return state != null && !state.startsWith("Z") && !state.startsWith("X");
    }

    /** Resident set size in bytes ({@code VmRSS}), or -1. */
    long rssBytes() {
        return kb(statusField("VmRSS:"));
    }

    /** Peak resident set size in bytes ({@code VmHWM}), or -1. */
    long peakRssBytes() {
        return kb(statusField("VmHWM:"));
    }

    /** User plus system CPU time of the server so far, in nanoseconds, or -1. */
    long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may contain spaces; fields after its closing parenthesis are plain
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time all processes of the machine used so far (user, nice, system, irq, softirq, steal from
     * {@code /proc/stat}), in nanoseconds, or -1: what neither the server nor the bench used was
     * taken by something else running at the same time, which disturbs the measurement.
     */
    static long machineCpuNanos() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.substring(4).strip().split("\\s+");
                    long ticks = 0;
                    for (int i : new int[] {0, 1, 2, 5, 6, 7}) {
                        ticks += Long.parseLong(f[i]);
                    }
                    return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** CPU time of this (the bench's) JVM in nanoseconds, or -1. */
    static long benchCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Java heap of the server as {@code jcmd GC.heap_info} reports it: committed and used bytes. */
    record Heap(long committedBytes, long usedBytes, long maxBytes) {}

    /** The server's heap, when {@code jcmd} can attach (same user, a JDK); empty otherwise. */
    java.util.Optional<Heap> heap() {
        List<String> info = jcmd("GC.heap_info");
        if (info.isEmpty()) {
            return java.util.Optional.empty();
        }
        long committed = -1;
        long used = -1;
        for (String line : info) {
            Matcher m = HEAP_LINE.matcher(line);
            if (m.find()) {
                committed = Long.parseLong(m.group(1)) * 1024;
                used = Long.parseLong(m.group(2)) * 1024;
                break;
            }
        }
        long max = -1;
        for (String line : jcmd("VM.flags")) {
            Matcher m = MAX_HEAP.matcher(line);
            if (m.find()) {
                max = Long.parseLong(m.group(1));
            }
        }
        return used < 0 ? java.util.Optional.empty() : java.util.Optional.of(new Heap(committed, used, max));
    }

    /** Asks the server JVM for a full GC ({@code jcmd GC.run}), so the heap it reports next is the live set. */
    boolean fullGc() {
        return !jcmd("GC.run").isEmpty();
    }

    private List<String> jcmd(String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return List.of();
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try (var r = p.inputReader()) {
                String line;
                while ((line = r.readLine()) != null && lines.size() < 200) {
                    lines.add(line);
                }
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return List.of();
            }
            return p.exitValue() == 0 ? lines : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private String statusField(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(name)) {
                    return line.substring(name.length()).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** Parses {@code "123456 kB"} into bytes. */
    static long kb(String field) {
        if (field == null) {
            return -1;
        }
        String[] parts = field.strip().split("\\s+");
        try {
            return Long.parseLong(parts[0]) * 1024;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
