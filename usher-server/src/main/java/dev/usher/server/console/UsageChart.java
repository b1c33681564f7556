package dev.usher.server.console;

import dev.usher.core.usage.UsageRow;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Usage over time of one pool as an inline SVG drawn on the server (no script, nothing fetched):
 * seats in use at their busiest as an area, capacity as a line, refusals as marks on top with their
 * count written above each. The
 * title and description say the same in words; the page shows the numbers in a table too.
 */
final class UsageChart {

    static final int WIDTH = 720;
    static final int HEIGHT = 240;
    private static final int LEFT = 40;
    private static final int RIGHT = 10;
    private static final int TOP = 20;
    private static final int BOTTOM = 24;

    private UsageChart() {
    }

    static String svg(String pool, Instant from, Instant to, List<UsageRow> rows, Fmt fmt) {
        long t0 = from.toEpochMilli();
        long span = Math.max(1, to.toEpochMilli() - t0);
        int max = 1;
        int peak = 0;
        int denied = 0;
        for (UsageRow r : rows) {
            max = Math.max(max, Math.max(r.capacity(), Math.max(r.peak(), r.demandPeak())));
            peak = Math.max(peak, r.peak());
            denied += r.deniedNoSeats() + r.deniedNotEntitled() + r.deniedNotLicensed();
        }
        int scale = niceCeiling(max);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" xmlns=\"http://www.w3.org/2000/svg\">");
        b.append("<title id=\"chart-title\">Seats in use in ").append(esc(pool)).append("</title>");
        b.append("<desc id=\"chart-desc\">From ").append(esc(fmt.time(from))).append(" to ").append(esc(fmt.time(to)))
                .append(": ").append(rows.isEmpty() ? "no recorded use" : "at most " + peak + " seats in use, " + denied
                        + " refusals; the table below has every value").append(".</desc>");
        // grid and y axis labels
        for (int i = 0; i <= 4; i++) {
            int v = scale * i / 4;
            double y = TOP + plotH - plotH * v / scale;
            b.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                    .append(num(y)).append("\" y2=\"").append(num(y)).append("\"/>");
            b.append("<text class=\"axis\" x=\"").append(LEFT - 4).append("\" y=\"").append(num(y + 4))
                    .append("\" text-anchor=\"end\">").append(v).append("</text>");
        }
        b.append("<text class=\"axis\" x=\"").append(LEFT).append("\" y=\"").append(HEIGHT - 6).append("\">")
                .append(esc(fmt.time(from))).append("</text>");
        b.append("<text class=\"axis\" x=\"").append(WIDTH - RIGHT).append("\" y=\"").append(HEIGHT - 6)
                .append("\" text-anchor=\"end\">").append(esc(fmt.time(to))).append("</text>");
        if (!rows.isEmpty()) {
            StringBuilder area = new StringBuilder();
            StringBuilder cap = new StringBuilder();
            Refusals marks = new Refusals(fmt);
            double base = TOP + plotH;
            for (UsageRow r : rows) {
                double x0 = LEFT + plotW * (r.start() - t0) / span;
                double x1 = LEFT + plotW * Math.min(span, r.start() + r.step().millis() - t0) / span;
                x0 = Math.max(LEFT, x0);
                double y = base - plotH * r.peak() / scale;
                double yc = base - plotH * r.capacity() / scale;
                area.append("M").append(num(x0)).append(' ').append(num(base)).append("V").append(num(y)).append("H")
                        .append(num(x1)).append("V").append(num(base)).append("Z");
                cap.append(cap.isEmpty() ? "M" : "L").append(num(x0)).append(' ').append(num(yc)).append("L").append(num(x1))
                        .append(' ').append(num(yc));
                int d = r.deniedNoSeats() + r.deniedNotEntitled() + r.deniedNotLicensed();
                if (d > 0) {
                    marks.add((x0 + x1) / 2, d, Instant.ofEpochMilli(r.start()), Instant.ofEpochMilli(r.start() + r.step().millis()));
                }
            }
            b.append("<path class=\"in-use\" d=\"").append(area).append("\"/>");
            b.append("<path class=\"capacity\" d=\"").append(cap).append("\"/>");
            marks.drawTo(b);
        }
        b.append("</svg>");
        return b.toString();
    }

    /**
     * Refusals as marks along the top, each with its count written above it. Marks closer than
     * {@link #MIN_GAP} pixels are merged into one (its count the sum, its tooltip the time span), so the
     * counts never overlap whatever the number of bars.
     */
    static final class Refusals {
        static final double MIN_GAP = 22;
        private final Fmt fmt;
        private final java.util.List<double[]> xs = new java.util.ArrayList<>(); // {x sum, bars, count}
        private final java.util.List<Instant[]> spans = new java.util.ArrayList<>();

        Refusals(Fmt fmt) {
            this.fmt = fmt;
        }

        void add(double x, int count, Instant from, Instant to) {
            if (!xs.isEmpty()) {
                double[] last = xs.getLast();
                if (x - last[0] / last[1] < MIN_GAP) {
                    last[0] += x;
                    last[1]++;
                    last[2] += count;
                    spans.getLast()[1] = to;
                    return;
                }
            }
            xs.add(new double[] {x, 1, count});
            spans.add(new Instant[] {from, to});
        }

        void drawTo(StringBuilder b) {
            for (int i = 0; i < xs.size(); i++) {
                double[] m = xs.get(i);
                double x = m[0] / m[1];
                long n = (long) m[2];
                b.append("<g class=\"denial\"><title>").append(n).append(n == 1 ? " refusal" : " refusals").append(" from ")
                        .append(esc(fmt.time(spans.get(i)[0]))).append(" to ").append(esc(fmt.time(spans.get(i)[1]))).append("</title>")
                        .append("<circle cx=\"").append(num(x)).append("\" cy=\"").append(num(TOP + 2)).append("\" r=\"3\"/>")
                        .append("<text class=\"denial-count\" x=\"").append(num(x)).append("\" y=\"").append(num(TOP - 4))
                        .append("\" text-anchor=\"middle\">").append(n).append("</text></g>");
            }
        }
    }

    /** 4, 8, 12, 20, 40, 60, 80, 120 ...: an axis top that divides by four into whole seats. */
    static int niceCeiling(int max) {
        int step = 1;
        while (true) {
            for (int f : new int[] {4, 8, 12, 20, 40, 60, 80}) {
                if (f * step >= max) {
                    return f * step;
                }
            }
            step *= 10;
        }
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
