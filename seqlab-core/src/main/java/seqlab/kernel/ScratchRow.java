package seqlab.kernel;

import java.util.Arrays;

/**
 * A per-thread row of floats (or of doubles), grown on demand and reused across calls. Each user
 * keeps its own instance (or shares one between calls that never nest), so a kernel holding one row
 * can call another kernel that holds a different one.
 */
final class ScratchRow {

    private final ThreadLocal<float[]> rows = ThreadLocal.withInitial(() -> new float[0]);
    private final ThreadLocal<double[]> wide = ThreadLocal.withInitial(() -> new double[0]);

    /** This thread's row, at least n floats (contents undefined). */
    float[] get(int n) {
        float[] s = rows.get();
        if (s.length < n) {
            s = new float[n];
            rows.set(s);
        }
        return s;
    }

    /** This thread's row with its first n floats zero. */
    float[] zeroed(int n) {
        float[] s = get(n);
        Arrays.fill(s, 0, n, 0f);
        return s;
    }

    /** This thread's row of doubles, at least n long (contents undefined). */
    double[] doubles(int n) {
        double[] s = wide.get();
        if (s.length < n) {
            s = new double[n];
            wide.set(s);
        }
        return s;
    }
}
