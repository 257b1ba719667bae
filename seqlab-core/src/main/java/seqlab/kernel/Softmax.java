package seqlab.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-wise softmax and log-softmax over the last dimension, with max subtraction so that large
 * logits never overflow: softmax(x)_j = e^{x_j − m} / Σ_k e^{x_k − m}, m = max_k x_k;
 * log_softmax(x)_j = x_j − m − ln Σ_k e^{x_k − m}.
 */
public final class Softmax {

    private static final VectorSpecies<Float> F = Vec.F;

    private Softmax() {}

    /** out[r, :] = log_softmax(x[r, :]) for the (rows, n) matrix; out may equal x. */
    public static void logSoftmax(int rows, int n, float[] x, int xOff, float[] out, int oOff, boolean reference) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * n;
            int oi = oOff + r * n;
            float m = max(n, x, xi, reference);
            float lse = m + (float) StrictMath.log(sumExp(n, x, xi, m, reference));
            int j = 0;
            if (!reference) {
                for (int bound = F.loopBound(n); j < bound; j += F.length()) {
                    FloatVector.fromArray(F, x, xi + j).sub(lse).intoArray(out, oi + j);
                }
            }
            for (; j < n; j++) {
                out[oi + j] = x[xi + j] - lse;
            }
        }
    }

    /** out[r, :] = softmax(x[r, :]); out may equal x. A row of all −∞ gives zeros. */
    public static void softmax(int rows, int n, float[] x, int xOff, float[] out, int oOff, boolean reference) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * n;
            int oi = oOff + r * n;
            float m = max(n, x, xi, reference);
            if (m == Float.NEGATIVE_INFINITY) {
                java.util.Arrays.fill(out, oi, oi + n, 0f);
                continue;
            }
            float inv = (float) (1.0 / sumExp(n, x, xi, m, reference));
            int j = 0;
            if (!reference) {
                for (int bound = F.loopBound(n); j < bound; j += F.length()) {
                    FastMath.exp(FloatVector.fromArray(F, x, xi + j).sub(m)).mul(inv).intoArray(out, oi + j);
                }
            }
            for (; j < n; j++) {
                out[oi + j] = (reference ? (float) StrictMath.exp(x[xi + j] - m) : FastMath.exp(x[xi + j] - m)) * inv;
            }
        }
    }

    static float max(int n, float[] x, int off, boolean reference) {
        float m = Float.NEGATIVE_INFINITY;
        int j = 0;
        if (!reference && n >= F.length()) {
            FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (int bound = F.loopBound(n); j < bound; j += F.length()) {
                mv = mv.max(FloatVector.fromArray(F, x, off + j));
            }
            m = mv.reduceLanes(VectorOperators.MAX);
        }
        for (; j < n; j++) {
            m = Math.max(m, x[off + j]);
        }
        return m;
    }

    /**
     * Σ_j e^{x_j − m}: the reference loop in double with StrictMath; the fast path with per-lane
     * float partial sums added lane by lane in a fixed order, then the tail.
     */
    static double sumExp(int n, float[] x, int off, float m, boolean reference) {
        if (reference) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += StrictMath.exp((double) x[off + j] - m);
            }
            return s;
        }
        double s = 0;
        int j = 0;
        if (n >= F.length()) {
            FloatVector acc = FloatVector.zero(F);
            for (int bound = F.loopBound(n); j < bound; j += F.length()) {
                acc = acc.add(FastMath.exp(FloatVector.fromArray(F, x, off + j).sub(m)));
            }
            for (float lane : acc.toArray()) {
                s += lane;
            }
        }
        for (; j < n; j++) {
            s += FastMath.exp(x[off + j] - m);
        }
        return s;
    }
}
