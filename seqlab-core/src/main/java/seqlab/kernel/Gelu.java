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
 * bits compiled than interpreted) split over the thread pool
 * in whole vectors; the last n mod L elements take the scalar {@link #reference} path. An element's
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

    /** y = GELU(x), element-wise over [0, n). */
    public static void forward(int n, boolean tanh, float[] x, int xOff, float[] y, int yOff) {
        check(n, x, xOff, y, yOff);
        int vectors = Kernels.reference() ? 0 : n / L;
        Parallel.forRanges(vectors, WORK * n, (v0, v1) -> {
            // one loop per form: a vector chosen by a branch would be boxed by C2
            if (tanh) {
                for (int i = v0 * L; i < v1 * L; i += L) {
                    FloatVector v = FloatVector.fromArray(F, x, xOff + i);
                    v.mul(tanhOfArgument(v).add(1f).mul(0.5f)).intoArray(y, yOff + i);       // x·½(1 + tanh(√(2/π)(x + 0.044715x³)))
                }
            } else {
                for (int i = v0 * L; i < v1 * L; i += L) {
                    FloatVector v = FloatVector.fromArray(F, x, xOff + i);
                    v.mul(cdf(v)).intoArray(y, yOff + i);                                      // x·Φ(x)
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
            // one loop per form: a vector chosen by a branch would be boxed by C2
            if (tanh) {
                for (int i = v0 * L; i < v1 * L; i += L) {
                    FloatVector v = FloatVector.fromArray(F, x, xOff + i);
                    FloatVector u = tanhOfArgument(v);
                    FloatVector w = v.max(-1e4f).min(1e4f);                                          // x² would overflow past 1.8e19; 1 − u² is 0 there
                    FloatVector du = w.mul(w).mul((float) (3 * C)).add(1f).mul((float) K);          // √(2/π)(1 + 3·0.044715x²)
                    FloatVector g = u.add(1f).mul(0.5f).add(v.mul(0.5f).mul(u.mul(u).neg().add(1f)).mul(du));  // ½(1 + u) + ½x(1 − u²)·du
                    addInto(FloatVector.fromArray(F, dy, dyOff + i).mul(g), dx, dxOff + i);
                }
            } else {
                for (int i = v0 * L; i < v1 * L; i += L) {
                    FloatVector v = FloatVector.fromArray(F, x, xOff + i);
                    FloatVector pdf = FastMath.exp(v.mul(v).mul(-0.5f)).mul((float) INV_SQRT_2PI);
                    FloatVector g = cdf(v).add(v.mul(pdf));                                       // Φ(x) + x·φ(x)
                    addInto(FloatVector.fromArray(F, dy, dyOff + i).mul(g), dx, dxOff + i);
                }
            }
        });
        referenceBackward(vectors * L, n, tanh, x, xOff, dy, dyOff, dx, dxOff);
    }

    /** a[i…] += v. */
    private static void addInto(FloatVector v, float[] a, int i) {
        FloatVector.fromArray(F, a, i).add(v).intoArray(a, i);
    }

    /** u = tanh(√(2/π)(x + 0.044715x³)) on a vector. */
    private static FloatVector tanhOfArgument(FloatVector x) {
        return FastMath.tanh(x.mul((float) K).mul(x.mul(x).mul((float) C).add(1f)));
    }

    /** Φ(x) on a vector: erfc(|z|)/2 or 1 − erfc(|z|)/2 by the sign of z = x/√2 (NaN stays NaN). */
    private static FloatVector cdf(FloatVector x) {
        FloatVector z = x.mul((float) SQRT_HALF);
        FloatVector a = z.abs();
        FloatVector t = FloatVector.broadcast(F, 1f).div(a.mul(0.5f).add(1f));                       // t = 1/(1 + |z|/2)
        FloatVector p = t.mul(0.17087277f).add(-0.82215223f).mul(t).add(1.48851587f).mul(t).add(-1.13520398f).mul(t).add(0.27886807f)
                .mul(t).add(-0.18628806f).mul(t).add(0.09678418f).mul(t).add(0.37409196f).mul(t).add(1.00002368f).mul(t).add(-1.26551223f);
        FloatVector half = t.mul(FastMath.exp(a.mul(a).neg().add(p))).mul(0.5f);                      // erfc(|z|)/2
        VectorMask<Float> positive = z.compare(VectorOperators.GE, 0f);
        return half.blend(half.neg().add(1f), positive);
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
