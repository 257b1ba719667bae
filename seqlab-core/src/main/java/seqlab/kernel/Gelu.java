package seqlab.kernel;

/**
 * GELU(x) = x·Φ(x) (Hendrycks and Gimpel, 2016), Φ the standard normal CDF, in PyTorch's two forms:
 * exact, Φ(x) = (1 + erf(x/√2))/2 ({@code F.gelu}, nn.Transformer's "gelu"), and the tanh
 * approximation x/2·(1 + tanh(√(2/π)(x + 0.044715x³))) ({@code approximate="tanh"}, GPT-2's
 * {@code gelu_new}). Computed in double, rounded once.
 *
 * <p>erf from erfc(z) = t·e^{−z² − 1.26551223 + t(1.00002368 + …)}, t = 1/(1 + z/2) (Numerical
 * Recipes' erfcc, a Chebyshev fit): fractional error below 1.2·10⁻⁷ everywhere, so GELU of a
 * large negative x keeps its relative accuracy.
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

    /** y = GELU(x), element-wise over [0, n). */
    public static void forward(int n, boolean tanh, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            y[yOff + i] = (float) (tanh ? 0.5 * v * (1 + Math.tanh(K * (v + C * v * v * v))) : v * cdf(v));
        }
    }

    /** dx += dy·GELU'(x): exact Φ(x) + x·φ(x); tanh form ½(1 + u) + ½x(1 − u²)·√(2/π)(1 + 3·0.044715x²), u = tanh(…). */
    public static void backward(int n, boolean tanh, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) {
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
