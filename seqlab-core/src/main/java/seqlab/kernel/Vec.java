package seqlab.kernel;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Element-wise float[] operations (Vector API, scalar tail) and their reference loops. */
public final class Vec {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private Vec() {}

    /** y[i] += x[i] for i in [0, n). */
    public static void add(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, y, yOff + i).add(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }

    /** y[i] += a·x[i]. */
    public static void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        FloatVector av = FloatVector.broadcast(F, a);
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).fma(av, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(x[xOff + i], a, y[yOff + i]);
        }
    }

    /** x[i] *= a. */
    public static void scale(int n, float a, float[] x, int xOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).mul(a).intoArray(x, xOff + i);
        }
        for (; i < n; i++) {
            x[xOff + i] *= a;
        }
    }

    /**
     * Adds each row of the (rows, n) matrix x to y (n): y += Σ_r x[r, :], rows in order. The
     * columns are split over the pool, each summing its rows in order: the same sums for any split.
     */
    public static void addRows(int rows, int n, float[] x, int xOff, float[] y, int yOff) {
        Parallel.forRanges(n, (long) rows * n, (c0, c1) -> {
            for (int r = 0; r < rows; r++) {
                add(c1 - c0, x, xOff + r * n + c0, y, yOff + c0);
            }
        });
    }

    /** x[:] = 0, split over the pool from 512 Ki floats (2 MiB) on. */
    public static void zero(float[] x) {
        Parallel.forRanges(x.length, x.length / 16, (from, to) -> Arrays.fill(x, from, to, 0f));
    }

    /** Adds the vector b (n) to every row of the (rows, n) matrix y, the rows split over the pool. */
    public static void addBias(int rows, int n, float[] b, int bOff, float[] y, int yOff) {
        Parallel.forRanges(rows, (long) rows * n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                add(n, b, bOff, y, yOff + r * n);
            }
        });
    }

    /**
     * Σ x[i]·y[i]: lane-wise fused multiply-adds, then the lanes summed in lane order, then the tail
     * in order. Not {@code reduceLanes(ADD)}: its order is left to the implementation, and the
     * JIT-compiled and the interpreted code sum differently, so a result would depend on timing.
     */
    public static float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            acc = FloatVector.fromArray(F, x, xOff + i).fma(FloatVector.fromArray(F, y, yOff + i), acc);
        }
        float s = 0f;
        for (int l = 0; l < F.length(); l++) {
            s += acc.lane(l);
        }
        for (; i < n; i++) {
            s = Math.fma(x[xOff + i], y[yOff + i], s);
        }
        return s;
    }

    /** The index in [0, n) of the largest x[off + i], the first one on ties. */
    public static int argmax(int n, float[] x, int off) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (x[off + i] > x[off + best]) {
                best = i;
            }
        }
        return best;
    }

    /** Σ x[i]², accumulated in double in index order. */
    public static double sumSquares(int n, float[] x, int xOff) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            s += v * v;
        }
        return s;
    }

    private static final ScratchRow SCRATCH = new ScratchRow();

    /** A per-thread scratch row of at least n floats (contents undefined), reused across calls. */
    static float[] scratch(int n) {
        return SCRATCH.get(n);
    }

    /** σ(x) in double-precision StrictMath, rounded once: the reference loops' σ. */
    static float sigmoidReference(float x) {
        return (float) (1.0 / (1.0 + StrictMath.exp(-(double) x)));
    }

    static float tanhReference(float x) {
        return (float) StrictMath.tanh(x);
    }
}
