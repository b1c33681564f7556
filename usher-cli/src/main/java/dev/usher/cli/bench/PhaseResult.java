package dev.usher.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one phase measured: operations (a request, or a checkout+checkin cycle) completed in the
 * measurement window, the latency of every request in it, and every error of the phase.
 *
 * @param seconds        length of the measurement window
 * @param operations     operations completed in the window (the rate's numerator)
 * @param requests       HTTP requests completed in the window (the histogram's sample count)
 * @param errors         non-2xx responses and transport failures in the whole phase, warm-up included
 * @param statuses       responses by status code, whole phase
 * @param reconnects     connections opened beyond the first per worker (the server closed keep-alive ones)
 */
record PhaseResult(String key, String title, String unit, int connections, double seconds, long operations,
                   long requests, long errors, long ioErrors, Map<Integer, Long> statuses, List<String> errorSamples,
                   Histogram latency, long reconnects, boolean complete) {

    /** The same result under another key and title (e.g. a phase repeated with audit on and off). */
    PhaseResult named(String newKey, String newTitle) {
        return new PhaseResult(newKey, newTitle, unit, connections, seconds, operations, requests, errors, ioErrors, statuses,
                errorSamples, latency, reconnects, complete);
    }

    /** Operations per second over the window. */
    double rate() {
        return seconds > 0 ? operations / seconds : 0;
    }

    double p50Millis() {
        return latency.percentile(50) / 1e6;
    }

    double p99Millis() {
        return latency.percentile(99) / 1e6;
    }

    double maxMillis() {
        return latency.max() / 1e6;
    }

    static PhaseResult of(String key, String title, String unit, double seconds, List<Worker> workers, boolean complete) {
        Histogram all = new Histogram();
        long ops = 0;
        long requests = 0;
        long errors = 0;
        long io = 0;
        long reconnects = 0;
        long[] statuses = new long[600];
        List<String> samples = new ArrayList<>();
        for (Worker w : workers) {
            all.add(w.latency);
            ops += w.operations;
            requests += w.requests;
            errors += w.errors;
            io += w.ioErrors;
            reconnects += Math.max(0, w.connects() - 1);
            for (int i = 0; i < statuses.length; i++) {
                statuses[i] += w.statuses[i];
            }
            for (String s : w.errorSamples) {
                if (samples.size() < 5) {
                    samples.add(s);
                }
            }
        }
        Map<Integer, Long> byStatus = new TreeMap<>();
        for (int i = 0; i < statuses.length; i++) {
            if (statuses[i] > 0) {
                byStatus.put(i, statuses[i]);
            }
        }
        return new PhaseResult(key, title, unit, workers.size(), seconds, ops, requests, errors, io, byStatus,
                List.copyOf(samples), all, reconnects, complete);
    }

    /** Responses with this status in the whole phase. */
    long status(int code) {
        return statuses.getOrDefault(code, 0L);
    }
}
