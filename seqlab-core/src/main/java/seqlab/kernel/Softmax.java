package seqlab.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-wise softmax and log-softmax over the last dimension, with max subtraction so that large
 * logits never overflow: softmax(x)_j = e^{x_j − m} / Σ_k e^{x_k − m}, m = max_k x_k;
 * log_softmax(x)_j = x_j − m − ln Σ_k e^{x_k − m}. The reference loops use double-precision
 * StrictMath; the fast path {@link FastMath} with per-lane partial sums added in a fixed order.
 */
public final class Softmax {

    private static final VectorSpecies<Float> F = Vec.F;

    private Softmax() {}

    /** out[r, :] = log_softmax(x[r, :]) for the (rows, n) matrix; out must not be x. */
    public static void logSoftmax(int rows, int n, float[] x, int xOff, float[] out, int oOff, boolean reference) {
        if (x == out && rows * n > 0) {
            throw new IllegalArgumentException("logSoftmax: out must not alias x");
        }
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * n;
            int oi = oOff + r * n;
            float m = max(n, x, xi);
            double sum = reference ? sumExpReference(n, x, xi, m) : expShifted(n, x, xi, m, out, oi);
            float lse = m + (float) StrictMath.log(sum);
            int j = 0;
            for (int bound = F.loopBound(n); j < bound; j += F.length()) {
                FloatVector.fromArray(F, x, xi + j).sub(lse).intoArray(out, oi + j);
            }
            for (; j < n; j++) {
                out[oi + j] = x[xi + j] - lse;
            }
        }
    }

    /** out[r, :] = softmax(x[r, :]); out may be x. A row of all −∞ gives zeros. */
    public static void softmax(int rows, int n, float[] x, int xOff, float[] out, int oOff, boolean reference) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * n;
            int oi = oOff + r * n;
            float m = max(n, x, xi);
            if (m == Float.NEGATIVE_INFINITY) {
                java.util.Arrays.fill(out, oi, oi + n, 0f);
                continue;
            }
            if (reference) {
                double sum = sumExpReference(n, x, xi, m);
                for (int j = 0; j < n; j++) {
                    out[oi + j] = (float) (StrictMath.exp((double) x[xi + j] - m) / sum);
                }
                continue;
            }
            float inv = (float) (1.0 / expShifted(n, x, xi, m, out, oi));
            Vec.scale(n, inv, out, oi);
        }
    }

    static float max(int n, float[] x, int off) {
        float m = Float.NEGATIVE_INFINITY;
        int j = 0;
        if (n >= F.length()) {
            FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (int bound = F.loopBound(n); j < bound; j += F.length()) {
                mv = mv.max(FloatVector.fromArray(F, x, off + j));
            }
            m = mv.reduceLanes(VectorOperators.MAX);             // max is exact in any order
        }
        for (; j < n; j++) {
            m = Math.max(m, x[off + j]);
        }
        return m;
    }

    /** out = e^{x − m}; returns Σ out, per-lane partial sums added lane by lane, then the tail. */
    private static double expShifted(int n, float[] x, int xOff, float m, float[] out, int oOff) {
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += F.length()) {
            FloatVector.fromArray(F, x, xOff + j).sub(m).intoArray(out, oOff + j);
        }
        for (; j < n; j++) {
            out[oOff + j] = x[xOff + j] - m;
        }
        FastMath.exp(n, out, oOff, out, oOff);
        double s = 0;
        j = 0;
        if (n >= F.length()) {
            FloatVector acc = FloatVector.zero(F);
            for (int bound = F.loopBound(n); j < bound; j += F.length()) {
                acc = acc.add(FloatVector.fromArray(F, out, oOff + j));
            }
            for (float lane : acc.toArray()) {
                s += lane;
            }
        }
        for (; j < n; j++) {
            s += out[oOff + j];
        }
        return s;
    }

    private static double sumExpReference(int n, float[] x, int off, float m) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += StrictMath.exp((double) x[off + j] - m);
        }
        return s;
    }
}
