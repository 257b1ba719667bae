package seqlab.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import seqlab.io.AtomicFiles;

/**
 * A line plot as SVG, written by hand (the core depends on the JDK alone): several series,
 * axes with ticks and labels, a title, a legend, and linear or logarithmic axes. Points that
 * are not finite, or ≤ 0 on a log axis, are left out (the line breaks there). A series of at most
 * {@value #MARKED} points marks each point with its own hollow shape (also in the legend), so
 * series that coincide stay distinguishable; in a longer series a point with no neighbour on its
 * line is drawn as a dot.
 */
public final class LinePlot {

    /** One named line: x and y of equal length. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length + " y values");
            }
        }
    }

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
    private static final int MARKED = 40;
    private static final int MARKED_X = 12;
    private static final int W = 720;
    private static final int H = 440;
    private static final int LEFT = 70;
    private static final int RIGHT = 180;
    private static final int TOP = 40;
    private static final int BOTTOM = 55;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final boolean logY;
    private final List<Series> series = new ArrayList<>();

    public LinePlot(String title, String xLabel, String yLabel, boolean logX, boolean logY) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
        this.logY = logY;
    }

    public LinePlot add(Series s) {
        series.add(s);
        return this;
    }

    private boolean usable(double v, boolean log) {
        return Double.isFinite(v) && (!log || v > 0);
    }

    public String toSvg() {
        double[] xr = range(true);
        double[] yr = range(false);
        int longest = series.stream().mapToInt(x -> x.name().length()).max().orElse(0);
        int right = Math.max(RIGHT, 60 + 7 * longest);                   // the legend's longest name fits
        int w = W - RIGHT + right;
        Svg svg = new Svg(w, H);
        int pw = w - LEFT - right;
        int ph = H - TOP - BOTTOM;
        svg.text(LEFT + pw / 2.0, 22, title, "middle", 0);
        svg.line(LEFT, TOP + ph, LEFT + pw, TOP + ph, "black", 1).line(LEFT, TOP, LEFT, TOP + ph, "black", 1);
        for (double t : xTicks(xr)) {
            double px = LEFT + pw * frac(t, xr, logX);
            svg.line(px, TOP + ph, px, TOP + ph + 5, "black", 1).line(px, TOP, px, TOP + ph, "#e0e0e0", 0.5)
                    .text(px, TOP + ph + 18, Ticks.label(t), "middle", 0);
        }
        for (double t : Ticks.of(yr[0], yr[1], logY)) {
            double py = TOP + ph * (1 - frac(t, yr, logY));
            svg.line(LEFT - 5, py, LEFT, py, "black", 1).line(LEFT, py, LEFT + pw, py, "#e0e0e0", 0.5)
                    .text(LEFT - 8, py + 4, Ticks.label(t), "end", 0);
        }
        svg.text(LEFT + pw / 2.0, H - 12, xLabel + (logX ? " (log scale)" : ""), "middle", 0);
        svg.text(18, TOP + ph / 2.0, yLabel + (logY ? " (log scale)" : ""), "middle", -90);
        List<List<double[]>> marks = new ArrayList<>();                   // per series; drawn after every line, on top
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String color = COLORS[k % COLORS.length];
            boolean marked = s.x().length <= MARKED;
            marks.add(new ArrayList<>());
            List<double[]> run = new ArrayList<>();                       // the current unbroken run of points
            for (int i = 0; i <= s.x().length; i++) {
                if (i < s.x().length && usable(s.x()[i], logX) && usable(s.y()[i], logY)) {
                    run.add(new double[] {LEFT + pw * frac(s.x()[i], xr, logX), TOP + ph * (1 - frac(s.y()[i], yr, logY))});
                    continue;
                }
                if (marked) {
                    marks.get(k).addAll(run);
                }
                if (run.size() == 1 && !marked) {
                    svg.circle(run.get(0)[0], run.get(0)[1], 3, color);               // an isolated point still shows
                } else if (run.size() > 1) {
                    StringBuilder pts = new StringBuilder();
                    for (double[] p : run) {
                        pts.append(Svg.num(p[0])).append(',').append(Svg.num(p[1])).append(' ');
                    }
                    svg.polyline(pts, color);
                }
                run.clear();
            }
            double ly = TOP + 10 + 20 * k;
            svg.line(LEFT + pw + 15, ly, LEFT + pw + 40, ly, color, 2).text(LEFT + pw + 46, ly + 4, s.name(), "start", 0);
            if (marked) {
                svg.marker(k, LEFT + pw + 27.5, ly, color);
            }
        }
        for (int k = 0; k < marks.size(); k++) {
            for (double[] p : marks.get(k)) {
                svg.marker(k, p[0], p[1], COLORS[k % COLORS.length]);
            }
        }
        return svg.finish();
    }

    public void write(Path file) {
        AtomicFiles.writeString(file, toSvg());
    }

    /**
     * The x ticks: on a log axis where the series share at most {@value #MARKED_X} x values (a sweep
     * such as T = 25 … 400), those values, so every point has its label; else the nice ticks.
     */
    private List<Double> xTicks(double[] xr) {
        java.util.TreeSet<Double> xs = new java.util.TreeSet<>();
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (usable(s.x()[i], logX) && usable(s.y()[i], logY)) {
                    xs.add(s.x()[i]);
                }
            }
        }
        return logX && !xs.isEmpty() && xs.size() <= MARKED_X ? List.copyOf(xs) : Ticks.of(xr[0], xr[1], logX);
    }

    private double[] range(boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        boolean log = x ? logX : logY;
        for (Series s : series) {
            double[] v = x ? s.x() : s.y();
            for (int i = 0; i < v.length; i++) {
                if (usable(s.x()[i], logX) && usable(s.y()[i], logY)) {
                    lo = Math.min(lo, v[i]);
                    hi = Math.max(hi, v[i]);
                }
            }
        }
        if (lo > hi) {
            return log ? new double[] {1, 10} : new double[] {0, 1};
        }
        if (lo == hi) {
            return log ? new double[] {lo / 2, hi * 2} : new double[] {lo - 1, hi + 1};
        }
        if (log) {
            return new double[] {lo / 1.05, hi * 1.05};
        }
        double pad = (hi - lo) * 0.03;                       // keep lines off the frame
        return new double[] {lo - pad, hi + pad};
    }

    private static double frac(double v, double[] r, boolean log) {
        return log ? (Math.log10(v) - Math.log10(r[0])) / (Math.log10(r[1]) - Math.log10(r[0])) : (v - r[0]) / (r[1] - r[0]);
    }
}
