package seqlab.report;

import java.nio.file.Path;
import java.util.Locale;

import seqlab.io.AtomicFiles;

/**
 * A heat map as SVG, for attention weights: one row per target token, one column per source
 * token, each cell shaded from white (0) to dark blue (1), token labels on both axes (source
 * labels turned 45°), a title for each axis, the value range on a colour bar.
 */
public final class HeatMap {

    private static final int CELL = 26;
    private static final int LEFT = 110;
    private static final int TOP = 110;

    private final String title;
    private final String[] rows;
    private final String[] cols;
    private final float[] values;     // (rows, cols), row-major, in [0, 1]
    private final String rowTitle;
    private final String colTitle;

    public HeatMap(String title, String[] rowLabels, String[] colLabels, float[] values) {
        this(title, "", "", rowLabels, colLabels, values);
    }

    /** A heat map whose rows are {@code rowTitle} (drawn along the left) and columns {@code colTitle} (above them). */
    public HeatMap(String title, String rowTitle, String colTitle, String[] rowLabels, String[] colLabels, float[] values) {
        if (values.length != rowLabels.length * colLabels.length) {
            throw new IllegalArgumentException("heat map: " + values.length + " values for " + rowLabels.length + " rows × "
                    + colLabels.length + " columns");
        }
        this.title = title;
        this.rows = rowLabels.clone();
        this.cols = colLabels.clone();
        this.values = values.clone();
        this.rowTitle = rowTitle;
        this.colTitle = colTitle;
    }

    static String shade(double v) {
        double t = Double.isFinite(v) ? Math.max(0, Math.min(1, v)) : 0;
        int r = (int) Math.round(255 - t * (255 - 8));
        int g = (int) Math.round(255 - t * (255 - 48));
        int b = (int) Math.round(255 - t * (255 - 107));
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    /**
     * Attention weights: row t holds the weights over the source tokens when target token t was
     * produced. A token that is a single space is labelled ␣.
     */
    public static HeatMap attention(String title, java.util.List<String> source, java.util.List<String> target, float[][] weights) {
        if (weights.length != target.size()) {
            throw new IllegalArgumentException("heat map: " + weights.length + " attention rows for " + target.size() + " target tokens");
        }
        float[] v = new float[target.size() * source.size()];
        for (int t = 0; t < weights.length; t++) {
            if (weights[t].length != source.size()) {
                throw new IllegalArgumentException("heat map: attention row " + t + " has " + weights[t].length + " weights for "
                        + source.size() + " source tokens");
            }
            System.arraycopy(weights[t], 0, v, t * source.size(), source.size());
        }
        return new HeatMap(title, "output tokens", "source tokens",
                target.stream().map(HeatMap::visible).toArray(String[]::new),
                source.stream().map(HeatMap::visible).toArray(String[]::new), v);
    }

    private static String visible(String token) {
        return token.equals(" ") ? "␣" : token;
    }

    public String toSvg() {
        return render().finish();
    }

    private Svg render() {
        // margins that fit the labels (about 7 px a character at 12 px; column labels run at 45°)
        int titled = rowTitle.isEmpty() && colTitle.isEmpty() ? 0 : 18;      // room for the axis titles
        int left = Math.max(LEFT, 16 + titled + 7 * longest(rows));
        int top = Math.max(TOP, 40 + 5 * longest(cols)) + titled;
        int w = Math.max(left + cols.length * CELL + 90, left + 7 * title.length() + 30);   // the title starts at the grid's left edge
        int h = Math.max(top + rows.length * CELL + 30, top + rows.length * CELL / 2 + 4 * rowTitle.length() + 10);
        Svg svg = new Svg(w, h);
        svg.text(left, 20, title, "start", 0);
        if (titled > 0) {
            svg.text(left + cols.length * CELL / 2.0, top - 20 - 5 * longest(cols), colTitle, "middle", 0);   // above the 45° labels
            svg.text(left - 20 - 7 * longest(rows), top + rows.length * CELL / 2.0, rowTitle, "middle", -90);
        }
        for (int j = 0; j < cols.length; j++) {
            svg.text(left + j * CELL + CELL / 2.0, top - 8, cols[j], "start", -45);
        }
        for (int i = 0; i < rows.length; i++) {
            svg.text(left - 8, top + i * CELL + CELL / 2.0 + 4, rows[i], "end", 0);
            for (int j = 0; j < cols.length; j++) {
                svg.rect(left + j * CELL, top + i * CELL, CELL - 1, CELL - 1, shade(values[i * cols.length + j]));
            }
        }
        int bx = left + cols.length * CELL + 30;
        for (int k = 0; k < 10; k++) {
            svg.rect(bx, top + k * 12, 16, 12, shade(1 - k / 9.0));
        }
        svg.text(bx + 22, top + 10, "1", "start", 0).text(bx + 22, top + 120, "0", "start", 0);
        return svg;
    }

    /**
     * Several heat maps in one drawing under one title, {@code perRow} side by side (one panel per
     * attention head, say).
     */
    public static String grid(String title, java.util.List<HeatMap> panels, int perRow) {
        if (panels.isEmpty() || perRow < 1) {
            throw new IllegalArgumentException("heat map grid: " + panels.size() + " panels, " + perRow + " per row");
        }
        java.util.List<Svg> drawn = panels.stream().map(HeatMap::render).toList();
        int cellW = drawn.stream().mapToInt(Svg::width).max().orElse(0);
        int cellH = drawn.stream().mapToInt(Svg::height).max().orElse(0);
        int cols = Math.min(perRow, panels.size());
        int rowsOfPanels = (panels.size() + cols - 1) / cols;
        Svg svg = new Svg(Math.max(cols * cellW, 7 * title.length() + 40), 36 + rowsOfPanels * cellH);
        svg.text(20, 22, title, "start", 0);
        for (int i = 0; i < drawn.size(); i++) {
            svg.nested((i % cols) * cellW, 36 + (i / cols) * cellH, drawn.get(i).finish());
        }
        return svg.finish();
    }

    private static int longest(String[] labels) {
        int n = 0;
        for (String l : labels) {
            n = Math.max(n, l.length());
        }
        return n;
    }

    public void write(Path file) {
        AtomicFiles.writeString(file, toSvg());
    }
}
