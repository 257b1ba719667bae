package seqlab.report;

import java.util.Locale;

/** A tiny SVG writer: elements appended to a buffer, text escaped, numbers in a fixed format. */
final class Svg {

    private final StringBuilder b = new StringBuilder();
    private final int width;
    private final int height;

    Svg(int width, int height) {
        this.width = width;
        this.height = height;
        b.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n", width, height, width, height));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String escape(String s) {
        StringBuilder o = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> o.append("&lt;");
                case '>' -> o.append("&gt;");
                case '&' -> o.append("&amp;");
                case '"' -> o.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\t') {
                        o.append(c);
                    }
                }
            }
        }
        return o.toString();
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke, double w) {
        return line(x1, y1, x2, y2, stroke, w, null);
    }

    /** A line, dashed by {@code dash} (an SVG stroke-dasharray) unless it is null. */
    Svg line(double x1, double y1, double x2, double y2, String stroke, double w, String dash) {
        b.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"").append(num(x2))
                .append("\" y2=\"").append(num(y2)).append("\" stroke=\"").append(stroke).append("\" stroke-width=\"")
                .append(num(w)).append('"').append(dash(dash)).append("/>\n");
        return this;
    }

    private static String dash(String dash) {
        return dash == null ? "" : " stroke-dasharray=\"" + dash + "\"";
    }

    Svg rect(double x, double y, double w, double h, String fill) {
        b.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"").append(num(w))
                .append("\" height=\"").append(num(h)).append("\" fill=\"").append(fill).append("\"/>\n");
        return this;
    }

    Svg text(double x, double y, String s, String anchor, double rotate) {
        b.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" text-anchor=\"").append(anchor).append('"');
        if (rotate != 0) {
            b.append(" transform=\"rotate(").append(num(rotate)).append(' ').append(num(x)).append(' ').append(num(y)).append(")\"");
        }
        b.append('>').append(escape(s)).append("</text>\n");
        return this;
    }

    Svg polyline(StringBuilder points, String stroke, String dash) {
        b.append("<polyline fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"2\"").append(dash(dash))
                .append(" points=\"").append(points.toString().strip()).append("\"/>\n");
        return this;
    }

    Svg circle(double cx, double cy, double r, String fill) {
        b.append("<circle cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy)).append("\" r=\"").append(num(r))
                .append("\" fill=\"").append(fill).append("\"/>\n");
        return this;
    }

    /** The marker shapes as paths around (0, 0): circle, square, triangle, diamond, triangle down, plus, cross, asterisk. */
    private static final String[] MARKERS = {
        "M-4,0 a4,4 0 1,0 8,0 a4,4 0 1,0 -8,0",
        "M-4,-4 h8 v8 h-8 Z",
        "M0,-5.2 L4.8,3.2 L-4.8,3.2 Z",
        "M0,-5.6 L5.6,0 L0,5.6 L-5.6,0 Z",
        "M0,5.2 L4.8,-3.2 L-4.8,-3.2 Z",
        "M-5.2,0 H5.2 M0,-5.2 V5.2",
        "M-4,-4 L4,4 M-4,4 L4,-4",
        "M-5.2,0 H5.2 M-4,-4 L4,4 M-4,4 L4,-4",
    };

    /**
     * Marker {@code shape} (modulo eight) centred on (x, y), hollow, so markers of series that
     * coincide stay visible one inside the other.
     */
    Svg marker(int shape, double x, double y, String stroke) {
        b.append("<path class=\"marker\" transform=\"translate(").append(num(x)).append(' ').append(num(y)).append(")\" d=\"")
                .append(MARKERS[shape % MARKERS.length]).append("\" fill=\"none\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"1.5\"/>\n");
        return this;
    }

    /** Another SVG drawing placed with its top-left corner at (x, y). */
    Svg nested(double x, double y, String svg) {
        if (!svg.startsWith("<svg ")) {
            throw new IllegalArgumentException("not an svg element");
        }
        b.append("<svg x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" ").append(svg.substring(5)).append('\n');
        return this;
    }

    String finish() {
        return b.append("</svg>\n").toString();
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }
}
