package seqlab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Axis ticks: "nice" steps of 1, 2 or 5 × 10^k on linear axes, powers of ten on log axes. */
final class Ticks {

    private Ticks() {}

    static List<Double> of(double lo, double hi, boolean log) {
        List<Double> out = new ArrayList<>();
        if (log) {
            // powers of ten; if the range holds fewer than two, 1-2-5 multiples; then every digit
            for (int[] mantissas : new int[][] {{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
                out.clear();
                for (int e = (int) Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
                    for (int m : mantissas) {
                        double t = m * Math.pow(10, e);
                        if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) {
                            out.add(t);
                        }
                    }
                }
                if (out.size() >= 2) {
                    return thin(out);
                }
            }
            return linear(lo, hi);                                   // a range within one decade: linear steps
        }
        return linear(lo, hi);
    }

    private static List<Double> linear(double lo, double hi) {
        List<Double> out = new ArrayList<>();
        double raw = (hi - lo) / 6;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        for (double t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return out;
    }

    /** Every k-th power of ten, so that a range of many decades keeps about eight labels. */
    private static List<Double> thin(List<Double> ticks) {
        int k = (ticks.size() + 7) / 8;
        if (k <= 1) {
            return ticks;
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < ticks.size(); i += k) {
            out.add(ticks.get(i));
        }
        return out;
    }

    /**
     * The labels of one axis in one form: decimals where every tick has a short decimal form, else
     * every tick as a power of ten (10⁵, 2×10⁻³), never "10" beside "1e+05".
     */
    static List<String> labels(List<Double> ticks) {
        boolean powers = ticks.stream().anyMatch(v -> v != 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3));
        List<String> out = new ArrayList<>();
        for (double v : ticks) {
            out.add(powers ? power(v) : label(v));
        }
        return out;
    }

    /** v as m×10ᵉ, m dropped when it is 1: 10⁵, 2×10⁻³, 0. */
    static String power(double v) {
        if (v == 0) {
            return "0";
        }
        int e = (int) Math.floor(Math.log10(Math.abs(v)) + 1e-9);
        double m = v / Math.pow(10, e);
        String mant = label(Math.round(m * 100) / 100.0);
        return (mant.equals("1") ? "" : mant.equals("-1") ? "−" : mant + "×") + "10" + superscript(e);
    }

    private static String superscript(int e) {
        String digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        StringBuilder b = new StringBuilder(e < 0 ? "⁻" : "");
        for (char c : Integer.toString(Math.abs(e)).toCharArray()) {
            b.append(digits.charAt(c - '0'));
        }
        return b.toString();
    }

    static String label(double v) {
        if (v != 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) {
            return String.format(Locale.ROOT, "%.0e", v);
        }
        String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
