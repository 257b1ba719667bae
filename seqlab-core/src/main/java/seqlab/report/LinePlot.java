package seqlab.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import seqlab.io.AtomicFiles;

/**
 * A line plot as SVG, written by hand (the core depends on the JDK alone): several series,
 * axes with ticks and labels, a title, a legend, and linear or logarithmic axes. Points that
 * are not finite, or ≤ 0 on a log axis, are left out (the line breaks there); NaN points are
 * marked along the top edge ("NaN"), so a diverged run shows where it diverged. An optional
 * upper limit of the y axis keeps a runaway series from flattening the others: its points above
 * the limit are drawn on the top edge, marked ▲. A series of at most {@value #MARKED} points marks
 * each point with its own hollow shape (also in the legend); a series whose line runs on top of
 * an earlier one is dashed, so the one beneath shows through, and a series that another covers
 * completely says so in the legend ("= GRU"). In a longer series a point with no neighbour on its
 * line is drawn as a dot. Tick labels of an axis share one form: decimals, or powers of ten.
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
    private double yMax = Double.NaN;

    /** Dash patterns for lines that run on top of another, by series index (the first is never needed). */
    private static final String[] DASHES = {"6,4", "2,3", "9,3,2,3", "4,4", "1,3", "12,4", "6,2,2,2"};

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

    /** Caps the y axis at {@code max} (NaN: no cap); points above it are drawn on the top edge, marked ▲. */
    public LinePlot limitY(double max) {
        this.yMax = max;
        return this;
    }

    private boolean usable(double v, boolean log) {
        return Double.isFinite(v) && (!log || v > 0);
    }

    public String toSvg() {
        double[] xr = range(true);
        double[] yr = range(false);
        String[] names = legendNames(xr, yr);
        int longest = java.util.Arrays.stream(names).mapToInt(String::length).max().orElse(0);
        int right = Math.max(RIGHT, 60 + 7 * longest);                   // the legend's longest name fits
        int w = W - RIGHT + right;
        Svg svg = new Svg(w, H);
        int pw = w - LEFT - right;
        int ph = H - TOP - BOTTOM;
        svg.text(LEFT + pw / 2.0, 22, title, "middle", 0);
        svg.line(LEFT, TOP + ph, LEFT + pw, TOP + ph, "black", 1).line(LEFT, TOP, LEFT, TOP + ph, "black", 1);
        List<Double> xt = xTicks(xr);
        List<String> xl = Ticks.labels(xt);
        for (int i = 0; i < xt.size(); i++) {
            double px = LEFT + pw * frac(xt.get(i), xr, logX);
            svg.line(px, TOP + ph, px, TOP + ph + 5, "black", 1).line(px, TOP, px, TOP + ph, "#e0e0e0", 0.5)
                    .text(px, TOP + ph + 18, xl.get(i), "middle", 0);
        }
        List<Double> yt = Ticks.of(yr[0], yr[1], logY);
        List<String> yl = Ticks.labels(yt);
        for (int i = 0; i < yt.size(); i++) {
            double py = TOP + ph * (1 - frac(yt.get(i), yr, logY));
            svg.line(LEFT - 5, py, LEFT, py, "black", 1).line(LEFT, py, LEFT + pw, py, "#e0e0e0", 0.5)
                    .text(LEFT - 8, py + 4, yl.get(i), "end", 0);
        }
        svg.text(LEFT + pw / 2.0, H - 12, axisTitle(xLabel, logX), "middle", 0);
        svg.text(18, TOP + ph / 2.0, axisTitle(yLabel, logY), "middle", -90);
        boolean[] dashed = dashed(xr, yr);
        List<List<double[]>> marks = new ArrayList<>();                   // per series; drawn after every line, on top
        boolean anyNaN = false;
        boolean anyAbove = false;
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String color = COLORS[k % COLORS.length];
            String dash = dashed[k] ? DASHES[(k - 1) % DASHES.length] : null;
            boolean marked = s.x().length <= MARKED;
            marks.add(new ArrayList<>());
            List<double[]> run = new ArrayList<>();                       // the current unbroken run of points
            int nanFrom = -1;
            for (int i = 0; i <= s.x().length; i++) {
                boolean nan = i < s.x().length && usable(s.x()[i], logX) && Double.isNaN(s.y()[i]);
                if (nan && nanFrom < 0) {
                    nanFrom = i;
                } else if (!nan && nanFrom >= 0) {
                    nanBand(svg, s, nanFrom, i - 1, xr, pw, color);
                    anyNaN = true;
                    nanFrom = -1;
                }
                if (i < s.x().length && usable(s.x()[i], logX) && usable(s.y()[i], logY)) {
                    double y = Math.min(s.y()[i], yr[1]);
                    double[] pt = {LEFT + pw * frac(s.x()[i], xr, logX), TOP + ph * (1 - frac(y, yr, logY))};
                    run.add(pt);
                    if (s.y()[i] > yr[1]) {
                        svg.text(pt[0], TOP - 3, "▲", "middle", 0);
                        anyAbove = true;
                    }
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
                    svg.polyline(pts, color, dash);
                }
                run.clear();
            }
            double ly = TOP + 10 + 20 * k;
            svg.line(LEFT + pw + 15, ly, LEFT + pw + 40, ly, color, 2, dash).text(LEFT + pw + 46, ly + 4, names[k], "start", 0);
            if (marked) {
                svg.marker(k, LEFT + pw + 27.5, ly, color);
            }
        }
        double note = TOP + 10 + 20 * series.size() + 6;
        if (anyNaN) {
            svg.text(LEFT + pw + 15, note, "▬ at the top: NaN", "start", 0);
            note += 18;
        }
        if (anyAbove) {
            svg.text(LEFT + pw + 15, note, "▲: above the axis", "start", 0);
        }
        for (int k = 0; k < marks.size(); k++) {
            for (double[] p : marks.get(k)) {
                svg.marker(k, p[0], p[1], COLORS[k % COLORS.length]);
            }
        }
        return svg.finish();
    }

    /** Steps {@code from}..{@code to} of {@code s} are NaN: a band along the top edge, labelled once. */
    private void nanBand(Svg svg, Series s, int from, int to, double[] xr, int pw, String color) {
        double x0 = LEFT + pw * frac(s.x()[from], xr, logX);
        double x1 = LEFT + pw * frac(s.x()[to], xr, logX);
        svg.rect(x0 - 1.5, TOP + 1, Math.max(3, x1 - x0 + 3), 5, color);
        svg.text(x0 + 2, TOP + 18, "NaN", "start", 0);
    }

    /** "loss (nats)" on a log axis is "loss (nats, log scale)". */
    static String axisTitle(String label, boolean log) {
        if (!log) {
            return label;
        }
        return label.endsWith(")") ? label.substring(0, label.length() - 1) + ", log scale)" : label + " (log scale)";
    }

    /** Within 1.5 px of each other: a reader cannot tell the lines apart. */
    private boolean same(int j, int i, int k, int m, double[] xr, double[] yr) {
        Series a = series.get(j);
        Series b = series.get(k);
        return a.x()[i] == b.x()[m] && usable(a.y()[i], logY) && usable(b.y()[m], logY)
                && Math.abs(frac(Math.min(a.y()[i], yr[1]), yr, logY) - frac(Math.min(b.y()[m], yr[1]), yr, logY)) * (H - TOP - BOTTOM) < 1.5;
    }

    /** The index in series k of x, or -1. */
    private static int indexOf(Series s, double x) {
        for (int i = 0; i < s.x().length; i++) {
            if (s.x()[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /** Series k is dashed when some segment of its line lies on a segment of an earlier series' line. */
    private boolean[] dashed(double[] xr, double[] yr) {
        boolean[] out = new boolean[series.size()];
        for (int k = 1; k < series.size(); k++) {
            Series b = series.get(k);
            for (int j = 0; j < k && !out[k]; j++) {
                for (int m = 0; m + 1 < b.x().length && !out[k]; m++) {
                    int i = indexOf(series.get(j), b.x()[m]);
                    int i2 = indexOf(series.get(j), b.x()[m + 1]);
                    out[k] = i >= 0 && i2 >= 0 && same(j, i, k, m, xr, yr) && same(j, i2, k, m + 1, xr, yr);
                }
            }
        }
        return out;
    }

    /** The legend's names: a series that a later one covers at every point is named with it ("LSTM (= GRU)"). */
    private String[] legendNames(double[] xr, double[] yr) {
        String[] out = new String[series.size()];
        for (int j = 0; j < series.size(); j++) {
            Series a = series.get(j);
            out[j] = a.name();
            for (int k = j + 1; k < series.size(); k++) {
                boolean covered = a.x().length > 1;
                for (int i = 0; i < a.x().length && covered; i++) {
                    int m = indexOf(series.get(k), a.x()[i]);
                    covered = m >= 0 && same(j, i, k, m, xr, yr);
                }
                if (covered) {
                    out[j] = a.name() + " (= " + series.get(k).name() + ")";
                    break;
                }
            }
        }
        return out;
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
        if (!x && Double.isFinite(yMax) && hi > yMax && lo < yMax) {
            hi = yMax;
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
