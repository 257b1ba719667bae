package seqlab.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GELU(x) = x·Φ(x) (Hendrycks and Gimpel, 2016), Φ the standard normal CDF, in PyTorch's two forms:
 * exact, Φ(x) = (1 + erf(x/√2))/2 ({@code F.gelu}, nn.Transformer's "gelu"), and the tanh
 * approximation x/2·(1 + tanh(√(2/π)(x + 0.044715x³))) ({@code approximate="tanh"}, GPT-2's
 * {@code gelu_new}). The vector loops compute in float, 8 lanes to a 256-bit vector, within a few
 * float ulps of the double result (1·10⁻⁶ of max(1, |value|)), as PyTorch's float kernels do: where
 * 1 + u cancels (the tanh form below x ≈ −3) the tiny result keeps fewer correct digits. The scalar
 * loop, the reference, computes in double.
 *
 * <p>erf from erfc(z) = t·e^{−z² − 1.26551223 + t(1.00002368 + …)}, t = 1/(1 + z/2) (Numerical
 * Recipes' erfcc, a Chebyshev fit): fractional error below 1.2·10⁻⁷ everywhere, so GELU of a
 * large negative x keeps its relative accuracy.
 *
 * <p>The loops run on float vectors ({@link FastMath}'s exp and tanh: the Vector API's may give other
 * bits compiled than interpreted) split over the thread pool in whole vectors, {@link #CHUNK}
 * elements at a time through two scratch rows, each step an array pass (with a vector-valued
 * helper that C2 did not inline, the vectors were boxed: GELU was 23% of a GPT training step on
 * AVX2, 6.5% as passes); the last n mod L elements take the scalar {@link #reference} path. An element's
 * path depends only on n, so results are the same for any thread count.
 */
public final class Gelu {

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double K = Math.sqrt(2 / Math.PI);
    private static final double C = 0.044715;

    private Gelu() {}

    /** erfc(z) for z ≥ 0, fractional error below 1.2·10⁻⁷. */
    static double erfcPositive(double z) {
        double t = 1 / (1 + 0.5 * z);
        return t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
    }

    /** Φ(x) = erfc(−x/√2)/2. */
    static double cdf(double x) {
        double z = x * SQRT_HALF;
        return z >= 0 ? 1 - 0.5 * erfcPositive(z) : 0.5 * erfcPositive(-z);
    }

    private static final VectorSpecies<Float> F = Vec.F;
    private static final int L = F.length();
    /** A rough count of operations per element, for the thread split. */
    private static final long WORK = 40;

    /** Elements per staged pass: the loops below work a chunk at a time through two scratch rows of this many floats. */
    static final int CHUNK = 512 / L * L;

    /** y = GELU(x), element-wise over [0, n). */
    public static void forward(int n, boolean tanh, float[] x, int xOff, float[] y, int yOff) {
        check(n, x, xOff, y, yOff);
        int vectors = Kernels.reference() ? 0 : n / L;
        Parallel.forRanges(vectors, WORK * n, (v0, v1) -> {
            float[] s = Vec.scratch(2 * CHUNK);
            for (int c0 = v0 * L; c0 < v1 * L; c0 += CHUNK) {
                int m = Math.min(v1 * L - c0, CHUNK);                  // a multiple of L
                int xo = xOff + c0;
                int yo = yOff + c0;
                if (tanh) {
                    tanhOfArgument(m, x, xo, s);
                    for (int i = 0; i < m; i += L) {
                        FloatVector v = FloatVector.fromArray(F, x, xo + i);
                        FloatVector u = FloatVector.fromArray(F, s, CHUNK + i);
                        v.mul(u.add(1f).mul(0.5f)).intoArray(y, yo + i);                     // x·½(1 + tanh(√(2/π)(x + 0.044715x³)))
                    }
                } else {
                    cdf(m, x, xo, s);
                    for (int i = 0; i < m; i += L) {
                        FloatVector.fromArray(F, x, xo + i).mul(FloatVector.fromArray(F, s, i)).intoArray(y, yo + i);   // x·Φ(x)
                    }
                }
            }
        });
        reference(vectors * L, n, tanh, x, xOff, y, yOff);
    }

    /** dx += dy·GELU'(x) over [0, n); see {@link #referenceBackward} for the derivative. */
    public static void backward(int n, boolean tanh, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        check(n, x, xOff, dx, dxOff);
        check(n, dy, dyOff, dx, dxOff);
        int vectors = Kernels.reference() ? 0 : n / L;
        Parallel.forRanges(vectors, WORK * n, (v0, v1) -> {
            float[] s = Vec.scratch(2 * CHUNK);
            for (int c0 = v0 * L; c0 < v1 * L; c0 += CHUNK) {
                int m = Math.min(v1 * L - c0, CHUNK);
                int xo = xOff + c0;
                int go = dyOff + c0;
                int dxo = dxOff + c0;
                if (tanh) {
                    tanhOfArgument(m, x, xo, s);
                    for (int i = 0; i < m; i += L) {
                        FloatVector v = FloatVector.fromArray(F, x, xo + i);
                        FloatVector u = FloatVector.fromArray(F, s, CHUNK + i);
                        FloatVector w = v.max(-1e4f).min(1e4f);                                      // x² would overflow past 1.8e19; 1 − u² is 0 there
                        FloatVector du = w.mul(w).mul((float) (3 * C)).add(1f).mul((float) K);      // √(2/π)(1 + 3·0.044715x²)
                        FloatVector g = u.add(1f).mul(0.5f).add(v.mul(0.5f).mul(u.mul(u).neg().add(1f)).mul(du));   // ½(1 + u) + ½x(1 − u²)·du
                        FloatVector.fromArray(F, dy, go + i).mul(g).add(FloatVector.fromArray(F, dx, dxo + i)).intoArray(dx, dxo + i);
                    }
                } else {
                    cdf(m, x, xo, s);                                                               // s[0, m) = Φ(x)
                    for (int i = 0; i < m; i += L) {
                        FloatVector v = FloatVector.fromArray(F, x, xo + i);
                        v.mul(v).mul(-0.5f).intoArray(s, CHUNK + i);
                    }
                    FastMath.exp(m, s, CHUNK, s, CHUNK);                                          // s[CHUNK, CHUNK + m) = e^{−x²/2}
                    for (int i = 0; i < m; i += L) {
                        FloatVector v = FloatVector.fromArray(F, x, xo + i);
                        FloatVector pdf = FloatVector.fromArray(F, s, CHUNK + i).mul((float) INV_SQRT_2PI);
                        FloatVector g = FloatVector.fromArray(F, s, i).add(v.mul(pdf));              // Φ(x) + x·φ(x)
                        FloatVector.fromArray(F, dy, go + i).mul(g).add(FloatVector.fromArray(F, dx, dxo + i)).intoArray(dx, dxo + i);
                    }
                }
            }
        });
        referenceBackward(vectors * L, n, tanh, x, xOff, dy, dyOff, dx, dxOff);
    }

    /**
     * s[CHUNK, CHUNK + m) = u = tanh(√(2/π)(x + 0.044715x³)) for x[xo, xo + m), through s[0, m);
     * m a multiple of L. Array passes, never a vector handed to a call: C2 boxes a vector that
     * crosses a call it does not inline, and sends its operations down the Vector API's generic path.
     */
    private static void tanhOfArgument(int m, float[] x, int xo, float[] s) {
        for (int i = 0; i < m; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            v.mul((float) K).mul(v.mul(v).mul((float) C).add(1f)).intoArray(s, i);
        }
        FastMath.tanh(m, s, 0, s, CHUNK);
    }

    /**
     * s[0, m) = Φ(x) for x[xo, xo + m), through s[CHUNK, CHUNK + m): erfc(|z|)/2 or 1 − erfc(|z|)/2 by
     * the sign of z = x/√2 (NaN stays NaN); m a multiple of L. Array passes (see {@link #tanhOfArgument}).
     */
    private static void cdf(int m, float[] x, int xo, float[] s) {
        for (int i = 0; i < m; i += L) {
            FloatVector a = FloatVector.fromArray(F, x, xo + i).mul((float) SQRT_HALF).abs();
            FloatVector t = FloatVector.broadcast(F, 1f).div(a.mul(0.5f).add(1f));                   // t = 1/(1 + |z|/2)
            FloatVector p = t.mul(0.17087277f).add(-0.82215223f).mul(t).add(1.48851587f).mul(t).add(-1.13520398f).mul(t).add(0.27886807f)
                    .mul(t).add(-0.18628806f).mul(t).add(0.09678418f).mul(t).add(0.37409196f).mul(t).add(1.00002368f).mul(t).add(-1.26551223f);
            t.intoArray(s, i);
            a.mul(a).neg().add(p).intoArray(s, CHUNK + i);
        }
        FastMath.exp(m, s, CHUNK, s, CHUNK);
        for (int i = 0; i < m; i += L) {
            FloatVector half = FloatVector.fromArray(F, s, i).mul(FloatVector.fromArray(F, s, CHUNK + i)).mul(0.5f);   // erfc(|z|)/2
            VectorMask<Float> positive = FloatVector.fromArray(F, x, xo + i).compare(VectorOperators.GE, 0f);
            half.blend(half.neg().add(1f), positive).intoArray(s, i);
        }
    }

    private static void check(int n, float[] a, int aOff, float[] b, int bOff) {
        if (n < 0 || aOff < 0 || bOff < 0 || aOff + n > a.length || bOff + n > b.length) {
            throw new IllegalArgumentException("gelu: " + n + " elements from offsets " + aOff + " and " + bOff + " do not fit arrays of "
                    + a.length + " and " + b.length);
        }
    }

    /** The scalar loop over [from, n): y = GELU(x). */
    static void reference(int from, int n, boolean tanh, float[] x, int xOff, float[] y, int yOff) {
        for (int i = from; i < n; i++) {
            double v = x[xOff + i];
            y[yOff + i] = (float) (tanh ? 0.5 * v * (1 + Math.tanh(K * (v + C * v * v * v))) : v * cdf(v));
        }
    }

    /**
     * The scalar loop over [from, n): dx += dy·GELU'(x), exact Φ(x) + x·φ(x); tanh form
     * ½(1 + u) + ½x(1 − u²)·√(2/π)(1 + 3·0.044715x²), u = tanh(…).
     */
    static void referenceBackward(int from, int n, boolean tanh, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = from; i < n; i++) {
            double v = x[xOff + i];
            double g;
            if (tanh) {
                double u = Math.tanh(K * (v + C * v * v * v));
                g = 0.5 * (1 + u) + 0.5 * v * (1 - u * u) * K * (1 + 3 * C * v * v);
            } else {
                g = cdf(v) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
            }
            dx[dxOff + i] += (float) (dy[dyOff + i] * g);
        }
    }
}
