package seqlab.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GELU(x) = x·Φ(x) (Hendrycks and Gimpel, 2016), Φ the standard normal CDF, in PyTorch's two forms:
 * exact, Φ(x) = (1 + erf(x/√2))/2 ({@code F.gelu}, nn.Transformer's "gelu"), and the tanh
 * approximation x/2·(1 + tanh(√(2/π)(x + 0.044715x³))) ({@code approximate="tanh"}, GPT-2's
 * {@code gelu_new}). Computed in double, rounded once.
 *
 * <p>erf from erfc(z) = t·e^{−z² − 1.26551223 + t(1.00002368 + …)}, t = 1/(1 + z/2) (Numerical
 * Recipes' erfcc, a Chebyshev fit): fractional error below 1.2·10⁻⁷ everywhere, so GELU of a
 * large negative x keeps its relative accuracy.
 *
 * <p>The loops run on vectors of doubles (the Vector API's exp and tanh) split over the thread pool
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

    private static final VectorSpecies<Double> D = DoubleLanes.D;
    private static final VectorSpecies<Float> F = DoubleLanes.F;
    private static final int L = DoubleLanes.L;
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
                    DoubleVector v = DoubleLanes.doubles(x, xOff + i);
                    store(v.mul(tanhOfArgument(v).add(1).mul(0.5)), y, yOff + i);           // x·½(1 + tanh(√(2/π)(x + 0.044715x³)))
                }
            } else {
                for (int i = v0 * L; i < v1 * L; i += L) {
                    DoubleVector v = DoubleLanes.doubles(x, xOff + i);
                    store(v.mul(cdf(v)), y, yOff + i);                                         // x·Φ(x)
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
                    DoubleVector v = DoubleLanes.doubles(x, xOff + i);
                    DoubleVector u = tanhOfArgument(v);
                    DoubleVector du = v.mul(v).mul(3 * C).add(1).mul(K);                        // √(2/π)(1 + 3·0.044715x²)
                    DoubleVector g = u.add(1).mul(0.5).add(v.mul(0.5).mul(u.mul(u).neg().add(1)).mul(du));  // ½(1 + u) + ½x(1 − u²)·du
                    addInto(DoubleLanes.doubles(dy, dyOff + i).mul(g), dx, dxOff + i);
                }
            } else {
                for (int i = v0 * L; i < v1 * L; i += L) {
                    DoubleVector v = DoubleLanes.doubles(x, xOff + i);
                    DoubleVector pdf = v.mul(v).mul(-0.5).lanewise(VectorOperators.EXP).mul(INV_SQRT_2PI);
                    DoubleVector g = cdf(v).add(v.mul(pdf));                                      // Φ(x) + x·φ(x)
                    addInto(DoubleLanes.doubles(dy, dyOff + i).mul(g), dx, dxOff + i);
                }
            }
        });
        referenceBackward(vectors * L, n, tanh, x, xOff, dy, dyOff, dx, dxOff);
    }

    private static void store(DoubleVector v, float[] a, int i) {
        DoubleLanes.floats(v).intoArray(a, i);
    }

    /** a[i…] += v, rounded to float first. */
    private static void addInto(DoubleVector v, float[] a, int i) {
        FloatVector.fromArray(F, a, i).add(DoubleLanes.floats(v)).intoArray(a, i);
    }

    /** u = tanh(√(2/π)(x + 0.044715x³)) on a vector. */
    private static DoubleVector tanhOfArgument(DoubleVector x) {
        return x.mul(K).mul(x.mul(x).mul(C).add(1)).lanewise(VectorOperators.TANH);
    }

    /** Φ(x) on a vector: erfc(|z|)/2 or 1 − erfc(|z|)/2 by the sign of z = x/√2 (NaN stays NaN). */
    private static DoubleVector cdf(DoubleVector x) {
        DoubleVector z = x.mul(SQRT_HALF);
        DoubleVector a = z.abs();
        DoubleVector t = DoubleVector.broadcast(D, 1).div(a.mul(0.5).add(1));                         // t = 1/(1 + |z|/2)
        DoubleVector p = t.mul(0.17087277).add(-0.82215223).mul(t).add(1.48851587).mul(t).add(-1.13520398).mul(t).add(0.27886807)
                .mul(t).add(-0.18628806).mul(t).add(0.09678418).mul(t).add(0.37409196).mul(t).add(1.00002368).mul(t).add(-1.26551223);
        DoubleVector half = t.mul(a.mul(a).neg().add(p).lanewise(VectorOperators.EXP)).mul(0.5);      // erfc(|z|)/2
        VectorMask<Double> positive = z.compare(VectorOperators.GE, 0);
        return half.blend(half.neg().add(1), positive);
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
